//! What every visitor browses: the province's home page, the communes, a product and a
//! producer, with their structured data for search engines. The JSON API's catalog endpoints
//! are in the server crate's `catalog` folder.
//!
//! - [`model`]: the read models the pages and the API show.
//! - [`pages`]: home, communes, product and producer pages.
//! - `storage`, `structured_data` (server only): the catalog's reads, a product's JSON-LD.

pub mod model;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod storage;
#[cfg(feature = "ssr")]
pub mod structured_data;
