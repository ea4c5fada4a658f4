//! The shop's pure rules, tested without a database.

pub mod checkout;
pub mod order;
pub mod shipment;
pub mod shipping;
pub mod vietqr;
