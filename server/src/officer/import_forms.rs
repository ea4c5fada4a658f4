//! The officer's spreadsheet import: upload (multipart, the anti-forgery token in the query),
//! preview at `/can-bo/nhap/{id}` (nothing written), confirm (one transaction). Scoped to the
//! officer's communes; every refusal comes back as `?loi=<code>`.

use app::{
    auth::{Action, Actor},
    officer::{
        import_form::ImportRefusal,
        rules::{
            ocop_import::check,
            spreadsheet::{self, SheetError},
        },
        storage::ocop_import,
    },
};
use axum::{
    extract::{Multipart, Path, State},
    response::Response,
};
use chrono::Utc;

use crate::{
    auth::forms::see_other,
    form_error::{Asker, Context, FormError},
    startup::AppState,
};

const UPLOAD: &str = "/can-bo/nhap";

/// Back to the upload form with the reason.
fn refused(refusal: impl Into<ImportRefusal>) -> FormError {
    FormError::refused(UPLOAD, &refusal.into())
}

/// The officer of `commune_id` (or an administrator), or the refusal (sign in for `back`, 403).
fn may_import(asker: Asker, commune_id: &str, back: &str) -> Result<Actor, FormError> {
    asker.may(Action::ActInCommune { commune_id }, back)
}

/// Receives the file, keeps its cells and shows the preview.
#[tracing::instrument(skip_all, fields(commune))]
pub async fn upload(
    State(state): State<AppState>,
    asker: Asker,
    mut form: Multipart,
) -> Result<Response, FormError> {
    let mut commune_id = String::new();
    let mut file: Option<(String, Vec<u8>)> = None;
    loop {
        let mut field = match form.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            // A body over the route's limit, or a cut connection.
            Err(_) => return Err(refused(SheetError::TooLarge)),
        };
        match field.name() {
            Some("commune_id") => commune_id = field.text().await.unwrap_or_default(),
            Some("file") => {
                let name = field.file_name().unwrap_or("").chars().take(200).collect();
                let mut bytes = Vec::new();
                loop {
                    match field.chunk().await {
                        Ok(Some(c)) if bytes.len() + c.len() > spreadsheet::MAX_BYTES => {
                            return Err(refused(SheetError::TooLarge));
                        }
                        Ok(Some(c)) => bytes.extend_from_slice(&c),
                        Ok(None) => break,
                        Err(_) => return Err(refused(SheetError::TooLarge)),
                    }
                }
                file = Some((name, bytes));
            }
            _ => {}
        }
    }
    let commune_id = commune_id.trim().to_owned();
    tracing::Span::current().record("commune", commune_id.as_str());
    let actor = may_import(asker, &commune_id, UPLOAD)?;
    let (filename, bytes) = file
        .filter(|(_, b)| !b.is_empty())
        .ok_or_else(|| refused(ImportRefusal::SheetMissing))?;
    let cells = tokio::task::spawn_blocking(move || spreadsheet::cells(&bytes))
        .await
        .context("reading a spreadsheet")?
        .map_err(refused)?;
    let user = Some(actor.user_id.as_str());
    let id = ocop_import::save_batch(&state.db, &commune_id, user, &filename, &cells, Utc::now())
        .await
        .context("keeping an import's cells")?;
    Ok(see_other(&format!("{UPLOAD}/{id}")))
}

/// Imports a previewed file, in one transaction, when none of its rows has an error.
#[tracing::instrument(skip_all, fields(batch = %id))]
pub async fn confirm(
    State(state): State<AppState>,
    asker: Asker,
    Path(id): Path<String>,
) -> Result<Response, FormError> {
    let batch = ocop_import::batch(&state.db, &id)
        .await
        .context("loading an import")?
        .ok_or(FormError::NotFound)?;
    let back = format!("{UPLOAD}/{id}");
    let actor = may_import(asker, &batch.commune_id, &back)?;
    let groups = ocop_import::group_codes(&state.db)
        .await
        .context("loading product groups")?;
    let checked = match check(&batch.cells, &groups) {
        Ok(c) if c.errors.is_empty() && !c.rows.is_empty() => c,
        _ => return Err(FormError::refused(back, &ImportRefusal::SheetErrors)),
    };
    let user = Some(actor.user_id.as_str());
    let report = ocop_import::import(
        &state.db,
        &batch.commune_id,
        &checked.rows,
        user,
        Utc::now(),
    )
    .await
    .context("importing a spreadsheet")?;
    ocop_import::delete_batch(&state.db, &id)
        .await
        .context("deleting an imported batch")?;
    Ok(see_other(&format!(
        "{UPLOAD}?ok=1&tao={}&sua={}&giu={}",
        report.created, report.updated, report.unchanged
    )))
}
