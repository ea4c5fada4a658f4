//! A catalog search as the page and the API ask for it, and what they get back. Shared by the
//! server and the browser (the search page renders it on both).

use serde::{Deserialize, Serialize};

use crate::{catalog::model::ProductCard, domain::money::Vnd};

/// How results are ordered.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SearchSort {
    /// Best match first; without a query, signature products then stars ("featured").
    #[default]
    Relevance,
    PriceAsc,
    PriceDesc,
    Newest,
    /// Best rated first (the published reviews' average); unrated products last.
    Rating,
}

impl SearchSort {
    pub const ALL: [SearchSort; 5] = [
        SearchSort::Relevance,
        SearchSort::PriceAsc,
        SearchSort::PriceDesc,
        SearchSort::Newest,
        SearchSort::Rating,
    ];

    pub fn code(self) -> &'static str {
        match self {
            SearchSort::Relevance => "relevance",
            SearchSort::PriceAsc => "price_asc",
            SearchSort::PriceDesc => "price_desc",
            SearchSort::Newest => "newest",
            SearchSort::Rating => "rating",
        }
    }

    /// `featured` is the catalog API's older name for the default order.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "relevance" | "featured" => Some(SearchSort::Relevance),
            "price_asc" => Some(SearchSort::PriceAsc),
            "price_desc" => Some(SearchSort::PriceDesc),
            "newest" => Some(SearchSort::Newest),
            "rating" => Some(SearchSort::Rating),
            _ => None,
        }
    }
}

/// The price ranges the facet offers, on a product's starting price.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PriceBand {
    Under100k,
    From100kTo300k,
    From300kTo1m,
    Over1m,
}

impl PriceBand {
    pub const ALL: [PriceBand; 4] = [
        PriceBand::Under100k,
        PriceBand::From100kTo300k,
        PriceBand::From300kTo1m,
        PriceBand::Over1m,
    ];

    /// Lowest and highest starting price (dong, inclusive) of the band.
    pub fn bounds(self) -> (i64, Option<i64>) {
        match self {
            PriceBand::Under100k => (0, Some(99_999)),
            PriceBand::From100kTo300k => (100_000, Some(299_999)),
            PriceBand::From300kTo1m => (300_000, Some(999_999)),
            PriceBand::Over1m => (1_000_000, None),
        }
    }

    pub fn of(price: i64) -> PriceBand {
        match price {
            ..100_000 => PriceBand::Under100k,
            100_000..300_000 => PriceBand::From100kTo300k,
            300_000..1_000_000 => PriceBand::From300kTo1m,
            _ => PriceBand::Over1m,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            PriceBand::Under100k => "under_100k",
            PriceBand::From100kTo300k => "100k_300k",
            PriceBand::From300kTo1m => "300k_1m",
            PriceBand::Over1m => "over_1m",
        }
    }

    pub fn from_code(code: &str) -> Option<PriceBand> {
        PriceBand::ALL.into_iter().find(|b| b.code() == code)
    }
}

/// Checked filters: every value is known to be well formed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchFilters {
    /// Commune slug.
    pub commune: Option<String>,
    /// Product group code.
    pub group: Option<String>,
    /// At least this many stars (3-5) from a certificate in force.
    pub min_stars: Option<u8>,
    pub min_price: Option<Vnd>,
    pub max_price: Option<Vnd>,
    pub in_stock: bool,
}

impl SearchFilters {
    pub fn price_allows(&self, price: Option<i64>) -> bool {
        if self.min_price.is_none() && self.max_price.is_none() {
            return true;
        }
        let Some(price) = price else { return false };
        self.min_price.is_none_or(|m| price >= m.dong())
            && self.max_price.is_none_or(|m| price <= m.dong())
    }
}

/// A checked search: the query text, filters, order and page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchRequest {
    pub q: String,
    pub filters: SearchFilters,
    pub sort: SearchSort,
    /// 1-based.
    pub page: u32,
    pub per_page: u32,
}

