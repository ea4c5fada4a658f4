//! Delivery addresses anywhere in Vietnam: the national two-tier list of administrative units
//! (34 provinces and cities, 3,321 communes, wards and special zones since 1 July 2025), its
//! codes parsed at the boundary, the province-then-commune picker, and (behind `ssr`) the list's
//! storage. The marketplace's own communes (`catalog`, `officer`) point at their unit here.

pub mod model;
pub mod picker;
pub mod rules;
pub mod texts;

#[cfg(feature = "ssr")]
pub mod storage;
