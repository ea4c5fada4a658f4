//! Buyer reviews (#27): the buyer of a delivered order reviews each of its lines once (stars,
//! text, up to three photos through the photo pipeline); the producer replies once; an officer
//! of the producer's commune or an administrator hides a review with a reason (kept and
//! audited). Product pages show the average, the count and the published reviews; search sorts
//! by rating; the product's JSON-LD carries `aggregateRating` and the reviews.
//!
//! - [`rules`]: stars, text, photo count, who may review, reply once, hide/unhide (pure).
//! - [`texts`]: every word of the review screens, in Vietnamese and English.
//! - [`view`]: the order page's review forms, the product page's reviews, the producer's
//!   `/ban-hang/danh-gia` and the officer's `/can-bo/danh-gia`.
//! - `storage` (server only): reviews in the database.

pub mod rules;
#[cfg(feature = "ssr")]
pub mod storage;
pub mod texts;
pub mod view;

/// The producer's reviews page.
pub const SELLER_PAGE: &str = "/ban-hang/danh-gia";
/// The officers' moderation page.
pub const OFFICER_PAGE: &str = "/can-bo/danh-gia";
/// Query names the review forms answer with.
pub const DONE: &str = "dg";
pub const REFUSED: &str = "loi_dg";
