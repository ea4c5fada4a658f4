//! Reports for commune officers and administrators: sales per month, commune and product (the
//! producer's commune decides where a sale belongs), and OCOP products by stars and standing.
//! Cancelled, refunded and returned orders do not count; an order counts in the Vietnam month it was
//! placed.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use sqlx::FromRow;

use crate::{
    db::{Db, decode},
    domain::{
        money::Vnd,
        time::{db_timestamp, vietnam_date},
    },
    officer::{
        model::{ReportLine, SalesReport, StarsCount},
        rules::ocop::Standing,
    },
    seller::model::SalesRow,
};

/// The first day of the month of `day`.
pub fn month_start(day: NaiveDate) -> NaiveDate {
    day.with_day(1).unwrap_or(day)
}

/// The report's months: `from` and `to` as YYYY-MM (inclusive); by default the last 12 months.
/// Returns the first day of the first month and the last day of the last.
pub fn period(from: &str, to: &str, today: NaiveDate) -> (NaiveDate, NaiveDate) {
    let parse = |t: &str| NaiveDate::parse_from_str(&format!("{}-01", t.trim()), "%Y-%m-%d").ok();
    let last_month = parse(to).unwrap_or(month_start(today));
    let first = parse(from)
        .filter(|f| *f <= last_month && (last_month - *f).num_days() <= 366 * 3)
        .unwrap_or_else(|| {
            last_month
                .checked_sub_months(chrono::Months::new(11))
                .unwrap_or(last_month)
        });
    let end = last_month
        .checked_add_months(chrono::Months::new(1))
        .and_then(|d| d.pred_opt())
        .unwrap_or(last_month);
    (first, end)
}

/// The UTC instant a Vietnam calendar day starts.
fn day_start_utc(day: NaiveDate) -> String {
    let local = day.and_hms_opt(0, 0, 0).unwrap_or_default() - chrono::Duration::hours(7);
    db_timestamp(DateTime::<Utc>::from_naive_utc_and_offset(local, Utc))
}

#[derive(FromRow)]
struct LineRow {
    order_id: String,
    created_at: String,
    commune: String,
    product: String,
    quantity: i64,
    line_total: i64,
}

#[derive(Default)]
struct Tally {
    orders: std::collections::BTreeSet<String>,
    units: i64,
    revenue: i64,
}

impl Tally {
    fn add(&mut self, line: &LineRow) {
        self.orders.insert(line.order_id.clone());
        self.units += line.quantity;
        self.revenue += line.line_total;
    }

    fn row(self, label: String) -> SalesRow {
        SalesRow {
            label,
            orders: self.orders.len() as i64,
            units: self.units,
            revenue: Vnd::new(self.revenue).unwrap_or_default(),
        }
    }
}

/// [`sales_report`]'s statement for that many communes (`None`: all).
fn sales_report_sql(scope: Option<usize>) -> String {
    let scope_sql = match scope {
        None => String::new(),
        Some(0) => "AND 1 = 0".to_owned(),
        Some(n) => format!("AND pr.commune_id IN ({})", crate::db::placeholders(3, n)),
    };
    format!(
        "SELECT o.id AS order_id, o.created_at, c.name AS commune, l.product_name AS product,
                l.quantity, l.line_total_vnd AS line_total
           FROM orders o
           JOIN order_lines l ON l.order_id = o.id
           JOIN producers pr ON pr.id = o.producer_id
           JOIN communes c ON c.id = pr.commune_id
          WHERE o.status NOT IN ('cancelled', 'refunded', 'returned')
            AND o.created_at >= $1 AND o.created_at < $2 {scope_sql}
          ORDER BY o.created_at, o.id"
    )
}

/// The module's statements built at run time, for every scope shape (all, none, one, two).
pub(crate) fn rendered_statements() -> Vec<(String, String)> {
    [None, Some(0), Some(1), Some(2)]
        .into_iter()
        .map(|scope| {
            (
                format!("sales_report_sql({scope:?})"),
                sales_report_sql(scope),
            )
        })
        .collect()
}

