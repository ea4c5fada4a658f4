//! This server among the others on the same database (see `app::servers`): it says who it is
//! at start-up (refusing to start where the search index could not be shared), beats every
//! ten seconds while it serves, and leaves when it stops.

use std::{path::Path, time::Duration};

use app::servers::{self, SearchKind};

/// How often a running server says so.
const BEAT: Duration = Duration::from_secs(10);

/// Where a server keeps its data: the host and the data folder (see `app::servers::may_start`).
pub fn place(data_dir: &Path) -> String {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .map(|h| h.trim().to_owned())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "localhost".to_owned());
    let folder = data_dir
        .canonicalize()
        .unwrap_or_else(|_| data_dir.to_owned());
    format!("{host} {}", folder.display())
}

/// One address in one place: the same server restarted on its address (after a crash too) is
/// the same id; two servers sharing a photo folder on one machine are two.
pub fn server_id(place: &str, address: std::net::SocketAddr) -> String {
    format!("{place} {address}")
}

pub fn search_kind(search: &crate::search::SearchSettings) -> SearchKind {
    match search {
        crate::search::SearchSettings::Embedded { .. } => SearchKind::Embedded,
        crate::search::SearchSettings::Meili { .. } => SearchKind::Meilisearch,
    }
}

/// Registers this server; refuses (and unregisters) where it may not run beside the others.
pub async fn join(db: &app::db::Db, id: &str, place: &str, kind: SearchKind) -> anyhow::Result<()> {
    let others = servers::register(db, id, place, kind, chrono::Utc::now()).await?;
    if let Err(refusal) = servers::may_start(kind, place, &others) {
        let _ = servers::leave(db, id).await;
        return Err(refusal.into());
    }
    if !others.is_empty() {
        tracing::info!(
            servers = others.len() + 1,
            "several servers share this database"
        );
    }
    Ok(())
}

/// Beats until dropped with the server's other background work; registers again when its row
/// was removed (by a restore, or by hand).
pub async fn beat(db: app::db::Db, id: String, place: String, kind: SearchKind) {
    let mut tick = tokio::time::interval(BEAT);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        let now = chrono::Utc::now();
        let beat = match servers::heartbeat(&db, &id, now).await {
            Ok(true) => Ok(()),
            Ok(false) => servers::register(&db, &id, &place, kind, now)
                .await
                .map(|_| ()),
            Err(e) => Err(e),
        };
        if let Err(e) = beat {
            tracing::warn!(error = %e, "could not record this server's heartbeat");
        }
    }
}
