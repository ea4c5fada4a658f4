//! Several app servers on one database: who is running (a heartbeat row each), whether a new
//! server may start beside them, and leases for the background jobs that must run once across
//! servers (settling payments, applying the search outbox to a shared engine).
//!
//! The rule: the embedded search index lives in one server's data folder and the search outbox
//! is cleared by whoever applies it, so a second server with its own embedded index would miss
//! changes. Several servers therefore need Meilisearch; a server refuses to start when it would
//! break that (an embedded one beside any live server, or any server beside a live embedded one).

use chrono::{DateTime, Duration, Utc};

use crate::{db::Db, domain::time::db_timestamp};

/// A server is live while its heartbeat is younger than this (it beats every third of it).
pub const LIVE_FOR: Duration = Duration::seconds(30);

/// Which search index a server uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SearchKind {
    Embedded,
    Meilisearch,
}

impl SearchKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SearchKind::Embedded => "embedded",
            SearchKind::Meilisearch => "meilisearch",
        }
    }

    pub fn parse(s: &str) -> Option<SearchKind> {
        match s {
            "embedded" => Some(SearchKind::Embedded),
            "meilisearch" => Some(SearchKind::Meilisearch),
            _ => None,
        }
    }
}

/// Another live server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Peer {
    pub id: String,
    /// Its host and data folder.
    pub place: String,
    pub search: SearchKind,
    pub started_at: String,
}

/// Why a server may not start.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StartRefusal {
    #[error(
        "another server ({}, started {}) runs on this database, and this one uses the embedded \
         search index, which only one server can keep up to date: give every server MEILI_URL",
        .0.id, .0.started_at
    )]
    EmbeddedBesideOthers(Peer),
    #[error(
        "a server with the embedded search index ({}, started {}) runs on this database: stop it \
         or give it MEILI_URL before starting more servers",
        .0.id, .0.started_at
    )]
    BesideEmbedded(Peer),
}

/// Whether a server using `me` in the data folder `place` may start beside the live `others`.
/// Embedded servers in the same place as an embedded `me` are not counted: they hold the same
/// index (in one process), or are this server's own earlier run, which crashed (a live one in
/// another process holds the index's lock, and this server could not have opened it).
pub fn may_start(me: SearchKind, place: &str, others: &[Peer]) -> Result<(), StartRefusal> {
    // Only embedded servers share a folder's index (and its lock); any other pairing counts.
    let shares_index = |p: &&Peer| {
        p.place == place && p.search == SearchKind::Embedded && me == SearchKind::Embedded
    };
    let mut elsewhere = others.iter().filter(|p| !shares_index(p));
    if let Some(embedded) = elsewhere.clone().find(|p| p.search == SearchKind::Embedded) {
        return Err(StartRefusal::BesideEmbedded(embedded.clone()));
    }
    match (me, elsewhere.next()) {
        (SearchKind::Embedded, Some(other)) => {
            Err(StartRefusal::EmbeddedBesideOthers(other.clone()))
        }
        _ => Ok(()),
    }
}

/// Records this server as running (again) and returns the other live servers.
pub async fn register(
    db: &Db,
    id: &str,
    place: &str,
    search: SearchKind,
    now: DateTime<Utc>,
) -> Result<Vec<Peer>, sqlx::Error> {
    let at = db_timestamp(now);
    // Written before the others are read: two servers starting at once each see the other.
    sqlx::query(REGISTER)
        .bind(id)
        .bind(place)
        .bind(search.as_str())
        .bind(&at)
        .execute(db.pool())
        .await?;
    let mut live = live(db, now).await?;
    live.retain(|p| p.id != id);
    Ok(live)
}

/// Every live server (for a restore, which must not run under one).
pub async fn live(db: &Db, now: DateTime<Utc>) -> Result<Vec<Peer>, sqlx::Error> {
    let rows: Vec<(String, String, String, String)> = sqlx::query_as(LIVE)
        .bind(db_timestamp(now - LIVE_FOR))
        .fetch_all(db.pool())
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, place, search, started_at)| {
            Some(Peer {
                id,
                place,
                search: SearchKind::parse(&search)?,
                started_at,
            })
        })
        .collect())
}

/// This server is still running.
/// This server is still running; false when its row is gone (a restore or an operator removed
/// it), and it must register again.
pub async fn heartbeat(db: &Db, id: &str, now: DateTime<Utc>) -> Result<bool, sqlx::Error> {
    let beat = sqlx::query(HEARTBEAT)
        .bind(id)
        .bind(db_timestamp(now))
        .execute(db.pool())
        .await?;
    Ok(beat.rows_affected() == 1)
}

/// This server stops: its row goes, and its leases are given up so another server takes the
/// jobs over at once (a crashed server's lapse with their time instead).
pub async fn leave(db: &Db, id: &str) -> Result<(), sqlx::Error> {
    let mut tx = db.begin_write().await?;
    sqlx::query(LEAVE).bind(id).execute(&mut *tx).await?;
    sqlx::query(RELEASE).bind(id).execute(&mut *tx).await?;
    tx.commit().await
}

