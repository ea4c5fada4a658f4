//! The published documents: operating rules, privacy policy and terms of sale, in Vietnamese and
//! English, each with its version and the day it took effect. A change gets a new version and a
//! date at least five days after it is published (the rules' own article on changes); people's
//! consent records carry the privacy policy's version.

use crate::i18n::Locale;

/// The privacy policy's version (stored with each consent decision).
pub const PRIVACY_VERSION: &str = "1.0";

/// Which document.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DocKind {
    Rules,
    Privacy,
    Terms,
}

impl DocKind {
    pub const ALL: [DocKind; 3] = [DocKind::Rules, DocKind::Privacy, DocKind::Terms];

    pub fn path(self) -> &'static str {
        match self {
            DocKind::Rules => "/quy-che",
            DocKind::Privacy => "/chinh-sach-bao-mat",
            DocKind::Terms => "/dieu-khoan-ban-hang",
        }
    }
}

/// What a section shows after its paragraphs, drawn from the rules in force (so the policy
/// cannot say one period while the code keeps another).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Insert {
    /// The purposes of processing and their basis (`privacy::rules::Purpose`).
    Purposes,
    /// What is deleted after how long (`privacy::rules::Kept`).
    Retention,
}

pub struct Section {
    pub heading: &'static str,
    pub body: &'static [&'static str],
    pub insert: Option<Insert>,
}

pub struct Document {
    pub title: &'static str,
    pub version: &'static str,
    /// ISO date the version took effect.
    pub effective: &'static str,
    pub summary: &'static str,
    pub sections: &'static [Section],
}

