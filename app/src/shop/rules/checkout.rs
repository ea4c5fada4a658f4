//! What a buyer types at checkout, checked before anything is reserved: who receives the goods,
//! where (street, commune, province: the two-tier address since July 2025), how they pay, and
//! the idempotency key that makes a double submit harmless.

use serde::{Deserialize, Serialize};

use crate::{
    domain::{
        phone::{PhoneError, PhoneVn},
        text,
    },
    shop::rules::order::PaymentMethod,
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
    pub province_id: String,
    pub commune_id: String,
    pub method: PaymentMethod,
    pub idempotency_key: String,
}

/// The fields as submitted (a form or JSON).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CheckoutFields {
    pub name: String,
    pub phone: String,
    pub street: String,
    pub province_id: String,
    pub commune_id: String,
    /// `cod`, `bank_transfer` or `card`.
    pub payment_method: String,
    /// Any unique string per intended checkout (a UUID): a retry with the same key returns
    /// the orders already placed.
    #[serde(default)]
    pub idempotency_key: String,
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
    #[error("choose how to pay")]
    MethodUnknown,
    #[error("the idempotency key must be 8 to 100 letters, digits, '-' or '_'")]
    KeyMalformed,
    #[error("a text field is too long")]
    TooLong,
}

impl CheckoutInputError {
    /// A stable code for forms (`?loi=`) and the JSON API.
    pub fn code(&self) -> &'static str {
        match self {
            CheckoutInputError::NameMissing => "name",
            CheckoutInputError::Phone(_) => "phone",
            CheckoutInputError::StreetMissing => "street",
            CheckoutInputError::AddressMissing => "address",
            CheckoutInputError::MethodUnknown => "method",
            CheckoutInputError::KeyMalformed => "idempotency_key",
            CheckoutInputError::TooLong => "too_long",
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
        let province_id = self.province_id.trim().to_owned();
        let commune_id = self.commune_id.trim().to_owned();
        if province_id.is_empty() || commune_id.is_empty() {
            return Err(CheckoutInputError::AddressMissing);
        }
        if province_id.len() > 100 || commune_id.len() > 100 {
            return Err(CheckoutInputError::TooLong);
        }
        let method = PaymentMethod::parse(self.payment_method.trim())
            .ok_or(CheckoutInputError::MethodUnknown)?;
        let idempotency_key = self.idempotency_key.trim().to_owned();
        if !is_key(&idempotency_key) {
            return Err(CheckoutInputError::KeyMalformed);
        }
        Ok(CheckoutRequest {
            name,
            phone,
            street,
            province_id,
            commune_id,
            method,
            idempotency_key,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields() -> CheckoutFields {
        CheckoutFields {
            name: "  Nguyễn  Thị Hoa ".into(),
            phone: "0912 345 678".into(),
            street: "12 Phố Hiến".into(),
            province_id: "p1".into(),
            commune_id: "c1".into(),
            payment_method: "cod".into(),
            idempotency_key: "0190c6a4-7c1e-7000-8000-000000000001".into(),
        }
    }

    #[test]
    fn a_good_request() {
        let r = fields().check().unwrap();
        assert_eq!(r.name, "Nguyễn Thị Hoa");
        assert_eq!(r.phone.e164(), "+84912345678");
        assert_eq!(r.method, PaymentMethod::Cod);
    }

    #[test]
    fn each_bad_field_is_named() {
        type Spoil = fn(&mut CheckoutFields);
        let cases: [(Spoil, &str); 9] = [
            (|f| f.name = " ".into(), "name"),
            // Accents with no letter to sit on show nothing.
            (|f| f.name = "\u{0301}\u{0303} \u{0300}".into(), "name"),
            (|f| f.street = " \u{0323}".into(), "street"),
            (|f| f.phone = "12345".into(), "phone"),
            (|f| f.street = "".into(), "street"),
            (|f| f.commune_id = "".into(), "address"),
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
