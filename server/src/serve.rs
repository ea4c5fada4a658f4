//! Serving HTTP/1.1 connections with limits, on our own accept loop: `axum::serve` has none, and
//! 2,000 idle or header-dribbling connections once held the server's open files for minutes.
//!
//! - a cap on connections served at once: past it, new ones wait in the listen queue;
//! - an idle timeout: a connection silent that long while waiting for a request (its first or
//!   the next on a kept-alive connection) is closed;
//! - a header timeout: a request's head must have arrived this long after its first byte.
//!
//! Both timeouts are kept here rather than by hyper's `header_read_timeout`: hyper starts that
//! timer whenever it begins waiting for a request head, including right after a response on a
//! kept-alive connection, so it would close idle connections after the header timeout too and
//! the two limits could not differ. A request being handled, or its response being sent, is
//! never timed out here (the request timeout layer bounds the handler).
//!
//! A request answered before its body was read to the end (a refusal, a photo over the limit)
//! has the rest read and thrown away for a while (`Limits::linger`, as nginx's lingering close):
//! closing a socket with unread bytes makes the kernel reset the connection, and a client still
//! sending, such as a browser uploading a 30 MB photo, then shows "connection reset" instead of
//! the answer. It stops after 5 s without a byte, and at once when the server stops.
//!
//! Stopping, the requests in flight are let finish for the request timeout and 5 s more: only
//! an upload can still be running then (see `deadline`).

use std::{
    convert::Infallible,
    future::Future,
    io,
    net::SocketAddr,
    pin::{Pin, pin},
    sync::{Arc, Mutex},
    task::{Context, Poll},
};

use axum::{
    Router,
    body::{Body, Bytes, HttpBody},
    extract::ConnectInfo,
};
use http_body::{Frame, SizeHint};
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use tokio::{
    io::{AsyncRead, AsyncWrite, ReadBuf},
    net::{TcpListener, TcpStream},
    sync::{Notify, Semaphore, watch},
    time::{Duration, Instant},
};
use tower::ServiceExt;

use crate::config::Limits;

/// Serves `router` on `listener` until `stop` completes; then accepts no more connections,
/// lets the requests in flight finish (idle connections are closed) and returns.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: Limits,
    stop: impl Future<Output = ()>,
) -> io::Result<()> {
    let limits = Arc::new(limits);
    let slots = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    // Connections start their graceful shutdown when this changes...
    let (stopping_tx, stopping_rx) = watch::channel(false);
    // ...and each holds a receiver of this until it has ended.
    let (ended_tx, ended_rx) = watch::channel(());
    let mut stop = pin!(stop);
    loop {
        // The slot first: over the cap, connections wait in the listen queue, unaccepted.
        let slot = tokio::select! {
            slot = slots.clone().acquire_owned() => slot.map_err(io::Error::other)?,
            () = &mut stop => break,
        };
        let (tcp, remote) = tokio::select! {
            accepted = accept(&listener) => accepted,
            () = &mut stop => break,
        };
        // No Nagle: a response written as headers then body must not wait for the client's
        // delayed ACK (~40 ms per request on keep-alive connections).
        let _ = tcp.set_nodelay(true);
        let connection = serve_connection(
            tcp,
            remote,
            router.clone(),
            limits.clone(),
            stopping_rx.clone(),
        );
        let ended = ended_rx.clone();
        tokio::spawn(async move {
            connection.await;
            drop(slot);
            drop(ended);
        });
    }
    drop(listener);
    drop(ended_rx);
    let _ = stopping_tx.send(true);
    // Each request but an upload ends within the request timeout. An upload still coming after
    // that is left to be cut off as the process ends (nothing of it was acknowledged; the
    // farmer sends it again), so a restart ends within systemd's `TimeoutStopSec` (45 s) and
    // the server still leaves the database cleanly.
    let grace = limits.request_timeout + Duration::from_secs(5);
    if tokio::time::timeout(grace, ended_tx.closed())
        .await
        .is_err()
    {
        tracing::warn!("stopping with uploads still in flight");
    }
    Ok(())
}

/// The next connection. Errors of one connection (the client gave up) are skipped; others
/// (out of open files) are retried after a pause rather than in a busy loop.
async fn accept(listener: &TcpListener) -> (TcpStream, SocketAddr) {
    loop {
        match listener.accept().await {
            Ok(accepted) => return accepted,
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::ConnectionRefused
                        | io::ErrorKind::ConnectionAborted
                        | io::ErrorKind::ConnectionReset
                ) => {}
            Err(e) => {
                tracing::error!(error = %e, "accepting a connection failed");
                tokio::time::sleep(std::time::Duration::from_secs(1)).await;
            }
        }
    }
}

