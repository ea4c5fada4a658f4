//! The commune officer's forms beyond moderation: recording OCOP certificates, and the commune
//! page's story and signature product. The policy is checked against the commune concerned; the
//! answer is a redirect back with `?ok=…` or `?loi=<code>`.

use app::{
    auth::{Action, Actor, Denied},
    officer::{
        form::OfficerRefusal,
        rules::ocop::certificate_input,
        storage::{
            certificates,
            commune_editor::{self, EditorError},
        },
    },
    seller,
};
use axum::{
    Form,
    extract::{Path, State},
    response::Response,
};
use chrono::Utc;
use serde::Deserialize;

use crate::{
    auth::forms::see_other,
    form_error::{Asker, Context, FormError},
    startup::AppState,
};

#[derive(Deserialize)]
pub struct CertificateForm {
    #[serde(default)]
    product_id: String,
    #[serde(default)]
    stars: String,
    #[serde(default)]
    level: String,
    #[serde(default)]
    decision_no: String,
    #[serde(default)]
    issued_on: String,
    #[serde(default)]
    expires_on: String,
}

const BACK: &str = "/can-bo";

/// Back to the certificate form with the reason.
fn refused(refusal: OfficerRefusal) -> FormError {
    FormError::refused(BACK, &refusal).and("#chung-nhan")
}

/// Records an OCOP certificate for a product of the officer's communes.
#[tracing::instrument(skip_all, fields(product = %form.product_id.trim()))]
pub async fn record_certificate(
    State(state): State<AppState>,
    asker: Asker,
    Form(form): Form<CertificateForm>,
) -> Result<Response, FormError> {
    let (_, commune_id) = seller::storage::owner(&state.db, form.product_id.trim())
        .await
        .context("finding a product's commune")?
        .ok_or_else(|| refused(OfficerRefusal::CertProduct))?;
    let commune_id = &commune_id;
    let actor = asker.may(Action::ActInCommune { commune_id }, BACK)?;
    let certificate = certificate_input(
        &form.stars,
        &form.level,
        &form.decision_no,
        &form.issued_on,
        &form.expires_on,
    )
    .map_err(|e| refused(e.into()))?;
    certificates::record(
        &state.db,
        form.product_id.trim(),
        &certificate,
        &actor.user_id,
        Utc::now(),
    )
    .await
    .map_err(|e| match OfficerRefusal::try_from(e) {
        Ok(refusal) => refused(refusal),
        Err(e) => FormError::unavailable("recording a certificate", e),
    })?;
    Ok(see_other(&format!("{BACK}?ok=certificate#chung-nhan")))
}

#[derive(Deserialize)]
pub struct StoryForm {
    #[serde(default)]
    story_vi: String,
    #[serde(default)]
    story_en: String,
}

#[derive(Deserialize)]
pub struct SignatureForm {
    #[serde(default)]
    product_id: String,
}

/// The commune editor's page.
fn editor(commune_id: &str) -> String {
    format!("/can-bo/xa/{commune_id}")
}

/// The officer of this commune (or an administrator), or the refusal.
fn officer_of(asker: Asker, commune_id: &str) -> Result<Actor, FormError> {
    asker.may(Action::ActInCommune { commune_id }, &editor(commune_id))
}

/// A commune page edit refused with `e`'s reason; a missing commune is 404, the database
/// failing ours.
fn editor_refused(commune_id: &str, e: EditorError) -> FormError {
    match OfficerRefusal::try_from(e) {
        Ok(refusal) => FormError::refused(editor(commune_id), &refusal),
        Err(EditorError::NotFound) => FormError::NotFound,
        Err(e) => FormError::unavailable("editing a commune page", e),
    }
}

