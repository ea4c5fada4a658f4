//! Personal data in the database: decisions per purpose, a person's export, account deletion
//! (what must be kept stays, with the name and contacts replaced) and the retention sweep.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use sqlx::{Any, Transaction};

use super::rules::{self, Decision, Holds, Kept, POLICY_VERSION, PrivacyRefusal, Purpose};
use crate::{
    db::{
        Db,
        audit::{self, AuditEntry},
        ids::new_id,
    },
    domain::time::db_timestamp,
};

/// Whose decision: an account's, or a guest checkout's.
#[derive(Clone, Copy, Debug)]
pub enum Subject<'a> {
    User(&'a str),
    Checkout(&'a str),
}

/// Records decisions in the caller's transaction, with the policy version shown.
pub async fn record_in(
    tx: &mut Transaction<'_, Any>,
    subject: Subject<'_>,
    decisions: &[Decision],
    at: &str,
) -> Result<(), sqlx::Error> {
    let (user, checkout) = match subject {
        Subject::User(id) => (Some(id), None),
        Subject::Checkout(id) => (None, Some(id)),
    };
    for d in decisions {
        sqlx::query(RECORD)
            .bind(new_id())
            .bind(user)
            .bind(checkout)
            .bind(d.purpose.as_str())
            .bind(d.purpose.basis().as_str())
            .bind(i64::from(d.granted))
            .bind(POLICY_VERSION)
            .bind(at)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// One recorded decision, as the data page and the export show it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ConsentRow {
    pub purpose: Purpose,
    pub granted: bool,
    pub policy_version: String,
    pub at: String,
}

/// A person's decisions, newest first (the first of each purpose is the one in force).
pub async fn consents(db: &Db, user_id: &str) -> Result<Vec<ConsentRow>, sqlx::Error> {
    let rows: Vec<(String, i64, String, String)> = sqlx::query_as(CONSENTS)
        .bind(user_id)
        .fetch_all(db.pool())
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(purpose, granted, policy_version, at)| {
            Some(ConsentRow {
                purpose: Purpose::parse(&purpose)?,
                granted: granted == 1,
                policy_version,
                at,
            })
        })
        .collect())
}

/// The decision in force for `purpose` (`None`: never asked, which is a no).
pub fn in_force(rows: &[ConsentRow], purpose: Purpose) -> Option<bool> {
    rows.iter()
        .find(|r| r.purpose == purpose)
        .map(|r| r.granted)
}

/// A person changes an optional purpose on their data page.
pub async fn decide(
    db: &Db,
    user_id: &str,
    decision: Decision,
    ip: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let at = db_timestamp(now);
    let mut tx = db.begin_write().await?;
    record_in(&mut tx, Subject::User(user_id), &[decision], &at).await?;
    audit::record(
        &mut tx,
        AuditEntry {
            actor_user_id: Some(user_id),
            action: "privacy.consent",
            subject_type: "user",
            subject_id: user_id,
            details: json!({ "purpose": decision.purpose.as_str(), "granted": decision.granted }),
            ip,
        },
    )
    .await?;
    tx.commit().await
}

