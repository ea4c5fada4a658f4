//! The buyer's side on the HTTP side: the cart, checkout and order forms (the site works without
//! JavaScript), the same as a JSON API, and an order's VietQR image. Rules, storage, pages and
//! texts are in `app::shop`; the card provider's adapter is `crate::payments`.

pub mod api;
pub mod forms;
pub mod shopper;

use axum::{
    Router,
    routing::{get, patch, post},
};
use utoipa::OpenApi;

use crate::startup::AppState;

/// The shop's part of the API document (merged into `/api/openapi.json`).
#[derive(OpenApi)]
#[openapi(paths(
    api::get_cart,
    api::add_item,
    api::set_item,
    api::remove_item,
    api::post_checkout,
    api::get_order,
))]
pub struct ShopApi;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/gio-hang/them", post(forms::add_to_cart))
        .route("/gio-hang/sua", post(forms::change_quantity))
        .route("/thanh-toan", post(forms::place_order))
        .route("/tra-cuu-don-hang", post(forms::find_guest_order))
        .route(
            "/don-hang/{order_no}/trang-thai",
            post(forms::change_status),
        )
        .route("/don-hang/{order_no}/the", post(forms::pay_by_card))
        .route("/don-hang/{order_no}/vietqr.svg", get(forms::vietqr_svg))
        .route("/api/v1/cart", get(api::get_cart))
        .route("/api/v1/cart/items", post(api::add_item))
        .route(
            "/api/v1/cart/items/{variant_id}",
            patch(api::set_item).delete(api::remove_item),
        )
        .route("/api/v1/checkout", post(api::post_checkout))
        .route("/api/v1/orders/{order_no}", get(api::get_order))
}
