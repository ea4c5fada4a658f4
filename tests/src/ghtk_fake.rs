//! A fake of the GHTK endpoints the marketplace calls (fee, create order, label), inside the
//! test process on 127.0.0.1:0, answering in GHTK's documented shapes: `{"success": true, …}`,
//! refusals as `{"success": false, "message", "error": {"code"}}`, labels as PDF. A wrong
//! `Token` gets `success: false` naming the token (GHTK's exact text is not published). It can
//! be made slow or failing; every order created is recorded.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
};

use axum::{
    Json, Router,
    extract::{Path, Query, State},
    http::{StatusCode, header},
    response::{IntoResponse, Response},
    routing::{get, post},
};
use serde_json::{Value, json};

use crate::carrier_fake::Gate;
pub use crate::carrier_fake::{Behaviour, nobody_listening};

pub const TOKEN: &str = "ghtk-token-abcdef012345";

/// Provinces the fake does not deliver to (`delivery: false`).
pub const NOT_SERVED: &str = "Lai Châu";

/// Our order id, the label GHTK gave it, the order's body.
type Orders = Arc<Mutex<Vec<(String, String, Value)>>>;

#[derive(Clone)]
pub struct GhtkFake {
    pub base_url: String,
    gate: Gate,
    orders: Orders,
}

fn refusal(message: &str, code: Option<&str>) -> Response {
    let mut body = json!({ "success": false, "message": message });
    if let Some(code) = code {
        body["error"] = json!({ "code": code });
    }
    Json(body).into_response()
}

fn bad_token() -> Response {
    refusal("Token không hợp lệ", None)
}

fn failing() -> Response {
    (StatusCode::BAD_GATEWAY, "Bad Gateway").into_response()
}

/// 30,000 đ up to 1 kg (area 1), then 2,500 đ per further 500 g.
pub fn fee_for(grams: i64) -> i64 {
    let halves = (grams + 499) / 500;
    30_000 + 2_500 * (halves - 2).max(0)
}

async fn fee(Query(q): Query<HashMap<String, String>>) -> Response {
    let (Some(province), Some(weight)) = (q.get("province"), q.get("weight")) else {
        return refusal("Thiếu thông tin tỉnh/thành phố hoặc khối lượng", None);
    };
    let grams: i64 = weight.parse().unwrap_or(0);
    let delivery = province != NOT_SERVED;
    Json(json!({
        "success": true,
        "message": "",
        "fee": {
            "name": "area1",
            "fee": fee_for(grams),
            "insurance_fee": 0,
            "delivery_type": "",
            "a": 0,
            "dt": "local",
            "extFees": [],
            "delivery": delivery,
        }
    }))
    .into_response()
}

async fn create(State(orders): State<Orders>, Json(body): Json<Value>) -> Response {
    let order = &body["order"];
    let id = order["id"].as_str().unwrap_or("").to_owned();
    if order["province"].as_str() == Some(NOT_SERVED) {
        return refusal(
            "Địa chỉ giao hàng không được hỗ trợ",
            Some("ADDRESS_NOT_SUPPORT"),
        );
    }
    let mut orders = orders.lock().unwrap();
    if let Some((_, label, _)) = orders.iter().find(|o| o.0 == id) {
        return Json(json!({
            "success": false,
            "message": "Mã đơn hàng đã tồn tại",
            "error": { "code": "ORDER_ID_EXIST", "partner_id": id, "ghtk_label": label },
        }))
        .into_response();
    }
    let label = format!("S1.A1.{}", 17_373_471 + orders.len());
    let grams = (body["products"].as_array().into_iter().flatten())
        .map(|p| {
            (p["weight"].as_f64().unwrap_or(0.0) * 1000.0) as i64
                * p["quantity"].as_i64().unwrap_or(1)
        })
        .sum();
    orders.push((id.clone(), label.clone(), body.clone()));
    Json(json!({
        "success": true,
        "message": "",
        "order": {
            "partner_id": id,
            "label": label,
            "area": "1",
            "fee": fee_for(grams).to_string(),
            "insurance_fee": "0",
            "estimated_pick_time": "Sáng 2026-12-01",
            "estimated_deliver_time": "Chiều 2026-12-03",
            "products": [],
            "status_id": 2,
        }
    }))
    .into_response()
}

async fn label(State(orders): State<Orders>, Path(label): Path<String>) -> Response {
    let known = orders.lock().unwrap().iter().any(|o| o.1 == label);
    if !known {
        return refusal("Không tìm thấy đơn hàng", None);
    }
    (
        [(header::CONTENT_TYPE, "application/pdf")],
        format!("%PDF-1.4\n% label {label}\n%%EOF\n"),
    )
        .into_response()
}

impl GhtkFake {
    pub async fn start() -> GhtkFake {
        let gate = Gate::new(TOKEN, bad_token, failing);
        let orders = Orders::default();
        let app = Router::new()
            .route("/services/shipment/fee", get(fee))
            .route("/services/shipment/order/", post(create))
            .route("/services/label/{label}", get(label))
            .with_state(Arc::clone(&orders));
        GhtkFake {
            base_url: gate.serve(app).await,
            gate,
            orders,
        }
    }

    pub fn set(&self, behaviour: Behaviour) {
        self.gate.set(behaviour);
    }

    /// The bodies of the orders created so far.
    pub fn created(&self) -> Vec<Value> {
        let orders = self.orders.lock().unwrap();
        orders.iter().map(|o| o.2.clone()).collect()
    }

    pub fn calls(&self) -> usize {
        self.gate.calls()
    }

    /// A webhook body as GHTK posts it for `label`.
    pub fn callback(label: &str, status_id: i64, action_time: &str) -> String {
        Self::callback_with_cod(label, status_id, action_time, 0)
    }

    /// [`GhtkFake::callback`] with the cash collected (`pick_money`).
    pub fn callback_with_cod(label: &str, status_id: i64, action_time: &str, cod: i64) -> String {
        json!({
            "partner_id": "",
            "label_id": label,
            "status_id": status_id,
            "action_time": action_time,
            "reason_code": "",
            "reason": "",
            "weight": 0.5,
            "fee": 30000,
            "pick_money": cod,
            "return_part_package": 0,
        })
        .to_string()
    }
}
