//! Photos uploaded from a phone: the processing pipeline (pure: bytes in, published JPEG copies
//! out) and where the copies are stored.

pub mod budget;
pub mod media;
pub mod pipeline;
pub mod samples;
pub mod store;
pub mod upload;
