//! Delivery addresses: the national codes of a province and a commune, parsed at the boundary,
//! and how a buyer's typing is matched against the list ("Quận Hoàn Kiếm", "hoan kiem", "tp hcm").

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::domain::fold::fold;

/// A province's code in the national list: two digits ("01" Hà Nội, "79" Hồ Chí Minh City).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ProvinceCode(String);

/// A commune's, ward's or special zone's code in the national list: five digits ("26743").
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CommuneCode(String);

/// A code that is not of the national list's shape.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("not a code of the national list of administrative units")]
pub struct NotACode;

fn digits(text: &str, len: usize) -> Result<String, NotACode> {
    if text.len() == len && text.bytes().all(|b| b.is_ascii_digit()) {
        Ok(text.to_owned())
    } else {
        Err(NotACode)
    }
}

impl ProvinceCode {
    pub fn parse(text: &str) -> Result<Self, NotACode> {
        digits(text, 2).map(Self)
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl CommuneCode {
    pub fn parse(text: &str) -> Result<Self, NotACode> {
        digits(text, 5).map(Self)
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

macro_rules! code_conversions {
    ($t:ty) => {
        impl TryFrom<String> for $t {
            type Error = NotACode;
            fn try_from(s: String) -> Result<Self, NotACode> {
                Self::parse(&s)
            }
        }
        impl From<$t> for String {
            fn from(c: $t) -> String {
                c.0
            }
        }
        impl fmt::Display for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}
code_conversions!(ProvinceCode);
code_conversions!(CommuneCode);

crate::text_enum! {
    /// A province-level unit: a province, or one of the six centrally governed cities.
    pub enum ProvinceKind {
        Province = "tinh",
        City = "thanh_pho",
    }
}

crate::text_enum! {
    /// A commune-level unit.
    pub enum CommuneKind {
        Commune = "xa",
        Ward = "phuong",
        SpecialZone = "dac_khu",
    }
}

/// The words people put before a unit's name, folded, longest first, including the district
/// tier abolished in 2025 ("Quận Hoàn Kiếm" still finds today's ward "Hoàn Kiếm").
const UNIT_WORDS: &[&str] = &[
    "thanh pho",
    "thi tran",
    "thi xa",
    "dac khu",
    "quan",
    "huyen",
    "phuong",
    "xa",
    "tinh",
    "tp",
    "tt",
    "tx",
    "q",
    "p",
    "h",
];

/// Shorthands people write for a province, folded, by province code.
pub const PROVINCE_ALIASES: &[(&str, &str)] = &[
    ("01", "hn ha noi"),
    ("79", "hcm tphcm sai gon saigon"),
    ("48", "dn"),
    ("31", "hp"),
    ("92", "ct"),
];

/// What the buyer typed, as the folded words to look for: type words before a name are dropped
/// ("Quận Hoàn Kiếm, TP Hà Nội" → `hoan kiem ha noi`). At most `MAX_WORDS` words count.
pub fn query_words(typed: &str) -> Vec<String> {
    let mut words = Vec::new();
    for part in typed.split([',', ';', '-', '/']) {
        let folded = fold(part);
        let mut rest = folded.as_str();
        // A type word only counts as one when a name follows it ("xa" alone may be a syllable).
        while let Some(after) = UNIT_WORDS.iter().find_map(|w| {
            rest.strip_prefix(w)
                .and_then(|r| r.strip_prefix(' '))
                .filter(|r| !r.is_empty())
        }) {
            rest = after;
        }
        // "q1", "p12": a district or ward number glued to its letter.
        words.extend(rest.split(' ').filter(|w| !w.is_empty()).map(str::to_owned));
    }
    words.truncate(MAX_WORDS);
    words
}

/// The words without the bare numbers: a former district's number ("Q.1") names no unit today,
/// so a query that finds nothing is tried again without them.
pub fn without_numbers(words: &[String]) -> Vec<String> {
    words
        .iter()
        .filter(|w| !w.bytes().all(|b| b.is_ascii_digit()))
        .cloned()
        .collect()
}

/// How many words of a query are looked at; more only cost time.
pub const MAX_WORDS: usize = 6;

/// The text a commune is found by: its name, its province (with shorthands) and its former
/// names, folded.
pub fn search_key(name: &str, province: &str, province_code: &str, former: &[String]) -> String {
    let mut key = fold(name);
    for extra in std::iter::once(province.to_owned()).chain(former.iter().cloned()) {
        key.push(' ');
        key.push_str(&fold(&extra));
    }
    if let Some((_, alias)) = PROVINCE_ALIASES.iter().find(|(c, _)| *c == province_code) {
        key.push(' ');
        key.push_str(alias);
    }
    key
}

/// Whether a commune with this folded `key` matches every query word, each as the start of a
/// word of the key ("hoan" matches "hoan kiem", "kiem" does too, "oan" does not).
pub fn matches(key: &str, words: &[String]) -> bool {
    words
        .iter()
        .all(|w| key.split(' ').any(|k| k.starts_with(w.as_str())))
}

/// Orders matches: the commune whose own name starts with the query first, then names that
/// contain every word, then matches found only through province or former names.
pub fn rank(name: &str, words: &[String]) -> u8 {
    let folded = fold(name);
    let joined = words.join(" ");
    if folded == joined {
        0
    } else if folded.starts_with(&joined) {
        1
    } else if matches(&folded, words) {
        2
    } else {
        3
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(q: &str) -> Vec<String> {
        query_words(q)
    }

    #[test]
    fn codes_have_the_national_shape() {
        assert_eq!(ProvinceCode::parse("79").unwrap().as_str(), "79");
        assert!(ProvinceCode::parse("79 ").is_err());
        assert!(ProvinceCode::parse("7").is_err());
        assert!(ProvinceCode::parse("7a").is_err());
        assert!(ProvinceCode::parse("079").is_err());
        assert_eq!(CommuneCode::parse("26743").unwrap().as_str(), "26743");
        assert!(CommuneCode::parse("2674").is_err());
        assert!(CommuneCode::parse("２６７４３").is_err());
        assert!(CommuneCode::parse("").is_err());
    }

    #[test]
    fn unit_words_before_a_name_are_dropped() {
        assert_eq!(words("Quận Hoàn Kiếm"), ["hoan", "kiem"]);
        assert_eq!(words("Thành phố Thủ Đức"), ["thu", "duc"]);
        assert_eq!(
            words("P. Bến Thành, Q.1, TP.HCM"),
            ["ben", "thanh", "1", "hcm"]
        );
        assert_eq!(
            without_numbers(&words("P. Bến Thành, Q.1")),
            ["ben", "thanh"]
        );
        assert_eq!(
            words("xã Đông Tảo, huyện Khoái Châu"),
            ["dong", "tao", "khoai", "chau"]
        );
        // Alone, the word is a name's syllable.
        assert_eq!(words("Xa"), ["xa"]);
        assert_eq!(words("  "), Vec::<String>::new());
    }

    #[test]
    fn at_most_six_words_count() {
        assert_eq!(words("a b c d e f g h").len(), MAX_WORDS);
    }

    #[test]
    fn every_word_must_start_a_word_of_the_key() {
        let key = search_key("Hoàn Kiếm", "Hà Nội", "01", &[]);
        assert!(matches(&key, &words("hoan kiem")));
        assert!(matches(&key, &words("Quận Hoàn Kiếm")));
        assert!(matches(&key, &words("hoàn kiếm hà nội")));
        assert!(matches(&key, &words("kiem hn")));
        assert!(!matches(&key, &words("oan kiem")));
        assert!(!matches(&key, &words("hoan kiem hcm")));
    }

    #[test]
    fn former_names_find_todays_unit() {
        let key = search_key("Đông Tảo", "Hưng Yên", "33", &["Hoàn Long".to_owned()]);
        assert!(matches(&key, &words("xã Hoàn Long")));
        assert!(matches(&key, &words("dong tao")));
    }

    #[test]
    fn the_commune_named_as_typed_ranks_first() {
        let w = words("Thủ Đức");
        assert!(rank("Thủ Đức", &w) < rank("Thủ Đức Mới", &w));
        assert!(rank("Thủ Đức Mới", &w) < rank("Linh Xuân", &w));
    }
}
