//! VNPay, the Vietnamese payment gateway (API 2.1.0): the signed payment URL of one order, the
//! IPN that is the only thing marking an order paid, the return page that only shows it, and
//! refunds through the merchant transaction API (querydr first, so a refund VNPay already
//! accepted is recorded, never made twice).
//!
//! Signatures are HMAC-SHA512 in lowercase hex. The payment URL and the IPN sign the `vnp_*`
//! parameters sorted by name, each `name=value` URL-encoded as VNPay's samples do (form
//! encoding: space as `+`), joined by `&`; the transaction API signs its fields joined by `|`
//! in the documented order.

use std::collections::BTreeMap;

use app::payments::storage::{
    self as payment_storage, RefundDue, VnpayOrder, VnpayOutcome, VnpayReport,
};
use axum::{
    Json,
    extract::{Path, RawQuery, State},
    http::StatusCode,
    response::{Html, IntoResponse, Response},
};
use chrono::{DateTime, FixedOffset, Utc};
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sha2::Sha512;

use crate::{config::VnpaySettings, startup::AppState};

pub const VERSION: &str = "2.1.0";
/// VNPay's production transaction API; the sandbox has its own (see [`default_api_url`]).
const PRODUCTION_API: &str = "https://merchant.vnpay.vn/merchant_webapi/api/transaction";
const SANDBOX_API: &str = "https://sandbox.vnpayment.vn/merchant_webapi/api/transaction";
/// `vnp_IpAddr` of the server's own calls (VNPay asks for the caller's address; the server's
/// public one is not known to it), and of a buyer whose address is unknown.
pub const LOCAL_IP: &str = "127.0.0.1";
/// Where VNPay sends the buyer back (`vnp_ReturnUrl`).
pub const RETURN_PATH: &str = "/thanh-toan/vnpay/ve";

/// The transaction API of the environment `pay_url` belongs to, as VNPay documents them.
pub fn default_api_url(pay_url: &str) -> String {
    if pay_url.contains("sandbox.vnpayment.vn") {
        SANDBOX_API.to_owned()
    } else {
        PRODUCTION_API.to_owned()
    }
}

/// `yyyyMMddHHmmss` in GMT+7, VNPay's time format.
pub fn vn_time(t: DateTime<Utc>) -> String {
    let gmt7 = FixedOffset::east_opt(7 * 3600).expect("7 hours is a valid offset");
    t.with_timezone(&gmt7).format("%Y%m%d%H%M%S").to_string()
}

/// HMAC-SHA512 of `data` in lowercase hex.
pub fn sign(secret: &str, data: &str) -> String {
    let mut mac =
        Hmac::<Sha512>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key length");
    mac.update(data.as_bytes());
    mac.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn encode(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// The signed query: parameters sorted by name (the `BTreeMap`), each encoded.
pub fn query_of(params: &BTreeMap<String, String>) -> String {
    params
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// Checks a signature in constant time (the HMAC library compares).
fn verify_hex(secret: &str, data: &str, hex_sig: &str) -> bool {
    let Some(sig) = decode_hex(hex_sig) else {
        return false;
    };
    let mut mac =
        Hmac::<Sha512>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key length");
    mac.update(data.as_bytes());
    mac.verify_slice(&sig).is_ok()
}

fn decode_hex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) || !s.is_ascii() {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).ok())
        .collect()
}

#[derive(Debug, thiserror::Error)]
pub enum VnpayError {
    #[error("VNPay could not be reached: {0}")]
    Http(String),
    #[error("VNPay's answer is not signed with our secret")]
    BadSignature,
    #[error("VNPay answered {code}: {message}")]
    Refused { code: String, message: String },
    #[error("VNPay's answer is not what its documentation describes: {0}")]
    Malformed(String),
}

/// A VNPay merchant account, ready to call.
#[derive(Clone)]
pub struct VnpayGateway {
    settings: VnpaySettings,
    api_url: String,
    http: reqwest::Client,
}

impl std::fmt::Debug for VnpayGateway {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("VnpayGateway { .. }")
    }
}

