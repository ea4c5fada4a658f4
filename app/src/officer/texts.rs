//! The officer dashboard's OCOP certificate words, in Vietnamese and English.

use crate::{
    i18n::Locale,
    officer::{form::OfficerRefusal, rules::ocop::Standing},
};

// A record gone reads as what the pages sharing the notice showed for it before: a listing
// form's generic text.
const GENERIC_VI: &str = "Không lưu được. Hãy kiểm tra lại.";
const GENERIC_EN: &str = "That could not be saved. Please check and try again.";

pub struct OfficerTexts {
    pub commune_pages: &'static str,
    pub edit_page: &'static str,
    pub import_list: &'static str,
    pub reports: &'static str,
    pub certificates: &'static str,
    pub expiring_heading: &'static str,
    pub none_expiring: &'static str,
    pub no_certificates: &'static str,
    pub record_heading: &'static str,
    pub product: &'static str,
    pub choose_product: &'static str,
    pub stars: &'static str,
    pub level: &'static str,
    pub province: &'static str,
    pub national: &'static str,
    pub decision: &'static str,
    pub decision_hint: &'static str,
    pub issued_on: &'static str,
    pub expires_on: &'static str,
    pub expires_hint: &'static str,
    pub record: &'static str,
    pub recorded: &'static str,
    pub standing: fn(Standing) -> String,
    pub table_head: [&'static str; 5],
    pub error: fn(OfficerRefusal) -> &'static str,
}

static VI: OfficerTexts = OfficerTexts {
    commune_pages: "Trang xã",
    edit_page: "Sửa trang",
    import_list: "Nhập danh sách OCOP từ bảng tính",
    reports: "Báo cáo doanh thu và OCOP",
    certificates: "Chứng nhận OCOP",
    expiring_heading: "Sắp hết hạn (trong 90 ngày) và đã hết hạn",
    none_expiring: "Không có chứng nhận nào sắp hết hạn.",
    no_certificates: "Chưa có chứng nhận nào được ghi.",
    record_heading: "Ghi chứng nhận mới",
    product: "Sản phẩm",
    choose_product: "— Chọn sản phẩm —",
    stars: "Số sao",
    level: "Cấp công nhận",
    province: "Tỉnh (3–4 sao)",
    national: "Trung ương (5 sao)",
    decision: "Số quyết định",
    decision_hint: "vd. 1820/QĐ-UBND",
    issued_on: "Ngày cấp",
    expires_on: "Ngày hết hạn",
    expires_hint: "Để trống: 36 tháng kể từ ngày cấp.",
    record: "Ghi chứng nhận",
    recorded: "Đã ghi chứng nhận OCOP.",
    standing: |s| match s {
        Standing::NotYetValid => "Chưa có hiệu lực".to_owned(),
        Standing::Valid => "Còn hiệu lực".to_owned(),
        Standing::ExpiringSoon { days_left: 0 } => "Hết hạn sau hôm nay".to_owned(),
        Standing::ExpiringSoon { days_left } => format!("Còn {days_left} ngày"),
        Standing::Expired => "Đã hết hạn: không còn hiện sao".to_owned(),
    },
    table_head: ["Sản phẩm", "Sao", "Quyết định", "Hiệu lực", "Tình trạng"],
    // No catch-all: a new reason stops this compiling until it has its text.
    error: |refusal| {
        use OfficerRefusal::*;
        match refusal {
            CertStars => "Số sao phải là 3, 4 hoặc 5.",
            CertLevel => "Chọn cấp công nhận: tỉnh hoặc trung ương.",
            CertDecision => "Nhập số quyết định (tối đa 60 ký tự).",
            CertIssued => "Nhập ngày cấp (ngày/tháng/năm).",
            CertExpires => "Ngày hết hạn không hợp lệ.",
            CertFiveNational => "Sản phẩm 5 sao chỉ do trung ương công nhận.",
            CertExpiryOrder => "Ngày hết hạn phải sau ngày cấp.",
            CertDecisionTaken => "Sản phẩm này đã có chứng nhận với số quyết định đó.",
            CertProduct => "Chọn một sản phẩm trong xã của bạn.",
            CommuneName => "Tên xã dài từ 2 đến 80 ký tự.",
            UserUnknown => "Không có tài khoản nào với số điện thoại hoặc email này.",
            CommuneNameTaken => "Tỉnh đã có xã mang tên này.",
            CommuneMerge => "Hãy chọn hai xã khác nhau, đang hoạt động.",
            CommuneKind => "Hãy chọn loại: xã, phường hoặc đặc khu.",
            BankAccount => "Tài khoản ngân hàng chưa đúng: BIN 6 số, số tài khoản, tên không dấu.",
            StoryLong => "Câu chuyện dài tối đa 10.000 ký tự.",
            SignatureProduct => "Chỉ chọn được sản phẩm đã duyệt của chính xã này.",
            Yourself => "Bạn không thể tự khóa hoặc tự bỏ quyền quản trị của mình.",
            NotFound => GENERIC_VI,
        }
    },
};

static EN: OfficerTexts = OfficerTexts {
    commune_pages: "Commune pages",
    edit_page: "Edit the page of",
    import_list: "Import the OCOP list from a spreadsheet",
    reports: "Sales and OCOP reports",
    certificates: "OCOP certificates",
    expiring_heading: "Expiring within 90 days, and expired",
    none_expiring: "No certificate is about to expire.",
    no_certificates: "No certificate recorded yet.",
    record_heading: "Record a certificate",
    product: "Product",
    choose_product: "— Choose a product —",
    stars: "Stars",
    level: "Recognised by",
    province: "Province (3–4 stars)",
    national: "Central government (5 stars)",
    decision: "Decision number",
    decision_hint: "e.g. 1820/QĐ-UBND",
    issued_on: "Issued on",
    expires_on: "Expires on",
    expires_hint: "Leave empty: 36 months from the issue date.",
    record: "Record certificate",
    recorded: "OCOP certificate recorded.",
    standing: |s| match s {
        Standing::NotYetValid => "Not yet in force".to_owned(),
        Standing::Valid => "In force".to_owned(),
        Standing::ExpiringSoon { days_left: 0 } => "Expires after today".to_owned(),
        Standing::ExpiringSoon { days_left } => format!("{days_left} days left"),
        Standing::Expired => "Expired: stars no longer shown".to_owned(),
    },
    table_head: ["Product", "Stars", "Decision", "Valid", "Standing"],
    // No catch-all: a new reason stops this compiling until it has its text.
    error: |refusal| {
        use OfficerRefusal::*;
        match refusal {
            CertStars => "Stars must be 3, 4 or 5.",
            CertLevel => "Choose who recognised it: province or central government.",
            CertDecision => "Enter the decision number (at most 60 characters).",
            CertIssued => "Enter the issue date.",
            CertExpires => "The expiry date is not a date.",
            CertFiveNational => "5-star products are recognised only by the central government.",
            CertExpiryOrder => "The expiry date must come after the issue date.",
            CertDecisionTaken => {
                "This product already has a certificate with that decision number."
            }
            CertProduct => "Choose a product of your communes.",
            CommuneName => "A commune's name has 2 to 80 characters.",
            UserUnknown => "No account has that phone number or email.",
            CommuneNameTaken => "The province already has a commune with that name.",
            CommuneMerge => "Choose two different active communes.",
            CommuneKind => "Choose the kind: commune, ward or special zone.",
            BankAccount => {
                "The bank account is not valid: a 6-digit BIN, the account number, the holder without diacritics."
            }
            StoryLong => "The story may have at most 10,000 characters.",
            SignatureProduct => "Only an approved product of this commune can be chosen.",
            Yourself => "You cannot disable yourself or remove your own administrator role.",
            NotFound => GENERIC_EN,
        }
    },
};

impl OfficerTexts {
    pub fn of(locale: Locale) -> &'static OfficerTexts {
        match locale {
            Locale::Vi => &VI,
            Locale::En => &EN,
        }
    }
}
