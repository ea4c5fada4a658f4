//! What a producer charges to deliver one order, and where a listing may go. A producer's table
//! has a fee for the first 500 g and for each further started 500 g in each of three zones (its
//! own province, the neighbouring provinces, the rest of the country), and may deliver free
//! above an order value. Fresh goods can be kept to the nearer zones.

use serde::{Deserialize, Serialize};

use crate::{address::rules::ProvinceCode, domain::money::Vnd, text_enum};

text_enum! {
    /// How far a parcel travels, from the producer's province to the buyer's.
    pub enum Zone {
        SameProvince = "same_province",
        Neighbouring = "neighbouring",
        Country = "country",
    }
}

text_enum! {
    /// How far a listing may be delivered: fresh longan or chicken meat only nearby.
    pub enum Reach {
        Province = "province",
        Neighbours = "neighbours",
        Country = "country",
    }
}

text_enum! {
    /// Who set an order's delivery fee: the producer's carrier account quoted it, or it comes
    /// from the producer's own table (an estimate of what the carrier will charge; pages say
    /// "ước tính" next to it), or the table makes delivery free for this order.
    pub enum ShippingSource {
        Table = "table",
        Free = "free",
        Ghn = "ghn",
        Ghtk = "ghtk",
    }
}

impl ShippingSource {
    /// The fee is the table's guess, not the carrier's price.
    pub fn estimated(self) -> bool {
        self == ShippingSource::Table
    }

    /// The source for a carrier account's name ("ghn", "ghtk"); `None` for another.
    pub fn carrier(name: &str) -> Option<ShippingSource> {
        match ShippingSource::parse(name)? {
            c @ (ShippingSource::Ghn | ShippingSource::Ghtk) => Some(c),
            ShippingSource::Table | ShippingSource::Free => None,
        }
    }
}

impl Zone {
    /// The zone of a parcel from `from` to `to` (see `NEIGHBOURS`).
    pub fn between(from: &ProvinceCode, to: &ProvinceCode) -> Zone {
        if from == to {
            Zone::SameProvince
        } else if are_neighbours(from.as_str(), to.as_str()) {
            Zone::Neighbouring
        } else {
            Zone::Country
        }
    }
}

impl Reach {
    /// Whether a listing with this reach may go to a buyer in `zone`.
    pub fn allows(self, zone: Zone) -> bool {
        match self {
            Reach::Country => true,
            Reach::Neighbours => zone != Zone::Country,
            Reach::Province => zone == Zone::SameProvince,
        }
    }
}

/// Which provinces share a border, by national code, after the 2025 mergers (34 units). Each
/// pair is listed once; `are_neighbours` reads it both ways.
const NEIGHBOURS: &[(&str, &[&str])] = &[
    ("01", &["19", "24", "25", "33", "37"]),
    ("04", &["08", "19", "20"]),
    ("08", &["15", "19", "25"]),
    ("11", &["12", "14"]),
    ("12", &["14", "15"]),
    ("14", &["15", "25", "38"]),
    ("15", &["25"]),
    ("19", &["20", "24", "25"]),
    ("20", &["22", "24"]),
    ("22", &["24", "31"]),
    ("24", &["31", "33"]),
    ("25", &["37", "38"]),
    ("31", &["33"]),
    ("33", &["37"]),
    ("37", &["38"]),
    ("38", &["40"]),
    ("40", &["42"]),
    ("42", &["44"]),
    ("44", &["46"]),
    ("46", &["48"]),
    ("48", &["51"]),
    ("51", &["52"]),
    ("52", &["66"]),
    ("56", &["66", "68"]),
    ("66", &["68"]),
    ("68", &["75", "79"]),
    ("75", &["79", "80"]),
    ("79", &["80", "82"]),
    ("80", &["82"]),
    ("82", &["86", "91", "92"]),
    ("86", &["92"]),
    ("91", &["92", "96"]),
    ("92", &["96"]),
];

fn are_neighbours(a: &str, b: &str) -> bool {
    NEIGHBOURS
        .iter()
        .any(|(p, list)| (*p == a && list.contains(&b)) || (*p == b && list.contains(&a)))
}

