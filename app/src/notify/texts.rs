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
        // Short: the text is an SMS on its own. It says what not to do with the code.
        Notice::ContactCode { code, .. } => {
            if vi {
                (
                    format!("Mã xác minh OCOP: {code}"),
                    format!("Mã xác minh OCOP: {code} (10 phút). Đừng đưa mã cho ai."),
                )
            } else {
                (
                    format!("OCOP verification code: {code}"),
                    format!("OCOP verification code: {code} (10 min). Never share it."),
                )
            }
        }
        Notice::PasswordResetCode { code } => {
            if vi {
                (
                    format!("Mã đặt lại mật khẩu OCOP: {code}"),
                    format!("Mã đặt lại mật khẩu OCOP: {code} (10 phút). Không phải bạn? Bỏ qua."),
                )
            } else {
                (
                    format!("OCOP password reset code: {code}"),
                    format!("OCOP password reset code: {code} (10 min). Not you? Ignore this."),
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

#[cfg(test)]
mod code_tests {
    use super::*;

    /// A code's text fits one SMS even in Vietnamese (UCS-2: 70 characters).
    #[test]
    fn a_codes_text_fits_one_sms() {
        for notice in [
            Notice::ContactCode {
                code: "123456".into(),
                contact: crate::auth::codes::Contact::Phone,
            },
            Notice::PasswordResetCode {
                code: "123456".into(),
            },
        ] {
            for locale in [Locale::Vi, Locale::En] {
                let (_, text) = words(&notice, locale);
                assert!(text.contains("123456"));
                assert!(text.chars().count() <= 70, "{text}");
            }
        }
    }
}
