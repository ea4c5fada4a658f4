//! The strings of the cart, checkout and order screens, in Vietnamese and English. A missing
//! translation does not compile.

use crate::{
    i18n::Locale,
    shop::{
        form::ShopRefusal,
        rules::{
            order::{OrderStatus, PaymentMethod, PaymentStatus},
            shipment::WAYBILL_NOTE,
        },
    },
};

pub struct ShopTexts {
    pub cart: &'static str,
    pub cart_title: &'static str,
    pub cart_empty: &'static str,
    pub browse: &'static str,
    pub add_to_cart: &'static str,
    pub quantity: &'static str,
    pub update: &'static str,
    pub remove: &'static str,
    pub added: &'static str,
    pub sold_by: fn(&str) -> String,
    pub subtotal: &'static str,
    pub shipping: &'static str,
    pub total: &'static str,
    pub grand_total: &'static str,
    pub one_order_each: &'static str,
    pub problem_out: &'static str,
    pub problem_short: fn(i64) -> String,
    pub problem_unavailable: &'static str,
    pub problem_same_province: &'static str,
    pub problem_neighbours: &'static str,
    /// After the delivery fee when no address is chosen yet.
    pub shipping_farthest: &'static str,
    /// After a fee from the producer's own table (no carrier quote): "ước tính".
    pub shipping_estimated: &'static str,
    /// After a fee the producer's carrier quoted, with its name.
    pub shipping_quoted: fn(&str) -> String,
    /// After a free delivery.
    pub shipping_free: &'static str,
    pub fix_cart: &'static str,
    pub to_checkout: &'static str,
    pub checkout_title: &'static str,
    /// The checkout page's meta description.
    pub checkout_description: &'static str,
    pub contact: &'static str,
    pub name: &'static str,
    pub phone: &'static str,
    pub phone_hint: &'static str,
    pub address: &'static str,
    pub street: &'static str,
    pub street_hint: &'static str,
    pub payment: &'static str,
    pub method: fn(PaymentMethod) -> &'static str,
    pub method_hint: fn(PaymentMethod) -> &'static str,
    pub place_order: &'static str,
    pub orders_title: &'static str,
    pub no_orders: &'static str,
    pub placed_new: &'static str,
    pub order_title: fn(&str) -> String,
    pub status: fn(OrderStatus) -> &'static str,
    pub payment_status: fn(PaymentStatus) -> &'static str,
    pub placed_at: &'static str,
    pub deliver_to: &'static str,
    pub history: &'static str,
    pub history_note: fn(&str) -> String,
    pub pay_cod: fn(&str) -> String,
    pub pay_transfer: &'static str,
    pub bank: &'static str,
    pub account_no: &'static str,
    pub account_name: &'static str,
    pub amount: &'static str,
    pub transfer_content: &'static str,
    pub pay_by: fn(&str) -> String,
    pub qr_alt: &'static str,
    pub pay_card: &'static str,
    pub card_returned: &'static str,
    pub card_cancelled: &'static str,
    pub cancel: &'static str,
    pub cancel_reason: &'static str,
    /// A guest cancelling gives the order's phone again.
    pub cancel_phone: &'static str,
    pub confirm: &'static str,
    pub ship: &'static str,
    pub carrier: &'static str,
    pub tracking_no: &'static str,
    pub deliver: &'static str,
    pub mark_paid: &'static str,
    pub producer_actions: &'static str,
    pub lookup_title: &'static str,
    pub lookup_intro: &'static str,
    pub order_no: &'static str,
    pub open_order: &'static str,
    pub saved: &'static str,
    pub error: fn(ShopRefusal) -> &'static str,
    pub waybill_title: &'static str,
    pub waybill_intro: &'static str,
    pub parcel_weight: &'static str,
    pub cod_amount: &'static str,
    pub create_waybill: &'static str,
    pub print_label: &'static str,
    pub carrier_fee: &'static str,
    pub waiting_pickup: &'static str,
    pub manual_ship: &'static str,
    /// The receipt page (`/don-hang/{no}/bien-nhan`).
    pub receipt_link: &'static str,
    pub receipt_title: fn(&str) -> String,
    pub receipt_seller: &'static str,
    pub receipt_seller_name: &'static str,
    pub receipt_address: &'static str,
    pub receipt_phone: &'static str,
    pub receipt_tax_code: &'static str,
    pub receipt_buyer: &'static str,
    pub receipt_lines: &'static str,
    pub receipt_item: &'static str,
    pub receipt_quantity: &'static str,
    pub receipt_unit_price: &'static str,
    pub receipt_amount: &'static str,
    pub receipt_paid_at: fn(&str) -> String,
    pub receipt_not_invoice: &'static str,
    pub receipt_print_hint: &'static str,
}

