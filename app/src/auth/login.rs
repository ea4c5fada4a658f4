//! What a user signs in with: a Vietnamese mobile number or an email address, normalised so one
//! person has one account however they type it.

use std::fmt;

use crate::domain::phone::PhoneVn;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LoginId {
    Phone(PhoneVn),
    /// Trimmed and lower-cased.
    Email(String),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum LoginIdError {
    #[error("enter a phone number or an email address")]
    Empty,
    #[error("not a valid email address")]
    BadEmail,
    #[error("not a Vietnamese mobile number")]
    BadPhone,
}

const MAX_EMAIL: usize = 254;

impl LoginId {
    pub fn parse(text: &str) -> Result<Self, LoginIdError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(LoginIdError::Empty);
        }
        if text.contains('@') {
            return parse_email(text).map(LoginId::Email);
        }
        PhoneVn::parse(text)
            .map(LoginId::Phone)
            .map_err(|_| LoginIdError::BadPhone)
    }

    /// The form stored in `users.phone` or `users.email`, and the throttling key.
    pub fn key(&self) -> String {
        match self {
            LoginId::Phone(p) => p.e164(),
            LoginId::Email(e) => e.clone(),
        }
    }
}

impl fmt::Display for LoginId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LoginId::Phone(p) => write!(f, "{p}"),
            LoginId::Email(e) => f.write_str(e),
        }
    }
}

/// A deliberately plain check: one `@`, something before it, a dotted domain after it, no
/// spaces. Whether the mailbox exists is not ours to know (there is no mail service).
fn parse_email(text: &str) -> Result<String, LoginIdError> {
    let email = text.to_lowercase();
    let (local, domain) = email.split_once('@').ok_or(LoginIdError::BadEmail)?;
    let ok = !local.is_empty()
        && email.len() <= MAX_EMAIL
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !email.chars().any(|c| c.is_whitespace() || c.is_control());
    if ok {
        Ok(email)
    } else {
        Err(LoginIdError::BadEmail)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn phones_and_emails() {
        assert_eq!(
            LoginId::parse(" 0912 345 678 ").unwrap().key(),
            "+84912345678"
        );
        assert_eq!(
            LoginId::parse("+84 912 345 678").unwrap().key(),
            "+84912345678"
        );
        assert_eq!(
            LoginId::parse(" Lan.Nguyen@Example.VN ").unwrap().key(),
            "lan.nguyen@example.vn"
        );
        assert_eq!(LoginId::parse(""), Err(LoginIdError::Empty));
        assert_eq!(LoginId::parse("lan@"), Err(LoginIdError::BadEmail));
        assert_eq!(LoginId::parse("lan@example"), Err(LoginIdError::BadEmail));
        assert_eq!(
            LoginId::parse("a b@example.vn"),
            Err(LoginIdError::BadEmail)
        );
        assert_eq!(LoginId::parse("12345"), Err(LoginIdError::BadPhone));
    }

    proptest! {
        /// However a mobile number is written (0…, +84…, 84…, with spaces, dots or dashes),
        /// it is the same account key.
        #[test]
        fn every_spelling_of_a_number_is_one_account(
            first in prop::sample::select(vec!['3', '5', '7', '8', '9']),
            rest in "[0-9]{8}",
            style in 0usize..6,
        ) {
            let national = format!("{first}{rest}");
            let spelled = match style {
                0 => format!("0{national}"),
                1 => format!("+84{national}"),
                2 => format!("84{national}"),
                3 => format!("+84 {} {} {}", &national[..3], &national[3..6], &national[6..]),
                4 => format!("0{}.{}.{}", &national[..3], &national[3..6], &national[6..]),
                _ => format!(" 0{}-{}-{} ", &national[..3], &national[3..6], &national[6..]),
            };
            let id = LoginId::parse(&spelled).unwrap();
            prop_assert_eq!(id.key(), format!("+84{national}"));
        }

        /// Nothing typed into the login field panics; an accepted phone key is always E.164.
        #[test]
        fn any_text_is_handled(text in "\\PC{0,40}") {
            if let Ok(LoginId::Phone(p)) = LoginId::parse(&text) {
                prop_assert!(p.e164().starts_with("+84") && p.e164().len() == 12);
            }
        }
    }
}
