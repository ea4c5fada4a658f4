//! Card payments (one Stripe Checkout Session per checkout) as the database sees them: opening
//! one, applying the provider's events exactly once whatever their order, and the refunds owed
//! for cancelled orders that were paid.

use super::notices::PaymentNews;
use chrono::{DateTime, Utc};

use crate::{
    auth::storage::is_unique_violation,
    db::{
        Db, decode,
        locks::{Row, Stamp, lock_row},
    },
    domain::{money::Vnd, time::db_timestamp},
    shop::{
        rules::order::{OrderAction, Party, PaymentEvent},
        storage::orders::{
            OrderError, PaymentRow, apply_payment_event, lock_orders_and_variants, transition_in,
        },
    },
};

/// A card payment to open (or reopen) at the provider.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CardPayment {
    pub id: String,
    pub checkout_id: String,
    pub amount: Vnd,
    pub status: String,
    pub session_url: Option<String>,
    pub pay_by: DateTime<Utc>,
    /// The checkout's order numbers, for the payment's description.
    pub order_nos: Vec<String>,
}

#[tracing::instrument(skip_all, fields(checkout_id = %checkout_id))]
pub async fn find(db: &Db, checkout_id: &str) -> Result<Option<CardPayment>, sqlx::Error> {
    let row: Option<(String, String, i64, String, Option<String>, String)> =
        sqlx::query_as(FIND_SELECT_CARD_PAYMENTS)
            .bind(checkout_id)
            .fetch_optional(db.pool())
            .await?;
    let Some((id, checkout_id, amount, status, session_url, pay_by)) = row else {
        return Ok(None);
    };
    let order_nos: Vec<(String,)> = sqlx::query_as(FIND_SELECT_ORDERS)
        .bind(&checkout_id)
        .fetch_all(db.pool())
        .await?;
    Ok(Some(CardPayment {
        amount: decode::vnd("card_payments.amount_vnd", &id, amount)?,
        pay_by: decode::timestamp("card_payments.pay_by", &id, &pay_by)?,
        id,
        checkout_id,
        status,
        session_url,
        order_nos: order_nos.into_iter().map(|(n,)| n).collect(),
    }))
}

/// The checkout id behind an order number.
#[tracing::instrument(skip_all, fields(order_no = %order_no))]
pub async fn checkout_of(db: &Db, order_no: &str) -> Result<Option<String>, sqlx::Error> {
    let found: Option<(String,)> = sqlx::query_as(CHECKOUT_OF)
        .bind(order_no)
        .fetch_optional(db.pool())
        .await?;
    Ok(found.map(|(c,)| c))
}

/// The provider opened the payment page.
#[tracing::instrument(skip_all, fields(card_payment_id = %card_payment_id))]
pub async fn record_session(
    db: &Db,
    card_payment_id: &str,
    session_id: &str,
    url: &str,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query(RECORD_SESSION)
        .bind(session_id)
        .bind(url)
        .bind(db_timestamp(now))
        .bind(card_payment_id)
        .execute(db.pool())
        .await
        .map(|_| ())
}