/// The transaction API's answer, as its documentation lists the fields.
// The fields carry VNPay's own names, so the JSON maps one to one.
#[allow(non_snake_case)]
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct ApiAnswer {
    pub vnp_ResponseId: String,
    pub vnp_Command: String,
    pub vnp_ResponseCode: String,
    pub vnp_Message: String,
    pub vnp_TmnCode: String,
    pub vnp_TxnRef: String,
    pub vnp_Amount: String,
    pub vnp_BankCode: String,
    pub vnp_PayDate: String,
    pub vnp_TransactionNo: String,
    pub vnp_TransactionType: String,
    pub vnp_TransactionStatus: String,
    pub vnp_OrderInfo: String,
    pub vnp_PromotionCode: String,
    pub vnp_PromotionAmount: String,
    pub vnp_SecureHash: String,
}

impl ApiAnswer {
    /// The signed data of an answer, in the documented order (querydr adds the promotion).
    pub fn signed_data(&self) -> String {
        let mut fields = vec![
            &self.vnp_ResponseId,
            &self.vnp_Command,
            &self.vnp_ResponseCode,
            &self.vnp_Message,
            &self.vnp_TmnCode,
            &self.vnp_TxnRef,
            &self.vnp_Amount,
            &self.vnp_BankCode,
            &self.vnp_PayDate,
            &self.vnp_TransactionNo,
            &self.vnp_TransactionType,
            &self.vnp_TransactionStatus,
            &self.vnp_OrderInfo,
        ];
        if self.vnp_Command == "querydr" {
            fields.push(&self.vnp_PromotionCode);
            fields.push(&self.vnp_PromotionAmount);
        }
        fields
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join("|")
    }
}

/// A refund VNPay has taken (or had taken before): its reference for the payment row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refunded {
    pub reference: String,
    /// Found by querydr: an earlier attempt had gone through.
    pub found_earlier: bool,
}

impl VnpayGateway {
    pub fn new(settings: &VnpaySettings) -> Self {
        VnpayGateway {
            api_url: settings
                .api_url
                .clone()
                .unwrap_or_else(|| default_api_url(&settings.pay_url)),
            settings: settings.clone(),
            http: reqwest::Client::builder()
                .timeout(std::time::Duration::from_secs(30))
                .build()
                .unwrap_or_default(),
        }
    }

    /// The page where the buyer pays one order: its number is `vnp_TxnRef`, its total the
    /// amount; created at the order's placing and expiring with its payment window, so the
    /// same URL is given every time it is asked for.
    pub fn payment_url(&self, order: &VnpayOrder, public_url: &str, ip: &str) -> String {
        let mut p = BTreeMap::new();
        let mut put = |k: &str, v: String| {
            p.insert(k.to_owned(), v);
        };
        put("vnp_Version", VERSION.to_owned());
        put("vnp_Command", "pay".to_owned());
        put("vnp_TmnCode", self.settings.tmn_code.clone());
        put("vnp_Amount", (order.amount.dong() * 100).to_string());
        put("vnp_CurrCode", "VND".to_owned());
        put("vnp_TxnRef", order.order_no.clone());
        // Vietnamese without accents, as VNPay asks.
        put(
            "vnp_OrderInfo",
            format!("Thanh toan don hang {}", order.order_no),
        );
        put("vnp_OrderType", "other".to_owned());
        put("vnp_Locale", "vn".to_owned());
        put("vnp_ReturnUrl", format!("{public_url}{RETURN_PATH}"));
        put("vnp_IpAddr", ip.to_owned());
        put("vnp_CreateDate", vn_time(order.placed_at));
        if let Some(pay_by) = order.pay_by {
            put("vnp_ExpireDate", vn_time(pay_by));
        }
        let query = query_of(&p);
        let hash = sign(&self.settings.hash_secret, &query);
        format!("{}?{query}&vnp_SecureHash={hash}", self.settings.pay_url)
    }

    /// The `vnp_*` parameters of a return or IPN request when their signature is ours.
    pub fn verified(&self, raw_query: &str) -> Option<BTreeMap<String, String>> {
        let mut params = BTreeMap::new();
        let mut hash = None;
        for (k, v) in form_urlencoded::parse(raw_query.as_bytes()) {
            match k.as_ref() {
                "vnp_SecureHash" => hash = Some(v.into_owned()),
                "vnp_SecureHashType" => {}
                k if k.starts_with("vnp_") => {
                    params.insert(k.to_owned(), v.into_owned());
                }
                _ => {}
            }
        }
        verify_hex(&self.settings.hash_secret, &query_of(&params), &hash?).then_some(params)
    }

