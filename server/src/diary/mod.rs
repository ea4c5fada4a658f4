//! The farm diary's HTTP side: the farmer's and the officer's form handlers, the lot QR images,
//! the lot API (with its EPCIS export) and lot recalls. The rules, storage, pages and texts are in
//! `app::diary`.

pub mod api;
pub mod checkpoints;
pub mod epcis;
pub mod forms;
pub mod offline;
pub mod qr;
pub mod recall;

use axum::{
    Router,
    extract::DefaultBodyLimit,
    routing::{get, post},
};
use utoipa::OpenApi;

use crate::startup::AppState;

/// The diary's part of the API document (merged into `/api/openapi.json`).
#[derive(OpenApi)]
#[openapi(paths(
    api::get_lot,
    api::get_lot_epcis,
    api::put_on_sale,
    api::post_entry,
    api::list_plots,
    api::get_entries,
    api::post_entry_photos,
    recall::recall_api
))]
pub struct DiaryApi;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/nong-trai/vuon", post(forms::create_plot))
        .route("/nong-trai/vuon/{plot_id}/lo", post(forms::create_lot))
        .route("/nong-trai/vuon/{plot_id}/ghi", post(forms::append_entry))
        .route("/nong-trai/lo/{lot_id}/ban", post(forms::put_on_sale))
        .route(
            "/nong-trai/ghi/{entry_id}/anh",
            // Several phone photos in one request; each file is capped on its own.
            post(forms::add_entry_photos).layer(DefaultBodyLimit::max(
                8 * crate::photos::pipeline::MAX_BYTES,
            )),
        )
        .route("/can-bo/lo/{lot_id}/xac-nhan", post(forms::verify_lot))
        .route("/lo/{lot_id}/thu-hoi", post(recall::recall_form))
        .route("/api/v1/lots/{lot_id}/recall", post(recall::recall_api))
        .route("/can-bo/thu-hoi.csv", get(recall::report_csv))
        .route("/lo/{id}/qr.svg", get(qr::svg))
        .route("/lo/{id}/qr.png", get(qr::png))
        .route("/api/v1/lots/{key}", get(api::get_lot))
        .route("/api/v1/lots/{key}/epcis", get(api::get_lot_epcis))
        .route("/api/v1/lots/{key}/on-sale", post(api::put_on_sale))
        .route("/api/v1/plots", get(api::list_plots))
        .route(
            "/api/v1/plots/{plot_id}/entries",
            post(api::post_entry).get(api::get_entries),
        )
        .route(
            "/api/v1/entries/{entry_id}/photos",
            post(api::post_entry_photos).layer(DefaultBodyLimit::max(
                8 * crate::photos::pipeline::MAX_BYTES,
            )),
        )
        .route("/sw.js", get(offline::service_worker))
        .route("/api/v1/checkpoints", get(checkpoints::list))
        .route("/api/v1/checkpoints/verify", post(checkpoints::verify))
        .route("/api/v1/checkpoints/{day}", get(checkpoints::one))
}
