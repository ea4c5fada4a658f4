//! Typed values from rows. A stored value that does not fit its type (a negative price, a date
//! that does not parse, an unknown status) is a fault in the data, not a zero or a default: it
//! is logged with where it was read, and the read fails with a decode error. Columns that may
//! be NULL (or come from a LEFT JOIN) are `Option`s at the call site; only present values go
//! through these.

use std::fmt::Display;

use chrono::{DateTime, NaiveDate, Utc};

use crate::domain::{money::Vnd, time::parse_db_date};

/// Logs a stored value that does not fit its type and makes the read's error.
pub(crate) fn bad_value(column: &str, row: &str, value: &dyn Display, why: &str) -> sqlx::Error {
    tracing::error!(column, row, value = %value, why, "a stored value does not fit its type");
    sqlx::Error::Decode(format!("{column} of row {row}: `{value}` {why}").into())
}

/// Money read from `column` (`table.column`) of the row with id `row`.
pub(crate) fn vnd(column: &str, row: &str, dong: i64) -> Result<Vnd, sqlx::Error> {
    Vnd::new(dong).map_err(|e| bad_value(column, row, &dong, &e.to_string()))
}

/// A stored date (`YYYY-MM-DD`).
pub(crate) fn date(column: &str, row: &str, text: &str) -> Result<NaiveDate, sqlx::Error> {
    parse_db_date(text).ok_or_else(|| bad_value(column, row, &text, "is not a date"))
}

/// A stored timestamp (RFC 3339, as `db_timestamp` writes it).
pub(crate) fn timestamp(column: &str, row: &str, text: &str) -> Result<DateTime<Utc>, sqlx::Error> {
    DateTime::parse_from_rfc3339(text)
        .map(|d| d.with_timezone(&Utc))
        .map_err(|_| bad_value(column, row, &text, "is not a timestamp"))
}

/// A stored text enum (a status, a method), by the type's own `parse`.
pub(crate) fn text_enum<T>(
    column: &str,
    row: &str,
    text: &str,
    parse: impl FnOnce(&str) -> Option<T>,
) -> Result<T, sqlx::Error> {
    parse(text).ok_or_else(|| bad_value(column, row, &text, "is not a known value"))
}

/// A value stored as JSON (a notice's parameters), into its type.
pub(crate) fn json<T: serde::de::DeserializeOwned>(
    column: &str,
    row: &str,
    text: &str,
) -> Result<T, sqlx::Error> {
    serde_json::from_str(text).map_err(|e| bad_value(column, row, &text, &e.to_string()))
}

/// A small count stored as an integer (stars, days).
pub(crate) fn number<T: TryFrom<i64>>(column: &str, row: &str, n: i64) -> Result<T, sqlx::Error> {
    T::try_from(n).map_err(|_| bad_value(column, row, &n, "is out of range"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_values_are_errors_not_defaults() {
        assert_eq!(vnd("t.c", "r", 5).unwrap(), Vnd::new(5).unwrap());
        assert!(matches!(vnd("t.c", "r", -1), Err(sqlx::Error::Decode(_))));
        assert!(date("t.c", "r", "2026-02-30").is_err());
        assert_eq!(
            date("t.c", "r", "2026-02-28").unwrap(),
            NaiveDate::from_ymd_opt(2026, 2, 28).unwrap()
        );
        assert!(timestamp("t.c", "r", "2026-01-01T00:00:00.000Z").is_ok());
        assert!(timestamp("t.c", "r", "soon").is_err());
        assert!(text_enum("t.c", "r", "weird", |_| None::<u8>).is_err());
        assert!(number::<u8>("t.c", "r", 300).is_err());
        let e = vnd("products.price_vnd", "v1", -5).unwrap_err().to_string();
        assert!(e.contains("products.price_vnd") && e.contains("v1"), "{e}");
    }
}