    async fn call(&self, body: serde_json::Value) -> Result<ApiAnswer, VnpayError> {
        let answer: ApiAnswer = self
            .http
            .post(&self.api_url)
            .json(&body)
            .send()
            .await
            .map_err(|e| VnpayError::Http(e.to_string()))?
            .error_for_status()
            .map_err(|e| VnpayError::Http(e.to_string()))?
            .json()
            .await
            .map_err(|e| VnpayError::Malformed(e.to_string()))?;
        if !verify_hex(
            &self.settings.hash_secret,
            &answer.signed_data(),
            &answer.vnp_SecureHash,
        ) {
            return Err(VnpayError::BadSignature);
        }
        Ok(answer)
    }

    /// `querydr`: what VNPay knows of the payment of `due`'s order.
    pub async fn query(
        &self,
        due: &RefundDue,
        now: DateTime<Utc>,
    ) -> Result<ApiAnswer, VnpayError> {
        let request_id = request_id();
        let create_date = vn_time(now);
        let transaction_date = vn_time(due.placed_at);
        let info = format!("Truy van don hang {}", due.order_no);
        let ip = LOCAL_IP;
        let data = [
            request_id.as_str(),
            VERSION,
            "querydr",
            &self.settings.tmn_code,
            &due.order_no,
            &transaction_date,
            &create_date,
            ip,
            &info,
        ]
        .join("|");
        let answer = self
            .call(json!({
                "vnp_RequestId": request_id,
                "vnp_Version": VERSION,
                "vnp_Command": "querydr",
                "vnp_TmnCode": self.settings.tmn_code,
                "vnp_TxnRef": due.order_no,
                "vnp_OrderInfo": info,
                "vnp_TransactionNo": due.provider_ref,
                "vnp_TransactionDate": transaction_date,
                "vnp_CreateDate": create_date,
                "vnp_IpAddr": ip,
                "vnp_SecureHash": sign(&self.settings.hash_secret, &data),
            }))
            .await?;
        if answer.vnp_ResponseCode != "00" {
            return Err(VnpayError::Refused {
                code: answer.vnp_ResponseCode,
                message: answer.vnp_Message,
            });
        }
        Ok(answer)
    }

    /// `refund`, full (`vnp_TransactionType` 02) of `due`'s payment.
    pub async fn refund(
        &self,
        due: &RefundDue,
        now: DateTime<Utc>,
    ) -> Result<ApiAnswer, VnpayError> {
        let request_id = request_id();
        let create_date = vn_time(now);
        let transaction_date = vn_time(due.placed_at);
        let amount = (due.amount.dong() * 100).to_string();
        let info = format!("Hoan tien don hang {}", due.order_no);
        let (ip, by) = (LOCAL_IP, "ocop-marketplace");
        let data = [
            request_id.as_str(),
            VERSION,
            "refund",
            &self.settings.tmn_code,
            "02",
            &due.order_no,
            &amount,
            &due.provider_ref,
            &transaction_date,
            by,
            &create_date,
            ip,
            &info,
        ]
        .join("|");
        let answer = self
            .call(json!({
                "vnp_RequestId": request_id,
                "vnp_Version": VERSION,
                "vnp_Command": "refund",
                "vnp_TmnCode": self.settings.tmn_code,
                "vnp_TransactionType": "02",
                "vnp_TxnRef": due.order_no,
                "vnp_Amount": amount,
                "vnp_OrderInfo": info,
                "vnp_TransactionNo": due.provider_ref,
                "vnp_TransactionDate": transaction_date,
                "vnp_CreateBy": by,
                "vnp_CreateDate": create_date,
                "vnp_IpAddr": ip,
                "vnp_SecureHash": sign(&self.settings.hash_secret, &data),
            }))
            .await?;
        if answer.vnp_ResponseCode != "00" {
            return Err(VnpayError::Refused {
                code: answer.vnp_ResponseCode,
                message: answer.vnp_Message,
            });
        }
        Ok(answer)
    }

    /// Gives `due` back exactly once: asks VNPay first whether an earlier attempt (one whose
    /// answer was lost, or whose recording a crash prevented) went through, and only refunds
    /// when none did.
    pub async fn settle_refund(
        &self,
        due: &RefundDue,
        now: DateTime<Utc>,
    ) -> Result<Refunded, VnpayError> {
        let known = self.query(due, now).await?;
        // 02/03: the transaction is a (full/partial) refund now; 05/06: VNPay is processing one
        // or has sent it to the bank.
        if matches!(known.vnp_TransactionType.as_str(), "02" | "03")
            || matches!(known.vnp_TransactionStatus.as_str(), "05" | "06")
        {
            return Ok(Refunded {
                reference: format!("vnpay:{}", known.vnp_TransactionNo),
                found_earlier: true,
            });
        }
        let done = self.refund(due, now).await?;
        Ok(Refunded {
            reference: format!("vnpay:{}", done.vnp_TransactionNo),
            found_earlier: false,
        })
    }
}

