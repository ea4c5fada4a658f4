//! Carts, checkout, orders and payments in the database. Row locks follow the global order
//! stated in `crate::db`.

mod bank;
pub mod card_payments;
pub mod cart;
pub mod checkout;
pub mod notices;
pub mod orders;
pub mod shipments;

pub(crate) use bank::{STATEMENTS as BANK_STATEMENTS, site_account_fields};
