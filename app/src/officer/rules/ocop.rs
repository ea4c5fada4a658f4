//! OCOP ("Mỗi xã một sản phẩm") ratings and certificates.

use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::text_enum;

/// An OCOP rating: 3, 4 or 5 stars (3★ and above is an OCOP product).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "i64", into = "i64")]
pub struct Stars(u8);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OcopError {
    #[error("OCOP ratings are 3, 4 or 5 stars")]
    StarsOutOfRange,
    #[error("5-star ratings are recognised only at the national level")]
    FiveStarsNeedNationalLevel,
    #[error("the expiry date must come after the issue date")]
    ExpiryBeforeIssue,
    #[error("the decision number is missing")]
    MissingDecision,
}

impl Stars {
    pub fn new(stars: i64) -> Result<Self, OcopError> {
        match stars {
            3..=5 => Ok(Stars(stars as u8)),
            _ => Err(OcopError::StarsOutOfRange),
        }
    }

    pub fn get(self) -> u8 {
        self.0
    }
}

impl TryFrom<i64> for Stars {
    type Error = OcopError;
    fn try_from(v: i64) -> Result<Self, Self::Error> {
        Stars::new(v)
    }
}

impl From<Stars> for i64 {
    fn from(s: Stars) -> i64 {
        i64::from(s.0)
    }
}

text_enum! {
    /// Who recognised the rating. Since Decision 1489/QĐ-TTg (2025) the province recognises 3★
    /// and 4★, the central level 5★.
    pub enum IssuingLevel {
        Province = "province",
        National = "national",
    }
}

/// A certificate is valid for 36 months.
pub const VALIDITY_MONTHS: u32 = 36;

/// A recorded OCOP certificate: who rated the product how, by which decision, until when.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Certificate {
    stars: Stars,
    level: IssuingLevel,
    decision_no: String,
    issued_on: NaiveDate,
    /// The last day on which the certificate is valid.
    expires_on: NaiveDate,
}

impl Certificate {
    pub fn new(
        stars: Stars,
        level: IssuingLevel,
        decision_no: &str,
        issued_on: NaiveDate,
        expires_on: Option<NaiveDate>,
    ) -> Result<Self, OcopError> {
        if stars.get() == 5 && level != IssuingLevel::National {
            return Err(OcopError::FiveStarsNeedNationalLevel);
        }
        let decision_no = decision_no.trim();
        if decision_no.is_empty() {
            return Err(OcopError::MissingDecision);
        }
        let expires_on = expires_on.unwrap_or_else(|| default_expiry(issued_on));
        if expires_on <= issued_on {
            return Err(OcopError::ExpiryBeforeIssue);
        }
        Ok(Certificate {
            stars,
            level,
            decision_no: decision_no.to_owned(),
            issued_on,
            expires_on,
        })
    }

    pub fn stars(&self) -> Stars {
        self.stars
    }
    pub fn level(&self) -> IssuingLevel {
        self.level
    }
    pub fn decision_no(&self) -> &str {
        &self.decision_no
    }
    pub fn issued_on(&self) -> NaiveDate {
        self.issued_on
    }
    pub fn expires_on(&self) -> NaiveDate {
        self.expires_on
    }

    /// Stars may be shown on `today` only while the certificate is in force; an expired one
    /// must no longer show its stars.
    pub fn is_valid_on(&self, today: NaiveDate) -> bool {
        self.issued_on <= today && today <= self.expires_on
    }
}

/// Officers are warned this many days before a certificate expires.
pub const EXPIRY_WARNING_DAYS: i64 = 90;

/// Where a certificate stands on a given day.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Standing {
    NotYetValid,
    Valid,
    /// In force, and expires within `EXPIRY_WARNING_DAYS` (0: today is its last day).
    ExpiringSoon {
        days_left: i64,
    },
    Expired,
}

impl Certificate {
    pub fn standing(&self, today: NaiveDate) -> Standing {
        standing(self.issued_on, self.expires_on, today)
    }
}

pub fn standing(issued_on: NaiveDate, expires_on: NaiveDate, today: NaiveDate) -> Standing {
    if today < issued_on {
        Standing::NotYetValid
    } else if today > expires_on {
        Standing::Expired
    } else {
        let days_left = (expires_on - today).num_days();
        if days_left <= EXPIRY_WARNING_DAYS {
            Standing::ExpiringSoon { days_left }
        } else {
            Standing::Valid
        }
    }
}

