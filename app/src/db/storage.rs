//! What the server has learnt about its database's health from the errors it met: a storage
//! fault (disk full, I/O error, corruption, a read-only file) or a server that does not answer.
//! Handlers note the errors they meet; `/healthz` reports and re-checks; pages fail fast while
//! the database is known to be unreachable instead of each waiting for the pool's timeout.

use std::{
    sync::{
        Mutex,
        atomic::{AtomicBool, Ordering},
    },
    time::{Duration, Instant},
};

use sqlx::{ConnectOptions, Connection};

use super::{Db, Engine};

/// A fault of the storage under the database: writes fail until an operator acts (or space
/// returns). Ours to fix, so 503.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StorageFault {
    Full,
    Io,
    Corrupt,
    ReadOnly,
}

impl StorageFault {
    /// For `/healthz` and logs.
    pub fn describe(self) -> &'static str {
        match self {
            StorageFault::Full => "disk full",
            StorageFault::Io => "disk I/O error",
            StorageFault::Corrupt => "database file corrupt",
            StorageFault::ReadOnly => "database is read-only",
        }
    }

    /// The API error code.
    pub fn code(self) -> &'static str {
        match self {
            StorageFault::Full => "storage_full",
            _ => "storage_error",
        }
    }

    /// For an API caller: what happened to their request.
    pub fn api_message(self) -> &'static str {
        match self {
            StorageFault::Full => {
                "the server's disk is full: nothing was saved, please try again later"
            }
            _ => "the server cannot write its data: nothing was saved, please try again later",
        }
    }

    /// For a person, in both languages (form answers are not localized pages).
    pub fn page_message(self) -> &'static str {
        match self {
            StorageFault::Full => {
                "Ổ đĩa của máy chủ đã đầy: chưa có gì được lưu, vui lòng thử lại sau. / \
                 The server's disk is full: nothing was saved, please try again later."
            }
            _ => {
                "Máy chủ không ghi được dữ liệu: chưa có gì được lưu, vui lòng thử lại sau. / \
                 The server cannot write its data: nothing was saved, please try again later."
            }
        }
    }
}

/// The storage fault behind `error`, if it is one. SQLite reports its (extended) result code,
/// PostgreSQL its SQLSTATE.
pub fn storage_fault(error: &sqlx::Error) -> Option<StorageFault> {
    let db = error.as_database_error()?;
    let code = db.code()?;
    if db.try_downcast_ref::<sqlx::sqlite::SqliteError>().is_some() {
        // The primary code is the low byte of the extended one.
        return match code.parse::<i32>().ok()? & 0xff {
            13 => Some(StorageFault::Full),
            10 => Some(StorageFault::Io),
            11 | 26 => Some(StorageFault::Corrupt),
            8 => Some(StorageFault::ReadOnly),
            _ => None,
        };
    }
    match &*code {
        "53100" => Some(StorageFault::Full),
        "58030" => Some(StorageFault::Io),
        "XX001" | "XX002" => Some(StorageFault::Corrupt),
        _ => None,
    }
}

/// Whether `error` says the database could not be reached at all (as opposed to a query that
/// failed): no connection within the pool's wait, a refused or broken socket, a server
/// shutting down.
pub fn unreachable(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::PoolTimedOut | sqlx::Error::Io(_) | sqlx::Error::Tls(_) => true,
        sqlx::Error::Database(db) => db.code().is_some_and(|c| {
            db.try_downcast_ref::<sqlx::postgres::PgDatabaseError>()
                .is_some()
                && (c.starts_with("08") || matches!(&*c, "57P01" | "57P02" | "57P03"))
        }),
        _ => false,
    }
}

/// While the database is known to be unreachable pages do not wait for it; one probe at a time,
/// at most this often and for at most this long, finds out when it is back.
const PROBE_EVERY: Duration = Duration::from_secs(1);

/// The shared record behind every clone of a [`Db`].
#[derive(Debug, Default)]
pub struct DbHealth {
    fault: Mutex<Option<(StorageFault, Instant)>>,
    unreachable_since: Mutex<Option<Instant>>,
    last_probe: Mutex<Option<Instant>>,
    probing: AtomicBool,
}

impl DbHealth {
    /// When the last storage fault was met (the pool drops connections older than that).
    pub(crate) fn fault_at(&self) -> Option<Instant> {
        lock(&self.fault).map(|(_, at)| at)
    }
}

