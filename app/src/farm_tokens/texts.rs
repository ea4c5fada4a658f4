//! The token page's words, in Vietnamese and English.

use super::{Scope, TokenRefusal};
use crate::i18n::Locale;

pub struct TokenTexts {
    pub title: &'static str,
    pub intro: &'static str,
    pub none: &'static str,
    pub name: &'static str,
    pub name_hint: &'static str,
    pub producer: &'static str,
    pub scope_label: &'static str,
    pub scope: fn(Scope) -> &'static str,
    pub create: &'static str,
    pub created: &'static str,
    pub copy_now: &'static str,
    pub revoke: &'static str,
    pub revoked: &'static str,
    pub made: &'static str,
    pub last_used: &'static str,
    pub never_used: &'static str,
    pub not_a_member: &'static str,
    pub refusal: fn(TokenRefusal) -> &'static str,
    pub api_doc: &'static str,
}

impl TokenTexts {
    pub fn of(locale: Locale) -> &'static TokenTexts {
        match locale {
            Locale::Vi => &VI,
            Locale::En => &EN,
        }
    }
}

static VI: TokenTexts = TokenTexts {
    title: "Mã truy cập cho ứng dụng và thiết bị",
    intro: "Ứng dụng điện thoại hoặc trạm cảm biến (độ ẩm đất, thời tiết) dùng mã này để đọc \
            hoặc ghi nhật ký canh tác của cơ sở, theo đúng quy tắc như khi bạn ghi trên trang. \
            Mã chỉ hiện một lần; mất mã thì thu hồi và tạo mã mới.",
    none: "Chưa có mã truy cập nào.",
    name: "Tên thiết bị",
    name_hint: "Ví dụ: Trạm đo ẩm vườn Tân Hưng",
    producer: "Cơ sở",
    scope_label: "Quyền",
    scope: |s| match s {
        Scope::Read => "Chỉ đọc",
        Scope::Write => "Đọc và ghi nhật ký",
    },
    create: "Tạo mã",
    created: "Đã tạo mã. Hãy chép ngay vào ứng dụng hoặc thiết bị: mã sẽ không hiện lại.",
    copy_now: "Mã truy cập mới",
    revoke: "Thu hồi",
    revoked: "Đã thu hồi mã: thiết bị dùng mã này không truy cập được nữa.",
    made: "Tạo lúc",
    last_used: "Dùng lần cuối",
    never_used: "chưa dùng",
    not_a_member: "Chỉ thành viên của một cơ sở đã được duyệt mới tạo được mã truy cập nhật ký.",
    refusal: |r| match r {
        TokenRefusal::NameMissing => "Hãy đặt tên cho thiết bị dùng mã.",
        TokenRefusal::NameTooLong => "Tên thiết bị dài quá 60 ký tự.",
        TokenRefusal::Producer => "Hãy chọn một cơ sở mà bạn là thành viên.",
        TokenRefusal::Scope => "Hãy chọn quyền: chỉ đọc, hoặc đọc và ghi.",
    },
    api_doc: "Tài liệu API (OpenAPI)",
};

static EN: TokenTexts = TokenTexts {
    title: "Access tokens for apps and devices",
    intro: "A phone app or a sensor station (soil moisture, weather) uses a token to read or \
            write your producer's farm diary, under the same rules as the pages. A token is \
            shown once; if it is lost, revoke it and make a new one.",
    none: "No access tokens yet.",
    name: "Device name",
    name_hint: "For example: Tân Hưng orchard moisture station",
    producer: "Producer",
    scope_label: "Access",
    scope: |s| match s {
        Scope::Read => "Read only",
        Scope::Write => "Read and write the diary",
    },
    create: "Make a token",
    created: "Token made. Copy it into the app or device now: it will not be shown again.",
    copy_now: "New access token",
    revoke: "Revoke",
    revoked: "Token revoked: devices using it are shut out.",
    made: "Made",
    last_used: "Last used",
    never_used: "never",
    not_a_member: "Only members of an approved producer can make farm diary tokens.",
    refusal: |r| match r {
        TokenRefusal::NameMissing => "Give the device using the token a name.",
        TokenRefusal::NameTooLong => "The device name is longer than 60 characters.",
        TokenRefusal::Producer => "Choose a producer you are a member of.",
        TokenRefusal::Scope => "Choose the access: read only, or read and write.",
    },
    api_doc: "API documentation (OpenAPI)",
};
