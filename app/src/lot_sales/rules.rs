//! The rules of lots on sale, pure: how many units a lot puts on sale by default, and how an
//! order line is taken from the lots of its variant (first in, first out).

use chrono::NaiveDate;

use crate::domain::product::SaleUnit;

/// The most units one lot may put on sale (a bound on a typo, not a business limit).
pub const MAX_UNITS: i64 = 1_000_000;

/// The units a lot puts on sale unless the farmer says otherwise: its harvest in kilograms when
/// the variant is sold by the kilogram, else the harvest divided by the variant's net weight
/// (rounded down). `None` when it cannot be worked out (no quantity recorded, a variant sold by
/// the bird or the ticket without a weight): the farmer enters it.
pub fn default_units(
    quantity_kg: Option<i64>,
    unit: Option<SaleUnit>,
    net_weight_g: Option<i64>,
) -> Option<i64> {
    let kg = quantity_kg.filter(|q| *q >= 0)?;
    let units = if unit == Some(SaleUnit::Kg) {
        kg
    } else {
        let grams = kg.checked_mul(1000)?;
        grams / net_weight_g.filter(|g| *g > 0)?
    };
    Some(units.min(MAX_UNITS))
}

/// Why the units typed for a lot were refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum UnitsError {
    #[error("enter how many units of the lot go on sale")]
    Missing,
    #[error("the units on sale are a whole number from 1 to {MAX_UNITS}")]
    OutOfRange,
}

/// The units a lot goes on sale with: those typed, else the default.
pub fn units_on_sale(typed: Option<i64>, default: Option<i64>) -> Result<i64, UnitsError> {
    let units = typed.or(default).ok_or(UnitsError::Missing)?;
    if (1..=MAX_UNITS).contains(&units) {
        Ok(units)
    } else {
        Err(UnitsError::OutOfRange)
    }
}

/// A lot of the line's variant, as checkout sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LotStock {
    pub id: String,
    pub harvested_on: Option<NaiveDate>,
    /// When the lot was created (a database timestamp): the tie-break after the harvest day.
    pub created_at: String,
    /// An officer's stamp is on it now.
    pub verified: bool,
    pub on_sale: bool,
    /// NULL (never put on sale) reads as none.
    pub units_left: Option<i64>,
}

impl LotStock {
    /// Whether checkout may take units from it: verified, on sale, with units left.
    pub fn sellable(&self) -> bool {
        self.verified && self.on_sale && self.units_left.is_some_and(|u| u > 0)
    }
}

/// Units of a line taken from one lot.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Take {
    pub lot_id: String,
    pub quantity: i64,
}

/// How a line of `quantity` units is covered.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Allocation {
    /// From the oldest harvest on, each lot once.
    pub takes: Vec<Take>,
    /// Units no lot covers (stock set by hand, a product without lots): they stay unassigned.
    pub unassigned: i64,
}

impl Allocation {
    /// The one lot the whole line came from, if it came from exactly one.
    pub fn single_lot(&self) -> Option<&str> {
        match self.takes.as_slice() {
            [only] => Some(&only.lot_id),
            _ => None,
        }
    }
}

/// Takes `quantity` units from `lots`: only sellable lots, the oldest harvest first (then the
/// lot created first, then the lowest id), each lot as far as its units go before the next.
/// A quantity of zero or less takes nothing.
pub fn allocate(lots: &[LotStock], quantity: i64) -> Allocation {
    let mut sellable: Vec<&LotStock> = lots.iter().filter(|l| l.sellable()).collect();
    // A lot without a harvest day (never the case for a lot on sale) goes last.
    sellable.sort_by(|a, b| {
        (
            a.harvested_on.is_none(),
            a.harvested_on,
            &a.created_at,
            &a.id,
        )
            .cmp(&(
                b.harvested_on.is_none(),
                b.harvested_on,
                &b.created_at,
                &b.id,
            ))
    });
    let mut wanted = quantity.max(0);
    let mut takes = Vec::new();
    for lot in sellable {
        if wanted == 0 {
            break;
        }
        let n = lot.units_left.unwrap_or(0).min(wanted);
        takes.push(Take {
            lot_id: lot.id.clone(),
            quantity: n,
        });
        wanted -= n;
    }
    Allocation {
        takes,
        unassigned: wanted,
    }
}

/// Units a cancelled order had taken from a lot.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Taken {
    pub lot_id: String,
    pub quantity: i64,
    /// The lot was recalled since: its units are not for sale again.
    pub recalled: bool,
}

