//! The producer's carrier accounts on the HTTP side (`/ban-hang/van-chuyen`): checks the form,
//! asks the carrier whether it accepts the credentials (a quote from the pick-up address to
//! itself, with no transaction open), then saves.
//!
//! What a farmer expects when the carrier says no: what they typed is not lost. The account is
//! saved switched off, and the page says why, so they fix one field and save again. When the
//! carrier cannot be reached, nothing says the credentials are wrong: the account is saved as
//! asked (checkout falls back to the table while the carrier is away) and the page says it could
//! not be checked.

use app::{
    address::storage::{Lookup, lookup},
    auth::Action,
    i18n::Locale,
    seller::{
        carriers_page::{CarrierFields, CarrierRefusal, PAGE},
        carriers_storage::{self, CarrierAccount, Place, new_callback_secret},
    },
};
use axum::{Form, extract::State, response::Response};
use chrono::Utc;

use crate::{
    auth::forms::see_other,
    form_error::{Asker, Context, FormError},
    shipping::{Carrier, CarrierError, Parcel, TIMEOUT},
    startup::AppState,
};

/// Saves one carrier account of a producer; only its owners may.
#[tracing::instrument(skip_all, fields(producer = %fields.producer_id, carrier = %fields.carrier))]
pub async fn save_account(
    State(state): State<AppState>,
    asker: Asker,
    Form(fields): Form<CarrierFields>,
) -> Result<Response, FormError> {
    let producer_id = fields.producer_id.as_str();
    let back = format!(
        "{PAGE}?producer_id={producer_id}&carrier={}",
        fields.carrier
    );
    asker.may(Action::ManageCarriers { producer_id }, &back)?;
    let refused = |r: CarrierRefusal| FormError::refused(back.as_str(), &r);
    let accounts = carriers_storage::for_producer(&state.db, producer_id)
        .await
        .context("loading carrier accounts")?;
    let stored = accounts
        .into_iter()
        .map(|(a, _)| a)
        .find(|a| a.carrier == fields.carrier.trim());
    let input = fields.check(stored.is_some()).map_err(refused)?;
    let from = match lookup(&state.db, &input.province, &input.commune)
        .await
        .context("finding a commune")?
    {
        Lookup::Found(c) => Place {
            province: c.province.label(Locale::Vi),
            commune: c.label(Locale::Vi),
            street: input.street.clone(),
        },
        Lookup::UnknownProvince | Lookup::UnknownCommune => {
            return Err(refused(CarrierRefusal::Commune));
        }
    };
    let mut account = CarrierAccount {
        producer_id: producer_id.to_owned(),
        carrier: input.carrier.as_str().to_owned(),
        token: match (input.token, &stored) {
            (Some(t), _) => t,
            (None, Some(s)) => s.token.clone(),
            (None, None) => return Err(refused(CarrierRefusal::Token)),
        },
        shop_id: input.shop_id,
        pick_name: input.pick_name,
        pick_phone: input.pick_phone,
        pick_province_code: input.province.to_string(),
        pick_commune_code: input.commune.to_string(),
        pick_street: input.street,
        enabled: input.enabled,
        // Kept across saves (the storage keeps the first), so the registered URL keeps working.
        callback_secret: stored
            .as_ref()
            .map_or_else(new_callback_secret, |s| s.callback_secret.clone()),
    };
    let outcome = check_with_carrier(&state, &account, from).await;
    if matches!(
        outcome,
        Some(CarrierRefusal::Credentials | CarrierRefusal::NotServed)
    ) {
        account.enabled = false;
    }
    carriers_storage::save(&state.db, &account, Utc::now())
        .await
        .context("saving a carrier account")?;
    match outcome {
        None => Ok(see_other(&format!("{back}&ok=1"))),
        Some(r) => Err(refused(r)),
    }
}

/// Asks the carrier for a fee from the pick-up address to itself: documented, cheap, and it
/// needs the token (and GHN's shop id) to be right. `None` when it answered with a fee.
async fn check_with_carrier(
    state: &AppState,
    account: &CarrierAccount,
    from: Place,
) -> Option<CarrierRefusal> {
    let Some(carrier) = state.carriers.for_account(account) else {
        return Some(CarrierRefusal::Invalid);
    };
    let parcel = Parcel {
        to: from.clone(),
        from,
        weight_grams: 500,
        cod_amount: 0,
        declared_value: 0,
    };
    let answer = tokio::time::timeout(TIMEOUT, carrier.quote(&parcel)).await;
    match answer {
        Ok(Ok(_)) => None,
        Ok(Err(CarrierError::BadCredentials | CarrierError::Refused(_))) => {
            Some(CarrierRefusal::Credentials)
        }
        Ok(Err(CarrierError::NotServed(_))) => Some(CarrierRefusal::NotServed),
        Ok(Err(e @ (CarrierError::Unavailable(_) | CarrierError::Malformed(_)))) => {
            tracing::warn!(error = %e, "a carrier could not check an account");
            Some(CarrierRefusal::Unreachable)
        }
        Err(_) => Some(CarrierRefusal::Unreachable),
    }
}
