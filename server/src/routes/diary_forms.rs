//! The cultivation-log forms' POST handlers (farm screens and the officer's lot stamp). Each
//! checks the policy against the plot's or lot's producer, then redirects back: `?ok=1`, or
//! the query of a [`DiaryRefusal`] (which the page reads back into the same type). Refusals
//! carry no `#fragment`: the page opens at its top, where the notice is.

use app::{
    auth::{Action, Actor, authorize},
    db::diary::{self, DiaryError, PlotInput},
    domain::{farm_log::DraftError, gs1::LotCode, time::vietnam_date},
    pages::diary_form::{DiaryRefusal, EntryFields},
};
use axum::{
    Extension, Form,
    extract::{Multipart, Path, State},
    http::StatusCode,
    response::{IntoResponse, Response},
};
use serde::Deserialize;

use crate::{
    auth::{
        ClientIp,
        forms::{denied, internal, see_other},
    },
    photos::{
        pipeline::PhotoError,
        store::Target,
        upload::{self, PhotoRefusal, UploadError},
    },
    startup::AppState,
};

fn not_found() -> Response {
    (StatusCode::NOT_FOUND, "Không tìm thấy. / Not found.").into_response()
}

fn back_with(path: &str, refusal: &DiaryRefusal) -> Response {
    see_other(&format!("{path}?{}", refusal.query()))
}

/// Where a refused write goes back to, with the reason.
fn refused(back: &str, e: DiaryError) -> Response {
    match refusal(e) {
        Ok(refusal) => back_with(back, &refusal),
        Err(response) => *response,
    }
}

/// The reason to explain to the page, or the response when there is no page to explain it on
/// (missing, or a database failure).
fn refusal(e: DiaryError) -> Result<DiaryRefusal, Box<Response>> {
    Ok(match e {
        DiaryError::NotFound => return Err(Box::new(not_found())),
        DiaryError::Db(e) => return Err(Box::new(internal(e))),
        DiaryError::Phi(v) => DiaryRefusal::Phi {
            product_name: v.product_name,
            sprayed_on: v.sprayed_on,
            safe_from: v.safe_from,
        },
        DiaryError::Draft(DraftError::DateInFuture) => DiaryRefusal::Future,
        DiaryError::Draft(
            DraftError::InputNameMissing
            | DraftError::ActiveIngredientMissing
            | DraftError::PhiMissing
            | DraftError::PhiTooLong,
        ) => DiaryRefusal::Spraying,
        DiaryError::Draft(DraftError::QuantityMissing | DraftError::LotMissing) => {
            DiaryRefusal::Harvest
        }
        DiaryError::Draft(_) | DiaryError::PlotIncomplete | DiaryError::UnknownCommune => {
            DiaryRefusal::Invalid
        }
        DiaryError::VariantNotOwned | DiaryError::LotOfAnotherPlot => DiaryRefusal::Invalid,
        DiaryError::LotCodeTaken => DiaryRefusal::LotTaken,
        DiaryError::PlotNameTaken => DiaryRefusal::PlotTaken,
        DiaryError::NotHarvested => DiaryRefusal::NotHarvested,
        DiaryError::CorrectionMismatch | DiaryError::AlreadyCorrected => DiaryRefusal::Correction,
    })
}

/// A refused photo, as the diary page explains it.
fn photo_refusal(refusal: PhotoRefusal) -> DiaryRefusal {
    match refusal {
        PhotoRefusal::Photo(PhotoError::TooLarge) => DiaryRefusal::PhotoSize,
        PhotoRefusal::Photo(PhotoError::UnsupportedFormat) => DiaryRefusal::PhotoFormat,
        PhotoRefusal::Photo(PhotoError::TooManyPixels) => DiaryRefusal::PhotoPixels,
        PhotoRefusal::Photo(PhotoError::Corrupt) => DiaryRefusal::PhotoCorrupt,
        PhotoRefusal::Alt => DiaryRefusal::PhotoAlt,
    }
}