impl Default for SearchRequest {
    fn default() -> Self {
        SearchRequest {
            q: String::new(),
            filters: SearchFilters::default(),
            sort: SearchSort::Relevance,
            page: 1,
            per_page: DEFAULT_PER_PAGE,
        }
    }
}

pub const DEFAULT_PER_PAGE: u32 = 20;
/// The longest query whose result page may be indexed: longer ones are sentences, not the few
/// words other buyers search for.
const INDEXABLE_QUERY_CHARS: usize = 40;
pub const MAX_PER_PAGE: u32 = 100;
pub const MAX_PAGE: u32 = 500;

/// A query parameter that cannot be used, with what it should be (English: the API's language;
/// pages show their own message).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BadParam {
    pub param: String,
    pub message: String,
}

impl std::fmt::Display for BadParam {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.param, self.message)
    }
}

impl SearchRequest {
    /// Reads the query parameters (`q`, `commune`, `group`, `stars`, `min_price`, `max_price`,
    /// `price`, `in_stock`, `sort`, `page`, `per_page`). Every bad value is reported; the request
    /// built from the good ones is returned beside them, so a page can go on without the bad
    /// ones while the API refuses.
    pub fn parse<'a>(get: impl Fn(&str) -> Option<&'a str>) -> (SearchRequest, Vec<BadParam>) {
        let mut bad = Vec::new();
        let value = |key: &str| get(key).map(str::trim).filter(|v| !v.is_empty());
        let mut fail = |param: &str, message: String| {
            bad.push(BadParam {
                param: param.to_owned(),
                message,
            })
        };
        let mut req = SearchRequest {
            q: get("q").unwrap_or_default().to_owned(),
            ..SearchRequest::default()
        };
        for key in ["commune", "group"] {
            if let Some(v) = value(key) {
                match crate::domain::slug::Slug::parse(v) {
                    Ok(slug) if key == "commune" => req.filters.commune = Some(slug.into()),
                    Ok(slug) => req.filters.group = Some(slug.into()),
                    Err(_) => fail(
                        key,
                        format!("lowercase letters, digits and hyphens (got {v:?})"),
                    ),
                }
            }
        }
        if let Some(v) = value("stars") {
            match v.parse::<u8>() {
                Ok(n @ 3..=5) => req.filters.min_stars = Some(n),
                _ => fail("stars", format!("3, 4 or 5 (got {v:?})")),
            }
        }
        for key in ["min_price", "max_price"] {
            if let Some(v) = value(key) {
                match Vnd::parse(v) {
                    Ok(p) if key == "min_price" => req.filters.min_price = Some(p),
                    Ok(p) => req.filters.max_price = Some(p),
                    Err(e) => fail(key, format!("{e} (got {v:?})")),
                }
            }
        }
        if let Some(v) = value("price") {
            match PriceBand::from_code(v) {
                Some(band) => {
                    let (min, max) = band.bounds();
                    req.filters.min_price = Vnd::new(min).ok();
                    req.filters.max_price = max.and_then(|m| Vnd::new(m).ok());
                }
                None => fail(
                    "price",
                    format!("under_100k, 100k_300k, 300k_1m or over_1m (got {v:?})"),
                ),
            }
        }
        if let (Some(min), Some(max)) = (req.filters.min_price, req.filters.max_price)
            && min > max
        {
            fail("min_price", "is above max_price".to_owned());
            req.filters.min_price = None;
            req.filters.max_price = None;
        }
        match value("in_stock") {
            None | Some("false" | "0") => {}
            Some("true" | "1" | "on") => req.filters.in_stock = true,
            Some(v) => fail("in_stock", format!("true or false (got {v:?})")),
        }
        if let Some(v) = value("sort") {
            match SearchSort::parse(v) {
                Some(sort) => req.sort = sort,
                None => fail(
                    "sort",
                    format!("relevance, price_asc, price_desc or newest (got {v:?})"),
                ),
            }
        }
        let mut number = |key: &str, max: u32, default: u32| match value(key) {
            None => default,
            Some(v) => match v.parse::<u32>() {
                Ok(n) if (1..=max).contains(&n) => n,
                _ => {
                    fail(key, format!("a whole number from 1 to {max} (got {v:?})"));
                    default
                }
            },
        };
        req.page = number("page", MAX_PAGE, 1);
        req.per_page = number("per_page", MAX_PER_PAGE, DEFAULT_PER_PAGE);
        (req, bad)
    }

    /// The address under which crawlers may index this result page, or `None` (the page is
    /// then `noindex, follow`). Indexed: the first page, in the default order, of a short query
    /// (alone or narrowed by commune and product group) that found products having all of its
    /// words as typed, under the query's words in lower case with single spaces and without
    /// punctuation, so "Nhãn  Lồng!" and "nhãn lồng" are one page. That is what a buyer
    /// searches for on the web ("mật ong hoa nhãn"). The rest (other orders, later pages, price,
    /// star and stock filters, empty, near-miss or corrected results, punctuation alone, long
    /// sentences) is an endless set of near-copies that crawlers follow but do not index.
    pub fn indexable_path(&self, results: &SearchResults) -> Option<String> {
        let analyzed = crate::search::query::analyze(&self.q);
        let q = analyzed
            .words
            .iter()
            .map(|w| w.exact.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        let f = &self.filters;
        let narrowed_only_by_place_or_group =
            f.min_stars.is_none() && f.min_price.is_none() && f.max_price.is_none() && !f.in_stock;
        let words_or_nothing = !analyzed.is_empty() || self.q.trim().is_empty();
        let indexable = results.total > 0
            && !results.relaxed
            && !results.truncated
            && results.did_you_mean.is_none()
            && self.page == 1
            && self.per_page == DEFAULT_PER_PAGE
            && self.sort == SearchSort::Relevance
            && narrowed_only_by_place_or_group
            && words_or_nothing
            && q.chars().count() <= INDEXABLE_QUERY_CHARS;
        indexable.then(|| self.href_with(|r| r.q = q))
    }

    /// The query string of this search with one change, for facet and page links.
    pub fn href_with(&self, change: impl FnOnce(&mut SearchRequest)) -> String {
        let mut next = self.clone();
        change(&mut next);
        let mut pairs: Vec<(&str, String)> = Vec::new();
        if !next.q.trim().is_empty() {
            pairs.push(("q", next.q.trim().to_owned()));
        }
        if let Some(c) = &next.filters.commune {
            pairs.push(("commune", c.clone()));
        }
        if let Some(g) = &next.filters.group {
            pairs.push(("group", g.clone()));
        }
        if let Some(s) = next.filters.min_stars {
            pairs.push(("stars", s.to_string()));
        }
        if let Some(p) = next.filters.min_price {
            pairs.push(("min_price", p.dong().to_string()));
        }
        if let Some(p) = next.filters.max_price {
            pairs.push(("max_price", p.dong().to_string()));
        }
        if next.filters.in_stock {
            pairs.push(("in_stock", "true".to_owned()));
        }
        if next.sort != SearchSort::Relevance {
            pairs.push(("sort", next.sort.code().to_owned()));
        }
        if next.page > 1 {
            pairs.push(("page", next.page.to_string()));
        }
        if next.per_page != DEFAULT_PER_PAGE {
            pairs.push(("per_page", next.per_page.to_string()));
        }
        let query: Vec<String> = pairs
            .into_iter()
            .map(|(k, v)| format!("{k}={}", encode(&v)))
            .collect();
        if query.is_empty() {
            SEARCH_PATH.to_owned()
        } else {
            format!("{SEARCH_PATH}?{}", query.join("&"))
        }
    }
}

