//! Vietnamese first, English on request. Every UI string lives here, one table per language:
//! a field missing from a table is a compile error, not a blank on a page.
//!
//! The choice is a `lang` cookie, read on the server for each request and written into
//! `<html lang>`; the browser reads it back from there when hydrating, so both render alike.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::domain::money::MoneyLocale;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Locale {
    #[default]
    Vi,
    En,
}

/// The cookie that remembers the language.
pub const LANG_COOKIE: &str = "lang";

impl Locale {
    pub fn code(self) -> &'static str {
        match self {
            Locale::Vi => "vi",
            Locale::En => "en",
        }
    }

    pub fn from_code(code: &str) -> Option<Locale> {
        match code.trim() {
            "vi" => Some(Locale::Vi),
            "en" => Some(Locale::En),
            _ => None,
        }
    }

    /// The language named by the `lang` cookie in a `Cookie:` header; Vietnamese otherwise.
    pub fn from_cookie_header(header: &str) -> Locale {
        header
            .split(';')
            .filter_map(|pair| pair.trim().split_once('='))
            .find(|(name, _)| *name == LANG_COOKIE)
            .and_then(|(_, value)| Locale::from_code(value))
            .unwrap_or_default()
    }

    pub fn other(self) -> Locale {
        match self {
            Locale::Vi => Locale::En,
            Locale::En => Locale::Vi,
        }
    }

    pub fn money(self) -> MoneyLocale {
        match self {
            Locale::Vi => MoneyLocale::Vi,
            Locale::En => MoneyLocale::En,
        }
    }

    pub fn texts(self) -> &'static Texts {
        match self {
            Locale::Vi => &VI,
            Locale::En => &EN,
        }
    }

    /// Picks the text for this language, falling back to Vietnamese when no translation exists.
    pub fn pick<'a>(self, vi: &'a str, en: &'a str) -> &'a str {
        match self {
            Locale::En if !en.trim().is_empty() => en,
            _ => vi,
        }
    }
}

/// The language of the page being rendered: the request's cookie on the server, `<html lang>`
/// in the browser.
pub fn request_locale() -> Locale {
    #[cfg(feature = "ssr")]
    {
        use_context::<http::request::Parts>()
            .and_then(|parts| {
                parts
                    .headers
                    .get(http::header::COOKIE)?
                    .to_str()
                    .ok()
                    .map(Locale::from_cookie_header)
            })
            .unwrap_or_default()
    }
    #[cfg(not(feature = "ssr"))]
    {
        document()
            .document_element()
            .and_then(|html| html.get_attribute("lang"))
            .and_then(|code| Locale::from_code(&code))
            .unwrap_or_default()
    }
}

/// The language in context (provided once by the app shell).
pub fn use_locale() -> Locale {
    use_context::<Locale>().unwrap_or_default()
}

/// Every string the interface shows, in one language.
pub struct Texts {
    pub site_name: &'static str,
    pub lang_name: &'static str,
    pub switch_label: &'static str,
    pub eyebrow: &'static str,
    pub specialties_of: &'static str,
    pub signature_heading: &'static str,
    pub communes_heading: &'static str,
    pub loading: &'static str,
    pub load_failed: &'static str,
    pub empty_title: &'static str,
    pub empty_body: &'static str,
    pub home_description: &'static str,
    pub not_found_title: &'static str,
    pub not_found_body: &'static str,
    pub back_home: &'static str,
    pub former_names: &'static str,
    pub ward: &'static str,
    pub commune: &'static str,
    pub special_zone: &'static str,
    pub all_communes: &'static str,
    pub communes_title: &'static str,
    pub communes_description: &'static str,
    pub commune_filter_label: &'static str,
    pub commune_filter_placeholder: &'static str,
    pub filter_button: &'static str,
    pub no_commune_matches: &'static str,
    pub signature_product: &'static str,
    pub other_products: &'static str,
    pub producers_heading: &'static str,
    pub no_products_yet: &'static str,
    pub breadcrumb: &'static str,
    pub photos: &'static str,
    pub geographical_indication: &'static str,
    pub about_product: &'static str,
    pub product_group: &'static str,
    pub ocop_certificate: &'static str,
    pub no_certificate: &'static str,
    pub lots_on_sale: &'static str,
    pub lot: &'static str,
    pub harvested: &'static str,
    pub verified_by_officer: &'static str,
    pub more_from_commune: &'static str,
    pub variants_heading: &'static str,
    pub variant: &'static str,
    pub price: &'static str,
    pub availability: &'static str,
    pub in_stock: &'static str,
    pub out_of_stock: &'static str,
    pub producer_products: &'static str,
    pub only_left: fn(i64) -> String,
    pub date: fn(chrono::NaiveDate) -> String,
    pub certificate_line: fn(&str, &str, &str, &str) -> String,
    pub commune_count: fn(usize) -> String,
    pub producer_kind: fn(&str) -> &'static str,
    pub stats: fn(usize, i64, i64) -> String,
    pub from_price: fn(&str) -> String,
    pub stars_label: fn(u8) -> String,
    pub product_count: fn(i64) -> String,
}

