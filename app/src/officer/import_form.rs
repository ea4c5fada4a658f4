//! What the officer's import pages (`pages::import`) and their form handlers
//! (`server::routes::import_forms`) share: the refusal reasons sent back in `?loi=`. Both sides
//! use this type, so a reason one side does not know does not compile.

use serde::{Deserialize, Serialize};

#[cfg(feature = "spreadsheet")]
use crate::officer::rules::spreadsheet::SheetError;
use crate::pages::refusal::Refusal;

/// Why an import form was refused: `loi=<code>`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "loi", rename_all = "snake_case")]
pub enum ImportRefusal {
    SheetSize,
    SheetFormat,
    SheetRows,
    SheetColumns,
    SheetUnpacked,
    SheetCells,
    /// No file was chosen (or it was empty).
    SheetMissing,
    /// Confirmed while some rows still have errors.
    SheetErrors,
    /// A code no import handler sends: read as the generic text.
    #[serde(other)]
    Unknown,
}

impl Refusal for ImportRefusal {
    fn unknown() -> Option<Self> {
        Some(ImportRefusal::Unknown)
    }
}

#[cfg(feature = "spreadsheet")]
impl From<SheetError> for ImportRefusal {
    fn from(e: SheetError) -> Self {
        match e {
            SheetError::TooLarge => ImportRefusal::SheetSize,
            SheetError::NotASpreadsheet => ImportRefusal::SheetFormat,
            SheetError::TooManyRows => ImportRefusal::SheetRows,
            SheetError::TooManyColumns => ImportRefusal::SheetColumns,
            SheetError::TooLargeUnpacked => ImportRefusal::SheetUnpacked,
            SheetError::TooManyCells => ImportRefusal::SheetCells,
        }
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;
    use crate::pages::refusal::{assert_each_round_trips, read};
    use crate::{i18n::Locale, officer::pages::import::refusal_text};

    /// Every reason's code.
    fn code(refusal: ImportRefusal) -> &'static str {
        // No catch-all: a new reason stops this compiling; add its query to `QUERIES` too.
        use ImportRefusal::*;
        match refusal {
            SheetSize => "sheet_size",
            SheetFormat => "sheet_format",
            SheetRows => "sheet_rows",
            SheetColumns => "sheet_columns",
            SheetUnpacked => "sheet_unpacked",
            SheetCells => "sheet_cells",
            SheetMissing => "sheet_missing",
            SheetErrors => "sheet_errors",
            Unknown => "unknown",
        }
    }

    /// One query per reason: the codes the pages already link to.
    const QUERIES: [&str; 9] = [
        "loi=sheet_size",
        "loi=sheet_format",
        "loi=sheet_rows",
        "loi=sheet_columns",
        "loi=sheet_unpacked",
        "loi=sheet_cells",
        "loi=sheet_missing",
        "loi=sheet_errors",
        "loi=unknown",
    ];

    fn refusal_in(query: &str) -> Option<ImportRefusal> {
        read(query)
    }

    #[test]
    fn every_refusal_round_trips_through_its_url_code_and_has_texts() {
        assert_each_round_trips(
            &QUERIES,
            |r| code(*r),
            |r, locale| refusal_text(*r, locale).to_owned(),
        );
    }

    #[test]
    fn the_sheet_errors_keep_their_codes() {
        use SheetError as E;
        for e in [
            E::TooLarge,
            E::NotASpreadsheet,
            E::TooManyRows,
            E::TooManyColumns,
            E::TooLargeUnpacked,
            E::TooManyCells,
        ] {
            assert_eq!(ImportRefusal::from(e).query(), format!("loi={}", e.code()));
        }
    }

    #[test]
    fn an_unknown_code_reads_as_unknown_and_none_as_none() {
        assert_eq!(refusal_in("loi=nonsense"), Some(ImportRefusal::Unknown));
        assert_eq!(refusal_in("ok=1"), None);
        assert_eq!(
            refusal_text(ImportRefusal::Unknown, Locale::Vi),
            "Không nhập được. Hãy kiểm tra lại."
        );
    }
}
