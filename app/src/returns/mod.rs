//! Returns and complaints (#27): within a window after delivery (3 days for fresh produce, 7
//! for other goods, site settings) a buyer asks for a refund, a return or a replacement with a
//! reason; the producer accepts (a refund through the order's payment method, or a
//! replacement) or refuses saying why; a refused or unanswered request goes to the commune
//! officer, then to the marketplace, whose decision is final. Every step is a line of the
//! order's history, with the deadline of whoever must act. And a complaint form for anything
//! else, answered with a tracking number whose status its holder can follow.
//!
//! - [`rules`]: the request's state machine, the window, what the forms may say (pure).
//! - [`texts`]: every word, in Vietnamese and English.
//! - [`view`]: the order page's part, the producer's, officer's and marketplace's lists.
//! - [`complaints_page`]: `/khieu-nai`, `/khieu-nai/{ma}` and the administrators' list.
//! - `storage` (server only).

use serde::{Deserialize, Serialize};

pub mod complaints_page;
pub mod rules;
#[cfg(feature = "ssr")]
pub mod storage;
pub mod texts;
pub mod view;

use rules::{ComplaintCategory, ComplaintStatus, Resolution, ReturnStatus, Wanted};

/// The producer's list of return requests.
pub const PRODUCER_PAGE: &str = "/ban-hang/tra-hang";
/// The commune officer's list of escalated requests.
pub const OFFICER_PAGE: &str = "/can-bo/khieu-nai-tra-hang";
/// The marketplace's list of escalated requests.
pub const ADMIN_PAGE: &str = "/quan-tri/tra-hang";
/// The complaint form.
pub const COMPLAINT_PAGE: &str = "/khieu-nai";
/// The administrators' list of complaints.
pub const ADMIN_COMPLAINTS: &str = "/quan-tri/khieu-nai";

/// The order-history note of a return step: `return:<status>`.
pub const NOTE_PREFIX: &str = "return:";

/// One return request as its pages show it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReturnCase {
    pub id: String,
    pub order_no: String,
    pub producer: String,
    pub wanted: Wanted,
    pub reason: String,
    pub items: String,
    pub status: ReturnStatus,
    pub resolution: Option<Resolution>,
    pub answer: Option<String>,
    /// RFC 3339: when whoever must act now should have answered.
    pub due_at: Option<String>,
    pub created_at: String,
    /// The deadline passed unanswered: the buyer may escalate.
    pub overdue: bool,
    /// What the buyer photographed (on the order page; the lists leave them out).
    #[serde(default)]
    pub photos: Vec<crate::photos::AttachedPhoto>,
}

/// The order page's return part.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderReturn {
    /// `buyer`, `producer` or `officer` (officers and administrators).
    pub party: String,
    /// Administrators decide at the marketplace step.
    pub admin: bool,
    pub case: Option<ReturnCase>,
    /// While the buyer may still ask: the window's end (RFC 3339).
    pub open_until: Option<String>,
}

/// One complaint as its pages show it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Complaint {
    pub code: String,
    pub category: ComplaintCategory,
    pub order_no: Option<String>,
    pub message: String,
    pub status: ComplaintStatus,
    pub answer: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    /// For administrators only (empty on the public status page).
    pub name: String,
    pub contact: String,
}
