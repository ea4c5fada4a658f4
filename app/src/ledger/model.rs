//! What the ledger's pages and handlers share: a statement month, a bank reference, and the
//! rows they show.

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, TimeZone, Utc};
use serde::{Deserialize, Serialize};

/// A calendar month in Vietnam's time (UTC+7), as `YYYY-MM`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Month {
    year: i32,
    month: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("write the month as YYYY-MM, for example 2026-11")]
pub struct BadMonth;

fn vietnam() -> FixedOffset {
    // A constant offset well inside ±24 h: always valid.
    FixedOffset::east_opt(7 * 3600).expect("UTC+7 is a valid offset")
}

impl Month {
    pub fn parse(text: &str) -> Result<Month, BadMonth> {
        let (y, m) = text.trim().split_once('-').ok_or(BadMonth)?;
        if y.len() != 4 || m.len() != 2 {
            return Err(BadMonth);
        }
        let year: i32 = y.parse().map_err(|_| BadMonth)?;
        let month: u32 = m.parse().map_err(|_| BadMonth)?;
        if !(2000..=2200).contains(&year) || !(1..=12).contains(&month) {
            return Err(BadMonth);
        }
        Ok(Month { year, month })
    }

    /// The month `at` falls in, in Vietnam.
    pub fn of(at: DateTime<Utc>) -> Month {
        let local = at.with_timezone(&vietnam());
        Month {
            year: local.year(),
            month: local.month(),
        }
    }

    fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month, 1).unwrap_or_default()
    }

    pub fn next(self) -> Month {
        if self.month == 12 {
            Month {
                year: self.year + 1,
                month: 1,
            }
        } else {
            Month {
                year: self.year,
                month: self.month + 1,
            }
        }
    }

    /// Its first instant and the next month's, in UTC.
    pub fn bounds(self) -> (DateTime<Utc>, DateTime<Utc>) {
        let start = |m: Month| {
            vietnam()
                .from_local_datetime(&m.first_day().and_hms_opt(0, 0, 0).unwrap_or_default())
                .single()
                .map(|t| t.with_timezone(&Utc))
                .unwrap_or_default()
        };
        (start(self), start(self.next()))
    }
}

impl std::fmt::Display for Month {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

/// A bank transfer's reference as a person copies it from the banking app: 1 to 64 visible
/// characters, trimmed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BankReference(String);

#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("enter the bank's reference of the transfer (up to 64 characters)")]
pub struct BadReference;

impl BankReference {
    pub fn parse(text: &str) -> Result<BankReference, BadReference> {
        let t = text.trim();
        if t.is_empty() || t.chars().count() > 64 || t.chars().any(char::is_control) {
            return Err(BadReference);
        }
        Ok(BankReference(t.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_month_is_read_strictly_and_bounded_in_vietnam_time() {
        let m = Month::parse("2026-11").unwrap();
        assert_eq!(m.to_string(), "2026-11");
        let (from, to) = m.bounds();
        assert_eq!(from.to_rfc3339(), "2026-10-31T17:00:00+00:00");
        assert_eq!(to.to_rfc3339(), "2026-11-30T17:00:00+00:00");
        assert_eq!(
            Month::parse("2026-12").unwrap().next().to_string(),
            "2027-01"
        );
        for bad in ["2026-13", "2026-1", "26-11", "2026/11", "", "abcd-ef"] {
            assert_eq!(Month::parse(bad), Err(BadMonth), "{bad}");
        }
        let late = "2026-11-30T18:00:00Z".parse().unwrap();
        assert_eq!(Month::of(late).to_string(), "2026-12");
    }

    #[test]
    fn a_reference_is_trimmed_and_bounded() {
        assert_eq!(
            BankReference::parse("  FT2633 ").unwrap().as_str(),
            "FT2633"
        );
        assert!(BankReference::parse("  ").is_err());
        assert!(BankReference::parse(&"x".repeat(65)).is_err());
        assert!(BankReference::parse("a\nb").is_err());
    }
}