/// A reminder that a certificate is running out, to its producer and its commune's officers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExpiryReminder {
    /// 90 days or fewer left.
    Days90,
    /// 30 days or fewer left (0: today is its last day).
    Days30,
    /// It has run out (within the last 30 days).
    Expired,
}

/// How long after expiry a certificate still gets its "expired" reminder: the first run after
/// an upgrade does not tell people about certificates that ran out years ago.
pub const EXPIRED_REMINDER_DAYS: i64 = 30;

impl ExpiryReminder {
    /// The stage's name in the notice's event key.
    pub fn code(self) -> &'static str {
        match self {
            ExpiryReminder::Days90 => "90",
            ExpiryReminder::Days30 => "30",
            ExpiryReminder::Expired => "expired",
        }
    }
}

/// The reminder due on `today` for a certificate whose last valid day is `expires_on`: the
/// tightest stage reached, so a certificate first seen with 20 days left gets the 30-day one
/// only. Each stage is sent once (its event key says so); `None` outside the windows.
pub fn expiry_reminder(expires_on: NaiveDate, today: NaiveDate) -> Option<ExpiryReminder> {
    let days_left = (expires_on - today).num_days();
    match days_left {
        d if d < -EXPIRED_REMINDER_DAYS => None,
        d if d < 0 => Some(ExpiryReminder::Expired),
        0..=30 => Some(ExpiryReminder::Days30),
        d if d <= EXPIRY_WARNING_DAYS => Some(ExpiryReminder::Days90),
        _ => None,
    }
}

/// Why a certificate form was refused; `code` is what the page is sent back with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CertificateInputError {
    #[error("stars: 3, 4 or 5")]
    Stars,
    #[error("level: province or national")]
    Level,
    #[error("the decision number is missing or too long")]
    Decision,
    #[error("the issue date is missing or not a date (YYYY-MM-DD)")]
    IssuedOn,
    #[error("the expiry date is not a date (YYYY-MM-DD)")]
    ExpiresOn,
    #[error("5 stars are recognised only at the national level")]
    FiveStarsNational,
    #[error("the expiry date must come after the issue date")]
    ExpiryBeforeIssue,
}

impl CertificateInputError {
    pub fn code(self) -> &'static str {
        match self {
            CertificateInputError::Stars => "cert_stars",
            CertificateInputError::Level => "cert_level",
            CertificateInputError::Decision => "cert_decision",
            CertificateInputError::IssuedOn => "cert_issued",
            CertificateInputError::ExpiresOn => "cert_expires",
            CertificateInputError::FiveStarsNational => "cert_five_national",
            CertificateInputError::ExpiryBeforeIssue => "cert_expiry_order",
        }
    }
}

/// A certificate from form (or spreadsheet) text; the expiry defaults to 36 months.
pub fn certificate_input(
    stars: &str,
    level: &str,
    decision_no: &str,
    issued_on: &str,
    expires_on: &str,
) -> Result<Certificate, CertificateInputError> {
    let stars = stars
        .trim()
        .parse::<i64>()
        .ok()
        .and_then(|s| Stars::new(s).ok())
        .ok_or(CertificateInputError::Stars)?;
    let level = IssuingLevel::parse(level.trim()).ok_or(CertificateInputError::Level)?;
    let decision_no = decision_no.trim();
    if decision_no.is_empty() || decision_no.chars().count() > 60 {
        return Err(CertificateInputError::Decision);
    }
    let date = |text: &str| NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").ok();
    let issued_on = date(issued_on).ok_or(CertificateInputError::IssuedOn)?;
    let expires_on = match expires_on.trim() {
        "" => None,
        text => Some(date(text).ok_or(CertificateInputError::ExpiresOn)?),
    };
    Certificate::new(stars, level, decision_no, issued_on, expires_on).map_err(|e| match e {
        OcopError::StarsOutOfRange => CertificateInputError::Stars,
        OcopError::FiveStarsNeedNationalLevel => CertificateInputError::FiveStarsNational,
        OcopError::ExpiryBeforeIssue => CertificateInputError::ExpiryBeforeIssue,
        OcopError::MissingDecision => CertificateInputError::Decision,
    })
}

/// The last valid day of a certificate issued on `issued_on`: 36 months later, minus one day.
pub fn default_expiry(issued_on: NaiveDate) -> NaiveDate {
    issued_on
        .checked_add_months(Months::new(VALIDITY_MONTHS))
        .and_then(|d| d.pred_opt())
        .unwrap_or(NaiveDate::MAX)
}

