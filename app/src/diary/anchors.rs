//! Anchors of the farm diary's hash chains (#24). The chain shows a changed row, but whoever
//! can write the database can recompute every hash after a change. Three anchors sit outside
//! the rows they cover, each comparing a chain head seen earlier with the chain as it is now:
//!
//! 1. the commune officer's verification stamps the plot's head it saw;
//! 2. a lot's printed label and QR link carry a short digest of the head at printing
//!    (`?c={seq}-{12 hex}`), so any box in a buyer's hand can reveal a later rewrite;
//! 3. every day the server signs all plots' heads with a key kept outside the database and
//!    publishes the signed checkpoint (`/api/v1/checkpoints`), so anyone who kept one can
//!    prove a rewrite.
//!
//! The comparisons are pure; the signing is the server's.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Hex digits of the head's hash a label carries: 48 bits, short enough to print and scan,
/// far beyond what a rewrite could match by trying.
pub const DIGEST_HEX: usize = 12;

/// The last entry of a plot's chain: its sequence number and hash.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChainHead {
    pub seq: i64,
    pub hash: String,
}

impl ChainHead {
    /// The digest a label carries: `{seq}-{first 12 hex digits}`.
    pub fn digest(&self) -> String {
        let short = self.hash.get(..DIGEST_HEX).unwrap_or(&self.hash);
        format!("{}-{short}", self.seq)
    }
}

/// A head seen earlier, as a label's digest or a stamp names it: the entry's sequence number
/// and (a prefix of) its hash.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Anchor {
    pub seq: i64,
    pub hash_prefix: String,
}

impl Anchor {
    /// A label's digest as typed or scanned; `None` for anything else (a page then simply
    /// does not compare).
    pub fn parse(digest: &str) -> Option<Anchor> {
        let (seq, prefix) = digest.trim().split_once('-')?;
        let seq: i64 = seq.parse().ok().filter(|s| *s >= 1)?;
        let prefix = prefix.to_ascii_lowercase();
        let hex = prefix.chars().all(|c| c.is_ascii_hexdigit());
        (hex && (DIGEST_HEX..=64).contains(&prefix.len())).then_some(Anchor {
            seq,
            hash_prefix: prefix,
        })
    }

    pub fn of(head: &ChainHead) -> Anchor {
        Anchor {
            seq: head.seq,
            hash_prefix: head.hash.to_ascii_lowercase(),
        }
    }

    /// Whether the chain as it is now (`(seq, hash)` in any order) still has this entry with
    /// this hash. A rewritten entry, or a chain cut below it, no longer does.
    pub fn holds(&self, chain: &[(i64, String)]) -> bool {
        chain
            .iter()
            .find(|(seq, _)| *seq == self.seq)
            .is_some_and(|(_, hash)| hash.to_ascii_lowercase().starts_with(&self.hash_prefix))
    }
}

/// What a day's signed checkpoint says: every plot's chain head that day.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checkpoint {
    pub day: NaiveDate,
    /// Plot id → head; ordered, so the same heads always make the same bytes.
    pub heads: BTreeMap<String, ChainHead>,
}

impl Checkpoint {
    /// The exact bytes signed.
    pub fn body(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// One plot's standing against an old checkpoint.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Standing {
    /// The entry the checkpoint named is still there with the same hash.
    Intact,
    /// It is there with another hash, or gone: the chain was rewritten since.
    Rewritten,
}

/// Each plot of `checkpoint` against the chains now (`chains`: plot id → its `(seq, hash)`).
pub fn compare(
    checkpoint: &Checkpoint,
    chains: &BTreeMap<String, Vec<(i64, String)>>,
) -> Vec<(String, i64, Standing)> {
    checkpoint
        .heads
        .iter()
        .map(|(plot, head)| {
            let now = chains.get(plot).map(Vec::as_slice).unwrap_or_default();
            let standing = if Anchor::of(head).holds(now) {
                Standing::Intact
            } else {
                Standing::Rewritten
            };
            (plot.clone(), head.seq, standing)
        })
        .collect()
}

#[cfg(feature = "ssr")]
pub mod storage {
    //! Reading chain heads and keeping the signed checkpoints.

    use std::collections::BTreeMap;

