//! The public catalog's screens; each page's server functions sit beside it.

pub mod communes;
pub mod home;
pub mod producer;
pub mod product;
