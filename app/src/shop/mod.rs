//! The buyer's side of the marketplace: the cart, checkout (one order per producer), orders and
//! their payment (cash on delivery, bank transfer with VietQR, card), as pages, as the JSON API's
//! models, and as storage. The server's form handlers and API are in the server crate's `shop`
//! module, the card provider's adapter in its `payments` module.
//!
//! - [`rules`]: pure rules: the checkout request, order and payment states, delivery fees,
//!   VietQR payloads.
//! - [`model`]: what the cart, checkout and order screens show and the API returns.
//! - [`texts`]: every word those screens say, in Vietnamese and English.
//! - [`pages`]: the cart, checkout and order pages.
//! - `quotes` (server only): carriers' fees at checkout, asked through the server's carriers.
//! - `storage` (server only): carts, checkout, orders, card payments, bank accounts. The lock
//!   order all of them follow is stated in `crate::db`.

pub mod form;
pub mod model;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod quotes;
pub mod rules;
#[cfg(feature = "ssr")]
pub mod storage;
pub mod texts;
