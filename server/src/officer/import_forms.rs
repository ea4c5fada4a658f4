//! The officer's spreadsheet import: upload (multipart, the anti-forgery token in the query),
//! preview at `/can-bo/nhap/{id}` (nothing written), confirm (one transaction). Scoped to the
//! officer's communes; every refusal comes back as `?loi=<code>`.

use app::{
    auth::{Action, Actor, Denied, authorize},
    officer::{
        rules::{
            ocop_import::check,
            spreadsheet::{self, SheetError},
        },
        storage::ocop_import,
    },
};
use axum::{
    Extension,
    extract::{Multipart, Path, State},
    http::StatusCode,
    response::{IntoResponse, Response},
};
use chrono::Utc;

use crate::{
    auth::forms::{denied, internal, see_other},
    startup::AppState,
};

const UPLOAD: &str = "/can-bo/nhap";

fn back(code: &str) -> Response {
    see_other(&format!("{UPLOAD}?loi={code}"))
}

fn may_import(actor: Option<&Actor>, commune_id: &str) -> Result<(), Denied> {
    authorize(actor, Action::ActInCommune { commune_id })
}

/// Receives the file, keeps its cells and shows the preview.
pub async fn upload(
    State(state): State<AppState>,
    actor: Option<Extension<Actor>>,
    mut form: Multipart,
) -> Response {
    let actor = actor.map(|Extension(a)| a);
    let mut commune_id = String::new();
    let mut file: Option<(String, Vec<u8>)> = None;
    loop {
        let mut field = match form.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            // A body over the route's limit, or a cut connection.
            Err(_) => return back(SheetError::TooLarge.code()),
        };
        match field.name() {
            Some("commune_id") => commune_id = field.text().await.unwrap_or_default(),
            Some("file") => {
                let name = field.file_name().unwrap_or("").chars().take(200).collect();
                let mut bytes = Vec::new();
                loop {
                    match field.chunk().await {
                        Ok(Some(c)) if bytes.len() + c.len() > spreadsheet::MAX_BYTES => {
                            return back(SheetError::TooLarge.code());
                        }
                        Ok(Some(c)) => bytes.extend_from_slice(&c),
                        Ok(None) => break,
                        Err(_) => return back(SheetError::TooLarge.code()),
                    }
                }
                file = Some((name, bytes));
            }
            _ => {}
        }
    }
    let commune_id = commune_id.trim().to_owned();
    if let Err(d) = may_import(actor.as_ref(), &commune_id) {
        return denied(d, UPLOAD);
    }
    let Some((filename, bytes)) = file.filter(|(_, b)| !b.is_empty()) else {
        return back("sheet_missing");
    };
    let cells = match tokio::task::spawn_blocking(move || spreadsheet::cells(&bytes)).await {
        Ok(Ok(cells)) => cells,
        Ok(Err(e)) => return back(e.code()),
        Err(e) => return internal(e),
    };
    let user = actor.as_ref().map(|a| a.user_id.as_str());
    match ocop_import::save_batch(&state.db, &commune_id, user, &filename, &cells, Utc::now()).await
    {
        Ok(id) => see_other(&format!("{UPLOAD}/{id}")),
        Err(e) => internal(e),
    }
}

/// Imports a previewed file, in one transaction, when none of its rows has an error.
pub async fn confirm(
    State(state): State<AppState>,
    actor: Option<Extension<Actor>>,
    Path(id): Path<String>,
) -> Response {
    let actor = actor.map(|Extension(a)| a);
    let batch = match ocop_import::batch(&state.db, &id).await {
        Ok(Some(b)) => b,
        Ok(None) => return (StatusCode::NOT_FOUND, "Không tìm thấy. / Not found.").into_response(),
        Err(e) => return internal(e),
    };
    if let Err(d) = may_import(actor.as_ref(), &batch.commune_id) {
        return denied(d, &format!("{UPLOAD}/{id}"));
    }
    let groups = match ocop_import::group_codes(&state.db).await {
        Ok(g) => g,
        Err(e) => return internal(e),
    };
    let checked = match check(&batch.cells, &groups) {
        Ok(c) if c.errors.is_empty() && !c.rows.is_empty() => c,
        _ => return see_other(&format!("{UPLOAD}/{id}?loi=sheet_errors")),
    };
    let user = actor.as_ref().map(|a| a.user_id.as_str());
    let report = match ocop_import::import(
        &state.db,
        &batch.commune_id,
        &checked.rows,
        user,
        Utc::now(),
    )
    .await
    {
        Ok(r) => r,
        Err(e) => return internal(e),
    };
    if let Err(e) = ocop_import::delete_batch(&state.db, &id).await {
        return internal(e);
    }
    see_other(&format!(
        "{UPLOAD}?ok=1&tao={}&sua={}&giu={}",
        report.created, report.updated, report.unchanged
    ))
}
