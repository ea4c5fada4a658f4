//! Payment providers: checking what they tell the server (webhook signatures) before it is
//! believed, calling Stripe, and the background work that settles payments (expiring unpaid
//! orders, refunding cancelled paid ones).

pub mod stripe;
pub mod stripe_signature;
pub mod tasks;
pub mod webhook;

use app::shop::rules::order::PaymentWindows;

use crate::config::PaymentSettings;

/// What the running server knows about payments.
#[derive(Clone, Debug)]
pub struct Payments {
    pub windows: PaymentWindows,
    /// `None`: cards are not offered.
    pub stripe: Option<stripe::StripeGateway>,
    pub bank_feed: crate::bank_feed::BankFeedAuth,
}

impl Payments {
    pub fn new(settings: &PaymentSettings) -> Self {
        Payments {
            windows: settings.windows,
            stripe: settings.stripe.as_ref().map(stripe::StripeGateway::new),
            bank_feed: settings.bank_feed.clone(),
        }
    }

    pub fn rules(&self) -> app::shop::storage::checkout::CheckoutRules {
        app::shop::storage::checkout::CheckoutRules {
            windows: self.windows,
            card_enabled: self.stripe.is_some(),
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
