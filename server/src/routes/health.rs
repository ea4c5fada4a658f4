//! `/healthz`: is this server able to do its work? Load balancers and operators ask.

use axum::{Json, extract::State, http::StatusCode, response::IntoResponse};
use serde::Serialize;

use crate::startup::AppState;

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
    let engine = state.search.0.clone();
    let status = tokio::time::timeout(std::time::Duration::from_secs(2), engine.status()).await;
    let queued = app::search::sync::backlog(&state.db).await.ok();
    let now = chrono::Utc::now();
    let oldest_queued_secs = app::search::sync::oldest_queued_at(&state.db)
        .await
        .ok()
        .flatten()
        .map(|at| (now - at).num_seconds().max(0));
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
        Ok(Ok(s)) => {
            let lagging = oldest_queued_secs.is_some_and(|s| s > QUEUE_AGE_LIMIT_SECS);
            let status = if writer.failures > 0 || lagging {
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
            Some("the search engine did not answer within 2 s".to_owned()),
        ),
    };
    SearchHealth {
        engine: engine.name(),
        status,
        documents,
        queued,
        oldest_queued_secs,
        error,
        writer,
    }
}

#[derive(Serialize)]
struct Component {
    engine: &'static str,
    status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

pub async fn healthz(State(state): State<AppState>) -> impl IntoResponse {
    let database = match state.db.ping().await {
        Ok(()) => Component {
            engine: state.db.engine().name(),
            status: "ok",
            error: None,
        },
        Err(e) => {
            tracing::warn!(error = %e, "health check: database does not answer");
            Component {
                engine: state.db.engine().name(),
                status: "error",
                error: Some("the database does not answer".to_owned()),
            }
        }
    };
    let healthy = database.status == "ok";
    let search = search_health(&state).await;
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
