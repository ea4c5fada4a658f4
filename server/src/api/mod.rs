//! The versioned JSON API (`/api/v1`) for mobile apps and partner marketplaces: what all its
//! handlers share (the error shape, the extractors), its OpenAPI document (`/api/openapi.json`,
//! generated from the same types the handlers return, each feature's paths registered beside its
//! routes), the Stripe webhook and the JSON 404. The endpoints are in the features' folders.

pub mod error;
pub mod extract;

use axum::{
    Json, Router,
    routing::{get, post},
};
use utoipa::OpenApi;

pub use error::{ApiContext, ApiError};
pub use extract::locale;

use crate::startup::AppState;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "OCOP marketplace API",
        version = "1",
        description = "Communes, products, producers, lot traceability, the buyer's cart, checkout and orders of the OCOP specialty marketplace (Hưng Yên). Texts are Vietnamese unless the `lang=en` cookie asks for English; prices are whole VND."
    ),
    components(schemas(error::ErrorBody, error::ErrorDetail))
)]
pub struct ApiDoc;

/// The whole API document: the shared part above and each feature's own paths, registered in
/// the feature's module beside its routes.
pub fn openapi() -> utoipa::openapi::OpenApi {
    let mut doc = ApiDoc::openapi();
    doc.merge(crate::catalog::CatalogApi::openapi());
    doc.merge(crate::diary::DiaryApi::openapi());
    doc.merge(crate::care::CareApi::openapi());
    doc.merge(crate::shop::ShopApi::openapi());
    doc.merge(crate::address::AddressApi::openapi());
    // The farm API's devices: a personal access token made on the account page.
    if let Some(components) = doc.components.as_mut() {
        use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
        components.add_security_scheme(
            "farm_token",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
        );
    }
    doc
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/openapi.json", get(|| async { Json(openapi()) }))
        .route(
            "/api/v1/webhooks/stripe",
            post(crate::payments::webhook::stripe_webhook),
        )
        .route("/api/v1/webhooks/vnpay", get(crate::payments::vnpay::ipn))
        // Anything else under /api/v1 is a JSON 404, not the HTML not-found page.
        .route(
            "/api/v1/{*rest}",
            get(|| async { ApiError::not_found("no such API endpoint") }),
        )
}
