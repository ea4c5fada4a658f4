//! Cash on delivery reconciliation: for each cash-on-delivery order a carrier carried, the cash
//! it was to collect against what it reports collected. The check is pure and tested here;
//! `cod_storage` reads the rows, `cod_page` shows them, the server's `cod_csv` downloads them.

use serde::{Deserialize, Serialize};

use crate::shop::rules::order::OrderStatus;

/// Where one order's cash stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum CodCheck {
    /// Still on its way: nothing to compare yet.
    InTransit,
    /// Delivered and the carrier reported exactly what it was to collect.
    Matches,
    /// The carrier reported a different amount: collected minus expected (dong).
    Differs(i64),
    /// Delivered, but the carrier has not reported what it collected.
    NotReported,
    /// The parcel came back: nothing was to be collected.
    Returned,
}

impl CodCheck {
    /// A row the producer should look at: money missing or unexplained.
    pub fn stands_out(self) -> bool {
        matches!(self, CodCheck::Differs(_) | CodCheck::NotReported)
    }

    /// Collected minus expected, once there is something to compare.
    pub fn difference(self) -> Option<i64> {
        match self {
            CodCheck::Matches => Some(0),
            CodCheck::Differs(d) => Some(d),
            _ => None,
        }
    }
}

/// What the carrier owes for an order: the cash on its waybill once delivered, nothing for a
/// parcel that came back.
pub fn expected(status: OrderStatus, cod_amount: i64) -> i64 {
    match status {
        OrderStatus::Returned | OrderStatus::Cancelled | OrderStatus::Refunded => 0,
        _ => cod_amount,
    }
}

/// Compares what the carrier was to collect with what it reported.
pub fn check(status: OrderStatus, cod_amount: i64, collected: Option<i64>) -> CodCheck {
    let owed = expected(status, cod_amount);
    match (status, collected) {
        (OrderStatus::Returned, None | Some(0)) => CodCheck::Returned,
        (_, Some(c)) if c == owed => CodCheck::Matches,
        (_, Some(c)) => CodCheck::Differs(c - owed),
        (OrderStatus::Delivered, None) => CodCheck::NotReported,
        (_, None) => CodCheck::InTransit,
    }
}

/// One order in the reconciliation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodRow {
    pub order_no: String,
    /// "ghn" or "ghtk".
    pub carrier: String,
    pub tracking_no: String,
    pub status: OrderStatus,
    /// When the waybill was made (RFC 3339, UTC).
    pub sent_at: String,
    pub expected: i64,
    pub collected: Option<i64>,
    pub check: CodCheck,
}

/// The reconciliation of a period (Vietnam dates, inclusive, by the waybill's day).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodReport {
    pub from: chrono::NaiveDate,
    pub to: chrono::NaiveDate,
    pub rows: Vec<CodRow>,
    pub expected: i64,
    pub collected: i64,
    /// Collected minus expected over the rows that can be compared.
    pub difference: i64,
    /// Rows that stand out.
    pub flagged: usize,
}

impl CodReport {
    pub fn new(from: chrono::NaiveDate, to: chrono::NaiveDate, rows: Vec<CodRow>) -> Self {
        CodReport {
            from,
            to,
            expected: rows.iter().map(|r| r.expected).sum(),
            collected: rows.iter().filter_map(|r| r.collected).sum(),
            difference: rows.iter().filter_map(|r| r.check.difference()).sum(),
            flagged: rows.iter().filter(|r| r.check.stands_out()).count(),
            rows,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_status_and_report_is_checked() {
        use OrderStatus::*;
        let cases = [
            (Confirmed, None, CodCheck::InTransit),
            (Shipped, None, CodCheck::InTransit),
            (Delivered, None, CodCheck::NotReported),
            (Delivered, Some(300_000), CodCheck::Matches),
            (Delivered, Some(290_000), CodCheck::Differs(-10_000)),
            (Shipped, Some(300_000), CodCheck::Matches),
            (Returned, None, CodCheck::Returned),
            (Returned, Some(0), CodCheck::Returned),
            (Returned, Some(300_000), CodCheck::Differs(300_000)),
        ];
        for (status, collected, want) in cases {
            assert_eq!(
                check(status, 300_000, collected),
                want,
                "{status} {collected:?}"
            );
        }
        assert!(CodCheck::NotReported.stands_out() && CodCheck::Differs(1).stands_out());
        assert!(!CodCheck::Matches.stands_out() && !CodCheck::InTransit.stands_out());
    }

    #[test]
    fn totals_add_up_the_rows() {
        let day = chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        let row = |status, collected| CodRow {
            order_no: "DH1".into(),
            carrier: "ghtk".into(),
            tracking_no: "S1".into(),
            status,
            sent_at: String::new(),
            expected: expected(status, 100),
            collected,
            check: check(status, 100, collected),
        };
        let r = CodReport::new(
            day,
            day,
            vec![
                row(OrderStatus::Delivered, Some(100)),
                row(OrderStatus::Delivered, Some(90)),
                row(OrderStatus::Delivered, None),
                row(OrderStatus::Returned, None),
                row(OrderStatus::Shipped, None),
            ],
        );
        assert_eq!(
            (r.expected, r.collected, r.difference, r.flagged),
            (400, 190, -10, 2)
        );
    }
}
