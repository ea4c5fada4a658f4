//! The commune officer's forms beyond moderation: recording OCOP certificates, and the commune
//! page's story and signature product. The policy is checked against the commune concerned; the
//! answer is a redirect back with `?ok=…` or `?loi=<code>`.

use app::{
    auth::{Action, Actor, authorize},
    officer::{
        rules::ocop::certificate_input,
        storage::{
            certificates::{self, CertificateDbError},
            commune_editor::{self, EditorError},
        },
    },
    seller::storage as listings,
};
use axum::{
    Extension, Form,
    extract::{Path, State},
    response::{IntoResponse, Response},
};
use chrono::Utc;
use serde::Deserialize;

use crate::{
    auth::forms::{denied, internal, see_other},
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

fn refused(code: &str) -> Response {
    see_other(&format!("{BACK}?loi={code}#chung-nhan"))
}

/// Records an OCOP certificate for a product of the officer's communes.
pub async fn record_certificate(
    State(state): State<AppState>,
    actor: Option<Extension<Actor>>,
    Form(form): Form<CertificateForm>,
) -> Response {
    let actor = actor.map(|Extension(a)| a);
    let commune_id = match listings::owner(&state.db, form.product_id.trim()).await {
        Ok(Some((_, commune_id))) => commune_id,
        Ok(None) => return refused("cert_product"),
        Err(e) => return internal(e),
    };
    if let Err(d) = authorize(
        actor.as_ref(),
        Action::ActInCommune {
            commune_id: &commune_id,
        },
    ) {
        return denied(d, BACK);
    }
    let Some(actor) = actor else {
        return refused("cert_product");
    };
    let certificate = match certificate_input(
        &form.stars,
        &form.level,
        &form.decision_no,
        &form.issued_on,
        &form.expires_on,
    ) {
        Ok(c) => c,
        Err(e) => return refused(e.code()),
    };
    match certificates::record(
        &state.db,
        form.product_id.trim(),
        &certificate,
        &actor.user_id,
        Utc::now(),
    )
    .await
    {
        Ok(_) => see_other(&format!("{BACK}?ok=certificate#chung-nhan")),
        Err(CertificateDbError::Db(e)) => internal(e),
        Err(e) => refused(e.code()),
    }
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

/// The officer of this commune (or an administrator), or why not.
fn officer_of(
    actor: Option<Extension<Actor>>,
    commune_id: &str,
) -> Result<Actor, app::auth::Denied> {
    let actor = actor.map(|Extension(a)| a);
    authorize(actor.as_ref(), Action::ActInCommune { commune_id })?;
    actor.ok_or(app::auth::Denied::NotSignedIn)
}

fn editor_refused(commune_id: &str, e: EditorError) -> Response {
    match e {
        EditorError::Db(e) => internal(e),
        EditorError::NotFound => (
            axum::http::StatusCode::NOT_FOUND,
            "Không tìm thấy. / Not found.",
        )
            .into_response(),
        e => see_other(&format!("/can-bo/xa/{commune_id}?loi={}", e.code())),
    }
}

/// Saves the commune's story.
pub async fn save_story(
    State(state): State<AppState>,
    actor: Option<Extension<Actor>>,
    Path(commune_id): Path<String>,
    Form(form): Form<StoryForm>,
) -> Response {
    let actor = match officer_of(actor, &commune_id) {
        Ok(a) => a,
        Err(d) => return denied(d, &format!("/can-bo/xa/{commune_id}")),
    };
    match commune_editor::save_story(
        &state.db,
        &commune_id,
        &form.story_vi,
        &form.story_en,
        &actor.user_id,
        Utc::now(),
    )
    .await
    {
        Ok(()) => see_other(&format!("/can-bo/xa/{commune_id}?ok=1#cau-chuyen")),
        Err(e) => editor_refused(&commune_id, e),
    }
}

/// The commune page's cover photo (multipart: `alt`, then the file as `anh`).
pub async fn upload_cover(
    State(state): State<AppState>,
    actor: Option<Extension<Actor>>,
    Path(commune_id): Path<String>,
    form: axum::extract::Multipart,
) -> Response {
    let back = format!("/can-bo/xa/{commune_id}");
    let actor = match officer_of(actor, &commune_id) {
        Ok(a) => a,
        Err(d) => return denied(d, &back),
    };
    use crate::photos::{store::Target, upload};
    match upload::receive(
        &state,
        form,
        Target::CommuneCover(&commune_id),
        &actor.user_id,
    )
    .await
    {
        Ok(_) => see_other(&format!("{back}?ok=1#anh-bia")),
        Err(upload::UploadError::Refused(code)) => see_other(&format!("{back}?loi={code}#anh-bia")),
        Err(upload::UploadError::Busy) => upload::busy(),
        Err(upload::UploadError::Internal(e)) => internal(e),
    }
}

/// Makes an approved product of the commune its signature product.
pub async fn set_signature(
    State(state): State<AppState>,
    actor: Option<Extension<Actor>>,
    Path(commune_id): Path<String>,
    Form(form): Form<SignatureForm>,
) -> Response {
    let actor = match officer_of(actor, &commune_id) {
        Ok(a) => a,
        Err(d) => return denied(d, &format!("/can-bo/xa/{commune_id}")),
    };
    match commune_editor::set_signature(
        &state.db,
        &commune_id,
        form.product_id.trim(),
        &actor.user_id,
        Utc::now(),
    )
    .await
    {
        Ok(()) => see_other(&format!("/can-bo/xa/{commune_id}?ok=1#dac-san")),
        Err(e) => editor_refused(&commune_id, e),
    }
}

#[derive(Deserialize)]
pub struct PeriodQuery {
    tu: Option<String>,
    den: Option<String>,
}

/// `GET /can-bo/bao-cao.csv?tu=YYYY-MM&den=YYYY-MM`: sales per month × commune × product in the
/// officer's communes (every commune for an administrator).
pub async fn report_csv(
    State(state): State<AppState>,
    actor: Option<Extension<Actor>>,
    axum::extract::Query(q): axum::extract::Query<PeriodQuery>,
) -> Response {
    let Some(Extension(actor)) = actor else {
        return denied(app::auth::Denied::NotSignedIn, "/can-bo/bao-cao");
    };
    if !actor.is_officer() && !actor.admin {
        return denied(app::auth::Denied::Forbidden, "/can-bo/bao-cao");
    }
    let today = app::domain::time::vietnam_date(Utc::now());
    let (from, to) = app::officer::storage::reports::period(
        q.tu.as_deref().unwrap_or(""),
        q.den.as_deref().unwrap_or(""),
        today,
    );
    let scope = (!actor.admin).then_some(actor.officer_of.as_slice());
    let report =
        match app::officer::storage::reports::sales_report(&state.db, scope, from, to, today).await
        {
            Ok(r) => r,
            Err(e) => return internal(e),
        };
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
    crate::routes::csv::download(
        &format!(
            "bao-cao-{}-{}.csv",
            from.format("%Y-%m"),
            to.format("%Y-%m")
        ),
        &csv,
    )
}