/// A fresh `vnp_RequestId`: alphanumeric, at most 32, unique within the day.
fn request_id() -> String {
    app::db::ids::new_id().replace('-', "")
}

/// VNPay's IPN answer: exactly `{"RspCode": "..", "Message": ".."}`.
fn ipn_answer(status: StatusCode, code: &str, message: &str) -> Response {
    (status, Json(json!({ "RspCode": code, "Message": message }))).into_response()
}

/// `GET /api/v1/webhooks/vnpay`: VNPay's server tells us how a payment ended. The only place an
/// order paid through VNPay becomes paid. Answers as VNPay documents: 97 bad checksum, 01
/// unknown order, 04 amount differs, 02 already confirmed (a replay, or a report after the
/// payment settled), 00 recorded; 99 for a request without the fields it must have.
#[tracing::instrument(skip_all)]
pub async fn ipn(State(state): State<AppState>, RawQuery(query): RawQuery) -> Response {
    let Some(vnpay) = &state.payments.vnpay else {
        return crate::api::ApiError::not_found("VNPay is not configured").into_response();
    };
    let Some(params) = vnpay.verified(query.as_deref().unwrap_or("")) else {
        tracing::warn!("refused a VNPay IPN with a bad checksum");
        return ipn_answer(StatusCode::OK, "97", "Invalid Checksum");
    };
    let field = |k: &str| params.get(k).map(String::as_str).unwrap_or("");
    let Ok(amount) = field("vnp_Amount").parse::<i64>() else {
        return ipn_answer(StatusCode::OK, "99", "Input data required");
    };
    if field("vnp_TxnRef").is_empty() {
        return ipn_answer(StatusCode::OK, "99", "Input data required");
    }
    if amount % 100 != 0 {
        return ipn_answer(StatusCode::OK, "04", "Invalid amount");
    }
    let report = VnpayReport {
        order_no: field("vnp_TxnRef").to_owned(),
        amount: amount / 100,
        success: field("vnp_ResponseCode") == "00" && field("vnp_TransactionStatus") == "00",
        transaction_no: field("vnp_TransactionNo").to_owned(),
    };
    match payment_storage::vnpay_report(&state.db, &report, Utc::now()).await {
        Ok(VnpayOutcome::Recorded) => {
            tracing::info!(order = %report.order_no, success = report.success, "VNPay IPN recorded");
            // Money for an order that had already ended is given back at once.
            let state = state.clone();
            tokio::spawn(async move {
                if let Err(e) = super::tasks::refund_due(&state).await {
                    tracing::warn!(error = %e, "refunding after an IPN failed");
                }
            });
            ipn_answer(StatusCode::OK, "00", "Confirm Success")
        }
        Ok(VnpayOutcome::OrderNotFound) => ipn_answer(StatusCode::OK, "01", "Order not found"),
        Ok(VnpayOutcome::AlreadyConfirmed) => {
            ipn_answer(StatusCode::OK, "02", "Order already confirmed")
        }
        Ok(VnpayOutcome::InvalidAmount) => {
            tracing::error!(order = %report.order_no, "VNPay IPN amount does not match the order");
            ipn_answer(StatusCode::OK, "04", "Invalid amount")
        }
        Err(e) => {
            // Ours: VNPay retries an IPN not answered 00 or 02.
            tracing::error!(error = %e, "applying a VNPay IPN failed");
            ipn_answer(StatusCode::SERVICE_UNAVAILABLE, "99", "Unknow error")
        }
    }
}