pub const VI: Texts = Texts {
    site_name: "Đặc sản OCOP Hưng Yên",
    lang_name: "Tiếng Việt",
    switch_label: "Ngôn ngữ",
    eyebrow: "Mỗi xã một sản phẩm · OCOP",
    specialties_of: "Đặc sản",
    signature_heading: "Sản phẩm tiêu biểu của các xã",
    communes_heading: "Các xã, phường có đặc sản",
    loading: "Đang tải…",
    load_failed: "Không tải được dữ liệu, vui lòng thử lại sau.",
    empty_title: "Chưa có dữ liệu",
    empty_body: "Cơ sở dữ liệu còn trống. Người vận hành có thể nạp dữ liệu mẫu bằng lệnh",
    home_description: "Chợ đặc sản OCOP của các xã, phường tỉnh Hưng Yên: nhãn lồng, gà Đông Tảo, tương Bần, mật ong hoa nhãn và nhiều sản phẩm khác, rõ nguồn gốc.",
    not_found_title: "Không tìm thấy trang này",
    not_found_body: "Đường dẫn có thể đã cũ hoặc gõ nhầm. Hãy quay về trang chủ để xem đặc sản của các xã.",
    back_home: "Về trang chủ",
    former_names: "Trước đây",
    ward: "Phường",
    commune: "Xã",
    special_zone: "Đặc khu",
    all_communes: "Xem tất cả xã, phường",
    communes_title: "Các xã, phường",
    communes_description: "Tất cả xã, phường của tỉnh Hưng Yên (từ 1/7/2025) và đặc sản OCOP của từng nơi.",
    commune_filter_label: "Tìm xã, phường (có dấu hoặc không dấu, cả tên cũ)",
    commune_filter_placeholder: "ví dụ: dong tao, Phố Hiến",
    filter_button: "Tìm",
    no_commune_matches: "Không có xã, phường nào khớp. Hãy thử tên khác hoặc bỏ bớt chữ.",
    signature_product: "Sản phẩm tiêu biểu",
    other_products: "Sản phẩm khác",
    producers_heading: "Nhà sản xuất",
    no_products_yet: "Xã này chưa có sản phẩm được duyệt trên sàn.",
    breadcrumb: "Đường dẫn",
    photos: "Ảnh sản phẩm",
    geographical_indication: "Chỉ dẫn địa lý",
    about_product: "Giới thiệu sản phẩm",
    product_group: "Nhóm sản phẩm OCOP",
    ocop_certificate: "Chứng nhận OCOP",
    no_certificate: "Sản phẩm chưa có chứng nhận OCOP còn hiệu lực.",
    lots_on_sale: "Lô hàng đang bán",
    lot: "Lô",
    harvested: "thu hoạch",
    verified_by_officer: "Đã được cán bộ xã xác minh",
    more_from_commune: "Sản phẩm khác cùng xã",
    variants_heading: "Quy cách và giá",
    variant: "Quy cách",
    price: "Giá",
    availability: "Tình trạng",
    in_stock: "Còn hàng",
    out_of_stock: "Hết hàng",
    producer_products: "Sản phẩm",
    only_left: |n| format!("Chỉ còn {n}"),
    date: |d| d.format("%d/%m/%Y").to_string(),
    certificate_line: |level, decision, issued, expires| {
        let level = if level == "national" {
            "cấp quốc gia"
        } else {
            "cấp tỉnh"
        };
        format!(
            "Công nhận {level}, quyết định số {decision} ngày {issued}, hiệu lực đến {expires}."
        )
    },
    commune_count: |n| format!("{n} xã, phường"),
    producer_kind: |kind| match kind {
        "household" => "Hộ sản xuất",
        "cooperative" => "Hợp tác xã",
        "cooperative_group" => "Tổ hợp tác",
        "enterprise" => "Doanh nghiệp",
        _ => "",
    },
    stats: |communes, producers, products| {
        format!("{communes} xã, phường · {producers} nhà sản xuất · {products} sản phẩm")
    },
    from_price: |price| format!("từ {price}"),
    stars_label: |stars| format!("OCOP {stars} sao"),
    product_count: |n| format!("{n} sản phẩm"),
};

