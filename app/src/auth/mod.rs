//! Who is asking, and what they may do. Pure rules shared by pages and the server; the server
//! (`server::auth`) turns cookies into an [`Actor`] and hashes passwords.

pub mod actor;
pub mod form_error;
pub mod login;
pub mod password_rules;
pub mod policy;
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
