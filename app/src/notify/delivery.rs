//! Delivering notices beyond the inbox (#22): what the dispatcher decides after each attempt (a
//! pure function, below) and, on the server, how it claims a notice, records the attempt and
//! stores the outcome. The sending itself (SMTP, eSMS, Zalo ZNS) is in the server crate.

use std::time::Duration;

use chrono::{DateTime, Utc};

/// How a send went, as the dispatcher tells it here.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Attempt {
    /// The provider accepted the message.
    Sent,
    /// Worth trying again later: a timeout, a 5xx, a refused connection, a rate limit.
    Retryable(String),
    /// Will never work as it is: a bad address, a rejected template, refused credentials.
    Permanent(String),
    /// This site has not set the channel up.
    NotConfigured,
}

/// What becomes of a notice after an attempt.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Next {
    Sent,
    /// Pending again, due at the given time.
    RetryAt(DateTime<Utc>, String),
    Failed(String),
    Skipped,
}

/// The dispatcher's patience.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// The wait after the first failed attempt; it doubles with each further one.
    pub first_backoff: Duration,
    /// The longest wait between two attempts.
    pub max_backoff: Duration,
    /// A notice not sent this long after it was written is given up: an "order shipped" text
    /// a day late helps nobody, and the inbox has it anyway.
    pub give_up_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            first_backoff: Duration::from_secs(30),
            max_backoff: Duration::from_secs(60 * 60),
            give_up_after: Duration::from_secs(24 * 60 * 60),
        }
    }
}

impl RetryPolicy {
    /// The wait after attempt number `attempts` (1 = the first) failed: first, 2×first, 4×first…
    /// capped at `max_backoff`.
    pub fn backoff(&self, attempts: i64) -> Duration {
        let doublings = u32::try_from(attempts.saturating_sub(1).clamp(0, 30)).unwrap_or(30);
        self.first_backoff
            .saturating_mul(2u32.saturating_pow(doublings))
            .min(self.max_backoff)
    }

    /// Whether a notice written at `created_at` is past giving up at `now`.
    pub fn expired(&self, created_at: DateTime<Utc>, now: DateTime<Utc>) -> bool {
        now.signed_duration_since(created_at)
            .to_std()
            .is_ok_and(|age| age >= self.give_up_after)
    }

    /// What becomes of a notice written at `created_at` whose attempt number `attempts` ended
    /// as `attempt` at `now`.
    pub fn after(
        &self,
        attempt: Attempt,
        attempts: i64,
        created_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Next {
        match attempt {
            Attempt::Sent => Next::Sent,
            Attempt::NotConfigured => Next::Skipped,
            Attempt::Permanent(error) => Next::Failed(error),
            Attempt::Retryable(error) => {
                let at = now
                    + chrono::Duration::from_std(self.backoff(attempts))
                        .unwrap_or(chrono::Duration::MAX);
                let deadline = created_at
                    + chrono::Duration::from_std(self.give_up_after)
                        .unwrap_or(chrono::Duration::MAX);
                if at > deadline {
                    Next::Failed(format!("gave up after {attempts} attempts: {error}"))
                } else {
                    Next::RetryAt(at, error)
                }
            }
        }
    }
}

/// What an attempt is stored as in `notification_attempts.outcome`.
pub fn outcome_word(next: &Next) -> &'static str {
    match next {
        Next::Sent => "sent",
        Next::RetryAt(..) => "retry",
        Next::Failed(_) => "failed",
        Next::Skipped => "skipped",
    }
}

/// An address shown to an administrator: enough to recognise, not enough to harvest.
/// `an@example.vn` → `a…@example.vn`, `+84912345678` → `+849…678`.
pub fn masked(address: &str) -> String {
    if let Some((local, domain)) = address.split_once('@') {
        let first: String = local.chars().take(1).collect();
        return format!("{first}…@{domain}");
    }
    let chars: Vec<char> = address.chars().collect();
    if chars.len() <= 6 {
        return "…".to_owned();
    }
    let head: String = chars[..4].iter().collect();
    let tail: String = chars[chars.len() - 3..].iter().collect();
    format!("{head}…{tail}")
}

