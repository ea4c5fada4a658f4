//! Recalls in the database: the recall's one transaction (stock, lot, record, search, audit,
//! notices), and the reads of the banners, the officer's pages and the report.
//!
//! Which orders a lot reaches: a line's lots are its `order_line_lots` rows when it has any
//! (checkout splits a line across lots), otherwise the line's own `lot_id` (older orders) for
//! the whole line.

use chrono::Utc;
use serde_json::json;
use sqlx::{Any, AnyConnection, FromRow, Transaction};

use super::{
    AffectedOrder, LotRecall, ReasonError, RecallCase, RecallRecord, RecallReportRow, RecalledLine,
    clean_reason, order_reached_buyer, reach,
};
use crate::{
    db::{
        Db,
        audit::{self, AuditEntry},
        decode,
        locks::{Row, Stamp, lock_row},
    },
    diary::{
        rules::{LotEvent, LotStatus, LotTransitionError},
        storage::lot_address,
    },
    domain::time::{db_timestamp, vietnam_date},
    i18n::Locale,
    notify::{
        rules::Notice,
        storage::{Recipient, notify_in},
    },
};

/// Why a recall was refused.
#[derive(Debug, thiserror::Error)]
pub enum RecallError {
    #[error("no such lot")]
    NotFound,
    #[error(transparent)]
    Reason(#[from] ReasonError),
    #[error("the lot is already recalled")]
    AlreadyRecalled,
    #[error("the lot's harvest is not recorded yet")]
    NotHarvested,
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
}

/// What a recall did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Recalled {
    pub units_withdrawn: i64,
    /// Orders whose buyer was notified.
    pub orders_notified: usize,
    /// UTC, RFC 3339.
    pub recalled_at: String,
}

/// Who may recall a lot: its producer, and the commune it grows in (its plot's, else its
/// producer's); with the lot's status. `None`: no such lot.
#[tracing::instrument(skip_all, fields(lot_id = %lot_id))]
pub async fn parties(
    db: &Db,
    lot_id: &str,
) -> Result<Option<(String, String, String)>, sqlx::Error> {
    sqlx::query_as(PARTIES)
        .bind(lot_id)
        .fetch_optional(db.pool())
        .await
}

/// Recalls a lot for `reason`, as `user_id` (whom the caller has authorised). One transaction:
/// the variant row is locked, then the lot; the units still for sale (at most the variant's
/// stock) leave the stock; the lot becomes `recalled` with no units left; the recall is
/// recorded; the product is queued for the search index; the buyers are notified; the audit
/// log says who did it. A lot already recalled is refused and nothing changes.
#[tracing::instrument(skip_all, fields(user_id = %user_id, lot_id = %lot_id))]
pub async fn recall_lot(
    db: &Db,
    user_id: &str,
    lot_id: &str,
    reason: &str,
    ip: Option<&str>,
) -> Result<Recalled, RecallError> {
    let reason = clean_reason(reason)?;
    let now = db_timestamp(Utc::now());
    audit::with_audit(
        db,
        async |tx| recall_in(tx, lot_id, user_id, &reason, &now).await,
        |done| {
            Some(AuditEntry {
                actor_user_id: Some(user_id),
                action: "lot.recall",
                subject_type: "harvest_lot",
                subject_id: lot_id,
                details: json!({
                    "reason": reason,
                    "units_withdrawn": done.units_withdrawn,
                    "orders_notified": done.orders_notified,
                }),
                ip,
            })
        },
    )
    .await
}

