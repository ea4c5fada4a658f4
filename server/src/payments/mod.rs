//! Payment providers: checking what they tell the server (webhook signatures) before it is
//! believed, calling Stripe, and the background work that settles payments (expiring unpaid
//! orders, refunding cancelled paid ones).

pub mod refunds;
pub mod stripe;
pub mod stripe_signature;
pub mod tasks;
pub mod vnpay;
pub mod webhook;

use app::shop::rules::order::PaymentWindows;

use crate::config::PaymentSettings;

/// VNPay's pages (the buyer's way there and back) and the refunds administrators watch.
pub fn router() -> axum::Router<crate::startup::AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route(vnpay::RETURN_PATH, get(vnpay::return_page))
        .route("/thanh-toan/vnpay/{order_no}", get(vnpay::pay))
        .route(
            "/quan-tri/hoan-tien/{payment_id}/thu-lai",
            post(refunds::retry),
        )
        .route("/don-hang/{order_no}/hoan-tien", post(refunds::by_hand))
}

/// What the running server knows about payments.
#[derive(Clone, Debug)]
pub struct Payments {
    pub windows: PaymentWindows,
    /// `None`: cards are not offered.
    pub stripe: Option<stripe::StripeGateway>,
    pub bank_feed: crate::bank_feed::BankFeedAuth,
    /// `None`: VNPay is not offered.
    pub vnpay: Option<vnpay::VnpayGateway>,
}

impl Payments {
    pub fn new(settings: &PaymentSettings) -> Self {
        Payments {
            windows: settings.windows,
            stripe: settings.stripe.as_ref().map(stripe::StripeGateway::new),
            bank_feed: settings.bank_feed.clone(),
            vnpay: settings.vnpay.as_ref().map(vnpay::VnpayGateway::new),
        }
    }

    pub fn rules(&self) -> app::shop::storage::checkout::CheckoutRules {
        app::shop::storage::checkout::CheckoutRules {
            windows: self.windows,
            card_enabled: self.stripe.is_some(),
            vnpay_enabled: self.vnpay.is_some(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum OpenCardError {
    #[error("this checkout has no card payment waiting")]
    NotWaiting,
    #[error(transparent)]
    Provider(#[from] stripe::ProviderError),
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

/// The hosted payment page of a checkout's card payment: the one already opened, or a new one
/// (same idempotency key on a retry, so Stripe returns the same session).
pub async fn open_card(
    state: &crate::startup::AppState,
    checkout_id: &str,
) -> Result<String, OpenCardError> {
    use app::shop::storage::card_payments;
    let stripe = state
        .payments
        .stripe
        .as_ref()
        .ok_or(OpenCardError::NotWaiting)?;
    let payment = card_payments::find(&state.db, checkout_id)
        .await?
        .ok_or(OpenCardError::NotWaiting)?;
    match (payment.status.as_str(), &payment.session_url) {
        ("open", Some(url)) => return Ok(url.clone()),
        ("creating", _) => {}
        _ => return Err(OpenCardError::NotWaiting),
    }
    let first = payment.order_nos.first().cloned().unwrap_or_default();
    let back = format!("{}/don-hang/{first}", state.public_url);
    let (session_id, url) = stripe
        .open_session(
            &payment,
            &format!("{back}?the=ok"),
            &format!("{back}?the=huy"),
        )
        .await?;
    card_payments::record_session(
        &state.db,
        &payment.id,
        &session_id,
        &url,
        chrono::Utc::now(),
    )
    .await?;
    Ok(url)
}

/// The VNPay page of each order of a VNPay checkout (`None` when VNPay is off or an order's
/// payment is no longer awaited).
pub async fn vnpay_urls(
    state: &crate::startup::AppState,
    order_nos: &[String],
    buyer_ip: Option<&str>,
) -> Result<Vec<Option<String>>, sqlx::Error> {
    let ip = buyer_ip.unwrap_or(vnpay::LOCAL_IP);
    let mut out = vec![];
    for no in order_nos {
        let url = match &state.payments.vnpay {
            Some(vnpay) => app::payments::storage::vnpay_order(&state.db, no)
                .await?
                .filter(|o| o.status == app::payments::rules::PaymentStatus::Pending)
                .map(|o| vnpay.payment_url(&o, &state.public_url, ip)),
            None => None,
        };
        out.push(url);
    }
    Ok(out)
}
