//! The audit log: who did what to which record, appended in the same transaction as the change.

use sqlx::{Any, Transaction};

use super::{Db, ids::new_id};
use crate::domain::time::db_timestamp;

/// One privileged action. `details` is a JSON object.
pub struct AuditEntry<'a> {
    pub actor_user_id: Option<&'a str>,
    pub action: &'a str,
    pub subject_type: &'a str,
    pub subject_id: &'a str,
    pub details: serde_json::Value,
    pub ip: Option<&'a str>,
}

pub async fn record(
    tx: &mut Transaction<'_, Any>,
    entry: AuditEntry<'_>,
) -> Result<(), sqlx::Error> {
    sqlx::query(RECORD)
        .bind(new_id())
        .bind(entry.actor_user_id)
        .bind(entry.action)
        .bind(entry.subject_type)
        .bind(entry.subject_id)
        .bind(entry.details.to_string())
        .bind(entry.ip)
        .bind(db_timestamp(chrono::Utc::now()))
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Runs `core` inside a write transaction, records the audit entry `entry` makes of its result
/// in the same transaction and commits both; an error anywhere commits nothing. When `entry`
/// answers `None` (the core found nothing to change), nothing is recorded or committed.
pub async fn with_audit<'e, T, E>(
    db: &Db,
    core: impl for<'t> AsyncFnOnce(&mut Transaction<'t, Any>) -> Result<T, E>,
    entry: impl FnOnce(&T) -> Option<AuditEntry<'e>>,
) -> Result<T, E>
where
    E: From<sqlx::Error>,
{
    let mut tx = db.begin_write().await?;
    let out = core(&mut tx).await?;
    if let Some(entry) = entry(&out) {
        record(&mut tx, entry).await?;
        tx.commit().await?;
    }
    Ok(out)
}

// The module's SQL, each statement prepared on both engines by the `sql` integration test.
crate::db::statements! {
    /// `record`.
    RECORD = "INSERT INTO audit_log (id, actor_user_id, action, subject_type, subject_id, details, ip, created_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";
}
