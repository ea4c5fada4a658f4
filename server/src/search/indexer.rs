//! Keeping the index in step with the database (the source of truth): at start-up a damaged,
//! incomplete or miscounted index is rebuilt (a valid one is not); then queued changes are
//! applied as they come, and stars are re-checked when the day changes.

use std::{
    sync::{Arc, Mutex},
    time::Duration,
};

use app::{
    db::Db,
    domain::time::vietnam_date,
    search::{
        engine::{SearchEngine, SearchError, day_number},
        service::Search,
        sync::{self, Writer},
    },
};
use chrono::{DateTime, NaiveDate, Utc};

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
    #[error("another server took over writing the search index")]
    LeaseLost,
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

/// Rebuilds the index when it is damaged (the engine's own check, which sees what a crashed
/// write left behind), incomplete, or does not hold as many products as are public.
pub async fn repair(
    db: &Db,
    engine: &dyn SearchEngine,
    writer: Writer<'_>,
) -> Result<Repair, IndexError> {
    match engine.verify().await {
        Ok(()) => {}
        Err(SearchError::Corrupt(e)) => {
            tracing::warn!(error = %e, "search index damaged: rebuilding");
            return rebuild(db, engine, writer).await;
        }
        Err(e) => return Err(e.into()),
    }
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
            rebuild(db, engine, writer).await
        }
        Err(SearchError::Corrupt(e)) => {
            tracing::warn!(error = %e, "search index damaged: rebuilding");
            rebuild(db, engine, writer).await
        }
        Err(e) => Err(e.into()),
    }
}

/// The most queued changes a rebuild clears; any beyond are applied again afterwards (writes
/// are idempotent), so a rebuild's memory does not grow with a backlog.
const CLEAR_AT_MOST: i64 = 10_000;

/// Rebuilds the whole index from the database.
pub async fn rebuild(
    db: &Db,
    engine: &dyn SearchEngine,
    writer: Writer<'_>,
) -> Result<Repair, IndexError> {
    // The queued changes visible now are committed, so the documents read next include them:
    // exactly these are cleared afterwards. (Not "every id up to the newest": ids are made
    // before their transaction commits, so a smaller id can commit after this read.)
    let seen = sync::pending(db, CLEAR_AT_MOST).await?;
    let docs = sync::all_documents(db, today()).await?;
    let documents = docs.len();
    engine.rebuild(docs).await?;
    if !sync::done(db, &seen, writer).await? {
        return Err(IndexError::LeaseLost);
    }
    Ok(Repair::Rebuilt { documents })
}

/// How long `ocop reindex` waits after taking the writing over before it reads the database: a
/// server's pass that was under way stops at its next renewal, at most [`RENEW`] after it last
/// renewed (see `run`), and whatever it had sent the engine by then is ahead of the rebuild in
/// the engine's queue. Twice that, for a renewal that waits for a connection.
const HAND_OVER: Duration = Duration::from_secs(RENEW.as_secs() * 2);

/// Rebuilds a shared index (Meilisearch) while servers may be writing it: `ocop reindex` takes
/// the writing over for the rebuild. Otherwise a change a server applied after the rebuild read
/// the database, and cleared from the queue, would be swapped away with the old index. The
/// servers take the writing back afterwards, with the changes queued since.
pub async fn rebuild_shared(db: &Db, engine: &dyn SearchEngine) -> Result<Repair, IndexError> {
    let me: Arc<str> = format!("reindex-{}", app::db::ids::new_id()).into();
    let displaced = app::servers::take_over(db, sync::WRITER_JOB, &me, Utc::now(), LEASE).await?;
    let mut lease = app::servers::Lease::new(sync::WRITER_JOB, me.clone(), LEASE);
    let kept = keep(&mut lease, db, RENEW);
    let rebuilt = async {
        // No lease was running: no writer has a pass to finish.
        if displaced {
            tokio::time::sleep(HAND_OVER).await;
        }
        rebuild(db, engine, Writer::Leased(&me)).await
    };
    let outcome = tokio::select! {
        rebuilt = rebuilt => rebuilt,
        lost = kept => Err(lost),
    };
    // Given back at once, not left to lapse: the servers' queued changes follow. Failing that,
    // it lapses in LEASE; the rebuild's own outcome is what the operator needs to see.
    if let Err(e) = lease.give_up(db, Utc::now()).await {
        tracing::warn!(error = %e, "could not give the search writer's lease back; it lapses");
    }
    outcome
}