/// A failed delivery, as the administrators' page lists it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FailedDelivery {
    pub id: String,
    pub kind: String,
    pub channel: super::rules::Channel,
    /// Already masked.
    pub address: String,
    pub attempts: i64,
    pub last_error: String,
    pub created_at: String,
}

#[cfg(feature = "ssr")]
pub use storage::*;

#[cfg(feature = "ssr")]
mod storage {
    use chrono::{DateTime, Utc};

    use super::{FailedDelivery, Next, masked, outcome_word};
    use crate::{
        db::{Db, decode},
        domain::time::db_timestamp,
        i18n::Locale,
        notify::rules::{Channel, Notice},
    };

    /// id, kind, channel, address, attempts, last_error, created_at.
    type FailedRow = (String, String, String, String, i64, Option<String>, String);

    /// A notice this dispatcher has claimed and must now send.
    #[derive(Clone, Debug)]
    pub struct Due {
        pub id: String,
        pub channel: Channel,
        pub address: String,
        pub locale: Locale,
        /// `None`: the stored params no longer read as a notice (redacted, or a kind this
        /// version does not know).
        pub notice: Option<Notice>,
        pub link: String,
        /// This attempt's number (1 = the first).
        pub attempt: i64,
        pub created_at: DateTime<Utc>,
        /// The account it is for (`None`: a guest's phone or an address asked for a code).
        pub user_id: Option<String>,
    }

