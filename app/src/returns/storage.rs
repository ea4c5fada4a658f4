//! Return requests and complaints in the database. Every change of a request goes through
//! [`rules::next`] and one conditional update guarded by the status it was read in (two
//! answers at once: one wins); its order-history line, the refund and the notices are written
//! in the same transaction.

use chrono::{DateTime, Utc};
use sqlx::AnyConnection;

use super::{
    Complaint, NOTE_PREFIX, OrderReturn, ReturnCase,
    rules::{
        self, ComplaintCategory, ComplaintStatus, GoodsKind, NewComplaint, NewRequest, Refusal,
        Resolution, ReturnActor, ReturnEvent, ReturnSettings, ReturnStatus, Wanted,
    },
};
use crate::{
    db::{Db, decode, ids::new_id},
    domain::time::db_timestamp,
    notify::{
        rules::Notice,
        storage::{Recipient, notify_in, notify_producer_in},
    },
    payments::{
        rules::PaymentMethod,
        storage::{NOTE_REFUND_BY_HAND, history_in, request_refund_in},
    },
    photos::{Attached, attached},
};

#[derive(Debug, thiserror::Error)]
pub enum ReturnError {
    #[error(transparent)]
    Refused(#[from] Refusal),
    #[error("no such request")]
    NotFound,
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

fn parse_at(column: &str, id: &str, text: &str) -> Result<DateTime<Utc>, sqlx::Error> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| decode::bad_value(column, id, &text, "not a timestamp"))
}

/// The windows in force (site settings, defaults for what is missing or malformed).
pub async fn settings_in(conn: &mut AnyConnection) -> Result<ReturnSettings, sqlx::Error> {
    let rows: Vec<(String, String)> = sqlx::query_as(SETTINGS).fetch_all(&mut *conn).await?;
    let mut settings = ReturnSettings::default();
    for (key, value) in rows {
        if !settings.set(&key, &value) {
            tracing::warn!(%key, %value, "a returns setting is not 0 to 60 days");
        }
    }
    Ok(settings)
}

/// An order as a return needs it.
#[derive(sqlx::FromRow)]
struct OrderFacts {
    id: String,
    order_no: String,
    status: String,
    producer_id: String,
    buyer_user_id: Option<String>,
    commune_id: String,
    payment_method: String,
    delivered_at: Option<String>,
    fresh_lines: i64,
}

async fn order_facts(
    conn: &mut AnyConnection,
    order_id: &str,
) -> Result<Option<OrderFacts>, sqlx::Error> {
    sqlx::query_as(ORDER_FACTS)
        .bind(order_id)
        .fetch_optional(&mut *conn)
        .await
}

/// Until when the buyer may still ask (None: not delivered, or the window is over).
fn window(
    facts: &OrderFacts,
    settings: ReturnSettings,
    now: DateTime<Utc>,
) -> Result<DateTime<Utc>, Refusal> {
    if facts.status != "delivered" {
        return Err(Refusal::NotDelivered);
    }
    let Some(at) = facts.delivered_at.as_deref() else {
        return Err(Refusal::NotDelivered);
    };
    let delivered = parse_at("order_status_history.created_at", &facts.id, at)
        .map_err(|_| Refusal::NotDelivered)?;
    let kind = if facts.fresh_lines > 0 {
        GoodsKind::Fresh
    } else {
        GoodsKind::Other
    };
    rules::may_request(delivered, now, kind, settings)
}

type CaseRow = (
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    String,
);

