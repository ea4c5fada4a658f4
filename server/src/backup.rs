//! `ocop backup DIR` and `ocop restore DIR`: the database and the photos, as one copy an
//! operator can keep off the machine and bring back.
//!
//! - **SQLite**: `VACUUM INTO` writes a consistent copy of the live database (readers and the
//!   writer carry on meanwhile) to `DIR/ocop.db`.
//! - **PostgreSQL**: `pg_dump --format=custom` to `DIR/ocop.pgdump` (PostgreSQL's own
//!   consistent snapshot); restored by dropping the schema and loading the dump's SQL with
//!   `psql` in one transaction, after dumping the database it replaces. `pg_dump` and `pg_restore` must be on `PATH`, of the server's major version
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

/// Where a site's photos are, for a backup or a restore.
#[derive(Clone, Copy, Debug)]
pub enum Photos<'a> {
    /// The media folder.
    Folder(&'a Path),
    /// A bucket (`OCOP_MEDIA_URL`): its photos are copied into the backup, and put back.
    Bucket(&'a crate::photos::media::Media),
}

/// Writes a backup of the database at `database_url` and the `photos` into `dir`, which must
/// not exist or be empty.
pub async fn backup(
    database_url: &str,
    photos: Photos<'_>,
    dir: &Path,
) -> anyhow::Result<Manifest> {
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
            pg_dump(database_url, &file).await?;
            PG_FILE
        }
    };
    // After the database: every photo it names is already on disk.
    let (media_files, media_bytes) = match photos {
        Photos::Folder(media_dir) if media_dir.exists() => {
            let (from, to) = (media_dir.to_owned(), dir.join(MEDIA));
            tokio::task::spawn_blocking(move || copy_tree(&from, &to))
                .await
                .context("copying the photos")??
        }
        Photos::Folder(_) => (0, 0),
        Photos::Bucket(media) => from_bucket(media, &dir.join(MEDIA)).await?,
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
    // Only the names a backup writes: a manifest cannot point a restore elsewhere.
    ensure!(
        [SQLITE_FILE, PG_FILE].contains(&manifest.database.as_str()),
        "backup.json names an unknown database file {:?}",
        manifest.database
    );
    ensure!(
        manifest.format == FORMAT,
        "the backup's format is {}; this version restores format {FORMAT}",
        manifest.format
    );
    Ok(manifest)
}

