//! What people read about a payment, in Vietnamese.

use super::rules::{PaymentMethod, PaymentStatus};

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
/// Admin page title.
pub const REFUNDS_TITLE: &str = "Hoàn tiền chưa xong";
pub const REFUND_RETRY: &str = "Thử lại ngay";
pub const REFUNDS_NONE: &str = "Không có khoản hoàn tiền nào đang chờ.";
/// Order page: a bank transfer to give back by hand.
pub const REFUND_BY_HAND: &str = "Cần chuyển khoản hoàn tiền cho người mua";
pub const REFUND_REFERENCE: &str = "Mã giao dịch chuyển khoản hoàn tiền";
pub const REFUND_RECORD: &str = "Ghi nhận đã hoàn tiền";
pub const REFUND_REFERENCE_MISSING: &str = "Hãy nhập mã giao dịch của lần chuyển khoản hoàn tiền.";
