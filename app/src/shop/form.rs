//! What the buyer's and the order pages (`pages::cart`, `pages::checkout`, `pages::orders`) and
//! their form handlers (`server::routes::shop_forms`) share: the refusal reasons the handlers
//! send back in `?loi=`. Both sides use this type, so a reason one side does not know does not
//! compile.

use serde::{Deserialize, Serialize};

use crate::pages::refusal::{Refusal, number};
use crate::shop::rules::{checkout::CheckoutInputError, order::TransitionError};
#[cfg(feature = "ssr")]
use crate::shop::storage::{cart::CartError, checkout::CheckoutError, orders::OrderError};

/// Why a shop form was refused. Serialised as the query the form goes back with: `loi=<code>`,
/// and for too many guesses the minutes to wait (`phut`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "loi", rename_all = "snake_case")]
pub enum ShopRefusal {
    Name,
    Phone,
    Street,
    Address,
    Method,
    TooLong,
    Quantity,
    Unavailable,
    NotInCart,
    OutOfStock,
    NoBankAccount,
    CardUnavailable,
    VnpayUnavailable,
    /// A bank transfer back needs its reference.
    RefundReference,
    /// The orders stand but the card payment page did not open.
    CardOpen,
    IdempotencyKey,
    IdempotencyKeyReused,
    OrderState,
    OrderNotAllowed,
    CancelReason,
    Carrier,
    /// Some lines may not travel to the chosen province.
    NotDelivered,
    NotAwaitingTransfer,
    /// No order with this number and phone (said the same for a wrong phone).
    NotFound,
    /// Too many guesses at an order's phone: wait this many minutes.
    Throttled {
        #[serde(rename = "phut", default, deserialize_with = "number::deserialize")]
        minutes: u32,
    },
    /// A guest cancelling did not give the order's phone again.
    CancelPhone,
    /// "Tạo vận đơn" without an enabled account with that carrier.
    NoCarrierAccount,
    /// The order has a waybill already (a second click): the first one stands.
    WaybillExists,
    /// The parcel's weight is not 1 g to 50 kg.
    ParcelWeight,
    /// The amount to collect is not between 0 and the order's total.
    CodAmount,
    /// The carrier refused the producer's credentials.
    CarrierCredentials,
    /// The carrier does not serve the pick-up or delivery address.
    CarrierNotServed,
    /// The carrier did not answer in time, or answered with an error of its own.
    CarrierUnavailable,
    /// The carrier refused the waybill (its reason is in the logs).
    CarrierRefused,
    /// The checkout would cost more than the page showed (a carrier's quote for the chosen
    /// address): shown again with the new total, nothing placed.
    TotalChanged,
    /// A code no shop handler sends (a URL typed by hand): read as the generic text.
    #[serde(other)]
    Unknown,
}

impl Refusal for ShopRefusal {
    fn unknown() -> Option<Self> {
        Some(ShopRefusal::Unknown)
    }
}

impl From<CheckoutInputError> for ShopRefusal {
    fn from(e: CheckoutInputError) -> Self {
        match e {
            CheckoutInputError::NameMissing => ShopRefusal::Name,
            CheckoutInputError::Phone(_) => ShopRefusal::Phone,
            CheckoutInputError::StreetMissing => ShopRefusal::Street,
            CheckoutInputError::AddressMissing
            | CheckoutInputError::ProvinceMalformed
            | CheckoutInputError::CommuneMalformed => ShopRefusal::Address,
            CheckoutInputError::MethodUnknown => ShopRefusal::Method,
            CheckoutInputError::KeyMalformed => ShopRefusal::IdempotencyKey,
            CheckoutInputError::TooLong => ShopRefusal::TooLong,
            // A page never sends a bad one: it was tampered with or is stale.
            CheckoutInputError::ShownTotal => ShopRefusal::IdempotencyKey,
        }
    }
}

