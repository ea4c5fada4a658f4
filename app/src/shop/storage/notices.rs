//! Who hears about an order, and what (#22): written in the transaction that changes the order,
//! so a committed change always has its notices and a rolled-back one none. Each status is
//! reached at most once per order, so `{kind}:{order id}` names the event.

use sqlx::AnyConnection;

use crate::{
    db::decode,
    i18n::Locale,
    notify::{
        rules::Notice,
        storage::{Recipient, notify_in, notify_producer_in},
    },
    shop::rules::order::{OrderStatus, Party},
};

/// Who is told that an order reached a status.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Audience {
    pub buyer: bool,
    pub producer: bool,
}

/// Nobody is told what they did themselves; the buyer hears every step of its order, the
/// producer what it did not do (a buyer's or the system's cancellation, a returned parcel).
pub fn audience(to: OrderStatus, by: Party) -> Audience {
    let not_by = |party: Party| by != party;
    match to {
        // Placing is announced by checkout, to the producer.
        OrderStatus::Placed => Audience {
            buyer: false,
            producer: false,
        },
        OrderStatus::Confirmed | OrderStatus::Shipped | OrderStatus::Delivered => Audience {
            buyer: not_by(Party::Buyer),
            producer: false,
        },
        OrderStatus::Cancelled => Audience {
            buyer: not_by(Party::Buyer),
            producer: not_by(Party::Producer),
        },
        OrderStatus::Returned => Audience {
            buyer: true,
            producer: true,
        },
        OrderStatus::Refunded => Audience {
            buyer: true,
            producer: false,
        },
    }
}

/// An order as its notices need it.
struct OrderFacts {
    order_no: String,
    producer_id: String,
    buyer_user_id: Option<String>,
    phone: String,
    locale: Locale,
    carrier: Option<String>,
    tracking_no: Option<String>,
    cancel_reason: Option<String>,
    total: crate::domain::money::Vnd,
}

async fn facts(conn: &mut AnyConnection, order_id: &str) -> Result<OrderFacts, sqlx::Error> {
    type Row = (
        String,
        String,
        Option<String>,
        String,
        String,
        Option<String>,
        Option<String>,
        Option<String>,
        i64,
    );
    let (order_no, producer_id, buyer_user_id, phone, locale, carrier, tracking_no, reason, total): Row =
        sqlx::query_as(ORDER_FACTS)
            .bind(order_id)
            .fetch_one(&mut *conn)
            .await?;
    let locale = Locale::from_code(&locale).ok_or_else(|| {
        decode::bad_value("checkouts.locale", order_id, &locale, "not a language")
    })?;
    Ok(OrderFacts {
        order_no,
        producer_id,
        buyer_user_id,
        phone,
        locale,
        carrier,
        tracking_no,
        cancel_reason: reason,
        total: decode::vnd("orders.total_vnd", order_id, total)?,
    })
}

impl OrderFacts {
    /// The buyer's account, or for a guest the phone given at checkout.
    fn buyer(&self) -> Recipient<'_> {
        match &self.buyer_user_id {
            Some(id) => Recipient::User(id),
            None => Recipient::Phone(&self.phone, self.locale),
        }
    }
}

/// A new order: its producer's people.
pub(crate) async fn order_placed_in(
    conn: &mut AnyConnection,
    order_id: &str,
    at: &str,
) -> Result<(), sqlx::Error> {
    let order = facts(conn, order_id).await?;
    let notice = Notice::OrderPlaced {
        order_no: order.order_no.clone(),
        total: order.total,
    };
    let event = format!("{}:{order_id}", notice.kind().as_str());
    notify_producer_in(conn, &event, &order.producer_id, &notice, at).await
}

