//! Pure rules of the marketplace. No HTTP, no SQL: this compiles for the server and the browser.

pub mod fold;
pub mod hex;
pub mod money;
pub mod phone;
pub mod product;
pub mod rich_text;
pub mod slug;
pub mod text;
mod text_enum;
pub mod time;
