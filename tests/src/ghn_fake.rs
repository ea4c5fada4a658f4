//! A fake of the GHN "shiip public-api" endpoints the marketplace calls (master data, fee,
//! create, print token), inside the test process on 127.0.0.1:0. It answers in GHN's documented
//! envelope (`{"code", "message", "data"}`), refuses a wrong `Token` as GHN does (401), knows a
//! few wards, and can be made slow or failing. Every shipping order created is recorded.

use std::sync::{Arc, Mutex};

use axum::{
    Json, Router,
    extract::State,
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    routing::{get, post},
};
use serde_json::{Value, json};

pub use crate::carrier_fake::Behaviour;
use crate::carrier_fake::Gate;

pub const TOKEN: &str = "ghn-token-0123456789";
pub const SHOP_ID: i64 = 885_123;

/// (province id, province name, district id, ward code, ward name, ward's other names)
type KnownWard = (
    i64,
    &'static str,
    i64,
    &'static str,
    &'static str,
    &'static [&'static str],
);

const WARDS: &[KnownWard] = &[
    (
        268,
        "Hưng Yên",
        2046,
        "220714",
        "Phường Phố Hiến",
        &["Phố Hiến"],
    ),
    (268, "Hưng Yên", 2047, "220801", "Xã Khoái Châu", &[]),
    (
        202,
        "Hồ Chí Minh",
        1442,
        "20109",
        "Phường Sài Gòn",
        &["Sài Gòn", "Phường Bến Nghé"],
    ),
];

#[derive(Clone)]
pub struct GhnFake {
    pub base_url: String,
    gate: Gate,
    created: Arc<Mutex<Vec<Value>>>,
}

fn envelope(data: Value) -> Response {
    Json(json!({ "code": 200, "message": "Success", "data": data })).into_response()
}

fn refusal(status: StatusCode, message: &str, code_message: &str) -> Response {
    (
        status,
        Json(json!({
            "code": status.as_u16(),
            "message": message,
            "data": null,
            "code_message": code_message,
        })),
    )
        .into_response()
}

fn bad_token() -> Response {
    refusal(
        StatusCode::UNAUTHORIZED,
        "Token is not valid!",
        "USER_ERR_AUTHORIZATION",
    )
}

fn failing() -> Response {
    refusal(
        StatusCode::INTERNAL_SERVER_ERROR,
        "Internal server error",
        "SERVER_ERROR",
    )
}

async fn provinces() -> Response {
    let mut seen = vec![];
    let list: Vec<Value> = WARDS
        .iter()
        .filter(|w| {
            let new = !seen.contains(&w.0);
            seen.push(w.0);
            new
        })
        .map(|w| {
            json!({
                "ProvinceID": w.0,
                "ProvinceName": w.1,
                "NameExtension": [format!("Tỉnh {}", w.1), format!("Thành phố {}", w.1)],
            })
        })
        .collect();
    envelope(json!(list))
}

async fn districts(Json(body): Json<Value>) -> Response {
    let province = body["province_id"].as_i64();
    let mut list: Vec<Value> = vec![];
    for w in WARDS.iter().filter(|w| Some(w.0) == province) {
        let d = json!({ "DistrictID": w.2, "ProvinceID": w.0, "DistrictName": format!("Quận {}", w.2) });
        if !list.contains(&d) {
            list.push(d);
        }
    }
    envelope(json!(list))
}

async fn wards(Json(body): Json<Value>) -> Response {
    let district = body["district_id"].as_i64();
    let list: Vec<Value> = WARDS
        .iter()
        .filter(|w| Some(w.2) == district)
        .map(|w| json!({ "WardCode": w.3, "DistrictID": w.2, "WardName": w.4, "NameExtension": w.5 }))
        .collect();
    // GHN answers `null` for a district without wards.
    envelope(if list.is_empty() {
        Value::Null
    } else {
        json!(list)
    })
}

fn known(district: Option<i64>, ward: Option<&str>) -> bool {
    WARDS
        .iter()
        .any(|w| Some(w.2) == district && Some(w.3) == ward)
}