/// Everything held about one person, as one JSON document: their account, decisions, sessions,
/// orders (with the contact and address they gave), cart, memberships, inbox, access tokens and
/// the actions they took. Every statement is filtered by their id: nothing of anyone else.
pub async fn export(db: &Db, user_id: &str) -> Result<Option<Value>, sqlx::Error> {
    let pool = db.pool();
    type Account = (
        String,
        String,
        Option<String>,
        Option<String>,
        String,
        String,
        Option<String>,
        Option<String>,
    );
    let Some(a): Option<Account> = sqlx::query_as(EXPORT_ACCOUNT)
        .bind(user_id)
        .fetch_optional(pool)
        .await?
    else {
        return Ok(None);
    };
    let consents = consents(db, user_id).await?;
    let sessions: Vec<(String, String, String, Option<String>, String)> =
        sqlx::query_as(EXPORT_SESSIONS)
            .bind(user_id)
            .fetch_all(pool)
            .await?;
    type OrderRow = (
        String,
        String,
        String,
        i64,
        i64,
        i64,
        String,
        String,
        String,
        String,
        String,
        String,
        String,
    );
    let orders: Vec<OrderRow> = sqlx::query_as(EXPORT_ORDERS)
        .bind(user_id)
        .fetch_all(pool)
        .await?;
    let lines: Vec<(String, String, String, i64, i64, i64)> = sqlx::query_as(EXPORT_ORDER_LINES)
        .bind(user_id)
        .fetch_all(pool)
        .await?;
    let history: Vec<(String, Option<String>, String, String)> = sqlx::query_as(EXPORT_HISTORY)
        .bind(user_id)
        .fetch_all(pool)
        .await?;
    let cart: Vec<(String, i64, String)> = sqlx::query_as(EXPORT_CART)
        .bind(user_id)
        .fetch_all(pool)
        .await?;
    let memberships: Vec<(String, String, String)> = sqlx::query_as(EXPORT_MEMBERSHIPS)
        .bind(user_id)
        .fetch_all(pool)
        .await?;
    let inbox: Vec<(String, String, String, String)> = sqlx::query_as(EXPORT_INBOX)
        .bind(user_id)
        .fetch_all(pool)
        .await?;
    type Token = (String, String, String, Option<String>, Option<String>);
    let tokens: Vec<Token> = sqlx::query_as(EXPORT_TOKENS)
        .bind(user_id)
        .fetch_all(pool)
        .await?;
    type Review = (
        String,
        i64,
        String,
        String,
        Option<String>,
        Option<String>,
        String,
    );
    let reviews: Vec<Review> = sqlx::query_as(EXPORT_REVIEWS)
        .bind(user_id)
        .fetch_all(pool)
        .await?;
    type Return = (
        String,
        String,
        String,
        String,
        String,
        Option<String>,
        String,
    );
    let returns: Vec<Return> = sqlx::query_as(EXPORT_RETURNS)
        .bind(user_id)
        .fetch_all(pool)
        .await?;
    type Complaint = (
        String,
        String,
        String,
        Option<String>,
        String,
        String,
        String,
        Option<String>,
        String,
    );
    let complaints: Vec<Complaint> = sqlx::query_as(EXPORT_COMPLAINTS)
        .bind(user_id)
        .fetch_all(pool)
        .await?;
    let actions: Vec<(String, String, String, Option<String>, String)> =
        sqlx::query_as(EXPORT_ACTIONS)
            .bind(user_id)
            .fetch_all(pool)
            .await?;
    let orders: Vec<Value> = orders
        .into_iter()
        .map(|o| {
            let of = |id: &str| id == o.0;
            json!({
                "order_no": o.1,
                "status": o.2,
                "subtotal_vnd": o.3,
                "shipping_vnd": o.4,
                "total_vnd": o.5,
                "payment_method": o.6,
                "placed_at": o.7,
                "producer": o.8,
                "contact_name": o.9,
                "contact_phone": o.10,
                "address": format!("{}, {}", o.11, o.12),
                "lines": lines.iter().filter(|l| of(&l.0)).map(|l| json!({
                    "product": l.1, "variant": l.2, "unit_price_vnd": l.3,
                    "quantity": l.4, "line_total_vnd": l.5,
                })).collect::<Vec<_>>(),
                "history": history.iter().filter(|h| of(&h.0)).map(|h| json!({
                    "from": h.1, "to": h.2, "at": h.3,
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    Ok(Some(json!({
        "exported_at": db_timestamp(Utc::now()),
        "policy_version": POLICY_VERSION,
        "account": {
            "id": a.0, "name": a.1, "phone": a.2, "email": a.3, "language": a.4,
            "created_at": a.5, "phone_verified_at": a.6, "email_verified_at": a.7,
        },
        "consents": consents,
        "sessions": sessions.iter().map(|s| json!({
            "created_at": s.0, "last_seen_at": s.1, "expires_at": s.2, "ip": s.3, "user_agent": s.4,
        })).collect::<Vec<_>>(),
        "orders": orders,
        "cart": cart.iter().map(|c| json!({ "product": c.0, "quantity": c.1, "added_at": c.2 })).collect::<Vec<_>>(),
        "producers": memberships.iter().map(|m| json!({ "producer": m.0, "role": m.1, "since": m.2 })).collect::<Vec<_>>(),
        "inbox": inbox.iter().map(|n| json!({ "kind": n.0, "params": serde_json::from_str::<Value>(&n.1).unwrap_or(Value::Null), "link": n.2, "at": n.3 })).collect::<Vec<_>>(),
        "reviews": reviews.iter().map(|r| json!({
            "product": r.0, "stars": r.1, "text": r.2, "status": r.3, "hidden_reason": r.4,
            "reply": r.5, "at": r.6,
        })).collect::<Vec<_>>(),
        "return_requests": returns.iter().map(|r| json!({
            "order_no": r.0, "wanted": r.1, "reason": r.2, "items": r.3, "status": r.4,
            "answer": r.5, "at": r.6,
        })).collect::<Vec<_>>(),
        "complaints": complaints.iter().map(|c| json!({
            "code": c.0, "name": c.1, "contact": c.2, "order_no": c.3, "category": c.4,
            "message": c.5, "status": c.6, "answer": c.7, "at": c.8,
        })).collect::<Vec<_>>(),
        "access_tokens": tokens.iter().map(|t| json!({ "name": t.0, "scope": t.1, "created_at": t.2, "last_used_at": t.3, "revoked_at": t.4 })).collect::<Vec<_>>(),
        "actions": actions.iter().map(|x| json!({ "action": x.0, "subject": x.1, "at": x.2, "ip": x.3, "details": serde_json::from_str::<Value>(&x.4).unwrap_or(Value::Null) })).collect::<Vec<_>>(),
    })))
}

/// What stops this account's deletion now.
pub async fn holds(db: &Db, user_id: &str) -> Result<Holds, sqlx::Error> {
    let (open,): (i64,) = sqlx::query_as(OPEN_ORDERS)
        .bind(user_id)
        .fetch_one(db.pool())
        .await?;
    let sole: Vec<(String,)> = sqlx::query_as(SOLE_OWNER)
        .bind(user_id)
        .fetch_all(db.pool())
        .await?;
    Ok(Holds {
        open_orders: usize::try_from(open).unwrap_or(usize::MAX),
        sole_owner_of: sole.into_iter().map(|(n,)| n).collect(),
    })
}

#[derive(Debug, thiserror::Error)]
pub enum DeleteError {
    #[error("the account cannot be deleted now: {0:?}")]
    Refused(PrivacyRefusal),
    #[error("no such account")]
    NotFound,
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

/// Deletes an account: sessions, cart, codes, tokens, preferences, inbox and memberships go;
/// the user row stays (orders, diary entries and audit rows point at it) with its name replaced
/// and its contacts and password gone; the orders stay, correct to the dong, with the contact
/// name, phone and street replaced. Refused while an order is open or the person is the only
/// owner of a producer.
pub async fn delete_account(
    db: &Db,
    user_id: &str,
    ip: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(), DeleteError> {
    let at = db_timestamp(now);
    let mut tx = db.begin_write().await?;
    // The cart goes first: a checkout of this person under way holds its row (PostgreSQL), so
    // this waits for it and then sees its orders as open below.
    sqlx::query(DELETE_CART)
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    let (open,): (i64,) = sqlx::query_as(OPEN_ORDERS)
        .bind(user_id)
        .fetch_one(&mut *tx)
        .await?;
    let sole: Vec<(String,)> = sqlx::query_as(SOLE_OWNER)
        .bind(user_id)
        .fetch_all(&mut *tx)
        .await?;
    rules::may_delete(&Holds {
        open_orders: usize::try_from(open).unwrap_or(usize::MAX),
        sole_owner_of: sole.into_iter().map(|(n,)| n).collect(),
    })
    .map_err(DeleteError::Refused)?;
    let contacts: Option<(Option<String>, Option<String>)> = sqlx::query_as(CONTACTS)
        .bind(user_id)
        .fetch_optional(&mut *tx)
        .await?;
    let Some((phone, email)) = contacts else {
        return Err(DeleteError::NotFound);
    };
    for statement in [
        DELETE_SESSIONS,
        DELETE_CODES,
        DELETE_PREFERENCES,
        DELETE_UNSUBSCRIBE,
        DELETE_INBOX,
        DELETE_MEMBERSHIPS,
        DELETE_OFFICER_ROLES,
        DELETE_ROLES,
    ] {
        sqlx::query(statement)
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
    }
    // Messages on their way to the old phone or email (a guest order's) are not sent.
    for address in [phone, email].into_iter().flatten() {
        sqlx::query(DELETE_PENDING_TO)
            .bind(&address)
            .execute(&mut *tx)
            .await?;
    }
    sqlx::query(REVOKE_TOKENS)
        .bind(&at)
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    sqlx::query(ANONYMISE_CHECKOUTS)
        .bind(rules::ANONYMOUS_NAME)
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    sqlx::query(ANONYMISE_COMPLAINTS)
        .bind(rules::ANONYMOUS_NAME)
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    sqlx::query(ANONYMISE_USER)
        .bind(rules::ANONYMOUS_NAME)
        .bind(format!("deleted-{user_id}@invalid"))
        .bind(&at)
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    audit::record(
        &mut tx,
        AuditEntry {
            actor_user_id: Some(user_id),
            action: "privacy.delete_account",
            subject_type: "user",
            subject_id: user_id,
            details: json!({}),
            ip,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// How many rows the retention sweep deleted, per kind.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Swept {
    pub carts: u64,
    pub sessions: u64,
    pub throttle: u64,
    pub codes: u64,
    pub audit: u64,
}

impl Swept {
    pub fn total(&self) -> u64 {
        self.carts + self.sessions + self.throttle + self.codes + self.audit
    }
}

/// Deletes what has been kept long enough ([`Kept`]); the settling task runs it.
pub async fn enforce(db: &Db, now: DateTime<Utc>) -> Result<Swept, sqlx::Error> {
    let before = |kept: Kept| db_timestamp(now - Duration::days(kept.days()));
    let carts = crate::shop::storage::cart::delete_idle_guest_carts(
        db,
        now - Duration::days(Kept::GuestCart.days()),
    )
    .await?;
    let run = async |sql: &str, until: String| -> Result<u64, sqlx::Error> {
        Ok(sqlx::query(sql)
            .bind(until)
            .execute(db.pool())
            .await?
            .rows_affected())
    };
    let sessions = run(SWEEP_SESSIONS, before(Kept::Session)).await?;
    let codes = run(SWEEP_CODES, before(Kept::Code)).await?;
    let audit = run(SWEEP_AUDIT, before(Kept::Audit)).await?;
    let throttle = crate::db::rate_limits::delete_expired(db, now).await?;
    Ok(Swept {
        carts,
        sessions,
        throttle,
        codes,
        audit,
    })
}

// The module's SQL, each statement prepared on both engines by the `sql` integration test.
crate::db::statements! {
    /// `record_in`.
    RECORD = "INSERT INTO consent_records (id, user_id, checkout_id, purpose, basis, granted, policy_version, created_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";
    /// `consents`.
    CONSENTS = "SELECT purpose, granted, policy_version, created_at FROM consent_records
        WHERE user_id = $1 ORDER BY created_at DESC, id DESC";
    /// `export`.
    EXPORT_ACCOUNT = "SELECT id, display_name, phone, email, locale, created_at, phone_verified_at, email_verified_at
        FROM users WHERE id = $1 AND deleted_at IS NULL";
    /// `export`.
    EXPORT_SESSIONS = "SELECT created_at, last_seen_at, expires_at, ip, user_agent FROM sessions
        WHERE user_id = $1 ORDER BY created_at";
    /// `export`: the orders the person placed (signed in), with what they gave at checkout.
    EXPORT_ORDERS = "SELECT o.id, o.order_no, o.status, o.subtotal_vnd, o.shipping_vnd, o.total_vnd,
               o.payment_method, o.created_at, p.name, c.contact_name, c.contact_phone, c.street,
               c.commune_name || ', ' || c.province_name
        FROM orders o JOIN checkouts c ON c.id = o.checkout_id JOIN producers p ON p.id = o.producer_id
        WHERE o.buyer_user_id = $1 ORDER BY o.created_at, o.order_no";
    /// `export`.
    EXPORT_ORDER_LINES = "SELECT l.order_id, l.product_name, l.variant_label, l.unit_price_vnd, l.quantity, l.line_total_vnd
        FROM order_lines l JOIN orders o ON o.id = l.order_id
        WHERE o.buyer_user_id = $1 ORDER BY l.order_id, l.product_name, l.id";
    /// `export`.
    EXPORT_HISTORY = "SELECT h.order_id, h.from_status, h.to_status, h.created_at
        FROM order_status_history h JOIN orders o ON o.id = h.order_id
        WHERE o.buyer_user_id = $1 ORDER BY h.order_id, h.created_at, h.id";
    /// `export`.
    EXPORT_CART = "SELECT pr.name_vi, i.quantity, i.added_at FROM cart_items i
        JOIN carts c ON c.id = i.cart_id
        JOIN product_variants v ON v.id = i.variant_id JOIN products pr ON pr.id = v.product_id
        WHERE c.user_id = $1 ORDER BY i.added_at";
    /// `export`.
    EXPORT_MEMBERSHIPS = "SELECT p.name, m.role, m.created_at FROM producer_members m
        JOIN producers p ON p.id = m.producer_id WHERE m.user_id = $1 ORDER BY m.created_at";
    /// `export`: the person's inbox (messages to their address are the same notices).
    EXPORT_INBOX = "SELECT kind, params, link, created_at FROM notifications
        WHERE recipient_user_id = $1 AND channel = 'inbox' ORDER BY created_at";
    /// `export`: names and use of their access tokens (never the token).
    EXPORT_TOKENS = "SELECT name, scope, created_at, last_used_at, revoked_at FROM farm_tokens
        WHERE user_id = $1 ORDER BY created_at";
    /// `export`: their reviews (the product as ordered).
    EXPORT_REVIEWS = "SELECT l.product_name, r.stars, r.body, r.status, r.hidden_reason, r.reply, r.created_at
        FROM reviews r JOIN order_lines l ON l.id = r.order_line_id
        WHERE r.user_id = $1 ORDER BY r.created_at";
    /// `export`: their return and refund requests.
    EXPORT_RETURNS = "SELECT o.order_no, r.wanted, r.reason, r.items, r.status, r.answer, r.created_at
        FROM return_requests r JOIN orders o ON o.id = r.order_id
        WHERE r.user_id = $1 ORDER BY r.created_at";
    /// `export`: complaints they filed while signed in.
    EXPORT_COMPLAINTS = "SELECT code, name, contact, order_no, category, message, status, answer, created_at
        FROM complaints WHERE user_id = $1 ORDER BY created_at";
    /// `delete_account`: the name and contact a complaint was filed under.
    ANONYMISE_COMPLAINTS = "UPDATE complaints SET name = $1, contact = '-' WHERE user_id = $2";
    /// `export`: what they did, as the audit log recorded it.
    EXPORT_ACTIONS = "SELECT action, subject_type, created_at, ip, details FROM audit_log
        WHERE actor_user_id = $1 ORDER BY created_at";
    /// `holds`, `delete_account`.
    OPEN_ORDERS = "SELECT COUNT(*) FROM orders WHERE buyer_user_id = $1
        AND status IN ('placed', 'confirmed', 'shipped')";
    /// `holds`, `delete_account`: producers with no other owner.
    SOLE_OWNER = "SELECT p.name FROM producer_members m JOIN producers p ON p.id = m.producer_id
        WHERE m.user_id = $1 AND m.role = 'owner' AND p.status IN ('pending', 'active')
          AND NOT EXISTS (SELECT 1 FROM producer_members o WHERE o.producer_id = m.producer_id
                          AND o.role = 'owner' AND o.user_id <> m.user_id)
        ORDER BY p.name";
    /// `delete_account`.
    CONTACTS = "SELECT phone, email FROM users WHERE id = $1 AND deleted_at IS NULL";
    /// `delete_account`.
    DELETE_CART = "DELETE FROM carts WHERE user_id = $1";
    /// `delete_account`.
    DELETE_SESSIONS = "DELETE FROM sessions WHERE user_id = $1";
    /// `delete_account`.
    DELETE_CODES = "DELETE FROM verification_codes WHERE user_id = $1";
    /// `delete_account`.
    DELETE_PREFERENCES = "DELETE FROM notification_preferences WHERE user_id = $1";
    /// `delete_account`.
    DELETE_UNSUBSCRIBE = "DELETE FROM unsubscribe_tokens WHERE user_id = $1";
    /// `delete_account`.
    DELETE_INBOX = "DELETE FROM notifications WHERE recipient_user_id = $1";
    /// `delete_account`.
    DELETE_PENDING_TO = "DELETE FROM notifications WHERE recipient = $1 AND status = 'pending'";
    /// `delete_account`.
    DELETE_MEMBERSHIPS = "DELETE FROM producer_members WHERE user_id = $1";
    /// `delete_account`.
    DELETE_OFFICER_ROLES = "DELETE FROM commune_officers WHERE user_id = $1";
    /// `delete_account`.
    DELETE_ROLES = "DELETE FROM user_roles WHERE user_id = $1";
    /// `delete_account`.
    REVOKE_TOKENS = "UPDATE farm_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL";
    /// `delete_account`: what was given at checkout, on the orders that are kept.
    ANONYMISE_CHECKOUTS = "UPDATE checkouts SET contact_name = $1, contact_phone = '+84000000000', street = '-'
        WHERE buyer_user_id = $2";
    /// `delete_account`.
    ANONYMISE_USER = "UPDATE users SET display_name = $1, email = $2, phone = NULL, password_hash = NULL,
           status = 'disabled', phone_verified_at = NULL, email_verified_at = NULL,
           temporary_password_expires_at = NULL, deleted_at = $3, updated_at = $3
        WHERE id = $4";
    /// `enforce`.
    SWEEP_SESSIONS = "DELETE FROM sessions WHERE expires_at <= $1";
    /// `enforce`.
    SWEEP_CODES = "DELETE FROM verification_codes WHERE expires_at <= $1";
    /// `enforce`.
    SWEEP_AUDIT = "DELETE FROM audit_log WHERE created_at <= $1";
}
