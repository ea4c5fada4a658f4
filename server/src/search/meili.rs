//! Meilisearch through meilisearch-sdk, when MEILI_URL is set: one index shared by every server.
//!
//! Documents carry the text as typed and folded (official Meilisearch builds fold Vietnamese
//! diacritics but only fold đ → d with their `vietnamese` feature). Facet counts that ignore
//! their own filter take one extra search per active filter.

use std::{collections::HashMap, time::Duration};

use app::{
    domain::fold::fold,
    search::{
        engine::{
            BoxFuture, EngineHits, EngineQuery, IndexStatus, RawFacets, SearchDoc, SearchEngine,
            SearchError,
        },
        model::{PriceBand, SearchFilters, SearchSort},
    },
};
use meilisearch_sdk::{
    client::{Client, SwapIndexes},
    search::{MatchingStrategies, Selectors},
    settings::{MinWordSizeForTypos, PaginationSetting, Settings, TypoToleranceSettings},
    task_info::TaskInfo,
};
use serde::{Deserialize, Serialize};

/// Bumped when the document shape or settings change: a status check then asks for a rebuild.
const SCHEMA_VERSION: &str = "ocop-products-5";
/// How long an index write may take before it is reported as failed (and retried later).
const TASK_TIMEOUT: Duration = Duration::from_secs(60);
const BATCH: usize = 1_000;

pub struct Meili {
    client: Client,
    uid: String,
}

#[derive(Serialize, Deserialize)]
struct MeiliDoc {
    id: String,
    name: String,
    name_folded: String,
    name_en: String,
    commune_names: Vec<String>,
    commune_folded: String,
    producer: String,
    producer_folded: String,
    group_names: String,
    description: String,
    commune: String,
    group: String,
    price: Option<i64>,
    price_band: Option<String>,
    in_stock: u8,
    stars: u8,
    stars_until: u32,
    signature: u8,
    created: i64,
    name_sort: String,
    /// Reviews' average in hundredths, 0 unrated: sorted descending, unrated last.
    rating: u32,
}

#[derive(Deserialize)]
struct IdOnly {
    id: String,
}

/// A hit as the page's ranking needs it: its id, and the texts of the exact-diacritic order.
#[derive(Deserialize)]
struct IdName {
    id: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    commune_names: Vec<String>,
    #[serde(default)]
    producer: String,
}

/// How many of the first hits are re-ordered by exact diacritics (deeper pages keep
/// Meilisearch's order: nobody pages that far for a two-word query).
const EXACT_WINDOW: usize = 60;

/// How many of the query's words typed with diacritics appear exactly so in `texts` (the name,
/// commune names and producer; the last, unfinished word as a prefix). Meilisearch folds "lồng"
/// (a cage) and "long" (dried pulp) into the same word, so its own "exactness" cannot tell them
/// apart; the embedded engine ranks the same way (its `EXACT_TIER`).
fn exact_marks<'a>(
    texts: impl IntoIterator<Item = &'a str>,
    words: &[app::search::query::QueryWord],
) -> usize {
    let text: Vec<String> = texts.into_iter().map(str::to_lowercase).collect();
    let text_words: Vec<&str> = text
        .iter()
        .flat_map(|t| t.split(|c: char| !c.is_alphanumeric()))
        .filter(|w| !w.is_empty())
        .collect();
    words
        .iter()
        .filter(|w| w.has_marks())
        .filter(|w| {
            text_words.iter().any(|n| {
                if w.prefix {
                    n.starts_with(w.exact.as_str())
                } else {
                    *n == w.exact
                }
            })
        })
        .count()
}

impl IdName {
    fn exact_marks(&self, words: &[app::search::query::QueryWord]) -> usize {
        exact_marks(
            std::iter::once(self.name.as_str())
                .chain(self.commune_names.iter().map(String::as_str))
                .chain([self.producer.as_str()]),
            words,
        )
    }
}

/// The index's state, kept as the one document of a small side index.
#[derive(Serialize, Deserialize)]
struct State {
    id: String,
    schema: String,
}

