//! Reviews in the database: what a buyer may review, the review written in one conditional
//! insert (a second submit, or two at once, finds the unique order line taken), the producer's
//! one reply, an officer's hide (audited), and the lists the pages show. Authors' names are
//! read from `users` at read time.

use chrono::{DateTime, Utc};
use sqlx::{Any, AnyConnection, Transaction};

use super::{
    rules::{LineFacts, NewReview, ReviewRefusal, ReviewStatus, public_name},
    view::{LineToReview, ReviewView},
};
use crate::{
    db::{
        Db,
        audit::{AuditEntry, record},
        decode,
    },
    domain::time::db_timestamp,
    notify::{
        rules::Notice,
        storage::{Recipient, notify_in, notify_producer_in},
    },
};

/// An order line's place: its order and product, and who may answer for it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineKeys {
    pub order_no: String,
    pub product_id: String,
    pub producer_id: String,
    /// As the buyer saw it when ordering.
    pub product_name: String,
}

/// What `user_id` may do with the order line `line_id`; `None` when the line does not exist.
#[tracing::instrument(skip_all, fields(line = %line_id))]
pub async fn line_facts(
    db: &Db,
    line_id: &str,
    user_id: &str,
) -> Result<Option<(LineFacts, LineKeys)>, sqlx::Error> {
    type Row = (String, String, String, String, Option<String>, String, i64);
    let row: Option<Row> = sqlx::query_as(LINE_FACTS)
        .bind(line_id)
        .fetch_optional(db.pool())
        .await?;
    Ok(row.map(
        |(order_no, product_id, producer_id, product_name, buyer, status, reviews)| {
            (
                LineFacts {
                    is_buyer: buyer.as_deref() == Some(user_id),
                    delivered: status == "delivered",
                    reviewed: reviews > 0,
                },
                LineKeys {
                    order_no,
                    product_id,
                    producer_id,
                    product_name,
                },
            )
        },
    ))
}

