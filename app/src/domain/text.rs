//! The one rule for text people send us, applied at the boundary (every form field, query
//! parameter, path segment and JSON string; see `server/src/boundary.rs`): no control
//! characters (NUL, escape codes; tab and line breaks are allowed) and no invisible format
//! characters (zero-width spaces and joiners, direction overrides, byte-order marks). They
//! serve no reader, PostgreSQL refuses NUL outright, and they let a name look like another or
//! like nothing at all. Fields that must say something also need a visible character: a name
//! made only of combining accents or spaces is empty.

/// Why a text was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Hidden {
    /// A control character (U+0000–U+001F except tab and line breaks, U+007F–U+009F).
    Control(char),
    /// An invisible format character (zero-width, direction override, BOM, …).
    Invisible(char),
}

impl Hidden {
    pub fn char(self) -> char {
        match self {
            Hidden::Control(c) | Hidden::Invisible(c) => c,
        }
    }
}

impl std::fmt::Display for Hidden {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Hidden::Control(c) => write!(f, "a control character (U+{:04X})", u32::from(*c)),
            Hidden::Invisible(c) => write!(f, "an invisible character (U+{:04X})", u32::from(*c)),
        }
    }
}

/// The first character the rule refuses, if any.
pub fn hidden(text: &str) -> Option<Hidden> {
    let mut previous: Option<char> = None;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_control() && !matches!(c, '\t' | '\n' | '\r') {
            return Some(Hidden::Control(c));
        }
        if is_format(c) {
            // The one exception: a zero-width joiner inside an emoji sequence (👨‍🌾, a farmer),
            // between two visible characters.
            let joins = c == '\u{200D}'
                && previous.is_some_and(is_visible)
                && chars.peek().is_some_and(|n| is_visible(*n));
            if !joins {
                return Some(Hidden::Invisible(c));
            }
        }
        previous = Some(c);
    }
    None
}

/// Whether the text shows anything: at least one character that is not a space, a combining
/// mark or a format character.
pub fn has_visible(text: &str) -> bool {
    text.chars().any(is_visible)
}

fn is_visible(c: char) -> bool {
    !c.is_whitespace() && !c.is_control() && !is_format(c) && !is_combining(c)
}

/// Unicode's format characters (general category Cf) and the other invisible characters that
/// render as nothing (Hangul fillers, the Braille blank).
fn is_format(c: char) -> bool {
    matches!(
        u32::from(c),
        0x00AD
            | 0x034F
            | 0x0600..=0x0605
            | 0x061C
            | 0x06DD
            | 0x070F
            | 0x0890..=0x0891
            | 0x08E2
            | 0x115F..=0x1160
            | 0x17B4..=0x17B5
            | 0x180B..=0x180F
            | 0x200B..=0x200F
            | 0x202A..=0x202E
            | 0x2060..=0x206F
            | 0x2800
            | 0x3164
            | 0xFEFF
            | 0xFFA0
            | 0xFFF9..=0xFFFB
            | 0x110BD
            | 0x110CD
            | 0x13430..=0x1343F
            | 0x1BCA0..=0x1BCA3
            | 0x1D173..=0x1D17A
            | 0xE0001
            | 0xE0020..=0xE007F
    )
}

/// Combining marks: Vietnamese typed decomposed uses them on letters (a + U+0301 = á), so they
/// are allowed, but they are not visible on their own.
fn is_combining(c: char) -> bool {
    matches!(
        u32::from(c),
        0x0300..=0x036F
            | 0x0483..=0x0489
            | 0x0591..=0x05BD
            | 0x0610..=0x061A
            | 0x064B..=0x065F
            | 0x1AB0..=0x1AFF
            | 0x1DC0..=0x1DFF
            | 0x20D0..=0x20FF
            | 0xFE00..=0xFE0F
            | 0xFE20..=0xFE2F
            | 0xE0100..=0xE01EF
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vietnamese_and_ordinary_text_pass() {
        for ok in [
            "Nguyễn Thị Hoa",
            "Nguye\u{0302}\u{0303}n", // decomposed: e + circumflex + tilde
            "12 phố Hiến Nam,\r\nTP Hưng Yên\tgần chợ",
            "Nhãn lồng 🍈 vườn nhà 👨\u{200D}🌾",
            "",
        ] {
            assert_eq!(hidden(ok), None, "{ok:?}");
        }
    }

    #[test]
    fn control_characters_are_refused() {
        for (text, c) in [
            ("Hoa\u{0}", '\u{0}'),
            ("\u{1b}[31mđỏ", '\u{1b}'),
            ("a\u{7f}", '\u{7f}'),
            ("a\u{85}b", '\u{85}'),
        ] {
            assert_eq!(hidden(text), Some(Hidden::Control(c)), "{text:?}");
        }
    }

    #[test]
    fn invisible_characters_are_refused() {
        for c in [
            '\u{200B}',
            '\u{200C}',
            '\u{200E}',
            '\u{202E}',
            '\u{2066}',
            '\u{FEFF}',
            '\u{00AD}',
            '\u{2060}',
            '\u{E0041}',
            '\u{3164}',
        ] {
            let text = format!("Hoa{c}Mai");
            assert_eq!(
                hidden(&text),
                Some(Hidden::Invisible(c)),
                "U+{:04X}",
                u32::from(c)
            );
        }
        // A joiner that joins nothing visible is refused too.
        assert_eq!(hidden("\u{200D}"), Some(Hidden::Invisible('\u{200D}')));
        assert_eq!(hidden("a \u{200D}b"), Some(Hidden::Invisible('\u{200D}')));
    }

    #[test]
    fn text_of_only_marks_or_spaces_shows_nothing() {
        for empty in ["", "   ", "\u{0301}\u{0303}", " \u{0300} ", "\u{FE0F}"] {
            assert!(!has_visible(empty), "{empty:?}");
        }
        for shown in ["a", "Hòa", "\u{0301}a", "7", "🍈"] {
            assert!(has_visible(shown), "{shown:?}");
        }
    }

    #[test]
    fn the_message_names_the_code_point() {
        assert_eq!(
            hidden("a\u{202E}b").unwrap().to_string(),
            "an invisible character (U+202E)"
        );
        assert_eq!(
            hidden("a\u{0}").unwrap().to_string(),
            "a control character (U+0000)"
        );
    }
}
