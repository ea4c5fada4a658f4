//! The account forms' POST handlers. Plain HTML forms (they work without JavaScript): each
//! handler answers with a redirect, back to the form with `?loi=<code>` when the input is
//! refused, so the page can say why in the reader's language.

use app::{
    auth::{
        Action, Actor, Denied, authorize, form_error::FormError, login::LoginId,
        password_rules::check_new_password,
    },
    db::{
        accounts::{self, AccountError},
        producers::{self, ApplicationError},
    },
    domain::{product::ProducerKind, text},
};
use axum::{
    Extension, Form,
    extract::{Path, State},
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse, Response},
};
use chrono::Utc;
use serde::Deserialize;

use super::{
    ClientIp,
    cookies::{self, SESSION_COOKIE},
    password,
    session::SessionHash,
    tokens::{is_well_formed, random_token, token_hash},
};
use crate::{
    routes::lang::local_path,
    startup::AppState,
    throttle::{self, minutes},
};

pub(crate) fn see_other(location: &str) -> Response {
    (
        StatusCode::SEE_OTHER,
        [(header::LOCATION, location.to_owned())],
    )
        .into_response()
}

fn with_error(path: &str, error: FormError) -> Response {
    let sep = if path.contains('?') { '&' } else { '?' };
    see_other(&format!("{path}{sep}{}", error.query()))
}

/// Every core is busy hashing passwords: ours to fix, so 503, and the client may retry.
fn busy(e: password::Busy) -> Response {
    tracing::warn!(error = %e, "password check queue full");
    (
        StatusCode::SERVICE_UNAVAILABLE,
        [(header::RETRY_AFTER, "5")],
        "Hệ thống đang bận, hãy thử lại sau. / The service is busy, please try again later.",
    )
        .into_response()
}

pub(crate) fn internal(e: impl std::fmt::Display + 'static) -> Response {
    tracing::error!(error = %e, "a form failed");
    if let Some(fault) = crate::api::error::storage_fault_in(&e) {
        // Said plainly: the person must know their submission was not kept.
        let mut response = (
            StatusCode::SERVICE_UNAVAILABLE,
            [(header::RETRY_AFTER, "60")],
            fault.page_message(),
        )
            .into_response();
        response.extensions_mut().insert(fault);
        return response;
    }
    (
        StatusCode::SERVICE_UNAVAILABLE,
        "Hệ thống đang bận, hãy thử lại sau. / The service is busy, please try again later.",
    )
        .into_response()
}

/// A refusal: a visitor is sent to sign in, a signed-in user without the role gets 403.
pub(crate) fn denied(denied: Denied, back_to: &str) -> Response {
    match denied {
        Denied::NotSignedIn => see_other(&format!("/dang-nhap?next={}", encode(back_to))),
        Denied::Forbidden => (
            StatusCode::FORBIDDEN,
            "Bạn không có quyền làm việc này. / You may not do this.",
        )
            .into_response(),
    }
}

