//! The account forms' POST handlers. Plain HTML forms (they work without JavaScript): each
//! handler answers with a redirect, back to the form with `?loi=<code>` when the input is
//! refused, so the page can say why in the reader's language.

use app::{
    auth::{
        Action, Denied,
        codes::Contact,
        form_error::FormError as AccountRefusal,
        login::LoginId,
        password_rules::check_new_password,
        producers::{self, ApplicationError},
        storage::{self, AccountError},
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
    form_error::{Administrator, Asker, Context, FormError},
    routes::lang::local_path,
    shop::shopper::Shopper,
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

/// Every core is busy hashing passwords: ours to fix, so 503, and the client may retry.
pub(crate) fn busy(e: password::Busy) -> FormError {
    tracing::warn!(error = %e, "password check queue full");
    (
        StatusCode::SERVICE_UNAVAILABLE,
        [(header::RETRY_AFTER, "5")],
        "Hệ thống đang bận, hãy thử lại sau. / The service is busy, please try again later.",
    )
        .into_response()
        .into()
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
    shopper: &Shopper,
    user_id: &str,
    ip: Option<&str>,
    next: &str,
) -> Result<Response, FormError> {
    if let Some(old) = cookies::get(headers, SESSION_COOKIE).filter(|t| is_well_formed(t)) {
        storage::delete_session(&state.db, &token_hash(old))
            .await
            .context("ending the previous session")?;
    }
    // What the guest put in the cart before signing in is not lost.
    if let Some(cart) = shopper.guest_hash() {
        app::shop::storage::cart::merge_guest_into_user(&state.db, cart, user_id, Utc::now())
            .await
            .context("keeping the guest's cart")?;
    }
    let token = random_token();
    let user_agent = headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    storage::create_session(&state.db, &token_hash(&token), user_id, ip, user_agent)
        .await
        .context("starting a session")?;
    let cookie = cookies::set(
        SESSION_COOKIE,
        &token,
        Some(storage::SESSION_DAYS * 24 * 3600),
        state.secure_cookies(),
    );
    Ok((
        StatusCode::SEE_OTHER,
        [
            (header::LOCATION, next.to_owned()),
            (header::SET_COOKIE, cookie),
        ],
    )
        .into_response())
}

#[derive(Deserialize)]
pub struct SignInForm {
    login: String,
    password: String,
    next: Option<String>,
}

#[tracing::instrument(skip_all)]
pub async fn sign_in(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    shopper: Shopper,
    Form(form): Form<SignInForm>,
) -> Result<Response, FormError> {
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
    let refused = |e: AccountRefusal| FormError::refused(back.as_str(), &e);
    let login = LoginId::parse(&form.login).map_err(|e| refused(e.into()))?;
    let key = login.key();
    // The attempt is counted before the password is checked, so concurrent guesses cannot all
    // find the count under the limit (see `throttle`).
    let limits = throttle::sign_in_limits(&key, ip.as_deref());
    if let Some(wait) = throttle::take(&state, &limits, ip.as_deref(), "/dang-nhap")
        .await
        .context("counting a sign-in attempt")?
    {
        let minutes = minutes(wait);
        return Err(refused(AccountRefusal::Throttled { minutes }));
    }
    let row = storage::find_login(&state.db, &key)
        .await
        .context("finding a login")?;
    let stored = row.as_ref().and_then(|r| r.password_hash.clone());
    let right = password::verify(form.password, stored)
        .await
        .map_err(busy)?;
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
            return Err(refused(AccountRefusal::WrongCredentials));
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
        return Err(refused(AccountRefusal::AccountDisabled));
    }
    // An administrator's temporary password lasts a day; after that only a new reset helps.
    if row.temporary_password_expired(Utc::now()) {
        return Err(refused(AccountRefusal::TemporaryPasswordExpired));
    }
    // The owner is in: this address's earlier slips are forgiven, and the attempt does not use
    // up what others behind the same address or at the same login may try.
    let [by_address, pair, by_login] = limits;
    app::db::rate_limits::forget(&state.db, &pair.0)
        .await
        .context("forgiving earlier slips")?;
    throttle::give_back(&state, &[by_address, by_login])
        .await
        .context("giving back an attempt")?;
    sign_in_and_go(&state, &headers, &shopper, &row.id, ip.as_deref(), &next).await
}

#[derive(Deserialize)]
pub struct SignUpForm {
    name: String,
    login: String,
    password: String,
    password_again: String,
    /// The unticked "news and offers" box: present only when ticked.
    #[serde(default)]
    marketing: Option<String>,
}

#[tracing::instrument(skip_all)]
pub async fn sign_up(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    shopper: Shopper,
    Form(form): Form<SignUpForm>,
) -> Result<Response, FormError> {
    let name = form.name.trim();
    let back = format!(
        "/dang-ky?name={}&login={}",
        encode(name),
        encode(form.login.trim())
    );
    let refused = |e: AccountRefusal| FormError::refused(back.as_str(), &e);
    if !text::has_visible(name) || name.chars().count() > 100 {
        return Err(refused(AccountRefusal::NameMissing));
    }
    let login = LoginId::parse(&form.login).map_err(|e| refused(e.into()))?;
    check_new_password(&form.password, &login.key()).map_err(|p| refused(p.into()))?;
    if form.password != form.password_again {
        return Err(refused(AccountRefusal::PasswordsDiffer));
    }
    // Counted before the hash: accounts (and the hashing they cost) per address are bounded.
    let limit = [(
        format!("signup:ip:{}", throttle::address_key(ip.as_deref())),
        &throttle::SIGN_UP_PER_ADDRESS,
    )];
    if let Some(wait) = throttle::take(&state, &limit, ip.as_deref(), "/dang-ky")
        .await
        .context("counting a sign-up")?
    {
        let minutes = minutes(wait);
        return Err(refused(AccountRefusal::TooMany { minutes }));
    }
    let hash = password::hash(form.password)
        .await
        .context("hashing a password")?;
    match storage::create_user(
        &state.db,
        &login,
        name,
        &hash,
        form.marketing.is_some(),
        ip.as_deref(),
    )
    .await
    {
        Ok(id) => {
            let sent = super::codes::send_first_code(&state, &id, Contact::from(&login)).await?;
            let next = if sent {
                "/tai-khoan?ok=ma-da-gui#lien-he"
            } else {
                "/tai-khoan"
            };
            sign_in_and_go(&state, &headers, &shopper, &id, ip.as_deref(), next).await
        }
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
            Err(FormError::refused(
                format!("/dang-nhap?login={}", encode(form.login.trim())),
                &AccountRefusal::SignUpRefused,
            ))
        }
        Err(AccountError::Db(e)) => Err(FormError::unavailable("creating an account", e)),
    }
}

