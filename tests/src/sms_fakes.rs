//! Fakes of the two phone channels' HTTP APIs, inside the test process on 127.0.0.1:0: eSMS.vn
//! (`SendMultipleMessage_V4_post_json`, answers `{"CodeResult": "100", "SMSID"}`) and Zalo ZNS
//! (`POST /message/template` with an `access_token` header, answers `{"error": 0, "data":
//! {"msg_id"}}`). Each records the messages it accepted, one per idempotency key (eSMS
//! RequestId, ZNS tracking_id) as the providers promise to de-duplicate, counts every call,
//! and can fail with a 5xx a number of times, refuse for good, or hold requests (having
//! accepted them) until released: a provider that took the message but whose answer never
//! reached us.

use std::sync::{Arc, Mutex};

use axum::{
    Json, Router,
    extract::State,
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    routing::post,
};
use serde_json::{Value, json};
use tokio::sync::watch;

pub const ESMS_API_KEY: &str = "esms-key-123";
pub const ESMS_SECRET: &str = "esms-secret-456";
pub const ZNS_TOKEN: &str = "zns-token-789";

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Mode {
    #[default]
    Normal,
    /// The next N calls answer 503.
    FailTimes(usize),
    /// Every call is refused for good (a bad number).
    Refuse,
    /// Calls are accepted (recorded), then held without an answer until [`Fake::release`].
    Hold,
}

#[derive(Default)]
struct Inner {
    mode: Mode,
    calls: usize,
    /// (idempotency key, request body)
    accepted: Vec<(String, Value)>,
}

#[derive(Clone)]
pub struct Fake {
    pub base_url: String,
    inner: Arc<Mutex<Inner>>,
    released: watch::Sender<bool>,
}

enum Step {
    Answer,
    Fail,
    Refuse,
    Hold,
}

impl Fake {
    fn step(&self, key: &str, body: &Value) -> Step {
        let mut inner = self.inner.lock().unwrap();
        inner.calls += 1;
        match inner.mode {
            Mode::FailTimes(n) if n > 0 => {
                inner.mode = Mode::FailTimes(n - 1);
                return Step::Fail;
            }
            Mode::Refuse => return Step::Refuse,
            _ => {}
        }
        if !inner.accepted.iter().any(|(k, _)| k == key) {
            inner.accepted.push((key.to_owned(), body.clone()));
        }
        if inner.mode == Mode::Hold {
            Step::Hold
        } else {
            Step::Answer
        }
    }

    async fn held(&self) {
        let mut released = self.released.subscribe();
        let _ = released.wait_for(|r| *r).await;
    }

    pub fn set(&self, mode: Mode) {
        self.inner.lock().unwrap().mode = mode;
        let _ = self.released.send(false);
    }

    /// Answers every held request, and the next ones normally.
    pub fn release(&self) {
        self.inner.lock().unwrap().mode = Mode::Normal;
        let _ = self.released.send(true);
    }

    /// Forgets what was received so far (the sign-ups' verification codes, when a test counts
    /// only what follows).
    pub fn forget(&self) {
        let mut inner = self.inner.lock().unwrap();
        inner.calls = 0;
        inner.accepted.clear();
    }

    pub fn calls(&self) -> usize {
        self.inner.lock().unwrap().calls
    }

    /// The distinct messages accepted: (idempotency key, request body).
    pub fn accepted(&self) -> Vec<(String, Value)> {
        self.inner.lock().unwrap().accepted.clone()
    }

    async fn serve(app: Router<Fake>) -> Fake {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("binding a phone-channel fake");
        let fake = Fake {
            base_url: format!("http://{}", listener.local_addr().unwrap()),
            inner: Arc::default(),
            released: watch::channel(false).0,
        };
        let app = app.with_state(fake.clone());
        tokio::spawn(async move { axum::serve(listener, app).await });
        fake
    }

    /// The eSMS fake.
    pub async fn esms() -> Fake {
        Fake::serve(Router::new().route(
            "/MainService.svc/json/SendMultipleMessage_V4_post_json/",
            post(esms_send),
        ))
        .await
    }

    /// The Zalo ZNS fake.
    pub async fn zns() -> Fake {
        Fake::serve(Router::new().route("/message/template", post(zns_send))).await
    }
}

async fn esms_send(State(fake): State<Fake>, Json(body): Json<Value>) -> Response {
    if body["ApiKey"] != ESMS_API_KEY || body["SecretKey"] != ESMS_SECRET {
        return Json(json!({"CodeResult": "101", "ErrorMessage": "Authorize Failed"}))
            .into_response();
    }
    let key = body["RequestId"].as_str().unwrap_or("").to_owned();
    match fake.step(&key, &body) {
        Step::Fail => StatusCode::SERVICE_UNAVAILABLE.into_response(),
        Step::Refuse => {
            Json(json!({"CodeResult": "104", "ErrorMessage": "Brandname not registered"}))
                .into_response()
        }
        Step::Hold => {
            fake.held().await;
            Json(json!({"CodeResult": "100", "SMSID": key})).into_response()
        }
        Step::Answer => Json(json!({"CodeResult": "100", "SMSID": key})).into_response(),
    }
}

async fn zns_send(
    State(fake): State<Fake>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> Response {
    if headers.get("access_token").and_then(|v| v.to_str().ok()) != Some(ZNS_TOKEN) {
        return Json(json!({"error": -124, "message": "Access token is invalid"})).into_response();
    }
    let key = body["tracking_id"].as_str().unwrap_or("").to_owned();
    match fake.step(&key, &body) {
        Step::Fail => StatusCode::BAD_GATEWAY.into_response(),
        Step::Refuse => {
            Json(json!({"error": -108, "message": "Phone number invalid"})).into_response()
        }
        Step::Hold => {
            fake.held().await;
            Json(json!({"error": 0, "message": "Success", "data": {"msg_id": key}})).into_response()
        }
        Step::Answer => {
            Json(json!({"error": 0, "message": "Success", "data": {"msg_id": key}})).into_response()
        }
    }
}
