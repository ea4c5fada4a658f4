//! Returns and complaints as pure rules: the window after delivery, what a request and a
//! complaint may say, and the return request's state machine ([`next`]). Storage applies
//! [`next`] with a conditional update and never writes a status of its own.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::text_enum;

text_enum! {
    /// Where a return request stands.
    pub enum ReturnStatus {
        /// The buyer asked; the producer must answer by the deadline.
        Requested = "requested",
        /// The producer accepted (refund or replacement): closed.
        Accepted = "accepted",
        /// The producer refused, saying why: the buyer may escalate.
        Refused = "refused",
        /// Escalated to the commune officer, who must decide by the deadline.
        WithOfficer = "with_officer",
        /// The officer ruled for the buyer: closed.
        OfficerUpheld = "officer_upheld",
        /// The officer ruled against the buyer: the buyer may escalate once more.
        OfficerRejected = "officer_rejected",
        /// Escalated to the marketplace (the administrators): their decision is final.
        WithMarketplace = "with_marketplace",
        MarketplaceUpheld = "marketplace_upheld",
        MarketplaceRejected = "marketplace_rejected",
    }
}

text_enum! {
    /// What the buyer asks for.
    pub enum Wanted {
        /// Money back, keeping the goods (spoilt fresh produce is not sent back).
        Refund = "refund",
        /// Send the goods back for the money.
        Return = "return",
        /// The same goods again.
        Replacement = "replacement",
    }
}

text_enum! {
    /// How an accepted or upheld request is settled.
    pub enum Resolution {
        /// Through the order's payment method (cash and transfers: by hand).
        Refund = "refund",
        Replacement = "replacement",
    }
}

/// Who acts on a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReturnActor {
    Buyer,
    Producer,
    Officer,
    Administrator,
}

/// Something that happens to a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReturnEvent {
    /// The producer accepts.
    Accept(Resolution),
    /// The producer refuses (the reason is checked by [`answer_reason`]).
    Refuse,
    /// The buyer takes it further; `deadline_passed`: the one who had to answer did not in time.
    Escalate { deadline_passed: bool },
    /// The officer or the marketplace rules for the buyer.
    Uphold(Resolution),
    /// The officer or the marketplace rules against the buyer.
    Reject,
}

impl ReturnEvent {
    pub const ALL: [ReturnEvent; 8] = [
        ReturnEvent::Accept(Resolution::Refund),
        ReturnEvent::Accept(Resolution::Replacement),
        ReturnEvent::Refuse,
        ReturnEvent::Escalate {
            deadline_passed: false,
        },
        ReturnEvent::Escalate {
            deadline_passed: true,
        },
        ReturnEvent::Uphold(Resolution::Refund),
        ReturnEvent::Uphold(Resolution::Replacement),
        ReturnEvent::Reject,
    ];
}

impl ReturnActor {
    pub const ALL: [ReturnActor; 4] = [
        ReturnActor::Buyer,
        ReturnActor::Producer,
        ReturnActor::Officer,
        ReturnActor::Administrator,
    ];
}

/// Why something about a return or a complaint was refused; `as_str` is its form code (`?loi=`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("the return window is over")]
    WindowOver,
    #[error("the order has not been delivered")]
    NotDelivered,
    #[error("the order has a return request already")]
    Duplicate,
    #[error("say what was wrong")]
    Reason,
    #[error("a text is too long")]
    TooLong,
    #[error("choose what you want")]
    Choice,
    #[error("the answer is not due yet: escalation waits for the deadline")]
    NotYet,
    #[error("this step is for another party")]
    NotYours,
    #[error("the request is closed")]
    Closed,
    #[error("the request has moved on")]
    NotNow,
    #[error("at most 3 photos")]
    Photos,
    #[error("give a name")]
    Name,
    #[error("give an email address or a phone number")]
    Contact,
    #[error("write the complaint")]
    Message,
    #[error("choose a category")]
    Category,
}

