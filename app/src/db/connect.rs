use std::{
    path::{Path, PathBuf},
    str::FromStr,
    sync::Arc,
    time::Duration,
};

use sqlx::{
    AnyConnection, AnyPool, ConnectOptions, Connection, Executor,
    any::{AnyConnectOptions, AnyPoolOptions, install_default_drivers},
    migrate::MigrateError,
};

use super::storage::DbHealth;

/// A PostgreSQL connection idle this long is pinged before it is handed out.
pub const PING_WHEN_IDLE: Duration = Duration::from_secs(1);

/// The embedded migrations, run at start-up: the repository's `migrations/` folder holds those
/// run on both engines (its subfolders are not read by it).
static SHARED: sqlx::migrate::Migrator = sqlx::migrate!("../migrations");
/// A change one engine cannot write like the other (SQLite cannot alter a CHECK: it rebuilds
/// the table) lives in `migrations/sqlite/` and `migrations/postgres/`, under the same version.
static SQLITE_ONLY: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/sqlite");
static POSTGRES_ONLY: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/postgres");

/// Every migration for `engine`, shared and engine-specific merged in version order: one
/// migrator, so each runs in its place among the others (a rebuild copies the columns the
/// shared migrations before it added) on a new database as on an old one, and the applied
/// ones are all known to it (no `ignore_missing`, which would also hide a migration lost from
/// the repository).
pub fn migrator(engine: Engine) -> sqlx::migrate::Migrator {
    let own = match engine {
        Engine::Sqlite => &SQLITE_ONLY,
        Engine::Postgres => &POSTGRES_ONLY,
    };
    let mut all: Vec<sqlx::migrate::Migration> = SHARED.iter().chain(own.iter()).cloned().collect();
    all.sort_by_key(|m| m.version);
    sqlx::migrate::Migrator {
        migrations: std::borrow::Cow::Owned(all),
        ..sqlx::migrate::Migrator::DEFAULT
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

impl Engine {
    /// The engine a database URL names (`sqlite:…`, `postgres://…`, `postgresql://…`).
    pub fn of_url(url: &str) -> Option<Engine> {
        if url.starts_with("sqlite:") {
            Some(Engine::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Some(Engine::Postgres)
        } else {
            None
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Engine::Sqlite => "sqlite",
            Engine::Postgres => "postgres",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("DATABASE_URL `{0}` is not supported: use sqlite://PATH or postgres://USER@HOST/DB")]
    UnsupportedUrl(String),
    #[error("cannot create the folder for the SQLite file {path}: {source}")]
    CreateDir {
        path: String,
        source: std::io::Error,
    },
    #[error("cannot open the database at {url}: {source}")]
    Connect { url: String, source: sqlx::Error },
    #[error("migrating the database failed: {0}")]
    Migrate(#[from] MigrateError),
    #[error("database error: {0}")]
    Query(#[from] sqlx::Error),
}

/// A pool of connections to the marketplace database.
#[derive(Clone, Debug)]
pub struct Db {
    pool: AnyPool,
    engine: Engine,
    health: Arc<DbHealth>,
    /// The folder of a SQLite file, whose disk `/healthz` watches.
    sqlite_folder: Option<PathBuf>,
}

/// How many connections a pool opens at most unless configured (`OCOP_DB_CONNECTIONS`).
///
/// - SQLite has one writer at a time; more connections only help readers.
/// - PostgreSQL: twice this machine's cores plus two (the PostgreSQL wiki's rule of thumb, for
///   a database on the same machine), at most the 16 it used to be, per server. Each connection
///   is a server process, and more of them busy at once than cores only take turns: on 2 cores
///   the product page's p95 at 32 connections was 33–43 ms with 16 and 24–37 ms with 6 or 8
///   (`scripts/bench`, README "Performance").
pub fn default_connections(engine: Engine) -> u32 {
    match engine {
        Engine::Sqlite => 4,
        Engine::Postgres => {
            let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
            u32::try_from(2 * cores + 2).map_or(16, |n| n.min(16))
        }
    }
}

impl Db {
    /// Opens the database named by `url` (`sqlite://…` or `postgres://…`). A SQLite file and its
    /// folder are created when missing. Fails fast, with the URL (password hidden) in the message.
    pub async fn connect(url: &str) -> Result<Self, DbError> {
        Db::connect_with(url, None).await
    }

    /// As [`Db::connect`], with at most `connections` open at once (default:
    /// [`default_connections`]).
    pub async fn connect_with(url: &str, connections: Option<u32>) -> Result<Self, DbError> {
        let engine = Engine::of_url(url).ok_or_else(|| DbError::UnsupportedUrl(redact_url(url)))?;
        install_default_drivers();
        let connect_error = |source| DbError::Connect {
            url: redact_url(url),
            source,
        };
        let shown = redact_url(url);

        let url = match engine {
            Engine::Sqlite => sqlite_url_creating_file(url)?,
            Engine::Postgres => url.to_owned(),
        };
        let options = AnyConnectOptions::from_str(&url).map_err(connect_error)?;
        if engine == Engine::Sqlite {
            // The pool retries a connection whose set-up fails until its timeout and then says
            // only "pool timed out"; one connection opened here says the real cause at once.
            let mut first = options.connect().await.map_err(|source| DbError::Connect {
                url: format!("{shown}{}", folder_hint(&url)),
                source,
            })?;
            let set_up = sqlite_setup(&mut first).await;
            let _ = first.close().await;
            set_up.map_err(|source| DbError::Connect {
                url: format!("{shown}{}", folder_hint(&url)),
                source,
            })?;
        }
        let health = Arc::new(DbHealth::default());
        let released = health.clone();
        let pool = AnyPoolOptions::new()
            .max_connections(connections.unwrap_or_else(|| default_connections(engine)))
            .acquire_timeout(Duration::from_secs(10))
            // sqlx pings a connection as it returns to the pool (in the background); pinging it
            // again before every use put one more wait on every page. A connection idle over a
            // second (a database restart, a firewall's idle cut) is pinged again and replaced if
            // dead. The cost: a restart within a second of a connection's last use fails one
            // request on it (a 503, nothing committed). A SQLite connection is a local file
            // handle that cannot go stale.
            .test_before_acquire(false)
            .before_acquire(move |conn, meta| {
                Box::pin(async move {
                    if engine == Engine::Postgres && meta.idle_for >= PING_WHEN_IDLE {
                        conn.ping().await?;
                    }
                    Ok(true)
                })
            })
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    if engine == Engine::Sqlite {
                        sqlite_setup(conn).await?;
                    }
                    Ok(())
                })
            })
            .after_release(move |conn, meta| {
                let health = released.clone();
                Box::pin(async move {
                    if engine != Engine::Sqlite {
                        return Ok(true);
                    }
                    sqlite_connection_is_clean(conn, meta.age, &health).await
                })
            })
            .connect_with(options)
            .await
            .map_err(connect_error)?;
        Ok(Db {
            pool,
            engine,
            health,
            sqlite_folder: (engine == Engine::Sqlite)
                .then(|| sqlite_folder(&url))
                .flatten(),
        })
    }

    /// The folder holding the SQLite file (none for PostgreSQL or an in-memory database).
    pub fn sqlite_folder(&self) -> Option<&Path> {
        self.sqlite_folder.as_deref()
    }

    /// What this server has learnt about the database's health (see `db::storage`).
    pub(crate) fn health(&self) -> &DbHealth {
        &self.health
    }

    /// Brings the schema and the reference data (the national list of administrative units)
    /// up to date. Safe to run on every start and from several servers.
    pub async fn migrate(&self) -> Result<(), DbError> {
        migrator(self.engine).run(&self.pool).await?;
        crate::address::storage::load_units(self, chrono::Utc::now()).await?;
        crate::address::storage::link_marketplace_units(self).await?;
        Ok(())
    }

    /// Answers whether the database responds to a trivial query.
    pub async fn ping(&self) -> Result<(), sqlx::Error> {
        sqlx::query("SELECT 1")
            .execute(&self.pool)
            .await
            .map(|_| ())
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Starts a transaction that will write. On SQLite it takes the write lock at once
    /// (`BEGIN IMMEDIATE`), waiting up to the busy timeout for it: a deferred transaction that
    /// reads first and then writes cannot wait, and fails at once with "database is locked"
    /// when another connection wrote in between. Every write transaction starts here (clippy
    /// refuses `Pool::begin`, see clippy.toml).
    pub async fn begin_write(&self) -> Result<sqlx::Transaction<'static, sqlx::Any>, sqlx::Error> {
        match self.engine {
            Engine::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await,
            #[allow(clippy::disallowed_methods)]
            Engine::Postgres => self.pool.begin().await,
        }
    }

    pub fn engine(&self) -> Engine {
        self.engine
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// Every SQLite connection's settings. WAL lets readers proceed during a write; NORMAL is durable
/// in WAL mode except for the last transactions on power loss. Reads go through a memory map and
/// a 16 MB page cache per connection instead of a read() system call per page.
async fn sqlite_setup(conn: &mut AnyConnection) -> Result<(), sqlx::Error> {
    conn.execute(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;
         PRAGMA foreign_keys = ON; PRAGMA mmap_size = 268435456;
         PRAGMA cache_size = -16000; PRAGMA temp_store = MEMORY;",
    )
    .await?;
    Ok(())
}

/// Whether a SQLite connection given back to the pool may serve again. It must be outside any
/// transaction. After a failed COMMIT or ROLLBACK (disk full, I/O error) the driver still counts
/// a transaction open, whether or not SQLite rolled back by itself; its next `begin()` then only
/// opens a savepoint, whose "commit" may store nothing while the real transaction left open holds
/// the write lock for good. Such a connection is closed (closing rolls back). So are connections
/// that lived through a storage fault.
async fn sqlite_connection_is_clean(
    conn: &mut AnyConnection,
    age: Duration,
    health: &DbHealth,
) -> Result<bool, sqlx::Error> {
    // Born after the last fault (younger than the time since): kept.
    let survived_no_fault = health.fault_at().is_none_or(|at| age < at.elapsed());
    // The common case costs nothing: the driver counts no transaction (only SQL saying BEGIN
    // itself could open one behind its back; this code never does).
    if !conn.is_in_transaction() {
        return Ok(survived_no_fault);
    }
    // A dropped transaction's rollback may still be queued: this ROLLBACK runs after it, and
    // fails ("no transaction is active") when that one worked. Succeeding means a transaction
    // was still open; a count still above zero means the driver's count is stale.
    let was_open = conn.execute("ROLLBACK").await.is_ok();
    if was_open || conn.is_in_transaction() {
        tracing::warn!(
            was_open,
            "a database connection came back inside a transaction: closed"
        );
        return Ok(false);
    }
    Ok(survived_no_fault)
}

/// When a SQLite file cannot be opened or set up, whether its folder can be written (the usual
/// cause: a read-only or missing data folder), as a hint for the message.
fn folder_hint(url: &str) -> String {
    let rest = url.trim_start_matches("sqlite:").trim_start_matches("//");
    let path = rest.split_once('?').map_or(rest, |(p, _)| p);
    let Some(dir) = Path::new(path)
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
    else {
        return String::new();
    };
    let probe = dir.join(format!(".ocop-write-check-{}", std::process::id()));
    match std::fs::File::create(&probe) {
        Ok(_) => {
            let _ = std::fs::remove_file(&probe);
            String::new()
        }
        Err(e) => format!(" (the folder {} cannot be written: {e})", dir.display()),
    }
}

/// Makes sure the SQLite file's folder exists and asks SQLite to create the file (`mode=rwc`).
fn sqlite_url_creating_file(url: &str) -> Result<String, DbError> {
    let Some((path, query)) = sqlite_file(url) else {
        return Ok(url.to_owned());
    };
    if let Some(dir) = Path::new(path)
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
    {
        std::fs::create_dir_all(dir).map_err(|source| DbError::CreateDir {
            path: path.to_owned(),
            source,
        })?;
    }
    let query = if query.contains("mode=") {
        query.to_owned()
    } else if query.is_empty() {
        "mode=rwc".to_owned()
    } else {
        format!("{query}&mode=rwc")
    };
    Ok(format!("sqlite://{path}?{query}"))
}

/// The file a SQLite URL names and its query; `None` for an in-memory database.
fn sqlite_file(url: &str) -> Option<(&str, &str)> {
    let rest = url.trim_start_matches("sqlite:").trim_start_matches("//");
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    (!path.is_empty() && path != ":memory:").then_some((path, query))
}

/// The file a `sqlite:` URL names; `None` for an in-memory database.
pub fn sqlite_file_path(url: &str) -> Option<PathBuf> {
    sqlite_file(url).map(|(path, _)| PathBuf::from(path))
}

/// The folder of the file a SQLite URL names; `None` for an in-memory database.
fn sqlite_folder(url: &str) -> Option<PathBuf> {
    let (path, _) = sqlite_file(url)?;
    match Path::new(path).parent() {
        Some(dir) if !dir.as_os_str().is_empty() => Some(dir.to_path_buf()),
        _ => Some(PathBuf::from(".")),
    }
}

/// The URL with any password replaced by `***`, fit for logs and error messages.
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let Some((userinfo, host)) = rest.split_once('@') else {
        return url.to_owned();
    };
    match userinfo.split_once(':') {
        Some((user, _password)) => format!("{scheme}://{user}:***@{host}"),
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_never_reach_messages() {
        assert_eq!(
            redact_url("postgres://ocop:s3cret@db:5432/ocop"),
            "postgres://ocop:***@db:5432/ocop"
        );
        assert_eq!(
            redact_url("postgres://ocop@db/ocop"),
            "postgres://ocop@db/ocop"
        );
        assert_eq!(redact_url("sqlite://data/ocop.db"), "sqlite://data/ocop.db");
    }

    #[test]
    fn sqlite_urls_ask_for_the_file_to_be_created() {
        let dir = std::env::temp_dir().join(format!("ocop-url-{}", std::process::id()));
        let url = format!("sqlite://{}/x/ocop.db", dir.display());
        assert_eq!(
            sqlite_url_creating_file(&url).unwrap(),
            format!("{url}?mode=rwc")
        );
        assert!(dir.join("x").is_dir());
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn the_watched_folder_is_the_sqlite_files() {
        let folder = |url| sqlite_folder(url).map(|p| p.display().to_string());
        assert_eq!(
            folder("sqlite://data/ocop.db?mode=rwc").as_deref(),
            Some("data")
        );
        assert_eq!(
            folder("sqlite:///var/lib/ocop.db").as_deref(),
            Some("/var/lib")
        );
        assert_eq!(folder("sqlite://ocop.db").as_deref(), Some("."));
        assert_eq!(folder("sqlite::memory:"), None);
        assert_eq!(folder("sqlite://:memory:"), None);
    }

    #[test]
    fn engine_specific_migrations_pair_up_and_never_reuse_a_shared_version() {
        let versions =
            |m: &sqlx::migrate::Migrator| m.iter().map(|m| m.version).collect::<Vec<_>>();
        // Each engine's folder holds the same versions: a change made on one engine only is
        // a schema the other does not have.
        assert_eq!(versions(&SQLITE_ONLY), versions(&POSTGRES_ONLY));
        assert!(!versions(&SQLITE_ONLY).is_empty());
        for engine in [Engine::Sqlite, Engine::Postgres] {
            let all = versions(&migrator(engine));
            let mut unique = all.clone();
            unique.dedup();
            assert_eq!(all, unique, "a version used twice on {}", engine.name());
            assert!(all.is_sorted());
            assert_eq!(
                all.len(),
                SHARED.iter().count() + SQLITE_ONLY.iter().count()
            );
        }
    }
}
