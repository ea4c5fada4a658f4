//! The review screens' words, in Vietnamese and English.

use super::rules::ReviewRefusal;
use crate::i18n::Locale;

pub struct ReviewTexts {
    pub heading: &'static str,
    pub none: &'static str,
    pub count: fn(i64) -> String,
    pub stars_label: fn(u8) -> String,
    pub verified: &'static str,
    pub reply_from: fn(&str) -> String,
    pub review_line: &'static str,
    pub stars_legend: &'static str,
    pub text_label: &'static str,
    pub text_hint: &'static str,
    pub photos_label: &'static str,
    pub photos_hint: &'static str,
    pub submit: &'static str,
    pub yours: &'static str,
    pub hidden_because: fn(&str) -> String,
    pub reviewed: &'static str,
    pub replied: &'static str,
    pub hidden: &'static str,
    pub seller_title: &'static str,
    pub seller_intro: &'static str,
    pub reply_label: &'static str,
    pub reply_submit: &'static str,
    pub officer_title: &'static str,
    pub officer_intro: &'static str,
    pub reason_label: &'static str,
    pub hide_submit: &'static str,
    pub status_hidden: &'static str,
    pub product: &'static str,
    pub more: fn(usize) -> String,
    pub refusal: fn(ReviewRefusal) -> &'static str,
}

impl ReviewTexts {
    pub fn of(locale: Locale) -> &'static ReviewTexts {
        match locale {
            Locale::Vi => &VI,
            Locale::En => &EN,
        }
    }
}

static VI: ReviewTexts = ReviewTexts {
    heading: "Đánh giá của người mua",
    none: "Chưa có đánh giá nào.",
    count: |n| format!("{n} đánh giá"),
    stars_label: |n| format!("{n} trên 5 sao"),
    verified: "Đã mua hàng",
    reply_from: |p| format!("Trả lời của {p}"),
    review_line: "Đánh giá",
    stars_legend: "Số sao",
    text_label: "Nhận xét (không bắt buộc)",
    text_hint: "Tối đa 2000 ký tự.",
    photos_label: "Ảnh (tối đa 3)",
    photos_hint: "Ảnh JPEG, PNG hoặc WebP; thông tin vị trí trong ảnh được xoá.",
    submit: "Gửi đánh giá",
    yours: "Đánh giá của bạn",
    hidden_because: |r| format!("Đánh giá này đã bị cán bộ ẩn. Lý do: {r}"),
    reviewed: "Cảm ơn bạn đã đánh giá.",
    replied: "Đã gửi trả lời.",
    hidden: "Đã ẩn đánh giá.",
    seller_title: "Đánh giá sản phẩm",
    seller_intro: "Đánh giá của người mua về sản phẩm của bạn. Mỗi đánh giá được trả lời một lần.",
    reply_label: "Trả lời",
    reply_submit: "Gửi trả lời",
    officer_title: "Kiểm duyệt đánh giá",
    officer_intro: "Đánh giá mới về sản phẩm của các cơ sở trong xã. Ẩn một đánh giá cần ghi lý do; lý do được lưu và ghi nhật ký.",
    reason_label: "Lý do ẩn",
    hide_submit: "Ẩn đánh giá",
    status_hidden: "Đã ẩn",
    product: "Sản phẩm",
    more: |n| format!("Xem thêm ({n} đánh giá nữa)"),
    refusal: |r| match r {
        ReviewRefusal::Stars => "Hãy chọn từ 1 đến 5 sao.",
        ReviewRefusal::Text => "Nhận xét quá dài hoặc có ký tự không hợp lệ.",
        ReviewRefusal::TooManyPhotos => "Mỗi đánh giá có tối đa 3 ảnh.",
        ReviewRefusal::NotBuyer => "Chỉ người mua đơn hàng này mới đánh giá được.",
        ReviewRefusal::NotDelivered => {
            "Đơn hàng chưa giao xong: bạn đánh giá được sau khi nhận hàng."
        }
        ReviewRefusal::AlreadyReviewed => "Sản phẩm này trong đơn đã được đánh giá.",
        ReviewRefusal::Reply => "Hãy viết câu trả lời (tối đa 1000 ký tự).",
        ReviewRefusal::ReplyExists => "Đánh giá này đã được trả lời.",
        ReviewRefusal::Reason => "Hãy ghi lý do ẩn (tối đa 500 ký tự).",
        ReviewRefusal::AlreadyHidden => "Đánh giá này đã bị ẩn.",
        ReviewRefusal::NotHidden => "Đánh giá này đang hiển thị.",
        ReviewRefusal::Photo => "Không nhận được ảnh: ảnh quá lớn, hỏng hoặc không đúng định dạng.",
    },
};

static EN: ReviewTexts = ReviewTexts {
    heading: "Buyers' reviews",
    none: "No reviews yet.",
    count: |n| format!("{n} review{}", if n == 1 { "" } else { "s" }),
    stars_label: |n| format!("{n} out of 5 stars"),
    verified: "Verified purchase",
    reply_from: |p| format!("Reply from {p}"),
    review_line: "Review",
    stars_legend: "Stars",
    text_label: "Your review (optional)",
    text_hint: "Up to 2000 characters.",
    photos_label: "Photos (up to 3)",
    photos_hint: "JPEG, PNG or WebP; location data in photos is removed.",
    submit: "Send review",
    yours: "Your review",
    hidden_because: |r| format!("An officer hid this review. Reason: {r}"),
    reviewed: "Thank you for your review.",
    replied: "Reply sent.",
    hidden: "Review hidden.",
    seller_title: "Product reviews",
    seller_intro: "Buyers' reviews of your products. Each review may be answered once.",
    reply_label: "Reply",
    reply_submit: "Send reply",
    officer_title: "Review moderation",
    officer_intro: "Recent reviews of products from your communes' producers. Hiding a review needs a reason, which is kept and logged.",
    reason_label: "Reason for hiding",
    hide_submit: "Hide review",
    status_hidden: "Hidden",
    product: "Product",
    more: |n| format!("See more ({n} more reviews)"),
    refusal: |r| match r {
        ReviewRefusal::Stars => "Choose from 1 to 5 stars.",
        ReviewRefusal::Text => "The review is too long or holds characters that are not allowed.",
        ReviewRefusal::TooManyPhotos => "A review holds up to 3 photos.",
        ReviewRefusal::NotBuyer => "Only the buyer of this order can review it.",
        ReviewRefusal::NotDelivered => {
            "The order has not been delivered yet: you can review it once it arrives."
        }
        ReviewRefusal::AlreadyReviewed => "This product of the order has been reviewed already.",
        ReviewRefusal::Reply => "Write a reply (up to 1000 characters).",
        ReviewRefusal::ReplyExists => "This review has been answered already.",
        ReviewRefusal::Reason => "Give a reason for hiding (up to 500 characters).",
        ReviewRefusal::AlreadyHidden => "This review is hidden already.",
        ReviewRefusal::NotHidden => "This review is shown.",
        ReviewRefusal::Photo => "A photo was not accepted: too large, damaged or not an image.",
    },
};

/// "★★★★☆" for four stars.
pub fn star_glyphs(stars: u8) -> String {
    let n = usize::from(stars.min(5));
    format!("{}{}", "★".repeat(n), "☆".repeat(5 - n))
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_hint_says_the_limit() {
        let limit = super::super::rules::TEXT_MAX.to_string();
        assert!(super::VI.text_hint.contains(&limit));
        assert!(super::EN.text_hint.contains(&limit));
    }
}
