//! The words of recalls, in Vietnamese and English: the banners (lot, QR, product and order
//! pages), the recall form, the officer's pages and the report. A missing translation does not
//! compile.

use crate::i18n::Locale;

pub struct RecallTexts {
    /// The lot page's banner.
    pub banner_title: &'static str,
    /// (day, reason)
    pub banner_when: fn(&str, &str) -> String,
    /// (producer, phone or "")
    pub what_to_do: fn(&str, &str) -> String,
    /// The product page's banner.
    pub product_title: &'static str,
    /// (lot code, day, reason)
    pub product_line: fn(&str, &str, &str) -> String,
    /// (producer)
    pub product_what_to_do: fn(&str) -> String,
    /// The order page's banner.
    pub order_title: &'static str,
    /// (product · variant, quantity, lot code)
    pub order_line: fn(&str, i64, &str) -> String,
    /// The recall form.
    pub form_heading: &'static str,
    pub form_intro: &'static str,
    pub reason_label: &'static str,
    pub reason_hint: &'static str,
    pub submit: &'static str,
    pub recalled_notice: &'static str,
    pub affected_link: &'static str,
    /// Refusals.
    pub err_reason: &'static str,
    pub err_recalled: &'static str,
    pub err_not_harvested: &'static str,
    /// The officer's page of a lot.
    pub case_title: fn(&str) -> String,
    pub not_recalled: &'static str,
    /// (who, when)
    pub recalled_by: fn(&str, &str) -> String,
    pub units_withdrawn: fn(i64) -> String,
    pub orders_heading: &'static str,
    pub orders_intro: &'static str,
    pub no_orders: &'static str,
    pub orders_head: [&'static str; 9],
    pub yes: &'static str,
    pub no: &'static str,
    /// The report.
    pub report_title: &'static str,
    pub report_intro: &'static str,
    pub report_empty: &'static str,
    pub report_head: [&'static str; 13],
    pub report_csv: &'static str,
    pub report_link: &'static str,
}

impl RecallTexts {
    pub fn of(locale: Locale) -> &'static RecallTexts {
        match locale {
            Locale::Vi => &VI,
            Locale::En => &EN,
        }
    }
}

static VI: RecallTexts = RecallTexts {
    banner_title: "Lô hàng này đã bị thu hồi",
    banner_when: |day, reason| format!("Thu hồi ngày {day}. Lý do: {reason}"),
    what_to_do: |producer, phone| {
        let phone = if phone.is_empty() {
            String::new()
        } else {
            format!(" (điện thoại {phone})")
        };
        format!(
            "Nếu bạn đã mua hàng thuộc lô này: ngừng ăn, ngừng sử dụng sản phẩm và liên hệ {producer}{phone} để được hướng dẫn đổi trả."
        )
    },
    product_title: "Có lô hàng của sản phẩm này đã bị thu hồi",
    product_line: |code, day, reason| format!("Lô {code}, thu hồi ngày {day}. Lý do: {reason}"),
    product_what_to_do: |producer| {
        format!(
            "Nếu bạn đã mua hàng thuộc các lô trên (mã lô in trên nhãn): ngừng ăn, ngừng sử dụng và liên hệ {producer}. Các lô này không còn được bán."
        )
    },
    order_title: "Đơn này có hàng thuộc lô đã bị thu hồi",
    order_line: |item, quantity, code| format!("{item} × {quantity}, lô {code}"),
    form_heading: "Thu hồi lô",
    form_intro: "Lô sẽ ngừng bán ngay, số hàng còn lại bị rút khỏi kho, người mua được báo và trang lô hiện thông báo thu hồi. Không thể hoàn tác.",
    reason_label: "Lý do thu hồi",
    reason_hint: "Ví dụ: kết quả kiểm nghiệm dư lượng thuốc BVTV vượt mức cho phép",
    submit: "Thu hồi lô này",
    recalled_notice: "Đã thu hồi lô. Lô ngừng bán và người mua đã được báo.",
    affected_link: "Đơn hàng bị ảnh hưởng",
    err_reason: "Hãy ghi lý do thu hồi (tối đa 1.000 ký tự).",
    err_recalled: "Lô này đã bị thu hồi: không thể bán hay thay đổi nữa.",
    err_not_harvested: "Lô chưa thu hoạch thì chưa có hàng để thu hồi.",
    case_title: |code| format!("Thu hồi lô {code}"),
    not_recalled: "Lô này chưa bị thu hồi.",
    recalled_by: |who, when| format!("Thu hồi bởi {who} lúc {when}"),
    units_withdrawn: |n| format!("{n} đơn vị còn bán đã bị rút khỏi kho"),
    orders_heading: "Đơn hàng có hàng thuộc lô",
    orders_intro: "Mọi đơn có hàng lấy từ lô này, kể cả đơn đã hủy. Người mua của các đơn đã hoặc sẽ nhận hàng được báo qua hộp thư trên trang và SMS.",
    no_orders: "Chưa có đơn nào có hàng thuộc lô này.",
    orders_head: [
        "Đơn",
        "Trạng thái",
        "Người mua",
        "Điện thoại",
        "Email",
        "Địa chỉ giao",
        "Số lượng",
        "Đặt lúc",
        "Được báo",
    ],
    yes: "Có",
    no: "Không",
    report_title: "Báo cáo thu hồi",
    report_intro: "Các lô đã bị thu hồi ở xã bạn phụ trách. Số bán, số đơn và số người mua tính các đơn đã hoặc sẽ đến tay người mua (không tính đơn hủy trước khi gửi).",
    report_empty: "Chưa có lô nào bị thu hồi.",
    report_head: [
        "Lô",
        "Sản phẩm",
        "Cơ sở sản xuất",
        "Vườn / xã",
        "Thu hoạch",
        "Lý do",
        "Người thu hồi",
        "Thời điểm",
        "Rút khỏi kho",
        "Đã bán",
        "Đơn",
        "Người mua",
        "",
    ],
    report_csv: "Tải CSV",
    report_link: "Thu hồi lô",
};

static EN: RecallTexts = RecallTexts {
    banner_title: "This lot has been recalled",
    banner_when: |day, reason| format!("Recalled on {day}. Reason: {reason}"),
    what_to_do: |producer, phone| {
        let phone = if phone.is_empty() {
            String::new()
        } else {
            format!(" (phone {phone})")
        };
        format!(
            "If you bought goods of this lot: stop eating or using them and contact {producer}{phone} for a return or refund."
        )
    },
    product_title: "Lots of this product have been recalled",
    product_line: |code, day, reason| format!("Lot {code}, recalled on {day}. Reason: {reason}"),
    product_what_to_do: |producer| {
        format!(
            "If you bought goods of these lots (the lot code is on the label): stop eating or using them and contact {producer}. These lots are no longer sold."
        )
    },
    order_title: "This order has goods of a recalled lot",
    order_line: |item, quantity, code| format!("{item} × {quantity}, lot {code}"),
    form_heading: "Recall the lot",
    form_intro: "The lot goes off sale at once, its remaining units leave the stock, its buyers are notified and its page shows the recall. This cannot be undone.",
    reason_label: "Reason for the recall",
    reason_hint: "E.g. the lab found pesticide residues above the permitted level",
    submit: "Recall this lot",
    recalled_notice: "The lot is recalled. It is off sale and its buyers have been notified.",
    affected_link: "Affected orders",
    err_reason: "Write the reason for the recall (at most 1,000 characters).",
    err_recalled: "This lot has been recalled: it can no longer be sold or changed.",
    err_not_harvested: "A lot not harvested yet has nothing to recall.",
    case_title: |code| format!("Recall of lot {code}"),
    not_recalled: "This lot has not been recalled.",
    recalled_by: |who, when| format!("Recalled by {who} at {when}"),
    units_withdrawn: |n| format!("{n} units still for sale were taken out of stock"),
    orders_heading: "Orders with goods of the lot",
    orders_intro: "Every order with goods taken from this lot, cancelled ones included. The buyers of the orders that reached or will reach them are notified in their inbox and by SMS.",
    no_orders: "No order has goods of this lot yet.",
    orders_head: [
        "Order",
        "Status",
        "Buyer",
        "Phone",
        "Email",
        "Delivery address",
        "Quantity",
        "Placed",
        "Notified",
    ],
    yes: "Yes",
    no: "No",
    report_title: "Recall report",
    report_intro: "The lots recalled in your communes. Units sold, orders and buyers count the orders that reached or will reach their buyers (not those cancelled before shipping).",
    report_empty: "No lot has been recalled.",
    report_head: [
        "Lot",
        "Product",
        "Producer",
        "Plot / commune",
        "Harvested",
        "Reason",
        "Recalled by",
        "When",
        "Withdrawn",
        "Sold",
        "Orders",
        "Buyers",
        "",
    ],
    report_csv: "Download CSV",
    report_link: "Lot recalls",
};