impl Refusal {
    pub const ALL: [Refusal; 15] = [
        Refusal::WindowOver,
        Refusal::NotDelivered,
        Refusal::Duplicate,
        Refusal::Reason,
        Refusal::TooLong,
        Refusal::Choice,
        Refusal::NotYet,
        Refusal::NotYours,
        Refusal::Closed,
        Refusal::NotNow,
        Refusal::Photos,
        Refusal::Name,
        Refusal::Contact,
        Refusal::Message,
        Refusal::Category,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Refusal::WindowOver => "het-han",
            Refusal::NotDelivered => "chua-giao",
            Refusal::Duplicate => "da-co",
            Refusal::Reason => "ly-do",
            Refusal::TooLong => "qua-dai",
            Refusal::Choice => "lua-chon",
            Refusal::NotYet => "chua-den-han",
            Refusal::NotYours => "khong-phai",
            Refusal::Closed => "da-dong",
            Refusal::NotNow => "da-doi",
            Refusal::Photos => "anh",
            Refusal::Name => "ten",
            Refusal::Contact => "lien-he",
            Refusal::Message => "noi-dung",
            Refusal::Category => "loai",
        }
    }

    pub fn parse(code: &str) -> Option<Refusal> {
        Refusal::ALL.into_iter().find(|r| r.as_str() == code)
    }
}

impl ReturnStatus {
    /// Nothing more happens to it.
    pub fn is_closed(self) -> bool {
        matches!(
            self,
            ReturnStatus::Accepted
                | ReturnStatus::OfficerUpheld
                | ReturnStatus::MarketplaceUpheld
                | ReturnStatus::MarketplaceRejected
        )
    }

    /// Who must act now, with a deadline (none when it waits on the buyer or is closed).
    pub fn awaits(self) -> Option<ReturnActor> {
        match self {
            ReturnStatus::Requested => Some(ReturnActor::Producer),
            ReturnStatus::WithOfficer => Some(ReturnActor::Officer),
            ReturnStatus::WithMarketplace => Some(ReturnActor::Administrator),
            _ => None,
        }
    }
}

/// The state `event` by `actor` moves a request in `from` to, or why not.
pub fn next(
    from: ReturnStatus,
    event: ReturnEvent,
    actor: ReturnActor,
) -> Result<ReturnStatus, Refusal> {
    use ReturnActor as A;
    use ReturnEvent as E;
    use ReturnStatus as S;
    if from.is_closed() {
        return Err(Refusal::Closed);
    }
    let to = match (from, event, actor) {
        (S::Requested, E::Accept(_), A::Producer) => S::Accepted,
        (S::Requested, E::Refuse, A::Producer) => S::Refused,
        (S::Requested, E::Escalate { deadline_passed }, A::Buyer) => {
            if !deadline_passed {
                return Err(Refusal::NotYet);
            }
            S::WithOfficer
        }
        (S::Refused, E::Escalate { .. }, A::Buyer) => S::WithOfficer,
        (S::WithOfficer, E::Uphold(_), A::Officer) => S::OfficerUpheld,
        (S::WithOfficer, E::Reject, A::Officer) => S::OfficerRejected,
        (S::WithOfficer, E::Escalate { deadline_passed }, A::Buyer) => {
            if !deadline_passed {
                return Err(Refusal::NotYet);
            }
            S::WithMarketplace
        }
        (S::OfficerRejected, E::Escalate { .. }, A::Buyer) => S::WithMarketplace,
        (S::WithMarketplace, E::Uphold(_), A::Administrator) => S::MarketplaceUpheld,
        (S::WithMarketplace, E::Reject, A::Administrator) => S::MarketplaceRejected,
        // The right step by the wrong party, or a step this state does not take.
        (_, event, actor) => {
            let whose = match event {
                E::Accept(_) | E::Refuse => A::Producer,
                E::Escalate { .. } => A::Buyer,
                E::Uphold(_) | E::Reject => match from {
                    S::WithMarketplace => A::Administrator,
                    _ => A::Officer,
                },
            };
            return Err(if whose != actor && from.awaits().is_some() {
                Refusal::NotYours
            } else {
                Refusal::NotNow
            });
        }
    };
    Ok(to)
}

/// The resolution a move settles with, if it settles one.
pub fn settles(event: ReturnEvent) -> Option<Resolution> {
    match event {
        ReturnEvent::Accept(r) | ReturnEvent::Uphold(r) => Some(r),
        _ => None,
    }
}

/// Days of the windows, from site settings; a missing or malformed setting keeps its default.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReturnSettings {
    /// `returns_window_fresh_days`: fresh produce (fruit, meat).
    pub fresh_days: i64,
    /// `returns_window_other_days`.
    pub other_days: i64,
    /// `returns_answer_days`: for the producer, the officer and the marketplace each.
    pub answer_days: i64,
}

impl Default for ReturnSettings {
    fn default() -> Self {
        ReturnSettings {
            fresh_days: 3,
            other_days: 7,
            answer_days: 2,
        }
    }
}

impl ReturnSettings {
    pub const KEYS: [&'static str; 3] = [
        "returns_window_fresh_days",
        "returns_window_other_days",
        "returns_answer_days",
    ];