fn vi_status(s: OrderStatus) -> &'static str {
    match s {
        OrderStatus::Placed => "Đã đặt",
        OrderStatus::Confirmed => "Đã xác nhận",
        OrderStatus::Shipped => "Đang giao",
        OrderStatus::Delivered => "Đã giao",
        OrderStatus::Cancelled => "Đã huỷ",
        OrderStatus::Refunded => "Đã hoàn tiền",
        OrderStatus::Returned => "Bị hoàn về",
    }
}

fn en_status(s: OrderStatus) -> &'static str {
    match s {
        OrderStatus::Placed => "Placed",
        OrderStatus::Confirmed => "Confirmed",
        OrderStatus::Shipped => "Shipped",
        OrderStatus::Delivered => "Delivered",
        OrderStatus::Cancelled => "Cancelled",
        OrderStatus::Refunded => "Refunded",
        OrderStatus::Returned => "Returned to sender",
    }
}

fn vi_error(refusal: ShopRefusal) -> &'static str {
    use ShopRefusal::*;
    // No catch-all: a new reason stops this compiling until it has its text.
    match refusal {
        Name => "Hãy ghi tên người nhận hàng.",
        Phone => {
            "Số điện thoại chưa đúng: số di động Việt Nam có 10 chữ số, bắt đầu bằng 03, 05, 07, 08 hoặc 09."
        }
        Street => "Hãy ghi số nhà, tên đường hoặc thôn.",
        Address => "Hãy chọn tỉnh và xã/phường nhận hàng.",
        Method => "Hãy chọn cách thanh toán.",
        TooLong => "Một ô nhập quá dài.",
        Quantity => "Số lượng là một số từ 1 đến 99.",
        Unavailable => "Sản phẩm này hiện không bán.",
        NotInCart => "Sản phẩm này không có trong giỏ.",
        OutOfStock => {
            "Một số sản phẩm đã hết hoặc không đủ số lượng. Hãy sửa giỏ hàng rồi đặt lại."
        }
        NoBankAccount => {
            "Một nhà sản xuất trong giỏ chưa nhận chuyển khoản. Hãy chọn cách thanh toán khác."
        }
        CardUnavailable => "Hiện chưa nhận thanh toán thẻ.",
        VnpayUnavailable => "Hiện chưa nhận thanh toán qua VNPay. Hãy chọn cách thanh toán khác.",
        RefundReference => "Hãy nhập mã giao dịch của lần chuyển khoản hoàn tiền.",
        CardOpen => "Chưa mở được trang thanh toán thẻ. Hãy thử lại sau ít phút.",
        IdempotencyKey | IdempotencyKeyReused => "Biểu mẫu đã cũ, hãy tải lại trang rồi đặt lại.",
        OrderState => "Đơn hàng đang ở trạng thái không cho phép việc này.",
        OrderNotAllowed => {
            "Bạn không thể làm việc này với đơn hàng (người mua chỉ huỷ được khi nhà sản xuất chưa xác nhận)."
        }
        CancelReason => "Hãy ghi lý do huỷ.",
        Carrier => "Hãy ghi tên đơn vị vận chuyển.",
        NotDelivered => {
            "Có hàng tươi không giao được đến tỉnh này (xem từng dòng bên dưới). Hãy bỏ các dòng đó khỏi giỏ hoặc chọn địa chỉ khác."
        }
        NotAwaitingTransfer => "Đơn này không chờ chuyển khoản.",
        NotFound => "Không tìm thấy đơn hàng với số đơn và số điện thoại này.",
        Throttled { .. } => "Bạn đã thử quá nhiều lần. Hãy thử lại sau ít phút.",
        CancelPhone => "Để huỷ đơn, hãy nhập đúng số điện thoại đã dùng khi đặt hàng.",
        NoCarrierAccount => {
            "Chưa bật tài khoản đơn vị vận chuyển này. Hãy bật trong phần cài đặt giao hàng, hoặc ghi đơn vị và mã vận đơn bên dưới."
        }
        WaybillExists => "Đơn này đã có vận đơn; không tạo thêm vận đơn thứ hai.",
        ParcelWeight => "Khối lượng gói hàng phải từ 1 g đến 50.000 g (50 kg).",
        CodAmount => "Tiền thu hộ phải từ 0 đ đến tổng tiền đơn hàng.",
        CarrierCredentials => {
            "Đơn vị vận chuyển không nhận mã token của bạn. Hãy kiểm tra lại trong phần cài đặt giao hàng."
        }
        CarrierNotServed => {
            "Đơn vị vận chuyển không phục vụ địa chỉ lấy hàng hoặc địa chỉ giao hàng này."
        }
        CarrierUnavailable => {
            "Đơn vị vận chuyển không trả lời kịp. Chưa có vận đơn nào được tạo; hãy thử lại sau ít phút."
        }
        TotalChanged => {
            "Phí giao hàng đến địa chỉ đã chọn làm tổng tiền cao hơn số vừa hiện. Tổng mới ở trên: kiểm tra rồi bấm Đặt hàng lại."
        }
        CarrierRefused => {
            "Đơn vị vận chuyển từ chối tạo vận đơn. Hãy kiểm tra khối lượng, tiền thu hộ và địa chỉ rồi thử lại."
        }
        Unknown => "Không thực hiện được. Hãy kiểm tra lại.",
    }
}