/// After a restore: the restored database's servers and leases were those of the backed-up
/// site (a restore runs while none run here), and would hold the restored site's servers back.
pub async fn forget_all(db: &Db) -> Result<(), sqlx::Error> {
    let mut tx = db.begin_write().await?;
    sqlx::query(FORGET_SERVERS).execute(&mut *tx).await?;
    sqlx::query(FORGET_LEASES).execute(&mut *tx).await?;
    tx.commit().await
}

/// Takes or renews the lease of `job` for `holder` until `now + ttl`; false while another
/// holder's lease runs. One conditional statement: two servers asking at once cannot both win.
pub async fn lease(
    db: &Db,
    job: &str,
    holder: &str,
    now: DateTime<Utc>,
    ttl: Duration,
) -> Result<bool, sqlx::Error> {
    let taken = sqlx::query(LEASE)
        .bind(job)
        .bind(holder)
        .bind(db_timestamp(now + ttl))
        .bind(db_timestamp(now))
        .execute(db.pool())
        .await?;
    Ok(taken.rows_affected() == 1)
}

/// Takes the lease of `job` for `holder` until `now + ttl`, whoever holds it: for a one-off run
/// by an operator (`ocop reindex`) that must not wait for a live server to let go. The holder
/// it displaces finds out at its next renewal, and whatever it clears under the lease is fenced
/// (see `crate::search::sync::Writer`). True when another holder's lease was running.
pub async fn take_over(
    db: &Db,
    job: &str,
    holder: &str,
    now: DateTime<Utc>,
    ttl: Duration,
) -> Result<bool, sqlx::Error> {
    let mut tx = db.begin_write().await?;
    let before: Option<(String, String)> = sqlx::query_as(LEASE_HOLDER)
        .bind(job)
        .fetch_optional(&mut *tx)
        .await?;
    sqlx::query(TAKE_OVER)
        .bind(job)
        .bind(holder)
        .bind(db_timestamp(now + ttl))
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    // Stamps compare as text, as in `LEASE`.
    Ok(before.is_some_and(|(other, until)| other != holder && until >= db_timestamp(now)))
}

/// A lease a background loop asks for on each pass: it renews it only when a third of its time
/// has gone, and after failing to take it asks again only a third of its time later, so a loop
/// that polls often writes seldom.
#[derive(Debug)]
pub struct Lease {
    job: &'static str,
    holder: std::sync::Arc<str>,
    ttl: Duration,
    /// Until when this holder has it, as last taken.
    until: Option<DateTime<Utc>>,
    /// Not asked for again before this (another holds it, or this one gave it up).
    next_try: Option<DateTime<Utc>>,
}

impl Lease {
    pub fn new(job: &'static str, holder: std::sync::Arc<str>, ttl: Duration) -> Lease {
        Lease {
            job,
            holder,
            ttl,
            until: None,
            next_try: None,
        }
    }

    /// Whether this holder has the job now, taking or renewing the lease when due.
    pub async fn held(&mut self, db: &Db, now: DateTime<Utc>) -> Result<bool, sqlx::Error> {
        if let Some(until) = self.until
            && until - now > self.ttl * 2 / 3
        {
            return Ok(true);
        }
        if self.until.is_none() && self.next_try.is_some_and(|at| now < at) {
            return Ok(false);
        }
        self.renew(db, now).await
    }

    /// Takes or renews the lease now, whatever time it has left.
    pub async fn renew(&mut self, db: &Db, now: DateTime<Utc>) -> Result<bool, sqlx::Error> {
        self.until = None;
        if lease(db, self.job, &self.holder, now, self.ttl).await? {
            self.until = Some(now + self.ttl);
            self.next_try = None;
        } else {
            self.next_try = Some(now + self.ttl / 3);
        }
        Ok(self.until.is_some())
    }

    /// When this holder last took or renewed the lease, if it holds it.
    pub fn renewed_at(&self) -> Option<DateTime<Utc>> {
        self.until.map(|until| until - self.ttl)
    }

    /// Whether this holder had the lease when it last asked.
    pub fn holds(&self) -> bool {
        self.until.is_some()
    }

    /// Learnt that another holder has the job (a fenced write found it): asked for again a third
    /// of its time later, like any refusal.
    pub fn lost(&mut self, now: DateTime<Utc>) {
        self.until = None;
        self.next_try = Some(now + self.ttl / 3);
    }

    /// Gives the lease up for another server to take, and does not ask for it for its time.
    pub async fn give_up(&mut self, db: &Db, now: DateTime<Utc>) -> Result<(), sqlx::Error> {
        self.until = None;
        self.next_try = Some(now + self.ttl);
        sqlx::query(GIVE_UP)
            .bind(self.job)
            .bind(&*self.holder)
            .execute(db.pool())
            .await
            .map(|_| ())
    }
}

