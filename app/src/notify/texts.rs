//! The words of notices and of the inbox, in Vietnamese and English. Every notice has both: a
//! new kind without its words does not compile.

use super::rules::{Channel, Notice, NoticeKind};
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
        Notice::OrderPlaced { order_no, total } => {
            let total = total.format(locale.money());
            if vi {
                (
                    format!("Đơn hàng mới {order_no}"),
                    format!("Người mua vừa đặt đơn {total}. Hãy xác nhận và chuẩn bị hàng."),
                )
            } else {
                (
                    format!("New order {order_no}"),
                    format!("A buyer just ordered for {total}. Confirm it and prepare the goods."),
                )
            }
        }
        Notice::OrderConfirmed { order_no } => {
            if vi {
                (
                    format!("Đơn {order_no} đã được xác nhận"),
                    "Người bán đã nhận đơn và đang chuẩn bị hàng.".to_owned(),
                )
            } else {
                (
                    format!("Order {order_no} is confirmed"),
                    "The seller accepted the order and is preparing it.".to_owned(),
                )
            }
        }
        Notice::OrderShipped {
            order_no,
            carrier,
            tracking_no,
        } => {
            let tracking = tracking_no.as_deref().unwrap_or("");
            if vi {
                let code = if tracking.is_empty() {
                    String::new()
                } else {
                    format!(", mã vận đơn {tracking}")
                };
                (
                    format!("Đơn {order_no} đã được gửi đi"),
                    format!("Hàng đã giao cho {carrier}{code}."),
                )
            } else {
                let code = if tracking.is_empty() {
                    String::new()
                } else {
                    format!(", tracking number {tracking}")
                };
                (
                    format!("Order {order_no} has shipped"),
                    format!("The parcel is with {carrier}{code}."),
                )
            }
        }
        Notice::OrderDelivered { order_no } => {
            if vi {
                (
                    format!("Đơn {order_no} đã giao thành công"),
                    "Cảm ơn bạn đã ủng hộ nông sản OCOP.".to_owned(),
                )
            } else {
                (
                    format!("Order {order_no} was delivered"),
                    "Thank you for buying OCOP specialties.".to_owned(),
                )
            }
        }
        Notice::OrderCancelled { order_no, reason } => {
            // The system's own reasons are codes the order page already words.
            let reason = (crate::shop::texts::ShopTexts::of(locale).history_note)(reason);
            if vi {
                (
                    format!("Đơn {order_no} đã bị hủy"),
                    format!("Lý do: {reason}."),
                )
            } else {
                (
                    format!("Order {order_no} was cancelled"),
                    format!("Reason: {reason}."),
                )
            }
        }
        Notice::OrderReturned { order_no } => {
            if vi {
                (
                    format!("Đơn {order_no} bị hoàn về"),
                    "Đơn vị vận chuyển đã trả hàng về người bán.".to_owned(),
                )
            } else {
                (
                    format!("Order {order_no} was returned"),
                    "The carrier brought the parcel back to the seller.".to_owned(),
                )
            }
        }
        Notice::OrderRefunded { order_no, amount } => {
            let amount = amount.format(locale.money());
            if vi {
                (
                    format!("Đã hoàn tiền đơn {order_no}"),
                    format!("{amount} đã được hoàn về thẻ của bạn."),
                )
            } else {
                (
                    format!("Order {order_no} was refunded"),
                    format!("{amount} went back to your card."),
                )
            }
        }
        Notice::PaymentReceived { order_no, amount } => {
            let amount = amount.format(locale.money());
            if vi {
                (
                    format!("Đã nhận thanh toán đơn {order_no}"),
                    format!("Đã nhận {amount}."),
                )
            } else {
                (
                    format!("Payment received for order {order_no}"),
                    format!("{amount} received."),
                )
            }
        }
        Notice::PaymentFailed { order_no } => {
            if vi {
                (
                    format!("Thanh toán đơn {order_no} không thành công"),
                    "Thẻ không bị trừ tiền và đơn đã được hủy. Bạn có thể đặt lại.".to_owned(),
                )
            } else {
                (
                    format!("Payment for order {order_no} failed"),
                    "Nothing was charged and the order was cancelled. You can order again."
                        .to_owned(),
                )
            }
        }
        Notice::CertificateExpiring {
            product,
            decision_no,
            expires_on,
            days_left,
            ..
        } => {
            if vi {
                (
                    format!("Chứng nhận OCOP của “{product}” còn {days_left} ngày"),
                    format!(
                        "Quyết định {decision_no} hết hạn ngày {}. Hãy làm hồ sơ đánh giá lại.",
                        expires_on.format("%d/%m/%Y")
                    ),
                )
            } else {
                (
                    format!("The OCOP certificate of “{product}” ends in {days_left} days"),
                    format!(
                        "Decision {decision_no} expires on {}. Apply for re-assessment.",
                        expires_on.format("%Y-%m-%d")
                    ),
                )
            }
        }
        Notice::CertificateExpired {
            product,
            decision_no,
            expires_on,
            ..
        } => {
            if vi {
                (
                    format!("Chứng nhận OCOP của “{product}” đã hết hạn"),
                    format!(
                        "Quyết định {decision_no} hết hạn ngày {}: sản phẩm không còn hiện sao OCOP.",
                        expires_on.format("%d/%m/%Y")
                    ),
                )
            } else {
                (
                    format!("The OCOP certificate of “{product}” has expired"),
                    format!(
                        "Decision {decision_no} expired on {}: the product no longer shows OCOP stars.",
                        expires_on.format("%Y-%m-%d")
                    ),
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
        // Also an SMS: what to do comes first, the order names the goods, the reason is cut
        // short (the order's page has it whole).
        Notice::LotRecalled {
            order_no,
            lot_code,
            product,
            reason,
        } => {
            let reason = short(reason.trim_end_matches(['.', ' ']), 120);
            if vi {
                (
                    format!("Thu hồi lô {lot_code}: ngừng dùng {product}"),
                    format!(
                        "Lô {lot_code} ({product}) trong đơn {order_no} đã bị thu hồi. Lý do: {reason}. Hãy ngừng ăn, ngừng sử dụng và liên hệ người bán."
                    ),
                )
            } else {
                (
                    format!("Lot {lot_code} recalled: stop using {product}"),
                    format!(
                        "Lot {lot_code} ({product}) in order {order_no} was recalled. Reason: {reason}. Stop eating or using it and contact the seller."
                    ),
                )
            }
        }
        Notice::CareTaskDue {
            plot, task, due_on, ..
        } => {
            let day = due_on.format("%d/%m/%Y");
            if vi {
                (
                    format!("Việc đến hạn ở {plot}: {task}"),
                    format!(
                        "“{task}” ở {plot} đến hạn ngày {day}. Làm xong, ghi vào nhật ký canh tác từ danh sách việc."
                    ),
                )
            } else {
                (
                    format!("Due at {plot}: {task}"),
                    format!(
                        "“{task}” at {plot} is due on {day}. When it is done, record it in the farm diary from the task list."
                    ),
                )
            }
        }
        Notice::ReviewReceived { product, stars } => {
            if vi {
                (
                    format!("Đánh giá mới: {product} ({stars}★)"),
                    format!(
                        "Một người mua đã đánh giá {product} {stars} sao. Xem và trả lời trong mục Đánh giá sản phẩm."
                    ),
                )
            } else {
                (
                    format!("New review: {product} ({stars}★)"),
                    format!(
                        "A buyer gave {product} {stars} stars. Read it and reply under Product reviews."
                    ),
                )
            }
        }
        Notice::ReviewReplied { order_no, product } => {
            if vi {
                (
                    format!("Người bán đã trả lời đánh giá {product}"),
                    format!(
                        "Người bán đã trả lời đánh giá của bạn về {product} trong đơn {order_no}."
                    ),
                )
            } else {
                (
                    format!("The seller replied about {product}"),
                    format!("The seller replied to your review of {product} in order {order_no}."),
                )
            }
        }
        Notice::ReturnUpdate { order_no, status } => {
            let t = crate::returns::texts::ReturnTexts::of(locale);
            (
                (t.notice_title)(order_no),
                (t.notice_body)(order_no, (t.status)(*status)),
            )
        }
        Notice::ComplaintAnswered { code, status } => {
            let t = crate::returns::texts::ReturnTexts::of(locale);
            (
                (t.complaint_notice_title)(code),
                (t.complaint_notice_body)(code, (t.complaint_status)(*status)),
            )
        }
    }
}

/// `text` cut to `max` characters, with an ellipsis when it was longer.
fn short(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_owned()
    } else {
        let cut: String = text.chars().take(max.saturating_sub(1)).collect();
        format!("{}…", cut.trim_end())
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
    pub preferences_title: &'static str,
    pub preferences_intro: &'static str,
    pub preferences_saved: &'static str,
    pub preferences_link: &'static str,
    pub email: &'static str,
    pub phone: &'static str,
    pub contact_missing: &'static str,
    pub contact_verified: &'static str,
    pub contact_unverified: &'static str,
    pub kind_heading: &'static str,
    pub inbox: &'static str,
    pub always: &'static str,
    pub save: &'static str,
    pub channel: fn(Channel) -> &'static str,
    pub kind: fn(NoticeKind) -> &'static str,
    pub unsubscribe_title: &'static str,
    pub unsubscribe_ask: fn(&str) -> String,
    pub unsubscribe_button: &'static str,
    pub unsubscribed: fn(&str) -> String,
    pub unsubscribe_unknown: &'static str,
    /// The line at the foot of an email that can be stopped.
    pub unsubscribe_footer: &'static str,
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
    preferences_title: "Nhận thông báo",
    preferences_intro: "Mọi thông báo luôn có trong hộp thư trên trang. Chọn thêm những thông báo muốn nhận qua email, tin nhắn SMS hoặc Zalo; chỉ gửi đến số điện thoại và email đã xác minh.",
    preferences_saved: "Đã lưu lựa chọn.",
    preferences_link: "Chọn cách nhận thông báo",
    email: "Email",
    phone: "Số điện thoại",
    contact_missing: "chưa có",
    contact_verified: "đã xác minh",
    contact_unverified: "chưa xác minh, chưa gửi được",
    kind_heading: "Thông báo",
    inbox: "Hộp thư",
    always: "Luôn nhận",
    save: "Lưu",
    channel: |c| match c {
        Channel::Inbox => "Hộp thư",
        Channel::Email => "Email",
        Channel::Sms => "SMS",
        Channel::Zalo => "Zalo",
    },
    kind: |k| match k {
        NoticeKind::ListingApproved => "Sản phẩm được duyệt",
        NoticeKind::ListingRefused => "Sản phẩm cần sửa",
        NoticeKind::ApplicationApproved => "Đơn đăng ký bán được duyệt",
        NoticeKind::ApplicationRefused => "Đơn đăng ký bán chưa được duyệt",
        NoticeKind::OrderPlaced => "Đơn hàng mới (người bán)",
        NoticeKind::OrderConfirmed => "Đơn được xác nhận",
        NoticeKind::OrderShipped => "Đơn đã gửi đi",
        NoticeKind::OrderDelivered => "Đơn đã giao",
        NoticeKind::OrderCancelled => "Đơn bị hủy",
        NoticeKind::OrderReturned => "Đơn bị hoàn về",
        NoticeKind::OrderRefunded => "Đã hoàn tiền",
        NoticeKind::PaymentReceived => "Đã nhận thanh toán",
        NoticeKind::PaymentFailed => "Thanh toán không thành công",
        NoticeKind::CertificateExpiring => "Chứng nhận OCOP sắp hết hạn",
        NoticeKind::CertificateExpired => "Chứng nhận OCOP đã hết hạn",
        NoticeKind::ContactCode => "Mã xác minh",
        NoticeKind::PasswordResetCode => "Mã đặt lại mật khẩu",
        NoticeKind::LotRecalled => "Lô hàng đã mua bị thu hồi",
        NoticeKind::CareTaskDue => "Việc chăm sóc vườn đến hạn",
        NoticeKind::ReviewReceived => "Đánh giá mới về sản phẩm",
        NoticeKind::ReviewReplied => "Người bán trả lời đánh giá",
        NoticeKind::ReturnUpdate => "Yêu cầu trả hàng, hoàn tiền",
        NoticeKind::ComplaintAnswered => "Trả lời khiếu nại",
    },
    unsubscribe_title: "Ngừng nhận email",
    unsubscribe_ask: |kind| {
        format!("Ngừng nhận email “{kind}”? Thông báo vẫn có trong hộp thư trên trang.")
    },
    unsubscribe_button: "Ngừng nhận email này",
    unsubscribed: |kind| {
        format!("Đã ngừng gửi email “{kind}”. Bạn có thể bật lại trong phần nhận thông báo.")
    },
    unsubscribe_unknown: "Liên kết này không còn dùng được. Hãy chọn loại thông báo muốn nhận trong tài khoản.",
    unsubscribe_footer: "Không muốn nhận email loại này nữa?",
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
    preferences_title: "Notification settings",
    preferences_intro: "Every notice is always in your inbox on the site. Choose which ones you also want by email, SMS or Zalo; they go only to a verified phone and email.",
    preferences_saved: "Your choices are saved.",
    preferences_link: "Choose how you are notified",
    email: "Email",
    phone: "Phone",
    contact_missing: "none",
    contact_verified: "verified",
    contact_unverified: "not verified, nothing is sent to it",
    kind_heading: "Notice",
    inbox: "Inbox",
    always: "Always",
    save: "Save",
    channel: |c| match c {
        Channel::Inbox => "Inbox",
        Channel::Email => "Email",
        Channel::Sms => "SMS",
        Channel::Zalo => "Zalo",
    },
    kind: |k| match k {
        NoticeKind::ListingApproved => "Listing approved",
        NoticeKind::ListingRefused => "Listing needs changes",
        NoticeKind::ApplicationApproved => "Application to sell approved",
        NoticeKind::ApplicationRefused => "Application to sell not approved",
        NoticeKind::OrderPlaced => "New order (sellers)",
        NoticeKind::OrderConfirmed => "Order confirmed",
        NoticeKind::OrderShipped => "Order shipped",
        NoticeKind::OrderDelivered => "Order delivered",
        NoticeKind::OrderCancelled => "Order cancelled",
        NoticeKind::OrderReturned => "Order returned",
        NoticeKind::OrderRefunded => "Refund made",
        NoticeKind::PaymentReceived => "Payment received",
        NoticeKind::PaymentFailed => "Payment failed",
        NoticeKind::CertificateExpiring => "OCOP certificate expiring",
        NoticeKind::CertificateExpired => "OCOP certificate expired",
        NoticeKind::ContactCode => "Verification code",
        NoticeKind::PasswordResetCode => "Password reset code",
        NoticeKind::LotRecalled => "A lot you bought was recalled",
        NoticeKind::CareTaskDue => "Orchard care due",
        NoticeKind::ReviewReceived => "New product review",
        NoticeKind::ReviewReplied => "Seller replied to a review",
        NoticeKind::ReturnUpdate => "Return and refund requests",
        NoticeKind::ComplaintAnswered => "Complaint answered",
    },
    unsubscribe_title: "Stop these emails",
    unsubscribe_ask: |kind| {
        format!("Stop emails about “{kind}”? The notices stay in your inbox on the site.")
    },
    unsubscribe_button: "Stop these emails",
    unsubscribed: |kind| {
        format!(
            "Emails about “{kind}” are stopped. You can switch them back on in your notification settings."
        )
    },
    unsubscribe_unknown: "This link no longer works. Choose which notices you get in your account.",
    unsubscribe_footer: "Don't want these emails?",
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