/// The two fees of one zone.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ZoneFee {
    /// For a parcel up to 500 g.
    pub first_500g: Vnd,
    /// For each further started 500 g.
    pub next_500g: Vnd,
}

/// A producer's delivery fees.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShippingTable {
    pub same_province: ZoneFee,
    pub neighbouring: ZoneFee,
    pub country: ZoneFee,
    /// Orders of at least this value travel free.
    pub free_over: Option<Vnd>,
}

/// What one order's delivery costs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fee {
    Charged(Vnd),
    /// The order reached the producer's free-shipping value.
    Free,
}

impl Fee {
    pub fn amount(self) -> Vnd {
        match self {
            Fee::Charged(v) => v,
            Fee::Free => Vnd::ZERO,
        }
    }
}

impl ShippingTable {
    /// The same fee for any parcel anywhere: what a producer had before tables.
    pub fn flat(fee: Vnd) -> Self {
        let zone = ZoneFee {
            first_500g: fee,
            next_500g: Vnd::ZERO,
        };
        ShippingTable {
            same_province: zone,
            neighbouring: zone,
            country: zone,
            free_over: None,
        }
    }

    /// A producer's fee from before tables, the same in every zone: a flat fee, or a base plus a
    /// price per started kilogram (as the first 500 g at base plus a kilogram, then half the
    /// kilogram price per 500 g). `None` for a mode this code does not know or a bad amount.
    pub fn from_former(mode: &str, base: i64, per_kg: i64) -> Option<Self> {
        let base = Vnd::new(base).ok()?;
        match mode {
            "flat" => Some(ShippingTable::flat(base)),
            "weight" => {
                let per_kg = Vnd::new(per_kg).ok()?;
                let zone = ZoneFee {
                    first_500g: base.checked_add(per_kg).ok()?,
                    next_500g: Vnd::new(per_kg.dong() / 2 + per_kg.dong() % 2).ok()?,
                };
                Some(ShippingTable {
                    same_province: zone,
                    neighbouring: zone,
                    country: zone,
                    free_over: None,
                })
            }
            _ => None,
        }
    }

    pub fn zone(&self, zone: Zone) -> ZoneFee {
        match zone {
            Zone::SameProvince => self.same_province,
            Zone::Neighbouring => self.neighbouring,
            Zone::Country => self.country,
        }
    }

