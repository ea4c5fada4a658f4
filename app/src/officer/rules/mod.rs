//! The officer's pure rules, tested without a database.

pub mod ocop;
pub mod ocop_import;
#[cfg(feature = "spreadsheet")]
pub mod spreadsheet;
