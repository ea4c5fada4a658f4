//! Sign-in on the server: password hashing, session and anti-forgery cookies, the middleware
//! that turns them into an [`app::auth::Actor`] for every request, and the account forms.

pub mod cookies;
pub mod csrf;
pub mod forms;
pub mod no_store;
pub mod password;
pub mod session;
pub mod tokens;

use std::{convert::Infallible, net::SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts};
use http::request::Parts;

/// The client's address as the socket saw it, for throttling and the audit log. (Behind a
/// reverse proxy this is the proxy; a trusted X-Forwarded-For is not read yet.)
pub struct ClientIp(pub Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for ClientIp {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(ClientIp(
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|ConnectInfo(addr)| addr.ip().to_string()),
        ))
    }
}
