//! The words of lots on order lines (the buyer's order, the packing slip, a lot's orders), in
//! Vietnamese and English. A missing translation does not compile.

use crate::i18n::Locale;

pub struct LotSalesTexts {
    /// (product, plot, commune, harvest day): where the buyer's goods came from.
    pub came_from: fn(&str, &str, &str, &str) -> String,
    /// (product, lot code, harvest day): the same without a plot on record.
    pub came_from_lot: fn(&str, &str, &str) -> String,
    /// (lot code, units): a line split across lots names each.
    pub units_of_lot: fn(&str, i64) -> String,
    pub trace_link: &'static str,
    pub slip_title: fn(&str) -> String,
    pub slip_link: &'static str,
    pub slip_print: &'static str,
    pub slip_to: &'static str,
    pub slip_product: &'static str,
    pub slip_quantity: &'static str,
    pub slip_lots: &'static str,
    pub slip_lot: &'static str,
    pub slip_harvested: &'static str,
    /// Units of a line no lot covers (stock entered by hand).
    pub slip_unassigned: fn(i64) -> String,
    pub slip_order: &'static str,
    pub lot_orders_heading: &'static str,
    pub lot_orders_intro: &'static str,
    pub lot_orders_none: &'static str,
    pub order_no: &'static str,
    pub placed_on: &'static str,
    pub status: &'static str,
    pub quantity: &'static str,
    /// Units of the lot still on sale.
    pub units_left: fn(i64) -> String,
    pub units_total: fn(i64) -> String,
}

impl LotSalesTexts {
    pub fn of(locale: Locale) -> &'static LotSalesTexts {
        match locale {
            Locale::Vi => &VI,
            Locale::En => &EN,
        }
    }
}

static VI: LotSalesTexts = LotSalesTexts {
    came_from: |product, plot, commune, day| {
        format!("{product} của bạn từ {plot}, {commune}, thu hoạch ngày {day}.")
    },
    came_from_lot: |product, code, day| {
        format!("{product} của bạn thuộc lô {code}, thu hoạch ngày {day}.")
    },
    units_of_lot: |code, n| format!("Lô {code}: {n}"),
    trace_link: "Xem truy xuất nguồn gốc",
    slip_title: |no| format!("Phiếu đóng gói {no}"),
    slip_link: "In phiếu đóng gói",
    slip_print: "Để in: menu trình duyệt → In (Ctrl+P).",
    slip_to: "Giao đến",
    slip_product: "Sản phẩm",
    slip_quantity: "Số lượng",
    slip_lots: "Lấy từ lô",
    slip_lot: "Lô",
    slip_harvested: "thu hoạch",
    slip_unassigned: |n| format!("{n} không gắn lô (tồn kho nhập tay)"),
    slip_order: "Đơn hàng",
    lot_orders_heading: "Đơn hàng từ lô này",
    lot_orders_intro: "Chỉ nhà sản xuất, cán bộ xã và quản trị viên thấy phần này.",
    lot_orders_none: "Chưa có đơn hàng nào lấy hàng từ lô này.",
    order_no: "Mã đơn",
    placed_on: "Ngày đặt",
    status: "Trạng thái",
    quantity: "Số lượng",
    units_left: |n| format!("Còn {n} để bán"),
    units_total: |n| format!("Đã bán {n}"),
};

static EN: LotSalesTexts = LotSalesTexts {
    came_from: |product, plot, commune, day| {
        format!("Your {product} came from {plot}, {commune}, harvested on {day}.")
    },
    came_from_lot: |product, code, day| {
        format!("Your {product} comes from lot {code}, harvested on {day}.")
    },
    units_of_lot: |code, n| format!("Lot {code}: {n}"),
    trace_link: "See where it came from",
    slip_title: |no| format!("Packing slip {no}"),
    slip_link: "Print the packing slip",
    slip_print: "To print: the browser menu → Print (Ctrl+P).",
    slip_to: "Deliver to",
    slip_product: "Product",
    slip_quantity: "Quantity",
    slip_lots: "Taken from lots",
    slip_lot: "Lot",
    slip_harvested: "harvested",
    slip_unassigned: |n| format!("{n} not from a lot (stock entered by hand)"),
    slip_order: "Order",
    lot_orders_heading: "Orders from this lot",
    lot_orders_intro: "Only the producer, the commune's officers and administrators see this.",
    lot_orders_none: "No order has taken units from this lot yet.",
    order_no: "Order",
    placed_on: "Placed on",
    status: "Status",
    quantity: "Quantity",
    units_left: |n| format!("{n} left for sale"),
    units_total: |n| format!("{n} sold"),
};
