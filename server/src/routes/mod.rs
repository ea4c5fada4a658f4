//! HTTP endpoints outside the Leptos pages.

pub mod csv;
pub mod health;
pub mod lang;
pub mod seo;
