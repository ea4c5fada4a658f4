//! A fake of the few Stripe HTTP endpoints the marketplace calls (create a Checkout Session,
//! create a Refund), running inside the test process on 127.0.0.1:0. It answers the way
//! Stripe does — same JSON shapes, idempotency keys honoured — and records every request, so
//! tests can check what the server asked for. It also writes the webhook events Stripe would
//! send, signed for real with the endpoint's secret.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
};

use axum::{
    Json, Router,
    body::Bytes,
    extract::State,
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    routing::post,
};
use serde_json::{Value, json};

pub const SECRET_KEY: &str = "sk_test_fake";
pub const WEBHOOK_SECRET: &str = "whsec_fake_endpoint_secret";

/// A Checkout Session the fake handed out.
#[derive(Clone, Debug)]
pub struct Session {
    pub id: String,
    pub payment_intent: String,
    pub amount: i64,
    pub currency: String,
    pub checkout_id: String,
    /// The order numbers in the session's metadata.
    pub order_nos: String,
    pub idempotency_key: Option<String>,
    pub success_url: String,
}

/// A refund the server asked for.
#[derive(Clone, Debug)]
pub struct RefundCall {
    pub payment_intent: String,
    pub amount: i64,
    pub idempotency_key: Option<String>,
}

#[derive(Default)]
struct Inner {
    sessions: Vec<Session>,
    /// Idempotency key → the answer first given.
    replies: HashMap<String, Value>,
    refunds: Vec<RefundCall>,
    session_calls: usize,
    fail_refunds: bool,
}

#[derive(Clone)]
pub struct StripeFake {
    pub base_url: String,
    inner: Arc<Mutex<Inner>>,
}

fn form(body: &[u8]) -> HashMap<String, String> {
    form_urlencoded::parse(body).into_owned().collect()
}

fn idempotency_key(headers: &HeaderMap) -> Option<String> {
    headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

fn authorised(headers: &HeaderMap) -> bool {
    headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v == format!("Bearer {SECRET_KEY}"))
}

fn unauthorised() -> Response {
    (
        StatusCode::UNAUTHORIZED,
        Json(json!({"error": {"type": "invalid_request_error", "message": "Invalid API Key provided"}})),
    )
        .into_response()
}

async fn create_session(
    State(fake): State<StripeFake>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if !authorised(&headers) {
        return unauthorised();
    }
    let key = idempotency_key(&headers);
    let mut inner = fake.inner.lock().unwrap();
    inner.session_calls += 1;
    if let Some(reply) = key.as_ref().and_then(|k| inner.replies.get(k)) {
        return Json(reply.clone()).into_response();
    }
    let f = form(&body);
    let n = inner.sessions.len() + 1;
    let amount: i64 = f
        .get("line_items[0][price_data][unit_amount]")
        .and_then(|a| a.parse().ok())
        .unwrap_or(-1);
    let session = Session {
        id: format!("cs_test_{n:04}"),
        payment_intent: format!("pi_test_{n:04}"),
        amount,
        currency: f
            .get("line_items[0][price_data][currency]")
            .cloned()
            .unwrap_or_default(),
        checkout_id: f.get("metadata[checkout_id]").cloned().unwrap_or_default(),
        order_nos: f.get("metadata[order_nos]").cloned().unwrap_or_default(),
        idempotency_key: key.clone(),
        success_url: f.get("success_url").cloned().unwrap_or_default(),
    };
    let expires_at: i64 = f
        .get("expires_at")
        .and_then(|e| e.parse().ok())
        .unwrap_or(0);
    let reply = json!({
        "id": session.id,
        "object": "checkout.session",
        "amount_subtotal": amount,
        "amount_total": amount,
        "automatic_tax": {"enabled": false, "liability": null, "status": null},
        "cancel_url": f.get("cancel_url"),
        "client_reference_id": f.get("client_reference_id"),
        "created": chrono::Utc::now().timestamp(),
        "currency": session.currency,
        "custom_fields": [],
        "custom_text": {"after_submit": null, "shipping_address": null, "submit": null, "terms_of_service_acceptance": null},
        "expires_at": expires_at,
        "livemode": false,
        "metadata": {"checkout_id": session.checkout_id},
        "mode": "payment",
        "payment_intent": null,
        "payment_method_types": ["card"],
        "payment_status": "unpaid",
        "shipping_options": [],
        "status": "open",
        "success_url": session.success_url,
        "url": format!("{}/pay/{}", fake.base_url, session.id),
    });
    if let Some(k) = key {
        inner.replies.insert(k, reply.clone());
    }
    inner.sessions.push(session);
    Json(reply).into_response()
}

