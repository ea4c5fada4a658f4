//! One-time codes (#22): six digits sent to a phone or an email, to prove it is the person's
//! own (verifying a contact) or to choose a new password without the old one. Pure rules here:
//! what a code is, when one may be sent, what typing one comes to. Stored by `code_storage`
//! (only a hash of the digits), sent through the notifications outbox, typed into the forms of
//! `server::auth::codes`.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::{domain::hex::hex, pages::refusal::Refusal, text_enum};

text_enum! {
    /// What a code is for, as stored in `verification_codes.purpose`.
    pub enum Purpose {
        VerifyPhone = "verify_phone",
        VerifyEmail = "verify_email",
        ResetPassword = "reset_password",
    }
}

text_enum! {
    /// Which of an account's contacts (the form field `contact`).
    pub enum Contact {
        Phone = "phone",
        Email = "email",
    }
}

/// The contacts this site can send a code to: those whose channel is configured (email by
/// SMTP; a phone by SMS, or by Zalo with an approved template for codes). Without one, a
/// contact stays unverified and the account works as it always has.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodeChannels {
    pub phone: bool,
    pub email: bool,
}

impl CodeChannels {
    pub fn reaches(self, contact: Contact) -> bool {
        match contact {
            Contact::Phone => self.phone,
            Contact::Email => self.email,
        }
    }
}

impl From<&super::login::LoginId> for Contact {
    fn from(login: &super::login::LoginId) -> Contact {
        match login {
            super::login::LoginId::Phone(_) => Contact::Phone,
            super::login::LoginId::Email(_) => Contact::Email,
        }
    }
}

impl Contact {
    pub fn purpose(self) -> Purpose {
        match self {
            Contact::Phone => Purpose::VerifyPhone,
            Contact::Email => Purpose::VerifyEmail,
        }
    }
}

/// How long a code works after it is sent.
pub const CODE_LIFETIME: Duration = Duration::minutes(10);
/// Wrong tries a code survives; the fifth wrong one kills it.
pub const MAX_TRIES: i64 = 5;
/// The wait before another code may go to the same address.
pub const RESEND_AFTER: Duration = Duration::seconds(60);
/// Codes one address receives in an hour at most (an SMS costs money, and nobody should be
/// able to flood a stranger's phone from this site).
pub const SENDS_PER_HOUR: usize = 5;

/// A code as typed or as made: exactly six ASCII digits. Its `Debug` hides the digits, so a
/// code never reaches a log line by accident.
#[derive(Clone, PartialEq, Eq)]
pub struct Code(String);

impl std::fmt::Debug for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Code(******)")
    }
}

impl Code {
    /// What was typed: spaces and dashes (as a code is often read out, "123 456") are ignored;
    /// anything else than six digits is refused.
    pub fn parse(text: &str) -> Result<Code, CodeRefusal> {
        let digits: String = text
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .collect();
        if digits.len() == 6 && digits.bytes().all(|b| b.is_ascii_digit()) {
            Ok(Code(digits))
        } else {
            Err(CodeRefusal::Malformed)
        }
    }

    /// The code for a random number (`random` from a CSPRNG); uniform when `random` is uniform
    /// below 1 000 000 (the caller rejects larger draws rather than reducing them, which would
    /// favour the low codes).
    pub fn from_random(random: u32) -> Option<Code> {
        (random < 1_000_000).then(|| Code(format!("{random:06}")))
    }

    /// The digits, for the message that carries them (and nowhere else).
    pub fn digits(&self) -> &str {
        &self.0
    }

    /// What the database keeps: SHA-256 of the row's id and the digits, so equal codes differ
    /// in storage. (A million codes are quickly tried against a stolen hash: what protects a
    /// code is its ten minutes and five tries, not this hash; it keeps the digits out of
    /// backups and query logs.)
    pub fn hash(&self, salt: &str) -> String {
        let mut h = Sha256::new();
        h.update(salt.as_bytes());
        h.update(b":");
        h.update(self.0.as_bytes());
        hex(&h.finalize())
    }

    /// Whether this code is the one stored as `stored_hash`, compared in constant time.
    pub fn matches(&self, salt: &str, stored_hash: &str) -> bool {
        let mine = self.hash(salt);
        mine.len() == stored_hash.len() && bool::from(mine.as_bytes().ct_eq(stored_hash.as_bytes()))
    }
}