fn case_of(row: CaseRow, now: DateTime<Utc>) -> Result<ReturnCase, sqlx::Error> {
    let (
        id,
        order_no,
        producer,
        wanted,
        reason,
        items,
        status,
        resolution,
        answer,
        due_at,
        created_at,
    ) = row;
    let status = decode::text_enum("return_requests.status", &id, &status, ReturnStatus::parse)?;
    let overdue = match due_at.as_deref() {
        Some(due) if status.awaits().is_some() => {
            parse_at("return_requests.due_at", &id, due)? < now
        }
        _ => false,
    };
    Ok(ReturnCase {
        wanted: decode::text_enum("return_requests.wanted", &id, &wanted, Wanted::parse)?,
        resolution: resolution
            .map(|r| decode::text_enum("return_requests.resolution", &id, &r, Resolution::parse))
            .transpose()?,
        id,
        order_no,
        producer,
        reason,
        items,
        status,
        answer,
        due_at,
        created_at,
        overdue,
        photos: Vec::new(),
    })
}

/// The order page's return part for `party` (`buyer`, `producer`, `officer`).
pub async fn for_order(
    db: &Db,
    order_id: &str,
    party: &str,
    admin: bool,
    now: DateTime<Utc>,
) -> Result<OrderReturn, sqlx::Error> {
    let mut conn = db.pool().acquire().await?;
    let row: Option<CaseRow> = sqlx::query_as(CASE_OF_ORDER)
        .bind(order_id)
        .fetch_optional(&mut *conn)
        .await?;
    let mut case = row.map(|r| case_of(r, now)).transpose()?;
    if let Some(case) = case.as_mut() {
        case.photos = attached(&mut *conn, Attached::ReturnRequest(&case.id)).await?;
    }
    let open_until = if case.is_none() && party == "buyer" {
        let settings = settings_in(&mut conn).await?;
        match order_facts(&mut conn, order_id).await? {
            Some(facts) => window(&facts, settings, now).ok().map(db_timestamp),
            None => None,
        }
    } else {
        None
    };
    Ok(OrderReturn {
        party: party.to_owned(),
        admin,
        case,
        open_until,
    })
}

/// Whether the buyer may ask now, read before a request's photos are uploaded so that a refusal
/// costs no upload; [`request_in`] decides again in its transaction.
pub async fn may_request(db: &Db, order_id: &str, now: DateTime<Utc>) -> Result<(), ReturnError> {
    let mut conn = db.pool().acquire().await?;
    let asked: Option<CaseRow> = sqlx::query_as(CASE_OF_ORDER)
        .bind(order_id)
        .fetch_optional(&mut *conn)
        .await?;
    if asked.is_some() {
        return Err(Refusal::Duplicate.into());
    }
    let facts = order_facts(&mut conn, order_id)
        .await?
        .ok_or(ReturnError::NotFound)?;
    let settings = settings_in(&mut conn).await?;
    window(&facts, settings, now)?;
    Ok(())
}

/// A buyer's request on a delivered order within the window; refused after it, or when the
/// order has one already.
pub async fn request(
    db: &Db,
    order_id: &str,
    user_id: Option<&str>,
    new: &NewRequest,
    now: DateTime<Utc>,
) -> Result<String, ReturnError> {
    let mut tx = db.begin_write().await?;
    let id = request_in(&mut tx, order_id, user_id, new, now).await?;
    tx.commit().await?;
    Ok(id)
}

/// [`request`] in the caller's transaction (the request's photos are written with it).
pub async fn request_in(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    order_id: &str,
    user_id: Option<&str>,
    new: &NewRequest,
    now: DateTime<Utc>,
) -> Result<String, ReturnError> {
    let at = db_timestamp(now);
    let tx: &mut sqlx::AnyConnection = tx;
    let facts = order_facts(&mut *tx, order_id)
        .await?
        .ok_or(ReturnError::NotFound)?;
    let settings = settings_in(&mut *tx).await?;
    window(&facts, settings, now)?;
    let id = new_id();
    let due = db_timestamp(settings.answer_due(now));
    let done = sqlx::query(INSERT_REQUEST)
        .bind(&id)
        .bind(order_id)
        .bind(user_id)
        .bind(new.wanted.as_str())
        .bind(&new.reason)
        .bind(&new.items)
        .bind(&due)
        .bind(&at)
        .execute(&mut *tx)
        .await?;
    if done.rows_affected() != 1 {
        return Err(Refusal::Duplicate.into());
    }
    let note = format!("{NOTE_PREFIX}{}", ReturnStatus::Requested.as_str());
    history_in(&mut *tx, order_id, &note, user_id, &at).await?;
    let notice = Notice::ReturnUpdate {
        order_no: facts.order_no.clone(),
        status: ReturnStatus::Requested,
    };
    notify_producer_in(
        &mut *tx,
        &format!("return:{id}:requested"),
        &facts.producer_id,
        &notice,
        &at,
    )
    .await?;
    Ok(id)
}

