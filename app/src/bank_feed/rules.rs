//! Bank transfers reported by a bank-feed service, pure: the order number in a transfer's
//! description, and what a credit does to the order it names.

use serde::{Deserialize, Serialize};

/// The characters of an order number after `DH` (see shop::storage::checkout::order_no).
const ORDER_ALPHABET: &[u8] = b"23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
const ORDER_TAIL: usize = 8;

/// The order numbers a transfer's description may hold, first seen first. Banks rewrite the
/// note the buyer typed from the VietQR code (`DHABCD2345`): case changes, spaces, dots or
/// dashes inside it, their own prefixes and suffixes glued on. So the letters and digits are
/// read run together, upper-cased, and every `DH` followed by eight order characters is a
/// candidate; the caller keeps the first that names a real order.
pub fn order_numbers_in(description: &str) -> Vec<String> {
    let compact: Vec<u8> = description
        .bytes()
        .filter(u8::is_ascii_alphanumeric)
        .map(|b| b.to_ascii_uppercase())
        .collect();
    let mut found: Vec<String> = vec![];
    for i in 0..compact.len().saturating_sub(ORDER_TAIL + 1) {
        if &compact[i..i + 2] != b"DH" {
            continue;
        }
        let tail = &compact[i + 2..i + 2 + ORDER_TAIL];
        if tail.iter().all(|c| ORDER_ALPHABET.contains(c)) {
            let no = format!("DH{}", String::from_utf8_lossy(tail));
            if !found.contains(&no) {
                found.push(no);
            }
        }
    }
    found
}

/// Why a credit waits for someone to look at it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum QueueReason {
    Underpaid,
    Overpaid,
    /// The order expired or was cancelled before the money came.
    Late,
    /// No order number in the description names an order.
    UnknownReference,
    /// The order was already paid (by another transfer, or marked by hand).
    AlreadyPaid,
}

impl QueueReason {
    pub const ALL: [QueueReason; 5] = [
        QueueReason::Underpaid,
        QueueReason::Overpaid,
        QueueReason::Late,
        QueueReason::UnknownReference,
        QueueReason::AlreadyPaid,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            QueueReason::Underpaid => "underpaid",
            QueueReason::Overpaid => "overpaid",
            QueueReason::Late => "late",
            QueueReason::UnknownReference => "unknown_reference",
            QueueReason::AlreadyPaid => "already_paid",
        }
    }

    pub fn parse(s: &str) -> Option<QueueReason> {
        QueueReason::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

/// Where an order named by a credit stands, as far as paying it goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OrderPayState {
    /// Placed or confirmed, paid by transfer, its payment still pending.
    AwaitingTransfer,
    /// Cancelled, refunded or expired: it no longer takes money.
    Closed,
    /// Its payment is settled already, or it is not paid by transfer.
    NotAwaiting,
}

/// What a credit does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CreditDecision {
    /// Marks the order paid.
    Pay,
    Queue(QueueReason),
}

/// A credit of `paid` dong for an order owing `owed`, in `state`. Only the exact amount for an
/// order waiting for it pays; anything else waits for a person.
pub fn decide(state: OrderPayState, owed: i64, paid: i64) -> CreditDecision {
    match state {
        OrderPayState::Closed => CreditDecision::Queue(QueueReason::Late),
        OrderPayState::NotAwaiting => CreditDecision::Queue(QueueReason::AlreadyPaid),
        OrderPayState::AwaitingTransfer if paid < owed => {
            CreditDecision::Queue(QueueReason::Underpaid)
        }
        OrderPayState::AwaitingTransfer if paid > owed => {
            CreditDecision::Queue(QueueReason::Overpaid)
        }
        OrderPayState::AwaitingTransfer => CreditDecision::Pay,
    }
}

/// A credit's place in the queue.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum CreditStatus {
    /// Paid its order on arrival.
    Matched,
    Unmatched,
    MatchedByHand,
    /// Sent back to whoever sent it.
    Refunded,
}

