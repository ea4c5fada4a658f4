//! The cultivation log ("nhật ký canh tác"): VietGAP record-keeping rules.
//!
//! Two rules live here: the pre-harvest interval (no harvest until every spraying's PHI has
//! passed) and the per-plot hash chain that makes later edits to stored entries detectable.
//! What a spraying's active ingredient may be is the plant-protection register's
//! (`diary::register`).

use chrono::{Days, NaiveDate};
use sha2::{Digest, Sha256};

use crate::{domain::hex::hex, text_enum};

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

text_enum! {
    /// Where a lot stands: growing on its plot, harvested, on sale, sold out or recalled.
    pub enum LotStatus {
        Growing = "growing",
        Harvested = "harvested",
        OnSale = "on_sale",
        SoldOut = "sold_out",
        Recalled = "recalled",
    }
}

/// What can happen to a lot, as far as its status goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LotEvent {
    /// Its harvest is recorded (again, for a correction).
    Harvest,
    /// The farmer puts it on sale.
    PutOnSale,
    /// Checkout took its last unit.
    SellOut,
    /// Units came back to it (an order cancelled before it shipped).
    Restock,
    /// Its producer, the commune officer or an administrator recalls it.
    Recall,
}

impl LotEvent {
    pub const ALL: &'static [LotEvent] = &[
        LotEvent::Harvest,
        LotEvent::PutOnSale,
        LotEvent::SellOut,
        LotEvent::Restock,
        LotEvent::Recall,
    ];
}

/// Why a lot's status cannot change so.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum LotTransitionError {
    /// A recall is final: nothing takes a recalled lot back.
    #[error("the lot was recalled")]
    Recalled,
    /// Selling and recalling start from a recorded harvest.
    #[error("the lot's harvest is not recorded yet")]
    NotHarvested,
    /// The event does not apply to the lot as it stands (selling out a lot not on sale).
    #[error("the lot is {0}")]
    NotApplicable(LotStatus),
}

impl LotStatus {
    /// The status after `event`. `Recalled` is terminal: every event on a recalled lot is
    /// refused, so no code path can put it back on sale, stamp a new season on it or sell it.
    /// An event that changes nothing (putting on sale a lot already on sale, a harvest
    /// recorded again) answers the same status.
    pub fn after(self, event: LotEvent) -> Result<LotStatus, LotTransitionError> {
        use LotEvent as E;
        use LotStatus as S;
        match (self, event) {
            (S::Recalled, _) => Err(LotTransitionError::Recalled),
            (S::Growing, E::Harvest) => Ok(S::Harvested),
            (S::Growing, E::PutOnSale | E::Recall) => Err(LotTransitionError::NotHarvested),
            (s, E::Harvest) => Ok(s),
            (S::Harvested | S::OnSale, E::PutOnSale) => Ok(S::OnSale),
            (S::OnSale, E::SellOut) => Ok(S::SoldOut),
            (S::SoldOut, E::SellOut) => Ok(S::SoldOut),
            (S::SoldOut | S::OnSale, E::Restock) => Ok(S::OnSale),
            (S::Harvested | S::OnSale | S::SoldOut, E::Recall) => Ok(S::Recalled),
            (
                s @ (S::Growing | S::Harvested | S::SoldOut),
                E::PutOnSale | E::SellOut | E::Restock,
            ) => Err(LotTransitionError::NotApplicable(s)),
        }
    }
}

#[cfg(test)]
mod lot_status_tests {
    use super::*;

