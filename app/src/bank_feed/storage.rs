//! Bank credits in the database: each stored once per provider id, matched to the order its
//! description names in the same transaction (marking it paid and posting the ledger), or
//! queued; and what people do with the queue.
//!
//! Lock order: the credit's row, then the order's (see crate::db for the rest of the order).

use chrono::{DateTime, Utc};
use sqlx::{Any, Transaction};

use super::{
    model::{IncomingCredit, QueuedCredit},
    rules::{
        AlreadyResolved, CreditDecision, CreditStatus, OrderPayState, QueueAction, QueueReason,
        decide, order_numbers_in, resolve,
    },
};
use crate::{
    auth::Actor,
    db::{
        Db, decode,
        ids::new_id,
        locks::{Row, Stamp, lock_row},
    },
    domain::time::db_timestamp,
    ledger::{model::BankReference, rules::Collector, storage as ledger},
    shop::storage::orders::{OrderError, settle_transfer_in},
};

/// What a credit did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Received {
    /// Seen before (a replayed webhook): nothing changed.
    Duplicate,
    /// Paid this order.
    Paid { order_no: String },
    /// Waits in the queue.
    Queued(QueueReason),
}

fn order_error(e: OrderError) -> sqlx::Error {
    match e {
        OrderError::Db(e) => e,
        other => sqlx::Error::Protocol(other.to_string()),
    }
}

/// The order a credit names, with what paying it needs.
struct Named {
    id: String,
    order_no: String,
    producer_id: String,
    total: i64,
    state: OrderPayState,
}

/// The first of `order_nos` that is an order, locked, with where it stands.
async fn named_order(
    tx: &mut Transaction<'_, Any>,
    order_nos: &[String],
    at: &str,
) -> Result<Option<Named>, sqlx::Error> {
    for no in order_nos {
        let found: Option<(String,)> = sqlx::query_as(ORDER_ID)
            .bind(no)
            .fetch_optional(&mut **tx)
            .await?;
        let Some((id,)) = found else { continue };
        lock_row(tx, Row::Order(&id), Stamp::UpdatedAt(at)).await?;
        let (producer_id, total, status, method, pending): (String, i64, String, String, i64) =
            sqlx::query_as(ORDER_STATE)
                .bind(&id)
                .fetch_one(&mut **tx)
                .await?;
        let state = match status.as_str() {
            "cancelled" | "refunded" => OrderPayState::Closed,
            "placed" | "confirmed" if method == "bank_transfer" && pending > 0 => {
                OrderPayState::AwaitingTransfer
            }
            _ => OrderPayState::NotAwaiting,
        };
        return Ok(Some(Named {
            id,
            order_no: no.clone(),
            producer_id,
            total,
            state,
        }));
    }
    Ok(None)
}

/// Stores a credit reported by `provider` and acts on it, all in one transaction: a replay
/// finds its row and does nothing, a failure stores nothing (the provider retries).
#[tracing::instrument(skip_all, fields(provider, provider_id = %credit.provider_id))]
pub async fn receive(
    db: &Db,
    provider: &str,
    credit: &IncomingCredit,
    now: DateTime<Utc>,
) -> Result<Received, sqlx::Error> {
    let at = db_timestamp(now);
    let id = new_id();
    let mut tx = db.begin_write().await?;
    // Stored first as waiting: a concurrent replay waits on the unique key, then does nothing.
    let stored = sqlx::query(INSERT_CREDIT)
        .bind(&id)
        .bind(provider)
        .bind(&credit.provider_id)
        .bind(credit.amount.dong())
        .bind(&credit.description)
        .bind(credit.bank_ref.as_deref())
        .bind(credit.account_no.as_deref())
        .bind(credit.transacted_at.as_deref())
        .bind(&at)
        .execute(&mut *tx)
        .await?;
    if stored.rows_affected() == 0 {
        return Ok(Received::Duplicate);
    }
    let named = named_order(&mut tx, &order_numbers_in(&credit.description), &at).await?;
    // The order to pay, or why the credit waits.
    let verdict: Result<&Named, QueueReason> = match &named {
        Some(o) => match decide(o.state, o.total, credit.amount.dong()) {
            CreditDecision::Pay => Ok(o),
            CreditDecision::Queue(reason) => Err(reason),
        },
        None => Err(QueueReason::UnknownReference),
    };
    let outcome = match verdict {
        Ok(order) => {
            settle_transfer_in(&mut tx, &order.id, None, now)
                .await
                .map_err(order_error)?;
            // The feed watches the marketplace's account: the marketplace holds this money.
            ledger::order_paid_in(&mut tx, &order.id, Some(Collector::Marketplace), &at).await?;
            sqlx::query(SET_MATCHED)
                .bind(&order.id)
                .bind(&order.producer_id)
                .bind(&id)
                .execute(&mut *tx)
                .await?;
            Received::Paid {
                order_no: order.order_no.clone(),
            }
        }
        Err(reason) => {
            let producer_id = named.as_ref().map(|o| o.producer_id.as_str());
            sqlx::query(SET_QUEUED)
                .bind(reason.as_str())
                .bind(named.as_ref().map(|o| o.id.as_str()))
                .bind(producer_id)
                .bind(&id)
                .execute(&mut *tx)
                .await?;
            ledger::credit_held_in(&mut tx, &id, producer_id, credit.amount.dong(), &at).await?;
            Received::Queued(reason)
        }
    };
    tx.commit().await?;
    Ok(outcome)
}

