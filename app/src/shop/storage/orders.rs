//! Orders after checkout: who may open one, what the buyer sees, and every status change —
//! applied through [`crate::shop::rules::order::next_status`] in one transaction with its history
//! line, the stock it returns and the payment it settles.

use chrono::{DateTime, Utc};
use sqlx::{Any, AnyConnection, FromRow, Transaction};

use crate::{
    auth::Actor,
    auth::policy::{OrderParties, party_in_order},
    db::{
        Db, decode,
        ids::new_id,
        locks::{Row, Stamp, lock_row},
    },
    domain::{money::Vnd, phone::PhoneVn, time::db_timestamp},
    shop::{
        model::{HistoryStep, OrderLineView, OrderSummary, OrderView, TransferInstructions},
        rules::{
            order::{
                OrderAction, OrderStatus, Party, PaymentEvent, PaymentMethod, PaymentStatus,
                TransitionError, next_status,
            },
            vietqr,
        },
        storage::{bank, checkout::grant_guest},
    },
};

#[derive(Debug, thiserror::Error)]
pub enum OrderError {
    #[error("no such order")]
    NotFound,
    #[error(transparent)]
    Transition(#[from] TransitionError),
    #[error("this order is not waiting for a bank transfer")]
    NotAwaitingTransfer,
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

impl OrderError {
    pub fn code(&self) -> &'static str {
        match self {
            OrderError::NotFound => "not_found",
            OrderError::Transition(e) => e.code(),
            OrderError::NotAwaitingTransfer => "not_awaiting_transfer",
            OrderError::Db(_) => "internal",
        }
    }
}

/// Who an order belongs to, to decide who may open or change it.
#[derive(Clone, Debug, FromRow)]
pub struct OrderKeys {
    pub id: String,
    pub checkout_id: String,
    pub producer_id: String,
    pub buyer_user_id: Option<String>,
    pub commune_id: String,
}

#[tracing::instrument(skip_all, fields(order_no = %order_no))]
pub async fn keys(db: &Db, order_no: &str) -> Result<Option<OrderKeys>, sqlx::Error> {
    sqlx::query_as(KEYS)
        .bind(order_no)
        .fetch_optional(db.pool())
        .await
}

/// The side `actor` (or the guest browser `guest_hash`) is on for this order, if any.
#[tracing::instrument(skip_all, fields(order_id = %keys.id))]
pub async fn party_of(
    db: &Db,
    keys: &OrderKeys,
    actor: Option<&Actor>,
    guest_hash: Option<&str>,
) -> Result<Option<Party>, sqlx::Error> {
    let parties = OrderParties {
        producer_id: &keys.producer_id,
        commune_id: &keys.commune_id,
        buyer_user_id: keys.buyer_user_id.as_deref(),
    };
    if let Some(party) = actor.and_then(|a| party_in_order(a, parties)) {
        return Ok(Some(party));
    }
    if let Some(hash) = guest_hash {
        let granted: Option<(String,)> = sqlx::query_as(PARTY_OF)
            .bind(hash)
            .bind(&keys.checkout_id)
            .fetch_optional(db.pool())
            .await?;
        if granted.is_some() {
            return Ok(Some(Party::Buyer));
        }
    }
    Ok(None)
}

/// A guest proves an order is theirs with its number and the phone it was placed with; the
/// browser may then open every order of that checkout.
#[tracing::instrument(skip_all, fields(order_no = %order_no))]
pub async fn claim_as_guest(
    db: &Db,
    order_no: &str,
    phone: &PhoneVn,
    guest_hash: &str,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let found: Option<(String,)> = sqlx::query_as(CLAIM_AS_GUEST)
        .bind(order_no.trim().to_ascii_uppercase())
        .bind(phone.e164())
        .fetch_optional(db.pool())
        .await?;
    let Some((checkout_id,)) = found else {
        return Ok(false);
    };
    let mut tx = db.begin_write().await?;
    grant_guest(&mut tx, guest_hash, &checkout_id, now).await?;
    tx.commit().await?;
    Ok(true)
}

#[derive(FromRow)]
struct OrderRow {
    id: String,
    order_no: String,
    status: String,
    payment_method: String,
    payment_status: Option<String>,
    producer_id: String,
    producer_name: String,
    producer_phone: Option<String>,
    subtotal_vnd: i64,
    shipping_vnd: i64,
    total_vnd: i64,
    contact_name: String,
    contact_phone: String,
    street: String,
    commune_name: String,
    province_name: String,
    carrier: Option<String>,
    tracking_no: Option<String>,
    cancel_reason: Option<String>,
    pay_by: Option<String>,
    created_at: String,
    card_status: Option<String>,
    session_url: Option<String>,
}

/// An order's amount column.
fn vnd(column: &str, order: &str, d: i64) -> Result<Vnd, sqlx::Error> {
    decode::vnd(column, order, d)
}

/// An order's status, payment method and first payment's status (`Pending` when it has no
/// payment row: a NULL from the subquery, not a bad value).
fn order_states(
    order: &str,
    status: &str,
    method: &str,
    payment: Option<&str>,
) -> Result<(OrderStatus, PaymentMethod, PaymentStatus), sqlx::Error> {
    Ok((
        decode::text_enum("orders.status", order, status, OrderStatus::parse)?,
        decode::text_enum("orders.payment_method", order, method, PaymentMethod::parse)?,
        match payment {
            None => PaymentStatus::Pending,
            Some(p) => decode::text_enum("payments.status", order, p, PaymentStatus::parse)?,
        },
    ))
}

/// The order page's data.
#[tracing::instrument(skip_all, fields(order_no = %order_no))]
pub async fn view(db: &Db, order_no: &str) -> Result<Option<OrderView>, sqlx::Error> {
    let mut conn = db.pool().acquire().await?;
    let row: Option<OrderRow> = sqlx::query_as(VIEW_SELECT_PAYMENTS)
        .bind(order_no)
        .fetch_optional(&mut *conn)
        .await?;
    let Some(row) = row else { return Ok(None) };
    let lines: Vec<(String, String, String, i64, i64, i64)> =
        sqlx::query_as(VIEW_SELECT_ORDER_LINES)
            .bind(&row.id)
            .fetch_all(&mut *conn)
            .await?;
    let mut lots = crate::lot_sales::storage::lots_of_lines(&mut conn, &row.id).await?;
    let history: Vec<(String, String, String)> = sqlx::query_as(VIEW_SELECT_ORDER_STATUS_HISTORY)
        .bind(&row.id)
        .fetch_all(&mut *conn)
        .await?;
    let (status, method, payment_status) = order_states(
        &row.id,
        &row.status,
        &row.payment_method,
        row.payment_status.as_deref(),
    )?;
    let total = vnd("orders.total_vnd", &row.id, row.total_vnd)?;
    let awaiting = status == OrderStatus::Placed && payment_status == PaymentStatus::Pending;
    let transfer = if method == PaymentMethod::BankTransfer && awaiting {
        transfer_instructions(&mut conn, &row.producer_id, &row.order_no, total).await?
    } else {
        None
    };
    let card_payment_url =
        (method == PaymentMethod::Card && awaiting && row.card_status.as_deref() == Some("open"))
            .then_some(row.session_url)
            .flatten();
    let lines = lines
        .into_iter()
        .map(
            |(id, product_name, variant_label, price, quantity, line_total)| {
                Ok(OrderLineView {
                    unit_price: vnd("order_lines.unit_price_vnd", &row.id, price)?,
                    line_total: vnd("order_lines.line_total_vnd", &row.id, line_total)?,
                    product_name,
                    variant_label,
                    quantity,
                    lots: lots.remove(&id).unwrap_or_default(),
                })
            },
        )
        .collect::<Result<_, sqlx::Error>>()?;
    let history = history
        .into_iter()
        .map(|(to, at, note)| {
            Ok(HistoryStep {
                status: decode::text_enum(
                    "order_status_history.to_status",
                    &row.id,
                    &to,
                    OrderStatus::parse,
                )?,
                at,
                note,
            })
        })
        .collect::<Result<_, sqlx::Error>>()?;
    Ok(Some(OrderView {
        subtotal: vnd("orders.subtotal_vnd", &row.id, row.subtotal_vnd)?,
        shipping: vnd("orders.shipping_vnd", &row.id, row.shipping_vnd)?,
        total,
        order_no: row.order_no,
        status,
        payment_method: method,
        payment_status,
        producer_name: row.producer_name,
        producer_phone: row.producer_phone,
        lines,
        contact_name: row.contact_name,
        contact_phone: PhoneVn::parse(&row.contact_phone)
            .map(|p| p.display())
            .unwrap_or(row.contact_phone),
        address: format!(
            "{}, {}, {}",
            row.street, row.commune_name, row.province_name
        ),
        carrier: row.carrier,
        tracking_no: row.tracking_no,
        cancel_reason: row.cancel_reason,
        pay_by: row.pay_by.filter(|_| awaiting),
        placed_at: row.created_at,
        history,
        transfer,
        card_payment_url,
    }))
}

async fn transfer_instructions(
    conn: &mut AnyConnection,
    producer_id: &str,
    order_no: &str,
    amount: Vnd,
) -> Result<Option<TransferInstructions>, sqlx::Error> {
    let Some(account) = bank::transfer_account(conn, producer_id).await? else {
        return Ok(None);
    };
    let Ok(payload) = vietqr::payload(&account, amount, order_no) else {
        return Ok(None);
    };
    Ok(Some(TransferInstructions {
        bank_bin: account.bin().to_owned(),
        bank_name: vietqr::bank_name(account.bin()).map(str::to_owned),
        account_no: account.account().to_owned(),
        account_name: account.name().to_owned(),
        purpose: order_no.to_owned(),
        vietqr_payload: payload,
        qr_path: format!("/don-hang/{order_no}/vietqr.svg"),
    }))
}

/// The VietQR payload of an order still waiting for its transfer.
#[tracing::instrument(skip_all, fields(order_no = %order_no))]
pub async fn vietqr_payload(db: &Db, order_no: &str) -> Result<Option<String>, sqlx::Error> {
    let mut conn = db.pool().acquire().await?;
    // The same condition as the order page's: placed, by transfer, not paid yet.
    let awaiting: Option<(String, i64)> = sqlx::query_as(VIETQR_PAYLOAD)
        .bind(order_no)
        .fetch_optional(&mut *conn)
        .await?;
    let Some((producer_id, total)) = awaiting else {
        return Ok(None);
    };
    Ok(transfer_instructions(
        &mut conn,
        &producer_id,
        order_no,
        vnd("orders.total_vnd", order_no, total)?,
    )
    .await?
    .map(|t| t.vietqr_payload))
}

#[derive(FromRow)]
struct SummaryRow {
    order_no: String,
    status: String,
    payment_method: String,
    payment_status: Option<String>,
    producer_name: String,
    total_vnd: i64,
    created_at: String,
}

const SUMMARY: &str = "SELECT o.order_no, o.status, o.payment_method,
        (SELECT status FROM payments WHERE order_id = o.id ORDER BY created_at LIMIT 1) AS payment_status,
        pr.name AS producer_name, o.total_vnd, o.created_at
     FROM orders o JOIN producers pr ON pr.id = o.producer_id";

fn summaries(rows: Vec<SummaryRow>) -> Result<Vec<OrderSummary>, sqlx::Error> {
    rows.into_iter().map(summary).collect()
}

/// A summary row, named by its order number in errors (the row has no id).
fn summary(r: SummaryRow) -> Result<OrderSummary, sqlx::Error> {
    let (status, payment_method, payment_status) = order_states(
        &r.order_no,
        &r.status,
        &r.payment_method,
        r.payment_status.as_deref(),
    )?;
    Ok(OrderSummary {
        total: vnd("orders.total_vnd", &r.order_no, r.total_vnd)?,
        order_no: r.order_no,
        status,
        payment_method,
        payment_status,
        producer_name: r.producer_name,
        placed_at: r.created_at,
    })
}

/// A buyer's orders (signed in) and those a guest browser may open, newest first.
#[tracing::instrument(skip_all, fields(?user_id))]
pub async fn of_buyer(
    db: &Db,
    user_id: Option<&str>,
    guest_hash: Option<&str>,
) -> Result<Vec<OrderSummary>, sqlx::Error> {
    let rows: Vec<SummaryRow> = sqlx::query_as(OF_BUYER)
        .bind(user_id.unwrap_or(""))
        .bind(guest_hash.unwrap_or(""))
        .fetch_all(db.pool())
        .await?;
    summaries(rows)
}

/// What a transition did besides changing the status.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Transitioned {
    pub to: OrderStatus,
    /// A paid card or VNPay payment now needs refunding through its provider.
    pub refund_due: bool,
}

