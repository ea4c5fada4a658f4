//! The farm diary: a producer's plots (orchard, pond, barn), the cultivation log kept per plot
//! and lot with its pre-harvest gate, the lots themselves and what a buyer sees after scanning a
//! lot's QR code. Everything about it lives here; the server's form handlers, QR images and lot
//! API are in the server crate's `diary` module.
//!
//! - [`anchors`]: the chain heads kept outside the rows (stamp, label digest, signed
//!   checkpoints) and their comparisons.
//! - [`rules`]: the log's entry kinds, drafts and the pre-harvest interval (pure).
//! - [`register`]: the plant-protection register (banned and permitted ingredients, with their
//!   sources) and the rules a spraying's active ingredient is read by (pure).
//! - [`gs1`]: lot codes and GS1 Digital Link addresses (pure).
//! - [`model`]: the read models the pages and the API show.
//! - [`form`]: the fields and refusals shared by the farm pages and their form handlers.
//! - [`texts`]: every word the diary screens say, in Vietnamese and English.
//! - [`farm_page`], [`lot_page`]: the farmer's screens and the public lot page.
//! - [`offline`]: the farm pages' list of entries waiting on the phone, for offline capture.
//! - [`recall`]: recalling a lot, its banners, the officer's pages and report.
//! - `storage`, `trace_storage` (server only): the diary's writes with the gate, and the lot
//!   trace's reads.

pub mod anchors;
pub mod farm_page;
pub mod form;
pub mod gs1;
pub mod lot_page;
pub mod model;
pub mod offline;
pub mod recall;
pub mod register;
pub mod rules;
#[cfg(feature = "ssr")]
pub mod storage;
pub mod texts;
#[cfg(feature = "ssr")]
pub mod trace_storage;
