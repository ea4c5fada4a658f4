//! A person's own data on the HTTP side: the JSON download, optional consents, deleting the
//! account. Rules, storage and the page are in `app::privacy`.

use app::privacy::{
    page::PAGE,
    rules::{self, PrivacyRefusal, Purpose},
    storage::{self, DeleteError},
};
use axum::{
    Form, Router,
    extract::State,
    http::{StatusCode, header},
    response::{IntoResponse, Response},
    routing::{get, post},
};
use chrono::Utc;
use serde::Deserialize;

use crate::{
    auth::{
        ClientIp,
        cookies::{self, SESSION_COOKIE},
        forms::{busy, see_other},
        password,
    },
    form_error::{Asker, Context, FormError},
    startup::AppState,
    throttle,
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route(&format!("{PAGE}.json"), get(download))
        .route(&format!("{PAGE}/dong-y"), post(decide))
        .route(&format!("{PAGE}/xoa"), post(delete))
}

/// Everything held about the signed-in person, as a JSON attachment (never cached).
#[tracing::instrument(skip_all)]
pub async fn download(State(state): State<AppState>, asker: Asker) -> Result<Response, FormError> {
    let actor = asker.signed_in(PAGE)?;
    let data = storage::export(&state.db, &actor.user_id)
        .await
        .context("exporting a person's data")?
        .ok_or(FormError::NotFound)?;
    let body = serde_json::to_string_pretty(&data).context("writing a person's data")?;
    Ok((
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, "application/json; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"du-lieu-cua-toi.json\"",
            ),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body,
    )
        .into_response())
}

#[derive(Deserialize)]
pub struct DecideForm {
    #[serde(default)]
    purpose: String,
    #[serde(default)]
    granted: String,
}

#[tracing::instrument(skip_all)]
pub async fn decide(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    asker: Asker,
    Form(form): Form<DecideForm>,
) -> Result<Response, FormError> {
    let actor = asker.signed_in(PAGE)?;
    let refused = |r: PrivacyRefusal| FormError::refused(PAGE, &r).and("#dong-y");
    let purpose = Purpose::parse(&form.purpose).ok_or_else(|| refused(PrivacyRefusal::Unknown))?;
    let granted = match form.granted.as_str() {
        "1" => true,
        "0" => false,
        _ => return Err(refused(PrivacyRefusal::Unknown)),
    };
    let decision = rules::change(purpose, granted).map_err(refused)?;
    storage::decide(
        &state.db,
        &actor.user_id,
        decision,
        ip.as_deref(),
        Utc::now(),
    )
    .await
    .context("recording a consent decision")?;
    Ok(see_other(&format!("{PAGE}?ok=1#dong-y")))
}

#[derive(Deserialize)]
pub struct DeleteForm {
    #[serde(default)]
    password: String,
    #[serde(default)]
    confirm: String,
}

/// Deletes the signed-in account after its password (a stolen session alone cannot), then ends
/// this browser's session.
#[tracing::instrument(skip_all)]
pub async fn delete(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    asker: Asker,
    Form(form): Form<DeleteForm>,
) -> Result<Response, FormError> {
    let actor = asker.signed_in(PAGE)?;
    let refused = |r: PrivacyRefusal| FormError::refused(PAGE, &r).and("#xoa");
    if form.confirm != "1" {
        return Err(refused(PrivacyRefusal::Confirm));
    }
    // The same guard as changing the password: a session cannot be used to guess it.
    let limit = [(
        format!("password:user:{}", actor.user_id),
        &throttle::CURRENT_PASSWORD,
    )];
    if throttle::take(&state, &limit, ip.as_deref(), "/tai-khoan/du-lieu/xoa")
        .await
        .context("counting a password check")?
        .is_some()
    {
        return Err(refused(PrivacyRefusal::Password));
    }
    let stored = app::auth::storage::password_hash(&state.db, &actor.user_id)
        .await
        .context("reading a password hash")?;
    if !password::verify(form.password, stored)
        .await
        .map_err(busy)?
    {
        return Err(refused(PrivacyRefusal::Password));
    }
    match storage::delete_account(&state.db, &actor.user_id, ip.as_deref(), Utc::now()).await {
        Ok(()) => {}
        Err(DeleteError::Refused(r)) => return Err(refused(r)),
        Err(DeleteError::NotFound) => return Err(FormError::NotFound),
        Err(DeleteError::Db(e)) => return Err(FormError::unavailable("deleting an account", e)),
    }
    tracing::info!(
        event = "account_deleted",
        "an account was deleted by its owner"
    );
    let cookie = cookies::set(SESSION_COOKIE, "", None, state.secure_cookies());
    Ok((
        StatusCode::SEE_OTHER,
        [
            (
                header::LOCATION,
                "/dang-nhap?ok=tai-khoan-da-xoa".to_owned(),
            ),
            (header::SET_COOKIE, cookie),
        ],
    )
        .into_response())
}
