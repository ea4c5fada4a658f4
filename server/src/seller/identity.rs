//! A seller's legal identity on the HTTP side: the members' form and the commune officer's
//! check. Rules, storage and the page are in `app::seller::identity*`.

use app::{
    auth::Action,
    seller::{
        identity::{IdentityRefusal, PAGE, SellerIdentity},
        identity_storage,
    },
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

#[derive(Deserialize)]
pub struct IdentityForm {
    #[serde(default)]
    pub legal_name: String,
    #[serde(default)]
    pub address: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub tax_code: String,
    #[serde(default)]
    pub registration_no: String,
}

impl IdentityForm {
    /// Whether the applicant wrote anything in the identity part of a form.
    pub fn is_blank(&self) -> bool {
        [
            &self.legal_name,
            &self.address,
            &self.phone,
            &self.tax_code,
            &self.registration_no,
        ]
        .iter()
        .all(|f| f.trim().is_empty())
    }

    pub fn parse(
        &self,
        kind: app::domain::product::ProducerKind,
    ) -> Result<SellerIdentity, IdentityRefusal> {
        SellerIdentity::parse(
            kind,
            &self.legal_name,
            &self.address,
            &self.phone,
            &self.tax_code,
            &self.registration_no,
        )
    }
}

#[tracing::instrument(skip_all, fields(producer = %producer_id))]
pub async fn save(
    State(state): State<AppState>,
    asker: Asker,
    Path(producer_id): Path<String>,
    Form(form): Form<IdentityForm>,
) -> Result<Response, FormError> {
    let producer = producer_id.as_str();
    let actor = asker.may(
        Action::EditListings {
            producer_id: producer,
        },
        PAGE,
    )?;
    let (kind, _) = identity_storage::of_producer(&state.db, producer)
        .await
        .context("reading a seller's identity")?
        .ok_or(FormError::NotFound)?;
    let identity = form.parse(kind).map_err(|r| FormError::refused(PAGE, &r))?;
    identity_storage::save(&state.db, producer, &identity, &actor.user_id, Utc::now())
        .await
        .context("saving a seller's identity")?;
    Ok(see_other(&format!("{PAGE}?ok=1")))
}

/// The commune officer confirms a seller's identity (after a change, or for a producer
/// approved before it was asked).
#[tracing::instrument(skip_all, fields(producer = %producer_id))]
pub async fn check(
    State(state): State<AppState>,
    asker: Asker,
    Path(producer_id): Path<String>,
) -> Result<Response, FormError> {
    let commune_id = &app::auth::producers::commune_of(&state.db, &producer_id)
        .await
        .context("finding a seller's commune")?
        .ok_or(FormError::NotFound)?;
    let actor = asker.may(Action::ActInCommune { commune_id }, "/can-bo")?;
    identity_storage::mark_checked(&state.db, &producer_id, &actor.user_id, Utc::now())
        .await
        .context("checking a seller's identity")?;
    Ok(see_other("/can-bo?ok=1#nguoi-ban"))
}