crate::db::statements! {
    /// `live`: the servers seen lately.
    LIVE = "SELECT id, place, search, started_at FROM app_servers
        WHERE seen_at >= $1 ORDER BY started_at, id";
    /// `register`.
    REGISTER = "INSERT INTO app_servers (id, place, search, started_at, seen_at)
        VALUES ($1, $2, $3, $4, $4)
        ON CONFLICT (id) DO UPDATE SET place = excluded.place, search = excluded.search,
            started_at = excluded.started_at, seen_at = excluded.seen_at";
    /// `heartbeat`.
    HEARTBEAT = "UPDATE app_servers SET seen_at = $2 WHERE id = $1";
    /// `leave`.
    LEAVE = "DELETE FROM app_servers WHERE id = $1";
    /// `leave`.
    RELEASE = "DELETE FROM job_leases WHERE holder = $1";
    /// `Lease::give_up`.
    GIVE_UP = "DELETE FROM job_leases WHERE job = $1 AND holder = $2";
    /// `forget_all`.
    FORGET_SERVERS = "DELETE FROM app_servers";
    /// `forget_all`.
    FORGET_LEASES = "DELETE FROM job_leases";
    /// `take_over`: who had it.
    LEASE_HOLDER = "SELECT holder, until FROM job_leases WHERE job = $1";
    /// `take_over`.
    TAKE_OVER = "INSERT INTO job_leases (job, holder, until) VALUES ($1, $2, $3)
        ON CONFLICT (job) DO UPDATE SET holder = excluded.holder, until = excluded.until";
    /// `lease`: free, lapsed, or already ours.
    LEASE = "INSERT INTO job_leases (job, holder, until) VALUES ($1, $2, $3)
        ON CONFLICT (job) DO UPDATE SET holder = excluded.holder, until = excluded.until
        WHERE job_leases.until < $4 OR job_leases.holder = excluded.holder";
}

#[cfg(test)]
mod tests {
    use super::*;

    fn peer(id: &str, place: &str, search: SearchKind) -> Peer {
        Peer {
            id: id.into(),
            place: place.into(),
            search,
            started_at: "2026-12-02T00:00:00.000Z".into(),
        }
    }

    #[test]
    fn several_servers_start_only_with_a_shared_index() {
        use SearchKind::*;
        let here = "host /var/lib/ocop";
        assert_eq!(may_start(Embedded, here, &[]), Ok(()));
        assert_eq!(may_start(Meilisearch, here, &[]), Ok(()));
        let meili = peer("a", "host-a /srv", Meilisearch);
        let embedded = peer("b", "host-b /srv", Embedded);
        assert_eq!(
            may_start(Meilisearch, here, std::slice::from_ref(&meili)),
            Ok(())
        );
        assert_eq!(
            may_start(Embedded, here, std::slice::from_ref(&meili)),
            Err(StartRefusal::EmbeddedBesideOthers(meili.clone()))
        );
        assert_eq!(
            may_start(Meilisearch, here, &[meili.clone(), embedded.clone()]),
            Err(StartRefusal::BesideEmbedded(embedded.clone()))
        );
        assert_eq!(
            may_start(Embedded, here, std::slice::from_ref(&embedded)),
            Err(StartRefusal::BesideEmbedded(embedded))
        );
        for kind in [Embedded, Meilisearch] {
            assert_eq!(SearchKind::parse(kind.as_str()), Some(kind));
        }
    }

    #[test]
    fn embedded_servers_in_the_same_data_folder_do_not_count() {
        use SearchKind::*;
        let here = "host /var/lib/ocop";
        // This folder's own earlier run (crashed, heartbeat still fresh), on another port.
        let earlier = peer("host 127.0.0.1:3001 /var/lib/ocop", here, Embedded);
        assert_eq!(
            may_start(Embedded, here, std::slice::from_ref(&earlier)),
            Ok(())
        );
        // Another kind of index in the same folder is another index: counted (a Meilisearch
        // server would never write the embedded index, nor the embedded one Meilisearch).
        assert_eq!(
            may_start(Meilisearch, here, std::slice::from_ref(&earlier)),
            Err(StartRefusal::BesideEmbedded(earlier.clone()))
        );
        let meili_here = peer("host 127.0.0.1:3002 /var/lib/ocop", here, Meilisearch);
        assert_eq!(
            may_start(Embedded, here, std::slice::from_ref(&meili_here)),
            Err(StartRefusal::EmbeddedBesideOthers(meili_here.clone()))
        );
        assert_eq!(
            may_start(Meilisearch, here, std::slice::from_ref(&meili_here)),
            Ok(())
        );
        // Only the one elsewhere is counted.
        let elsewhere = peer("other", "host-b /srv", Meilisearch);
        assert_eq!(
            may_start(Embedded, here, &[earlier, elsewhere.clone()]),
            Err(StartRefusal::EmbeddedBesideOthers(elsewhere))
        );
    }
}
