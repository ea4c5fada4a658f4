//! Every refusal leaves a trace: a 401 or 403 from any page, form, API call or the forgery
//! check is logged with who asked (user id, or none), from where and for what. Nothing of the
//! request's body, cookies or query is logged (they can hold passwords and tokens).

use app::auth::Actor;
use axum::{
    extract::{Request, State},
    middleware::Next,
    response::Response,
};
use http::StatusCode;

use super::ClientIp;
use crate::startup::AppState;

pub async fn log(
    State(_): State<AppState>,
    ClientIp(ip): ClientIp,
    request: Request,
    next: Next,
) -> Response {
    let user = request
        .extensions()
        .get::<Actor>()
        .map(|a| a.user_id.clone());
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let response = next.run(request).await;
    let status = response.status();
    if matches!(status, StatusCode::FORBIDDEN | StatusCode::UNAUTHORIZED) {
        tracing::warn!(
            target: "ocop::access",
            user = user.as_deref().unwrap_or("-"),
            ip = ip.as_deref().unwrap_or("-"),
            %method,
            path,
            status = status.as_u16(),
            "access refused"
        );
    }
    response
}
