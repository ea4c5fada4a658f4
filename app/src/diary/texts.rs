//! The strings of the traceability page and the farmer's diary screens, in Vietnamese and
//! English. A missing translation does not compile.

use super::{
    form::DiaryRefusal,
    rules::{EntryKind, LotStatus},
};
use crate::i18n::Locale;

pub struct DiaryTexts {
    pub trace_title: fn(&str) -> String,
    pub trace_intro: &'static str,
    pub lot: &'static str,
    pub product: &'static str,
    pub producer: &'static str,
    pub plot: &'static str,
    pub crop: &'static str,
    pub area: fn(i64) -> String,
    pub growing_area_code: &'static str,
    pub harvested_on: &'static str,
    pub quantity: fn(i64) -> String,
    pub grade: &'static str,
    pub status: fn(LotStatus) -> &'static str,
    pub not_harvested: &'static str,
    pub timeline: &'static str,
    pub no_entries: &'static str,
    pub kind: fn(EntryKind) -> &'static str,
    pub input_name: &'static str,
    pub npk: &'static str,
    pub active_ingredient: &'static str,
    pub target: &'static str,
    pub dose: &'static str,
    pub phi_days: fn(i64) -> String,
    pub for_lot: fn(&str) -> String,
    pub corrects: fn(i64) -> String,
    pub corrected_by: fn(i64) -> String,
    pub recorded_at: fn(&str) -> String,
    pub phi_heading: &'static str,
    pub phi_none: &'static str,
    pub phi_respected: fn(&str, &str, i64, &str) -> String,
    pub phi_not_respected: fn(&str, &str, i64, &str) -> String,
    pub safe_from: fn(&str) -> String,
    pub safe_now: &'static str,
    pub verification_heading: &'static str,
    pub verified: fn(&str, &str) -> String,
    pub not_verified: &'static str,
    /// (officer, verified on, corrected on): a stamp a correction cleared.
    pub verification_cleared: fn(&str, &str, &str) -> String,
    pub chain_heading: &'static str,
    pub chain_intact: fn(i64) -> String,
    pub chain_broken: fn(i64) -> String,
    pub qr_heading: &'static str,
    pub qr_alt: &'static str,
    pub download_png: &'static str,
    pub download_svg: &'static str,
    pub farm_title: &'static str,
    pub farm_link: &'static str,
    pub no_producer: &'static str,
    pub plots_heading: &'static str,
    pub no_plots: &'static str,
    pub entries_count: fn(i64) -> String,
    pub new_plot: &'static str,
    pub plot_name: &'static str,
    pub commune: &'static str,
    pub area_label: &'static str,
    pub growing_code_label: &'static str,
    pub add_plot: &'static str,
    pub lots_heading: &'static str,
    pub new_lot: &'static str,
    pub lot_code_label: &'static str,
    pub sold_as: &'static str,
    pub not_listed: &'static str,
    pub add_lot: &'static str,
    pub put_on_sale: &'static str,
    pub units_label: &'static str,
    /// The units the field holds unless changed, worked out from the harvest.
    pub units_hint: fn(i64) -> String,
    pub units_needed: &'static str,
    pub units_left: fn(i64) -> String,
    pub err_units: &'static str,
    pub err_not_sellable: &'static str,
    pub print_labels: &'static str,
    pub trace_page: &'static str,
    pub new_entry: &'static str,
    pub date_label: &'static str,
    pub kind_label: &'static str,
    pub lot_label: &'static str,
    pub no_lot: &'static str,
    pub input_label: &'static str,
    pub ingredient_label: &'static str,
    pub target_label: &'static str,
    pub dose_label: &'static str,
    pub phi_label: &'static str,
    pub quantity_label: &'static str,
    pub note_label: &'static str,
    pub record: &'static str,
    pub correct: &'static str,
    pub correcting: fn(i64) -> String,
    pub saved: &'static str,
    pub labels_title: &'static str,
    pub print: &'static str,
    pub verify_heading: &'static str,
    pub verify_button: &'static str,
    pub no_unverified: &'static str,
    pub verified_notice: &'static str,
    pub verify_again: &'static str,
    pub err_phi: fn(&str, &str, &str) -> String,
    pub err_invalid: &'static str,
    pub err_lot_code: &'static str,
    pub err_lot_taken: &'static str,
    pub err_plot_taken: &'static str,
    pub err_not_harvested: &'static str,
    pub err_correction: &'static str,
    pub err_future: &'static str,
    pub err_spraying: &'static str,
    pub err_harvest: &'static str,
    pub add_photos: &'static str,
    pub photo_alt_label: &'static str,
    pub err_photo_size: &'static str,
    pub err_photo_format: &'static str,
    pub err_photo_pixels: &'static str,
    pub err_photo_corrupt: &'static str,
    pub err_photo_alt: &'static str,
    /// The chain anchors (`diary::anchors`) on the lot page and the label.
    pub stamp_holds: fn(i64) -> String,
    pub stamp_rewritten: fn(i64) -> String,
    pub label_holds: &'static str,
    pub label_rewritten: fn(i64) -> String,
    pub head_digest: &'static str,
    pub checkpoints_link: &'static str,
}

