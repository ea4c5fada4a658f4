//! Private answers are never kept by a browser's or a proxy's cache. The rule, in one place:
//! `Cache-Control: no-store` on the response to
//! - any request that says who is asking: the session cookie, a guest's cart cookie or
//!   `X-Cart-Token` (pages then show the account and the cart);
//! - any request that is not a GET or HEAD (form and API answers);
//! - any request to a private path, whoever asks (account, shop, farm, officer, admin, cart,
//!   checkout, orders, and their API: an order opened with its number and phone is private);
//!
//! except static files and photos, and any response that declares itself `public` (the same
//! bytes for everyone, such as lot QR codes). Other public pages keep what they send.

use app::auth::CART_COOKIE;
use axum::{
    extract::Request,
    http::{HeaderMap, HeaderValue, Method, header},
    middleware::Next,
    response::Response,
};

use super::{
    cookies::{self, SESSION_COOKIE},
    session::is_static_file,
};

/// Paths (and everything under them) whose answers concern one person.
const PRIVATE_PATHS: &[&str] = &[
    "/tai-khoan",
    "/ban-hang",
    "/nong-trai",
    "/can-bo",
    "/quan-tri",
    "/gio-hang",
    "/thanh-toan",
    "/don-hang",
    "/tra-cuu-don-hang",
    "/api/v1/cart",
    "/api/v1/checkout",
    "/api/v1/orders",
];

pub async fn protect(req: Request, next: Next) -> Response {
    let private = is_private(req.method(), req.uri().path(), req.headers());
    let mut response = next.run(req).await;
    if private {
        let headers = response.headers_mut();
        let public = headers
            .get(header::CACHE_CONTROL)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("public"));
        if !public {
            headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        }
    }
    response
}

fn is_private(method: &Method, path: &str, headers: &HeaderMap) -> bool {
    if is_static_file(path) {
        return false;
    }
    !matches!(*method, Method::GET | Method::HEAD)
        || PRIVATE_PATHS.iter().any(|p| {
            path.strip_prefix(p)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
        })
        || cookies::get(headers, SESSION_COOKIE).is_some()
        || cookies::get(headers, CART_COOKIE).is_some()
        || headers.contains_key("x-cart-token")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_cookie(cookie: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::COOKIE, HeaderValue::from_str(cookie).unwrap());
        h
    }

    #[test]
    fn the_rule() {
        let none = HeaderMap::new();
        let get = &Method::GET;
        assert!(!is_private(get, "/", &none));
        assert!(!is_private(get, "/san-pham/nhan", &none));
        assert!(
            !is_private(get, "/tai-khoanx", &none),
            "a prefix of a word is not the path"
        );
        assert!(is_private(get, "/tai-khoan", &none));
        assert!(is_private(get, "/can-bo/bao-cao.csv", &none));
        assert!(is_private(get, "/api/v1/orders/DH1", &none));
        assert!(is_private(&Method::POST, "/lang", &none));
        assert!(is_private(
            get,
            "/",
            &with_cookie("lang=en; ocop_session=abc")
        ));
        assert!(is_private(get, "/", &with_cookie("ocop_cart=abc")));
        assert!(!is_private(
            get,
            "/",
            &with_cookie("lang=en; ocop_csrf=abc")
        ));
        assert!(!is_private(
            get,
            "/media/photos/a/640.jpg",
            &with_cookie("ocop_session=abc")
        ));
        assert!(!is_private(
            get,
            "/pkg/ocop.wasm",
            &with_cookie("ocop_session=abc")
        ));
    }
}