    /// Every status against every event: the whole table, so a change to it is a change here.
    #[test]
    fn the_lot_status_machine() {
        use LotEvent as E;
        use LotStatus as S;
        use LotTransitionError as X;
        let expected = |s: S, e: E| -> Result<S, X> {
            match (s, e) {
                (S::Recalled, _) => Err(X::Recalled),
                (S::Growing, E::Harvest) => Ok(S::Harvested),
                (S::Growing, E::PutOnSale) => Err(X::NotHarvested),
                (S::Growing, E::SellOut) => Err(X::NotApplicable(S::Growing)),
                (S::Growing, E::Restock) => Err(X::NotApplicable(S::Growing)),
                (S::Growing, E::Recall) => Err(X::NotHarvested),
                (S::Harvested, E::Harvest) => Ok(S::Harvested),
                (S::Harvested, E::PutOnSale) => Ok(S::OnSale),
                (S::Harvested, E::SellOut) => Err(X::NotApplicable(S::Harvested)),
                (S::Harvested, E::Restock) => Err(X::NotApplicable(S::Harvested)),
                (S::Harvested, E::Recall) => Ok(S::Recalled),
                (S::OnSale, E::Harvest) => Ok(S::OnSale),
                (S::OnSale, E::PutOnSale) => Ok(S::OnSale),
                (S::OnSale, E::SellOut) => Ok(S::SoldOut),
                (S::OnSale, E::Restock) => Ok(S::OnSale),
                (S::OnSale, E::Recall) => Ok(S::Recalled),
                (S::SoldOut, E::Harvest) => Ok(S::SoldOut),
                (S::SoldOut, E::PutOnSale) => Err(X::NotApplicable(S::SoldOut)),
                (S::SoldOut, E::SellOut) => Ok(S::SoldOut),
                (S::SoldOut, E::Restock) => Ok(S::OnSale),
                (S::SoldOut, E::Recall) => Ok(S::Recalled),
            }
        };
        let mut cases = 0;
        for status in LotStatus::ALL.iter().copied() {
            for event in LotEvent::ALL.iter().copied() {
                assert_eq!(
                    status.after(event),
                    expected(status, event),
                    "{status:?} on {event:?}"
                );
                cases += 1;
            }
        }
        assert_eq!(cases, 25);
    }

    /// Whatever happens after a recall, the lot stays recalled: every sequence of events from
    /// any status that reaches `Recalled` never leaves it.
    #[test]
    fn a_recall_is_final() {
        for start in LotStatus::ALL.iter().copied() {
            for first in LotEvent::ALL.iter().copied() {
                for second in LotEvent::ALL.iter().copied() {
                    let Ok(s) = start.after(first) else { continue };
                    if s == LotStatus::Recalled {
                        assert_eq!(s.after(second), Err(LotTransitionError::Recalled));
                    }
                }
            }
        }
        assert_eq!(
            LotStatus::OnSale
                .after(LotEvent::Recall)
                .and_then(|s| s.after(LotEvent::PutOnSale)),
            Err(LotTransitionError::Recalled)
        );
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

/// An id a phone or device gives an entry (a UUID fits): 1 to 64 ASCII letters, digits, `-`
/// or `_`, so it can go in a URL, a log line or a file name as it is.
pub fn is_client_id(id: &str) -> bool {
    (1..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
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

/// One stored entry as the chain check reads it.
pub struct StoredEntry<'a> {
    pub fields: HashedFields<'a>,
    pub prev_hash: &'a str,
    pub entry_hash: &'a str,
}

/// Whether a plot's stored entries still hash to what was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum ChainStatus {
    Intact {
        entries: usize,
    },
    /// The first entry (by sequence number) whose stored row no longer matches.
    Broken {
        seq: i64,
    },
}

/// Recomputes every hash of a plot's chain, entries in `seq` order. A changed field, a deleted
/// or reordered row, or a rewritten hash all show as a break at the first affected entry.
pub fn verify_chain<'a>(entries: impl IntoIterator<Item = StoredEntry<'a>>) -> ChainStatus {
    let mut prev = GENESIS_HASH.to_owned();
    let mut count = 0;
    for (i, e) in entries.into_iter().enumerate() {
        let expected_seq = i as i64 + 1;
        if e.fields.seq != expected_seq
            || e.prev_hash != prev
            || entry_hash(e.prev_hash, &e.fields) != e.entry_hash
        {
            return ChainStatus::Broken {
                seq: e.fields.seq.min(expected_seq),
            };
        }
        prev = e.entry_hash.to_owned();
        count += 1;
    }
    ChainStatus::Intact { entries: count }
}

/// A new diary entry as a farmer submits it, before it joins the chain.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EntryDraft {
    pub kind: Option<EntryKind>,
    pub occurred_on: Option<NaiveDate>,
    pub lot_id: Option<String>,
    /// Fertiliser or plant-protection product (trade name), as on its label.
    pub input_name: Option<String>,
    /// The active ingredient of a spraying; the N-P-K ratio of a fertiliser.
    pub active_ingredient: Option<String>,
    /// The pest or disease a spraying targets; the test of a lab test.
    pub target: Option<String>,
    pub dose: Option<String>,
    pub phi_days: Option<u32>,
    pub quantity_kg: Option<i64>,
    pub note: String,
    pub corrects_id: Option<String>,
}

