//! GHTK (Giao Hàng Tiết Kiệm), after its published API (docs.giaohangtietkiem.vn): every call
//! sends the account's `Token` header; answers are `{"success": true, "message": "", …}` and a
//! refusal `{"success": false, "message": "…", "error": {"code": "…"}}`. GHTK takes addresses by
//! name, so the national list's province and commune names are passed as they are; the district
//! fields that GHTK's older documentation names are left empty (the two-tier list has no
//! districts; whether GHTK still needs them is not confirmed by its documentation).

use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::{Value, json};

use super::{
    CallbackError, Carrier, CarrierError, CarrierEvent, EventKind, Label, Parcel, Waybill,
    WaybillRequest, reach, verified,
};

pub const PRODUCTION: &str = "https://services.giaohangtietkiem.vn";

/// A producer's GHTK account.
#[derive(Clone)]
pub struct GhtkAccount {
    pub token: String,
}

impl std::fmt::Debug for GhtkAccount {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "GhtkAccount {{ token: {} }}", super::masked(&self.token))
    }
}

#[derive(Clone, Debug)]
pub struct Ghtk {
    http: reqwest::Client,
    base: String,
    account: GhtkAccount,
}

#[derive(Deserialize)]
struct Answer {
    success: bool,
    #[serde(default)]
    message: String,
    #[serde(default)]
    error: Option<ErrorBody>,
    #[serde(default)]
    fee: Option<Fee>,
    #[serde(default)]
    order: Option<Order>,
}

#[derive(Deserialize)]
struct ErrorBody {
    #[serde(default)]
    code: Option<String>,
}

#[derive(Deserialize)]
struct Fee {
    fee: i64,
    /// false: GHTK does not deliver there.
    #[serde(default = "yes")]
    delivery: bool,
}

fn yes() -> bool {
    true
}

#[derive(Deserialize)]
struct Order {
    label: String,
    /// GHTK writes amounts in this answer as strings ("30400") in its examples; numbers are
    /// taken too.
    #[serde(default)]
    fee: Value,
}

/// The body GHTK posts to the partner's webhook URL (documented fields; others ignored).
#[derive(Deserialize)]
struct Callback {
    label_id: String,
    status_id: i64,
    action_time: DateTime<Utc>,
    #[serde(default)]
    reason: Option<String>,
    /// The cash to collect; on a "delivered" event, what was collected (a number, or a
    /// number in a string).
    #[serde(default)]
    pick_money: Value,
}

/// What a GHTK `status_id` means for the order, and its name in GHTK's documentation.
pub fn event_kind(status_id: i64) -> (EventKind, &'static str) {
    match status_id {
        -1 => (EventKind::Cancelled, "Hủy đơn hàng"),
        3 => (EventKind::Shipped, "Đã lấy hàng/Đã nhập kho"),
        4 => (EventKind::Shipped, "Đã điều phối giao hàng/Đang giao hàng"),
        10 => (EventKind::Shipped, "Delay giao hàng"),
        45 => (EventKind::Shipped, "Shipper báo đã giao hàng"),
        5 => (EventKind::Delivered, "Đã giao hàng/Chưa đối soát"),
        6 => (EventKind::Delivered, "Đã đối soát"),
        20 => (EventKind::Returned, "Đang trả hàng"),
        21 => (EventKind::Returned, "Đã trả hàng"),
        11 => (EventKind::Returned, "Đã đối soát công nợ trả hàng"),
        1 => (EventKind::Noted, "Chưa tiếp nhận"),
        2 => (EventKind::Noted, "Đã tiếp nhận"),
        7 => (EventKind::Noted, "Không lấy được hàng"),
        8 => (EventKind::Noted, "Hoãn lấy hàng"),
        9 => (EventKind::Noted, "Không giao được hàng"),
        12 => (EventKind::Noted, "Đang lấy hàng"),
        _ => (EventKind::Noted, "Trạng thái khác"),
    }
}

fn amount(v: &Value) -> i64 {
    match v {
        Value::Number(n) => n.as_i64().unwrap_or_default(),
        Value::String(s) => s.trim().parse().unwrap_or_default(),
        _ => 0,
    }
}

impl Ghtk {
    pub fn new(http: reqwest::Client, base: &str, account: GhtkAccount) -> Self {
        Ghtk {
            http,
            base: base.trim_end_matches('/').to_owned(),
            account,
        }
    }

    async fn send(&self, request: reqwest::RequestBuilder) -> Result<Answer, CarrierError> {
        let response = reach(request.header("Token", &self.account.token)).await?;
        let status = response.status();
        if status == reqwest::StatusCode::UNAUTHORIZED || status == reqwest::StatusCode::FORBIDDEN {
            return Err(CarrierError::BadCredentials);
        }
        let bytes = response.bytes().await.map_err(CarrierError::from_http)?;
        let answer: Answer =
            serde_json::from_slice(&bytes).map_err(|e| CarrierError::Malformed(e.to_string()))?;
        if answer.success {
            return Ok(answer);
        }
        let code = answer
            .error
            .as_ref()
            .and_then(|e| e.code.clone())
            .unwrap_or_default();
        // GHTK refuses a wrong token with `success: false` and a message naming the token; the
        // exact text is not published, so the word is matched.
        if answer.message.to_lowercase().contains("token") {
            Err(CarrierError::BadCredentials)
        } else if code.contains("ADDRESS") || code.contains("AREA") {
            Err(CarrierError::NotServed(answer.message))
        } else {
            Err(CarrierError::Refused(answer.message))
        }
    }
}

