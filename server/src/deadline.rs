//! How long a request may take before it is answered 503, so none holds a connection forever
//! (a stuck query, a slow client).
//!
//! A photo upload is the exception: its body is the farmer's photos coming up a phone's line,
//! and 15 MB over a weak 3G signal takes minutes. Under the one 30 s limit such an upload was
//! cut off half-way with a 503, however steadily it was arriving. An upload instead must keep
//! coming: at least [`Limits::upload_min_bytes`] every [`Limits::upload_silence`] (counted only
//! while the server waits on the client), so a stalled or dripping client frees its connection
//! within seconds, and [`Limits::upload_timeout`] in all. Since each may hold its connection
//! for long, at most a quarter of the connections carry uploads at once; past that an upload
//! is answered 503 with `Retry-After`, as when photo decoding is busy. And so that one account
//! cannot take those for itself (16 KiB every 30 s keeps an upload going for an hour), one
//! account (signed in, or through any of its farm tokens) has at most [`UPLOADS_PER_CALLER`]
//! going at once; past that it is answered 429.

use std::{
    collections::HashMap,
    future::Future,
    net::{IpAddr, SocketAddr},
    pin::Pin,
    sync::{Arc, Mutex, PoisonError},
    task::{Context, Poll},
    time::Duration,
};

use axum::{
    body::{Body, Bytes, HttpBody},
    extract::{ConnectInfo, Request, State},
    http::{StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
};
use http_body::{Frame, SizeHint};
use tokio::{
    sync::Semaphore,
    time::{Instant, Sleep},
};

use crate::{config::Limits, startup::AppState};

/// Marks a response the deadline gave, not the handler (`metrics` logs which request hung).
#[derive(Clone, Copy, Debug)]
pub struct TimedOut;

/// Uploads in progress at once (see the module's notes).
#[derive(Clone)]
pub struct UploadSlots(Arc<Semaphore>);

impl UploadSlots {
    pub fn for_limits(limits: &Limits) -> Self {
        UploadSlots(Arc::new(Semaphore::new(
            (limits.max_connections / 4).max(1),
        )))
    }
}

/// Answers 503 when the request has not been answered in time (see the module's notes).
pub async fn limit(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let limits: &Limits = &state.settings.limits;
    if !is_upload(&request) {
        return within(limits.request_timeout, next.run(request)).await;
    }
    let Ok(_slot) = state.upload_slots.0.clone().try_acquire_owned() else {
        return crate::photos::upload::busy();
    };
    let (silence, least) = (limits.upload_silence, limits.upload_min_bytes);
    let request = request.map(|body| Body::new(Progress::new(body, silence, least)));
    within(limits.upload_timeout, next.run(request)).await
}

/// Uploads one caller may have going at once: a farmer's listing photos in one tab and a diary
/// entry's in another.
pub const UPLOADS_PER_CALLER: usize = 2;

/// Whom an upload counts against.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Caller {
    /// An account: signed in on however many devices, or behind however many farm tokens.
    Account(String),
    /// Nobody known, by address. Such an upload is refused before its body is read, so it
    /// holds nothing for long.
    Address(Option<IpAddr>),
}

impl Caller {
    /// As `farm_tokens::FarmCaller` reads it: a farm token first (its hash, looked up by
    /// [`Caller::holding`]), then the session, then the address.
    fn claimed(request: &Request, state: &AppState) -> (Option<String>, Caller) {
        let token = request
            .headers()
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(app::farm_tokens::bearer)
            .filter(|t| app::farm_tokens::is_well_formed(t))
            .map(crate::auth::tokens::token_hash);
        if let Some(actor) = request.extensions().get::<app::auth::Actor>() {
            return (token, Caller::Account(actor.user_id.clone()));
        }
        let address =
            request
                .extensions()
                .get::<ConnectInfo<SocketAddr>>()
                .map(|ConnectInfo(peer)| {
                    let trusted = &state.settings.trusted_proxies;
                    crate::auth::client_address(peer.ip(), request.headers(), trusted)
                });
        (token, Caller::Address(address))
    }

    /// The account behind the farm token, if it is one (one lookup, for uploads only); else
    /// `otherwise`. An unknown token, or a lookup that failed, is the handler's to answer.
    async fn holding(token: Option<String>, otherwise: Caller, state: &AppState) -> Caller {
        let Some(hash) = token else {
            return otherwise;
        };
        match app::farm_tokens::storage::holder(&state.db, &hash, state.clock.now()).await {
            Ok(Some(holder)) => Caller::Account(holder.user_id),
            Ok(None) | Err(_) => otherwise,
        }
    }
}

