//! Settling payments in the background: unpaid orders past their deadline are cancelled (their
//! stock returns to the shelf), cancelled orders whose card payment went through are refunded,
//! and guests' carts idle for a season are deleted. One server at a time runs this (the holder of
//! the `settle` lease, see `app::servers`), and each step is a conditional update in its own
//! transaction besides, so two servers never expire or refund the same order twice.

use std::time::Duration;

use app::shop::storage::orders;
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
    // What the privacy policy says is kept only so long (guests' carts, sessions, throttle
    // counts, one-time codes, audit rows) is deleted once its time is up.
    let swept = app::privacy::storage::enforce(&state.db, state.clock.now()).await?;
    if swept.total() > 0 {
        tracing::info!(
            carts = swept.carts,
            sessions = swept.sessions,
            throttle = swept.throttle,
            codes = swept.codes,
            audit = swept.audit,
            "rows past their retention deleted"
        );
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
    // Planned care on the farms: each task due by tomorrow is reminded of once.
    let reminded =
        app::care::storage::remind_due(&state.db, app::domain::time::vietnam_date(now), now)
            .await?;
    if reminded > 0 {
        tracing::info!(tasks = reminded, "care task reminders written");
    }
    // The farm diary's daily signed checkpoint (once a day, by whichever server is first).
    if crate::diary::checkpoints::sign_today(state).await? {
        tracing::info!("the farm diary's checkpoint for today is signed");
    }
    Ok((expired.len(), refunded))
}

/// How long one refund attempt holds its claim: longer than any provider call takes.
const REFUND_LEASE_MINUTES: i64 = 5;

/// Refunds every payment owed back through its provider (card: Stripe; VNPay: its refund
/// API) that is due for a try. Each is claimed first, so two passes never call the provider
/// for the same payment at once; a failure is recorded (attempts, error, next try with
/// backoff) and shown to administrators; a bank transfer is given back by hand, not here.
pub async fn refund_due(state: &AppState) -> Result<usize, sqlx::Error> {
    use app::payments::{rules::PaymentMethod, storage as refunds};
    // One pass at a time in this process (a cancellation's immediate pass and the timer's):
    // the second then finds the first's work done instead of skipping claimed payments while
    // their answer is still on its way. Other servers are kept off by the claim.
    static PASS: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());
    let _pass = PASS.lock().await;
    let now = Utc::now();
    let mut done = 0;
    for due in refunds::refunds_due(&state.db, now).await? {
        let result = match due.method {
            PaymentMethod::Card => match &state.payments.stripe {
                Some(stripe) => {
                    if !refunds::claim_refund(
                        &state.db,
                        &due,
                        now,
                        chrono::Duration::minutes(REFUND_LEASE_MINUTES),
                    )
                    .await?
                    {
                        continue;
                    }
                    stripe.refund(&due).await.map_err(|e| e.to_string())
                }
                None => continue,
            },
            PaymentMethod::Vnpay => match &state.payments.vnpay {
                Some(vnpay) => {
                    if !refunds::claim_refund(
                        &state.db,
                        &due,
                        now,
                        chrono::Duration::minutes(REFUND_LEASE_MINUTES),
                    )
                    .await?
                    {
                        continue;
                    }
                    vnpay
                        .settle_refund(&due, Utc::now())
                        .await
                        .map(|r| r.reference)
                        .map_err(|e| e.to_string())
                }
                None => continue,
            },
            PaymentMethod::Cod | PaymentMethod::BankTransfer => continue,
        };
        match result {
            Ok(reference) => {
                match refunds::refund_confirmed(
                    &state.db,
                    &due.payment_id,
                    &reference,
                    None,
                    Utc::now(),
                )
                .await
                {
                    Ok(_) => {
                        tracing::info!(order = %due.order_no, %reference, "payment refunded");
                        done += 1;
                    }
                    // The provider has refunded: the next pass finds it (Stripe's idempotency
                    // key, VNPay's querydr) and records it then.
                    Err(e) => {
                        tracing::error!(error = %e, order = %due.order_no, "recording a refund failed")
                    }
                }
            }
            Err(error) => {
                tracing::warn!(%error, order = %due.order_no, "refund failed; will retry");
                refunds::refund_failed(&state.db, &due, &error, Utc::now()).await?;
            }
        }
    }
    Ok(done)
}

/// Runs [`settle`] forever (until the server stops and drops the task), on one server at a
/// time: the one holding the `settle` lease, renewed each pass; another takes it over once a
/// stopped holder's lease lapses.
pub async fn run(state: AppState) {
    let mut tick = tokio::time::interval(EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let ttl = chrono::Duration::from_std(EVERY * 3).unwrap_or(chrono::Duration::seconds(90));
    loop {
        tick.tick().await;
        match app::servers::lease(&state.db, "settle", &state.server_id, Utc::now(), ttl).await {
            Ok(true) => {}
            Ok(false) => continue,
            Err(e) => {
                tracing::warn!(error = %e, "could not take the settling lease; will retry");
                continue;
            }
        }
        if let Err(e) = settle(&state).await {
            tracing::warn!(error = %e, "settling payments failed; will retry");
        }
    }
}