impl From<TransitionError> for ShopRefusal {
    fn from(e: TransitionError) -> Self {
        match e {
            TransitionError::NotFrom { .. } => ShopRefusal::OrderState,
            TransitionError::NotYours(_)
            | TransitionError::BuyerTooLate
            | TransitionError::CarrierOnly => ShopRefusal::OrderNotAllowed,
            TransitionError::ReasonMissing => ShopRefusal::CancelReason,
            TransitionError::CarrierMissing => ShopRefusal::Carrier,
            TransitionError::TooLong => ShopRefusal::TooLong,
        }
    }
}

/// The refusal for a cart error; `Err` gives back the database failure, which is no refusal.
#[cfg(feature = "ssr")]
impl TryFrom<CartError> for ShopRefusal {
    type Error = sqlx::Error;

    fn try_from(e: CartError) -> Result<Self, sqlx::Error> {
        match e {
            CartError::Unavailable => Ok(ShopRefusal::Unavailable),
            CartError::NotInCart => Ok(ShopRefusal::NotInCart),
            CartError::Db(e) => Err(e),
        }
    }
}

/// The refusal for an order error; `Err` gives back the database failure.
#[cfg(feature = "ssr")]
impl TryFrom<OrderError> for ShopRefusal {
    type Error = sqlx::Error;

    fn try_from(e: OrderError) -> Result<Self, sqlx::Error> {
        match e {
            OrderError::NotFound => Ok(ShopRefusal::NotFound),
            OrderError::Transition(e) => Ok(e.into()),
            OrderError::NotAwaitingTransfer => Ok(ShopRefusal::NotAwaitingTransfer),
            OrderError::Db(e) => Err(e),
        }
    }
}

/// The refusal for a checkout that could not be placed, as the checkout form explains it;
/// `Err` gives back what is no refusal of the form (the database, an empty or changed cart: the
/// handler sends those to the cart).
#[cfg(feature = "ssr")]
impl TryFrom<CheckoutError> for ShopRefusal {
    type Error = CheckoutError;

    fn try_from(e: CheckoutError) -> Result<Self, CheckoutError> {
        match e {
            CheckoutError::NotDelivered(_) => Ok(ShopRefusal::NotDelivered),
            CheckoutError::UnknownProvince | CheckoutError::UnknownCommune => {
                Ok(ShopRefusal::Address)
            }
            CheckoutError::NoBankAccount(_) => Ok(ShopRefusal::NoBankAccount),
            CheckoutError::CardUnavailable => Ok(ShopRefusal::CardUnavailable),
            CheckoutError::VnpayUnavailable => Ok(ShopRefusal::VnpayUnavailable),
            CheckoutError::KeyReused => Ok(ShopRefusal::IdempotencyKeyReused),
            CheckoutError::TotalRose { .. } => Ok(ShopRefusal::TotalChanged),
            e @ (CheckoutError::EmptyCart
            | CheckoutError::CartChanged(_)
            | CheckoutError::Db(_)) => Err(e),
        }
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;
    use crate::pages::refusal::{assert_each_round_trips, read};
    use crate::{i18n::Locale, shop::texts::ShopTexts};

    /// Every reason's code.
    fn code(refusal: ShopRefusal) -> &'static str {
        // No catch-all: a new reason stops this compiling; add its query to `QUERIES` too.
        use ShopRefusal::*;
        match refusal {
            Name => "name",
            Phone => "phone",
            Street => "street",
            Address => "address",
            Method => "method",
            TooLong => "too_long",
            Quantity => "quantity",
            Unavailable => "unavailable",
            NotInCart => "not_in_cart",
            OutOfStock => "out_of_stock",
            NoBankAccount => "no_bank_account",
            CardUnavailable => "card_unavailable",
            VnpayUnavailable => "vnpay_unavailable",
            RefundReference => "refund_reference",
            CardOpen => "card_open",
            IdempotencyKey => "idempotency_key",
            IdempotencyKeyReused => "idempotency_key_reused",
            OrderState => "order_state",
            OrderNotAllowed => "order_not_allowed",
            CancelReason => "cancel_reason",
            Carrier => "carrier",
            NotDelivered => "not_delivered",
            NotAwaitingTransfer => "not_awaiting_transfer",
            NotFound => "not_found",
            Throttled { .. } => "throttled",
            CancelPhone => "cancel_phone",
            NoCarrierAccount => "no_carrier_account",
            WaybillExists => "waybill_exists",
            ParcelWeight => "parcel_weight",
            CodAmount => "cod_amount",
            CarrierCredentials => "carrier_credentials",
            CarrierNotServed => "carrier_not_served",
            CarrierUnavailable => "carrier_unavailable",
            CarrierRefused => "carrier_refused",
            TotalChanged => "total_changed",
            Unknown => "unknown",
        }
    }