/// The actor when the policy allows `action`, or the response refusing it (sign in first, or 403).
fn allowed(
    actor: Option<Extension<Actor>>,
    action: Action<'_>,
    back: &str,
) -> Result<Actor, Box<Response>> {
    let actor = actor.map(|Extension(a)| a);
    authorize(actor.as_ref(), action).map_err(|d| Box::new(denied(d, back)))?;
    actor.ok_or_else(|| Box::new(not_found()))
}

/// A lot's producer, plot and plot commune, or the response for a missing lot.
async fn lot_owner(
    state: &AppState,
    lot_id: &str,
) -> Result<(String, Option<String>, Option<String>), Response> {
    diary::lot_owner(&state.db, lot_id)
        .await
        .map_err(internal)?
        .ok_or_else(not_found)
}

fn blank_to_none(text: &str) -> Option<&str> {
    Some(text.trim()).filter(|t| !t.is_empty())
}

#[derive(Deserialize)]
pub struct PlotForm {
    producer_id: String,
    name: String,
    crop: String,
    commune_id: String,
    #[serde(default)]
    area_m2: String,
    #[serde(default)]
    growing_area_code: String,
}

pub async fn create_plot(
    State(state): State<AppState>,
    actor: Option<Extension<Actor>>,
    Form(form): Form<PlotForm>,
) -> Response {
    let producer_id = &form.producer_id;
    let actor = match allowed(actor, Action::WriteFarmLog { producer_id }, "/nong-trai") {
        Ok(a) => a,
        Err(r) => return *r,
    };
    let area_m2 = match blank_to_none(&form.area_m2).map(str::parse::<i64>) {
        None => None,
        Some(Ok(a)) if a > 0 => Some(a),
        Some(_) => return back_with("/nong-trai", &DiaryRefusal::Invalid),
    };
    let input = PlotInput {
        name: &form.name,
        commune_id: &form.commune_id,
        crop: &form.crop,
        area_m2,
        growing_area_code: blank_to_none(&form.growing_area_code),
    };
    match diary::create_plot(&state.db, &actor.user_id, &form.producer_id, input).await {
        Ok(id) => see_other(&format!("/nong-trai/vuon/{id}?ok=1")),
        Err(e) => refused("/nong-trai", e),
    }
}

/// The signed-in actor allowed to write this plot's log, or the response refusing it.
async fn plot_writer(
    state: &AppState,
    actor: Option<Extension<Actor>>,
    plot_id: &str,
) -> Result<Actor, Response> {
    let back = format!("/nong-trai/vuon/{plot_id}");
    let owner = diary::plot_owner(&state.db, plot_id)
        .await
        .map_err(internal)?;
    let Some((producer_id, _)) = owner else {
        return Err(not_found());
    };
    let producer_id = &producer_id;
    allowed(actor, Action::WriteFarmLog { producer_id }, &back).map_err(|r| *r)
}

#[derive(Deserialize)]
pub struct LotForm {
    lot_code: String,
    #[serde(default)]
    variant_id: String,
    #[serde(default)]
    grade: String,
}

pub async fn create_lot(
    State(state): State<AppState>,
    actor: Option<Extension<Actor>>,
    Path(plot_id): Path<String>,
    Form(form): Form<LotForm>,
) -> Response {
    let actor = match plot_writer(&state, actor, &plot_id).await {
        Ok(a) => a,
        Err(r) => return r,
    };
    let back = format!("/nong-trai/vuon/{plot_id}");
    let Ok(code) = LotCode::parse(&form.lot_code) else {
        return back_with(&back, &DiaryRefusal::LotCode);
    };
    match diary::create_lot(
        &state.db,
        &actor.user_id,
        &plot_id,
        &code,
        blank_to_none(&form.variant_id),
        blank_to_none(&form.grade),
    )
    .await
    {
        Ok(_) => see_other(&format!("{back}?ok=1#lots")),
        Err(e) => refused(&back, e),
    }
}

