//! Who is shopping: the signed-in user, or a guest known by the cart cookie (or, in the API, the
//! `X-Cart-Token` header), as the session middleware found them. The cart and order handlers,
//! forms and API alike, take it as an extractor instead of working the cart owner out inline.

use app::{
    auth::{Actor, CART_COOKIE, GuestCart},
    shop::storage::cart::CartOwner,
};
use axum::{
    extract::FromRequestParts,
    http::{header, request::Parts},
    response::Response,
};

use crate::{
    auth::{
        cookies,
        tokens::{random_token, token_hash},
    },
    startup::AppState,
};

/// Guest carts live a season.
const CART_COOKIE_DAYS: i64 = 90;

/// The request's shopper. Never refuses: a visitor with neither a session nor a cart is a
/// shopper without a cart.
pub struct Shopper {
    pub actor: Option<Actor>,
    pub guest: Option<GuestCart>,
}

impl<S: Send + Sync> FromRequestParts<S> for Shopper {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Shopper {
            actor: parts.extensions.get::<Actor>().cloned(),
            guest: parts.extensions.get::<GuestCart>().cloned(),
        })
    }
}

/// A guest cart made by this request: its token (the API returns it) and the cookie that keeps
/// it in a browser.
pub struct NewCart {
    pub token: String,
    cookie: String,
}

impl NewCart {
    fn make(state: &AppState) -> (String, NewCart) {
        let token = random_token();
        let cookie = cookies::set(
            CART_COOKIE,
            &token,
            Some(CART_COOKIE_DAYS * 24 * 3600),
            state.secure_cookies(),
        );
        (token_hash(&token), NewCart { token, cookie })
    }

    /// Sets the new guest cart's cookie on `response` (the form and the API answer alike).
    pub fn set_on(new: Option<NewCart>, mut response: Response) -> Response {
        if let Some(new) = new
            && let Ok(value) = new.cookie.parse()
        {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
        response
    }
}

impl Shopper {
    pub fn actor(&self) -> Option<&Actor> {
        self.actor.as_ref()
    }

    /// The SHA-256 (hex) of the guest's cart token, if the request carries one.
    pub fn guest_hash(&self) -> Option<&str> {
        self.guest.as_ref().map(|g| g.0.as_str())
    }

    /// The cart this request is about: the signed-in user's, else the guest's; `None` when the
    /// shopper has neither.
    pub fn owner(&self) -> Option<CartOwner> {
        self.actor
            .as_ref()
            .map(|a| CartOwner::User(a.user_id.clone()))
            .or_else(|| self.guest.as_ref().map(|g| CartOwner::Guest(g.0.clone())))
    }

    /// The cart this request is about, making a guest cart (and its cookie) when there is none.
    pub fn owner_or_new(&self, state: &AppState) -> (CartOwner, Option<NewCart>) {
        if let Some(owner) = self.owner() {
            return (owner, None);
        }
        let (hash, new) = NewCart::make(state);
        (CartOwner::Guest(hash), Some(new))
    }

    /// The guest cart's token hash, signed in or not, making one when the browser has none (a
    /// guest order found by its phone is kept for this browser's cart token).
    pub fn guest_hash_or_new(&self, state: &AppState) -> (String, Option<NewCart>) {
        match &self.guest {
            Some(guest) => (guest.0.clone(), None),
            None => {
                let (hash, new) = NewCart::make(state);
                (hash, Some(new))
            }
        }
    }
}
