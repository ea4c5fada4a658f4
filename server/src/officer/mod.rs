//! The commune officer's forms on the HTTP side: certificates, the commune page (story, cover,
//! signature product), the province spreadsheet import and the report's CSV. Rules, storage,
//! pages and texts are in `app::officer`. An officer's decisions on a resource another feature
//! owns sit with that feature: a lot's stamp in `diary`, a listing's review in `seller`, a
//! producer application in `auth`.

pub mod forms;
pub mod import_forms;

use axum::{
    Router,
    extract::DefaultBodyLimit,
    routing::{get, post},
};

use crate::startup::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/can-bo/chung-nhan", post(forms::record_certificate))
        .route(
            "/can-bo/nhap",
            // A 10 MB spreadsheet and the form around it; larger ones are refused by name.
            post(import_forms::upload).layer(DefaultBodyLimit::max(
                app::officer::rules::spreadsheet::MAX_BYTES + 2 * 1024 * 1024,
            )),
        )
        .route("/can-bo/nhap/{id}", post(import_forms::confirm))
        .route("/can-bo/bao-cao.csv", get(forms::report_csv))
        .route("/can-bo/xa/{id}/cau-chuyen", post(forms::save_story))
        .route(
            "/can-bo/xa/{id}/anh",
            post(forms::upload_cover).layer(DefaultBodyLimit::max(
                2 * crate::photos::pipeline::MAX_BYTES,
            )),
        )
        .route("/can-bo/xa/{id}/dac-san", post(forms::set_signature))
}