/// The uploads each caller has going; a caller is in the map only while it has one, so the
/// map holds at most as many callers as there are upload slots.
#[derive(Clone, Default)]
pub struct UploadsByCaller(Arc<Mutex<HashMap<Caller, usize>>>);

impl UploadsByCaller {
    /// A turn for `caller`, or `None` when it has [`UPLOADS_PER_CALLER`] going already.
    fn enter(&self, caller: Caller) -> Option<CallerTurn> {
        let mut going = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        let count = going.entry(caller.clone()).or_insert(0);
        if *count >= UPLOADS_PER_CALLER {
            return None;
        }
        *count += 1;
        Some(CallerTurn {
            going: self.clone(),
            caller,
        })
    }
}

/// One upload of a caller's, given back when the request is answered (or abandoned).
struct CallerTurn {
    going: UploadsByCaller,
    caller: Caller,
}

impl Drop for CallerTurn {
    fn drop(&mut self) {
        let mut going = self.going.0.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(count) = going.get_mut(&self.caller) {
            *count -= 1;
            if *count == 0 {
                going.remove(&self.caller);
            }
        }
    }
}

/// Counts an upload against its caller (see the module's notes). It runs inside
/// `session::load`, which knows who is signed in.
pub async fn per_caller(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if !is_upload(&request) {
        return next.run(request).await;
    }
    let (token, otherwise) = Caller::claimed(&request, &state);
    let caller = Caller::holding(token, otherwise, &state).await;
    let Some(_turn) = state.uploads_by_caller.enter(caller) else {
        return others_going(request.uri().path());
    };
    next.run(request).await
}

/// 429 for a caller with [`UPLOADS_PER_CALLER`] uploads going: the API's JSON error on the
/// API, words for a person elsewhere (the upload form says its own, see `photo_upload`).
fn others_going(path: &str) -> Response {
    const WAIT_SECONDS: i64 = 30;
    if path.starts_with("/api/") {
        return crate::api::ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "uploads_in_progress",
            format!(
                "{UPLOADS_PER_CALLER} uploads of this caller are in progress already: send this one when one of them has finished"
            ),
        )
        .retry_after(WAIT_SECONDS)
        .into_response();
    }
    (
        StatusCode::TOO_MANY_REQUESTS,
        [(header::RETRY_AFTER, WAIT_SECONDS.to_string())],
        "Tài khoản đang tải ảnh lên ở trang hoặc máy khác, hoặc lượt gửi vừa bị ngắt chưa kết thúc: đợi khoảng nửa phút rồi gửi lại. / This account is uploading photos elsewhere, or a try just cut off has not ended yet: send again in half a minute.",
    )
        .into_response()
}

async fn within(allowed: Duration, answer: impl Future<Output = Response>) -> Response {
    match tokio::time::timeout(allowed, answer).await {
        Ok(response) => response,
        Err(_) => {
            let mut response = StatusCode::SERVICE_UNAVAILABLE.into_response();
            response.extensions_mut().insert(TimedOut);
            response
        }
    }
}

/// A multipart form: every upload of photos or spreadsheets is one, and nothing else is.
fn is_upload(request: &Request) -> bool {
    crate::boundary::content_type(request).starts_with("multipart/form-data")
}

/// A request body that fails unless at least `least` bytes of it come every `silence`. Only
/// the time the server spends waiting for the client counts: between a frame and the next
/// read (a photo being decoded meanwhile) the clock stops.
struct Progress {
    body: Body,
    silence: Duration,
    least: usize,
    /// Bytes come since the clock was last wound.
    come: usize,
    /// When `come` must have reached `least`.
    timer: Pin<Box<Sleep>>,
    /// When the last frame was handed over (or the body made), until the server reads again.
    handed_at: Option<Instant>,
}

impl Progress {
    fn new(body: Body, silence: Duration, least: usize) -> Self {
        Progress {
            body,
            silence,
            least,
            come: 0,
            timer: Box::pin(tokio::time::sleep(silence)),
            // Until the handler first reads (after the session and forgery checks), the clock
            // stands still as it does between reads.
            handed_at: Some(Instant::now()),
        }
    }
}