/// Replaces the database at `database_url` and the photos under `media_dir` with the backup in
/// `dir`; what was there is kept beside them. With a `bucket`, the backup's photos are put
/// into it instead (before the database is swapped in, so every photo it names is there; the
/// bucket's other photos stay). Then migrates the database (a backup from an
/// older version takes the newer schema) and rebuilds the search index.
///
/// Everything is copied into place first (`….restoring`), and only then swapped in, so a
/// failure while copying changes nothing. The SQLite file is replaced by one atomic rename (the
/// replaced file stays under a second name, a hard link); PostgreSQL's replaced database is
/// dumped beside the photos first, then the schema is dropped and the backup loaded in one
/// transaction.
pub async fn restore(
    database_url: &str,
    media_dir: &Path,
    bucket: Option<&crate::photos::media::Media>,
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
    // The embedded index's owner lock says a server is running on this data folder; the
    // servers' heartbeats say one is running on this database, wherever it is.
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
    refuse_while_servers_run(database_url).await?;
    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%SZ").to_string();
    let file = dir.join(&manifest.database);
    ensure!(file.is_file(), "{} is missing", file.display());

    // 1. Copies in place beside what they replace.
    let kept_dir = media_dir
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .to_owned();
    std::fs::create_dir_all(&kept_dir)
        .with_context(|| format!("creating {}", kept_dir.display()))?;
    let database = match engine {
        Engine::Sqlite => {
            let target = sqlite_path(database_url)?;
            if let Some(parent) = target.parent().filter(|p| !p.as_os_str().is_empty()) {
                std::fs::create_dir_all(parent)
                    .with_context(|| format!("creating {}", parent.display()))?;
            }
            let incoming = with_suffix(&target, ".restoring");
            std::fs::copy(&file, &incoming)
                .with_context(|| format!("copying to {}", incoming.display()))?;
            Incoming::Sqlite { target, incoming }
        }
        Engine::Postgres => {
            let replaced = kept_dir.join(format!("database.replaced-{stamp}.pgdump"));
            pg_dump(database_url, &replaced)
                .await
                .context("keeping the database being replaced")?;
            let script = kept_dir.join(format!("database.restoring-{stamp}.sql"));
            let out = std::process::Command::new("pg_restore")
                .args(["--no-owner", "--file"])
                .arg(&script)
                .arg(&file)
                .output()
                .context("running pg_restore (apt install postgresql-client)")?;
            ensure!(
                out.status.success(),
                "pg_restore could not read {}: {}",
                file.display(),
                String::from_utf8_lossy(&out.stderr).trim()
            );
            Incoming::Postgres { script }
        }
    };
    let backed_up = dir.join(MEDIA);
    let media_incoming = with_suffix(media_dir, ".restoring");
    if let Some(bucket) = bucket {
        into_bucket(&backed_up, bucket).await?;
    } else {
        let (from, to) = (backed_up.clone(), media_incoming.clone());
        tokio::task::spawn_blocking(move || -> anyhow::Result<()> {
            if to.exists() {
                std::fs::remove_dir_all(&to)
                    .with_context(|| format!("clearing {}", to.display()))?;
            }
            if from.exists() {
                copy_tree(&from, &to)?;
            } else {
                std::fs::create_dir_all(&to)?;
            }
            Ok(())
        })
        .await
        .context("copying the photos")??;
    }

    // 2. Swapped in.
    match database {
        Incoming::Sqlite { target, incoming } => swap_sqlite(&target, &incoming, &stamp)?,
        Incoming::Postgres { script } => {
            pg_tool(
                "psql",
                database_url,
                &[
                    "--single-transaction".as_ref(),
                    "--quiet".as_ref(),
                    "--no-psqlrc".as_ref(),
                    "--set=ON_ERROR_STOP=1".as_ref(),
                    "--command=DROP SCHEMA public CASCADE; CREATE SCHEMA public;".as_ref(),
                    "--file".as_ref(),
                    script.as_os_str(),
                ],
            )
            .await
            .context("loading the backup (nothing was changed: the load is one transaction)")?;
            let _ = std::fs::remove_file(&script);
        }
    }
    if bucket.is_none() {
        if media_dir.exists() {
            let kept = with_suffix(media_dir, &format!(".replaced-{stamp}"));
            std::fs::rename(media_dir, &kept)
                .with_context(|| format!("keeping the replaced photos as {}", kept.display()))?;
        }
        std::fs::rename(&media_incoming, media_dir)
            .with_context(|| format!("putting the photos at {}", media_dir.display()))?;
    }

    // 3. The schema of this version, no servers but those that start now, and an index of the
    // restored catalogue.
    let db = crate::cli::open(database_url).await?;
    app::servers::forget_all(&db)
        .await
        .context("clearing the backed-up site's servers")?;
    match embedded {
        Some(engine) => {
            crate::search::indexer::rebuild(&db, &engine, app::search::sync::Writer::Alone).await?;
        }
        None => {
            let engine = crate::search::open(search).context("opening the search index")?;
            crate::search::indexer::rebuild(&db, engine.as_ref(), app::search::sync::Writer::Alone)
                .await?;
        }
    }
    db.close().await;
    Ok(manifest)
}

/// The documented dump of a PostgreSQL database to `file` (custom format, no owners).
async fn pg_dump(database_url: &str, file: &Path) -> anyhow::Result<()> {
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
    .await
}

