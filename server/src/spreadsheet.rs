//! Turning an uploaded spreadsheet into rows of cell text: .xlsx (and the other formats calamine
//! reads) by its zip signature, otherwise UTF-8 CSV (comma or semicolon, quoted fields, a
//! spreadsheet's byte-order mark). Dates become YYYY-MM-DD, whole numbers lose their ".0".

use std::io::Cursor;

use calamine::{Data, DataType, Reader, open_workbook_auto_from_rs};

/// Larger files are refused before they are read.
pub const MAX_BYTES: usize = 10 * 1024 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SheetError {
    #[error("the file is larger than 10 MB")]
    TooLarge,
    #[error("the file is not a spreadsheet (.xlsx or .csv)")]
    NotASpreadsheet,
}

impl SheetError {
    pub fn code(self) -> &'static str {
        match self {
            SheetError::TooLarge => "sheet_size",
            SheetError::NotASpreadsheet => "sheet_format",
        }
    }
}

/// The first sheet's cells as text.
pub fn cells(bytes: &[u8]) -> Result<Vec<Vec<String>>, SheetError> {
    if bytes.len() > MAX_BYTES {
        return Err(SheetError::TooLarge);
    }
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return workbook(bytes);
    }
    let text = std::str::from_utf8(bytes).map_err(|_| SheetError::NotASpreadsheet)?;
    let text = text.trim_start_matches('\u{feff}');
    // A CSV is text without NUL bytes whose first line has a separator.
    let first = text.lines().next().unwrap_or("");
    if text.contains('\0') || !(first.contains(',') || first.contains(';')) {
        return Err(SheetError::NotASpreadsheet);
    }
    let separator = if first.matches(';').count() > first.matches(',').count() {
        ';'
    } else {
        ','
    };
    Ok(csv(text, separator))
}

fn workbook(bytes: &[u8]) -> Result<Vec<Vec<String>>, SheetError> {
    let mut book = open_workbook_auto_from_rs(Cursor::new(bytes.to_vec()))
        .map_err(|_| SheetError::NotASpreadsheet)?;
    let range = book
        .worksheet_range_at(0)
        .ok_or(SheetError::NotASpreadsheet)?
        .map_err(|_| SheetError::NotASpreadsheet)?;
    Ok(range
        .rows()
        .map(|row| row.iter().map(cell_text).collect())
        .collect())
}

fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty | Data::Error(_) => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(n) => n.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(_) | Data::DateTimeIso(_) => cell
            .as_date()
            .map(|d| d.format("%Y-%m-%d").to_string())
            .unwrap_or_default(),
        Data::DurationIso(s) => s.clone(),
    }
}

/// RFC 4180 fields: quotes around a field allow separators, line breaks and doubled quotes.
fn csv(text: &str, separator: char) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            ('"', true) => quoted = false,
            ('"', false) if field.is_empty() => quoted = true,
            (c, false) if c == separator => row.push(std::mem::take(&mut field)),
            ('\r', false) => {}
            ('\n', false) => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (c, _) => field.push(c),
        }
    }
    if !field.is_empty() || !row.is_empty() {
        row.push(field);
        rows.push(row);
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_with_quotes_bom_and_semicolons() {
        let text = "\u{feff}a;b;c\r\n\"x; y\";\"say \"\"hi\"\"\";3\n";
        assert_eq!(
            cells(text.as_bytes()).unwrap(),
            vec![
                vec!["a".to_owned(), "b".to_owned(), "c".to_owned()],
                vec!["x; y".to_owned(), "say \"hi\"".to_owned(), "3".to_owned()],
            ]
        );
    }

    #[test]
    fn what_is_not_a_spreadsheet_is_refused() {
        assert_eq!(
            cells(b"\x89PNG\r\n\x1a\n...."),
            Err(SheetError::NotASpreadsheet)
        );
        assert_eq!(cells(b"just some words"), Err(SheetError::NotASpreadsheet));
        assert_eq!(
            cells(b"PK\x03\x04 broken zip"),
            Err(SheetError::NotASpreadsheet)
        );
        assert_eq!(cells(&vec![b'a'; MAX_BYTES + 1]), Err(SheetError::TooLarge));
    }

    proptest::proptest! {
        #[test]
        fn never_panics(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..400)) {
            let _ = cells(&bytes);
        }
    }
}
