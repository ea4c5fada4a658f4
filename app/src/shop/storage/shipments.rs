//! Orders sent through a carrier's account: the waybill stored once, and the carrier's
//! verified reports applied as [`crate::shop::rules::shipment::effect`] decides, each in one
//! transaction with its history line.

use chrono::{DateTime, Utc};

use crate::{
    db::{
        Db, decode,
        ids::new_id,
        locks::{Row, Stamp, lock_row},
    },
    domain::time::db_timestamp,
    shop::{
        rules::{
            order::{OrderStatus, Party, PaymentMethod},
            shipment::{Effect, Ignored, ParcelEvent, WAYBILL_NOTE, effect},
            shipping::unit_grams,
        },
        storage::orders::{HistoryLine, OrderError, transition_noted},
    },
};

/// What creating a waybill for an order needs, read before calling the carrier.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WaybillDraft {
    pub order_id: String,
    pub order_no: String,
    pub producer_id: String,
    pub status: OrderStatus,
    pub payment_method: PaymentMethod,
    pub total_vnd: i64,
    /// The carrier and waybill already stored, if any.
    pub tracking_no: Option<String>,
    pub carrier: Option<String>,
    pub from_waybill: bool,
    /// The carrier's fee and the cash it collects, of a waybill made here.
    pub fee_vnd: Option<i64>,
    pub cod_vnd: Option<i64>,
    pub recipient_name: String,
    pub recipient_phone: String,
    pub street: String,
    pub commune: String,
    pub province: String,
    pub sender_name: String,
    pub sender_phone: String,
    /// (name, quantity, grams of one unit)
    pub items: Vec<(String, i64, i64)>,
}

impl WaybillDraft {
    /// The parcel's weight from the variants' net weights (at least a gram).
    pub fn weight_grams(&self) -> i64 {
        self.items
            .iter()
            .map(|(_, q, g)| q.saturating_mul(*g))
            .fold(0i64, i64::saturating_add)
            .max(1)
    }

    /// What the carrier collects at the door unless the producer says otherwise: the total for
    /// cash on delivery, nothing for an order paid already.
    pub fn default_cod(&self) -> i64 {
        match self.payment_method {
            PaymentMethod::Cod => self.total_vnd,
            PaymentMethod::BankTransfer | PaymentMethod::Card | PaymentMethod::Vnpay => 0,
        }
    }
}

#[derive(sqlx::FromRow)]
struct DraftRow {
    id: String,
    order_no: String,
    producer_id: String,
    status: String,
    payment_method: String,
    total_vnd: i64,
    tracking_no: Option<String>,
    carrier: Option<String>,
    waybill_at: Option<String>,
    carrier_fee_vnd: Option<i64>,
    cod_amount_vnd: Option<i64>,
    contact_name: String,
    contact_phone: String,
    street: String,
    commune_name: String,
    province_name: String,
    producer_name: String,
    producer_phone: Option<String>,
}

#[tracing::instrument(skip_all, fields(order_no = %order_no))]
pub async fn draft(db: &Db, order_no: &str) -> Result<Option<WaybillDraft>, sqlx::Error> {
    let mut conn = db.pool().acquire().await?;
    let row: Option<DraftRow> = sqlx::query_as(DRAFT)
        .bind(order_no)
        .fetch_optional(&mut *conn)
        .await?;
    let Some(r) = row else { return Ok(None) };
    let lines: Vec<(String, i64, String, Option<i64>)> = sqlx::query_as(DRAFT_LINES)
        .bind(&r.id)
        .fetch_all(&mut *conn)
        .await?;
    Ok(Some(WaybillDraft {
        status: decode::text_enum("orders.status", &r.id, &r.status, OrderStatus::parse)?,
        payment_method: decode::text_enum(
            "orders.payment_method",
            &r.id,
            &r.payment_method,
            PaymentMethod::parse,
        )?,
        order_id: r.id,
        order_no: r.order_no,
        producer_id: r.producer_id,
        total_vnd: r.total_vnd,
        tracking_no: r.tracking_no,
        carrier: r.carrier,
        from_waybill: r.waybill_at.is_some(),
        fee_vnd: r.carrier_fee_vnd,
        cod_vnd: r.cod_amount_vnd,
        recipient_name: r.contact_name,
        recipient_phone: r.contact_phone,
        street: r.street,
        commune: r.commune_name,
        province: r.province_name,
        sender_name: r.producer_name,
        sender_phone: r.producer_phone.unwrap_or_default(),
        items: lines
            .into_iter()
            .map(|(name, quantity, unit, weight)| (name, quantity, unit_grams(&unit, weight)))
            .collect(),
    }))
}