/// The search page.
pub const SEARCH_PATH: &str = "/tim-kiem";

/// Percent-encodes a query-string value (UTF-8 bytes; unreserved characters kept).
fn encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// A value of a facet and how many results it would give.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct FacetCount {
    /// What the filter parameter takes: a commune slug, a group code, `4` (stars), a price band.
    pub value: String,
    /// What a person reads, in the reader's language.
    pub label: String,
    pub count: u64,
}

/// Counts for each filter. A dimension's counts take every other filter into account but not
/// its own, so a buyer who picked one commune still sees how many the others have.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Facets {
    pub communes: Vec<FacetCount>,
    pub groups: Vec<FacetCount>,
    /// "at least N stars": N = 3, 4, 5.
    pub stars: Vec<FacetCount>,
    pub prices: Vec<FacetCount>,
    pub in_stock: u64,
}

/// Part of a product name, marked when it matched the query.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Marked {
    pub text: String,
    pub hit: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SearchHit {
    #[serde(flatten)]
    pub product: ProductCard,
    /// The product's name cut into marked and unmarked parts.
    pub highlighted: Vec<Marked>,
}

/// One page of results.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SearchResults {
    /// The query as used (cut to 200 characters).
    pub query: String,
    pub truncated: bool,
    /// No product has every word of the query: these are close matches, found with fewer
    /// words or with typos allowed.
    pub relaxed: bool,
    /// A likely correction of a misspelt query, in the catalog's own words ("tương bần").
    pub did_you_mean: Option<String>,
    pub hits: Vec<SearchHit>,
    pub total: u64,
    pub page: u32,
    pub per_page: u32,
    pub facets: Facets,
}

