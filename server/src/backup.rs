//! `ocop backup DIR` and `ocop restore DIR`: the database and the photos, as one copy an
//! operator can keep off the machine and bring back.
//!
//! - **SQLite**: `VACUUM INTO` writes a consistent copy of the live database (readers and the
//!   writer carry on meanwhile) to `DIR/ocop.db`.
//! - **PostgreSQL**: `pg_dump --format=custom` to `DIR/ocop.pgdump` (PostgreSQL's own
//!   consistent snapshot); restored with `pg_restore --clean --if-exists --no-owner` in one
//!   transaction. `pg_dump` and `pg_restore` must be on `PATH`, of the server's major version
//!   or newer; the password travels in `PGPASSWORD`, never on the command line.
//! - **Photos**: the media folder is copied after the database, so every photo the copied
//!   database names is in it (a photo's files are written before the row that names them is
//!   committed).
//!
//! A restore keeps what it replaces (`…replaced-<time>` beside it: nothing is lost to a restore
//! run by mistake) and rebuilds the search index from the restored database. It refuses while a
//! server holds the embedded search index (stop the servers first).

use std::{
    path::{Path, PathBuf},
    process::Stdio,
};

use anyhow::{Context, anyhow, ensure};
use app::db::{Db, Engine};
use serde::{Deserialize, Serialize};

/// What `backup.json` says of a backup.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Manifest {
    /// Of this layout; a restore refuses another.
    pub format: u32,
    pub engine: String,
    pub created_at: String,
    pub app_version: String,
    /// The database's file in the backup folder.
    pub database: String,
    pub media_files: u64,
    pub media_bytes: u64,
}

const FORMAT: u32 = 1;
const MANIFEST: &str = "backup.json";
const SQLITE_FILE: &str = "ocop.db";
const PG_FILE: &str = "ocop.pgdump";
const MEDIA: &str = "media";

fn engine_of(database_url: &str) -> anyhow::Result<Engine> {
    Engine::of_url(database_url).ok_or_else(|| {
        anyhow!(
            "unsupported database URL {}",
            app::db::redact_url(database_url)
        )
    })
}

/// Writes a backup of the database at `database_url` and the photos under `media_dir` into
/// `dir`, which must not exist or be empty.
pub async fn backup(database_url: &str, media_dir: &Path, dir: &Path) -> anyhow::Result<Manifest> {
    let engine = engine_of(database_url)?;
    if dir.exists() {
        let mut entries =
            std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))?;
        ensure!(
            entries.next().is_none(),
            "{} is not empty: a backup goes into a new folder",
            dir.display()
        );
    }
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let database = match engine {
        Engine::Sqlite => {
            let db = Db::connect(database_url)
                .await
                .context("opening the database")?;
            let target = dir.join(SQLITE_FILE);
            let target = target
                .to_str()
                .ok_or_else(|| anyhow!("the backup folder's path is not UTF-8"))?;
            sqlx::query("VACUUM INTO $1")
                .bind(target)
                .execute(db.pool())
                .await
                .context("copying the SQLite database (VACUUM INTO)")?;
            db.close().await;
            SQLITE_FILE
        }
        Engine::Postgres => {
            let file = dir.join(PG_FILE);
            pg_tool(
                "pg_dump",
                database_url,
                &[
                    "--format=custom".as_ref(),
                    "--no-owner".as_ref(),
                    "--file".as_ref(),
                    file.as_os_str(),
                ],
            )
            .await?;
            PG_FILE
        }
    };
    // After the database: every photo it names is already on disk.
    let (media_files, media_bytes) = if media_dir.exists() {
        let (from, to) = (media_dir.to_owned(), dir.join(MEDIA));
        tokio::task::spawn_blocking(move || copy_tree(&from, &to))
            .await
            .context("copying the photos")??
    } else {
        (0, 0)
    };
    let manifest = Manifest {
        format: FORMAT,
        engine: engine.name().to_owned(),
        created_at: chrono::Utc::now().to_rfc3339(),
        app_version: env!("CARGO_PKG_VERSION").to_owned(),
        database: database.to_owned(),
        media_files,
        media_bytes,
    };
    // Written last: a folder with a manifest holds a whole backup.
    std::fs::write(
        dir.join(MANIFEST),
        serde_json::to_vec_pretty(&manifest).context("writing the manifest")?,
    )
    .context("writing backup.json")?;
    Ok(manifest)
}

