//! The one-time code forms (#22): verifying the account's phone or email, and the forgotten
//! password (`/quen-mat-khau`). Plain forms answered with POST-redirect-GET, refusals as
//! `?loi=…` ([`CodeRefusal`] for the code, the accounts' own for logins and passwords). The
//! code goes out through the notifications outbox, written with it in one transaction.
//!
//! The forgotten-password answers do not depend on whether an account has the phone or email:
//! both ways parse the same, take the same throttles, draw a code and run one look-up in one
//! transaction, and answer with the same redirect; only an account with that contact VERIFIED
//! gets a code.

use app::auth::{
    code_storage::{self, ChangeOutcome, SendOutcome, TypedOutcome},
    codes::{Attempt, Code, CodeRefusal, Contact},
    form_error::FormError as AccountRefusal,
    login::LoginId,
    password_rules::check_new_password,
    storage,
};
use axum::{
    Form,
    extract::State,
    http::{StatusCode, header},
    response::{IntoResponse, Response},
};
use serde::Deserialize;

use super::{
    ClientIp,
    cookies::{self, SESSION_COOKIE},
    forms::see_other,
    password,
    tokens::random_code,
};
use crate::{
    form_error::{Asker, Context, FormError},
    startup::AppState,
    throttle::{self, minutes},
};

const ACCOUNT: &str = "/tai-khoan";
const CONTACTS: &str = "#lien-he";

