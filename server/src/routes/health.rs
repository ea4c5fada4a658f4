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
    let body = Health {
        status: if healthy { "ok" } else { "degraded" },
        version: env!("CARGO_PKG_VERSION"),
        database,
    };
    let code = if healthy {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (code, Json(body))
}
