//! The one interface both search engines implement (the embedded index and Meilisearch live in
//! the server crate), and the document they index for each public product.

use std::{future::Future, pin::Pin};

use serde::{Deserialize, Serialize};

use super::{
    model::{PriceBand, SearchFilters, SearchSort},
    query::Analyzed,
};

pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// What the engines know of a public product. Built from the database (`search::sync`), which is
/// the source of truth: an index can always be rebuilt from it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SearchDoc {
    pub id: String,
    pub slug: String,
    pub name: String,
    pub name_en: String,
    pub description: String,
    pub group: String,
    /// The group's names in both languages ("Thực phẩm Food").
    pub group_names: String,
    pub commune: String,
    /// The commune's current and former names.
    pub commune_names: Vec<String>,
    pub producer: String,
    /// The cheapest active variant, in dong.
    pub price: Option<i64>,
    pub stock: i64,
    /// Stars of the certificate in force when the document was built (0: none).
    pub stars: u8,
    /// The first day (YYYYMMDD) on which `stars` may no longer be right: the day after the
    /// certificate expires, or the day a later one starts. `u32::MAX` when nothing is due.
    pub stars_until: u32,
    pub signature: bool,
    /// The published reviews' average in hundredths (460 for 4.6); 0 without reviews
    /// (`reviews::rules::Rating::sort_key`).
    pub rating: u32,
    /// Unix seconds.
    pub created: i64,
}

impl SearchDoc {
    pub fn price_band(&self) -> Option<PriceBand> {
        self.price.map(PriceBand::of)
    }
}

/// A search as an engine runs it.
#[derive(Clone, Debug)]
pub struct EngineQuery {
    pub text: Analyzed,
    pub filters: SearchFilters,
    pub sort: SearchSort,
    pub offset: usize,
    pub limit: usize,
}

/// Raw facet counts: by commune slug, group code, exact stars (3-5), price band, and in stock.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RawFacets {
    pub communes: Vec<(String, u64)>,
    pub groups: Vec<(String, u64)>,
    pub stars: [u64; 3],
    pub prices: Vec<(PriceBand, u64)>,
    pub in_stock: u64,
}

/// One page of product ids, best first, with the total and facet counts.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EngineHits {
    pub ids: Vec<String>,
    pub total: u64,
    pub facets: RawFacets,
}

/// How far an index is from the database, as the engine sees itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IndexStatus {
    pub documents: u64,
    /// The last full build finished (an interrupted build leaves this false).
    pub complete: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    /// The engine cannot be reached or refused to work (Meilisearch down, disk full).
    #[error("the search engine is unavailable: {0}")]
    Unavailable(String),
    /// The index is missing or damaged: rebuild it from the database.
    #[error("the search index is damaged: {0}")]
    Corrupt(String),
}

/// A search engine over `SearchDoc`s. Writes are idempotent: applying the same change twice (after
/// a crash between the engine's write and the outbox's clean-up) leaves the same index.
pub trait SearchEngine: Send + Sync + 'static {
    fn name(&self) -> &'static str;

    fn search<'a>(
        &'a self,
        query: &'a EngineQuery,
    ) -> BoxFuture<'a, Result<EngineHits, SearchError>>;

    /// Adds or replaces `upserts` and removes the products with the ids in `deletes`.
    fn apply(
        &self,
        upserts: Vec<SearchDoc>,
        deletes: Vec<String>,
    ) -> BoxFuture<'_, Result<(), SearchError>>;

    /// Replaces the whole index with `docs`; only then is the index `complete`.
    fn rebuild(&self, docs: Vec<SearchDoc>) -> BoxFuture<'_, Result<(), SearchError>>;

    fn status(&self) -> BoxFuture<'_, Result<IndexStatus, SearchError>>;

    /// Ids of documents whose stars may be out of date on `today` (YYYYMMDD).
    fn stale(&self, today: u32) -> BoxFuture<'_, Result<Vec<String>, SearchError>>;

    /// A deeper look than `status`, run once at start-up before any write: `Corrupt` when the
    /// index holds damage that counting documents cannot see (files a crashed write left).
    fn verify(&self) -> BoxFuture<'_, Result<(), SearchError>> {
        Box::pin(async { Ok(()) })
    }

    /// Whether another process (`ocop reindex`) asked this server to rebuild the index.
    fn rebuild_requested(&self) -> bool {
        false
    }

    /// Tells the process that asked how its rebuild went (documents indexed, or the error).
    fn rebuild_answered(&self, _outcome: Result<usize, String>) {}
}

/// YYYYMMDD as a number: dates compare as numbers in both engines.
pub fn day_number(date: chrono::NaiveDate) -> u32 {
    use chrono::Datelike;
    date.year().max(0) as u32 * 10_000 + date.month() * 100 + date.day()
}
