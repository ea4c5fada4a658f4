//! Catalog endpoints: communes, products (with filters, sorting and paging) and producers.
//! Only approved products of active producers are ever returned.

use std::collections::HashMap;

use app::{
    catalog::{CommunePage, CommuneSummary, ProducerPage, ProductCard, ProductPage},
    db::catalog::{self as queries, ProductFilter, ProductSort},
    domain::{money::Vnd, slug::Slug, time::vietnam_date},
    i18n::Locale,
};
use axum::{
    Json,
    extract::{Path, Query, State, rejection::QueryRejection},
    http::{HeaderMap, header},
};
use serde::Serialize;

use super::ApiError;
use crate::startup::AppState;

#[derive(Serialize, utoipa::ToSchema)]
pub struct CommuneList {
    items: Vec<CommuneSummary>,
    total: usize,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ProductList {
    items: Vec<ProductCard>,
    page: i64,
    per_page: i64,
    total: i64,
}

/// The language a caller asked for with the site's `lang` cookie; Vietnamese otherwise.
pub(crate) fn locale(headers: &HeaderMap) -> Locale {
    headers
        .get(header::COOKIE)
        .and_then(|v| v.to_str().ok())
        .map(Locale::from_cookie_header)
        .unwrap_or_default()
}

fn today() -> chrono::NaiveDate {
    vietnam_date(chrono::Utc::now())
}

/// A path slug, or a 404 (a malformed slug names nothing).
fn slug(text: &str, what: &str) -> Result<Slug, ApiError> {
    Slug::parse(text).map_err(|_| ApiError::not_found(format!("no {what} has the slug {text:?}")))
}

/// The query string as key → value; malformed encoding is a 400, not a plain-text rejection.
fn params(
    query: Result<Query<HashMap<String, String>>, QueryRejection>,
) -> Result<HashMap<String, String>, ApiError> {
    query
        .map(|Query(q)| q)
        .map_err(|e| ApiError::bad_request(format!("the query string cannot be read: {e}")))
}

/// List communes, optionally filtered by name (with or without diacritics, former names too).
#[utoipa::path(get, path = "/api/v1/communes",
    params(("q" = Option<String>, Query, description = "Part of a current or former name, e.g. `dong tao`")),
    responses((status = 200, body = CommuneList), (status = 400, body = super::error::ErrorBody)))]
pub async fn list_communes(
    State(state): State<AppState>,
    query: Result<Query<HashMap<String, String>>, QueryRejection>,
) -> Result<Json<CommuneList>, ApiError> {
    let q = params(query)?.remove("q").unwrap_or_default();
    if q.chars().count() > 100 {
        return Err(ApiError::bad_request("q: at most 100 characters"));
    }
    let items = queries::list_communes(&state.db, &q)
        .await
        .map_err(|e| ApiError::unavailable("listing communes", e))?;
    Ok(Json(CommuneList {
        total: items.len(),
        items,
    }))
}

/// A commune with its signature product, other products and producers.
#[utoipa::path(get, path = "/api/v1/communes/{slug}",
    params(("slug" = String, Path, description = "e.g. `tan-hung`")),
    responses((status = 200, body = CommunePage), (status = 404, body = super::error::ErrorBody)))]
pub async fn get_commune(
    State(state): State<AppState>,
    Path(text): Path<String>,
    headers: HeaderMap,
) -> Result<Json<CommunePage>, ApiError> {
    let slug = slug(&text, "commune")?;
    queries::commune_page(&state.db, slug.as_str(), today(), locale(&headers))
        .await
        .map_err(|e| ApiError::unavailable("loading a commune", e))?
        .map(Json)
        .ok_or_else(|| ApiError::not_found(format!("no commune has the slug {text:?}")))
}

/// Public products, filtered, sorted and paged.
#[utoipa::path(get, path = "/api/v1/products",
    params(
        ("commune" = Option<String>, Query, description = "Commune slug"),
        ("group" = Option<String>, Query, description = "OCOP product group code: food, beverage, herbal, handicraft, ornamental, tourism"),
        ("stars" = Option<i64>, Query, description = "At least this many OCOP stars (3-5), from a certificate in force"),
        ("min_price" = Option<i64>, Query, description = "Lowest starting price in VND"),
        ("max_price" = Option<i64>, Query, description = "Highest starting price in VND"),
        ("in_stock" = Option<bool>, Query, description = "Only products with stock"),
        ("sort" = Option<String>, Query, description = "featured (default), price_asc, price_desc, newest"),
        ("page" = Option<i64>, Query, description = "From 1 (default 1)"),
        ("per_page" = Option<i64>, Query, description = "1-100 (default 20)"),
    ),
    responses((status = 200, body = ProductList), (status = 400, body = super::error::ErrorBody)))]
