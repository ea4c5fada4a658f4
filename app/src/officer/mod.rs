//! The commune officer's work ("Cán bộ"): approving producers, recording OCOP certificates,
//! stamping lots, curating the commune's page and signature product, importing the province's
//! certificate spreadsheet, and the sales report. The server's form handlers are in the server
//! crate's `officer` module.
//!
//! - [`rules`]: OCOP stars and certificate standing, the import's row rules and spreadsheet
//!   reader (pure).
//! - [`model`]: what the officer's screens show.
//! - [`texts`]: every word those screens say, in Vietnamese and English.
//! - [`pages`]: the dashboard, commune editor, import and report pages.
//! - `storage` (server only): certificates, the commune editor, the import, the report.

pub mod form;
pub mod import_form;
pub mod model;
pub mod pages;
pub mod rules;
#[cfg(feature = "ssr")]
pub mod storage;
pub mod texts;
