//! The province administrator ("Quản trị"): communes (create, rename, merge), officers, the
//! site's bank account and default delivery fee, and user accounts. The server's form handlers
//! are in the server crate's `admin` module.
//!
//! - [`province_page`]: communes, officers, bank account and delivery settings.
//! - [`users_page`]: finding an account, suspending it, resetting its password.
//! - `storage` (server only): the writes behind those forms, each audited.

pub mod province_page;
#[cfg(feature = "ssr")]
pub mod storage;
pub mod users_page;