/// 22,000 đ for the first 500 g, 5,000 đ per further 500 g, 0.5 % insurance above 1,000,000 đ.
fn fee_for(body: &Value) -> i64 {
    let weight = body["weight"].as_i64().unwrap_or(0).max(1);
    let further = (weight - 1) / 500;
    let value = body["insurance_value"].as_i64().unwrap_or(0);
    22_000 + 5_000 * further + if value > 1_000_000 { value / 200 } else { 0 }
}

async fn fee(Json(body): Json<Value>) -> Response {
    if !known(
        body["to_district_id"].as_i64(),
        body["to_ward_code"].as_str(),
    ) {
        return refusal(
            StatusCode::BAD_REQUEST,
            "route not found service",
            "ROUTE_NOT_FOUND_SERVICE",
        );
    }
    let total = fee_for(&body);
    envelope(json!({ "total": total, "service_fee": total, "insurance_fee": 0, "cod_fee": 0 }))
}

async fn create(
    State(fake_created): State<Arc<Mutex<Vec<Value>>>>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> Response {
    if headers.get("shopid").and_then(|v| v.to_str().ok()) != Some(&SHOP_ID.to_string()) {
        return refusal(StatusCode::BAD_REQUEST, "Shop not found", "SHOP_NOT_FOUND");
    }
    if body["to_phone"].as_str().unwrap_or("").len() < 10 {
        return refusal(
            StatusCode::BAD_REQUEST,
            "Số điện thoại người nhận không hợp lệ",
            "PHONE_INVALID",
        );
    }
    let total = fee_for(&body);
    let mut created = fake_created.lock().unwrap();
    let code = format!("GHN{:05}", created.len() + 1);
    created.push(body);
    envelope(json!({
        "order_code": code,
        "sort_code": "19-29-07",
        "trans_type": "truck",
        "total_fee": total,
        "expected_delivery_time": "2026-12-03T16:59:59Z",
    }))
}

async fn print_token(Json(body): Json<Value>) -> Response {
    let Some(code) = body["order_codes"][0].as_str() else {
        return refusal(StatusCode::BAD_REQUEST, "order_codes is required", "");
    };
    envelope(json!({ "token": format!("print-{code}") }))
}

impl GhnFake {
    pub async fn start() -> GhnFake {
        let gate = Gate::new(TOKEN, bad_token, failing);
        let created = Arc::default();
        let api = "/shiip/public-api";
        let app = Router::new()
            .route(&format!("{api}/master-data/province"), get(provinces))
            .route(&format!("{api}/master-data/district"), post(districts))
            .route(&format!("{api}/master-data/ward"), post(wards))
            .route(&format!("{api}/v2/shipping-order/fee"), post(fee))
            .route(&format!("{api}/v2/shipping-order/create"), post(create))
            .route(&format!("{api}/v2/a5/gen-token"), post(print_token))
            .with_state(Arc::clone(&created));
        GhnFake {
            base_url: gate.serve(app).await,
            gate,
            created,
        }
    }

    pub fn set(&self, behaviour: Behaviour) {
        self.gate.set(behaviour);
    }

    /// The bodies of the shipping orders created so far.
    pub fn created(&self) -> Vec<Value> {
        self.created.lock().unwrap().clone()
    }

    /// How many requests reached the fake.
    pub fn calls(&self) -> usize {
        self.gate.calls()
    }

    /// A callback body as GHN posts it for `order_code`.
    pub fn callback(order_code: &str, status: &str, time: &str) -> String {
        Self::callback_with_cod(order_code, status, time, 0)
    }

    /// [`GhnFake::callback`] with the order's cash on delivery (`CODAmount`).
    pub fn callback_with_cod(order_code: &str, status: &str, time: &str, cod: i64) -> String {
        json!({
            "CODAmount": cod,
            "CODTransferDate": null,
            "ClientOrderCode": "",
            "Description": "",
            "OrderCode": order_code,
            "Reason": "",
            "ReasonCode": "",
            "ShopID": SHOP_ID,
            "Status": status,
            "Time": time,
            "TotalFee": 22000,
            "Type": "Switch_status",
            "Weight": 500,
        })
        .to_string()
    }
}
