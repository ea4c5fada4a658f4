//! Carriers: one interface (`Carrier`) over the Vietnamese carriers whose APIs are published,
//! GHN (`ghn`) and GHTK (`ghtk`). A carrier quotes a fee for a parcel, creates its waybill,
//! says how to print the label, and turns its status callbacks into typed events once they are
//! verified. Every call has a 2-second timeout and every failure is a `CarrierError`: nothing
//! at checkout or on the order page ever waits longer on a carrier, and a failing carrier never
//! blocks anything (callers fall back to the producer's own table).
//!
//! The base URLs are configuration, so tests point the adapters at in-process fakes of each
//! carrier's HTTP API (`tests/src/ghn_fake.rs`, `tests/src/ghtk_fake.rs`).

pub mod callbacks;
pub mod ghn;
pub mod ghtk;
pub mod waybills;

use std::time::Duration;

use chrono::{DateTime, Utc};

/// The waybill and label of an order, and the carriers' callbacks.
pub fn router() -> axum::Router<crate::startup::AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/don-hang/{order_no}/van-don", post(waybills::create))
        .route("/don-hang/{order_no}/nhan", get(waybills::label))
        // The exact shape producers register with each carrier (shown on their settings page).
        .route(
            "/api/v1/carriers/ghn/callback/{producer_id}",
            post(callbacks::ghn),
        )
        .route(
            "/api/v1/carriers/ghtk/callback/{producer_id}",
            post(callbacks::ghtk),
        )
}

/// The longest any carrier call may take.
pub const TIMEOUT: Duration = Duration::from_secs(2);

// The accounts and their places are stored by the producer's settings page, in the app crate.
pub use app::seller::carriers_storage::{self as storage, CarrierAccount, Place, masked};

/// The parcel a fee is asked for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Parcel {
    pub from: Place,
    pub to: Place,
    pub weight_grams: i64,
    /// What the carrier collects from the buyer at the door (dong); 0 when paid already.
    pub cod_amount: i64,
    /// The goods' value, for the carrier's insurance (dong).
    pub declared_value: i64,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Item {
    pub name: String,
    pub quantity: i64,
    pub weight_grams: i64,
}

/// A waybill to create.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WaybillRequest {
    /// Our order number: the carrier's client order code, so a retry does not make two.
    pub order_no: String,
    pub sender_name: String,
    pub sender_phone: String,
    pub recipient_name: String,
    pub recipient_phone: String,
    pub parcel: Parcel,
    pub items: Vec<Item>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Waybill {
    pub tracking_no: String,
    /// The carrier's fee for it (dong).
    pub fee: i64,
}

/// How to print a waybill's label.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Label {
    /// A page of the carrier's that prints it.
    Url(String),
    /// The label itself.
    Pdf(Vec<u8>),
}

/// What a carrier's callback means for the order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventKind {
    /// Picked up, in transit or out for delivery: the order is shipped.
    Shipped,
    Delivered,
    /// On its way back to, or back at, the producer.
    Returned,
    /// The carrier cancelled the waybill before picking it up.
    Cancelled,
    /// Anything else (waiting for pick-up, a failed attempt): recorded, changes nothing.
    Noted,
}

/// One verified status callback.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CarrierEvent {
    pub tracking_no: String,
    pub kind: EventKind,
    /// The carrier's own status, as it sent it (recorded in the order's history).
    pub status_text: String,
    pub at: DateTime<Utc>,
    /// What the carrier says it collected at the door (dong), sent with its "delivered"
    /// events (GHN's `CODAmount`, GHTK's `pick_money`); `None` on other events.
    pub cod_collected: Option<i64>,
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CarrierError {
    #[error("the carrier refused the account's credentials")]
    BadCredentials,
    #[error("the carrier does not serve this address: {0}")]
    NotServed(String),
    #[error("the carrier is down or too slow: {0}")]
    Unavailable(String),
    #[error("the carrier's answer could not be read: {0}")]
    Malformed(String),
    #[error("the carrier refused: {0}")]
    Refused(String),
}

