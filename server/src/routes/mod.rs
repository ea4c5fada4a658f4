//! HTTP endpoints outside the Leptos pages.

pub mod admin_forms;
pub mod csv;
pub mod health;
pub mod import_forms;
pub mod lang;
pub mod officer_forms;
pub mod seo;
