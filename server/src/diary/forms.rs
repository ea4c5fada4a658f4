//! The cultivation-log forms' POST handlers (farm screens and the officer's lot stamp). Each
//! checks the policy against the plot's or lot's producer, then redirects back: `?ok=1`, or
//! the query of a [`DiaryRefusal`] (which the page reads back into the same type). Refusals
//! carry no `#fragment`: the page opens at its top, where the notice is.

use app::{
    auth::{Action, Actor},
    diary::{
        form::{DiaryRefusal, EntryFields, Saved},
        gs1::LotCode,
        register::{PhiSource, RegisterStatus},
        rules::{DraftError, LotTransitionError},
        storage::{self, DiaryError, PlotInput},
    },
    domain::time::vietnam_date,
};
use axum::{
    Form,
    extract::{Multipart, Path, State},
    response::Response,
};
use serde::Deserialize;

use crate::{
    auth::{ClientIp, forms::see_other},
    form_error::{Asker, Context, FormError},
    photos::{pipeline::PhotoError, store::Target, upload::PhotoRefusal},
    startup::AppState,
};

/// Where a refused write goes back to, with the reason; a missing record is 404 and a database
/// failure ours.
fn refused(back: &str, e: DiaryError) -> FormError {
    match refusal_for(&e) {
        Some(refusal) => FormError::refused(back, &refusal),
        None if matches!(e, DiaryError::NotFound) => FormError::NotFound,
        None => FormError::unavailable("writing the farm diary", e),
    }
}

