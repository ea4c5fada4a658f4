//! A search from request to page: the engine ranks and counts, the database supplies the cards
//! (prices, stars in force today, photos), and the names are marked where they matched.

use std::sync::Arc;

use chrono::NaiveDate;

use super::{
    engine::{EngineQuery, SearchEngine, SearchError},
    highlight::highlight,
    model::{FacetCount, Facets, PriceBand, SearchHit, SearchRequest, SearchResults, Suggestion},
    query::analyze,
};
use crate::{
    catalog::storage::{cards_by_ids, facet_names},
    components::commune_name,
    db::Db,
    i18n::Locale,
    search::texts::SearchTexts,
};

/// The engine the site searches with, shared by pages and the API.
#[derive(Clone)]
pub struct Search(pub Arc<dyn SearchEngine>);

#[derive(Debug, thiserror::Error)]
pub enum SearchFailure {
    #[error(transparent)]
    Engine(#[from] SearchError),
    #[error("reading the search results' products: {0}")]
    Db(#[from] sqlx::Error),
}

/// How many suggestions the search box shows while typing.
pub const SUGGESTIONS: usize = 6;

impl Search {
    pub async fn run(
        &self,
        db: &Db,
        request: &SearchRequest,
        today: NaiveDate,
        locale: Locale,
    ) -> Result<SearchResults, SearchFailure> {
        let text = analyze(&request.q);
        let query = EngineQuery {
            text: text.clone(),
            filters: request.filters.clone(),
            sort: request.sort,
            offset: (request.page.saturating_sub(1) as usize) * request.per_page as usize,
            limit: request.per_page as usize,
        };
        let hits = self.0.search(&query).await?;
        let cards = cards_by_ids(db, &hits.ids, today, locale).await?;
        let names = facet_names(db, locale).await?;
        let t = locale.texts();
        let st = SearchTexts::of(locale);
        let raw = hits.facets;
        let communes = raw
            .communes
            .into_iter()
            .map(|(slug, count)| {
                let label = names
                    .communes
                    .get(&slug)
                    .map_or_else(|| slug.clone(), |(name, kind)| commune_name(kind, name, t));
                FacetCount {
                    value: slug,
                    label,
                    count,
                }
            })
            .collect();
        let groups = raw
            .groups
            .into_iter()
            .map(|(code, count)| FacetCount {
                label: names
                    .groups
                    .get(&code)
                    .cloned()
                    .unwrap_or_else(|| code.clone()),
                value: code,
                count,
            })
            .collect();
        // "At least N stars" counts every product with N or more.
        let stars = (3u8..=5)
            .map(|n| FacetCount {
                value: n.to_string(),
                label: (st.at_least_stars)(n),
                count: raw.stars[usize::from(n - 3)..].iter().sum(),
            })
            .filter(|f| f.count > 0)
            .collect();
        let prices = PriceBand::ALL
            .into_iter()
            .filter_map(|band| {
                let count = raw
                    .prices
                    .iter()
                    .find(|(b, _)| *b == band)
                    .map_or(0, |(_, n)| *n);
                (count > 0).then(|| FacetCount {
                    value: band.code().to_owned(),
                    label: (st.price_band)(band, locale.money()),
                    count,
                })
            })
            .collect();
        Ok(SearchResults {
            query: text.text.clone(),
            truncated: text.truncated,
            hits: cards
                .into_iter()
                .map(|product| SearchHit {
                    highlighted: highlight(&product.name, &text),
                    product,
                })
                .collect(),
            total: hits.total,
            page: request.page,
            per_page: request.per_page,
            facets: Facets {
                communes,
                groups,
                stars,
                prices,
                in_stock: raw.in_stock,
            },
        })
    }

    /// Products to offer while the buyer types `q`.
    pub async fn suggest(
        &self,
        db: &Db,
        q: &str,
        today: NaiveDate,
        locale: Locale,
    ) -> Result<Vec<Suggestion>, SearchFailure> {
        let text = analyze(q);
        if text.is_empty() || !Suggestion::worth_asking(q) {
            return Ok(Vec::new());
        }
        let query = EngineQuery {
            text: text.clone(),
            filters: Default::default(),
            sort: Default::default(),
            offset: 0,
            limit: SUGGESTIONS,
        };
        let hits = self.0.search(&query).await?;
        let cards = cards_by_ids(db, &hits.ids, today, locale).await?;
        Ok(cards
            .into_iter()
            .map(|card| Suggestion {
                highlighted: highlight(&card.name, &text),
                slug: card.slug,
                commune: card.commune,
            })
            .collect())
    }
}
