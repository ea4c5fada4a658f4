//! What a buyer types at checkout, checked before anything is reserved: who receives the goods,
//! where (street, commune, province: the two-tier address since July 2025), how they pay, and
//! the idempotency key that makes a double submit harmless.

use serde::{Deserialize, Serialize};

use crate::{
    address::rules::{CommuneCode, ProvinceCode},
    domain::{
        money::Vnd,
        phone::{PhoneError, PhoneVn},
        text,
    },
    shop::rules::{
        order::PaymentMethod,
        shipping::{ShippingTable, Zone},
    },
};

/// The most of one variant a cart line may hold: a specialty shop, not a wholesaler.
pub const MAX_QUANTITY: i64 = 99;

/// How many of one variant a buyer wants: 1 to [`MAX_QUANTITY`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "i64", into = "i64")]
pub struct Quantity(i64);

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("a quantity is a whole number from 1 to {MAX_QUANTITY}")]
pub struct QuantityError;

impl Quantity {
    pub fn new(n: i64) -> Result<Self, QuantityError> {
        if (1..=MAX_QUANTITY).contains(&n) {
            Ok(Quantity(n))
        } else {
            Err(QuantityError)
        }
    }

    pub fn parse(text: &str) -> Result<Self, QuantityError> {
        text.trim()
            .parse::<i64>()
            .map_err(|_| QuantityError)
            .and_then(Quantity::new)
    }

    pub fn get(self) -> i64 {
        self.0
    }
}

impl TryFrom<i64> for Quantity {
    type Error = QuantityError;
    fn try_from(n: i64) -> Result<Self, Self::Error> {
        Quantity::new(n)
    }
}

impl From<Quantity> for i64 {
    fn from(q: Quantity) -> i64 {
        q.0
    }
}

/// A checked checkout request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckoutRequest {
    pub name: String,
    pub phone: PhoneVn,
    pub street: String,
    pub province: ProvinceCode,
    pub commune: CommuneCode,
    pub method: PaymentMethod,
    pub idempotency_key: String,
    /// The total the buyer was shown (the page's, or an API client's): an order that would now
    /// cost more (a carrier's quote above the estimate) is refused and shown again, never
    /// placed at a price nobody saw.
    pub shown_total: Option<Vnd>,
}

/// The fields as submitted (a form or JSON).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CheckoutFields {
    pub name: String,
    pub phone: String,
    pub street: String,
    /// The province's code in the national list (`GET /api/v1/provinces`): "79".
    pub province_id: String,
    /// The commune's code in the national list (`GET /api/v1/provinces/{code}/communes`): "26743".
    pub commune_id: String,
    /// `cod`, `bank_transfer` or `card`.
    pub payment_method: String,
    /// Any unique string per intended checkout (a UUID): a retry with the same key returns
    /// the orders already placed.
    #[serde(default)]
    pub idempotency_key: String,
    /// The total in dong the buyer was shown for this cart and address (optional): if the
    /// checkout would now cost more, nothing is placed and the answer is `total_changed`.
    #[serde(default)]
    pub shown_total_vnd: Option<i64>,
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CheckoutInputError {
    #[error("write the name of the person who receives the goods")]
    NameMissing,
    #[error("{0}")]
    Phone(PhoneError),
    #[error("write the street and house number")]
    StreetMissing,
    #[error("choose the province and the commune")]
    AddressMissing,
    #[error("province_id must be a province's two-digit code from GET /api/v1/provinces")]
    ProvinceMalformed,
    #[error(
        "commune_id must be a commune's five-digit code from GET /api/v1/provinces/{{code}}/communes"
    )]
    CommuneMalformed,
    #[error("choose how to pay")]
    MethodUnknown,
    #[error("the idempotency key must be 8 to 100 letters, digits, '-' or '_'")]
    KeyMalformed,
    #[error("a text field is too long")]
    TooLong,
    #[error("shown_total_vnd must be a whole number of dong, 0 or more")]
    ShownTotal,
}

impl CheckoutInputError {
    /// A stable code for forms (`?loi=`) and the JSON API.
    pub fn code(&self) -> &'static str {
        match self {
            CheckoutInputError::NameMissing => "name",
            CheckoutInputError::Phone(_) => "phone",
            CheckoutInputError::StreetMissing => "street",
            CheckoutInputError::AddressMissing => "address",
            CheckoutInputError::ProvinceMalformed => "province_id",
            CheckoutInputError::CommuneMalformed => "commune_id",
            CheckoutInputError::MethodUnknown => "method",
            CheckoutInputError::KeyMalformed => "idempotency_key",
            CheckoutInputError::TooLong => "too_long",
            CheckoutInputError::ShownTotal => "shown_total_vnd",
        }
    }
}