fn unavailable(e: impl std::fmt::Display) -> SearchError {
    SearchError::Unavailable(e.to_string())
}

impl Meili {
    pub fn new(url: &str, key: Option<&str>, uid: &str) -> Result<Meili, SearchError> {
        Ok(Meili {
            client: Client::new(url, key).map_err(unavailable)?,
            uid: uid.to_owned(),
        })
    }

    fn state_uid(&self) -> String {
        format!("{}_state", self.uid)
    }

    async fn wait(&self, task: TaskInfo) -> Result<(), SearchError> {
        let done = task
            .wait_for_completion(&self.client, None, Some(TASK_TIMEOUT))
            .await
            .map_err(unavailable)?;
        if done.is_failure() {
            return Err(unavailable(done.unwrap_failure()));
        }
        Ok(())
    }

    async fn configure(&self, uid: &str) -> Result<(), SearchError> {
        let settings = Settings::new()
            .with_searchable_attributes([
                "name",
                "name_folded",
                "name_en",
                "commune_names",
                "commune_folded",
                "producer",
                "producer_folded",
                "group_names",
                "description",
            ])
            .with_filterable_attributes([
                "commune",
                "group",
                "stars",
                "price",
                "price_band",
                "in_stock",
                "stars_until",
            ])
            .with_sortable_attributes([
                "price",
                "created",
                "name_sort",
                "stars",
                "signature",
                "rating",
            ])
            // "sort" first: a buyer who sorts by price gets prices in order, as on the embedded
            // engine; then whole words, typos, exact matches, and stars and stock last.
            .with_ranking_rules([
                "sort",
                "words",
                "typo",
                "proximity",
                "attribute",
                "exactness",
                "stars:desc",
                "in_stock:desc",
            ])
            .with_typo_tolerance(TypoToleranceSettings {
                enabled: Some(true),
                // As on the embedded engine: a typo in a long text finds too much.
                disable_on_attributes: Some(vec!["description".to_owned()]),
                disable_on_words: None,
                // One typo from five letters; never two.
                min_word_size_for_typos: Some(MinWordSizeForTypos {
                    one_typo: Some(5),
                    two_typos: Some(255),
                }),
            })
            .with_pagination(PaginationSetting {
                max_total_hits: 1_000_000,
            });
        let task = self
            .client
            .index(uid)
            .set_settings(&settings)
            .await
            .map_err(unavailable)?;
        self.wait(task).await
    }

    async fn add(&self, uid: &str, docs: &[SearchDoc]) -> Result<(), SearchError> {
        let index = self.client.index(uid);
        for chunk in docs.chunks(BATCH) {
            let docs: Vec<MeiliDoc> = chunk.iter().map(meili_doc).collect();
            let task = index
                .add_or_replace(&docs, Some("id"))
                .await
                .map_err(unavailable)?;
            self.wait(task).await?;
        }
        Ok(())
    }

    async fn run(&self, ask: Ask<'_>) -> Result<MeiliResults, SearchError> {
        let index = self.client.index(&self.uid);
        let filter = filter_expression(ask.filters, ask.skip);
        let mut query = index.search();
        query
            .with_query(ask.words)
            .with_matching_strategy(ask.strategy)
            .with_attributes_to_retrieve(Selectors::Some(&[
                "id",
                "name",
                "commune_names",
                "producer",
            ]))
            .with_facets(Selectors::Some(ask.facets));
        if !filter.is_empty() {
            query.with_filter(&filter);
        }
        if !ask.sort.is_empty() {
            query.with_sort(ask.sort);
        }
        match ask.page {
            // Page-based paging gives the exact total.
            Some((page, per_page)) => query.with_page(page).with_hits_per_page(per_page),
            None => query.with_page(1).with_hits_per_page(0),
        };
        query.execute::<IdName>().await.map_err(unavailable)
    }
}

type MeiliResults = meilisearch_sdk::search::SearchResults<IdName>;

