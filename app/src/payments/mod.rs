//! A payment's life, in one place: its states and the events that move it (`rules`), the
//! database writes that apply them (`storage`, server only) and the words people read
//! (`texts`). Orders own their payment method; this module owns what happens to the money.

pub mod refunds_page;
pub mod rules;
#[cfg(feature = "ssr")]
pub mod storage;
pub mod texts;

use serde::{Deserialize, Serialize};

use crate::domain::money::Vnd;

/// A refund not done yet, for the administrators' page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenRefund {
    pub payment_id: String,
    pub order_no: String,
    pub method: rules::PaymentMethod,
    pub amount: Vnd,
    pub attempts: i64,
    pub last_error: Option<String>,
    pub next_try_at: Option<String>,
}