fn lock<T: Copy>(m: &Mutex<T>) -> T {
    *m.lock().unwrap_or_else(|p| p.into_inner())
}

fn set<T>(m: &Mutex<T>, value: T) {
    *m.lock().unwrap_or_else(|p| p.into_inner()) = value;
}

impl Db {
    /// Records what `error` says about the database; returns the storage fault it is, if any.
    pub fn note_error(&self, error: &sqlx::Error) -> Option<StorageFault> {
        let health = self.health();
        if let Some(fault) = storage_fault(error) {
            tracing::error!(%error, "database storage fault: {}", fault.describe());
            set(&health.fault, Some((fault, Instant::now())));
            return Some(fault);
        }
        if self.engine() == Engine::Postgres && unreachable(error) {
            if matches!(error, sqlx::Error::PoolTimedOut) {
                // A pool that is merely busy times out too: one direct connection tells.
                self.check_reachable_later();
            } else {
                self.note_unreachable();
            }
        }
        None
    }

    fn note_unreachable(&self) {
        let health = self.health();
        let mut since = health
            .unreachable_since
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        if since.is_none() {
            tracing::error!("the database does not answer: pages fail at once until it does");
            *since = Some(Instant::now());
        }
        drop(since);
        set(&health.last_probe, Some(Instant::now()));
    }

    /// Opens one connection outside the pool (which would retry a refused one until its
    /// timeout): whether the database server answers right now.
    pub async fn connects_now(&self) -> bool {
        let options = self.pool().connect_options();
        match tokio::time::timeout(PROBE_EVERY, options.connect()).await {
            Ok(Ok(conn)) => {
                let _ = conn.close().await;
                true
            }
            _ => false,
        }
    }

    /// In the background, at most one at a time: marks the database unreachable, or reachable
    /// again, as one direct connection finds it.
    pub fn check_reachable_later(&self) {
        let health = self.health();
        if health.probing.swap(true, Ordering::AcqRel) {
            return;
        }
        set(&health.last_probe, Some(Instant::now()));
        let db = self.clone();
        tokio::spawn(async move {
            if db.connects_now().await {
                db.note_reachable();
            } else {
                db.note_unreachable();
            }
            db.health().probing.store(false, Ordering::Release);
        });
    }

    /// Records a storage fault a handler met (see [`storage_fault`]).
    pub fn note_fault(&self, fault: StorageFault) {
        set(&self.health().fault, Some((fault, Instant::now())));
    }

    /// The storage fault met last, until a write succeeds again.
    pub fn storage_fault(&self) -> Option<StorageFault> {
        lock(&self.health().fault).map(|(f, _)| f)
    }

    /// Tries a one-row write; clears the recorded fault when it is stored.
    pub async fn probe_write(&self) -> Result<(), sqlx::Error> {
        let now = chrono::Utc::now().to_rfc3339();
        let written = sqlx::query(PROBE_WRITE)
            .bind(now)
            .execute(self.pool())
            .await;
        match written {
            Ok(_) => {
                if self.storage_fault().is_some() {
                    tracing::info!("the database stores writes again");
                }
                set(&self.health().fault, None);
                Ok(())
            }
            Err(e) => {
                self.note_error(&e);
                Err(e)
            }
        }
    }

    /// Marks the database reachable again (a query succeeded).
    pub fn note_reachable(&self) {
        let health = self.health();
        let was = health
            .unreachable_since
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take();
        if let Some(since) = was {
            tracing::info!(
                after_secs = since.elapsed().as_secs_f64(),
                "the database answers again"
            );
        }
    }

    /// Whether the database is known not to answer right now, so a reader should be told at
    /// once rather than wait for the pool. While it is, one probe a second (in the background)
    /// finds out when it is back.
    pub fn known_unreachable(&self) -> bool {
        let health = self.health();
        let due = || lock(&health.last_probe).is_none_or(|at| at.elapsed() >= PROBE_EVERY);
        if lock(&health.unreachable_since).is_none() {
            // No idle connection: all busy, or all dropped because the server went away. A
            // direct connection tells which before more readers queue behind the pool.
            if self.engine() == Engine::Postgres && self.pool().num_idle() == 0 && due() {
                self.check_reachable_later();
            }
            return false;
        }
        if due() {
            self.check_reachable_later();
        }
        true
    }
}

// The module's SQL, each statement prepared on both engines by the `sql` integration test.
crate::db::statements! {
    /// `probe_write`.
    PROBE_WRITE = "UPDATE storage_probe SET written_at = $1 WHERE id = 1";
}