/// A code as stored, what the rules need of it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SentCode {
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub tries: i64,
    pub used: bool,
}

impl SentCode {
    pub fn new(created_at: DateTime<Utc>) -> SentCode {
        SentCode {
            created_at,
            expires_at: created_at + CODE_LIFETIME,
            tries: 0,
            used: false,
        }
    }
}

/// Where a code stands at a moment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Standing {
    Live,
    /// Typed right once already.
    Used,
    /// Five wrong tries.
    Dead,
    Expired,
}

pub fn standing(code: &SentCode, now: DateTime<Utc>) -> Standing {
    if code.used {
        Standing::Used
    } else if code.tries >= MAX_TRIES {
        Standing::Dead
    } else if now >= code.expires_at {
        Standing::Expired
    } else {
        Standing::Live
    }
}

/// What typing a code comes to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Attempt {
    /// Right, and live: the code is used up now.
    Accepted,
    /// Wrong: one more try counted; this many are left (0: the code is dead now).
    Wrong { tries_left: i64 },
    /// The code no longer works, whatever was typed; nothing is counted.
    Refused(Standing),
}

pub fn attempt(code: &SentCode, now: DateTime<Utc>, right: bool) -> Attempt {
    match standing(code, now) {
        Standing::Live if right => Attempt::Accepted,
        Standing::Live => Attempt::Wrong {
            tries_left: (MAX_TRIES - code.tries - 1).max(0),
        },
        other => Attempt::Refused(other),
    }
}

/// Whether another code may go to an address that was sent codes at `sent` (any order, any
/// purpose): not within [`RESEND_AFTER`] of the last one, and at most [`SENDS_PER_HOUR`] in
/// an hour. `Err` is how long to wait.
pub fn may_send(sent: &[DateTime<Utc>], now: DateTime<Utc>) -> Result<(), Duration> {
    let hour_ago = now - Duration::hours(1);
    let mut recent: Vec<DateTime<Utc>> = sent.iter().copied().filter(|t| *t > hour_ago).collect();
    recent.sort();
    let mut wait = Duration::zero();
    if let Some(last) = recent.last() {
        wait = wait.max(*last + RESEND_AFTER - now);
    }
    if recent.len() >= SENDS_PER_HOUR {
        // The hour's oldest code must fall out of the window first.
        let oldest = recent[recent.len() - SENDS_PER_HOUR];
        wait = wait.max(oldest + Duration::hours(1) - now);
    }
    if wait > Duration::zero() {
        Err(wait)
    } else {
        Ok(())
    }
}

/// Why a code form was refused (`?loi=…`, as every form's refusal). The password and login
/// refusals of the reset form are the accounts' own (`auth::form_error`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "loi", rename_all = "kebab-case")]
pub enum CodeRefusal {
    /// Not six digits.
    #[serde(rename = "ma-khong-hop-le")]
    Malformed,
    /// Wrong; this many tries left.
    #[serde(rename = "ma-sai")]
    Wrong {
        #[serde(
            rename = "con",
            default,
            deserialize_with = "crate::pages::refusal::number::deserialize"
        )]
        left: u32,
    },
    #[serde(rename = "ma-het-han")]
    Expired,
    #[serde(rename = "ma-da-dung")]
    Used,
    /// Five wrong tries: ask for a new one.
    #[serde(rename = "ma-het-luot")]
    Dead,
    /// No code was sent for this (or not to the contact the account has now).
    #[serde(rename = "chua-co-ma")]
    NoCode,
    /// Another code cannot go to this address yet.
    #[serde(rename = "cho-gui-lai")]
    ResendWait {
        #[serde(
            rename = "giay",
            default,
            deserialize_with = "crate::pages::refusal::number::deserialize"
        )]
        seconds: u32,
    },
    /// The account has no such contact to verify.
    #[serde(rename = "khong-co-lien-he")]
    NoContact,
    /// The reset form's one answer for every code that does not work: telling "wrong" from
    /// "expired" there would tell a stranger that an account has this address.
    #[serde(rename = "ma-khong-dung")]
    ResetRefused,
    /// Another account has this phone or email.
    #[serde(rename = "lien-he-da-dung")]
    ContactTaken,
    /// No channel to this kind of contact is set up on this site: no code can be sent.
    #[serde(rename = "khong-gui-duoc")]
    CannotSend,
}

