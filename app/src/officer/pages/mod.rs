//! The officer's screens; each page's server functions sit beside it.

pub mod commune_editor;
pub mod dashboard;
pub mod import;
pub mod reports;