/// Copies the bucket's photos to the folder `to`; returns (files, bytes).
async fn from_bucket(media: &crate::photos::media::Media, to: &Path) -> anyhow::Result<(u64, u64)> {
    let (mut files, mut bytes) = (0, 0);
    for key in media.keys("photos/").await? {
        // Only the site's own keys become paths (never `..`).
        if !crate::photos::media::servable(&key) {
            continue;
        }
        // Deleted since it was listed: the database copy taken before no longer names it.
        let Some(data) = media.read(&key).await? else {
            continue;
        };
        let path = to.join(&key);
        if let Some(parent) = path.parent() {
            tokio::fs::create_dir_all(parent)
                .await
                .with_context(|| format!("creating {}", parent.display()))?;
        }
        tokio::fs::write(&path, &data)
            .await
            .with_context(|| format!("writing {}", path.display()))?;
        files += 1;
        bytes += data.len() as u64;
    }
    Ok((files, bytes))
}

/// Puts every photo file under the folder `from` into the bucket, under its path there.
async fn into_bucket(from: &Path, media: &crate::photos::media::Media) -> anyhow::Result<()> {
    let mut folders = vec![from.to_owned()];
    while let Some(folder) = folders.pop() {
        let Ok(mut entries) = tokio::fs::read_dir(&folder).await else {
            continue;
        };
        while let Some(entry) = entries.next_entry().await? {
            let path = entry.path();
            if entry.file_type().await?.is_dir() {
                folders.push(path);
                continue;
            }
            let key = path
                .strip_prefix(from)
                .ok()
                .and_then(|p| p.to_str())
                .map(|p| p.replace(std::path::MAIN_SEPARATOR, "/"))
                .filter(|k| crate::photos::media::servable(k));
            if let Some(key) = key {
                let data = tokio::fs::read(&path)
                    .await
                    .with_context(|| format!("reading {}", path.display()))?;
                media.put(&key, data).await?;
            }
        }
    }
    Ok(())
}

/// A restored database, in place but not yet swapped in.
enum Incoming {
    Sqlite { target: PathBuf, incoming: PathBuf },
    Postgres { script: PathBuf },
}

/// Refuses while a server's heartbeat on this database is recent (`app::servers`). A database
/// too old to have the table has no servers to ask about.
async fn refuse_while_servers_run(database_url: &str) -> anyhow::Result<()> {
    let db = match Db::connect(database_url).await {
        Ok(db) => db,
        // Nothing there yet (a new PostgreSQL database is reachable; a new SQLite file is made).
        Err(e) => return Err(e).context("opening the database to restore into"),
    };
    let live = app::servers::live(&db, chrono::Utc::now()).await;
    db.close().await;
    match live {
        Ok(servers) if !servers.is_empty() => Err(anyhow!(
            "{} server(s) run on this database ({}): stop them before restoring",
            servers.len(),
            servers
                .iter()
                .map(|p| p.id.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )),
        _ => Ok(()),
    }
}

/// The SQLite file a URL names.
fn sqlite_path(database_url: &str) -> anyhow::Result<PathBuf> {
    app::db::sqlite_file_path(database_url)
        .ok_or_else(|| anyhow!("an in-memory database has nothing to restore into"))
}

/// Puts `incoming` at `target` with one rename; the replaced file (and its log, under the
/// names SQLite looks for beside it: its last commits may be only there) stays as
/// `….replaced-<stamp>`.
fn swap_sqlite(target: &Path, incoming: &Path, stamp: &str) -> anyhow::Result<()> {
    let kept = with_suffix(target, &format!(".replaced-{stamp}"));
    if target.exists() {
        std::fs::hard_link(target, &kept)
            .with_context(|| format!("keeping the replaced database as {}", kept.display()))?;
    }
    for log in ["-wal", "-shm"] {
        let file = with_suffix(target, log);
        if file.exists() {
            std::fs::rename(&file, with_suffix(&kept, log))
                .with_context(|| format!("moving {} aside", file.display()))?;
        }
    }
    std::fs::rename(incoming, target)
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
            match std::fs::copy(entry.path(), &target) {
                Ok(n) => {
                    bytes += n;
                    files += 1;
                }
                // Deleted while the copy ran (a removed photo): nothing to keep.
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => {
                    return Err(e).with_context(|| format!("copying {}", entry.path().display()));
                }
            }
        }
        // Links and the rest are not the site's: left out.
    }
    Ok((files, bytes))
}

/// Runs `pg_dump`, `pg_restore` or `psql` against `database_url` with `args`; the password goes in
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