/// Whose credits a person sees and handles: administrators and officers all of them; a
/// producer's people those naming one of its orders.
pub fn may_handle(actor: &Actor, producer_id: Option<&str>) -> bool {
    actor.admin || actor.is_officer() || producer_id.is_some_and(|p| actor.member_role(p).is_some())
}

#[tracing::instrument(skip_all)]
pub async fn queue(db: &Db, actor: &Actor) -> Result<Vec<QueuedCredit>, sqlx::Error> {
    type QueueRow = (
        String,
        String,
        i64,
        String,
        Option<String>,
        Option<String>,
        Option<String>,
        Option<String>,
        String,
        Option<String>,
    );
    let rows: Vec<QueueRow> = sqlx::query_as(QUEUE).fetch_all(db.pool()).await?;
    let mut out = vec![];
    for (
        id,
        received_at,
        amount,
        description,
        bank_ref,
        order_no,
        producer_id,
        reason,
        status,
        refund_ref,
    ) in rows
    {
        if !may_handle(actor, producer_id.as_deref()) {
            continue;
        }
        out.push(QueuedCredit {
            amount: decode::vnd("bank_credits.amount_vnd", &id, amount)?,
            reason: reason
                .map(|r| decode::text_enum("bank_credits.reason", &id, &r, QueueReason::parse))
                .transpose()?,
            status: decode::text_enum("bank_credits.status", &id, &status, CreditStatus::parse)?,
            id,
            received_at,
            description,
            bank_ref,
            order_no,
            refund_ref,
        });
    }
    Ok(out)
}