async fn serve_connection(
    tcp: TcpStream,
    remote: SocketAddr,
    router: Router,
    limits: Arc<Limits>,
    mut stopping: watch::Receiver<bool>,
) {
    let activity = Arc::new(Activity::new());
    let io = TokioIo::new(Watched {
        tcp,
        activity: activity.clone(),
    });
    let service = ConnectionService {
        router,
        remote,
        activity: activity.clone(),
        linger: limits.linger,
        stopping: stopping.clone(),
    };
    let mut builder = hyper::server::conn::http1::Builder::new();
    // Our timeouts replace hyper's (see the module's notes); it has no timer to run one anyway.
    builder.header_read_timeout(None);
    let mut conn = pin!(builder.serve_connection(io, service));
    let mut shutting_down = false;
    loop {
        let deadline = activity.deadline(&limits);
        tokio::select! {
            served = conn.as_mut() => {
                if let Err(e) = served {
                    tracing::debug!(error = %e, %remote, "connection ended with an error");
                }
                return;
            }
            Ok(()) = stopping.changed(), if !shutting_down => {
                shutting_down = true;
                conn.as_mut().graceful_shutdown();
            }
            () = sleep_until(deadline) => {
                if activity.deadline(&limits).is_some_and(|d| d <= Instant::now()) {
                    tracing::debug!(%remote, "closing a silent or slow connection");
                    return; // dropping the connection closes it
                }
            }
            () = activity.changed.notified() => {}
        }
    }
}

async fn sleep_until(deadline: Option<Instant>) {
    match deadline {
        Some(d) => tokio::time::sleep_until(d).await,
        None => std::future::pending().await,
    }
}

/// What a connection is doing, for its timeouts.
struct Activity {
    state: Mutex<ActivityState>,
    /// Woken when a deadline appears or moves earlier.
    changed: Notify,
}

struct ActivityState {
    /// Requests being handled or answered (more than one only when pipelined).
    in_flight: usize,
    /// Since when the connection has been waiting for a request.
    idle_since: Instant,
    /// The first byte of the request head being waited for, once it came.
    head_started: Option<Instant>,
}

impl Activity {
    fn new() -> Self {
        Activity {
            state: Mutex::new(ActivityState {
                in_flight: 0,
                idle_since: Instant::now(),
                head_started: None,
            }),
            changed: Notify::new(),
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, ActivityState> {
        // The state stays consistent whatever panicked while holding it.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// When the connection is to be closed unless something happens first; `None` while a
    /// request is in flight.
    fn deadline(&self, limits: &Limits) -> Option<Instant> {
        let s = self.state();
        if s.in_flight > 0 {
            None
        } else if let Some(started) = s.head_started {
            Some(started + limits.header_timeout)
        } else {
            Some(s.idle_since + limits.idle_timeout)
        }
    }

    /// Bytes came in: while waiting for a request, its head has begun.
    fn bytes_read(&self) {
        let mut s = self.state();
        if s.in_flight == 0 && s.head_started.is_none() {
            s.head_started = Some(Instant::now());
            drop(s);
            self.changed.notify_one();
        }
    }

    fn request_started(&self) {
        self.state().in_flight += 1;
    }

    fn request_ended(&self) {
        let mut s = self.state();
        s.in_flight = s.in_flight.saturating_sub(1);
        if s.in_flight == 0 {
            s.idle_since = Instant::now();
            s.head_started = None;
            drop(s);
            self.changed.notify_one();
        }
    }
}

/// Counts a request as in flight from its head until its response has been sent (or dropped).
struct InFlight(Arc<Activity>);

impl InFlight {
    fn new(activity: Arc<Activity>) -> Self {
        activity.request_started();
        InFlight(activity)
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.request_ended();
    }
}

/// The socket, noting when bytes come in.
struct Watched {
    tcp: TcpStream,
    activity: Arc<Activity>,
}

impl AsyncRead for Watched {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.tcp).poll_read(cx, buf);
        if buf.filled().len() > before {
            self.activity.bytes_read();
        }
        polled
    }
}

impl AsyncWrite for Watched {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.tcp).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.tcp).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.tcp.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.tcp).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.tcp).poll_shutdown(cx)
    }
}

/// The router for one connection: the client's address for the handlers (sign-in throttling),
/// and each request counted in flight until its response body is done.
#[derive(Clone)]
struct ConnectionService {
    router: Router,
    remote: SocketAddr,
    activity: Arc<Activity>,
    linger: Duration,
    stopping: watch::Receiver<bool>,
}

impl hyper::service::Service<http::Request<Incoming>> for ConnectionService {
    type Response = http::Response<Tracked>;
    type Error = Infallible;
    type Future =
        Pin<Box<dyn Future<Output = Result<Self::Response, Self::Error>> + Send + 'static>>;

    fn call(&self, request: http::Request<Incoming>) -> Self::Future {
        let in_flight = InFlight::new(self.activity.clone());
        let expects_continue = request
            .headers()
            .get(http::header::EXPECT)
            .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"100-continue"));
        let mut request = request.map(|body| {
            Body::new(Lingering {
                body: Some(body),
                ended: false,
                polled: false,
                expects_continue,
                activity: self.activity.clone(),
                linger: self.linger,
                stopping: self.stopping.clone(),
            })
        });
        request.extensions_mut().insert(ConnectInfo(self.remote));
        let router = self.router.clone();
        Box::pin(async move {
            let response = router.oneshot(request).await?;
            Ok(response.map(|body| Tracked {
                body,
                _in_flight: in_flight,
            }))
        })
    }
}

