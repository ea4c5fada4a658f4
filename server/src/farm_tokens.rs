//! Farm tokens on the HTTP side: the account page's forms (make one, revoke one) and
//! [`FarmCaller`], who is asking the farm API: a signed-in member (the session cookie) or a
//! device with a token. The rules, storage and page are in `app::farm_tokens`.

use app::db::rate_limits::Policy;
use app::{
    auth::{Action, Denied, authorize},
    farm_tokens::{
        NEW_TOKEN_COOKIE, NewToken, PAGE, PREFIX, Scope, bearer, is_well_formed, storage,
    },
};
use axum::{
    Form, Router,
    extract::{FromRequestParts, Path, State},
    http::{StatusCode, header, request::Parts},
    response::{IntoResponse, Response},
    routing::post,
};
use chrono::Duration;
use serde::Deserialize;

use crate::{
    api::ApiError,
    auth::{
        forms::see_other,
        tokens::{random_token, token_hash},
    },
    form_error::{Asker, Context, FormError},
    startup::AppState,
    throttle,
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route(PAGE, post(create))
        .route(&format!("{PAGE}/{{id}}/thu-hoi"), post(revoke))
}

#[derive(Deserialize)]
pub struct NewTokenForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    producer_id: Option<String>,
    #[serde(default)]
    scope: String,
}

/// Makes a token and sends the browser back to the page, which shows it once (it rides in a
/// short-lived cookie on the page's path, never in a URL or the database).
#[tracing::instrument(skip_all)]
async fn create(
    State(state): State<AppState>,
    asker: Asker,
    Form(form): Form<NewTokenForm>,
) -> Result<Response, FormError> {
    let actor = asker.signed_in(PAGE)?;
    let producers: Vec<String> = storage::producers(&state.db, &actor.user_id)
        .await
        .context("loading the account's producers")?
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    let new = match NewToken::parse(
        &form.name,
        form.producer_id.as_deref(),
        &form.scope,
        &producers,
    ) {
        Ok(new) => new,
        Err(refusal) => return Ok(see_other(&format!("{PAGE}?loi={}", refusal.code()))),
    };
    let token = format!("{PREFIX}{}", random_token());
    storage::create(
        &state.db,
        &actor.user_id,
        &new,
        &token_hash(&token),
        state.clock.now(),
    )
    .await
    .context("making a farm token")?;
    tracing::info!(producer = %new.producer_id, scope = %new.scope, "a farm token was made");
    let cookie = format!(
        "{NEW_TOKEN_COOKIE}={token}; Path={PAGE}; Max-Age=60; HttpOnly; SameSite=Strict{}",
        if state.secure_cookies() {
            "; Secure"
        } else {
            ""
        }
    );
    Ok((
        StatusCode::SEE_OTHER,
        [
            (header::LOCATION, format!("{PAGE}?ok=tao")),
            (header::SET_COOKIE, cookie),
        ],
    )
        .into_response())
}

/// Revokes one of the account's tokens; another account's (or an unknown) token is a 404.
#[tracing::instrument(skip_all, fields(token = %id))]
async fn revoke(
    State(state): State<AppState>,
    asker: Asker,
    Path(id): Path<String>,
) -> Result<Response, FormError> {
    let actor = asker.signed_in(PAGE)?;
    if id.len() > 64 {
        return Err(FormError::NotFound);
    }
    let done = storage::revoke(&state.db, &actor.user_id, &id, state.clock.now())
        .await
        .context("revoking a farm token")?;
    if !done {
        return Err(FormError::NotFound);
    }
    Ok(see_other(&format!("{PAGE}?ok=thu-hoi")))
}

/// Requests one token may make per minute: a sensor posting every few seconds fits; a runaway
/// loop is stopped before it fills the diary.
pub const PER_TOKEN: Policy = Policy::per_window(120, Duration::minutes(1));

/// Who asks the farm API, and for which producers.
#[derive(Clone, Debug)]
pub enum FarmCaller {
    /// A signed-in person: the producers they are an active member of, with every right.
    Member(app::auth::Actor),
    /// A device with a token: one producer, the token's scope.
    Device(app::farm_tokens::TokenHolder),
}

impl FarmCaller {
    /// The user the diary records as the writer.
    pub fn user_id(&self) -> &str {
        match self {
            FarmCaller::Member(actor) => &actor.user_id,
            FarmCaller::Device(holder) => &holder.user_id,
        }
    }

    /// The producers whose farm data the caller may read.
    pub fn producers(&self) -> Vec<String> {
        match self {
            FarmCaller::Member(actor) => actor
                .member_of
                .iter()
                .filter(|m| m.is_active())
                .map(|m| m.producer_id.clone())
                .collect(),
            FarmCaller::Device(holder) => vec![holder.producer_id.clone()],
        }
    }

    /// Whether the caller may do `needed` with `producer_id`'s farm data: a plot of another
    /// producer is as good as absent to a token (404), a read token may not write (403).
    pub fn may(&self, producer_id: &str, needed: Scope) -> Result<(), ApiError> {
        match self {
            FarmCaller::Member(actor) => {
                match authorize(Some(actor), Action::WriteFarmLog { producer_id }) {
                    Ok(()) => Ok(()),
                    Err(Denied::NotSignedIn | Denied::Forbidden) => Err(ApiError::new(
                        StatusCode::FORBIDDEN,
                        "forbidden",
                        "only the plot's producer's people may use its farm diary",
                    )),
                }
            }
            FarmCaller::Device(holder) if holder.producer_id != producer_id => {
                Err(ApiError::not_found("no such plot"))
            }
            FarmCaller::Device(holder) if !holder.scope.allows(needed) => Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "insufficient_scope",
                "this token may only read: make a token with write access on the account page",
            )),
            FarmCaller::Device(_) => Ok(()),
        }
    }
}

fn unauthorized(message: &str) -> ApiError {
    ApiError::new(StatusCode::UNAUTHORIZED, "unauthorized", message)
}

impl FromRequestParts<AppState> for FarmCaller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let Some(value) = parts.headers.get(header::AUTHORIZATION) else {
            return parts
                .extensions
                .get::<app::auth::Actor>()
                .cloned()
                .map(FarmCaller::Member)
                .ok_or_else(|| {
                    unauthorized(
                        "sign in (the site's session cookie) or send `Authorization: Bearer` with a farm token",
                    )
                });
        };
        let token = value
            .to_str()
            .ok()
            .and_then(bearer)
            .filter(|t| is_well_formed(t))
            .ok_or_else(|| unauthorized("the Authorization header holds no farm token"))?;
        let holder = storage::holder(&state.db, &token_hash(token), state.clock.now())
            .await
            .map_err(|e| ApiError::unavailable("checking a farm token", e))?
            .ok_or_else(|| unauthorized("this farm token is unknown or was revoked"))?;
        let limit = [(format!("farm:token:{}", holder.token_id), &PER_TOKEN)];
        if let Some(wait) = throttle::take(state, &limit, None, parts.uri.path())
            .await
            .map_err(|e| ApiError::unavailable("counting a farm token's requests", e))?
        {
            return Err(ApiError::rate_limited(wait));
        }
        Ok(FarmCaller::Device(holder))
    }
}