    /// Applies one stored setting (0 to 60 days); false when it was not one of ours or not valid.
    pub fn set(&mut self, key: &str, value: &str) -> bool {
        let Some(days) = value
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|d| (0..=60).contains(d))
        else {
            return false;
        };
        match key {
            "returns_window_fresh_days" => self.fresh_days = days,
            "returns_window_other_days" => self.other_days = days,
            "returns_answer_days" => self.answer_days = days,
            _ => return false,
        }
        true
    }

    /// The deadline for an answer asked for at `at`.
    pub fn answer_due(self, at: DateTime<Utc>) -> DateTime<Utc> {
        at + Duration::days(self.answer_days)
    }
}

/// Whether the goods are fresh produce (the shorter window).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GoodsKind {
    Fresh,
    Other,
}

/// Whether a buyer may still ask for a return of goods delivered at `delivered_at`; the
/// window's end when they may.
pub fn may_request(
    delivered_at: DateTime<Utc>,
    now: DateTime<Utc>,
    kind: GoodsKind,
    settings: ReturnSettings,
) -> Result<DateTime<Utc>, Refusal> {
    let days = match kind {
        GoodsKind::Fresh => settings.fresh_days,
        GoodsKind::Other => settings.other_days,
    };
    let deadline = delivered_at + Duration::days(days);
    if now > deadline {
        return Err(Refusal::WindowOver);
    }
    Ok(deadline)
}

pub const MAX_REASON: usize = 1000;
pub const MAX_ITEMS: usize = 300;
pub const MAX_PHOTOS: i64 = 3;

/// A text field trimmed, with its bound; `missing` when a required one is blank. (Control and
/// invisible characters are refused at the boundary already.)
fn field(text: &str, max: usize, required: Option<Refusal>) -> Result<String, Refusal> {
    let t = text.trim();
    if t.chars().count() > max {
        return Err(Refusal::TooLong);
    }
    match required {
        Some(missing) if !crate::domain::text::has_visible(t) => Err(missing),
        _ => Ok(t.to_owned()),
    }
}

/// A buyer's request as the form sends it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewRequest {
    pub wanted: Wanted,
    pub reason: String,
    pub items: String,
}

impl NewRequest {
    pub fn parse(wanted: &str, reason: &str, items: &str) -> Result<NewRequest, Refusal> {
        Ok(NewRequest {
            wanted: Wanted::parse(wanted.trim()).ok_or(Refusal::Choice)?,
            reason: field(reason, MAX_REASON, Some(Refusal::Reason))?,
            items: field(items, MAX_ITEMS, None)?,
        })
    }
}

/// The reason a refusal or a rejection must give.
pub fn answer_reason(text: &str) -> Result<String, Refusal> {
    field(text, MAX_REASON, Some(Refusal::Reason))
}

text_enum! {
    /// What a complaint is about.
    pub enum ComplaintCategory {
        Product = "product",
        Delivery = "delivery",
        Payment = "payment",
        Seller = "seller",
        Website = "website",
        Other = "other",
    }
}

text_enum! {
    pub enum ComplaintStatus {
        Received = "received",
        InProgress = "in_progress",
        Resolved = "resolved",
        Rejected = "rejected",
    }
}

impl ComplaintStatus {
    pub fn is_closed(self) -> bool {
        matches!(self, ComplaintStatus::Resolved | ComplaintStatus::Rejected)
    }
}

pub const MAX_NAME: usize = 100;
pub const MAX_CONTACT: usize = 120;
pub const MAX_MESSAGE: usize = 3000;

/// A complaint as the form sends it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewComplaint {
    pub name: String,
    pub contact: String,
    pub order_no: Option<String>,
    pub category: ComplaintCategory,
    pub message: String,
}

impl NewComplaint {
    pub fn parse(
        name: &str,
        contact: &str,
        order_no: &str,
        category: &str,
        message: &str,
    ) -> Result<NewComplaint, Refusal> {
        let name = field(name, MAX_NAME, Some(Refusal::Name))?;
        let contact = field(contact, MAX_CONTACT, Some(Refusal::Contact))?;
        // An email address, or a phone number of 9 to 15 digits.
        let digits = contact.chars().filter(char::is_ascii_digit).count();
        let phone_like = contact
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '+' | '.' | '-'));
        let email_like = contact.split_once('@').is_some_and(|(a, b)| {
            !a.is_empty() && b.contains('.') && !contact.contains(char::is_whitespace)
        });
        if !(email_like || (phone_like && (9..=15).contains(&digits))) {
            return Err(Refusal::Contact);
        }
        let order_no = field(order_no, 40, None)?;
        Ok(NewComplaint {
            name,
            contact,
            order_no: (!order_no.is_empty()).then_some(order_no),
            category: ComplaintCategory::parse(category.trim()).ok_or(Refusal::Category)?,
            message: field(message, MAX_MESSAGE, Some(Refusal::Message))?,
        })
    }
}