fn clean(text: &str, max: usize) -> Result<String, CheckoutInputError> {
    // One line each: newlines and runs of spaces are collapsed.
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.chars().count() > max {
        return Err(CheckoutInputError::TooLong);
    }
    Ok(text)
}

fn is_key(text: &str) -> bool {
    (8..=100).contains(&text.len())
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

impl CheckoutFields {
    pub fn check(&self) -> Result<CheckoutRequest, CheckoutInputError> {
        let name = clean(&self.name, 100)?;
        if !text::has_visible(&name) {
            return Err(CheckoutInputError::NameMissing);
        }
        let phone = PhoneVn::parse(&self.phone).map_err(CheckoutInputError::Phone)?;
        let street = clean(&self.street, 200)?;
        if !text::has_visible(&street) {
            return Err(CheckoutInputError::StreetMissing);
        }
        if self.province_id.trim().is_empty() || self.commune_id.trim().is_empty() {
            return Err(CheckoutInputError::AddressMissing);
        }
        let province = ProvinceCode::parse(self.province_id.trim())
            .map_err(|_| CheckoutInputError::ProvinceMalformed)?;
        let commune = CommuneCode::parse(self.commune_id.trim())
            .map_err(|_| CheckoutInputError::CommuneMalformed)?;
        let method = PaymentMethod::parse(self.payment_method.trim())
            .ok_or(CheckoutInputError::MethodUnknown)?;
        let idempotency_key = self.idempotency_key.trim().to_owned();
        if !is_key(&idempotency_key) {
            return Err(CheckoutInputError::KeyMalformed);
        }
        let shown_total = self
            .shown_total_vnd
            .map(|dong| Vnd::new(dong).map_err(|_| CheckoutInputError::ShownTotal))
            .transpose()?;
        Ok(CheckoutRequest {
            name,
            phone,
            street,
            province,
            commune,
            method,
            idempotency_key,
            shown_total,
        })
    }
}

/// What a cart line costs: unit price × quantity; `None` if that overflows (no real line does:
/// the caller reports it, it never becomes a price of zero).
pub fn line_total(unit_price: Vnd, quantity: i64) -> Option<Vnd> {
    unit_price.checked_mul(quantity).ok()
}

/// One producer's lines as one order: goods, delivery and what the buyer pays.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OrderTotals {
    pub subtotal: Vnd,
    pub shipping: Vnd,
    pub total: Vnd,
}

/// The totals of one order from its lines, each `(line total, parcel grams)`, the producer's
/// table and the zone the parcel goes to (`None`: delivery is free). `None` if a sum overflows.
pub fn order_totals(
    lines: &[(Vnd, i64)],
    shipping: Option<(ShippingTable, Zone)>,
) -> Option<OrderTotals> {
    let subtotal = lines
        .iter()
        .try_fold(Vnd::ZERO, |acc, (line, _)| acc.checked_add(*line).ok())?;
    let grams = lines
        .iter()
        .fold(0_i64, |acc, (_, g)| acc.saturating_add(*g));
    let shipping = match shipping {
        Some((table, zone)) => table.fee(zone, grams, subtotal)?.amount(),
        None => Vnd::ZERO,
    };
    Some(OrderTotals {
        subtotal,
        shipping,
        total: subtotal.checked_add(shipping).ok()?,
    })
}