impl DiaryTexts {
    pub fn of(locale: Locale) -> &'static DiaryTexts {
        match locale {
            Locale::Vi => &VI,
            Locale::En => &EN,
        }
    }

    /// The label of a stored lot status (the read models carry the stored word; the database
    /// allows no other, so an unknown one shows nothing rather than failing the page).
    pub fn status_of(&self, stored: &str) -> &'static str {
        LotStatus::parse(stored).map_or("", self.status)
    }

    /// The label of a stored entry kind, as [`Self::status_of`].
    pub fn kind_of(&self, stored: &str) -> &'static str {
        EntryKind::parse(stored).map_or("", self.kind)
    }
}

/// Why a diary form was refused, in the reader's language. No catch-all arm: a new reason
/// without its text does not compile.
pub fn refusal_text(refusal: &DiaryRefusal, locale: Locale) -> String {
    let t = DiaryTexts::of(locale);
    let date = locale.texts().date;
    let text = match refusal {
        DiaryRefusal::Phi {
            product_name,
            sprayed_on,
            safe_from,
        } => return (t.err_phi)(product_name, &date(*sprayed_on), &date(*safe_from)),
        DiaryRefusal::LotCode => t.err_lot_code,
        DiaryRefusal::LotTaken => t.err_lot_taken,
        DiaryRefusal::PlotTaken => t.err_plot_taken,
        DiaryRefusal::NotHarvested => t.err_not_harvested,
        DiaryRefusal::Correction => t.err_correction,
        DiaryRefusal::Future => t.err_future,
        DiaryRefusal::Spraying => t.err_spraying,
        DiaryRefusal::Harvest => t.err_harvest,
        DiaryRefusal::PhotoSize => t.err_photo_size,
        DiaryRefusal::PhotoFormat => t.err_photo_format,
        DiaryRefusal::PhotoPixels => t.err_photo_pixels,
        DiaryRefusal::PhotoCorrupt => t.err_photo_corrupt,
        DiaryRefusal::PhotoAlt => t.err_photo_alt,
        DiaryRefusal::Units => t.err_units,
        DiaryRefusal::NotSellable => t.err_not_sellable,
        DiaryRefusal::Invalid => t.err_invalid,
    };
    text.to_owned()
}

