//! The payment state machine. `pending → paid → refunding → refunded`; a pending payment may
//! fail or expire; money that arrives after that is still recorded (`paid`) and then given
//! back. Storage applies [`next`] to each payment row and never writes a status of its own.

use crate::text_enum;

text_enum! {
    pub enum PaymentMethod {
        /// Cash on delivery: paid to the courier or the producer when the goods arrive.
        Cod = "cod",
        /// A bank transfer to the account in the order's VietQR code.
        BankTransfer = "bank_transfer",
        /// A card, through Stripe.
        Card = "card",
        /// VNPay's hosted payment page (domestic cards, bank apps, QR).
        Vnpay = "vnpay",
    }
}

text_enum! {
    pub enum PaymentStatus {
        Pending = "pending",
        Paid = "paid",
        Failed = "failed",
        Refunded = "refunded",
        Expired = "expired",
        /// The order ended undelivered after it was paid: the money is on its way back.
        Refunding = "refunding",
    }
}

/// Something that happens to an order's payment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PaymentEvent {
    /// The provider (Stripe, VNPay's IPN) reports the money taken; it may arrive after the
    /// order expired.
    ProviderConfirmed,
    /// The provider reports the payment failed.
    ProviderFailed,
    /// Cash changed hands at the door: the order was delivered.
    CashCollected,
    /// The producer (or an officer) saw the bank transfer arrive.
    TransferReceived,
    /// The order was cancelled or expired unpaid: nothing more will be paid for it.
    WindowExpired,
    /// The order ended undelivered after it was paid: the money must go back.
    RefundRequested,
    /// The provider refunded it, or the producer recorded the transfer back.
    RefundConfirmed,
    /// The refund attempt failed: it stays owed and is tried again later.
    RefundFailed,
}

impl PaymentEvent {
    pub const ALL: [PaymentEvent; 8] = [
        PaymentEvent::ProviderConfirmed,
        PaymentEvent::ProviderFailed,
        PaymentEvent::CashCollected,
        PaymentEvent::TransferReceived,
        PaymentEvent::WindowExpired,
        PaymentEvent::RefundRequested,
        PaymentEvent::RefundConfirmed,
        PaymentEvent::RefundFailed,
    ];
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("a {method} payment that is {from} does not take {event:?}")]
pub struct Refusal {
    pub from: PaymentStatus,
    pub method: PaymentMethod,
    pub event: PaymentEvent,
}

impl PaymentMethod {
    /// Paid on a provider's hosted page: the provider's report is what marks it paid.
    pub fn is_hosted(self) -> bool {
        matches!(self, PaymentMethod::Card | PaymentMethod::Vnpay)
    }
}

/// The status `event` moves a payment of `method` to from `from`, or why it does not apply.
pub fn next(
    from: PaymentStatus,
    method: PaymentMethod,
    event: PaymentEvent,
) -> Result<PaymentStatus, Refusal> {
    use PaymentEvent as E;
    use PaymentMethod::*;
    use PaymentStatus::*;
    let to = match (event, method, from) {
        // Money that arrives late is still recorded: the refund task gives it back.
        (E::ProviderConfirmed, Card | Vnpay, Pending | Expired | Failed) => Paid,
        (E::ProviderFailed, Card | Vnpay, Pending) => Failed,
        (E::CashCollected, Cod, Pending) => Paid,
        (E::TransferReceived, BankTransfer, Pending) => Paid,
        (E::WindowExpired, _, Pending) => Expired,
        // Cash is only ever paid for goods handed over: there is nothing to give back.
        (E::RefundRequested, BankTransfer | Card | Vnpay, Paid) => Refunding,
        (E::RefundConfirmed, BankTransfer | Card | Vnpay, Refunding) => Refunded,
        // Still owed: the attempt is recorded and the refund tried again.
        (E::RefundFailed, Card | Vnpay, Refunding) => Refunding,
        _ => {
            return Err(Refusal {
                from,
                method,
                event,
            });
        }
    };
    Ok(to)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_state_method_and_event_is_decided() {
        let mut allowed = vec![];
        for from in PaymentStatus::ALL {
            for method in PaymentMethod::ALL {
                for event in PaymentEvent::ALL {
                    match next(*from, *method, event) {
                        Ok(to) => allowed.push((*from, *method, event, to)),
                        Err(e) => assert_eq!(
                            e,
                            Refusal {
                                from: *from,
                                method: *method,
                                event
                            }
                        ),
                    }
                }
            }
        }
        use PaymentEvent::*;
        use PaymentMethod::*;
        use PaymentStatus::{Expired, Failed, Paid, Pending, Refunded, Refunding};
        let expected = vec![
            (Pending, Cod, CashCollected, Paid),
            (Pending, Cod, WindowExpired, Expired),
            (Pending, BankTransfer, TransferReceived, Paid),
            (Pending, BankTransfer, WindowExpired, Expired),
            (Pending, Card, ProviderConfirmed, Paid),
            (Pending, Card, ProviderFailed, Failed),
            (Pending, Card, WindowExpired, Expired),
            (Pending, Vnpay, ProviderConfirmed, Paid),
            (Pending, Vnpay, ProviderFailed, Failed),
            (Pending, Vnpay, WindowExpired, Expired),
            (Paid, BankTransfer, RefundRequested, Refunding),
            (Paid, Card, RefundRequested, Refunding),
            (Paid, Vnpay, RefundRequested, Refunding),
            (Failed, Card, ProviderConfirmed, Paid),
            (Failed, Vnpay, ProviderConfirmed, Paid),
            (Expired, Card, ProviderConfirmed, Paid),
            (Expired, Vnpay, ProviderConfirmed, Paid),
            (Refunding, BankTransfer, RefundConfirmed, Refunded),
            (Refunding, Card, RefundConfirmed, Refunded),
            (Refunding, Card, RefundFailed, Refunding),
            (Refunding, Vnpay, RefundConfirmed, Refunded),
            (Refunding, Vnpay, RefundFailed, Refunding),
        ];
        assert_eq!(allowed, expected);
    }

    #[test]
    fn paid_and_refunded_are_never_undone_by_a_late_report() {
        for method in PaymentMethod::ALL {
            for from in [
                PaymentStatus::Paid,
                PaymentStatus::Refunding,
                PaymentStatus::Refunded,
            ] {
                assert!(next(from, *method, PaymentEvent::ProviderFailed).is_err());
                assert!(next(from, *method, PaymentEvent::WindowExpired).is_err());
                assert!(next(from, *method, PaymentEvent::ProviderConfirmed).is_err());
            }
        }
    }
}
