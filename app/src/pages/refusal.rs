//! What every form's refusal shares: a serde enum tagged `loi` that the handler serialises into
//! the query it redirects back with, and the page deserialises again. One implementation of the
//! round trip, so each form only declares its reasons.

use serde::{Deserialize, Serialize, de::DeserializeOwned, de::value::MapDeserializer};

/// A form's refusal reasons, as one serde enum tagged `loi` (`#[serde(tag = "loi")]`).
pub trait Refusal: Serialize + DeserializeOwned + Sized {
    /// What a `loi` the handlers never send reads as (a URL typed by hand, an old link);
    /// `None` where the page shows nothing for it (another form's notice on it says why).
    fn unknown() -> Option<Self>;

    /// `loi=<code>` and its parameters, ready to follow `?` or `&`.
    #[cfg(feature = "ssr")]
    fn query(&self) -> String {
        // Tags, strings, dates and numbers only: serialising cannot fail.
        serde_urlencoded::to_string(self).unwrap_or_else(|_| "loi=invalid".to_owned())
    }

    /// The refusal in a page's query (name, value); `None` when there is no `loi`, and
    /// [`Refusal::unknown`] for a code or parameter the handlers never send.
    fn from_query<'a>(pairs: impl Iterator<Item = (&'a str, &'a str)>) -> Option<Self> {
        let pairs: Vec<_> = pairs.collect();
        pairs.iter().find(|(name, _)| *name == "loi")?;
        from_pairs(pairs.into_iter()).ok().or_else(Self::unknown)
    }
}

/// `T` read from a query's (name, value) pairs; names `T` does not know are ignored.
pub fn from_pairs<'a, T: Deserialize<'a>>(
    pairs: impl Iterator<Item = (&'a str, &'a str)>,
) -> Result<T, serde::de::value::Error> {
    T::deserialize(MapDeserializer::new(pairs))
}

/// A number in a query. Inside a tagged enum serde buffers every value as text, so a plain
/// `u32` field would refuse `phut=5`; this reads the text.
pub mod number {
    use serde::{Deserialize, Deserializer, de::Error};

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Text<'a> {
            Number(u32),
            Borrowed(&'a str),
            Owned(String),
        }
        match Text::deserialize(d)? {
            Text::Number(n) => Ok(n),
            Text::Borrowed(t) => t.parse().map_err(D::Error::custom),
            Text::Owned(t) => t.parse().map_err(D::Error::custom),
        }
    }
}

/// The refusal in `query` (as a page reads it), for the refusal types' unit tests.
#[cfg(all(test, feature = "ssr"))]
pub(crate) fn read<R: Refusal>(query: &str) -> Option<R> {
    let parsed: Vec<(String, String)> = serde_urlencoded::from_str(query).unwrap();
    R::from_query(parsed.iter().map(|(k, v)| (k.as_str(), v.as_str())))
}

/// For the refusal types' unit tests: each of `queries` (one per reason) reads back as a reason
/// whose `code` is the query's `loi`, writes back as the same query, is listed once, and has a
/// text in both languages.
#[cfg(all(test, feature = "ssr"))]
pub(crate) fn assert_each_round_trips<R: Refusal + std::fmt::Debug>(
    queries: &[&str],
    code: impl Fn(&R) -> &'static str,
    text: impl Fn(&R, crate::i18n::Locale) -> String,
) {
    let mut codes = std::collections::BTreeSet::new();
    for query in queries {
        let refusal: R = read(query).expect("a refusal");
        let loi = query.split('&').next().unwrap_or_default();
        assert_eq!(format!("loi={}", code(&refusal)), loi);
        assert_eq!(refusal.query(), *query, "back to the same URL");
        assert!(codes.insert(code(&refusal)), "{query} listed once");
        for locale in [crate::i18n::Locale::Vi, crate::i18n::Locale::En] {
            let text = text(&refusal, locale);
            assert!(!text.trim().is_empty(), "{query} in {locale:?}");
        }
    }
}
