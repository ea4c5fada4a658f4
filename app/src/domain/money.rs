//! Vietnamese dong. VND has no minor unit, so an amount is a whole number of dong.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A non-negative amount of dong.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(try_from = "i64", into = "i64")]
pub struct Vnd(i64);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("an amount cannot be negative")]
    Negative,
    #[error("the amount is too large")]
    Overflow,
    #[error("write the amount in whole dong, for example 150000 or 150.000")]
    Malformed,
}

/// Locales the site is shown in; the money format follows them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MoneyLocale {
    /// `150.000 ₫`
    Vi,
    /// `₫150,000`
    En,
}

impl Vnd {
    pub const ZERO: Vnd = Vnd(0);
    /// Far above any real order; keeps `amount × quantity` safely inside i64.
    pub const MAX: i64 = 1_000_000_000_000;

    pub fn new(dong: i64) -> Result<Self, MoneyError> {
        match dong {
            d if d < 0 => Err(MoneyError::Negative),
            d if d > Self::MAX => Err(MoneyError::Overflow),
            d => Ok(Vnd(d)),
        }
    }

    /// Parses what a person types: "150000", "150.000", "150,000", "150 000 ₫", "150.000đ".
    /// Decimal fractions are refused: there is no such thing as half a dong.
    pub fn parse(text: &str) -> Result<Self, MoneyError> {
        let trimmed = text
            .trim()
            .trim_end_matches(['₫', 'đ', 'Đ'])
            .trim_start_matches('₫')
            .trim()
            .trim_end_matches("VND")
            .trim_end_matches("vnd")
            .trim();
        if trimmed.starts_with('-') {
            return Err(MoneyError::Negative);
        }
        let groups: Vec<&str> = trimmed.split(['.', ',', ' ', '\u{a0}']).collect();
        let digits_only = |g: &str| !g.is_empty() && g.bytes().all(|b| b.is_ascii_digit());
        // Separators must group thousands (150.000), otherwise "1.5" would silently mean 15.
        let well_grouped =
            groups.len() == 1 || (groups[0].len() <= 3 && groups[1..].iter().all(|g| g.len() == 3));
        if !groups.iter().all(|g| digits_only(g)) || !well_grouped {
            return Err(MoneyError::Malformed);
        }
        let digits: String = groups.concat();
        if digits.len() > 13 {
            return Err(MoneyError::Overflow);
        }
        let dong: i64 = digits.parse().map_err(|_| MoneyError::Malformed)?;
        Vnd::new(dong)
    }

    pub fn dong(self) -> i64 {
        self.0
    }

    pub fn checked_add(self, other: Vnd) -> Result<Vnd, MoneyError> {
        self.0
            .checked_add(other.0)
            .ok_or(MoneyError::Overflow)
            .and_then(Vnd::new)
    }

    pub fn checked_mul(self, quantity: i64) -> Result<Vnd, MoneyError> {
        if quantity < 0 {
            return Err(MoneyError::Negative);
        }
        self.0
            .checked_mul(quantity)
            .ok_or(MoneyError::Overflow)
            .and_then(Vnd::new)
    }

    /// The amount as people read it: `150.000 ₫` in Vietnamese, `₫150,000` in English.
    pub fn format(self, locale: MoneyLocale) -> String {
        match locale {
            MoneyLocale::Vi => format!("{} ₫", group_thousands(self.0, '.')),
            MoneyLocale::En => format!("₫{}", group_thousands(self.0, ',')),
        }
    }
}

fn group_thousands(n: i64, sep: char) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(sep);
        }
        out.push(c);
    }
    out
}

impl TryFrom<i64> for Vnd {
    type Error = MoneyError;
    fn try_from(dong: i64) -> Result<Self, Self::Error> {
        Vnd::new(dong)
    }
}

impl From<Vnd> for i64 {
    fn from(v: Vnd) -> i64 {
        v.0
    }
}

impl fmt::Display for Vnd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.format(MoneyLocale::Vi))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn formats_per_locale() {
        let p = Vnd::new(150_000).unwrap();
        assert_eq!(p.format(MoneyLocale::Vi), "150.000 ₫");
        assert_eq!(p.format(MoneyLocale::En), "₫150,000");
        assert_eq!(Vnd::new(0).unwrap().format(MoneyLocale::Vi), "0 ₫");
        assert_eq!(
            Vnd::new(1_250_000).unwrap().format(MoneyLocale::En),
            "₫1,250,000"
        );
        assert_eq!(Vnd::new(999).unwrap().format(MoneyLocale::Vi), "999 ₫");
    }

    #[test]
    fn parses_what_people_type() {
        for text in [
            "150000",
            "150.000",
            "150,000",
            "150 000 ₫",
            "150.000đ",
            "₫150,000",
            "150000 VND",
        ] {
            assert_eq!(Vnd::parse(text), Ok(Vnd(150_000)), "{text}");
        }
    }

    #[test]
    fn refuses_fractions_negatives_and_garbage() {
        assert_eq!(Vnd::parse("1.5"), Err(MoneyError::Malformed));
        assert_eq!(Vnd::parse("150.00"), Err(MoneyError::Malformed));
        assert_eq!(Vnd::parse("-5000"), Err(MoneyError::Negative));
        assert_eq!(Vnd::parse(""), Err(MoneyError::Malformed));
        assert_eq!(Vnd::parse("abc"), Err(MoneyError::Malformed));
        assert_eq!(
            Vnd::parse("99999999999999999999"),
            Err(MoneyError::Overflow)
        );
        assert_eq!(Vnd::new(-1), Err(MoneyError::Negative));
    }

    proptest! {
        #[test]
        fn formatted_amounts_parse_back(dong in 0i64..=Vnd::MAX) {
            let v = Vnd::new(dong).unwrap();
            prop_assert_eq!(Vnd::parse(&v.format(MoneyLocale::Vi)), Ok(v));
            prop_assert_eq!(Vnd::parse(&v.format(MoneyLocale::En)), Ok(v));
        }

        #[test]
        fn parse_never_panics(s in "\\PC{0,40}") {
            let _ = Vnd::parse(&s);
        }
    }
}
