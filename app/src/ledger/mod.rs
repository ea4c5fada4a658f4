//! The settlement ledger: every payment, refund, carrier fee, marketplace fee, tax withheld and
//! payout as balanced postings, written in the transaction of the event; per producer the
//! balance owed, the monthly statement and the monthly withholding report.
//!
//! - [`rules`]: the accounts, what each event posts, the withholding figures (pure).
//! - [`model`]: the month, the bank reference, shared by pages and handlers.
//! - `storage` (server only): writing postings, reading balances, statements, reports.
//! - [`texts`]: the words of its pages, Vietnamese and English.
//! - [`pages`]: the producer's statement and the administrator's settlement page.

pub mod model;
pub mod pages;
pub mod rules;
#[cfg(feature = "ssr")]
pub mod storage;
pub mod texts;
