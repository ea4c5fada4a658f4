//! Catalog endpoints: communes, products (with filters, sorting and paging) and producers.
//! Only approved products of active producers are ever returned.

use std::collections::HashMap;

use app::{
    catalog::{
        model::{CommunePage, CommuneSummary, ProducerPage, ProductPage},
        storage,
    },
    domain::{slug::Slug, time::vietnam_date},
    search::model::{Facets, SearchHit, SearchRequest, Suggestions},
};
use axum::{
    Json,
    extract::{Path, Query, State, rejection::QueryRejection},
    http::HeaderMap,
};
use serde::Serialize;

use crate::{
    api::{ApiContext, ApiError, locale},
    startup::AppState,
};

#[derive(Serialize, utoipa::ToSchema)]
pub struct CommuneList {
    items: Vec<CommuneSummary>,
    total: usize,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ProductList {
    /// Product cards, each with its name cut into `highlighted` parts where it matched `q`.
    items: Vec<SearchHit>,
    page: u32,
    per_page: u32,
    total: u64,
    /// The query as used (cut to 200 characters).
    query: String,
    /// No product has every word of `query`: `items` are close matches (fewer words, or typos
    /// allowed). Say so to the buyer.
    relaxed: bool,
    /// A likely correction of a misspelt `query`, in the catalog's own words (e.g. `tương bần`
    /// for `tuong bam`): offer it as a search. `null` when nothing looks misspelt.
    did_you_mean: Option<String>,
    facets: Facets,
}

fn today() -> chrono::NaiveDate {
    vietnam_date(chrono::Utc::now())
}

/// A path slug, or a 404 (a malformed slug names nothing).
fn slug(text: &str, what: &str) -> Result<Slug, ApiError> {
    Slug::parse(text).map_err(|_| ApiError::not_found(format!("no {what} has the slug {text:?}")))
}

/// The query string as key → value; malformed encoding is a 400, not a plain-text rejection.
pub(crate) fn params(
    query: Result<Query<HashMap<String, String>>, QueryRejection>,
) -> Result<HashMap<String, String>, ApiError> {
    query
        .map(|Query(q)| q)
        .map_err(|e| ApiError::bad_request(format!("the query string cannot be read: {e}")))
}

/// List communes, optionally filtered by name (with or without diacritics, former names too).
#[utoipa::path(get, path = "/api/v1/communes",
    params(("q" = Option<String>, Query, description = "Part of a current or former name, e.g. `dong tao`")),
    responses((status = 200, body = CommuneList), (status = 400, body = crate::api::error::ErrorBody)))]
#[tracing::instrument(skip_all)]
pub async fn list_communes(
    State(state): State<AppState>,
    query: Result<Query<HashMap<String, String>>, QueryRejection>,
) -> Result<Json<CommuneList>, ApiError> {
    let q = params(query)?.remove("q").unwrap_or_default();
    if q.chars().count() > 100 {
        return Err(ApiError::bad_request("q: at most 100 characters"));
    }
    let items = storage::list_communes(&state.db, &q)
        .await
        .context("listing communes")?;
    Ok(Json(CommuneList {
        total: items.len(),
        items,
    }))
}

/// A commune with its signature product, other products and producers.
#[utoipa::path(get, path = "/api/v1/communes/{slug}",
    params(("slug" = String, Path, description = "e.g. `tan-hung`")),
    responses((status = 200, body = CommunePage), (status = 404, body = crate::api::error::ErrorBody)))]
#[tracing::instrument(skip_all, fields(slug = %text))]
pub async fn get_commune(
    State(state): State<AppState>,
    Path(text): Path<String>,
    headers: HeaderMap,
) -> Result<Json<CommunePage>, ApiError> {
    let slug = slug(&text, "commune")?;
    storage::commune_page(&state.db, slug.as_str(), today(), locale(&headers))
        .await
        .context("loading a commune")?
        .map(Json)
        .ok_or_else(|| ApiError::not_found(format!("no commune has the slug {text:?}")))
}

/// Public products: searched (Vietnamese with or without diacritics, small typos, the last word
/// as a prefix, Telex typed with the Vietnamese keyboard off, syllables typed without spaces),
/// filtered, sorted and paged, with facet counts. The same engine as the search page. When no
/// product has every word, close matches are returned with `relaxed: true`; a likely
/// misspelling comes with `did_you_mean`.
#[utoipa::path(get, path = "/api/v1/products",
    params(
        ("q" = Option<String>, Query, description = "Words to search for, e.g. `nhan long` or `mật ong`; at most 200 characters are used"),
        ("commune" = Option<String>, Query, description = "Commune slug"),
        ("group" = Option<String>, Query, description = "OCOP product group code: food, beverage, herbal, handicraft, ornamental, tourism"),
        ("stars" = Option<i64>, Query, description = "At least this many OCOP stars (3-5), from a certificate in force"),
        ("min_price" = Option<i64>, Query, description = "Lowest starting price in VND"),
        ("max_price" = Option<i64>, Query, description = "Highest starting price in VND"),
        ("price" = Option<String>, Query, description = "A price band instead of min/max: under_100k, 100k_300k, 300k_1m, over_1m"),
        ("in_stock" = Option<bool>, Query, description = "Only products with stock"),
        ("sort" = Option<String>, Query, description = "relevance (default; `featured` too), price_asc, price_desc, newest, rating (best rated first, unrated last)"),
        ("page" = Option<i64>, Query, description = "From 1 (default 1)"),
        ("per_page" = Option<i64>, Query, description = "1-100 (default 20)"),
    ),
    responses((status = 200, body = ProductList), (status = 400, body = crate::api::error::ErrorBody),
              (status = 503, description = "search is unavailable", body = crate::api::error::ErrorBody)))]
