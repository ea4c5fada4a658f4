//! The dispatcher (#22): every server runs one. It claims due notices one at a time with a
//! lease (the claim is a conditional UPDATE: two dispatchers never own the same notice), sends
//! with no transaction open, then stores the outcome: sent, pending again after a backoff,
//! failed (a permanent refusal, or past the give-up time), or skipped (channel not set up).
//! A dispatcher that dies mid-send leaves its claim to run out; the next attempt passes the
//! same idempotency key to the provider.

use app::notify::{
    delivery::{self, Attempt, Next},
    texts::words,
};
use chrono::Utc;

use super::channels::{Channels, NotifySettings, Outgoing, Unsubscribe};
use crate::startup::AppState;

/// How many due notices one pass looks at.
const BATCH: i64 = 20;

/// One pass: sends what is due. Returns how many notices it finished.
pub async fn pass(
    db: &app::db::Db,
    channels: &Channels,
    settings: &NotifySettings,
    public_url: &str,
) -> Result<usize, sqlx::Error> {
    let mut done = 0;
    for id in delivery::due_ids(db, Utc::now(), BATCH).await? {
        let Some(due) = delivery::claim(db, &id, Utc::now(), settings.lease).await? else {
            // Another dispatcher has it.
            continue;
        };
        let policy = settings.retry;
        let next = match &due.notice {
            _ if policy.expired(due.created_at, Utc::now()) => {
                Next::Failed("not sent within the give-up time".to_owned())
            }
            None => Next::Failed("the stored notice cannot be read".to_owned()),
            Some(notice) => {
                let (title, text) = words(notice, due.locale);
                let unsubscribe = match (&due.user_id, due.channel) {
                    (Some(user), app::notify::rules::Channel::Email)
                        if !notice.kind().essential() =>
                    {
                        let token = app::notify::unsubscribe::storage::token_for(
                            db,
                            user,
                            notice.kind(),
                            &crate::auth::tokens::random_token(),
                            &app::domain::time::db_timestamp(Utc::now()),
                        )
                        .await?;
                        Some(Unsubscribe {
                            url: format!("{public_url}{}", app::notify::unsubscribe::path(&token)),
                            label: app::notify::texts::NotifyTexts::of(due.locale)
                                .unsubscribe_footer
                                .to_owned(),
                        })
                    }
                    _ => None,
                };
                let message = Outgoing {
                    id: due.id.clone(),
                    kind: notice.kind(),
                    to: due.address.clone(),
                    title,
                    text,
                    link: format!("{public_url}{}", due.link),
                    unsubscribe,
                };
                // No transaction is open here: a slow provider holds nothing in the database.
                let attempt = channels.send(due.channel, &message).await;
                if let Attempt::Retryable(e) | Attempt::Permanent(e) = &attempt {
                    tracing::warn!(notice = %due.id, channel = %due.channel, attempt = due.attempt, error = %e, "sending a notice failed");
                }
                policy.after(attempt, due.attempt, due.created_at, Utc::now())
            }
        };
        let secret = due
            .notice
            .as_ref()
            .is_some_and(|n| n.kind().carries_secret());
        if delivery::finish(db, &due.id, due.attempt, &next, Utc::now(), secret).await? {
            done += 1;
        } else {
            tracing::warn!(notice = %due.id, "a notice's lease ran out before its outcome was stored");
        }
    }
    Ok(done)
}

/// Runs [`pass`] every poll interval until the server stops and drops the task.
pub async fn run(state: AppState) {
    let settings = state.settings.notify.clone();
    let channels = match Channels::new(&settings) {
        Ok(channels) => channels,
        Err(e) => {
            tracing::error!(error = %e, "notice channels could not be set up; nothing is sent");
            return;
        }
    };
    let mut tick = tokio::time::interval(settings.poll);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        if let Err(e) = pass(&state.db, &channels, &settings, &state.public_url).await {
            tracing::warn!(error = %e, "sending notices failed; will retry");
        }
    }
}