impl CarrierError {
    /// A stable code for forms (`?loi=`) and logs.
    pub fn code(&self) -> &'static str {
        match self {
            CarrierError::BadCredentials => "carrier_credentials",
            CarrierError::NotServed(_) => "carrier_not_served",
            CarrierError::Unavailable(_) => "carrier_unavailable",
            CarrierError::Malformed(_) => "carrier_malformed",
            CarrierError::Refused(_) => "carrier_refused",
        }
    }

    fn from_http(e: reqwest::Error) -> Self {
        if e.is_decode() {
            CarrierError::Malformed(e.to_string())
        } else {
            // Timeouts, refused connections, broken bodies: the carrier is not there for us.
            CarrierError::Unavailable(e.to_string())
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CallbackError {
    /// The shared token/hash is missing or wrong: answer 401.
    #[error("the callback is not from the carrier")]
    Unverified,
    /// Verified, but its body is not the carrier's documented shape: answer 400.
    #[error("the callback's body could not be read: {0}")]
    Malformed(String),
}

/// One carrier account (a producer's), ready to call.
pub trait Carrier {
    /// The name recorded on orders and in their history: "ghn" or "ghtk".
    fn name(&self) -> &'static str;

    fn quote(
        &self,
        parcel: &Parcel,
    ) -> impl std::future::Future<Output = Result<i64, CarrierError>> + Send;

    fn create_waybill(
        &self,
        request: &WaybillRequest,
    ) -> impl std::future::Future<Output = Result<Waybill, CarrierError>> + Send;

    fn label(
        &self,
        tracking_no: &str,
    ) -> impl std::future::Future<Output = Result<Label, CarrierError>> + Send;

    /// Verifies a callback as the carrier documents it (`secret` is the producer's callback
    /// secret, `presented` what the request carried) and reads its event.
    fn parse_callback(
        &self,
        secret: &str,
        presented: Option<&str>,
        body: &[u8],
    ) -> Result<CarrierEvent, CallbackError>;
}

/// Where the carriers' APIs are.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CarrierSettings {
    pub ghn_base: String,
    pub ghtk_base: String,
}

impl Default for CarrierSettings {
    fn default() -> Self {
        CarrierSettings::with_bases(None, None)
    }
}

impl CarrierSettings {
    /// The production APIs unless other bases are given.
    pub fn with_bases(ghn: Option<String>, ghtk: Option<String>) -> Self {
        CarrierSettings {
            ghn_base: ghn.unwrap_or_else(|| ghn::PRODUCTION.to_owned()),
            ghtk_base: ghtk.unwrap_or_else(|| ghtk::PRODUCTION.to_owned()),
        }
    }
}

/// What the server shares between carrier calls: one HTTP client, the base URLs, GHN's
/// directory of wards.
#[derive(Clone, Debug)]
pub struct Carriers {
    http: reqwest::Client,
    settings: CarrierSettings,
    ghn_directory: ghn::GhnDirectory,
}

/// A producer's carrier account, ready to call.
#[derive(Clone, Debug)]
pub enum AnyCarrier {
    Ghn(ghn::Ghn),
    Ghtk(ghtk::Ghtk),
}

impl Carriers {
    pub fn new(settings: &CarrierSettings) -> Self {
        Carriers {
            http: http_client(),
            settings: settings.clone(),
            ghn_directory: ghn::GhnDirectory::default(),
        }
    }

    /// The adapter for a stored account; `None` for a carrier this server does not know, or a
    /// GHN account without its shop id.
    pub fn for_account(&self, account: &CarrierAccount) -> Option<AnyCarrier> {
        match account.carrier.as_str() {
            "ghn" => Some(AnyCarrier::Ghn(ghn::Ghn::new(
                self.http.clone(),
                &self.settings.ghn_base,
                ghn::GhnAccount {
                    token: account.token.clone(),
                    shop_id: account.shop_id?,
                },
                self.ghn_directory.clone(),
            ))),
            "ghtk" => Some(AnyCarrier::Ghtk(ghtk::Ghtk::new(
                self.http.clone(),
                &self.settings.ghtk_base,
                ghtk::GhtkAccount {
                    token: account.token.clone(),
                },
            ))),
            _ => None,
        }
    }
}

impl Carrier for AnyCarrier {
    fn name(&self) -> &'static str {
        match self {
            AnyCarrier::Ghn(c) => c.name(),
            AnyCarrier::Ghtk(c) => c.name(),
        }
    }

    async fn quote(&self, parcel: &Parcel) -> Result<i64, CarrierError> {
        match self {
            AnyCarrier::Ghn(c) => c.quote(parcel).await,
            AnyCarrier::Ghtk(c) => c.quote(parcel).await,
        }
    }

    async fn create_waybill(&self, request: &WaybillRequest) -> Result<Waybill, CarrierError> {
        match self {
            AnyCarrier::Ghn(c) => c.create_waybill(request).await,
            AnyCarrier::Ghtk(c) => c.create_waybill(request).await,
        }
    }

    async fn label(&self, tracking_no: &str) -> Result<Label, CarrierError> {
        match self {
            AnyCarrier::Ghn(c) => c.label(tracking_no).await,
            AnyCarrier::Ghtk(c) => c.label(tracking_no).await,
        }
    }

    fn parse_callback(
        &self,
        secret: &str,
        presented: Option<&str>,
        body: &[u8],
    ) -> Result<CarrierEvent, CallbackError> {
        match self {
            AnyCarrier::Ghn(c) => c.parse_callback(secret, presented, body),
            AnyCarrier::Ghtk(c) => c.parse_callback(secret, presented, body),
        }
    }
}

