//! Data access, on the server only. One `Db` handle over SQLite or PostgreSQL: the SQL is
//! portable (see migrations/), so one copy of each query serves both engines.
//!
//! Every write transaction starts with [`Db::begin_write`] (on SQLite it takes the write lock
//! first, so a read-then-write waits for its turn instead of failing). On PostgreSQL, row locks
//! are taken in one global order, so no two transactions can wait on each other:
//! checkouts (idempotency key) → carts (by id) → cart items → orders (by id) → product variants
//! (by id). A transaction that needs a later row never goes back for an earlier one.
//! Rows are locked with [`locks::lock_row`], the one place that knows how on each engine.
//!
//! Each statement is a named constant declared with [`statements!`] in its module, which also
//! lists it in the module's `STATEMENTS`; [`all_statements`] gathers them so one integration
//! test prepares every one on both engines (a typo or a missing column fails the suite, not a
//! request).

/// Declares each `NAME = "SQL";` as a `pub(crate) const` and lists them all, by name, in the
/// module's `STATEMENTS`, so no statement can be left out of the prepare test. Exported (as
/// `app::sql_statements!`) for the server crate's own SQL.
#[doc(hidden)]
#[macro_export]
macro_rules! sql_statements {
    ($($(#[$meta:meta])* $name:ident = $sql:expr;)*) => {
        $($(#[$meta])* pub(crate) const $name: &str = $sql;)*
        /// Every constant statement of this module: (name, SQL).
        pub(crate) const STATEMENTS: &[(&str, &str)] = &[$((stringify!($name), $name)),*];
    };
}
pub(crate) use crate::sql_statements as statements;

/// `$from, $from+1, …` for `n` bound values: an IN-list of a statement built at run time.
pub(crate) fn placeholders(from: usize, n: usize) -> String {
    (from..from + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

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
pub(crate) mod decode;
pub mod diary;
pub mod ids;
pub mod listings;
pub(crate) mod locks;
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

/// Every statement the data layer runs, as (`module::NAME`, SQL): each module's constants and a
/// rendering of each statement it builds at run time (IN-lists of one and two, every optional
/// filter). The `sql` integration test prepares them all on SQLite and on PostgreSQL.
#[doc(hidden)]
pub fn all_statements() -> Vec<(String, String)> {
    let constant: [(&str, &[(&str, &str)]); 22] = [
        ("accounts", accounts::STATEMENTS),
        ("admin", admin::STATEMENTS),
        ("audit", audit::STATEMENTS),
        ("bank", bank::STATEMENTS),
        ("card_payments", card_payments::STATEMENTS),
        ("cart", cart::STATEMENTS),
        ("catalog", catalog::STATEMENTS),
        ("certificates", certificates::STATEMENTS),
        ("checkout", checkout::STATEMENTS),
        ("commune_editor", commune_editor::STATEMENTS),
        ("diary", diary::STATEMENTS),
        ("listings", listings::STATEMENTS),
        ("locks", locks::STATEMENTS),
        ("ocop_import", ocop_import::STATEMENTS),
        ("orders", orders::STATEMENTS),
        ("producers", producers::STATEMENTS),
        ("rate_limits", rate_limits::STATEMENTS),
        ("sales", sales::STATEMENTS),
        ("storage", storage::STATEMENTS),
        ("traceability", traceability::STATEMENTS),
        ("search::sync", crate::search::sync::STATEMENTS),
        ("pages::account", crate::pages::account::sql::STATEMENTS),
    ];
    let mut all: Vec<(String, String)> = constant
        .into_iter()
        .flat_map(|(module, list)| {
            list.iter()
                .map(move |(name, sql)| (format!("{module}::{name}"), (*sql).to_owned()))
        })
        .collect();
    let rendered = [
        ("catalog", catalog::rendered_statements()),
        ("certificates", certificates::rendered_statements()),
        ("diary", diary::rendered_statements()),
        ("reports", reports::rendered_statements()),
        ("search::sync", crate::search::sync::rendered_statements()),
    ];
    for (module, list) in rendered {
        all.extend(
            list.into_iter()
                .map(|(name, sql)| (format!("{module}::{name}"), sql)),
        );
    }
    all
}
