//! What a buyer typed, cut into the words a search engine matches, and the matching rules that
//! both engines and the highlighter share.
//!
//! Each word is kept twice: folded ("nhan": matches with or without diacritics, đ → d) and as
//! typed, lowercased ("nhãn": an exact-diacritic match ranks first). A word of five or more
//! letters may have one typo; the last word may be the beginning of a longer one, so results
//! follow the buyer as they type.

use crate::domain::fold::fold;

/// Longer queries are cut here: no product name is longer, and a 10 KB paste must not cost more
/// than a sentence.
pub const MAX_QUERY_CHARS: usize = 200;
/// Words after this many are ignored, for the same reason.
pub const MAX_WORDS: usize = 10;
/// Words this long (folded) may carry one typo: shorter ones would match too many others
/// ("ga" → "gia", "go").
pub const TYPO_MIN_LETTERS: usize = 5;
/// The last word matches longer words from this many letters on.
pub const PREFIX_MIN_LETTERS: usize = 1;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QueryWord {
    /// Lowercased, diacritics removed: "nhan".
    pub folded: String,
    /// Lowercased as typed: "nhãn" (equal to `folded` when typed without diacritics).
    pub exact: String,
    /// The last word of the query: it may be unfinished.
    pub prefix: bool,
}

impl QueryWord {
    pub fn allows_typo(&self) -> bool {
        self.folded.chars().count() >= TYPO_MIN_LETTERS
    }

    /// Whether a folded word of a document matches this query word, and how well.
    pub fn matches(&self, folded_word: &str) -> Option<MatchKind> {
        if folded_word == self.folded {
            Some(MatchKind::Whole)
        } else if self.prefix
            && self.folded.len() >= PREFIX_MIN_LETTERS
            && folded_word.starts_with(&self.folded)
        {
            Some(MatchKind::Prefix)
        } else if self.allows_typo() && within_one_edit(&self.folded, folded_word) {
            Some(MatchKind::Typo)
        } else {
            None
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum MatchKind {
    Typo,
    Prefix,
    Whole,
}

/// A query ready for an engine.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Analyzed {
    pub words: Vec<QueryWord>,
    /// The text that was used (cut to `MAX_QUERY_CHARS`), for the page to show.
    pub text: String,
    /// Whether the query was cut.
    pub truncated: bool,
}

impl Analyzed {
    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    /// The folded words joined by spaces: what an engine that folds by itself is sent.
    pub fn folded_text(&self) -> String {
        self.words
            .iter()
            .map(|w| w.folded.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// Splits a query into words. Punctuation separates words; a query of only punctuation has no
/// words (and so matches every product, like an empty one). Never fails.
pub fn analyze(text: &str) -> Analyzed {
    let trimmed = text.trim();
    let truncated = trimmed.chars().count() > MAX_QUERY_CHARS;
    let kept: String = trimmed.chars().take(MAX_QUERY_CHARS).collect();
    // A query ending in a space is a finished word: no prefix expansion for it.
    let last_is_unfinished = !text.ends_with(char::is_whitespace) || truncated;
    let mut words: Vec<QueryWord> = kept
        .split(|c: char| !c.is_alphanumeric() && !is_combining_mark(c))
        .filter(|w| !w.is_empty())
        .filter_map(|raw| {
            let folded = fold(raw);
            (!folded.is_empty()).then(|| QueryWord {
                exact: raw
                    .chars()
                    .filter(|c| !is_combining_mark(*c))
                    .flat_map(char::to_lowercase)
                    .collect(),
                folded: folded.replace(' ', ""),
                prefix: false,
            })
        })
        .take(MAX_WORDS)
        .collect();
    if let Some(last) = words.last_mut() {
        last.prefix = last_is_unfinished;
    }
    Analyzed {
        words,
        text: kept,
        truncated,
    }
}

fn is_combining_mark(c: char) -> bool {
    ('\u{0300}'..='\u{036F}').contains(&c)
}

/// Lowercased words of a document field, as typed and folded (the exact form keeps diacritics).
pub fn document_words(text: &str) -> impl Iterator<Item = (String, String)> + '_ {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let exact: String = w.chars().flat_map(char::to_lowercase).collect();
            (fold(w).replace(' ', ""), exact)
        })
}

/// Damerau-Levenshtein distance ≤ 1 (one insertion, deletion, substitution or swap of two
/// neighbours), on ASCII-folded words.
pub fn within_one_edit(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a == b {
        return true;
    }
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    match long.len() - short.len() {
        0 => {
            let diffs: Vec<usize> = (0..a.len()).filter(|&i| a[i] != b[i]).collect();
            match diffs[..] {
                [_] => true,
                [i, j] => j == i + 1 && a[i] == b[j] && a[j] == b[i],
                _ => false,
            }
        }
        1 => {
            let first = (0..short.len())
                .find(|&i| short[i] != long[i])
                .unwrap_or(short.len());
            short[first..] == long[first + 1..]
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(q: &str) -> Vec<(String, String, bool)> {
        analyze(q)
            .words
            .into_iter()
            .map(|w| (w.folded, w.exact, w.prefix))
            .collect()
    }

    #[test]
    fn words_are_folded_and_kept_as_typed() {
        assert_eq!(
            words("Gà Đông Tảo"),
            vec![
                ("ga".into(), "gà".into(), false),
                ("dong".into(), "đông".into(), false),
                ("tao".into(), "tảo".into(), true),
            ]
        );
        assert_eq!(words("nhan long ").last().map(|w| w.2), Some(false));
    }

    #[test]
    fn punctuation_only_and_empty_queries_have_no_words() {
        assert!(analyze("").is_empty());
        assert!(analyze("  !!! ??? --- ").is_empty());
        assert!(
            analyze("<script>")
                .words
                .iter()
                .all(|w| w.folded == "script")
        );
    }

    #[test]
    fn long_queries_are_cut() {
        let long = "nhãn ".repeat(2_000);
        let a = analyze(&long);
        assert!(a.truncated);
        assert_eq!(a.text.chars().count(), MAX_QUERY_CHARS);
        assert_eq!(a.words.len(), MAX_WORDS);
    }

    #[test]
    fn decomposed_marks_stay_inside_their_word() {
        assert_eq!(words("Ta\u{0309}o")[0].0, "tao");
    }

    #[test]
    fn one_edit() {
        assert!(within_one_edit("nhanl", "nhan"));
        assert!(within_one_edit("tuong", "tuomg"));
        assert!(within_one_edit("longan", "lognan"));
        assert!(within_one_edit("honey", "honney"));
        assert!(!within_one_edit("honey", "hon"));
        assert!(!within_one_edit("longan", "logann"));
    }

    #[test]
    fn typos_only_for_long_words_prefix_only_for_the_last() {
        let a = analyze("tuong bann");
        // "bann" has four letters: no typo allowed, and "ban" does not start with it.
        assert_eq!(a.words[1].matches("ban"), None);
        let a = analyze("tuomg ban");
        assert_eq!(a.words[0].matches("tuong"), Some(MatchKind::Typo));
        assert_eq!(a.words[1].matches("bang"), Some(MatchKind::Prefix));
        let a = analyze("ga ");
        assert_eq!(a.words[0].matches("gao"), None);
    }

    proptest::proptest! {
        #[test]
        fn never_panics(s in ".{0,300}") {
            let a = analyze(&s);
            proptest::prop_assert!(a.words.len() <= MAX_WORDS);
            proptest::prop_assert!(a.words.iter().all(|w| !w.folded.is_empty()));
        }
    }
}