/// The carriers a producer has an enabled account with ("ghn", "ghtk"), in name order.
pub async fn enabled_carriers(db: &Db, producer_id: &str) -> Result<Vec<String>, sqlx::Error> {
    let rows: Vec<(String,)> = sqlx::query_as(ENABLED_CARRIERS)
        .bind(producer_id)
        .fetch_all(db.pool())
        .await?;
    Ok(rows.into_iter().map(|(c,)| c).collect())
}

/// A waybill the carrier made for an order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewWaybill<'a> {
    pub carrier: &'a str,
    pub tracking_no: &'a str,
    pub fee_vnd: i64,
    pub cod_vnd: i64,
}

#[derive(Debug, thiserror::Error)]
pub enum WaybillError {
    #[error("the order already has a waybill")]
    Exists,
    #[error("only a confirmed order is sent")]
    NotConfirmed,
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

/// Whether an order may get a waybill: confirmed, none stored yet.
pub fn may_send(d: &WaybillDraft) -> Result<(), WaybillError> {
    if d.tracking_no.is_some() {
        return Err(WaybillError::Exists);
    }
    if d.status != OrderStatus::Confirmed {
        return Err(WaybillError::NotConfirmed);
    }
    Ok(())
}

/// Stores the waybill the carrier made, with a line in the order's history. The order stays
/// `confirmed` (waiting for pick-up) until the carrier says it has the parcel. Refused when a
/// waybill was stored meanwhile (a second click): the first one stands.
#[tracing::instrument(skip_all, fields(order_id = %order_id))]
pub async fn record_waybill(
    db: &Db,
    order_id: &str,
    waybill: &NewWaybill<'_>,
    actor_user_id: &str,
    now: DateTime<Utc>,
) -> Result<(), WaybillError> {
    let at = db_timestamp(now);
    let mut tx = db.begin_write().await?;
    lock_row(&mut tx, Row::Order(order_id), Stamp::UpdatedAt(&at)).await?;
    let stored = sqlx::query(RECORD_WAYBILL)
        .bind(waybill.carrier)
        .bind(waybill.tracking_no)
        .bind(waybill.fee_vnd)
        .bind(waybill.cod_vnd)
        .bind(&at)
        .bind(order_id)
        .execute(&mut *tx)
        .await?;
    if stored.rows_affected() == 0 {
        return Err(WaybillError::Exists);
    }
    sqlx::query(RECORD_WAYBILL_HISTORY)
        .bind(new_id())
        .bind(order_id)
        .bind(actor_user_id)
        .bind(format!(
            "{WAYBILL_NOTE}{} · {}",
            waybill.carrier.to_uppercase(),
            waybill.tracking_no
        ))
        .bind(&at)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// The order a producer's waybill with this carrier belongs to.
pub async fn order_of_waybill(
    db: &Db,
    producer_id: &str,
    carrier: &str,
    tracking_no: &str,
) -> Result<Option<String>, sqlx::Error> {
    let row: Option<(String,)> = sqlx::query_as(ORDER_OF_WAYBILL)
        .bind(producer_id)
        .bind(carrier)
        .bind(tracking_no)
        .fetch_optional(db.pool())
        .await?;
    Ok(row.map(|(id,)| id))
}

/// One verified carrier event, as the adapter read it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CarrierReport {
    /// "ghn" or "ghtk".
    pub carrier: String,
    pub event: ParcelEvent,
    /// The carrier's own words for its status.
    pub status_text: String,
    pub at: DateTime<Utc>,
    /// What the carrier says it collected at the door, on delivery.
    pub cod_collected: Option<i64>,
}

/// What a report did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReportOutcome {
    Moved(OrderStatus),
    Recorded,
    Ignored(Ignored),
}