    /// One query per reason: the codes the pages already link to.
    const QUERIES: [&str; 36] = [
        "loi=total_changed",
        "loi=not_delivered",
        "loi=no_carrier_account",
        "loi=waybill_exists",
        "loi=parcel_weight",
        "loi=cod_amount",
        "loi=carrier_credentials",
        "loi=carrier_not_served",
        "loi=carrier_unavailable",
        "loi=carrier_refused",
        "loi=name",
        "loi=phone",
        "loi=street",
        "loi=address",
        "loi=method",
        "loi=too_long",
        "loi=quantity",
        "loi=unavailable",
        "loi=not_in_cart",
        "loi=out_of_stock",
        "loi=no_bank_account",
        "loi=card_unavailable",
        "loi=vnpay_unavailable",
        "loi=refund_reference",
        "loi=card_open",
        "loi=idempotency_key",
        "loi=idempotency_key_reused",
        "loi=order_state",
        "loi=order_not_allowed",
        "loi=cancel_reason",
        "loi=carrier",
        "loi=not_awaiting_transfer",
        "loi=not_found",
        "loi=throttled&phut=7",
        "loi=cancel_phone",
        "loi=unknown",
    ];

    fn refusal_in(query: &str) -> Option<ShopRefusal> {
        read(query)
    }

    #[test]
    fn every_refusal_round_trips_through_its_url_code_and_has_texts() {
        assert_each_round_trips(
            &QUERIES,
            |r| code(*r),
            |r, locale| (ShopTexts::of(locale).error)(*r).to_owned(),
        );
        assert_eq!(
            refusal_in("loi=throttled&phut=7"),
            Some(ShopRefusal::Throttled { minutes: 7 })
        );
    }

    #[test]
    fn the_domain_codes_stay_the_codes_the_forms_send() {
        // The JSON API sends the same codes as `error.code`.
        use CheckoutInputError as E;
        for e in [
            E::NameMissing,
            E::StreetMissing,
            E::AddressMissing,
            E::MethodUnknown,
            E::KeyMalformed,
            E::TooLong,
        ] {
            assert_eq!(
                ShopRefusal::from(e.clone()).query(),
                format!("loi={}", e.code())
            );
        }
        use TransitionError as T;
        for e in [
            T::BuyerTooLate,
            T::ReasonMissing,
            T::CarrierMissing,
            T::TooLong,
        ] {
            assert_eq!(
                ShopRefusal::from(e.clone()).query(),
                format!("loi={}", e.code())
            );
        }
        for e in [
            CheckoutError::NoBankAccount("p".into()),
            CheckoutError::KeyReused,
        ] {
            let code = e.code();
            assert_eq!(
                ShopRefusal::try_from(e).unwrap().query(),
                format!("loi={code}")
            );
        }
    }

    #[test]
    fn an_unknown_code_reads_as_unknown_with_the_generic_text_and_none_as_none() {
        for query in ["loi=nonsense", "loi=throttled&phut=soon", "loi="] {
            assert_eq!(refusal_in(query), Some(ShopRefusal::Unknown), "{query}");
        }
        assert_eq!(
            refusal_in("loi=throttled"),
            Some(ShopRefusal::Throttled { minutes: 0 }),
            "minutes left out read as none said"
        );
        assert_eq!(refusal_in("ok=1"), None);
        assert_eq!(
            (ShopTexts::of(Locale::Vi).error)(ShopRefusal::Unknown),
            "Không thực hiện được. Hãy kiểm tra lại."
        );
    }
}
