//! The rows of the cash on delivery reconciliation (see `seller::cod`).

use chrono::NaiveDate;

use crate::{
    db::{Db, decode},
    seller::{
        cod::{CodReport, CodRow, check, expected},
        sales_storage::day_start_utc,
    },
    shop::rules::order::OrderStatus,
};

/// The cash-on-delivery orders of these producers sent by a carrier between `from` and `to`
/// (Vietnam dates, inclusive, by the waybill's day), oldest first.
#[tracing::instrument(skip_all, fields(?producer_ids, %from, %to))]
pub async fn report(
    db: &Db,
    producer_ids: &[&str],
    from: NaiveDate,
    to: NaiveDate,
) -> Result<CodReport, sqlx::Error> {
    let end = to.succ_opt().unwrap_or(to);
    type Row = (
        String,
        String,
        String,
        String,
        String,
        Option<i64>,
        Option<i64>,
    );
    let mut rows = vec![];
    for producer in producer_ids {
        let found: Vec<Row> = sqlx::query_as(REPORT)
            .bind(producer)
            .bind(day_start_utc(from))
            .bind(day_start_utc(end))
            .fetch_all(db.pool())
            .await?;
        for (order_no, carrier, tracking_no, status, sent_at, cod, collected) in found {
            let status =
                decode::text_enum("orders.status", &order_no, &status, OrderStatus::parse)?;
            let cod = cod.unwrap_or_default();
            rows.push(CodRow {
                expected: expected(status, cod),
                check: check(status, cod, collected),
                order_no,
                carrier,
                tracking_no,
                status,
                sent_at,
                collected,
            });
        }
    }
    rows.sort_by(|a, b| a.sent_at.cmp(&b.sent_at).then(a.order_no.cmp(&b.order_no)));
    Ok(CodReport::new(from, to, rows))
}

// The module's SQL, each statement prepared on both engines by the `sql` integration test.
crate::db::statements! {
    /// `report`: waybills made here (`waybill_at`), cash on delivery only.
    REPORT = "SELECT order_no, carrier, tracking_no, status, waybill_at, cod_amount_vnd, cod_collected_vnd
        FROM orders
        WHERE producer_id = $1 AND payment_method = 'cod' AND waybill_at IS NOT NULL
          AND waybill_at >= $2 AND waybill_at < $3
        ORDER BY waybill_at, order_no";
}