/// Why a person's action on a credit was refused.
#[derive(Debug, thiserror::Error)]
pub enum QueueError {
    #[error("no such credit")]
    NotFound,
    #[error("not allowed")]
    Forbidden,
    #[error(transparent)]
    AlreadyResolved(#[from] AlreadyResolved),
    #[error("no such order")]
    UnknownOrder,
    #[error("this order is not waiting for a bank transfer")]
    NotPayable,
    #[error("the credit is {paid} dong, the order owes {owed}")]
    AmountDiffers { owed: i64, paid: i64 },
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

impl QueueError {
    pub fn code(&self) -> &'static str {
        match self {
            QueueError::NotFound => "not_found",
            QueueError::Forbidden => "forbidden",
            QueueError::AlreadyResolved(_) => "credit_resolved",
            QueueError::UnknownOrder => "unknown_order",
            QueueError::NotPayable => "order_not_payable",
            QueueError::AmountDiffers { .. } => "amount_differs",
            QueueError::Db(_) => "internal",
        }
    }
}

/// A credit, locked, and whether this actor may act on it.
async fn locked_credit(
    tx: &mut Transaction<'_, Any>,
    credit_id: &str,
    actor: &Actor,
) -> Result<(i64, Option<String>, CreditStatus), QueueError> {
    let locked = sqlx::query(LOCK_CREDIT)
        .bind(credit_id)
        .execute(&mut **tx)
        .await?;
    if locked.rows_affected() == 0 {
        return Err(QueueError::NotFound);
    }
    let (amount, producer_id, status): (i64, Option<String>, String) = sqlx::query_as(CREDIT)
        .bind(credit_id)
        .fetch_one(&mut **tx)
        .await?;
    if !may_handle(actor, producer_id.as_deref()) {
        return Err(QueueError::Forbidden);
    }
    let status = decode::text_enum(
        "bank_credits.status",
        credit_id,
        &status,
        CreditStatus::parse,
    )?;
    Ok((amount, producer_id, status))
}

/// Matches a waiting credit to an order by hand: the order is marked paid when the amounts
/// agree and it still waits for a transfer.
#[tracing::instrument(skip_all, fields(credit_id = %credit_id, order_no = %order_no))]
pub async fn match_by_hand(
    db: &Db,
    credit_id: &str,
    order_no: &str,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<(), QueueError> {
    let at = db_timestamp(now);
    let mut tx = db.begin_write().await?;
    let (amount, _, status) = locked_credit(&mut tx, credit_id, actor).await?;
    let to = resolve(status, QueueAction::Match)?;
    let order_no = order_no.trim().to_ascii_uppercase();
    let Some(order) = named_order(&mut tx, std::slice::from_ref(&order_no), &at).await? else {
        return Err(QueueError::UnknownOrder);
    };
    // A producer's people match only to their own orders.
    if !may_handle(actor, Some(&order.producer_id)) {
        return Err(QueueError::Forbidden);
    }
    if order.state != OrderPayState::AwaitingTransfer {
        return Err(QueueError::NotPayable);
    }
    if order.total != amount {
        return Err(QueueError::AmountDiffers {
            owed: order.total,
            paid: amount,
        });
    }
    settle_transfer_in(&mut tx, &order.id, Some(&actor.user_id), now)
        .await
        .map_err(order_error)?;
    ledger::credit_matched_in(&mut tx, credit_id, &order.id, &actor.user_id, &at).await?;
    sqlx::query(SET_RESOLVED)
        .bind(to.as_str())
        .bind(&order.id)
        .bind(&order.producer_id)
        .bind(&actor.user_id)
        .bind(None::<&str>)
        .bind(&at)
        .bind(credit_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// Records that a waiting credit was sent back by hand, with the transfer's reference.
#[tracing::instrument(skip_all, fields(credit_id = %credit_id))]
pub async fn refund_by_hand(
    db: &Db,
    credit_id: &str,
    reference: &BankReference,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<(), QueueError> {
    let at = db_timestamp(now);
    let mut tx = db.begin_write().await?;
    let (amount, producer_id, status) = locked_credit(&mut tx, credit_id, actor).await?;
    let to = resolve(status, QueueAction::Refund)?;
    ledger::credit_refunded_in(
        &mut tx,
        credit_id,
        producer_id.as_deref(),
        amount,
        reference.as_str(),
        &actor.user_id,
        &at,
    )
    .await?;
    sqlx::query(SET_RESOLVED)
        .bind(to.as_str())
        .bind(None::<&str>)
        .bind(producer_id.as_deref())
        .bind(&actor.user_id)
        .bind(reference.as_str())
        .bind(&at)
        .bind(credit_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

// The module's SQL, each statement prepared on both engines by the `sql` integration test.
crate::db::statements! {
    /// `receive`.
    INSERT_CREDIT = "INSERT INTO bank_credits (id, provider, provider_id, amount_vnd, description, bank_ref,
            account_no, transacted_at, received_at, status, reason)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'unmatched', 'unknown_reference')
        ON CONFLICT (provider, provider_id) DO NOTHING";
    /// `named_order`.
    ORDER_ID = "SELECT id FROM orders WHERE order_no = $1";
    /// `named_order`.
    ORDER_STATE = "SELECT o.producer_id, o.total_vnd, o.status, o.payment_method,
            (SELECT COUNT(*) FROM payments p WHERE p.order_id = o.id AND p.status = 'pending')
        FROM orders o WHERE o.id = $1";
    /// `receive`.
    SET_MATCHED = "UPDATE bank_credits SET status = 'matched', reason = NULL, order_id = $1, producer_id = $2
        WHERE id = $3";
    /// `receive`.
    SET_QUEUED = "UPDATE bank_credits SET reason = $1, order_id = $2, producer_id = $3 WHERE id = $4";
    /// `queue`: what waits first, then what was dealt with, newest first.
    QUEUE = "SELECT c.id, c.received_at, c.amount_vnd, c.description, c.bank_ref, o.order_no, c.producer_id,
            c.reason, c.status, c.refund_ref
        FROM bank_credits c LEFT JOIN orders o ON o.id = c.order_id
        WHERE c.status <> 'matched'
        ORDER BY CASE WHEN c.status = 'unmatched' THEN 0 ELSE 1 END, c.received_at DESC LIMIT 500";
    /// `locked_credit`: the row locked, left as it is.
    LOCK_CREDIT = "UPDATE bank_credits SET id = id WHERE id = $1";
    /// `locked_credit`.
    CREDIT = "SELECT amount_vnd, producer_id, status FROM bank_credits WHERE id = $1";
    /// `match_by_hand`, `refund_by_hand`.
    SET_RESOLVED = "UPDATE bank_credits SET status = $1, order_id = COALESCE($2, order_id), producer_id = $3,
            resolved_by = $4, refund_ref = $5, resolved_at = $6, reason = reason
        WHERE id = $7";
}