#[tracing::instrument(skip_all)]
pub async fn sign_out(
    State(state): State<AppState>,
    session: Option<Extension<SessionHash>>,
) -> Result<Response, FormError> {
    if let Some(Extension(SessionHash(hash))) = session {
        storage::delete_session(&state.db, &hash)
            .await
            .context("ending a session")?;
    }
    let cookie = cookies::set(SESSION_COOKIE, "", None, state.secure_cookies());
    Ok((
        StatusCode::SEE_OTHER,
        [
            (header::LOCATION, "/".to_owned()),
            (header::SET_COOKIE, cookie),
        ],
    )
        .into_response())
}

#[derive(Deserialize)]
pub struct ChangePasswordForm {
    current: String,
    password: String,
    password_again: String,
}

#[tracing::instrument(skip_all, fields(user))]
pub async fn change_password(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    asker: Asker,
    session: Option<Extension<SessionHash>>,
    Form(form): Form<ChangePasswordForm>,
) -> Result<Response, FormError> {
    let actor = asker.signed_in("/tai-khoan")?;
    tracing::Span::current().record("user", actor.user_id.as_str());
    // A temporary password's session sees only the change-password page: refusals go back there.
    let page = if actor.must_change_password {
        app::auth::CHANGE_PASSWORD_PATH
    } else {
        "/tai-khoan"
    };
    let refused = |e: AccountRefusal| FormError::refused(page, &e);
    // A stolen session must not become a way to guess the password (and then keep the account).
    let limit = [(
        format!("password:user:{}", actor.user_id),
        &throttle::CURRENT_PASSWORD,
    )];
    if let Some(wait) = throttle::take(&state, &limit, ip.as_deref(), "/tai-khoan/mat-khau")
        .await
        .context("counting a password check")?
    {
        let minutes = minutes(wait);
        return Err(refused(AccountRefusal::TooMany { minutes }));
    }
    let stored = storage::password_hash(&state.db, &actor.user_id)
        .await
        .context("reading a password hash")?;
    if !password::verify(form.current, stored).await.map_err(busy)? {
        tracing::warn!(
            event = "current_password_wrong",
            user = %actor.user_id,
            client = ip.as_deref().unwrap_or("unknown"),
            path = "/tai-khoan/mat-khau",
            "wrong current password"
        );
        return Err(refused(AccountRefusal::WrongCurrentPassword));
    }
    app::db::rate_limits::forget(&state.db, &limit[0].0)
        .await
        .context("forgiving earlier slips")?;
    let login_key = login_key_of(&state, &actor.user_id)
        .await
        .context("reading a login")?;
    check_new_password(&form.password, &login_key).map_err(|p| refused(p.into()))?;
    if form.password != form.password_again {
        return Err(refused(AccountRefusal::PasswordsDiffer));
    }
    let hash = password::hash(form.password)
        .await
        .context("hashing a password")?;
    let keep = session.map(|Extension(SessionHash(h))| h);
    storage::set_password(
        &state.db,
        &actor.user_id,
        &hash,
        None,
        keep.as_deref(),
        ip.as_deref(),
    )
    .await
    .context("changing a password")?;
    Ok(see_other("/tai-khoan?ok=password#mat-khau"))
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
    /// The seller's legal identity: optional here, required before the first listing.
    #[serde(flatten)]
    identity: crate::seller::identity::IdentityForm,
}

