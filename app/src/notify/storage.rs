//! The notifications table: notices written inside the transaction of the change that causes
//! them, the inbox read back, read state.

use sqlx::AnyConnection;

use super::{
    model::{Inbox, InboxItem},
    rules::{Channel, Contacts, Notice, external_channels},
};
use crate::{
    db::{Db, decode, ids::new_id},
    i18n::Locale,
};

/// Who a notice is for.
#[derive(Clone, Copy, Debug)]
pub enum Recipient<'a> {
    /// An account: its inbox always, and the channels it chose among its verified contacts.
    User(&'a str),
    /// A phone number in E.164 form (a guest's order): by SMS.
    Phone(&'a str, Locale),
    /// An email address (a guest's order).
    Email(&'a str, Locale),
}

impl Recipient<'_> {
    /// The key each (event, recipient, channel) is unique on.
    fn key(&self) -> String {
        match self {
            Recipient::User(id) => format!("user:{id}"),
            Recipient::Phone(phone, _) => format!("phone:{phone}"),
            Recipient::Email(email, _) => format!("email:{}", email.to_lowercase()),
        }
    }
}

/// Writes `notice` for `to`, inside the caller's transaction. `event_key` names the event
/// (the same key twice is the same event: it stays one notice per recipient and channel). The
/// inbox row is delivered by being written; email, SMS and Zalo rows wait, `pending`, for the
/// dispatcher (a channel this site has not set up is marked `skipped` there).
pub async fn notify_in(
    conn: &mut AnyConnection,
    event_key: &str,
    to: Recipient<'_>,
    notice: &Notice,
    at: &str,
) -> Result<(), sqlx::Error> {
    let params = serde_json::to_string(notice).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
    let pending = |channel: Channel, address: &str, locale: Locale, user_id: Option<&str>| {
        sqlx::query(INSERT_PENDING)
            .bind(new_id())
            .bind(event_key.to_owned())
            .bind(notice.kind().as_str())
            .bind(to.key())
            .bind(user_id.map(str::to_owned))
            .bind(channel.as_str())
            .bind(locale.code())
            .bind(params.clone())
            .bind(notice.link())
            .bind(at.to_owned())
            .bind(address.to_owned())
    };
    match to {
        Recipient::User(user_id) => {
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
            let Some((phone, email, phone_verified, email_verified, locale)) =
                sqlx::query_as::<_, (Option<String>, Option<String>, i64, i64, String)>(CONTACTS)
                    .bind(user_id)
                    .fetch_optional(&mut *conn)
                    .await?
            else {
                return Ok(());
            };
            let locale = Locale::from_code(&locale).ok_or_else(|| {
                decode::bad_value("users.locale", user_id, &locale, "not a language")
            })?;
            let chosen: Vec<(String, i64)> = sqlx::query_as(PREFERENCES)
                .bind(user_id)
                .bind(notice.kind().as_str())
                .fetch_all(&mut *conn)
                .await?;
            let contacts = Contacts {
                email: email.is_some() && email_verified != 0,
                phone: phone.is_some() && phone_verified != 0,
            };
            let channels = external_channels(notice.kind(), contacts, |channel| {
                chosen
                    .iter()
                    .find(|(c, _)| c == channel.as_str())
                    .map(|(_, on)| *on != 0)
            });
            for channel in channels {
                let address = match channel {
                    Channel::Email => email.as_deref(),
                    Channel::Sms | Channel::Zalo => phone.as_deref(),
                    Channel::Inbox => None,
                };
                if let Some(address) = address {
                    pending(channel, address, locale, Some(user_id))
                        .execute(&mut *conn)
                        .await?;
                }
            }
        }
        Recipient::Phone(phone, locale) => {
            pending(Channel::Sms, phone, locale, None)
                .execute(&mut *conn)
                .await?;
        }
        Recipient::Email(email, locale) => {
            pending(Channel::Email, email, locale, None)
                .execute(&mut *conn)
                .await?;
        }
    }
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
    /// `notify_in`: a notice for the dispatcher to send.
    INSERT_PENDING = "INSERT INTO notifications (id, event_key, kind, recipient, recipient_user_id, channel,
           locale, params, link, status, created_at, next_attempt_at, address)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'pending', $10, $10, $11)
        ON CONFLICT (event_key, recipient, channel) DO NOTHING";
    /// `notify_in`: an account's contacts and language.
    CONTACTS = "SELECT phone, email,
            CASE WHEN phone_verified_at IS NULL THEN 0 ELSE 1 END,
            CASE WHEN email_verified_at IS NULL THEN 0 ELSE 1 END, locale
        FROM users WHERE id = $1";
    /// `notify_in`: what the account chose for this kind.
    PREFERENCES = "SELECT channel, enabled FROM notification_preferences WHERE user_id = $1 AND kind = $2";
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
