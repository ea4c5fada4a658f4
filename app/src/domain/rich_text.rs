//! The commune story's "rich text": a small, safe formatting language officers type in a plain
//! text box. Blank lines separate paragraphs, lines starting with "- " make a list, `**bold**`
//! and `*italic*` mark words. Nothing else has a meaning: HTML typed in is shown as text, so a
//! story can never carry a script, a style or a link elsewhere. The page renders the parsed
//! blocks as elements (never as raw HTML).

use serde::{Deserialize, Serialize};

/// A story longer than this is refused (about four printed pages).
pub const MAX_STORY_CHARS: usize = 10_000;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Block {
    Paragraph(Vec<Span>),
    List(Vec<Vec<Span>>),
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Span {
    pub text: String,
    pub bold: bool,
    pub italic: bool,
}

/// Parses a story. Never fails: unmatched markers are kept as text.
pub fn parse(text: &str) -> Vec<Block> {
    let text = text.replace("\r\n", "\n");
    let mut blocks = Vec::new();
    for chunk in text.split("\n\n") {
        let lines: Vec<&str> = chunk
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect();
        if lines.is_empty() {
            continue;
        }
        if lines.iter().all(|l| l.starts_with("- ")) {
            blocks.push(Block::List(lines.iter().map(|l| spans(&l[2..])).collect()));
        } else {
            blocks.push(Block::Paragraph(spans(&lines.join(" "))));
        }
    }
    blocks
}

/// The story as plain text (for descriptions and search): markers removed.
pub fn plain(text: &str) -> String {
    parse(text)
        .into_iter()
        .map(|b| match b {
            Block::Paragraph(s) => join(&s),
            Block::List(items) => items.iter().map(|s| join(s)).collect::<Vec<_>>().join("; "),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn join(spans: &[Span]) -> String {
    spans.iter().map(|s| s.text.as_str()).collect()
}

/// Splits a line on `**` (bold) and then `*` (italic); a marker without its pair is text.
fn spans(line: &str) -> Vec<Span> {
    let mut out = Vec::new();
    for (part, bold) in split_paired(line, "**") {
        for (piece, italic) in split_paired(&part, "*") {
            if !piece.is_empty() {
                out.push(Span {
                    text: piece,
                    bold,
                    italic,
                });
            }
        }
    }
    out
}

/// `a **b** c` → [("a ", false), ("b", true), (" c", false)]; an odd last marker stays text.
fn split_paired(text: &str, marker: &str) -> Vec<(String, bool)> {
    let parts: Vec<&str> = text.split(marker).collect();
    let paired = if parts.len() % 2 == 1 {
        parts.len()
    } else {
        parts.len() - 1
    };
    let mut out: Vec<(String, bool)> = Vec::new();
    for (i, part) in parts.iter().enumerate() {
        if i < paired {
            out.push(((*part).to_owned(), i % 2 == 1));
        } else if let Some(last) = out.last_mut() {
            // The unpaired marker and what follows it are plain text.
            if last.1 {
                out.push((format!("{marker}{part}"), false));
            } else {
                last.0.push_str(marker);
                last.0.push_str(part);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(text: &str, bold: bool, italic: bool) -> Span {
        Span {
            text: text.to_owned(),
            bold,
            italic,
        }
    }

    #[test]
    fn paragraphs_lists_bold_and_italic() {
        let story = "Nhãn **lồng** nổi tiếng.\nTiến vua.\n\n- Cùi *dày*\n- Hạt nhỏ";
        assert_eq!(
            parse(story),
            vec![
                Block::Paragraph(vec![
                    span("Nhãn ", false, false),
                    span("lồng", true, false),
                    span(" nổi tiếng. Tiến vua.", false, false),
                ]),
                Block::List(vec![
                    vec![span("Cùi ", false, false), span("dày", false, true)],
                    vec![span("Hạt nhỏ", false, false)],
                ]),
            ]
        );
        assert_eq!(
            plain(story),
            "Nhãn lồng nổi tiếng. Tiến vua. Cùi dày; Hạt nhỏ"
        );
    }

    #[test]
    fn html_and_stray_markers_are_text() {
        let blocks = parse("<script>alert(1)</script> 5 * 3 = 15");
        assert_eq!(
            blocks,
            vec![Block::Paragraph(vec![span(
                "<script>alert(1)</script> 5 * 3 = 15",
                false,
                false
            )])]
        );
    }

    proptest::proptest! {
        #[test]
        fn keeps_every_visible_character(s in "[a-zơ <>*\\-\n]{0,80}") {
            let _ = parse(&s);
            let kept: String = plain(&s).chars().filter(|c| c.is_alphanumeric() || *c == '<' || *c == '>').collect();
            let original: String = s.chars().filter(|c| c.is_alphanumeric() || *c == '<' || *c == '>').collect();
            proptest::prop_assert_eq!(kept, original);
        }
    }
}
