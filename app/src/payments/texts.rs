//! What people read about a payment, in Vietnamese.

use super::rules::{PaymentMethod, PaymentStatus};
use crate::i18n::Locale;

pub fn method(m: PaymentMethod) -> &'static str {
    match m {
        PaymentMethod::Cod => "Thanh toán khi nhận hàng",
        PaymentMethod::BankTransfer => "Chuyển khoản ngân hàng",
        PaymentMethod::Card => "Thẻ quốc tế",
        PaymentMethod::Vnpay => "VNPay",
    }
}

pub fn status(s: PaymentStatus) -> &'static str {
    match s {
        PaymentStatus::Pending => "Chờ thanh toán",
        PaymentStatus::Paid => "Đã thanh toán",
        PaymentStatus::Failed => "Thanh toán không thành công",
        PaymentStatus::Refunded => "Đã hoàn tiền",
        PaymentStatus::Expired => "Hết hạn thanh toán",
        PaymentStatus::Refunding => "Đang hoàn tiền",
    }
}

/// The link on the checkout result and the order page.
pub const PAY_WITH_VNPAY: &str = "Thanh toán qua VNPay";
/// The return page, when VNPay's signature does not check out.
pub const RETURN_FORGED: &str =
    "Kết quả thanh toán không hợp lệ (sai chữ ký). Đơn hàng không thay đổi.";
/// The return page, when the order is unknown.
pub const RETURN_UNKNOWN: &str = "Không tìm thấy đơn hàng của giao dịch này.";
/// Order page: a bank transfer to give back by hand.
pub const REFUND_BY_HAND: &str = "Cần chuyển khoản hoàn tiền cho người mua";
pub const REFUND_REFERENCE: &str = "Mã giao dịch chuyển khoản hoàn tiền";
pub const REFUND_RECORD: &str = "Ghi nhận đã hoàn tiền";
pub const REFUND_REFERENCE_MISSING: &str = "Hãy nhập mã giao dịch của lần chuyển khoản hoàn tiền.";

/// The administrators' page of refunds not done yet.
pub struct RefundsTexts {
    pub title: &'static str,
    pub intro: &'static str,
    pub empty: &'static str,
    pub order: &'static str,
    pub method: &'static str,
    pub amount: &'static str,
    pub attempts: &'static str,
    pub error: &'static str,
    pub next_try: &'static str,
    pub retry: &'static str,
    pub by_hand: &'static str,
    pub retried: &'static str,
    pub gone: &'static str,
    pub method_name: fn(PaymentMethod) -> &'static str,
}

impl RefundsTexts {
    pub fn of(locale: Locale) -> &'static RefundsTexts {
        match locale {
            Locale::Vi => &REFUNDS_VI,
            Locale::En => &REFUNDS_EN,
        }
    }
}

static REFUNDS_VI: RefundsTexts = RefundsTexts {
    title: "Hoàn tiền chưa xong",
    intro: "Các đơn đã thanh toán rồi bị huỷ hoặc hoàn về mà tiền chưa trả lại người mua. Hoàn qua cổng thanh toán được tự thử lại, thưa dần; chuyển khoản do nhà sản xuất tự chuyển và ghi nhận trên trang đơn.",
    empty: "Không có khoản hoàn tiền nào đang chờ.",
    order: "Đơn hàng",
    method: "Cách thanh toán",
    amount: "Số tiền",
    attempts: "Số lần thử",
    error: "Lỗi gần nhất",
    next_try: "Lần thử tới",
    retry: "Thử lại ngay",
    by_hand: "Chờ nhà sản xuất chuyển khoản",
    retried: "Sẽ thử hoàn tiền lại ngay.",
    gone: "Khoản này không còn chờ hoàn tiền.",
    method_name: method,
};

static REFUNDS_EN: RefundsTexts = RefundsTexts {
    title: "Refunds not done yet",
    intro: "Orders paid and then cancelled or returned whose money has not gone back to the buyer yet. Provider refunds are retried, less and less often; bank transfers are sent back by the producer and recorded on the order page.",
    empty: "No refund is waiting.",
    order: "Order",
    method: "Paid by",
    amount: "Amount",
    attempts: "Attempts",
    error: "Last error",
    next_try: "Next try",
    retry: "Retry now",
    by_hand: "Waiting for the producer's transfer",
    retried: "The refund will be tried again now.",
    gone: "This refund is no longer waiting.",
    method_name: |m| match m {
        PaymentMethod::Cod => "Cash on delivery",
        PaymentMethod::BankTransfer => "Bank transfer",
        PaymentMethod::Card => "Card",
        PaymentMethod::Vnpay => "VNPay",
    },
};