    use super::ChainHead;
    use crate::db::Db;

    /// Every plot's head now.
    pub async fn heads(db: &Db) -> Result<BTreeMap<String, ChainHead>, sqlx::Error> {
        let rows: Vec<(String, i64, String)> = sqlx::query_as(HEADS).fetch_all(db.pool()).await?;
        Ok(rows
            .into_iter()
            .map(|(plot, seq, hash)| (plot, ChainHead { seq, hash }))
            .collect())
    }

    /// The head now of the plot a lot grew on (`None`: an empty diary, or no plot).
    pub async fn head_of_lot(db: &Db, lot_id: &str) -> Result<Option<ChainHead>, sqlx::Error> {
        let row: Option<(i64, String)> = sqlx::query_as(HEAD_OF_LOT)
            .bind(lot_id)
            .fetch_optional(db.pool())
            .await?;
        Ok(row.map(|(seq, hash)| ChainHead { seq, hash }))
    }

    /// The `(seq, hash)` of these plots' entries now.
    pub async fn chains(
        db: &Db,
        plots: impl IntoIterator<Item = &str>,
    ) -> Result<BTreeMap<String, Vec<(i64, String)>>, sqlx::Error> {
        let mut out = BTreeMap::new();
        for plot in plots {
            let rows: Vec<(i64, String)> = sqlx::query_as(CHAIN)
                .bind(plot)
                .fetch_all(db.pool())
                .await?;
            out.insert(plot.to_owned(), rows);
        }
        Ok(out)
    }

    /// A day's signed checkpoint as stored.
    #[derive(Clone, Debug, PartialEq, Eq)]
    pub struct Signed {
        pub day: String,
        pub body: String,
        pub signature: String,
        pub public_key: String,
    }

    /// Keeps a day's checkpoint; `false` when that day already has one (another server, or
    /// an earlier pass, signed it first).
    pub async fn record(db: &Db, signed: &Signed, now: &str) -> Result<bool, sqlx::Error> {
        let mut tx = db.begin_write().await?;
        let done = sqlx::query(RECORD)
            .bind(&signed.day)
            .bind(&signed.body)
            .bind(&signed.signature)
            .bind(&signed.public_key)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(done.rows_affected() > 0)
    }

    pub async fn has_day(db: &Db, day: &str) -> Result<bool, sqlx::Error> {
        let n: i64 = sqlx::query_scalar(HAS_DAY)
            .bind(day)
            .fetch_one(db.pool())
            .await?;
        Ok(n > 0)
    }

    /// The newest checkpoints first, at most `limit`.
    pub async fn list(db: &Db, limit: i64) -> Result<Vec<Signed>, sqlx::Error> {
        let rows: Vec<(String, String, String, String)> = sqlx::query_as(LIST)
            .bind(limit)
            .fetch_all(db.pool())
            .await?;
        Ok(rows
            .into_iter()
            .map(|(day, body, signature, public_key)| Signed {
                day,
                body,
                signature,
                public_key,
            })
            .collect())
    }

    pub async fn of_day(db: &Db, day: &str) -> Result<Option<Signed>, sqlx::Error> {
        let row: Option<(String, String, String, String)> = sqlx::query_as(OF_DAY)
            .bind(day)
            .fetch_optional(db.pool())
            .await?;
        Ok(row.map(|(day, body, signature, public_key)| Signed {
            day,
            body,
            signature,
            public_key,
        }))
    }

