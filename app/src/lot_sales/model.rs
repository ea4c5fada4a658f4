//! What the pages and the API show of lots on order lines: the lots a line came from (the
//! buyer's order, the producer's packing slip), the orders a lot went into (its page, for the
//! people who may see them) and the shipments of a lot (its EPCIS document).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::{catalog::model::CommuneRef, shop::rules::order::OrderStatus};

/// Units of an order line taken from one lot.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct LineLot {
    pub lot_id: String,
    pub code: String,
    /// The lot's traceability page (GS1 Digital Link path when the product has a GTIN).
    pub path: String,
    pub quantity: i64,
    #[cfg_attr(feature = "ssr", schema(value_type = Option<String>, format = Date))]
    pub harvested_on: Option<NaiveDate>,
    /// The orchard, field or pond it was grown on.
    pub plot: Option<String>,
    /// The commune it was grown in.
    pub commune: Option<CommuneRef>,
}

/// An order that took units from a lot, as the lot's page lists it (no buyer contact).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LotOrder {
    pub order_no: String,
    /// When it was placed (RFC 3339, UTC).
    pub placed_at: String,
    pub status: OrderStatus,
    pub quantity: i64,
}

/// Units of a lot that left in a shipped order: an EPCIS `shipping` event.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LotShipment {
    pub order_no: String,
    /// When the order was marked shipped (RFC 3339, UTC).
    pub shipped_at: String,
    pub quantity: i64,
}

/// A producer's packing slip: what goes in the parcel and from which lots.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PackingSlip {
    pub order_no: String,
    pub placed_at: String,
    pub status: OrderStatus,
    pub producer_name: String,
    pub contact_name: String,
    pub address: String,
    pub lines: Vec<SlipLine>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SlipLine {
    pub product_name: String,
    pub variant_label: String,
    pub quantity: i64,
    pub lots: Vec<LineLot>,
}

impl SlipLine {
    /// Units of the line no lot covers (stock entered by hand).
    pub fn unassigned(&self) -> i64 {
        self.quantity - self.lots.iter().map(|l| l.quantity).sum::<i64>()
    }
}