/// Why a draft cannot be recorded; each names the field to fix.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DraftError {
    #[error("choose what was done")]
    KindMissing,
    #[error("the date is missing")]
    DateMissing,
    #[error("the date is in the future")]
    DateInFuture,
    #[error("the date is too long ago")]
    DateTooOld,
    #[error("the product name (as on its label) is missing")]
    InputNameMissing,
    #[error("the active ingredient is missing")]
    ActiveIngredientMissing,
    #[error(
        "the pre-harvest interval in days is missing (the register gives none for every ingredient on this crop)"
    )]
    PhiMissing,
    #[error("the pre-harvest interval is at most 365 days")]
    PhiTooLong,
    #[error("the harvested quantity in kg is missing")]
    QuantityMissing,
    #[error("choose the harvest lot")]
    LotMissing,
    #[error("a text field is too long")]
    TooLong,
}

/// A spraying's pre-harvest interval: the one typed from the label, or, left blank, the one
/// the plant-protection register gives for the plot's crop (`register`); neither is
/// [`DraftError::PhiMissing`].
pub fn resolve_phi(
    typed: Option<u32>,
    register: Option<u32>,
) -> Result<(u32, crate::diary::register::PhiSource), DraftError> {
    use crate::diary::register::PhiSource;
    match (typed, register) {
        (Some(d), _) => Ok((d, PhiSource::Label)),
        (None, Some(d)) => Ok((d, PhiSource::Register)),
        (None, None) => Err(DraftError::PhiMissing),
    }
}

/// The longest pre-harvest interval a label plausibly gives; more is a typing mistake.
pub const MAX_PHI_DAYS: u32 = 365;
const MAX_FIELD: usize = 200;
const MAX_NOTE: usize = 2_000;

