//! `POST /api/v1/carriers/ghn/callback/{producer_id}?token=SECRET` and
//! `POST /api/v1/carriers/ghtk/callback/{producer_id}?hash=SECRET`: a carrier reports what
//! happened to a producer's parcel. The producer's account for that carrier holds the secret
//! its URL carries (the adapter checks it as the carrier documents); the event is applied to
//! the order of that waybill by `app::shop::storage::shipments::apply_report`, exactly once.
//! Both carriers retry until they get a 200, so a retry, a late event or one the order is past
//! gets a 200 that changes nothing; only what the carrier must fix gets a 4xx.

use std::collections::HashMap;

use app::shop::{
    rules::{
        order::OrderStatus,
        shipment::{Ignored, ParcelEvent},
    },
    storage::{
        orders::OrderError,
        shipments::{self, CarrierReport, ReportOutcome},
    },
};
use axum::{
    Json,
    body::Bytes,
    extract::{Path, Query, State, rejection::QueryRejection},
    http::StatusCode,
};
use chrono::Utc;
use serde_json::{Value, json};

use super::{CallbackError, Carrier, EventKind, storage};
use crate::{api::ApiError, startup::AppState};

type Params = Result<Query<HashMap<String, String>>, QueryRejection>;

/// GHN's callback; the secret is the URL's `token`.
pub async fn ghn(
    State(state): State<AppState>,
    Path(producer_id): Path<String>,
    params: Params,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    callback(
        &state,
        "ghn",
        &producer_id,
        secret_of(params, "token")?,
        &body,
    )
    .await
}

/// GHTK's webhook; the secret is the URL's `hash`.
pub async fn ghtk(
    State(state): State<AppState>,
    Path(producer_id): Path<String>,
    params: Params,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    callback(
        &state,
        "ghtk",
        &producer_id,
        secret_of(params, "hash")?,
        &body,
    )
    .await
}

fn secret_of(params: Params, name: &str) -> Result<Option<String>, ApiError> {
    let Query(mut params) = params.map_err(|e| ApiError::bad_request(e.body_text()))?;
    Ok(params.remove(name))
}

fn unverified() -> ApiError {
    ApiError::new(
        StatusCode::UNAUTHORIZED,
        "unverified",
        "the callback's secret does not match this producer's carrier account",
    )
}

/// What the adapter's reading of a callback means for the order.
fn parcel_event(kind: EventKind) -> ParcelEvent {
    match kind {
        EventKind::Shipped => ParcelEvent::PickedUp,
        EventKind::Delivered => ParcelEvent::Delivered,
        EventKind::Returned => ParcelEvent::Returned,
        // A waybill the carrier voided before pick-up stays on the order, in its history: the
        // order is still the producer's to send or cancel.
        EventKind::Cancelled | EventKind::Noted => ParcelEvent::Other,
    }
}

#[tracing::instrument(skip_all, fields(carrier = %carrier, producer_id = %producer_id))]
async fn callback(
    state: &AppState,
    carrier: &'static str,
    producer_id: &str,
    presented: Option<String>,
    body: &[u8],
) -> Result<Json<Value>, ApiError> {
    let unavailable = |e: sqlx::Error| ApiError::unavailable("a carrier callback", e);
    // An account switched off still hears about the parcels it sent.
    let account = storage::for_producer(&state.db, producer_id)
        .await
        .map_err(unavailable)?
        .into_iter()
        .map(|(a, _)| a)
        .find(|a| a.carrier == carrier);
    // An unknown producer or carrier looks like a wrong secret: nothing to learn by probing.
    let Some(account) = account else {
        return Err(unverified());
    };
    let Some(adapter) = state.carriers.for_account(&account) else {
        return Err(unverified());
    };
    let event = adapter
        .parse_callback(&account.callback_secret, presented.as_deref(), body)
        .map_err(|e| match e {
            CallbackError::Unverified => {
                tracing::warn!("refused a carrier callback with a bad secret");
                unverified()
            }
            CallbackError::Malformed(why) => ApiError::new(
                StatusCode::BAD_REQUEST,
                "malformed_callback",
                format!("not a {carrier} callback: {why}"),
            ),
        })?;
    let Some(order_id) =
        shipments::order_of_waybill(&state.db, producer_id, carrier, &event.tracking_no)
            .await
            .map_err(unavailable)?
    else {
        tracing::warn!(tracking_no = %event.tracking_no, "callback for an unknown waybill");
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "unknown_waybill",
            format!(
                "no order of this producer has the waybill {}",
                event.tracking_no
            ),
        ));
    };
    let report = CarrierReport {
        carrier: carrier.to_owned(),
        event: parcel_event(event.kind),
        status_text: event.status_text,
        at: event.at,
        cod_collected: event.cod_collected,
    };
    let outcome = match shipments::apply_report(&state.db, &order_id, &report, Utc::now()).await {
        Ok(outcome) => outcome,
        Err(OrderError::Db(e)) => return Err(unavailable(e)),
        Err(e) => {
            // The order vanished or refused between the check and the write: nothing to retry.
            tracing::warn!(error = %e, "a carrier event changed nothing");
            ReportOutcome::Ignored(Ignored::Refused)
        }
    };
    if outcome == ReportOutcome::Moved(OrderStatus::Returned) {
        // A card payment of a parcel that came back is given back now (the background task
        // would otherwise on its next round).
        crate::shop::forms::refund_soon(state);
    }
    let status = match outcome {
        ReportOutcome::Moved(to) => to.as_str(),
        ReportOutcome::Recorded => "recorded",
        ReportOutcome::Ignored(Ignored::Replayed) => "duplicate",
        ReportOutcome::Ignored(Ignored::Older) => "older",
        ReportOutcome::Ignored(Ignored::Refused) => "ignored",
    };
    Ok(Json(json!({ "status": status })))
}
