//! A search from request to page: the query is understood with the catalog's words (Telex,
//! syllables typed together, beginnings of words), the engine ranks and counts, and when no
//! product has every word the search is relaxed (the least informative words dropped, then
//! typos allowed) and says so; the database supplies the cards (prices, stars in force today,
//! photos), and the names are marked where they matched.

use std::sync::{Arc, RwLock};

use chrono::NaiveDate;

use super::{
    engine::{EngineQuery, SearchEngine, SearchError},
    highlight::highlight,
    model::{FacetCount, Facets, PriceBand, SearchHit, SearchRequest, SearchResults, Suggestion},
    query::{Analyzed, analyze},
    vocabulary::{SharedVocabulary, Tracked, Vocabulary},
};
use crate::{
    catalog::storage::{cards_by_ids, facet_names},
    components::commune_name,
    db::Db,
    i18n::Locale,
    search::texts::SearchTexts,
};

/// The engine the site searches with, shared by pages and the API, and the catalog's words.
#[derive(Clone)]
pub struct Search {
    /// The engine, wrapped so that every write also updates `vocabulary`: index through it.
    pub engine: Arc<dyn SearchEngine>,
    pub vocabulary: SharedVocabulary,
}

/// The words an engine was asked for, and how they came from the query as typed.
struct Asked {
    text: Analyzed,
    hits: super::engine::EngineHits,
    relaxed: bool,
    did_you_mean: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum SearchFailure {
    #[error(transparent)]
    Engine(#[from] SearchError),
    #[error("reading the search results' products: {0}")]
    Db(#[from] sqlx::Error),
}

/// At most this many relaxed searches follow one that found nothing.
const RELAX_ROUNDS: usize = 4;

/// How many suggestions the search box shows while typing.
pub const SUGGESTIONS: usize = 6;

impl Search {
    /// Searches with `engine`; its vocabulary fills as the engine is (re)built through
    /// `self.engine`, or with [`Search::load_vocabulary`].
    pub fn new(engine: Arc<dyn SearchEngine>) -> Search {
        let vocabulary: SharedVocabulary = Arc::new(RwLock::new(Vocabulary::default()));
        Search {
            engine: Arc::new(Tracked::new(engine, vocabulary.clone())),
            vocabulary,
        }
    }

    /// Reads every public product's words from the database (at start-up, when the index was
    /// kept as it was, and now and then for the writes other servers made).
    pub async fn load_vocabulary(&self, db: &Db, today: NaiveDate) -> Result<usize, sqlx::Error> {
        let docs = super::sync::all_documents(db, today).await?;
        let fresh = Vocabulary::from_docs(&docs);
        *self.vocabulary.write().unwrap_or_else(|p| p.into_inner()) = fresh;
        Ok(docs.len())
    }

    fn words<T>(&self, f: impl FnOnce(&Vocabulary) -> T) -> T {
        f(&self.vocabulary.read().unwrap_or_else(|p| p.into_inner()))
    }

    /// Asks the engine for `typed` as understood; when no product has every word, relaxes it.
    async fn ask(
        &self,
        typed: &Analyzed,
        request: &SearchRequest,
        offset: usize,
        limit: usize,
    ) -> Result<Asked, SearchError> {
        let (understood, did_you_mean) = self.words(|v| {
            let u = v.understand(typed);
            let dym = v.did_you_mean(typed, &u);
            (u.query, dym)
        });
        let query = |text: &Analyzed| EngineQuery {
            text: text.clone(),
            filters: request.filters.clone(),
            sort: request.sort,
            offset,
            limit,
        };
        let hits = self.engine.search(&query(&understood)).await?;
        let mut asked = Asked {
            text: understood,
            hits,
            relaxed: false,
            did_you_mean,
        };
        // Nothing found: relaxed, round by round (fewer words, typos), unless the filters are
        // what rules everything out (the words occur together somewhere).
        let filtered = request.filters != Default::default();
        let mut text = asked.text.clone();
        for _ in 0..RELAX_ROUNDS {
            if asked.hits.total > 0
                || text.is_empty()
                || filtered && self.words(|v| v.cooccur(&text))
            {
                break;
            }
            let Some(next) = self.words(|v| v.relax(&text).or_else(|| v.allow_typos(&text))) else {
                break;
            };
            let hits = self.engine.search(&query(&next)).await?;
            text = next;
            if hits.total > 0 {
                asked.text = text.clone();
                asked.hits = hits;
                asked.relaxed = true;
            }
        }
        Ok(asked)
    }

    pub async fn run(
        &self,
        db: &Db,
        request: &SearchRequest,
        today: NaiveDate,
        locale: Locale,
    ) -> Result<SearchResults, SearchFailure> {
        let typed = analyze(&request.q);
        let Asked {
            text,
            hits,
            relaxed,
            did_you_mean,
        } = self
            .ask(
                &typed,
                request,
                (request.page.saturating_sub(1) as usize) * request.per_page as usize,
                request.per_page as usize,
            )
            .await?;
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
            query: typed.text.clone(),
            truncated: typed.truncated,
            relaxed,
            did_you_mean,
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
        let typed = analyze(q);
        if typed.is_empty() || !Suggestion::worth_asking(q) {
            return Ok(Vec::new());
        }
        let text = self.words(|v| v.understand(&typed).query);
        let query = EngineQuery {
            text: text.clone(),
            filters: Default::default(),
            sort: Default::default(),
            offset: 0,
            limit: SUGGESTIONS,
        };
        let hits = self.engine.search(&query).await?;
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
