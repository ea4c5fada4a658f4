//! `POST /api/v1/webhooks/stripe`: Stripe tells us a Checkout Session was paid, failed or
//! expired. The signature is checked against the raw body before anything is parsed; each
//! event is applied exactly once (see `app::shop::storage::card_payments::apply_event`). Non-2xx answers
//! make Stripe retry, so a failure here loses nothing.

use app::shop::storage::card_payments::{
    self, CardEvent, CardEventError, CardEventKind, EventOutcome,
};
use axum::{
    Json,
    body::Bytes,
    extract::State,
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
};
use chrono::Utc;
use serde::Deserialize;
use serde_json::json;

use super::stripe_signature;
use crate::{api::ApiError, startup::AppState};

/// Stripe's documented tolerance for the signature's timestamp.
const TOLERANCE_SECS: i64 = 300;

#[derive(Deserialize)]
struct Event {
    id: String,
    #[serde(rename = "type")]
    kind: String,
    data: EventData,
}

#[derive(Deserialize)]
struct EventData {
    object: SessionObject,
}

#[derive(Deserialize)]
struct SessionObject {
    id: String,
    #[serde(default)]
    payment_intent: Option<serde_json::Value>,
    #[serde(default)]
    payment_status: Option<String>,
    #[serde(default)]
    amount_total: Option<i64>,
    #[serde(default)]
    currency: Option<String>,
    #[serde(default)]
    metadata: std::collections::HashMap<String, String>,
}

fn kind_of(event_type: &str, payment_status: Option<&str>) -> Option<CardEventKind> {
    Some(match event_type {
        "checkout.session.completed" if payment_status == Some("paid") => CardEventKind::Paid,
        "checkout.session.completed" => CardEventKind::Pending,
        "checkout.session.async_payment_succeeded" => CardEventKind::Paid,
        "checkout.session.async_payment_failed" => CardEventKind::Failed,
        "checkout.session.expired" => CardEventKind::Expired,
        _ => return None,
    })
}

#[tracing::instrument(skip_all)]
pub async fn stripe_webhook(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let Some(stripe) = &state.payments.stripe else {
        return ApiError::not_found("card payments are not configured").into_response();
    };
    let header = headers
        .get("stripe-signature")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if let Err(e) = stripe_signature::verify(
        header,
        &body,
        stripe.webhook_secret(),
        Utc::now().timestamp(),
        TOLERANCE_SECS,
    ) {
        tracing::warn!(error = %e, "refused a webhook with a bad signature");
        return ApiError::new(StatusCode::BAD_REQUEST, e.code(), e.to_string()).into_response();
    }
    let event: Event = match serde_json::from_slice(&body) {
        Ok(e) => e,
        Err(e) => {
            return ApiError::bad_request(format!("not a Stripe event: {e}")).into_response();
        }
    };
    let object = event.data.object;
    let Some(kind) = kind_of(&event.kind, object.payment_status.as_deref()) else {
        // Events this endpoint was not subscribed for: acknowledged, nothing to do.
        return Json(json!({ "status": "ignored" })).into_response();
    };
    let payment_intent = match object.payment_intent {
        Some(serde_json::Value::String(id)) => Some(id),
        Some(serde_json::Value::Object(o)) => {
            o.get("id").and_then(|v| v.as_str()).map(str::to_owned)
        }
        _ => None,
    };
    let card_event = CardEvent {
        event_id: event.id,
        event_type: event.kind,
        kind,
        session_id: object.id,
        checkout_id: object.metadata.get("checkout_id").cloned(),
        payment_intent,
        amount: object.amount_total.unwrap_or(-1),
        currency: object.currency.unwrap_or_default(),
    };
    match card_payments::apply_event(&state.db, &card_event, Utc::now()).await {
        Ok(outcome) => {
            if outcome == EventOutcome::Applied {
                // A payment for an order that had already expired is given back at once.
                let state = state.clone();
                tokio::spawn(async move {
                    if let Err(e) = super::tasks::refund_due(&state).await {
                        tracing::warn!(error = %e, "refunding after a webhook failed");
                    }
                });
            }
            let status = match outcome {
                EventOutcome::Applied => "applied",
                EventOutcome::Duplicate => "duplicate",
                EventOutcome::Ignored => "ignored",
            };
            Json(json!({ "status": status })).into_response()
        }
        Err(CardEventError::UnknownPayment) => {
            tracing::warn!(session = %card_event.session_id, "webhook for an unknown card payment");
            ApiError::new(
                StatusCode::NOT_FOUND,
                "unknown_order",
                "no order has this checkout session",
            )
            .into_response()
        }
        Err(e @ CardEventError::AmountMismatch { .. }) => {
            tracing::error!(error = %e, session = %card_event.session_id, "webhook amount does not match the order");
            ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "amount_mismatch",
                e.to_string(),
            )
            .into_response()
        }
        Err(CardEventError::Db(e)) => {
            ApiError::unavailable("applying a webhook", e).into_response()
        }
    }
}