/// A refused diary write as the pages explain it; none for a missing record or a database
/// failure. The farm API sends the same text along (`shown`).
pub(super) fn refusal_for(e: &DiaryError) -> Option<DiaryRefusal> {
    Some(match e {
        DiaryError::NotFound | DiaryError::Db(_) => return None,
        DiaryError::Phi(v) => DiaryRefusal::Phi {
            product_name: v.product_name.clone(),
            sprayed_on: v.sprayed_on,
            safe_from: v.safe_from,
        },
        DiaryError::Banned(b) => DiaryRefusal::Banned {
            ingredient: b.name.clone(),
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
        DiaryError::Units(_) => DiaryRefusal::Units,
        DiaryError::NotSellable => DiaryRefusal::NotSellable,
        DiaryError::CorrectionMismatch | DiaryError::AlreadyCorrected => DiaryRefusal::Correction,
        DiaryError::Lot(LotTransitionError::Recalled) => DiaryRefusal::Recalled,
        DiaryError::Lot(LotTransitionError::NotHarvested) => DiaryRefusal::NotHarvested,
        DiaryError::Lot(LotTransitionError::NotApplicable(_)) => DiaryRefusal::Invalid,
    })
}

/// A refused photo, as the diary page explains it.
pub(super) fn photo_refusal(refusal: PhotoRefusal) -> DiaryRefusal {
    match refusal {
        PhotoRefusal::Photo(PhotoError::TooLarge) => DiaryRefusal::PhotoSize,
        PhotoRefusal::Photo(PhotoError::UnsupportedFormat) => DiaryRefusal::PhotoFormat,
        PhotoRefusal::Photo(PhotoError::TooManyPixels) => DiaryRefusal::PhotoPixels,
        PhotoRefusal::Photo(PhotoError::Corrupt) => DiaryRefusal::PhotoCorrupt,
        PhotoRefusal::Alt => DiaryRefusal::PhotoAlt,
    }
}

/// A lot's producer, plot and plot commune; 404 for a missing lot.
async fn lot_owner(
    state: &AppState,
    lot_id: &str,
) -> Result<(String, Option<String>, Option<String>), FormError> {
    storage::lot_owner(&state.db, lot_id)
        .await
        .context("finding a lot's producer")?
        .ok_or(FormError::NotFound)
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

#[tracing::instrument(skip_all, fields(producer = %form.producer_id))]
pub async fn create_plot(
    State(state): State<AppState>,
    asker: Asker,
    Form(form): Form<PlotForm>,
) -> Result<Response, FormError> {
    let producer_id = &form.producer_id;
    let actor = asker.may(Action::WriteFarmLog { producer_id }, "/nong-trai")?;
    let area_m2 = match blank_to_none(&form.area_m2).map(str::parse::<i64>) {
        None => None,
        Some(Ok(a)) if a > 0 => Some(a),
        Some(_) => return Err(FormError::refused("/nong-trai", &DiaryRefusal::Invalid)),
    };
    let input = PlotInput {
        name: &form.name,
        commune_id: &form.commune_id,
        crop: &form.crop,
        area_m2,
        growing_area_code: blank_to_none(&form.growing_area_code),
    };
    let id = storage::create_plot(&state.db, &actor.user_id, &form.producer_id, input)
        .await
        .map_err(|e| refused("/nong-trai", e))?;
    Ok(see_other(&format!("/nong-trai/vuon/{id}?ok=1")))
}

/// The producer member allowed to write this plot's log, or the refusal (404 for no plot).
async fn plot_writer(state: &AppState, asker: Asker, plot_id: &str) -> Result<Actor, FormError> {
    let back = format!("/nong-trai/vuon/{plot_id}");
    let (producer_id, _) = storage::plot_owner(&state.db, plot_id)
        .await
        .context("finding a plot's producer")?
        .ok_or(FormError::NotFound)?;
    let producer_id = &producer_id;
    asker.may(Action::WriteFarmLog { producer_id }, &back)
}

#[derive(Deserialize)]
pub struct LotForm {
    lot_code: String,
    #[serde(default)]
    variant_id: String,
    #[serde(default)]
    grade: String,
}

#[tracing::instrument(skip_all, fields(plot = %plot_id))]
pub async fn create_lot(
    State(state): State<AppState>,
    asker: Asker,
    Path(plot_id): Path<String>,
    Form(form): Form<LotForm>,
) -> Result<Response, FormError> {
    let actor = plot_writer(&state, asker, &plot_id).await?;
    let back = format!("/nong-trai/vuon/{plot_id}");
    let code = LotCode::parse(&form.lot_code)
        .map_err(|_| FormError::refused(&back, &DiaryRefusal::LotCode))?;
    storage::create_lot(
        &state.db,
        &actor.user_id,
        &plot_id,
        &code,
        blank_to_none(&form.variant_id),
        blank_to_none(&form.grade),
    )
    .await
    .map_err(|e| refused(&back, e))?;
    Ok(see_other(&format!("{back}?ok=1#lots")))
}

#[tracing::instrument(skip_all, fields(plot = %plot_id))]
pub async fn append_entry(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    asker: Asker,
    Path(plot_id): Path<String>,
    Form(form): Form<EntryFields>,
) -> Result<Response, FormError> {
    let actor = plot_writer(&state, asker, &plot_id).await?;
    let back = format!("/nong-trai/vuon/{plot_id}");
    // The fields go back too, so the form still holds what was typed.
    let draft = form
        .draft()
        .ok_or_else(|| FormError::refused(&back, &DiaryRefusal::Invalid))
        .map_err(|e| e.and(&form.query()))?;
    let today = vietnam_date(chrono::Utc::now());
    let recorded = storage::append_entry(
        &state.db,
        &state.settings.plant_register,
        &actor.user_id,
        &plot_id,
        &draft,
        today,
        storage::Via {
            ip: ip.as_deref(),
            client_id: None,
            task_id: blank_to_none(&form.task_id),
        },
    )
    .await
    .map_err(|e| refused(&back, e).and(&form.query()))?;
    // The confirmation says what the register noted: an interval filled in, a warning.
    let saved = Saved {
        seq: recorded.seq,
        phi_filled: recorded
            .phi_days
            .filter(|_| recorded.phi_source == Some(PhiSource::Register)),
        unregistered: recorded
            .register
            .is_some_and(|a| a.status == RegisterStatus::Unregistered),
    };
    Ok(see_other(&format!(
        "{back}?{}#e{}",
        saved.query(),
        recorded.seq
    )))
}

#[derive(Deserialize)]
pub struct SaleForm {
    /// Units of the lot's variant to put on sale; blank for the default.
    #[serde(default)]
    units: String,
}

#[tracing::instrument(skip_all, fields(lot = %lot_id))]
pub async fn put_on_sale(
    State(state): State<AppState>,
    asker: Asker,
    Path(lot_id): Path<String>,
    Form(form): Form<SaleForm>,
) -> Result<Response, FormError> {
    let (producer_id, plot_id, _) = lot_owner(&state, &lot_id).await?;
    let back = plot_id.map_or_else(
        || "/nong-trai".to_owned(),
        |p| format!("/nong-trai/vuon/{p}"),
    );
    let producer_id = &producer_id;
    let actor = asker.may(Action::WriteFarmLog { producer_id }, &back)?;
    let units = match blank_to_none(&form.units).map(str::parse::<i64>) {
        None => None,
        Some(Ok(n)) => Some(n),
        Some(Err(_)) => return Err(FormError::refused(&back, &DiaryRefusal::Units)),
    };
    storage::put_on_sale(&state.db, &actor.user_id, &lot_id, units)
        .await
        .map_err(|e| refused(&back, e))?;
    Ok(see_other(&format!("{back}?ok=1#lots")))
}

/// A commune officer's stamp on a lot grown in their commune.
#[tracing::instrument(skip_all, fields(lot = %lot_id))]
pub async fn verify_lot(
    State(state): State<AppState>,
    asker: Asker,
    Path(lot_id): Path<String>,
) -> Result<Response, FormError> {
    let (_, _, commune_id) = lot_owner(&state, &lot_id).await?;
    let commune_id = &commune_id.ok_or(FormError::NotFound)?;
    let actor = asker.may(Action::ActInCommune { commune_id }, "/can-bo")?;
    if !storage::verify_lot(&state.db, &actor.user_id, &lot_id)
        .await
        .context("stamping a lot")?
    {
        // The lot exists (its owner was found): it was recalled, and stays unstamped.
        return Err(super::recall::recalled_answer().into());
    }
    Ok(see_other("/can-bo?ok=verified#lots"))
}

/// Photos for a diary entry, several at once from the phone's camera or gallery
/// (`multipart/form-data`: an optional `alt` text, then `anh` files). Each file is checked and
/// stored on its own: a refused file leaves nothing behind and names why.
#[tracing::instrument(skip_all, fields(entry = %entry_id))]
pub async fn add_entry_photos(
    State(state): State<AppState>,
    asker: Asker,
    Path(entry_id): Path<String>,
    form: Multipart,
) -> Result<Response, FormError> {
    let (producer_id, plot_id) = storage::entry_owner(&state.db, &entry_id)
        .await
        .context("finding an entry's producer")?
        .ok_or(FormError::NotFound)?;
    let back = format!("/nong-trai/vuon/{plot_id}");
    let producer_id = &producer_id;
    let actor = asker.may(Action::WriteFarmLog { producer_id }, &back)?;
    crate::photos::upload::receive(&state, form, Target::Entry(&entry_id), &actor.user_id)
        .await
        .map_err(|e| FormError::upload(&back, e, photo_refusal))?;
    let seq: Option<i64> = sqlx::query_scalar(ENTRY_SEQ)
        .bind(&entry_id)
        .fetch_optional(state.db.pool())
        .await
        .unwrap_or_default();
    Ok(see_other(&format!("{back}?ok=1#e{}", seq.unwrap_or(0))))
}

// The module's SQL, each statement prepared on both engines by the `sql` integration test.
app::sql_statements! {
    /// `add_entry_photos`.
    ENTRY_SEQ = "SELECT seq FROM cultivation_log_entries WHERE id = $1";
}
