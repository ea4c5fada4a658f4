//! The footer's, the documents' and the operator form's words.

use super::operator::OperatorRefusal;
use crate::i18n::Locale;
use crate::privacy::rules::{Kept, Purpose};

pub struct LegalTexts {
    pub footer_label: &'static str,
    pub rules: &'static str,
    pub privacy: &'static str,
    pub terms: &'static str,
    pub complaints: &'static str,
    pub my_data: &'static str,
    pub operated_by: &'static str,
    pub not_set: &'static str,
    pub phone: &'static str,
    pub email: &'static str,
    pub registration: &'static str,
    pub representative: &'static str,
    pub ecommerce: &'static str,
    pub badge: &'static str,
    pub version: &'static str,
    pub effective: &'static str,
    pub other_documents: &'static str,
    pub purpose_heading: [&'static str; 3],
    pub contract: &'static str,
    pub consent: &'static str,
    pub kept_heading: [&'static str; 2],
    // The administrators' form.
    pub form_title: &'static str,
    pub form_help: &'static str,
    pub fields: [&'static str; 8],
    pub record_help: &'static str,
    pub save: &'static str,
}

impl LegalTexts {
    pub fn of(locale: Locale) -> &'static LegalTexts {
        match locale {
            Locale::Vi => &VI,
            Locale::En => &EN,
        }
    }

    pub fn purpose(&self, purpose: Purpose) -> (&'static str, &'static str) {
        match (std::ptr::eq(self, &VI), purpose) {
            (true, Purpose::Account) => (
                "Tài khoản",
                "Đăng nhập, hộp thư thông báo, nhật ký canh tác của thành viên nhà sản xuất.",
            ),
            (true, Purpose::Order) => (
                "Đơn hàng",
                "Giao hàng, thanh toán, biên nhận, đổi trả và khiếu nại.",
            ),
            (true, Purpose::Marketing) => (
                "Tin mùa vụ và ưu đãi",
                "Email hoặc SMS về mùa thu hoạch và ưu đãi. Chỉ khi bạn đồng ý; rút lại bất cứ lúc nào.",
            ),
            (false, Purpose::Account) => (
                "Account",
                "Signing in, the inbox, the cultivation log of a producer's members.",
            ),
            (false, Purpose::Order) => (
                "Orders",
                "Delivery, payment, receipts, returns and complaints.",
            ),
            (false, Purpose::Marketing) => (
                "Harvest news and offers",
                "Email or SMS about harvests and offers. Only if you agree; withdraw at any time.",
            ),
        }
    }

    pub fn kept(&self, kept: Kept) -> String {
        let vi = std::ptr::eq(self, &VI);
        let days = kept.days();
        let what = match (vi, kept) {
            (true, Kept::GuestCart) => "Giỏ hàng của khách chưa đăng nhập, kể từ lần thay đổi cuối",
            (true, Kept::Session) => "Phiên đăng nhập, kể từ khi hết hạn",
            (true, Kept::Throttle) => "Bộ đếm chống dò mật khẩu, kể từ khi hết khung thời gian",
            (true, Kept::Code) => "Mã xác minh một lần, kể từ khi hết hạn",
            (true, Kept::Audit) => "Nhật ký thao tác (kèm địa chỉ IP), kể từ khi ghi",
            (false, Kept::GuestCart) => "A guest's cart (not signed in), from its last change",
            (false, Kept::Session) => "A sign-in session, from its expiry",
            (false, Kept::Throttle) => "Password-guessing counters, from the end of their window",
            (false, Kept::Code) => "One-time verification codes, from their expiry",
            (false, Kept::Audit) => "The action log (with IP addresses), from when written",
        };
        let period = match (vi, days) {
            (true, 0) => "xoá ngay".to_owned(),
            (false, 0) => "deleted at once".to_owned(),
            (true, d) => format!("{d} ngày"),
            (false, d) => format!("{d} days"),
        };
        format!("{what}: {period}")
    }

    pub fn refusal(&self, r: OperatorRefusal) -> &'static str {
        let vi = std::ptr::eq(self, &VI);
        match (vi, r) {
            (true, OperatorRefusal::Name) => "Hãy ghi tên đơn vị vận hành (2–200 ký tự).",
            (true, OperatorRefusal::Address) => "Hãy ghi địa chỉ trụ sở.",
            (true, OperatorRefusal::Contact) => "Hãy ghi số điện thoại hoặc một email đúng.",
            (true, OperatorRefusal::TooLong) => "Mỗi mục tối đa 200 ký tự.",
            (true, OperatorRefusal::Record) => {
                "Liên kết huy hiệu phải là trang hồ sơ trên online.gov.vn và cần có số đăng ký."
            }
            (false, OperatorRefusal::Name) => "Give the operator's name (2–200 characters).",
            (false, OperatorRefusal::Address) => "Give the head office's address.",
            (false, OperatorRefusal::Contact) => "Give a phone number or a valid email.",
            (false, OperatorRefusal::TooLong) => "Each field takes at most 200 characters.",
            (false, OperatorRefusal::Record) => {
                "The badge's link must be the record on online.gov.vn, with the registration number."
            }
        }
    }
}

static VI: LegalTexts = LegalTexts {
    footer_label: "Thông tin pháp lý",
    rules: "Quy chế hoạt động",
    privacy: "Chính sách bảo mật",
    terms: "Điều khoản mua bán",
    complaints: "Khiếu nại",
    my_data: "Dữ liệu của tôi",
    operated_by: "Đơn vị vận hành",
    not_set: "Thông tin đơn vị vận hành chưa được quản trị viên khai báo.",
    phone: "Điện thoại",
    email: "Email",
    registration: "Giấy chứng nhận đăng ký doanh nghiệp",
    representative: "Người đại diện",
    ecommerce: "Đăng ký sàn thương mại điện tử",
    badge: "Đã đăng ký Bộ Công Thương",
    version: "Phiên bản",
    effective: "hiệu lực từ",
    other_documents: "Văn bản khác",
    purpose_heading: ["Mục đích", "Dùng để", "Căn cứ"],
    contract: "Hợp đồng (cần để phục vụ bạn)",
    consent: "Sự đồng ý của bạn (không bắt buộc)",
    kept_heading: ["Dữ liệu", "Thời gian giữ"],
    form_title: "Đơn vị vận hành (chân trang)",
    form_help: "Hiện ở chân mọi trang theo quy định về sàn thương mại điện tử.",
    fields: [
        "Tên đơn vị",
        "Địa chỉ trụ sở",
        "Điện thoại",
        "Email",
        "Giấy chứng nhận đăng ký doanh nghiệp (số, ngày cấp, nơi cấp)",
        "Người đại diện theo pháp luật",
        "Số đăng ký với Bộ Công Thương",
        "Trang hồ sơ trên online.gov.vn",
    ],
    record_help: "Huy hiệu chỉ hiện khi có cả số đăng ký và trang hồ sơ trên online.gov.vn.",
    save: "Lưu",
};

static EN: LegalTexts = LegalTexts {
    footer_label: "Legal information",
    rules: "Operating rules",
    privacy: "Privacy policy",
    terms: "Terms of sale",
    complaints: "Complaints",
    my_data: "My data",
    operated_by: "Operated by",
    not_set: "The operator's details have not been entered by an administrator yet.",
    phone: "Phone",
    email: "Email",
    registration: "Business registration",
    representative: "Legal representative",
    ecommerce: "E-commerce registration",
    badge: "Registered with the Ministry of Industry and Trade",
    version: "Version",
    effective: "in effect from",
    other_documents: "Other documents",
    purpose_heading: ["Purpose", "Used for", "Basis"],
    contract: "Contract (needed to serve you)",
    consent: "Your consent (optional)",
    kept_heading: ["Data", "Kept for"],
    form_title: "Operator (page footer)",
    form_help: "Shown at the foot of every page, as e-commerce rules require.",
    fields: [
        "Name",
        "Head office address",
        "Phone",
        "Email",
        "Business registration (number, date, issuer)",
        "Legal representative",
        "Ministry of Industry and Trade registration number",
        "Record page on online.gov.vn",
    ],
    record_help: "The badge shows only with both the number and the record page on online.gov.vn.",
    save: "Save",
};