/// The recall itself, inside the caller's write transaction.
async fn recall_in(
    tx: &mut Transaction<'_, Any>,
    lot_id: &str,
    user_id: &str,
    reason: &str,
    now: &str,
) -> Result<Recalled, RecallError> {
    // The lot's variant never changes once the lot exists: read it to lock the variant first.
    let (variant_id,): (Option<String>,) = sqlx::query_as(LOT_VARIANT)
        .bind(lot_id)
        .fetch_optional(&mut **tx)
        .await?
        .ok_or(RecallError::NotFound)?;
    let stock = match variant_id.as_deref() {
        Some(variant) => {
            lock_row(tx, Row::Variant(variant), Stamp::Unchanged).await?;
            sqlx::query_scalar::<_, i64>(VARIANT_STOCK)
                .bind(variant)
                .fetch_one(&mut **tx)
                .await?
        }
        None => 0,
    };
    if !lock_row(tx, Row::Lot(lot_id), Stamp::Unchanged).await? {
        return Err(RecallError::NotFound);
    }
    let (status, units_left, lot_code): (String, Option<i64>, String) = sqlx::query_as(LOT_STATE)
        .bind(lot_id)
        .fetch_one(&mut **tx)
        .await?;
    let status = decode::text_enum("harvest_lots.status", lot_id, &status, LotStatus::parse)?;
    match status.after(LotEvent::Recall) {
        Ok(_) => {}
        Err(LotTransitionError::Recalled) => return Err(RecallError::AlreadyRecalled),
        Err(LotTransitionError::NotHarvested | LotTransitionError::NotApplicable(_)) => {
            return Err(RecallError::NotHarvested);
        }
    }
    let units_withdrawn = units_left.unwrap_or(0).min(stock).max(0);
    sqlx::query(INSERT_RECALL)
        .bind(lot_id)
        .bind(reason)
        .bind(user_id)
        .bind(units_withdrawn)
        .bind(now)
        .execute(&mut **tx)
        .await?;
    if let Some(variant) = variant_id.as_deref() {
        if units_withdrawn > 0 {
            sqlx::query(WITHDRAW_STOCK)
                .bind(units_withdrawn)
                .bind(now)
                .bind(variant)
                .execute(&mut **tx)
                .await?;
        }
        crate::search::sync::queue_variants(tx, &[variant]).await?;
    }
    sqlx::query(MARK_RECALLED)
        .bind(now)
        .bind(lot_id)
        .execute(&mut **tx)
        .await?;
    let orders = affected_rows(tx, lot_id).await?;
    let mut orders_notified = 0;
    for o in orders.iter().filter(|o| o.reached()) {
        let notice = Notice::LotRecalled {
            order_no: o.order_no.clone(),
            lot_code: lot_code.clone(),
            product: o.product_name.clone(),
            reason: reason.to_owned(),
        };
        // One event per lot and order: a buyer hears once of each order the lot reached.
        let event = format!("{}:{lot_id}:{}", notice.kind().as_str(), o.id);
        let to = match o.buyer_user_id.as_deref() {
            Some(user) => Recipient::User(user),
            None => {
                let locale = Locale::from_code(&o.locale).ok_or_else(|| {
                    decode::bad_value("checkouts.locale", &o.id, &o.locale, "not a language")
                })?;
                Recipient::Phone(&o.contact_phone, locale)
            }
        };
        notify_in(tx, &event, to, &notice, now).await?;
        orders_notified += 1;
    }
    Ok(Recalled {
        units_withdrawn,
        orders_notified,
        recalled_at: now.to_owned(),
    })
}

/// An order with goods of a lot, as stored.
#[derive(FromRow)]
struct AffectedRow {
    id: String,
    order_no: String,
    status: String,
    buyer_user_id: Option<String>,
    contact_name: String,
    contact_phone: String,
    email: Option<String>,
    street: String,
    commune_name: String,
    province_name: String,
    locale: String,
    created_at: String,
    quantity: i64,
    product_name: String,
    shipped: i64,
}

impl AffectedRow {
    fn reached(&self) -> bool {
        order_reached_buyer(&self.status, self.shipped != 0)
    }

    fn view(self) -> AffectedOrder {
        AffectedOrder {
            reached_buyer: self.reached(),
            address: format!(
                "{}, {}, {}",
                self.street, self.commune_name, self.province_name
            ),
            order_no: self.order_no,
            status: self.status,
            buyer_name: self.contact_name,
            phone: self.contact_phone,
            email: self.email,
            quantity: self.quantity,
            placed_at: self.created_at,
            buyer_user_id: self.buyer_user_id,
        }
    }
}

async fn affected_rows(
    conn: &mut AnyConnection,
    lot_id: &str,
) -> Result<Vec<AffectedRow>, sqlx::Error> {
    sqlx::query_as(AFFECTED_ORDERS)
        .bind(lot_id)
        .fetch_all(conn)
        .await
}