#[tracing::instrument(skip_all)]
pub async fn list_products(
    State(state): State<AppState>,
    query: Result<Query<HashMap<String, String>>, QueryRejection>,
    headers: HeaderMap,
) -> Result<Json<ProductList>, ApiError> {
    let params = params(query)?;
    let (request, bad) = SearchRequest::parse(|k| params.get(k).map(String::as_str));
    if let Some(first) = bad.first() {
        return Err(ApiError::bad_request(first.to_string()));
    }
    let results = state
        .search
        .run(&state.db, &request, today(), locale(&headers))
        .await
        .map_err(search_unavailable)?;
    Ok(Json(ProductList {
        items: results.hits,
        page: results.page,
        per_page: results.per_page,
        total: results.total,
        query: results.query,
        relaxed: results.relaxed,
        did_you_mean: results.did_you_mean,
        facets: results.facets,
    }))
}

/// Products to offer while the buyer types: up to 6, matched the way `/api/v1/products` matches
/// (the last word as a prefix), each name marked where it matched. Fewer than 2 characters, or
/// only punctuation, suggest nothing.
#[utoipa::path(get, path = "/api/v1/suggestions",
    params(("q" = Option<String>, Query, description = "What the buyer has typed so far, e.g. `mat o`; at most 200 characters are used")),
    responses((status = 200, body = Suggestions), (status = 400, body = crate::api::error::ErrorBody),
              (status = 503, description = "search is unavailable", body = crate::api::error::ErrorBody)))]
#[tracing::instrument(skip_all)]
pub async fn list_suggestions(
    State(state): State<AppState>,
    query: Result<Query<HashMap<String, String>>, QueryRejection>,
    headers: HeaderMap,
) -> Result<Json<Suggestions>, ApiError> {
    let q = params(query)?.remove("q").unwrap_or_default();
    let items = state
        .search
        .suggest(&state.db, &q, today(), locale(&headers))
        .await
        .map_err(search_unavailable)?;
    Ok(Json(Suggestions { items }))
}

/// A 503 for a search engine that failed (logged here; the caller gets no details).
fn search_unavailable(e: impl std::fmt::Display) -> ApiError {
    tracing::error!(error = %e, "search failed");
    ApiError::new(
        axum::http::StatusCode::SERVICE_UNAVAILABLE,
        "search_unavailable",
        "search is unavailable for the moment; try again shortly",
    )
}

/// A public product with its variants, certificate in force, lots on sale and related products.
#[utoipa::path(get, path = "/api/v1/products/{slug}",
    params(("slug" = String, Path, description = "e.g. `nhan-long-hung-yen`")),
    responses((status = 200, body = ProductPage), (status = 404, body = crate::api::error::ErrorBody)))]
#[tracing::instrument(skip_all, fields(slug = %text))]
pub async fn get_product(
    State(state): State<AppState>,
    Path(text): Path<String>,
    headers: HeaderMap,
) -> Result<Json<ProductPage>, ApiError> {
    let slug = slug(&text, "product")?;
    storage::product_page(&state.db, slug.as_str(), today(), locale(&headers))
        .await
        .context("loading a product")?
        .map(Json)
        .ok_or_else(|| ApiError::not_found(format!("no public product has the slug {text:?}")))
}

/// An active producer with its public products.
#[utoipa::path(get, path = "/api/v1/producers/{slug}",
    params(("slug" = String, Path, description = "e.g. `htx-nhan-long-song-hong-xanh`")),
    responses((status = 200, body = ProducerPage), (status = 404, body = crate::api::error::ErrorBody)))]
#[tracing::instrument(skip_all, fields(slug = %text))]
pub async fn get_producer(
    State(state): State<AppState>,
    Path(text): Path<String>,
    headers: HeaderMap,
) -> Result<Json<ProducerPage>, ApiError> {
    let slug = slug(&text, "producer")?;
    storage::producer_page(&state.db, slug.as_str(), today(), locale(&headers))
        .await
        .context("loading a producer")?
        .map(Json)
        .ok_or_else(|| ApiError::not_found(format!("no active producer has the slug {text:?}")))
}
