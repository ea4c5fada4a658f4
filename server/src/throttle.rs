//! What a stranger may try, and how often: the throttles in front of every password check,
//! sign-up and guest order lookup (counted in the database, see [`app::db::rate_limits`]), and
//! the log line each refusal leaves.
//!
//! | key | allows |
//! |---|---|
//! | `signin:ip:<address>` | 30 attempts per 15 minutes from one address (successes given back) |
//! | `signin:pair:<login>\|<address>` | 5 attempts, then waits of 30 s doubling up to 15 min; forgiven an hour after the first, or at a success |
//! | `signin:login:<login>` | 100 attempts per hour at one login from anywhere (successes given back) |
//! | `password:user:<id>` | the current-password check of the change-password form: as `signin:pair` |
//! | `signup:ip:<address>` | 20 sign-ups per hour from one address |
//! | `farm:token:<id>` | 120 farm API requests per minute with one farm token (`crate::farm_tokens`) |
//! | `lookup:ip:<address>` | 20 guest order lookups per 15 minutes from one address (successes given back) |
//! | `lookup:order:<number>` | 10 lookups per 15 minutes of one order number (successes given back) |
//! | `code:send:user:<id>` | 10 verification codes asked for per hour by one account (and per address: `app::auth::codes::may_send`) |
//! | `code:try:user:<id>` | verification codes typed by one account: as `signin:pair` |
//! | `reset:ip:<address>` | 30 forgotten-password requests and code entries per 15 minutes from one address |
//! | `reset:login:<login>` | 10 forgotten-password requests per hour for one phone/email |
//! | `reset:try:<login>` | 30 reset codes typed per hour for one phone/email (each code also dies at 5 wrong tries) |
//!
//! An IPv6 client counts by its /64 network: one subscriber usually has all of it.

use app::db::rate_limits::{self, Policy, Verdict};
use chrono::Duration;

use crate::startup::AppState;

pub const SIGN_IN_PER_ADDRESS: Policy = Policy::per_window(30, Duration::minutes(15));
pub const SIGN_IN_PER_LOGIN_AND_ADDRESS: Policy = Policy::progressive(
    5,
    Duration::hours(1),
    Duration::seconds(30),
    Duration::minutes(15),
);
pub const SIGN_IN_PER_LOGIN: Policy = Policy::per_window(100, Duration::hours(1));
pub const CURRENT_PASSWORD: Policy = SIGN_IN_PER_LOGIN_AND_ADDRESS;
pub const SIGN_UP_PER_ADDRESS: Policy = Policy::per_window(20, Duration::hours(1));
pub const LOOKUP_PER_ADDRESS: Policy = Policy::per_window(20, Duration::minutes(15));
pub const LOOKUP_PER_ORDER: Policy = Policy::per_window(10, Duration::minutes(15));
pub const CODE_SENDS_PER_USER: Policy = Policy::per_window(10, Duration::hours(1));
pub const CODE_TRIES_PER_USER: Policy = SIGN_IN_PER_LOGIN_AND_ADDRESS;
pub const RESET_PER_ADDRESS: Policy = Policy::per_window(30, Duration::minutes(15));
pub const RESET_PER_LOGIN: Policy = Policy::per_window(10, Duration::hours(1));
pub const RESET_TRIES_PER_LOGIN: Policy = Policy::per_window(30, Duration::hours(1));

/// A key and its policy.
pub type Limit = (String, &'static Policy);

/// The part of a client address a throttle counts by: the address itself, or for IPv6 its /64.
pub fn address_key(ip: Option<&str>) -> String {
    match ip.and_then(|i| i.parse::<std::net::IpAddr>().ok()) {
        Some(std::net::IpAddr::V6(v6)) if v6.to_ipv4_mapped().is_none() => {
            let s = v6.segments();
            format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
        }
        Some(ip) => ip.to_canonical().to_string(),
        None => ip.unwrap_or("unknown").to_owned(),
    }
}

/// The keys of a sign-in (and their order: the address first, so an address that is refused
/// creates no further rows).
pub fn sign_in_limits(login_key: &str, ip: Option<&str>) -> [Limit; 3] {
    let address = address_key(ip);
    [
        (format!("signin:ip:{address}"), &SIGN_IN_PER_ADDRESS),
        (
            format!("signin:pair:{login_key}|{address}"),
            &SIGN_IN_PER_LOGIN_AND_ADDRESS,
        ),
        (format!("signin:login:{login_key}"), &SIGN_IN_PER_LOGIN),
    ]
}

/// The keys of a guest's phone check on an order (lookup, API, cancel).
pub fn lookup_limits(order_no: &str, ip: Option<&str>) -> [Limit; 2] {
    [
        (
            format!("lookup:ip:{}", address_key(ip)),
            &LOOKUP_PER_ADDRESS,
        ),
        (format!("lookup:order:{order_no}"), &LOOKUP_PER_ORDER),
    ]
}

/// Takes an attempt from each key in turn; the first refusal stops there (and is logged, with
/// where it came from).
pub async fn take(
    state: &AppState,
    limits: &[Limit],
    ip: Option<&str>,
    path: &str,
) -> Result<Option<Duration>, sqlx::Error> {
    let now = state.clock.now();
    for (key, policy) in limits {
        if let Verdict::Wait(wait) = rate_limits::take(&state.db, key, policy, now).await? {
            tracing::warn!(
                event = "throttled",
                key = %key,
                client = ip.unwrap_or("unknown"),
                path,
                wait_s = wait.num_seconds(),
                "request refused by a throttle"
            );
            return Ok(Some(wait));
        }
    }
    Ok(None)
}

/// Gives the attempt back to each key (the check succeeded).
pub async fn give_back(state: &AppState, limits: &[Limit]) -> Result<(), sqlx::Error> {
    let now = state.clock.now();
    for (key, policy) in limits {
        rate_limits::give_back(&state.db, key, policy, now).await?;
    }
    Ok(())
}

/// A wait in whole minutes, at least one, for the "try again in N minutes" messages.
pub fn minutes(wait: Duration) -> u32 {
    u32::try_from((wait.num_seconds() + 59) / 60)
        .unwrap_or(u32::MAX)
        .max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv6_clients_count_by_their_64() {
        assert_eq!(
            address_key(Some("2001:db8:1:2:aaaa::1")),
            "2001:db8:1:2::/64"
        );
        assert_eq!(
            address_key(Some("2001:db8:1:2:bbbb::9")),
            "2001:db8:1:2::/64"
        );
        assert_eq!(address_key(Some("203.0.113.7")), "203.0.113.7");
        assert_eq!(address_key(Some("::ffff:203.0.113.7")), "203.0.113.7");
        assert_eq!(address_key(None), "unknown");
    }

    #[test]
    fn waits_are_shown_in_whole_minutes() {
        assert_eq!(minutes(Duration::seconds(1)), 1);
        assert_eq!(minutes(Duration::seconds(60)), 1);
        assert_eq!(minutes(Duration::seconds(61)), 2);
        assert_eq!(minutes(Duration::minutes(15)), 15);
    }
}
