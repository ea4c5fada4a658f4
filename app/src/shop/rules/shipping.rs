//! What a producer charges to deliver one order: a flat fee, or a base plus a price for every
//! started kilogram.

use serde::{Deserialize, Serialize};

use crate::domain::money::Vnd;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ShippingRule {
    Flat(Vnd),
    ByWeight { base: Vnd, per_kg: Vnd },
}

impl ShippingRule {
    /// Reads the producer's stored columns; `None` for a mode this code does not know.
    pub fn from_columns(mode: &str, base: i64, per_kg: i64) -> Option<Self> {
        let base = Vnd::new(base).ok()?;
        match mode {
            "flat" => Some(ShippingRule::Flat(base)),
            "weight" => Some(ShippingRule::ByWeight {
                base,
                per_kg: Vnd::new(per_kg).ok()?,
            }),
            _ => None,
        }
    }

    /// The fee for a parcel of `grams`; `None` if it overflows (no real parcel does).
    pub fn fee(&self, grams: i64) -> Option<Vnd> {
        match *self {
            ShippingRule::Flat(fee) => Some(fee),
            ShippingRule::ByWeight { base, per_kg } => {
                // Every started kilogram counts, as couriers charge.
                let kg = grams.max(0).saturating_add(999) / 1000;
                let extra = per_kg.dong().checked_mul(kg)?;
                Vnd::new(base.dong().checked_add(extra)?).ok()
            }
        }
    }
}

/// The weight one unit of a variant adds to a parcel: its net weight, or a kilogram for goods
/// sold by the kilogram without one.
pub fn unit_grams(unit: &str, net_weight_g: Option<i64>) -> i64 {
    match net_weight_g {
        Some(g) if g > 0 => g,
        _ if unit == "kg" => 1000,
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vnd(d: i64) -> Vnd {
        Vnd::new(d).unwrap()
    }

    #[test]
    fn flat_fee_ignores_weight() {
        let r = ShippingRule::Flat(vnd(30_000));
        assert_eq!(r.fee(0), Some(vnd(30_000)));
        assert_eq!(r.fee(25_000), Some(vnd(30_000)));
    }

    #[test]
    fn weight_fee_counts_started_kilograms() {
        let r = ShippingRule::ByWeight {
            base: vnd(20_000),
            per_kg: vnd(5_000),
        };
        assert_eq!(r.fee(0), Some(vnd(20_000)));
        assert_eq!(r.fee(1), Some(vnd(25_000)));
        assert_eq!(r.fee(1000), Some(vnd(25_000)));
        assert_eq!(r.fee(1001), Some(vnd(30_000)));
        assert_eq!(
            ShippingRule::ByWeight {
                base: vnd(0),
                per_kg: vnd(Vnd::MAX)
            }
            .fee(i64::MAX),
            None
        );
    }

    #[test]
    fn units_weigh_what_they_say() {
        assert_eq!(unit_grams("box", Some(500)), 500);
        assert_eq!(unit_grams("kg", None), 1000);
        assert_eq!(unit_grams("bird", None), 0);
    }

    #[test]
    fn stored_columns() {
        assert_eq!(
            ShippingRule::from_columns("flat", 30_000, 0),
            Some(ShippingRule::Flat(vnd(30_000)))
        );
        assert_eq!(ShippingRule::from_columns("drone", 1, 1), None);
        assert_eq!(ShippingRule::from_columns("flat", -1, 0), None);
    }
}
