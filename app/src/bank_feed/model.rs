//! What the bank-feed webhook, the queue page and its form handler share.

use serde::{Deserialize, Serialize};

use super::rules::{CreditStatus, QueueReason};
use crate::domain::money::Vnd;

/// An incoming credit as a bank feed reported it, checked: a positive amount, an id.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IncomingCredit {
    /// The provider's id of the transaction: a credit is stored once per id.
    pub provider_id: String,
    pub amount: Vnd,
    /// The transfer's note (where the buyer typed the order number).
    pub description: String,
    pub bank_ref: Option<String>,
    pub account_no: Option<String>,
    /// As the provider wrote it (its own format and time zone).
    pub transacted_at: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum BadCredit {
    #[error("the transaction has no id")]
    NoId,
    #[error("the amount must be a whole number of dong above zero")]
    Amount,
}

impl IncomingCredit {
    pub fn new(
        provider_id: &str,
        amount: i64,
        description: &str,
        bank_ref: Option<&str>,
        account_no: Option<&str>,
        transacted_at: Option<&str>,
    ) -> Result<IncomingCredit, BadCredit> {
        let provider_id = provider_id.trim();
        if provider_id.is_empty() || provider_id.len() > 128 {
            return Err(BadCredit::NoId);
        }
        let amount = Vnd::new(amount)
            .ok()
            .filter(|a| a.dong() > 0)
            .ok_or(BadCredit::Amount)?;
        let keep = |s: Option<&str>| {
            s.map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| s.chars().take(200).collect())
        };
        Ok(IncomingCredit {
            provider_id: provider_id.to_owned(),
            amount,
            description: description.chars().take(500).collect(),
            bank_ref: keep(bank_ref),
            account_no: keep(account_no),
            transacted_at: keep(transacted_at),
        })
    }
}

/// A credit in the queue page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueuedCredit {
    pub id: String,
    pub received_at: String,
    pub amount: Vnd,
    pub description: String,
    pub bank_ref: Option<String>,
    /// The order its description names (or it was matched to).
    pub order_no: Option<String>,
    pub reason: Option<QueueReason>,
    pub status: CreditStatus,
    pub refund_ref: Option<String>,
}

/// Why the queue's form sent the person back (`?loi=`), shared by the handler and the page.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum QueueRefusal {
    AlreadyResolved,
    UnknownOrder,
    NotPayable,
    AmountDiffers,
    BadReference,
    BadAction,
}

impl QueueRefusal {
    pub const ALL: [QueueRefusal; 6] = [
        QueueRefusal::AlreadyResolved,
        QueueRefusal::UnknownOrder,
        QueueRefusal::NotPayable,
        QueueRefusal::AmountDiffers,
        QueueRefusal::BadReference,
        QueueRefusal::BadAction,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            QueueRefusal::AlreadyResolved => "credit_resolved",
            QueueRefusal::UnknownOrder => "unknown_order",
            QueueRefusal::NotPayable => "order_not_payable",
            QueueRefusal::AmountDiffers => "amount_differs",
            QueueRefusal::BadReference => "bad_reference",
            QueueRefusal::BadAction => "bad_action",
        }
    }

    pub fn parse(s: &str) -> Option<QueueRefusal> {
        QueueRefusal::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

/// Which queue page a form was sent from (and goes back to).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum QueuePage {
    /// `/ban-hang/chuyen-khoan`, a producer's people.
    Seller,
    /// `/quan-tri/chuyen-khoan`, officers and administrators.
    Officer,
}

impl QueuePage {
    pub fn path(self) -> &'static str {
        match self {
            QueuePage::Seller => "/ban-hang/chuyen-khoan",
            QueuePage::Officer => "/quan-tri/chuyen-khoan",
        }
    }

    pub fn parse(s: &str) -> Option<QueuePage> {
        [QueuePage::Seller, QueuePage::Officer]
            .into_iter()
            .find(|p| p.path() == s)
    }
}
