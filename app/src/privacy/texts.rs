//! The data page's words.

use super::rules::PrivacyRefusal;
use crate::i18n::Locale;

pub struct PrivacyTexts {
    pub title: &'static str,
    pub intro: &'static str,
    pub download_title: &'static str,
    pub download_help: &'static str,
    pub download: &'static str,
    pub choices_title: &'static str,
    pub granted: &'static str,
    pub refused: &'static str,
    pub never: &'static str,
    pub grant: &'static str,
    pub withdraw: &'static str,
    pub since: &'static str,
    pub saved: &'static str,
    pub required_note: &'static str,
    pub delete_title: &'static str,
    pub delete_help: &'static str,
    pub delete_kept: &'static str,
    pub password: &'static str,
    pub confirm: &'static str,
    pub delete: &'static str,
    pub deleted: &'static str,
    pub policy_link: &'static str,
    pub marketing_signup: &'static str,
    pub order_notice: &'static str,
    pub signup_notice: &'static str,
}

impl PrivacyTexts {
    pub fn of(locale: Locale) -> &'static PrivacyTexts {
        match locale {
            Locale::Vi => &VI,
            Locale::En => &EN,
        }
    }

    pub fn refusal(&self, r: PrivacyRefusal) -> &'static str {
        let vi = std::ptr::eq(self, &VI);
        match (vi, r) {
            (true, PrivacyRefusal::NotOptional) => {
                "Mục đích này cần để phục vụ bạn; nó chấm dứt khi bạn xoá tài khoản."
            }
            (true, PrivacyRefusal::OpenOrders) => {
                "Bạn còn đơn hàng đang giao. Hãy xoá tài khoản sau khi đơn đã giao hoặc đã huỷ."
            }
            (true, PrivacyRefusal::SoleOwner) => {
                "Bạn là chủ duy nhất của một nhà sản xuất. Hãy thêm một chủ khác trước khi xoá tài khoản."
            }
            (true, PrivacyRefusal::Password) => "Mật khẩu không đúng.",
            (true, PrivacyRefusal::Confirm) => "Hãy đánh dấu ô xác nhận để xoá tài khoản.",
            (true, PrivacyRefusal::Unknown) => "Không thực hiện được. Hãy thử lại.",
            (false, PrivacyRefusal::NotOptional) => {
                "This purpose is needed to serve you; it ends when you delete your account."
            }
            (false, PrivacyRefusal::OpenOrders) => {
                "You have orders still on their way. Delete the account once they are delivered or cancelled."
            }
            (false, PrivacyRefusal::SoleOwner) => {
                "You are the only owner of a producer. Add another owner before deleting your account."
            }
            (false, PrivacyRefusal::Password) => "The password is not right.",
            (false, PrivacyRefusal::Confirm) => "Tick the confirmation box to delete the account.",
            (false, PrivacyRefusal::Unknown) => "That did not work. Please try again.",
        }
    }
}

static VI: PrivacyTexts = PrivacyTexts {
    title: "Dữ liệu của tôi",
    intro: "Bạn có quyền biết, tải về, thay đổi đồng ý và xoá dữ liệu cá nhân sàn đang giữ về bạn.",
    download_title: "Tải toàn bộ dữ liệu",
    download_help: "Một tệp JSON gồm tài khoản, các lựa chọn đồng ý, phiên đăng nhập, đơn hàng (kèm thông tin nhận hàng), giỏ hàng, hộp thư, mã truy cập và nhật ký thao tác của bạn.",
    download: "Tải về (JSON)",
    choices_title: "Các lựa chọn của bạn",
    granted: "Đã đồng ý",
    refused: "Không đồng ý",
    never: "Chưa chọn (coi như không đồng ý)",
    grant: "Đồng ý",
    withdraw: "Rút lại đồng ý",
    since: "từ",
    saved: "Đã lưu lựa chọn của bạn.",
    required_note: "Tài khoản và đơn hàng dựa trên hợp đồng với bạn: cần để phục vụ bạn và chấm dứt khi bạn xoá tài khoản.",
    delete_title: "Xoá tài khoản",
    delete_help: "Tài khoản, phiên đăng nhập, giỏ hàng, hộp thư, mã truy cập và các lựa chọn thông báo bị xoá ngay; bạn không đăng nhập lại được.",
    delete_kept: "Đơn hàng đã đặt được giữ 10 năm theo Luật Kế toán, với tên, số điện thoại và địa chỉ của bạn được thay bằng chữ ẩn danh.",
    password: "Mật khẩu hiện tại",
    confirm: "Tôi hiểu việc xoá tài khoản không thể hoàn tác.",
    delete: "Xoá tài khoản",
    deleted: "Tài khoản của bạn đã được xoá.",
    policy_link: "Chính sách bảo mật",
    marketing_signup: "Nhận tin mùa vụ và ưu đãi qua email hoặc SMS (không bắt buộc, rút lại bất cứ lúc nào).",
    order_notice: "Tên, số điện thoại và địa chỉ được dùng để giao đơn này và gửi cho người bán, đơn vị vận chuyển, theo",
    signup_notice: "Khi tạo tài khoản, bạn đồng ý với Quy chế hoạt động và việc xử lý dữ liệu để phục vụ tài khoản theo",
};

static EN: PrivacyTexts = PrivacyTexts {
    title: "My data",
    intro: "You have the right to know, download, change your consents to and delete the personal data the marketplace holds about you.",
    download_title: "Download everything",
    download_help: "One JSON file with your account, consent decisions, sessions, orders (with delivery details), cart, inbox, access tokens and the actions you took.",
    download: "Download (JSON)",
    choices_title: "Your choices",
    granted: "Agreed",
    refused: "Not agreed",
    never: "Not chosen (counts as no)",
    grant: "Agree",
    withdraw: "Withdraw consent",
    since: "since",
    saved: "Your choice is saved.",
    required_note: "Account and orders rest on the contract with you: they are needed to serve you and end when you delete your account.",
    delete_title: "Delete the account",
    delete_help: "The account, sessions, cart, inbox, access tokens and notification choices are deleted at once; you cannot sign in again.",
    delete_kept: "Orders you placed are kept for 10 years under the Accounting Law, with your name, phone and address replaced.",
    password: "Current password",
    confirm: "I understand that deleting the account cannot be undone.",
    delete: "Delete the account",
    deleted: "Your account has been deleted.",
    policy_link: "Privacy policy",
    marketing_signup: "Receive harvest news and offers by email or SMS (optional, withdraw at any time).",
    order_notice: "Your name, phone and address are used to deliver this order and are given to the seller and the carrier, under the",
    signup_notice: "By creating an account you accept the Operating rules and the processing needed to run it, under the",
};
