//! The farm pages' service worker, `/sw.js` (the script is `public/sw.js`, built into the
//! binary): served from the site's root so its scope is the whole site, never cached by the
//! browser's HTTP cache (a new version is picked up on the next visit), with a policy that lets
//! it fetch and cache this site's pages and import `public/farm-queue.js`, nothing else.

use axum::{
    http::header,
    response::{IntoResponse, Response},
};

const SCRIPT: &str = include_str!("../../../public/sw.js");

/// The worker's own Content-Security-Policy: it governs what the worker may load and fetch.
pub const WORKER_POLICY: &str = "default-src 'none'; script-src 'self'; connect-src 'self'";

pub async fn service_worker() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
            (header::CONTENT_SECURITY_POLICY, WORKER_POLICY),
        ],
        SCRIPT,
    )
        .into_response()
}