    /// The fee for an order of `goods` weighing `grams` going to `zone`; `None` if it overflows
    /// (no real parcel does: the caller reports it, it is never a free delivery).
    pub fn fee(&self, zone: Zone, grams: i64, goods: Vnd) -> Option<Fee> {
        if self.free_over.is_some_and(|over| goods >= over) {
            return Some(Fee::Free);
        }
        let z = self.zone(zone);
        // Every started 500 g past the first counts, as carriers charge.
        let extra_steps = (grams.max(0).saturating_sub(500)).saturating_add(499) / 500;
        let extra = z.next_500g.checked_mul(extra_steps).ok()?;
        z.first_500g.checked_add(extra).ok().map(Fee::Charged)
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

    fn code(c: &str) -> ProvinceCode {
        ProvinceCode::parse(c).unwrap()
    }

    fn table() -> ShippingTable {
        ShippingTable {
            same_province: ZoneFee {
                first_500g: vnd(20_000),
                next_500g: vnd(3_000),
            },
            neighbouring: ZoneFee {
                first_500g: vnd(25_000),
                next_500g: vnd(4_000),
            },
            country: ZoneFee {
                first_500g: vnd(32_000),
                next_500g: vnd(5_000),
            },
            free_over: Some(vnd(500_000)),
        }
    }

    #[test]
    fn neighbours_are_symmetric_and_every_province_has_one() {
        let provinces = include_str!("../../../../migrations/data/vn-admin-units.csv")
            .lines()
            .skip(1)
            .filter_map(|l| l.split(',').next())
            .collect::<std::collections::BTreeSet<_>>();
        assert_eq!(provinces.len(), 34);
        for (p, list) in NEIGHBOURS {
            assert!(provinces.contains(p), "{p} is a province");
            for n in *list {
                assert!(provinces.contains(n), "{n} is a province");
                assert_ne!(p, n);
                assert!(are_neighbours(n, p), "{n} ~ {p} both ways");
            }
        }
        for p in &provinces {
            assert!(
                provinces.iter().any(|q| are_neighbours(p, q)),
                "{p} has a neighbour"
            );
        }
    }

    #[test]
    fn zones_from_hung_yen() {
        let hy = code("33");
        assert_eq!(Zone::between(&hy, &hy), Zone::SameProvince);
        assert_eq!(Zone::between(&hy, &code("01")), Zone::Neighbouring);
        assert_eq!(Zone::between(&code("01"), &hy), Zone::Neighbouring);
        assert_eq!(Zone::between(&hy, &code("79")), Zone::Country);
    }

    #[test]
    fn reach_allows_the_nearer_zones() {
        use Zone::*;
        // Exhaustive: every reach against every zone.
        let expected = [
            (Reach::Province, [true, false, false]),
            (Reach::Neighbours, [true, true, false]),
            (Reach::Country, [true, true, true]),
        ];
        for (reach, allowed) in expected {
            for (zone, ok) in [SameProvince, Neighbouring, Country]
                .into_iter()
                .zip(allowed)
            {
                assert_eq!(reach.allows(zone), ok, "{reach:?} {zone:?}");
            }
        }
    }

    #[test]
    fn fees_count_started_half_kilograms() {
        let t = table();
        let fee = |zone, grams| t.fee(zone, grams, vnd(100_000)).unwrap().amount().dong();
        assert_eq!(fee(Zone::SameProvince, 0), 20_000);
        assert_eq!(fee(Zone::SameProvince, 500), 20_000);
        assert_eq!(fee(Zone::SameProvince, 501), 23_000);
        assert_eq!(fee(Zone::SameProvince, 1000), 23_000);
        assert_eq!(fee(Zone::SameProvince, 1001), 26_000);
        assert_eq!(fee(Zone::Neighbouring, 2000), 25_000 + 3 * 4_000);
        assert_eq!(fee(Zone::Country, 5000), 32_000 + 9 * 5_000);
    }

    #[test]
    fn free_over_the_producers_value() {
        let t = table();
        assert_eq!(t.fee(Zone::Country, 9000, vnd(500_000)), Some(Fee::Free));
        assert!(matches!(
            t.fee(Zone::Country, 9000, vnd(499_999)),
            Some(Fee::Charged(_))
        ));
    }

    #[test]
    fn an_overflow_is_no_fee_not_a_free_delivery() {
        let mut t = ShippingTable::flat(vnd(1));
        t.country.next_500g = vnd(Vnd::MAX);
        assert_eq!(t.fee(Zone::Country, i64::MAX, Vnd::ZERO), None);
    }

    #[test]
    fn a_flat_table_ignores_weight_and_distance() {
        let t = ShippingTable::flat(vnd(30_000));
        for zone in Zone::ALL {
            assert_eq!(
                t.fee(*zone, 25_000, Vnd::ZERO),
                Some(Fee::Charged(vnd(30_000)))
            );
        }
    }

    #[test]
    fn former_fees_become_a_table() {
        assert_eq!(
            ShippingTable::from_former("flat", 30_000, 0),
            Some(ShippingTable::flat(vnd(30_000)))
        );
        let w = ShippingTable::from_former("weight", 20_000, 5_000).unwrap();
        assert_eq!(w.country.first_500g, vnd(25_000));
        assert_eq!(w.same_province.next_500g, vnd(2_500));
        assert_eq!(ShippingTable::from_former("drone", 1, 1), None);
        assert_eq!(ShippingTable::from_former("flat", -1, 0), None);
    }

    #[test]
    fn units_weigh_what_they_say() {
        assert_eq!(unit_grams("box", Some(500)), 500);
        assert_eq!(unit_grams("kg", None), 1000);
        assert_eq!(unit_grams("bird", None), 0);
    }
}
