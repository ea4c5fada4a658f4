//! "Tạo vận đơn" and "In nhãn" on a producer's order page: a waybill made through the
//! producer's carrier account, and its label. The carrier is called outside any transaction;
//! what it answered is then stored in one (`app::shop::storage::shipments::record_waybill`).
//! One waybill per order: our order number is the carrier's client order code, and a stored
//! tracking number refuses a second click before the carrier is asked.

use app::{
    domain::phone::PhoneVn,
    shop::{
        form::ShopRefusal,
        rules::{
            order::Party,
            shipment::{CarrierName, MAX_PARCEL_GRAMS},
        },
        storage::shipments::{self, NewWaybill, WaybillDraft, WaybillError},
    },
};
use axum::{
    Form,
    extract::{Path, State},
    http::header,
    response::{IntoResponse, Redirect, Response},
};
use chrono::Utc;
use serde::Deserialize;

use super::{Carrier, CarrierError, Item, Label, Parcel, Place, WaybillRequest, storage};
use crate::{
    auth::forms::see_other,
    form_error::{Context, FormError},
    shop::{forms::order_and_party, shopper::Shopper},
    startup::AppState,
};

#[derive(Deserialize)]
pub struct WaybillForm {
    carrier: String,
    weight_grams: String,
    cod_vnd: String,
}

/// The form's fields, read: `Err` is the refusal to send back.
fn parse(form: &WaybillForm, total: i64) -> Result<(CarrierName, i64, i64), ShopRefusal> {
    let carrier = CarrierName::parse(form.carrier.trim()).ok_or(ShopRefusal::NoCarrierAccount)?;
    let weight = form
        .weight_grams
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|g| (1..=MAX_PARCEL_GRAMS).contains(g))
        .ok_or(ShopRefusal::ParcelWeight)?;
    let cod = form
        .cod_vnd
        .trim()
        .replace(['.', ',', ' '], "")
        .parse::<i64>()
        .ok()
        .filter(|c| (0..=total).contains(c))
        .ok_or(ShopRefusal::CodAmount)?;
    Ok((carrier, weight, cod))
}

fn carrier_refusal(e: &CarrierError) -> ShopRefusal {
    match e {
        CarrierError::BadCredentials => ShopRefusal::CarrierCredentials,
        CarrierError::NotServed(_) => ShopRefusal::CarrierNotServed,
        CarrierError::Unavailable(_) => ShopRefusal::CarrierUnavailable,
        CarrierError::Malformed(_) | CarrierError::Refused(_) => ShopRefusal::CarrierRefused,
    }
}

/// A phone as carriers take it: `0912345678`.
fn national(phone: &str) -> String {
    PhoneVn::parse(phone)
        .map(|p| p.display().replace(' ', ""))
        .unwrap_or_else(|_| phone.to_owned())
}

/// The order as the reader may act on it: its producer's members and officers only.
async fn fulfilled_by_reader(
    state: &AppState,
    order_no: &str,
    shopper: &Shopper,
) -> Result<WaybillDraft, FormError> {
    let (_, party) = order_and_party(state, order_no, shopper).await?;
    if !matches!(party, Party::Producer | Party::Officer) {
        return Err(FormError::refused(
            format!("/don-hang/{order_no}"),
            &ShopRefusal::OrderNotAllowed,
        ));
    }
    shipments::draft(&state.db, order_no)
        .await
        .context("reading an order for its waybill")?
        .ok_or(FormError::NotFound)
}

