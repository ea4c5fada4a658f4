//! Turning an uploaded spreadsheet into rows of cell text: .xlsx by its zip signature, otherwise
//! UTF-8 CSV (comma or semicolon, quoted fields, a spreadsheet's byte-order mark). Dates become
//! YYYY-MM-DD, whole numbers lose their ".0".
//!
//! The file comes from outside, so nothing in it may decide how much we allocate: an .xlsx is
//! unpacked only up to [`MAX_UNPACKED_BYTES`] (a zip bomb is refused, not inflated), its cells are
//! read one at a time (a sheet declaring `A1:XFD1048576` is not materialised as 17 billion cells:
//! an allocation failure aborts the process, it is not a panic that a task could catch), and a
//! sheet using more than [`MAX_ROWS`] rows or [`MAX_COLUMNS`] columns is refused before any grid
//! is built. Older formats (.xls, .ods, .xlsb) are refused: their readers build the whole grid.

use std::io::{Cursor, Read};

use calamine::{DataRef, DataType, Reader, Xlsx};

/// Larger files are refused before they are read.
pub const MAX_BYTES: usize = 10 * 1024 * 1024;
/// Rows a sheet may use, the header included: far more than a commune's OCOP list.
pub const MAX_ROWS: usize = 10_000;
/// Columns a sheet may use: the import reads ten.
pub const MAX_COLUMNS: usize = 40;
/// What an .xlsx may unpack to, all its parts together.
pub const MAX_UNPACKED_BYTES: u64 = 64 * 1024 * 1024;
/// Parts an .xlsx may have (a saved sheet has about ten).
const MAX_PARTS: usize = 1_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SheetError {
    #[error("the file is larger than 10 MB")]
    TooLarge,
    #[error("the file is not a spreadsheet (.xlsx or .csv)")]
    NotASpreadsheet,
    #[error("the sheet uses more than {MAX_ROWS} rows")]
    TooManyRows,
    #[error("the sheet uses more than {MAX_COLUMNS} columns")]
    TooManyColumns,
    #[error("the spreadsheet unpacks to more than 64 MB")]
    TooLargeUnpacked,
    #[error("the spreadsheet holds more texts than {MAX_ROWS} rows of {MAX_COLUMNS} columns")]
    TooManyCells,
}

impl SheetError {
    /// A stable code for the upload form (`?loi=`).
    pub fn code(self) -> &'static str {
        match self {
            SheetError::TooLarge => "sheet_size",
            SheetError::NotASpreadsheet => "sheet_format",
            SheetError::TooManyRows => "sheet_rows",
            SheetError::TooManyColumns => "sheet_columns",
            SheetError::TooLargeUnpacked => "sheet_unpacked",
            SheetError::TooManyCells => "sheet_cells",
        }
    }
}

/// The first sheet's cells as text, row by row; rows end at their last used cell.
pub fn cells(bytes: &[u8]) -> Result<Vec<Vec<String>>, SheetError> {
    if bytes.len() > MAX_BYTES {
        return Err(SheetError::TooLarge);
    }
    if bytes.starts_with(b"PK\x03\x04") {
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
    csv(text, separator)
}

/// Cells by position, kept only when they hold something, within the limits.
#[derive(Default)]
struct Grid {
    cells: Vec<(usize, usize, String)>,
}

impl Grid {
    fn put(&mut self, row: usize, column: usize, text: String) -> Result<(), SheetError> {
        if text.is_empty() {
            return Ok(());
        }
        if row >= MAX_ROWS {
            return Err(SheetError::TooManyRows);
        }
        if column >= MAX_COLUMNS {
            return Err(SheetError::TooManyColumns);
        }
        self.cells.push((row, column, text));
        Ok(())
    }

    /// At most `MAX_ROWS` × `MAX_COLUMNS` cells, whatever the file said.
    fn rows(self) -> Vec<Vec<String>> {
        let height = self.cells.iter().map(|c| c.0 + 1).max().unwrap_or(0);
        let mut rows = vec![Vec::new(); height];
        for (r, c, text) in self.cells {
            let row: &mut Vec<String> = &mut rows[r];
            if row.len() <= c {
                row.resize(c + 1, String::new());
            }
            row[c] = text;
        }
        rows
    }
}

fn workbook(bytes: &[u8]) -> Result<Vec<Vec<String>>, SheetError> {
    check_unpacked_size(bytes)?;
    let mut book = Xlsx::new(Cursor::new(bytes)).map_err(|_| SheetError::NotASpreadsheet)?;
    let first = book
        .sheet_names()
        .into_iter()
        .next()
        .ok_or(SheetError::NotASpreadsheet)?;
    let mut reader = book
        .worksheet_cells_reader(&first)
        .map_err(|_| SheetError::NotASpreadsheet)?;
    let mut grid = Grid::default();
    while let Some(cell) = reader
        .next_cell()
        .map_err(|_| SheetError::NotASpreadsheet)?
    {
        let (row, column) = cell.get_position();
        grid.put(row as usize, column as usize, cell_text(cell.get_value()))?;
    }
    Ok(grid.rows())
}

/// Inflates every part of the zip with a running cap, so that the reader afterwards can only
/// see what fits; and refuses a shared-string table that announces more strings than the parts
/// could hold (the reader reserves room for that many before reading one).
fn check_unpacked_size(bytes: &[u8]) -> Result<(), SheetError> {
    let mut zip =
        zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| SheetError::NotASpreadsheet)?;
    if zip.len() > MAX_PARTS {
        return Err(SheetError::NotASpreadsheet);
    }
    let mut total = 0u64;
    let mut sink = [0u8; 16 * 1024];
    for i in 0..zip.len() {
        let mut part = zip.by_index(i).map_err(|_| SheetError::NotASpreadsheet)?;
        let shared_strings = part
            .name()
            .is_ok_and(|name| name.ends_with("sharedStrings.xml"));
        let mut head = Vec::new();
        loop {
            let n = match part.read(&mut sink) {
                Ok(0) => break,
                Ok(n) => n,
                Err(_) => return Err(SheetError::NotASpreadsheet),
            };
            total += n as u64;
            if total > MAX_UNPACKED_BYTES {
                return Err(SheetError::TooLargeUnpacked);
            }
            if shared_strings && head.len() < 4096 {
                head.extend_from_slice(&sink[..n.min(4096 - head.len())]);
            }
        }
        if shared_strings && announced_strings(&head) > MAX_ROWS * MAX_COLUMNS {
            return Err(SheetError::TooManyCells);
        }
    }
    Ok(())
}