/// Saves the commune's story.
#[tracing::instrument(skip_all, fields(commune = %commune_id))]
pub async fn save_story(
    State(state): State<AppState>,
    asker: Asker,
    Path(commune_id): Path<String>,
    Form(form): Form<StoryForm>,
) -> Result<Response, FormError> {
    let actor = officer_of(asker, &commune_id)?;
    commune_editor::save_story(
        &state.db,
        &commune_id,
        &form.story_vi,
        &form.story_en,
        &actor.user_id,
        Utc::now(),
    )
    .await
    .map_err(|e| editor_refused(&commune_id, e))?;
    Ok(see_other(&format!(
        "{}?ok=1#cau-chuyen",
        editor(&commune_id)
    )))
}

/// The commune page's cover photo (multipart: `alt`, then the file as `anh`).
#[tracing::instrument(skip_all, fields(commune = %commune_id))]
pub async fn upload_cover(
    State(state): State<AppState>,
    asker: Asker,
    Path(commune_id): Path<String>,
    form: axum::extract::Multipart,
) -> Result<Response, FormError> {
    let back = editor(&commune_id);
    let actor = officer_of(asker, &commune_id)?;
    use crate::photos::{store::Target, upload};
    upload::receive(
        &state,
        form,
        Target::CommuneCover(&commune_id),
        &actor.user_id,
    )
    .await
    // The editor shares the listing editor's notice, and its words for a refused photo.
    .map_err(|e| {
        FormError::upload(&back, e, crate::seller::forms::photo_refusal).and("#anh-bia")
    })?;
    Ok(see_other(&format!("{back}?ok=1#anh-bia")))
}

/// Makes an approved product of the commune its signature product.
#[tracing::instrument(skip_all, fields(commune = %commune_id, product = %form.product_id.trim()))]
pub async fn set_signature(
    State(state): State<AppState>,
    asker: Asker,
    Path(commune_id): Path<String>,
    Form(form): Form<SignatureForm>,
) -> Result<Response, FormError> {
    let actor = officer_of(asker, &commune_id)?;
    commune_editor::set_signature(
        &state.db,
        &commune_id,
        form.product_id.trim(),
        &actor.user_id,
        Utc::now(),
    )
    .await
    .map_err(|e| editor_refused(&commune_id, e))?;
    Ok(see_other(&format!("{}?ok=1#dac-san", editor(&commune_id))))
}

#[derive(Deserialize)]
pub struct PeriodQuery {
    tu: Option<String>,
    den: Option<String>,
}

/// `GET /can-bo/bao-cao.csv?tu=YYYY-MM&den=YYYY-MM`: sales per month × commune × product in the
/// officer's communes (every commune for an administrator).
#[tracing::instrument(skip_all)]
pub async fn report_csv(
    State(state): State<AppState>,
    asker: Asker,
    axum::extract::Query(q): axum::extract::Query<PeriodQuery>,
) -> Result<Response, FormError> {
    let actor = asker.signed_in("/can-bo/bao-cao")?;
    if !actor.is_officer() && !actor.admin {
        return Err(FormError::Forbidden(
            Denied::Forbidden,
            "/can-bo/bao-cao".to_owned(),
        ));
    }
    let today = app::domain::time::vietnam_date(Utc::now());
    let (from, to) = app::officer::storage::reports::period(
        q.tu.as_deref().unwrap_or(""),
        q.den.as_deref().unwrap_or(""),
        today,
    );
    let scope = (!actor.admin).then_some(actor.officer_of.as_slice());
    let report = app::officer::storage::reports::sales_report(&state.db, scope, from, to, today)
        .await
        .context("building a sales report")?;
    let mut csv = String::from("month,commune,product,orders,units,revenue_vnd\r\n");
    for l in &report.lines {
        csv.push_str(&format!(
            "{},{},{},{},{},{}\r\n",
            l.month,
            crate::routes::csv::field(&l.commune),
            crate::routes::csv::field(&l.product),
            l.orders,
            l.units,
            l.revenue.dong()
        ));
    }
    Ok(crate::routes::csv::download(
        &format!(
            "bao-cao-{}-{}.csv",
            from.format("%Y-%m"),
            to.format("%Y-%m")
        ),
        &csv,
    ))
}