pub const EN: Texts = Texts {
    site_name: "Hưng Yên OCOP Specialties",
    lang_name: "English",
    switch_label: "Language",
    eyebrow: "One Commune One Product · OCOP",
    specialties_of: "Specialties of",
    signature_heading: "Each commune's signature product",
    communes_heading: "Communes and wards with specialties",
    loading: "Loading…",
    load_failed: "The data could not be loaded. Please try again later.",
    empty_title: "No data yet",
    empty_body: "The database is empty. An operator can load the demo data with the command",
    home_description: "The OCOP specialty market of Hưng Yên's communes and wards: longan, Đông Tảo chicken, Bần soy sauce, longan-flower honey and more, each traceable to its source.",
    not_found_title: "Page not found",
    not_found_body: "The link may be old or mistyped. Go back to the home page to see the communes' specialties.",
    back_home: "Back to the home page",
    former_names: "Formerly",
    ward: "Ward",
    commune: "Commune",
    special_zone: "Special zone",
    all_communes: "See every commune and ward",
    communes_title: "Communes and wards",
    communes_description: "Every commune and ward of Hưng Yên province (since 1 July 2025) and their OCOP specialties.",
    commune_filter_label: "Find a commune or ward (with or without diacritics, former names too)",
    commune_filter_placeholder: "e.g. dong tao, Phố Hiến",
    filter_button: "Find",
    no_commune_matches: "No commune or ward matches. Try another name or fewer letters.",
    signature_product: "Signature product",
    other_products: "Other products",
    producers_heading: "Producers",
    no_products_yet: "This commune has no approved products on the market yet.",
    breadcrumb: "Breadcrumb",
    photos: "Product photos",
    geographical_indication: "Geographical indication",
    about_product: "About this product",
    product_group: "OCOP product group",
    ocop_certificate: "OCOP certificate",
    no_certificate: "This product has no OCOP certificate in force.",
    lots_on_sale: "Lots on sale",
    lot: "Lot",
    harvested: "harvested",
    verified_by_officer: "Verified by the commune officer",
    more_from_commune: "More from this commune",
    variants_heading: "Sizes and prices",
    variant: "Size",
    price: "Price",
    availability: "Availability",
    in_stock: "In stock",
    out_of_stock: "Out of stock",
    producer_products: "Products",
    only_left: |n| format!("Only {n} left"),
    date: |d| d.format("%-d %b %Y").to_string(),
    certificate_line: |level, decision, issued, expires| {
        let level = if level == "national" {
            "nationally"
        } else {
            "by the province"
        };
        format!("Recognised {level}, decision No. {decision} of {issued}, valid until {expires}.")
    },
    commune_count: |n| {
        if n == 1 {
            "1 commune or ward".to_owned()
        } else {
            format!("{n} communes and wards")
        }
    },
    producer_kind: |kind| match kind {
        "household" => "Household",
        "cooperative" => "Cooperative",
        "cooperative_group" => "Cooperative group",
        "enterprise" => "Enterprise",
        _ => "",
    },
    stats: |communes, producers, products| {
        format!("{communes} communes and wards · {producers} producers · {products} products")
    },
    from_price: |price| format!("from {price}"),
    stars_label: |stars| format!("OCOP {stars} stars"),
    product_count: |n| {
        if n == 1 {
            "1 product".to_owned()
        } else {
            format!("{n} products")
        }
    },
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cookie_decides_and_vietnamese_is_the_default() {
        assert_eq!(Locale::from_cookie_header("lang=en"), Locale::En);
        assert_eq!(Locale::from_cookie_header("a=1; lang=en; b=2"), Locale::En);
        assert_eq!(Locale::from_cookie_header("lang=fr"), Locale::Vi);
        assert_eq!(Locale::from_cookie_header("xlang=en"), Locale::Vi);
        assert_eq!(Locale::from_cookie_header(""), Locale::Vi);
    }

    #[test]
    fn english_falls_back_to_vietnamese_where_untranslated() {
        assert_eq!(Locale::En.pick("Nhãn lồng", "Longan"), "Longan");
        assert_eq!(Locale::En.pick("Nhãn lồng", " "), "Nhãn lồng");
        assert_eq!(Locale::Vi.pick("Nhãn lồng", "Longan"), "Nhãn lồng");
    }
}
