//! The province administrator's forms (`/quan-tri/...`): rename and merge communes, commune
//! officers, the marketplace's bank account. Every handler checks `Action::Administer`, then
//! redirects back with `?ok=1` or `?loi=<code>`.

use app::{
    admin::storage::{self as admin, AdminError},
    auth::{Action, Actor, Denied, authorize, login::LoginId},
};
use axum::{
    Form,
    extract::{FromRequestParts, State},
    http::request::Parts,
    response::Response,
};
use chrono::Utc;
use serde::Deserialize;

use crate::{
    auth::forms::{denied, internal, see_other},
    startup::AppState,
};

const BACK: &str = "/quan-tri";

const USERS: &str = "/quan-tri/nguoi-dung";

/// The signed-in province administrator. Anyone else is refused before the form is read: a
/// visitor is sent to sign in (then back to the page the form is on), anyone else gets 403.
pub struct Administrator(Actor);

impl<S: Send + Sync> FromRequestParts<S> for Administrator {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Response> {
        let back = if parts.uri.path().starts_with(USERS) {
            USERS
        } else {
            BACK
        };
        let actor = parts.extensions.get::<Actor>().cloned();
        authorize(actor.as_ref(), Action::Administer).map_err(|d| denied(d, back))?;
        actor
            .map(Administrator)
            .ok_or_else(|| denied(Denied::NotSignedIn, back))
    }
}

fn answer(result: Result<(), AdminError>, anchor: &str) -> Response {
    match result {
        Ok(()) => see_other(&format!("{BACK}?ok=1#{anchor}")),
        Err(AdminError::Db(e)) => internal(e),
        Err(e) => see_other(&format!("{BACK}?loi={}#{anchor}", e.code())),
    }
}

#[derive(Deserialize)]
pub struct CreateForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    kind: String,
}

pub async fn create_commune(
    State(state): State<AppState>,
    Administrator(admin): Administrator,
    Form(form): Form<CreateForm>,
) -> Response {
    let done = admin::create_commune(
        &state.db,
        &form.name,
        &form.kind,
        &admin.user_id,
        Utc::now(),
    )
    .await
    .map(|_| ());
    answer(done, "xa-moi")
}

#[derive(Deserialize)]
pub struct RenameForm {
    #[serde(default)]
    commune_id: String,
    #[serde(default)]
    name: String,
}

pub async fn rename_commune(
    State(state): State<AppState>,
    Administrator(admin): Administrator,
    Form(form): Form<RenameForm>,
) -> Response {
    let done = admin::rename_commune(
        &state.db,
        &form.commune_id,
        &form.name,
        &admin.user_id,
        Utc::now(),
    )
    .await;
    answer(done, "doi-ten")
}

#[derive(Deserialize)]
pub struct MergeForm {
    #[serde(default)]
    from: String,
    #[serde(default)]
    into: String,
}

pub async fn merge_communes(
    State(state): State<AppState>,
    Administrator(admin): Administrator,
    Form(form): Form<MergeForm>,
) -> Response {
    let done = admin::merge_communes(
        &state.db,
        &form.from,
        &form.into,
        &admin.user_id,
        Utc::now(),
    )
    .await;
    answer(done, "sap-nhap")
}

#[derive(Deserialize)]
pub struct OfficerForm {
    #[serde(default)]
    login: String,
    #[serde(default)]
    user_id: String,
    #[serde(default)]
    commune_id: String,
}

pub async fn add_officer(
    State(state): State<AppState>,
    Administrator(admin): Administrator,
    Form(form): Form<OfficerForm>,
) -> Response {
    let Ok(login) = LoginId::parse(&form.login) else {
        return see_other(&format!("{BACK}?loi=user-unknown#can-bo"));
    };
    let user = match app::auth::storage::find_login(&state.db, &login.key()).await {
        Ok(Some(u)) => u,
        Ok(None) => return see_other(&format!("{BACK}?loi=user-unknown#can-bo")),
        Err(e) => return internal(e),
    };
    let done = admin::add_officer(
        &state.db,
        &user.id,
        &form.commune_id,
        &admin.user_id,
        Utc::now(),
    )
    .await;
    answer(done, "can-bo")
}

pub async fn remove_officer(
    State(state): State<AppState>,
    Administrator(admin): Administrator,
    Form(form): Form<OfficerForm>,
) -> Response {
    let done =
        admin::remove_officer(&state.db, &form.user_id, &form.commune_id, &admin.user_id).await;
    answer(done, "can-bo")
}

#[derive(Deserialize)]
pub struct UserForm {
    #[serde(default)]
    change: String,
}

/// `POST /quan-tri/nguoi-dung/{user_id}/trang-thai`: disable or enable an account, grant or
/// revoke the administrator role.
pub async fn change_user(
    State(state): State<AppState>,
    Administrator(admin): Administrator,
    axum::extract::Path(user_id): axum::extract::Path<String>,
    Form(form): Form<UserForm>,
) -> Response {
    let back = USERS;
    let Some(change) = admin::UserChange::parse(&form.change) else {
        return see_other(&format!("{back}?loi=user-unknown"));
    };
    match admin::change_user(&state.db, &user_id, change, &admin.user_id, Utc::now()).await {
        Ok(()) => see_other(&format!("{back}?ok=user")),
        Err(AdminError::Db(e)) => internal(e),
        Err(e) => see_other(&format!("{back}?loi={}", e.code())),
    }
}

#[derive(Deserialize)]
pub struct ShippingForm {
    #[serde(default)]
    base: String,
}

/// The delivery fee new producers start with.
pub async fn save_shipping(
    State(state): State<AppState>,
    Administrator(admin): Administrator,
    Form(form): Form<ShippingForm>,
) -> Response {
    let base = match app::domain::money::Vnd::parse(&form.base) {
        Ok(b) if b.dong() <= 5_000_000 => b,
        _ => return see_other(&format!("{BACK}?loi=price#giao-hang")),
    };
    let done = admin::save_default_shipping(&state.db, base, &admin.user_id, Utc::now()).await;
    answer(done, "giao-hang")
}

#[derive(Deserialize)]
pub struct BankForm {
    #[serde(default)]
    bin: String,
    #[serde(default)]
    account_no: String,
    #[serde(default)]
    account_name: String,
}

pub async fn save_bank(
    State(state): State<AppState>,
    Administrator(admin): Administrator,
    Form(form): Form<BankForm>,
) -> Response {
    let done = admin::save_bank_account(
        &state.db,
        &form.bin,
        &form.account_no,
        &form.account_name,
        &admin.user_id,
        Utc::now(),
    )
    .await;
    answer(done, "ngan-hang")
}
