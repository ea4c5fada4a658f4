//! Vietnamese mobile numbers: `0912 345 678` and `+84 912 345 678` are the same number.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A Vietnamese mobile number, stored as its nine national significant digits.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PhoneVn(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PhoneError {
    #[error("a phone number has only digits, spaces, dots, dashes and an optional leading +84")]
    InvalidCharacters,
    #[error("a Vietnamese mobile number has 10 digits starting with 0, e.g. 0912 345 678")]
    WrongLength,
    #[error("this is not a Vietnamese mobile number (they start with 03, 05, 07, 08 or 09)")]
    NotMobile,
}

impl PhoneVn {
    /// Accepts `0912345678`, `0912 345 678`, `0912.345.678`, `+84 912 345 678`, `84912345678`.
    pub fn parse(text: &str) -> Result<Self, PhoneError> {
        let text = text.trim();
        let (international, rest) = match text.strip_prefix('+') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let mut digits = String::with_capacity(12);
        for c in rest.chars() {
            match c {
                '0'..='9' => digits.push(c),
                ' ' | '.' | '-' | '(' | ')' | '\u{a0}' => {}
                _ => return Err(PhoneError::InvalidCharacters),
            }
        }
        let national = if let Some(n) = digits.strip_prefix("84").filter(|n| n.len() == 9) {
            n
        } else if international {
            return Err(if digits.starts_with("84") {
                PhoneError::WrongLength
            } else {
                PhoneError::NotMobile
            });
        } else if let Some(n) = digits.strip_prefix('0') {
            if n.len() != 9 {
                return Err(PhoneError::WrongLength);
            }
            n
        } else {
            return Err(PhoneError::WrongLength);
        };
        if !matches!(national.as_bytes()[0], b'3' | b'5' | b'7' | b'8' | b'9') {
            return Err(PhoneError::NotMobile);
        }
        Ok(PhoneVn(national.to_owned()))
    }

    /// `+84912345678`: the form stored in the database and used as an account key.
    pub fn e164(&self) -> String {
        format!("+84{}", self.0)
    }

    /// `0912 345 678`: the form people read and dial.
    pub fn display(&self) -> String {
        format!("0{} {} {}", &self.0[0..3], &self.0[3..6], &self.0[6..9])
    }
}

/// A stored phone (`+84912345678`) as people read it (`0912 345 678`); one that does not parse
/// is shown as stored.
pub fn readable(stored: String) -> String {
    PhoneVn::parse(&stored)
        .map(|p| p.display())
        .unwrap_or(stored)
}

impl fmt::Display for PhoneVn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.display())
    }
}

impl TryFrom<String> for PhoneVn {
    type Error = PhoneError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        PhoneVn::parse(&s)
    }
}

impl From<PhoneVn> for String {
    fn from(p: PhoneVn) -> String {
        p.e164()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn every_common_spelling_is_one_number() {
        let want = PhoneVn::parse("0912345678").unwrap();
        for text in [
            "0912 345 678",
            "0912.345.678",
            "+84 912 345 678",
            "+84912345678",
            "84912345678",
            " 0912-345-678 ",
        ] {
            assert_eq!(PhoneVn::parse(text).as_ref(), Ok(&want), "{text}");
        }
        assert_eq!(want.e164(), "+84912345678");
        assert_eq!(want.display(), "0912 345 678");
    }

    #[test]
    fn refuses_what_is_not_a_mobile() {
        assert_eq!(PhoneVn::parse("091234567"), Err(PhoneError::WrongLength));
        assert_eq!(PhoneVn::parse("09123456789"), Err(PhoneError::WrongLength));
        assert_eq!(PhoneVn::parse("0212345678"), Err(PhoneError::NotMobile));
        assert_eq!(
            PhoneVn::parse("+1 212 555 0100"),
            Err(PhoneError::NotMobile)
        );
        assert_eq!(
            PhoneVn::parse("09x2345678"),
            Err(PhoneError::InvalidCharacters)
        );
        assert_eq!(PhoneVn::parse(""), Err(PhoneError::WrongLength));
    }

    proptest! {
        #[test]
        fn national_and_international_forms_agree(prefix in "[35789]", rest in "[0-9]{8}") {
            let national = format!("0{prefix}{rest}");
            let international = format!("+84 {prefix}{} {}", &rest[..2], &rest[2..]);
            let a = PhoneVn::parse(&national).unwrap();
            prop_assert_eq!(PhoneVn::parse(&international).unwrap(), a.clone());
            prop_assert_eq!(PhoneVn::parse(&a.e164()).unwrap(), a.clone());
            prop_assert_eq!(PhoneVn::parse(&a.display()).unwrap(), a);
        }

        #[test]
        fn parse_never_panics(s in "\\PC{0,30}") {
            let _ = PhoneVn::parse(&s);
        }
    }
}
