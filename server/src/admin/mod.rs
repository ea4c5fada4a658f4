//! The province administrator's forms on the HTTP side. Pages and storage are in `app::admin`;
//! an administrator's password reset of another account is in `auth`, with the other password
//! forms.

pub mod forms;

use axum::{Router, routing::post};

use crate::startup::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/quan-tri/xa", post(forms::create_commune))
        .route("/quan-tri/xa/doi-ten", post(forms::rename_commune))
        .route("/quan-tri/xa/sap-nhap", post(forms::merge_communes))
        .route("/quan-tri/can-bo", post(forms::add_officer))
        .route("/quan-tri/can-bo/bo", post(forms::remove_officer))
        .route("/quan-tri/ngan-hang", post(forms::save_bank))
        .route("/quan-tri/giao-hang", post(forms::save_shipping))
        .route(
            "/quan-tri/nguoi-dung/{user_id}/trang-thai",
            post(forms::change_user),
        )
}
