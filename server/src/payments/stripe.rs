//! Stripe, the card payment provider: a hosted Checkout Session per checkout (the card number
//! never touches our servers) and refunds. VND is a zero-decimal currency for Stripe: amounts
//! are whole dong. Every call carries an idempotency key derived from our own ids, so a retry
//! after a timeout never charges or refunds twice.

use std::collections::HashMap;

use app::shop::storage::card_payments::{CardPayment, RefundDue};
use chrono::{Duration, Utc};
use stripe::{
    CheckoutSession, CheckoutSessionMode, Client, CreateCheckoutSession,
    CreateCheckoutSessionLineItems, CreateCheckoutSessionLineItemsPriceData,
    CreateCheckoutSessionLineItemsPriceDataProductData, CreateCheckoutSessionPaymentIntentData,
    CreateRefund, Currency, PaymentIntentId, Refund, RequestStrategy,
};

use crate::config::StripeSettings;

#[derive(Debug, thiserror::Error)]
pub enum ProviderError {
    #[error("the card payment provider refused or failed: {0}")]
    Provider(String),
    #[error("the provider's answer lacks {0}")]
    Incomplete(&'static str),
}

/// A Stripe account, ready to call.
#[derive(Clone)]
pub struct StripeGateway {
    client: Client,
    webhook_secret: String,
}

impl std::fmt::Debug for StripeGateway {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("StripeGateway { .. }")
    }
}

/// Stripe accepts a session expiry from 30 minutes to 24 hours ahead.
fn session_expiry(pay_by: chrono::DateTime<Utc>) -> i64 {
    let now = Utc::now();
    pay_by
        .max(now + Duration::minutes(31))
        .min(now + Duration::hours(23))
        .timestamp()
}

impl StripeGateway {
    pub fn new(settings: &StripeSettings) -> Self {
        let client = match &settings.api_base {
            // Tests point this at a fake of Stripe's HTTP API.
            Some(base) => Client::from_url(base.as_str(), settings.secret_key.clone()),
            None => Client::new(settings.secret_key.clone()),
        };
        StripeGateway {
            client,
            webhook_secret: settings.webhook_secret.clone(),
        }
    }

    pub fn webhook_secret(&self) -> &str {
        &self.webhook_secret
    }

    /// Opens the hosted payment page for a checkout; returns (session id, its URL).
    pub async fn open_session(
        &self,
        payment: &CardPayment,
        success_url: &str,
        cancel_url: &str,
    ) -> Result<(String, String), ProviderError> {
        let metadata = HashMap::from([
            ("checkout_id".to_owned(), payment.checkout_id.clone()),
            ("card_payment_id".to_owned(), payment.id.clone()),
            // The orders it pays, as people read them in the Stripe dashboard.
            ("order_nos".to_owned(), payment.order_nos.join(",")),
        ]);
        let name = format!("Đơn hàng {}", payment.order_nos.join(", "));
        let mut params = CreateCheckoutSession::new();
        params.mode = Some(CheckoutSessionMode::Payment);
        params.success_url = Some(success_url);
        params.cancel_url = Some(cancel_url);
        params.client_reference_id = Some(&payment.checkout_id);
        params.expires_at = Some(session_expiry(payment.pay_by));
        params.metadata = Some(metadata.clone());
        params.payment_intent_data = Some(CreateCheckoutSessionPaymentIntentData {
            metadata: Some(metadata),
            ..Default::default()
        });
        params.line_items = Some(vec![CreateCheckoutSessionLineItems {
            quantity: Some(1),
            price_data: Some(CreateCheckoutSessionLineItemsPriceData {
                currency: Currency::VND,
                unit_amount: Some(payment.amount.dong()),
                product_data: Some(CreateCheckoutSessionLineItemsPriceDataProductData {
                    name,
                    ..Default::default()
                }),
                ..Default::default()
            }),
            ..Default::default()
        }]);
        let client = self
            .client
            .clone()
            .with_strategy(RequestStrategy::Idempotent(format!(
                "session-{}",
                payment.id
            )));
        let session = CheckoutSession::create(&client, params)
            .await
            .map_err(|e| ProviderError::Provider(e.to_string()))?;
        let url = session.url.ok_or(ProviderError::Incomplete("url"))?;
        Ok((session.id.to_string(), url))
    }

    /// Gives back one order's share of a card payment; returns the refund id.
    pub async fn refund(&self, due: &RefundDue) -> Result<String, ProviderError> {
        let intent: PaymentIntentId = due
            .provider_ref
            .parse()
            .map_err(|_| ProviderError::Incomplete("a payment intent id"))?;
        let mut params = CreateRefund::new();
        params.payment_intent = Some(intent);
        params.amount = Some(due.amount.dong());
        params.metadata = Some(HashMap::from([(
            "order_no".to_owned(),
            due.order_no.clone(),
        )]));
        let client = self
            .client
            .clone()
            .with_strategy(RequestStrategy::Idempotent(format!(
                "refund-{}",
                due.payment_id
            )));
        let refund = Refund::create(&client, params)
            .await
            .map_err(|e| ProviderError::Provider(e.to_string()))?;
        Ok(refund.id.to_string())
    }
}
