//! Why an account form was refused. The server redirects back to the form with `?loi=<code>`
//! (so forms work without JavaScript); the page shows the message in the reader's language.

use super::texts::AccountTexts;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FormError {
    LoginEmpty,
    BadEmail,
    BadPhone,
    NameMissing,
    PasswordTooShort,
    PasswordTooLong,
    PasswordCommon,
    PasswordContainsLogin,
    PasswordsDiffer,
    /// Sign-up with a login that cannot be used; said without telling a stranger whether the
    /// login has an account (the sign-in page shows it, with the login filled in).
    SignUpRefused,
    WrongCredentials,
    /// Too many failed logins: try again after this many minutes.
    Throttled(u32),
    /// Too many attempts at another form (sign-up, the current password): wait this many
    /// minutes.
    TooMany(u32),
    WrongCurrentPassword,
    AccountDisabled,
    CommuneUnknown,
    ProducerKindUnknown,
    ProducerNameTaken,
    ReasonMissing,
    UserUnknown,
    /// The form's anti-forgery token was missing or stale (e.g. a page left open for days).
    FormExpired,
    /// The right temporary password, after its 24 hours: the administrator sets a new one.
    TemporaryPasswordExpired,
}

impl FormError {
    /// The query value; `Throttled` also sends `phut` (minutes).
    pub fn code(self) -> &'static str {
        match self {
            FormError::LoginEmpty => "login-empty",
            FormError::BadEmail => "bad-email",
            FormError::BadPhone => "bad-phone",
            FormError::NameMissing => "name-missing",
            FormError::PasswordTooShort => "password-short",
            FormError::PasswordTooLong => "password-long",
            FormError::PasswordCommon => "password-common",
            FormError::PasswordContainsLogin => "password-login",
            FormError::PasswordsDiffer => "passwords-differ",
            FormError::SignUpRefused => "signup-refused",
            FormError::WrongCredentials => "wrong-credentials",
            FormError::Throttled(_) => "throttled",
            FormError::TooMany(_) => "too-many",
            FormError::WrongCurrentPassword => "wrong-current-password",
            FormError::AccountDisabled => "disabled",
            FormError::CommuneUnknown => "commune-unknown",
            FormError::ProducerKindUnknown => "producer-kind-unknown",
            FormError::ProducerNameTaken => "producer-name-taken",
            FormError::ReasonMissing => "reason-missing",
            FormError::UserUnknown => "user-unknown",
            FormError::FormExpired => "form-expired",
            FormError::TemporaryPasswordExpired => "temporary-expired",
        }
    }

    pub fn from_code(code: &str, minutes: Option<u32>) -> Option<Self> {
        Some(match code {
            "login-empty" => FormError::LoginEmpty,
            "bad-email" => FormError::BadEmail,
            "bad-phone" => FormError::BadPhone,
            "name-missing" => FormError::NameMissing,
            "password-short" => FormError::PasswordTooShort,
            "password-long" => FormError::PasswordTooLong,
            "password-common" => FormError::PasswordCommon,
            "password-login" => FormError::PasswordContainsLogin,
            "passwords-differ" => FormError::PasswordsDiffer,
            "signup-refused" => FormError::SignUpRefused,
            "wrong-credentials" => FormError::WrongCredentials,
            "throttled" => FormError::Throttled(minutes.unwrap_or(1)),
            "too-many" => FormError::TooMany(minutes.unwrap_or(1)),
            "wrong-current-password" => FormError::WrongCurrentPassword,
            "disabled" => FormError::AccountDisabled,
            "commune-unknown" => FormError::CommuneUnknown,
            "producer-kind-unknown" => FormError::ProducerKindUnknown,
            "producer-name-taken" => FormError::ProducerNameTaken,
            "reason-missing" => FormError::ReasonMissing,
            "user-unknown" => FormError::UserUnknown,
            "form-expired" => FormError::FormExpired,
            "temporary-expired" => FormError::TemporaryPasswordExpired,
            _ => return None,
        })
    }

    /// `loi=…` (and `phut=…`), ready to append to a path after `?` or `&`.
    pub fn query(self) -> String {
        match self {
            FormError::Throttled(minutes) | FormError::TooMany(minutes) => {
                format!("loi={}&phut={minutes}", self.code())
            }
            _ => format!("loi={}", self.code()),
        }
    }

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
            FormError::Throttled(minutes) => (t.err_throttled)(minutes),
            FormError::TooMany(minutes) => (t.err_too_many)(minutes),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for e in [
            FormError::LoginEmpty,
            FormError::WrongCredentials,
            FormError::Throttled(7),
            FormError::TooMany(3),
            FormError::SignUpRefused,
            FormError::FormExpired,
            FormError::ProducerNameTaken,
            FormError::TemporaryPasswordExpired,
        ] {
            let minutes = match e {
                FormError::Throttled(m) | FormError::TooMany(m) => Some(m),
                _ => None,
            };
            assert_eq!(FormError::from_code(e.code(), minutes), Some(e));
        }
        assert_eq!(FormError::from_code("<script>", None), None);
    }
}