const fn s(heading: &'static str, body: &'static [&'static str]) -> Section {
    Section {
        heading,
        body,
        insert: None,
    }
}

const fn with(heading: &'static str, body: &'static [&'static str], insert: Insert) -> Section {
    Section {
        heading,
        body,
        insert: Some(insert),
    }
}

pub fn document(kind: DocKind, locale: Locale) -> &'static Document {
    match (kind, locale) {
        (DocKind::Rules, Locale::Vi) => &RULES_VI,
        (DocKind::Rules, Locale::En) => &RULES_EN,
        (DocKind::Privacy, Locale::Vi) => &PRIVACY_VI,
        (DocKind::Privacy, Locale::En) => &PRIVACY_EN,
        (DocKind::Terms, Locale::Vi) => &TERMS_VI,
        (DocKind::Terms, Locale::En) => &TERMS_EN,
    }
}

static RULES_VI: Document = Document {
    title: "Quy chế hoạt động sàn",
    version: "1.0",
    effective: "2026-12-02",
    summary: "Sàn giao dịch thương mại điện tử cho sản phẩm OCOP (Mỗi xã một sản phẩm): người bán là các hộ, tổ hợp tác, hợp tác xã và doanh nghiệp có sản phẩm OCOP được cán bộ xã duyệt; người mua là mọi người trên cả nước. Đơn vị vận hành sàn ghi ở chân mỗi trang.",
    sections: &[
        s(
            "1. Nguyên tắc chung",
            &[
                "Sàn là nền tảng trung gian: hợp đồng mua bán được lập giữa người mua và người bán; sàn cung cấp nơi đăng bán, đặt hàng, thanh toán, truy xuất nguồn gốc và giải quyết khiếu nại.",
                "Người bán chỉ được đăng bán sau khi khai đủ thông tin pháp lý (tên đăng ký, địa chỉ, điện thoại, mã số thuế hoặc số đăng ký kinh doanh) và được cán bộ xã của xã mình duyệt hồ sơ.",
            ],
        ),
        s(
            "2. Quyền và nghĩa vụ của đơn vị vận hành",
            &[
                "Kiểm tra thông tin người bán khi duyệt hồ sơ; kiểm duyệt tin đăng trước khi hiển thị; gỡ tin sai sự thật, hàng không rõ nguồn gốc hoặc vi phạm pháp luật.",
                "Cung cấp cho người mua thông tin của người bán khi có tranh chấp; cung cấp thông tin cho cơ quan nhà nước có thẩm quyền trong 24 giờ khi được yêu cầu.",
                "Bảo vệ dữ liệu cá nhân theo Chính sách bảo mật; lưu dữ liệu giao dịch theo thời hạn pháp luật quy định.",
            ],
        ),
        s(
            "3. Quyền và nghĩa vụ của người bán",
            &[
                "Cung cấp thông tin trung thực về sản phẩm: tên, quy cách, khối lượng, giá, xuất xứ, hạn dùng, chứng nhận OCOP; ghi nhật ký canh tác và tuân thủ thời gian cách ly thuốc bảo vệ thực vật trước thu hoạch.",
                "Giao hàng đúng mô tả; trả lời yêu cầu đổi trả và khiếu nại trong thời hạn sàn hiển thị; nhận lại hàng không đúng mô tả.",
                "Tự chịu trách nhiệm về nghĩa vụ thuế; khi sàn thu hộ tiền hàng của hộ, cá nhân kinh doanh, sàn khấu trừ và nộp thay thuế theo quy định.",
            ],
        ),
        s(
            "4. Quyền và nghĩa vụ của người mua",
            &[
                "Được biết đầy đủ thông tin người bán, giá, phí giao hàng, phương thức thanh toán và điều kiện đổi trả trước khi đặt hàng; được tải biên nhận đơn hàng.",
                "Cung cấp thông tin nhận hàng chính xác; thanh toán theo phương thức đã chọn; đánh giá trung thực.",
            ],
        ),
        s(
            "5. Quy trình giao dịch",
            &[
                "Chọn sản phẩm vào giỏ → điền thông tin nhận hàng → chọn thanh toán (tiền mặt khi nhận hàng, chuyển khoản VietQR, VNPay hoặc thẻ) → xác nhận đặt hàng. Mỗi người bán nhận một đơn riêng.",
                "Người bán xác nhận, đóng gói và giao cho đơn vị vận chuyển; người mua theo dõi trạng thái tại trang đơn hàng. Sau khi nhận hàng, người mua có thể đánh giá, yêu cầu đổi trả hoặc khiếu nại.",
            ],
        ),
        s(
            "6. Cách sắp xếp sản phẩm",
            &[
                "Kết quả tìm kiếm xếp theo mức khớp với từ khoá (tên, xã, nhà sản xuất, nhóm sản phẩm; có dấu hoặc không dấu). Người mua có thể xếp lại theo giá, theo hàng mới hoặc theo đánh giá. Sàn không bán vị trí hiển thị; nếu sau này có, vị trí đó sẽ được ghi rõ là quảng cáo.",
            ],
        ),
        s(
            "7. Đánh giá của người mua",
            &[
                "Chỉ người đã mua và đã nhận hàng mới được đánh giá, mỗi dòng đơn một lần. Người bán được trả lời một lần và không thể xoá đánh giá.",
                "Cán bộ xã chỉ ẩn đánh giá vi phạm pháp luật hoặc thuần phong mỹ tục, có ghi lý do; lý do được lưu và người viết được thấy.",
            ],
        ),
        s(
            "8. Đổi trả, khiếu nại và giải quyết tranh chấp",
            &[
                "Người mua được yêu cầu trả hàng hoặc hoàn tiền trong thời hạn sau khi nhận hàng (mặc định 3 ngày với nông sản tươi, 7 ngày với sản phẩm khác). Người bán chấp nhận hoặc từ chối có lý do; nếu không được trả lời đúng hạn hoặc bị từ chối, người mua chuyển lên cán bộ xã, rồi lên sàn.",
                "Khiếu nại khác gửi tại trang Khiếu nại, được cấp mã theo dõi. Tranh chấp không tự thương lượng được giải quyết bằng hoà giải, trọng tài hoặc toà án theo pháp luật Việt Nam.",
            ],
        ),
        s(
            "9. Xử lý vi phạm",
            &[
                "Tin đăng vi phạm bị gỡ; người bán vi phạm nhiều lần hoặc nghiêm trọng bị tạm ngừng, có báo trước ít nhất 5 ngày trừ khi cơ quan nhà nước yêu cầu (khi đó trong 24 giờ).",
            ],
        ),
        s(
            "10. Giới hạn trách nhiệm",
            &[
                "Sàn không phải là bên bán; sàn chịu trách nhiệm về việc thực hiện các nghĩa vụ của mình trong quy chế này và bồi thường theo pháp luật khi vi phạm các nghĩa vụ đó gây thiệt hại.",
            ],
        ),
        s(
            "11. Sửa đổi quy chế",
            &[
                "Mỗi lần sửa đổi có số phiên bản và ngày hiệu lực, được công bố trên trang này ít nhất 5 ngày trước khi áp dụng.",
            ],
        ),
    ],
};

static RULES_EN: Document = Document {
    title: "Marketplace operating rules",
    version: "1.0",
    effective: "2026-12-02",
    summary: "An e-commerce marketplace for OCOP (One Commune One Product) specialties: sellers are households, cooperative groups, cooperatives and enterprises whose applications a commune officer approved; buyers are anyone in Vietnam. The operator is named at the foot of every page.",
    sections: &[
        s(
            "1. General",
            &[
                "The marketplace is an intermediary: the sale contract is between buyer and seller; the marketplace provides listing, ordering, payment, traceability and complaint handling.",
                "A seller may list only after giving its legal identity (registered name, address, phone, tax code or business registration number) and having its application approved by an officer of its commune.",
            ],
        ),
        s(
            "2. The operator's rights and duties",
            &[
                "Checks sellers' information on approval; reviews listings before they show; removes listings that are untrue, of unknown origin or unlawful.",
                "Gives a buyer the seller's information in a dispute; gives competent authorities information within 24 hours of a request.",
                "Protects personal data under the Privacy policy; keeps transaction records for the periods the law sets.",
            ],
        ),
        s(
            "3. Sellers' rights and duties",
            &[
                "Describe products truthfully: name, pack, weight, price, origin, shelf life, OCOP certificate; keep the cultivation log and respect pre-harvest intervals.",
                "Deliver what was described; answer return requests and complaints within the deadlines shown; take back goods that do not match their description.",
                "Meet their tax duties; when the marketplace collects payment for household and individual sellers, it withholds and pays their taxes as the law requires.",
            ],
        ),
        s(
            "4. Buyers' rights and duties",
            &[
                "Know the seller, price, delivery fee, payment method and return conditions before ordering; download the order receipt.",
                "Give correct delivery details; pay by the chosen method; review honestly.",
            ],
        ),
        s(
            "5. How a purchase works",
            &[
                "Add to cart → delivery details → payment (cash on delivery, VietQR transfer, VNPay or card) → confirm. Each seller receives its own order.",
                "The seller confirms, packs and hands over to the carrier; the buyer follows the status on the order page. After delivery the buyer may review, ask for a return or complain.",
            ],
        ),
        s(
            "6. How products are ranked",
            &[
                "Search results are ordered by how well they match the words (name, commune, producer, product group; with or without diacritics). Buyers may sort by price, newest or rating. No placement is sold; if it ever is, it will be labelled as an advertisement.",
            ],
        ),
        s(
            "7. Buyers' reviews",
            &[
                "Only buyers of a delivered order may review, once per order line. Sellers may reply once and cannot delete reviews.",
                "Commune officers hide only reviews that break the law or public decency, with a reason that is kept and shown to the author.",
            ],
        ),
        s(
            "8. Returns, complaints and disputes",
            &[
                "Buyers may ask for a return or refund within a window after delivery (by default 3 days for fresh produce, 7 for other products). The seller accepts or refuses with a reason; when unanswered in time or refused, the buyer escalates to the commune officer, then to the marketplace.",
                "Other complaints go through the Complaints page and get a tracking number. Disputes not settled by negotiation go to mediation, arbitration or the courts under Vietnamese law.",
            ],
        ),
        s(
            "9. Breaches",
            &[
                "Breaching listings are removed; sellers with repeated or serious breaches are suspended with at least 5 days' notice, unless an authority requires it (then within 24 hours).",
            ],
        ),
        s(
            "10. Limits of liability",
            &[
                "The marketplace is not the seller; it answers for its own duties under these rules and compensates under the law where breaching them caused loss.",
            ],
        ),
        s(
            "11. Changes",
            &[
                "Each change has a version number and an effective date and is published on this page at least 5 days before it applies.",
            ],
        ),
    ],
};

static PRIVACY_VI: Document = Document {
    title: "Chính sách bảo mật",
    version: PRIVACY_VERSION,
    effective: "2026-12-02",
    summary: "Chính sách này nói sàn thu thập dữ liệu cá nhân nào, để làm gì, giữ bao lâu, chia sẻ với ai và bạn thực hiện quyền của mình thế nào, theo Luật Bảo vệ dữ liệu cá nhân 2025. Bên kiểm soát dữ liệu là đơn vị vận hành ghi ở chân trang.",
    sections: &[
        with(
            "1. Dữ liệu và mục đích",
            &[
                "Tài khoản: họ tên, số điện thoại hoặc email, mật khẩu (chỉ lưu dạng băm), ngôn ngữ. Đơn hàng: tên người nhận, điện thoại, địa chỉ, sản phẩm, số tiền, phương thức thanh toán. Kỹ thuật: địa chỉ IP và trình duyệt của phiên đăng nhập, nhật ký thao tác.",
                "Sàn không dùng cookie quảng cáo hay công cụ theo dõi của bên thứ ba.",
            ],
            Insert::Purposes,
        ),
        s(
            "2. Ai nhận dữ liệu",
            &[
                "Người bán của đơn hàng và đơn vị vận chuyển nhận tên, điện thoại, địa chỉ để giao hàng. Cổng thanh toán (VNPay, Stripe) nhận số tiền và mã đơn. Nhà cung cấp email, SMS, Zalo nhận địa chỉ để gửi thông báo bạn đã bật. Cán bộ xã chỉ thấy dữ liệu cần cho việc kiểm duyệt và giải quyết khiếu nại.",
            ],
        ),
        with(
            "3. Thời gian lưu",
            &[
                "Đơn hàng, biên nhận và sổ đối soát được giữ 10 năm theo Luật Kế toán, kể cả khi bạn xoá tài khoản (khi đó tên và thông tin liên hệ được thay bằng chữ ẩn danh).",
                "Các dữ liệu dưới đây bị xoá tự động khi hết hạn:",
            ],
            Insert::Retention,
        ),
        s(
            "4. Quyền của bạn",
            &[
                "Bạn được biết, đồng ý hoặc rút lại đồng ý, xem, sửa, tải về, yêu cầu xoá, hạn chế hoặc phản đối việc xử lý dữ liệu của mình, và khiếu nại. Tại trang Dữ liệu của tôi (/tai-khoan/du-lieu) bạn tải toàn bộ dữ liệu (JSON), thay đổi các đồng ý không bắt buộc và xoá tài khoản.",
                "Yêu cầu gửi qua trang Khiếu nại được trả lời trong 2 ngày làm việc.",
            ],
        ),
        s(
            "5. Bảo vệ dữ liệu",
            &[
                "Kết nối mã hoá; mật khẩu băm Argon2; mã truy cập chỉ lưu dạng băm; quyền xem dữ liệu theo vai trò. Khi xảy ra sự cố lộ lọt, sàn thông báo cơ quan chuyên trách trong 72 giờ và báo cho người bị ảnh hưởng.",
            ],
        ),
        s(
            "6. Phiên bản",
            &[
                "Mỗi lần thay đổi có phiên bản mới; mỗi đồng ý bạn đưa ra được lưu cùng phiên bản bạn đã xem.",
            ],
        ),
    ],
};

static PRIVACY_EN: Document = Document {
    title: "Privacy policy",
    version: PRIVACY_VERSION,
    effective: "2026-12-02",
    summary: "This policy says what personal data the marketplace collects, why, for how long, who receives it and how you use your rights, under the 2025 Personal Data Protection Law. The controller is the operator named at the foot of the page.",
    sections: &[
        with(
            "1. Data and purposes",
            &[
                "Account: name, phone or email, password (only its hash), language. Orders: recipient name, phone, address, products, amounts, payment method. Technical: IP address and browser of each session, a log of actions.",
                "No advertising cookies or third-party trackers are used.",
            ],
            Insert::Purposes,
        ),
        s(
            "2. Who receives data",
            &[
                "The order's seller and the carrier receive name, phone and address to deliver. Payment gateways (VNPay, Stripe) receive amounts and order numbers. Email, SMS and Zalo providers receive the address of notices you turned on. Commune officers see only what moderation and complaints need.",
            ],
        ),
        with(
            "3. How long data is kept",
            &[
                "Orders, receipts and the settlement ledger are kept for 10 years under the Accounting Law, also after you delete your account (your name and contacts on them are then replaced).",
                "The following are deleted automatically when their time is up:",
            ],
            Insert::Retention,
        ),
        s(
            "4. Your rights",
            &[
                "You may know about, consent to or withdraw consent from, view, correct, download, ask to delete, restrict or object to the processing of your data, and complain. On My data (/tai-khoan/du-lieu) you download everything (JSON), change optional consents and delete your account.",
                "Requests through the Complaints page are answered within 2 working days.",
            ],
        ),
        s(
            "5. Security",
            &[
                "Encrypted connections; Argon2 password hashes; access tokens stored as hashes; role-based access. After a breach the marketplace notifies the competent authority within 72 hours and tells the people affected.",
            ],
        ),
        s(
            "6. Versions",
            &[
                "Each change gets a new version; each decision you make is stored with the version you were shown.",
            ],
        ),
    ],
};

static TERMS_VI: Document = Document {
    title: "Điều khoản mua bán",
    version: "1.0",
    effective: "2026-12-02",
    summary: "Điều khoản áp dụng cho mỗi đơn hàng đặt trên sàn. Hợp đồng mua bán được lập giữa bạn và người bán ghi trên đơn; thông tin người bán có ở trang nhà sản xuất.",
    sections: &[
        s(
            "1. Giá và phí",
            &[
                "Giá niêm yết bằng đồng Việt Nam. Phí giao hàng và tổng tiền hiện trước khi bạn xác nhận đặt hàng và không đổi sau đó.",
            ],
        ),
        s(
            "2. Thanh toán",
            &[
                "Tiền mặt khi nhận hàng, chuyển khoản VietQR, VNPay hoặc thẻ. Đơn chuyển khoản hoặc thẻ chưa thanh toán đúng hạn sẽ tự huỷ và trả lại hàng cho người bán.",
            ],
        ),
        s(
            "3. Giao hàng",
            &[
                "Người bán giao qua đơn vị vận chuyển hoặc tự giao trong vùng của mình. Bạn theo dõi trạng thái và mã vận đơn tại trang đơn hàng.",
            ],
        ),
        s(
            "4. Đổi trả và hoàn tiền",
            &[
                "Trong thời hạn sau khi nhận hàng (mặc định 3 ngày với nông sản tươi, 7 ngày với sản phẩm khác), bạn yêu cầu trả hàng hoặc hoàn tiền ở trang đơn hàng, kèm lý do và ảnh. Tiền hoàn về đúng phương thức đã trả.",
            ],
        ),
        s(
            "5. Biên nhận",
            &[
                "Mỗi đơn có biên nhận ghi người bán, mã số thuế (nếu có), hàng hoá và số tiền; bạn tải hoặc in tại trang đơn hàng.",
            ],
        ),
    ],
};

static TERMS_EN: Document = Document {
    title: "Terms of sale",
    version: "1.0",
    effective: "2026-12-02",
    summary: "These terms apply to every order placed on the marketplace. The sale contract is between you and the seller named on the order; the seller's details are on its producer page.",
    sections: &[
        s(
            "1. Prices and fees",
            &[
                "Prices are in Vietnamese dong. The delivery fee and total show before you confirm and do not change afterwards.",
            ],
        ),
        s(
            "2. Payment",
            &[
                "Cash on delivery, VietQR transfer, VNPay or card. Transfer or card orders left unpaid past their deadline are cancelled and their stock returned to the seller.",
            ],
        ),
        s(
            "3. Delivery",
            &[
                "The seller ships through a carrier or delivers itself within its area. You follow the status and tracking number on the order page.",
            ],
        ),
        s(
            "4. Returns and refunds",
            &[
                "Within a window after delivery (by default 3 days for fresh produce, 7 for other products), ask for a return or refund on the order page with a reason and photos. Refunds go back through the method you paid with.",
            ],
        ),
        s(
            "5. Receipts",
            &[
                "Each order has a receipt naming the seller, its tax code (when it has one), the goods and the amounts; download or print it from the order page.",
            ],
        ),
    ],
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_document_exists_in_both_languages_with_the_same_version() {
        for kind in DocKind::ALL {
            let (vi, en) = (document(kind, Locale::Vi), document(kind, Locale::En));
            assert_eq!(vi.version, en.version, "{kind:?}");
            assert_eq!(vi.effective, en.effective, "{kind:?}");
            assert_eq!(vi.sections.len(), en.sections.len(), "{kind:?}");
            assert!(chrono::NaiveDate::parse_from_str(vi.effective, "%Y-%m-%d").is_ok());
        }
        assert_eq!(
            document(DocKind::Privacy, Locale::Vi).version,
            PRIVACY_VERSION
        );
    }
}
