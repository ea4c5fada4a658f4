//! Settling payments in the background: unpaid orders past their deadline are cancelled (their
//! stock returns to the shelf), cancelled orders whose card payment went through are refunded,
//! and guests' carts idle for a season are deleted. Every server runs this; each step is a conditional update in its own transaction,
//! so two servers never expire or refund the same order twice.

use std::time::Duration;

use app::shop::storage::{card_payments, orders};
use chrono::Utc;

use crate::startup::AppState;

/// How often a server looks for work.
const EVERY: Duration = Duration::from_secs(30);

/// One pass: expire, then refund. Returns (orders expired, refunds made).
pub async fn settle(state: &AppState) -> Result<(usize, usize), sqlx::Error> {
    let expired = orders::expire_unpaid(&state.db, Utc::now()).await?;
    if !expired.is_empty() {
        tracing::info!(orders = ?expired, "unpaid orders expired, stock returned");
    }
    let refunded = refund_due(state).await?;
    // Guests' abandoned carts go too (a season of quiet), so the table does not grow forever.
    let idle_since = Utc::now() - chrono::Duration::days(app::shop::storage::cart::GUEST_CART_DAYS);
    let removed = app::shop::storage::cart::delete_idle_guest_carts(&state.db, idle_since).await?;
    if removed > 0 {
        tracing::info!(carts = removed, "idle guest carts deleted");
    }
    // OCOP certificates running out: their producers and officers hear it 90 and 30 days
    // before, and once it has (each stage once; an already written stage costs one read).
    let now = state.clock.now();
    let reminded = app::officer::storage::certificates::remind_expiring(
        &state.db,
        app::domain::time::vietnam_date(now),
        now,
    )
    .await?;
    if reminded > 0 {
        tracing::info!(
            certificates = reminded,
            "certificate expiry reminders written"
        );
    }
    // The farm diary's daily signed checkpoint (once a day, by whichever server is first).
    if crate::diary::checkpoints::sign_today(state).await? {
        tracing::info!("the farm diary's checkpoint for today is signed");
    }
    // Throttle counts whose window has passed, so that table stays one window's worth.
    let removed = app::db::rate_limits::delete_expired(&state.db, state.clock.now()).await?;
    if removed > 0 {
        tracing::debug!(keys = removed, "expired throttle counts deleted");
    }
    Ok((expired.len(), refunded))
}

/// Refunds every cancelled order whose card payment went through. A provider failure is
/// logged and retried on the next pass (the idempotency key makes the retry safe).
pub async fn refund_due(state: &AppState) -> Result<usize, sqlx::Error> {
    let Some(stripe) = &state.payments.stripe else {
        return Ok(0);
    };
    let mut done = 0;
    for due in card_payments::refunds_due(&state.db).await? {
        match stripe.refund(&due).await {
            Ok(refund_id) => {
                if let Err(e) =
                    card_payments::record_refund(&state.db, &due, &refund_id, Utc::now()).await
                {
                    tracing::error!(error = %e, order = %due.order_no, "recording a refund failed");
                    continue;
                }
                tracing::info!(order = %due.order_no, %refund_id, "card payment refunded");
                done += 1;
            }
            Err(e) => {
                tracing::warn!(error = %e, order = %due.order_no, "refund failed; will retry")
            }
        }
    }
    Ok(done)
}

/// Runs [`settle`] forever (until the server stops and drops the task).
pub async fn run(state: AppState) {
    let mut tick = tokio::time::interval(EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        if let Err(e) = settle(&state).await {
            tracing::warn!(error = %e, "settling payments failed; will retry");
        }
    }
}
