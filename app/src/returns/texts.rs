//! Every word of returns and complaints, in Vietnamese and English.

use super::rules::{ComplaintCategory, ComplaintStatus, Refusal, Resolution, ReturnStatus, Wanted};
use crate::i18n::Locale;

pub struct ReturnTexts {
    pub heading: &'static str,
    pub ask_title: &'static str,
    pub ask_until: fn(&str) -> String,
    pub wanted_label: &'static str,
    pub wanted: fn(Wanted) -> &'static str,
    pub reason_label: &'static str,
    pub items_label: &'static str,
    pub items_hint: &'static str,
    pub send: &'static str,
    pub status: fn(ReturnStatus) -> &'static str,
    pub resolution: fn(Resolution) -> &'static str,
    pub asked_on: fn(&str) -> String,
    pub answer_label: &'static str,
    /// Who must act, and by when: "Nhà sản xuất cần trả lời trước 05/12/2026".
    pub due: fn(ReturnStatus, &str) -> String,
    pub overdue: &'static str,
    pub accept_refund: &'static str,
    pub accept_replacement: &'static str,
    pub refuse: &'static str,
    pub refuse_reason: &'static str,
    pub escalate_officer: &'static str,
    pub escalate_marketplace: &'static str,
    pub uphold_refund: &'static str,
    pub uphold_replacement: &'static str,
    pub reject: &'static str,
    pub decision_reason: &'static str,
    pub refusal: fn(Refusal) -> &'static str,
    pub done: &'static str,
    pub history_note: fn(&str) -> String,
    pub producer_title: &'static str,
    pub officer_title: &'static str,
    pub admin_title: &'static str,
    pub none: &'static str,
    pub order: &'static str,
    pub notice_title: fn(&str) -> String,
    pub notice_body: fn(&str, &str) -> String,
    // Complaints.
    pub complaint_title: &'static str,
    pub complaint_version: &'static str,
    pub complaint_steps: &'static [&'static str],
    pub complaint_returns_hint: &'static str,
    pub name_label: &'static str,
    pub contact_label: &'static str,
    pub order_label: &'static str,
    pub category_label: &'static str,
    pub category: fn(ComplaintCategory) -> &'static str,
    pub message_label: &'static str,
    pub file: &'static str,
    pub filed: fn(&str) -> String,
    pub track_title: fn(&str) -> String,
    pub track_keep: &'static str,
    pub complaint_status: fn(ComplaintStatus) -> &'static str,
    pub filed_on: fn(&str) -> String,
    pub answer: &'static str,
    pub set_status: &'static str,
    pub complaints_admin: &'static str,
    pub too_many: &'static str,
    pub complaint_notice_title: fn(&str) -> String,
    pub complaint_notice_body: fn(&str, &str) -> String,
}

impl ReturnTexts {
    pub fn of(locale: Locale) -> &'static ReturnTexts {
        match locale {
            Locale::Vi => &VI,
            Locale::En => &EN,
        }
    }
}

/// The day of an RFC 3339 instant in Vietnam, `dd/mm/yyyy`.
pub fn day(rfc3339: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(rfc3339)
        .map(|t| {
            t.with_timezone(&crate::domain::time::vietnam_offset())
                .format("%d/%m/%Y %H:%M")
                .to_string()
        })
        .unwrap_or_else(|_| rfc3339.to_owned())
}

fn status_vi(s: ReturnStatus) -> &'static str {
    match s {
        ReturnStatus::Requested => "Đã gửi yêu cầu trả hàng / hoàn tiền",
        ReturnStatus::Accepted => "Nhà sản xuất đã chấp nhận",
        ReturnStatus::Refused => "Nhà sản xuất từ chối",
        ReturnStatus::WithOfficer => "Đã chuyển cán bộ xã xem xét",
        ReturnStatus::OfficerUpheld => "Cán bộ xã chấp nhận yêu cầu của người mua",
        ReturnStatus::OfficerRejected => "Cán bộ xã không chấp nhận yêu cầu",
        ReturnStatus::WithMarketplace => "Đã chuyển ban quản lý sàn xem xét",
        ReturnStatus::MarketplaceUpheld => "Sàn chấp nhận yêu cầu (quyết định cuối cùng)",
        ReturnStatus::MarketplaceRejected => "Sàn không chấp nhận yêu cầu (quyết định cuối cùng)",
    }
}

