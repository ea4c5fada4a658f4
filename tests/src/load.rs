//! A small HTTP load generator, like `wrk`: a fixed number of keep-alive HTTP/1.1 connections,
//! each sending its next request as soon as the last answer is read, for a fixed time. Reports
//! throughput and latency quantiles. Plain hyper connections keep the client's own cost low, so
//! the figures are mostly the server's.

use std::time::{Duration, Instant};

use http_body_util::{BodyExt, Empty};
use hyper::body::Bytes;
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;

/// What one run measured.
#[derive(Debug, Clone)]
pub struct LoadReport {
    pub requests: usize,
    pub failures: usize,
    pub elapsed: Duration,
    pub p50: Duration,
    pub p95: Duration,
    pub p99: Duration,
    pub max: Duration,
}

impl LoadReport {
    pub fn per_second(&self) -> f64 {
        self.requests as f64 / self.elapsed.as_secs_f64()
    }
}

/// Requests `paths` (round robin, each connection starting at a different place) from the
/// server at `base` (`http://127.0.0.1:PORT`) over `connections` connections for `duration`.
/// A non-2xx answer or a broken connection counts as a failure (and the connection is redone).
pub async fn run(
    base: &str,
    paths: &[String],
    connections: usize,
    duration: Duration,
) -> LoadReport {
    assert!(!paths.is_empty() && connections > 0);
    let authority = base
        .strip_prefix("http://")
        .expect("an http:// base URL")
        .trim_end_matches('/')
        .to_owned();
    let started = Instant::now();
    let deadline = started + duration;
    let mut workers = Vec::with_capacity(connections);
    for c in 0..connections {
        let paths = paths.to_vec();
        let authority = authority.clone();
        let offset = c * paths.len() / connections;
        workers.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut failures = 0;
            let mut i = offset;
            let mut sender = None;
            while Instant::now() < deadline {
                if sender.is_none() {
                    sender = connect(&authority).await;
                    if sender.is_none() {
                        failures += 1;
                        continue;
                    }
                }
                let s = sender.as_mut().expect("connected");
                let path = &paths[i % paths.len()];
                i += 1;
                let request = hyper::Request::get(path.as_str())
                    .header("host", authority.as_str())
                    .body(Empty::<Bytes>::new())
                    .expect("request");
                let t = Instant::now();
                let ok = match s.send_request(request).await {
                    Ok(r) => {
                        let status = r.status();
                        r.into_body().collect().await.is_ok() && status.is_success()
                    }
                    Err(_) => {
                        sender = None;
                        false
                    }
                };
                latencies.push(t.elapsed());
                if !ok {
                    failures += 1;
                }
            }
            (latencies, failures)
        }));
    }
    let mut latencies = Vec::new();
    let mut failures = 0;
    for w in workers {
        let (l, f) = w.await.expect("load worker");
        latencies.extend(l);
        failures += f;
    }
    let elapsed = started.elapsed();
    latencies.sort_unstable();
    let q = |p: f64| {
        latencies
            .get(((latencies.len() as f64 * p).ceil() as usize).saturating_sub(1))
            .copied()
            .unwrap_or_default()
    };
    LoadReport {
        requests: latencies.len(),
        failures,
        elapsed,
        p50: q(0.50),
        p95: q(0.95),
        p99: q(0.99),
        max: latencies.last().copied().unwrap_or_default(),
    }
}

type Sender = hyper::client::conn::http1::SendRequest<Empty<Bytes>>;

async fn connect(authority: &str) -> Option<Sender> {
    let tcp = TcpStream::connect(authority).await.ok()?;
    tcp.set_nodelay(true).ok()?;
    let (sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(tcp))
        .await
        .ok()?;
    tokio::spawn(connection);
    Some(sender)
}