/// One search request to Meilisearch.
struct Ask<'a> {
    words: &'a str,
    filters: &'a SearchFilters,
    /// The filter left out (a facet's own counts).
    skip: Option<Dimension>,
    sort: &'a [&'a str],
    strategy: MatchingStrategies,
    /// Page and page size; `None`: counts only.
    page: Option<(usize, usize)>,
    facets: &'a [&'a str],
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Dimension {
    Commune,
    Group,
    Stars,
    Price,
    Stock,
}

fn filter_expression(f: &SearchFilters, skip: Option<Dimension>) -> String {
    let mut parts = Vec::new();
    let keep = |d: Dimension| skip != Some(d);
    // Slugs and codes are checked to be [a-z0-9-]: safe inside quotes.
    if let (Some(c), true) = (&f.commune, keep(Dimension::Commune)) {
        parts.push(format!("commune = \"{c}\""));
    }
    if let (Some(g), true) = (&f.group, keep(Dimension::Group)) {
        parts.push(format!("group = \"{g}\""));
    }
    if let (Some(s), true) = (f.min_stars, keep(Dimension::Stars)) {
        parts.push(format!("stars >= {s}"));
    }
    if keep(Dimension::Price) {
        if let Some(min) = f.min_price {
            parts.push(format!("price >= {}", min.dong()));
        }
        if let Some(max) = f.max_price {
            parts.push(format!("price <= {}", max.dong()));
        }
    }
    if f.in_stock && keep(Dimension::Stock) {
        parts.push("in_stock = 1".to_owned());
    }
    parts.join(" AND ")
}

fn meili_doc(d: &SearchDoc) -> MeiliDoc {
    MeiliDoc {
        id: d.id.clone(),
        name: d.name.clone(),
        name_folded: fold(&d.name),
        name_en: d.name_en.clone(),
        commune_names: d.commune_names.clone(),
        commune_folded: fold(&d.commune_names.join(" ")),
        producer: d.producer.clone(),
        producer_folded: fold(&d.producer),
        group_names: d.group_names.clone(),
        description: d.description.clone(),
        commune: d.commune.clone(),
        group: d.group.clone(),
        price: d.price,
        price_band: d.price_band().map(|b| b.code().to_owned()),
        in_stock: u8::from(d.stock > 0),
        stars: d.stars,
        stars_until: d.stars_until,
        signature: u8::from(d.signature),
        created: d.created,
        name_sort: fold(&d.name),
        rating: d.rating,
    }
}

fn counts(
    distribution: &Option<HashMap<String, HashMap<String, usize>>>,
    facet: &str,
) -> Vec<(String, u64)> {
    let mut list: Vec<(String, u64)> = distribution
        .as_ref()
        .and_then(|d| d.get(facet))
        .map(|m| m.iter().map(|(k, v)| (k.clone(), *v as u64)).collect())
        .unwrap_or_default();
    list.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    list
}