impl Carrier for Ghtk {
    fn name(&self) -> &'static str {
        "ghtk"
    }

    async fn quote(&self, parcel: &Parcel) -> Result<i64, CarrierError> {
        let weight = parcel.weight_grams.to_string();
        let value = parcel.declared_value.to_string();
        let request = self
            .http
            .get(format!("{}/services/shipment/fee", self.base))
            .query(&[
                ("pick_province", parcel.from.province.as_str()),
                ("pick_district", ""),
                ("pick_ward", parcel.from.commune.as_str()),
                ("pick_address", parcel.from.street.as_str()),
                ("province", parcel.to.province.as_str()),
                ("district", ""),
                ("ward", parcel.to.commune.as_str()),
                ("address", parcel.to.street.as_str()),
                ("weight", weight.as_str()),
                ("value", value.as_str()),
                ("transport", "road"),
                ("deliver_option", "none"),
            ]);
        let answer = self.send(request).await?;
        let fee = answer
            .fee
            .ok_or_else(|| CarrierError::Malformed("no fee".into()))?;
        if !fee.delivery {
            return Err(CarrierError::NotServed(format!(
                "{}, {}",
                parcel.to.commune, parcel.to.province
            )));
        }
        Ok(fee.fee)
    }

    async fn create_waybill(&self, request: &WaybillRequest) -> Result<Waybill, CarrierError> {
        let parcel = &request.parcel;
        let products: Vec<Value> = request
            .items
            .iter()
            .map(|i| {
                // GHTK's product weight is in kilograms.
                json!({
                    "name": i.name,
                    "quantity": i.quantity,
                    "weight": i.weight_grams as f64 / 1000.0,
                })
            })
            .collect();
        let body = json!({
            "products": products,
            "order": {
                "id": request.order_no,
                "pick_name": request.sender_name,
                "pick_tel": request.sender_phone,
                "pick_address": parcel.from.street,
                "pick_province": parcel.from.province,
                "pick_district": "",
                "pick_ward": parcel.from.commune,
                "name": request.recipient_name,
                "tel": request.recipient_phone,
                "address": parcel.to.street,
                "province": parcel.to.province,
                "district": "",
                "ward": parcel.to.commune,
                "hamlet": "Khác",
                // The producer pays GHTK; the buyer paid the marketplace's shipping fee.
                "is_freeship": "1",
                "pick_money": parcel.cod_amount,
                "value": parcel.declared_value,
                "total_weight": parcel.weight_grams as f64 / 1000.0,
                "transport": "road",
            }
        });
        let answer = self
            .send(
                self.http
                    .post(format!("{}/services/shipment/order/?ver=1.5", self.base))
                    .json(&body),
            )
            .await?;
        let order = answer
            .order
            .ok_or_else(|| CarrierError::Malformed("no order".into()))?;
        Ok(Waybill {
            tracking_no: order.label,
            fee: amount(&order.fee),
        })
    }

    /// GHTK answers the label itself, as a PDF.
    async fn label(&self, tracking_no: &str) -> Result<Label, CarrierError> {
        let response = reach(
            self.http
                .get(format!("{}/services/label/{tracking_no}", self.base))
                .query(&[("original", "portrait"), ("paper_size", "A6")])
                .header("Token", &self.account.token),
        )
        .await?;
        let status = response.status();
        let is_pdf = response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/pdf"));
        let bytes = response.bytes().await.map_err(CarrierError::from_http)?;
        if is_pdf && bytes.starts_with(b"%PDF") {
            return Ok(Label::Pdf(bytes.to_vec()));
        }
        if status == reqwest::StatusCode::UNAUTHORIZED {
            return Err(CarrierError::BadCredentials);
        }
        // Not a PDF: GHTK's JSON refusal, or something else.
        match serde_json::from_slice::<Answer>(&bytes) {
            Ok(a) if a.message.to_lowercase().contains("token") => {
                Err(CarrierError::BadCredentials)
            }
            Ok(a) => Err(CarrierError::Refused(a.message)),
            Err(e) => Err(CarrierError::Malformed(e.to_string())),
        }
    }

    /// GHTK's webhook carries the partner's shared hash in the URL registered with GHTK
    /// (`?hash=…`); it is the producer's callback secret, checked here.
    fn parse_callback(
        &self,
        secret: &str,
        presented: Option<&str>,
        body: &[u8],
    ) -> Result<CarrierEvent, CallbackError> {
        let callback: Callback = verified(secret, presented, body)?;
        let (kind, name) = event_kind(callback.status_id);
        let status_text = match callback.reason.as_deref().map(str::trim) {
            Some(reason) if !reason.is_empty() => {
                format!("{} · {name} · {reason}", callback.status_id)
            }
            _ => format!("{} · {name}", callback.status_id),
        };
        Ok(CarrierEvent {
            tracking_no: callback.label_id,
            kind,
            status_text,
            at: callback.action_time,
            cod_collected: (kind == EventKind::Delivered && !callback.pick_money.is_null())
                .then(|| amount(&callback.pick_money)),
        })
    }
}