/// Every order with goods of the lot, oldest first, whatever its status.
pub async fn affected_orders(
    conn: &mut AnyConnection,
    lot_id: &str,
) -> Result<Vec<AffectedOrder>, sqlx::Error> {
    Ok(affected_rows(conn, lot_id)
        .await?
        .into_iter()
        .map(AffectedRow::view)
        .collect())
}

/// The recall of a lot as its public page shows it; `None` when it was not recalled.
pub async fn lot_recall(
    conn: &mut AnyConnection,
    lot_id: &str,
) -> Result<Option<LotRecall>, sqlx::Error> {
    let row: Option<(String, String, String, Option<String>)> = sqlx::query_as(LOT_RECALL)
        .bind(lot_id)
        .fetch_optional(conn)
        .await?;
    row.map(|(reason, recalled_at, producer_name, producer_phone)| {
        let at = decode::timestamp("lot_recalls.recalled_at", lot_id, &recalled_at)?;
        Ok(LotRecall {
            reason,
            recalled_on: vietnam_date(at),
            recalled_at,
            producer_name,
            producer_phone,
        })
    })
    .transpose()
}

/// The lines of an order with goods of a recalled lot.
#[tracing::instrument(skip_all, fields(order_no = %order_no))]
pub async fn order_recalls(db: &Db, order_no: &str) -> Result<Vec<RecalledLine>, sqlx::Error> {
    type Row = (
        String,
        String,
        i64,
        String,
        String,
        Option<String>,
        String,
        String,
        String,
        Option<String>,
    );
    let rows: Vec<Row> = sqlx::query_as(ORDER_RECALLS)
        .bind(order_no)
        .fetch_all(db.pool())
        .await?;
    rows.into_iter()
        .map(
            |(
                product_name,
                variant_label,
                quantity,
                lot_id,
                lot_code,
                gtin,
                reason,
                recalled_at,
                producer_name,
                producer_phone,
            )| {
                let at = decode::timestamp("lot_recalls.recalled_at", &lot_id, &recalled_at)?;
                Ok(RecalledLine {
                    product_name,
                    variant_label,
                    quantity,
                    lot_path: lot_address(&lot_id, &lot_code, gtin.as_deref()),
                    lot_code,
                    reason,
                    recalled_on: vietnam_date(at),
                    producer_name,
                    producer_phone,
                })
            },
        )
        .collect()
}

/// A lot with its recall (if any), as the officer's pages and the report read it.
#[derive(FromRow)]
struct CaseRow {
    id: String,
    lot_code: String,
    status: String,
    harvested_on: Option<String>,
    gtin: Option<String>,
    product_vi: Option<String>,
    product_en: Option<String>,
    producer_name: String,
    plot_name: Option<String>,
    commune_id: String,
    commune_name: String,
    reason: Option<String>,
    recalled_at: Option<String>,
    recalled_by: Option<String>,
    units_withdrawn: Option<i64>,
}

impl CaseRow {
    fn product(&self, locale: Locale) -> Option<String> {
        self.product_vi.as_deref().map(|vi| {
            locale
                .pick(vi, self.product_en.as_deref().unwrap_or_default())
                .to_owned()
        })
    }

    fn harvested(&self) -> Result<Option<chrono::NaiveDate>, sqlx::Error> {
        self.harvested_on
            .as_deref()
            .map(|d| decode::date("harvest_lots.harvested_on", &self.id, d))
            .transpose()
    }
}

