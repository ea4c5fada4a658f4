//! Refunds people act on: the administrator's retry-now button on `/quan-tri/hoan-tien` (the
//! page is `app::payments::refunds_page`), and the producer recording the bank transfer they
//! made back to the buyer.

use app::{
    payments::storage::{self as refunds_storage, RefundByHandError},
    shop::{form::ShopRefusal, rules::order::Party},
};
use axum::{
    Form,
    extract::{Path, State},
    response::Response,
};
use chrono::Utc;
use serde::Deserialize;

use crate::{
    auth::forms::see_other,
    form_error::{Administrator, Context, FormError},
    shop::shopper::Shopper,
    startup::AppState,
};

use app::payments::refunds_page::PAGE;

/// `POST /quan-tri/hoan-tien/{payment_id}/thu-lai`: try this refund at once.
#[tracing::instrument(skip_all, fields(payment_id = %payment_id))]
pub async fn retry(
    State(state): State<AppState>,
    Administrator(_admin): Administrator,
    Path(payment_id): Path<String>,
) -> Result<Response, FormError> {
    if payment_id.len() > 64 {
        return Ok(see_other(&format!("{PAGE}?ok=0")));
    }
    let due = refunds_storage::retry_now(&state.db, &payment_id, Utc::now())
        .await
        .context("asking for a refund retry")?;
    if due {
        crate::shop::forms::refund_soon(&state);
    }
    Ok(see_other(&format!("{PAGE}?ok={}", u8::from(due))))
}

#[derive(Deserialize)]
pub struct ByHandFields {
    #[serde(default)]
    reference: String,
}

/// `POST /don-hang/{order_no}/hoan-tien`: the producer (or an officer) transferred the money
/// back by hand; its bank reference is recorded and the order is refunded.
#[tracing::instrument(skip_all, fields(order = %order_no))]
pub async fn by_hand(
    State(state): State<AppState>,
    shopper: Shopper,
    Path(order_no): Path<String>,
    Form(fields): Form<ByHandFields>,
) -> Result<Response, FormError> {
    let (keys, party) = crate::shop::forms::order_and_party(&state, &order_no, &shopper).await?;
    let back = format!("/don-hang/{order_no}");
    if !matches!(party, Party::Producer | Party::Officer) {
        return Err(FormError::refused(back, &ShopRefusal::OrderNotAllowed));
    }
    let actor = shopper
        .actor()
        .map(|a| a.user_id.clone())
        .unwrap_or_default();
    match refunds_storage::refund_transfer_by_hand(
        &state.db,
        &keys.id,
        &fields.reference,
        &actor,
        Utc::now(),
    )
    .await
    {
        Ok(_) => Ok(see_other(&format!("{back}?ok=1"))),
        Err(RefundByHandError::Reference) => {
            Err(FormError::refused(back, &ShopRefusal::RefundReference))
        }
        Err(RefundByHandError::NotOwed) => Err(FormError::refused(back, &ShopRefusal::OrderState)),
        Err(RefundByHandError::Order(e)) => Err(FormError::unavailable("recording a refund", e)),
        Err(RefundByHandError::Db(e)) => Err(FormError::unavailable("recording a refund", e)),
    }
}