/// The `uniqueCount` of a shared-string table's opening tag (0 when absent or unreadable).
fn announced_strings(head: &[u8]) -> usize {
    let text = String::from_utf8_lossy(head);
    let Some(tag) = text.split("<sst").nth(1).and_then(|t| t.split('>').next()) else {
        return 0;
    };
    let Some(value) = tag.split("uniqueCount=").nth(1) else {
        return 0;
    };
    let digits: String = value
        .trim_start_matches(['"', '\''])
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    // More digits than a usize holds: as many as can be.
    digits.parse().unwrap_or(usize::MAX)
}

fn cell_text(cell: &DataRef<'_>) -> String {
    match cell {
        DataRef::Empty | DataRef::Error(_) => String::new(),
        DataRef::String(s) => s.clone(),
        DataRef::SharedString(s) => (*s).to_owned(),
        DataRef::Int(n) => n.to_string(),
        DataRef::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        DataRef::Float(f) => f.to_string(),
        DataRef::Bool(b) => b.to_string(),
        DataRef::DateTime(_) | DataRef::DateTimeIso(_) => cell
            .as_date()
            .map(|d| d.format("%Y-%m-%d").to_string())
            .unwrap_or_default(),
        DataRef::DurationIso(s) => s.clone(),
    }
}

/// RFC 4180 fields: quotes around a field allow separators, line breaks and doubled quotes.
fn csv(text: &str, separator: char) -> Result<Vec<Vec<String>>, SheetError> {
    let mut grid = Grid::default();
    let (mut row, mut column) = (0, 0);
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
            (c, false) if c == separator => {
                grid.put(row, column, std::mem::take(&mut field))?;
                column += 1;
            }
            ('\r', false) => {}
            ('\n', false) => {
                grid.put(row, column, std::mem::take(&mut field))?;
                row += 1;
                column = 0;
            }
            (c, _) => field.push(c),
        }
    }
    grid.put(row, column, field)?;
    Ok(grid.rows())
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
        // An old binary .xls: its reader builds the whole grid, so it is not read.
        assert_eq!(
            cells(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]),
            Err(SheetError::NotASpreadsheet)
        );
        assert_eq!(cells(&vec![b'a'; MAX_BYTES + 1]), Err(SheetError::TooLarge));
    }

    #[test]
    fn a_csv_past_the_limits_is_refused_and_one_within_them_read() {
        let wide = format!("{}x\n", ",".repeat(MAX_COLUMNS));
        assert_eq!(cells(wide.as_bytes()), Err(SheetError::TooManyColumns));
        // Empty fields past the last used column do not count.
        let trailing = format!("a,b{}\n", ",".repeat(200));
        assert_eq!(cells(trailing.as_bytes()).unwrap(), vec![vec!["a", "b"]]);
        let long = "a,b\n".repeat(MAX_ROWS + 1);
        assert_eq!(cells(long.as_bytes()), Err(SheetError::TooManyRows));
        let most = "a,b\n".repeat(MAX_ROWS);
        assert_eq!(cells(most.as_bytes()).unwrap().len(), MAX_ROWS);
    }

    /// A one-sheet workbook around `sheet_data` (the `<sheetData>` children), with a shared-string
    /// table when given.
    fn xlsx(dimension: &str, sheet_data: &str, shared_strings: Option<&str>) -> Vec<u8> {
        use std::io::Write;
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        let ns = r#"xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main""#;
        let rels = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
        let mut parts = vec![
            (
                "_rels/.rels".to_owned(),
                format!(
                    r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{rels}/officeDocument" Target="xl/workbook.xml"/></Relationships>"#
                ),
            ),
            (
                "xl/workbook.xml".to_owned(),
                format!(
                    r#"<workbook {ns} xmlns:r="{rels}"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>"#
                ),
            ),
            (
                "xl/_rels/workbook.xml.rels".to_owned(),
                format!(
                    r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{rels}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#
                ),
            ),
            (
                "xl/worksheets/sheet1.xml".to_owned(),
                format!(
                    r#"<worksheet {ns}><dimension ref="{dimension}"/><sheetData>{sheet_data}</sheetData></worksheet>"#
                ),
            ),
        ];
        if let Some(strings) = shared_strings {
            parts.push(("xl/sharedStrings.xml".to_owned(), strings.to_owned()));
        }
        for (name, text) in parts {
            zip.start_file(name, options).unwrap();
            zip.write_all(text.as_bytes()).unwrap();
        }
        zip.finish().unwrap().into_inner()
    }

    fn text_cell(at: &str, text: &str) -> String {
        format!(r#"<c r="{at}" t="inlineStr"><is><t>{text}</t></is></c>"#)
    }

    /// The file from the security review: cells A1 and XFD1048576 only. Reading it as a grid
    /// asked for 549 GB and aborted the server.
    #[test]
    fn a_sheet_spanning_every_cell_is_refused_without_building_it() {
        let file = include_bytes!("../../../../tests/fuzz/seeds/import_rows/huge-dimension.xlsx");
        assert!(file.len() < 2048);
        assert_eq!(cells(file), Err(SheetError::TooManyRows));
        let wide = xlsx(
            "A1:XFD1",
            &format!(
                r#"<row r="1">{}{}</row>"#,
                text_cell("A1", "a"),
                text_cell("AP1", "b")
            ),
            None,
        );
        assert_eq!(cells(&wide), Err(SheetError::TooManyColumns));
    }

    #[test]
    fn a_sheet_within_the_limits_is_read_sparsely_whatever_its_declared_size() {
        // A declared range that lies, and styled empty cells far out, as spreadsheet programs
        // leave after formatting whole columns: only the cells with values count.
        let file = xlsx(
            "A1:XFD1048576",
            &format!(
                r#"<row r="1">{}{}</row><row r="3"><c r="B3"><v>85000</v></c></row><row r="1048576"><c r="XFD1048576" s="1"/></row>"#,
                text_cell("A1", "Tên"),
                text_cell("C1", "Giá")
            ),
            None,
        );
        assert_eq!(
            cells(&file).unwrap(),
            vec![vec!["Tên", "", "Giá"], vec![], vec!["", "85000"]]
        );
    }

    #[test]
    fn a_zip_bomb_is_refused_before_it_is_inflated() {
        let padding = " ".repeat(MAX_UNPACKED_BYTES as usize + 1);
        let file = xlsx("A1", &format!(r#"<row r="1">{padding}</row>"#), None);
        assert!(file.len() < MAX_BYTES, "{} bytes", file.len());
        assert_eq!(cells(&file), Err(SheetError::TooLargeUnpacked));
    }

    #[test]
    fn a_shared_string_table_announcing_billions_is_refused() {
        let strings = r#"<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="999999999999"><si><t>a</t></si></sst>"#;
        let file = xlsx(
            "A1",
            r#"<row r="1"><c r="A1" t="s"><v>0</v></c></row>"#,
            Some(strings),
        );
        assert_eq!(cells(&file), Err(SheetError::TooManyCells));
        let honest = strings.replace("999999999999", "1");
        let file = xlsx(
            "A1",
            r#"<row r="1"><c r="A1" t="s"><v>0</v></c></row>"#,
            Some(&honest),
        );
        assert_eq!(cells(&file).unwrap(), vec![vec!["a"]]);
    }

    proptest::proptest! {
        #[test]
        fn never_panics(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..400)) {
            if let Ok(rows) = cells(&bytes) {
                proptest::prop_assert!(rows.len() <= MAX_ROWS);
                proptest::prop_assert!(rows.iter().all(|r| r.len() <= MAX_COLUMNS));
            }
        }
    }
}
