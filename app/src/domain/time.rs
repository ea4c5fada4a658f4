//! Time: stored in UTC, shown in Vietnam time (UTC+7 all year, no daylight saving).

use chrono::{DateTime, FixedOffset, NaiveDate, SecondsFormat, Utc};

/// Vietnam's offset from UTC.
pub fn vietnam_offset() -> FixedOffset {
    FixedOffset::east_opt(7 * 3600).expect("UTC+7 is a valid offset")
}

/// The calendar date in Vietnam at an instant: 23:30 UTC is already tomorrow in Hưng Yên.
pub fn vietnam_date(at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&vietnam_offset()).date_naive()
}

/// The database form of an instant: RFC 3339, milliseconds, `Z`. Fixed width, so it sorts as text.
pub fn db_timestamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// The database form of a calendar date: `YYYY-MM-DD`.
pub fn db_date(date: NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}

pub fn parse_db_date(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn late_evening_utc_is_the_next_day_in_vietnam() {
        let at = Utc.with_ymd_and_hms(2026, 11, 26, 23, 30, 0).unwrap();
        assert_eq!(
            vietnam_date(at),
            NaiveDate::from_ymd_opt(2026, 11, 27).unwrap()
        );
        let at = Utc.with_ymd_and_hms(2026, 11, 26, 16, 59, 59).unwrap();
        assert_eq!(
            vietnam_date(at),
            NaiveDate::from_ymd_opt(2026, 11, 26).unwrap()
        );
    }

    #[test]
    fn timestamps_have_fixed_width_and_sort_as_text() {
        let a = Utc.with_ymd_and_hms(2026, 1, 2, 3, 4, 5).unwrap();
        let b = a + chrono::Duration::milliseconds(1);
        assert_eq!(db_timestamp(a), "2026-01-02T03:04:05.000Z");
        assert!(db_timestamp(a) < db_timestamp(b));
        assert_eq!(parse_db_date("2026-02-30"), None);
    }
}
