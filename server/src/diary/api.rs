//! Lots for auditors and partner apps: `GET /api/v1/lots/{id or code}` (the traceability
//! record with its timeline) and `GET /api/v1/lots/{id or code}/epcis` (the lot's events as an
//! EPCIS 2.0 JSON-LD document); for the farmer's app, `POST /api/v1/lots/{id}/on-sale` (a
//! harvested lot goes on sale with its units) and `POST /api/v1/plots/{id}/entries` (an entry in
//! a plot's cultivation log, read against the plant-protection register).

use app::{
    auth::{Action, authorize},
    diary::{
        model::{ChainView, LotTrace, PhiStatus, PlotFacts, RegisterNote, TimelineEntry},
        rules::{EntryDraft, EntryKind},
        storage::{self, DiaryError, OnSale},
        trace_storage::{LotKey, find_lot, for_outsiders, lot_trace, lots_with_code},
    },
    domain::time::vietnam_date,
    farm_tokens::Scope,
};
use axum::{
    Json,
    extract::{Path, State},
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse, Response},
};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::epcis;
use crate::api::{ApiContext, ApiError, extract::ApiJson, locale};
use crate::auth::ClientIp;
use crate::farm_tokens::FarmCaller;
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
        // Partner apps see what the public page shows.
        .map(|t| Json(for_outsiders(t)))
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

/// A diary entry as a producer's app sends it; fields that do not apply may be left out.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct NewEntry {
    /// planting, fertilising, spraying, irrigation, pruning, flower_induction, fruit_bagging,
    /// observation, lab_test, harvest or packing.
    pub kind: String,
    #[schema(value_type = String, format = Date)]
    pub occurred_on: NaiveDate,
    /// The harvest lot the entry is for (a harvest or packing needs one).
    #[serde(default)]
    pub lot_id: Option<String>,
    /// The product (trade name) as on its label.
    #[serde(default)]
    pub input_name: Option<String>,
    /// A spraying's active ingredient(s) as on the label, e.g. `Metalaxyl-M 4% + Mancozeb 64%`;
    /// a fertiliser's N-P-K.
    #[serde(default)]
    pub active_ingredient: Option<String>,
    #[serde(default)]
    pub target: Option<String>,
    #[serde(default)]
    pub dose: Option<String>,
    /// A spraying's pre-harvest interval in days, from the label. Left out: the
    /// plant-protection register's for the plot's crop, when it gives one for every ingredient.
    #[serde(default)]
    pub phi_days: Option<u32>,
    /// A harvest's quantity.
    #[serde(default)]
    pub quantity_kg: Option<i64>,
    #[serde(default)]
    pub note: String,
    /// The entry this one corrects (same kind, same plot).
    #[serde(default)]
    pub corrects_id: Option<String>,
    /// An id the app gives the entry when it is written down (a UUID, say; 1 to 64 letters,
    /// digits, `-` or `_`): sent again after a lost answer, the entry is stored once and the
    /// answer is 200 with the stored entry's `seq`.
    #[serde(default)]
    pub client_id: Option<String>,
    /// The planned task (`GET /api/v1/plots/{plot_id}/tasks`) this entry records: it is marked
    /// done with the entry.
    #[serde(default)]
    pub task_id: Option<String>,
}

/// An entry written to the plot's chain.
#[derive(Serialize, utoipa::ToSchema)]
pub struct RecordedEntry {
    /// The entry's id (the stored entry's, for a resend): its photos go to
    /// `POST /api/v1/entries/{id}/photos`.
    pub id: String,
    /// Its place in the plot's chain.
    pub seq: i64,
    /// A spraying's interval, as typed or filled in from the register.
    pub phi_days: Option<u32>,
    /// `label` (typed) or `register` (filled in).
    pub phi_source: Option<String>,
    /// How a spraying stood against the register's permitted list for the plot's crop:
    /// `unregistered` is recorded with a warning the commune officer sees.
    pub register: Option<RegisterNote>,
    /// The entry had been stored already under its `client_id`: nothing new was written.
    pub resent: bool,
}

/// A refused entry as the farm pages word it, in `locale`.
fn shown(e: &DiaryError, locale: app::i18n::Locale) -> Option<String> {
    super::forms::refusal_for(e).map(|r| app::diary::texts::refusal_text(&r, locale))
}

