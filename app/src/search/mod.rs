//! Catalog search: what a buyer asks, how the words are matched, and (on the server) the engine
//! interface, the index's sync with the database, the catalog's vocabulary (how a query is
//! understood, relaxed and corrected) and the search service; the search page and its texts.

pub mod highlight;
pub mod model;
pub mod page;
pub mod query;
pub mod texts;

#[cfg(feature = "ssr")]
pub mod engine;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod sync;
#[cfg(feature = "ssr")]
pub mod vocabulary;
