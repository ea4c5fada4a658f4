//! Request throttles in the database, so every app server shares them: a counter per key
//! (`signin:ip:<address>`, `lookup:order:<number>`, …) that starts again once its window has
//! passed, and after the free attempts a wait before the next one, fixed or doubling.
//!
//! An attempt is taken with one `INSERT … ON CONFLICT … DO UPDATE … RETURNING` statement,
//! before the guessable or expensive check it guards: the database counts concurrent attempts
//! one after the other, so forty requests at once cannot all find the counter under the limit,
//! and on SQLite the statement is a write from its first step (a read-then-write transaction
//! would fail at once with "database is locked" instead of waiting its turn).

use chrono::{DateTime, Duration, Utc};

use super::{Db, ids::new_id};

/// How many attempts a key allows, and how it slows down after.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Policy {
    /// Attempts in a window that need no wait.
    pub free: i64,
    /// The counter starts again this long after the window's first attempt.
    pub window: Duration,
    /// The wait after the free attempts; it doubles with each further one…
    pub first_wait: Duration,
    /// …up to this.
    pub max_wait: Duration,
}

impl Policy {
    /// `limit` attempts per window, then none until the window has passed.
    pub const fn per_window(limit: i64, window: Duration) -> Policy {
        Policy {
            free: limit,
            window,
            first_wait: window,
            max_wait: window,
        }
    }

    /// `free` attempts, then a wait from `first_wait` doubling up to `max_wait` before each
    /// further one; everything is forgiven `window` after the first attempt.
    pub const fn progressive(
        free: i64,
        window: Duration,
        first_wait: Duration,
        max_wait: Duration,
    ) -> Policy {
        Policy {
            free,
            window,
            first_wait,
            max_wait,
        }
    }
}

/// What taking an attempt came to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    Allowed,
    /// Refused; the next attempt may come after this long.
    Wait(Duration),
}

fn ms(t: DateTime<Utc>) -> i64 {
    t.timestamp_millis()
}

/// Counts an attempt against `key` if the policy allows one now.
pub async fn take(
    db: &Db,
    key: &str,
    policy: &Policy,
    now: DateTime<Utc>,
) -> Result<Verdict, sqlx::Error> {
    let now_ms = ms(now);
    let first_wait = policy.first_wait.num_milliseconds().max(0);
    let max_wait = policy.max_wait.num_milliseconds().max(first_wait);
    // The first attempt of a window waits only when there is no free one.
    let initial_delay = if policy.free <= 1 { first_wait } else { 0 };
    // No wait is "next_at = 0", not "now": requests stamped a moment apart (or by servers whose
    // clocks differ a little) reach the database in any order, and a free attempt must not find
    // the previous one's "now" still ahead of its own.
    let initial_next = if initial_delay > 0 {
        now_ms + initial_delay
    } else {
        0
    };
    // Whoever finds this token in the row afterwards is the attempt that was let through; a
    // refused one leaves the row as it was.
    let grant = new_id();
    // In the SET clause `rate_limits.*` is the row before the update. Its window has passed
    // (start again), its wait has not (refuse, change nothing), or the attempt counts: the
    // wait before the next one is 0 while free attempts remain, then doubles up to the cap.
    let (granted, next_at, window_end): (String, i64, i64) = sqlx::query_as(TAKE)
        .bind(key)
        .bind(now_ms)
        .bind(initial_delay)
        .bind(now_ms + policy.window.num_milliseconds())
        .bind(&grant)
        .bind(policy.free)
        .bind(first_wait)
        .bind(max_wait)
        .bind(initial_next)
        .fetch_one(db.pool())
        .await?;
    if granted == grant {
        return Ok(Verdict::Allowed);
    }
    // Whichever comes first: the end of the wait, or the window starting again.
    let until = next_at.min(window_end);
    Ok(Verdict::Wait(Duration::milliseconds(
        (until - now_ms).max(1000),
    )))
}

/// Gives an attempt back (it turned out to be the rightful owner's): a success does not use
/// up what the others behind the same address may try.
pub async fn give_back(
    db: &Db,
    key: &str,
    policy: &Policy,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query(GIVE_BACK)
        .bind(key)
        .bind(ms(now))
        .bind(policy.free)
        .execute(db.pool())
        .await?;
    Ok(())
}

/// Forgets a key's count (e.g. a sign-in from this address succeeded).
pub async fn forget(db: &Db, key: &str) -> Result<(), sqlx::Error> {
    sqlx::query(FORGET).bind(key).execute(db.pool()).await?;
    Ok(())
}

/// Deletes the keys whose window has passed (they would start again anyway), so the table
/// holds at most one window's worth of keys. Returns how many went.
pub async fn delete_expired(db: &Db, now: DateTime<Utc>) -> Result<u64, sqlx::Error> {
    let done = sqlx::query(DELETE_EXPIRED)
        .bind(ms(now))
        .execute(db.pool())
        .await?;
    Ok(done.rows_affected())
}

// The module's SQL, each statement prepared on both engines by the `sql` integration test.
crate::db::statements! {
    /// `take`.
    TAKE = "INSERT INTO rate_limits (bucket_key, hits, delay_ms, next_at, window_end, grant_id)
        VALUES ($1, 1, $3, $9, $4, $5)
        ON CONFLICT (bucket_key) DO UPDATE SET
          hits = CASE WHEN rate_limits.window_end <= $2 THEN 1
                      WHEN rate_limits.next_at > $2 THEN rate_limits.hits
                      ELSE rate_limits.hits + 1 END,
          delay_ms = CASE WHEN rate_limits.window_end <= $2 THEN $3
                          WHEN rate_limits.next_at > $2 THEN rate_limits.delay_ms
                          WHEN rate_limits.hits + 1 < $6 THEN 0
                          WHEN rate_limits.delay_ms = 0 THEN $7
                          WHEN rate_limits.delay_ms * 2 > $8 THEN $8
                          ELSE rate_limits.delay_ms * 2 END,
          next_at = CASE WHEN rate_limits.window_end <= $2 THEN $9
                         WHEN rate_limits.next_at > $2 THEN rate_limits.next_at
                         WHEN rate_limits.hits + 1 < $6 THEN 0
                         WHEN rate_limits.delay_ms = 0 THEN $2 + $7
                         WHEN rate_limits.delay_ms * 2 > $8 THEN $2 + $8
                         ELSE $2 + rate_limits.delay_ms * 2 END,
          window_end = CASE WHEN rate_limits.window_end <= $2 THEN $4
                            ELSE rate_limits.window_end END,
          grant_id = CASE WHEN rate_limits.window_end <= $2 OR rate_limits.next_at <= $2 THEN $5
                          ELSE rate_limits.grant_id END
        RETURNING grant_id, next_at, window_end";
    /// `give_back`.
    GIVE_BACK = "UPDATE rate_limits SET
          hits = hits - 1,
          delay_ms = CASE WHEN hits - 1 < $3 THEN 0 ELSE delay_ms END,
          next_at = CASE WHEN hits - 1 < $3 THEN 0 ELSE next_at END
        WHERE bucket_key = $1 AND hits > 0 AND window_end > $2";
    /// `forget`.
    FORGET = "DELETE FROM rate_limits WHERE bucket_key = $1";
    /// `delete_expired`.
    DELETE_EXPIRED = "DELETE FROM rate_limits WHERE window_end <= $1";
}
