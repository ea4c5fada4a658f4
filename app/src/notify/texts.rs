//! The words of notices and of the inbox, in Vietnamese and English. Every notice has both: a
//! new kind without its words does not compile.

use super::rules::Notice;
use crate::i18n::Locale;

/// A notice's title and text in the reader's language.
pub fn words(notice: &Notice, locale: Locale) -> (String, String) {
    let vi = locale == Locale::Vi;
    match notice {
        Notice::ListingApproved { product, .. } => {
            if vi {
                (
                    format!("“{product}” đã được duyệt"),
                    "Cán bộ xã đã duyệt sản phẩm: người mua đã thấy và đặt được.".to_owned(),
                )
            } else {
                (
                    format!("“{product}” is approved"),
                    "The commune officer approved the listing: buyers can see and order it."
                        .to_owned(),
                )
            }
        }
        Notice::ListingRefused {
            product, reason, ..
        } => {
            if vi {
                (
                    format!("“{product}” cần sửa trước khi bán"),
                    format!("Lý do của cán bộ xã: {reason}. Sửa rồi gửi duyệt lại."),
                )
            } else {
                (
                    format!("“{product}” needs changes before it can sell"),
                    format!("The commune officer's reason: {reason}. Edit it and submit it again."),
                )
            }
        }
        Notice::ApplicationApproved { producer } => {
            if vi {
                (
                    format!("Đơn đăng ký bán hàng của {producer} đã được duyệt"),
                    "Bạn đã có thể đăng sản phẩm và ghi nhật ký canh tác.".to_owned(),
                )
            } else {
                (
                    format!("{producer}'s application to sell is approved"),
                    "You can now list products and keep the farm diary.".to_owned(),
                )
            }
        }
        Notice::ApplicationRefused { producer, reason } => {
            if vi {
                (
                    format!("Đơn đăng ký bán hàng của {producer} chưa được duyệt"),
                    format!("Lý do của cán bộ xã: {reason}."),
                )
            } else {
                (
                    format!("{producer}'s application to sell was not approved"),
                    format!("The commune officer's reason: {reason}."),
                )
            }
        }
    }
}

pub struct NotifyTexts {
    pub title: &'static str,
    pub empty: &'static str,
    pub unread: fn(i64) -> String,
    /// The bell's label for screen readers.
    pub bell: fn(i64) -> String,
    pub mark_all_read: &'static str,
    pub open: &'static str,
    pub new_badge: &'static str,
}

impl NotifyTexts {
    pub fn of(locale: Locale) -> &'static NotifyTexts {
        match locale {
            Locale::Vi => &VI,
            Locale::En => &EN,
        }
    }
}

static VI: NotifyTexts = NotifyTexts {
    title: "Thông báo",
    empty: "Chưa có thông báo nào. Khi đơn hàng, sản phẩm hay đơn đăng ký của bạn có thay đổi, bạn sẽ thấy ở đây.",
    unread: |n| format!("{n} chưa đọc"),
    bell: |n| {
        if n == 0 {
            "Thông báo".to_owned()
        } else {
            format!("Thông báo: {n} chưa đọc")
        }
    },
    mark_all_read: "Đánh dấu đã đọc tất cả",
    open: "Xem",
    new_badge: "Mới",
};

static EN: NotifyTexts = NotifyTexts {
    title: "Notifications",
    empty: "No notifications yet. When your orders, listings or applications change, you will see it here.",
    unread: |n| format!("{n} unread"),
    bell: |n| {
        if n == 0 {
            "Notifications".to_owned()
        } else {
            format!("Notifications: {n} unread")
        }
    },
    mark_all_read: "Mark all as read",
    open: "Open",
    new_badge: "New",
};

/// The administrators' page of failed deliveries.
pub struct FailedTexts {
    pub title: &'static str,
    pub intro: &'static str,
    pub empty: &'static str,
    pub kind: &'static str,
    pub channel: &'static str,
    pub address: &'static str,
    pub attempts: &'static str,
    pub error: &'static str,
    pub written: &'static str,
    pub retry: &'static str,
    pub retried: &'static str,
    pub gone: &'static str,
    pub channel_name: fn(super::rules::Channel) -> &'static str,
}

impl FailedTexts {
    pub fn of(locale: Locale) -> &'static FailedTexts {
        match locale {
            Locale::Vi => &FAILED_VI,
            Locale::En => &FAILED_EN,
        }
    }
}

static FAILED_VI: FailedTexts = FailedTexts {
    title: "Thông báo gửi không được",
    intro: "Các thông báo qua email, SMS, Zalo mà nhà cung cấp từ chối hoặc không gửi được trong 24 giờ. Người nhận vẫn thấy chúng trong hộp thông báo trên trang.",
    empty: "Không có thông báo nào gửi lỗi.",
    kind: "Loại",
    channel: "Kênh",
    address: "Gửi tới",
    attempts: "Số lần thử",
    error: "Lỗi cuối",
    written: "Thời điểm",
    retry: "Gửi lại",
    retried: "Đã xếp thông báo vào hàng gửi lại.",
    gone: "Thông báo này không còn ở trạng thái lỗi (có thể đã được gửi lại).",
    channel_name: |c| match c {
        super::rules::Channel::Inbox => "Hộp thông báo",
        super::rules::Channel::Email => "Email",
        super::rules::Channel::Sms => "SMS",
        super::rules::Channel::Zalo => "Zalo",
    },
};

static FAILED_EN: FailedTexts = FailedTexts {
    title: "Notices that could not be sent",
    intro: "Notices by email, SMS or Zalo that a provider refused or that were not sent within 24 hours. Their recipients still see them in their inbox on the site.",
    empty: "No failed deliveries.",
    kind: "Kind",
    channel: "Channel",
    address: "To",
    attempts: "Attempts",
    error: "Last error",
    written: "Written",
    retry: "Retry",
    retried: "The notice is queued to be sent again.",
    gone: "This notice is no longer failed (it may have been retried already).",
    channel_name: |c| match c {
        super::rules::Channel::Inbox => "Inbox",
        super::rules::Channel::Email => "Email",
        super::rules::Channel::Sms => "SMS",
        super::rules::Channel::Zalo => "Zalo",
    },
};
