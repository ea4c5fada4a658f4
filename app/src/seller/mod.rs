//! A producer's shop ("Bán hàng"): listing products and their variants and photos, moving a
//! listing between draft, review, sale and archive, the orders to fulfil and the sales summary.
//! The server's form handlers are in the server crate's `seller` module.
//!
//! - [`rules`]: what a listing form must hold, and the listing's states (pure).
//! - [`model`]: the read models the seller's screens show.
//! - [`form`]: the refusals shared by the seller's pages and their form handlers.
//! - [`texts`]: every word the seller's screens say, in Vietnamese and English.
//! - [`page`] (the shop and one listing), [`sales_page`] (orders to fulfil, sales).
//! - `storage`, `sales_storage` (server only): listings' reads and writes, the sales figures.
//! - [`cod`] (the check, pure), [`cod_page`], `cod_storage` (server only): cash on delivery
//!   reconciliation with the carriers.

pub mod carriers_page;
#[cfg(feature = "ssr")]
pub mod carriers_storage;
pub mod cod;
pub mod cod_page;
#[cfg(feature = "ssr")]
pub mod cod_storage;
pub mod delivery_page;
pub mod form;
pub mod identity;
pub mod identity_page;
#[cfg(feature = "ssr")]
pub mod identity_storage;
pub mod model;
pub mod page;
pub mod rules;
pub mod sales_page;
#[cfg(feature = "ssr")]
pub mod sales_storage;
#[cfg(feature = "ssr")]
pub mod shipping_storage;
#[cfg(feature = "ssr")]
pub mod storage;
pub mod texts;
