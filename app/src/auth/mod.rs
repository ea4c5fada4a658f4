//! Who is asking, and what they may do. Pure rules shared by pages and the server; the server
//! (`server::auth`) turns cookies into an [`Actor`] and hashes passwords. Also the account pages
//! (sign in and up, password, the producer application), the accounts' storage and the
//! producer applications' storage.

pub mod actor;
#[cfg(feature = "ssr")]
pub mod code_storage;
pub mod codes;
pub mod form_error;
pub mod login;
pub mod pages;
pub mod password_rules;
pub mod policy;
#[cfg(feature = "ssr")]
pub mod producers;
#[cfg(feature = "ssr")]
pub mod storage;
pub mod texts;
pub mod views;

pub use actor::{Actor, MemberRole, Membership};
pub use policy::{Action, Denied, authorize};

/// The anti-forgery token of this browser, put into every form the server renders; the server
/// refuses a state-changing form post without it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CsrfToken(pub String);

/// The name of the hidden form field carrying the [`CsrfToken`].
pub const CSRF_FIELD: &str = "csrf";

/// A guest browser's cart: the SHA-256 (hex) of its cart token (cookie `ocop_cart`, or the
/// `X-Cart-Token` header of API clients). The server puts it into each request's extensions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GuestCart(pub String);

/// The cart token's cookie.
pub const CART_COOKIE: &str = "ocop_cart";

/// The change-password page: the only page a session opened with an administrator's temporary
/// password may see until the password is changed.
pub const CHANGE_PASSWORD_PATH: &str = "/tai-khoan/mat-khau";

/// Whose cart the request being rendered works on: the signed-in user's, else the guest
/// browser's (None: a guest without a cart yet).
#[cfg(feature = "ssr")]
pub fn current_cart_owner() -> Option<crate::shop::storage::cart::CartOwner> {
    use crate::shop::storage::cart::CartOwner;
    if let Some(actor) = current_actor() {
        return Some(CartOwner::User(actor.user_id));
    }
    leptos::prelude::use_context::<http::request::Parts>()?
        .extensions
        .get::<GuestCart>()
        .map(|g| CartOwner::Guest(g.0.clone()))
}

/// The request's guest cart hash, whether or not someone is signed in.
#[cfg(feature = "ssr")]
pub fn current_guest_cart() -> Option<GuestCart> {
    leptos::prelude::use_context::<http::request::Parts>()?
        .extensions
        .get::<GuestCart>()
        .cloned()
}

/// The signed-in user of the request being rendered, if any.
pub fn current_actor() -> Option<Actor> {
    #[cfg(feature = "ssr")]
    {
        leptos::prelude::use_context::<http::request::Parts>()?
            .extensions
            .get::<Actor>()
            .cloned()
    }
    #[cfg(not(feature = "ssr"))]
    {
        None
    }
}

/// The request's anti-forgery token (empty outside a server request).
pub fn csrf_token() -> String {
    #[cfg(feature = "ssr")]
    {
        leptos::prelude::use_context::<http::request::Parts>()
            .and_then(|parts| parts.extensions.get::<CsrfToken>().map(|t| t.0.clone()))
            .unwrap_or_default()
    }
    #[cfg(not(feature = "ssr"))]
    {
        String::new()
    }
}
