//! The order's life: its states, who may move it from one to the next, and what each move does
//! to stock and payment. Enforced here, in one place; the database layer only applies it.

use chrono::Duration;

use crate::text_enum;

text_enum! {
    /// Where an order stands. `placed → confirmed → shipped → delivered`; `placed` or
    /// `confirmed` may be cancelled; a parcel the carrier could not deliver is `returned` to
    /// the producer; a cancelled or returned order whose card payment went through is
    /// refunded.
    pub enum OrderStatus {
        Placed = "placed",
        Confirmed = "confirmed",
        Shipped = "shipped",
        Delivered = "delivered",
        Cancelled = "cancelled",
        Refunded = "refunded",
        Returned = "returned",
    }
}

// The payment's own states and events live with the payment; orders name its method.
pub use crate::payments::rules::{PaymentEvent, PaymentMethod, PaymentStatus};

/// Who asks for a change.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Party {
    /// The buyer who placed the order (or a guest who proved its number and phone).
    Buyer,
    /// A member of the producer that sells it.
    Producer,
    /// The commune officer or an administrator.
    Officer,
    /// The marketplace itself: unpaid orders expiring, payment webhooks.
    System,
    /// A carrier, through a callback verified with the producer's secret: it reports what
    /// happened to the parcel (picked up, delivered, returned), never confirms or cancels.
    Carrier,
}

/// A requested change of an order's status.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OrderAction {
    Confirm,
    Ship {
        carrier: String,
        tracking_no: String,
    },
    Deliver,
    Cancel {
        reason: String,
    },
    /// The card payment of a cancelled or returned order was given back.
    Refunded,
    /// The carrier could not deliver the parcel and brings it back to the producer.
    Return,
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    #[error("an order that is {from} cannot be {action}")]
    NotFrom {
        from: OrderStatus,
        action: &'static str,
    },
    #[error("only the producer may {0} an order")]
    NotYours(&'static str),
    #[error("only the carrier may say a parcel came back")]
    CarrierOnly,
    #[error("a buyer may cancel an order only before the producer confirms it")]
    BuyerTooLate,
    #[error("say why the order is cancelled")]
    ReasonMissing,
    #[error("write the carrier's name")]
    CarrierMissing,
    #[error("a text field is too long")]
    TooLong,
}

impl TransitionError {
    /// A stable code for forms (`?loi=`) and the JSON API.
    pub fn code(&self) -> &'static str {
        match self {
            TransitionError::NotFrom { .. } => "order_state",
            TransitionError::NotYours(_)
            | TransitionError::BuyerTooLate
            | TransitionError::CarrierOnly => "order_not_allowed",
            TransitionError::ReasonMissing => "cancel_reason",
            TransitionError::CarrierMissing => "carrier",
            TransitionError::TooLong => "too_long",
        }
    }
}

const MAX_TEXT: usize = 200;

impl OrderAction {
    fn verb(&self) -> &'static str {
        match self {
            OrderAction::Confirm => "confirmed",
            OrderAction::Ship { .. } => "shipped",
            OrderAction::Deliver => "delivered",
            OrderAction::Cancel { .. } => "cancelled",
            OrderAction::Refunded => "refunded",
            OrderAction::Return => "returned",
        }
    }

    /// The free text recorded in the order's history.
    pub fn note(&self) -> String {
        match self {
            OrderAction::Ship {
                carrier,
                tracking_no,
            } if tracking_no.is_empty() => carrier.clone(),
            OrderAction::Ship {
                carrier,
                tracking_no,
            } => format!("{carrier} · {tracking_no}"),
            OrderAction::Cancel { reason } => reason.clone(),
            _ => String::new(),
        }
    }
}