fn status_en(s: ReturnStatus) -> &'static str {
    match s {
        ReturnStatus::Requested => "Return / refund requested",
        ReturnStatus::Accepted => "Accepted by the producer",
        ReturnStatus::Refused => "Refused by the producer",
        ReturnStatus::WithOfficer => "Escalated to the commune officer",
        ReturnStatus::OfficerUpheld => "The commune officer ruled for the buyer",
        ReturnStatus::OfficerRejected => "The commune officer ruled against the request",
        ReturnStatus::WithMarketplace => "Escalated to the marketplace",
        ReturnStatus::MarketplaceUpheld => "The marketplace ruled for the buyer (final)",
        ReturnStatus::MarketplaceRejected => "The marketplace ruled against the request (final)",
    }
}

static VI: ReturnTexts = ReturnTexts {
    heading: "Trả hàng, hoàn tiền",
    ask_title: "Yêu cầu trả hàng / hoàn tiền",
    ask_until: |d| format!("Bạn có thể gửi yêu cầu đến {d}."),
    wanted_label: "Bạn muốn",
    wanted: |w| match w {
        Wanted::Refund => "Hoàn tiền (không gửi lại hàng)",
        Wanted::Return => "Trả hàng và hoàn tiền",
        Wanted::Replacement => "Đổi hàng khác",
    },
    reason_label: "Lý do (bắt buộc)",
    items_label: "Hàng nào (để trống: cả đơn)",
    items_hint: "Ví dụ: 1 kg nhãn bị dập",
    send: "Gửi yêu cầu",
    status: status_vi,
    resolution: |r| match r {
        Resolution::Refund => "hoàn tiền",
        Resolution::Replacement => "đổi hàng",
    },
    asked_on: |d| format!("Gửi lúc {d}"),
    answer_label: "Lý do trả lời",
    due: |s, d| match s {
        ReturnStatus::Requested => format!("Nhà sản xuất cần trả lời trước {d}"),
        ReturnStatus::WithOfficer => format!("Cán bộ xã cần quyết định trước {d}"),
        _ => format!("Ban quản lý sàn cần quyết định trước {d}"),
    },
    overdue: "Đã quá hạn trả lời: bạn có thể chuyển lên cấp trên.",
    accept_refund: "Chấp nhận, hoàn tiền",
    accept_replacement: "Chấp nhận, đổi hàng",
    refuse: "Từ chối",
    refuse_reason: "Lý do từ chối (bắt buộc)",
    escalate_officer: "Chuyển cán bộ xã xem xét",
    escalate_marketplace: "Chuyển ban quản lý sàn xem xét",
    uphold_refund: "Chấp nhận cho người mua: hoàn tiền",
    uphold_replacement: "Chấp nhận cho người mua: đổi hàng",
    reject: "Không chấp nhận",
    decision_reason: "Lý do (bắt buộc khi không chấp nhận)",
    refusal: |r| match r {
        Refusal::WindowOver => "Đã quá thời hạn đổi trả của đơn này.",
        Refusal::NotDelivered => "Chỉ gửi yêu cầu được khi đơn đã giao.",
        Refusal::Duplicate => "Đơn này đã có yêu cầu trả hàng.",
        Refusal::Reason => "Hãy ghi lý do.",
        Refusal::TooLong => "Nội dung quá dài.",
        Refusal::Choice => "Hãy chọn điều bạn muốn.",
        Refusal::NotYet => "Chưa đến hạn trả lời: chỉ chuyển lên được khi bị từ chối hoặc quá hạn.",
        Refusal::NotYours => "Bước này không phải của bạn.",
        Refusal::Closed => "Yêu cầu đã kết thúc.",
        Refusal::NotNow => "Yêu cầu đã được xử lý ở bước khác; hãy xem lại.",
        Refusal::Photos => "Tối đa 3 ảnh.",
        Refusal::Name => "Hãy ghi họ tên.",
        Refusal::Contact => "Hãy ghi email hoặc số điện thoại.",
        Refusal::Message => "Hãy ghi nội dung khiếu nại.",
        Refusal::Category => "Hãy chọn loại khiếu nại.",
    },
    done: "Đã ghi nhận.",
    history_note: |n| match ReturnStatus::parse(n.strip_prefix(super::NOTE_PREFIX).unwrap_or(n)) {
        Some(s) => status_vi(s).to_owned(),
        None => n.to_owned(),
    },
    producer_title: "Yêu cầu trả hàng",
    officer_title: "Khiếu nại trả hàng chuyển lên xã",
    admin_title: "Khiếu nại trả hàng chuyển lên sàn",
    none: "Không có yêu cầu nào.",
    order: "Đơn",
    notice_title: |o| format!("Trả hàng đơn {o}"),
    notice_body: |o, s| format!("Đơn {o}: {s}. Xem chi tiết và thời hạn trên trang đơn hàng."),
    complaint_title: "Khiếu nại",
    complaint_version: "Quy trình giải quyết khiếu nại, phiên bản 1, ngày 02/12/2026",
    complaint_steps: &[
        "Gửi khiếu nại bằng mẫu dưới đây; bạn nhận ngay một mã theo dõi.",
        "Ban quản lý sàn xác nhận và bắt đầu xem xét trong 2 ngày làm việc.",
        "Chúng tôi trả lời trong 10 ngày làm việc, qua trang theo dõi (và email nếu bạn đăng nhập).",
        "Nếu chưa đồng ý với câu trả lời, bạn có thể khiếu nại đến cơ quan bảo vệ người tiêu dùng.",
    ],
    complaint_returns_hint: "Muốn trả hàng hay hoàn tiền cho một đơn đã giao? Hãy gửi yêu cầu ngay trên trang đơn hàng.",
    name_label: "Họ tên",
    contact_label: "Email hoặc số điện thoại",
    order_label: "Mã đơn hàng (nếu có)",
    category_label: "Loại",
    category: |c| match c {
        ComplaintCategory::Product => "Chất lượng sản phẩm",
        ComplaintCategory::Delivery => "Giao hàng",
        ComplaintCategory::Payment => "Thanh toán",
        ComplaintCategory::Seller => "Người bán",
        ComplaintCategory::Website => "Trang web",
        ComplaintCategory::Other => "Khác",
    },
    message_label: "Nội dung",
    file: "Gửi khiếu nại",
    filed: |c| format!("Đã nhận khiếu nại. Mã theo dõi của bạn: {c}"),
    track_title: |c| format!("Khiếu nại {c}"),
    track_keep: "Giữ mã này: ai có mã đều xem được trạng thái khiếu nại.",
    complaint_status: |s| match s {
        ComplaintStatus::Received => "Đã nhận",
        ComplaintStatus::InProgress => "Đang xem xét",
        ComplaintStatus::Resolved => "Đã giải quyết",
        ComplaintStatus::Rejected => "Không chấp nhận",
    },
    filed_on: |d| format!("Gửi lúc {d}"),
    answer: "Trả lời",
    set_status: "Cập nhật",
    complaints_admin: "Khiếu nại",
    too_many: "Bạn đã gửi nhiều khiếu nại; hãy thử lại sau.",
    complaint_notice_title: |c| format!("Khiếu nại {c} có trả lời"),
    complaint_notice_body: |c, s| {
        format!("Khiếu nại {c}: {s}. Xem câu trả lời trên trang theo dõi.")
    },
};

