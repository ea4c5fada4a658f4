//! Lots for auditors and partner apps: `GET /api/v1/lots/{id or code}` (the traceability
//! record with its timeline) and `GET /api/v1/lots/{id or code}/epcis` (the lot's events as an
//! EPCIS 2.0 JSON-LD document); for the farmer's app, `POST /api/v1/lots/{id}/on-sale` (a
//! harvested lot goes on sale with its units).

use app::{
    auth::{Action, authorize},
    diary::{
        model::LotTrace,
        storage::{self, DiaryError, OnSale},
        trace_storage::{LotKey, find_lot, lot_trace, lots_with_code},
    },
};
use axum::{
    Json,
    extract::{Path, State},
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse, Response},
};
use serde::{Deserialize, Serialize};

use super::epcis;
use crate::api::{ApiContext, ApiError, extract::ApiJson, locale};
use crate::form_error::Asker;
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
/// packing as `packing`, and each order that shipped units of it as `shipping` (the order as
/// the business transaction).
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
    let shipments = app::lot_sales::storage::shipments_of_lot(&state.db, &id)
        .await
        .context("loading a lot's shipments")?;
    let document = epcis::document(&trace, &shipments, &state.public_url, chrono::Utc::now());
    Ok((
        [(header::CONTENT_TYPE, "application/ld+json")],
        document.to_string(),
    )
        .into_response())
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct PutOnSale {
    /// Units of the lot's product variant to put on sale (1 to 1,000,000). Absent: the harvest
    /// in the variant's units (kilograms, or the harvest over the variant's net weight). Ignored
    /// for a lot not sold as a product yet.
    #[serde(default)]
    pub units: Option<i64>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct OnSaleResponse {
    pub lot_id: String,
    /// `on_sale`.
    pub status: &'static str,
    /// Units of the lot still on sale (absent for a lot not sold as a product yet).
    pub units_left: Option<i64>,
    /// False when the lot was on sale already (nothing changed).
    pub changed: bool,
}

/// A refused put-on-sale, in the API's shape.
fn sale_refusal(e: DiaryError) -> ApiError {
    let unprocessable =
        |code, message: String| ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, code, message);
    match e {
        DiaryError::NotFound => ApiError::not_found("no lot has this id"),
        DiaryError::Db(e) => ApiError::unavailable("putting a lot on sale", e),
        DiaryError::NotHarvested => unprocessable(
            "not_harvested",
            "record the lot's harvest before putting it on sale".to_owned(),
        ),
        DiaryError::Phi(v) => unprocessable(
            "phi",
            format!(
                "{} sprayed on {} is still within its pre-harvest interval: first safe day {}",
                v.product_name, v.sprayed_on, v.safe_from
            ),
        ),
        DiaryError::Units(e) => unprocessable("units", e.to_string()),
        DiaryError::NotSellable => ApiError::new(
            StatusCode::CONFLICT,
            "not_sellable",
            "a sold-out or recalled lot does not go on sale again",
        ),
        other => unprocessable("invalid", other.to_string()),
    }
}

/// Puts a harvested lot on sale, for a member of its producer (session cookie). A lot sold as
/// a product variant goes on sale with `units` of it (by default its harvest in the variant's
/// units), which join the variant's stock; checkout then takes orders from the lots, oldest
/// harvest first. Refused while a spraying's pre-harvest interval runs.
#[utoipa::path(post, path = "/api/v1/lots/{id}/on-sale", request_body = PutOnSale,
    params(("id" = String, Path, description = "the lot id")),
    responses((status = 200, body = OnSaleResponse),
               (status = 401, body = crate::api::error::ErrorBody),
               (status = 403, body = crate::api::error::ErrorBody),
               (status = 404, body = crate::api::error::ErrorBody),
               (status = 409, description = "`not_sellable`: sold out or recalled", body = crate::api::error::ErrorBody),
               (status = 422, description = "`not_harvested`, `phi` or `units`", body = crate::api::error::ErrorBody)))]
#[tracing::instrument(skip_all, fields(lot = %lot_id))]
pub async fn put_on_sale(
    State(state): State<AppState>,
    Asker(actor): Asker,
    Path(lot_id): Path<String>,
    ApiJson(body): ApiJson<PutOnSale>,
) -> Result<Json<OnSaleResponse>, ApiError> {
    let actor = actor
        .ok_or_else(|| ApiError::new(StatusCode::UNAUTHORIZED, "not_signed_in", "sign in first"))?;
    let missing = || ApiError::not_found("no lot has this id");
    if lot_id.is_empty() || lot_id.len() > 100 {
        return Err(missing());
    }
    let (producer_id, _, _) = storage::lot_owner(&state.db, &lot_id)
        .await
        .context("finding a lot's producer")?
        .ok_or_else(missing)?;
    let producer_id = &producer_id;
    if authorize(Some(&actor), Action::WriteFarmLog { producer_id }).is_err() {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            "only the lot's producer puts it on sale",
        ));
    }
    let done = storage::put_on_sale(&state.db, &actor.user_id, &lot_id, body.units)
        .await
        .map_err(sale_refusal)?;
    let units_left = app::lot_sales::storage::units_left(&state.db, &lot_id)
        .await
        .context("reading a lot's units")?;
    Ok(Json(OnSaleResponse {
        lot_id,
        status: "on_sale",
        units_left,
        changed: done != OnSale::Already,
    }))
}
