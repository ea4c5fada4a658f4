//! What a carrier's verified report does to an order, decided here without a database:
//! `storage::shipments` applies it in one transaction.
//!
//! Carriers retry and reorder their callbacks. Each distinct event (its status text and time)
//! is recorded once in the order's history; the status moves at most once per step, through
//! [`next_status`] as [`Party::Carrier`]; an event older than the newest one recorded, or one
//! the order is already past (a late "picked up" after "delivered"), changes nothing.

use chrono::{DateTime, Utc};

use super::order::{OrderAction, OrderStatus, Party, next_status};
use crate::text_enum;

text_enum! {
    /// A carrier a producer may have an account with.
    pub enum CarrierName {
        Ghn = "ghn",
        Ghtk = "ghtk",
    }
}

impl CarrierName {
    /// How people write it (the same in both languages).
    pub fn label(self) -> &'static str {
        match self {
            CarrierName::Ghn => "GHN (Giao Hàng Nhanh)",
            CarrierName::Ghtk => "GHTK (Giao Hàng Tiết Kiệm)",
        }
    }
}

/// The start of the history note of a waybill's creation (`waybill GHN · GHN123`); the texts
/// say it in words.
pub const WAYBILL_NOTE: &str = "waybill ";

/// The heaviest parcel a waybill is made for (grams): the carriers' limit for a standard parcel.
pub const MAX_PARCEL_GRAMS: i64 = 50_000;

/// What happened to the parcel, as the carrier's adapter reads its callback.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParcelEvent {
    /// Picked up, in transit or out for delivery.
    PickedUp,
    Delivered,
    /// On its way back to, or back at, the producer.
    Returned,
    /// Anything else (waiting for pick-up, a failed attempt, the carrier voiding the waybill):
    /// worth a line in the history, no move.
    Other,
}

/// Why an event changes nothing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ignored {
    /// The same event was recorded already (a retry).
    Replayed,
    /// A newer event was recorded already: this one arrived late.
    Older,
    /// The order is past this (delivered, then "picked up"), or not yet sent by the carrier.
    Refused,
}

/// What to do with one event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Effect {
    /// Record it, and move the order with this action.
    Move(OrderAction),
    /// Record it; the status stays (the order is already there, or the event moves nothing).
    Record,
    Ignore(Ignored),
}

/// The effect of `event`, reported at `at`, on an order that is `status`, whose newest recorded
/// carrier event was at `last_at`, and `seen` says whether this very event is recorded already.
/// `carrier` and `tracking_no` are the waybill's, for the "shipped" step.
pub fn effect(
    status: OrderStatus,
    event: ParcelEvent,
    at: DateTime<Utc>,
    last_at: Option<DateTime<Utc>>,
    seen: bool,
    waybill: (&str, &str),
) -> Effect {
    if seen {
        return Effect::Ignore(Ignored::Replayed);
    }
    if last_at.is_some_and(|last| at < last) {
        return Effect::Ignore(Ignored::Older);
    }
    let (action, reached) = match event {
        ParcelEvent::Other => return Effect::Record,
        ParcelEvent::PickedUp => (
            OrderAction::Ship {
                carrier: waybill.0.to_owned(),
                tracking_no: waybill.1.to_owned(),
            },
            OrderStatus::Shipped,
        ),
        ParcelEvent::Delivered => (OrderAction::Deliver, OrderStatus::Delivered),
        ParcelEvent::Returned => (OrderAction::Return, OrderStatus::Returned),
    };
    // "In transit" after "picked up", "returned" after "returning": one more line, no move.
    if status == reached {
        return Effect::Record;
    }
    match next_status(status, &action, Party::Carrier) {
        Ok(_) => Effect::Move(action),
        Err(_) => Effect::Ignore(Ignored::Refused),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(h: u32) -> DateTime<Utc> {
        use chrono::TimeZone;
        Utc.with_ymd_and_hms(2026, 12, 2, h, 0, 0).unwrap()
    }

    const WAYBILL: (&str, &str) = ("ghn", "GHN1");

    #[test]
    fn every_status_and_event_is_decided() {
        use ParcelEvent::*;
        let events = [PickedUp, Delivered, Returned, Other];
        let mut decided = vec![];
        for status in OrderStatus::ALL {
            for event in events {
                let e = effect(*status, event, at(10), Some(at(9)), false, WAYBILL);
                let shown = match e {
                    Effect::Move(a) => {
                        format!("move {}", next_status(*status, &a, Party::Carrier).unwrap())
                    }
                    Effect::Record => "record".to_owned(),
                    Effect::Ignore(i) => format!("{i:?}"),
                };
                decided.push(format!("{status} {event:?}: {shown}"));
            }
        }
        let expected = [
            "placed PickedUp: Refused",
            "placed Delivered: Refused",
            "placed Returned: Refused",
            "placed Other: record",
            "confirmed PickedUp: move shipped",
            "confirmed Delivered: move delivered",
            "confirmed Returned: move returned",
            "confirmed Other: record",
            "shipped PickedUp: record",
            "shipped Delivered: move delivered",
            "shipped Returned: move returned",
            "shipped Other: record",
            "delivered PickedUp: Refused",
            "delivered Delivered: record",
            "delivered Returned: Refused",
            "delivered Other: record",
            "cancelled PickedUp: Refused",
            "cancelled Delivered: Refused",
            "cancelled Returned: Refused",
            "cancelled Other: record",
            "refunded PickedUp: Refused",
            "refunded Delivered: Refused",
            "refunded Returned: Refused",
            "refunded Other: record",
            "returned PickedUp: Refused",
            "returned Delivered: Refused",
            "returned Returned: record",
            "returned Other: record",
        ];
        assert_eq!(decided, expected);
    }

    #[test]
    fn a_retry_or_a_late_event_changes_nothing() {
        let s = OrderStatus::Confirmed;
        assert_eq!(
            effect(
                s,
                ParcelEvent::PickedUp,
                at(10),
                Some(at(10)),
                true,
                WAYBILL
            ),
            Effect::Ignore(Ignored::Replayed)
        );
        assert_eq!(
            effect(
                s,
                ParcelEvent::PickedUp,
                at(8),
                Some(at(10)),
                false,
                WAYBILL
            ),
            Effect::Ignore(Ignored::Older)
        );
        // Another event at the same second as the newest one still counts.
        assert!(matches!(
            effect(
                s,
                ParcelEvent::PickedUp,
                at(10),
                Some(at(10)),
                false,
                WAYBILL
            ),
            Effect::Move(OrderAction::Ship { .. })
        ));
        // The first event of a waybill.
        assert_eq!(
            effect(s, ParcelEvent::Delivered, at(10), None, false, WAYBILL),
            Effect::Move(OrderAction::Deliver)
        );
    }
}