/// A request body that, dropped before its end, is still read to its end and thrown away, for
/// up to `linger` (see the module's notes).
struct Lingering {
    /// Taken only when dropped.
    body: Option<Incoming>,
    /// Its last frame was read (or it failed): nothing is left to receive.
    ended: bool,
    /// Read from at least once: with `Expect: 100-continue` that is what asks for the body.
    polled: bool,
    expects_continue: bool,
    activity: Arc<Activity>,
    linger: Duration,
    stopping: watch::Receiver<bool>,
}

/// A lingering body is given up after this long without a byte (nginx's `lingering_timeout`).
const LINGER_SILENCE: Duration = Duration::from_secs(5);

impl HttpBody for Lingering {
    type Data = Bytes;
    type Error = hyper::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, hyper::Error>>> {
        self.polled = true;
        let Some(body) = self.body.as_mut() else {
            return Poll::Ready(None);
        };
        let polled = Pin::new(body).poll_frame(cx);
        if matches!(polled, Poll::Ready(None | Some(Err(_)))) {
            self.ended = true;
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        self.ended || self.body.as_ref().is_none_or(HttpBody::is_end_stream)
    }

    fn size_hint(&self) -> SizeHint {
        self.body
            .as_ref()
            .map_or_else(|| SizeHint::with_exact(0), HttpBody::size_hint)
    }
}

impl Drop for Lingering {
    fn drop(&mut self) {
        // A client that waits for "100 Continue" before sending was never asked: reading now
        // would ask it to send a body only to throw it away.
        if self.is_end_stream() || (self.expects_continue && !self.polled) {
            return;
        }
        let (Some(mut body), Ok(runtime)) =
            (self.body.take(), tokio::runtime::Handle::try_current())
        else {
            return;
        };
        // In flight until then: these bytes are the body, not the head of a next request, so
        // the header and idle timeouts must not count them.
        let in_flight = InFlight::new(self.activity.clone());
        let linger = self.linger;
        let mut stopping = self.stopping.clone();
        runtime.spawn(async move {
            let _in_flight = in_flight;
            // Until its length is reached: hyper drops its side only once a next request's head
            // has come, and the connection's timeouts are off meanwhile.
            let rest = async {
                while !body.is_end_stream() {
                    let frame = std::future::poll_fn(|cx| Pin::new(&mut body).poll_frame(cx));
                    match tokio::time::timeout(LINGER_SILENCE, frame).await {
                        Ok(Some(Ok(_))) => {}
                        _ => return,
                    }
                }
            };
            // Past the limit (or once the server stops) the body is dropped and hyper closes
            // the connection.
            tokio::select! {
                _ = tokio::time::timeout(linger, rest) => {}
                _ = stopping.wait_for(|stopping| *stopping) => {}
            }
        });
    }
}

/// A response body that keeps its request in flight until it has been sent or dropped.
struct Tracked {
    body: Body,
    _in_flight: InFlight,
}

impl HttpBody for Tracked {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        Pin::new(&mut self.body).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.body.size_hint()
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use hyper_util::rt::{TokioIo, TokioTimer};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    /// Why the timeouts are ours (see the module's notes): hyper's header timeout also closes a
    /// kept-alive connection that is merely idle after a response. If hyper changes this, the
    /// notes are stale.
    #[tokio::test]
    async fn hyper_header_timeout_also_closes_idle_kept_alive_connections() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let server = tokio::spawn(async move {
            let (tcp, _) = listener.accept().await.unwrap();
            let service = hyper::service::service_fn(|_req| async {
                Ok::<_, std::convert::Infallible>(http::Response::new(String::from("ok")))
            });
            let mut builder = hyper::server::conn::http1::Builder::new();
            builder
                .timer(TokioTimer::new())
                .header_read_timeout(Duration::from_millis(300));
            let _ = builder.serve_connection(TokioIo::new(tcp), service).await;
        });
        let mut tcp = tokio::net::TcpStream::connect(address).await.unwrap();
        tcp.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            .await
            .unwrap();
        let mut seen = Vec::new();
        let mut buf = [0u8; 1024];
        // The response, then (no further request sent) the end of the stream.
        let closed = tokio::time::timeout(Duration::from_secs(20), async {
            loop {
                match tcp.read(&mut buf).await {
                    Ok(0) | Err(_) => return true,
                    Ok(n) => seen.extend_from_slice(&buf[..n]),
                }
            }
        })
        .await
        .unwrap_or(false);
        assert!(seen.starts_with(b"HTTP/1.1 200"), "{seen:?}");
        assert!(closed, "hyper kept the idle connection open");
        server.abort();
    }
}
