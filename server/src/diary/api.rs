//! Lots for auditors and partner apps: `GET /api/v1/lots/{id or code}` (the traceability
//! record with its timeline) and `GET /api/v1/lots/{id or code}/epcis` (the lot's events as an
//! EPCIS 2.0 JSON-LD document).

use app::diary::{
    model::LotTrace,
    trace_storage::{LotKey, find_lot, lot_trace, lots_with_code},
};
use axum::{
    Json,
    extract::{Path, State},
    http::{HeaderMap, header},
    response::{IntoResponse, Response},
};

use super::epcis;
use crate::api::{ApiContext, ApiError, locale};
use crate::startup::AppState;

/// The lot's id for a path key: a lot id, or a lot code naming exactly one public lot (one
/// harvested or on sale; a growing lot is a 404 here).
async fn resolve(state: &AppState, key: &str) -> Result<String, ApiError> {
    if key.is_empty() || key.len() > 100 {
        return Err(ApiError::not_found("no public lot has this id or code"));
    }
    // Partner apps and auditors see published lots only: no viewer, whatever cookie came along.
    if let Some(found) = find_lot(&state.db, LotKey::Id(key), None)
        .await
        .context("finding a lot")?
    {
        return Ok(found.id);
    }
    let mut ids = lots_with_code(&state.db, key)
        .await
        .context("finding a lot")?;
    match ids.len() {
        0 => Err(ApiError::not_found(format!(
            "no public lot has the id or code {key:?}"
        ))),
        1 => Ok(ids.remove(0)),
        _ => Err(ApiError::conflict(format!(
            "several producers use the lot code {key:?}; ask by lot id: {}",
            ids.join(", ")
        ))),
    }
}

/// A lot's traceability record: product, producer, plot, the season's cultivation log,
/// pre-harvest interval, officer verification and the state of the plot's hash chain.
#[utoipa::path(get, path = "/api/v1/lots/{key}",
    params(("key" = String, Path, description = "the lot id, or its code (e.g. `NLHY-20260720`) when only one producer uses it")),
    responses((status = 200, body = LotTrace), (status = 404, body = crate::api::error::ErrorBody),
               (status = 409, description = "several lots have this code", body = crate::api::error::ErrorBody)))]
#[tracing::instrument(skip_all, fields(lot = %key))]
pub async fn get_lot(
    State(state): State<AppState>,
    Path(key): Path<String>,
    headers: HeaderMap,
) -> Result<Json<LotTrace>, ApiError> {
    let id = resolve(&state, &key).await?;
    lot_trace(&state.db, &id, locale(&headers), None)
        .await
        .context("loading a lot")?
        .map(Json)
        .ok_or_else(|| ApiError::not_found("no public lot has this id or code"))
}

/// The lot's events as an EPCIS 2.0 JSON-LD document: its harvest as `commissioning`, its
/// packing as `packing`.
#[utoipa::path(get, path = "/api/v1/lots/{key}/epcis",
    params(("key" = String, Path, description = "the lot id, or its code")),
    responses((status = 200, description = "EPCIS 2.0 document", content_type = "application/ld+json", body = Object),
               (status = 404, body = crate::api::error::ErrorBody)))]
#[tracing::instrument(skip_all, fields(lot = %key))]
pub async fn get_lot_epcis(
    State(state): State<AppState>,
    Path(key): Path<String>,
) -> Result<Response, ApiError> {
    let id = resolve(&state, &key).await?;
    let trace = lot_trace(&state.db, &id, app::i18n::Locale::Vi, None)
        .await
        .context("loading a lot")?
        .ok_or_else(|| ApiError::not_found("no public lot has this id or code"))?;
    let document = epcis::document(&trace, &state.public_url, chrono::Utc::now());
    Ok((
        [(header::CONTENT_TYPE, "application/ld+json")],
        document.to_string(),
    )
        .into_response())
}
