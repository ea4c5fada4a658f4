//! Bank transfers matched automatically: a bank-feed service (SePay's webhook format) reports
//! each credit into the marketplace's account; one whose note holds an order number and the
//! exact amount marks the order paid; any other waits in a queue where the producer or an
//! officer matches it to an order by hand or records that it was sent back.
//!
//! - [`rules`]: the order number in a note, what a credit does, the queue's states (pure).
//! - [`model`]: the credit as the webhook hands it over and as the queue shows it.
//! - `storage` (server only): storing, matching, the queue.
//! - [`page`]: the queue page (`/ban-hang/chuyen-khoan`, `/quan-tri/chuyen-khoan`), its texts.
//!
//! The server crate's `bank_feed` module has the webhook and the queue's form handler.

pub mod model;
pub mod page;
pub mod rules;
#[cfg(feature = "ssr")]
pub mod storage;
