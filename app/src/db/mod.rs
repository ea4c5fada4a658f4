//! Data access, on the server only. One `Db` handle over SQLite or PostgreSQL: the SQL is
//! portable (see migrations/), so one copy of each query serves both engines.
//!
//! Every write transaction starts with [`Db::begin_write`] (on SQLite it takes the write lock
//! first, so a read-then-write waits for its turn instead of failing). On PostgreSQL, row locks
//! are taken in one global order, so no two transactions can wait on each other:
//! checkouts (idempotency key) → carts (by id) → cart items → orders (by id) → product variants
//! (by id) → harvest lots (by id). A transaction that needs a later row never goes back for an
//! earlier one; a lot's units are written only while its variant's row is held.
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

pub mod audit;
mod connect;
pub(crate) mod decode;
pub mod ids;
pub mod kept;
pub(crate) mod locks;
pub mod rate_limits;
pub mod storage;

pub use connect::{
    Db, DbError, Engine, PING_WHEN_IDLE, default_connections, migrator, redact_url,
    sqlite_file_path,
};

/// Every statement the data layer runs, as (`module::NAME`, SQL): each module's constants and a
/// rendering of each statement it builds at run time (IN-lists of one and two, every optional
/// filter). The `sql` integration test prepares them all on SQLite and on PostgreSQL.
#[doc(hidden)]
pub fn all_statements() -> Vec<(String, String)> {
    let constant: [(&str, &[(&str, &str)]); 51] = [
        ("servers", crate::servers::STATEMENTS),
        ("metrics", crate::metrics::STATEMENTS),
        ("photos", crate::photos::STATEMENTS),
        ("legal::storage", crate::legal::storage::STATEMENTS),
        ("privacy::storage", crate::privacy::storage::STATEMENTS),
        (
            "seller::identity_storage",
            crate::seller::identity_storage::STATEMENTS,
        ),
        ("reviews::storage", crate::reviews::storage::STATEMENTS),
        ("returns::storage", crate::returns::storage::STATEMENTS),
        ("care::storage", crate::care::storage::STATEMENTS),
        ("forecast::storage", crate::forecast::storage::STATEMENTS),
        (
            "farm_tokens::storage",
            crate::farm_tokens::storage::STATEMENTS,
        ),
        (
            "seller::carriers_storage",
            crate::seller::carriers_storage::STATEMENTS,
        ),
        (
            "seller::shipping_storage",
            crate::seller::shipping_storage::STATEMENTS,
        ),
        ("address::storage", crate::address::storage::STATEMENTS),
        ("auth::storage", crate::auth::storage::STATEMENTS),
        ("admin::storage", crate::admin::storage::STATEMENTS),
        ("audit", audit::STATEMENTS),
        ("shop::storage::bank", crate::shop::storage::BANK_STATEMENTS),
        (
            "shop::storage::card_payments",
            crate::shop::storage::card_payments::STATEMENTS,
        ),
        (
            "shop::storage::cart",
            crate::shop::storage::cart::STATEMENTS,
        ),
        ("catalog::storage", crate::catalog::storage::STATEMENTS),
        (
            "officer::storage::certificates",
            crate::officer::storage::certificates::STATEMENTS,
        ),
        (
            "shop::storage::checkout",
            crate::shop::storage::checkout::STATEMENTS,
        ),
        (
            "officer::storage::commune_editor",
            crate::officer::storage::commune_editor::STATEMENTS,
        ),
        ("diary::storage", crate::diary::storage::STATEMENTS),
        ("lot_sales::storage", crate::lot_sales::storage::STATEMENTS),
        ("seller::storage", crate::seller::storage::STATEMENTS),
        ("locks", locks::STATEMENTS),
        (
            "officer::storage::ocop_import",
            crate::officer::storage::ocop_import::STATEMENTS,
        ),
        (
            "shop::storage::orders",
            crate::shop::storage::orders::STATEMENTS,
        ),
        (
            "seller::cod_storage",
            crate::seller::cod_storage::STATEMENTS,
        ),
        (
            "shop::storage::shipments",
            crate::shop::storage::shipments::STATEMENTS,
        ),
        ("auth::producers", crate::auth::producers::STATEMENTS),
        ("rate_limits", rate_limits::STATEMENTS),
        (
            "seller::sales_storage",
            crate::seller::sales_storage::STATEMENTS,
        ),
        ("storage", storage::STATEMENTS),
        (
            "diary::trace_storage",
            crate::diary::trace_storage::STATEMENTS,
        ),
        ("search::sync", crate::search::sync::STATEMENTS),
        ("notify::storage", crate::notify::storage::STATEMENTS),
        (
            "notify::unsubscribe::storage",
            crate::notify::unsubscribe::storage::STATEMENTS,
        ),
        (
            "notify::preferences::storage",
            crate::notify::preferences::storage::STATEMENTS,
        ),
        (
            "shop::storage::notices",
            crate::shop::storage::notices::STATEMENTS,
        ),
        ("auth::pages", crate::auth::pages::sql::STATEMENTS),
        ("notify::delivery", crate::notify::delivery::STATEMENTS),
        ("auth::code_storage", crate::auth::code_storage::STATEMENTS),
        (
            "shop::pages::receipt::storage",
            crate::shop::pages::receipt::storage::STATEMENTS,
        ),
        (
            "diary::anchors::storage",
            crate::diary::anchors::storage::STATEMENTS,
        ),
        ("ledger::storage", crate::ledger::storage::STATEMENTS),
        ("bank_feed::storage", crate::bank_feed::storage::STATEMENTS),
        ("payments::storage", crate::payments::storage::STATEMENTS),
        (
            "diary::recall::storage",
            crate::diary::recall::storage::STATEMENTS,
        ),
    ];
    let mut all: Vec<(String, String)> = constant
        .into_iter()
        .flat_map(|(module, list)| {
            list.iter()
                .map(move |(name, sql)| (format!("{module}::{name}"), (*sql).to_owned()))
        })
        .collect();
    let rendered = [
        (
            "catalog::storage",
            crate::catalog::storage::rendered_statements(),
        ),
        (
            "officer::storage::certificates",
            crate::officer::storage::certificates::rendered_statements(),
        ),
        (
            "diary::storage",
            crate::diary::storage::rendered_statements(),
        ),
        (
            "officer::storage::reports",
            crate::officer::storage::reports::rendered_statements(),
        ),
        ("search::sync", crate::search::sync::rendered_statements()),
        (
            "reviews::storage",
            crate::reviews::storage::rendered_statements(),
        ),
        (
            "address::storage",
            crate::address::storage::rendered_statements(),
        ),
        ("photos", crate::photos::rendered_statements()),
    ];
    for (module, list) in rendered {
        all.extend(
            list.into_iter()
                .map(|(name, sql)| (format!("{module}::{name}"), sql)),
        );
    }
    all
}
