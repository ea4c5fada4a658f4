//! GHN (Giao Hàng Nhanh), after its published "shiip public-api" (api.ghn.vn/home/docs):
//! every call sends the account's `Token` header (and `ShopId` for a shop's orders), every answer
//! is `{"code": 200, "message": "Success", "data": …}` and a refusal is the same envelope with
//! another `code`, a `message` and often a `code_message`.
//!
//! GHN locates addresses by its own ids (a district id and a ward code), not by the national
//! list's codes or names. They are resolved here through GHN's master-data endpoints by name
//! (province → its districts → their wards, matched by name or one of GHN's `NameExtension`s),
//! and cached per process: a province's wards are fetched once. Whether GHN's ward list already
//! follows the two-tier list of 1 July 2025 is not confirmed by its documentation; a commune GHN
//! does not know is "not served" and checkout falls back to the producer's table.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
};

use chrono::{DateTime, Utc};
use serde::{Deserialize, de::DeserializeOwned};
use serde_json::{Value, json};

use super::{
    CallbackError, Carrier, CarrierError, CarrierEvent, EventKind, Label, Parcel, Place, Waybill,
    WaybillRequest, comparable, reach, verified,
};

/// GHN's production gateway; the test environment is `https://dev-online-gateway.ghn.vn`.
pub const PRODUCTION: &str = "https://online-gateway.ghn.vn";

/// A producer's GHN account.
#[derive(Clone)]
pub struct GhnAccount {
    pub token: String,
    pub shop_id: i64,
}

impl std::fmt::Debug for GhnAccount {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "GhnAccount {{ token: {}, shop_id: {} }}",
            super::masked(&self.token),
            self.shop_id
        )
    }
}

/// A ward as GHN knows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GhnWard {
    pub district_id: i64,
    pub ward_code: String,
}

/// A province's wards: each with its comparable names.
type Wards = Arc<Vec<(Vec<String>, GhnWard)>>;

/// GHN's wards per province, shared by every account of the process.
#[derive(Clone, Debug, Default)]
pub struct GhnDirectory {
    /// comparable(province) → [(comparable ward names, the ward)].
    provinces: Arc<Mutex<HashMap<String, Wards>>>,
}

#[derive(Clone, Debug)]
pub struct Ghn {
    http: reqwest::Client,
    base: String,
    account: GhnAccount,
    directory: GhnDirectory,
}

#[derive(Deserialize)]
struct Envelope {
    code: i64,
    #[serde(default)]
    message: String,
    #[serde(default)]
    code_message: Option<String>,
    #[serde(default)]
    data: Value,
}

#[derive(Deserialize)]
struct Province {
    #[serde(rename = "ProvinceID")]
    id: i64,
    #[serde(rename = "ProvinceName")]
    name: String,
    #[serde(rename = "NameExtension", default)]
    extensions: Option<Vec<String>>,
}

#[derive(Deserialize)]
struct District {
    #[serde(rename = "DistrictID")]
    id: i64,
}

#[derive(Deserialize)]
struct Ward {
    #[serde(rename = "WardCode")]
    code: String,
    #[serde(rename = "WardName")]
    name: String,
    #[serde(rename = "NameExtension", default)]
    extensions: Option<Vec<String>>,
}

#[derive(Deserialize)]
struct Fee {
    total: i64,
}

#[derive(Deserialize)]
struct Created {
    order_code: String,
    #[serde(default)]
    total_fee: i64,
}

#[derive(Deserialize)]
struct PrintToken {
    token: String,
}

/// The body GHN posts to the callback URL the shop registered (documented fields; those not
/// used here are ignored).
#[derive(Deserialize)]
struct Callback {
    #[serde(rename = "OrderCode")]
    order_code: String,
    #[serde(rename = "Status")]
    status: String,
    #[serde(rename = "Time")]
    time: DateTime<Utc>,
    /// The cash to collect; on a "delivered" event, what was collected.
    #[serde(rename = "CODAmount", default)]
    cod_amount: Option<i64>,
}

fn names(name: &str, extensions: &Option<Vec<String>>) -> Vec<String> {
    std::iter::once(name)
        .chain(extensions.iter().flatten().map(String::as_str))
        .map(comparable)
        .collect()
}