impl CreditStatus {
    pub const ALL: [CreditStatus; 4] = [
        CreditStatus::Matched,
        CreditStatus::Unmatched,
        CreditStatus::MatchedByHand,
        CreditStatus::Refunded,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CreditStatus::Matched => "matched",
            CreditStatus::Unmatched => "unmatched",
            CreditStatus::MatchedByHand => "matched_by_hand",
            CreditStatus::Refunded => "refunded",
        }
    }

    pub fn parse(s: &str) -> Option<CreditStatus> {
        CreditStatus::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

/// What a person may do with a credit in the queue: only an unmatched one is acted on, and
/// once matched or refunded it stays so.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QueueAction {
    Match,
    Refund,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("this credit was already dealt with")]
pub struct AlreadyResolved;

pub fn resolve(from: CreditStatus, action: QueueAction) -> Result<CreditStatus, AlreadyResolved> {
    match (from, action) {
        (CreditStatus::Unmatched, QueueAction::Match) => Ok(CreditStatus::MatchedByHand),
        (CreditStatus::Unmatched, QueueAction::Refund) => Ok(CreditStatus::Refunded),
        (CreditStatus::Matched | CreditStatus::MatchedByHand | CreditStatus::Refunded, _) => {
            Err(AlreadyResolved)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_order_number_however_the_bank_wrote_it() {
        for description in [
            "DHABCD2345",
            "dhabcd2345",
            "MBVCB.3278907687.DH ABCD-2345.CT tu 0123 NGUYEN THI HOA",
            "IBFT DH.ABCD.2345 FT26335",
            "Thanh toan don DHABCD2345 cam on",
        ] {
            assert_eq!(
                order_numbers_in(description),
                vec!["DHABCD2345"],
                "{description}"
            );
        }
        // 0, O, 1 and I are never in an order number.
        assert!(order_numbers_in("DHABCD0345").is_empty());
        assert!(order_numbers_in("DHABC").is_empty());
        assert!(order_numbers_in("chuyen tien mua hang").is_empty());
        assert_eq!(
            order_numbers_in("DHAAAA2222 DHBBBB3333 DHAAAA2222"),
            vec!["DHAAAA2222", "DHBBBB3333"]
        );
    }

    #[test]
    fn only_the_exact_amount_for_an_order_waiting_pays_it() {
        use CreditDecision::*;
        use OrderPayState::*;
        assert_eq!(decide(AwaitingTransfer, 100, 100), Pay);
        assert_eq!(
            decide(AwaitingTransfer, 100, 99),
            Queue(QueueReason::Underpaid)
        );
        assert_eq!(
            decide(AwaitingTransfer, 100, 101),
            Queue(QueueReason::Overpaid)
        );
        for paid in [99, 100, 101] {
            assert_eq!(decide(Closed, 100, paid), Queue(QueueReason::Late));
            assert_eq!(
                decide(NotAwaiting, 100, paid),
                Queue(QueueReason::AlreadyPaid)
            );
        }
    }

    #[test]
    fn every_queue_transition() {
        for from in CreditStatus::ALL {
            for action in [QueueAction::Match, QueueAction::Refund] {
                let got = resolve(from, action);
                let want = match (from, action) {
                    (CreditStatus::Unmatched, QueueAction::Match) => {
                        Ok(CreditStatus::MatchedByHand)
                    }
                    (CreditStatus::Unmatched, QueueAction::Refund) => Ok(CreditStatus::Refunded),
                    _ => Err(AlreadyResolved),
                };
                assert_eq!(got, want, "{from:?} {action:?}");
            }
        }
        for s in CreditStatus::ALL {
            assert_eq!(CreditStatus::parse(s.as_str()), Some(s));
        }
        for r in QueueReason::ALL {
            assert_eq!(QueueReason::parse(r.as_str()), Some(r));
        }
    }
}
