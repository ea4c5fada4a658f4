//! What the cart, checkout and order screens show (and the JSON API returns): plain data,
//! built on the server from the database.

use serde::{Deserialize, Serialize};

use crate::{
    domain::money::Vnd,
    shop::rules::{
        order::{OrderStatus, PaymentMethod, PaymentStatus},
        shipping::{ShippingSource, Zone},
    },
};

/// One variant in the cart, as it is now in the catalog.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CartLine {
    pub variant_id: String,
    pub product_slug: String,
    pub product_name: String,
    pub variant_label: String,
    #[cfg_attr(feature = "ssr", schema(value_type = i64))]
    pub unit_price: Vnd,
    pub quantity: i64,
    /// Units on the shelf right now.
    pub stock: i64,
    #[cfg_attr(feature = "ssr", schema(value_type = i64))]
    pub line_total: Vnd,
    /// Why this line cannot be ordered as it is, if it cannot.
    pub problem: Option<LineProblem>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum LineProblem {
    /// Nothing left.
    OutOfStock,
    /// Fewer left than the cart holds.
    NotEnough,
    /// The listing was withdrawn (archived, or its producer suspended).
    Unavailable,
    /// Fresh goods the producer delivers only within its own province, and the address is not.
    OnlySameProvince,
    /// Fresh goods the producer delivers only to its own and the neighbouring provinces.
    OnlyNeighbouringProvinces,
}

/// The cart's lines of one producer: one order at checkout.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CartGroup {
    pub producer_id: String,
    pub producer_name: String,
    pub lines: Vec<CartLine>,
    #[cfg_attr(feature = "ssr", schema(value_type = i64))]
    pub subtotal: Vnd,
    #[cfg_attr(feature = "ssr", schema(value_type = i64))]
    pub shipping: Vnd,
    #[cfg_attr(feature = "ssr", schema(value_type = i64))]
    pub total: Vnd,
    /// The zone the fee is for, when the delivery province is known (`same_province`,
    /// `neighbouring`, `country`); without it the fee is the farthest zone's.
    #[cfg_attr(feature = "ssr", schema(value_type = Option<String>))]
    pub zone: Option<Zone>,
    /// Who set `shipping`: `ghn` or `ghtk` (the producer's carrier quoted it for the chosen
    /// commune), `free` (the producer delivers this order free), or `table`: the producer's
    /// own table, an estimate ("ước tính"), used when no carrier is set up, the commune is not
    /// chosen yet, or the carrier did not answer within 2 seconds.
    #[cfg_attr(feature = "ssr", schema(value_type = String))]
    #[serde(default = "table")]
    pub shipping_source: ShippingSource,
}

fn table() -> ShippingSource {
    ShippingSource::Table
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CartView {
    pub groups: Vec<CartGroup>,
    #[cfg_attr(feature = "ssr", schema(value_type = i64))]
    pub total: Vnd,
    pub item_count: i64,
    /// Whether the fees are for a chosen delivery province (else: the farthest zone's).
    #[serde(default)]
    pub delivery_known: bool,
}

impl CartView {
    pub fn is_empty(&self) -> bool {
        self.groups.is_empty()
    }

    /// Every line can be ordered as it stands.
    pub fn ready(&self) -> bool {
        !self.is_empty()
            && self
                .groups
                .iter()
                .all(|g| g.lines.iter().all(|l| l.problem.is_none()))
    }
}

/// One step in an order's history.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct HistoryStep {
    #[cfg_attr(feature = "ssr", schema(value_type = String))]
    pub status: OrderStatus,
    /// RFC 3339, UTC.
    pub at: String,
    pub note: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct OrderLineView {
    pub product_name: String,
    pub variant_label: String,
    #[cfg_attr(feature = "ssr", schema(value_type = i64))]
    pub unit_price: Vnd,
    pub quantity: i64,
    #[cfg_attr(feature = "ssr", schema(value_type = i64))]
    pub line_total: Vnd,
    /// The lots the line was taken from, oldest harvest first, each with its traceability
    /// page; empty for stock no lot covers.
    #[serde(default)]
    pub lots: Vec<crate::lot_sales::model::LineLot>,
}

/// Where and how to transfer the money for a bank-transfer order.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TransferInstructions {
    pub bank_bin: String,
    /// The bank's everyday name (`Vietcombank`) when the BIN is a well-known one.
    pub bank_name: Option<String>,
    pub account_no: String,
    pub account_name: String,
    /// The text to put in the transfer's content: the order number.
    pub purpose: String,
    /// The EMVCo/NAPAS payload the QR code carries.
    pub vietqr_payload: String,
    /// The QR code as an SVG image.
    pub qr_path: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct OrderView {
    pub order_no: String,
    #[cfg_attr(feature = "ssr", schema(value_type = String))]
    pub status: OrderStatus,
    #[cfg_attr(feature = "ssr", schema(value_type = String))]
    pub payment_method: PaymentMethod,
    #[cfg_attr(feature = "ssr", schema(value_type = String))]
    pub payment_status: PaymentStatus,
    pub producer_name: String,
    pub producer_phone: Option<String>,
    pub lines: Vec<OrderLineView>,
    #[cfg_attr(feature = "ssr", schema(value_type = i64))]
    pub subtotal: Vnd,
    #[cfg_attr(feature = "ssr", schema(value_type = i64))]
    pub shipping: Vnd,
    #[cfg_attr(feature = "ssr", schema(value_type = i64))]
    pub total: Vnd,
    pub contact_name: String,
    pub contact_phone: String,
    pub address: String,
    pub carrier: Option<String>,
    pub tracking_no: Option<String>,
    pub cancel_reason: Option<String>,
    /// Unpaid orders are cancelled after this instant (RFC 3339, UTC).
    pub pay_by: Option<String>,
    pub placed_at: String,
    pub history: Vec<HistoryStep>,
    pub transfer: Option<TransferInstructions>,
    /// Where to pay by card while the payment is open.
    pub card_payment_url: Option<String>,
}

/// One order in a list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct OrderSummary {
    pub order_no: String,
    #[cfg_attr(feature = "ssr", schema(value_type = String))]
    pub status: OrderStatus,
    #[cfg_attr(feature = "ssr", schema(value_type = String))]
    pub payment_method: PaymentMethod,
    #[cfg_attr(feature = "ssr", schema(value_type = String))]
    pub payment_status: PaymentStatus,
    pub producer_name: String,
    #[cfg_attr(feature = "ssr", schema(value_type = i64))]
    pub total: Vnd,
    pub placed_at: String,
}
