//! Recalling a lot (#24): its producer, the commune officer of the plot it grew on, or an
//! administrator takes a lot off sale for good, with a reason. In one transaction the units
//! still for sale leave the variant's stock, the lot becomes `recalled` (terminal: see
//! [`LotStatus::after`](super::rules::LotStatus::after)), the recall is recorded in
//! `lot_recalls` (kept for good) and the audit log, and every buyer who has or will have goods
//! of the lot is notified. The lot, QR, product and order pages then show a banner; the
//! officer sees the affected orders with the buyers' contacts, and a report (page and CSV)
//! for the authorities.
//!
//! - this module: the reason's rule and the read models (pure, both targets);
//! - [`texts`]: every word the recall screens and banners say, in Vietnamese and English;
//! - [`page`]: the banners, the recall form, the officer's per-lot page and the report;
//! - `storage` (server only): the recall's transaction and the reads.
//!
//! The HTTP side (form handler, `POST /api/v1/lots/{id}/recall`, the report's CSV) is in the
//! server crate's `diary::recall`.

pub mod page;
#[cfg(feature = "ssr")]
pub mod storage;
pub mod texts;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The longest reason kept, in characters.
pub const MAX_REASON: usize = 1_000;

/// Why a recall's reason was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ReasonError {
    #[error("write why the lot is recalled")]
    Empty,
    #[error("the reason is at most 1,000 characters")]
    TooLong,
    #[error("the reason holds a hidden character")]
    Hidden,
}

/// The reason as kept: each line trimmed with its runs of spaces made one, blank lines
/// dropped; it must show something and stay within [`MAX_REASON`].
pub fn clean_reason(text: &str) -> Result<String, ReasonError> {
    if crate::domain::text::hidden(text).is_some() {
        return Err(ReasonError::Hidden);
    }
    let reason = text
        .lines()
        .map(|line| line.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|line| !line.is_empty())
        .collect::<Vec<_>>()
        .join("\n");
    if !crate::domain::text::has_visible(&reason) {
        return Err(ReasonError::Empty);
    }
    if reason.chars().count() > MAX_REASON {
        return Err(ReasonError::TooLong);
    }
    Ok(reason)
}

/// Whether a lot with this stored status can be recalled (the status machine's rule, for the
/// pages that offer the form).
pub fn recallable(status: &str) -> bool {
    super::rules::LotStatus::parse(status)
        .is_some_and(|s| s.after(super::rules::LotEvent::Recall).is_ok())
}

/// Whether an order in this status has, had or will have the goods: placed and confirmed
/// orders are still to ship, shipped and delivered ones reached the buyer, and a returned one
/// (or one refunded after its return) went out before it came back. A cancelled order never
/// left the producer. `was_shipped`: its history shows it shipped.
pub fn order_reached_buyer(status: &str, was_shipped: bool) -> bool {
    matches!(status, "placed" | "confirmed" | "shipped" | "delivered") || was_shipped
}

/// A recall as the public sees it on the lot's page (and in the lot API).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct LotRecall {
    pub reason: String,
    /// When (UTC, RFC 3339).
    pub recalled_at: String,
    /// The day, in Vietnam.
    #[cfg_attr(feature = "ssr", schema(value_type = String, format = Date))]
    pub recalled_on: NaiveDate,
    /// Whom to contact: the lot's producer and its phone.
    pub producer_name: String,
    pub producer_phone: Option<String>,
}

/// A recalled lot of a product, for the product page's banner.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RecalledLot {
    pub lot_code: String,
    /// The lot's traceability page.
    pub path: String,
    pub reason: String,
    #[cfg_attr(feature = "ssr", schema(value_type = String, format = Date))]
    pub recalled_on: NaiveDate,
}

/// A line of an order taken (wholly or partly) from a recalled lot, for the order's page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecalledLine {
    pub product_name: String,
    pub variant_label: String,
    /// Units of the line that came from the lot.
    pub quantity: i64,
    pub lot_code: String,
    pub lot_path: String,
    pub reason: String,
    pub recalled_on: NaiveDate,
    pub producer_name: String,
    pub producer_phone: Option<String>,
}

/// An order with goods of a lot, as the officer sees it: who bought, how to reach them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AffectedOrder {
    pub order_no: String,
    /// The stored order status.
    pub status: String,
    pub buyer_name: String,
    pub phone: String,
    /// The buyer's account email (a guest gives none).
    pub email: Option<String>,
    pub address: String,
    /// Units of the lot in the order.
    pub quantity: i64,
    /// UTC, RFC 3339.
    pub placed_at: String,
    /// Whether the buyer has, had or will have the goods ([`order_reached_buyer`]): they are
    /// the ones a recall notifies.
    pub reached_buyer: bool,
    /// The buyer's account, if any (none for a guest): with `phone`, who the buyer is.
    #[serde(skip)]
    pub buyer_user_id: Option<String>,
}

