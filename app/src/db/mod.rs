//! Data access, on the server only. One `Db` handle over SQLite or PostgreSQL: the SQL is
//! portable (see migrations/), so one copy of each query serves both engines.
//!
//! Every write transaction starts with [`Db::begin_write`] (on SQLite it takes the write lock
//! first, so a read-then-write waits for its turn instead of failing). On PostgreSQL, row locks
//! are taken in one global order, so no two transactions can wait on each other:
//! checkouts (idempotency key) → carts (by id) → cart items → orders (by id) → product variants
//! (by id). A transaction that needs a later row never goes back for an earlier one.

pub mod audit;
mod connect;
pub mod ids;
pub mod rate_limits;
pub mod storage;

pub use connect::{Db, DbError, Engine, redact_url};