/// Sales between `from` and `to` (Vietnam dates, inclusive) in these communes (all when
/// `None`), and the OCOP products of those communes by stars on `today`.
#[tracing::instrument(skip_all, fields(?scope, %from, %to))]
pub async fn sales_report(
    db: &Db,
    scope: Option<&[String]>,
    from: NaiveDate,
    to: NaiveDate,
    today: NaiveDate,
) -> Result<SalesReport, sqlx::Error> {
    let sql = sales_report_sql(scope.map(<[String]>::len));
    let end = to.succ_opt().unwrap_or(to);
    let mut query = sqlx::query_as::<_, LineRow>(&sql)
        .bind(day_start_utc(from))
        .bind(day_start_utc(end));
    for id in scope.unwrap_or_default() {
        query = query.bind(id);
    }
    let lines = query.fetch_all(db.pool()).await?;

    // Every month of the period appears, sales or not.
    let mut months: BTreeMap<String, Tally> = BTreeMap::new();
    let mut month = month_start(from);
    while month <= to {
        months.insert(month.format("%Y-%m").to_string(), Tally::default());
        month = month
            .checked_add_months(chrono::Months::new(1))
            .unwrap_or(NaiveDate::MAX);
    }
    let mut communes: BTreeMap<String, Tally> = BTreeMap::new();
    let mut products: BTreeMap<String, Tally> = BTreeMap::new();
    let mut detail: BTreeMap<(String, String, String), Tally> = BTreeMap::new();
    let mut total = Tally::default();
    for line in &lines {
        let at = decode::timestamp("orders.created_at", &line.order_id, &line.created_at)?;
        // Checked, not only summed: a bad line fails the report instead of skewing it.
        decode::vnd(
            "order_lines.line_total_vnd",
            &line.order_id,
            line.line_total,
        )?;
        let month = vietnam_date(at).format("%Y-%m").to_string();
        months.entry(month.clone()).or_default().add(line);
        communes.entry(line.commune.clone()).or_default().add(line);
        products.entry(line.product.clone()).or_default().add(line);
        detail
            .entry((month, line.commune.clone(), line.product.clone()))
            .or_default()
            .add(line);
        total.add(line);
    }
    let by_revenue = |map: BTreeMap<String, Tally>| {
        let mut rows: Vec<SalesRow> = map.into_iter().map(|(k, t)| t.row(k)).collect();
        rows.sort_by(|a, b| b.revenue.cmp(&a.revenue).then(a.label.cmp(&b.label)));
        rows
    };
    let lines = detail
        .into_iter()
        .map(|((month, commune, product), t)| {
            let row = t.row(String::new());
            ReportLine {
                month,
                commune,
                product,
                orders: row.orders,
                units: row.units,
                revenue: row.revenue,
            }
        })
        .collect();

    let mut stars: BTreeMap<u8, StarsCount> = BTreeMap::new();
    for c in crate::officer::storage::certificates::of_communes(db, scope, today).await? {
        let s = stars.entry(c.stars).or_insert_with(|| StarsCount {
            stars: c.stars,
            ..Default::default()
        });
        match c.standing {
            Standing::Valid => s.in_force += 1,
            Standing::ExpiringSoon { .. } => {
                s.in_force += 1;
                s.expiring += 1;
            }
            Standing::Expired => s.expired += 1,
            Standing::NotYetValid => {}
        }
    }
    let total = total.row(String::new());
    Ok(SalesReport {
        from,
        to,
        months: months.into_iter().map(|(k, t)| t.row(k)).collect(),
        communes: by_revenue(communes),
        products: by_revenue(products),
        lines,
        orders: total.orders,
        revenue: total.revenue,
        ocop: stars.into_values().rev().collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_period_is_the_last_twelve_months() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 27).unwrap();
        let (from, to) = period("", "", today);
        assert_eq!(from, NaiveDate::from_ymd_opt(2025, 12, 1).unwrap());
        assert_eq!(to, NaiveDate::from_ymd_opt(2026, 11, 30).unwrap());
        let (from, to) = period("2026-02", "2026-02", today);
        assert_eq!((from.day(), to.day()), (1, 28));
        let (from, _) = period("2027-01", "2026-02", today);
        assert_eq!(
            from,
            NaiveDate::from_ymd_opt(2025, 3, 1).unwrap(),
            "a start after the end is ignored"
        );
    }
}
