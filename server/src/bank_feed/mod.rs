//! Bank transfers on the HTTP side: the bank-feed webhook and the queue's forms. Rules, storage,
//! the queue page and its texts are in `app::bank_feed`.

pub mod queue;
pub mod webhook;

use axum::{Router, routing::post};

use crate::startup::AppState;

/// How the bank feed proves a webhook is its own (`BANK_FEED_API_KEY`, `BANK_FEED_HMAC_SECRET`;
/// either or both). Without either the endpoint answers 404, as the Stripe one does when cards
/// are off: nothing can be accepted unauthenticated.
#[derive(Clone, Default)]
pub struct BankFeedAuth {
    /// SePay's "API Key" authentication: `Authorization: Apikey <key>`.
    pub api_key: Option<String>,
    /// An HMAC-SHA256 of the raw body with this secret, hex, in `X-Bank-Feed-Signature`
    /// (optionally prefixed `sha256=`).
    pub hmac_secret: Option<String>,
}

impl BankFeedAuth {
    pub fn is_configured(&self) -> bool {
        self.api_key.is_some() || self.hmac_secret.is_some()
    }
}

impl std::fmt::Debug for BankFeedAuth {
    // Secrets stay out of logs.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BankFeedAuth")
            .field("api_key", &self.api_key.is_some())
            .field("hmac_secret", &self.hmac_secret.is_some())
            .finish()
    }
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/api/v1/webhooks/bank-transfer",
            post(webhook::bank_transfer),
        )
        .route("/ban-hang/chuyen-khoan/{id}", post(queue::seller_form))
        .route("/quan-tri/chuyen-khoan/{id}", post(queue::officer_form))
}
