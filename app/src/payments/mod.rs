//! A payment's life, in one place: its states and the events that move it (`rules`), the
//! database writes that apply them (`storage`, server only) and the words people read
//! (`texts`). Orders own their payment method; this module owns what happens to the money.

pub mod rules;
#[cfg(feature = "ssr")]
pub mod storage;
pub mod texts;