/// Writes the review in the caller's transaction if the line is `user_id`'s, its order is
/// delivered and it has no review yet; false otherwise (nothing written).
pub async fn insert_in(
    tx: &mut Transaction<'_, Any>,
    id: &str,
    line_id: &str,
    user_id: &str,
    review: &NewReview,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(INSERT)
        .bind(id)
        .bind(line_id)
        .bind(user_id)
        .bind(i64::from(review.stars.get()))
        .bind(review.text.as_str())
        .bind(db_timestamp(now))
        .execute(&mut **tx)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Who answers for a review: (producer, the producer's commune, product).
#[tracing::instrument(skip_all, fields(review = %review_id))]
pub async fn owner(
    db: &Db,
    review_id: &str,
) -> Result<Option<(String, String, String)>, sqlx::Error> {
    sqlx::query_as(OWNER)
        .bind(review_id)
        .fetch_optional(db.pool())
        .await
}

/// The producer's reply, once: `Err(ReplyExists)` when one was written first. The review's
/// author is told, in the same transaction.
#[tracing::instrument(skip_all, fields(review = %review_id))]
pub async fn reply(
    db: &Db,
    review_id: &str,
    user_id: &str,
    text: &str,
    now: DateTime<Utc>,
) -> Result<Result<(), ReviewRefusal>, sqlx::Error> {
    let at = db_timestamp(now);
    let mut tx = db.begin_write().await?;
    let done = sqlx::query(REPLY)
        .bind(review_id)
        .bind(text)
        .bind(user_id)
        .bind(&at)
        .execute(&mut *tx)
        .await?;
    if let Err(refusal) = super::rules::may_reply(done.rows_affected() == 0) {
        tx.rollback().await?;
        return Ok(Err(refusal));
    }
    let author: Option<(Option<String>, String, String)> = sqlx::query_as(AUTHOR)
        .bind(review_id)
        .fetch_optional(&mut *tx)
        .await?;
    if let Some((Some(author), order_no, product)) = author {
        let notice = Notice::ReviewReplied { order_no, product };
        let conn: &mut AnyConnection = &mut tx;
        notify_in(
            conn,
            &format!("review_replied:{review_id}"),
            Recipient::User(&author),
            &notice,
            &at,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(Ok(()))
}

/// Tells the producer's people of a new review, in the review's transaction.
pub async fn notify_producer_of_review(
    conn: &mut AnyConnection,
    review_id: &str,
    keys: &LineKeys,
    review: &NewReview,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let notice = Notice::ReviewReceived {
        product: keys.product_name.clone(),
        stars: review.stars.get(),
    };
    notify_producer_in(
        conn,
        &format!("review_received:{review_id}"),
        &keys.producer_id,
        &notice,
        &db_timestamp(now),
    )
    .await
}

/// Hides a published review with the officer's reason, audited and re-indexed in the same
/// transaction; `Err(AlreadyHidden)` when it was hidden first.
#[tracing::instrument(skip_all, fields(review = %review_id))]
pub async fn hide(
    db: &Db,
    review_id: &str,
    product_id: &str,
    user_id: &str,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<Result<(), ReviewRefusal>, sqlx::Error> {
    let mut tx = db.begin_write().await?;
    let done = sqlx::query(HIDE)
        .bind(review_id)
        .bind(reason)
        .bind(user_id)
        .bind(db_timestamp(now))
        .execute(&mut *tx)
        .await?;
    if done.rows_affected() == 0 {
        tx.rollback().await?;
        return Ok(Err(ReviewRefusal::AlreadyHidden));
    }
    record(
        &mut tx,
        AuditEntry {
            actor_user_id: Some(user_id),
            action: "review.hide",
            subject_type: "review",
            subject_id: review_id,
            details: serde_json::json!({ "reason": reason, "product_id": product_id }),
            ip: None,
        },
    )
    .await?;
    let conn: &mut AnyConnection = &mut tx;
    crate::search::sync::queue(conn, &[product_id]).await?;
    tx.commit().await?;
    Ok(Ok(()))
}

#[derive(sqlx::FromRow)]
struct ReviewRow {
    id: String,
    order_line_id: String,
    product_name: String,
    slug: String,
    producer_name: String,
    stars: i64,
    body: String,
    display_name: Option<String>,
    created_at: String,
    status: String,
    hidden_reason: Option<String>,
    reply: Option<String>,
    replied_at: Option<String>,
}

/// Which reviews a list holds.
#[derive(Clone, Copy, Debug)]
pub enum Scope<'a> {
    /// A product's published ones (the product by its slug).
    Product(&'a str),
    /// One order's (any status: the author sees why one was hidden).
    Order(&'a str),
    /// The products of these producers.
    Producers(&'a [String]),
    /// Products of producers seated in these communes (`None`: everywhere, administrators).
    Communes(Option<&'a [String]>),
}

fn list_sql(scope: Scope<'_>, limit: usize) -> String {
    let filter = match scope {
        Scope::Product(_) => "p.slug = $1 AND r.status = 'published'".to_owned(),
        Scope::Order(_) => "o.order_no = $1".to_owned(),
        Scope::Producers(ids) => format!(
            "pr.id IN ({})",
            crate::db::placeholders(1, ids.len().max(1))
        ),
        Scope::Communes(None) => "1 = 1".to_owned(),
        Scope::Communes(Some(ids)) => format!(
            "pr.commune_id IN ({})",
            crate::db::placeholders(1, ids.len().max(1))
        ),
    };
    format!(
        "SELECT r.id, r.order_line_id, l.product_name, p.slug, pr.name AS producer_name, r.stars, r.body, u.display_name,
                r.created_at, r.status, r.hidden_reason, r.reply, r.replied_at
           FROM reviews r
           JOIN order_lines l ON l.id = r.order_line_id
           JOIN orders o ON o.id = r.order_id
           JOIN products p ON p.id = r.product_id
           JOIN producers pr ON pr.id = p.producer_id
           LEFT JOIN users u ON u.id = r.user_id
          WHERE {filter}
          ORDER BY r.created_at DESC, r.id DESC
          LIMIT {limit}"
    )
}

/// Reviews one list shows at most (the newest).
pub const LIST_LIMIT: usize = 200;

/// The module's statements built at run time.
pub(crate) fn rendered_statements() -> Vec<(String, String)> {
    let two = ["a".to_owned(), "b".to_owned()];
    [
        ("product", Scope::Product("x")),
        ("order", Scope::Order("x")),
        ("producers", Scope::Producers(&two)),
        ("communes", Scope::Communes(Some(&two))),
        ("everywhere", Scope::Communes(None)),
    ]
    .into_iter()
    .map(|(name, scope)| (format!("list_sql({name})"), list_sql(scope, LIST_LIMIT)))
    .collect()
}

/// The reviews of `scope`, newest first, with their photos (at most [`LIST_LIMIT`]).
pub async fn list(db: &Db, scope: Scope<'_>) -> Result<Vec<ReviewView>, sqlx::Error> {
    list_at_most(db, scope, LIST_LIMIT).await
}

/// The newest `limit` reviews of `scope` (at most [`LIST_LIMIT`]), with their photos.
#[tracing::instrument(skip_all)]
pub async fn list_at_most(
    db: &Db,
    scope: Scope<'_>,
    limit: usize,
) -> Result<Vec<ReviewView>, sqlx::Error> {
    let sql = list_sql(scope, limit.min(LIST_LIMIT));
    let mut query = sqlx::query_as::<_, ReviewRow>(&sql);
    match scope {
        Scope::Product(id) | Scope::Order(id) => query = query.bind(id),
        Scope::Producers(ids) | Scope::Communes(Some(ids)) => {
            if ids.is_empty() {
                return Ok(vec![]);
            }
            for id in ids {
                query = query.bind(id);
            }
        }
        Scope::Communes(None) => {}
    }
    let rows = query.fetch_all(db.pool()).await?;
    let ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
    let mut photos = crate::photos::of_reviews(db.pool(), &ids).await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let id = row.id;
        let photos = photos.remove(&id).unwrap_or_default();
        out.push(ReviewView {
            stars: decode::number::<u8>("reviews.stars", &id, row.stars)?,
            status: decode::text_enum("reviews.status", &id, &row.status, ReviewStatus::parse)?,
            author: row
                .display_name
                .map(|n| public_name(&n))
                .unwrap_or_default(),
            photos,
            id,
            order_line_id: row.order_line_id,
            product_name: row.product_name,
            product_slug: row.slug,
            producer_name: row.producer_name,
            body: row.body,
            created_at: row.created_at,
            hidden_reason: row.hidden_reason,
            reply: row.reply,
            replied_at: row.replied_at,
        });
    }
    Ok(out)
}

/// The lines of the order `order_no`, each with its review if any.
#[tracing::instrument(skip_all, fields(order_no = %order_no))]
pub async fn order_lines(db: &Db, order_no: &str) -> Result<Vec<LineToReview>, sqlx::Error> {
    let lines: Vec<(String, String)> = sqlx::query_as(ORDER_LINES)
        .bind(order_no)
        .fetch_all(db.pool())
        .await?;
    let mut reviews = list(db, Scope::Order(order_no)).await?;
    Ok(lines
        .into_iter()
        .map(|(line_id, product_name)| {
            let review = reviews
                .iter()
                .position(|r| r.order_line_id == line_id)
                .map(|i| reviews.swap_remove(i));
            LineToReview {
                line_id,
                product_name,
                review,
            }
        })
        .collect())
}

// The module's SQL, each statement prepared on both engines by the `sql` integration test.
crate::db::statements! {
    /// `line_facts`.
    LINE_FACTS = "SELECT o.order_no, v.product_id, o.producer_id, l.product_name, o.buyer_user_id, o.status,
               (SELECT COUNT(*) FROM reviews r WHERE r.order_line_id = l.id)
          FROM order_lines l
          JOIN orders o ON o.id = l.order_id
          JOIN product_variants v ON v.id = l.variant_id
         WHERE l.id = $1";
    /// `insert_in`: only the buyer's line of a delivered order, once.
    INSERT = "INSERT INTO reviews (id, order_line_id, order_id, product_id, user_id, stars, body, status, created_at)
        SELECT $1, l.id, o.id, v.product_id, o.buyer_user_id, CAST($4 AS INTEGER), $5, 'published', $6
          FROM order_lines l
          JOIN orders o ON o.id = l.order_id
          JOIN product_variants v ON v.id = l.variant_id
         WHERE l.id = $2 AND o.buyer_user_id = $3 AND o.status = 'delivered'
        ON CONFLICT (order_line_id) DO NOTHING";
    /// `reply`: whom to tell.
    AUTHOR = "SELECT r.user_id, o.order_no, l.product_name
          FROM reviews r JOIN orders o ON o.id = r.order_id JOIN order_lines l ON l.id = r.order_line_id
         WHERE r.id = $1";
    /// `owner`.
    OWNER = "SELECT p.producer_id, pr.commune_id, p.id
          FROM reviews r JOIN products p ON p.id = r.product_id JOIN producers pr ON pr.id = p.producer_id
         WHERE r.id = $1";
    /// `reply`: once.
    REPLY = "UPDATE reviews SET reply = $2, replied_by = $3, replied_at = $4
         WHERE id = $1 AND reply IS NULL";
    /// `hide`: a published review only.
    HIDE = "UPDATE reviews SET status = 'hidden', hidden_reason = $2, hidden_by = $3, hidden_at = $4
         WHERE id = $1 AND status = 'published'";
    /// `order_lines`.
    ORDER_LINES = "SELECT l.id, l.product_name FROM order_lines l JOIN orders o ON o.id = l.order_id
         WHERE o.order_no = $1 ORDER BY l.product_name, l.id";
}