/// What the whole cart costs: the sum of its orders' totals; `None` if it overflows.
pub fn cart_total(order_totals: impl IntoIterator<Item = Vnd>) -> Option<Vnd> {
    order_totals
        .into_iter()
        .try_fold(Vnd::ZERO, |acc, t| acc.checked_add(t).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    mod totals {
        use super::*;
        use proptest::prelude::*;

        fn vnd(d: i64) -> Vnd {
            Vnd::new(d).unwrap()
        }

        fn table(first: i64, next: i64) -> ShippingTable {
            let mut t = ShippingTable::flat(vnd(first));
            t.country.next_500g = vnd(next);
            t
        }

        #[test]
        fn goods_plus_delivery_by_zone_and_weight() {
            let lines = [
                (line_total(vnd(85_000), 2).unwrap(), 1_000),
                (vnd(120_000), 500),
            ];
            let flat = order_totals(
                &lines,
                Some((ShippingTable::flat(vnd(30_000)), Zone::Country)),
            );
            assert_eq!(
                flat,
                Some(OrderTotals {
                    subtotal: vnd(290_000),
                    shipping: vnd(30_000),
                    total: vnd(320_000),
                })
            );
            // 1.5 kg: the first 500 g and two more started 500 g.
            let far = order_totals(&lines, Some((table(20_000, 5_000), Zone::Country))).unwrap();
            assert_eq!(far.shipping, vnd(30_000));
            let near = order_totals(&lines, Some((table(20_000, 5_000), Zone::SameProvince)));
            assert_eq!(near.unwrap().shipping, vnd(20_000));
            assert_eq!(order_totals(&lines, None).unwrap().shipping, Vnd::ZERO);
            assert_eq!(order_totals(&[], None).unwrap().total, Vnd::ZERO);
            assert_eq!(cart_total([vnd(320_000), vnd(1)]), Some(vnd(320_001)));
        }

        #[test]
        fn an_overflow_is_reported_never_a_zero() {
            assert_eq!(line_total(vnd(Vnd::MAX), 3), None);
            let huge = vnd(Vnd::MAX);
            assert_eq!(order_totals(&[(huge, 1), (huge, 1)], None), None);
            assert_eq!(cart_total([huge, huge]), None);
            let mut t = ShippingTable::flat(vnd(1));
            t.country.next_500g = huge;
            assert_eq!(
                order_totals(&[(vnd(1), i64::MAX)], Some((t, Zone::Country))),
                None
            );
        }

        proptest! {
            #[test]
            fn the_total_is_goods_plus_delivery(
                lines in prop::collection::vec((0_i64..10_000_000, 1_i64..=99, 0_i64..50_000), 0..12),
                first in 0_i64..100_000,
                next in 0_i64..50_000,
                free_over in proptest::option::of(1_i64..20_000_000),
            ) {
                let priced: Vec<(Vnd, i64)> = lines
                    .iter()
                    .map(|(price, q, g)| (line_total(vnd(*price), *q).unwrap(), g * q))
                    .collect();
                let mut t = table(first, next);
                t.free_over = free_over.map(vnd);
                let totals = order_totals(&priced, Some((t, Zone::Country))).unwrap();
                let goods: i64 = lines.iter().map(|(price, q, _)| price * q).sum();
                let grams: i64 = lines.iter().map(|(_, q, g)| q * g).sum();
                let steps = ((grams - 500).max(0) + 499) / 500;
                let fee = if free_over.is_some_and(|f| goods >= f) { 0 } else { first + steps * next };
                prop_assert_eq!(totals.subtotal.dong(), goods);
                prop_assert_eq!(totals.shipping.dong(), fee);
                prop_assert_eq!(totals.total.dong(), goods + fee);
            }
        }
    }

    fn fields() -> CheckoutFields {
        CheckoutFields {
            name: "  Nguyễn  Thị Hoa ".into(),
            phone: "0912 345 678".into(),
            street: "12 Phố Hiến".into(),
            province_id: "33".into(),
            commune_id: "12166".into(),
            payment_method: "cod".into(),
            idempotency_key: "0190c6a4-7c1e-7000-8000-000000000001".into(),
            shown_total_vnd: None,
        }
    }

    #[test]
    fn a_good_request() {
        let r = fields().check().unwrap();
        assert_eq!(r.name, "Nguyễn Thị Hoa");
        assert_eq!(r.phone.e164(), "+84912345678");
        assert_eq!(r.method, PaymentMethod::Cod);
        assert_eq!(r.commune.as_str(), "12166");
    }

    #[test]
    fn each_bad_field_is_named() {
        type Spoil = fn(&mut CheckoutFields);
        let cases: [(Spoil, &str); 12] = [
            (|f| f.name = " ".into(), "name"),
            // Accents with no letter to sit on show nothing.
            (|f| f.name = "\u{0301}\u{0303} \u{0300}".into(), "name"),
            (|f| f.street = " \u{0323}".into(), "street"),
            (|f| f.phone = "12345".into(), "phone"),
            (|f| f.street = "".into(), "street"),
            (|f| f.commune_id = "".into(), "address"),
            (|f| f.province_id = "hung-yen".into(), "province_id"),
            (|f| f.commune_id = "1216".into(), "commune_id"),
            (|f| f.commune_id = "x".repeat(500), "commune_id"),
            (|f| f.payment_method = "bitcoin".into(), "method"),
            (|f| f.idempotency_key = "short".into(), "idempotency_key"),
            (|f| f.street = "x".repeat(201), "too_long"),
        ];
        for (spoil, code) in cases {
            let mut f = fields();
            spoil(&mut f);
            assert_eq!(f.check().unwrap_err().code(), code);
        }
    }

    #[test]
    fn quantities() {
        assert!(Quantity::parse("0").is_err());
        assert!(Quantity::parse("100").is_err());
        assert!(Quantity::parse("-1").is_err());
        assert!(Quantity::parse("abc").is_err());
        assert_eq!(Quantity::parse(" 3 ").unwrap().get(), 3);
    }
}