/// Renews `lease` after `first`, then every [`RENEW`], until the renewal fails: how a write
/// that outlives the lease's time is stopped before another holder writes beside it.
async fn keep(lease: &mut app::servers::Lease, db: &Db, first: Duration) -> IndexError {
    tokio::time::sleep(first).await;
    loop {
        match lease.renew(db, Utc::now()).await {
            Ok(true) => {}
            Ok(false) => return IndexError::LeaseLost,
            Err(e) => return IndexError::Db(e),
        }
        tokio::time::sleep(RENEW).await;
    }
}

/// Applies up to one batch of queued changes; returns how many queue rows it cleared.
pub async fn apply_queued(
    db: &Db,
    engine: &dyn SearchEngine,
    writer: Writer<'_>,
) -> Result<usize, IndexError> {
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
    if !sync::done(db, &queued, writer).await? {
        return Err(IndexError::LeaseLost);
    }
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

/// What the indexer has been through, for `/healthz`.
#[derive(Debug, Default)]
pub struct WriterHealth {
    state: Mutex<WriterState>,
}

#[derive(Clone, Debug, Default)]
pub struct WriterState {
    /// Passes that failed in a row (0: the last pass worked).
    pub failures: u32,
    /// The latest failure, and when; kept after recovery, for the operator.
    pub last_error: Option<(String, DateTime<Utc>)>,
    /// Rebuilds since start-up (start-up repair, damage found while writing, `ocop reindex`).
    pub rebuilds: u64,
}

impl WriterHealth {
    pub fn snapshot(&self) -> WriterState {
        self.lock().clone()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, WriterState> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn failed(&self, e: &IndexError) {
        let mut s = self.lock();
        s.failures += 1;
        s.last_error = Some((e.to_string(), Utc::now()));
    }

    fn worked(&self) {
        self.lock().failures = 0;
    }

    fn rebuilt(&self) {
        self.lock().rebuilds += 1;
    }
}

/// The longest wait between passes while writes fail: an outage is retried, but slowly.
const MAX_BACKOFF: Duration = Duration::from_secs(10);

/// How long the writing server's lease lasts unrenewed: another takes over this long after it
/// crashed (at once after it stopped).
const LEASE: chrono::Duration = chrono::Duration::seconds(15);

/// How often the writer renews its lease while a pass runs.
const RENEW: Duration = Duration::from_secs(5);

/// Failed passes in a row after which a writer gives its lease up.
const WRITER_FAILURES: u32 = 3;

/// How often the vocabulary is read again from the database whole, whatever changed: every
/// write this server makes updates it at once, and the other servers follow the writer's.
pub const VOCABULARY_REFRESH: Duration = Duration::from_secs(600);

/// How often at most a server that does not write the index reads the vocabulary again while
/// the writer applies changes.
const VOCABULARY_FOLLOW: Duration = Duration::from_secs(1);

/// Runs for the life of the server: repairs the index (retrying while the engine is down),
/// then applies queued changes and refreshes stars daily. A write that finds the index damaged
/// rebuilds it from the database at once, instead of retrying a write that cannot succeed.
/// Writes go through `search.engine`, which keeps the vocabulary in step; it is read whole at
/// start-up (when the index was kept) and every `VOCABULARY_REFRESH`.
///
/// With several servers on one database only the holder of the `search_outbox` lease writes
/// (see `app::servers`): two writers could each read a product, and the older read land last.
pub async fn run(db: Db, search: Search, health: Arc<WriterHealth>, server: Arc<str>) {
    let engine: Arc<dyn SearchEngine> = search.engine.clone();
    let mut lease = app::servers::Lease::new(sync::WRITER_JOB, server.clone(), LEASE);
    let fence = Writer::Leased(&server);
    let mut seen_generation: Option<i64> = None;
    let mut vocabulary_read: Option<std::time::Instant> = None;
    let mut repaired = false;
    let mut stars_checked: Option<NaiveDate> = None;
    let mut wait = POLL;
    // Failed passes in a row while writing: past WRITER_FAILURES the lease is given up, so a
    // server whose engine works takes over (a bad key or a network path only this one has).
    let mut failures = 0u32;
    loop {
        let pass = async {
            // Every server reads the vocabulary; only the lease's holder writes.
            let writer = lease.held(&db, chrono::Utc::now()).await?;
            if vocabulary_read.is_none_or(|at| at.elapsed() >= VOCABULARY_REFRESH) {
                seen_generation = Some(sync::generation(&db).await?);
                let words = search.load_vocabulary(&db, today()).await?;
                tracing::debug!(documents = words, "search vocabulary read");
                vocabulary_read = Some(std::time::Instant::now());
            }
            if !writer {
                // The writer's changes reach this server's vocabulary (its own writes do as
                // they are made): at most once a second while changes come.
                let generation = sync::generation(&db).await?;
                if seen_generation != Some(generation)
                    && vocabulary_read.is_none_or(|at| at.elapsed() >= VOCABULARY_FOLLOW)
                {
                    search.load_vocabulary(&db, today()).await?;
                    vocabulary_read = Some(std::time::Instant::now());
                    seen_generation = Some(generation);
                }
                return Ok(false);
            }
            // Writing, with the lease renewed every third of its time meanwhile: a pass that
            // outlives it (a large rebuild, a slow engine) is stopped before another server
            // takes over, rather than writing beside it.
            let writes = async {
                if !repaired {
                    let repair = repair(&db, engine.as_ref(), fence).await?;
                    tracing::info!(?repair, engine = engine.name(), "search index ready");
                    if repair != Repair::Valid {
                        health.rebuilt();
                    }
                    repaired = true;
                }
                if engine.rebuild_requested() {
                    tracing::info!("rebuilding the search index, as `ocop reindex` asked");
                    let rebuilt = rebuild(&db, engine.as_ref(), fence).await;
                    engine.rebuild_answered(match &rebuilt {
                        Ok(Repair::Rebuilt { documents }) => Ok(*documents),
                        Ok(Repair::Valid) => Ok(0),
                        Err(e) => Err(e.to_string()),
                    });
                    rebuilt?;
                    health.rebuilt();
                }
                let day = today();
                if stars_checked != Some(day) {
                    refresh_stars(&db, engine.as_ref(), day).await?;
                    stars_checked = Some(day);
                }
                while apply_queued(&db, engine.as_ref(), fence).await? == BATCH as usize {}
                Ok::<(), IndexError>(())
            };
            // The first check comes RENEW after the last renewal, not after this pass began:
            // `held` trusts a renewal that long, so a pass begun just before then would
            // otherwise write for up to twice RENEW after another took the lease.
            let first = lease
                .renewed_at()
                .and_then(|at| {
                    (at + chrono::Duration::from_std(RENEW).ok()? - Utc::now())
                        .to_std()
                        .ok()
                })
                .unwrap_or(Duration::ZERO);
            let kept = keep(&mut lease, &db, first);
            tokio::select! {
                written = writes => written.map(|()| true),
                lost = kept => Err(lost),
            }
        };
        let outcome = match pass.await {
            Err(IndexError::LeaseLost) => {
                // Taken over (`ocop reindex`, or another server after a stall): not a failure of
                // the engine; this server asks for the lease again, like the others.
                tracing::info!("another process took over writing the search index");
                lease.lost(chrono::Utc::now());
                Ok(false)
            }
            other => other,
        };
        match &outcome {
            Ok(true) => failures = 0,
            Ok(false) => {}
            Err(_) => {
                failures += 1;
                if failures >= WRITER_FAILURES && lease.holds() {
                    tracing::warn!(
                        failures,
                        "giving the search index's writing to another server"
                    );
                    if let Err(e) = lease.give_up(&db, chrono::Utc::now()).await {
                        tracing::warn!(error = %e, "could not give up the search writer's lease");
                    }
                    failures = 0;
                }
            }
        }
        match outcome.map(|_| ()) {
            Ok(()) => {
                if health.snapshot().failures > 0 {
                    tracing::info!("search index writes work again");
                }
                health.worked();
                wait = POLL;
            }
            Err(e) => {
                // Logged once per outage, not every pass.
                if health.snapshot().failures == 0 {
                    tracing::error!(error = %e, "updating the search index failed; changes stay queued");
                }
                health.failed(&e);
                wait = (wait * 2).clamp(POLL, MAX_BACKOFF);
                if let IndexError::Engine(SearchError::Corrupt(damage)) = &e {
                    tracing::warn!(error = %damage, "search index damaged: rebuilding it from the database");
                    match rebuild(&db, engine.as_ref(), fence).await {
                        Ok(repair) => {
                            tracing::info!(?repair, "search index rebuilt");
                            health.rebuilt();
                            // The queued changes follow at once.
                            wait = Duration::ZERO;
                        }
                        Err(e) => {
                            tracing::error!(error = %e, "rebuilding the search index failed");
                            health.failed(&e);
                        }
                    }
                }
            }
        }
        tokio::time::sleep(wait).await;
    }
}
