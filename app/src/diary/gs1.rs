//! GS1 identifiers: the GTIN with its check digit, lot codes, and the GS1 Digital Link path
//! (`/01/{GTIN-14}/10/{lot}`) that the QR code on a box encodes.

use std::fmt;

/// A Global Trade Item Number as GTIN-14: 14 digits whose last is a valid check digit.
/// GTIN-8, -12 and -13 are accepted and padded with leading zeros, as GS1 prescribes.
#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Gtin(String);

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum GtinError {
    #[error("a GTIN has only digits")]
    NotDigits,
    #[error("a GTIN has 8, 12, 13 or 14 digits, not {0}")]
    Length(usize),
    #[error("the check digit should be {expected}")]
    CheckDigit { expected: u8 },
}

impl Gtin {
    pub fn parse(text: &str) -> Result<Self, GtinError> {
        let digits: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        if !digits.bytes().all(|b| b.is_ascii_digit()) || digits.is_empty() {
            return Err(GtinError::NotDigits);
        }
        if ![8, 12, 13, 14].contains(&digits.len()) {
            return Err(GtinError::Length(digits.len()));
        }
        let padded = format!("{digits:0>14}");
        let (body, check) = padded.split_at(13);
        let expected = check_digit(body);
        if check.as_bytes()[0] - b'0' != expected {
            return Err(GtinError::CheckDigit { expected });
        }
        Ok(Gtin(padded))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The GS1 mod-10 check digit of `body` (digits only): weights 3 and 1 alternate from the
/// rightmost digit, which weighs 3.
pub fn check_digit(body: &str) -> u8 {
    let sum: u32 = body
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| u32::from(b - b'0') * if i % 2 == 0 { 3 } else { 1 })
        .sum();
    ((10 - sum % 10) % 10) as u8
}

impl fmt::Display for Gtin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for Gtin {
    type Error = GtinError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Gtin::parse(&s)
    }
}

impl From<Gtin> for String {
    fn from(g: Gtin) -> String {
        g.0
    }
}

/// A batch/lot number (GS1 application identifier 10): 1 to 20 characters. We allow the
/// letters, digits and `-`, `.`, `/`, `_` that farmers write on boxes, so the code needs no
/// escaping in a URL or on a label.
#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct LotCode(String);

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum LotCodeError {
    #[error("a lot code is 1 to 20 characters")]
    Length,
    #[error("a lot code has only letters A-Z, digits and - . / _")]
    Characters,
}

impl LotCode {
    pub const MAX_LEN: usize = 20;

    /// Trims and upper-cases, so `nlhy-2026` and `NLHY-2026 ` are the same lot.
    pub fn parse(text: &str) -> Result<Self, LotCodeError> {
        let code = text.trim().to_ascii_uppercase();
        if code.is_empty() || code.len() > Self::MAX_LEN {
            return Err(LotCodeError::Length);
        }
        if !code
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'/' | b'_'))
        {
            return Err(LotCodeError::Characters);
        }
        Ok(LotCode(code))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for LotCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for LotCode {
    type Error = LotCodeError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        LotCode::parse(&s)
    }
}

impl From<LotCode> for String {
    fn from(c: LotCode) -> String {
        c.0
    }
}

/// The GS1 Digital Link path of a lot: `/01/08930000000017/10/NLHY-20260720`. `/` inside a
/// lot code is percent-encoded so the path keeps its four segments.
pub fn digital_link_path(gtin: &Gtin, lot: &str) -> String {
    format!("/01/{gtin}/10/{}", encode_segment(lot))
}

/// Percent-encodes everything but RFC 3986 unreserved characters.
pub fn encode_segment(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The stable lot URL for lots of products without a GTIN.
pub fn lot_path(lot_id: &str) -> String {
    format!("/lo/{}", encode_segment(lot_id))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn known_gtins_validate() {
        // GS1's own examples and a Vietnamese (893) GTIN-13.
        assert_eq!(
            Gtin::parse("09506000134352").unwrap().as_str(),
            "09506000134352"
        );
        assert_eq!(
            Gtin::parse("9506000134352").unwrap().as_str(),
            "09506000134352"
        );
        assert_eq!(
            Gtin::parse("8935049500018").unwrap().as_str(),
            "08935049500018"
        );
        assert_eq!(Gtin::parse("96385074").unwrap().as_str(), "00000096385074");
        assert_eq!(
            Gtin::parse("036000291452").unwrap().as_str(),
            "00036000291452"
        );
    }

    #[test]
    fn wrong_gtins_say_why() {
        assert_eq!(
            Gtin::parse("09506000134353"),
            Err(GtinError::CheckDigit { expected: 2 })
        );
        assert_eq!(
            Gtin::parse("0950600013435"),
            Err(GtinError::CheckDigit { expected: 9 })
        );
        assert_eq!(Gtin::parse("123"), Err(GtinError::Length(3)));
        assert_eq!(Gtin::parse("0950600013435X"), Err(GtinError::NotDigits));
        assert_eq!(Gtin::parse(""), Err(GtinError::NotDigits));
        assert_eq!(
            Gtin::parse("０９５０６０００１３４３５２"),
            Err(GtinError::NotDigits)
        );
    }

    #[test]
    fn lot_codes_are_normalised_and_bounded() {
        assert_eq!(
            LotCode::parse(" nlhy-20260720 ").unwrap().as_str(),
            "NLHY-20260720"
        );
        assert_eq!(LotCode::parse(""), Err(LotCodeError::Length));
        assert_eq!(LotCode::parse(&"A".repeat(21)), Err(LotCodeError::Length));
        assert_eq!(LotCode::parse("LÔ 1"), Err(LotCodeError::Characters));
        assert_eq!(LotCode::parse("<script>"), Err(LotCodeError::Characters));
    }

    #[test]
    fn digital_link_paths() {
        let gtin = Gtin::parse("09506000134352").unwrap();
        assert_eq!(
            digital_link_path(&gtin, "ABC123"),
            "/01/09506000134352/10/ABC123"
        );
        assert_eq!(
            digital_link_path(&gtin, "A/B"),
            "/01/09506000134352/10/A%2FB"
        );
    }

    proptest! {
        #[test]
        fn every_body_has_exactly_one_valid_check_digit(body in "[0-9]{13}") {
            let valid: Vec<u8> = (0..10u8)
                .filter(|d| Gtin::parse(&format!("{body}{d}")).is_ok())
                .collect();
            prop_assert_eq!(valid, vec![check_digit(&body)]);
        }

        #[test]
        fn a_changed_digit_is_caught(body in "[0-9]{13}", pos in 0usize..14, delta in 1u8..10) {
            let gtin = format!("{body}{}", check_digit(&body));
            let mut bytes = gtin.into_bytes();
            bytes[pos] = b'0' + (bytes[pos] - b'0' + delta) % 10;
            prop_assert!(Gtin::parse(std::str::from_utf8(&bytes).unwrap()).is_err());
        }

        #[test]
        fn lot_codes_never_panic(text in ".{0,40}") {
            let _ = LotCode::parse(&text);
        }
    }
}
