//! Why an account form was refused. The server redirects back to the form with `?loi=<code>`
//! (so forms work without JavaScript); the page shows the message in the reader's language.

use serde::{Deserialize, Serialize};

use super::texts::AccountTexts;
use crate::pages::refusal::{Refusal, number};

/// Why an account form was refused. Serialised as the query the form goes back with:
/// `loi=<code>`, and for the throttles the minutes to wait (`phut`). The page and the handlers
/// (`server::auth::forms`) both use this type, so a reason one side does not know does not
/// compile.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "loi", rename_all = "kebab-case")]
pub enum FormError {
    LoginEmpty,
    BadEmail,
    BadPhone,
    NameMissing,
    #[serde(rename = "password-short")]
    PasswordTooShort,
    #[serde(rename = "password-long")]
    PasswordTooLong,
    PasswordCommon,
    #[serde(rename = "password-login")]
    PasswordContainsLogin,
    PasswordsDiffer,
    /// Sign-up with a login that cannot be used; said without telling a stranger whether the
    /// login has an account (the sign-in page shows it, with the login filled in).
    #[serde(rename = "signup-refused")]
    SignUpRefused,
    WrongCredentials,
    /// Too many failed logins: try again after this many minutes.
    Throttled {
        #[serde(
            rename = "phut",
            default = "one",
            deserialize_with = "number::deserialize"
        )]
        minutes: u32,
    },
    /// Too many attempts at another form (sign-up, the current password): wait this many
    /// minutes.
    TooMany {
        #[serde(
            rename = "phut",
            default = "one",
            deserialize_with = "number::deserialize"
        )]
        minutes: u32,
    },
    WrongCurrentPassword,
    #[serde(rename = "disabled")]
    AccountDisabled,
    CommuneUnknown,
    ProducerKindUnknown,
    ProducerNameTaken,
    ReasonMissing,
    UserUnknown,
    /// The form's anti-forgery token was missing or stale (e.g. a page left open for days).
    FormExpired,
    /// The right temporary password, after its 24 hours: the administrator sets a new one.
    #[serde(rename = "temporary-expired")]
    TemporaryPasswordExpired,
}

/// A throttle's wait when the link does not say.
fn one() -> u32 {
    1
}

impl Refusal for FormError {
    /// Nothing: the pages with this notice (the officer's, the administrator's) also show other
    /// forms' notices, which explain their own codes.
    fn unknown() -> Option<Self> {
        None
    }
}

impl FormError {
    pub fn message(self, t: &AccountTexts) -> String {
        match self {
            FormError::LoginEmpty => t.err_login_empty.to_owned(),
            FormError::BadEmail => t.err_bad_email.to_owned(),
            FormError::BadPhone => t.err_bad_phone.to_owned(),
            FormError::NameMissing => t.err_name_missing.to_owned(),
            FormError::PasswordTooShort => {
                (t.err_password_short)(super::password_rules::MIN_PASSWORD_CHARS)
            }
            FormError::PasswordTooLong => {
                (t.err_password_long)(super::password_rules::MAX_PASSWORD_CHARS)
            }
            FormError::PasswordCommon => t.err_password_common.to_owned(),
            FormError::PasswordContainsLogin => t.err_password_login.to_owned(),
            FormError::PasswordsDiffer => t.err_passwords_differ.to_owned(),
            FormError::SignUpRefused => t.err_signup_refused.to_owned(),
            FormError::WrongCredentials => t.err_wrong_credentials.to_owned(),
            FormError::Throttled { minutes } => (t.err_throttled)(minutes),
            FormError::TooMany { minutes } => (t.err_too_many)(minutes),
            FormError::WrongCurrentPassword => t.err_wrong_current_password.to_owned(),
            FormError::AccountDisabled => t.err_disabled.to_owned(),
            FormError::CommuneUnknown => t.err_commune_unknown.to_owned(),
            FormError::ProducerKindUnknown => t.err_producer_kind.to_owned(),
            FormError::ProducerNameTaken => t.err_producer_name_taken.to_owned(),
            FormError::ReasonMissing => t.err_reason_missing.to_owned(),
            FormError::UserUnknown => t.err_user_unknown.to_owned(),
            FormError::FormExpired => t.err_form_expired.to_owned(),
            FormError::TemporaryPasswordExpired => t.err_temporary_expired.to_owned(),
        }
    }
}