fn encode(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

#[derive(Deserialize)]
pub struct SendForm {
    contact: String,
}

/// `POST /tai-khoan/xac-minh/gui`: a code to the account's own phone or email.
#[tracing::instrument(skip_all, fields(user))]
pub async fn send_contact_code(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    asker: Asker,
    Form(form): Form<SendForm>,
) -> Result<Response, FormError> {
    let actor = asker.signed_in(ACCOUNT)?;
    tracing::Span::current().record("user", actor.user_id.as_str());
    let refused = |e: &CodeRefusal| FormError::refused(ACCOUNT, e).and(CONTACTS);
    let contact = Contact::parse(&form.contact).ok_or_else(|| refused(&CodeRefusal::NoContact))?;
    if !state.code_channels().reaches(contact) {
        return Err(refused(&CodeRefusal::CannotSend));
    }
    let limit = [(
        format!("code:send:user:{}", actor.user_id),
        &throttle::CODE_SENDS_PER_USER,
    )];
    if let Some(wait) = throttle::take(&state, &limit, ip.as_deref(), "/tai-khoan/xac-minh/gui")
        .await
        .context("counting a code sent")?
    {
        let minutes = minutes(wait);
        return Err(
            FormError::refused(ACCOUNT, &AccountRefusal::TooMany { minutes }).and(CONTACTS),
        );
    }
    let code = random_code();
    let outcome = code_storage::send_contact_code(
        &state.db,
        &actor.user_id,
        contact,
        &code,
        state.clock.now(),
    )
    .await
    .context("sending a verification code")?;
    match outcome {
        SendOutcome::Sent => Ok(see_other("/tai-khoan?ok=ma-da-gui#lien-he")),
        SendOutcome::AlreadyVerified => Ok(see_other("/tai-khoan?ok=da-xac-minh#lien-he")),
        SendOutcome::NoContact => Err(refused(&CodeRefusal::NoContact)),
        SendOutcome::Wait(wait) => Err(refused(&CodeRefusal::ResendWait {
            seconds: u32::try_from(wait.num_seconds().max(1)).unwrap_or(u32::MAX),
        })),
    }
}

#[derive(Deserialize)]
pub struct ConfirmForm {
    contact: String,
    code: String,
}

/// `POST /tai-khoan/xac-minh`: the code typed; a right one verifies the contact.
#[tracing::instrument(skip_all, fields(user))]
pub async fn confirm_contact(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    asker: Asker,
    Form(form): Form<ConfirmForm>,
) -> Result<Response, FormError> {
    let actor = asker.signed_in(ACCOUNT)?;
    tracing::Span::current().record("user", actor.user_id.as_str());
    let refused = |e: CodeRefusal| FormError::refused(ACCOUNT, &e).and(CONTACTS);
    let contact = Contact::parse(&form.contact).ok_or_else(|| refused(CodeRefusal::NoContact))?;
    let code = Code::parse(&form.code).map_err(refused)?;
    // A stolen session must not become a way to try codes without end.
    let limit = [(
        format!("code:try:user:{}", actor.user_id),
        &throttle::CODE_TRIES_PER_USER,
    )];
    if let Some(wait) = throttle::take(&state, &limit, ip.as_deref(), "/tai-khoan/xac-minh")
        .await
        .context("counting a code typed")?
    {
        let minutes = minutes(wait);
        return Err(
            FormError::refused(ACCOUNT, &AccountRefusal::TooMany { minutes }).and(CONTACTS),
        );
    }
    let outcome = code_storage::confirm_contact(
        &state.db,
        &actor.user_id,
        contact,
        &code,
        ip.as_deref(),
        state.clock.now(),
    )
    .await
    .context("checking a verification code")?;
    match outcome {
        TypedOutcome::Typed(Attempt::Accepted) => {
            app::db::rate_limits::forget(&state.db, &limit[0].0)
                .await
                .context("forgiving earlier slips")?;
            Ok(see_other("/tai-khoan?ok=da-xac-minh#lien-he"))
        }
        TypedOutcome::Typed(Attempt::Wrong { tries_left }) => Err(refused(CodeRefusal::Wrong {
            left: u32::try_from(tries_left).unwrap_or(0),
        })),
        TypedOutcome::Typed(Attempt::Refused(standing)) => Err(refused(
            CodeRefusal::of_standing(standing).unwrap_or(CodeRefusal::NoCode),
        )),
        TypedOutcome::NoCode => Err(refused(CodeRefusal::NoCode)),
    }
}

/// The phone (E.164) or email a forgotten-password form names, and which of the two it is.
fn reset_login(typed: &str) -> Result<(String, Contact), AccountRefusal> {
    let login = LoginId::parse(typed)?;
    Ok((login.key(), Contact::from(&login)))
}

/// The first code to a contact just given (at sign-up, or changed on the account page), when
/// this site can reach it. `true` when one went out; a contact it cannot reach stays
/// unverified and the account works as before.
pub(crate) async fn send_first_code(
    state: &AppState,
    user_id: &str,
    contact: Contact,
) -> Result<bool, FormError> {
    if !state.code_channels().reaches(contact) {
        return Ok(false);
    }
    let outcome = code_storage::send_contact_code(
        &state.db,
        user_id,
        contact,
        &random_code(),
        state.clock.now(),
    )
    .await
    .context("sending a verification code")?;
    Ok(matches!(outcome, SendOutcome::Sent))
}

#[derive(Deserialize)]
pub struct ForgotForm {
    login: String,
}

/// `POST /quen-mat-khau`: a code to the phone or email, if an account has it verified. The
/// answer is the same redirect either way.
#[tracing::instrument(skip_all)]
pub async fn forgot_password(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Form(form): Form<ForgotForm>,
) -> Result<Response, FormError> {
    let back = format!("/quen-mat-khau?login={}", encode(form.login.trim()));
    let (key, contact) = reset_login(&form.login).map_err(|e| FormError::refused(&*back, &e))?;
    // Site-wide, the same for every login of that kind: it tells nothing about accounts.
    if !state.code_channels().reaches(contact) {
        return Err(FormError::refused(&*back, &CodeRefusal::CannotSend));
    }
    let limits = [
        (
            format!("reset:ip:{}", throttle::address_key(ip.as_deref())),
            &throttle::RESET_PER_ADDRESS,
        ),
        (format!("reset:login:{key}"), &throttle::RESET_PER_LOGIN),
    ];
    if let Some(wait) = throttle::take(&state, &limits, ip.as_deref(), "/quen-mat-khau")
        .await
        .context("counting a password reset")?
    {
        let minutes = minutes(wait);
        return Err(FormError::refused(
            &*back,
            &AccountRefusal::TooMany { minutes },
        ));
    }
    // The look-up and the code's write happen after the answer: an address with an account
    // costs a write that one without does not, and the answer's time must not tell them
    // apart. A code lost to a crash in between is asked for again.
    let next = format!("/quen-mat-khau/ma?login={}", encode(&key));
    let code = random_code();
    let (db, now) = (state.db.clone(), state.clock.now());
    tokio::spawn(async move {
        if let Err(e) = code_storage::request_reset(&db, &key, contact, &code, now).await {
            tracing::error!(error = %e, "writing a password reset code failed");
        }
    });
    Ok(see_other(&next))
}

#[derive(Deserialize)]
pub struct ResetForm {
    login: String,
    code: String,
    password: String,
    password_again: String,
}

/// `POST /quen-mat-khau/ma`: the code and the new password. A right code sets it, ends every
/// session of the account (this browser's too) and sends to the sign-in page.
#[tracing::instrument(skip_all)]
pub async fn reset_with_code(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Form(form): Form<ResetForm>,
) -> Result<Response, FormError> {
    let back = format!("/quen-mat-khau/ma?login={}", encode(form.login.trim()));
    let (key, _) = reset_login(&form.login).map_err(|e| FormError::refused(&*back, &e))?;
    let code = Code::parse(&form.code).map_err(|e| FormError::refused(&*back, &e))?;
    check_new_password(&form.password, &key)
        .map_err(|p| FormError::refused(&*back, &AccountRefusal::from(p)))?;
    if form.password != form.password_again {
        return Err(FormError::refused(&*back, &AccountRefusal::PasswordsDiffer));
    }
    let limits = [
        (
            format!("reset:ip:{}", throttle::address_key(ip.as_deref())),
            &throttle::RESET_PER_ADDRESS,
        ),
        (format!("reset:try:{key}"), &throttle::RESET_TRIES_PER_LOGIN),
    ];
    if let Some(wait) = throttle::take(&state, &limits, ip.as_deref(), "/quen-mat-khau/ma")
        .await
        .context("counting a reset code typed")?
    {
        let minutes = minutes(wait);
        return Err(FormError::refused(
            &*back,
            &AccountRefusal::TooMany { minutes },
        ));
    }
    // Hashed whether or not the code is right (no hashing inside the transaction, and the
    // answer takes as long either way).
    let hash = password::hash(form.password)
        .await
        .context("hashing a password")?;
    let outcome = code_storage::confirm_reset(
        &state.db,
        &key,
        &code,
        &hash,
        ip.as_deref(),
        state.clock.now(),
    )
    .await
    .context("resetting a password")?;
    match outcome {
        TypedOutcome::Typed(Attempt::Accepted) => {
            tracing::info!(
                event = "password_reset_by_code",
                "a password was reset by code"
            );
            // This browser's session (if any) ended with the others.
            let cookie = cookies::set(SESSION_COOKIE, "", None, state.secure_cookies());
            Ok((
                StatusCode::SEE_OTHER,
                [
                    (
                        header::LOCATION,
                        format!("/dang-nhap?ok=mat-khau-moi&login={}", encode(&key)),
                    ),
                    (header::SET_COOKIE, cookie),
                ],
            )
                .into_response())
        }
        // One answer for every code that does not work: which one would tell a stranger that
        // an account has this address.
        TypedOutcome::Typed(_) | TypedOutcome::NoCode => {
            tracing::warn!(
                event = "reset_code_refused",
                client = ip.as_deref().unwrap_or("unknown"),
                path = "/quen-mat-khau/ma",
                "a reset code did not work"
            );
            Err(FormError::refused(&*back, &CodeRefusal::ResetRefused))
        }
    }
}

#[derive(Deserialize)]
pub struct ChangeForm {
    value: String,
    current: String,
}

/// `POST /tai-khoan/lien-he`: adds or changes the account's phone or email. The current
/// password is asked: a contact can reset the password, so a borrowed session must not be
/// enough to plant one.
#[tracing::instrument(skip_all, fields(user))]
pub async fn change_contact(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    asker: Asker,
    Form(form): Form<ChangeForm>,
) -> Result<Response, FormError> {
    let actor = asker.signed_in(ACCOUNT)?;
    tracing::Span::current().record("user", actor.user_id.as_str());
    let to = LoginId::parse(&form.value)
        .map_err(|e| FormError::refused(ACCOUNT, &AccountRefusal::from(e)).and(CONTACTS))?;
    // The same count as the change-password form's: both guess the same password.
    let limit = [(
        format!("password:user:{}", actor.user_id),
        &throttle::CURRENT_PASSWORD,
    )];
    if let Some(wait) = throttle::take(&state, &limit, ip.as_deref(), "/tai-khoan/lien-he")
        .await
        .context("counting a password check")?
    {
        let minutes = minutes(wait);
        return Err(
            FormError::refused(ACCOUNT, &AccountRefusal::TooMany { minutes }).and(CONTACTS),
        );
    }
    let stored = storage::password_hash(&state.db, &actor.user_id)
        .await
        .context("reading a password hash")?;
    let right = password::verify(form.current, stored)
        .await
        .map_err(|_| FormError::from(
            (
                StatusCode::SERVICE_UNAVAILABLE,
                [(header::RETRY_AFTER, "5")],
                "Hệ thống đang bận, hãy thử lại sau. / The service is busy, please try again later.",
            )
                .into_response(),
        ))?;
    if !right {
        return Err(
            FormError::refused(ACCOUNT, &AccountRefusal::WrongCurrentPassword).and(CONTACTS),
        );
    }
    app::db::rate_limits::forget(&state.db, &limit[0].0)
        .await
        .context("forgiving earlier slips")?;
    let outcome = code_storage::change_contact(
        &state.db,
        &actor.user_id,
        &to,
        ip.as_deref(),
        state.clock.now(),
    )
    .await
    .context("changing a contact")?;
    match outcome {
        ChangeOutcome::Changed => {
            if send_first_code(&state, &actor.user_id, Contact::from(&to)).await? {
                Ok(see_other("/tai-khoan?ok=da-doi-lien-he-ma#lien-he"))
            } else {
                Ok(see_other("/tai-khoan?ok=da-doi-lien-he#lien-he"))
            }
        }
        ChangeOutcome::Unchanged => Ok(see_other("/tai-khoan?ok=da-doi-lien-he#lien-he")),
        ChangeOutcome::Taken => {
            Err(FormError::refused(ACCOUNT, &CodeRefusal::ContactTaken).and(CONTACTS))
        }
    }
}
