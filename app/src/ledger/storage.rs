//! The settlement ledger in the database: postings written inside the transaction of the
//! event they record (a payment, a refund, a payout, a bank credit), each event at most once,
//! and the figures read back from them (balances, statements, the withholding report).

use chrono::{DateTime, Utc};
use sqlx::AnyConnection;

use super::rules::{
    Account, Collector, EntryKind, Line, PaidOrder, Posting, PostingError, Rate, Rates, SellerKind,
    balance_owed, credit_refund_posting, matched_credit_postings, payment_postings, payout_posting,
    refund_posting, unmatched_credit_posting,
};
use crate::{
    db::{Db, decode, ids::new_id},
    domain::time::db_timestamp,
};

fn posting_error(e: PostingError) -> sqlx::Error {
    sqlx::Error::Protocol(format!("ledger: {e}"))
}

/// Who a posting concerns and why.
struct Meta<'a> {
    /// The event, unique per kind (an order id, a credit id, a payout id).
    source: &'a str,
    producer_id: Option<&'a str>,
    order_id: Option<&'a str>,
    reference: Option<&'a str>,
    created_by: Option<&'a str>,
    at: &'a str,
}

/// Writes `posting` unless this event already posted one of its kind. Returns whether it wrote.
async fn write_in(
    conn: &mut AnyConnection,
    posting: &Posting,
    meta: &Meta<'_>,
) -> Result<bool, sqlx::Error> {
    if posting.is_empty() {
        return Ok(false);
    }
    let id = new_id();
    // ON CONFLICT, not a caught unique violation: on PostgreSQL that would abort the caller's
    // transaction.
    let done = sqlx::query(INSERT_POSTING)
        .bind(&id)
        .bind(posting.kind().as_str())
        .bind(meta.source)
        .bind(meta.producer_id)
        .bind(meta.order_id)
        .bind(meta.reference)
        .bind(meta.created_by)
        .bind(meta.at)
        .execute(&mut *conn)
        .await?;
    if done.rows_affected() == 0 {
        return Ok(false);
    }
    for line in posting.lines() {
        sqlx::query(INSERT_LINE)
            .bind(new_id())
            .bind(&id)
            .bind(line.account.as_str())
            .bind(line.amount)
            .execute(&mut *conn)
            .await?;
    }
    Ok(true)
}

/// The rates in force: site settings `ledger_fee_bp`, `ledger_vat_bp`, `ledger_pit_bp` (basis
/// points); a missing or malformed one keeps its default (see [`Rates::default`]).
pub(crate) async fn rates_in(conn: &mut AnyConnection) -> Result<Rates, sqlx::Error> {
    let rows: Vec<(String, String)> = sqlx::query_as(RATES).fetch_all(&mut *conn).await?;
    let mut rates = Rates::default();
    for (key, value) in rows {
        let Some(rate) = value.trim().parse().ok().and_then(Rate::from_basis_points) else {
            tracing::warn!(%key, %value, "a ledger rate setting is not 0 to 10000 basis points");
            continue;
        };
        match key.as_str() {
            "ledger_fee_bp" => rates.marketplace_fee = rate,
            "ledger_vat_bp" => rates.vat = rate,
            _ => rates.pit = rate,
        }
    }
    Ok(rates)
}

/// The rates in force, for pages.
pub async fn rates(db: &Db) -> Result<Rates, sqlx::Error> {
    let mut conn = db.pool().acquire().await?;
    rates_in(&mut conn).await
}

/// An order as its payment posts it, and its producer.
async fn paid_order(
    conn: &mut AnyConnection,
    order_id: &str,
    collector: Option<Collector>,
) -> Result<(PaidOrder, String), sqlx::Error> {
    let (subtotal, shipping, method, producer_id, kind, own_account): (
        i64,
        i64,
        String,
        String,
        String,
        Option<String>,
    ) = sqlx::query_as(PAID_ORDER)
        .bind(order_id)
        .fetch_one(&mut *conn)
        .await?;
    // Who holds the money, unless the caller knows: cards land with the marketplace; cash is
    // collected by the producer's own carrier account; a transfer goes to the producer's own
    // bank account when it has one (see shop::storage::bank).
    let collector = collector.unwrap_or(match method.as_str() {
        "card" | "vnpay" => Collector::Marketplace,
        "bank_transfer" if own_account.is_none() => Collector::Marketplace,
        _ => Collector::Producer,
    });
    Ok((
        PaidOrder {
            subtotal,
            shipping,
            collector,
            seller: SellerKind::of_producer_kind(&kind),
        },
        producer_id,
    ))
}