static VI: DiaryTexts = DiaryTexts {
    trace_title: |code| format!("Truy xuất lô {code}"),
    trace_intro: "Lô hàng này được trồng, chăm sóc và thu hoạch như ghi trong nhật ký canh tác dưới đây.",
    lot: "Lô",
    product: "Sản phẩm",
    producer: "Cơ sở sản xuất",
    plot: "Vườn / ruộng",
    crop: "Cây trồng",
    area: |m2| format!("{m2} m²"),
    growing_area_code: "Mã số vùng trồng",
    harvested_on: "Ngày thu hoạch",
    quantity: |kg| format!("{kg} kg"),
    grade: "Phân loại",
    status: |s| match s {
        LotStatus::Growing => "Đang trồng",
        LotStatus::Harvested => "Đã thu hoạch",
        LotStatus::OnSale => "Đang bán",
        LotStatus::SoldOut => "Đã bán hết",
        LotStatus::Recalled => "Đã thu hồi",
    },
    not_harvested: "Chưa thu hoạch",
    timeline: "Nhật ký canh tác",
    no_entries: "Chưa có ghi chép nào.",
    kind: |k| match k {
        EntryKind::Planting => "Trồng",
        EntryKind::Fertilising => "Bón phân",
        EntryKind::Spraying => "Phun thuốc BVTV",
        EntryKind::Irrigation => "Tưới nước",
        EntryKind::Pruning => "Cắt tỉa",
        EntryKind::FlowerInduction => "Xử lý ra hoa",
        EntryKind::FruitBagging => "Bao quả",
        EntryKind::Observation => "Quan sát",
        EntryKind::LabTest => "Kiểm nghiệm",
        EntryKind::Harvest => "Thu hoạch",
        EntryKind::Packing => "Đóng gói",
    },
    input_name: "Sản phẩm",
    npk: "N-P-K",
    active_ingredient: "Hoạt chất",
    target: "Đối tượng",
    dose: "Liều lượng",
    phi_days: |d| format!("Thời gian cách ly {d} ngày"),
    for_lot: |c| format!("Lô {c}"),
    corrects: |s| format!("Sửa ghi chép #{s}"),
    corrected_by: |s| format!("Đã được sửa bởi ghi chép #{s}"),
    recorded_at: |t| format!("ghi lúc {t}"),
    phi_heading: "Thời gian cách ly",
    phi_none: "Không phun thuốc bảo vệ thực vật trong vụ này.",
    phi_respected: |product, on, days, safe| {
        format!(
            "Đã tuân thủ: lần phun {product} ngày {on} có thời gian cách ly {days} ngày; được thu hoạch từ {safe}."
        )
    },
    phi_not_respected: |product, on, days, safe| {
        format!(
            "Chưa tuân thủ: lần phun {product} ngày {on} có thời gian cách ly {days} ngày; chỉ được thu hoạch từ {safe}."
        )
    },
    safe_from: |d| format!("An toàn để thu hoạch từ {d}"),
    safe_now: "An toàn để thu hoạch: không có thời gian cách ly nào đang chạy.",
    verification_heading: "Xác nhận của cán bộ xã",
    verified: |name, date| format!("Đã xác nhận bởi {name} ngày {date}"),
    not_verified: "Chưa được cán bộ xã xác nhận.",
    verification_cleared: |name, verified, corrected| {
        format!(
            "{name} đã xác nhận lô ngày {verified}; sau đó nhật ký đã được sửa, lô cần được xác nhận lại (sửa ngày {corrected})."
        )
    },
    chain_heading: "Tính toàn vẹn của nhật ký",
    chain_intact: |n| {
        format!(
            "Nguyên vẹn: {n} ghi chép của vườn được kiểm tra chuỗi mã băm, không ghi chép nào bị sửa sau khi lưu."
        )
    },
    chain_broken: |s| format!("Cảnh báo: ghi chép #{s} đã bị thay đổi sau khi lưu."),
    qr_heading: "Mã QR của lô",
    qr_alt: "Mã QR dẫn tới trang truy xuất này",
    download_png: "Tải PNG",
    download_svg: "Tải SVG",
    farm_title: "Nhật ký canh tác",
    farm_link: "Nhật ký",
    no_producer: "Bạn chưa thuộc cơ sở sản xuất nào. Hãy đăng ký bán hàng ở trang tài khoản.",
    plots_heading: "Vườn và ruộng",
    no_plots: "Chưa có vườn nào. Thêm vườn đầu tiên bên dưới.",
    entries_count: |n| format!("{n} ghi chép"),
    new_plot: "Thêm vườn",
    plot_name: "Tên vườn",
    commune: "Xã / phường",
    area_label: "Diện tích (m²)",
    growing_code_label: "Mã số vùng trồng (nếu có)",
    add_plot: "Thêm vườn",
    lots_heading: "Lô thu hoạch",
    new_lot: "Thêm lô",
    lot_code_label: "Mã lô",
    sold_as: "Bán dưới dạng",
    not_listed: "Chưa gắn sản phẩm",
    add_lot: "Thêm lô",
    put_on_sale: "Mở bán",
    units_label: "Số đơn vị đem bán",
    units_hint: |n| format!("Mặc định {n}, tính từ sản lượng thu hoạch; sửa nếu khác."),
    units_needed: "Nhập số đơn vị (hộp, con, …) của lô đem bán.",
    units_left: |n| format!("còn {n} để bán"),
    err_units: "Hãy nhập số đơn vị đem bán của lô: một số nguyên từ 1 đến 1.000.000.",
    err_not_sellable: "Lô đã bán hết hoặc đã thu hồi thì không mở bán lại.",
    print_labels: "In nhãn",
    trace_page: "Trang truy xuất",
    new_entry: "Ghi nhật ký",
    date_label: "Ngày",
    kind_label: "Công việc",
    lot_label: "Lô",
    no_lot: "Cả vườn",
    input_label: "Tên sản phẩm (phân bón / thuốc)",
    ingredient_label: "Hoạt chất hoặc N-P-K",
    target_label: "Đối tượng (sâu bệnh, chỉ tiêu kiểm nghiệm)",
    dose_label: "Liều lượng",
    phi_label: "Thời gian cách ly (ngày)",
    quantity_label: "Sản lượng (kg)",
    note_label: "Ghi chú",
    record: "Lưu",
    correct: "Sửa",
    correcting: |s| format!("Sửa ghi chép #{s}: ghi chép cũ vẫn được giữ lại"),
    saved: "Đã lưu.",
    labels_title: "Nhãn lô hàng",
    print: "Để in: menu của trình duyệt → In (Ctrl+P). Khổ A4, 8 nhãn mỗi trang.",
    verify_heading: "Lô chờ xác nhận",
    verify_button: "Xác nhận lô",
    no_unverified: "Không có lô nào chờ xác nhận.",
    verified_notice: "Đã xác nhận lô.",
    verify_again: "Nhật ký đã sửa sau lần xác nhận trước: cần xác nhận lại",
    err_phi: |product, on, safe| {
        format!(
            "Chưa được thu hoạch: {product} phun ngày {on} còn trong thời gian cách ly. Ngày sớm nhất được thu hoạch: {safe}."
        )
    },
    err_invalid: "Thông tin chưa đúng, hãy kiểm tra lại.",
    err_lot_code: "Mã lô gồm 1–20 ký tự: chữ không dấu, số và - . / _",
    err_lot_taken: "Cơ sở đã có lô với mã này.",
    err_plot_taken: "Cơ sở đã có vườn với tên này.",
    err_not_harvested: "Hãy ghi thu hoạch cho lô trước khi mở bán.",
    err_correction: "Chỉ sửa được ghi chép cùng loại, chưa được sửa trước đó.",
    err_future: "Ngày không được ở tương lai.",
    err_spraying: "Lần phun cần tên thuốc, hoạt chất và thời gian cách ly (0–365 ngày).",
    err_harvest: "Thu hoạch cần chọn lô và ghi sản lượng.",
    add_photos: "Thêm ảnh",
    photo_alt_label: "Mô tả ảnh (cho người khiếm thị)",
    err_photo_size: "Ảnh quá lớn: mỗi ảnh tối đa 20 MB.",
    err_photo_format: "Chỉ nhận ảnh JPEG, PNG hoặc WebP.",
    err_photo_pixels: "Ảnh có quá nhiều điểm ảnh (tối đa 25 megapixel).",
    err_photo_corrupt: "Tệp ảnh bị hỏng hoặc chưa tải lên hết, hãy thử lại.",
    err_photo_alt: "Mô tả ảnh có ký tự điều khiển hoặc ký tự ẩn (thường do dán từ nơi khác). Hãy gõ lại.",
    stamp_holds: |s| format!("Nhật ký vẫn khớp với lúc cán bộ xác nhận (đến ghi chép #{s})."),
    stamp_rewritten: |s| {
        format!(
            "Cảnh báo: nhật ký đã bị viết lại sau khi cán bộ xác nhận: ghi chép #{s} không còn như lúc xác nhận."
        )
    },
    label_holds: "Nhật ký vẫn khớp với mã in trên nhãn bạn vừa quét.",
    label_rewritten: |s| {
        format!(
            "Cảnh báo: nhật ký đã bị viết lại kể từ khi nhãn này được in: ghi chép #{s} không còn như lúc in."
        )
    },
    head_digest: "Mã kiểm nhật ký",
    checkpoints_link: "Bản ghi đã ký hằng ngày",
};

