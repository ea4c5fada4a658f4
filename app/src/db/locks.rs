//! Row locks, for both engines in one place. PostgreSQL's `SELECT … FOR UPDATE` is not SQLite
//! SQL, so a row is locked by writing it: on PostgreSQL the UPDATE takes the row lock until the
//! transaction ends; on SQLite the transaction already holds the database's write lock
//! ([`Db::begin_write`](super::Db::begin_write)'s `BEGIN IMMEDIATE`) and the UPDATE only says
//! whether the row exists. Take locks in the global order documented in [`crate::db`].

use sqlx::AnyConnection;

/// A row to lock, by table and id.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Row<'a> {
    Cart(&'a str),
    Order(&'a str),
    Variant(&'a str),
    Product(&'a str),
    Commune(&'a str),
    Plot(&'a str),
    /// A harvest lot (after its variant: see the lock order in [`crate::db`]).
    Lot(&'a str),
    CardPayment(&'a str),
}

/// What the locking write does to the row besides locking it.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Stamp<'a> {
    /// Sets `updated_at` to this database timestamp.
    UpdatedAt(&'a str),
    /// Leaves the row as it is (`SET id = id`): for a transaction that may end up changing
    /// nothing, whose row must then keep its `updated_at`.
    Unchanged,
}

/// Locks `row` for the rest of the transaction; `false` when there is no such row.
pub(crate) async fn lock_row(
    conn: &mut AnyConnection,
    row: Row<'_>,
    stamp: Stamp<'_>,
) -> Result<bool, sqlx::Error> {
    let (stamped, unchanged, id) = match row {
        Row::Cart(id) => (STAMP_CART, KEEP_CART, id),
        Row::Order(id) => (STAMP_ORDER, KEEP_ORDER, id),
        Row::Variant(id) => (STAMP_VARIANT, KEEP_VARIANT, id),
        Row::Product(id) => (STAMP_PRODUCT, KEEP_PRODUCT, id),
        Row::Commune(id) => (STAMP_COMMUNE, KEEP_COMMUNE, id),
        Row::Plot(id) => (STAMP_PLOT, KEEP_PLOT, id),
        Row::Lot(id) => (STAMP_LOT, KEEP_LOT, id),
        Row::CardPayment(id) => (STAMP_CARD_PAYMENT, KEEP_CARD_PAYMENT, id),
    };
    let done = match stamp {
        Stamp::UpdatedAt(at) => sqlx::query(stamped).bind(at).bind(id).execute(conn).await?,
        Stamp::Unchanged => sqlx::query(unchanged).bind(id).execute(conn).await?,
    };
    Ok(done.rows_affected() > 0)
}

// Every table's pair, whether used today or not: all are prepared by the `sql` test.
crate::db::statements! {
    STAMP_CART = "UPDATE carts SET updated_at = $1 WHERE id = $2";
    KEEP_CART = "UPDATE carts SET id = id WHERE id = $1";
    STAMP_ORDER = "UPDATE orders SET updated_at = $1 WHERE id = $2";
    KEEP_ORDER = "UPDATE orders SET id = id WHERE id = $1";
    STAMP_VARIANT = "UPDATE product_variants SET updated_at = $1 WHERE id = $2";
    KEEP_VARIANT = "UPDATE product_variants SET id = id WHERE id = $1";
    STAMP_PRODUCT = "UPDATE products SET updated_at = $1 WHERE id = $2";
    KEEP_PRODUCT = "UPDATE products SET id = id WHERE id = $1";
    STAMP_COMMUNE = "UPDATE communes SET updated_at = $1 WHERE id = $2";
    KEEP_COMMUNE = "UPDATE communes SET id = id WHERE id = $1";
    STAMP_PLOT = "UPDATE plots SET updated_at = $1 WHERE id = $2";
    KEEP_PLOT = "UPDATE plots SET id = id WHERE id = $1";
    STAMP_LOT = "UPDATE harvest_lots SET updated_at = $1 WHERE id = $2";
    KEEP_LOT = "UPDATE harvest_lots SET id = id WHERE id = $1";
    STAMP_CARD_PAYMENT = "UPDATE card_payments SET updated_at = $1 WHERE id = $2";
    KEEP_CARD_PAYMENT = "UPDATE card_payments SET id = id WHERE id = $1";
}