/// `GET /thanh-toan/vnpay/ve`: the buyer is back from VNPay. The signature is checked so a
/// forged link says so, but nothing is written: only the IPN marks paid. A genuine return goes
/// to the order page, which shows the order as it stands.
#[tracing::instrument(skip_all)]
pub async fn return_page(State(state): State<AppState>, RawQuery(query): RawQuery) -> Response {
    use app::payments::texts;
    let Some(vnpay) = &state.payments.vnpay else {
        return (StatusCode::NOT_FOUND, Html(page(texts::RETURN_UNKNOWN))).into_response();
    };
    let Some(params) = vnpay.verified(query.as_deref().unwrap_or("")) else {
        return (StatusCode::BAD_REQUEST, Html(page(texts::RETURN_FORGED))).into_response();
    };
    let order_no = params.get("vnp_TxnRef").cloned().unwrap_or_default();
    match payment_storage::vnpay_order(&state.db, &order_no).await {
        Ok(Some(o)) => {
            let outcome = if params.get("vnp_ResponseCode").map(String::as_str) == Some("00") {
                "ok"
            } else {
                "huy"
            };
            crate::auth::forms::see_other(&format!("/don-hang/{}?vnpay={outcome}", o.order_no))
        }
        Ok(None) => (StatusCode::NOT_FOUND, Html(page(texts::RETURN_UNKNOWN))).into_response(),
        Err(e) => crate::api::ApiError::unavailable("finding a VNPay order", e).into_response(),
    }
}

/// `GET /thanh-toan/vnpay/{order_no}`: the order's VNPay page (signed here, where the secret
/// is), while its payment is still awaited.
#[tracing::instrument(skip_all, fields(order_no = %order_no))]
pub async fn pay(
    State(state): State<AppState>,
    crate::auth::ClientIp(ip): crate::auth::ClientIp,
    Path(order_no): Path<String>,
) -> Response {
    use app::payments::{rules::PaymentStatus, texts};
    let Some(vnpay) = &state.payments.vnpay else {
        return (StatusCode::NOT_FOUND, Html(page(texts::RETURN_UNKNOWN))).into_response();
    };
    if order_no.len() > 40 {
        return (StatusCode::NOT_FOUND, Html(page(texts::RETURN_UNKNOWN))).into_response();
    }
    match payment_storage::vnpay_order(&state.db, &order_no).await {
        Ok(Some(o)) if o.status == PaymentStatus::Pending => {
            // VNPay asks for the buyer's address (`vnp_IpAddr`).
            let ip = ip.as_deref().unwrap_or(LOCAL_IP);
            crate::auth::forms::see_other(&vnpay.payment_url(&o, &state.public_url, ip))
        }
        // Paid, failed or expired: the order page says which.
        Ok(Some(o)) => crate::auth::forms::see_other(&format!("/don-hang/{}", o.order_no)),
        Ok(None) => (StatusCode::NOT_FOUND, Html(page(texts::RETURN_UNKNOWN))).into_response(),
        Err(e) => crate::api::ApiError::unavailable("finding a VNPay order", e).into_response(),
    }
}

/// A bare page for the few answers that are not an order page.
fn page(message: &str) -> String {
    format!(
        "<!doctype html><html lang=\"vi\"><head><meta charset=\"utf-8\"><title>VNPay</title>\
         <link rel=\"stylesheet\" href=\"/pkg/ocop.css\"></head><body><main class=\"page narrow\">\
         <h1>VNPay</h1><p class=\"notice\">{}</p><p><a href=\"/don-hang\">Đơn hàng của tôi</a></p>\
         </main></body></html>",
        message
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_is_gmt7() {
        let t = DateTime::parse_from_rfc3339("2026-12-01T17:30:05Z")
            .unwrap()
            .to_utc();
        assert_eq!(vn_time(t), "20261202003005");
    }

    #[test]
    fn the_signed_query_is_sorted_and_form_encoded() {
        let mut p = BTreeMap::new();
        p.insert("vnp_OrderInfo".to_owned(), "Thanh toan don hang".to_owned());
        p.insert("vnp_Amount".to_owned(), "1000000".to_owned());
        p.insert("vnp_ReturnUrl".to_owned(), "https://a.vn/ve?x=1".to_owned());
        assert_eq!(
            query_of(&p),
            "vnp_Amount=1000000&vnp_OrderInfo=Thanh+toan+don+hang&vnp_ReturnUrl=https%3A%2F%2Fa.vn%2Fve%3Fx%3D1"
        );
        let sig = sign("SECRET", &query_of(&p));
        assert_eq!(sig.len(), 128);
        assert!(verify_hex("SECRET", &query_of(&p), &sig));
        assert!(verify_hex("SECRET", &query_of(&p), &sig.to_uppercase()));
        assert!(!verify_hex("OTHER", &query_of(&p), &sig));
        assert!(!verify_hex("SECRET", &query_of(&p), "zz"));
    }
}
