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
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

/// The search engine's state. A search outage degrades the site (pages still serve and say
/// search is unavailable) but does not take the server out of rotation: the answer stays 200.
async fn search_health(state: &AppState) -> SearchHealth {
    let engine = state.search.0.clone();
    let status = tokio::time::timeout(std::time::Duration::from_secs(2), engine.status()).await;
    let queued = app::search::sync::backlog(&state.db).await.ok();
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
            error: Some("the search engine did not answer within 2 s".to_owned()),
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
