//! `POST /api/v1/webhooks/bank-transfer`: a bank-feed service reports a transaction on the
//! marketplace's account, in SePay's webhook format (id, gateway, transactionDate,
//! accountNumber, code, content, transferType "in"/"out", transferAmount, accumulated,
//! subAccount, referenceCode, description). Authenticated before the body is read; each
//! incoming credit stored once by its id and acted on in the same transaction (see
//! `app::bank_feed::storage::receive`). Answers `{"success": true}` with 200 as SePay expects;
//! anything else (our 503 included) makes it retry, and a retry finds the credit stored.

use app::bank_feed::{
    model::IncomingCredit,
    storage::{self, Received},
};
use axum::{
    Json,
    body::Bytes,
    extract::State,
    http::{HeaderMap, StatusCode},
};
use chrono::Utc;
use hmac::{Hmac, Mac};
use serde::Deserialize;
use serde_json::{Value, json};
use sha2::Sha256;
use subtle::ConstantTimeEq;

use super::BankFeedAuth;
use crate::{api::ApiError, startup::AppState};

/// The provider name credits are stored under (their ids are unique per provider).
const PROVIDER: &str = "sepay";

/// SePay's transaction, as posted.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Transaction {
    /// A number in SePay's examples; a string is taken too.
    id: Value,
    #[serde(default)]
    transaction_date: Option<String>,
    #[serde(default)]
    account_number: Option<String>,
    #[serde(default)]
    code: Option<String>,
    #[serde(default)]
    content: Option<String>,
    transfer_type: String,
    transfer_amount: i64,
    #[serde(default)]
    reference_code: Option<String>,
    #[serde(default)]
    description: Option<String>,
}

/// Whether the request carries the configured key or a good signature of `body`.
fn authentic(auth: &BankFeedAuth, headers: &HeaderMap, body: &[u8]) -> bool {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let key_ok = match (&auth.api_key, header("authorization")) {
        (Some(key), Some(given)) => given
            .strip_prefix("Apikey ")
            .is_some_and(|g| bool::from(g.trim().as_bytes().ct_eq(key.as_bytes()))),
        _ => false,
    };
    let signature_ok = match (&auth.hmac_secret, header("x-bank-feed-signature")) {
        (Some(secret), Some(given)) => {
            let given = given.trim();
            let given = given.strip_prefix("sha256=").unwrap_or(given);
            let expected = signature(secret, body);
            bool::from(
                given
                    .to_ascii_lowercase()
                    .as_bytes()
                    .ct_eq(expected.as_bytes()),
            )
        }
        _ => false,
    };
    key_ok || signature_ok
}

/// The hex HMAC-SHA256 of `body` with `secret`.
pub fn signature(secret: &str, body: &[u8]) -> String {
    // HMAC takes keys of any length: this cannot fail.
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret.as_bytes()) else {
        return String::new();
    };
    mac.update(body);
    mac.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[tracing::instrument(skip_all)]
pub async fn bank_transfer(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let auth = &state.payments.bank_feed;
    if !auth.is_configured() {
        return Err(ApiError::not_found("the bank feed is not configured"));
    }
    if !authentic(auth, &headers, &body) {
        tracing::warn!("refused a bank-feed webhook without a valid key or signature");
        return Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "unauthenticated",
            "a valid API key (Authorization: Apikey …) or X-Bank-Feed-Signature is required",
        ));
    }
    let tx: Transaction = serde_json::from_slice(&body)
        .map_err(|e| ApiError::bad_request(format!("not a bank-feed transaction: {e}")))?;
    match tx.transfer_type.as_str() {
        "in" => {}
        // Money leaving the account (payouts, refunds) is recorded by whoever sent it.
        "out" => return Ok(Json(json!({ "success": true }))),
        other => {
            return Err(ApiError::bad_request(format!(
                "transferType must be \"in\" or \"out\", not {other:?}"
            )));
        }
    }
    let id = match &tx.id {
        Value::Number(n) => n.to_string(),
        Value::String(s) => s.clone(),
        _ => String::new(),
    };
    // Banks put the buyer's note in `content`; some feeds only in `code` or the full
    // `description`: all are searched for an order number.
    let note = [&tx.content, &tx.code, &tx.description]
        .into_iter()
        .flatten()
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" | ");
    let credit = IncomingCredit::new(
        &id,
        tx.transfer_amount,
        &note,
        tx.reference_code.as_deref(),
        tx.account_number.as_deref(),
        tx.transaction_date.as_deref(),
    )
    .map_err(|e| ApiError::bad_request(e.to_string()))?;
    let received = storage::receive(&state.db, PROVIDER, &credit, Utc::now())
        .await
        .map_err(|e| ApiError::unavailable("storing a bank credit", e))?;
    match &received {
        Received::Duplicate => tracing::info!(id = %credit.provider_id, "bank credit seen before"),
        Received::Paid { order_no } => tracing::info!(%order_no, "bank credit paid an order"),
        Received::Queued(reason) => {
            tracing::info!(reason = reason.as_str(), "bank credit queued for a person")
        }
    }
    Ok(Json(json!({ "success": true })))
}
