//! The operator's details on the HTTP side: the administrators' form on `/quan-tri`. The
//! footer, the documents and their pages are in `app::legal`.

use app::legal::operator::Operator;
use axum::{Form, Router, extract::State, response::Response, routing::post};
use chrono::Utc;
use serde::Deserialize;

use crate::{
    auth::forms::see_other,
    form_error::{Administrator, Context, FormError},
    startup::AppState,
};

/// Where the form is, and its anchor.
const BACK: &str = "/quan-tri";

pub fn router() -> Router<AppState> {
    Router::new().route("/quan-tri/van-hanh", post(save_operator))
}

#[derive(Deserialize)]
pub struct OperatorForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    address: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    business_registration: String,
    #[serde(default)]
    representative: String,
    #[serde(default)]
    ecommerce_registration: String,
    #[serde(default)]
    ecommerce_record_url: String,
}

#[tracing::instrument(skip_all, fields(admin = %admin.user_id))]
pub async fn save_operator(
    State(state): State<AppState>,
    Administrator(admin): Administrator,
    Form(f): Form<OperatorForm>,
) -> Result<Response, FormError> {
    let operator = Operator::parse([
        &f.name,
        &f.address,
        &f.phone,
        &f.email,
        &f.business_registration,
        &f.representative,
        &f.ecommerce_registration,
        &f.ecommerce_record_url,
    ])
    .map_err(|r| FormError::refused(BACK, &r).and("#van-hanh"))?;
    app::legal::storage::save_operator(&state.db, &operator, &admin.user_id, Utc::now())
        .await
        .context("saving the operator's details")?;
    state.operator.forget();
    Ok(see_other(&format!("{BACK}?ok=1#van-hanh")))
}
