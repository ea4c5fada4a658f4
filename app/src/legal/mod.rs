//! Trust and the law, for everyone: who operates the marketplace (the footer on every page, its
//! details edited by administrators), and the published documents (operating rules, privacy
//! policy, terms of sale) with their versions. Complaints are in `returns`; a person's own data
//! in `privacy`; a seller's legal identity in `seller::identity`.

pub mod documents;
pub mod footer;
pub mod operator;
pub mod page;
#[cfg(feature = "ssr")]
pub mod storage;
pub mod texts;