/// Applies `event` by `actor` to the order's request: the state machine decides, one
/// conditional update writes; a refund or a replacement is settled in the same transaction.
pub async fn change(
    db: &Db,
    order_id: &str,
    event: ReturnEvent,
    actor: ReturnActor,
    actor_user_id: Option<&str>,
    reason: Option<&str>,
    now: DateTime<Utc>,
) -> Result<ReturnStatus, ReturnError> {
    let at = db_timestamp(now);
    let mut tx = db.begin_write().await?;
    let found: Option<(String, String, Option<String>)> = sqlx::query_as(STATE_OF_ORDER)
        .bind(order_id)
        .fetch_optional(&mut *tx)
        .await?;
    let (id, status, due_at) = found.ok_or(ReturnError::NotFound)?;
    let from = decode::text_enum("return_requests.status", &id, &status, ReturnStatus::parse)?;
    let event = match event {
        ReturnEvent::Escalate { .. } => ReturnEvent::Escalate {
            deadline_passed: match due_at.as_deref() {
                Some(due) => parse_at("return_requests.due_at", &id, due)? < now,
                None => false,
            },
        },
        other => other,
    };
    let to = rules::next(from, event, actor)?;
    let settings = settings_in(&mut tx).await?;
    let due = to.awaits().map(|_| db_timestamp(settings.answer_due(now)));
    let resolution = rules::settles(event);
    let done = sqlx::query(MOVE)
        .bind(to.as_str())
        .bind(resolution.map(|r| r.as_str()))
        .bind(reason)
        .bind(due)
        .bind(&at)
        .bind(&id)
        .bind(from.as_str())
        .execute(&mut *tx)
        .await?;
    if done.rows_affected() != 1 {
        // Another answer got there first.
        return Err(Refusal::NotNow.into());
    }
    let facts = order_facts(&mut tx, order_id)
        .await?
        .ok_or(ReturnError::NotFound)?;
    let note = format!("{NOTE_PREFIX}{}", to.as_str());
    history_in(&mut tx, order_id, &note, actor_user_id, &at).await?;
    if resolution == Some(Resolution::Refund) {
        // Card and VNPay go back through the provider (the settle task, with retries), a
        // transfer is owed by hand; cash too: the history says so, as for a transfer.
        request_refund_in(&mut tx, order_id, &at).await?;
        if facts.payment_method == PaymentMethod::Cod.as_str() {
            history_in(&mut tx, order_id, NOTE_REFUND_BY_HAND, None, &at).await?;
        }
    }
    notify_step(&mut tx, &id, &facts, to, &at).await?;
    tx.commit().await?;
    Ok(to)
}

