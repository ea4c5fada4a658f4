//! Delivery addresses on the HTTP side: the national list of provinces and communes as JSON, so
//! API clients can fill a checkout's `province_id`/`commune_id`, and the search the checkout's
//! address picker asks as the buyer types. Rules, storage and the picker are in `app::address`.

use axum::{
    Json, Router,
    extract::{Path, State},
    http::HeaderMap,
    routing::get,
};
use serde::Deserialize;
use utoipa::OpenApi;

use app::address::{
    model::{CommuneChoice, CommuneList, ProvinceChoice, ProvinceList},
    rules::ProvinceCode,
    storage,
};

use crate::{
    api::{ApiContext, ApiError, extract::ApiQuery},
    startup::AppState,
};

/// The addresses' part of the API document (merged into `/api/openapi.json`).
#[derive(OpenApi)]
#[openapi(paths(list_provinces, list_communes_of, find_communes))]
pub struct AddressApi;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/provinces", get(list_provinces))
        .route("/api/v1/provinces/{code}/communes", get(list_communes_of))
        .route("/api/v1/addresses/communes", get(find_communes))
}

/// Every province and centrally governed city (34 since 1 July 2025), by name, with the code
/// a checkout's `province_id` takes.
#[utoipa::path(get, path = "/api/v1/provinces",
    responses((status = 200, body = ProvinceList),
              (status = 503, body = crate::api::error::ErrorBody)))]
#[tracing::instrument(skip_all)]
pub async fn list_provinces(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Json<ProvinceList>, ApiError> {
    let locale = crate::api::extract::locale(&headers);
    let items = storage::provinces(&state.db)
        .await
        .context("listing provinces")?
        .iter()
        .map(|p| ProvinceChoice::of(p, locale))
        .collect();
    Ok(Json(ProvinceList { items }))
}

/// The communes, wards and special zones of one province, by name, with the code a checkout's
/// `commune_id` takes.
#[utoipa::path(get, path = "/api/v1/provinces/{code}/communes",
    params(("code" = String, Path, description = "The province's two-digit code, e.g. `79`")),
    responses((status = 200, body = CommuneList),
              (status = 404, description = "no province has this code (or it was merged)", body = crate::api::error::ErrorBody),
              (status = 503, body = crate::api::error::ErrorBody)))]
#[tracing::instrument(skip_all, fields(province = %code))]
pub async fn list_communes_of(
    State(state): State<AppState>,
    Path(code): Path<String>,
    headers: HeaderMap,
) -> Result<Json<CommuneList>, ApiError> {
    let locale = crate::api::extract::locale(&headers);
    let unknown = || ApiError::not_found(format!("no province has the code {code:?}"));
    let province = ProvinceCode::parse(&code).map_err(|_| unknown())?;
    storage::province(&state.db, &province)
        .await
        .context("finding a province")?
        .ok_or_else(unknown)?;
    let items = storage::communes_of(&state.db, &province)
        .await
        .context("listing communes")?
        .iter()
        .map(|c| CommuneChoice::of(c, locale))
        .collect();
    Ok(Json(CommuneList { items }))
}

#[derive(Deserialize)]
pub struct FindQuery {
    #[serde(default)]
    q: String,
}

/// Longest query looked at: a name and its province fit well within it.
const MAX_QUERY_CHARS: usize = 100;

/// Communes of the whole country matching what a buyer typed (up to 20, best first): every
/// word starts a word of the name, the province or a former name; diacritics optional, type
/// words ("Quận", "Phường", "TP") ignored.
#[utoipa::path(get, path = "/api/v1/addresses/communes",
    params(("q" = String, Query, description = "e.g. `Quận Hoàn Kiếm`, `ben thanh hcm`; at most 100 characters are used")),
    responses((status = 200, body = CommuneList), (status = 400, body = crate::api::error::ErrorBody),
              (status = 503, body = crate::api::error::ErrorBody)))]
#[tracing::instrument(skip_all)]
pub async fn find_communes(
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<FindQuery>,
    headers: HeaderMap,
) -> Result<Json<CommuneList>, ApiError> {
    let locale = crate::api::extract::locale(&headers);
    let typed: String = query.q.chars().take(MAX_QUERY_CHARS).collect();
    let items = storage::search(&state.db, &typed)
        .await
        .context("finding communes")?
        .iter()
        .map(|c| CommuneChoice::of(c, locale))
        .collect();
    Ok(Json(CommuneList { items }))
}