pub async fn list_products(
    State(state): State<AppState>,
    query: Result<Query<HashMap<String, String>>, QueryRejection>,
    headers: HeaderMap,
) -> Result<Json<ProductList>, ApiError> {
    let filter = product_filter(&params(query)?)?;
    let (items, total) = queries::search_products(&state.db, &filter, today(), locale(&headers))
        .await
        .map_err(|e| ApiError::unavailable("listing products", e))?;
    Ok(Json(ProductList {
        items,
        page: filter.page,
        per_page: filter.per_page,
        total,
    }))
}

/// Checks every filter parameter, naming the first one that is wrong.
fn product_filter(q: &HashMap<String, String>) -> Result<ProductFilter, ApiError> {
    let get = |key: &str| q.get(key).map(|v| v.trim()).filter(|v| !v.is_empty());
    let number =
        |key: &str, range: std::ops::RangeInclusive<i64>| -> Result<Option<i64>, ApiError> {
            get(key)
                .map(|v| match v.parse::<i64>() {
                    Ok(n) if range.contains(&n) => Ok(n),
                    _ => Err(ApiError::bad_request(format!(
                        "{key}: a whole number from {} to {} (got {v:?})",
                        range.start(),
                        range.end()
                    ))),
                })
                .transpose()
        };
    let price = |key: &str| -> Result<Option<Vnd>, ApiError> {
        get(key)
            .map(|v| {
                Vnd::parse(v).map_err(|e| ApiError::bad_request(format!("{key}: {e} (got {v:?})")))
            })
            .transpose()
    };
    let code = |key: &str| -> Result<Option<String>, ApiError> {
        get(key)
            .map(|v| {
                Slug::parse(v).map(String::from).map_err(|_| {
                    ApiError::bad_request(format!(
                        "{key}: lowercase letters, digits and hyphens (got {v:?})"
                    ))
                })
            })
            .transpose()
    };
    let in_stock = match get("in_stock") {
        None | Some("false" | "0") => false,
        Some("true" | "1") => true,
        Some(v) => {
            return Err(ApiError::bad_request(format!(
                "in_stock: true or false (got {v:?})"
            )));
        }
    };
    let sort = match get("sort") {
        None => ProductSort::default(),
        Some(v) => ProductSort::parse(v).ok_or_else(|| {
            ApiError::bad_request(format!(
                "sort: featured, price_asc, price_desc or newest (got {v:?})"
            ))
        })?,
    };
    let (min_price, max_price) = (price("min_price")?, price("max_price")?);
    if let (Some(min), Some(max)) = (min_price, max_price)
        && min > max
    {
        return Err(ApiError::bad_request("min_price is above max_price"));
    }
    Ok(ProductFilter {
        commune: code("commune")?,
        group: code("group")?,
        min_stars: number("stars", 3..=5)?,
        min_price,
        max_price,
        in_stock,
        sort,
        page: number("page", 1..=10_000)?.unwrap_or(1),
        per_page: number("per_page", 1..=100)?.unwrap_or(20),
    })
}

/// A public product with its variants, certificate in force, lots on sale and related products.
#[utoipa::path(get, path = "/api/v1/products/{slug}",
    params(("slug" = String, Path, description = "e.g. `nhan-long-hung-yen`")),
    responses((status = 200, body = ProductPage), (status = 404, body = super::error::ErrorBody)))]
pub async fn get_product(
    State(state): State<AppState>,
    Path(text): Path<String>,
    headers: HeaderMap,
) -> Result<Json<ProductPage>, ApiError> {
    let slug = slug(&text, "product")?;
    queries::product_page(&state.db, slug.as_str(), today(), locale(&headers))
        .await
        .map_err(|e| ApiError::unavailable("loading a product", e))?
        .map(Json)
        .ok_or_else(|| ApiError::not_found(format!("no public product has the slug {text:?}")))
}

/// An active producer with its public products.
#[utoipa::path(get, path = "/api/v1/producers/{slug}",
    params(("slug" = String, Path, description = "e.g. `htx-nhan-long-song-hong-xanh`")),
    responses((status = 200, body = ProducerPage), (status = 404, body = super::error::ErrorBody)))]
pub async fn get_producer(
    State(state): State<AppState>,
    Path(text): Path<String>,
    headers: HeaderMap,
) -> Result<Json<ProducerPage>, ApiError> {
    let slug = slug(&text, "producer")?;
    queries::producer_page(&state.db, slug.as_str(), today(), locale(&headers))
        .await
        .map_err(|e| ApiError::unavailable("loading a producer", e))?
        .map(Json)
        .ok_or_else(|| ApiError::not_found(format!("no active producer has the slug {text:?}")))
}
