//! Supply forecast for commune officers (#26): from the season's flower-induction and
//! fruit-bagging entries, the harvest windows farmers planned (`care`) and the plots' areas, the
//! harvest expected per commune and crop, week by week, for the coming season; a page
//! (`/can-bo/du-bao`) and its CSV, so officers see a glut coming and organise sales early.
//!
//! - [`rules`]: the crops' timings and yields, one plot's expected harvest, the weekly sums (pure).
//! - [`page`]: the officer's page and the CSV's rows; `storage` (server only) reads the plots.

pub mod page;
pub mod rules;
#[cfg(feature = "ssr")]
pub mod storage;

/// The officer's page, and its CSV beside it.
pub const PAGE: &str = "/can-bo/du-bao";
pub const CSV: &str = "/can-bo/du-bao.csv";