async fn create_refund(
    State(fake): State<StripeFake>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if !authorised(&headers) {
        return unauthorised();
    }
    let key = idempotency_key(&headers);
    let mut inner = fake.inner.lock().unwrap();
    if inner.fail_refunds {
        return (
            StatusCode::INTERNAL_SERVER_ERROR,
            Json(json!({"error": {"type": "api_error", "message": "try again"}})),
        )
            .into_response();
    }
    if let Some(reply) = key.as_ref().and_then(|k| inner.replies.get(k)) {
        return Json(reply.clone()).into_response();
    }
    let f = form(&body);
    let call = RefundCall {
        payment_intent: f.get("payment_intent").cloned().unwrap_or_default(),
        amount: f.get("amount").and_then(|a| a.parse().ok()).unwrap_or(-1),
        idempotency_key: key.clone(),
    };
    let reply = json!({
        "id": format!("re_test_{:04}", inner.refunds.len() + 1),
        "object": "refund",
        "amount": call.amount,
        "created": chrono::Utc::now().timestamp(),
        "currency": "vnd",
        "metadata": {},
        "payment_intent": call.payment_intent,
        "status": "succeeded",
    });
    if let Some(k) = key {
        inner.replies.insert(k, reply.clone());
    }
    inner.refunds.push(call);
    Json(reply).into_response()
}

impl StripeFake {
    pub async fn start() -> StripeFake {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("binding the Stripe fake");
        let base_url = format!("http://{}", listener.local_addr().expect("fake address"));
        let fake = StripeFake {
            base_url,
            inner: Arc::default(),
        };
        let app = Router::new()
            .route("/v1/checkout/sessions", post(create_session))
            .route("/v1/refunds", post(create_refund))
            .with_state(fake.clone());
        tokio::spawn(async move { axum::serve(listener, app).await });
        fake
    }

    /// The server's payment settings, pointed at this fake.
    pub fn settings(&self) -> server::config::PaymentSettings {
        server::config::PaymentSettings {
            windows: Default::default(),
            stripe: Some(server::config::StripeSettings {
                secret_key: SECRET_KEY.to_owned(),
                webhook_secret: WEBHOOK_SECRET.to_owned(),
                api_base: Some(format!("{}/", self.base_url)),
            }),
            vnpay: None,
        }
    }

    pub fn sessions(&self) -> Vec<Session> {
        self.inner.lock().unwrap().sessions.clone()
    }

    pub fn session_calls(&self) -> usize {
        self.inner.lock().unwrap().session_calls
    }

    pub fn refunds(&self) -> Vec<RefundCall> {
        self.inner.lock().unwrap().refunds.clone()
    }

    pub fn fail_refunds(&self, fail: bool) {
        self.inner.lock().unwrap().fail_refunds = fail;
    }

    /// The event Stripe sends for `session`: `checkout.session.completed` (paid),
    /// `checkout.session.async_payment_failed`, `checkout.session.expired`, …
    pub fn event(
        &self,
        event_id: &str,
        event_type: &str,
        session: &Session,
        amount: i64,
    ) -> String {
        let payment_status = if event_type == "checkout.session.completed" {
            "paid"
        } else {
            "unpaid"
        };
        json!({
            "id": event_id,
            "object": "event",
            "api_version": "2024-06-20",
            "created": chrono::Utc::now().timestamp(),
            "livemode": false,
            "type": event_type,
            "data": {"object": {
                "id": session.id,
                "object": "checkout.session",
                "amount_total": amount,
                "currency": session.currency,
                "metadata": {"checkout_id": session.checkout_id},
                "mode": "payment",
                "payment_intent": session.payment_intent,
                "payment_status": payment_status,
                "status": if event_type == "checkout.session.expired" { "expired" } else { "complete" },
            }},
        })
        .to_string()
    }
}

/// Delivers a webhook event to the server as Stripe would, signed at `t` (unix seconds).
pub async fn deliver(
    address: &str,
    body: &str,
    secret: &str,
    t: i64,
) -> reqwest::Result<reqwest::Response> {
    let signature = server::payments::stripe_signature::sign(body.as_bytes(), secret, t);
    reqwest::Client::new()
        .post(format!("{address}/api/v1/webhooks/stripe"))
        .header("content-type", "application/json")
        .header("stripe-signature", signature)
        .body(body.to_owned())
        .send()
        .await
}
