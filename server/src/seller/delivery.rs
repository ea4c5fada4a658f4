//! The producer's delivery settings on the HTTP side: its fee table (`/ban-hang/giao-hang`) and
//! how far each listing may be delivered (`/ban-hang/san-pham/{id}/giao-hang`).

use app::{
    auth::Action,
    seller::{form::DeliveryFields, form::ListingRefusal, rules::delivery_input, shipping_storage},
    shop::rules::shipping::Reach,
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

const PAGE: &str = "/ban-hang/giao-hang";

/// Saves a producer's table; only its members may.
#[tracing::instrument(skip_all, fields(producer = %fields.producer_id))]
pub async fn save_table(
    State(state): State<AppState>,
    asker: Asker,
    Form(fields): Form<DeliveryFields>,
) -> Result<Response, FormError> {
    let producer_id = fields.producer_id.as_str();
    asker.may(Action::EditListings { producer_id }, PAGE)?;
    let table =
        delivery_input(&fields).map_err(|e| FormError::refused(PAGE, &ListingRefusal::from(e)))?;
    shipping_storage::save_table(&state.db, producer_id, &table, Utc::now())
        .await
        .context("saving a delivery table")?;
    Ok(see_other(&format!("{PAGE}?ok=1")))
}

#[derive(Deserialize)]
pub struct ReachForm {
    reach: String,
}

/// Sets how far a listing may be delivered; only its producer's members may.
#[tracing::instrument(skip_all, fields(product = %product_id))]
pub async fn set_reach(
    State(state): State<AppState>,
    asker: Asker,
    Path(product_id): Path<String>,
    Form(form): Form<ReachForm>,
) -> Result<Response, FormError> {
    let back = format!("/ban-hang/san-pham/{product_id}");
    let (producer_id, _) = app::seller::storage::owner(&state.db, &product_id)
        .await
        .context("finding a listing's producer")?
        .ok_or(FormError::NotFound)?;
    let producer_id = producer_id.as_str();
    asker.may(Action::EditListings { producer_id }, &back)?;
    let reach = Reach::parse(form.reach.trim())
        .ok_or_else(|| FormError::refused(back.as_str(), &ListingRefusal::Reach))?;
    shipping_storage::set_reach(&state.db, &product_id, reach, Utc::now())
        .await
        .context("setting a listing's delivery reach")?;
    Ok(see_other(&format!("{back}?ok=1")))
}