impl From<super::password_rules::PasswordProblem> for FormError {
    fn from(p: super::password_rules::PasswordProblem) -> Self {
        use super::password_rules::PasswordProblem as P;
        match p {
            P::TooShort => FormError::PasswordTooShort,
            P::TooLong => FormError::PasswordTooLong,
            P::Common => FormError::PasswordCommon,
            P::ContainsLogin => FormError::PasswordContainsLogin,
        }
    }
}

impl From<super::login::LoginIdError> for FormError {
    fn from(e: super::login::LoginIdError) -> Self {
        use super::login::LoginIdError as E;
        match e {
            E::Empty => FormError::LoginEmpty,
            E::BadEmail => FormError::BadEmail,
            E::BadPhone => FormError::BadPhone,
        }
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;
    use crate::pages::refusal::{assert_each_round_trips, read};

    /// Every reason's code.
    fn code(e: FormError) -> &'static str {
        // No catch-all: a new reason stops this compiling; add its query to `QUERIES` too.
        use FormError::*;
        match e {
            LoginEmpty => "login-empty",
            BadEmail => "bad-email",
            BadPhone => "bad-phone",
            NameMissing => "name-missing",
            PasswordTooShort => "password-short",
            PasswordTooLong => "password-long",
            PasswordCommon => "password-common",
            PasswordContainsLogin => "password-login",
            PasswordsDiffer => "passwords-differ",
            SignUpRefused => "signup-refused",
            WrongCredentials => "wrong-credentials",
            Throttled { .. } => "throttled",
            TooMany { .. } => "too-many",
            WrongCurrentPassword => "wrong-current-password",
            AccountDisabled => "disabled",
            CommuneUnknown => "commune-unknown",
            ProducerKindUnknown => "producer-kind-unknown",
            ProducerNameTaken => "producer-name-taken",
            ReasonMissing => "reason-missing",
            UserUnknown => "user-unknown",
            FormExpired => "form-expired",
            TemporaryPasswordExpired => "temporary-expired",
        }
    }

    /// One query per reason: the codes the pages already link to.
    const QUERIES: [&str; 22] = [
        "loi=login-empty",
        "loi=bad-email",
        "loi=bad-phone",
        "loi=name-missing",
        "loi=password-short",
        "loi=password-long",
        "loi=password-common",
        "loi=password-login",
        "loi=passwords-differ",
        "loi=signup-refused",
        "loi=wrong-credentials",
        "loi=throttled&phut=7",
        "loi=too-many&phut=3",
        "loi=wrong-current-password",
        "loi=disabled",
        "loi=commune-unknown",
        "loi=producer-kind-unknown",
        "loi=producer-name-taken",
        "loi=reason-missing",
        "loi=user-unknown",
        "loi=form-expired",
        "loi=temporary-expired",
    ];

    fn refusal_in(query: &str) -> Option<FormError> {
        read(query)
    }

    #[test]
    fn every_refusal_round_trips_through_its_url_code_and_has_texts() {
        assert_each_round_trips(
            &QUERIES,
            |e| code(*e),
            |e, locale| e.message(AccountTexts::of(locale)),
        );
        assert_eq!(
            refusal_in("loi=throttled&phut=7"),
            Some(FormError::Throttled { minutes: 7 })
        );
    }

    #[test]
    fn an_unknown_code_shows_nothing_and_missing_minutes_read_as_one() {
        assert_eq!(refusal_in("loi=%3Cscript%3E"), None);
        assert_eq!(refusal_in("loi=cert_stars"), None, "another form's code");
        assert_eq!(
            refusal_in("loi=throttled"),
            Some(FormError::Throttled { minutes: 1 })
        );
        assert_eq!(refusal_in("ok=1"), None);
    }
}
