//! `/healthz`: is this server able to do its work? Load balancers and operators ask.

use std::time::Duration;

use axum::{Json, extract::State, http::StatusCode, response::IntoResponse};
use serde::Serialize;

use crate::startup::AppState;

/// The most each dependency's check may take: monitors need an answer, not a hang. The two
/// checks run at once, so `/healthz` answers within a second.
const BUDGET: Duration = Duration::from_millis(900);

/// Below this much free space on a SQLite file's disk the disk is reported full: a write that
/// needs a new page fails, even while small ones still fit in the space the log already holds
/// (so a one-row probe write alone would call the disk healthy).
const MIN_FREE_BYTES: u64 = 1 << 20;

#[derive(Serialize)]
struct Health {
    /// "ok" when every dependency answers, "degraded" otherwise.
    status: &'static str,
    version: &'static str,
    database: Component,
    search: SearchHealth,
}

#[derive(Serialize)]
struct SearchHealth {
    engine: &'static str,
    status: &'static str,
    /// Products in the index.
    #[serde(skip_serializing_if = "Option::is_none")]
    documents: Option<u64>,
    /// Changes waiting to reach the index.
    #[serde(skip_serializing_if = "Option::is_none")]
    queued: Option<i64>,
    /// How long the oldest waiting change has waited (absent: none waits).
    #[serde(skip_serializing_if = "Option::is_none")]
    oldest_queued_secs: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
    writer: WriterHealth,
}

/// The indexer, which applies queued changes to the index.
#[derive(Serialize)]
struct WriterHealth {
    /// "ok", or "failing" while its passes fail.
    status: &'static str,
    /// Passes failed in a row.
    failures: u32,
    /// Its latest error, kept after it recovers (with how long ago, in seconds).
    #[serde(skip_serializing_if = "Option::is_none")]
    last_error: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    last_error_secs: Option<i64>,
    /// Full rebuilds since the server started (repair at start-up, damage found by a write,
    /// `ocop reindex`).
    rebuilds: u64,
}

/// A change waiting longer than this means the indexer is stuck even if it reports no error.
const QUEUE_AGE_LIMIT_SECS: i64 = 120;

/// The search engine's state. A search outage degrades the site (pages still serve and say
/// search is unavailable) but does not take the server out of rotation: the answer stays 200.
/// Searches may answer while writes fail (results then go stale): that is "degraded" too.
async fn search_health(state: &AppState) -> SearchHealth {
    let engine = state.search.engine.clone();
    let status = tokio::time::timeout(BUDGET, engine.status()).await;
    let now = chrono::Utc::now();
    let w = state.search_writer.snapshot();
    let writer = WriterHealth {
        status: if w.failures > 0 { "failing" } else { "ok" },
        failures: w.failures,
        last_error_secs: w
            .last_error
            .as_ref()
            .map(|(_, at)| (now - *at).num_seconds().max(0)),
        last_error: w.last_error.map(|(e, _)| e),
        rebuilds: w.rebuilds,
    };
    let (status, documents, error) = match status {
        // Whether the queue lags is known once the database has answered (see `healthz`).
        Ok(Ok(s)) => {
            let status = if writer.failures > 0 {
                "degraded"
            } else {
                "ok"
            };
            (status, Some(s.documents), None)
        }
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "health check: search does not answer");
            ("error", None, Some(e.to_string()))
        }
        Err(_) => (
            "error",
            None,
            Some("the search engine did not answer within 0.9 s".to_owned()),
        ),
    };
    SearchHealth {
        engine: engine.name(),
        status,
        documents,
        // Read from the database by the caller, within the database's budget.
        queued: None,
        oldest_queued_secs: None,
        error,
        writer,
    }
}

/// The search queue, as the database has it.
struct Queue {
    length: i64,
    oldest: Option<chrono::DateTime<chrono::Utc>>,
}

#[derive(Serialize)]
struct Component {
    engine: &'static str,
    status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

/// The database's state, and the search queue's length read from it, within [`BUDGET`]. After a
/// storage fault (e.g. a full disk) a one-row write tells whether writes are stored again.
async fn database_health(state: &AppState) -> (Component, Option<Queue>) {
    let db = &state.db;
    let component = |error: Option<String>| Component {
        engine: db.engine().name(),
        status: if error.is_none() { "ok" } else { "error" },
        error,
    };
    if db.known_unreachable() {
        return (
            component(Some("the database does not answer".to_owned())),
            None,
        );
    }
    let checked = tokio::time::timeout(BUDGET, async {
        if let Some(folder) = db.sqlite_folder()
            && fs4::available_space(folder).is_ok_and(|free| free < MIN_FREE_BYTES)
        {
            return Err(app::db::storage::StorageFault::Full.describe().to_owned());
        }
        if db.storage_fault().is_some()
            && let Err(e) = db.probe_write().await
        {
            let said = app::db::storage::storage_fault(&e)
                .map_or_else(|| "the database does not answer", |f| f.describe());
            return Err(said.to_owned());
        }
        if let Err(e) = db.ping().await {
            tracing::warn!(error = %e, "health check: database does not answer");
            db.note_error(&e);
            return Err("the database does not answer".to_owned());
        }
        db.note_reachable();
        let length = app::search::sync::backlog(db).await.ok();
        let oldest = app::search::sync::oldest_queued_at(db).await.ok().flatten();
        Ok(length.map(|length| Queue { length, oldest }))
    })
    .await;
    match checked {
        Ok(Ok(queued)) => (component(None), queued),
        Ok(Err(said)) => (component(Some(said)), None),
        Err(_) => {
            tracing::warn!("health check: database did not answer within 0.9 s");
            // Down, or only busy? One direct connection finds out, for the next asker.
            if db.engine() == app::db::Engine::Postgres {
                db.check_reachable_later();
            }
            (
                component(Some("the database did not answer within 0.9 s".to_owned())),
                None,
            )
        }
    }
}

pub async fn healthz(State(state): State<AppState>) -> impl IntoResponse {
    // The search engine is asked at the same time; the queue length comes from the database.
    let ((database, queued), mut search) =
        tokio::join!(database_health(&state), search_health(&state));
    if let Some(queue) = queued {
        search.queued = Some(queue.length);
        search.oldest_queued_secs = queue
            .oldest
            .map(|at| (chrono::Utc::now() - at).num_seconds().max(0));
        let lagging = search
            .oldest_queued_secs
            .is_some_and(|s| s > QUEUE_AGE_LIMIT_SECS);
        if lagging && search.status == "ok" {
            search.status = "degraded";
        }
    }
    let healthy = database.status == "ok";
    let body = Health {
        status: if healthy && search.status == "ok" {
            "ok"
        } else {
            "degraded"
        },
        version: env!("CARGO_PKG_VERSION"),
        database,
        search,
    };
    let code = if healthy {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (code, Json(body))
}
