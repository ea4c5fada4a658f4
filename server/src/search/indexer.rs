//! Keeping the index in step with the database (the source of truth): at start-up a damaged,
//! incomplete or miscounted index is rebuilt (a valid one is not); then queued changes are
//! applied as they come, and stars are re-checked when the day changes.

use std::{sync::Arc, time::Duration};

use app::{
    db::Db,
    domain::time::vietnam_date,
    search::{
        engine::{SearchEngine, SearchError, day_number},
        sync,
    },
};
use chrono::NaiveDate;

/// How often the queue is read: changes show in search well within a second.
pub const POLL: Duration = Duration::from_millis(200);
/// Changes applied per engine write.
const BATCH: i64 = 500;

#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    #[error(transparent)]
    Engine(#[from] SearchError),
    #[error("reading the database for the search index: {0}")]
    Db(#[from] sqlx::Error),
}

/// What start-up did to the index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Repair {
    /// The index was complete and held every public product.
    Valid,
    Rebuilt {
        documents: usize,
    },
}

fn today() -> NaiveDate {
    vietnam_date(chrono::Utc::now())
}

/// Rebuilds the index when it is incomplete or does not hold as many products as are public.
pub async fn repair(db: &Db, engine: &dyn SearchEngine) -> Result<Repair, IndexError> {
    let status = engine.status().await;
    let public = sync::public_count(db).await?;
    match status {
        Ok(s) if s.complete && s.documents == public as u64 => Ok(Repair::Valid),
        Ok(s) => {
            tracing::info!(
                complete = s.complete,
                indexed = s.documents,
                public,
                "search index out of step with the database: rebuilding"
            );
            rebuild(db, engine).await
        }
        Err(SearchError::Corrupt(e)) => {
            tracing::warn!(error = %e, "search index damaged: rebuilding");
            rebuild(db, engine).await
        }
        Err(e) => Err(e.into()),
    }
}

/// Rebuilds the whole index from the database.
pub async fn rebuild(db: &Db, engine: &dyn SearchEngine) -> Result<Repair, IndexError> {
    // Changes queued before this point are in the documents read below; later ones stay queued.
    let newest = sync::newest(db).await?;
    let docs = sync::all_documents(db, today()).await?;
    let documents = docs.len();
    engine.rebuild(docs).await?;
    if let Some(newest) = newest {
        sync::clear_up_to(db, &newest).await?;
    }
    Ok(Repair::Rebuilt { documents })
}

/// Applies up to one batch of queued changes; returns how many queue rows it cleared.
pub async fn apply_queued(db: &Db, engine: &dyn SearchEngine) -> Result<usize, IndexError> {
    let queued = sync::pending(db, BATCH).await?;
    if queued.is_empty() {
        return Ok(0);
    }
    let mut ids: Vec<String> = queued.iter().map(|q| q.product_id.clone()).collect();
    ids.sort_unstable();
    ids.dedup();
    let (docs, gone) = sync::documents(db, &ids, today()).await?;
    engine.apply(docs, gone).await?;
    // Only now: had the engine failed, the rows would still be queued for the next pass.
    sync::done(db, &queued).await?;
    Ok(queued.len())
}

/// Re-indexes products whose stars may have changed by `day` (a certificate expired or began).
pub async fn refresh_stars(
    db: &Db,
    engine: &dyn SearchEngine,
    day: NaiveDate,
) -> Result<usize, IndexError> {
    let ids = engine.stale(day_number(day)).await?;
    if ids.is_empty() {
        return Ok(0);
    }
    let (docs, gone) = sync::documents(db, &ids, day).await?;
    engine.apply(docs, gone).await?;
    Ok(ids.len())
}

/// Runs for the life of the server: repairs the index (retrying while the engine is down),
/// then applies queued changes and refreshes stars daily.
pub async fn run(db: Db, engine: Arc<dyn SearchEngine>) {
    let mut repaired = false;
    let mut stars_checked: Option<NaiveDate> = None;
    let mut failing = false;
    loop {
        let pass = async {
            if !repaired {
                let repair = repair(&db, engine.as_ref()).await?;
                tracing::info!(?repair, engine = engine.name(), "search index ready");
                repaired = true;
            }
            let day = today();
            if stars_checked != Some(day) {
                refresh_stars(&db, engine.as_ref(), day).await?;
                stars_checked = Some(day);
            }
            while apply_queued(&db, engine.as_ref()).await? == BATCH as usize {}
            Ok::<(), IndexError>(())
        };
        match pass.await {
            Ok(()) if failing => {
                tracing::info!("search index writes work again");
                failing = false;
            }
            Ok(()) => {}
            // Logged once per outage, not every 200 ms.
            Err(e) if !failing => {
                tracing::error!(error = %e, "updating the search index failed; changes stay queued");
                failing = true;
            }
            Err(_) => {}
        }
        tokio::time::sleep(POLL).await;
    }
}