fn entry_refused(e: DiaryError) -> ApiError {
    let unprocessable =
        |code, message: String| ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, code, message);
    match e {
        DiaryError::NotFound => ApiError::not_found("no such plot"),
        DiaryError::Db(e) => ApiError::unavailable("writing the farm diary", e),
        DiaryError::Banned(b) => unprocessable("banned_ingredient", b.to_string()),
        DiaryError::Phi(v) => {
            ApiError::new(StatusCode::CONFLICT, "pre_harvest_interval", v.to_string())
        }
        DiaryError::CorrectionMismatch | DiaryError::AlreadyCorrected => {
            ApiError::new(StatusCode::CONFLICT, "correction", e.to_string())
        }
        DiaryError::LotOfAnotherPlot => unprocessable("lot", e.to_string()),
        other => unprocessable("invalid_entry", other.to_string()),
    }
}

/// Records an entry in a plot's cultivation log, for the producer's people (signed in with the
/// site's session cookie) or a device with a farm token of write scope (`Authorization: Bearer`,
/// made on `/tai-khoan/ma-truy-cap`). A spraying is read against the plant-protection register for the
/// plot's crop: a banned active ingredient is refused (422 `banned_ingredient`, naming it and
/// the document), a left-out interval is filled in from the register, an ingredient not
/// registered for the crop is recorded with a warning (`register.status` `unregistered`). A
/// harvest inside a spraying's interval is refused (409 `pre_harvest_interval`). A refusal
/// carries `shown`, its reason as the farm pages word it (the `lang` cookie's language).
#[utoipa::path(post, path = "/api/v1/plots/{plot_id}/entries",
    params(("plot_id" = String, Path, description = "the plot's id")),
    request_body = NewEntry,
    security((), ("farm_token" = [])),
    responses((status = 201, body = RecordedEntry),
               (status = 200, description = "sent again under a stored client_id: nothing new written", body = RecordedEntry),
               (status = 401, body = crate::api::error::ErrorBody),
               (status = 403, description = "not the producer's, or a read-only token", body = crate::api::error::ErrorBody),
               (status = 404, body = crate::api::error::ErrorBody),
               (status = 409, body = crate::api::error::ErrorBody),
               (status = 422, body = crate::api::error::ErrorBody),
               (status = 429, description = "the token's requests per minute are spent", body = crate::api::error::ErrorBody)))]
#[tracing::instrument(skip_all, fields(plot = %plot_id))]
pub async fn post_entry(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    caller: FarmCaller,
    Path(plot_id): Path<String>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<NewEntry>,
) -> Result<Response, ApiError> {
    let producer_id = plot_producer(&state, &plot_id).await?;
    caller.may(&producer_id, Scope::Write)?;
    let user_id = caller.user_id().to_owned();
    let client_id = body.client_id.as_deref().map(str::trim);
    if client_id.is_some_and(|c| !app::diary::rules::is_client_id(c)) {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_entry",
            "client_id: 1 to 64 letters, digits, '-' or '_' (a UUID fits)",
        ));
    }
    let kind = EntryKind::parse(&body.kind).ok_or_else(|| {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_entry",
            format!("unknown kind {:?}", body.kind),
        )
    })?;
    let text = |t: Option<String>| t.map(|t| t.trim().to_owned()).filter(|t| !t.is_empty());
    let task_id = text(body.task_id);
    let draft = EntryDraft {
        kind: Some(kind),
        occurred_on: Some(body.occurred_on),
        lot_id: text(body.lot_id),
        input_name: text(body.input_name),
        active_ingredient: text(body.active_ingredient),
        target: text(body.target),
        dose: text(body.dose),
        phi_days: body.phi_days,
        quantity_kg: body.quantity_kg,
        note: body.note.trim().to_owned(),
        corrects_id: text(body.corrects_id),
    };
    let recorded = storage::append_entry(
        &state.db,
        &state.settings.plant_register,
        &user_id,
        &plot_id,
        &draft,
        vietnam_date(chrono::Utc::now()),
        storage::Via {
            ip: ip.as_deref(),
            client_id,
            task_id: task_id.as_deref(),
        },
    )
    .await
    .map_err(|e| {
        let shown = shown(&e, locale(&headers));
        entry_refused(e).shown(shown)
    })?;
    let crop = recorded.crop;
    let answer = RecordedEntry {
        id: recorded.id,
        seq: recorded.seq,
        phi_days: recorded.phi_days,
        phi_source: recorded.phi_source.map(|s| s.as_str().to_owned()),
        register: recorded.register.map(|a| RegisterNote {
            status: a.status.as_str().to_owned(),
            crop,
            unregistered: a.unregistered,
        }),
        resent: recorded.resent,
    };
    let status = if recorded.resent {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    Ok((status, Json(answer)).into_response())
}

