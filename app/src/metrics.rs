//! What `/metrics` reads from the database when scraped (the server renders it): the outboxes'
//! depths and oldest items, failed deliveries, and orders by status with their value. Every
//! statement is an aggregate over an indexed column or a small table.

use chrono::{DateTime, Utc};

use crate::db::{Db, decode};

/// One outbox: how much waits in it, and for how long the oldest has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outbox {
    pub name: &'static str,
    pub depth: i64,
    pub oldest_secs: i64,
}

/// The database's figures at one moment.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Figures {
    pub outboxes: Vec<Outbox>,
    /// (channel, outcome `retry` or `failed`, attempts).
    pub failed_deliveries: Vec<(String, String, i64)>,
    /// Notices given up on, waiting for an administrator.
    pub notifications_given_up: i64,
    pub orders_placed: i64,
    /// (status, orders, their total in đồng).
    pub orders: Vec<(String, i64, i64)>,
}

fn age_secs(column: &str, oldest: Option<String>, now: DateTime<Utc>) -> Result<i64, sqlx::Error> {
    oldest
        .map(|at| decode::timestamp(column, "oldest", &at))
        .transpose()
        .map(|at| at.map_or(0, |at| (now - at).num_seconds().max(0)))
}

/// Reads the figures (several small statements on one pool; no transaction: each is a moment's
/// reading, as a scrape is).
pub async fn read(db: &Db) -> Result<Figures, sqlx::Error> {
    let now = Utc::now();
    let pool = db.pool();
    let search = crate::search::sync::backlog(db).await?;
    let search_oldest = crate::search::sync::oldest_queued_at(db)
        .await?
        .map_or(0, |at| (now - at).num_seconds().max(0));
    let (notices, notices_oldest): (i64, Option<String>) =
        sqlx::query_as(PENDING_NOTICES).fetch_one(pool).await?;
    let failed_deliveries: Vec<(String, String, i64)> =
        sqlx::query_as(FAILED_DELIVERIES).fetch_all(pool).await?;
    let (notifications_given_up,): (i64,) = sqlx::query_as(GIVEN_UP).fetch_one(pool).await?;
    let orders: Vec<(String, i64, i64)> = sqlx::query_as(ORDERS).fetch_all(pool).await?;
    Ok(Figures {
        outboxes: vec![
            Outbox {
                name: "search",
                depth: search,
                oldest_secs: search_oldest,
            },
            Outbox {
                name: "notifications",
                depth: notices,
                oldest_secs: age_secs("notifications.created_at", notices_oldest, now)?,
            },
        ],
        failed_deliveries,
        notifications_given_up,
        orders_placed: orders.iter().map(|(_, n, _)| n).sum(),
        orders,
    })
}

crate::db::statements! {
    /// `read`: notices waiting to be sent (the inbox's are written sent).
    PENDING_NOTICES = "SELECT COUNT(*), MIN(created_at) FROM notifications WHERE status = 'pending'";
    /// `read`.
    FAILED_DELIVERIES = "SELECT n.channel, a.outcome, COUNT(*)
          FROM notification_attempts a JOIN notifications n ON n.id = a.notification_id
         WHERE a.outcome IN ('retry', 'failed')
         GROUP BY n.channel, a.outcome ORDER BY n.channel, a.outcome";
    /// `read`.
    GIVEN_UP = "SELECT COUNT(*) FROM notifications WHERE status = 'failed'";
    /// `read`: orders are never deleted, so the counts only grow.
    ORDERS = "SELECT status, COUNT(*), CAST(COALESCE(SUM(total_vnd), 0) AS BIGINT)
          FROM orders GROUP BY status ORDER BY status";
}