impl HttpBody for Progress {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        if let Some(handed_at) = self.handed_at.take() {
            // The server's own time since the last frame does not count against the client.
            let deadline = self.timer.deadline() + handed_at.elapsed();
            self.timer.as_mut().reset(deadline);
        }
        match Pin::new(&mut self.body).poll_frame(cx) {
            Poll::Ready(frame) => {
                let size = frame
                    .as_ref()
                    .and_then(|f| f.as_ref().ok())
                    .and_then(Frame::data_ref)
                    .map_or(0, Bytes::len);
                self.come += size;
                if self.come >= self.least {
                    self.come = 0;
                    let next = Instant::now() + self.silence;
                    self.timer.as_mut().reset(next);
                }
                self.handed_at = Some(Instant::now());
                Poll::Ready(frame)
            }
            Poll::Pending => match self.timer.as_mut().poll(cx) {
                Poll::Ready(()) => Poll::Ready(Some(Err(axum::Error::new(format!(
                    "the upload brought under {} bytes in {} s",
                    self.least,
                    self.silence.as_secs_f64()
                ))))),
                Poll::Pending => Poll::Pending,
            },
        }
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
    use super::*;

    /// A body of `frames` frames of `size` bytes, each coming `gap` after the one before.
    fn trickle(frames: usize, size: usize, gap: Duration) -> Body {
        let stream = futures_util::stream::unfold(0, move |n| async move {
            (n < frames).then_some(())?;
            tokio::time::sleep(gap).await;
            Some((
                Ok::<_, std::io::Error>(Bytes::from(vec![b'x'; size])),
                n + 1,
            ))
        });
        Body::from_stream(stream)
    }

    async fn read(body: Progress) -> Result<Bytes, axum::Error> {
        axum::body::to_bytes(Body::new(body), usize::MAX).await
    }

    #[test]
    fn a_caller_has_at_most_its_share_of_uploads_going() {
        let going = UploadsByCaller::default();
        let farmer = || Caller::Account("farmer".into());
        let mut turns: Vec<_> = (0..UPLOADS_PER_CALLER)
            .map(|_| going.enter(farmer()).expect("a turn"))
            .collect();
        assert!(going.enter(farmer()).is_none(), "one too many");
        // Others are not held up by this one.
        let neighbour = going.enter(Caller::Account("neighbour".into()));
        assert!(neighbour.is_some());
        assert!(going.enter(Caller::Address(None)).is_some());
        turns.pop();
        turns.push(
            going
                .enter(farmer())
                .expect("a turn given back is free again"),
        );
        drop(neighbour);
        assert_eq!(
            going.0.lock().unwrap().len(),
            1,
            "only the farmer's uploads are left"
        );
        drop(turns);
        assert!(going.0.lock().unwrap().is_empty(), "nobody is kept");
    }

    #[tokio::test]
    async fn a_steady_body_arrives_whole() {
        let body = Progress::new(
            trickle(3, 10, Duration::from_millis(50)),
            Duration::from_secs(5),
            10,
        );
        assert_eq!(read(body).await.expect("the body").len(), 30);
    }

    #[tokio::test]
    async fn a_body_silent_too_long_fails() {
        let body = Progress::new(
            trickle(2, 10, Duration::from_secs(3)),
            Duration::from_millis(200),
            1,
        );
        let error = read(body).await.expect_err("cut off");
        assert!(
            error.to_string().contains("the upload brought under"),
            "{error}"
        );
    }

    #[tokio::test]
    async fn the_silence_counts_from_the_last_progress() {
        // 1.2 s in all, never 1 s without a byte: the limit is on silence, not on the whole.
        let body = Progress::new(
            trickle(3, 10, Duration::from_millis(400)),
            Duration::from_secs(1),
            10,
        );
        assert_eq!(read(body).await.expect("the body").len(), 30);
    }

    #[tokio::test]
    async fn a_drip_is_cut_off() {
        // A byte every 100 ms never makes the 100 bytes due every 500 ms.
        let body = Progress::new(
            trickle(50, 1, Duration::from_millis(100)),
            Duration::from_millis(500),
            100,
        );
        assert!(read(body).await.is_err(), "a drip holds no connection");
    }

    #[tokio::test]
    async fn time_the_server_spends_between_reads_is_not_counted() {
        let mut body = Progress::new(
            trickle(2, 10, Duration::from_millis(100)),
            Duration::from_millis(300),
            10,
        );
        let first = std::future::poll_fn(|cx| Pin::new(&mut body).poll_frame(cx)).await;
        assert!(matches!(first, Some(Ok(_))));
        // Decoding a photo, say: three times the silence before reading on.
        tokio::time::sleep(Duration::from_millis(900)).await;
        let second = std::future::poll_fn(|cx| Pin::new(&mut body).poll_frame(cx)).await;
        assert!(
            matches!(second, Some(Ok(_))),
            "the client was not slow: {second:?}"
        );
    }
}