/// Tells the other parties: the producer of a new step, the buyer of every answer, the
/// officers or the administrators of an escalation to them.
async fn notify_step(
    conn: &mut AnyConnection,
    request_id: &str,
    facts: &OrderFacts,
    to: ReturnStatus,
    at: &str,
) -> Result<(), sqlx::Error> {
    let key = format!("return:{request_id}:{}", to.as_str());
    let notice = Notice::ReturnUpdate {
        order_no: facts.order_no.clone(),
        status: to,
    };
    let buyer = !matches!(
        to,
        ReturnStatus::WithOfficer | ReturnStatus::WithMarketplace
    );
    if buyer && let Some(user) = facts.buyer_user_id.as_deref() {
        notify_in(conn, &key, Recipient::User(user), &notice, at).await?;
    }
    if !matches!(to, ReturnStatus::Accepted | ReturnStatus::Refused) {
        notify_producer_in(conn, &key, &facts.producer_id, &notice, at).await?;
    }
    let deciders: Vec<String> = match to {
        ReturnStatus::WithOfficer => {
            sqlx::query_scalar(OFFICERS)
                .bind(&facts.commune_id)
                .fetch_all(&mut *conn)
                .await?
        }
        ReturnStatus::WithMarketplace => sqlx::query_scalar(ADMINS).fetch_all(&mut *conn).await?,
        _ => vec![],
    };
    for user in deciders {
        notify_in(conn, &key, Recipient::User(&user), &notice, at).await?;
    }
    Ok(())
}

/// Whose list of requests.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lister {
    /// The producers with these ids: their requests, open ones first.
    Producers,
    /// The communes with these ids: the requests escalated to their officers.
    Communes,
    /// The marketplace: the requests escalated to it (no keys).
    Marketplace,
}

/// The requests `lister` sees, for each of `keys` (producer or commune ids).
pub async fn listed(
    db: &Db,
    lister: Lister,
    keys: &[String],
    now: DateTime<Utc>,
) -> Result<Vec<ReturnCase>, sqlx::Error> {
    let (sql, keys) = match lister {
        Lister::Producers => (PRODUCER_CASES, keys),
        Lister::Communes => (COMMUNE_CASES, keys),
        Lister::Marketplace => (MARKETPLACE_CASES, &[String::new()][..]),
    };
    let mut all = Vec::new();
    for key in keys {
        let rows: Vec<CaseRow> = sqlx::query_as(sql).bind(key).fetch_all(db.pool()).await?;
        for row in rows {
            all.push(case_of(row, now)?);
        }
    }
    Ok(all)
}

/// Marks a seeded product as fresh produce.
pub async fn mark_fresh_in(conn: &mut AnyConnection, product_id: &str) -> Result<(), sqlx::Error> {
    sqlx::query(MARK_FRESH)
        .bind(product_id)
        .execute(&mut *conn)
        .await
        .map(|_| ())
}

/// Files a complaint; returns its tracking number.
pub async fn file_complaint(
    db: &Db,
    new: &NewComplaint,
    user_id: Option<&str>,
    now: DateTime<Utc>,
) -> Result<String, sqlx::Error> {
    let at = db_timestamp(now);
    // A clash of 50 random bits is unlikely; a second draw settles it.
    for _ in 0..3 {
        let code = rules::tracking_code(uuid::Uuid::new_v4().as_u128() as u64);
        let mut tx = db.begin_write().await?;
        let done = sqlx::query(INSERT_COMPLAINT)
            .bind(new_id())
            .bind(&code)
            .bind(user_id)
            .bind(&new.name)
            .bind(&new.contact)
            .bind(new.order_no.as_deref())
            .bind(new.category.as_str())
            .bind(&new.message)
            .bind(&at)
            .execute(&mut *tx)
            .await?;
        if done.rows_affected() == 1 {
            tx.commit().await?;
            return Ok(code);
        }
        tx.rollback().await?;
    }
    Err(sqlx::Error::Protocol("no free tracking number".into()))
}

type ComplaintRow = (
    String,
    String,
    Option<String>,
    String,
    String,
    Option<String>,
    String,
    String,
    String,
    String,
);

fn complaint_of(row: ComplaintRow, private: bool) -> Result<Complaint, sqlx::Error> {
    let (code, category, order_no, message, status, answer, created_at, updated_at, name, contact) =
        row;
    Ok(Complaint {
        category: decode::text_enum(
            "complaints.category",
            &code,
            &category,
            ComplaintCategory::parse,
        )?,
        status: decode::text_enum("complaints.status", &code, &status, ComplaintStatus::parse)?,
        code,
        order_no,
        message,
        answer,
        created_at,
        updated_at,
        name: if private { name } else { String::new() },
        contact: if private { contact } else { String::new() },
    })
}