    crate::db::statements! {
        /// `heads`: each plot's highest entry.
        HEADS = "SELECT e.plot_id, e.seq, e.entry_hash FROM cultivation_log_entries e
             WHERE e.seq = (SELECT MAX(m.seq) FROM cultivation_log_entries m WHERE m.plot_id = e.plot_id)
             ORDER BY e.plot_id";
        /// `head_of_lot`.
        HEAD_OF_LOT = "SELECT e.seq, e.entry_hash FROM cultivation_log_entries e
             JOIN harvest_lots l ON l.plot_id = e.plot_id
             WHERE l.id = $1 ORDER BY e.seq DESC LIMIT 1";
        /// `chains`.
        CHAIN = "SELECT seq, entry_hash FROM cultivation_log_entries WHERE plot_id = $1 ORDER BY seq";
        /// `record`.
        RECORD = "INSERT INTO chain_checkpoints (day, body, signature, public_key, created_at)
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (day) DO NOTHING";
        /// `has_day`.
        HAS_DAY = "SELECT COUNT(*) FROM chain_checkpoints WHERE day = $1";
        /// `list`.
        LIST = "SELECT day, body, signature, public_key FROM chain_checkpoints ORDER BY day DESC LIMIT $1";
        /// `of_day`.
        OF_DAY = "SELECT day, body, signature, public_key FROM chain_checkpoints WHERE day = $1";
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn head(seq: i64, c: char) -> ChainHead {
        ChainHead {
            seq,
            hash: c.to_string().repeat(64),
        }
    }

    #[test]
    fn a_digest_round_trips_and_nothing_else_parses() {
        let h = head(7, 'a');
        assert_eq!(h.digest(), "7-aaaaaaaaaaaa");
        assert_eq!(
            Anchor::parse(&h.digest()),
            Some(Anchor {
                seq: 7,
                hash_prefix: "aaaaaaaaaaaa".into()
            })
        );
        assert_eq!(
            Anchor::parse(" 7-AAAAAAAAAAAA ").map(|a| a.hash_prefix),
            Some("aaaaaaaaaaaa".into())
        );
        for bad in [
            "",
            "7",
            "7-",
            "0-aaaaaaaaaaaa",
            "-1-aaaaaaaaaaaa",
            "x-aaaaaaaaaaaa",
            "7-aaaa",
            "7-zzzzzzzzzzzz",
            "7-aaaaaaaaaaaa-1",
        ] {
            assert_eq!(Anchor::parse(bad), None, "{bad:?}");
        }
        assert_eq!(Anchor::parse(&format!("7-{}", "a".repeat(65))), None);
    }

    #[test]
    fn an_anchor_holds_only_while_its_entry_keeps_its_hash() {
        let chain = vec![
            (1, "1".repeat(64)),
            (2, "a".repeat(64)),
            (3, "b".repeat(64)),
        ];
        let anchor = Anchor::parse(&head(2, 'a').digest()).unwrap();
        assert!(anchor.holds(&chain));
        // A later entry does not matter; a rewritten or missing one does.
        let mut grown = chain.clone();
        grown.push((4, "c".repeat(64)));
        assert!(anchor.holds(&grown));
        let mut rewritten = chain.clone();
        rewritten[1].1 = "d".repeat(64);
        assert!(!anchor.holds(&rewritten));
        assert!(!anchor.holds(&chain[..1]));
        assert!(!anchor.holds(&[]));
    }

    #[test]
    fn a_checkpoint_signs_the_same_bytes_for_the_same_heads_and_finds_rewrites() {
        let day = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        let mut heads = BTreeMap::new();
        heads.insert("plot-b".to_owned(), head(2, 'b'));
        heads.insert("plot-a".to_owned(), head(1, 'a'));
        let cp = Checkpoint { day, heads };
        assert_eq!(
            cp.body(),
            format!(
                "{{\"day\":\"2026-12-01\",\"heads\":{{\"plot-a\":{{\"seq\":1,\"hash\":\"{}\"}},\"plot-b\":{{\"seq\":2,\"hash\":\"{}\"}}}}}}",
                "a".repeat(64),
                "b".repeat(64)
            )
        );
        let parsed: Checkpoint = serde_json::from_str(&cp.body()).unwrap();
        assert_eq!(parsed, cp);
        let mut now = BTreeMap::new();
        now.insert(
            "plot-a".to_owned(),
            vec![(1, "a".repeat(64)), (2, "e".repeat(64))],
        );
        now.insert(
            "plot-b".to_owned(),
            vec![(1, "f".repeat(64)), (2, "9".repeat(64))],
        );
        assert_eq!(
            compare(&cp, &now),
            vec![
                ("plot-a".to_owned(), 1, Standing::Intact),
                ("plot-b".to_owned(), 2, Standing::Rewritten),
            ]
        );
        // A plot gone from the database is a rewrite too.
        assert_eq!(compare(&cp, &BTreeMap::new())[0].2, Standing::Rewritten);
    }
}