/// What a GHN status means for the order (GHN's documented order statuses).
pub fn event_kind(status: &str) -> EventKind {
    match status {
        "picked"
        | "storing"
        | "transporting"
        | "sorting"
        | "delivering"
        | "money_collect_delivering" => EventKind::Shipped,
        "delivered" => EventKind::Delivered,
        "waiting_to_return"
        | "return"
        | "return_transporting"
        | "return_sorting"
        | "returning"
        | "returned" => EventKind::Returned,
        "cancel" => EventKind::Cancelled,
        // ready_to_pick, picking, money_collect_picking, delivery_fail, return_fail,
        // exception, damage, lost…: recorded, the order stays where it is.
        _ => EventKind::Noted,
    }
}

impl Ghn {
    pub fn new(
        http: reqwest::Client,
        base: &str,
        account: GhnAccount,
        directory: GhnDirectory,
    ) -> Self {
        Ghn {
            http,
            base: base.trim_end_matches('/').to_owned(),
            account,
            directory,
        }
    }

    async fn call<T: DeserializeOwned>(
        &self,
        path: &str,
        body: Option<Value>,
    ) -> Result<T, CarrierError> {
        let url = format!("{}/shiip/public-api{path}", self.base);
        let request = match body {
            Some(body) => self.http.post(url).json(&body),
            None => self.http.get(url),
        }
        .header("Token", &self.account.token)
        .header("ShopId", self.account.shop_id.to_string());
        let response = reach(request).await?;
        let status = response.status();
        let bytes = response.bytes().await.map_err(CarrierError::from_http)?;
        let envelope: Envelope = serde_json::from_slice(&bytes).map_err(|e| {
            if status == reqwest::StatusCode::UNAUTHORIZED {
                CarrierError::BadCredentials
            } else {
                CarrierError::Malformed(e.to_string())
            }
        })?;
        match envelope.code {
            200 => serde_json::from_value(envelope.data)
                .map_err(|e| CarrierError::Malformed(e.to_string())),
            401 | 403 => Err(CarrierError::BadCredentials),
            500.. => Err(CarrierError::Unavailable(envelope.message)),
            _ => {
                // GHN names an unserved route or address in `code_message`/`message` (e.g.
                // "ROUTE_NOT_FOUND_SERVICE", "ward not found"); the exact list is not published,
                // so these words are matched loosely.
                let what = format!(
                    "{} {}",
                    envelope.code_message.as_deref().unwrap_or(""),
                    envelope.message
                )
                .to_lowercase();
                if ["route", "service", "ward", "district"]
                    .iter()
                    .any(|w| what.contains(w))
                {
                    Err(CarrierError::NotServed(envelope.message))
                } else {
                    Err(CarrierError::Refused(envelope.message))
                }
            }
        }
    }

    async fn wards_of(&self, province: &str) -> Result<Wards, CarrierError> {
        let key = comparable(province);
        if let Some(wards) = self.directory.provinces.lock().unwrap().get(&key) {
            return Ok(wards.clone());
        }
        let provinces: Vec<Province> = self.call("/master-data/province", None).await?;
        let province_id = provinces
            .iter()
            .find(|p| names(&p.name, &p.extensions).contains(&key))
            .map(|p| p.id)
            .ok_or_else(|| CarrierError::NotServed(province.to_owned()))?;
        let districts: Vec<District> = self
            .call(
                "/master-data/district",
                Some(json!({ "province_id": province_id })),
            )
            .await?;
        let mut all = vec![];
        for district in districts {
            let wards: Option<Vec<Ward>> = self
                .call(
                    "/master-data/ward",
                    Some(json!({ "district_id": district.id })),
                )
                .await?;
            for ward in wards.unwrap_or_default() {
                all.push((
                    names(&ward.name, &ward.extensions),
                    GhnWard {
                        district_id: district.id,
                        ward_code: ward.code,
                    },
                ));
            }
        }
        let all = Arc::new(all);
        self.directory
            .provinces
            .lock()
            .unwrap()
            .insert(key, all.clone());
        Ok(all)
    }