/// A complaint by its tracking number, as its holder reads it.
pub async fn complaint(db: &Db, code: &str) -> Result<Option<Complaint>, sqlx::Error> {
    let row: Option<ComplaintRow> = sqlx::query_as(COMPLAINT)
        .bind(code)
        .fetch_optional(db.pool())
        .await?;
    row.map(|r| complaint_of(r, false)).transpose()
}

/// Every complaint, open ones first, for administrators.
pub async fn complaints(db: &Db) -> Result<Vec<Complaint>, sqlx::Error> {
    let rows: Vec<ComplaintRow> = sqlx::query_as(COMPLAINTS).fetch_all(db.pool()).await?;
    rows.into_iter().map(|r| complaint_of(r, true)).collect()
}

/// An administrator moves a complaint on (in progress, resolved, rejected) with an answer
/// (required to close it); false when it is closed already or does not exist.
pub async fn answer_complaint(
    db: &Db,
    code: &str,
    status: ComplaintStatus,
    answer: Option<&str>,
    admin_user_id: &str,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let at = db_timestamp(now);
    let mut tx = db.begin_write().await?;
    let done = sqlx::query(ANSWER_COMPLAINT)
        .bind(status.as_str())
        .bind(answer)
        .bind(admin_user_id)
        .bind(&at)
        .bind(code)
        .execute(&mut *tx)
        .await?;
    if done.rows_affected() != 1 {
        return Ok(false);
    }
    let user: Option<Option<String>> = sqlx::query_scalar(COMPLAINANT)
        .bind(code)
        .fetch_optional(&mut *tx)
        .await?;
    if let Some(Some(user)) = user {
        let notice = Notice::ComplaintAnswered {
            code: code.to_owned(),
            status,
        };
        let key = format!("complaint:{code}:{}", status.as_str());
        notify_in(&mut tx, &key, Recipient::User(&user), &notice, &at).await?;
    }
    tx.commit().await?;
    Ok(true)
}

