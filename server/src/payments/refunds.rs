//! Refunds people act on: the administrator's list of refunds not done yet
//! (`/quan-tri/hoan-tien`, with a retry-now button for a failed one), and the producer
//! recording the bank transfer they made back to the buyer.

use app::{
    auth::{CSRF_FIELD, CsrfToken},
    payments::{
        storage::{self as refunds_storage, RefundByHandError},
        texts,
    },
    shop::{form::ShopRefusal, rules::order::Party},
};
use axum::{
    Extension, Form,
    extract::{Path, State},
    response::{Html, IntoResponse, Response},
};
use chrono::Utc;
use serde::Deserialize;

use crate::{
    auth::forms::see_other,
    form_error::{Administrator, Context, FormError},
    shop::shopper::Shopper,
    startup::AppState,
};

pub const PAGE: &str = "/quan-tri/hoan-tien";

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// `GET /quan-tri/hoan-tien`: every payment still owed back, the failed ones first.
#[tracing::instrument(skip_all)]
pub async fn page(
    State(state): State<AppState>,
    Administrator(_admin): Administrator,
    csrf: Option<Extension<CsrfToken>>,
) -> Result<Response, FormError> {
    let open = refunds_storage::open_refunds(&state.db)
        .await
        .context("listing refunds")?;
    let token = csrf.map(|Extension(t)| t.0).unwrap_or_default();
    let rows: String = open
        .iter()
        .map(|r| {
            let retry = if r.method == app::payments::rules::PaymentMethod::BankTransfer {
                format!("<td>{}</td>", texts::REFUND_BY_HAND)
            } else {
                format!(
                    "<td><form method=\"post\" action=\"{PAGE}/{id}/thu-lai\">\
                     <input type=\"hidden\" name=\"{CSRF_FIELD}\" value=\"{token}\">\
                     <button type=\"submit\" class=\"button\">{label}</button></form></td>",
                    id = escape(&r.payment_id),
                    token = escape(&token),
                    label = texts::REFUND_RETRY,
                )
            };
            format!(
                "<tr><td><a href=\"/don-hang/{no}\">{no}</a></td><td>{method}</td><td>{amount}</td>\
                 <td>{attempts}</td><td>{error}</td><td>{next}</td>{retry}</tr>",
                no = escape(&r.order_no),
                method = texts::method(r.method),
                amount = r.amount.format(app::i18n::Locale::Vi.money()),
                attempts = r.attempts,
                error = escape(r.last_error.as_deref().unwrap_or("")),
                next = escape(r.next_try_at.as_deref().unwrap_or("")),
            )
        })
        .collect();
    let body = if open.is_empty() {
        format!("<p>{}</p>", texts::REFUNDS_NONE)
    } else {
        format!(
            "<table class=\"refunds\"><thead><tr><th>Đơn hàng</th><th>Cách thanh toán</th>\
             <th>Số tiền</th><th>Số lần thử</th><th>Lỗi gần nhất</th><th>Lần thử tới</th><th></th>\
             </tr></thead><tbody>{rows}</tbody></table>"
        )
    };
    Ok(Html(format!(
        "<!doctype html><html lang=\"vi\"><head><meta charset=\"utf-8\"><title>{title}</title>\
         <link rel=\"stylesheet\" href=\"/pkg/ocop.css\"></head><body><main class=\"page\">\
         <h1>{title}</h1>{body}</main></body></html>",
        title = texts::REFUNDS_TITLE,
    ))
    .into_response())
}

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
