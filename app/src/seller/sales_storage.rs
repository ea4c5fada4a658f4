//! A producer's sales over a season: orders and revenue per week and per product. Cancelled and
//! refunded orders (and parcels returned) do not count; an order counts on the day (Vietnam time) it was placed.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, Days, NaiveDate, Utc};

use crate::{
    db::{Db, decode},
    domain::{money::Vnd, time::vietnam_date},
    seller::model::{SalesRow, SalesSummary},
};

/// The UTC instant a Vietnam calendar day starts.
pub(crate) fn day_start_utc(day: NaiveDate) -> String {
    let local = day.and_hms_opt(0, 0, 0).unwrap_or_default();
    let utc = local - chrono::Duration::hours(7);
    crate::domain::time::db_timestamp(DateTime::<Utc>::from_naive_utc_and_offset(utc, Utc))
}

pub fn monday_of(day: NaiveDate) -> NaiveDate {
    day - Days::new(u64::from(day.weekday().num_days_from_monday()))
}

#[tracing::instrument(skip_all, fields(?producer_ids, %from, %to))]
pub async fn summary(
    db: &Db,
    producer_ids: &[&str],
    from: NaiveDate,
    to: NaiveDate,
) -> Result<SalesSummary, sqlx::Error> {
    let end = to.succ_opt().unwrap_or(to);
    let mut lines: Vec<(String, String, i64, String, i64, i64)> = vec![];
    for producer in producer_ids {
        let rows: Vec<(String, String, i64, String, i64, i64)> = sqlx::query_as(SUMMARY)
            .bind(producer)
            .bind(day_start_utc(from))
            .bind(day_start_utc(end))
            .fetch_all(db.pool())
            .await?;
        lines.extend(rows);
    }
    // Every week of the season appears, sales or not, so the chart's gaps are real gaps.
    let mut weeks: BTreeMap<NaiveDate, (std::collections::BTreeSet<String>, i64, i64)> =
        BTreeMap::new();
    let mut week = monday_of(from);
    while week <= to {
        weeks.insert(week, Default::default());
        week = week + Days::new(7);
    }
    let mut products: BTreeMap<String, (std::collections::BTreeSet<String>, i64, i64)> =
        BTreeMap::new();
    let mut orders = std::collections::BTreeSet::new();
    let mut revenue = 0i64;
    for (order_id, created_at, _, product, quantity, line_total) in &lines {
        let at = decode::timestamp("orders.created_at", order_id, created_at)?;
        // Checked, not only summed: a bad line fails the summary instead of skewing it.
        decode::vnd("order_lines.line_total_vnd", order_id, *line_total)?;
        let day = vietnam_date(at);
        let w = weeks.entry(monday_of(day)).or_default();
        w.0.insert(order_id.clone());
        w.1 += quantity;
        w.2 += line_total;
        let p = products.entry(product.clone()).or_default();
        p.0.insert(order_id.clone());
        p.1 += quantity;
        p.2 += line_total;
        orders.insert(order_id.clone());
        revenue += line_total;
    }
    let row = |label: String,
               (ids, units, money): (std::collections::BTreeSet<String>, i64, i64)| {
        SalesRow {
            label,
            orders: ids.len() as i64,
            units,
            revenue: Vnd::new(money).unwrap_or(Vnd::ZERO),
        }
    };
    let mut products: Vec<SalesRow> = products.into_iter().map(|(k, v)| row(k, v)).collect();
    products.sort_by(|a, b| b.revenue.cmp(&a.revenue).then(a.label.cmp(&b.label)));
    Ok(SalesSummary {
        from,
        to,
        weeks: weeks
            .into_iter()
            .map(|(k, v)| row(k.to_string(), v))
            .collect(),
        products,
        orders: orders.len() as i64,
        revenue: Vnd::new(revenue).unwrap_or(Vnd::ZERO),
    })
}

// The module's SQL, each statement prepared on both engines by the `sql` integration test.
crate::db::statements! {
    /// `summary`.
    SUMMARY = "SELECT o.id, o.created_at, o.total_vnd, l.product_name, l.quantity, l.line_total_vnd
        FROM orders o JOIN order_lines l ON l.order_id = o.id
        WHERE o.producer_id = $1 AND o.status NOT IN ('cancelled', 'refunded', 'returned')
          AND o.created_at >= $2 AND o.created_at < $3
        ORDER BY o.created_at, o.id";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weeks_start_on_monday_and_days_in_vietnam_time() {
        let thu = NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
        assert_eq!(
            monday_of(thu),
            NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
        );
        assert_eq!(
            monday_of(NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()),
            NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
        );
        assert_eq!(day_start_utc(thu), "2026-11-25T17:00:00.000Z");
    }
}
