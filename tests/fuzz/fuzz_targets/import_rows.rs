//! The officers' spreadsheet import, row checks: any cells (rows split at new lines, cells at
//! `;`, as a CSV would give them) never panic; every row is either importable or listed with
//! at least one reason, never both, and row numbers are the spreadsheet's own (header = 1).
#![no_main]

use app::domain::ocop_import;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let cells: Vec<Vec<String>> = text
        .split('\n')
        .map(|line| line.split(';').map(str::to_owned).collect())
        .collect();
    let groups = [
        "food".to_owned(),
        "beverage".to_owned(),
        "herbal".to_owned(),
    ];
    let Ok(checked) = ocop_import::check(&cells, &groups) else {
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
});
