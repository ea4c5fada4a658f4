//! What the producer's shop screens show: listings with their variants and photos, orders to
//! fulfil, and the sales summary. Plain data built on the server.

use serde::{Deserialize, Serialize};

use crate::{
    domain::{money::Vnd, product::ProductStatus},
    shop::model::OrderSummary,
};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ListingSummary {
    pub id: String,
    pub slug: String,
    pub name: String,
    pub status: ProductStatus,
    pub status_reason: Option<String>,
    pub producer_name: String,
    pub variants: i64,
    pub photos: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct VariantEdit {
    pub id: String,
    pub label_vi: String,
    pub unit: String,
    pub net_weight_g: Option<i64>,
    pub price: Vnd,
    pub stock: i64,
    pub archived: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PhotoEdit {
    pub id: String,
    /// The small copy, for the editor.
    pub src: String,
    pub alt: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ListingEdit {
    pub id: String,
    pub slug: String,
    pub producer_id: String,
    pub producer_name: String,
    pub status: ProductStatus,
    pub status_reason: Option<String>,
    pub name_vi: String,
    pub name_en: String,
    pub group_code: String,
    pub commune_id: String,
    pub description_vi: String,
    pub description_en: String,
    pub gtin: Option<String>,
    /// How far it may be delivered (`country`, `neighbours`, `province`).
    pub delivery_reach: crate::shop::rules::shipping::Reach,
    pub variants: Vec<VariantEdit>,
    pub photos: Vec<PhotoEdit>,
}

/// A listing waiting for the commune officer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PendingListing {
    pub id: String,
    pub slug: String,
    pub name: String,
    pub producer_name: String,
    pub commune_name: String,
    pub variants: i64,
    pub photos: i64,
    /// When it was last changed (submitted), RFC 3339.
    pub since: String,
}

/// An order as its producer lists it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FulfilOrder {
    pub summary: OrderSummary,
    pub contact_name: String,
    pub items: i64,
}

/// One row of the sales summary: a week (its Monday) or a product.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SalesRow {
    pub label: String,
    pub orders: i64,
    pub units: i64,
    pub revenue: Vnd,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SalesSummary {
    /// The season shown, inclusive (Vietnam dates).
    pub from: chrono::NaiveDate,
    pub to: chrono::NaiveDate,
    pub weeks: Vec<SalesRow>,
    pub products: Vec<SalesRow>,
    pub orders: i64,
    pub revenue: Vnd,
}
