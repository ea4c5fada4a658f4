//! The officer's records in the database.

pub mod certificates;
pub mod commune_editor;
pub mod ocop_import;
pub mod reports;
