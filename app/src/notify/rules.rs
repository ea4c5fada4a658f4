//! What a notice says, as data: one variant per event, with what its texts need. Stored as JSON
//! (`notifications.params`, `kind` beside it for queries), read back into the same type, so a
//! notice the code cannot read is a logged error, never a blank line in someone's inbox.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::{domain::money::Vnd, text_enum};

text_enum! {
    /// The kinds of notice, as stored in `notifications.kind`.
    pub enum NoticeKind {
        ListingApproved = "listing_approved",
        ListingRefused = "listing_refused",
        ApplicationApproved = "application_approved",
        ApplicationRefused = "application_refused",
        OrderPlaced = "order_placed",
        OrderConfirmed = "order_confirmed",
        OrderShipped = "order_shipped",
        OrderDelivered = "order_delivered",
        OrderCancelled = "order_cancelled",
        OrderReturned = "order_returned",
        OrderRefunded = "order_refunded",
        PaymentReceived = "payment_received",
        PaymentFailed = "payment_failed",
        CertificateExpiring = "certificate_expiring",
        CertificateExpired = "certificate_expired",
        ContactCode = "contact_code",
        PasswordResetCode = "password_reset_code",
        LotRecalled = "lot_recalled",
        CareTaskDue = "care_task_due",
        ReviewReceived = "review_received",
        ReviewReplied = "review_replied",
        ReturnUpdate = "return_update",
        ComplaintAnswered = "complaint_answered",
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
    /// To the producer's people: a buyer ordered.
    OrderPlaced {
        order_no: String,
        total: Vnd,
    },
    /// To the buyer, from here on.
    OrderConfirmed {
        order_no: String,
    },
    OrderShipped {
        order_no: String,
        carrier: String,
        tracking_no: Option<String>,
    },
    OrderDelivered {
        order_no: String,
    },
    /// To the buyer, and to the producer when it did not cancel it itself.
    OrderCancelled {
        order_no: String,
        reason: String,
    },
    /// The carrier brought the parcel back: to the buyer and the producer.
    OrderReturned {
        order_no: String,
    },
    /// A card payment was given back.
    OrderRefunded {
        order_no: String,
        amount: Vnd,
    },
    /// To the buyer and the producer.
    PaymentReceived {
        order_no: String,
        amount: Vnd,
    },
    /// A card payment did not go through: to the buyer and the producer.
    PaymentFailed {
        order_no: String,
    },
    /// To the producer's people and the commune's officers, 90 and 30 days before.
    CertificateExpiring {
        product_id: String,
        product: String,
        decision_no: String,
        expires_on: NaiveDate,
        days_left: i64,
    },
    CertificateExpired {
        product_id: String,
        product: String,
        decision_no: String,
        expires_on: NaiveDate,
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
    /// To the buyer of an order with goods of a lot that was recalled (`diary::recall`).
    LotRecalled {
        order_no: String,
        lot_code: String,
        product: String,
        reason: String,
    },
    /// To the producer's people: planned care on a plot is due (`care`), the day before.
    CareTaskDue {
        plot_id: String,
        plot: String,
        task: String,
        due_on: NaiveDate,
    },
    /// To the producer's people: a buyer reviewed one of its products (`reviews`).
    ReviewReceived {
        product: String,
        stars: u8,
    },
    /// To a review's author: the producer replied.
    ReviewReplied {
        order_no: String,
        product: String,
    },
    /// A step of a return request (`returns`): to the producer, the buyer, and the officers or
    /// administrators it was escalated to.
    ReturnUpdate {
        order_no: String,
        status: crate::returns::rules::ReturnStatus,
    },
    /// An administrator answered a complaint (to a complainant who was signed in).
    ComplaintAnswered {
        code: String,
        status: crate::returns::rules::ComplaintStatus,
    },
}

impl Notice {
    pub fn kind(&self) -> NoticeKind {
        match self {
            Notice::ListingApproved { .. } => NoticeKind::ListingApproved,
            Notice::ListingRefused { .. } => NoticeKind::ListingRefused,
            Notice::ApplicationApproved { .. } => NoticeKind::ApplicationApproved,
            Notice::ApplicationRefused { .. } => NoticeKind::ApplicationRefused,
            Notice::OrderPlaced { .. } => NoticeKind::OrderPlaced,
            Notice::OrderConfirmed { .. } => NoticeKind::OrderConfirmed,
            Notice::OrderShipped { .. } => NoticeKind::OrderShipped,
            Notice::OrderDelivered { .. } => NoticeKind::OrderDelivered,
            Notice::OrderCancelled { .. } => NoticeKind::OrderCancelled,
            Notice::OrderReturned { .. } => NoticeKind::OrderReturned,
            Notice::OrderRefunded { .. } => NoticeKind::OrderRefunded,
            Notice::PaymentReceived { .. } => NoticeKind::PaymentReceived,
            Notice::PaymentFailed { .. } => NoticeKind::PaymentFailed,
            Notice::CertificateExpiring { .. } => NoticeKind::CertificateExpiring,
            Notice::CertificateExpired { .. } => NoticeKind::CertificateExpired,
            Notice::ContactCode { .. } => NoticeKind::ContactCode,
            Notice::PasswordResetCode { .. } => NoticeKind::PasswordResetCode,
            Notice::LotRecalled { .. } => NoticeKind::LotRecalled,
            Notice::CareTaskDue { .. } => NoticeKind::CareTaskDue,
            Notice::ReviewReceived { .. } => NoticeKind::ReviewReceived,
            Notice::ReviewReplied { .. } => NoticeKind::ReviewReplied,
            Notice::ReturnUpdate { .. } => NoticeKind::ReturnUpdate,
            Notice::ComplaintAnswered { .. } => NoticeKind::ComplaintAnswered,
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
            Notice::OrderPlaced { order_no, .. }
            | Notice::OrderConfirmed { order_no }
            | Notice::OrderShipped { order_no, .. }
            | Notice::OrderDelivered { order_no }
            | Notice::OrderCancelled { order_no, .. }
            | Notice::OrderReturned { order_no }
            | Notice::OrderRefunded { order_no, .. }
            | Notice::PaymentReceived { order_no, .. }
            | Notice::PaymentFailed { order_no }
            | Notice::LotRecalled { order_no, .. } => format!("/don-hang/{order_no}"),
            Notice::ReturnUpdate { order_no, .. } => format!("/don-hang/{order_no}#tra-hang"),
            Notice::ComplaintAnswered { code, .. } => format!("/khieu-nai/{code}"),
            Notice::CertificateExpiring { product_id, .. }
            | Notice::CertificateExpired { product_id, .. } => {
                format!("/ban-hang/san-pham/{product_id}")
            }
            Notice::ContactCode { .. } => "/tai-khoan#lien-he".to_owned(),
            Notice::PasswordResetCode { .. } => "/quen-mat-khau/ma".to_owned(),
            Notice::CareTaskDue { plot_id, .. } => format!("/nong-trai/vuon/{plot_id}#viec"),
            Notice::ReviewReceived { .. } => crate::reviews::SELLER_PAGE.to_owned(),
            Notice::ReviewReplied { order_no, .. } => format!("/don-hang/{order_no}#danh-gia"),
        }
    }
}

impl NoticeKind {
    /// Essential notices (an order's state, a payment, a decision on one's own listing or
    /// application) cannot be switched off entirely: the inbox always gets them. A reminder
    /// (a certificate running out) is the account's to silence outside the inbox.
    pub fn essential(self) -> bool {
        match self {
            NoticeKind::ListingApproved
            | NoticeKind::ListingRefused
            | NoticeKind::ApplicationApproved
            | NoticeKind::ApplicationRefused
            | NoticeKind::OrderPlaced
            | NoticeKind::OrderConfirmed
            | NoticeKind::OrderShipped
            | NoticeKind::OrderDelivered
            | NoticeKind::OrderCancelled
            | NoticeKind::OrderReturned
            | NoticeKind::OrderRefunded
            | NoticeKind::PaymentReceived
            | NoticeKind::PaymentFailed
            | NoticeKind::ContactCode
            | NoticeKind::PasswordResetCode
            // A matter of the buyer's health: it always goes out.
            | NoticeKind::LotRecalled
            | NoticeKind::ReturnUpdate
            | NoticeKind::ComplaintAnswered => true,
            NoticeKind::CertificateExpiring
            | NoticeKind::CertificateExpired
            | NoticeKind::CareTaskDue
            | NoticeKind::ReviewReceived
            | NoticeKind::ReviewReplied => false,
        }
    }
}

impl NoticeKind {
    /// Whether the notice carries a secret (a one-time code): it is sent only to the address
    /// it was written for, and its words are replaced by a marker once its delivery is final,
    /// so the code does not stay in the table.
    pub fn carries_secret(self) -> bool {
        match self {
            NoticeKind::ListingApproved
            | NoticeKind::ListingRefused
            | NoticeKind::ApplicationApproved
            | NoticeKind::ApplicationRefused
            | NoticeKind::OrderPlaced
            | NoticeKind::OrderConfirmed
            | NoticeKind::OrderShipped
            | NoticeKind::OrderDelivered
            | NoticeKind::OrderCancelled
            | NoticeKind::OrderReturned
            | NoticeKind::OrderRefunded
            | NoticeKind::PaymentReceived
            | NoticeKind::PaymentFailed
            | NoticeKind::CertificateExpiring
            | NoticeKind::CertificateExpired
            | NoticeKind::LotRecalled
            | NoticeKind::CareTaskDue
            | NoticeKind::ReviewReceived
            | NoticeKind::ReviewReplied
            | NoticeKind::ReturnUpdate
            | NoticeKind::ComplaintAnswered => false,
            NoticeKind::ContactCode | NoticeKind::PasswordResetCode => true,
        }
    }
}

/// The parts an account plays besides buying (everyone may buy, and apply to sell).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Roles {
    /// A member of a producer, whatever its state.
    pub seller: bool,
    /// An officer of a commune.
    pub officer: bool,
}

impl NoticeKind {
    /// Whether an account with `roles` can ever get this kind: its settings list only those.
    pub fn concerns(self, roles: Roles) -> bool {
        match self {
            NoticeKind::ListingApproved
            | NoticeKind::ListingRefused
            | NoticeKind::OrderPlaced
            | NoticeKind::CareTaskDue
            | NoticeKind::ReviewReceived => roles.seller,
            NoticeKind::CertificateExpiring | NoticeKind::CertificateExpired => {
                roles.seller || roles.officer
            }
            NoticeKind::ApplicationApproved
            | NoticeKind::ApplicationRefused
            | NoticeKind::OrderConfirmed
            | NoticeKind::OrderShipped
            | NoticeKind::OrderDelivered
            | NoticeKind::OrderCancelled
            | NoticeKind::OrderReturned
            | NoticeKind::OrderRefunded
            | NoticeKind::PaymentReceived
            | NoticeKind::PaymentFailed
            | NoticeKind::ContactCode
            | NoticeKind::PasswordResetCode
            | NoticeKind::LotRecalled
            | NoticeKind::ReviewReplied
            | NoticeKind::ReturnUpdate
            | NoticeKind::ComplaintAnswered => true,
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
            Notice::OrderPlaced {
                order_no: "DH-1".into(),
                total: Vnd::new(150_000).unwrap(),
            },
            Notice::OrderConfirmed {
                order_no: "DH-1".into(),
            },
            Notice::OrderShipped {
                order_no: "DH-1".into(),
                carrier: "GHN".into(),
                tracking_no: Some("GHN123".into()),
            },
            Notice::OrderDelivered {
                order_no: "DH-1".into(),
            },
            Notice::OrderCancelled {
                order_no: "DH-1".into(),
                reason: "Hết hàng".into(),
            },
            Notice::OrderReturned {
                order_no: "DH-1".into(),
            },
            Notice::OrderRefunded {
                order_no: "DH-1".into(),
                amount: Vnd::new(150_000).unwrap(),
            },
            Notice::PaymentReceived {
                order_no: "DH-1".into(),
                amount: Vnd::new(150_000).unwrap(),
            },
            Notice::PaymentFailed {
                order_no: "DH-1".into(),
            },
            Notice::CertificateExpiring {
                product_id: "p1".into(),
                product: "Nhãn lồng".into(),
                decision_no: "123/QĐ-UBND".into(),
                expires_on: NaiveDate::from_ymd_opt(2027, 3, 1).unwrap(),
                days_left: 30,
            },
            Notice::CertificateExpired {
                product_id: "p1".into(),
                product: "Nhãn lồng".into(),
                decision_no: "123/QĐ-UBND".into(),
                expires_on: NaiveDate::from_ymd_opt(2027, 3, 1).unwrap(),
            },
            Notice::ContactCode {
                code: "042042".into(),
                contact: crate::auth::codes::Contact::Email,
            },
            Notice::PasswordResetCode {
                code: "042042".into(),
            },
            Notice::LotRecalled {
                order_no: "DH-1".into(),
                lot_code: "NLHY-20260720".into(),
                product: "Nhãn lồng".into(),
                reason: "Dư lượng thuốc vượt mức".into(),
            },
            Notice::CareTaskDue {
                plot_id: "p1".into(),
                plot: "Vườn nhãn số 1".into(),
                task: "Bao quả".into(),
                due_on: NaiveDate::from_ymd_opt(2027, 5, 20).unwrap(),
            },
            Notice::ReviewReceived {
                product: "Nhãn lồng".into(),
                stars: 4,
            },
            Notice::ReviewReplied {
                order_no: "DH-1".into(),
                product: "Nhãn lồng".into(),
            },
            Notice::ReturnUpdate {
                order_no: "DH-1".into(),
                status: crate::returns::rules::ReturnStatus::WithOfficer,
            },
            Notice::ComplaintAnswered {
                code: "KN-7Q2MD-X4H9P".into(),
                status: crate::returns::rules::ComplaintStatus::Resolved,
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