/// The order's money arrived: its payment, carrier fee, marketplace fee and taxes withheld.
/// Once per order, whoever calls.
#[tracing::instrument(skip_all, fields(order_id = %order_id))]
pub(crate) async fn order_paid_in(
    tx: &mut AnyConnection,
    order_id: &str,
    collector: Option<Collector>,
    at: &str,
) -> Result<(), sqlx::Error> {
    let rates = rates_in(tx).await?;
    let (order, producer_id) = paid_order(tx, order_id, collector).await?;
    let meta = Meta {
        source: order_id,
        producer_id: Some(&producer_id),
        order_id: Some(order_id),
        reference: None,
        created_by: None,
        at,
    };
    for posting in payment_postings(&order, &rates).map_err(posting_error)? {
        write_in(tx, &posting, &meta).await?;
    }
    Ok(())
}

/// The order's money went back to the buyer: everything it posted is undone.
#[tracing::instrument(skip_all, fields(order_id = %order_id))]
pub(crate) async fn order_refunded_in(
    tx: &mut AnyConnection,
    order_id: &str,
    reference: Option<&str>,
    at: &str,
) -> Result<(), sqlx::Error> {
    let rows: Vec<(String, i64)> = sqlx::query_as(ORDER_LINES)
        .bind(order_id)
        .fetch_all(&mut *tx)
        .await?;
    let lines = rows
        .into_iter()
        .map(|(account, amount)| {
            Ok(Line {
                account: decode::text_enum("ledger_lines.account", order_id, &account, |a| {
                    Account::parse(a)
                })?,
                amount,
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    let (producer_id,): (String,) = sqlx::query_as(ORDER_PRODUCER)
        .bind(order_id)
        .fetch_one(&mut *tx)
        .await?;
    let posting = refund_posting(&lines).map_err(posting_error)?;
    write_in(
        tx,
        &posting,
        &Meta {
            source: order_id,
            producer_id: Some(&producer_id),
            order_id: Some(order_id),
            reference,
            created_by: None,
            at,
        },
    )
    .await?;
    Ok(())
}

/// A bank credit that paid no order: the marketplace holds it.
pub(crate) async fn credit_held_in(
    tx: &mut AnyConnection,
    credit_id: &str,
    producer_id: Option<&str>,
    amount: i64,
    at: &str,
) -> Result<(), sqlx::Error> {
    let posting = unmatched_credit_posting(amount).map_err(posting_error)?;
    write_in(
        tx,
        &posting,
        &Meta {
            source: credit_id,
            producer_id,
            order_id: None,
            reference: None,
            created_by: None,
            at,
        },
    )
    .await?;
    Ok(())
}

/// A held credit was matched by hand to this order: it becomes the order's payment.
pub(crate) async fn credit_matched_in(
    tx: &mut AnyConnection,
    credit_id: &str,
    order_id: &str,
    actor_user_id: &str,
    at: &str,
) -> Result<(), sqlx::Error> {
    let rates = rates_in(tx).await?;
    let (order, producer_id) = paid_order(tx, order_id, Some(Collector::Marketplace)).await?;
    for posting in matched_credit_postings(&order, &rates).map_err(posting_error)? {
        let source = if posting.kind() == EntryKind::CreditMatched {
            credit_id
        } else {
            order_id
        };
        write_in(
            tx,
            &posting,
            &Meta {
                source,
                producer_id: Some(&producer_id),
                order_id: Some(order_id),
                reference: Some(credit_id),
                created_by: Some(actor_user_id),
                at,
            },
        )
        .await?;
    }
    Ok(())
}

/// A held credit was sent back to whoever sent it.
pub(crate) async fn credit_refunded_in(
    tx: &mut AnyConnection,
    credit_id: &str,
    producer_id: Option<&str>,
    amount: i64,
    reference: &str,
    actor_user_id: &str,
    at: &str,
) -> Result<(), sqlx::Error> {
    let posting = credit_refund_posting(amount).map_err(posting_error)?;
    write_in(
        tx,
        &posting,
        &Meta {
            source: credit_id,
            producer_id,
            order_id: None,
            reference: Some(reference),
            created_by: Some(actor_user_id),
            at,
        },
    )
    .await?;
    Ok(())
}

/// A producer and what the marketplace owes it now.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Balance {
    pub producer_id: String,
    pub producer_name: String,
    /// Dong; negative when the producer owes the marketplace (fees on money it collected).
    pub owed: i64,
}

/// Every producer with ledger entries, and its balance.
#[tracing::instrument(skip_all)]
pub async fn balances(db: &Db) -> Result<Vec<Balance>, sqlx::Error> {
    let rows: Vec<(String, String, i64)> = sqlx::query_as(BALANCES).fetch_all(db.pool()).await?;
    Ok(rows
        .into_iter()
        .map(|(producer_id, producer_name, sum)| Balance {
            producer_id,
            producer_name,
            owed: balance_owed(sum),
        })
        .collect())
}

async fn balance_in(conn: &mut AnyConnection, producer_id: &str) -> Result<i64, sqlx::Error> {
    let (sum,): (i64,) = sqlx::query_as(BALANCE)
        .bind(producer_id)
        .fetch_one(&mut *conn)
        .await?;
    Ok(balance_owed(sum))
}

/// What a producer is owed now.
pub async fn balance(db: &Db, producer_id: &str) -> Result<i64, sqlx::Error> {
    let mut conn = db.pool().acquire().await?;
    balance_in(&mut conn, producer_id).await
}

#[derive(Debug, thiserror::Error)]
pub enum PayoutError {
    #[error("no such producer")]
    UnknownProducer,
    #[error("the payout is more than the {owed} dong owed")]
    MoreThanOwed { owed: i64 },
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

/// An administrator paid a producer `amount` (bank reference `reference`): recorded once per
/// payout id, never more than what is owed.
#[tracing::instrument(skip_all, fields(producer_id = %producer_id, amount))]
pub async fn record_payout(
    db: &Db,
    producer_id: &str,
    amount: crate::domain::money::Vnd,
    reference: &super::model::BankReference,
    admin_user_id: &str,
    now: DateTime<Utc>,
) -> Result<String, PayoutError> {
    let at = db_timestamp(now);
    let mut tx = db.begin_write().await?;
    // Two payouts of one producer wait for each other, so neither reads a stale balance.
    let locked = sqlx::query(LOCK_PRODUCER)
        .bind(producer_id)
        .execute(&mut *tx)
        .await?;
    if locked.rows_affected() == 0 {
        return Err(PayoutError::UnknownProducer);
    }
    let owed = balance_in(&mut tx, producer_id).await?;
    if amount.dong() > owed {
        return Err(PayoutError::MoreThanOwed { owed });
    }
    let id = new_id();
    let posting = payout_posting(amount.dong()).map_err(posting_error)?;
    write_in(
        &mut tx,
        &posting,
        &Meta {
            source: &id,
            producer_id: Some(producer_id),
            order_id: None,
            reference: Some(reference.as_str()),
            created_by: Some(admin_user_id),
            at: &at,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// One line of a producer's monthly statement.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct StatementLine {
    pub posted_at: String,
    pub kind: EntryKind,
    pub order_no: Option<String>,
    pub reference: Option<String>,
    /// What this entry adds to the balance owed (negative: takes from it).
    pub amount: i64,
}

/// A producer's month: the balance before, every entry, the balance after.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Statement {
    pub producer_name: String,
    pub month: super::model::Month,
    pub opening: i64,
    pub lines: Vec<StatementLine>,
    pub closing: i64,
}

#[tracing::instrument(skip_all, fields(producer_id = %producer_id))]
pub async fn statement(
    db: &Db,
    producer_id: &str,
    month: super::model::Month,
) -> Result<Option<Statement>, sqlx::Error> {
    let name: Option<(String,)> = sqlx::query_as(PRODUCER_NAME)
        .bind(producer_id)
        .fetch_optional(db.pool())
        .await?;
    let Some((producer_name,)) = name else {
        return Ok(None);
    };
    let (from, to) = month.bounds();
    let (before,): (i64,) = sqlx::query_as(BALANCE_BEFORE)
        .bind(producer_id)
        .bind(db_timestamp(from))
        .fetch_one(db.pool())
        .await?;
    // (posted at, kind, order number, reference, sum of its payable lines)
    type Row = (String, String, Option<String>, Option<String>, i64);
    let rows: Vec<Row> = sqlx::query_as(STATEMENT)
        .bind(producer_id)
        .bind(db_timestamp(from))
        .bind(db_timestamp(to))
        .fetch_all(db.pool())
        .await?;
    let opening = balance_owed(before);
    let mut closing = opening;
    let mut lines = vec![];
    for (posted_at, kind, order_no, reference, sum) in rows {
        let kind = decode::text_enum("ledger_postings.kind", &posted_at, &kind, EntryKind::parse)?;
        let amount = balance_owed(sum);
        closing += amount;
        lines.push(StatementLine {
            posted_at,
            kind,
            order_no,
            reference,
            amount,
        });
    }
    Ok(Some(Statement {
        producer_name,
        month,
        opening,
        lines,
        closing,
    }))
}

/// One household seller's line of the monthly withholding report.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct WithholdingLine {
    pub producer_id: String,
    pub producer_name: String,
    /// Revenue the taxes were withheld on (refunded sales taken off).
    pub revenue: i64,
    pub vat: i64,
    pub pit: i64,
}

/// What was withheld from each seller in `month`, net of refunds.
#[tracing::instrument(skip_all)]
pub async fn withholding_report(
    db: &Db,
    month: super::model::Month,
) -> Result<Vec<WithholdingLine>, sqlx::Error> {
    let (from, to) = month.bounds();
    let rows: Vec<(String, String, i64, i64, i64)> = sqlx::query_as(WITHHOLDING)
        .bind(db_timestamp(from))
        .bind(db_timestamp(to))
        .fetch_all(db.pool())
        .await?;
    Ok(rows
        .into_iter()
        .map(
            |(producer_id, producer_name, revenue, vat, pit)| WithholdingLine {
                producer_id,
                producer_name,
                revenue,
                vat: -vat,
                pit: -pit,
            },
        )
        .collect())
}

/// How many postings do not sum to zero (none should), and the money the ledger says the
/// marketplace holds: for the tests and the health of the books.
#[doc(hidden)]
pub async fn audit(db: &Db) -> Result<(i64, i64), sqlx::Error> {
    let (unbalanced,): (i64,) = sqlx::query_as(UNBALANCED).fetch_one(db.pool()).await?;
    let (held,): (i64,) = sqlx::query_as(HELD).fetch_one(db.pool()).await?;
    Ok((unbalanced, held))
}

// The module's SQL, each statement prepared on both engines by the `sql` integration test.
crate::db::statements! {
    /// `write_in`.
    INSERT_POSTING = "INSERT INTO ledger_postings (id, kind, source, producer_id, order_id, reference, created_by, posted_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (kind, source) DO NOTHING";
    /// `write_in`.
    INSERT_LINE = "INSERT INTO ledger_lines (id, posting_id, account, amount_vnd) VALUES ($1, $2, $3, $4)";
    /// `rates_in`.
    RATES = "SELECT key, value FROM site_settings WHERE key IN ('ledger_fee_bp', 'ledger_vat_bp', 'ledger_pit_bp')";
    /// `paid_order`.
    PAID_ORDER = "SELECT o.subtotal_vnd, o.shipping_vnd, o.payment_method, o.producer_id, p.kind, p.bank_account_no
        FROM orders o JOIN producers p ON p.id = o.producer_id WHERE o.id = $1";
    /// `order_refunded_in`.
    ORDER_LINES = "SELECT l.account, l.amount_vnd FROM ledger_lines l JOIN ledger_postings p ON p.id = l.posting_id
        WHERE p.order_id = $1 AND p.kind <> 'refund' ORDER BY l.id";
    /// `order_refunded_in`.
    ORDER_PRODUCER = "SELECT producer_id FROM orders WHERE id = $1";
    /// `balances`.
    BALANCES = "SELECT pr.id, pr.name, CAST(SUM(l.amount_vnd) AS BIGINT)
        FROM ledger_lines l JOIN ledger_postings p ON p.id = l.posting_id JOIN producers pr ON pr.id = p.producer_id
        WHERE l.account = 'producer_payable' GROUP BY pr.id, pr.name ORDER BY pr.name";
    /// `balance_in`.
    BALANCE = "SELECT CAST(COALESCE(SUM(l.amount_vnd), 0) AS BIGINT)
        FROM ledger_lines l JOIN ledger_postings p ON p.id = l.posting_id
        WHERE p.producer_id = $1 AND l.account = 'producer_payable'";
    /// `statement`.
    PRODUCER_NAME = "SELECT name FROM producers WHERE id = $1";
    /// `statement`.
    BALANCE_BEFORE = "SELECT CAST(COALESCE(SUM(l.amount_vnd), 0) AS BIGINT)
        FROM ledger_lines l JOIN ledger_postings p ON p.id = l.posting_id
        WHERE p.producer_id = $1 AND l.account = 'producer_payable' AND p.posted_at < $2";
    /// `statement`: each posting that moves the producer's balance, with what it moves.
    STATEMENT = "SELECT p.posted_at, p.kind, o.order_no, p.reference, CAST(SUM(l.amount_vnd) AS BIGINT)
        FROM ledger_postings p JOIN ledger_lines l ON l.posting_id = p.id LEFT JOIN orders o ON o.id = p.order_id
        WHERE p.producer_id = $1 AND l.account = 'producer_payable' AND p.posted_at >= $2 AND p.posted_at < $3
        GROUP BY p.id, p.posted_at, p.kind, o.order_no, p.reference
        ORDER BY p.posted_at, p.id";
    /// `withholding_report`: tax lines of the month, and the revenue of the postings that
    /// withheld (positive) or gave back (refunds, negative) those taxes.
    WITHHOLDING = "SELECT pr.id, pr.name,
            CAST(SUM(CASE WHEN p.kind = 'tax_withheld' AND l.account = 'tax_withheld_vat' THEN o.subtotal_vnd
                          WHEN p.kind = 'refund' AND l.account = 'tax_withheld_vat' THEN -o.subtotal_vnd
                          ELSE 0 END) AS BIGINT),
            CAST(SUM(CASE WHEN l.account = 'tax_withheld_vat' THEN l.amount_vnd ELSE 0 END) AS BIGINT),
            CAST(SUM(CASE WHEN l.account = 'tax_withheld_pit' THEN l.amount_vnd ELSE 0 END) AS BIGINT)
        FROM ledger_lines l JOIN ledger_postings p ON p.id = l.posting_id
        JOIN producers pr ON pr.id = p.producer_id JOIN orders o ON o.id = p.order_id
        WHERE l.account IN ('tax_withheld_vat', 'tax_withheld_pit') AND p.posted_at >= $1 AND p.posted_at < $2
        GROUP BY pr.id, pr.name ORDER BY pr.name";
    /// `record_payout`: the producer's row, locked and left as it is.
    LOCK_PRODUCER = "UPDATE producers SET id = id WHERE id = $1";
    /// `audit`.
    UNBALANCED = "SELECT COUNT(*) FROM (SELECT posting_id FROM ledger_lines GROUP BY posting_id
        HAVING SUM(amount_vnd) <> 0) u";
    /// `audit`.
    HELD = "SELECT CAST(COALESCE(SUM(amount_vnd), 0) AS BIGINT) FROM ledger_lines WHERE account = 'buyer_cash_held'";
}