static EN: DiaryTexts = DiaryTexts {
    trace_title: |code| format!("Traceability of lot {code}"),
    trace_intro: "This lot was grown, tended and harvested as the cultivation log below records.",
    lot: "Lot",
    product: "Product",
    producer: "Producer",
    plot: "Orchard / field",
    crop: "Crop",
    area: |m2| format!("{m2} m²"),
    growing_area_code: "Growing area code",
    harvested_on: "Harvested on",
    quantity: |kg| format!("{kg} kg"),
    grade: "Grade",
    status: |s| match s {
        LotStatus::Growing => "Growing",
        LotStatus::Harvested => "Harvested",
        LotStatus::OnSale => "On sale",
        LotStatus::SoldOut => "Sold out",
        LotStatus::Recalled => "Recalled",
    },
    not_harvested: "Not harvested yet",
    timeline: "Cultivation log",
    no_entries: "Nothing recorded yet.",
    kind: |k| match k {
        EntryKind::Planting => "Planting",
        EntryKind::Fertilising => "Fertilising",
        EntryKind::Spraying => "Plant-protection spraying",
        EntryKind::Irrigation => "Irrigation",
        EntryKind::Pruning => "Pruning",
        EntryKind::FlowerInduction => "Flower induction",
        EntryKind::FruitBagging => "Fruit bagging",
        EntryKind::Observation => "Observation",
        EntryKind::LabTest => "Lab test",
        EntryKind::Harvest => "Harvest",
        EntryKind::Packing => "Packing",
    },
    input_name: "Product",
    npk: "N-P-K",
    active_ingredient: "Active ingredient",
    target: "Target",
    dose: "Dose",
    phi_days: |d| format!("Pre-harvest interval {d} days"),
    for_lot: |c| format!("Lot {c}"),
    corrects: |s| format!("Corrects entry #{s}"),
    corrected_by: |s| format!("Corrected by entry #{s}"),
    recorded_at: |t| format!("recorded {t}"),
    phi_heading: "Pre-harvest interval",
    phi_none: "No plant-protection product was sprayed this season.",
    phi_respected: |product, on, days, safe| {
        format!(
            "Respected: {product} sprayed on {on} has a {days}-day interval; harvest allowed from {safe}."
        )
    },
    phi_not_respected: |product, on, days, safe| {
        format!(
            "Not respected: {product} sprayed on {on} has a {days}-day interval; harvest allowed only from {safe}."
        )
    },
    safe_from: |d| format!("Safe to harvest from {d}"),
    safe_now: "Safe to harvest: no pre-harvest interval is running.",
    verification_heading: "Commune officer's verification",
    verified: |name, date| format!("Verified by {name} on {date}"),
    not_verified: "Not verified by a commune officer yet.",
    verification_cleared: |name, verified, corrected| {
        format!(
            "{name} verified the lot on {verified}, but the diary was corrected afterwards: the lot must be verified again (corrected on {corrected})."
        )
    },
    chain_heading: "Integrity of the log",
    chain_intact: |n| {
        format!(
            "Intact: the hash chain of the plot's {n} entries checks out; no entry was changed after it was saved."
        )
    },
    chain_broken: |s| format!("Warning: entry #{s} was changed after it was saved."),
    qr_heading: "Lot QR code",
    qr_alt: "QR code leading to this traceability page",
    download_png: "Download PNG",
    download_svg: "Download SVG",
    farm_title: "Cultivation log",
    farm_link: "Farm log",
    no_producer: "You are not a member of a producer yet. Apply to sell on your account page.",
    plots_heading: "Orchards and fields",
    no_plots: "No orchard yet. Add your first one below.",
    entries_count: |n| format!("{n} entries"),
    new_plot: "Add an orchard",
    plot_name: "Orchard name",
    commune: "Commune / ward",
    area_label: "Area (m²)",
    growing_code_label: "Growing area code (if any)",
    add_plot: "Add orchard",
    lots_heading: "Harvest lots",
    new_lot: "Add a lot",
    lot_code_label: "Lot code",
    sold_as: "Sold as",
    not_listed: "No product yet",
    add_lot: "Add lot",
    put_on_sale: "Put on sale",
    units_label: "Units to sell",
    units_hint: |n| {
        format!("{n} by default, worked out from the harvest; change it if it differs.")
    },
    units_needed: "Enter how many units (boxes, birds, …) of the lot go on sale.",
    units_left: |n| format!("{n} left for sale"),
    err_units: "Enter the units of the lot to sell: a whole number from 1 to 1,000,000.",
    err_not_sellable: "A sold-out or recalled lot does not go on sale again.",
    print_labels: "Print labels",
    trace_page: "Traceability page",
    new_entry: "Record in the log",
    date_label: "Date",
    kind_label: "Task",
    lot_label: "Lot",
    no_lot: "Whole orchard",
    input_label: "Product name (fertiliser / pesticide)",
    ingredient_label: "Active ingredient or N-P-K",
    target_label: "Target (pest, disease, test)",
    dose_label: "Dose",
    phi_label: "Pre-harvest interval (days)",
    quantity_label: "Quantity (kg)",
    note_label: "Note",
    record: "Save",
    correct: "Correct",
    correcting: |s| format!("Correcting entry #{s}: the old entry is kept"),
    saved: "Saved.",
    labels_title: "Lot labels",
    print: "To print: the browser menu → Print (Ctrl+P). A4, 8 labels per sheet.",
    verify_heading: "Lots awaiting verification",
    verify_button: "Verify lot",
    no_unverified: "No lot awaits verification.",
    verified_notice: "Lot verified.",
    verify_again: "Diary corrected since the last verification: verify again",
    err_phi: |product, on, safe| {
        format!(
            "Harvest not allowed yet: {product} sprayed on {on} is still within its pre-harvest interval. First safe day: {safe}."
        )
    },
    err_invalid: "Something is not right, please check the form.",
    err_lot_code: "A lot code is 1–20 characters: letters without accents, digits and - . / _",
    err_lot_taken: "This producer already has a lot with this code.",
    err_plot_taken: "This producer already has an orchard with this name.",
    err_not_harvested: "Record the lot's harvest before putting it on sale.",
    err_correction: "Only an entry of the same kind that was not corrected before can be corrected.",
    err_future: "The date cannot be in the future.",
    err_spraying: "A spraying needs the product, its active ingredient and the pre-harvest interval (0–365 days).",
    err_harvest: "A harvest needs a lot and the quantity.",
    add_photos: "Add photos",
    photo_alt_label: "Photo description (for blind readers)",
    err_photo_size: "The photo is too large: at most 20 MB each.",
    err_photo_format: "Only JPEG, PNG or WebP photos are accepted.",
    err_photo_pixels: "The photo has too many pixels (at most 25 megapixels).",
    err_photo_corrupt: "The photo file is damaged or did not finish uploading; please try again.",
    err_photo_alt: "The photo description contains a control or invisible character (often pasted from elsewhere). Type it again.",
    stamp_holds: |s| {
        format!("The diary still matches what the officer verified (up to entry #{s}).")
    },
    stamp_rewritten: |s| {
        format!(
            "Warning: the diary was rewritten after the officer verified it: entry #{s} is no longer what was verified."
        )
    },
    label_holds: "The diary still matches the code printed on the label you scanned.",
    label_rewritten: |s| {
        format!(
            "Warning: the diary was rewritten since this label was printed: entry #{s} is no longer what it was."
        )
    },
    head_digest: "Diary check code",
    checkpoints_link: "Daily signed checkpoints",
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_and_lot_status_has_a_label_in_both_languages() {
        for locale in [Locale::Vi, Locale::En] {
            let t = DiaryTexts::of(locale);
            for kind in EntryKind::ALL {
                assert!(!(t.kind)(*kind).is_empty(), "{kind} in {locale:?}");
                assert_eq!(t.kind_of(kind.as_str()), (t.kind)(*kind));
            }
            for status in LotStatus::ALL {
                assert!(!(t.status)(*status).is_empty(), "{status} in {locale:?}");
                assert_eq!(t.status_of(status.as_str()), (t.status)(*status));
            }
        }
    }
}
