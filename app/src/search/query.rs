//! What a buyer typed, cut into the words a search engine matches, and the matching rules that
//! both engines and the highlighter share.
//!
//! Each word is kept twice: folded ("nhan": matches with or without diacritics, đ → d) and as
//! typed, lowercased ("nhãn": an exact-diacritic match ranks first). A word of five or more
//! letters may have one typo; the last word may be the beginning of a longer one, so results
//! follow the buyer as they type. A word that reads as Telex keystrokes typed with the Vietnamese
//! keyboard off ("nhanx" for "nhãn", "ddoongf" for "đồng") carries its Vietnamese form as an
//! alternative, matched like the word itself.

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
    /// The word read as Telex keystrokes ("nhanx" → "nhãn"), when it reads as a Vietnamese
    /// syllable that way: matched whole (or as a beginning, for the last word), never with a typo.
    pub alternative: Option<Spelling>,
}

/// A word in both forms: folded ("nhan") and with its marks, lowercased ("nhãn").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Spelling {
    pub folded: String,
    pub exact: String,
}

impl QueryWord {
    /// A word as typed (`raw`: one word, any case); not the last word of a query.
    pub fn new(raw: &str) -> QueryWord {
        let exact: String = raw
            .chars()
            .filter(|c| !is_combining_mark(*c))
            .flat_map(char::to_lowercase)
            .collect();
        QueryWord {
            folded: fold(raw).replace(' ', ""),
            alternative: telex(&exact),
            exact,
            prefix: false,
        }
    }

