//! A fake of VNPay (API 2.1.0) inside the test process, on 127.0.0.1:0: the payment page
//! (`/paymentv2/vpcpay.html`), which checks the URL's signature, "pays", calls the merchant's
//! IPN and sends the browser back to `vnp_ReturnUrl`; and the transaction API
//! (`/merchant_webapi/api/transaction`, `querydr` and `refund`) with VNPay's checks and codes.
//! Every signature is computed here, independently of the server's code, with HMAC-SHA512 over
//! what VNPay's documentation says is signed.

use std::{
    collections::{BTreeMap, HashMap},
    sync::{Arc, Mutex},
};

use axum::{
    Json, Router,
    extract::{RawQuery, State},
    http::StatusCode,
    response::{IntoResponse, Response},
    routing::{get, post},
};
use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha2::Sha512;

pub const TMN_CODE: &str = "OCOPTEST";
pub const HASH_SECRET: &str = "VNPAYFAKESECRETKEY0123456789ABCD";

pub fn sign(data: &str) -> String {
    let mut mac = Hmac::<Sha512>::new_from_slice(HASH_SECRET.as_bytes()).unwrap();
    mac.update(data.as_bytes());
    mac.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// VNPay's samples: sorted by name, `urlencode(name)=urlencode(value)` joined by `&`.
pub fn signed_query(params: &BTreeMap<String, String>) -> String {
    let enc = |s: &str| form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
    params
        .iter()
        .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// A payment the fake took.
#[derive(Clone, Debug)]
pub struct Txn {
    pub txn_ref: String,
    /// × 100, as VNPay counts.
    pub amount: i64,
    pub transaction_no: String,
    pub create_date: String,
    pub pay_date: String,
    /// 01 payment, 02 full refund.
    pub transaction_type: &'static str,
    /// 00 success; 05 refund being processed.
    pub transaction_status: &'static str,
}

#[derive(Clone, Debug)]
pub struct RefundCall {
    pub txn_ref: String,
    pub amount: i64,
    pub transaction_type: String,
    pub transaction_date: String,
    pub response_code: String,
}

/// What the fake's IPN call got back from the merchant.
#[derive(Clone, Debug)]
pub struct IpnCall {
    pub txn_ref: String,
    pub status: u16,
    pub body: Value,
}

#[derive(Default)]
struct Inner {
    txns: HashMap<String, Txn>,
    refunds: Vec<RefundCall>,
    queries: usize,
    ipns: Vec<IpnCall>,
    next_no: u64,
    /// The next payments are declined by the "buyer" (code 24).
    decline: bool,
    /// Refunds answer this code (and take nothing) while set.
    refund_fails_with: Option<&'static str>,
    /// The next refund is taken but its answer is lost (HTTP 502), as when the merchant dies
    /// while VNPay answers.
    lose_next_refund_answer: bool,
}

#[derive(Clone)]
pub struct VnpayFake {
    pub base_url: String,
    /// The merchant's server, for the IPN.
    merchant: Arc<Mutex<String>>,
    inner: Arc<Mutex<Inner>>,
}

fn answer_signed(mut a: BTreeMap<&'static str, String>, command: &str) -> Value {
    let mut order = vec![
        "vnp_ResponseId",
        "vnp_Command",
        "vnp_ResponseCode",
        "vnp_Message",
        "vnp_TmnCode",
        "vnp_TxnRef",
        "vnp_Amount",
        "vnp_BankCode",
        "vnp_PayDate",
        "vnp_TransactionNo",
        "vnp_TransactionType",
        "vnp_TransactionStatus",
        "vnp_OrderInfo",
    ];
    if command == "querydr" {
        order.push("vnp_PromotionCode");
        order.push("vnp_PromotionAmount");
    }
    for k in &order {
        a.entry(k).or_default();
    }
    let data = order
        .iter()
        .map(|k| a[k].as_str())
        .collect::<Vec<_>>()
        .join("|");
    a.insert("vnp_SecureHash", sign(&data));
    json!(a)
}

async fn pay_page(State(fake): State<VnpayFake>, RawQuery(q): RawQuery) -> Response {
    let mut params = BTreeMap::new();
    let mut hash = String::new();
    for (k, v) in form_urlencoded::parse(q.unwrap_or_default().as_bytes()) {
        match k.as_ref() {
            "vnp_SecureHash" => hash = v.into_owned(),
            "vnp_SecureHashType" => {}
            _ => {
                params.insert(k.into_owned(), v.into_owned());
            }
        }
    }
    // VNPay's error page: code 70, wrong signature.
    if sign(&signed_query(&params)) != hash.to_lowercase() {
        return (StatusCode::BAD_REQUEST, "70: Sai chữ ký").into_response();
    }
    let get = |k: &str| params.get(k).cloned().unwrap_or_default();
    if get("vnp_Version") != "2.1.0"
        || get("vnp_Command") != "pay"
        || get("vnp_TmnCode") != TMN_CODE
        || get("vnp_CurrCode") != "VND"
        || get("vnp_CreateDate").len() != 14
        || get("vnp_ReturnUrl").is_empty()
        || get("vnp_IpAddr").is_empty()
    {
        return (
            StatusCode::BAD_REQUEST,
            "03: Dữ liệu gửi sang không đúng định dạng",
        )
            .into_response();
    }
    let Ok(amount) = get("vnp_Amount").parse::<i64>() else {
        return (StatusCode::BAD_REQUEST, "03: amount").into_response();
    };
    let declined = fake.inner.lock().unwrap().decline;
    let (code, status) = if declined { ("24", "02") } else { ("00", "00") };
    let txn_ref = get("vnp_TxnRef");
    let no = {
        let mut inner = fake.inner.lock().unwrap();
        inner.next_no += 1;
        let no = format!("{}", 14000000 + inner.next_no);
        if !declined {
            inner.txns.insert(
                txn_ref.clone(),
                Txn {
                    txn_ref: txn_ref.clone(),
                    amount,
                    transaction_no: no.clone(),
                    create_date: get("vnp_CreateDate"),
                    pay_date: get("vnp_CreateDate"),
                    transaction_type: "01",
                    transaction_status: "00",
                },
            );
        }
        no
    };
    let result = fake.result_query(&txn_ref, amount, code, status, &no, &get("vnp_OrderInfo"));
    // VNPay calls the IPN server to server, then sends the browser back.
    let merchant = fake.merchant.lock().unwrap().clone();
    if !merchant.is_empty() {
        let r = reqwest::get(format!("{merchant}/api/v1/webhooks/vnpay?{result}")).await;
        if let Ok(r) = r {
            let status = r.status().as_u16();
            let body = r.json().await.unwrap_or(Value::Null);
            fake.inner.lock().unwrap().ipns.push(IpnCall {
                txn_ref: txn_ref.clone(),
                status,
                body,
            });
        }
    }
    (
        StatusCode::FOUND,
        [("location", format!("{}?{result}", get("vnp_ReturnUrl")))],
    )
        .into_response()
}

async fn transaction_api(State(fake): State<VnpayFake>, Json(body): Json<Value>) -> Response {
    let f = |k: &str| body[k].as_str().unwrap_or("").to_owned();
    let command = f("vnp_Command");
    let response_id = format!("R{}", f("vnp_RequestId"));
    let base = |code: &str, message: &str| {
        BTreeMap::from([
            ("vnp_ResponseId", response_id.clone()),
            ("vnp_Command", command.clone()),
            ("vnp_ResponseCode", code.to_owned()),
            ("vnp_Message", message.to_owned()),
            ("vnp_TmnCode", f("vnp_TmnCode")),
            ("vnp_TxnRef", f("vnp_TxnRef")),
        ])
    };
    let data = match command.as_str() {
        "querydr" => [
            "vnp_RequestId",
            "vnp_Version",
            "vnp_Command",
            "vnp_TmnCode",
            "vnp_TxnRef",
            "vnp_TransactionDate",
            "vnp_CreateDate",
            "vnp_IpAddr",
            "vnp_OrderInfo",
        ]
        .iter()
        .map(|k| f(k))
        .collect::<Vec<_>>()
        .join("|"),
        "refund" => [
            "vnp_RequestId",
            "vnp_Version",
            "vnp_Command",
            "vnp_TmnCode",
            "vnp_TransactionType",
            "vnp_TxnRef",
            "vnp_Amount",
            "vnp_TransactionNo",
            "vnp_TransactionDate",
            "vnp_CreateBy",
            "vnp_CreateDate",
            "vnp_IpAddr",
            "vnp_OrderInfo",
        ]
        .iter()
        .map(|k| f(k))
        .collect::<Vec<_>>()
        .join("|"),
        _ => return Json(answer_signed(base("99", "Unknown command"), &command)).into_response(),
    };
    if sign(&data) != f("vnp_SecureHash") {
        return Json(answer_signed(base("97", "Invalid Checksum"), &command)).into_response();
    }
    if f("vnp_TmnCode") != TMN_CODE || f("vnp_Version") != "2.1.0" {
        return Json(answer_signed(base("02", "Invalid TmnCode"), &command)).into_response();
    }
    let mut inner = fake.inner.lock().unwrap();
    let Some(txn) = inner.txns.get(&f("vnp_TxnRef")).cloned() else {
        return Json(answer_signed(base("91", "Transaction not found"), &command)).into_response();
    };
    // VNPay finds a transaction by its reference and the merchant's date of it.
    if txn.create_date != f("vnp_TransactionDate") {
        return Json(answer_signed(base("91", "Transaction not found"), &command)).into_response();
    }
    let with_txn = |mut a: BTreeMap<&'static str, String>, t: &Txn| {
        a.insert("vnp_Amount", t.amount.to_string());
        a.insert("vnp_BankCode", "NCB".to_owned());
        a.insert("vnp_PayDate", t.pay_date.clone());
        a.insert("vnp_TransactionNo", t.transaction_no.clone());
        a.insert("vnp_TransactionType", t.transaction_type.to_owned());
        a.insert("vnp_TransactionStatus", t.transaction_status.to_owned());
        a.insert("vnp_OrderInfo", f("vnp_OrderInfo"));
        a
    };
    if command == "querydr" {
        inner.queries += 1;
        let a = with_txn(base("00", "QueryDR Success"), &txn);
        return Json(answer_signed(a, &command)).into_response();
    }
    let amount: i64 = f("vnp_Amount").parse().unwrap_or(-1);
    let mut call = RefundCall {
        txn_ref: txn.txn_ref.clone(),
        amount,
        transaction_type: f("vnp_TransactionType"),
        transaction_date: f("vnp_TransactionDate"),
        response_code: String::new(),
    };
    let code = if let Some(code) = inner.refund_fails_with {
        code
    } else if txn.transaction_type != "01" {
        // Refunded already.
        "94"
    } else if amount <= 0
        || amount > txn.amount
        || (f("vnp_TransactionType") == "02" && amount != txn.amount)
    {
        // A full refund is of the whole amount; a partial one of no more than it.
        "03"
    } else {
        "00"
    };
    call.response_code = code.to_owned();
    inner.refunds.push(call);
    if code != "00" {
        let message = match code {
            "94" => "Duplicate request",
            "03" => "Invalid amount",
            _ => "Refund failed",
        };
        return Json(answer_signed(with_txn(base(code, message), &txn), &command)).into_response();
    }
    let refunded = Txn {
        transaction_type: "02",
        transaction_status: "05",
        ..txn
    };
    inner
        .txns
        .insert(refunded.txn_ref.clone(), refunded.clone());
    if std::mem::take(&mut inner.lose_next_refund_answer) {
        return (StatusCode::BAD_GATEWAY, "connection lost").into_response();
    }
    Json(answer_signed(
        with_txn(base("00", "Refund success"), &refunded),
        &command,
    ))
    .into_response()
}

impl VnpayFake {
    pub async fn start() -> VnpayFake {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("binding the VNPay fake");
        let base_url = format!("http://{}", listener.local_addr().expect("fake address"));
        let fake = VnpayFake {
            base_url,
            merchant: Arc::default(),
            inner: Arc::default(),
        };
        let app = Router::new()
            .route("/paymentv2/vpcpay.html", get(pay_page))
            .route("/merchant_webapi/api/transaction", post(transaction_api))
            .with_state(fake.clone());
        tokio::spawn(async move { axum::serve(listener, app).await });
        fake
    }

    /// The server's payment settings, with VNPay pointed at this fake (both URLs given: the
    /// fake is not on VNPay's hosts, from which the API URL would be derived).
    pub fn settings(&self) -> server::config::PaymentSettings {
        server::config::PaymentSettings {
            windows: Default::default(),
            stripe: None,
            vnpay: Some(server::config::VnpaySettings {
                tmn_code: TMN_CODE.to_owned(),
                hash_secret: HASH_SECRET.to_owned(),
                pay_url: format!("{}/paymentv2/vpcpay.html", self.base_url),
                api_url: Some(format!("{}/merchant_webapi/api/transaction", self.base_url)),
            }),
            ..Default::default()
        }
    }

    /// Where the IPN goes (the app's address, known once it runs).
    pub fn set_merchant(&self, address: &str) {
        *self.merchant.lock().unwrap() = address.to_owned();
    }

    /// The query VNPay sends to the IPN and the return URL, signed.
    pub fn result_query(
        &self,
        txn_ref: &str,
        amount: i64,
        code: &str,
        status: &str,
        transaction_no: &str,
        info: &str,
    ) -> String {
        let p: BTreeMap<String, String> = [
            ("vnp_Amount", amount.to_string()),
            ("vnp_BankCode", "NCB".to_owned()),
            ("vnp_BankTranNo", format!("VNP{transaction_no}")),
            ("vnp_CardType", "ATM".to_owned()),
            ("vnp_OrderInfo", info.to_owned()),
            ("vnp_PayDate", "20261201120000".to_owned()),
            ("vnp_ResponseCode", code.to_owned()),
            ("vnp_TmnCode", TMN_CODE.to_owned()),
            ("vnp_TransactionNo", transaction_no.to_owned()),
            ("vnp_TransactionStatus", status.to_owned()),
            ("vnp_TxnRef", txn_ref.to_owned()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
        let q = signed_query(&p);
        format!(
            "{q}&vnp_SecureHashType=HmacSHA512&vnp_SecureHash={}",
            sign(&q)
        )
    }

    pub fn decline_payments(&self, decline: bool) {
        self.inner.lock().unwrap().decline = decline;
    }

    pub fn fail_refunds_with(&self, code: Option<&'static str>) {
        self.inner.lock().unwrap().refund_fails_with = code;
    }

    pub fn lose_next_refund_answer(&self) {
        self.inner.lock().unwrap().lose_next_refund_answer = true;
    }

    pub fn txn(&self, txn_ref: &str) -> Option<Txn> {
        self.inner.lock().unwrap().txns.get(txn_ref).cloned()
    }

    pub fn refunds(&self) -> Vec<RefundCall> {
        self.inner.lock().unwrap().refunds.clone()
    }

    pub fn queries(&self) -> usize {
        self.inner.lock().unwrap().queries
    }

    pub fn ipns(&self) -> Vec<IpnCall> {
        self.inner.lock().unwrap().ipns.clone()
    }
}
