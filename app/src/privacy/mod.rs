//! A person's own data (Personal Data Protection Law 2025): decisions per purpose recorded with
//! the policy version (at sign-up, at checkout, on the data page), `/tai-khoan/du-lieu` to
//! download everything held (JSON) or delete the account, and the retention periods the
//! settling task enforces. The policy's text is in `legal::documents`.

pub mod page;
pub mod rules;
#[cfg(feature = "ssr")]
pub mod storage;
pub mod texts;