    /// A word known in both forms (a catalog word put in for what was typed).
    pub fn spelled(spelling: Spelling, prefix: bool) -> QueryWord {
        QueryWord {
            folded: spelling.folded,
            exact: spelling.exact,
            prefix,
            alternative: None,
        }
    }

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
        } else if let Some(alt) = &self.alternative
            && (folded_word == alt.folded || self.prefix && folded_word.starts_with(&alt.folded))
        {
            Some(if folded_word == alt.folded {
                MatchKind::Whole
            } else {
                MatchKind::Prefix
            })
        } else if self.allows_typo() && within_one_edit(&self.folded, folded_word) {
            Some(MatchKind::Typo)
        } else {
            None
        }
    }

    /// Whether the word was typed with Vietnamese marks (its exact form then ranks first).
    pub fn has_marks(&self) -> bool {
        self.exact != self.folded
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

    /// The same query with other words (the text as typed is kept).
    pub fn with_words(&self, words: Vec<QueryWord>) -> Analyzed {
        Analyzed {
            words,
            text: self.text.clone(),
            truncated: self.truncated,
        }
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
        .map(QueryWord::new)
        .filter(|w| !w.folded.is_empty())
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

/// Consonants a Vietnamese syllable may start with, longest first ("dd" is Telex for "đ").
const INITIALS: [&str; 27] = [
    "ngh", "ng", "nh", "ch", "gh", "gi", "kh", "ph", "qu", "th", "tr", "dd", "b", "c", "d", "g",
    "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "x",
];
/// Consonants a Vietnamese syllable may end with.
const FINALS: [&str; 9] = ["", "c", "ch", "m", "n", "ng", "nh", "p", "t"];
/// Vowel groups of Vietnamese syllables, folded (after "qu"/"gi" the u/i belongs to the initial).
const NUCLEI: &[&str] = &[
    "a", "e", "i", "o", "u", "y", "ai", "ao", "au", "ay", "eo", "eu", "ia", "ie", "iu", "oa", "oe",
    "oi", "oo", "ua", "ue", "ui", "uo", "uu", "uy", "ye", "ieu", "oai", "oay", "oeo", "uay", "uoi",
    "uou", "uya", "uye", "uyu", "yeu",
];

/// A vowel's six tone forms: none, sắc (s), huyền (f), hỏi (r), ngã (x), nặng (j).
const TONES: [[char; 6]; 12] = [
    ['a', 'á', 'à', 'ả', 'ã', 'ạ'],
    ['ă', 'ắ', 'ằ', 'ẳ', 'ẵ', 'ặ'],
    ['â', 'ấ', 'ầ', 'ẩ', 'ẫ', 'ậ'],
    ['e', 'é', 'è', 'ẻ', 'ẽ', 'ẹ'],
    ['ê', 'ế', 'ề', 'ể', 'ễ', 'ệ'],
    ['i', 'í', 'ì', 'ỉ', 'ĩ', 'ị'],
    ['o', 'ó', 'ò', 'ỏ', 'õ', 'ọ'],
    ['ô', 'ố', 'ồ', 'ổ', 'ỗ', 'ộ'],
    ['ơ', 'ớ', 'ờ', 'ở', 'ỡ', 'ợ'],
    ['u', 'ú', 'ù', 'ủ', 'ũ', 'ụ'],
    ['ư', 'ứ', 'ừ', 'ử', 'ữ', 'ự'],
    ['y', 'ý', 'ỳ', 'ỷ', 'ỹ', 'ỵ'],
];

/// A vowel of a syllable being read: its letter and the mark Telex put on it.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mark {
    None,
    /// â ê ô (typed aa ee oo)
    Hat,
    /// ă ơ ư (typed aw ow uw)
    Horn,
}

fn marked_vowel(base: u8, mark: Mark) -> char {
    match (base, mark) {
        (b'a', Mark::Horn) => 'ă',
        (b'a', Mark::Hat) => 'â',
        (b'e', Mark::Hat) => 'ê',
        (b'o', Mark::Hat) => 'ô',
        (b'o', Mark::Horn) => 'ơ',
        (b'u', Mark::Horn) => 'ư',
        (b, _) => b as char,
    }
}

fn with_tone(vowel: char, tone: usize) -> char {
    TONES
        .iter()
        .find(|forms| forms[0] == vowel)
        .map_or(vowel, |forms| forms[tone])
}

/// Reads a lowercased ASCII word as Telex keystrokes: tone keys s f r x j after the vowel (or
/// after the final consonant), doubled vowels aa ee oo, w after a, o, u (or after the syllable),
/// dd for đ. `None` unless the word reads as one Vietnamese syllable and a key changed something:
/// "nhanx" → nhãn, "tuwowng" → tương, "honey" → none.
pub fn telex(word: &str) -> Option<Spelling> {
    let bytes = word.as_bytes();
    if !(2..=12).contains(&bytes.len()) || !bytes.iter().all(u8::is_ascii_lowercase) {
        return None;
    }
    let initial = INITIALS
        .iter()
        .copied()
        .find(|i| word.starts_with(i))
        .unwrap_or("");
    // "gi" + no other vowel: the i is the vowel ("gin" → gìn).
    let initial = if initial == "gi" && !bytes[2..].iter().any(|b| b"aeiouy".contains(b)) {
        "g"
    } else {
        initial
    };
    let mut nucleus: Vec<(u8, Mark)> = Vec::new();
    let mut finals = String::new();
    let mut tone = 0usize;
    let mut changed = initial == "dd";
    for &b in &bytes[initial.len()..] {
        match b {
            b'a' | b'e' | b'i' | b'o' | b'u' | b'y' => {
                let doubles = nucleus
                    .iter()
                    .rposition(|(v, m)| *v == b && *m == Mark::None && b"aeo".contains(&b));
                match doubles {
                    // "aa" → â; also typed after the final consonant ("tienge" → tiếng).
                    Some(i)
                        if finals.is_empty() && i + 1 == nucleus.len() || !finals.is_empty() =>
                    {
                        nucleus[i].1 = Mark::Hat;
                        changed = true;
                    }
                    _ if finals.is_empty() => nucleus.push((b, Mark::None)),
                    _ => return None,
                }
            }
            b'w' => {
                changed = true;
                // "uow" → ươ; otherwise the last a, o or u takes the horn.
                let n = nucleus.len();
                if n >= 2 && nucleus[n - 2].0 == b'u' && nucleus[n - 1].0 == b'o' {
                    nucleus[n - 2].1 = Mark::Horn;
                    nucleus[n - 1].1 = Mark::Horn;
                } else if let Some(i) = nucleus.iter().rposition(|(v, _)| b"aou".contains(v)) {
                    nucleus[i].1 = Mark::Horn;
                } else if nucleus.is_empty() && finals.is_empty() {
                    nucleus.push((b'u', Mark::Horn));
                } else {
                    return None;
                }
            }
            b's' | b'f' | b'r' | b'x' | b'j' if !nucleus.is_empty() => {
                tone = match b {
                    b's' => 1,
                    b'f' => 2,
                    b'r' => 3,
                    b'x' => 4,
                    _ => 5,
                };
                changed = true;
            }
            b'z' if !nucleus.is_empty() => {
                tone = 0;
                changed = true;
            }
            _ if nucleus.is_empty() => return None,
            _ => finals.push(b as char),
        }
    }
    let folded_nucleus: String = nucleus.iter().map(|(v, _)| *v as char).collect();
    if !changed || !FINALS.contains(&finals.as_str()) || !NUCLEI.contains(&folded_nucleus.as_str())
    {
        return None;
    }
    // Syllables ending in c, ch, p, t take only sắc or nặng.
    if matches!(finals.as_str(), "c" | "ch" | "p" | "t") && matches!(tone, 2..=4) {
        return None;
    }
    // The tone goes on the marked vowel (the second of ươ), else on the last vowel before a final
    // consonant, else the middle of three or the first of two ("hòa", "múa").
    let at = match nucleus.iter().rposition(|(_, m)| *m != Mark::None) {
        Some(i) => i,
        None if !finals.is_empty() => nucleus.len() - 1,
        None if nucleus.len() == 3 => 1,
        None => 0,
    };
    let initial_exact = if initial == "dd" { "đ" } else { initial };
    let mut exact = String::from(initial_exact);
    for (i, (v, m)) in nucleus.iter().enumerate() {
        let c = marked_vowel(*v, *m);
        exact.push(if i == at { with_tone(c, tone) } else { c });
    }
    exact.push_str(&finals);
    let folded = format!(
        "{}{folded_nucleus}{finals}",
        if initial == "dd" { "d" } else { initial }
    );
    Some(Spelling { folded, exact })
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

    #[test]
    fn telex_keystrokes_read_as_vietnamese() {
        let read = |w: &str| telex(w).map(|s| s.exact);
        for (typed, meant) in [
            ("nhanx", "nhãn"),
            ("longf", "lòng"),
            ("loongf", "lồng"),
            ("matj", "mạt"),
            ("maatj", "mật"),
            ("gaf", "gà"),
            ("ddoong", "đông"),
            ("taor", "tảo"),
            ("tuwowng", "tương"),
            ("tuongw", "tương"),
            ("baanf", "bần"),
            ("banhs", "bánh"),
            ("chieeus", "chiếu"),
            ("ruwowuj", "rượu"),
            ("bootj", "bột"),
            ("ngheej", "nghệ"),
            ("quaats", "quất"),
            ("canhr", "cảnh"),
            ("saays", "sấy"),
            ("hoaf", "hòa"),
            ("nhaxn", "nhãn"),
        ] {
            assert_eq!(read(typed).as_deref(), Some(meant), "{typed}");
        }
        // English words, plain Vietnamese and words that are no syllable stay as they are.
        for typed in [
            "honey", "chicken", "sauce", "longan", "tea", "rice", "tours", "herbs", "dried",
            "liquor", "soy", "powder", "dress", "ferment", "kumquat", "incense", "nhan", "long",
            "tuong", "matf", "x", "nhanx2",
        ] {
            assert_eq!(read(typed), None, "{typed}");
        }
        assert_eq!(telex("ddoongf").map(|s| s.folded).as_deref(), Some("dong"));
    }

    #[test]
    fn a_telex_word_matches_as_its_vietnamese_form() {
        let a = analyze("nhanx longf");
        assert_eq!(a.words[0].folded, "nhanx");
        assert_eq!(a.words[0].matches("nhan"), Some(MatchKind::Whole));
        assert_eq!(a.words[1].matches("long"), Some(MatchKind::Whole));
        assert_eq!(
            analyze("ddoon").words[0].matches("dong"),
            Some(MatchKind::Prefix)
        );
        assert_eq!(analyze("honey").words[0].alternative, None);
    }

    proptest::proptest! {
        #[test]
        fn never_panics(s in ".{0,300}") {
            let a = analyze(&s);
            proptest::prop_assert!(a.words.len() <= MAX_WORDS);
            proptest::prop_assert!(a.words.iter().all(|w| !w.folded.is_empty()));
            for w in &a.words {
                if let Some(alt) = &w.alternative {
                    proptest::prop_assert_eq!(fold(&alt.exact).replace(' ', ""), alt.folded.clone());
                }
            }
        }
    }
}
