//! The cultivation log ("nhật ký canh tác"): VietGAP record-keeping rules.
//!
//! Two rules live here: the pre-harvest interval (no harvest until every spraying's PHI has
//! passed) and the per-plot hash chain that makes later edits to stored entries detectable.

use chrono::{Days, NaiveDate};
use sha2::{Digest, Sha256};

use crate::text_enum;

text_enum! {
    pub enum EntryKind {
        Planting = "planting",
        Fertilising = "fertilising",
        Spraying = "spraying",
        Irrigation = "irrigation",
        Pruning = "pruning",
        FlowerInduction = "flower_induction",
        FruitBagging = "fruit_bagging",
        Observation = "observation",
        LabTest = "lab_test",
        Harvest = "harvest",
        Packing = "packing",
    }
}

/// A spraying of a plant-protection product, as far as the harvest rule cares.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Spraying {
    pub product_name: String,
    pub sprayed_on: NaiveDate,
    /// Pre-harvest interval ("thời gian cách ly") from the label, in days.
    pub phi_days: u32,
}

impl Spraying {
    /// The first day on which harvesting is allowed after this spraying.
    pub fn safe_from(&self) -> NaiveDate {
        self.sprayed_on
            .checked_add_days(Days::new(u64::from(self.phi_days)))
            .unwrap_or(NaiveDate::MAX)
    }
}

/// Why a harvest on a given day is not allowed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "harvest is not allowed before {safe_from}: {product_name} was sprayed on {sprayed_on} with a pre-harvest interval of {phi_days} days"
)]
pub struct PhiViolation {
    pub product_name: String,
    pub sprayed_on: NaiveDate,
    pub phi_days: u32,
    pub safe_from: NaiveDate,
}

/// The first day on which every spraying's interval has passed (`None`: no spraying recorded).
/// An earlier spraying with a long interval can outlast a later one with a short interval.
pub fn safe_to_harvest_from<'a>(
    sprayings: impl IntoIterator<Item = &'a Spraying>,
) -> Option<&'a Spraying> {
    sprayings.into_iter().max_by_key(|s| s.safe_from())
}

/// Refuses a harvest on `harvest_on` while any spraying's interval is still running.
pub fn check_harvest<'a>(
    sprayings: impl IntoIterator<Item = &'a Spraying>,
    harvest_on: NaiveDate,
) -> Result<(), PhiViolation> {
    match safe_to_harvest_from(sprayings) {
        Some(s) if harvest_on < s.safe_from() => Err(PhiViolation {
            product_name: s.product_name.clone(),
            sprayed_on: s.sprayed_on,
            phi_days: s.phi_days,
            safe_from: s.safe_from(),
        }),
        _ => Ok(()),
    }
}

/// The `prev_hash` of a plot's first entry.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The fields of an entry that its hash covers, in a fixed order.
#[derive(Clone, Debug, Default)]
pub struct HashedFields<'a> {
    pub id: &'a str,
    pub plot_id: &'a str,
    pub lot_id: Option<&'a str>,
    pub seq: i64,
    pub kind: &'a str,
    pub occurred_on: &'a str,
    pub input_name: Option<&'a str>,
    pub active_ingredient: Option<&'a str>,
    pub target: Option<&'a str>,
    pub dose: Option<&'a str>,
    pub phi_days: Option<i64>,
    pub quantity_kg: Option<i64>,
    pub note: &'a str,
    pub corrects_id: Option<&'a str>,
    pub recorded_by: Option<&'a str>,
    pub recorded_at: &'a str,
}

/// SHA-256 (hex) of the previous entry's hash followed by this entry's fields. Each field is
/// length-prefixed so that no two different entries can encode to the same bytes.
pub fn entry_hash(prev_hash: &str, f: &HashedFields<'_>) -> String {
    let mut h = Sha256::new();
    let mut field = |value: Option<&str>| match value {
        None => h.update(b"-;"),
        Some(v) => {
            h.update(v.len().to_string().as_bytes());
            h.update(b":");
            h.update(v.as_bytes());
            h.update(b";");
        }
    };
    let seq = f.seq.to_string();
    let phi = f.phi_days.map(|d| d.to_string());
    let qty = f.quantity_kg.map(|q| q.to_string());
    field(Some(prev_hash));
    field(Some(f.id));
    field(Some(f.plot_id));
    field(f.lot_id);
    field(Some(&seq));
    field(Some(f.kind));
    field(Some(f.occurred_on));
    field(f.input_name);
    field(f.active_ingredient);
    field(f.target);
    field(f.dose);
    field(phi.as_deref());
    field(qty.as_deref());
    field(Some(f.note));
    field(f.corrects_id);
    field(f.recorded_by);
    field(Some(f.recorded_at));
    hex(&h.finalize())
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(DIGITS[usize::from(b >> 4)] as char);
        s.push(DIGITS[usize::from(b & 0xf)] as char);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, d).unwrap()
    }

    fn spray(name: &str, on: NaiveDate, phi: u32) -> Spraying {
        Spraying {
            product_name: name.into(),
            sprayed_on: on,
            phi_days: phi,
        }
    }

    #[test]
    fn harvest_waits_for_the_interval_boundary() {
        let s = [spray("Regent 800WG", day(7, 1), 7)];
        let err = check_harvest(&s, day(7, 7)).unwrap_err();
        assert_eq!(err.safe_from, day(7, 8));
        assert!(err.to_string().contains("Regent 800WG"));
        assert!(check_harvest(&s, day(7, 8)).is_ok());
    }

    #[test]
    fn the_longest_running_interval_wins() {
        let s = [
            spray("Long PHI", day(7, 1), 21),
            spray("Short PHI", day(7, 10), 3),
        ];
        assert_eq!(
            check_harvest(&s, day(7, 15)).unwrap_err().product_name,
            "Long PHI"
        );
        assert!(check_harvest(&s, day(7, 22)).is_ok());
        assert!(check_harvest(&[], day(1, 1)).is_ok());
    }

    #[test]
    fn any_changed_field_changes_the_hash() {
        let base = HashedFields {
            id: "e1",
            plot_id: "p1",
            seq: 1,
            kind: "spraying",
            occurred_on: "2026-07-01",
            note: "",
            recorded_at: "t",
            ..Default::default()
        };
        let h = entry_hash(GENESIS_HASH, &base);
        assert_eq!(h.len(), 64);
        assert_eq!(h, entry_hash(GENESIS_HASH, &base));
        assert_ne!(
            h,
            entry_hash(
                GENESIS_HASH,
                &HashedFields {
                    phi_days: Some(7),
                    ..base.clone()
                }
            )
        );
        assert_ne!(
            h,
            entry_hash(
                GENESIS_HASH,
                &HashedFields {
                    note: "x",
                    ..base.clone()
                }
            )
        );
        assert_ne!(h, entry_hash(&h, &base));
        // Moving text between adjacent fields must not collide.
        let a = HashedFields {
            input_name: Some("ab"),
            active_ingredient: Some("c"),
            ..base.clone()
        };
        let b = HashedFields {
            input_name: Some("a"),
            active_ingredient: Some("bc"),
            ..base
        };
        assert_ne!(entry_hash(GENESIS_HASH, &a), entry_hash(GENESIS_HASH, &b));
    }
}