impl SearchEngine for Meili {
    fn name(&self) -> &'static str {
        "meilisearch"
    }

    fn search<'a>(
        &'a self,
        query: &'a EngineQuery,
    ) -> BoxFuture<'a, Result<EngineHits, SearchError>> {
        Box::pin(async move {
            let words: Vec<&str> = query.text.words.iter().map(|w| w.exact.as_str()).collect();
            let mut words = words.join(" ");
            // An unfinished last word is matched as a prefix; a finished one is not.
            if !query.text.words.last().is_some_and(|w| w.prefix) && !words.is_empty() {
                words.push(' ');
            }
            let sort: &[&str] = match query.sort {
                SearchSort::Relevance if query.text.is_empty() => {
                    &["signature:desc", "stars:desc", "name_sort:asc"]
                }
                SearchSort::Relevance => &[],
                SearchSort::PriceAsc => &["price:asc"],
                SearchSort::PriceDesc => &["price:desc"],
                SearchSort::Newest => &["created:desc"],
                SearchSort::Rating => &["rating:desc", "name_sort:asc"],
            };
            let per_page = query.limit.max(1);
            // Words typed with their marks: the first hits are re-ordered so exact marks come
            // first (see `exact_marks`), so the window is asked for and the page cut from it.
            let reorder = sort.is_empty()
                && query.text.words.iter().any(|w| w.has_marks())
                && query.offset + per_page <= EXACT_WINDOW;
            let (page, per_page_asked) = if reorder {
                (1, EXACT_WINDOW)
            } else {
                (query.offset / per_page + 1, per_page)
            };
            let all = ["commune", "group", "stars", "price_band", "in_stock"];
            // Every word must match (the search service relaxes a query no product has whole).
            let strategy = MatchingStrategies::ALL;
            let main = self
                .run(Ask {
                    words: &words,
                    filters: &query.filters,
                    skip: None,
                    sort,
                    strategy: strategy.clone(),
                    page: Some((page, per_page_asked)),
                    facets: &all,
                })
                .await?;
            let f = &query.filters;
            let own = |d: Dimension, active: bool, facet: &'static str| {
                let strategy = strategy.clone();
                let words = words.clone();
                async move {
                    if !active {
                        return Ok::<_, SearchError>(None);
                    }
                    let r = self
                        .run(Ask {
                            words: &words,
                            filters: f,
                            skip: Some(d),
                            sort: &[],
                            strategy,
                            page: None,
                            facets: &[facet],
                        })
                        .await?;
                    Ok(Some(r.facet_distribution))
                }
            };
            let communes = own(Dimension::Commune, f.commune.is_some(), "commune").await?;
            let groups = own(Dimension::Group, f.group.is_some(), "group").await?;
            let stars = own(Dimension::Stars, f.min_stars.is_some(), "stars").await?;
            let prices = own(
                Dimension::Price,
                f.min_price.is_some() || f.max_price.is_some(),
                "price_band",
            )
            .await?;
            let stock = own(Dimension::Stock, f.in_stock, "in_stock").await?;
            let dist = |d: &Option<Option<HashMap<String, HashMap<String, usize>>>>| {
                d.clone().unwrap_or_else(|| main.facet_distribution.clone())
            };
            let star_counts = counts(&dist(&stars), "stars");
            let band_counts = counts(&dist(&prices), "price_band");
            let star = |n: u8| {
                star_counts
                    .iter()
                    .find(|(k, _)| *k == n.to_string())
                    .map_or(0, |(_, c)| *c)
            };
            let mut hits: Vec<IdName> = main.hits.into_iter().map(|h| h.result).collect();
            if reorder {
                // Stable: Meilisearch's order stands among equals.
                hits.sort_by_key(|h| std::cmp::Reverse(h.exact_marks(&query.text.words)));
                hits = hits.into_iter().skip(query.offset).take(per_page).collect();
            }
            Ok(EngineHits {
                ids: hits.into_iter().map(|h| h.id).collect(),
                total: main.total_hits.unwrap_or(0) as u64,
                facets: RawFacets {
                    communes: counts(&dist(&communes), "commune"),
                    groups: counts(&dist(&groups), "group"),
                    stars: [star(3), star(4), star(5)],
                    prices: PriceBand::ALL
                        .into_iter()
                        .map(|b| {
                            let n = band_counts
                                .iter()
                                .find(|(k, _)| k == b.code())
                                .map_or(0, |(_, c)| *c);
                            (b, n)
                        })
                        .collect(),
                    in_stock: counts(&dist(&stock), "in_stock")
                        .into_iter()
                        .find(|(k, _)| k == "1")
                        .map_or(0, |(_, c)| c),
                },
            })
        })
    }

    fn apply(
        &self,
        upserts: Vec<SearchDoc>,
        deletes: Vec<String>,
    ) -> BoxFuture<'_, Result<(), SearchError>> {
        Box::pin(async move {
            if !deletes.is_empty() {
                let task = self
                    .client
                    .index(&self.uid)
                    .delete_documents(&deletes)
                    .await
                    .map_err(unavailable)?;
                self.wait(task).await?;
            }
            self.add(&self.uid, &upserts).await
        })
    }

    fn rebuild(&self, docs: Vec<SearchDoc>) -> BoxFuture<'_, Result<(), SearchError>> {
        Box::pin(async move {
            // Built aside and swapped in: searches see the old index until the new one is whole.
            let fresh = format!("{}_build", self.uid);
            let _ = self.client.index(&fresh).delete().await;
            self.configure(&self.uid).await?;
            self.configure(&fresh).await?;
            self.add(&fresh, &docs).await?;
            let task = self
                .client
                .swap_indexes([&SwapIndexes {
                    indexes: (self.uid.clone(), fresh.clone()),
                    rename: None,
                }])
                .await
                .map_err(unavailable)?;
            self.wait(task).await?;
            let task = self
                .client
                .index(&fresh)
                .delete()
                .await
                .map_err(unavailable)?;
            self.wait(task).await?;
            let state = State {
                id: "state".to_owned(),
                schema: SCHEMA_VERSION.to_owned(),
            };
            let task = self
                .client
                .index(self.state_uid())
                .add_or_replace(&[state], Some("id"))
                .await
                .map_err(unavailable)?;
            self.wait(task).await
        })
    }

    fn status(&self) -> BoxFuture<'_, Result<IndexStatus, SearchError>> {
        Box::pin(async move {
            let state: Option<State> = self
                .client
                .index(self.state_uid())
                .get_document("state")
                .await
                .ok();
            let documents = match self.client.index(&self.uid).get_stats().await {
                Ok(stats) => stats.number_of_documents as u64,
                Err(meilisearch_sdk::errors::Error::Meilisearch(e))
                    if e.error_code == meilisearch_sdk::errors::ErrorCode::IndexNotFound =>
                {
                    0
                }
                Err(e) => return Err(unavailable(e)),
            };
            Ok(IndexStatus {
                documents,
                complete: state.is_some_and(|s| s.schema == SCHEMA_VERSION),
            })
        })
    }

    fn stale(&self, today: u32) -> BoxFuture<'_, Result<Vec<String>, SearchError>> {
        Box::pin(async move {
            let filter = format!("stars_until <= {today}");
            let index = self.client.index(&self.uid);
            let mut ids = Vec::new();
            let mut page = 1;
            loop {
                let found = index
                    .search()
                    .with_filter(&filter)
                    .with_attributes_to_retrieve(Selectors::Some(&["id"]))
                    .with_page(page)
                    .with_hits_per_page(BATCH)
                    .execute::<IdOnly>()
                    .await
                    .map_err(unavailable)?;
                let n = found.hits.len();
                ids.extend(found.hits.into_iter().map(|h| h.result.id));
                if n < BATCH {
                    return Ok(ids);
                }
                page += 1;
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::exact_marks;
    use app::search::query::analyze;

    #[test]
    fn words_typed_with_marks_count_only_where_the_texts_have_them() {
        let cage = analyze("lồng ").words;
        assert_eq!(exact_marks(["Nhãn lồng Hưng Yên"], &cage), 1);
        assert_eq!(exact_marks(["Long nhãn sấy"], &cage), 0);
        // Typed without marks: nothing to tell apart, Meilisearch's order stands.
        assert_eq!(
            exact_marks(["Nhãn lồng Hưng Yên"], &analyze("long ").words),
            0
        );
        // The unfinished last word is a prefix.
        assert_eq!(
            exact_marks(["Nhãn lồng Khoái Châu"], &analyze("nhãn lồ").words),
            2
        );
        // Commune names and the producer count too: "Hồng Châu" is a commune.
        let commune = analyze("Hồng Châu").words;
        assert_eq!(
            exact_marks(
                ["Mật ong hoa nhãn", "Hồng Châu Quảng Châu", "Tổ ong"],
                &commune
            ),
            2
        );
        assert_eq!(
            exact_marks(["Nhãn lồng Khoái Châu", "Khoái Châu"], &commune),
            1
        );
    }
}