crate::db::statements! {
    /// `settings_in`.
    SETTINGS = "SELECT key, value FROM site_settings
        WHERE key IN ('returns_window_fresh_days', 'returns_window_other_days', 'returns_answer_days')";
    /// `order_facts`: the first time it was delivered, and how many lines are fresh produce.
    ORDER_FACTS = "SELECT o.id, o.order_no, o.status, o.producer_id, o.buyer_user_id, pr.commune_id, o.payment_method,
               (SELECT MIN(h.created_at) FROM order_status_history h WHERE h.order_id = o.id AND h.to_status = 'delivered') AS delivered_at,
               (SELECT COUNT(*) FROM order_lines l JOIN product_variants v ON v.id = l.variant_id
                  JOIN products p ON p.id = v.product_id WHERE l.order_id = o.id AND p.fresh = 1) AS fresh_lines
        FROM orders o JOIN producers pr ON pr.id = o.producer_id WHERE o.id = $1";
    /// `for_order`.
    CASE_OF_ORDER = "SELECT r.id, o.order_no, pr.name, r.wanted, r.reason, r.items, r.status, r.resolution, r.answer, r.due_at, r.created_at
        FROM return_requests r JOIN orders o ON o.id = r.order_id JOIN producers pr ON pr.id = o.producer_id
        WHERE r.order_id = $1";
    /// `request`: one per order.
    INSERT_REQUEST = "INSERT INTO return_requests (id, order_id, user_id, wanted, reason, items, status, due_at, created_at, updated_at)
        VALUES ($1, $2, $3, $4, $5, $6, 'requested', $7, $8, $8) ON CONFLICT (order_id) DO NOTHING";
    /// `change`.
    STATE_OF_ORDER = "SELECT id, status, due_at FROM return_requests WHERE order_id = $1";
    /// `change`: guarded by the status it was read in.
    MOVE = "UPDATE return_requests SET status = $1, resolution = COALESCE($2, resolution), answer = COALESCE($3, answer),
               due_at = $4, updated_at = $5
        WHERE id = $6 AND status = $7";
    /// `notify_step`.
    OFFICERS = "SELECT user_id FROM commune_officers WHERE commune_id = $1 ORDER BY user_id";
    /// `notify_step`.
    ADMINS = "SELECT user_id FROM user_roles WHERE role = 'admin' ORDER BY user_id";
    /// `listed`: a producer's.
    PRODUCER_CASES = "SELECT r.id, o.order_no, pr.name, r.wanted, r.reason, r.items, r.status, r.resolution, r.answer, r.due_at, r.created_at
        FROM return_requests r JOIN orders o ON o.id = r.order_id JOIN producers pr ON pr.id = o.producer_id
        WHERE o.producer_id = $1
        ORDER BY CASE WHEN r.status = 'requested' THEN 0 ELSE 1 END, r.created_at DESC LIMIT 200";
    /// `listed`: a commune's officers'.
    COMMUNE_CASES = "SELECT r.id, o.order_no, pr.name, r.wanted, r.reason, r.items, r.status, r.resolution, r.answer, r.due_at, r.created_at
        FROM return_requests r JOIN orders o ON o.id = r.order_id JOIN producers pr ON pr.id = o.producer_id
        WHERE pr.commune_id = $1 AND r.status IN ('with_officer', 'officer_upheld', 'officer_rejected', 'with_marketplace',
              'marketplace_upheld', 'marketplace_rejected')
        ORDER BY CASE WHEN r.status = 'with_officer' THEN 0 ELSE 1 END, r.created_at DESC LIMIT 200";
    /// `listed`: the marketplace's (`$1` is empty).
    MARKETPLACE_CASES = "SELECT r.id, o.order_no, pr.name, r.wanted, r.reason, r.items, r.status, r.resolution, r.answer, r.due_at, r.created_at
        FROM return_requests r JOIN orders o ON o.id = r.order_id JOIN producers pr ON pr.id = o.producer_id
        WHERE r.status IN ('with_marketplace', 'marketplace_upheld', 'marketplace_rejected') AND $1 = ''
        ORDER BY CASE WHEN r.status = 'with_marketplace' THEN 0 ELSE 1 END, r.created_at DESC LIMIT 200";
    /// `mark_fresh_in`.
    MARK_FRESH = "UPDATE products SET fresh = 1 WHERE id = $1";
    /// `file_complaint`: a clash of tracking numbers writes nothing.
    INSERT_COMPLAINT = "INSERT INTO complaints (id, code, user_id, name, contact, order_no, category, message, status, created_at, updated_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'received', $9, $9) ON CONFLICT (code) DO NOTHING";
    /// `complaint`.
    COMPLAINT = "SELECT code, category, order_no, message, status, answer, created_at, updated_at, name, contact
        FROM complaints WHERE code = $1";
    /// `complaints`.
    COMPLAINTS = "SELECT code, category, order_no, message, status, answer, created_at, updated_at, name, contact
        FROM complaints ORDER BY CASE WHEN status IN ('received', 'in_progress') THEN 0 ELSE 1 END, created_at DESC LIMIT 300";
    /// `answer_complaint`: a closed complaint stays as it was answered.
    ANSWER_COMPLAINT = "UPDATE complaints SET status = $1, answer = COALESCE($2, answer), answered_by = $3, updated_at = $4
        WHERE code = $5 AND status IN ('received', 'in_progress')";
    /// `answer_complaint`.
    COMPLAINANT = "SELECT user_id FROM complaints WHERE code = $1";
}
