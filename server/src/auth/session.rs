//! Middleware run on every request: the signed-in user (from the session cookie) and the
//! browser's anti-forgery token go into the request's extensions, where pages and handlers
//! read them.

use app::{
    auth::{CART_COOKIE, CsrfToken, GuestCart},
    db::accounts,
};
use axum::{
    extract::{Request, State},
    middleware::Next,
    response::Response,
};
use chrono::Utc;

use super::{
    cookies::{self, CSRF_COOKIE, SESSION_COOKIE},
    tokens::{is_well_formed, random_token, token_hash},
};
use crate::startup::AppState;

/// The stored hash of the request's live session, for sign-out and password changes.
#[derive(Clone, Debug)]
pub struct SessionHash(pub String);

/// Static files: nobody needs to be known to serve them, so no session is looked up.
pub(crate) fn is_static_file(path: &str) -> bool {
    ["/pkg/", "/media/", "/favicon"]
        .iter()
        .any(|p| path.starts_with(p))
}

/// Paths that never render a form: no anti-forgery cookie is handed out for them.
fn serves_no_forms(path: &str) -> bool {
    is_static_file(path) || path.starts_with("/api/") || path.starts_with("/healthz")
}

pub async fn load(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    if is_static_file(req.uri().path()) {
        return next.run(req).await;
    }
    if let Some(token) = cookies::get(req.headers(), SESSION_COOKIE).filter(|t| is_well_formed(t)) {
        let hash = token_hash(token);
        match accounts::actor_for_session(&state.db, &hash, Utc::now()).await {
            Ok(Some(actor)) => {
                req.extensions_mut().insert(actor);
                req.extensions_mut().insert(SessionHash(hash));
            }
            Ok(None) => {}
            // The page still renders, as for a visitor; the failure is logged.
            Err(e) => tracing::warn!(error = %e, "loading the session failed"),
        }
    }
    let cart_token = cookies::get(req.headers(), CART_COOKIE)
        .or_else(|| {
            req.headers()
                .get("x-cart-token")
                .and_then(|v| v.to_str().ok())
        })
        .filter(|t| is_well_formed(t))
        .map(token_hash);
    if let Some(hash) = cart_token {
        req.extensions_mut().insert(GuestCart(hash));
    }
    let existing = cookies::get(req.headers(), CSRF_COOKIE)
        .filter(|t| is_well_formed(t))
        .map(str::to_owned);
    let fresh = existing.is_none() && !serves_no_forms(req.uri().path());
    let token = existing.unwrap_or_else(random_token);
    req.extensions_mut().insert(CsrfToken(token.clone()));
    let mut response = next.run(req).await;
    if fresh {
        let cookie = cookies::set(
            CSRF_COOKIE,
            &token,
            Some(365 * 24 * 3600),
            state.secure_cookies(),
        );
        if let Ok(value) = cookie.parse() {
            response
                .headers_mut()
                .append(http::header::SET_COOKIE, value);
        }
    }
    response
}