/// An order reached `to` through `by`.
pub(crate) async fn status_reached_in(
    conn: &mut AnyConnection,
    order_id: &str,
    to: OrderStatus,
    by: Party,
    at: &str,
) -> Result<(), sqlx::Error> {
    let who = audience(to, by);
    if !who.buyer && !who.producer {
        return Ok(());
    }
    let order = facts(conn, order_id).await?;
    if to == OrderStatus::Cancelled
        && order.cancel_reason.as_deref() == Some(super::orders::PAYMENT_FAILED_REASON)
    {
        // The payment-failed notice says it, once.
        return Ok(());
    }
    let order_no = order.order_no.clone();
    let notice = match to {
        OrderStatus::Placed => return Ok(()),
        OrderStatus::Confirmed => Notice::OrderConfirmed { order_no },
        OrderStatus::Shipped => Notice::OrderShipped {
            order_no,
            carrier: order.carrier.clone().unwrap_or_default(),
            tracking_no: order.tracking_no.clone(),
        },
        OrderStatus::Delivered => Notice::OrderDelivered { order_no },
        OrderStatus::Cancelled => Notice::OrderCancelled {
            order_no,
            reason: order.cancel_reason.clone().unwrap_or_default(),
        },
        OrderStatus::Returned => Notice::OrderReturned { order_no },
        OrderStatus::Refunded => Notice::OrderRefunded {
            order_no,
            amount: order.total,
        },
    };
    let event = format!("{}:{order_id}", notice.kind().as_str());
    if who.buyer {
        notify_in(conn, &event, order.buyer(), &notice, at).await?;
    }
    if who.producer {
        notify_producer_in(conn, &event, &order.producer_id, &notice, at).await?;
    }
    Ok(())
}

/// What happened to an order's payment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PaymentNews {
    Received,
    Failed,
}

/// A payment of an order was received or failed: the buyer and the producer.
pub(crate) async fn payment_in(
    conn: &mut AnyConnection,
    order_id: &str,
    news: PaymentNews,
    at: &str,
) -> Result<(), sqlx::Error> {
    let order = facts(conn, order_id).await?;
    let order_no = order.order_no.clone();
    let notice = match news {
        PaymentNews::Received => Notice::PaymentReceived {
            order_no,
            amount: order.total,
        },
        PaymentNews::Failed => Notice::PaymentFailed { order_no },
    };
    let event = format!("{}:{order_id}", notice.kind().as_str());
    notify_in(conn, &event, order.buyer(), &notice, at).await?;
    notify_producer_in(conn, &event, &order.producer_id, &notice, at).await
}

crate::db::statements! {
    /// `facts`.
    ORDER_FACTS = "SELECT o.order_no, o.producer_id, o.buyer_user_id, c.contact_phone, c.locale,
            o.carrier, o.tracking_no, o.cancel_reason, o.total_vnd
        FROM orders o JOIN checkouts c ON c.id = o.checkout_id WHERE o.id = $1";
}

#[cfg(test)]
mod tests {
    use super::*;

    const PARTIES: [Party; 5] = [
        Party::Buyer,
        Party::Producer,
        Party::Officer,
        Party::System,
        Party::Carrier,
    ];

    #[test]
    fn nobody_hears_of_what_they_did_and_the_buyer_hears_every_step() {
        for to in OrderStatus::ALL.iter().copied() {
            for by in PARTIES {
                let who = audience(to, by);
                if by == Party::Buyer && to != OrderStatus::Returned && to != OrderStatus::Refunded
                {
                    assert!(!who.buyer, "{to:?} by the buyer");
                }
                if by == Party::Producer && to != OrderStatus::Returned {
                    assert!(!who.producer, "{to:?} by the producer");
                }
                let expected_buyer = match to {
                    OrderStatus::Placed => false,
                    OrderStatus::Returned | OrderStatus::Refunded => true,
                    _ => by != Party::Buyer,
                };
                assert_eq!(who.buyer, expected_buyer, "{to:?} by {by:?}");
                let expected_producer = match to {
                    OrderStatus::Cancelled => by != Party::Producer,
                    OrderStatus::Returned => true,
                    _ => false,
                };
                assert_eq!(who.producer, expected_producer, "{to:?} by {by:?}");
            }
        }
    }
}