impl EntryDraft {
    /// Checks the draft as entered on `today` (Vietnam time).
    pub fn validate(&self, today: NaiveDate) -> Result<EntryKind, DraftError> {
        let kind = self.kind.ok_or(DraftError::KindMissing)?;
        let on = self.occurred_on.ok_or(DraftError::DateMissing)?;
        if on > today {
            return Err(DraftError::DateInFuture);
        }
        if on < NaiveDate::from_ymd_opt(2000, 1, 1).unwrap_or(NaiveDate::MIN) {
            return Err(DraftError::DateTooOld);
        }
        let present = |f: &Option<String>| f.as_deref().is_some_and(|t| !t.trim().is_empty());
        let texts = [
            &self.input_name,
            &self.active_ingredient,
            &self.target,
            &self.dose,
        ];
        if texts
            .iter()
            .any(|f| f.as_deref().is_some_and(|t| t.chars().count() > MAX_FIELD))
            || self.note.chars().count() > MAX_NOTE
        {
            return Err(DraftError::TooLong);
        }
        match kind {
            EntryKind::Spraying => {
                if !present(&self.input_name) {
                    return Err(DraftError::InputNameMissing);
                }
                if !present(&self.active_ingredient) {
                    return Err(DraftError::ActiveIngredientMissing);
                }
                // A blank interval may still be filled from the plant-protection register
                // (`resolve_phi`), once the plot's crop is known.
                if self.phi_days.is_some_and(|d| d > MAX_PHI_DAYS) {
                    return Err(DraftError::PhiTooLong);
                }
            }
            EntryKind::Fertilising if !present(&self.input_name) => {
                return Err(DraftError::InputNameMissing);
            }
            EntryKind::Harvest => {
                if self.lot_id.is_none() {
                    return Err(DraftError::LotMissing);
                }
                if self.quantity_kg.is_none_or(|q| q <= 0) {
                    return Err(DraftError::QuantityMissing);
                }
            }
            EntryKind::Packing if self.lot_id.is_none() => return Err(DraftError::LotMissing),
            _ => {}
        }
        Ok(kind)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_client_id_is_short_plain_ascii() {
        for ok in [
            "7f9c2ba4-e88f-11e6-8b2d-0e6a2bb1b1a8",
            "a",
            "tram_1",
            &"x".repeat(64),
        ] {
            assert!(is_client_id(ok), "{ok}");
        }
        for bad in ["", &"x".repeat(65)[..], "a b", "a/b", "nhãn", "a\u{200b}"] {
            assert!(!is_client_id(bad), "{bad:?}");
        }
    }

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
        let s = [spray("Vertimec 1.8EC", day(7, 1), 7)];
        let err = check_harvest(&s, day(7, 7)).unwrap_err();
        assert_eq!(err.safe_from, day(7, 8));
        assert!(err.to_string().contains("Vertimec 1.8EC"));
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

    fn stored<'a>(entries: &'a [(HashedFields<'static>, String, String)]) -> Vec<StoredEntry<'a>> {
        entries
            .iter()
            .map(|(f, prev, hash)| StoredEntry {
                fields: f.clone(),
                prev_hash: prev,
                entry_hash: hash,
            })
            .collect()
    }

    fn chain(n: i64) -> Vec<(HashedFields<'static>, String, String)> {
        let mut prev = GENESIS_HASH.to_owned();
        (1..=n)
            .map(|seq| {
                let f = HashedFields {
                    id: Box::leak(format!("e{seq}").into_boxed_str()),
                    plot_id: "p1",
                    seq,
                    kind: "observation",
                    occurred_on: "2026-07-01",
                    recorded_at: "t",
                    ..Default::default()
                };
                let hash = entry_hash(&prev, &f);
                let row = (f, prev.clone(), hash.clone());
                prev = hash;
                row
            })
            .collect()
    }

    #[test]
    fn an_untouched_chain_verifies() {
        let c = chain(5);
        assert_eq!(verify_chain(stored(&c)), ChainStatus::Intact { entries: 5 });
        assert_eq!(verify_chain(Vec::new()), ChainStatus::Intact { entries: 0 });
    }

    #[test]
    fn edits_deletions_and_rehashing_are_caught() {
        let mut edited = chain(5);
        edited[2].0.note = "changed";
        assert_eq!(
            verify_chain(stored(&edited)),
            ChainStatus::Broken { seq: 3 }
        );

        let mut deleted = chain(5);
        deleted.remove(1);
        assert_eq!(
            verify_chain(stored(&deleted)),
            ChainStatus::Broken { seq: 2 }
        );

        // Rewriting the edited row's own hash still breaks the next link.
        let mut rehashed = chain(5);
        rehashed[2].0.note = "changed";
        rehashed[2].2 = entry_hash(&rehashed[2].1, &rehashed[2].0);
        assert_eq!(
            verify_chain(stored(&rehashed)),
            ChainStatus::Broken { seq: 4 }
        );
    }

    fn draft(kind: EntryKind) -> EntryDraft {
        EntryDraft {
            kind: Some(kind),
            occurred_on: Some(day(7, 1)),
            ..Default::default()
        }
    }

    #[test]
    fn a_blank_interval_takes_the_registers_or_is_missing() {
        use crate::diary::register::PhiSource;
        assert_eq!(resolve_phi(Some(7), Some(14)), Ok((7, PhiSource::Label)));
        assert_eq!(resolve_phi(Some(0), None), Ok((0, PhiSource::Label)));
        assert_eq!(resolve_phi(None, Some(14)), Ok((14, PhiSource::Register)));
        assert_eq!(resolve_phi(None, None), Err(DraftError::PhiMissing));
    }

    #[test]
    fn drafts_need_what_their_kind_records() {
        let today = day(7, 2);
        assert_eq!(
            draft(EntryKind::Spraying).validate(today),
            Err(DraftError::InputNameMissing)
        );
        let spraying = EntryDraft {
            input_name: Some("Vertimec 1.8EC".into()),
            active_ingredient: Some("Abamectin".into()),
            ..draft(EntryKind::Spraying)
        };
        // A blank interval passes the draft's check: the register may fill it.
        assert_eq!(spraying.validate(today), Ok(EntryKind::Spraying));
        let too_long = EntryDraft {
            phi_days: Some(400),
            ..spraying.clone()
        };
        assert_eq!(too_long.validate(today), Err(DraftError::PhiTooLong));
        let ok = EntryDraft {
            phi_days: Some(7),
            ..spraying
        };
        assert_eq!(ok.validate(today), Ok(EntryKind::Spraying));
        assert_eq!(ok.validate(day(6, 30)), Err(DraftError::DateInFuture));
        assert_eq!(
            draft(EntryKind::Harvest).validate(today),
            Err(DraftError::LotMissing)
        );
        assert_eq!(
            draft(EntryKind::Observation).validate(today),
            Ok(EntryKind::Observation)
        );
        assert_eq!(
            EntryDraft {
                note: "x".repeat(2_001),
                ..draft(EntryKind::Observation)
            }
            .validate(today),
            Err(DraftError::TooLong)
        );
    }
}