impl Carriers {
    /// These carriers as checkout asks them for fees (`app::shop::quotes`).
    pub fn quoter(&self) -> app::shop::quotes::Quoter {
        app::shop::quotes::Quoter(std::sync::Arc::new(self.clone()))
    }
}

impl app::shop::quotes::CarrierQuotes for Carriers {
    fn quote(&self, request: app::shop::quotes::QuoteRequest) -> app::shop::quotes::QuoteFuture {
        use app::{domain::money::Vnd, shop::quotes::QuoteFailed};
        let carrier = self.for_account(&request.account);
        Box::pin(async move {
            let carrier =
                carrier.ok_or_else(|| QuoteFailed("no adapter for this account".to_owned()))?;
            let parcel = Parcel {
                from: request.from,
                to: request.to,
                weight_grams: request.weight_grams,
                // The payment method is not known when the page shows the fee: the same parcel
                // is quoted on the page and at the order, without cash to collect.
                cod_amount: 0,
                declared_value: request.declared_value.dong(),
            };
            // GHN may make several calls (its ward directory, then the fee): the whole quote
            // still gets 2 s, so checkout never waits longer on a carrier.
            let fee = tokio::time::timeout(TIMEOUT, carrier.quote(&parcel))
                .await
                .map_err(|_| QuoteFailed(format!("{} slower than 2 s", carrier.name())))?
                .map_err(|e| QuoteFailed(format!("{}: {e}", carrier.name())))?;
            Vnd::new(fee).map_err(|e| QuoteFailed(format!("{}: fee {fee}: {e}", carrier.name())))
        })
    }
}

/// The HTTP client every adapter uses: 2-second timeout on every call.
pub fn http_client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(TIMEOUT)
        .connect_timeout(TIMEOUT)
        .build()
        .expect("a reqwest client with timeouts builds")
}

/// Sends a request to a carrier: a carrier that cannot be reached in time, or answers with a
/// server error, is unavailable.
async fn reach(request: reqwest::RequestBuilder) -> Result<reqwest::Response, CarrierError> {
    let response = request.send().await.map_err(CarrierError::from_http)?;
    let status = response.status();
    if status.is_server_error() {
        return Err(CarrierError::Unavailable(format!("HTTP {status}")));
    }
    Ok(response)
}

/// A callback's body, once the shared secret it presented is ours.
fn verified<T: serde::de::DeserializeOwned>(
    secret: &str,
    presented: Option<&str>,
    body: &[u8],
) -> Result<T, CallbackError> {
    if !same_secret(secret, presented) {
        return Err(CallbackError::Unverified);
    }
    serde_json::from_slice(body).map_err(|e| CallbackError::Malformed(e.to_string()))
}

/// Compares a presented shared secret with ours in constant time.
fn same_secret(secret: &str, presented: Option<&str>) -> bool {
    use subtle::ConstantTimeEq;
    match presented {
        Some(p) if !secret.is_empty() => bool::from(secret.as_bytes().ct_eq(p.as_bytes())),
        _ => false,
    }
}

/// A name as carriers' lists and the national list may both write it, for comparing: lower
/// case, without the unit's kind ("Tỉnh", "Thành phố", "Phường", "Xã", "Đặc khu") and spaces.
pub fn comparable(name: &str) -> String {
    let lower = name.trim().to_lowercase();
    let mut rest = lower.as_str();
    for prefix in [
        "thành phố ",
        "tp. ",
        "tp ",
        "tỉnh ",
        "phường ",
        "xã ",
        "đặc khu ",
        "thị trấn ",
        "quận ",
        "huyện ",
        "thị xã ",
    ] {
        if let Some(r) = rest.strip_prefix(prefix) {
            rest = r;
            break;
        }
    }
    rest.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_compare_without_their_kind() {
        assert_eq!(comparable("Thành phố Hà Nội"), comparable("Hà Nội"));
        assert_eq!(comparable("Phường  Hoàn Kiếm"), "hoàn kiếm");
        assert_eq!(comparable("Tỉnh Hưng Yên"), "hưng yên");
    }

    #[test]
    fn secrets_compare_only_when_both_are_there() {
        assert!(same_secret("abc", Some("abc")));
        assert!(!same_secret("abc", Some("abd")));
        assert!(!same_secret("abc", None));
        assert!(!same_secret("", Some("")));
    }
}
