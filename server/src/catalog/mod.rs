//! The catalog's HTTP side: the JSON API of communes, products (searched, filtered, paged) and
//! producers. The queries, read models and pages are in `app::catalog`; the engines behind the
//! product search in `crate::search`.

pub mod api;

use axum::{Router, routing::get};
use utoipa::OpenApi;

use crate::startup::AppState;

/// The catalog's part of the API document (merged into `/api/openapi.json`).
#[derive(OpenApi)]
#[openapi(paths(
    api::list_communes,
    api::get_commune,
    api::list_products,
    api::list_suggestions,
    api::get_product,
    api::get_producer,
))]
pub struct CatalogApi;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/communes", get(api::list_communes))
        .route("/api/v1/communes/{slug}", get(api::get_commune))
        .route("/api/v1/products", get(api::list_products))
        .route("/api/v1/suggestions", get(api::list_suggestions))
        .route("/api/v1/products/{slug}", get(api::get_product))
        .route("/api/v1/producers/{slug}", get(api::get_producer))
}
