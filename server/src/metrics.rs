//! `/metrics` in the Prometheus text format (version 0.0.4), for the operators' monitoring:
//! requests by route and status with latency histograms and those in flight, the database
//! pool, the search and notification outboxes (depth, oldest age), failed deliveries, and
//! orders and their value.
//!
//! Reachable only with `OCOP_METRICS_TOKEN` (as `Authorization: Bearer …`) or on a separate
//! address (`OCOP_METRICS_BIND`, e.g. `127.0.0.1:9100`, for a scraper on a private network).
//! With neither set the site has no `/metrics`. The figures read from the database are read
//! when scraped, within a budget; request figures are this server's own since it started.

use std::{
    collections::BTreeMap,
    fmt::Write as _,
    net::SocketAddr,
    sync::{
        Mutex,
        atomic::{AtomicI64, Ordering},
    },
    time::{Duration, Instant},
};

use axum::{
    Router,
    extract::{MatchedPath, Request, State},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
    routing::get,
};
use sha2::{Digest, Sha256};

use crate::startup::AppState;

/// Who may read `/metrics`, and where.
#[derive(Clone, Debug, Default)]
pub struct MetricsSettings {
    /// The bearer token a scraper sends (`OCOP_METRICS_TOKEN`). Set: `/metrics` is served on the
    /// site's address to holders of it (and required on the separate address too).
    pub token: Option<String>,
    /// A separate address serving only `/metrics` (`OCOP_METRICS_BIND`).
    pub bind: Option<SocketAddr>,
}

/// Upper bounds of the latency histogram's buckets, in seconds.
const BUCKETS: [f64; 11] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// How long the database's figures may take before the scrape answers without them.
const DB_BUDGET: Duration = Duration::from_secs(2);

#[derive(Default)]
struct Histogram {
    /// Requests at or under each bound of [`BUCKETS`] (not cumulative; summed when written).
    buckets: [u64; BUCKETS.len()],
    count: u64,
    sum: f64,
}

impl Histogram {
    fn observe(&mut self, seconds: f64) {
        if let Some(i) = BUCKETS.iter().position(|b| seconds <= *b) {
            self.buckets[i] += 1;
        }
        self.count += 1;
        self.sum += seconds;
    }
}

/// A request's labels. The route is the pattern it matched (`/san-pham/{slug}`), never the
/// path asked for, so an outsider cannot grow the table; the method is one of the standard
/// ones or `other`.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord)]
struct RequestKey {
    method: &'static str,
    route: String,
    status: u16,
}

/// This server's request figures since it started.
#[derive(Default)]
pub struct Metrics {
    requests: Mutex<BTreeMap<RequestKey, Histogram>>,
    in_flight: AtomicI64,
}

fn method_label(method: &axum::http::Method) -> &'static str {
    use axum::http::Method;
    match *method {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}

struct InFlight<'a>(&'a AtomicI64);

impl<'a> InFlight<'a> {
    fn new(count: &'a AtomicI64) -> Self {
        count.fetch_add(1, Ordering::Relaxed);
        InFlight(count)
    }
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

/// Middleware: times every request to its response and counts it by route and status.
pub async fn record(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let metrics = &state.metrics;
    let method = method_label(request.method());
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    // A guard: a request dropped half-way (client gone, connection cut) is no longer in flight.
    let flying = InFlight::new(&metrics.in_flight);
    let started = Instant::now();
    let response = next.run(request).await;
    let seconds = started.elapsed().as_secs_f64();
    drop(flying);
    if response
        .extensions()
        .get::<crate::deadline::TimedOut>()
        .is_some()
    {
        // The time-out answered, not the handler: nothing else says which request hung.
        tracing::error!(%method, %route, seconds, "a request ran out of time");
    }
    let key = RequestKey {
        method,
        route,
        status: response.status().as_u16(),
    };
    metrics
        .requests
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .entry(key)
        .or_default()
        .observe(seconds);
    response
}

/// The router of the separate metrics address.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/metrics", get(scrape))
        .with_state(state)
}

/// `GET /metrics`.
pub async fn scrape(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if let Some(token) = &state.settings.metrics.token
        && !bearer_matches(&headers, token)
    {
        let mut refused = crate::api::error::ApiError::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "send the metrics token as `Authorization: Bearer <token>`",
        )
        .into_response();
        refused
            .headers_mut()
            .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        return refused;
    }
    let mut body = String::with_capacity(16 * 1024);
    write_requests(&mut body, &state.metrics);
    write_pool(&mut body, &state.db);
    match tokio::time::timeout(DB_BUDGET, app::metrics::read(&state.db)).await {
        Ok(Ok(figures)) => {
            gauge(
                &mut body,
                "ocop_metrics_database_up",
                "Whether the database's figures below were read.",
                1,
            );
            write_figures(&mut body, &figures);
        }
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "metrics: reading the database's figures failed");
            gauge(
                &mut body,
                "ocop_metrics_database_up",
                "Whether the database's figures below were read.",
                0,
            );
        }
        Err(_) => {
            tracing::warn!("metrics: the database's figures took over 2 s");
            gauge(
                &mut body,
                "ocop_metrics_database_up",
                "Whether the database's figures below were read.",
                0,
            );
        }
    }
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
        body,
    )
        .into_response()
}

/// Compared as digests: the comparison's time says nothing about the token.
fn bearer_matches(headers: &HeaderMap, token: &str) -> bool {
    let sent = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default();
    Sha256::digest(sent.trim().as_bytes()) == Sha256::digest(token.as_bytes())
}

/// A label value with `\`, `"` and newlines escaped, as the text format wants.
fn label(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

fn header(out: &mut String, name: &str, help: &str, kind: &str) {
    let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} {kind}");
}