fn encode(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

/// Starts a new session for `user_id` (ending the browser's previous one, so a session id
/// planted before sign-in is worthless after it) and redirects to `next`.
async fn sign_in_and_go(
    state: &AppState,
    headers: &HeaderMap,
    user_id: &str,
    ip: Option<&str>,
    next: &str,
) -> Response {
    if let Some(old) = cookies::get(headers, SESSION_COOKIE).filter(|t| is_well_formed(t))
        && let Err(e) = accounts::delete_session(&state.db, &token_hash(old)).await
    {
        return internal(e);
    }
    // What the guest put in the cart before signing in is not lost.
    if let Some(cart) = cookies::get(headers, app::auth::CART_COOKIE).filter(|t| is_well_formed(t))
        && let Err(e) =
            app::db::cart::merge_guest_into_user(&state.db, &token_hash(cart), user_id, Utc::now())
                .await
    {
        return internal(e);
    }
    let token = random_token();
    let user_agent = headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if let Err(e) =
        accounts::create_session(&state.db, &token_hash(&token), user_id, ip, user_agent).await
    {
        return internal(e);
    }
    let cookie = cookies::set(
        SESSION_COOKIE,
        &token,
        Some(accounts::SESSION_DAYS * 24 * 3600),
        state.secure_cookies(),
    );
    (
        StatusCode::SEE_OTHER,
        [
            (header::LOCATION, next.to_owned()),
            (header::SET_COOKIE, cookie),
        ],
    )
        .into_response()
}

#[derive(Deserialize)]
pub struct SignInForm {
    login: String,
    password: String,
    next: Option<String>,
}

pub async fn sign_in(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    Form(form): Form<SignInForm>,
) -> Response {
    let next = local_path(
        form.next
            .as_deref()
            .filter(|n| !n.is_empty())
            .or(Some("/tai-khoan")),
    );
    let back = format!(
        "/dang-nhap?login={}&next={}",
        encode(form.login.trim()),
        encode(&next)
    );
    let login = match LoginId::parse(&form.login) {
        Ok(l) => l,
        Err(e) => return with_error(&back, e.into()),
    };
    let key = login.key();
    // The attempt is counted before the password is checked, so concurrent guesses cannot all
    // find the count under the limit (see `throttle`).
    let limits = throttle::sign_in_limits(&key, ip.as_deref());
    match throttle::take(&state, &limits, ip.as_deref(), "/dang-nhap").await {
        Ok(None) => {}
        Ok(Some(wait)) => return with_error(&back, FormError::Throttled(minutes(wait))),
        Err(e) => return internal(e),
    }
    let row = match accounts::find_login(&state.db, &key).await {
        Ok(r) => r,
        Err(e) => return internal(e),
    };
    let stored = row.as_ref().and_then(|r| r.password_hash.clone());
    let right = match password::verify(form.password, stored).await {
        Ok(right) => right,
        Err(e) => return busy(e),
    };
    let row = match row {
        Some(row) if right => row,
        _ => {
            tracing::warn!(
                event = "sign_in_failed",
                login = %key,
                client = ip.as_deref().unwrap_or("unknown"),
                path = "/dang-nhap",
                "failed sign-in"
            );
            return with_error(&back, FormError::WrongCredentials);
        }
    };
    if row.status != "active" {
        tracing::warn!(
            event = "sign_in_disabled",
            login = %key,
            client = ip.as_deref().unwrap_or("unknown"),
            path = "/dang-nhap",
            "sign-in to a disabled account"
        );
        return with_error(&back, FormError::AccountDisabled);
    }
    // An administrator's temporary password lasts a day; after that only a new reset helps.
    if row.temporary_password_expired(Utc::now()) {
        return with_error(&back, FormError::TemporaryPasswordExpired);
    }
    // The owner is in: this address's earlier slips are forgiven, and the attempt does not use
    // up what others behind the same address or at the same login may try.
    let [by_address, pair, by_login] = limits;
    if let Err(e) = app::db::rate_limits::forget(&state.db, &pair.0).await {
        return internal(e);
    }
    if let Err(e) = throttle::give_back(&state, &[by_address, by_login]).await {
        return internal(e);
    }
    sign_in_and_go(&state, &headers, &row.id, ip.as_deref(), &next).await
}

#[derive(Deserialize)]
pub struct SignUpForm {
    name: String,
    login: String,
    password: String,
    password_again: String,
}

pub async fn sign_up(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    Form(form): Form<SignUpForm>,
) -> Response {
    let name = form.name.trim();
    let back = format!(
        "/dang-ky?name={}&login={}",
        encode(name),
        encode(form.login.trim())
    );
    if !text::has_visible(name) || name.chars().count() > 100 {
        return with_error(&back, FormError::NameMissing);
    }
    let login = match LoginId::parse(&form.login) {
        Ok(l) => l,
        Err(e) => return with_error(&back, e.into()),
    };
    if let Err(p) = check_new_password(&form.password, &login.key()) {
        return with_error(&back, p.into());
    }
    if form.password != form.password_again {
        return with_error(&back, FormError::PasswordsDiffer);
    }
    // Counted before the hash: accounts (and the hashing they cost) per address are bounded.
    let limit = [(
        format!("signup:ip:{}", throttle::address_key(ip.as_deref())),
        &throttle::SIGN_UP_PER_ADDRESS,
    )];
    match throttle::take(&state, &limit, ip.as_deref(), "/dang-ky").await {
        Ok(None) => {}
        Ok(Some(wait)) => return with_error(&back, FormError::TooMany(minutes(wait))),
        Err(e) => return internal(e),
    }
    let hash = match password::hash(form.password).await {
        Ok(h) => h,
        Err(e) => return internal(e),
    };
    match accounts::create_user(&state.db, &login, name, &hash, ip.as_deref()).await {
        Ok(id) => sign_in_and_go(&state, &headers, &id, ip.as_deref(), "/tai-khoan").await,
        // Not "this login has an account" to whoever asks: the sign-in form, with the login
        // filled in, is what its owner needs, and says no more to a stranger.
        Err(AccountError::LoginTaken) => {
            tracing::info!(
                event = "sign_up_login_taken",
                login = %login.key(),
                client = ip.as_deref().unwrap_or("unknown"),
                path = "/dang-ky",
                "sign-up with a login that has an account"
            );
            see_other(&format!(
                "/dang-nhap?login={}&{}",
                encode(form.login.trim()),
                FormError::SignUpRefused.query()
            ))
        }
        Err(AccountError::Db(e)) => internal(e),
    }
}

pub async fn sign_out(
    State(state): State<AppState>,
    session: Option<Extension<SessionHash>>,
) -> Response {
    if let Some(Extension(SessionHash(hash))) = session
        && let Err(e) = accounts::delete_session(&state.db, &hash).await
    {
        return internal(e);
    }
    let cookie = cookies::set(SESSION_COOKIE, "", None, state.secure_cookies());
    (
        StatusCode::SEE_OTHER,
        [
            (header::LOCATION, "/".to_owned()),
            (header::SET_COOKIE, cookie),
        ],
    )
        .into_response()
}

#[derive(Deserialize)]
pub struct ChangePasswordForm {
    current: String,
    password: String,
    password_again: String,
}

pub async fn change_password(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    actor: Option<Extension<Actor>>,
    session: Option<Extension<SessionHash>>,
    Form(form): Form<ChangePasswordForm>,
) -> Response {
    let Some(Extension(actor)) = actor else {
        return denied(Denied::NotSignedIn, "/tai-khoan");
    };
    // A temporary password's session sees only the change-password page: refusals go back there.
    let back_err = |e| {
        let page = if actor.must_change_password {
            app::auth::CHANGE_PASSWORD_PATH
        } else {
            "/tai-khoan"
        };
        with_error(page, e)
    };
    // A stolen session must not become a way to guess the password (and then keep the account).
    let limit = [(
        format!("password:user:{}", actor.user_id),
        &throttle::CURRENT_PASSWORD,
    )];
    match throttle::take(&state, &limit, ip.as_deref(), "/tai-khoan/mat-khau").await {
        Ok(None) => {}
        Ok(Some(wait)) => return back_err(FormError::TooMany(minutes(wait))),
        Err(e) => return internal(e),
    }
    let stored = match accounts::password_hash(&state.db, &actor.user_id).await {
        Ok(h) => h,
        Err(e) => return internal(e),
    };
    match password::verify(form.current, stored).await {
        Ok(true) => {}
        Ok(false) => {
            tracing::warn!(
                event = "current_password_wrong",
                user = %actor.user_id,
                client = ip.as_deref().unwrap_or("unknown"),
                path = "/tai-khoan/mat-khau",
                "wrong current password"
            );
            return back_err(FormError::WrongCurrentPassword);
        }
        Err(e) => return busy(e),
    }
    if let Err(e) = app::db::rate_limits::forget(&state.db, &limit[0].0).await {
        return internal(e);
    }
    let login_key = match login_key_of(&state, &actor.user_id).await {
        Ok(k) => k,
        Err(e) => return internal(e),
    };
    if let Err(p) = check_new_password(&form.password, &login_key) {
        return back_err(p.into());
    }
    if form.password != form.password_again {
        return back_err(FormError::PasswordsDiffer);
    }
    let hash = match password::hash(form.password).await {
        Ok(h) => h,
        Err(e) => return internal(e),
    };
    let keep = session.map(|Extension(SessionHash(h))| h);
    match accounts::set_password(
        &state.db,
        &actor.user_id,
        &hash,
        None,
        keep.as_deref(),
        ip.as_deref(),
    )
    .await
    {
        Ok(_) => see_other("/tai-khoan?ok=password#mat-khau"),
        Err(e) => internal(e),
    }
}

async fn login_key_of(state: &AppState, user_id: &str) -> Result<String, sqlx::Error> {
    let (phone, email): (Option<String>, Option<String>) = sqlx::query_as(LOGIN_KEY_OF)
        .bind(user_id)
        .fetch_one(state.db.pool())
        .await?;
    Ok(phone.or(email).unwrap_or_default())
}

#[derive(Deserialize)]
pub struct ApplyForm {
    name: String,
    kind: String,
    commune_id: String,
}

pub async fn apply_for_producer(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    actor: Option<Extension<Actor>>,
    Form(form): Form<ApplyForm>,
) -> Response {
    let actor = actor.map(|Extension(a)| a);
    if let Err(d) = authorize(actor.as_ref(), Action::ApplyForProducer) {
        return denied(d, "/tai-khoan");
    }
    let actor = actor.expect("authorized actors are signed in");
    let name = form.name.trim();
    let back = "/tai-khoan";
    if !text::has_visible(name) || name.chars().count() > 150 {
        return with_error(back, FormError::NameMissing);
    }
    let Some(kind) = ProducerKind::parse(&form.kind) else {
        return with_error(back, FormError::ProducerKindUnknown);
    };
    match producers::apply(
        &state.db,
        &actor.user_id,
        name,
        kind,
        &form.commune_id,
        ip.as_deref(),
    )
    .await
    {
        Ok(_) => see_other("/tai-khoan?ok=applied"),
        Err(ApplicationError::UnknownCommune) => with_error(back, FormError::CommuneUnknown),
        Err(ApplicationError::NameTaken) => with_error(back, FormError::ProducerNameTaken),
        Err(ApplicationError::Db(e)) => internal(e),
    }
}

#[derive(Deserialize)]
pub struct DecisionForm {
    decision: String,
    #[serde(default)]
    reason: String,
}

pub async fn decide_application(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    actor: Option<Extension<Actor>>,
    Path(producer_id): Path<String>,
    Form(form): Form<DecisionForm>,
) -> Response {
    let actor = actor.map(|Extension(a)| a);
    let commune = match producers::commune_of(&state.db, &producer_id).await {
        Ok(Some(c)) => c,
        Ok(None) => return (StatusCode::NOT_FOUND, "Không tìm thấy. / Not found.").into_response(),
        Err(e) => return internal(e),
    };
    if let Err(d) = authorize(
        actor.as_ref(),
        Action::ActInCommune {
            commune_id: &commune,
        },
    ) {
        return denied(d, "/can-bo");
    }
    let actor = actor.expect("authorized actors are signed in");
    let reason = form.reason.trim();
    let rejection = match form.decision.as_str() {
        "approve" => None,
        "reject" if reason.is_empty() => return with_error("/can-bo", FormError::ReasonMissing),
        "reject" => Some(reason),
        _ => return (StatusCode::BAD_REQUEST, "decision: approve | reject").into_response(),
    };
    match producers::decide(
        &state.db,
        &producer_id,
        rejection,
        &actor.user_id,
        ip.as_deref(),
    )
    .await
    {
        Ok(_) => see_other(if rejection.is_some() {
            "/can-bo?ok=rejected"
        } else {
            "/can-bo?ok=approved"
        }),
        Err(e) => internal(e),
    }
}

#[derive(Deserialize)]
pub struct ResetForm {
    temporary_password: String,
}

pub async fn reset_password(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    actor: Option<Extension<Actor>>,
    Path(user_id): Path<String>,
    Form(form): Form<ResetForm>,
) -> Response {
    let actor = actor.map(|Extension(a)| a);
    if let Err(d) = authorize(actor.as_ref(), Action::Administer) {
        return denied(d, "/quan-tri/nguoi-dung");
    }
    let admin = actor.expect("authorized actors are signed in");
    let back = "/quan-tri/nguoi-dung";
    let login_key = match login_key_of(&state, &user_id).await {
        Ok(k) => k,
        Err(sqlx::Error::RowNotFound) => return with_error(back, FormError::UserUnknown),
        Err(e) => return internal(e),
    };
    if let Err(p) = check_new_password(&form.temporary_password, &login_key) {
        return with_error(back, p.into());
    }
    let hash = match password::hash(form.temporary_password).await {
        Ok(h) => h,
        Err(e) => return internal(e),
    };
    match accounts::set_password(
        &state.db,
        &user_id,
        &hash,
        Some(&admin.user_id),
        None,
        ip.as_deref(),
    )
    .await
    {
        Ok(true) => see_other("/quan-tri/nguoi-dung?ok=reset"),
        Ok(false) => with_error(back, FormError::UserUnknown),
        Err(e) => internal(e),
    }
}

// The module's SQL, each statement prepared on both engines by the `sql` integration test.
app::sql_statements! {
    /// `login_key_of`.
    LOGIN_KEY_OF = "SELECT phone, email FROM users WHERE id = $1";
}