#[tracing::instrument(skip_all, fields(commune = %form.commune_id))]
pub async fn apply_for_producer(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    asker: Asker,
    Form(form): Form<ApplyForm>,
) -> Result<Response, FormError> {
    let back = "/tai-khoan";
    let actor = asker.may(Action::ApplyForProducer, back)?;
    let refused = |e: AccountRefusal| FormError::refused(back, &e);
    let name = form.name.trim();
    if !text::has_visible(name) || name.chars().count() > 150 {
        return Err(refused(AccountRefusal::NameMissing));
    }
    let kind = ProducerKind::parse(&form.kind)
        .ok_or_else(|| refused(AccountRefusal::ProducerKindUnknown))?;
    let identity = if form.identity.is_blank() {
        None
    } else {
        Some(
            form.identity
                .parse(kind)
                .map_err(|r| FormError::refused(back, &r).and("#ban-hang"))?,
        )
    };
    match producers::apply(
        &state.db,
        &actor.user_id,
        name,
        kind,
        &form.commune_id,
        identity.as_ref(),
        ip.as_deref(),
    )
    .await
    {
        Ok(_) => Ok(see_other("/tai-khoan?ok=applied")),
        Err(ApplicationError::UnknownCommune) => Err(refused(AccountRefusal::CommuneUnknown)),
        Err(ApplicationError::NameTaken) => Err(refused(AccountRefusal::ProducerNameTaken)),
        Err(ApplicationError::Db(e)) => Err(FormError::unavailable("applying to sell", e)),
    }
}

#[derive(Deserialize)]
pub struct DecisionForm {
    decision: String,
    #[serde(default)]
    reason: String,
}

#[tracing::instrument(skip_all, fields(producer = %producer_id, decision = %form.decision))]
pub async fn decide_application(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    asker: Asker,
    Path(producer_id): Path<String>,
    Form(form): Form<DecisionForm>,
) -> Result<Response, FormError> {
    let commune_id = &producers::commune_of(&state.db, &producer_id)
        .await
        .context("finding an applicant's commune")?
        .ok_or(FormError::NotFound)?;
    let actor = asker.may(Action::ActInCommune { commune_id }, "/can-bo")?;
    let reason = form.reason.trim();
    let rejection = match form.decision.as_str() {
        "approve" => None,
        "reject" if reason.is_empty() => {
            return Err(FormError::refused(
                "/can-bo",
                &AccountRefusal::ReasonMissing,
            ));
        }
        "reject" => Some(reason),
        _ => {
            return Err((StatusCode::BAD_REQUEST, "decision: approve | reject")
                .into_response()
                .into());
        }
    };
    producers::decide(
        &state.db,
        &producer_id,
        rejection,
        &actor.user_id,
        ip.as_deref(),
    )
    .await
    .context("deciding an application")?;
    Ok(see_other(if rejection.is_some() {
        "/can-bo?ok=rejected"
    } else {
        "/can-bo?ok=approved"
    }))
}

#[derive(Deserialize)]
pub struct ResetForm {
    temporary_password: String,
}

#[tracing::instrument(skip_all, fields(admin = %admin.user_id, user = %user_id))]
pub async fn reset_password(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Administrator(admin): Administrator,
    Path(user_id): Path<String>,
    Form(form): Form<ResetForm>,
) -> Result<Response, FormError> {
    let refused = |e: AccountRefusal| FormError::refused("/quan-tri/nguoi-dung", &e);
    let login_key = match login_key_of(&state, &user_id).await {
        Ok(k) => k,
        Err(sqlx::Error::RowNotFound) => return Err(refused(AccountRefusal::UserUnknown)),
        Err(e) => return Err(FormError::unavailable("reading a login", e)),
    };
    check_new_password(&form.temporary_password, &login_key).map_err(|p| refused(p.into()))?;
    let hash = password::hash(form.temporary_password)
        .await
        .context("hashing a password")?;
    let found = storage::set_password(
        &state.db,
        &user_id,
        &hash,
        Some(&admin.user_id),
        None,
        ip.as_deref(),
    )
    .await
    .context("setting a temporary password")?;
    if !found {
        return Err(refused(AccountRefusal::UserUnknown));
    }
    Ok(see_other("/quan-tri/nguoi-dung?ok=reset"))
}

// The module's SQL, each statement prepared on both engines by the `sql` integration test.
app::sql_statements! {
    /// `login_key_of`.
    LOGIN_KEY_OF = "SELECT phone, email FROM users WHERE id = $1";
}