impl Refusal for CodeRefusal {
    fn unknown() -> Option<Self> {
        None
    }
}

impl CodeRefusal {
    pub fn message(self, t: &super::texts::CodeTexts) -> String {
        match self {
            CodeRefusal::Malformed => t.err_malformed.to_owned(),
            CodeRefusal::Wrong { left } => (t.err_wrong)(left),
            CodeRefusal::Expired => t.err_expired.to_owned(),
            CodeRefusal::Used => t.err_used.to_owned(),
            CodeRefusal::Dead => t.err_dead.to_owned(),
            CodeRefusal::NoCode => t.err_no_code.to_owned(),
            CodeRefusal::ResendWait { seconds } => (t.err_resend_wait)(seconds),
            CodeRefusal::NoContact => t.err_no_contact.to_owned(),
            CodeRefusal::ResetRefused => t.err_reset_refused.to_owned(),
            CodeRefusal::ContactTaken => t.err_contact_taken.to_owned(),
            CodeRefusal::CannotSend => t.err_cannot_send.to_owned(),
        }
    }

    /// A verification's refusal for a code that no longer works.
    pub fn of_standing(standing: Standing) -> Option<CodeRefusal> {
        match standing {
            Standing::Live => None,
            Standing::Used => Some(CodeRefusal::Used),
            Standing::Dead => Some(CodeRefusal::Dead),
            Standing::Expired => Some(CodeRefusal::Expired),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t0() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 1, 8, 0, 0).unwrap()
    }

    #[test]
    fn a_code_is_six_digits_however_it_is_spaced() {
        assert_eq!(Code::parse(" 123 456 ").unwrap().digits(), "123456");
        assert_eq!(Code::parse("123-456").unwrap().digits(), "123456");
        for bad in ["", "12345", "1234567", "12345a", "١٢٣٤٥٦", "123 45"] {
            assert_eq!(Code::parse(bad), Err(CodeRefusal::Malformed), "{bad:?}");
        }
        assert_eq!(Code::from_random(42).unwrap().digits(), "000042");
        assert_eq!(Code::from_random(999_999).unwrap().digits(), "999999");
        assert_eq!(Code::from_random(1_000_000), None);
        assert_eq!(
            format!("{:?}", Code::parse("123456").unwrap()),
            "Code(******)"
        );
    }

    #[test]
    fn a_code_matches_only_its_own_hash_under_its_own_salt() {
        let code = Code::parse("123456").unwrap();
        let stored = code.hash("row-1");
        assert_eq!(stored.len(), 64);
        assert!(!stored.contains("123456"));
        assert!(code.matches("row-1", &stored));
        assert!(!code.matches("row-2", &stored), "salted by the row");
        assert!(!Code::parse("123457").unwrap().matches("row-1", &stored));
        assert!(!code.matches("row-1", ""));
        assert_ne!(code.hash("row-1"), code.hash("row-2"));
    }

    /// Every standing, and what a right and a wrong code come to in each.
    #[test]
    fn standings_and_attempts() {
        let fresh = SentCode::new(t0());
        assert_eq!(fresh.expires_at, t0() + Duration::minutes(10));
        let cases = [
            (fresh, t0(), Standing::Live),
            (fresh, t0() + Duration::seconds(599), Standing::Live),
            (fresh, t0() + Duration::minutes(10), Standing::Expired),
            (
                SentCode {
                    used: true,
                    ..fresh
                },
                t0(),
                Standing::Used,
            ),
            (SentCode { tries: 4, ..fresh }, t0(), Standing::Live),
            (SentCode { tries: 5, ..fresh }, t0(), Standing::Dead),
            // Used outranks dead outranks expired: the message names what happened first.
            (
                SentCode {
                    used: true,
                    tries: 5,
                    ..fresh
                },
                t0() + Duration::hours(1),
                Standing::Used,
            ),
            (
                SentCode { tries: 5, ..fresh },
                t0() + Duration::hours(1),
                Standing::Dead,
            ),
        ];
        for (code, now, expected) in cases {
            assert_eq!(standing(&code, now), expected, "{code:?} at {now}");
            match expected {
                Standing::Live => {
                    assert_eq!(attempt(&code, now, true), Attempt::Accepted);
                    assert_eq!(
                        attempt(&code, now, false),
                        Attempt::Wrong {
                            tries_left: MAX_TRIES - code.tries - 1
                        }
                    );
                    assert_eq!(CodeRefusal::of_standing(expected), None);
                }
                other => {
                    assert_eq!(attempt(&code, now, true), Attempt::Refused(other));
                    assert_eq!(attempt(&code, now, false), Attempt::Refused(other));
                    assert!(CodeRefusal::of_standing(other).is_some());
                }
            }
        }
    }