/// The alphabet of tracking numbers: Crockford's base32 (no I, L, O, U).
const CODE_ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// A tracking number from 50 random bits: `KN-XXXXX-XXXXX` (easy to read out on the phone,
/// too many to guess).
pub fn tracking_code(random: u64) -> String {
    let mut chars = String::with_capacity(14);
    chars.push_str("KN-");
    for i in 0..10 {
        if i == 5 {
            chars.push('-');
        }
        let index = ((random >> (5 * i)) & 31) as usize;
        chars.push(char::from(CODE_ALPHABET[index]));
    }
    chars
}

/// A tracking number as someone types it: upper case, `O`→`0`, `I`/`L`→`1`; None when it cannot
/// be one.
pub fn normalise_code(text: &str) -> Option<String> {
    let t: String = text
        .trim()
        .chars()
        .map(|c| match c.to_ascii_uppercase() {
            'O' => '0',
            'I' | 'L' => '1',
            c => c,
        })
        .collect();
    let ok = t.len() == 14
        && t.starts_with("KN-")
        && t.as_bytes()[8] == b'-'
        && t.bytes()
            .enumerate()
            .all(|(i, b)| i < 3 || i == 8 || CODE_ALPHABET.contains(&b));
    ok.then_some(t)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn every_state_event_and_actor_is_decided() {
        use ReturnActor as A;
        use ReturnEvent as E;
        use ReturnStatus as S;
        let mut allowed = vec![];
        for from in S::ALL {
            for event in E::ALL {
                for actor in A::ALL {
                    match next(*from, event, actor) {
                        Ok(to) => allowed.push((*from, event, actor, to)),
                        Err(e) if from.is_closed() => assert_eq!(e, Refusal::Closed),
                        Err(e) => assert!(
                            matches!(e, Refusal::NotYet | Refusal::NotYours | Refusal::NotNow),
                            "{from:?} {event:?} {actor:?}: {e:?}"
                        ),
                    }
                }
            }
        }
        let refund = Resolution::Refund;
        let replace = Resolution::Replacement;
        let late = E::Escalate {
            deadline_passed: true,
        };
        let early = E::Escalate {
            deadline_passed: false,
        };
        let expected = vec![
            (S::Requested, E::Accept(refund), A::Producer, S::Accepted),
            (S::Requested, E::Accept(replace), A::Producer, S::Accepted),
            (S::Requested, E::Refuse, A::Producer, S::Refused),
            (S::Requested, late, A::Buyer, S::WithOfficer),
            (S::Refused, early, A::Buyer, S::WithOfficer),
            (S::Refused, late, A::Buyer, S::WithOfficer),
            (S::WithOfficer, late, A::Buyer, S::WithMarketplace),
            (
                S::WithOfficer,
                E::Uphold(refund),
                A::Officer,
                S::OfficerUpheld,
            ),
            (
                S::WithOfficer,
                E::Uphold(replace),
                A::Officer,
                S::OfficerUpheld,
            ),
            (S::WithOfficer, E::Reject, A::Officer, S::OfficerRejected),
            (S::OfficerRejected, early, A::Buyer, S::WithMarketplace),
            (S::OfficerRejected, late, A::Buyer, S::WithMarketplace),
            (
                S::WithMarketplace,
                E::Uphold(refund),
                A::Administrator,
                S::MarketplaceUpheld,
            ),
            (
                S::WithMarketplace,
                E::Uphold(replace),
                A::Administrator,
                S::MarketplaceUpheld,
            ),
            (
                S::WithMarketplace,
                E::Reject,
                A::Administrator,
                S::MarketplaceRejected,
            ),
        ];
        assert_eq!(allowed, expected);
    }

    #[test]
    fn escalating_before_the_answer_is_due_is_refused() {
        let early = ReturnEvent::Escalate {
            deadline_passed: false,
        };
        assert_eq!(
            next(ReturnStatus::Requested, early, ReturnActor::Buyer),
            Err(Refusal::NotYet)
        );
        assert_eq!(
            next(ReturnStatus::WithOfficer, early, ReturnActor::Buyer),
            Err(Refusal::NotYet)
        );
    }

    #[test]
    fn the_wrong_party_is_told_so() {
        assert_eq!(
            next(
                ReturnStatus::Requested,
                ReturnEvent::Accept(Resolution::Refund),
                ReturnActor::Buyer
            ),
            Err(Refusal::NotYours)
        );
        assert_eq!(
            next(
                ReturnStatus::WithOfficer,
                ReturnEvent::Reject,
                ReturnActor::Producer
            ),
            Err(Refusal::NotYours)
        );
        assert_eq!(
            next(
                ReturnStatus::Accepted,
                ReturnEvent::Refuse,
                ReturnActor::Producer
            ),
            Err(Refusal::Closed)
        );
        // The producer answers once.
        assert_eq!(
            next(
                ReturnStatus::Refused,
                ReturnEvent::Accept(Resolution::Refund),
                ReturnActor::Producer
            ),
            Err(Refusal::NotNow)
        );
    }

    #[test]
    fn the_window_depends_on_the_goods_and_the_settings() {
        let s = ReturnSettings::default();
        let delivered = Utc.with_ymd_and_hms(2026, 12, 1, 3, 0, 0).unwrap();
        let day = Duration::days(1);
        assert_eq!(
            may_request(delivered, delivered + day * 3, GoodsKind::Fresh, s),
            Ok(delivered + day * 3)
        );
        assert_eq!(
            may_request(
                delivered,
                delivered + day * 3 + Duration::seconds(1),
                GoodsKind::Fresh,
                s
            ),
            Err(Refusal::WindowOver)
        );
        assert!(may_request(delivered, delivered + day * 5, GoodsKind::Other, s).is_ok());
        assert_eq!(
            may_request(delivered, delivered + day * 8, GoodsKind::Other, s),
            Err(Refusal::WindowOver)
        );
        let mut longer = s;
        assert!(longer.set("returns_window_fresh_days", " 5 "));
        assert!(!longer.set("returns_window_other_days", "-1"));
        assert!(!longer.set("returns_answer_days", "two"));
        assert!(!longer.set("ledger_vat_bp", "5"));
        assert_eq!(longer.fresh_days, 5);
        assert_eq!(longer.other_days, 7);
        assert!(may_request(delivered, delivered + day * 4, GoodsKind::Fresh, longer).is_ok());
    }

    #[test]
    fn requests_and_complaints_are_parsed_at_the_boundary() {
        assert_eq!(NewRequest::parse("x", "hỏng", ""), Err(Refusal::Choice));
        assert_eq!(NewRequest::parse("refund", "  ", ""), Err(Refusal::Reason));
        assert_eq!(
            NewRequest::parse("refund", &"a".repeat(MAX_REASON + 1), ""),
            Err(Refusal::TooLong)
        );
        let r = NewRequest::parse("replacement", " Quả bị dập ", "").unwrap();
        assert_eq!(
            (r.wanted, r.reason.as_str()),
            (Wanted::Replacement, "Quả bị dập")
        );
        assert_eq!(answer_reason(""), Err(Refusal::Reason));

        let ok = NewComplaint::parse("Hoa", "0912 345 678", "", "delivery", "Giao chậm").unwrap();
        assert_eq!(ok.order_no, None);
        assert!(NewComplaint::parse("Hoa", "hoa@example.vn", "DH-1", "other", "x").is_ok());
        assert_eq!(
            NewComplaint::parse("", "0912345678", "", "other", "x"),
            Err(Refusal::Name)
        );
        assert_eq!(
            NewComplaint::parse("Hoa", "gọi tôi", "", "other", "x"),
            Err(Refusal::Contact)
        );
        assert_eq!(
            NewComplaint::parse("Hoa", "0912345678", "", "lottery", "x"),
            Err(Refusal::Category)
        );
        assert_eq!(
            NewComplaint::parse("Hoa", "0912345678", "", "other", " "),
            Err(Refusal::Message)
        );
    }

    #[test]
    fn tracking_codes_read_back_as_typed() {
        let code = tracking_code(0x0123_4567_89AB_CDEF);
        assert_eq!(code.len(), 14);
        assert_eq!(normalise_code(&code.to_lowercase()), Some(code.clone()));
        assert_eq!(normalise_code("KN-00000-0000"), None);
        assert_eq!(
            normalise_code("kn-ooooo-iiiii"),
            Some("KN-00000-11111".into())
        );
        assert_ne!(tracking_code(1), tracking_code(2));
        for r in Refusal::ALL {
            assert_eq!(Refusal::parse(r.as_str()), Some(r));
        }
    }
}
