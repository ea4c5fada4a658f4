//! A producer's shop on the HTTP side: the listing forms (products, variants, photos, status),
//! the officer's listing decision and the sales spreadsheet. Rules, storage, pages and texts are
//! in `app::seller`.

pub mod carriers;
pub mod delivery;
pub mod forms;
pub mod identity;

use axum::{
    Router,
    extract::DefaultBodyLimit,
    routing::{get, post},
};

use crate::startup::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/ban-hang/san-pham", post(forms::create_product))
        .route("/ban-hang/san-pham/{id}", post(forms::update_product))
        .route(
            "/ban-hang/san-pham/{id}/bien-the",
            post(forms::save_variant),
        )
        .route(
            "/ban-hang/san-pham/{id}/trang-thai",
            post(forms::change_status),
        )
        .route(
            "/ban-hang/san-pham/{id}/anh",
            // Several phone photos in one request; each file is capped on its own.
            post(forms::add_photos).layer(DefaultBodyLimit::max(
                8 * crate::photos::pipeline::MAX_BYTES,
            )),
        )
        .route(
            "/ban-hang/san-pham/{id}/anh/{photo_id}",
            post(forms::change_photo),
        )
        .route("/ban-hang/doanh-thu.csv", get(forms::sales_csv))
        .route("/ban-hang/doi-soat-cod.csv", get(forms::cod_csv))
        .route("/ban-hang/giao-hang", post(delivery::save_table))
        .route("/ban-hang/van-chuyen", post(carriers::save_account))
        .route(
            "/ban-hang/san-pham/{id}/giao-hang",
            post(delivery::set_reach),
        )
        .route("/can-bo/san-pham/{product_id}", post(forms::decide_listing))
        .route(
            &format!("{}/{{producer_id}}", app::seller::identity::PAGE),
            post(identity::save),
        )
        .route(
            "/can-bo/nguoi-ban/{producer_id}/kiem-tra",
            post(identity::check),
        )
}