#[cfg(test)]
mod tests {
    use sqlx::Executor;

    use super::*;

    #[tokio::test]
    async fn sqlite_full_and_read_only_errors_are_storage_faults() {
        let mut conn = sqlx::sqlite::SqliteConnection::connect("sqlite::memory:")
            .await
            .unwrap();
        // A database capped at a few pages fills up as a full disk does: SQLITE_FULL.
        conn.execute("PRAGMA max_page_count = 3; CREATE TABLE t (x BLOB)")
            .await
            .unwrap();
        let full = conn
            .execute("INSERT INTO t VALUES (zeroblob(100000))")
            .await
            .unwrap_err();
        assert_eq!(storage_fault(&full), Some(StorageFault::Full), "{full}");
        conn.execute("PRAGMA query_only = ON").await.unwrap();
        let read_only = conn.execute("DELETE FROM t").await.unwrap_err();
        assert_eq!(
            storage_fault(&read_only),
            Some(StorageFault::ReadOnly),
            "{read_only}"
        );
        let not_storage = conn.execute("SELECT * FROM missing").await.unwrap_err();
        assert_eq!(storage_fault(&not_storage), None, "{not_storage}");
    }

    /// How a full disk lost acknowledged writes: a transaction whose ROLLBACK failed (SQLite had
    /// rolled back by itself) leaves the driver counting one open. The connection's next
    /// transactions are savepoints inside a real transaction that never ends: "committed",
    /// never stored, holding the write lock. Such a connection must not be reused.
    #[tokio::test]
    async fn a_connection_with_a_stale_transaction_count_is_not_reused() {
        let dir = std::env::temp_dir().join(format!(
            "ocop-release-{}-{}",
            std::process::id(),
            uuid::Uuid::now_v7().simple()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("t.db");
        let db = Db::connect(&format!("sqlite://{}", file.display()))
            .await
            .unwrap();
        sqlx::query("CREATE TABLE t (x INTEGER)")
            .execute(db.pool())
            .await
            .unwrap();
        settled(&db).await;
        // SQLite ends the transaction under the driver (as on SQLITE_FULL); its own ROLLBACK
        // then fails and the count stays at one.
        let mut tx = db.begin_write().await.unwrap();
        sqlx::raw_sql("ROLLBACK").execute(&mut *tx).await.unwrap();
        drop(tx);
        settled(&db).await;
        // A transaction that fails (rolled back), then one that commits.
        let mut tx = db.begin_write().await.unwrap();
        sqlx::query("INSERT INTO t VALUES (1)")
            .execute(&mut *tx)
            .await
            .unwrap();
        drop(tx);
        settled(&db).await;
        let mut tx = db.begin_write().await.unwrap();
        sqlx::query("INSERT INTO t VALUES (2)")
            .execute(&mut *tx)
            .await
            .unwrap();
        tx.commit().await.unwrap();

        // Another process sees the committed row and can write.
        let mut other = sqlx::sqlite::SqliteConnectOptions::new()
            .filename(&file)
            .busy_timeout(Duration::from_secs(2))
            .connect()
            .await
            .unwrap();
        let rows: Vec<(i64,)> = sqlx::query_as("SELECT x FROM t")
            .fetch_all(&mut other)
            .await
            .unwrap();
        assert_eq!(rows, vec![(2,)]);
        sqlx::raw_sql("BEGIN IMMEDIATE; INSERT INTO t VALUES (3); COMMIT")
            .execute(&mut other)
            .await
            .unwrap();
        db.close().await;
        let _ = std::fs::remove_dir_all(dir);
    }

    /// Waits until every connection is back in the pool (they go back in the background), so
    /// that the next transaction reuses the one connection rather than opening another.
    async fn settled(db: &Db) {
        for _ in 0..500 {
            if db.pool().num_idle() == db.pool().size() as usize {
                return;
            }
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        panic!("connections not given back");
    }

    #[test]
    fn timeouts_and_sockets_mean_unreachable() {
        assert!(unreachable(&sqlx::Error::PoolTimedOut));
        assert!(unreachable(&sqlx::Error::Io(std::io::Error::from(
            std::io::ErrorKind::ConnectionRefused
        ))));
        assert!(!unreachable(&sqlx::Error::RowNotFound));
        assert_eq!(storage_fault(&sqlx::Error::RowNotFound), None);
    }
}