/// Applies a carrier's report to an order: one history line per distinct event, the status
/// moved at most once per step, the COD collected kept; a retry or a late event changes nothing.
#[tracing::instrument(skip_all, fields(order_id = %order_id, carrier = %report.carrier))]
pub async fn apply_report(
    db: &Db,
    order_id: &str,
    report: &CarrierReport,
    now: DateTime<Utc>,
) -> Result<ReportOutcome, OrderError> {
    let mut tx = db.begin_write().await?;
    // Two callbacks for one order wait for each other here instead of both reading the same
    // newest event.
    if !lock_row(&mut tx, Row::Order(order_id), Stamp::Unchanged).await? {
        return Err(OrderError::NotFound);
    }
    let (status, carrier, tracking_no, last_at): (String, String, String, Option<String>) =
        sqlx::query_as(APPLY_REPORT_ORDER)
            .bind(order_id)
            .fetch_one(&mut *tx)
            .await?;
    let status = decode::text_enum("orders.status", order_id, &status, OrderStatus::parse)?;
    let last_at = last_at
        .map(|t| decode::timestamp("orders.carrier_event_at", order_id, &t))
        .transpose()?;
    let history = HistoryLine {
        note: format!("{} · {}", carrier.to_uppercase(), report.status_text),
        at: db_timestamp(report.at),
    };
    let seen: Option<(String,)> = sqlx::query_as(APPLY_REPORT_SEEN)
        .bind(order_id)
        .bind(&history.note)
        .bind(&history.at)
        .fetch_optional(&mut *tx)
        .await?;
    let decided = effect(
        status,
        report.event,
        report.at,
        last_at,
        seen.is_some(),
        (&carrier, &tracking_no),
    );
    let outcome = match decided {
        Effect::Ignore(why) => return Ok(ReportOutcome::Ignored(why)),
        Effect::Move(action) => {
            let done = transition_noted(
                &mut tx,
                order_id,
                &action,
                Party::Carrier,
                None,
                now,
                &history,
            )
            .await?;
            ReportOutcome::Moved(done.to)
        }
        Effect::Record => {
            sqlx::query(APPLY_REPORT_HISTORY)
                .bind(new_id())
                .bind(order_id)
                .bind(status.as_str())
                .bind(&history.note)
                .bind(&history.at)
                .execute(&mut *tx)
                .await?;
            ReportOutcome::Recorded
        }
    };
    let collected = report
        .cod_collected
        .filter(|_| report.event == ParcelEvent::Delivered);
    sqlx::query(APPLY_REPORT_UPDATE)
        .bind(&history.at)
        .bind(collected)
        .bind(db_timestamp(now))
        .bind(order_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(outcome)
}

// The module's SQL, each statement prepared on both engines by the `sql` integration test.
crate::db::statements! {
    /// `draft`.
    DRAFT = "SELECT o.id, o.order_no, o.producer_id, o.status, o.payment_method, o.total_vnd,
               o.tracking_no, o.carrier, o.waybill_at, o.carrier_fee_vnd, o.cod_amount_vnd,
               c.contact_name, c.contact_phone, c.street, c.commune_name, c.province_name,
               pr.name AS producer_name, pr.phone AS producer_phone
        FROM orders o
        JOIN checkouts c ON c.id = o.checkout_id
        JOIN producers pr ON pr.id = o.producer_id
        WHERE o.order_no = $1";
    /// `draft`.
    DRAFT_LINES = "SELECT l.product_name || ' · ' || l.variant_label, l.quantity, v.unit, v.net_weight_g
        FROM order_lines l JOIN product_variants v ON v.id = l.variant_id
        WHERE l.order_id = $1 ORDER BY l.product_name, l.variant_label";
    /// `enabled_carriers`.
    ENABLED_CARRIERS = "SELECT carrier FROM producer_carriers
        WHERE producer_id = $1 AND enabled = 1 ORDER BY carrier";
    /// `record_waybill`: only a confirmed order without a waybill takes one.
    RECORD_WAYBILL = "UPDATE orders SET carrier = $1, tracking_no = $2, carrier_fee_vnd = $3,
           cod_amount_vnd = $4, waybill_at = $5
        WHERE id = $6 AND status = 'confirmed' AND tracking_no IS NULL";
    /// `record_waybill`.
    RECORD_WAYBILL_HISTORY = "INSERT INTO order_status_history (id, order_id, from_status, to_status, actor_user_id, note, created_at)
        VALUES ($1, $2, 'confirmed', 'confirmed', $3, $4, $5)";
    /// `order_of_waybill`: waybills made here only, not a carrier name typed on the manual form.
    ORDER_OF_WAYBILL = "SELECT id FROM orders
        WHERE producer_id = $1 AND carrier = $2 AND tracking_no = $3 AND waybill_at IS NOT NULL";
    /// `apply_report`.
    APPLY_REPORT_ORDER = "SELECT status, carrier, tracking_no, carrier_event_at FROM orders WHERE id = $1";
    /// `apply_report`: the same event recorded already.
    APPLY_REPORT_SEEN = "SELECT id FROM order_status_history
        WHERE order_id = $1 AND note = $2 AND created_at = $3";
    /// `apply_report`.
    APPLY_REPORT_HISTORY = "INSERT INTO order_status_history (id, order_id, from_status, to_status, note, created_at)
        VALUES ($1, $2, $3, $3, $4, $5)";
    /// `apply_report`: the newest event's time, and the COD collected when reported.
    APPLY_REPORT_UPDATE = "UPDATE orders SET
           carrier_event_at = CASE WHEN carrier_event_at IS NULL OR carrier_event_at < $1
                                   THEN $1 ELSE carrier_event_at END,
           cod_collected_vnd = COALESCE($2, cod_collected_vnd), updated_at = $3
        WHERE id = $4";
}
