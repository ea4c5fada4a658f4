//! Lots on order lines (#24, "traceability to the buyer's door"): a variant's stock is fed by its
//! lots on sale; checkout takes each line from the verified lots on sale, oldest harvest first,
//! splitting a line across lots when needed, and records them; a cancellation gives the units
//! back to their lots. Everything about it lives here; the checkout, order and diary code calls
//! in at one place each.
//!
//! - [`rules`]: the default units of a lot put on sale, the first-in first-out allocation and
//!   what a cancellation gives back (pure).
//! - [`model`]: the lots of a line, the orders of a lot, its shipments, the packing slip.
//! - [`texts`]: every word it says, in Vietnamese and English.
//! - [`views`]: the lots of an order line, as the buyer's order page shows them.
//! - [`packing_slip`]: the producer's printable packing slip
//!   (`/ban-hang/don-hang/{order_no}/phieu-dong-goi`).
//! - [`lot_orders`]: the orders section of a lot's page, for its producer and officers.
//! - `storage` (server only): the allocation's writes and the reads above.

pub mod lot_orders;
pub mod model;
pub mod packing_slip;
pub mod rules;
#[cfg(feature = "ssr")]
pub mod storage;
pub mod texts;
pub mod views;
