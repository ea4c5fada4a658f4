//! A small HTTP load generator, like `wrk`: a fixed number of keep-alive HTTP/1.1 connections,
//! each sending its next request as soon as the last answer is read, for a fixed time. Reports
//! throughput and latency quantiles.
//!
//! It shares the server's cores, so its own cost is kept low the way `wrk`'s is: each
//! connection is one task writing ready-made request bytes and reading the answer into one
//! buffer it reuses (no client library's connection task, channel or body frames per request).

use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
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
    let requests: std::sync::Arc<[Box<[u8]>]> = paths
        .iter()
        .map(|p| {
            format!("GET {p} HTTP/1.1\r\nHost: {authority}\r\n\r\n")
                .into_bytes()
                .into_boxed_slice()
        })
        .collect();
    let started = Instant::now();
    let deadline = started + duration;
    let mut workers = Vec::with_capacity(connections);
    for c in 0..connections {
        let requests = requests.clone();
        let authority = authority.clone();
        let offset = c * requests.len() / connections;
        workers.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut failures = 0;
            let mut i = offset;
            let mut connection: Option<Connection> = None;
            while Instant::now() < deadline {
                if connection.is_none() {
                    connection = Connection::open(&authority).await;
                    if connection.is_none() {
                        failures += 1;
                        continue;
                    }
                }
                let conn = connection.as_mut().expect("connected");
                let request = &requests[i % requests.len()];
                i += 1;
                let t = Instant::now();
                // A server that stops answering still ends the run (as a failure).
                let answer =
                    tokio::time::timeout_at((deadline + STUCK).into(), conn.exchange(request))
                        .await
                        .unwrap_or(Err(Broken));
                let ok = match answer {
                    Ok(Answer { status, close }) => {
                        if close {
                            connection = None;
                        }
                        (200..300).contains(&status)
                    }
                    Err(Broken) => {
                        connection = None;
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

/// How long past the run's end an answer may still come before it counts as a failure.
const STUCK: Duration = Duration::from_secs(10);

/// Why an exchange failed; the connection is dropped and opened again.
#[derive(Debug)]
struct Broken;

/// An answer read whole: its status, and whether the server closes the connection after it.
struct Answer {
    status: u16,
    close: bool,
}

impl From<std::io::Error> for Broken {
    fn from(_: std::io::Error) -> Self {
        Broken
    }
}

/// One keep-alive connection and its read buffer (`buf[start..end]` is read but not yet used).
struct Connection {
    tcp: TcpStream,
    buf: Vec<u8>,
    start: usize,
    end: usize,
}

/// An answer's head larger than this is refused (the server's are well under 4 KiB).
const MAX_HEAD: usize = 64 * 1024;

impl Connection {
    async fn open(authority: &str) -> Option<Connection> {
        let tcp = TcpStream::connect(authority).await.ok()?;
        tcp.set_nodelay(true).ok()?;
        Some(Connection {
            tcp,
            buf: vec![0; 64 * 1024],
            start: 0,
            end: 0,
        })
    }

    /// Sends one request and reads its whole answer.
    async fn exchange(&mut self, request: &[u8]) -> Result<Answer, Broken> {
        self.tcp.write_all(request).await?;
        let (status, head_len, body, close) = loop {
            let mut headers = [httparse::EMPTY_HEADER; 64];
            let mut response = httparse::Response::new(&mut headers);
            match response.parse(&self.buf[self.start..self.end]) {
                // An interim answer (100 Continue, 103 Early Hints): the real one follows.
                Ok(httparse::Status::Complete(len))
                    if response.code.is_some_and(|c| (100..200).contains(&c)) =>
                {
                    self.start += len;
                }
                Ok(httparse::Status::Complete(len)) => {
                    let status = response.code.ok_or(Broken)?;
                    let close = response.headers.iter().any(|h| {
                        h.name.eq_ignore_ascii_case("connection")
                            && h.value.eq_ignore_ascii_case(b"close")
                    });
                    break (status, len, Body::of(status, response.headers)?, close);
                }
                Ok(httparse::Status::Partial) if self.end - self.start < MAX_HEAD => {
                    self.fill().await?
                }
                _ => return Err(Broken),
            }
        };
        self.start += head_len;
        match body {
            Body::Length(n) => self.skip(n).await?,
            Body::Chunked => loop {
                let size = self.chunk_size().await?;
                if size == 0 {
                    // No trailers: the server sends none; the last chunk ends with a blank line.
                    self.expect_crlf().await?;
                    break;
                }
                self.skip(size).await?;
                self.expect_crlf().await?;
            },
        }
        Ok(Answer { status, close })
    }

    /// Reads more from the socket after what is buffered, moving that to the front first.
    async fn fill(&mut self) -> Result<(), Broken> {
        if self.start == self.end {
            (self.start, self.end) = (0, 0);
        } else if self.end == self.buf.len() {
            self.buf.copy_within(self.start..self.end, 0);
            (self.start, self.end) = (0, self.end - self.start);
        }
        if self.end == self.buf.len() {
            return Err(Broken);
        }
        let n = self.tcp.read(&mut self.buf[self.end..]).await?;
        if n == 0 {
            return Err(Broken);
        }
        self.end += n;
        Ok(())
    }

    /// Reads past `n` bytes of the answer.
    async fn skip(&mut self, mut n: usize) -> Result<(), Broken> {
        loop {
            let here = n.min(self.end - self.start);
            self.start += here;
            n -= here;
            if n == 0 {
                return Ok(());
            }
            self.fill().await?;
        }
    }

    /// A chunk's size line (`1a2b[;extension]\r\n`).
    async fn chunk_size(&mut self) -> Result<usize, Broken> {
        loop {
            let line = &self.buf[self.start..self.end];
            if let Some(at) = line.windows(2).position(|w| w == b"\r\n") {
                let digits = line[..at].split(|b| *b == b';').next().unwrap_or_default();
                let size = std::str::from_utf8(digits)
                    .ok()
                    .and_then(|d| usize::from_str_radix(d.trim(), 16).ok())
                    .ok_or(Broken)?;
                self.start += at + 2;
                return Ok(size);
            }
            if self.end - self.start > 1024 {
                return Err(Broken);
            }
            self.fill().await?;
        }
    }

    async fn expect_crlf(&mut self) -> Result<(), Broken> {
        while self.end - self.start < 2 {
            self.fill().await?;
        }
        if &self.buf[self.start..self.start + 2] != b"\r\n" {
            return Err(Broken);
        }
        self.start += 2;
        Ok(())
    }
}

/// How an answer's body is delimited.
enum Body {
    Length(usize),
    Chunked,
}

impl Body {
    fn of(status: u16, headers: &[httparse::Header<'_>]) -> Result<Body, Broken> {
        // These never have a body, whatever their headers say.
        if matches!(status, 204 | 304) {
            return Ok(Body::Length(0));
        }
        for h in headers {
            if h.name.eq_ignore_ascii_case("content-length") {
                let n = std::str::from_utf8(h.value)
                    .ok()
                    .and_then(|v| v.trim().parse().ok())
                    .ok_or(Broken)?;
                return Ok(Body::Length(n));
            }
            if h.name.eq_ignore_ascii_case("transfer-encoding")
                && h.value.eq_ignore_ascii_case(b"chunked")
            {
                return Ok(Body::Chunked);
            }
        }
        // Neither: a body up to the connection's end, which keep-alive cannot measure.
        Err(Broken)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::net::TcpListener;

    /// A server that answers `/length` with a Content-Length body, `/chunked` with a chunked
    /// one (in several writes), `/empty` with a 204 after a 100 Continue, `/last` with a body
    /// and `Connection: close` (then closes), and anything else with a 500, on keep-alive
    /// connections.
    async fn server() -> String {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let address = listener.local_addr().expect("address");
        tokio::spawn(async move {
            while let Ok((mut tcp, _)) = listener.accept().await {
                // Each part of an answer leaves at once (no Nagle wait between them).
                tcp.set_nodelay(true).expect("nodelay");
                tokio::spawn(async move {
                    let mut buf = Vec::new();
                    let mut chunk = [0u8; 1024];
                    loop {
                        let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") else {
                            match tcp.read(&mut chunk).await {
                                Ok(0) | Err(_) => return,
                                Ok(n) => buf.extend_from_slice(&chunk[..n]),
                            }
                            continue;
                        };
                        let head = String::from_utf8_lossy(&buf[..end]).into_owned();
                        buf.drain(..end + 4);
                        let answer: &[&[u8]] = if head.starts_with("GET /length ") {
                            &[b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"]
                        } else if head.starts_with("GET /chunked ") {
                            &[
                                b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel",
                                b"lo\r\na;ext=1\r\n0123456789\r\n",
                                b"0\r\n\r\n",
                            ]
                        } else if head.starts_with("GET /empty ") {
                            &[
                                b"HTTP/1.1 100 Continue\r\n\r\n",
                                b"HTTP/1.1 204 No Content\r\n\r\n",
                            ]
                        } else if head.starts_with("GET /last ") {
                            &[b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok"]
                        } else {
                            &[b"HTTP/1.1 500 Oops\r\nContent-Length: 4\r\n\r\noops"]
                        };
                        for part in answer {
                            if tcp.write_all(part).await.is_err() {
                                return;
                            }
                            tcp.flush().await.ok();
                        }
                        if head.starts_with("GET /last ") {
                            return;
                        }
                    }
                });
            }
        });
        format!("http://{address}")
    }

    #[tokio::test]
    async fn reads_both_kinds_of_body_and_counts_refusals() {
        let base = server().await;
        let paths = ["/length", "/chunked", "/empty", "/last"].map(str::to_owned);
        let ok = run(&base, &paths, 2, Duration::from_millis(300)).await;
        assert!(ok.requests > 10, "{ok:?}");
        assert_eq!(ok.failures, 0, "{ok:?}");
        // Every other request is refused: a refusal read wrongly would break the connection
        // and fail the next request too.
        let paths = ["/other", "/length"].map(str::to_owned);
        let half = run(&base, &paths, 2, Duration::from_millis(300)).await;
        assert!(half.requests > 10, "{half:?}");
        let (low, high) = (half.requests / 2 - 2, half.requests / 2 + 2);
        assert!((low..=high).contains(&half.failures), "{half:?}");
    }
}