/// A lot's recall case for the officer: the lot, its recall and every order with goods of it;
/// with the commune it grows in (for the caller's check). `None`: no such lot.
#[tracing::instrument(skip_all, fields(lot_id = %lot_id))]
pub async fn recall_case(
    db: &Db,
    lot_id: &str,
    locale: Locale,
) -> Result<Option<(String, RecallCase)>, sqlx::Error> {
    let mut conn = db.pool().acquire().await?;
    let Some(r) = sqlx::query_as::<_, CaseRow>(RECALL_CASE)
        .bind(lot_id)
        .fetch_optional(&mut *conn)
        .await?
    else {
        return Ok(None);
    };
    let orders = affected_orders(&mut conn, lot_id).await?;
    let recall = match (&r.reason, &r.recalled_at, &r.recalled_by) {
        (Some(reason), Some(at), Some(by)) => Some(RecallRecord {
            reason: reason.clone(),
            recalled_at: at.clone(),
            recalled_by: by.clone(),
            units_withdrawn: r.units_withdrawn.unwrap_or(0),
        }),
        _ => None,
    };
    Ok(Some((
        r.commune_id.clone(),
        RecallCase {
            lot_path: lot_address(&r.id, &r.lot_code, r.gtin.as_deref()),
            product: r.product(locale),
            harvested_on: r.harvested()?,
            lot_id: r.id,
            lot_code: r.lot_code,
            status: r.status,
            producer_name: r.producer_name,
            plot: r.plot_name,
            commune: r.commune_name,
            recall,
            orders,
        },
    )))
}

/// The recalls in these communes (every commune for `None`), newest first, with what they
/// reached.
#[tracing::instrument(skip_all, fields(?communes))]
pub async fn report(
    db: &Db,
    communes: Option<&[String]>,
    locale: Locale,
) -> Result<Vec<RecallReportRow>, sqlx::Error> {
    let mut conn = db.pool().acquire().await?;
    let rows: Vec<CaseRow> = sqlx::query_as(REPORT).fetch_all(&mut *conn).await?;
    let mut out = Vec::new();
    for r in rows {
        if communes.is_some_and(|cs| !cs.contains(&r.commune_id)) {
            continue;
        }
        let orders = affected_orders(&mut conn, &r.id).await?;
        let (units_sold, orders, buyers) = reach(&orders);
        out.push(RecallReportRow {
            product: r.product(locale),
            harvested_on: r.harvested()?,
            lot_id: r.id,
            lot_code: r.lot_code,
            producer: r.producer_name,
            plot: r.plot_name,
            commune: r.commune_name,
            reason: r.reason.unwrap_or_default(),
            recalled_by: r.recalled_by.unwrap_or_default(),
            recalled_at: r.recalled_at.unwrap_or_default(),
            units_withdrawn: r.units_withdrawn.unwrap_or(0),
            units_sold,
            orders,
            buyers,
        });
    }
    Ok(out)
}

/// The lot, its product and producer, its plot and commune, and its recall if any.
const CASE_SELECT: &str = "SELECT l.id, l.lot_code, l.status, l.harvested_on, p.gtin,
              p.name_vi AS product_vi, p.name_en AS product_en, pr.name AS producer_name,
              pl.name AS plot_name, COALESCE(pl.commune_id, pr.commune_id) AS commune_id,
              COALESCE(pc.name, c.name) AS commune_name,
              r.reason, r.recalled_at, u.display_name AS recalled_by, r.units_withdrawn";

/// Its joins, from `harvest_lots l`.
const CASE_JOINS: &str = "
         JOIN producers pr ON pr.id = l.producer_id
         JOIN communes c ON c.id = pr.commune_id
         LEFT JOIN plots pl ON pl.id = l.plot_id
         LEFT JOIN communes pc ON pc.id = pl.commune_id
         LEFT JOIN product_variants v ON v.id = l.variant_id
         LEFT JOIN products p ON p.id = v.product_id";