fn en_error(refusal: ShopRefusal) -> &'static str {
    use ShopRefusal::*;
    // No catch-all: a new reason stops this compiling until it has its text.
    match refusal {
        Name => "Write the name of the person receiving the goods.",
        Phone => {
            "This phone number is not right: Vietnamese mobiles have 10 digits starting with 03, 05, 07, 08 or 09."
        }
        Street => "Write the house number and street or village.",
        Address => "Choose the province and the commune for delivery.",
        Method => "Choose how to pay.",
        TooLong => "A field is too long.",
        Quantity => "A quantity is a number from 1 to 99.",
        Unavailable => "This product is not for sale now.",
        NotInCart => "This product is not in the cart.",
        OutOfStock => "Some items ran out or are short. Fix the cart, then order again.",
        NoBankAccount => {
            "A producer in the cart does not take bank transfers yet. Choose another way to pay."
        }
        CardUnavailable => "Card payments are not available.",
        VnpayUnavailable => "VNPay payments are not available. Choose another way to pay.",
        RefundReference => "Write the reference of the transfer back.",
        CardOpen => "The card payment page could not be opened. Try again in a few minutes.",
        IdempotencyKey | IdempotencyKeyReused => {
            "The form is out of date: reload the page and order again."
        }
        OrderState => "The order's status does not allow this.",
        OrderNotAllowed => {
            "You cannot do this with the order (a buyer can cancel only before the producer confirms)."
        }
        CancelReason => "Say why the order is cancelled.",
        Carrier => "Write the carrier's name.",
        NotDelivered => {
            "Some fresh goods are not delivered to this province (see each line below). Remove them from the cart or choose another address."
        }
        NotAwaitingTransfer => "This order is not waiting for a transfer.",
        NotFound => "No order has this number and phone.",
        Throttled { .. } => "Too many attempts. Try again in a few minutes.",
        CancelPhone => "To cancel, enter the phone number the order was placed with.",
        NoCarrierAccount => {
            "No enabled account with this carrier. Enable it in the delivery settings, or write the carrier and tracking number below."
        }
        WaybillExists => "This order already has a waybill; no second one is made.",
        ParcelWeight => "The parcel's weight must be 1 g to 50,000 g (50 kg).",
        CodAmount => "The amount to collect must be between 0 and the order's total.",
        CarrierCredentials => "The carrier refused your token. Check it in the delivery settings.",
        CarrierNotServed => "The carrier does not serve the pick-up or the delivery address.",
        CarrierUnavailable => {
            "The carrier did not answer in time. No waybill was made; try again in a few minutes."
        }
        TotalChanged => {
            "Delivery to the chosen address makes the total higher than shown. The new total is above: check it and place the order again."
        }
        CarrierRefused => {
            "The carrier refused the waybill. Check the weight, the amount to collect and the address, then try again."
        }
        Unknown => "That did not work. Please check and try again.",
    }
}

