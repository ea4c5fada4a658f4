//! The operator's details in the site settings.

use chrono::{DateTime, Utc};
use serde_json::json;

use super::operator::{KEYS, Operator};
use crate::{
    db::{
        Db,
        audit::{self, AuditEntry},
    },
    domain::time::db_timestamp,
};

/// The operator as set (empty fields where nothing is).
pub async fn operator(db: &Db) -> Result<Operator, sqlx::Error> {
    let rows: Vec<(String, String)> = sqlx::query_as(OPERATOR).fetch_all(db.pool()).await?;
    Ok(Operator::from_settings(
        rows.iter().map(|(k, v)| (k.as_str(), v.as_str())),
    ))
}

/// Saves every field (an emptied one is saved empty) and audits who changed it.
pub async fn save_operator(
    db: &Db,
    operator: &Operator,
    admin_id: &str,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let at = db_timestamp(now);
    let mut tx = db.begin_write().await?;
    write_in(&mut tx, operator, &at).await?;
    audit::record(
        &mut tx,
        AuditEntry {
            actor_user_id: Some(admin_id),
            action: "settings.operator",
            subject_type: "site",
            subject_id: "operator",
            details: json!(operator),
            ip: None,
        },
    )
    .await?;
    tx.commit().await
}

/// Writes every field in the caller's transaction (the form, and the demo seed).
pub async fn write_in(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    operator: &Operator,
    at: &str,
) -> Result<(), sqlx::Error> {
    for (key, value) in KEYS.iter().zip(operator.values()) {
        crate::admin::storage::put_setting(tx, key, value, at).await?;
    }
    Ok(())
}

// The module's SQL, each statement prepared on both engines by the `sql` integration test.
crate::db::statements! {
    /// `operator`.
    OPERATOR = "SELECT key, value FROM site_settings WHERE key LIKE 'operator%'";
}
