//! Notifications on the HTTP side: the inbox's forms (open one notice, mark all read), the
//! notification settings, the administrator's retry of a failed delivery, and the delivery
//! itself (`channels`: email, SMS, Zalo; `dispatch`: the dispatcher). The notices, their words,
//! storage and pages are in `app::notify`.

pub mod channels;
pub mod dispatch;

use app::{
    domain::time::db_timestamp,
    notify::{preferences, storage},
};
use axum::{
    Form, Router,
    extract::{Path, State},
    response::IntoResponse,
    response::Response,
    routing::post,
};
use chrono::Utc;

use crate::{
    auth::forms::see_other,
    form_error::{Administrator, Asker, Context, FormError},
    startup::AppState,
};

const PAGE: &str = "/thong-bao";

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/thong-bao/da-doc", post(mark_all_read))
        .route("/thong-bao/{id}/mo", post(open))
        .route(preferences::PAGE, post(save_preferences))
        .route("/quan-tri/thong-bao-loi/{id}/gui-lai", post(retry_failed))
        .route("/thong-bao/huy-dang-ky/{token}", post(unsubscribe))
}

/// Stops one kind of email for the token's account: the page's button (back to the page,
/// which says it is done) or a mail client's RFC 8058 one-click POST (200, nothing to show).
/// An unknown token is a 404 either way.
#[tracing::instrument(skip_all)]
async fn unsubscribe(
    State(state): State<AppState>,
    Path(token): Path<String>,
    body: axum::body::Bytes,
) -> Result<Response, FormError> {
    use app::notify::unsubscribe;
    let kind = unsubscribe::storage::apply(&state.db, &token)
        .await
        .context("stopping a kind of email")?
        .ok_or(FormError::NotFound)?;
    tracing::info!(kind = %kind, "a kind of email was stopped by its link");
    let one_click = body
        .windows(b"List-Unsubscribe=One-Click".len())
        .any(|w| w == b"List-Unsubscribe=One-Click");
    Ok(if one_click {
        axum::http::StatusCode::OK.into_response()
    } else {
        see_other(&format!("{}?xong=1", unsubscribe::path(&token)))
    })
}

/// Saves which notices the account gets by email, SMS and Zalo (a box left empty is off).
#[tracing::instrument(skip_all)]
async fn save_preferences(
    State(state): State<AppState>,
    asker: Asker,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, FormError> {
    let actor = asker.signed_in(preferences::PAGE)?;
    // Bounded by the body limit; only known (kind, channel) pairs survive.
    let on = preferences::chosen_from_form(&fields);
    preferences::storage::save(
        &state.db,
        &actor.user_id,
        preferences::roles_of(&actor),
        &on,
    )
    .await
    .context("saving notification preferences")?;
    Ok(see_other(&format!("{}?ok=1", preferences::PAGE)))
}

/// An administrator puts a failed delivery back in line: pending, due now, its attempts kept.
#[tracing::instrument(skip_all, fields(admin = %admin.user_id, notice = %id))]
async fn retry_failed(
    State(state): State<AppState>,
    Administrator(admin): Administrator,
    Path(id): Path<String>,
) -> Result<Response, FormError> {
    use app::notify::failed_page::PAGE as FAILED;
    if id.len() > 64 {
        return Ok(see_other(&format!("{FAILED}?ok=0")));
    }
    let retried = app::notify::delivery::retry(&state.db, &id, Utc::now())
        .await
        .context("retrying a failed delivery")?;
    Ok(see_other(&format!("{FAILED}?ok={}", u8::from(retried))))
}

/// Marks every notice of the inbox read.
#[tracing::instrument(skip_all)]
async fn mark_all_read(State(state): State<AppState>, asker: Asker) -> Result<Response, FormError> {
    let actor = asker.signed_in(PAGE)?;
    storage::mark_read(&state.db, &actor.user_id, None, &db_timestamp(Utc::now()))
        .await
        .context("marking notices read")?;
    Ok(see_other(PAGE))
}

/// Marks one notice read and goes to its page; a notice that is not the user's goes back to
/// the inbox.
#[tracing::instrument(skip_all, fields(notice = %id))]
async fn open(
    State(state): State<AppState>,
    asker: Asker,
    Path(id): Path<String>,
) -> Result<Response, FormError> {
    let actor = asker.signed_in(PAGE)?;
    if id.len() > 64 {
        return Ok(see_other(PAGE));
    }
    let link = storage::mark_read(
        &state.db,
        &actor.user_id,
        Some(&id),
        &db_timestamp(Utc::now()),
    )
    .await
    .context("opening a notice")?;
    // Links are written by the site itself, but only a path of this site is followed.
    let to = link
        .filter(|l| l.starts_with('/') && !l.starts_with("//"))
        .unwrap_or_else(|| PAGE.to_owned());
    Ok(see_other(&to))
}
