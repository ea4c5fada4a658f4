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

/// The operator's details as every page's footer shows them, kept a few seconds: one read
/// fewer per page. A save through this server forgets them at once; other servers behind the
/// same proxy show a change within [`OperatorCache::FRESH`].
#[derive(Clone, Default)]
pub struct OperatorCache(std::sync::Arc<CacheSlot>);

#[derive(Default)]
struct CacheSlot {
    kept: std::sync::RwLock<Option<(std::time::Instant, Operator)>>,
    /// Bumped by `forget`: a read that began before a save must not put back what it read.
    generation: std::sync::atomic::AtomicU64,
}

impl OperatorCache {
    pub const FRESH: std::time::Duration = std::time::Duration::from_secs(10);

    pub async fn get(&self, db: &Db) -> Result<Operator, sqlx::Error> {
        use std::sync::{PoisonError, atomic::Ordering};
        if let Some((at, o)) = &*self.0.kept.read().unwrap_or_else(PoisonError::into_inner)
            && at.elapsed() < Self::FRESH
        {
            return Ok(o.clone());
        }
        let generation = self.0.generation.load(Ordering::Acquire);
        let o = operator(db).await?;
        let mut kept = self.0.kept.write().unwrap_or_else(PoisonError::into_inner);
        if self.0.generation.load(Ordering::Acquire) == generation {
            *kept = Some((std::time::Instant::now(), o.clone()));
        }
        Ok(o)
    }

    /// After a save: the next page reads the details again.
    pub fn forget(&self) {
        use std::sync::{PoisonError, atomic::Ordering};
        let mut kept = self.0.kept.write().unwrap_or_else(PoisonError::into_inner);
        self.0.generation.fetch_add(1, Ordering::AcqRel);
        *kept = None;
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