const VI: ShopTexts = ShopTexts {
    cart: "Giỏ hàng",
    cart_title: "Giỏ hàng",
    cart_empty: "Giỏ hàng đang trống.",
    browse: "Xem đặc sản các xã",
    add_to_cart: "Thêm vào giỏ",
    quantity: "Số lượng",
    update: "Cập nhật",
    remove: "Bỏ",
    added: "Đã thêm vào giỏ.",
    sold_by: |p| format!("Nhà sản xuất: {p}"),
    subtotal: "Tiền hàng",
    shipping: "Phí giao hàng",
    total: "Cộng",
    grand_total: "Tổng thanh toán",
    one_order_each: "Mỗi nhà sản xuất giao riêng: mỗi nhà là một đơn hàng, có phí giao riêng.",
    problem_out: "Đã hết hàng",
    problem_short: |n| format!("Chỉ còn {n}"),
    problem_unavailable: "Không còn bán",
    problem_same_province: "Hàng tươi: nhà sản xuất chỉ giao trong tỉnh của mình, không giao đến địa chỉ này. Hãy bỏ khỏi giỏ hoặc chọn địa chỉ khác.",
    problem_neighbours: "Hàng tươi: nhà sản xuất chỉ giao trong tỉnh và các tỉnh giáp ranh, không giao đến địa chỉ này. Hãy bỏ khỏi giỏ hoặc chọn địa chỉ khác.",
    shipping_farthest: "(tối đa; tính theo tỉnh nhận khi đặt hàng)",
    shipping_estimated: "(ước tính)",
    shipping_quoted: |carrier| format!("(giá của {carrier})"),
    shipping_free: "(miễn phí giao hàng)",
    fix_cart: "Hãy bỏ hoặc giảm các sản phẩm được đánh dấu trước khi đặt hàng.",
    to_checkout: "Đặt hàng",
    checkout_title: "Đặt hàng",
    checkout_description: "Đặt hàng đặc sản OCOP: địa chỉ nhận hàng, phí giao hàng và cách trả tiền (tiền mặt khi nhận, chuyển khoản VietQR).",
    contact: "Người nhận",
    name: "Họ và tên",
    phone: "Số điện thoại",
    phone_hint: "Ví dụ 0912 345 678",
    address: "Địa chỉ nhận hàng",
    street: "Số nhà, đường, thôn",
    street_hint: "Ví dụ 12 phố Hiến Nam",
    payment: "Thanh toán",
    method: |m| match m {
        PaymentMethod::Cod => "Tiền mặt khi nhận hàng",
        PaymentMethod::BankTransfer => "Chuyển khoản (mã VietQR)",
        PaymentMethod::Card => "Thẻ ngân hàng/quốc tế",
        PaymentMethod::Vnpay => "VNPay (thẻ ATM, ứng dụng ngân hàng, QR)",
    },
    method_hint: |m| match m {
        PaymentMethod::Cod => "Trả tiền cho người giao hàng.",
        PaymentMethod::BankTransfer => {
            "Quét mã VietQR bằng ứng dụng ngân hàng hoặc ví; giữ hàng 24 giờ."
        }
        PaymentMethod::Card => "Thanh toán qua Stripe; giữ hàng 30 phút.",
        PaymentMethod::Vnpay => "Thanh toán trên trang của VNPay; giữ hàng 30 phút.",
    },
    place_order: "Xác nhận đặt hàng",
    orders_title: "Đơn hàng của tôi",
    no_orders: "Chưa có đơn hàng nào.",
    placed_new: "Đặt hàng thành công. Cảm ơn bạn!",
    order_title: |no| format!("Đơn hàng {no}"),
    status: vi_status,
    payment_status: |s| match s {
        PaymentStatus::Pending => "Chưa thanh toán",
        PaymentStatus::Paid => "Đã thanh toán",
        PaymentStatus::Failed => "Thanh toán không thành công",
        PaymentStatus::Refunded => "Đã hoàn tiền",
        PaymentStatus::Expired => "Không còn chờ thanh toán",
        PaymentStatus::Refunding => "Đang hoàn tiền",
    },
    placed_at: "Đặt lúc",
    deliver_to: "Giao đến",
    history: "Lịch sử đơn hàng",
    history_note: |n| match n {
        n if n.starts_with(crate::returns::NOTE_PREFIX) => {
            (crate::returns::texts::ReturnTexts::of(Locale::Vi).history_note)(n)
        }
        "payment_received" => "Đã nhận tiền".to_owned(),
        n if n.starts_with(WAYBILL_NOTE) => format!("Đã tạo vận đơn {}", &n[WAYBILL_NOTE.len()..]),
        "payment_expired" => "Quá hạn thanh toán".to_owned(),
        "payment_failed" => "Thanh toán thẻ không thành công".to_owned(),
        "refund_requested" => "Đang hoàn tiền qua cổng thanh toán".to_owned(),
        "refund_owed_by_hand" => "Cần chuyển khoản hoàn tiền cho người mua".to_owned(),
        n if n.starts_with("refund_failed:") => {
            format!(
                "Hoàn tiền chưa thành công, sẽ thử lại ({})",
                &n["refund_failed:".len()..]
            )
        }
        n if n.starts_with("refunded:") => format!("Đã hoàn tiền (mã {})", &n["refunded:".len()..]),
        other => other.to_owned(),
    },
    pay_cod: |amount| format!("Trả {amount} tiền mặt khi nhận hàng."),
    pay_transfer: "Quét mã bằng ứng dụng ngân hàng, hoặc chuyển khoản theo thông tin dưới đây. Nhà sản xuất xác nhận khi nhận được tiền.",
    bank: "Ngân hàng",
    account_no: "Số tài khoản",
    account_name: "Chủ tài khoản",
    amount: "Số tiền",
    transfer_content: "Nội dung chuyển khoản",
    pay_by: |at| format!("Hãy thanh toán trước {at}; sau đó đơn tự huỷ và hàng được trả lại kho."),
    qr_alt: "Mã VietQR để chuyển khoản",
    pay_card: "Thanh toán bằng thẻ",
    card_returned: "Đang chờ xác nhận thanh toán thẻ; trang sẽ cập nhật khi có kết quả.",
    card_cancelled: "Bạn chưa thanh toán. Bạn có thể thanh toán lại trước hạn.",
    cancel: "Huỷ đơn",
    cancel_reason: "Lý do huỷ",
    cancel_phone: "Số điện thoại đã dùng khi đặt hàng",
    confirm: "Xác nhận đơn",
    ship: "Đã gửi hàng",
    carrier: "Đơn vị vận chuyển",
    tracking_no: "Mã vận đơn",
    deliver: "Đã giao hàng",
    mark_paid: "Đã nhận chuyển khoản",
    producer_actions: "Xử lý đơn (nhà sản xuất)",
    lookup_title: "Tra cứu đơn hàng",
    lookup_intro: "Đặt hàng không cần tài khoản? Nhập số đơn và số điện thoại đã dùng khi đặt.",
    order_no: "Số đơn hàng",
    open_order: "Xem đơn",
    saved: "Đã lưu.",
    error: vi_error,
    waybill_title: "Tạo vận đơn",
    waybill_intro: "Đơn vị vận chuyển đến lấy hàng tại địa chỉ lấy hàng trong cài đặt. Đơn chuyển sang \"Đang giao\" khi họ báo đã lấy hàng.",
    parcel_weight: "Khối lượng gói hàng (gam)",
    cod_amount: "Tiền thu hộ (đồng)",
    create_waybill: "Tạo vận đơn",
    print_label: "In nhãn",
    carrier_fee: "Phí vận chuyển",
    waiting_pickup: "Chờ đơn vị vận chuyển lấy hàng.",
    manual_ship: "Hoặc tự gửi hàng: ghi đơn vị vận chuyển và mã vận đơn",
    receipt_link: "Biên nhận",
    receipt_title: |no| format!("Biên nhận đơn hàng {no}"),
    receipt_seller: "Người bán",
    receipt_seller_name: "Tên",
    receipt_address: "Địa chỉ",
    receipt_phone: "Điện thoại",
    receipt_tax_code: "Mã số thuế",
    receipt_buyer: "Người mua",
    receipt_lines: "Hàng hóa",
    receipt_item: "Sản phẩm",
    receipt_quantity: "Số lượng",
    receipt_unit_price: "Đơn giá",
    receipt_amount: "Thành tiền",
    receipt_paid_at: |at| format!("đã thanh toán lúc {at}"),
    receipt_not_invoice: "Biên nhận này xác nhận giao dịch trên sàn; không thay thế hóa đơn giá trị gia tăng.",
    receipt_print_hint: "In trang này bằng lệnh In của trình duyệt (Ctrl+P).",
};

