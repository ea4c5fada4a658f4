//! The buyer's screens; each page's server functions sit beside it.

pub mod cart;
pub mod checkout;
pub mod orders;
pub mod receipt;