/// Applies `action` to an order on behalf of `party`.
#[tracing::instrument(skip_all, fields(order_id = %order_id, ?party, ?actor_user_id))]
pub async fn transition(
    db: &Db,
    order_id: &str,
    action: &OrderAction,
    party: Party,
    actor_user_id: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Transitioned, OrderError> {
    let mut tx = db.begin_write().await?;
    let done = transition_in(&mut tx, order_id, action, party, actor_user_id, now).await?;
    tx.commit().await?;
    Ok(done)
}

/// Locks these orders, then the variants on their lines, then the lots those lines were taken
/// from, each in id order: the global lock order (see [`crate::db`]) for a transaction that
/// changes several orders, each of which may return stock.
#[tracing::instrument(skip_all, fields(orders = order_ids.len()))]
pub(crate) async fn lock_orders_and_variants(
    tx: &mut Transaction<'_, Any>,
    order_ids: &[String],
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let at = db_timestamp(now);
    let mut orders: Vec<&str> = order_ids.iter().map(String::as_str).collect();
    orders.sort_unstable();
    let mut variants = Vec::new();
    for id in orders {
        lock_row(tx, Row::Order(id), Stamp::UpdatedAt(&at)).await?;
        let lines: Vec<(String,)> = sqlx::query_as(LOCK_ORDERS_AND_VARIANTS_SELECT_ORDER_LINES)
            .bind(id)
            .fetch_all(&mut **tx)
            .await?;
        variants.extend(lines.into_iter().map(|(v,)| v));
    }
    variants.sort_unstable();
    variants.dedup();
    for id in variants {
        lock_row(tx, Row::Variant(&id), Stamp::UpdatedAt(&at)).await?;
    }
    // Then the lots their lines were taken from, which a cancellation gives units back to.
    let ids: Vec<&str> = order_ids.iter().map(String::as_str).collect();
    crate::lot_sales::storage::lock_lots_of_orders(tx, &ids, &at).await?;
    Ok(())
}

/// [`transition`] inside a caller's transaction.
#[tracing::instrument(skip_all, fields(order_id = %order_id, ?party, ?actor_user_id))]
pub(crate) async fn transition_in(
    tx: &mut Transaction<'_, Any>,
    order_id: &str,
    action: &OrderAction,
    party: Party,
    actor_user_id: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Transitioned, OrderError> {
    let history = HistoryLine {
        note: action.note(),
        at: db_timestamp(now),
    };
    transition_noted(tx, order_id, action, party, actor_user_id, now, &history).await
}

/// The line a transition leaves in the order's history.
pub(crate) struct HistoryLine {
    pub note: String,
    /// When it happened: now, or the time a carrier reports for its event.
    pub at: String,
}

/// [`transition_in`] with its history line given (a carrier's event: its own words and time).
#[tracing::instrument(skip_all, fields(order_id = %order_id, ?party, ?actor_user_id))]
pub(crate) async fn transition_noted(
    tx: &mut Transaction<'_, Any>,
    order_id: &str,
    action: &OrderAction,
    party: Party,
    actor_user_id: Option<&str>,
    now: DateTime<Utc>,
    history: &HistoryLine,
) -> Result<Transitioned, OrderError> {
    let at = db_timestamp(now);
    // Written first: two changes of one order wait for each other instead of both reading the
    // same status.
    if !lock_row(tx, Row::Order(order_id), Stamp::UpdatedAt(&at)).await? {
        return Err(OrderError::NotFound);
    }
    let (status, method): (String, String) = sqlx::query_as(TRANSITION_IN_SELECT_ORDERS)
        .bind(order_id)
        .fetch_one(&mut **tx)
        .await?;
    let from = decode::text_enum("orders.status", order_id, &status, OrderStatus::parse)?;
    let to = next_status(from, action, party)?;
    let (carrier, tracking, reason) = match action {
        OrderAction::Ship {
            carrier,
            tracking_no,
        } => (
            Some(carrier.trim()),
            Some(tracking_no.trim()).filter(|t| !t.is_empty()),
            None,
        ),
        OrderAction::Cancel { reason } => (None, None, Some(reason.trim())),
        _ => (None, None, None),
    };
    sqlx::query(TRANSITION_IN_UPDATE_ORDERS_2)
        .bind(to.as_str())
        .bind(carrier)
        .bind(tracking)
        .bind(reason)
        .bind(order_id)
        .execute(&mut **tx)
        .await?;
    sqlx::query(TRANSITION_IN_INSERT_ORDER_STATUS_HISTORY)
        .bind(new_id())
        .bind(order_id)
        .bind(from.as_str())
        .bind(to.as_str())
        .bind(actor_user_id)
        .bind(&history.note)
        .bind(&history.at)
        .execute(&mut **tx)
        .await?;
    super::notices::status_reached_in(tx, order_id, to, party, &at).await?;
    if to.returns_stock() {
        crate::search::sync::queue_order(tx, order_id).await?;
        let lines: Vec<(String, i64)> = sqlx::query_as(TRANSITION_IN_SELECT_ORDER_LINES)
            .bind(order_id)
            .fetch_all(&mut **tx)
            .await?;
        // One row at a time, in variant id order: a multi-row UPDATE locks rows in whatever
        // order the plan visits them, and checkout locks them in id order. Every variant is
        // held before the lots are read, so no recall slips in between.
        for (variant_id, _) in &lines {
            lock_row(tx, Row::Variant(variant_id), Stamp::UpdatedAt(&at)).await?;
        }
        let lots = crate::lot_sales::storage::taken_by_order(tx, order_id).await?;
        for (variant_id, quantity) in lines {
            // Units of a recalled lot are not for sale again.
            let back = quantity - lots.withheld(&variant_id);
            sqlx::query(TRANSITION_IN_UPDATE_PRODUCT_VARIANTS)
                .bind(back.max(0))
                .bind(&at)
                .bind(&variant_id)
                .execute(&mut **tx)
                .await?;
        }
        // Then the lots, in id order: each gets back what the order took from it.
        crate::lot_sales::storage::return_to_lots(tx, &lots, &at).await?;
    }
    let mut refund_due = false;
    if to.ends_undelivered() {
        // Nothing more will be paid for it; what was paid is owed back.
        let rows = payments_of_order(tx, order_id).await?;
        apply_payment_event(tx, &rows, PaymentEvent::WindowExpired, &at, None).await?;
        refund_due = crate::payments::storage::request_refund_in(tx, order_id, &at).await?;
        sqlx::query(TRANSITION_IN_UPDATE_ORDERS_3)
            .bind(order_id)
            .execute(&mut **tx)
            .await?;
    }
    if to == OrderStatus::Delivered && method == PaymentMethod::Cod.as_str() {
        // Cash changes hands at the door.
        let rows = payments_of_order(tx, order_id).await?;
        apply_payment_event(tx, &rows, PaymentEvent::CashCollected, &at, None).await?;
        // The producer's carrier collected it: the ledger credits the sale and the fee.
        crate::ledger::storage::order_paid_in(
            tx,
            order_id,
            Some(crate::ledger::rules::Collector::Producer),
            &at,
        )
        .await?;
    }
    Ok(Transitioned { to, refund_due })
}

/// A producer (or officer) saw the transfer arrive: the payment is settled and the order no
/// longer expires.
#[tracing::instrument(skip_all, fields(order_id = %order_id, actor_user_id = %actor_user_id))]
pub async fn mark_transfer_received(
    db: &Db,
    order_id: &str,
    actor_user_id: &str,
    now: DateTime<Utc>,
) -> Result<(), OrderError> {
    let mut tx = db.begin_write().await?;
    settle_transfer_in(&mut tx, order_id, Some(actor_user_id), now).await?;
    // The settlement ledger sees the payment in the same transaction.
    crate::ledger::storage::order_paid_in(&mut tx, order_id, None, &db_timestamp(now)).await?;
    tx.commit().await?;
    Ok(())
}

/// [`mark_transfer_received`] inside a caller's transaction, without its ledger posting (the
/// caller posts what fits: a payment, or a held credit matched by hand). `actor_user_id` is
/// `None` when a bank feed reported the transfer.
#[tracing::instrument(skip_all, fields(order_id = %order_id, ?actor_user_id))]
pub(crate) async fn settle_transfer_in(
    tx: &mut Transaction<'_, Any>,
    order_id: &str,
    actor_user_id: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(), OrderError> {
    let at = db_timestamp(now);
    // Only an order still to be fulfilled takes a transfer.
    let rows: Vec<PaymentRow> = sqlx::query_as(MARK_TRANSFER_RECEIVED_SELECT_PAYMENTS)
        .bind(order_id)
        .fetch_all(&mut **tx)
        .await?;
    let settled = apply_payment_event(tx, &rows, PaymentEvent::TransferReceived, &at, None).await?;
    if settled == 0 {
        return Err(OrderError::NotAwaitingTransfer);
    }
    sqlx::query(MARK_TRANSFER_RECEIVED_UPDATE_ORDERS)
        .bind(&at)
        .bind(order_id)
        .execute(&mut **tx)
        .await?;
    let (status,): (String,) = sqlx::query_as(MARK_TRANSFER_RECEIVED_SELECT_ORDERS)
        .bind(order_id)
        .fetch_one(&mut **tx)
        .await?;
    sqlx::query(MARK_TRANSFER_RECEIVED_INSERT_ORDER_STATUS_HISTORY)
        .bind(new_id())
        .bind(order_id)
        .bind(&status)
        .bind(actor_user_id)
        .bind(&at)
        .execute(&mut **tx)
        .await?;
    super::notices::payment_in(tx, order_id, super::notices::PaymentNews::Received, &at).await?;
    Ok(())
}

pub(super) use crate::payments::storage::PaymentRow;

/// The payments of one order.
pub(super) async fn payments_of_order(
    conn: &mut AnyConnection,
    order_id: &str,
) -> Result<Vec<PaymentRow>, sqlx::Error> {
    sqlx::query_as(PAYMENTS_OF_ORDER)
        .bind(order_id)
        .fetch_all(conn)
        .await
}

/// The payment state machine applied to `rows` (see [`crate::payments::storage::apply_in`]).
pub(super) use crate::payments::storage::apply_in as apply_payment_event;

/// The reason recorded when an unpaid order runs out of time.
pub const EXPIRED_REASON: &str = "payment_expired";
/// The reason recorded when the card payment of an order failed.
pub const PAYMENT_FAILED_REASON: &str = "payment_failed";

/// Cancels every order still unpaid after its deadline and returns its stock. Safe to run on
/// several app servers at once: each order is cancelled by whichever transaction gets it first,
/// the others see it is no longer `placed` and leave it.
#[tracing::instrument(skip_all)]
pub async fn expire_unpaid(db: &Db, now: DateTime<Utc>) -> Result<Vec<String>, sqlx::Error> {
    let due: Vec<(String, String)> = sqlx::query_as(EXPIRE_UNPAID_SELECT_ORDERS)
        .bind(db_timestamp(now))
        .fetch_all(db.pool())
        .await?;
    let mut expired = vec![];
    let at = db_timestamp(now);
    for (id, no) in due {
        let mut tx = db.begin_write().await?;
        // Claimed under the row lock: an order paid meanwhile has no `pay_by` any more (payment
        // clears it in the same transaction), one cancelled meanwhile is not `placed`.
        let claimed = sqlx::query(EXPIRE_UNPAID_UPDATE_ORDERS)
            .bind(&at)
            .bind(&id)
            .execute(&mut *tx)
            .await?;
        if claimed.rows_affected() == 0 {
            continue;
        }
        let action = OrderAction::Cancel {
            reason: EXPIRED_REASON.to_owned(),
        };
        match transition_in(&mut tx, &id, &action, Party::System, None, now).await {
            Ok(_) => {}
            Err(OrderError::Db(e)) => return Err(e),
            Err(_) => continue,
        }
        sqlx::query(EXPIRE_UNPAID_UPDATE_CARD_PAYMENTS)
            .bind(&at)
            .bind(&id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        expired.push(no);
    }
    Ok(expired)
}

/// The order was placed with this phone.
#[tracing::instrument(skip_all, fields(order_no = %order_no))]
pub async fn phone_matches(db: &Db, order_no: &str, phone: &PhoneVn) -> Result<bool, sqlx::Error> {
    let found: Option<(String,)> = sqlx::query_as(PHONE_MATCHES)
        .bind(order_no)
        .bind(phone.e164())
        .fetch_optional(db.pool())
        .await?;
    Ok(found.is_some())
}

/// Orders of these producers to fulfil, newest first, optionally of one status.
#[tracing::instrument(skip_all, fields(?producer_ids, ?status))]
pub async fn of_producers(
    db: &Db,
    producer_ids: &[&str],
    status: Option<OrderStatus>,
) -> Result<Vec<crate::seller::model::FulfilOrder>, sqlx::Error> {
    #[derive(FromRow)]
    struct Row {
        #[sqlx(flatten)]
        summary: SummaryRow,
        contact_name: String,
        items: i64,
    }
    let mut out = vec![];
    for producer in producer_ids {
        let rows: Vec<Row> = sqlx::query_as(OF_PRODUCERS)
            .bind(producer)
            .bind(status.map_or("", |s| s.as_str()))
            .fetch_all(db.pool())
            .await?;
        for r in rows {
            out.push(crate::seller::model::FulfilOrder {
                summary: summary(r.summary)?,
                contact_name: r.contact_name,
                items: r.items,
            });
        }
    }
    out.sort_by(|a, b| b.summary.placed_at.cmp(&a.summary.placed_at));
    Ok(out)
}

/// [`SUMMARY`] with the columns a producer's list filters on.
const SUMMARY_WITH_ID: &str = "SELECT o.id, o.checkout_id, o.producer_id, o.order_no, o.status, o.payment_method,
        (SELECT status FROM payments WHERE order_id = o.id ORDER BY created_at LIMIT 1) AS payment_status,
        pr.name AS producer_name, o.total_vnd, o.created_at
     FROM orders o JOIN producers pr ON pr.id = o.producer_id";

// The module's SQL, each statement prepared on both engines by the `sql` integration test.
crate::db::statements! {
    /// `keys`.
    KEYS = "SELECT o.id, o.checkout_id, o.producer_id, o.buyer_user_id, pr.commune_id
        FROM orders o JOIN producers pr ON pr.id = o.producer_id WHERE o.order_no = $1";
    /// `party_of`.
    PARTY_OF = "SELECT checkout_id FROM guest_order_access WHERE token_hash = $1 AND checkout_id = $2";
    /// `claim_as_guest`.
    CLAIM_AS_GUEST = "SELECT o.checkout_id FROM orders o JOIN checkouts c ON c.id = o.checkout_id
        WHERE o.order_no = $1 AND c.contact_phone = $2";
    /// `view`.
    VIEW_SELECT_PAYMENTS = "SELECT o.id, o.order_no, o.status, o.payment_method,
               (SELECT status FROM payments WHERE order_id = o.id ORDER BY created_at LIMIT 1)
                   AS payment_status,
               pr.id AS producer_id, pr.name AS producer_name, pr.phone AS producer_phone,
               o.subtotal_vnd, o.shipping_vnd, o.total_vnd, c.contact_name, c.contact_phone,
               c.street, c.commune_name, c.province_name, o.carrier, o.tracking_no,
               o.cancel_reason, o.pay_by, o.created_at, cp.status AS card_status, cp.session_url
        FROM orders o
        JOIN checkouts c ON c.id = o.checkout_id
        JOIN producers pr ON pr.id = o.producer_id
        LEFT JOIN card_payments cp ON cp.checkout_id = o.checkout_id
        WHERE o.order_no = $1";
    /// `view`.
    VIEW_SELECT_ORDER_LINES = "SELECT id, product_name, variant_label, unit_price_vnd, quantity, line_total_vnd
        FROM order_lines WHERE order_id = $1 ORDER BY product_name, variant_label";
    /// `view`.
    VIEW_SELECT_ORDER_STATUS_HISTORY = "SELECT to_status, created_at, note FROM order_status_history
        WHERE order_id = $1 ORDER BY created_at, id";
    /// `vietqr_payload`.
    VIETQR_PAYLOAD = "SELECT o.producer_id, o.total_vnd FROM orders o
        WHERE o.order_no = $1 AND o.status = 'placed' AND o.payment_method = 'bank_transfer'
          AND EXISTS (SELECT 1 FROM payments p WHERE p.order_id = o.id AND p.status = 'pending')";
    /// `lock_orders_and_variants`.
    LOCK_ORDERS_AND_VARIANTS_SELECT_ORDER_LINES = "SELECT variant_id FROM order_lines WHERE order_id = $1";
    /// `transition_in`.
    TRANSITION_IN_SELECT_ORDERS = "SELECT status, payment_method FROM orders WHERE id = $1";
    /// `transition_in`.
    TRANSITION_IN_UPDATE_ORDERS_2 = "UPDATE orders SET status = $1, carrier = COALESCE($2, carrier),
           tracking_no = COALESCE($3, tracking_no), cancel_reason = COALESCE($4, cancel_reason)
        WHERE id = $5";
    /// `transition_in`.
    TRANSITION_IN_INSERT_ORDER_STATUS_HISTORY = "INSERT INTO order_status_history (id, order_id, from_status, to_status, actor_user_id, note, created_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7)";
    /// `transition_in`.
    TRANSITION_IN_SELECT_ORDER_LINES = "SELECT variant_id, CAST(SUM(quantity) AS BIGINT) FROM order_lines
        WHERE order_id = $1 GROUP BY variant_id ORDER BY variant_id";
    /// `transition_in`.
    TRANSITION_IN_UPDATE_PRODUCT_VARIANTS = "UPDATE product_variants SET stock = stock + $1, updated_at = $2 WHERE id = $3";
    /// `transition_in`.
    TRANSITION_IN_UPDATE_ORDERS_3 = "UPDATE orders SET pay_by = NULL WHERE id = $1";
    /// `mark_transfer_received`: only an order still to be fulfilled takes a transfer.
    MARK_TRANSFER_RECEIVED_SELECT_PAYMENTS = "SELECT p.id, p.method, p.status FROM payments p JOIN orders o ON o.id = p.order_id
        WHERE p.order_id = $1 AND o.status IN ('placed', 'confirmed') ORDER BY p.id";
    /// `payments_of_order`.
    PAYMENTS_OF_ORDER = "SELECT id, method, status FROM payments WHERE order_id = $1 ORDER BY id";
    /// `mark_transfer_received`.
    MARK_TRANSFER_RECEIVED_UPDATE_ORDERS = "UPDATE orders SET pay_by = NULL, updated_at = $1 WHERE id = $2";
    /// `mark_transfer_received`.
    MARK_TRANSFER_RECEIVED_SELECT_ORDERS = "SELECT status FROM orders WHERE id = $1";
    /// `mark_transfer_received`.
    MARK_TRANSFER_RECEIVED_INSERT_ORDER_STATUS_HISTORY = "INSERT INTO order_status_history (id, order_id, from_status, to_status, actor_user_id, note, created_at)
        VALUES ($1, $2, $3, $3, $4, 'payment_received', $5)";
    /// `expire_unpaid`.
    EXPIRE_UNPAID_SELECT_ORDERS = "SELECT o.id, o.order_no FROM orders o
        WHERE o.status = 'placed' AND o.pay_by IS NOT NULL AND o.pay_by < $1
          AND EXISTS (SELECT 1 FROM payments p WHERE p.order_id = o.id AND p.status = 'pending')
        ORDER BY o.pay_by LIMIT 500";
    /// `expire_unpaid`.
    EXPIRE_UNPAID_UPDATE_ORDERS = "UPDATE orders SET updated_at = $1
        WHERE id = $2 AND status = 'placed' AND pay_by IS NOT NULL AND pay_by < $1";
    /// `expire_unpaid`.
    EXPIRE_UNPAID_UPDATE_CARD_PAYMENTS = "UPDATE card_payments SET status = 'expired', updated_at = $1
        WHERE status IN ('creating', 'open')
          AND checkout_id = (SELECT checkout_id FROM orders WHERE id = $2)";
    /// `phone_matches`.
    PHONE_MATCHES = "SELECT o.id FROM orders o JOIN checkouts c ON c.id = o.checkout_id
        WHERE o.order_no = $1 AND c.contact_phone = $2";
    /// `of_buyer`.
    OF_BUYER = const_format::concatcp!(SUMMARY, " WHERE o.buyer_user_id = $1
           OR o.checkout_id IN (SELECT checkout_id FROM guest_order_access WHERE token_hash = $2)
        ORDER BY o.created_at DESC, o.order_no LIMIT 200");
    /// `of_producers`.
    OF_PRODUCERS = const_format::concatcp!("SELECT s.*, c.contact_name,
               CAST((SELECT SUM(l.quantity) FROM order_lines l WHERE l.order_id = s.id) AS BIGINT) AS items
        FROM (", SUMMARY_WITH_ID, ") s JOIN checkouts c ON c.id = s.checkout_id
        WHERE s.producer_id = $1 AND ($2 = '' OR s.status = $2)
        ORDER BY s.created_at DESC, s.order_no LIMIT 500");
}
