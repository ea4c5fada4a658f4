use std::{path::Path, str::FromStr, time::Duration};

use sqlx::{
    AnyPool, Executor,
    any::{AnyConnectOptions, AnyPoolOptions, install_default_drivers},
    migrate::MigrateError,
};

/// The embedded migrations (the repository's `migrations/` folder), run at start-up.
static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../migrations");

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

impl Engine {
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
}

impl Db {
    /// Opens the database named by `url` (`sqlite://…` or `postgres://…`). A SQLite file and its
    /// folder are created when missing. Fails fast, with the URL (password hidden) in the message.
    pub async fn connect(url: &str) -> Result<Self, DbError> {
        let engine = if url.starts_with("sqlite:") {
            Engine::Sqlite
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Engine::Postgres
        } else {
            return Err(DbError::UnsupportedUrl(redact_url(url)));
        };
        install_default_drivers();
        let connect_error = |source| DbError::Connect {
            url: redact_url(url),
            source,
        };

        let url = match engine {
            Engine::Sqlite => sqlite_url_creating_file(url)?,
            Engine::Postgres => url.to_owned(),
        };
        let options = AnyConnectOptions::from_str(&url).map_err(connect_error)?;
        let pool = AnyPoolOptions::new()
            .max_connections(match engine {
                // SQLite has one writer at a time; more connections only help readers.
                Engine::Sqlite => 4,
                Engine::Postgres => 16,
            })
            .acquire_timeout(Duration::from_secs(10))
            // A SQLite connection is a local file handle that cannot go stale; pinging it before
            // every query would double the thread hand-offs per query.
            .test_before_acquire(engine == Engine::Postgres)
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    if engine == Engine::Sqlite {
                        // WAL lets readers proceed during a write; NORMAL is durable in WAL mode
                        // except for the last transactions on power loss. Reads go through a
                        // memory map and a 16 MB page cache per connection instead of a
                        // read() system call per page.
                        conn.execute(
                            "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;
                             PRAGMA foreign_keys = ON; PRAGMA mmap_size = 268435456;
                             PRAGMA cache_size = -16000; PRAGMA temp_store = MEMORY;",
                        )
                        .await?;
                    }
                    Ok(())
                })
            })
            .connect_with(options)
            .await
            .map_err(connect_error)?;
        Ok(Db { pool, engine })
    }

    /// Brings the schema up to date. Safe to run on every start and from several servers.
    pub async fn migrate(&self) -> Result<(), DbError> {
        MIGRATOR.run(&self.pool).await?;
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

/// Makes sure the SQLite file's folder exists and asks SQLite to create the file (`mode=rwc`).
fn sqlite_url_creating_file(url: &str) -> Result<String, DbError> {
    let rest = url.trim_start_matches("sqlite:").trim_start_matches("//");
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    if path.is_empty() || path == ":memory:" {
        return Ok(url.to_owned());
    }
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
}
