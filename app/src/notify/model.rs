//! What the inbox page shows.

use serde::{Deserialize, Serialize};

use super::rules::Notice;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InboxItem {
    pub id: String,
    pub notice: Notice,
    /// RFC 3339, UTC.
    pub created_at: String,
    pub read: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Inbox {
    pub items: Vec<InboxItem>,
    pub unread: i64,
}
