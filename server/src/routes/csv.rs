//! CSV downloads: fields quoted when needed and defused against spreadsheet formulas, a
//! byte-order mark so spreadsheet programs read Vietnamese as UTF-8.

use axum::{
    http::header,
    response::{IntoResponse, Response},
};

/// One field: quoted when it holds a separator, quote or line break; a leading `=`, `+`, `-`
/// or `@` gets an apostrophe so no spreadsheet runs it as a formula.
pub fn field(text: &str) -> String {
    let text = if text.starts_with(['=', '+', '-', '@']) {
        format!("'{text}")
    } else {
        text.to_owned()
    };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

/// A CSV attachment named `filename`.
pub fn download(filename: &str, body: &str) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{filename}\""),
            ),
        ],
        format!("\u{feff}{body}"),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_quoted_and_defused() {
        assert_eq!(field("Tương Bần"), "Tương Bần");
        assert_eq!(field("a,b"), "\"a,b\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(field("=HYPERLINK(1)"), "'=HYPERLINK(1)");
    }
}
