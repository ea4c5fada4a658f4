//! The officers' spreadsheet import, from the uploaded bytes to the row checks: any file (an
//! .xlsx, a CSV, anything) is read within the sheet limits or refused, never panics and never
//! allocates what the file merely declares (libFuzzer's memory limit fails the run); every row is
//! either importable or listed with at least one reason, never both, and row numbers are the
//! spreadsheet's own (header = 1). Text is also checked as rows split at new lines and `;`, so
//! the row rules are fuzzed directly as well.
#![no_main]

use app::officer::rules::{ocop_import, spreadsheet::{self, MAX_COLUMNS, MAX_ROWS}};
use libfuzzer_sys::fuzz_target;

fn check_rows(cells: &[Vec<String>]) {
    let groups = [
        "food".to_owned(),
        "beverage".to_owned(),
        "herbal".to_owned(),
    ];
    let Ok(checked) = ocop_import::check(cells, &groups) else {
        return;
    };
    let data_rows = cells.len() - 1;
    assert!(checked.rows.len() + checked.errors.len() <= data_rows);
    for error in &checked.errors {
        assert!(
            !error.reasons.is_empty(),
            "row {} without a reason",
            error.row
        );
        assert!((2..=cells.len()).contains(&error.row), "row {}", error.row);
    }
}

fuzz_target!(|bytes: &[u8]| {
    if let Ok(cells) = spreadsheet::cells(bytes) {
        assert!(cells.len() <= MAX_ROWS);
        assert!(cells.iter().all(|row| row.len() <= MAX_COLUMNS));
        check_rows(&cells);
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        let cells: Vec<Vec<String>> = text
            .split('\n')
            .map(|line| line.split(';').map(str::to_owned).collect())
            .collect();
        check_rows(&cells);
    }
});
