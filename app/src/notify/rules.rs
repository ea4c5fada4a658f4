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
        ContactCode = "contact_code",
        PasswordResetCode = "password_reset_code",
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
    /// The code that proves a phone or email is the account's (`auth::codes`).
    ContactCode {
        code: String,
        contact: crate::auth::codes::Contact,
    },
    /// The code that lets the account's owner choose a new password.
    PasswordResetCode {
        code: String,
    },
}

impl Notice {
    pub fn kind(&self) -> NoticeKind {
        match self {
            Notice::ListingApproved { .. } => NoticeKind::ListingApproved,
            Notice::ListingRefused { .. } => NoticeKind::ListingRefused,
            Notice::ApplicationApproved { .. } => NoticeKind::ApplicationApproved,
            Notice::ApplicationRefused { .. } => NoticeKind::ApplicationRefused,
            Notice::ContactCode { .. } => NoticeKind::ContactCode,
            Notice::PasswordResetCode { .. } => NoticeKind::PasswordResetCode,
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
            Notice::ContactCode { .. } => "/tai-khoan#lien-he".to_owned(),
            Notice::PasswordResetCode { .. } => "/quen-mat-khau/ma".to_owned(),
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
            NoticeKind::ContactCode | NoticeKind::PasswordResetCode => true,
        }
    }

    /// Whether the notice carries a secret (a one-time code): it is sent only to the address
    /// it was written for, and its text is not kept or shown once sent.
    pub fn carries_secret(self) -> bool {
        match self {
            NoticeKind::ListingApproved
            | NoticeKind::ListingRefused
            | NoticeKind::ApplicationApproved
            | NoticeKind::ApplicationRefused => false,
            NoticeKind::ContactCode | NoticeKind::PasswordResetCode => true,
        }
    }
}

impl NoticeKind {
    /// Whether `channel` gets this kind for an account that has not chosen otherwise. Email is
    /// free: everything. An SMS costs the marketplace money: essential notices only. Zalo ZNS
    /// reaches the same phone as the SMS, so it is off until the account picks it instead.
    pub fn default_on(self, channel: Channel) -> bool {
        match channel {
            Channel::Inbox | Channel::Email => true,
            Channel::Sms => self.essential(),
            Channel::Zalo => false,
        }
    }
}

/// Which contacts of an account are verified (only those get its notices outside the site).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Contacts {
    pub email: bool,
    pub phone: bool,
}

/// The channels beyond the inbox that carry a notice of `kind` to an account: its choice for
/// each channel (`chosen`, `None` when it kept the default), limited to its verified contacts.
/// The inbox is not decided here: it gets every notice.
pub fn external_channels(
    kind: NoticeKind,
    contacts: Contacts,
    chosen: impl Fn(Channel) -> Option<bool>,
) -> Vec<Channel> {
    [Channel::Email, Channel::Sms, Channel::Zalo]
        .into_iter()
        .filter(|&channel| {
            let reachable = match channel {
                Channel::Inbox => true,
                Channel::Email => contacts.email,
                Channel::Sms | Channel::Zalo => contacts.phone,
            };
            reachable && chosen(channel).unwrap_or_else(|| kind.default_on(channel))
        })
        .collect()
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
            Notice::ContactCode {
                code: "042042".into(),
                contact: crate::auth::codes::Contact::Email,
            },
            Notice::PasswordResetCode {
                code: "042042".into(),
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
    fn only_verified_contacts_and_chosen_channels_carry_a_notice() {
        let both = Contacts {
            email: true,
            phone: true,
        };
        for kind in NoticeKind::ALL.iter().copied() {
            let defaults = external_channels(kind, both, |_| None);
            assert!(defaults.contains(&Channel::Email));
            assert_eq!(defaults.contains(&Channel::Sms), kind.essential());
            assert!(!defaults.contains(&Channel::Zalo));
            assert!(!defaults.contains(&Channel::Inbox));
            // Nothing verified: nothing leaves the site, whatever was chosen.
            assert!(external_channels(kind, Contacts::default(), |_| Some(true)).is_empty());
            // Email only verified: never a phone channel.
            let email_only = Contacts {
                email: true,
                phone: false,
            };
            assert_eq!(
                external_channels(kind, email_only, |_| Some(true)),
                vec![Channel::Email]
            );
            // Zalo instead of SMS.
            let zalo = external_channels(kind, both, |c| match c {
                Channel::Sms => Some(false),
                Channel::Zalo => Some(true),
                _ => None,
            });
            assert_eq!(zalo, vec![Channel::Email, Channel::Zalo]);
            assert!(external_channels(kind, both, |_| Some(false)).is_empty());
        }
    }

    #[test]
    fn a_stored_notice_of_an_unknown_kind_is_an_error() {
        let unknown = serde_json::json!({ "kind": "lottery_won", "prize": 1 });
        assert!(serde_json::from_value::<Notice>(unknown).is_err());
    }
}