fn gauge(out: &mut String, name: &str, help: &str, value: i64) {
    header(out, name, help, "gauge");
    let _ = writeln!(out, "{name} {value}");
}

fn write_requests(out: &mut String, metrics: &Metrics) {
    gauge(
        out,
        "ocop_http_requests_in_flight",
        "Requests being answered now.",
        metrics.in_flight.load(Ordering::Relaxed),
    );
    let name = "ocop_http_request_duration_seconds";
    header(
        out,
        name,
        "Time to answer a request (to its response's head), by method, route pattern and status.",
        "histogram",
    );
    let requests = metrics.requests.lock().unwrap_or_else(|p| p.into_inner());
    for (key, h) in requests.iter() {
        let labels = format!(
            "method=\"{}\",route=\"{}\",status=\"{}\"",
            key.method,
            label(&key.route),
            key.status
        );
        let mut cumulative = 0;
        for (bound, n) in BUCKETS.iter().zip(h.buckets) {
            cumulative += n;
            let _ = writeln!(out, "{name}_bucket{{{labels},le=\"{bound}\"}} {cumulative}");
        }
        let _ = writeln!(out, "{name}_bucket{{{labels},le=\"+Inf\"}} {}", h.count);
        let _ = writeln!(out, "{name}_sum{{{labels}}} {}", h.sum);
        let _ = writeln!(out, "{name}_count{{{labels}}} {}", h.count);
    }
}

fn write_pool(out: &mut String, db: &app::db::Db) {
    let pool = db.pool();
    let open = i64::from(pool.size());
    let idle = i64::try_from(pool.num_idle()).unwrap_or(i64::MAX);
    let name = "ocop_db_connections";
    header(
        out,
        name,
        "The database pool's connections: in use by a request or task, or idle.",
        "gauge",
    );
    let _ = writeln!(out, "{name}{{state=\"in_use\"}} {}", (open - idle).max(0));
    let _ = writeln!(out, "{name}{{state=\"idle\"}} {idle}");
    gauge(
        out,
        "ocop_db_connections_max",
        "The most connections the pool opens; more askers wait (sqlx does not count them: in_use at this figure means some may).",
        i64::from(pool.options().get_max_connections()),
    );
}

/// A gauge with one line per outbox.
fn per_outbox(
    out: &mut String,
    name: &str,
    help: &str,
    f: &app::metrics::Figures,
    value: impl Fn(&app::metrics::Outbox) -> i64,
) {
    header(out, name, help, "gauge");
    for o in &f.outboxes {
        let _ = writeln!(out, "{name}{{outbox=\"{}\"}} {}", o.name, value(o));
    }
}

fn write_figures(out: &mut String, f: &app::metrics::Figures) {
    per_outbox(
        out,
        "ocop_outbox_depth",
        "Work queued in an outbox: search index changes, notices to send.",
        f,
        |o| o.depth,
    );
    per_outbox(
        out,
        "ocop_outbox_oldest_seconds",
        "Age of the oldest item waiting in an outbox (0 when empty).",
        f,
        |o| o.oldest_secs,
    );
    // A gauge, not a counter: deleting an account deletes its notices and their attempts.
    let name = "ocop_notification_deliveries_failed";
    header(
        out,
        name,
        "Recorded delivery attempts of notices that failed, by channel and outcome (retry: tried again later; failed: given up).",
        "gauge",
    );
    for (channel, outcome, n) in &f.failed_deliveries {
        let _ = writeln!(
            out,
            "{name}{{channel=\"{}\",outcome=\"{}\"}} {n}",
            label(channel),
            label(outcome)
        );
    }
    gauge(
        out,
        "ocop_notifications_given_up",
        "Notices no channel delivered, waiting for an administrator.",
        f.notifications_given_up,
    );
    header(
        out,
        "ocop_orders_placed_total",
        "Orders ever placed.",
        "counter",
    );
    let _ = writeln!(out, "ocop_orders_placed_total {}", f.orders_placed);
    let name = "ocop_orders";
    header(out, name, "Orders by status now.", "gauge");
    for (status, n, _) in &f.orders {
        let _ = writeln!(out, "{name}{{status=\"{}\"}} {n}", label(status));
    }
    let name = "ocop_orders_value_vnd";
    header(
        out,
        name,
        "What the orders of each status are worth, goods and shipping, in đồng (delivered: the revenue).",
        "gauge",
    );
    for (status, _, value) in &f.orders {
        let _ = writeln!(out, "{name}{{status=\"{}\"}} {value}", label(status));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_latency_falls_in_the_first_bucket_that_holds_it() {
        let mut h = Histogram::default();
        for s in [0.001, 0.005, 0.3, 60.0] {
            h.observe(s);
        }
        assert_eq!(h.buckets[0], 2);
        assert_eq!(h.buckets[6], 1, "0.3 s is under 0.5 s");
        assert_eq!(h.buckets.iter().sum::<u64>(), 3, "60 s is only in +Inf");
        assert_eq!(h.count, 4);
    }

    #[test]
    fn label_values_are_escaped() {
        assert_eq!(label("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
    }

    #[test]
    fn only_the_exact_token_opens_the_metrics() {
        let with = |v: &str| {
            let mut h = HeaderMap::new();
            h.insert(header::AUTHORIZATION, HeaderValue::from_str(v).unwrap());
            h
        };
        assert!(bearer_matches(&with("Bearer s3cret"), "s3cret"));
        assert!(!bearer_matches(&with("Bearer s3cre"), "s3cret"));
        assert!(!bearer_matches(&with("Basic s3cret"), "s3cret"));
        assert!(!bearer_matches(&HeaderMap::new(), "s3cret"));
    }
}
