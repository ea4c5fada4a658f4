//! The province administrator's forms (`/quan-tri/...`): rename and merge communes, commune
//! officers, the marketplace's bank account. Every handler checks `Action::Administer`, then
//! redirects back with `?ok=1` or `?loi=<code>`.

use app::{
    admin::storage::{self, AdminError},
    auth::login::LoginId,
    officer::form::OfficerRefusal,
    seller::form::ListingRefusal,
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
    form_error::{Administrator, Context, FormError},
    startup::AppState,
};

const BACK: &str = "/quan-tri";

const USERS: &str = "/quan-tri/nguoi-dung";

/// An administrator's change refused with `e`'s reason, back to `back`; the database failing
/// is ours.
fn refused(back: &str, e: AdminError) -> FormError {
    match OfficerRefusal::try_from(e) {
        Ok(refusal) => FormError::refused(back, &refusal),
        Err(e) => FormError::unavailable("an administrator's change", e),
    }
}

/// Back to the province page's section `anchor`: saved, or why not.
fn answer(result: Result<(), AdminError>, anchor: &str) -> Result<Response, FormError> {
    result.map_err(|e| refused(BACK, e).and(&format!("#{anchor}")))?;
    Ok(see_other(&format!("{BACK}?ok=1#{anchor}")))
}

#[derive(Deserialize)]
pub struct CreateForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    kind: String,
}

#[tracing::instrument(skip_all, fields(admin = %admin.user_id))]
pub async fn create_commune(
    State(state): State<AppState>,
    Administrator(admin): Administrator,
    Form(form): Form<CreateForm>,
) -> Result<Response, FormError> {
    let done = storage::create_commune(
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

#[tracing::instrument(skip_all, fields(admin = %admin.user_id))]
pub async fn rename_commune(
    State(state): State<AppState>,
    Administrator(admin): Administrator,
    Form(form): Form<RenameForm>,
) -> Result<Response, FormError> {
    let done = storage::rename_commune(
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

#[tracing::instrument(skip_all, fields(admin = %admin.user_id))]
pub async fn merge_communes(
    State(state): State<AppState>,
    Administrator(admin): Administrator,
    Form(form): Form<MergeForm>,
) -> Result<Response, FormError> {
    let done = storage::merge_communes(
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

#[tracing::instrument(skip_all, fields(admin = %admin.user_id))]
pub async fn add_officer(
    State(state): State<AppState>,
    Administrator(admin): Administrator,
    Form(form): Form<OfficerForm>,
) -> Result<Response, FormError> {
    let unknown = || FormError::refused(BACK, &OfficerRefusal::UserUnknown).and("#can-bo");
    let login = LoginId::parse(&form.login).map_err(|_| unknown())?;
    let user = app::auth::storage::find_login(&state.db, &login.key())
        .await
        .context("finding an officer's account")?
        .ok_or_else(unknown)?;
    let done = storage::add_officer(
        &state.db,
        &user.id,
        &form.commune_id,
        &admin.user_id,
        Utc::now(),
    )
    .await;
    answer(done, "can-bo")
}

#[tracing::instrument(skip_all, fields(admin = %admin.user_id))]
pub async fn remove_officer(
    State(state): State<AppState>,
    Administrator(admin): Administrator,
    Form(form): Form<OfficerForm>,
) -> Result<Response, FormError> {
    let done =
        storage::remove_officer(&state.db, &form.user_id, &form.commune_id, &admin.user_id).await;
    answer(done, "can-bo")
}

#[derive(Deserialize)]
pub struct UserForm {
    #[serde(default)]
    change: String,
}

/// `POST /quan-tri/nguoi-dung/{user_id}/trang-thai`: disable or enable an account, grant or
/// revoke the administrator role.
#[tracing::instrument(skip_all, fields(admin = %admin.user_id, user = %user_id))]
pub async fn change_user(
    State(state): State<AppState>,
    Administrator(admin): Administrator,
    Path(user_id): Path<String>,
    Form(form): Form<UserForm>,
) -> Result<Response, FormError> {
    let back = USERS;
    let change = storage::UserChange::parse(&form.change)
        .ok_or_else(|| FormError::refused(back, &OfficerRefusal::UserUnknown))?;
    storage::change_user(&state.db, &user_id, change, &admin.user_id, Utc::now())
        .await
        .map_err(|e| refused(back, e))?;
    Ok(see_other(&format!("{back}?ok=user")))
}

#[derive(Deserialize)]
pub struct ShippingForm {
    #[serde(default)]
    base: String,
}

/// The delivery fee new producers start with.
#[tracing::instrument(skip_all, fields(admin = %admin.user_id))]
pub async fn save_shipping(
    State(state): State<AppState>,
    Administrator(admin): Administrator,
    Form(form): Form<ShippingForm>,
) -> Result<Response, FormError> {
    let base = match app::domain::money::Vnd::parse(&form.base) {
        Ok(b) if b.dong() <= 5_000_000 => b,
        // The fee is a price: the listing form's words for it.
        _ => return Err(FormError::refused(BACK, &ListingRefusal::Price).and("#giao-hang")),
    };
    let done = storage::save_default_shipping(&state.db, base, &admin.user_id, Utc::now()).await;
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

#[tracing::instrument(skip_all, fields(admin = %admin.user_id))]
pub async fn save_bank(
    State(state): State<AppState>,
    Administrator(admin): Administrator,
    Form(form): Form<BankForm>,
) -> Result<Response, FormError> {
    let done = storage::save_bank_account(
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