#[cfg(test)]
mod tests {
    #[test]
    fn each_stage_of_the_expiry_reminders_starts_on_its_day() {
        let expires = NaiveDate::from_ymd_opt(2027, 6, 30).unwrap();
        let on = |days_before: i64| {
            expiry_reminder(expires, expires - chrono::Duration::days(days_before))
        };
        assert_eq!(on(200), None);
        assert_eq!(on(91), None);
        assert_eq!(on(90), Some(ExpiryReminder::Days90));
        assert_eq!(on(31), Some(ExpiryReminder::Days90));
        assert_eq!(on(30), Some(ExpiryReminder::Days30));
        assert_eq!(on(0), Some(ExpiryReminder::Days30));
        assert_eq!(on(-1), Some(ExpiryReminder::Expired));
        assert_eq!(on(-30), Some(ExpiryReminder::Expired));
        assert_eq!(on(-31), None);
    }

    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn stars_are_three_to_five() {
        assert!(Stars::new(2).is_err());
        assert!(Stars::new(6).is_err());
        assert_eq!(Stars::new(4).unwrap().get(), 4);
    }

    #[test]
    fn validity_ends_on_the_expiry_day() {
        let c = Certificate::new(
            Stars::new(4).unwrap(),
            IssuingLevel::Province,
            "123/QĐ-UBND",
            day(2023, 1, 10),
            None,
        )
        .unwrap();
        assert_eq!(c.expires_on(), day(2026, 1, 9));
        assert!(c.is_valid_on(day(2026, 1, 9)));
        assert!(!c.is_valid_on(day(2026, 1, 10)));
        assert!(!c.is_valid_on(day(2023, 1, 9)));
    }

    #[test]
    fn warnings_start_ninety_days_before_expiry() {
        let (from, to) = (day(2024, 1, 1), day(2026, 12, 31));
        assert_eq!(
            standing(from, to, day(2026, 10, 1)),
            Standing::Valid,
            "91 days left"
        );
        assert_eq!(
            standing(from, to, day(2026, 10, 2)),
            Standing::ExpiringSoon { days_left: 90 }
        );
        assert_eq!(
            standing(from, to, day(2026, 12, 31)),
            Standing::ExpiringSoon { days_left: 0 }
        );
        assert_eq!(standing(from, to, day(2027, 1, 1)), Standing::Expired);
        assert_eq!(standing(from, to, day(2023, 12, 31)), Standing::NotYetValid);
    }

    #[test]
    fn form_text_is_checked() {
        let c = certificate_input("4", "province", " 1820/QĐ-UBND ", "2025-03-01", "").unwrap();
        assert_eq!(c.expires_on(), day(2028, 2, 29));
        assert_eq!(c.decision_no(), "1820/QĐ-UBND");
        let err = |s, l, d, i, e| certificate_input(s, l, d, i, e).unwrap_err();
        assert_eq!(
            err("7", "province", "1/QĐ", "2025-03-01", ""),
            CertificateInputError::Stars
        );
        assert_eq!(
            err("4", "district", "1/QĐ", "2025-03-01", ""),
            CertificateInputError::Level
        );
        assert_eq!(
            err("4", "province", " ", "2025-03-01", ""),
            CertificateInputError::Decision
        );
        assert_eq!(
            err("4", "province", "1/QĐ", "01/03/2025", ""),
            CertificateInputError::IssuedOn
        );
        assert_eq!(
            err("4", "province", "1/QĐ", "2025-03-01", "soon"),
            CertificateInputError::ExpiresOn
        );
        assert_eq!(
            err("5", "province", "1/QĐ", "2025-03-01", ""),
            CertificateInputError::FiveStarsNational
        );
        assert_eq!(
            err("4", "province", "1/QĐ", "2025-03-01", "2025-02-01"),
            CertificateInputError::ExpiryBeforeIssue
        );
    }

    #[test]
    fn leap_day_issue_gets_a_real_expiry() {
        assert_eq!(default_expiry(day(2024, 2, 29)), day(2027, 2, 27));
    }

    #[test]
    fn five_stars_only_nationally() {
        let five = Stars::new(5).unwrap();
        assert_eq!(
            Certificate::new(five, IssuingLevel::Province, "1/QĐ", day(2025, 1, 1), None),
            Err(OcopError::FiveStarsNeedNationalLevel)
        );
        assert!(
            Certificate::new(
                five,
                IssuingLevel::National,
                "1/QĐ-BNN",
                day(2025, 1, 1),
                None
            )
            .is_ok()
        );
        assert_eq!(
            Certificate::new(five, IssuingLevel::National, " ", day(2025, 1, 1), None),
            Err(OcopError::MissingDecision)
        );
    }
}
