//! Middleware run on every request: the signed-in user (from the session cookie) and the
//! browser's anti-forgery token go into the request's extensions, where pages and handlers
//! read them.

use app::auth::{CART_COOKIE, CHANGE_PASSWORD_PATH, CsrfToken, GuestCart, storage};
use axum::{
    extract::{Request, State},
    http::{Method, StatusCode},
    middleware::Next,
    response::{IntoResponse, Response},
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

/// What a session opened with an administrator's temporary password may reach before the
/// password is changed: the change-password page and its form, signing out, the language
/// switch and the health check.
fn open_before_password_change(method: &Method, path: &str) -> bool {
    path == CHANGE_PASSWORD_PATH
        || (method == Method::POST && (path == "/dang-xuat" || path == "/lang"))
        || path.starts_with("/healthz")
}

/// The answer to anything else from such a session: API calls (and server functions) are
/// refused with the API's JSON error; pages and forms send to the change-password page, doing
/// nothing.
fn password_change_first(path: &str) -> Response {
    if path.starts_with("/api/") || path.starts_with("/fn/") {
        return crate::api::ApiError::new(
            StatusCode::FORBIDDEN,
            "password_change_required",
            format!(
                "an administrator set a temporary password for this account: change it at {CHANGE_PASSWORD_PATH} first"
            ),
        )
        .into_response();
    }
    crate::auth::forms::see_other(CHANGE_PASSWORD_PATH)
}

pub async fn load(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    if is_static_file(req.uri().path()) {
        return next.run(req).await;
    }
    if let Some(token) = cookies::get(req.headers(), SESSION_COOKIE).filter(|t| is_well_formed(t)) {
        let hash = token_hash(token);
        match storage::actor_for_session(&state.db, &hash, Utc::now()).await {
            Ok(Some(actor)) => {
                if actor.must_change_password
                    && !open_before_password_change(req.method(), req.uri().path())
                {
                    return password_change_first(req.uri().path());
                }
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
