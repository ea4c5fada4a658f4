//! Notifications (#22): what the marketplace tells each party about what concerns them. A
//! notice is written in the same transaction as the change that causes it (`storage::notify_in`,
//! the transactional outbox), once per event, recipient and channel. The in-site inbox
//! (`/thong-bao`, the bell in the header) is always on and needs no service.

pub mod delivery;
pub mod failed_page;
pub mod model;
pub mod page;
pub mod preferences;
pub mod rules;
#[cfg(feature = "ssr")]
pub mod storage;
pub mod texts;
pub mod unsubscribe;
