//! Cross-site request forgery protection for every state-changing request (POST, PUT, PATCH,
//! DELETE), in two layers:
//! 1. the browser's own word: a request whose `Sec-Fetch-Site` says cross-site, or whose
//!    `Origin` is not this site, is refused;
//! 2. a token: form posts (the only kind another site can make a browser send without asking)
//!    must carry the `csrf` field (or `X-CSRF-Token` header) equal to this browser's
//!    `ocop_csrf` cookie, which other sites can neither read nor set. JSON bodies need no
//!    token: a browser sends them cross-site only after a CORS preflight, which this server
//!    never grants. The one multipart API call (an entry's photos) carries the token (header
//!    or query) from a signed-in page, or a farm token in `Authorization` from a device.

use app::auth::{CSRF_FIELD, CsrfToken};
use axum::{
    body::{Body, to_bytes},
    extract::{Request, State},
    http::{StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
};
use subtle::ConstantTimeEq;

use crate::startup::AppState;

/// The largest form body read here (file uploads are multipart and carry the token in a header
/// or the query string instead).
const MAX_FORM_BYTES: usize = 1024 * 1024;

/// A call of the JSON API that no other site can make a browser send without a CORS
/// preflight (which this server never grants): a `PUT`, `PATCH` or `DELETE`, or any request
/// carrying the `X-Cart-Token` header. Such calls often have no body and no content type
/// (`DELETE /api/v1/cart/items/…`), so they cannot be told by their JSON body.
fn is_api_call(req: &Request) -> bool {
    req.uri().path().starts_with("/api/")
        && (req.method() != axum::http::Method::POST || req.headers().contains_key("x-cart-token"))
}

pub async fn protect(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if req.method().is_safe() {
        return next.run(req).await;
    }
    if req
        .uri()
        .path()
        .starts_with(app::notify::unsubscribe::PREFIX)
    {
        // RFC 8058: a mail client's one-click unsubscribe comes without a session or a form
        // token. The random token in the path is the whole proof, and all it can do is stop
        // one kind of email for one account.
        return next.run(req).await;
    }
    if is_cross_site(&req, &state.public_url) {
        return refuse();
    }
    let content_type = crate::boundary::content_type(&req);
    if content_type.starts_with("application/json") || is_api_call(&req) {
        return next.run(req).await;
    }
    if req.uri().path().starts_with("/api/") && req.headers().contains_key(header::AUTHORIZATION) {
        // A device's photo upload with its farm token (multipart): no other site can make a
        // browser add an `Authorization` header without a CORS preflight, and the token, not a
        // cookie, says who asks.
        return next.run(req).await;
    }
    let header_token = req
        .headers()
        .get("x-csrf-token")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let query_token = req
        .uri()
        .query()
        .and_then(|q| field(q.as_bytes(), CSRF_FIELD));
    if req.uri().path().starts_with("/api/") && header_token.is_none() && query_token.is_none() {
        // A POST to the API that is neither JSON nor carries this browser's token (a signed-in
        // page's photo upload sends it, as the upload forms do): a form another site could
        // make a browser send.
        return crate::api::ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "content_type",
            "send the body as JSON with `Content-Type: application/json`",
        )
        .into_response();
    }
    let expected = req
        .extensions()
        .get::<CsrfToken>()
        .map(|t| t.0.clone())
        .unwrap_or_default();
    if let Some(given) = header_token.or(query_token) {
        return if same(&given, &expected) {
            next.run(req).await
        } else {
            refuse()
        };
    }
    if !content_type.starts_with("application/x-www-form-urlencoded") {
        return refuse();
    }
    // Read the form to find the token, then hand the same bytes on to the handler.
    let (parts, body) = req.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_FORM_BYTES).await else {
        return (
            StatusCode::PAYLOAD_TOO_LARGE,
            "Biểu mẫu quá lớn. / Form too large.",
        )
            .into_response();
    };
    match field(&bytes, CSRF_FIELD) {
        Some(given) if same(&given, &expected) => {
            next.run(Request::from_parts(parts, Body::from(bytes)))
                .await
        }
        _ => refuse(),
    }
}

/// Fetch metadata or Origin says the request comes from another site.
fn is_cross_site(req: &Request, public_url: &str) -> bool {
    let headers = req.headers();
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok())
        && !matches!(site, "same-origin" | "none")
    {
        return true;
    }
    if let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
        let host = headers
            .get(header::HOST)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let same_host = origin
            .strip_prefix("http://")
            .or_else(|| origin.strip_prefix("https://"))
            .is_some_and(|h| !host.is_empty() && h == host);
        return !(origin == public_url || same_host);
    }
    false
}

fn same(given: &str, expected: &str) -> bool {
    !expected.is_empty() && given.as_bytes().ct_eq(expected.as_bytes()).into()
}

/// One field of an `application/x-www-form-urlencoded` body or query string.
fn field(form: &[u8], name: &str) -> Option<String> {
    form_urlencoded::parse(form)
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

fn refuse() -> Response {
    (
        StatusCode::FORBIDDEN,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        "Biểu mẫu đã hết hạn hoặc không gửi từ trang này. Hãy quay lại, tải lại trang và thử lại.\n\
         The form has expired or was not sent from this site. Go back, reload the page and try again.\n",
    )
        .into_response()
}