/// The producer owning a plot; a 404 for an id no plot has.
async fn plot_producer(state: &AppState, plot_id: &str) -> Result<String, ApiError> {
    if plot_id.is_empty() || plot_id.len() > 64 {
        return Err(ApiError::not_found("no such plot"));
    }
    storage::plot_owner(&state.db, plot_id)
        .await
        .context("finding a plot's producer")?
        .map(|(producer_id, _)| producer_id)
        .ok_or_else(|| ApiError::not_found("no such plot"))
}

/// One plot as the farm API lists it.
#[derive(Serialize, utoipa::ToSchema)]
pub struct FarmPlot {
    pub id: String,
    pub name: String,
    pub crop: String,
    pub producer_name: String,
    /// Entries in its cultivation log.
    pub entries: i64,
    /// The first day a harvest is allowed after the last spraying's interval (today when none
    /// is running).
    #[schema(value_type = Option<String>, format = Date)]
    pub safe_from: Option<NaiveDate>,
}

/// The plots the caller may read: a member's producers', or the token's producer's.
#[utoipa::path(get, path = "/api/v1/plots",
    security((), ("farm_token" = [])),
    responses((status = 200, body = Vec<FarmPlot>),
               (status = 401, body = crate::api::error::ErrorBody),
               (status = 429, body = crate::api::error::ErrorBody)))]
#[tracing::instrument(skip_all)]
pub async fn list_plots(
    State(state): State<AppState>,
    caller: FarmCaller,
    headers: HeaderMap,
) -> Result<Json<Vec<FarmPlot>>, ApiError> {
    let producers = caller.producers();
    let ids: Vec<&str> = producers.iter().map(String::as_str).collect();
    let plots = storage::plots_of(&state.db, &ids, locale(&headers))
        .await
        .context("listing plots")?;
    Ok(Json(
        plots
            .into_iter()
            .map(|p| FarmPlot {
                id: p.id,
                name: p.name,
                crop: p.crop,
                producer_name: p.producer_name,
                entries: p.entries,
                safe_from: p.safe_from,
            })
            .collect(),
    ))
}

/// A plot's cultivation log as the farm API gives it.
#[derive(Serialize, utoipa::ToSchema)]
pub struct PlotLog {
    pub plot: PlotFacts,
    /// Every entry in chain order, corrections linked both ways.
    pub entries: Vec<TimelineEntry>,
    pub phi: PhiStatus,
    /// Whether the hash chain is intact.
    pub chain: ChainView,
}

/// A plot's cultivation log: its entries in chain order, the pre-harvest state and whether the
/// hash chain is intact.
#[utoipa::path(get, path = "/api/v1/plots/{plot_id}/entries",
    params(("plot_id" = String, Path, description = "the plot's id")),
    security((), ("farm_token" = [])),
    responses((status = 200, body = PlotLog),
               (status = 401, body = crate::api::error::ErrorBody),
               (status = 403, body = crate::api::error::ErrorBody),
               (status = 404, body = crate::api::error::ErrorBody),
               (status = 429, body = crate::api::error::ErrorBody)))]
#[tracing::instrument(skip_all, fields(plot = %plot_id))]
pub async fn get_entries(
    State(state): State<AppState>,
    caller: FarmCaller,
    Path(plot_id): Path<String>,
    headers: HeaderMap,
) -> Result<Json<PlotLog>, ApiError> {
    let producer_id = plot_producer(&state, &plot_id).await?;
    caller.may(&producer_id, Scope::Read)?;
    let (_, diary) = storage::plot_diary(&state.db, &plot_id, locale(&headers))
        .await
        .context("loading a plot's log")?
        .ok_or_else(|| ApiError::not_found("no such plot"))?;
    Ok(Json(PlotLog {
        plot: diary.facts,
        entries: diary.entries,
        phi: diary.phi,
        chain: diary.chain,
    }))
}