const EN: ShopTexts = ShopTexts {
    cart: "Cart",
    cart_title: "Your cart",
    cart_empty: "Your cart is empty.",
    browse: "Browse the communes' specialties",
    add_to_cart: "Add to cart",
    quantity: "Quantity",
    update: "Update",
    remove: "Remove",
    added: "Added to the cart.",
    sold_by: |p| format!("Producer: {p}"),
    subtotal: "Items",
    shipping: "Delivery",
    total: "Total",
    grand_total: "To pay",
    one_order_each: "Each producer delivers separately: one order per producer, each with its delivery fee.",
    problem_out: "Out of stock",
    problem_short: |n| format!("Only {n} left"),
    problem_unavailable: "No longer for sale",
    problem_same_province: "Fresh goods: the producer delivers only within its own province, not to this address. Remove it or choose another address.",
    problem_neighbours: "Fresh goods: the producer delivers only to its own and the neighbouring provinces, not to this address. Remove it or choose another address.",
    shipping_farthest: "(at most; set by the delivery province at checkout)",
    shipping_estimated: "(estimate)",
    shipping_quoted: |carrier| format!("({carrier}'s price)"),
    shipping_free: "(free delivery)",
    fix_cart: "Remove or reduce the marked items before ordering.",
    to_checkout: "Check out",
    checkout_title: "Check out",
    checkout_description: "Order OCOP specialties: the delivery address, delivery fees and how to pay (cash on delivery, VietQR bank transfer).",
    contact: "Recipient",
    name: "Full name",
    phone: "Phone number",
    phone_hint: "For example 0912 345 678",
    address: "Delivery address",
    street: "House number, street, village",
    street_hint: "For example 12 Hien Nam street",
    payment: "Payment",
    method: |m| match m {
        PaymentMethod::Cod => "Cash on delivery",
        PaymentMethod::BankTransfer => "Bank transfer (VietQR code)",
        PaymentMethod::Card => "Card",
        PaymentMethod::Vnpay => "VNPay (ATM card, banking app, QR)",
    },
    method_hint: |m| match m {
        PaymentMethod::Cod => "Pay the courier.",
        PaymentMethod::BankTransfer => {
            "Scan the VietQR code with a banking or wallet app; goods held 24 hours."
        }
        PaymentMethod::Card => "Paid through Stripe; goods held 30 minutes.",
        PaymentMethod::Vnpay => "Paid on VNPay's page; goods held 30 minutes.",
    },
    place_order: "Place order",
    orders_title: "My orders",
    no_orders: "No orders yet.",
    placed_new: "Order placed. Thank you!",
    order_title: |no| format!("Order {no}"),
    status: en_status,
    payment_status: |s| match s {
        PaymentStatus::Pending => "Not paid yet",
        PaymentStatus::Paid => "Paid",
        PaymentStatus::Failed => "Payment failed",
        PaymentStatus::Refunded => "Refunded",
        PaymentStatus::Expired => "No longer awaiting payment",
        PaymentStatus::Refunding => "Being refunded",
    },
    placed_at: "Placed",
    deliver_to: "Deliver to",
    history: "Order history",
    history_note: |n| match n {
        n if n.starts_with(crate::returns::NOTE_PREFIX) => {
            (crate::returns::texts::ReturnTexts::of(Locale::En).history_note)(n)
        }
        "payment_received" => "Payment received".to_owned(),
        n if n.starts_with(WAYBILL_NOTE) => {
            format!("Waybill created: {}", &n[WAYBILL_NOTE.len()..])
        }
        "payment_expired" => "Not paid in time".to_owned(),
        "payment_failed" => "Card payment failed".to_owned(),
        "refund_requested" => "Refund under way through the payment provider".to_owned(),
        "refund_owed_by_hand" => "A transfer back to the buyer is owed".to_owned(),
        n if n.starts_with("refund_failed:") => {
            format!(
                "Refund failed, will retry ({})",
                &n["refund_failed:".len()..]
            )
        }
        n if n.starts_with("refunded:") => {
            format!("Refunded (reference {})", &n["refunded:".len()..])
        }
        other => other.to_owned(),
    },
    pay_cod: |amount| format!("Pay {amount} in cash on delivery."),
    pay_transfer: "Scan the code with your banking app, or transfer with the details below. The producer confirms when the money arrives.",
    bank: "Bank",
    account_no: "Account number",
    account_name: "Account holder",
    amount: "Amount",
    transfer_content: "Transfer message",
    pay_by: |at| {
        format!(
            "Please pay before {at}; after that the order is cancelled and the goods go back on sale."
        )
    },
    qr_alt: "VietQR code for the transfer",
    pay_card: "Pay by card",
    card_returned: "Waiting for the card payment's confirmation; this page shows it when it arrives.",
    card_cancelled: "You have not paid. You can pay again before the deadline.",
    cancel: "Cancel order",
    cancel_reason: "Reason",
    cancel_phone: "The phone number you ordered with",
    confirm: "Confirm order",
    ship: "Mark shipped",
    carrier: "Carrier",
    tracking_no: "Tracking number",
    deliver: "Mark delivered",
    mark_paid: "Transfer received",
    producer_actions: "Handle the order (producer)",
    lookup_title: "Find an order",
    lookup_intro: "Ordered without an account? Enter the order number and the phone you ordered with.",
    order_no: "Order number",
    open_order: "Open order",
    saved: "Saved.",
    error: en_error,
    waybill_title: "Create a waybill",
    waybill_intro: "The carrier picks the parcel up at the pick-up address in your settings. The order becomes \"Shipped\" when they report the pick-up.",
    parcel_weight: "Parcel weight (grams)",
    cod_amount: "Cash to collect (dong)",
    create_waybill: "Create the waybill",
    print_label: "Print the label",
    carrier_fee: "Carrier's fee",
    waiting_pickup: "Waiting for the carrier to pick it up.",
    manual_ship: "Or send it yourself: write the carrier and the tracking number",
    receipt_link: "Receipt",
    receipt_title: |no| format!("Receipt for order {no}"),
    receipt_seller: "Seller",
    receipt_seller_name: "Name",
    receipt_address: "Address",
    receipt_phone: "Phone",
    receipt_tax_code: "Tax code",
    receipt_buyer: "Buyer",
    receipt_lines: "Goods",
    receipt_item: "Product",
    receipt_quantity: "Quantity",
    receipt_unit_price: "Unit price",
    receipt_amount: "Amount",
    receipt_paid_at: |at| format!("paid at {at}"),
    receipt_not_invoice: "This receipt confirms a sale on the marketplace; it is not a VAT invoice.",
    receipt_print_hint: "Print this page with the browser's Print command (Ctrl+P).",
};

impl ShopTexts {
    pub fn of(locale: Locale) -> &'static ShopTexts {
        match locale {
            Locale::Vi => &VI,
            Locale::En => &EN,
        }
    }
}
