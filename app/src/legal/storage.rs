//! The operator's details in the site settings.

use chrono::{DateTime, Utc};
use serde_json::json;

use super::operator::{KEYS, Operator};
use crate::{
    db::{
        Db,
        audit::{self, AuditEntry},
        kept::Kept,
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

/// The operator's details as every page's footer shows them, kept a few seconds: one read
/// fewer per page. A save through this server forgets them at once; other servers behind the
/// same proxy show a change within [`OperatorCache::FRESH`].
#[derive(Clone)]
pub struct OperatorCache(Kept<(), Operator>);

impl Default for OperatorCache {
    fn default() -> Self {
        Self(Kept::new(Self::FRESH, 1))
    }
}

impl OperatorCache {
    pub const FRESH: std::time::Duration = std::time::Duration::from_secs(10);

    pub async fn get(&self, db: &Db) -> Result<Operator, sqlx::Error> {
        self.0.get_or_load((), || operator(db)).await
    }

    /// After a save: the next page reads the details again.
    pub fn forget(&self) {
        self.0.forget();
    }
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