/// The status `action` leads to from `from` when `party` asks, or why it may not.
pub fn next_status(
    from: OrderStatus,
    action: &OrderAction,
    party: Party,
) -> Result<OrderStatus, TransitionError> {
    use OrderStatus::*;
    let fulfils = matches!(party, Party::Producer | Party::Officer);
    let carrier = party == Party::Carrier;
    let to = match (from, action) {
        (Placed, OrderAction::Confirm) if fulfils => Confirmed,
        (
            Confirmed,
            OrderAction::Ship {
                carrier: name,
                tracking_no,
            },
        ) if fulfils || carrier => {
            if name.trim().is_empty() {
                return Err(TransitionError::CarrierMissing);
            }
            if name.chars().count() > MAX_TEXT || tracking_no.chars().count() > MAX_TEXT {
                return Err(TransitionError::TooLong);
            }
            Shipped
        }
        (Shipped, OrderAction::Deliver) if fulfils => Delivered,
        // The carrier's "picked up" may be lost or arrive late: its "delivered" stands alone.
        (Confirmed | Shipped, OrderAction::Deliver) if carrier => Delivered,
        // Only the carrier knows a parcel came back: it is the one holding it.
        (Confirmed | Shipped, OrderAction::Return) if carrier => Returned,
        (Placed | Confirmed, OrderAction::Cancel { reason }) if !carrier => {
            if party == Party::Buyer && from != Placed {
                return Err(TransitionError::BuyerTooLate);
            }
            if reason.trim().is_empty() {
                return Err(TransitionError::ReasonMissing);
            }
            if reason.chars().count() > MAX_TEXT {
                return Err(TransitionError::TooLong);
            }
            Cancelled
        }
        (Cancelled | Returned, OrderAction::Refunded) if party == Party::System => Refunded,
        (Placed | Confirmed | Shipped, OrderAction::Confirm | OrderAction::Ship { .. })
        | (Shipped, OrderAction::Deliver)
            if !fulfils =>
        {
            return Err(TransitionError::NotYours(action.verb()));
        }
        (Placed | Confirmed, OrderAction::Cancel { .. }) => {
            return Err(TransitionError::NotYours(action.verb()));
        }
        (Confirmed | Shipped, OrderAction::Return) => {
            return Err(TransitionError::CarrierOnly);
        }
        _ => {
            return Err(TransitionError::NotFrom {
                from,
                action: action.verb(),
            });
        }
    };
    Ok(to)
}

impl OrderStatus {
    /// Stock goes back to the shelf when an order is cancelled: the goods never left. A
    /// returned parcel does not: it was days on the road (fresh longan, a live chicken), and
    /// only the farmer, once it is back in hand, can say what of it is still fit to sell; they
    /// put it back on the shelf through the listing's stock.
    pub fn returns_stock(self) -> bool {
        self == OrderStatus::Cancelled
    }

    /// The order ended without the buyer receiving the goods: nothing more will be paid for it
    /// (a pending cash-on-delivery or transfer payment expires), and a card payment already
    /// taken is due back (the refund task gives it back and moves the order to `refunded`).
    /// A bank transfer already received is given back by the producer, as for a cancellation.
    pub fn ends_undelivered(self) -> bool {
        matches!(self, OrderStatus::Cancelled | OrderStatus::Returned)
    }

    /// The steps the buyer sees as a progress line.
    pub const PROGRESS: [OrderStatus; 4] = [
        OrderStatus::Placed,
        OrderStatus::Confirmed,
        OrderStatus::Shipped,
        OrderStatus::Delivered,
    ];
}

/// How long an order paid by `method` may stay unpaid before its stock is released.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PaymentWindows {
    pub card: Duration,
    pub bank_transfer: Duration,
}

impl Default for PaymentWindows {
    fn default() -> Self {
        PaymentWindows {
            card: Duration::minutes(30),
            bank_transfer: Duration::hours(24),
        }
    }
}

