//! Human-readable URL slugs: "Nhãn lồng Hưng Yên" → "nhan-long-hung-yen".

use std::fmt;

use serde::{Deserialize, Serialize};

use super::fold::fold;

/// A URL path segment of lowercase ASCII letters, digits and single hyphens.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Slug(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SlugError {
    #[error("a slug needs at least one letter or digit")]
    Empty,
    #[error("a slug has at most {max} characters")]
    TooLong { max: usize },
    #[error("a slug has only lowercase letters a-z, digits and single hyphens between them")]
    Malformed,
}

impl Slug {
    pub const MAX_LEN: usize = 120;

    /// Makes a slug from any text, folding Vietnamese diacritics (đ → d).
    pub fn from_text(text: &str) -> Result<Self, SlugError> {
        let folded = fold(text);
        let mut slug = String::with_capacity(folded.len());
        for word in folded
            .split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|w| !w.is_empty())
        {
            if slug.len() + word.len() + 1 > Self::MAX_LEN {
                break;
            }
            if !slug.is_empty() {
                slug.push('-');
            }
            slug.push_str(word);
        }
        if slug.is_empty() {
            Err(SlugError::Empty)
        } else {
            Ok(Slug(slug))
        }
    }

    /// Accepts a slug as it appears in a URL; anything not already in slug form is refused.
    pub fn parse(s: &str) -> Result<Self, SlugError> {
        if s.is_empty() {
            return Err(SlugError::Empty);
        }
        if s.len() > Self::MAX_LEN {
            return Err(SlugError::TooLong { max: Self::MAX_LEN });
        }
        let well_formed = s.split('-').all(|part| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        });
        if well_formed {
            Ok(Slug(s.to_owned()))
        } else {
            Err(SlugError::Malformed)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Slug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for Slug {
    type Error = SlugError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Slug::parse(&s)
    }
}

impl From<Slug> for String {
    fn from(slug: Slug) -> String {
        slug.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vietnamese_names_become_readable_slugs() {
        let cases = [
            ("Nhãn lồng Hưng Yên", "nhan-long-hung-yen"),
            ("Gà Đông Tảo", "ga-dong-tao"),
            ("Phường Phố Hiến", "phuong-pho-hien"),
            ("Tương Bần – hộp 6 chai", "tuong-ban-hop-6-chai"),
        ];
        for (text, slug) in cases {
            assert_eq!(Slug::from_text(text).unwrap().as_str(), slug);
        }
    }

    #[test]
    fn parse_refuses_what_is_not_a_slug() {
        assert_eq!(Slug::parse(""), Err(SlugError::Empty));
        assert_eq!(Slug::parse("Nhan-Long"), Err(SlugError::Malformed));
        assert_eq!(Slug::parse("nhan--long"), Err(SlugError::Malformed));
        assert_eq!(Slug::parse("-nhan"), Err(SlugError::Malformed));
        assert_eq!(Slug::parse("../etc"), Err(SlugError::Malformed));
        assert!(Slug::parse(&"a".repeat(121)).is_err());
        assert!(Slug::from_text("!!!").is_err());
    }

    proptest::proptest! {
        #[test]
        fn from_text_always_yields_a_parseable_slug(s in "\\PC{0,200}") {
            if let Ok(slug) = Slug::from_text(&s) {
                proptest::prop_assert_eq!(Slug::parse(slug.as_str()), Ok(slug.clone()));
            }
        }
    }
}