impl AffectedOrder {
    /// The same person across orders: their account, or a guest's phone.
    pub fn buyer_key(&self) -> String {
        match &self.buyer_user_id {
            Some(id) => format!("user:{id}"),
            None => format!("phone:{}", self.phone),
        }
    }
}

/// The recall record itself, for the officer's pages.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecallRecord {
    pub reason: String,
    pub recalled_at: String,
    pub recalled_by: String,
    pub units_withdrawn: i64,
}

/// The officer's page of one lot: what it is, its recall (if made) and every order with goods
/// of it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecallCase {
    pub lot_id: String,
    pub lot_code: String,
    pub lot_path: String,
    pub status: String,
    pub product: Option<String>,
    pub producer_name: String,
    pub plot: Option<String>,
    pub commune: String,
    pub harvested_on: Option<NaiveDate>,
    pub recall: Option<RecallRecord>,
    pub orders: Vec<AffectedOrder>,
}

/// One line of the recall report for the authorities.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecallReportRow {
    pub lot_id: String,
    pub lot_code: String,
    pub product: Option<String>,
    pub producer: String,
    pub plot: Option<String>,
    pub commune: String,
    pub harvested_on: Option<NaiveDate>,
    pub reason: String,
    pub recalled_by: String,
    /// UTC, RFC 3339.
    pub recalled_at: String,
    pub units_withdrawn: i64,
    /// Units in the orders that reached (or will reach) buyers.
    pub units_sold: i64,
    /// Those orders, and their distinct buyers.
    pub orders: i64,
    pub buyers: i64,
}

/// Counts of a lot's affected orders for the report: (units sold, orders, buyers), over the
/// orders that reached (or will reach) their buyers.
pub fn reach(orders: &[AffectedOrder]) -> (i64, i64, i64) {
    let reached: Vec<&AffectedOrder> = orders.iter().filter(|o| o.reached_buyer).collect();
    let mut buyers: Vec<String> = reached.iter().map(|o| o.buyer_key()).collect();
    buyers.sort();
    buyers.dedup();
    (
        reached.iter().map(|o| o.quantity).sum(),
        reached.len() as i64,
        buyers.len() as i64,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reason_is_cleaned_and_bounded() {
        assert_eq!(
            clean_reason("  Dư lượng   thuốc \r\n\n  vượt mức  "),
            Ok("Dư lượng thuốc\nvượt mức".to_owned())
        );
        assert_eq!(clean_reason(""), Err(ReasonError::Empty));
        assert_eq!(clean_reason(" \n\t "), Err(ReasonError::Empty));
        // Only combining marks: nothing to read.
        assert_eq!(clean_reason("\u{0301}\u{0301}"), Err(ReasonError::Empty));
        assert_eq!(clean_reason("a\u{200B}b"), Err(ReasonError::Hidden));
        assert_eq!(
            clean_reason(&"ạ".repeat(MAX_REASON)).map(|r| r.chars().count()),
            Ok(MAX_REASON)
        );
        assert_eq!(
            clean_reason(&"ạ".repeat(MAX_REASON + 1)),
            Err(ReasonError::TooLong)
        );
    }

    #[test]
    fn who_has_the_goods() {
        for (status, shipped, reached) in [
            ("placed", false, true),
            ("confirmed", false, true),
            ("shipped", true, true),
            ("delivered", true, true),
            ("cancelled", false, false),
            ("returned", true, true),
            ("refunded", false, false),
            ("refunded", true, true),
        ] {
            assert_eq!(order_reached_buyer(status, shipped), reached, "{status}");
        }
    }

    fn order(
        no: &str,
        user: Option<&str>,
        phone: &str,
        quantity: i64,
        reached: bool,
    ) -> AffectedOrder {
        AffectedOrder {
            order_no: no.into(),
            status: "delivered".into(),
            buyer_name: "Hoa".into(),
            phone: phone.into(),
            email: None,
            address: "Hưng Yên".into(),
            quantity,
            placed_at: "2026-12-01T00:00:00Z".into(),
            reached_buyer: reached,
            buyer_user_id: user.map(str::to_owned),
        }
    }

    #[test]
    fn the_report_counts_those_who_got_the_goods() {
        let orders = [
            order("DH1", Some("u1"), "+84912000001", 2, true),
            order("DH2", Some("u1"), "+84912000001", 3, true),
            order("DH3", None, "+84912000002", 1, true),
            // The same phone as a guest is another buyer than the account.
            order("DH4", None, "+84912000001", 4, true),
            order("DH5", Some("u2"), "+84912000003", 7, false),
        ];
        assert_eq!(reach(&orders), (10, 4, 3));
        assert_eq!(reach(&[]), (0, 0, 0));
    }
}