/// `POST /don-hang/{order_no}/van-don`: the waybill, made once.
#[tracing::instrument(skip_all, fields(order = %order_no))]
pub async fn create(
    State(state): State<AppState>,
    shopper: Shopper,
    Path(order_no): Path<String>,
    Form(form): Form<WaybillForm>,
) -> Result<Response, FormError> {
    let draft = fulfilled_by_reader(&state, &order_no, &shopper).await?;
    let back = format!("/don-hang/{order_no}");
    let refused = |r: ShopRefusal| FormError::refused(&back, &r);
    shipments::may_send(&draft).map_err(|e| match e {
        WaybillError::Exists => refused(ShopRefusal::WaybillExists),
        WaybillError::NotConfirmed => refused(ShopRefusal::OrderState),
        WaybillError::Db(e) => FormError::unavailable("checking an order's waybill", e),
    })?;
    let (carrier, weight_grams, cod) = parse(&form, draft.total_vnd).map_err(refused)?;
    let account = storage::enabled(&state.db, &draft.producer_id, carrier.as_str())
        .await
        .context("reading a carrier account")?;
    let Some((account, pick_up)) = account else {
        return Err(refused(ShopRefusal::NoCarrierAccount));
    };
    let Some(adapter) = state.carriers.for_account(&account) else {
        return Err(refused(ShopRefusal::NoCarrierAccount));
    };
    let request = WaybillRequest {
        order_no: draft.order_no.clone(),
        sender_name: account.pick_name.clone(),
        sender_phone: national(&account.pick_phone),
        recipient_name: draft.recipient_name.clone(),
        recipient_phone: national(&draft.recipient_phone),
        parcel: Parcel {
            from: pick_up,
            to: Place {
                province: draft.province.clone(),
                commune: draft.commune.clone(),
                street: draft.street.clone(),
            },
            weight_grams,
            cod_amount: cod,
            declared_value: draft.total_vnd,
        },
        items: draft
            .items
            .iter()
            .map(|(name, quantity, grams)| Item {
                name: name.clone(),
                quantity: *quantity,
                weight_grams: *grams,
            })
            .collect(),
    };
    // No transaction is open while the carrier is asked (2 s at most).
    let waybill = adapter.create_waybill(&request).await.map_err(|e| {
        tracing::warn!(error = %e, code = e.code(), "the carrier made no waybill");
        refused(carrier_refusal(&e))
    })?;
    let actor = shopper
        .actor()
        .map(|a| a.user_id.clone())
        .unwrap_or_default();
    let stored = NewWaybill {
        carrier: carrier.as_str(),
        tracking_no: &waybill.tracking_no,
        fee_vnd: waybill.fee.max(0),
        cod_vnd: cod,
    };
    match shipments::record_waybill(&state.db, &draft.order_id, &stored, &actor, Utc::now()).await {
        Ok(()) => Ok(see_other(&format!("{back}?ok=1"))),
        Err(WaybillError::Exists | WaybillError::NotConfirmed) => {
            // Another click stored its waybill first (the carrier knows both by our order
            // number), or the order was cancelled meanwhile.
            tracing::warn!(tracking_no = %waybill.tracking_no, "a waybill was made but not stored");
            Err(refused(ShopRefusal::WaybillExists))
        }
        Err(WaybillError::Db(e)) => Err(FormError::unavailable("storing a waybill", e)),
    }
}

/// `GET /don-hang/{order_no}/nhan`: the waybill's label, from the carrier.
#[tracing::instrument(skip_all, fields(order = %order_no))]
pub async fn label(
    State(state): State<AppState>,
    shopper: Shopper,
    Path(order_no): Path<String>,
) -> Result<Response, FormError> {
    let draft = fulfilled_by_reader(&state, &order_no, &shopper).await?;
    let back = format!("/don-hang/{order_no}");
    let (Some(carrier), Some(tracking_no), true) =
        (&draft.carrier, &draft.tracking_no, draft.from_waybill)
    else {
        return Err(FormError::NotFound);
    };
    // The account that made it, even if switched off since.
    let account = storage::for_producer(&state.db, &draft.producer_id)
        .await
        .context("reading a carrier account")?
        .into_iter()
        .map(|(a, _)| a)
        .find(|a| &a.carrier == carrier);
    let Some(adapter) = account.and_then(|a| state.carriers.for_account(&a)) else {
        return Err(FormError::refused(&back, &ShopRefusal::NoCarrierAccount));
    };
    match adapter.label(tracking_no).await {
        Ok(Label::Url(url)) => Ok(Redirect::to(&url).into_response()),
        Ok(Label::Pdf(bytes)) => Ok((
            [
                (header::CONTENT_TYPE, "application/pdf".to_owned()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("inline; filename=\"{order_no}.pdf\""),
                ),
            ],
            bytes,
        )
            .into_response()),
        Err(e) => {
            tracing::warn!(error = %e, "the carrier gave no label");
            Err(FormError::refused(&back, &carrier_refusal(&e)))
        }
    }
}
