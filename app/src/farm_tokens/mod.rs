//! Personal access tokens for the farm API (#26): a farmer makes one on `/tai-khoan/ma-truy-cap`
//! for a mobile app or a sensor gateway, scoped to one producer's farm data and to reading or
//! writing it, and revokes it there. The token is shown once; the database keeps its SHA-256.
//! A request carrying `Authorization: Bearer <token>` acts as the member who made it, for that
//! producer only, with the same rules as the farm forms.

pub mod page;
#[cfg(feature = "ssr")]
pub mod storage;
pub mod texts;

use serde::{Deserialize, Serialize};

use crate::text_enum;

text_enum! {
    /// What a token may do with its producer's farm data.
    pub enum Scope {
        /// Plots, diary entries and tasks, read only.
        Read = "read",
        /// Read, and write diary entries and tasks.
        Write = "write",
    }
}

impl Scope {
    /// Whether a token of this scope may do what `needed` asks.
    pub fn allows(self, needed: Scope) -> bool {
        match needed {
            Scope::Read => true,
            Scope::Write => self == Scope::Write,
        }
    }
}

/// The account page listing the tokens; its forms post here and to `{PAGE}/{id}/thu-hoi`.
pub const PAGE: &str = "/tai-khoan/ma-truy-cap";

/// Carries a token just made from the form's answer to the page that shows it once: in the
/// maker's browser only, for a minute, on this page's path; the page clears it.
pub const NEW_TOKEN_COOKIE: &str = "ocop_new_farm_token";

/// What every token starts with: a person or a secret scanner recognises it in a leaked file.
pub const PREFIX: &str = "ocopfarm_";

/// A token as the site makes it: [`PREFIX`] and 64 hex digits. Anything else in an
/// `Authorization` header is refused without a database query.
pub fn is_well_formed(token: &str) -> bool {
    token
        .strip_prefix(PREFIX)
        .is_some_and(|hex| hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// The token of an `Authorization` header's value: `Bearer <token>` (the scheme in any case).
/// `None` when the header is another scheme; the token may still be malformed.
pub fn bearer(header: &str) -> Option<&str> {
    let (scheme, token) = header.trim().split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

/// The longest name a token may have.
pub const NAME_MAX: usize = 60;

/// Why a new token's form was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum TokenRefusal {
    /// No name, or only spaces.
    NameMissing,
    NameTooLong,
    /// The producer is not one the account is an active member of.
    Producer,
    Scope,
}

impl TokenRefusal {
    pub const ALL: [TokenRefusal; 4] = [
        TokenRefusal::NameMissing,
        TokenRefusal::NameTooLong,
        TokenRefusal::Producer,
        TokenRefusal::Scope,
    ];

    /// The `?loi=` code of the page.
    pub fn code(self) -> &'static str {
        match self {
            TokenRefusal::NameMissing => "ten",
            TokenRefusal::NameTooLong => "ten-dai",
            TokenRefusal::Producer => "co-so",
            TokenRefusal::Scope => "quyen",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.code() == code)
    }
}

/// A new token's fields, checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewToken {
    pub name: String,
    pub producer_id: String,
    pub scope: Scope,
}

impl NewToken {
    /// Reads the form: `name` (what the farmer calls the device), `producer_id` (one of
    /// `producers`, the account's active memberships; the only one when the form had no
    /// choice) and `scope`.
    pub fn parse(
        name: &str,
        producer_id: Option<&str>,
        scope: &str,
        producers: &[String],
    ) -> Result<NewToken, TokenRefusal> {
        let name = name.trim();
        if !crate::domain::text::has_visible(name) {
            return Err(TokenRefusal::NameMissing);
        }
        if name.chars().count() > NAME_MAX {
            return Err(TokenRefusal::NameTooLong);
        }
        let producer_id = match (producer_id.map(str::trim), producers) {
            (Some(p), _) if !p.is_empty() => p,
            (_, [only]) => only.as_str(),
            _ => return Err(TokenRefusal::Producer),
        };
        if !producers.iter().any(|p| p == producer_id) {
            return Err(TokenRefusal::Producer);
        }
        let scope = Scope::parse(scope).ok_or(TokenRefusal::Scope)?;
        Ok(NewToken {
            name: name.to_owned(),
            producer_id: producer_id.to_owned(),
            scope,
        })
    }
}

/// One token as its owner's page lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenView {
    pub id: String,
    pub name: String,
    pub producer_name: String,
    pub scope: Scope,
    /// UTC, RFC 3339.
    pub created_at: String,
    pub last_used_at: Option<String>,
}

/// Who a valid token speaks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenHolder {
    pub token_id: String,
    pub user_id: String,
    pub producer_id: String,
    pub scope: Scope,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_scope_allows_what_it_says() {
        for (has, needed, allowed) in [
            (Scope::Read, Scope::Read, true),
            (Scope::Read, Scope::Write, false),
            (Scope::Write, Scope::Read, true),
            (Scope::Write, Scope::Write, true),
        ] {
            assert_eq!(has.allows(needed), allowed, "{has} {needed}");
        }
    }

    #[test]
    fn only_the_sites_own_tokens_are_read_from_a_header() {
        let token = format!("{PREFIX}{}", "a1".repeat(32));
        assert!(is_well_formed(&token));
        assert_eq!(bearer(&format!("Bearer {token}")), Some(token.as_str()));
        assert_eq!(bearer(&format!("bearer   {token} ")), Some(token.as_str()));
        assert_eq!(bearer(&format!("Basic {token}")), None);
        assert_eq!(bearer(&token), None);
        for bad in [
            String::new(),
            "a1".repeat(32),
            format!("{PREFIX}{}", "a1".repeat(31)),
            format!("{PREFIX}{}", "zz".repeat(32)),
            format!("{PREFIX}{}é", "a".repeat(63)),
            format!("{token}0"),
        ] {
            assert!(!is_well_formed(&bad), "{bad}");
        }
    }

    #[test]
    fn a_new_tokens_form_is_read_or_refused_with_its_reason() {
        let one = vec!["p1".to_owned()];
        let two = vec!["p1".to_owned(), "p2".to_owned()];
        assert_eq!(
            NewToken::parse("  Trạm đo ẩm  ", None, "write", &one),
            Ok(NewToken {
                name: "Trạm đo ẩm".to_owned(),
                producer_id: "p1".to_owned(),
                scope: Scope::Write,
            })
        );
        assert_eq!(
            NewToken::parse("App", Some("p2"), "read", &two).map(|t| t.producer_id),
            Ok("p2".to_owned())
        );
        for (name, producer, scope, producers, refusal) in [
            ("  ", None, "read", &one, TokenRefusal::NameMissing),
            ("\u{301}", None, "read", &one, TokenRefusal::NameMissing),
            (
                &"x".repeat(61)[..],
                None,
                "read",
                &one,
                TokenRefusal::NameTooLong,
            ),
            ("App", None, "read", &two, TokenRefusal::Producer),
            ("App", Some("p3"), "read", &two, TokenRefusal::Producer),
            ("App", None, "read", &Vec::new(), TokenRefusal::Producer),
            ("App", None, "admin", &one, TokenRefusal::Scope),
        ] {
            assert_eq!(
                NewToken::parse(name, producer, scope, producers),
                Err(refusal),
                "{name:?} {producer:?} {scope}"
            );
        }
        for r in TokenRefusal::ALL {
            assert_eq!(TokenRefusal::from_code(r.code()), Some(r));
        }
    }
}
