//! The search page's words, in Vietnamese and English.

use crate::{
    domain::money::{MoneyLocale, Vnd},
    i18n::Locale,
    search::model::{PriceBand, SearchSort},
};

pub struct SearchTexts {
    pub title: &'static str,
    /// The page's meta description.
    pub description: &'static str,
    pub label: &'static str,
    pub placeholder: &'static str,
    pub submit: &'static str,
    pub results: fn(u64, &str) -> String,
    /// Heading of close matches (no product had every word).
    pub close_results: fn(u64) -> String,
    /// Said above close matches, with the query as typed.
    pub relaxed: fn(&str) -> String,
    /// "Did you mean", before the corrected query's link, and after it.
    pub did_you_mean: &'static str,
    pub did_you_mean_end: &'static str,
    pub all_products: fn(u64) -> String,
    pub nothing: &'static str,
    pub nothing_hint: &'static str,
    pub truncated: &'static str,
    pub bad_filters: &'static str,
    pub unavailable: &'static str,
    pub filters: &'static str,
    pub commune: &'static str,
    pub group: &'static str,
    pub stars: &'static str,
    pub price: &'static str,
    pub stock: &'static str,
    pub in_stock: fn(u64) -> String,
    pub clear: &'static str,
    pub any: &'static str,
    pub sort: &'static str,
    pub sort_name: fn(SearchSort) -> &'static str,
    pub apply: &'static str,
    pub previous: &'static str,
    pub next: &'static str,
    pub page_of: fn(u32, u32) -> String,
    pub suggestions: &'static str,
    pub at_least_stars: fn(u8) -> String,
    pub price_band: fn(PriceBand, MoneyLocale) -> String,
}

fn money(dong: i64, locale: MoneyLocale) -> String {
    Vnd::new(dong).map(|v| v.format(locale)).unwrap_or_default()
}

fn band_vi(band: PriceBand, locale: MoneyLocale) -> String {
    match band.bounds() {
        (0, Some(max)) => format!("Dưới {}", money(max + 1, locale)),
        (min, Some(max)) => format!("{} – {}", money(min, locale), money(max + 1, locale)),
        (min, None) => format!("Từ {}", money(min, locale)),
    }
}

fn band_en(band: PriceBand, locale: MoneyLocale) -> String {
    match band.bounds() {
        (0, Some(max)) => format!("Under {}", money(max + 1, locale)),
        (min, Some(max)) => format!("{} – {}", money(min, locale), money(max + 1, locale)),
        (min, None) => format!("{} and up", money(min, locale)),
    }
}

static VI: SearchTexts = SearchTexts {
    title: "Tìm kiếm đặc sản",
    description: "Tìm đặc sản OCOP theo tên, xã, nhóm sản phẩm, số sao và giá; gõ có dấu hay không dấu đều được.",
    label: "Tìm sản phẩm, xã hoặc cơ sở sản xuất",
    placeholder: "vd. nhãn lồng, mat ong, Đông Tảo",
    submit: "Tìm",
    results: |n, q| format!("{n} kết quả cho “{q}”"),
    close_results: |n| format!("{n} kết quả gần đúng"),
    relaxed: |q| format!("Không có kết quả cho “{q}” — đang hiện kết quả gần đúng."),
    did_you_mean: "Có phải bạn muốn tìm ",
    did_you_mean_end: "?",
    all_products: |n| format!("{n} sản phẩm"),
    nothing: "Không tìm thấy sản phẩm nào.",
    nothing_hint: "Thử bỏ bớt bộ lọc, hoặc gõ ngắn hơn, ví dụ “nhãn” thay cho “nhãn lồng sấy khô”.",
    truncated: "Từ khóa quá dài: chỉ dùng 200 ký tự đầu.",
    bad_filters: "Một số bộ lọc trong đường dẫn không hợp lệ và đã được bỏ qua.",
    unavailable: "Tìm kiếm tạm thời không hoạt động. Bạn vẫn có thể xem sản phẩm theo xã.",
    filters: "Bộ lọc",
    commune: "Xã, phường",
    group: "Nhóm sản phẩm",
    stars: "Hạng sao OCOP",
    price: "Giá từ",
    stock: "Tình trạng",
    in_stock: |n| format!("Còn hàng ({n})"),
    clear: "Bỏ lọc",
    any: "Tất cả",
    sort: "Sắp xếp",
    sort_name: |s| match s {
        SearchSort::Relevance => "Phù hợp nhất",
        SearchSort::PriceAsc => "Giá thấp đến cao",
        SearchSort::PriceDesc => "Giá cao đến thấp",
        SearchSort::Newest => "Mới nhất",
        SearchSort::Rating => "Đánh giá cao",
    },
    apply: "Áp dụng",
    previous: "← Trang trước",
    next: "Trang sau →",
    page_of: |p, n| format!("Trang {p}/{n}"),
    suggestions: "Gợi ý",
    at_least_stars: |n| format!("Từ {n} sao"),
    price_band: band_vi,
};

static EN: SearchTexts = SearchTexts {
    title: "Search specialties",
    description: "Find OCOP specialties by name, commune, product group, stars and price, with or without Vietnamese diacritics.",
    label: "Search products, communes or producers",
    placeholder: "e.g. longan, honey, Đông Tảo",
    submit: "Search",
    results: |n, q| format!("{n} results for “{q}”"),
    close_results: |n| format!("{n} close matches"),
    relaxed: |q| format!("No results for “{q}” — showing close matches."),
    did_you_mean: "Did you mean ",
    did_you_mean_end: "?",
    all_products: |n| format!("{n} products"),
    nothing: "No products found.",
    nothing_hint: "Try fewer filters, or a shorter query: “longan” rather than “dried longan pulp”.",
    truncated: "The query is too long: only its first 200 characters were used.",
    bad_filters: "Some filters in the address were not valid and were ignored.",
    unavailable: "Search is unavailable for the moment. You can still browse products by commune.",
    filters: "Filters",
    commune: "Commune or ward",
    group: "Product group",
    stars: "OCOP stars",
    price: "Starting price",
    stock: "Availability",
    in_stock: |n| format!("In stock ({n})"),
    clear: "Clear filters",
    any: "Any",
    sort: "Sort by",
    sort_name: |s| match s {
        SearchSort::Relevance => "Best match",
        SearchSort::PriceAsc => "Price: low to high",
        SearchSort::PriceDesc => "Price: high to low",
        SearchSort::Newest => "Newest",
        SearchSort::Rating => "Top rated",
    },
    apply: "Apply",
    previous: "← Previous",
    next: "Next →",
    page_of: |p, n| format!("Page {p} of {n}"),
    suggestions: "Suggestions",
    at_least_stars: |n| format!("{n} stars and up"),
    price_band: band_en,
};

impl SearchTexts {
    pub fn of(locale: Locale) -> &'static SearchTexts {
        match locale {
            Locale::Vi => &VI,
            Locale::En => &EN,
        }
    }
}