pub async fn append_entry(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    actor: Option<Extension<Actor>>,
    Path(plot_id): Path<String>,
    Form(form): Form<EntryFields>,
) -> Response {
    let actor = match plot_writer(&state, actor, &plot_id).await {
        Ok(a) => a,
        Err(r) => return r,
    };
    let back = format!("/nong-trai/vuon/{plot_id}");
    // The fields go back too, so the form still holds what was typed.
    let again =
        |refusal: DiaryRefusal| see_other(&format!("{back}?{}&{}", refusal.query(), form.query()));
    let Some(draft) = form.draft() else {
        return again(DiaryRefusal::Invalid);
    };
    let today = vietnam_date(chrono::Utc::now());
    match diary::append_entry(
        &state.db,
        &actor.user_id,
        &plot_id,
        &draft,
        today,
        ip.as_deref(),
    )
    .await
    {
        Ok(seq) => see_other(&format!("{back}?ok=1#e{seq}")),
        Err(e) => match refusal(e) {
            Ok(refusal) => again(refusal),
            Err(response) => *response,
        },
    }
}

pub async fn put_on_sale(
    State(state): State<AppState>,
    actor: Option<Extension<Actor>>,
    Path(lot_id): Path<String>,
) -> Response {
    let (producer_id, plot_id, _) = match lot_owner(&state, &lot_id).await {
        Ok(o) => o,
        Err(r) => return r,
    };
    let back = plot_id.map_or_else(
        || "/nong-trai".to_owned(),
        |p| format!("/nong-trai/vuon/{p}"),
    );
    let producer_id = &producer_id;
    let actor = match allowed(actor, Action::WriteFarmLog { producer_id }, &back) {
        Ok(a) => a,
        Err(r) => return *r,
    };
    match diary::put_on_sale(&state.db, &actor.user_id, &lot_id).await {
        Ok(()) => see_other(&format!("{back}?ok=1#lots")),
        Err(e) => refused(&back, e),
    }
}

/// A commune officer's stamp on a lot grown in their commune.
pub async fn verify_lot(
    State(state): State<AppState>,
    actor: Option<Extension<Actor>>,
    Path(lot_id): Path<String>,
) -> Response {
    let Some(commune_id) = (match lot_owner(&state, &lot_id).await {
        Ok((_, _, commune)) => commune,
        Err(r) => return r,
    }) else {
        return not_found();
    };
    let commune_id = &commune_id;
    let actor = match allowed(actor, Action::ActInCommune { commune_id }, "/can-bo") {
        Ok(a) => a,
        Err(r) => return *r,
    };
    match diary::verify_lot(&state.db, &actor.user_id, &lot_id).await {
        Ok(true) => see_other("/can-bo?ok=verified#lots"),
        Ok(false) => not_found(),
        Err(e) => internal(e),
    }
}

/// Photos for a diary entry, several at once from the phone's camera or gallery
/// (`multipart/form-data`: an optional `alt` text, then `anh` files). Each file is checked and
/// stored on its own: a refused file leaves nothing behind and names why.
pub async fn add_entry_photos(
    State(state): State<AppState>,
    actor: Option<Extension<Actor>>,
    Path(entry_id): Path<String>,
    form: Multipart,
) -> Response {
    let (producer_id, plot_id) = match diary::entry_owner(&state.db, &entry_id).await {
        Ok(Some(o)) => o,
        Ok(None) => return not_found(),
        Err(e) => return internal(e),
    };
    let back = format!("/nong-trai/vuon/{plot_id}");
    let producer_id = &producer_id;
    let actor = match allowed(actor, Action::WriteFarmLog { producer_id }, &back) {
        Ok(a) => a,
        Err(r) => return *r,
    };
    match upload::receive(&state, form, Target::Entry(&entry_id), &actor.user_id).await {
        Ok(_) => {}
        Err(UploadError::Refused(r)) => return back_with(&back, &photo_refusal(r)),
        Err(UploadError::Busy) => return upload::busy(),
        Err(UploadError::Internal(e)) => return internal(e),
    }
    let seq: Option<i64> = sqlx::query_scalar(ENTRY_SEQ)
        .bind(&entry_id)
        .fetch_optional(state.db.pool())
        .await
        .unwrap_or_default();
    see_other(&format!("{back}?ok=1#e{}", seq.unwrap_or(0)))
}

// The module's SQL, each statement prepared on both engines by the `sql` integration test.
app::sql_statements! {
    /// `add_entry_photos`.
    ENTRY_SEQ = "SELECT seq FROM cultivation_log_entries WHERE id = $1";
}