/// What a photo upload to an entry came to.
#[derive(Serialize, utoipa::ToSchema)]
pub struct EntryPhotos {
    pub entry_id: String,
    /// Photos stored by this request (a photo the entry has already is not stored again).
    pub stored: usize,
    /// The entry's photos now.
    pub photos: i64,
}

/// Photos for a diary entry (`multipart/form-data`: an optional `alt` text, then `anh` files,
/// JPEG, PNG or WebP), for the producer's people or a write token. Each is cleaned (metadata
/// and location removed) and resized as the forms' photos are. A photo the entry has already
/// (the same picture sent again, by a phone resending its queue) is not stored twice. A
/// signed-in browser sends its `X-CSRF-Token`, as its forms do; a token needs none.
#[utoipa::path(post, path = "/api/v1/entries/{entry_id}/photos",
    params(("entry_id" = String, Path, description = "the entry's id, as `POST /api/v1/plots/{plot_id}/entries` answered it")),
    request_body(content_type = "multipart/form-data", content = String, description = "`alt` (optional), then one or more `anh` files"),
    security((), ("farm_token" = [])),
    responses((status = 201, body = EntryPhotos),
               (status = 401, body = crate::api::error::ErrorBody),
               (status = 403, body = crate::api::error::ErrorBody),
               (status = 404, body = crate::api::error::ErrorBody),
               (status = 422, description = "`photo_size`, `photo_format`, `photo_pixels`, `photo_corrupt` or `photo_alt`", body = crate::api::error::ErrorBody),
               (status = 429, description = "`rate_limited` (the token's requests), or `uploads_in_progress`: the account has two uploads going already; send after `Retry-After`", body = crate::api::error::ErrorBody),
               (status = 503, body = crate::api::error::ErrorBody)))]
#[tracing::instrument(skip_all, fields(entry = %entry_id))]
pub async fn post_entry_photos(
    State(state): State<AppState>,
    caller: FarmCaller,
    Path(entry_id): Path<String>,
    headers: HeaderMap,
    form: axum::extract::Multipart,
) -> Result<Response, ApiError> {
    use crate::photos::{store::Target, upload::UploadError};
    let missing = || ApiError::not_found("no such entry");
    if entry_id.is_empty() || entry_id.len() > 64 {
        return Err(missing());
    }
    let (producer_id, _) = storage::entry_owner(&state.db, &entry_id)
        .await
        .context("finding an entry's producer")?
        .ok_or_else(missing)?;
    caller.may(&producer_id, Scope::Write)?;
    let stored =
        crate::photos::upload::receive(&state, form, Target::Entry(&entry_id), caller.user_id())
            .await
            .map_err(|e| match e {
                UploadError::Refused(refusal) => {
                    let text = app::diary::texts::refusal_text(
                        &super::forms::photo_refusal(refusal),
                        locale(&headers),
                    );
                    ApiError::new(
                        StatusCode::UNPROCESSABLE_ENTITY,
                        refusal.code(),
                        format!("the photo was refused: {refusal}"),
                    )
                    .shown(Some(text))
                }
                UploadError::Busy => ApiError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "busy",
                    "the server is processing many photos: send them again in a few minutes",
                ),
                UploadError::Internal(e) => ApiError::unavailable("storing an entry's photo", e),
            })?;
    let photos: i64 = sqlx::query_scalar(ENTRY_PHOTO_COUNT)
        .bind(&entry_id)
        .fetch_one(state.db.pool())
        .await
        .context("counting an entry's photos")?;
    Ok((
        StatusCode::CREATED,
        Json(EntryPhotos {
            entry_id,
            stored: stored.stored,
            photos,
        }),
    )
        .into_response())
}

// The module's SQL, each statement prepared on both engines by the `sql` integration test.
app::sql_statements! {
    /// `post_entry_photos`.
    ENTRY_PHOTO_COUNT = "SELECT COUNT(*) FROM cultivation_log_photos WHERE entry_id = $1";
}