    #[test]
    fn five_wrong_tries_kill_a_code() {
        let mut code = SentCode::new(t0());
        for left in (0..5).rev() {
            assert_eq!(
                attempt(&code, t0(), false),
                Attempt::Wrong { tries_left: left }
            );
            code.tries += 1;
        }
        assert_eq!(attempt(&code, t0(), true), Attempt::Refused(Standing::Dead));
    }

    #[test]
    fn resend_waits_a_minute_and_five_codes_an_hour() {
        let now = t0();
        assert_eq!(may_send(&[], now), Ok(()));
        assert_eq!(
            may_send(&[now - Duration::seconds(20)], now),
            Err(Duration::seconds(40))
        );
        assert_eq!(may_send(&[now - Duration::seconds(60)], now), Ok(()));
        // Five in the last hour, a minute or more apart: the oldest must leave the hour.
        let five: Vec<_> = (0..5)
            .map(|i| now - Duration::minutes(50) + Duration::minutes(10 * i))
            .collect();
        assert_eq!(may_send(&five, now), Err(Duration::minutes(10)));
        // Four in the hour and one older: allowed.
        let mut older = five.clone();
        older[0] = now - Duration::minutes(61);
        assert_eq!(may_send(&older, now), Ok(()));
        // Order does not matter.
        let mut shuffled = five.clone();
        shuffled.reverse();
        assert_eq!(may_send(&shuffled, now), Err(Duration::minutes(10)));
        // Both rules at once: the longer wait.
        let crowded: Vec<_> = (0..5)
            .map(|i| now - Duration::minutes(59) + Duration::seconds(i * 61) * 11)
            .collect();
        assert!(may_send(&crowded, now).is_err());
    }

    #[test]
    fn purposes_of_contacts() {
        assert_eq!(Contact::Phone.purpose(), Purpose::VerifyPhone);
        assert_eq!(Contact::Email.purpose(), Purpose::VerifyEmail);
        assert_eq!(
            Purpose::parse("reset_password"),
            Some(Purpose::ResetPassword)
        );
    }
}

#[cfg(all(test, feature = "ssr"))]
mod refusal_tests {
    use super::*;
    use crate::{auth::texts::CodeTexts, pages::refusal::assert_each_round_trips};

    fn code(e: &CodeRefusal) -> &'static str {
        match e {
            CodeRefusal::Malformed => "ma-khong-hop-le",
            CodeRefusal::Wrong { .. } => "ma-sai",
            CodeRefusal::Expired => "ma-het-han",
            CodeRefusal::Used => "ma-da-dung",
            CodeRefusal::Dead => "ma-het-luot",
            CodeRefusal::NoCode => "chua-co-ma",
            CodeRefusal::ResendWait { .. } => "cho-gui-lai",
            CodeRefusal::NoContact => "khong-co-lien-he",
            CodeRefusal::ResetRefused => "ma-khong-dung",
            CodeRefusal::ContactTaken => "lien-he-da-dung",
            CodeRefusal::CannotSend => "khong-gui-duoc",
        }
    }

    #[test]
    fn every_code_refusal_round_trips_and_has_texts() {
        assert_each_round_trips(
            &[
                "loi=ma-khong-hop-le",
                "loi=ma-sai&con=3",
                "loi=ma-het-han",
                "loi=ma-da-dung",
                "loi=ma-het-luot",
                "loi=chua-co-ma",
                "loi=cho-gui-lai&giay=40",
                "loi=khong-co-lien-he",
                "loi=ma-khong-dung",
                "loi=lien-he-da-dung",
                "loi=khong-gui-duoc",
            ],
            code,
            |e, locale| e.message(CodeTexts::of(locale)),
        );
    }
}