/// What a cancellation gives back: the units per lot that go back on sale (recalled lots get
/// nothing back), and the units withheld from the variant's stock (those of recalled lots).
pub fn give_back(taken: &[Taken]) -> (Vec<Take>, i64) {
    let mut back = Vec::new();
    let mut withheld = 0;
    for t in taken.iter().filter(|t| t.quantity > 0) {
        if t.recalled {
            withheld += t.quantity;
        } else {
            back.push(Take {
                lot_id: t.lot_id.clone(),
                quantity: t.quantity,
            });
        }
    }
    (back, withheld)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(2026, 7, d)
    }

    fn lot(id: &str, harvested: u32, units: i64) -> LotStock {
        LotStock {
            id: id.to_owned(),
            harvested_on: day(harvested),
            created_at: "2026-07-01T00:00:00.000Z".to_owned(),
            verified: true,
            on_sale: true,
            units_left: Some(units),
        }
    }

    fn takes(a: &Allocation) -> Vec<(&str, i64)> {
        a.takes
            .iter()
            .map(|t| (t.lot_id.as_str(), t.quantity))
            .collect()
    }

    #[test]
    fn the_default_units_follow_the_sale_unit() {
        assert_eq!(
            default_units(Some(800), Some(SaleUnit::Kg), None),
            Some(800)
        );
        assert_eq!(
            default_units(Some(800), Some(SaleUnit::Kg), Some(500)),
            Some(800),
            "by the kilogram the net weight does not matter"
        );
        assert_eq!(
            default_units(Some(800), Some(SaleUnit::Box), Some(1000)),
            Some(800)
        );
        assert_eq!(
            default_units(Some(800), Some(SaleUnit::Box), Some(3000)),
            Some(266),
            "rounded down: a box is not sold half full"
        );
        assert_eq!(
            default_units(Some(1), Some(SaleUnit::Jar), Some(300)),
            Some(3)
        );
        assert_eq!(
            default_units(Some(0), Some(SaleUnit::Box), Some(300)),
            Some(0)
        );
        assert_eq!(default_units(Some(800), Some(SaleUnit::Bird), None), None);
        assert_eq!(default_units(None, Some(SaleUnit::Kg), None), None);
        assert_eq!(default_units(Some(-5), Some(SaleUnit::Kg), None), None);
        assert_eq!(default_units(Some(800), None, None), None);
        assert_eq!(default_units(Some(800), Some(SaleUnit::Box), Some(0)), None);
        assert_eq!(
            default_units(Some(i64::MAX), Some(SaleUnit::Box), Some(1)),
            None,
            "no overflow"
        );
        assert_eq!(
            default_units(Some(5_000_000), Some(SaleUnit::Kg), None),
            Some(MAX_UNITS)
        );
    }

    #[test]
    fn the_units_typed_win_over_the_default_and_stay_in_range() {
        assert_eq!(units_on_sale(Some(40), Some(800)), Ok(40));
        assert_eq!(units_on_sale(None, Some(800)), Ok(800));
        assert_eq!(units_on_sale(None, None), Err(UnitsError::Missing));
        assert_eq!(
            units_on_sale(Some(0), Some(800)),
            Err(UnitsError::OutOfRange)
        );
        assert_eq!(units_on_sale(None, Some(0)), Err(UnitsError::OutOfRange));
        assert_eq!(units_on_sale(Some(-1), None), Err(UnitsError::OutOfRange));
        assert_eq!(units_on_sale(Some(MAX_UNITS), None), Ok(MAX_UNITS));
        assert_eq!(
            units_on_sale(Some(MAX_UNITS + 1), None),
            Err(UnitsError::OutOfRange)
        );
    }

    #[test]
    fn a_line_comes_from_the_oldest_harvest_first_and_splits_across_lots() {
        let lots = [lot("b", 20, 5), lot("a", 10, 3), lot("c", 25, 100)];
        let a = allocate(&lots, 2);
        assert_eq!(takes(&a), [("a", 2)]);
        assert_eq!(a.single_lot(), Some("a"));
        let a = allocate(&lots, 3);
        assert_eq!(
            takes(&a),
            [("a", 3)],
            "exactly a lot's units: no empty take"
        );
        let a = allocate(&lots, 7);
        assert_eq!(takes(&a), [("a", 3), ("b", 4)]);
        assert_eq!(a.unassigned, 0);
        assert_eq!(a.single_lot(), None);
        let a = allocate(&lots, 108);
        assert_eq!(takes(&a), [("a", 3), ("b", 5), ("c", 100)]);
        assert_eq!(a.unassigned, 0);
    }

    #[test]
    fn units_beyond_the_lots_stay_unassigned() {
        let lots = [lot("a", 10, 3), lot("b", 20, 2)];
        let a = allocate(&lots, 9);
        assert_eq!(takes(&a), [("a", 3), ("b", 2)]);
        assert_eq!(a.unassigned, 4);
        let none = allocate(&[], 4);
        assert_eq!(
            none,
            Allocation {
                takes: vec![],
                unassigned: 4
            }
        );
        assert_eq!(none.single_lot(), None);
        assert_eq!(allocate(&lots, 0), Allocation::default());
        assert_eq!(allocate(&lots, -3), Allocation::default());
    }

    #[test]
    fn unverified_unsold_and_empty_lots_are_skipped() {
        let unverified = LotStock {
            verified: false,
            ..lot("u", 1, 50)
        };
        let not_on_sale = LotStock {
            on_sale: false,
            ..lot("n", 2, 50)
        };
        let empty = lot("e", 3, 0);
        let never = LotStock {
            units_left: None,
            ..lot("x", 4, 0)
        };
        let good = lot("g", 30, 10);
        let lots = [unverified, not_on_sale, empty, never, good];
        let a = allocate(&lots, 4);
        assert_eq!(takes(&a), [("g", 4)]);
        let a = allocate(&lots, 12);
        assert_eq!(takes(&a), [("g", 10)]);
        assert_eq!(a.unassigned, 2);
        assert!(!lots[0].sellable() && !lots[1].sellable() && !lots[2].sellable());
        assert!(!lots[3].sellable() && lots[4].sellable());
    }

    #[test]
    fn ties_on_the_harvest_day_go_by_creation_then_id() {
        let later = LotStock {
            created_at: "2026-07-02T00:00:00.000Z".to_owned(),
            ..lot("a", 10, 2)
        };
        let earlier = LotStock {
            created_at: "2026-07-01T00:00:00.000Z".to_owned(),
            ..lot("b", 10, 2)
        };
        assert_eq!(
            takes(&allocate(&[later.clone(), earlier.clone()], 3)),
            [("b", 2), ("a", 1)]
        );
        let twin = lot("c", 10, 2);
        let first = lot("a", 10, 2);
        assert_eq!(takes(&allocate(&[twin, first], 3)), [("a", 2), ("c", 1)]);
        let undated = LotStock {
            harvested_on: None,
            ..lot("0", 1, 5)
        };
        assert_eq!(
            takes(&allocate(&[undated, lot("z", 31, 1)], 2)),
            [("z", 1), ("0", 1)],
            "a lot without a harvest day goes last"
        );
    }

    /// Every small case: what is taken never exceeds a lot's units or the line, only sellable
    /// lots give, the takes plus the unassigned units make the line, and no lot is used while
    /// an older sellable one still has units.
    #[test]
    fn the_allocation_holds_its_invariants_exhaustively() {
        let states = [
            (true, true, Some(0)),
            (true, true, Some(1)),
            (true, true, Some(3)),
            (false, true, Some(2)),
            (true, false, Some(2)),
            (true, true, None),
        ];
        for a in states {
            for b in states {
                for c in states {
                    let lots: Vec<LotStock> = [a, b, c]
                        .iter()
                        .enumerate()
                        .map(|(i, (verified, on_sale, units))| LotStock {
                            id: format!("l{i}"),
                            // Listed newest first: the order given must not matter.
                            harvested_on: day(20 - i as u32),
                            created_at: String::new(),
                            verified: *verified,
                            on_sale: *on_sale,
                            units_left: *units,
                        })
                        .collect();
                    let available: i64 = lots
                        .iter()
                        .filter(|l| l.sellable())
                        .map(|l| l.units_left.unwrap_or(0))
                        .sum();
                    for quantity in 0..=8 {
                        let got = allocate(&lots, quantity);
                        let taken: i64 = got.takes.iter().map(|t| t.quantity).sum();
                        assert_eq!(taken + got.unassigned, quantity);
                        assert_eq!(taken, quantity.min(available));
                        for t in &got.takes {
                            let l = lots.iter().find(|l| l.id == t.lot_id).unwrap();
                            assert!(l.sellable(), "{lots:?} {quantity}");
                            assert!(t.quantity > 0 && Some(t.quantity) <= l.units_left);
                        }
                        // Oldest first: a lot is used only once every older sellable lot is
                        // used up.
                        let mut by_age: Vec<&LotStock> =
                            lots.iter().filter(|l| l.sellable()).collect();
                        by_age.sort_by_key(|l| l.harvested_on);
                        let mut open = false;
                        for l in by_age {
                            let took = got
                                .takes
                                .iter()
                                .find(|t| t.lot_id == l.id)
                                .map_or(0, |t| t.quantity);
                            assert!(!(open && took > 0), "{lots:?} {quantity}");
                            if took < l.units_left.unwrap_or(0) {
                                open = true;
                            }
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn a_cancellation_gives_back_to_the_lots_except_recalled_ones() {
        let taken = [
            Taken {
                lot_id: "a".into(),
                quantity: 3,
                recalled: false,
            },
            Taken {
                lot_id: "r".into(),
                quantity: 2,
                recalled: true,
            },
            Taken {
                lot_id: "z".into(),
                quantity: 0,
                recalled: false,
            },
        ];
        let (back, withheld) = give_back(&taken);
        assert_eq!(
            back,
            [Take {
                lot_id: "a".into(),
                quantity: 3
            }]
        );
        assert_eq!(withheld, 2);
        assert_eq!(give_back(&[]), (vec![], 0));
    }
}