// The module's SQL, each statement prepared on both engines by the `sql` integration test.
crate::db::statements! {
    /// `parties`.
    PARTIES = "SELECT l.producer_id, COALESCE(pl.commune_id, pr.commune_id), l.status
         FROM harvest_lots l
         JOIN producers pr ON pr.id = l.producer_id
         LEFT JOIN plots pl ON pl.id = l.plot_id
        WHERE l.id = $1";
    /// `recall_in`: the variant to lock first.
    LOT_VARIANT = "SELECT variant_id FROM harvest_lots WHERE id = $1";
    /// `recall_in`, under the variant's lock.
    VARIANT_STOCK = "SELECT stock FROM product_variants WHERE id = $1";
    /// `recall_in`, under the lot's lock.
    LOT_STATE = "SELECT status, units_left, lot_code FROM harvest_lots WHERE id = $1";
    /// `recall_in`: the record, kept for good.
    INSERT_RECALL = "INSERT INTO lot_recalls (lot_id, reason, recalled_by, units_withdrawn, recalled_at)
        VALUES ($1, $2, $3, $4, $5)";
    /// `recall_in`: the units still for sale leave the stock.
    WITHDRAW_STOCK = "UPDATE product_variants SET stock = stock - $1, updated_at = $2 WHERE id = $3";
    /// `recall_in`.
    MARK_RECALLED = "UPDATE harvest_lots SET status = 'recalled', units_left = 0, updated_at = $1
        WHERE id = $2";
    /// `affected_orders`: every order with a line from the lot, with the units from it.
    AFFECTED_ORDERS = "SELECT o.id, o.order_no, o.status, o.buyer_user_id, c.contact_name, c.contact_phone,
              u.email, c.street, c.commune_name, c.province_name, c.locale, o.created_at,
              CAST(SUM(COALESCE(oll.quantity, ol.quantity)) AS BIGINT) AS quantity,
              MIN(ol.product_name) AS product_name,
              CASE WHEN EXISTS (SELECT 1 FROM order_status_history h
                                 WHERE h.order_id = o.id AND h.to_status = 'shipped')
                   THEN 1 ELSE 0 END AS shipped
         FROM order_lines ol
         JOIN orders o ON o.id = ol.order_id
         JOIN checkouts c ON c.id = o.checkout_id
         LEFT JOIN users u ON u.id = o.buyer_user_id
         LEFT JOIN order_line_lots oll ON oll.order_line_id = ol.id AND oll.lot_id = $1
        WHERE oll.lot_id IS NOT NULL
           OR (ol.lot_id = $1
               AND NOT EXISTS (SELECT 1 FROM order_line_lots x WHERE x.order_line_id = ol.id))
        GROUP BY o.id, o.order_no, o.status, o.buyer_user_id, c.contact_name, c.contact_phone,
              u.email, c.street, c.commune_name, c.province_name, c.locale, o.created_at
        ORDER BY o.created_at, o.order_no";
    /// `lot_recall`.
    LOT_RECALL = "SELECT r.reason, r.recalled_at, pr.name, pr.phone
         FROM lot_recalls r
         JOIN harvest_lots l ON l.id = r.lot_id
         JOIN producers pr ON pr.id = l.producer_id
        WHERE r.lot_id = $1";
    /// `order_recalls`: each line's lots are its `order_line_lots`, else its own `lot_id`.
    ORDER_RECALLS = "SELECT ol.product_name, ol.variant_label, COALESCE(oll.quantity, ol.quantity),
              l.id, l.lot_code, p.gtin, r.reason, r.recalled_at, pr.name, pr.phone
         FROM orders o
         JOIN order_lines ol ON ol.order_id = o.id
         LEFT JOIN order_line_lots oll ON oll.order_line_id = ol.id
         JOIN harvest_lots l ON l.id = COALESCE(oll.lot_id, ol.lot_id)
         JOIN lot_recalls r ON r.lot_id = l.id
         JOIN producers pr ON pr.id = l.producer_id
         LEFT JOIN product_variants v ON v.id = l.variant_id
         LEFT JOIN products p ON p.id = v.product_id
        WHERE o.order_no = $1
        ORDER BY ol.product_name, ol.variant_label, l.lot_code";
    /// `recall_case`.
    RECALL_CASE = const_format::concatcp!(CASE_SELECT, "
         FROM harvest_lots l", CASE_JOINS, "
         LEFT JOIN lot_recalls r ON r.lot_id = l.id
         LEFT JOIN users u ON u.id = r.recalled_by
        WHERE l.id = $1");
    /// `report`: every recall, newest first (scoped to communes by the caller).
    REPORT = const_format::concatcp!(CASE_SELECT, "
         FROM lot_recalls r
         JOIN harvest_lots l ON l.id = r.lot_id", CASE_JOINS, "
         JOIN users u ON u.id = r.recalled_by
        ORDER BY r.recalled_at DESC, l.lot_code");
}