/// Reads and checks a backup folder's manifest.
pub fn manifest(dir: &Path) -> anyhow::Result<Manifest> {
    let path = dir.join(MANIFEST);
    let text = std::fs::read(&path).with_context(|| {
        format!(
            "{} has no {MANIFEST}: not a backup, or one that did not finish",
            dir.display()
        )
    })?;
    let manifest: Manifest =
        serde_json::from_slice(&text).with_context(|| format!("reading {}", path.display()))?;
    ensure!(
        manifest.format == FORMAT,
        "the backup's format is {}; this version restores format {FORMAT}",
        manifest.format
    );
    Ok(manifest)
}

/// Replaces the database at `database_url` and the photos under `media_dir` with the backup in
/// `dir`; what was there is kept beside them. Then migrates the database (a backup from an
/// older version takes the newer schema) and rebuilds the search index.
pub async fn restore(
    database_url: &str,
    media_dir: &Path,
    search: &crate::search::SearchSettings,
    dir: &Path,
) -> anyhow::Result<Manifest> {
    let manifest = manifest(dir)?;
    let engine = engine_of(database_url)?;
    ensure!(
        manifest.engine == engine.name(),
        "the backup is of a {} database and DATABASE_URL names a {} one",
        manifest.engine,
        engine.name()
    );
    // The embedded index's owner lock says a server is running on this data folder.
    let embedded = match search {
        crate::search::SearchSettings::Embedded { dir } => Some(
            crate::search::embedded::Embedded::try_open(dir)
                .context("opening the search index")?
                .ok_or_else(|| {
                    anyhow!("a server is running on this data folder: stop it before restoring")
                })?,
        ),
        _ => None,
    };
    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%SZ").to_string();
    match engine {
        Engine::Sqlite => restore_sqlite(database_url, &dir.join(&manifest.database), &stamp)?,
        Engine::Postgres => {
            let file = dir.join(&manifest.database);
            ensure!(file.is_file(), "{} is missing", file.display());
            pg_tool(
                "pg_restore",
                database_url,
                &[
                    "--clean".as_ref(),
                    "--if-exists".as_ref(),
                    "--no-owner".as_ref(),
                    "--single-transaction".as_ref(),
                    file.as_os_str(),
                ],
            )
            .await?;
        }
    }
    let backed_up = dir.join(MEDIA);
    if backed_up.exists() {
        let (from, to, stamp) = (backed_up, media_dir.to_owned(), stamp.clone());
        tokio::task::spawn_blocking(move || replace_tree(&from, &to, &stamp))
            .await
            .context("restoring the photos")??;
    }
    let db = crate::cli::open(database_url).await?;
    match embedded {
        Some(engine) => {
            crate::search::indexer::rebuild(&db, &engine).await?;
        }
        None => {
            let engine = crate::search::open(search).context("opening the search index")?;
            crate::search::indexer::rebuild(&db, engine.as_ref()).await?;
        }
    }
    db.close().await;
    Ok(manifest)
}

/// The SQLite file a URL names.
fn sqlite_path(database_url: &str) -> anyhow::Result<PathBuf> {
    app::db::sqlite_file_path(database_url)
        .ok_or_else(|| anyhow!("an in-memory database has nothing to restore into"))
}