static EN: ReturnTexts = ReturnTexts {
    heading: "Returns and refunds",
    ask_title: "Ask for a return / refund",
    ask_until: |d| format!("You can ask until {d}."),
    wanted_label: "You want",
    wanted: |w| match w {
        Wanted::Refund => "A refund (keeping the goods)",
        Wanted::Return => "To send the goods back for a refund",
        Wanted::Replacement => "A replacement",
    },
    reason_label: "Reason (required)",
    items_label: "Which goods (blank: the whole order)",
    items_hint: "E.g. 1 kg of longan arrived bruised",
    send: "Send the request",
    status: status_en,
    resolution: |r| match r {
        Resolution::Refund => "refund",
        Resolution::Replacement => "replacement",
    },
    asked_on: |d| format!("Sent {d}"),
    answer_label: "Reason given",
    due: |s, d| match s {
        ReturnStatus::Requested => format!("The producer must answer by {d}"),
        ReturnStatus::WithOfficer => format!("The commune officer must decide by {d}"),
        _ => format!("The marketplace must decide by {d}"),
    },
    overdue: "The answer is overdue: you can take it further.",
    accept_refund: "Accept: refund",
    accept_replacement: "Accept: replace",
    refuse: "Refuse",
    refuse_reason: "Why you refuse (required)",
    escalate_officer: "Ask the commune officer",
    escalate_marketplace: "Ask the marketplace",
    uphold_refund: "For the buyer: refund",
    uphold_replacement: "For the buyer: replace",
    reject: "Against the request",
    decision_reason: "Reason (required when against)",
    refusal: |r| match r {
        Refusal::WindowOver => "The return window for this order is over.",
        Refusal::NotDelivered => "You can ask once the order is delivered.",
        Refusal::Duplicate => "This order has a return request already.",
        Refusal::Reason => "Give a reason.",
        Refusal::TooLong => "The text is too long.",
        Refusal::Choice => "Choose what you want.",
        Refusal::NotYet => {
            "The answer is not due yet: you can take it further once refused or overdue."
        }
        Refusal::NotYours => "This step is not yours.",
        Refusal::Closed => "The request is closed.",
        Refusal::NotNow => "The request was handled meanwhile; have a look again.",
        Refusal::Photos => "At most 3 photos.",
        Refusal::Name => "Give your name.",
        Refusal::Contact => "Give an email address or a phone number.",
        Refusal::Message => "Write the complaint.",
        Refusal::Category => "Choose a category.",
    },
    done: "Recorded.",
    history_note: |n| match ReturnStatus::parse(n.strip_prefix(super::NOTE_PREFIX).unwrap_or(n)) {
        Some(s) => status_en(s).to_owned(),
        None => n.to_owned(),
    },
    producer_title: "Return requests",
    officer_title: "Return disputes escalated to the commune",
    admin_title: "Return disputes escalated to the marketplace",
    none: "No requests.",
    order: "Order",
    notice_title: |o| format!("Return for order {o}"),
    notice_body: |o, s| format!("Order {o}: {s}. See the details and deadlines on the order page."),
    complaint_title: "Complaints",
    complaint_version: "Complaints procedure, version 1, 2 December 2026",
    complaint_steps: &[
        "Send your complaint with the form below; you get a tracking number at once.",
        "The marketplace acknowledges it and starts looking into it within 2 working days.",
        "We answer within 10 working days, on the tracking page (and by email if you are signed in).",
        "If you disagree with the answer, you may turn to the consumer protection authority.",
    ],
    complaint_returns_hint: "Want a return or refund for a delivered order? Ask on the order's page.",
    name_label: "Name",
    contact_label: "Email or phone",
    order_label: "Order number (if any)",
    category_label: "Category",
    category: |c| match c {
        ComplaintCategory::Product => "Product quality",
        ComplaintCategory::Delivery => "Delivery",
        ComplaintCategory::Payment => "Payment",
        ComplaintCategory::Seller => "Seller",
        ComplaintCategory::Website => "Website",
        ComplaintCategory::Other => "Other",
    },
    message_label: "Message",
    file: "Send the complaint",
    filed: |c| format!("Complaint received. Your tracking number: {c}"),
    track_title: |c| format!("Complaint {c}"),
    track_keep: "Keep this number: whoever has it can read the complaint's status.",
    complaint_status: |s| match s {
        ComplaintStatus::Received => "Received",
        ComplaintStatus::InProgress => "In progress",
        ComplaintStatus::Resolved => "Resolved",
        ComplaintStatus::Rejected => "Rejected",
    },
    filed_on: |d| format!("Sent {d}"),
    answer: "Answer",
    set_status: "Update",
    complaints_admin: "Complaints",
    too_many: "You have sent many complaints; please try again later.",
    complaint_notice_title: |c| format!("Complaint {c} answered"),
    complaint_notice_body: |c, s| {
        format!("Complaint {c}: {s}. See the answer on its tracking page.")
    },
};
