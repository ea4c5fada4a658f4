//! What a notice says, as data: one variant per event, with what its texts need. Stored as JSON
//! (`notifications.params`, `kind` beside it for queries), read back into the same type, so a
//! notice the code cannot read is a logged error, never a blank line in someone's inbox.

use serde::{Deserialize, Serialize};

use crate::text_enum;

text_enum! {
    /// The kinds of notice, as stored in `notifications.kind`.
    pub enum NoticeKind {
        ListingApproved = "listing_approved",
        ListingRefused = "listing_refused",
        ApplicationApproved = "application_approved",
        ApplicationRefused = "application_refused",
    }
}

text_enum! {
    /// Where a notice goes. The inbox is always on; the others only once configured.
    pub enum Channel {
        Inbox = "inbox",
        Email = "email",
        Sms = "sms",
        Zalo = "zalo",
    }
}

/// One notice.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Notice {
    /// The commune officer put a listing on sale.
    ListingApproved {
        product_id: String,
        product: String,
    },
    /// The commune officer sent a listing back, saying why.
    ListingRefused {
        product_id: String,
        product: String,
        reason: String,
    },
    /// A farmer's application to sell was approved: they can list products.
    ApplicationApproved {
        producer: String,
    },
    ApplicationRefused {
        producer: String,
        reason: String,
    },
}

impl Notice {
    pub fn kind(&self) -> NoticeKind {
        match self {
            Notice::ListingApproved { .. } => NoticeKind::ListingApproved,
            Notice::ListingRefused { .. } => NoticeKind::ListingRefused,
            Notice::ApplicationApproved { .. } => NoticeKind::ApplicationApproved,
            Notice::ApplicationRefused { .. } => NoticeKind::ApplicationRefused,
        }
    }

    /// The page the notice leads to.
    pub fn link(&self) -> String {
        match self {
            Notice::ListingApproved { product_id, .. }
            | Notice::ListingRefused { product_id, .. } => {
                format!("/ban-hang/san-pham/{product_id}")
            }
            Notice::ApplicationApproved { .. } => "/ban-hang".to_owned(),
            Notice::ApplicationRefused { .. } => "/tai-khoan".to_owned(),
        }
    }
}

impl NoticeKind {
    /// Essential notices (an order's state, a decision on one's own listing or application)
    /// cannot be switched off entirely: the inbox always gets them.
    pub fn essential(self) -> bool {
        match self {
            NoticeKind::ListingApproved
            | NoticeKind::ListingRefused
            | NoticeKind::ApplicationApproved
            | NoticeKind::ApplicationRefused => true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn every_notice() -> Vec<Notice> {
        vec![
            Notice::ListingApproved {
                product_id: "p1".into(),
                product: "Nhãn lồng".into(),
            },
            Notice::ListingRefused {
                product_id: "p1".into(),
                product: "Nhãn lồng".into(),
                reason: "Thiếu ảnh".into(),
            },
            Notice::ApplicationApproved {
                producer: "HTX Phố Hiến".into(),
            },
            Notice::ApplicationRefused {
                producer: "HTX Phố Hiến".into(),
                reason: "Sai xã".into(),
            },
        ]
    }

    #[test]
    fn every_notice_reads_back_as_stored_with_its_kind() {
        let notices = every_notice();
        // One example per kind: a new kind without one fails here.
        assert_eq!(notices.len(), NoticeKind::ALL.len());
        for notice in notices {
            let json = serde_json::to_value(&notice).unwrap();
            assert_eq!(json["kind"], notice.kind().as_str());
            let back: Notice = serde_json::from_value(json).unwrap();
            assert_eq!(back, notice);
            assert!(back.link().starts_with('/'));
        }
    }

    #[test]
    fn a_stored_notice_of_an_unknown_kind_is_an_error() {
        let unknown = serde_json::json!({ "kind": "lottery_won", "prize": 1 });
        assert!(serde_json::from_value::<Notice>(unknown).is_err());
    }
}
