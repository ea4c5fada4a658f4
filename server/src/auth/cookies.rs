//! The session and anti-forgery cookies.

use http::HeaderMap;

pub const SESSION_COOKIE: &str = "ocop_session";
pub const CSRF_COOKIE: &str = "ocop_csrf";

/// A cookie's value from the request's `Cookie` headers.
pub fn get<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(n, _)| *n == name)
        .map(|(_, v)| v)
}

/// `Set-Cookie` for a cookie scripts cannot read, sent only to this site (SameSite=Lax) and
/// only over HTTPS when the site is served over HTTPS. `max_age` None: removes it.
pub fn set(name: &str, value: &str, max_age_seconds: Option<i64>, secure: bool) -> String {
    let age = max_age_seconds.unwrap_or(0);
    let value = if max_age_seconds.is_some() { value } else { "" };
    format!(
        "{name}={value}; Path=/; Max-Age={age}; HttpOnly; SameSite=Lax{}",
        if secure { "; Secure" } else { "" }
    )
}
