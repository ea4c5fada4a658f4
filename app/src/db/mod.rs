//! Data access, on the server only. One `Db` handle over SQLite or PostgreSQL: the SQL is
//! portable (see migrations/), so one copy of each query serves both engines.
//!
//! Every write transaction starts with [`Db::begin_write`] (on SQLite it takes the write lock
//! first, so a read-then-write waits for its turn instead of failing). On PostgreSQL, row locks
//! are taken in one global order, so no two transactions can wait on each other:
//! checkouts (idempotency key) → carts (by id) → cart items → orders (by id) → product variants
//! (by id). A transaction that needs a later row never goes back for an earlier one.
//!
//! Each statement is a named constant declared with [`statements!`] in its module, which also
//! lists it in the module's `STATEMENTS`; [`all_statements`] gathers them so one integration
//! test prepares every one on both engines (a typo or a missing column fails the suite, not a
//! request).

/// Declares each `NAME = "SQL";` as a `pub(crate) const` and lists them all, by name, in the
/// module's `STATEMENTS`, so no statement can be left out of the prepare test.
macro_rules! statements {
    ($($(#[$meta:meta])* $name:ident = $sql:expr;)*) => {
        $($(#[$meta])* pub(crate) const $name: &str = $sql;)*
        /// Every constant statement of this module: (name, SQL).
        pub(crate) const STATEMENTS: &[(&str, &str)] = &[$((stringify!($name), $name)),*];
    };
}
pub(crate) use statements;

pub mod accounts;
pub mod admin;
pub mod audit;
mod bank;
pub mod card_payments;
pub mod cart;
pub mod catalog;
pub mod certificates;
pub mod checkout;
pub mod commune_editor;
mod connect;
pub mod diary;
pub mod ids;
pub mod listings;
pub mod ocop_import;
pub mod orders;
pub mod producers;
pub mod rate_limits;
pub mod reports;
pub mod sales;
pub mod storage;
pub mod structured_data;
pub mod traceability;

pub use connect::{Db, DbError, Engine, redact_url};
