//! The notifications table: notices written inside the transaction of the change that causes
//! them, the inbox read back, read state.

use sqlx::AnyConnection;

use super::{
    model::{Inbox, InboxItem},
    rules::{Channel, Notice},
};
use crate::db::{Db, decode, ids::new_id};

/// Who a notice is for.
#[derive(Clone, Copy, Debug)]
pub enum Recipient<'a> {
    /// An account: its inbox, and later the channels it chose.
    User(&'a str),
}

impl Recipient<'_> {
    fn key(&self) -> String {
        match self {
            Recipient::User(id) => format!("user:{id}"),
        }
    }
}

/// Writes `notice` for `to`, inside the caller's transaction. `event_key` names the event
/// (the same key twice is the same event: it stays one notice per recipient and channel).
pub async fn notify_in(
    conn: &mut AnyConnection,
    event_key: &str,
    to: Recipient<'_>,
    notice: &Notice,
    at: &str,
) -> Result<(), sqlx::Error> {
    let params = serde_json::to_string(notice).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
    let Recipient::User(user_id) = to;
    // The inbox is delivered by being written.
    sqlx::query(INSERT_INBOX)
        .bind(new_id())
        .bind(event_key)
        .bind(notice.kind().as_str())
        .bind(to.key())
        .bind(user_id)
        .bind(Channel::Inbox.as_str())
        .bind(&params)
        .bind(notice.link())
        .bind(at)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Writes `notice` for every member of the producer.
pub async fn notify_producer_in(
    conn: &mut AnyConnection,
    event_key: &str,
    producer_id: &str,
    notice: &Notice,
    at: &str,
) -> Result<(), sqlx::Error> {
    let members: Vec<String> = sqlx::query_scalar(PRODUCER_MEMBERS)
        .bind(producer_id)
        .fetch_all(&mut *conn)
        .await?;
    for user_id in members {
        notify_in(conn, event_key, Recipient::User(&user_id), notice, at).await?;
    }
    Ok(())
}

/// The newest notices in a user's inbox, and how many are unread.
#[tracing::instrument(skip_all)]
pub async fn inbox(db: &Db, user_id: &str) -> Result<Inbox, sqlx::Error> {
    let rows: Vec<(String, String, String, Option<String>)> = sqlx::query_as(INBOX)
        .bind(user_id)
        .fetch_all(db.pool())
        .await?;
    let mut items = Vec::with_capacity(rows.len());
    for (id, params, created_at, read_at) in rows {
        let notice: Notice = decode::json("notifications.params", &id, &params)?;
        items.push(InboxItem {
            id,
            notice,
            created_at,
            read: read_at.is_some(),
        });
    }
    let unread: i64 = sqlx::query_scalar(UNREAD)
        .bind(user_id)
        .fetch_one(db.pool())
        .await?;
    Ok(Inbox { items, unread })
}

/// Marks one notice (or, with `None`, all of them) of the user's inbox read; returns the link
/// of the one notice, if it is the user's.
#[tracing::instrument(skip_all)]
pub async fn mark_read(
    db: &Db,
    user_id: &str,
    notice_id: Option<&str>,
    at: &str,
) -> Result<Option<String>, sqlx::Error> {
    // One statement each: no transaction needed.
    match notice_id {
        Some(id) => {
            sqlx::query_scalar(MARK_ONE_READ)
                .bind(at)
                .bind(id)
                .bind(user_id)
                .fetch_optional(db.pool())
                .await
        }
        None => {
            sqlx::query(MARK_ALL_READ)
                .bind(at)
                .bind(user_id)
                .execute(db.pool())
                .await?;
            Ok(None)
        }
    }
}

crate::db::statements! {
    /// `notify_in`.
    INSERT_INBOX = "INSERT INTO notifications (id, event_key, kind, recipient, recipient_user_id, channel,
           locale, params, link, status, created_at, sent_at)
        SELECT $1, $2, $3, $4, u.id, $6, u.locale, $7, $8, 'sent', $9, $9 FROM users u WHERE u.id = $5
        ON CONFLICT (event_key, recipient, channel) DO NOTHING";
    /// `notify_producer_in`: everyone who works for the producer.
    PRODUCER_MEMBERS = "SELECT user_id FROM producer_members WHERE producer_id = $1 ORDER BY user_id";
    /// `inbox`: the newest 100.
    INBOX = "SELECT id, params, created_at, read_at FROM notifications
        WHERE recipient_user_id = $1 AND channel = 'inbox'
        ORDER BY created_at DESC, id DESC LIMIT 100";
    /// `inbox`.
    UNREAD = "SELECT COUNT(*) FROM notifications
        WHERE recipient_user_id = $1 AND channel = 'inbox' AND read_at IS NULL";
    /// `mark_read`, one notice.
    MARK_ONE_READ = "UPDATE notifications SET read_at = COALESCE(read_at, $1)
        WHERE id = $2 AND recipient_user_id = $3 AND channel = 'inbox' RETURNING link";
    /// `mark_read`, all.
    MARK_ALL_READ = "UPDATE notifications SET read_at = $1
        WHERE recipient_user_id = $2 AND channel = 'inbox' AND read_at IS NULL";
}