/// What a provider event says happened.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CardEventKind {
    Paid,
    /// Completed, but the money has not arrived yet (a delayed method): wait for the next event.
    Pending,
    Failed,
    Expired,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CardEvent {
    pub event_id: String,
    pub event_type: String,
    pub kind: CardEventKind,
    pub session_id: String,
    /// From the session's metadata.
    pub checkout_id: Option<String>,
    pub payment_intent: Option<String>,
    /// In the currency's smallest unit: dong (VND is zero-decimal).
    pub amount: i64,
    pub currency: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventOutcome {
    Applied,
    /// Seen before: nothing done again.
    Duplicate,
    /// Recorded, but it changes nothing (e.g. an expiry after the payment went through).
    Ignored,
}

#[derive(Debug, thiserror::Error)]
pub enum CardEventError {
    #[error("no card payment has this session")]
    UnknownPayment,
    #[error("the event pays {got} {currency}, the checkout costs {expected} VND")]
    AmountMismatch {
        expected: i64,
        got: i64,
        currency: String,
    },
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

impl From<OrderError> for CardEventError {
    fn from(e: OrderError) -> Self {
        match e {
            OrderError::Db(e) => CardEventError::Db(e),
            // Only `Placed` orders are cancelled here, which the state machine always allows.
            other => CardEventError::Db(sqlx::Error::Protocol(other.to_string())),
        }
    }
}

/// Applies one provider event, exactly once: the event id is recorded in the same transaction
/// as its effects, so a redelivery finds it and does nothing, and a failure records nothing,
/// so the provider's retry completes it.
#[tracing::instrument(skip_all)]
pub async fn apply_event(
    db: &Db,
    event: &CardEvent,
    now: DateTime<Utc>,
) -> Result<EventOutcome, CardEventError> {
    let at = db_timestamp(now);
    let mut tx = db.begin_write().await?;
    let recorded = sqlx::query(APPLY_EVENT_INSERT_PAYMENT_EVENTS)
        .bind(&event.event_id)
        .bind(&event.event_type)
        .bind(&at)
        .execute(&mut *tx)
        .await;
    match recorded {
        Err(e) if is_unique_violation(&e) => return Ok(EventOutcome::Duplicate),
        other => other?,
    };
    let found: Option<(String, String, i64, String)> =
        sqlx::query_as(APPLY_EVENT_SELECT_CARD_PAYMENTS)
            .bind(&event.session_id)
            .bind(event.checkout_id.as_deref().unwrap_or(""))
            .fetch_optional(&mut *tx)
            .await?;
    let Some((id, checkout_id, expected, _)) = found else {
        return Err(CardEventError::UnknownPayment);
    };
    // Lock the payment, then read its status as it is now.
    lock_row(&mut tx, Row::CardPayment(&id), Stamp::UpdatedAt(&at)).await?;
    let (status,): (String,) = sqlx::query_as(APPLY_EVENT_SELECT_CARD_PAYMENTS_2)
        .bind(&id)
        .fetch_one(&mut *tx)
        .await?;
    if status == "paid" {
        // Paid is final: a late expiry or failure must not undo it.
        tx.commit().await?;
        return Ok(EventOutcome::Ignored);
    }
    let outcome = match event.kind {
        CardEventKind::Pending => EventOutcome::Ignored,
        CardEventKind::Paid => {
            if event.amount != expected || !event.currency.eq_ignore_ascii_case("vnd") {
                return Err(CardEventError::AmountMismatch {
                    expected,
                    got: event.amount,
                    currency: event.currency.clone(),
                });
            }
            sqlx::query(APPLY_EVENT_UPDATE_CARD_PAYMENTS_2)
                .bind(&at)
                .bind(event.payment_intent.as_deref().unwrap_or(&event.session_id))
                .bind(&event.session_id)
                .bind(&id)
                .execute(&mut *tx)
                .await?;
            // Orders already cancelled (it expired first) are paid too: the refund task gives
            // that money back.
            let rows: Vec<PaymentRow> = sqlx::query_as(APPLY_EVENT_SELECT_PAYMENTS)
                .bind(&checkout_id)
                .fetch_all(&mut *tx)
                .await?;
            apply_payment_event(&mut tx, &rows, PaymentEvent::ProviderConfirmed, &at, None).await?;
            let open: Vec<(String, String)> = sqlx::query_as(APPLY_EVENT_SELECT_ORDERS)
                .bind(&checkout_id)
                .fetch_all(&mut *tx)
                .await?;
            for (order_id, order_status) in open {
                sqlx::query(APPLY_EVENT_UPDATE_ORDERS)
                    .bind(&at)
                    .bind(&order_id)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query(APPLY_EVENT_INSERT_ORDER_STATUS_HISTORY)
                    .bind(crate::db::ids::new_id())
                    .bind(&order_id)
                    .bind(&order_status)
                    .bind(&at)
                    .execute(&mut *tx)
                    .await?;
                super::notices::payment_in(&mut tx, &order_id, PaymentNews::Received, &at).await?;
            }
            // Every order of the checkout was paid (cancelled ones too: their refund undoes it).
            let paid: Vec<(String,)> = sqlx::query_as(APPLY_EVENT_SELECT_ORDERS_3)
                .bind(&checkout_id)
                .fetch_all(&mut *tx)
                .await?;
            for (order_id,) in paid {
                crate::ledger::storage::order_paid_in(&mut tx, &order_id, None, &at).await?;
            }
            EventOutcome::Applied
        }
        CardEventKind::Failed | CardEventKind::Expired => {
            let (new_status, reason) = if event.kind == CardEventKind::Failed {
                ("failed", super::orders::PAYMENT_FAILED_REASON)
            } else {
                ("expired", super::orders::EXPIRED_REASON)
            };
            sqlx::query(APPLY_EVENT_UPDATE_CARD_PAYMENTS_3)
                .bind(new_status)
                .bind(&id)
                .execute(&mut *tx)
                .await?;
            let placed: Vec<(String,)> = sqlx::query_as(APPLY_EVENT_SELECT_ORDERS_2)
                .bind(&checkout_id)
                .fetch_all(&mut *tx)
                .await?;
            let placed: Vec<String> = placed.into_iter().map(|(id,)| id).collect();
            lock_orders_and_variants(&mut tx, &placed, now).await?;
            let action = OrderAction::Cancel {
                reason: reason.to_owned(),
            };
            for order_id in placed {
                transition_in(&mut tx, &order_id, &action, Party::System, None, now).await?;
                if event.kind == CardEventKind::Failed {
                    super::notices::payment_in(&mut tx, &order_id, PaymentNews::Failed, &at)
                        .await?;
                }
            }
            EventOutcome::Applied
        }
    };
    tx.commit().await?;
    Ok(outcome)
}

/// A paid share of a cancelled or returned order, to give back (card or VNPay).
pub use crate::payments::storage::RefundDue;

// The module's SQL, each statement prepared on both engines by the `sql` integration test.
crate::db::statements! {
    /// `find`.
    FIND_SELECT_CARD_PAYMENTS = "SELECT id, checkout_id, amount_vnd, status, session_url, pay_by
        FROM card_payments WHERE checkout_id = $1";
    /// `find`.
    FIND_SELECT_ORDERS = "SELECT order_no FROM orders WHERE checkout_id = $1 ORDER BY order_no";
    /// `checkout_of`.
    CHECKOUT_OF = "SELECT checkout_id FROM orders WHERE order_no = $1";
    /// `record_session`.
    RECORD_SESSION = "UPDATE card_payments SET session_id = $1, session_url = $2, status = 'open', updated_at = $3
        WHERE id = $4 AND status IN ('creating', 'open')";
    /// `apply_event`.
    APPLY_EVENT_INSERT_PAYMENT_EVENTS = "INSERT INTO payment_events (provider, event_id, event_type, received_at)
        VALUES ('stripe', $1, $2, $3)";
    /// `apply_event`.
    APPLY_EVENT_SELECT_CARD_PAYMENTS = "SELECT id, checkout_id, amount_vnd, status FROM card_payments
        WHERE session_id = $1 OR checkout_id = $2";
    /// `apply_event`.
    APPLY_EVENT_SELECT_CARD_PAYMENTS_2 = "SELECT status FROM card_payments WHERE id = $1";
    /// `apply_event`.
    APPLY_EVENT_UPDATE_CARD_PAYMENTS_2 = "UPDATE card_payments SET status = 'paid', paid_at = $1, payment_intent = $2,
           session_id = COALESCE(session_id, $3)
        WHERE id = $4";
    /// `apply_event`.
    APPLY_EVENT_SELECT_PAYMENTS = "SELECT id, method, status FROM payments
        WHERE order_id IN (SELECT id FROM orders WHERE checkout_id = $1) ORDER BY id";
    /// `apply_event`.
    APPLY_EVENT_SELECT_ORDERS = "SELECT id, status FROM orders WHERE checkout_id = $1 AND pay_by IS NOT NULL";
    /// `apply_event`.
    APPLY_EVENT_UPDATE_ORDERS = "UPDATE orders SET pay_by = NULL, updated_at = $1 WHERE id = $2";
    /// `apply_event`.
    APPLY_EVENT_INSERT_ORDER_STATUS_HISTORY = "INSERT INTO order_status_history (id, order_id, from_status, to_status, note, created_at)
        VALUES ($1, $2, $3, $3, 'payment_received', $4)";
    /// `apply_event`.
    APPLY_EVENT_UPDATE_CARD_PAYMENTS_3 = "UPDATE card_payments SET status = $1 WHERE id = $2";
    /// `apply_event`.
    APPLY_EVENT_SELECT_ORDERS_2 = "SELECT id FROM orders WHERE checkout_id = $1 AND status = 'placed'";
    /// `apply_event`: the checkout's orders, for the ledger.
    APPLY_EVENT_SELECT_ORDERS_3 = "SELECT id FROM orders WHERE checkout_id = $1 ORDER BY id";
}
