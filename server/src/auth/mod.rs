//! Accounts on the server: password hashing, session and anti-forgery cookies, the middleware
//! that turns them into an [`app::auth::Actor`] for every request, and the account forms with
//! their routes (sign in/up/out, passwords, producer applications and the officer's decision).

pub mod codes;
pub mod cookies;
pub mod csrf;
pub mod forms;
pub mod no_store;
pub mod password;
pub mod refusals;
pub mod session;
pub mod tokens;

use std::{
    convert::Infallible,
    net::{IpAddr, SocketAddr},
};

use axum::{
    Router,
    extract::{ConnectInfo, FromRequestParts},
    routing::post,
};
use http::{HeaderMap, request::Parts};

use crate::{config::TrustedProxies, startup::AppState};

/// The account forms' routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/dang-nhap", post(forms::sign_in))
        .route("/dang-ky", post(forms::sign_up))
        .route("/dang-xuat", post(forms::sign_out))
        .route("/tai-khoan/mat-khau", post(forms::change_password))
        .route("/tai-khoan/ban-hang", post(forms::apply_for_producer))
        .route("/can-bo/don/{producer_id}", post(forms::decide_application))
        .route(
            "/quan-tri/nguoi-dung/{user_id}/mat-khau",
            post(forms::reset_password),
        )
        .route("/tai-khoan/xac-minh/gui", post(codes::send_contact_code))
        .route("/tai-khoan/xac-minh", post(codes::confirm_contact))
        .route("/quen-mat-khau", post(codes::forgot_password))
        .route("/quen-mat-khau/ma", post(codes::reset_with_code))
        .route("/tai-khoan/lien-he", post(codes::change_contact))
}

/// The client's address, for throttling and the audit log: the TCP peer, or behind a trusted
/// reverse proxy (`OCOP_TRUSTED_PROXY`) the address that proxy put in `X-Forwarded-For`.
pub struct ClientIp(pub Option<String>);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        Ok(ClientIp(
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|ConnectInfo(addr)| {
                    client_address(addr.ip(), &parts.headers, &state.settings.trusted_proxies)
                        .to_string()
                }),
        ))
    }
}

/// The client behind `peer`. Only a trusted proxy's `X-Forwarded-For` is believed, and only
/// its right-most entries: each proxy appends the address it saw, so walking from the right
/// past the trusted proxies reaches the first address no proxy of ours vouches for; anything
/// left of it is whatever the client chose to send.
pub fn client_address(peer: IpAddr, headers: &HeaderMap, trusted: &TrustedProxies) -> IpAddr {
    let peer = peer.to_canonical();
    if !trusted.contains(peer) {
        return peer;
    }
    let entries: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect();
    for entry in entries.iter().rev() {
        let parsed = entry
            .parse::<IpAddr>()
            .or_else(|_| entry.parse::<SocketAddr>().map(|s| s.ip()))
            .map(|ip| ip.to_canonical());
        match parsed {
            Ok(ip) if trusted.contains(ip) => continue,
            Ok(ip) => return ip,
            // Not an address where our proxy writes one: trust only what we saw ourselves.
            Err(_) => return peer,
        }
    }
    peer
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client(peer: &str, xff: &[&str], trusted: &str) -> String {
        let mut headers = HeaderMap::new();
        for v in xff {
            headers.append("x-forwarded-for", v.parse().unwrap());
        }
        client_address(
            peer.parse().unwrap(),
            &headers,
            &TrustedProxies::parse(trusted).unwrap(),
        )
        .to_string()
    }

    #[test]
    fn forwarded_for_counts_only_from_a_trusted_proxy() {
        assert_eq!(client("203.0.113.1", &["1.2.3.4"], ""), "203.0.113.1");
        assert_eq!(
            client("203.0.113.1", &["1.2.3.4"], "10.0.0.1"),
            "203.0.113.1"
        );
        assert_eq!(client("10.0.0.1", &["1.2.3.4"], "10.0.0.1"), "1.2.3.4");
        // A client's own (forged) entries sit left of the proxy's.
        assert_eq!(
            client("10.0.0.1", &["6.6.6.6, 1.2.3.4"], "10.0.0.1"),
            "1.2.3.4"
        );
        assert_eq!(
            client("10.0.0.1", &["6.6.6.6", "1.2.3.4, 10.0.0.2"], "10.0.0.0/8"),
            "1.2.3.4"
        );
        assert_eq!(
            client("10.0.0.1", &["[2001:db8::1]:443"], "10.0.0.1"),
            "2001:db8::1"
        );
        assert_eq!(client("10.0.0.1", &["1.2.3.4:5555"], "10.0.0.1"), "1.2.3.4");
        assert_eq!(client("10.0.0.1", &["junk"], "10.0.0.1"), "10.0.0.1");
        assert_eq!(client("10.0.0.1", &[], "10.0.0.1"), "10.0.0.1");
        assert_eq!(
            client("::ffff:10.0.0.1", &["1.2.3.4"], "10.0.0.1"),
            "1.2.3.4"
        );
    }
}