/// A suggestion while typing: a product to open.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Suggestion {
    /// The product's page is `/san-pham/{slug}`.
    pub slug: String,
    /// The product's name, cut into parts marked where they matched the typed words.
    pub highlighted: Vec<Marked>,
    /// The commune the product comes from.
    pub commune: String,
}

impl Suggestion {
    /// Whether `typed` is enough to suggest from: at least 2 characters besides spaces (one
    /// letter would match half the catalog).
    pub fn worth_asking(typed: &str) -> bool {
        typed.trim().chars().nth(1).is_some()
    }
}

/// What `/api/v1/suggestions` answers (the search box reads it while the buyer types).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Suggestions {
    pub items: Vec<Suggestion>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(total: u64) -> SearchResults {
        SearchResults {
            query: String::new(),
            truncated: false,
            relaxed: false,
            did_you_mean: None,
            hits: Vec::new(),
            total,
            page: 1,
            per_page: DEFAULT_PER_PAGE,
            facets: Facets::default(),
        }
    }

    #[test]
    fn short_queries_with_results_are_indexed_under_one_address() {
        let indexed = |pairs: &[(&str, &str)], results: &SearchResults| {
            parse(pairs).0.indexable_path(results)
        };
        let some = found(3);
        assert_eq!(
            indexed(&[("q", "nhãn")], &some).as_deref(),
            Some("/tim-kiem?q=nh%C3%A3n")
        );
        // One address whatever the case and spacing typed.
        assert_eq!(
            indexed(&[("q", "  Mật   ONG ")], &some).as_deref(),
            Some("/tim-kiem?q=m%E1%BA%ADt+ong")
        );
        assert_eq!(
            indexed(&[("q", "(mật ong!)")], &some).as_deref(),
            Some("/tim-kiem?q=m%E1%BA%ADt+ong")
        );
        assert_eq!(indexed(&[], &some).as_deref(), Some("/tim-kiem"));
        assert_eq!(
            indexed(&[("q", "tương"), ("commune", "ban-yen-nhan")], &some).as_deref(),
            Some("/tim-kiem?q=t%C6%B0%C6%A1ng&commune=ban-yen-nhan")
        );
        assert_eq!(
            indexed(&[("group", "thuc-pham")], &some).as_deref(),
            Some("/tim-kiem?group=thuc-pham")
        );

        // Near-copies and dead ends are not.
        for pairs in [
            &[("q", "nhãn"), ("page", "2")][..],
            &[("q", "nhãn"), ("sort", "price_asc")],
            &[("q", "nhãn"), ("per_page", "50")],
            &[("q", "nhãn"), ("stars", "4")],
            &[("q", "nhãn"), ("min_price", "10000")],
            &[("q", "nhãn"), ("max_price", "90000")],
            &[("q", "nhãn"), ("in_stock", "true")],
            &[("q", "nhãn lồng hưng yên loại một quả to cùi dày ngọt sắc")],
            // Punctuation alone matches everything, like no query: not a page of its own.
            &[("q", "!!")],
            &[("q", "💰")],
        ] {
            assert_eq!(indexed(pairs, &some), None, "{pairs:?}");
        }
        assert_eq!(indexed(&[("q", "nhãn")], &found(0)), None);
        let relaxed = SearchResults {
            relaxed: true,
            ..found(3)
        };
        assert_eq!(indexed(&[("q", "nhãn xyz")], &relaxed), None);
        let corrected = SearchResults {
            did_you_mean: Some("nhãn".into()),
            ..found(3)
        };
        assert_eq!(indexed(&[("q", "nhanx")], &corrected), None);
        let truncated = SearchResults {
            truncated: true,
            ..found(3)
        };
        assert_eq!(indexed(&[("q", "nhãn")], &truncated), None);
    }

    #[test]
    fn suggestions_start_at_two_typed_characters() {
        for typed in ["", " ", "m", " m ", "đ"] {
            assert!(!Suggestion::worth_asking(typed), "{typed:?}");
        }
        for typed in ["mậ", " ma ", "mat o"] {
            assert!(Suggestion::worth_asking(typed), "{typed:?}");
        }
    }
    use std::collections::HashMap;

    fn parse(pairs: &[(&str, &str)]) -> (SearchRequest, Vec<BadParam>) {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        SearchRequest::parse(|k| map.get(k).map(String::as_str))
    }

    #[test]
    fn good_parameters() {
        let (req, bad) = parse(&[
            ("q", "nhãn lồng"),
            ("commune", "tan-hung"),
            ("stars", "4"),
            ("price", "100k_300k"),
            ("in_stock", "true"),
            ("sort", "price_asc"),
            ("page", "2"),
        ]);
        assert!(bad.is_empty(), "{bad:?}");
        assert_eq!(req.filters.min_stars, Some(4));
        assert_eq!(req.filters.min_price.map(|p| p.dong()), Some(100_000));
        assert_eq!(req.filters.max_price.map(|p| p.dong()), Some(299_999));
        assert_eq!(
            req.href_with(|r| r.page = 1),
            "/tim-kiem?q=nh%C3%A3n+l%E1%BB%93ng&commune=tan-hung&stars=4&min_price=100000&max_price=299999&in_stock=true&sort=price_asc"
        );
    }

    #[test]
    fn every_bad_parameter_is_named() {
        let (req, bad) = parse(&[
            ("stars", "7"),
            ("min_price", "abc"),
            ("in_stock", "maybe"),
            ("sort", "cheapest"),
            ("page", "0"),
            ("commune", "Tân Hưng"),
        ]);
        let names: Vec<&str> = bad.iter().map(|b| b.param.as_str()).collect();
        assert_eq!(
            names,
            ["commune", "stars", "min_price", "in_stock", "sort", "page"]
        );
        assert_eq!(req.page, 1);
        assert_eq!(req.filters, SearchFilters::default());
    }

    #[test]
    fn bands_cover_every_price_once() {
        for price in [0, 99_999, 100_000, 299_999, 300_000, 999_999, 1_000_000] {
            let band = PriceBand::of(price);
            let (min, max) = band.bounds();
            assert!(price >= min && max.is_none_or(|m| price <= m), "{price}");
        }
    }
}