    /// GHN's ids for a place of the national list, by name.
    pub async fn resolve(&self, place: &Place) -> Result<GhnWard, CarrierError> {
        let wards = self.wards_of(&place.province).await?;
        let commune = comparable(&place.commune);
        wards
            .iter()
            .find(|(names, _)| names.contains(&commune))
            .map(|(_, ward)| ward.clone())
            .ok_or_else(|| {
                CarrierError::NotServed(format!("{}, {}", place.commune, place.province))
            })
    }
}

/// GHN's standard service ("hàng nhẹ").
const SERVICE_TYPE: i64 = 2;

impl Carrier for Ghn {
    fn name(&self) -> &'static str {
        "ghn"
    }

    async fn quote(&self, parcel: &Parcel) -> Result<i64, CarrierError> {
        let from = self.resolve(&parcel.from).await?;
        let to = self.resolve(&parcel.to).await?;
        let fee: Fee = self
            .call(
                "/v2/shipping-order/fee",
                Some(json!({
                    "service_type_id": SERVICE_TYPE,
                    "from_district_id": from.district_id,
                    "from_ward_code": from.ward_code,
                    "to_district_id": to.district_id,
                    "to_ward_code": to.ward_code,
                    "weight": parcel.weight_grams,
                    "insurance_value": parcel.declared_value,
                    "cod_value": parcel.cod_amount,
                })),
            )
            .await?;
        Ok(fee.total)
    }

    async fn create_waybill(&self, request: &WaybillRequest) -> Result<Waybill, CarrierError> {
        let parcel = &request.parcel;
        let to = self.resolve(&parcel.to).await?;
        let items: Vec<Value> = request
            .items
            .iter()
            .map(|i| json!({ "name": i.name, "quantity": i.quantity, "weight": i.weight_grams }))
            .collect();
        let created: Created = self
            .call(
                "/v2/shipping-order/create",
                Some(json!({
                    // The producer pays GHN; the buyer paid the marketplace's shipping fee.
                    "payment_type_id": 1,
                    "required_note": "CHOXEMHANGKHONGTHU",
                    "client_order_code": request.order_no,
                    "from_name": request.sender_name,
                    "from_phone": request.sender_phone,
                    "from_address": parcel.from.street,
                    "from_ward_name": parcel.from.commune,
                    "from_province_name": parcel.from.province,
                    "to_name": request.recipient_name,
                    "to_phone": request.recipient_phone,
                    "to_address": format!("{}, {}, {}", parcel.to.street, parcel.to.commune, parcel.to.province),
                    "to_district_id": to.district_id,
                    "to_ward_code": to.ward_code,
                    "cod_amount": parcel.cod_amount,
                    "insurance_value": parcel.declared_value,
                    "weight": parcel.weight_grams,
                    "service_type_id": SERVICE_TYPE,
                    "items": items,
                })),
            )
            .await?;
        Ok(Waybill {
            tracking_no: created.order_code,
            fee: created.total_fee,
        })
    }

    /// GHN prints through a short-lived token: the label is GHN's A5 print page for it.
    async fn label(&self, tracking_no: &str) -> Result<Label, CarrierError> {
        let token: PrintToken = self
            .call(
                "/v2/a5/gen-token",
                Some(json!({ "order_codes": [tracking_no] })),
            )
            .await?;
        Ok(Label::Url(format!(
            "{}/a5/public-api/printA5?token={}",
            self.base, token.token
        )))
    }

    /// GHN does not sign its callbacks: the shop registers a callback URL with GHN, so the
    /// producer's callback secret travels in that URL (`?token=…`) and is checked here.
    fn parse_callback(
        &self,
        secret: &str,
        presented: Option<&str>,
        body: &[u8],
    ) -> Result<CarrierEvent, CallbackError> {
        let callback: Callback = verified(secret, presented, body)?;
        let kind = event_kind(&callback.status);
        Ok(CarrierEvent {
            kind,
            tracking_no: callback.order_code,
            status_text: callback.status,
            at: callback.time,
            cod_collected: callback.cod_amount.filter(|_| kind == EventKind::Delivered),
        })
    }
}