fn restore_sqlite(database_url: &str, copy: &Path, stamp: &str) -> anyhow::Result<()> {
    ensure!(copy.is_file(), "{} is missing", copy.display());
    let target = sqlite_path(database_url)?;
    if let Some(parent) = target.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("creating {}", parent.display()))?;
    }
    // Copied beside the target first, then renamed over it: the database file is never half
    // written.
    let incoming = with_suffix(&target, ".restoring");
    std::fs::copy(copy, &incoming).with_context(|| format!("copying to {}", incoming.display()))?;
    if target.exists() {
        let kept = with_suffix(&target, &format!(".replaced-{stamp}"));
        std::fs::rename(&target, &kept)
            .with_context(|| format!("keeping the replaced database as {}", kept.display()))?;
    }
    // The replaced database's log must not be applied to the restored one.
    for log in ["-wal", "-shm"] {
        let file = with_suffix(&target, log);
        if file.exists() {
            std::fs::rename(
                &file,
                with_suffix(&target, &format!("{log}.replaced-{stamp}")),
            )
            .with_context(|| format!("moving {} aside", file.display()))?;
        }
    }
    std::fs::rename(&incoming, &target)
        .with_context(|| format!("putting the restored database at {}", target.display()))?;
    Ok(())
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// Copies the folder `from` to `to` (which must not exist); returns (files, bytes).
fn copy_tree(from: &Path, to: &Path) -> anyhow::Result<(u64, u64)> {
    std::fs::create_dir_all(to).with_context(|| format!("creating {}", to.display()))?;
    let (mut files, mut bytes) = (0, 0);
    for entry in std::fs::read_dir(from).with_context(|| format!("reading {}", from.display()))? {
        let entry = entry?;
        let kind = entry.file_type()?;
        let target = to.join(entry.file_name());
        if kind.is_dir() {
            let (f, b) = copy_tree(&entry.path(), &target)?;
            files += f;
            bytes += b;
        } else if kind.is_file() {
            bytes += std::fs::copy(entry.path(), &target)
                .with_context(|| format!("copying {}", entry.path().display()))?;
            files += 1;
        }
        // Links and the rest are not the site's: left out.
    }
    Ok((files, bytes))
}

/// Puts a copy of `from` at `to`, keeping what was at `to` beside it.
fn replace_tree(from: &Path, to: &Path, stamp: &str) -> anyhow::Result<()> {
    let incoming = with_suffix(to, ".restoring");
    if incoming.exists() {
        std::fs::remove_dir_all(&incoming)
            .with_context(|| format!("clearing {}", incoming.display()))?;
    }
    copy_tree(from, &incoming)?;
    if to.exists() {
        let kept = with_suffix(to, &format!(".replaced-{stamp}"));
        std::fs::rename(to, &kept)
            .with_context(|| format!("keeping the replaced photos as {}", kept.display()))?;
    }
    std::fs::rename(&incoming, to)
        .with_context(|| format!("putting the photos at {}", to.display()))?;
    Ok(())
}

/// Runs `pg_dump` or `pg_restore` against `database_url` with `args`; the password goes in
/// `PGPASSWORD` and the URL without it in `--dbname`.
async fn pg_tool(
    program: &str,
    database_url: &str,
    args: &[&std::ffi::OsStr],
) -> anyhow::Result<()> {
    let (url, password) = split_password(database_url);
    let mut command = std::process::Command::new(program);
    command
        .arg("--dbname")
        .arg(&url)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    if let Some(password) = password {
        command.env("PGPASSWORD", password);
    }
    let hint = format!(
        "running {program} (install PostgreSQL's client programs: apt install postgresql-client)"
    );
    let out = tokio::task::spawn_blocking(move || command.output())
        .await
        .context(hint.clone())?
        .context(hint)?;
    ensure!(
        out.status.success(),
        "{program} failed ({}): {}",
        out.status,
        String::from_utf8_lossy(&out.stderr).trim()
    );
    Ok(())
}

/// `postgres://user:pass@host/db` → (`postgres://user@host/db`, the decoded password).
fn split_password(url: &str) -> (String, Option<String>) {
    let Some((scheme, rest)) = url.split_once("://") else {
        return (url.to_owned(), None);
    };
    let Some((userinfo, host)) = rest.split_once('@') else {
        return (url.to_owned(), None);
    };
    match userinfo.split_once(':') {
        Some((user, password)) => (
            format!("{scheme}://{user}@{host}"),
            Some(
                percent_encoding::percent_decode_str(password)
                    .decode_utf8_lossy()
                    .into_owned(),
            ),
        ),
        None => (url.to_owned(), None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_password_leaves_the_url_for_the_environment() {
        assert_eq!(
            split_password("postgres://ocop:p%40ss@db:5432/ocop?sslmode=require"),
            (
                "postgres://ocop@db:5432/ocop?sslmode=require".to_owned(),
                Some("p@ss".to_owned())
            )
        );
        assert_eq!(
            split_password("postgres://ocop@db/ocop"),
            ("postgres://ocop@db/ocop".to_owned(), None)
        );
    }

    #[test]
    fn the_sqlite_file_is_read_from_the_url() {
        assert_eq!(
            sqlite_path("sqlite://data/ocop.db?mode=rwc").unwrap(),
            PathBuf::from("data/ocop.db")
        );
        assert!(sqlite_path("sqlite::memory:").is_err());
    }
}