    /// The ids of notices due at `now` and not leased by anyone, oldest first.
    pub async fn due_ids(
        db: &Db,
        now: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<String>, sqlx::Error> {
        sqlx::query_scalar(DUE)
            .bind(db_timestamp(now))
            .bind(limit)
            .fetch_all(db.pool())
            .await
    }

    /// Claims one notice for `lease`: the conditional UPDATE's answer decides who owns it, so
    /// two dispatchers never both do. The attempt is recorded ('sending') in the same
    /// transaction. `None`: another dispatcher got it first, or it is no longer due.
    pub async fn claim(
        db: &Db,
        id: &str,
        now: DateTime<Utc>,
        lease: std::time::Duration,
    ) -> Result<Option<Due>, sqlx::Error> {
        let until = now + chrono::Duration::from_std(lease).unwrap_or(chrono::Duration::hours(1));
        let mut tx = db.begin_write().await?;
        type Claimed = (
            String,
            String,
            String,
            String,
            String,
            i64,
            String,
            Option<String>,
        );
        let row: Option<Claimed> = sqlx::query_as(CLAIM)
            .bind(db_timestamp(until))
            .bind(id)
            .bind(db_timestamp(now))
            .fetch_optional(&mut *tx)
            .await?;
        let Some((channel, address, locale, params, link, attempt, created_at, user_id)) = row
        else {
            return Ok(None);
        };
        sqlx::query(INSERT_ATTEMPT)
            .bind(id)
            .bind(attempt)
            .bind(db_timestamp(now))
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        let channel = Channel::parse(&channel).ok_or_else(|| {
            decode::bad_value("notifications.channel", id, &channel, "not a channel")
        })?;
        let locale = Locale::from_code(&locale).unwrap_or(Locale::Vi);
        let created_at = decode::timestamp("notifications.created_at", id, &created_at)?;
        Ok(Some(Due {
            id: id.to_owned(),
            channel,
            address,
            locale,
            notice: serde_json::from_str(&params).ok(),
            link,
            attempt,
            created_at,
            user_id,
        }))
    }

    /// Stores what became of attempt `attempt` of notice `id`, unless the notice is no longer
    /// this attempt's (its lease ran out and another dispatcher claimed it again). `redact`
    /// replaces the notice's words with a marker once final (a one-time code must not stay).
    /// Returns whether it was stored.
    pub async fn finish(
        db: &Db,
        id: &str,
        attempt: i64,
        next: &Next,
        now: DateTime<Utc>,
        redact: bool,
    ) -> Result<bool, sqlx::Error> {
        let now_text = db_timestamp(now);
        let (status, next_at, error) = match next {
            Next::Sent => ("sent", None, None),
            Next::RetryAt(at, e) => ("pending", Some(db_timestamp(*at)), Some(e.clone())),
            Next::Failed(e) => ("failed", None, Some(e.clone())),
            Next::Skipped => ("skipped", None, Some("channel not configured".to_owned())),
        };
        let mut tx = db.begin_write().await?;
        let done = sqlx::query(FINISH)
            .bind(status)
            .bind(next_at)
            .bind(error.clone())
            .bind(if matches!(next, Next::Sent) {
                Some(now_text.clone())
            } else {
                None
            })
            .bind(id)
            .bind(attempt)
            .execute(&mut *tx)
            .await?
            .rows_affected()
            == 1;
        sqlx::query(FINISH_ATTEMPT)
            .bind(outcome_word(next))
            .bind(error)
            .bind(&now_text)
            .bind(id)
            .bind(attempt)
            .execute(&mut *tx)
            .await?;
        // Once final (sent, failed, skipped), a secret has no further use here: a one-time
        // code is not resent by an administrator's Retry either (it would have expired).
        if done && redact && !matches!(next, Next::RetryAt(..)) {
            sqlx::query(REDACT).bind(id).execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(done)
    }

    /// Failed deliveries, newest first, for the administrators' page.
    pub async fn failed(db: &Db) -> Result<Vec<FailedDelivery>, sqlx::Error> {
        let rows: Vec<FailedRow> = sqlx::query_as(FAILED).fetch_all(db.pool()).await?;
        let mut list = Vec::with_capacity(rows.len());
        for (id, kind, channel, address, attempts, last_error, created_at) in rows {
            let channel = Channel::parse(&channel).ok_or_else(|| {
                decode::bad_value("notifications.channel", &id, &channel, "not a channel")
            })?;
            list.push(FailedDelivery {
                id,
                kind,
                channel,
                address: masked(&address),
                attempts,
                last_error: last_error.unwrap_or_default(),
                created_at,
            });
        }
        Ok(list)
    }

    /// Puts a failed delivery back in line, due now (its attempts are kept). Returns whether
    /// there was such a failed delivery.
    pub async fn retry(db: &Db, id: &str, now: DateTime<Utc>) -> Result<bool, sqlx::Error> {
        let mut tx = db.begin_write().await?;
        let done = sqlx::query(RETRY)
            .bind(db_timestamp(now))
            .bind(id)
            .execute(&mut *tx)
            .await?
            .rows_affected()
            == 1;
        tx.commit().await?;
        Ok(done)
    }

    crate::db::statements! {
        /// `due_ids`.
        DUE = "SELECT id FROM notifications
            WHERE status = 'pending' AND next_attempt_at <= $1
              AND (lease_until IS NULL OR lease_until < $1)
            ORDER BY next_attempt_at, id LIMIT $2";
        /// `claim`: only one dispatcher's UPDATE matches.
        CLAIM = "UPDATE notifications SET lease_until = $1, attempts = attempts + 1
            WHERE id = $2 AND status = 'pending' AND next_attempt_at <= $3
              AND (lease_until IS NULL OR lease_until < $3)
            RETURNING channel, address, locale, params, link, attempts, created_at, recipient_user_id";
        /// `claim`.
        INSERT_ATTEMPT = "INSERT INTO notification_attempts (notification_id, attempt, started_at, outcome)
            VALUES ($1, $2, $3, 'sending')";
        /// `finish`: only while the notice is still this attempt's.
        FINISH = "UPDATE notifications SET status = $1, next_attempt_at = $2, last_error = $3,
                sent_at = $4, lease_until = NULL
            WHERE id = $5 AND attempts = $6 AND status = 'pending'";
        /// `finish`.
        FINISH_ATTEMPT = "UPDATE notification_attempts SET outcome = $1, error = $2, finished_at = $3
            WHERE notification_id = $4 AND attempt = $5";
        /// `finish`: a secret's words do not stay once sent.
        REDACT = "UPDATE notifications SET params = '{\"redacted\":true}' WHERE id = $1";
        /// `failed`.
        FAILED = "SELECT id, kind, channel, address, attempts, last_error, created_at FROM notifications
            WHERE status = 'failed' AND channel <> 'inbox'
            ORDER BY created_at DESC, id DESC LIMIT 200";
        /// `retry`.
        RETRY = "UPDATE notifications SET status = 'pending', next_attempt_at = $1, lease_until = NULL
            WHERE id = $2 AND status = 'failed'";
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    const WRITTEN: &str = "2026-12-01T08:00:00Z";

    #[test]
    fn backoff_doubles_from_the_first_wait_and_stops_at_the_cap() {
        let p = RetryPolicy::default();
        let secs: Vec<u64> = (1..=9).map(|n| p.backoff(n).as_secs()).collect();
        assert_eq!(secs, vec![30, 60, 120, 240, 480, 960, 1920, 3600, 3600]);
        // Nonsense attempt counts neither panic nor overflow.
        assert_eq!(p.backoff(0).as_secs(), 30);
        assert_eq!(p.backoff(-5).as_secs(), 30);
        assert_eq!(p.backoff(i64::MAX).as_secs(), 3600);
    }

    #[test]
    fn every_outcome_leads_where_it_should() {
        let p = RetryPolicy::default();
        let now = t("2026-12-01T09:00:00Z");
        assert_eq!(p.after(Attempt::Sent, 3, t(WRITTEN), now), Next::Sent);
        assert_eq!(
            p.after(Attempt::NotConfigured, 1, t(WRITTEN), now),
            Next::Skipped
        );
        assert_eq!(
            p.after(Attempt::Permanent("bad phone".into()), 1, t(WRITTEN), now),
            Next::Failed("bad phone".into())
        );
        assert_eq!(
            p.after(Attempt::Retryable("503".into()), 2, t(WRITTEN), now),
            Next::RetryAt(t("2026-12-01T09:01:00Z"), "503".into())
        );
    }

    #[test]
    fn a_retry_past_the_give_up_time_fails_instead() {
        let p = RetryPolicy::default();
        // 23 h 30 min after writing, the next wait (1 h) would end past the day.
        let late = t("2026-12-02T07:30:00Z");
        match p.after(Attempt::Retryable("timeout".into()), 12, t(WRITTEN), late) {
            Next::Failed(e) => assert!(e.contains("gave up after 12 attempts: timeout"), "{e}"),
            other => panic!("{other:?}"),
        }
        // Just inside: still retried.
        let inside = t("2026-12-02T06:59:00Z");
        assert!(matches!(
            p.after(Attempt::Retryable("timeout".into()), 12, t(WRITTEN), inside),
            Next::RetryAt(..)
        ));
        assert!(p.expired(t(WRITTEN), t("2026-12-02T08:00:00Z")));
        assert!(!p.expired(t(WRITTEN), t("2026-12-02T07:59:59Z")));
        // A clock behind the notice's time is not "expired".
        assert!(!p.expired(t(WRITTEN), t("2026-11-30T08:00:00Z")));
    }

    #[test]
    fn outcomes_are_stored_as_the_migration_allows() {
        let words = [
            outcome_word(&Next::Sent),
            outcome_word(&Next::RetryAt(t(WRITTEN), String::new())),
            outcome_word(&Next::Failed(String::new())),
            outcome_word(&Next::Skipped),
        ];
        assert_eq!(words, ["sent", "retry", "failed", "skipped"]);
    }

    #[test]
    fn addresses_are_masked() {
        assert_eq!(masked("an@example.vn"), "a…@example.vn");
        assert_eq!(masked("+84912345678"), "+849…678");
        assert_eq!(masked("123"), "…");
        assert_eq!(masked("ạ@ví.vn"), "ạ…@ví.vn");
    }
}
