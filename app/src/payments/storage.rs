//! The payment state machine applied to the `payments` table. Every status a payment takes is
//! decided by [`rules::next`]; each UPDATE is guarded by the status it was read in, so a payment
//! changed meanwhile is left alone. "Becomes paid" and "becomes refunded" each have one writer
//! ([`paid_in`], [`refunded_in`]): what must happen whenever money comes in or goes back is
//! added there.

use chrono::{DateTime, Duration, Utc};
use sqlx::{Any, AnyConnection, Transaction};

use super::rules::{self, PaymentEvent, PaymentMethod, PaymentStatus};
use crate::{
    db::{
        Db, decode,
        ids::new_id,
        locks::{Row, Stamp, lock_row},
    },
    domain::{money::Vnd, time::db_timestamp},
    shop::{
        rules::order::{OrderAction, OrderStatus, Party},
        storage::{
            notices::{self, PaymentNews},
            orders::{
                HistoryLine, OrderError, PAYMENT_FAILED_REASON, lock_orders_and_variants,
                transition_in, transition_noted,
            },
        },
    },
};

/// A payment row as [`apply_in`] needs it: id, method, status.
pub type PaymentRow = (String, String, String);

/// History notes of the refund steps (the order page words them through its texts).
pub const NOTE_REFUND_REQUESTED: &str = "refund_requested";
pub const NOTE_REFUND_BY_HAND: &str = "refund_owed_by_hand";
pub const NOTE_REFUND_FAILED: &str = "refund_failed:";
pub const NOTE_REFUNDED: &str = "refunded:";

/// Moves each of `rows` that `event` applies to, as [`rules::next`] decides; the others are left
/// as they are. `reference`: the provider's id of the payment (paid) or of the refund
/// (refunded). Returns how many moved.
pub async fn apply_in(
    conn: &mut AnyConnection,
    rows: &[PaymentRow],
    event: PaymentEvent,
    at: &str,
    reference: Option<&str>,
) -> Result<u64, sqlx::Error> {
    let mut moved = 0;
    for (id, method, status) in rows {
        let method = decode::text_enum("payments.method", id, method, PaymentMethod::parse)?;
        let from = decode::text_enum("payments.status", id, status, PaymentStatus::parse)?;
        let Ok(to) = rules::next(from, method, event) else {
            continue;
        };
        let done = match to {
            PaymentStatus::Paid => paid_in(conn, id, from, at, reference).await?,
            PaymentStatus::Refunded => refunded_in(conn, id, at, reference).await?,
            _ => move_in(conn, id, from, to, at).await?,
        };
        moved += u64::from(done);
    }
    Ok(moved)
}

