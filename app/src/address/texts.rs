//! The address picker's and the units' words, in Vietnamese and English.

use crate::{
    address::rules::{CommuneKind, ProvinceKind},
    i18n::Locale,
};

/// "Thành phố Hồ Chí Minh", "Hưng Yên" / "Hồ Chí Minh City", "Hưng Yên Province".
pub fn province_label(kind: ProvinceKind, name: &str, locale: Locale) -> String {
    match (locale, kind) {
        (Locale::Vi, ProvinceKind::City) => format!("Thành phố {name}"),
        (Locale::Vi, ProvinceKind::Province) => name.to_owned(),
        (Locale::En, ProvinceKind::City) => format!("{name} City"),
        (Locale::En, ProvinceKind::Province) => format!("{name} Province"),
    }
}

/// "Phường Bến Thành", "Xã Đông Tảo" / "Bến Thành Ward", "Đông Tảo Commune".
pub fn commune_label(kind: CommuneKind, name: &str, locale: Locale) -> String {
    match (locale, kind) {
        (Locale::Vi, CommuneKind::Commune) => format!("Xã {name}"),
        (Locale::Vi, CommuneKind::Ward) => format!("Phường {name}"),
        (Locale::Vi, CommuneKind::SpecialZone) => format!("Đặc khu {name}"),
        (Locale::En, CommuneKind::Commune) => format!("{name} Commune"),
        (Locale::En, CommuneKind::Ward) => format!("{name} Ward"),
        (Locale::En, CommuneKind::SpecialZone) => format!("{name} Special Zone"),
    }
}

pub struct AddressTexts {
    pub province: &'static str,
    pub choose_province: &'static str,
    pub show_communes: &'static str,
    pub commune: &'static str,
    pub choose_commune: &'static str,
    pub change_province: &'static str,
    pub find_label: &'static str,
    pub find_hint: &'static str,
    pub no_match: &'static str,
    pub chosen: &'static str,
}

impl AddressTexts {
    pub fn of(locale: Locale) -> &'static AddressTexts {
        match locale {
            Locale::Vi => &VI,
            Locale::En => &EN,
        }
    }
}

static VI: AddressTexts = AddressTexts {
    province: "Tỉnh/thành phố",
    choose_province: "Chọn tỉnh/thành phố",
    show_communes: "Xem xã/phường",
    commune: "Xã/phường/đặc khu",
    choose_commune: "Chọn xã/phường",
    change_province: "Đổi tỉnh/thành phố",
    find_label: "Tìm xã/phường nhận hàng",
    find_hint: "Gõ tên xã, phường (có dấu hay không dấu), ví dụ: Bến Thành, hoan kiem",
    no_match: "Không tìm thấy xã/phường nào như vậy. Thử tên khác, hoặc chọn tỉnh rồi chọn trong danh sách.",
    chosen: "Giao đến",
};

static EN: AddressTexts = AddressTexts {
    province: "Province/city",
    choose_province: "Choose the province or city",
    show_communes: "Show its communes",
    commune: "Commune/ward/special zone",
    choose_commune: "Choose the commune or ward",
    change_province: "Change the province",
    find_label: "Find the delivery commune or ward",
    find_hint: "Type the commune's or ward's name, with or without accents, e.g. Bến Thành, hoan kiem",
    no_match: "No commune or ward matches. Try another name, or choose the province and pick from its list.",
    chosen: "Deliver to",
};
