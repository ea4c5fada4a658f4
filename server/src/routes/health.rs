//! `/healthz`: is this server able to do its work? Load balancers and operators ask.

use std::time::Duration;

use axum::{Json, extract::State, http::StatusCode, response::IntoResponse};
use serde::Serialize;

use crate::startup::AppState;

/// The most each dependency's check may take: monitors need an answer, not a hang. The two
/// checks run at once, so `/healthz` answers within a second.
const BUDGET: Duration = Duration::from_millis(900);

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
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

/// The search engine's state. A search outage degrades the site (pages still serve and say
/// search is unavailable) but does not take the server out of rotation: the answer stays 200.
async fn search_health(state: &AppState) -> SearchHealth {
    let engine = state.search.0.clone();
    // Read from the database by the caller, within the database's budget.
    let queued = None;
    let status = tokio::time::timeout(BUDGET, engine.status()).await;
    match status {
        Ok(Ok(s)) => SearchHealth {
            engine: engine.name(),
            status: "ok",
            documents: Some(s.documents),
            queued,
            error: None,
        },
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "health check: search does not answer");
            SearchHealth {
                engine: engine.name(),
                status: "error",
                documents: None,
                queued,
                error: Some(e.to_string()),
            }
        }
        Err(_) => SearchHealth {
            engine: engine.name(),
            status: "error",
            documents: None,
            queued,
            error: Some("the search engine did not answer within 0.9 s".to_owned()),
        },
    }
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
async fn database_health(state: &AppState) -> (Component, Option<i64>) {
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
        Ok(app::search::sync::backlog(db).await.ok())
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
    search.queued = queued;
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