async fn move_in(
    conn: &mut AnyConnection,
    id: &str,
    from: PaymentStatus,
    to: PaymentStatus,
    at: &str,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(MOVE)
        .bind(to.as_str())
        .bind(at)
        .bind(id)
        .bind(from.as_str())
        .execute(&mut *conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// The only write that makes a payment `paid`. Money that arrives for an order already ended
/// undelivered (it expired first) is owed back at once.
pub async fn paid_in(
    conn: &mut AnyConnection,
    payment_id: &str,
    from: PaymentStatus,
    at: &str,
    provider_ref: Option<&str>,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(PAID_IN)
        .bind(at)
        .bind(provider_ref)
        .bind(payment_id)
        .bind(from.as_str())
        .execute(&mut *conn)
        .await?;
    if done.rows_affected() != 1 {
        return Ok(false);
    }
    let (order_id, order_status): (String, String) = sqlx::query_as(ORDER_OF_PAYMENT)
        .bind(payment_id)
        .fetch_one(&mut *conn)
        .await?;
    // ledger: each path that marks paid posts the money with who holds it (card and VNPay:
    // the marketplace; a bank credit: as matched), in its own transaction with this write.
    let order_status = decode::text_enum(
        "orders.status",
        &order_id,
        &order_status,
        OrderStatus::parse,
    )?;
    if order_status.ends_undelivered() {
        request_refund_in(conn, &order_id, at).await?;
    }
    Ok(true)
}

/// The only write that makes a payment `refunded`.
pub async fn refunded_in(
    conn: &mut AnyConnection,
    payment_id: &str,
    at: &str,
    refund_ref: Option<&str>,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(REFUNDED_IN)
        .bind(at)
        .bind(refund_ref)
        .bind(payment_id)
        .execute(&mut *conn)
        .await?;
    if done.rows_affected() != 1 {
        return Ok(false);
    }
    // Everything the order posted to the ledger is undone, in the same transaction.
    let (order_id, _): (String, String) = sqlx::query_as(ORDER_OF_PAYMENT)
        .bind(payment_id)
        .fetch_one(&mut *conn)
        .await?;
    crate::ledger::storage::order_refunded_in(conn, &order_id, refund_ref, at).await?;
    Ok(true)
}

/// The order ended undelivered: its paid payments are now owed back, and its history says how
/// (through the provider, or by hand for a bank transfer). Returns whether a provider refund
/// is now due (for the settle task).
pub async fn request_refund_in(
    conn: &mut AnyConnection,
    order_id: &str,
    at: &str,
) -> Result<bool, sqlx::Error> {
    let rows: Vec<PaymentRow> = sqlx::query_as(PAYMENTS_OF_ORDER)
        .bind(order_id)
        .fetch_all(&mut *conn)
        .await?;
    let mut provider = false;
    for (id, method, status) in &rows {
        let method = decode::text_enum("payments.method", id, method, PaymentMethod::parse)?;
        let from = decode::text_enum("payments.status", id, status, PaymentStatus::parse)?;
        // Moved here, not through `apply_in`: paid_in calls this, and the refunding step
        // is a plain move.
        let Ok(to) = rules::next(from, method, PaymentEvent::RefundRequested) else {
            continue;
        };
        if !move_in(conn, id, from, to, at).await? {
            continue;
        }
        let by_hand = method == PaymentMethod::BankTransfer;
        provider |= !by_hand;
        let note = if by_hand {
            NOTE_REFUND_BY_HAND
        } else {
            NOTE_REFUND_REQUESTED
        };
        history_in(conn, order_id, note, None, at).await?;
    }
    Ok(provider)
}

/// A line in the order's history that does not change its status.
pub async fn history_in(
    conn: &mut AnyConnection,
    order_id: &str,
    note: &str,
    actor_user_id: Option<&str>,
    at: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(HISTORY_IN)
        .bind(new_id())
        .bind(order_id)
        .bind(actor_user_id)
        .bind(note)
        .bind(at)
        .execute(&mut *conn)
        .await
        .map(|_| ())
}

/// A payment owed back through its provider (card, VNPay), due for a try.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RefundDue {
    pub payment_id: String,
    pub order_id: String,
    pub order_no: String,
    pub method: PaymentMethod,
    pub amount: Vnd,
    /// The provider's id of the payment: Stripe's payment intent, VNPay's transaction number.
    pub provider_ref: String,
    /// When the order was placed: VNPay's `vnp_TransactionDate` (the payment URL's create date).
    pub placed_at: DateTime<Utc>,
    pub attempts: i64,
}

/// Refunds to try now: those never tried, and failed ones whose wait is over.
#[tracing::instrument(skip_all)]
pub async fn refunds_due(db: &Db, now: DateTime<Utc>) -> Result<Vec<RefundDue>, sqlx::Error> {
    type R = (
        String,
        String,
        String,
        String,
        i64,
        Option<String>,
        String,
        i64,
    );
    let rows: Vec<R> = sqlx::query_as(REFUNDS_DUE)
        .bind(db_timestamp(now))
        .fetch_all(db.pool())
        .await?;
    let mut out = vec![];
    for (payment_id, order_id, order_no, method, amount, provider_ref, placed_at, attempts) in rows
    {
        // A card payment never opened at Stripe has nothing to refund through: not due here.
        let Some(provider_ref) = provider_ref else {
            continue;
        };
        out.push(RefundDue {
            method: decode::text_enum(
                "payments.method",
                &payment_id,
                &method,
                PaymentMethod::parse,
            )?,
            amount: decode::vnd("payments.amount_vnd", &payment_id, amount)?,
            placed_at: decode::timestamp("orders.created_at", &order_id, &placed_at)?,
            payment_id,
            order_id,
            order_no,
            provider_ref,
            attempts,
        });
    }
    Ok(out)
}

/// Claims `due` for one attempt: its next try is pushed `lease` ahead, so another pass (this
/// server's or another's) leaves it alone while the provider is called. False when someone
/// else claimed it first. Committed before the provider is called: no transaction stays open
/// across the HTTP call.
pub async fn claim_refund(
    db: &Db,
    due: &RefundDue,
    now: DateTime<Utc>,
    lease: Duration,
) -> Result<bool, sqlx::Error> {
    let mut tx = db.begin_write().await?;
    let done = sqlx::query(CLAIM_REFUND)
        .bind(db_timestamp(now + lease))
        .bind(&due.payment_id)
        .bind(db_timestamp(now))
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(done.rows_affected() == 1)
}

/// How long a failed refund waits before its next try: 1, 2, 4 … minutes, at most 6 hours.
pub fn backoff(attempts: i64) -> Duration {
    let minutes = 1i64 << attempts.clamp(0, 9);
    Duration::minutes(minutes).min(Duration::hours(6))
}

/// A refund attempt failed: it stays owed, counted, with its error, until its next try.
#[tracing::instrument(skip_all, fields(payment_id = %due.payment_id))]
pub async fn refund_failed(
    db: &Db,
    due: &RefundDue,
    error: &str,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let at = db_timestamp(now);
    let error: String = error.chars().take(300).collect();
    let mut tx = db.begin_write().await?;
    let rows: Vec<PaymentRow> = sqlx::query_as(PAYMENT_ROW)
        .bind(&due.payment_id)
        .fetch_all(&mut *tx)
        .await?;
    if apply_in(&mut tx, &rows, PaymentEvent::RefundFailed, &at, None).await? == 1 {
        sqlx::query(REFUND_FAILED)
            .bind(&error)
            .bind(db_timestamp(now + backoff(due.attempts)))
            .bind(&due.payment_id)
            .execute(&mut *tx)
            .await?;
        history_in(
            &mut tx,
            &due.order_id,
            &format!("{NOTE_REFUND_FAILED}{error}"),
            None,
            &at,
        )
        .await?;
    }
    tx.commit().await
}

/// The money went back (the provider's refund id, or the reference of a transfer made by
/// hand): the payment is refunded and the order too. False when it was already recorded.
#[tracing::instrument(skip_all, fields(payment_id = %payment_id))]
pub async fn refund_confirmed(
    db: &Db,
    payment_id: &str,
    refund_ref: &str,
    actor_user_id: Option<&str>,
    now: DateTime<Utc>,
) -> Result<bool, OrderError> {
    let at = db_timestamp(now);
    let mut tx = db.begin_write().await?;
    let rows: Vec<PaymentRow> = sqlx::query_as(PAYMENT_ROW)
        .bind(payment_id)
        .fetch_all(&mut *tx)
        .await?;
    let done = apply_in(
        &mut tx,
        &rows,
        PaymentEvent::RefundConfirmed,
        &at,
        Some(refund_ref),
    )
    .await?;
    if done == 1 {
        let (order_id, _): (String, String) = sqlx::query_as(ORDER_OF_PAYMENT)
            .bind(payment_id)
            .fetch_one(&mut *tx)
            .await?;
        let history = HistoryLine {
            note: format!("{NOTE_REFUNDED}{refund_ref}"),
            at: at.clone(),
        };
        transition_noted(
            &mut tx,
            &order_id,
            &OrderAction::Refunded,
            Party::System,
            actor_user_id,
            now,
            &history,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(done == 1)
}

/// A bank transfer owed back, recorded by hand on the order page: the payment of `order_id`
/// that is refunding. Refuses an empty or overlong reference.
pub async fn refund_transfer_by_hand(
    db: &Db,
    order_id: &str,
    reference: &str,
    actor_user_id: &str,
    now: DateTime<Utc>,
) -> Result<bool, RefundByHandError> {
    let reference = reference.trim();
    if reference.is_empty() || reference.chars().count() > 100 {
        return Err(RefundByHandError::Reference);
    }
    let found: Option<(String,)> = sqlx::query_as(OWED_BY_HAND)
        .bind(order_id)
        .fetch_optional(db.pool())
        .await?;
    let Some((payment_id,)) = found else {
        return Err(RefundByHandError::NotOwed);
    };
    // The refund reference is unique: a bank reference is prefixed with the payment, so two
    // producers' references never collide.
    Ok(refund_confirmed(
        db,
        &payment_id,
        &format!("{reference} ({payment_id})"),
        Some(actor_user_id),
        now,
    )
    .await?)
}

#[derive(Debug, thiserror::Error)]
pub enum RefundByHandError {
    #[error("write the reference of the transfer back")]
    Reference,
    #[error("this order owes no bank transfer back")]
    NotOwed,
    #[error(transparent)]
    Order(#[from] OrderError),
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

pub use super::OpenRefund;

#[tracing::instrument(skip_all)]
pub async fn open_refunds(db: &Db) -> Result<Vec<OpenRefund>, sqlx::Error> {
    type R = (
        String,
        String,
        String,
        i64,
        i64,
        Option<String>,
        Option<String>,
    );
    let rows: Vec<R> = sqlx::query_as(OPEN_REFUNDS).fetch_all(db.pool()).await?;
    rows.into_iter()
        .map(
            |(payment_id, order_no, method, amount, attempts, last_error, next_try_at)| {
                Ok(OpenRefund {
                    method: decode::text_enum(
                        "payments.method",
                        &payment_id,
                        &method,
                        PaymentMethod::parse,
                    )?,
                    amount: decode::vnd("payments.amount_vnd", &payment_id, amount)?,
                    payment_id,
                    order_no,
                    attempts,
                    last_error,
                    next_try_at,
                })
            },
        )
        .collect()
}

/// The administrator asks for a failed refund to be tried at the next pass.
pub async fn retry_now(db: &Db, payment_id: &str, now: DateTime<Utc>) -> Result<bool, sqlx::Error> {
    let mut tx = db.begin_write().await?;
    let done = sqlx::query(RETRY_NOW)
        .bind(db_timestamp(now))
        .bind(payment_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(done.rows_affected() == 1)
}

/// What VNPay's IPN reports about one order's payment, checksum already verified.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VnpayReport {
    pub order_no: String,
    /// In dong (VNPay's `vnp_Amount` / 100).
    pub amount: i64,
    /// `vnp_ResponseCode` and `vnp_TransactionStatus` both `00`.
    pub success: bool,
    pub transaction_no: String,
}

/// The IPN's answer, as VNPay's `RspCode` values name them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VnpayOutcome {
    /// `00`: recorded (paid, or failed).
    Recorded,
    /// `01`.
    OrderNotFound,
    /// `02`: already paid, refunded, failed or expired: nothing changes.
    AlreadyConfirmed,
    /// `04`.
    InvalidAmount,
}

/// Applies VNPay's report, exactly once: the order is locked, its payment re-read, and only a
/// payment the state machine lets move is written; a replay finds it moved and answers 02.
#[tracing::instrument(skip_all, fields(order_no = %report.order_no))]
pub async fn vnpay_report(
    db: &Db,
    report: &VnpayReport,
    now: DateTime<Utc>,
) -> Result<VnpayOutcome, OrderError> {
    let at = db_timestamp(now);
    let mut tx = db.begin_write().await?;
    let found: Option<(String, String, i64)> = sqlx::query_as(VNPAY_PAYMENT)
        .bind(&report.order_no)
        .fetch_optional(&mut *tx)
        .await?;
    let Some((payment_id, order_id, expected)) = found else {
        return Ok(VnpayOutcome::OrderNotFound);
    };
    if report.amount != expected {
        return Ok(VnpayOutcome::InvalidAmount);
    }
    // Two deliveries of one report wait for each other here, then read the status as it is.
    lock_row(&mut tx, Row::Order(&order_id), Stamp::UpdatedAt(&at)).await?;
    let rows: Vec<PaymentRow> = sqlx::query_as(PAYMENT_ROW)
        .bind(&payment_id)
        .fetch_all(&mut *tx)
        .await?;
    // Only a pending payment takes a report; money arriving after the order expired is kept
    // (then refunded), a failure after anything else changes nothing.
    let pending = rows.first().is_some_and(|r| r.2 == "pending");
    if report.success {
        let moved = apply_in(
            &mut tx,
            &rows,
            PaymentEvent::ProviderConfirmed,
            &at,
            Some(&report.transaction_no),
        )
        .await?;
        if moved == 0 {
            return Ok(VnpayOutcome::AlreadyConfirmed);
        }
        // VNPay settles to the marketplace's merchant account.
        crate::ledger::storage::order_paid_in(
            &mut tx,
            &order_id,
            Some(crate::ledger::rules::Collector::Marketplace),
            &at,
        )
        .await?;
        let (order_status,): (String,) = sqlx::query_as(VNPAY_CLEAR_PAY_BY)
            .bind(&at)
            .bind(&order_id)
            .fetch_one(&mut *tx)
            .await?;
        sqlx::query(VNPAY_PAID_HISTORY)
            .bind(new_id())
            .bind(&order_id)
            .bind(&order_status)
            .bind(&at)
            .execute(&mut *tx)
            .await?;
        notices::payment_in(&mut tx, &order_id, PaymentNews::Received, &at).await?;
    } else {
        if !pending {
            return Ok(VnpayOutcome::AlreadyConfirmed);
        }
        apply_in(&mut tx, &rows, PaymentEvent::ProviderFailed, &at, None).await?;
        cancel_unpaid_in(&mut tx, &order_id, now, &at).await?;
    }
    tx.commit().await?;
    Ok(VnpayOutcome::Recorded)
}

/// The payment failed: a still `placed` order is cancelled, its stock back on the shelf.
async fn cancel_unpaid_in(
    tx: &mut Transaction<'_, Any>,
    order_id: &str,
    now: DateTime<Utc>,
    at: &str,
) -> Result<(), OrderError> {
    let (status,): (String,) = sqlx::query_as(ORDER_STATUS)
        .bind(order_id)
        .fetch_one(&mut **tx)
        .await?;
    if status != OrderStatus::Placed.as_str() {
        return Ok(());
    }
    lock_orders_and_variants(tx, &[order_id.to_owned()], now).await?;
    let action = OrderAction::Cancel {
        reason: PAYMENT_FAILED_REASON.to_owned(),
    };
    transition_in(tx, order_id, &action, Party::System, None, now).await?;
    notices::payment_in(tx, order_id, PaymentNews::Failed, at).await?;
    Ok(())
}

/// An order's VNPay payment as the payment URL and the return page need it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VnpayOrder {
    pub order_no: String,
    pub amount: Vnd,
    pub status: PaymentStatus,
    pub order_status: OrderStatus,
    pub placed_at: DateTime<Utc>,
    pub pay_by: Option<DateTime<Utc>>,
}

#[tracing::instrument(skip_all, fields(order_no = %order_no))]
pub async fn vnpay_order(db: &Db, order_no: &str) -> Result<Option<VnpayOrder>, sqlx::Error> {
    let row: Option<(String, i64, String, String, String, Option<String>)> =
        sqlx::query_as(VNPAY_ORDER)
            .bind(order_no)
            .fetch_optional(db.pool())
            .await?;
    let Some((order_no, amount, status, order_status, placed_at, pay_by)) = row else {
        return Ok(None);
    };
    Ok(Some(VnpayOrder {
        amount: decode::vnd("payments.amount_vnd", &order_no, amount)?,
        status: decode::text_enum("payments.status", &order_no, &status, PaymentStatus::parse)?,
        order_status: decode::text_enum(
            "orders.status",
            &order_no,
            &order_status,
            OrderStatus::parse,
        )?,
        placed_at: decode::timestamp("orders.created_at", &order_no, &placed_at)?,
        pay_by: pay_by
            .map(|p| decode::timestamp("orders.pay_by", &order_no, &p))
            .transpose()?,
        order_no,
    }))
}

// The module's SQL, each statement prepared on both engines by the `sql` integration test.
crate::db::statements! {
    /// `move_in`: guarded by the status read, so a payment changed meanwhile stays.
    MOVE = "UPDATE payments SET status = $1, updated_at = $2 WHERE id = $3 AND status = $4";
    /// `paid_in`.
    PAID_IN = "UPDATE payments SET status = 'paid', paid_at = $1, updated_at = $1,
            provider_ref = COALESCE($2, provider_ref)
        WHERE id = $3 AND status = $4";
    /// `refunded_in`.
    REFUNDED_IN = "UPDATE payments SET status = 'refunded', updated_at = $1,
            refund_ref = COALESCE($2, refund_ref), refund_error = NULL, refund_next_try_at = NULL
        WHERE id = $3 AND status = 'refunding'";
    /// `paid_in`, `refund_confirmed`.
    ORDER_OF_PAYMENT = "SELECT o.id, o.status FROM payments p JOIN orders o ON o.id = p.order_id WHERE p.id = $1";
    /// `request_refund_in`.
    PAYMENTS_OF_ORDER = "SELECT id, method, status FROM payments WHERE order_id = $1 ORDER BY id";
    /// `history_in`: a step that leaves the order's status as it is.
    HISTORY_IN = "INSERT INTO order_status_history (id, order_id, from_status, to_status, actor_user_id, note, created_at)
        SELECT $1, id, status, status, $3, $4, $5 FROM orders WHERE id = $2";
    /// `refunds_due`.
    REFUNDS_DUE = "SELECT p.id, o.id, o.order_no, p.method, p.amount_vnd,
               CASE WHEN p.method = 'card' THEN cp.payment_intent ELSE p.provider_ref END,
               o.created_at, p.refund_attempts
        FROM payments p
        JOIN orders o ON o.id = p.order_id
        LEFT JOIN card_payments cp ON cp.checkout_id = o.checkout_id
        WHERE p.status = 'refunding' AND p.method IN ('card', 'vnpay')
          AND (p.refund_next_try_at IS NULL OR p.refund_next_try_at <= $1)
        ORDER BY p.updated_at, p.id LIMIT 100";
    /// `claim_refund`.
    CLAIM_REFUND = "UPDATE payments SET refund_next_try_at = $1
        WHERE id = $2 AND status = 'refunding'
          AND (refund_next_try_at IS NULL OR refund_next_try_at <= $3)";
    /// `refund_failed`, `refund_confirmed`.
    PAYMENT_ROW = "SELECT id, method, status FROM payments WHERE id = $1";
    /// `refund_failed`.
    REFUND_FAILED = "UPDATE payments SET refund_attempts = refund_attempts + 1, refund_error = $1,
            refund_next_try_at = $2
        WHERE id = $3 AND status = 'refunding'";
    /// `refund_transfer_by_hand`.
    OWED_BY_HAND = "SELECT id FROM payments WHERE order_id = $1 AND method = 'bank_transfer' AND status = 'refunding'";
    /// `open_refunds`.
    OPEN_REFUNDS = "SELECT p.id, o.order_no, p.method, p.amount_vnd, p.refund_attempts, p.refund_error,
               p.refund_next_try_at
        FROM payments p JOIN orders o ON o.id = p.order_id
        WHERE p.status = 'refunding'
        ORDER BY p.refund_attempts DESC, p.updated_at LIMIT 500";
    /// `retry_now`.
    RETRY_NOW = "UPDATE payments SET refund_next_try_at = NULL, updated_at = $1
        WHERE id = $2 AND status = 'refunding' AND method IN ('card', 'vnpay')";
    /// `vnpay_report`.
    VNPAY_PAYMENT = "SELECT p.id, o.id, p.amount_vnd FROM payments p JOIN orders o ON o.id = p.order_id
        WHERE o.order_no = $1 AND p.method = 'vnpay'";
    /// `vnpay_report`: a paid order no longer expires.
    VNPAY_CLEAR_PAY_BY = "UPDATE orders SET pay_by = NULL, updated_at = $1 WHERE id = $2 RETURNING status";
    /// `vnpay_report`.
    VNPAY_PAID_HISTORY = "INSERT INTO order_status_history (id, order_id, from_status, to_status, note, created_at)
        VALUES ($1, $2, $3, $3, 'payment_received', $4)";
    /// `cancel_unpaid_in`.
    ORDER_STATUS = "SELECT status FROM orders WHERE id = $1";
    /// `vnpay_order`.
    VNPAY_ORDER = "SELECT o.order_no, p.amount_vnd, p.status, o.status, o.created_at, o.pay_by
        FROM orders o JOIN payments p ON p.order_id = o.id
        WHERE o.order_no = $1 AND p.method = 'vnpay'";
}
