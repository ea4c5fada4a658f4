//! One module per screen; each screen's server functions sit beside it.

pub mod communes;
pub mod home;
pub mod not_found;
pub mod producer;
pub mod product;