impl PaymentWindows {
    /// `None`: cash on delivery is paid on arrival, it never expires.
    pub fn for_method(&self, method: PaymentMethod) -> Option<Duration> {
        match method {
            PaymentMethod::Cod => None,
            PaymentMethod::BankTransfer => Some(self.bank_transfer),
            PaymentMethod::Card => Some(self.card),
            // A hosted page like the card's, with the same short window.
            PaymentMethod::Vnpay => Some(self.card),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cancel(reason: &str) -> OrderAction {
        OrderAction::Cancel {
            reason: reason.to_owned(),
        }
    }

    fn ship() -> OrderAction {
        OrderAction::Ship {
            carrier: "Viettel Post".into(),
            tracking_no: "VTP123".into(),
        }
    }

    #[test]
    fn the_happy_path() {
        let s = next_status(OrderStatus::Placed, &OrderAction::Confirm, Party::Producer).unwrap();
        let s = next_status(s, &ship(), Party::Producer).unwrap();
        let s = next_status(s, &OrderAction::Deliver, Party::Officer).unwrap();
        assert_eq!(s, OrderStatus::Delivered);
    }

    #[test]
    fn every_pair_of_status_and_action_is_decided() {
        let actions = [
            OrderAction::Confirm,
            ship(),
            OrderAction::Deliver,
            cancel("hết hàng"),
            OrderAction::Refunded,
            OrderAction::Return,
        ];
        let parties = [
            Party::Buyer,
            Party::Producer,
            Party::Officer,
            Party::System,
            Party::Carrier,
        ];
        let mut allowed = vec![];
        for from in OrderStatus::ALL {
            for action in &actions {
                for party in parties {
                    if let Ok(to) = next_status(*from, action, party) {
                        allowed.push((*from, action.verb(), party, to));
                    }
                }
            }
        }
        use OrderStatus::*;
        use Party::*;
        let expected = vec![
            (Placed, "confirmed", Producer, Confirmed),
            (Placed, "confirmed", Officer, Confirmed),
            (Placed, "cancelled", Buyer, Cancelled),
            (Placed, "cancelled", Producer, Cancelled),
            (Placed, "cancelled", Officer, Cancelled),
            (Placed, "cancelled", System, Cancelled),
            (Confirmed, "shipped", Producer, Shipped),
            (Confirmed, "shipped", Officer, Shipped),
            (Confirmed, "shipped", Carrier, Shipped),
            (Confirmed, "delivered", Carrier, Delivered),
            (Confirmed, "cancelled", Producer, Cancelled),
            (Confirmed, "cancelled", Officer, Cancelled),
            (Confirmed, "cancelled", System, Cancelled),
            (Confirmed, "returned", Carrier, Returned),
            (Shipped, "delivered", Producer, Delivered),
            (Shipped, "delivered", Officer, Delivered),
            (Shipped, "delivered", Carrier, Delivered),
            (Shipped, "returned", Carrier, Returned),
            (Cancelled, "refunded", System, Refunded),
            (Returned, "refunded", System, Refunded),
        ];
        assert_eq!(allowed, expected);
    }

    #[test]
    fn refusals_say_why() {
        assert_eq!(
            next_status(OrderStatus::Confirmed, &cancel("đổi ý"), Party::Buyer),
            Err(TransitionError::BuyerTooLate)
        );
        assert_eq!(
            next_status(OrderStatus::Placed, &cancel("  "), Party::Producer),
            Err(TransitionError::ReasonMissing)
        );
        assert_eq!(
            next_status(OrderStatus::Placed, &OrderAction::Confirm, Party::Buyer),
            Err(TransitionError::NotYours("confirmed"))
        );
        assert_eq!(
            next_status(
                OrderStatus::Confirmed,
                &OrderAction::Ship {
                    carrier: " ".into(),
                    tracking_no: String::new()
                },
                Party::Producer
            ),
            Err(TransitionError::CarrierMissing)
        );
        assert!(matches!(
            next_status(OrderStatus::Delivered, &cancel("x"), Party::Officer),
            Err(TransitionError::NotFrom { .. })
        ));
        assert_eq!(
            next_status(OrderStatus::Confirmed, &cancel("x"), Party::Carrier),
            Err(TransitionError::NotYours("cancelled"))
        );
        assert_eq!(
            next_status(OrderStatus::Placed, &OrderAction::Confirm, Party::Carrier),
            Err(TransitionError::NotYours("confirmed"))
        );
        assert_eq!(
            next_status(OrderStatus::Shipped, &OrderAction::Return, Party::Producer),
            Err(TransitionError::CarrierOnly)
        );
        // A carrier's late "picked up" after delivery is refused, not a step back.
        assert!(matches!(
            next_status(OrderStatus::Delivered, &ship(), Party::Carrier),
            Err(TransitionError::NotFrom { .. })
        ));
    }

    #[test]
    fn what_an_order_ending_undelivered_does() {
        // Cancelled goods never left; a returned parcel is the farmer's to judge.
        let stock: Vec<_> = OrderStatus::ALL
            .iter()
            .filter(|s| s.returns_stock())
            .collect();
        assert_eq!(stock, [&OrderStatus::Cancelled]);
        let ended: Vec<_> = OrderStatus::ALL
            .iter()
            .filter(|s| s.ends_undelivered())
            .collect();
        assert_eq!(ended, [&OrderStatus::Cancelled, &OrderStatus::Returned]);
        assert!(!OrderStatus::PROGRESS.contains(&OrderStatus::Returned));
    }

    #[test]
    fn only_cash_on_delivery_never_expires() {
        let w = PaymentWindows::default();
        assert_eq!(w.for_method(PaymentMethod::Cod), None);
        assert_eq!(
            w.for_method(PaymentMethod::Card),
            Some(Duration::minutes(30))
        );
        assert_eq!(
            w.for_method(PaymentMethod::BankTransfer),
            Some(Duration::hours(24))
        );
    }
}
