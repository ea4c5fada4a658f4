//! What a review may say and how it moves: stars 1–5, a bounded text, at most three photos,
//! one review per order line, one reply from the producer, hidden by an officer with a reason.
//! Pure: the handlers parse with these types at the boundary, storage applies them.

use serde::{Deserialize, Serialize};

use crate::text_enum;

/// Photos one review may carry.
pub const MAX_PHOTOS: usize = 3;
/// Characters of a review's text.
pub const TEXT_MAX: usize = 2000;
/// Characters of the producer's reply.
pub const REPLY_MAX: usize = 1000;
/// Characters of an officer's reason for hiding a review.
pub const REASON_MAX: usize = 500;

text_enum! {
    /// Why a review, a reply or a hide was refused (the page's `loi_dg` code).
    pub enum ReviewRefusal {
        /// The stars are not a whole number from 1 to 5.
        Stars = "sao",
        /// The text is too long or holds hidden characters.
        Text = "noi-dung",
        /// More than three photos.
        TooManyPhotos = "qua-nhieu-anh",
        /// The line is not in an order this account placed.
        NotBuyer = "khong-phai-nguoi-mua",
        /// The order has not been delivered.
        NotDelivered = "chua-giao",
        /// This line has been reviewed already.
        AlreadyReviewed = "da-danh-gia",
        /// A reply that is empty, too long or with hidden characters.
        Reply = "tra-loi",
        /// The producer has replied already.
        ReplyExists = "da-tra-loi",
        /// Hiding needs a reason (bounded).
        Reason = "ly-do",
        /// The review is hidden already (or shown already, for unhiding).
        AlreadyHidden = "da-an",
        NotHidden = "chua-an",
        /// A photo the pipeline refused (size, format, pixels, corrupt).
        Photo = "anh",
    }
}

/// A review's stars, 1 to 5.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Stars(u8);

impl Stars {
    /// Stars as a form sends them ("1" … "5").
    pub fn parse(text: &str) -> Result<Stars, ReviewRefusal> {
        text.trim()
            .parse::<i64>()
            .map_err(|_| ReviewRefusal::Stars)
            .and_then(Stars::from_number)
    }

    pub fn from_number(n: i64) -> Result<Stars, ReviewRefusal> {
        match n {
            1..=5 => Ok(Stars(n as u8)),
            _ => Err(ReviewRefusal::Stars),
        }
    }

    pub fn get(self) -> u8 {
        self.0
    }
}

/// Trims `text`; refuses hidden characters, more than `max` characters, and (when `required`)
/// a text that shows nothing.
fn bounded(text: &str, max: usize, required: bool) -> Option<String> {
    if crate::domain::text::hidden(text).is_some() {
        return None;
    }
    let text = text.trim();
    if text.chars().count() > max || (required && !crate::domain::text::has_visible(text)) {
        return None;
    }
    Some(text.to_owned())
}

/// A review's text: optional, at most [`TEXT_MAX`] characters, no hidden characters.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewText(String);

impl ReviewText {
    pub fn parse(text: &str) -> Result<ReviewText, ReviewRefusal> {
        bounded(text, TEXT_MAX, false)
            .map(ReviewText)
            .ok_or(ReviewRefusal::Text)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The producer's reply: required, at most [`REPLY_MAX`] characters.
pub fn parse_reply(text: &str) -> Result<String, ReviewRefusal> {
    bounded(text, REPLY_MAX, true).ok_or(ReviewRefusal::Reply)
}

/// An officer's reason for hiding: required, at most [`REASON_MAX`] characters.
pub fn parse_reason(text: &str) -> Result<String, ReviewRefusal> {
    bounded(text, REASON_MAX, true).ok_or(ReviewRefusal::Reason)
}

/// A new review as the buyer's form sent it, checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewReview {
    pub stars: Stars,
    pub text: ReviewText,
    pub photos: usize,
}

impl NewReview {
    pub fn parse(stars: &str, text: &str, photos: usize) -> Result<NewReview, ReviewRefusal> {
        let stars = Stars::parse(stars)?;
        let text = ReviewText::parse(text)?;
        if photos > MAX_PHOTOS {
            return Err(ReviewRefusal::TooManyPhotos);
        }
        Ok(NewReview {
            stars,
            text,
            photos,
        })
    }
}

/// What is known of an order line when its buyer asks to review it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LineFacts {
    /// The asking account placed the order.
    pub is_buyer: bool,
    /// The order's status is `delivered`.
    pub delivered: bool,
    /// The line has a review already.
    pub reviewed: bool,
}

/// Whether the line may be reviewed now; the first reason it may not.
pub fn may_review(facts: LineFacts) -> Result<(), ReviewRefusal> {
    if !facts.is_buyer {
        Err(ReviewRefusal::NotBuyer)
    } else if !facts.delivered {
        Err(ReviewRefusal::NotDelivered)
    } else if facts.reviewed {
        Err(ReviewRefusal::AlreadyReviewed)
    } else {
        Ok(())
    }
}

text_enum! {
    /// Whether the public sees a review.
    pub enum ReviewStatus {
        Published = "published",
        Hidden = "hidden",
    }
}

/// An officer's decision on a review.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReviewEvent {
    Hide,
    Unhide,
}

/// The status after `event`, or why it does not apply.
pub fn next_status(
    status: ReviewStatus,
    event: ReviewEvent,
) -> Result<ReviewStatus, ReviewRefusal> {
    match (status, event) {
        (ReviewStatus::Published, ReviewEvent::Hide) => Ok(ReviewStatus::Hidden),
        (ReviewStatus::Hidden, ReviewEvent::Hide) => Err(ReviewRefusal::AlreadyHidden),
        (ReviewStatus::Hidden, ReviewEvent::Unhide) => Ok(ReviewStatus::Published),
        (ReviewStatus::Published, ReviewEvent::Unhide) => Err(ReviewRefusal::NotHidden),
    }
}

/// Whether the producer may reply: once.
pub fn may_reply(has_reply: bool) -> Result<(), ReviewRefusal> {
    if has_reply {
        Err(ReviewRefusal::ReplyExists)
    } else {
        Ok(())
    }
}

/// How a review's author is named in public: the given name (the last word of a Vietnamese
/// name) and the family name's initial, "Hoa N."; never the whole name, phone or email.
pub fn public_name(display_name: &str) -> String {
    // A deleted account's reviews stay (they are about the product), under no name.
    if display_name == crate::privacy::rules::ANONYMOUS_NAME {
        return display_name.to_owned();
    }
    let words: Vec<&str> = display_name.split_whitespace().collect();
    match words.as_slice() {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [first, .., last] => match first.chars().next() {
            Some(initial) => format!("{last} {}.", initial.to_uppercase()),
            None => (*last).to_owned(),
        },
    }
}

/// A product's published reviews in figures.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Rating {
    pub count: i64,
    /// The sum of the stars.
    pub total: i64,
}

impl Rating {
    /// The average, `None` without reviews.
    pub fn average(self) -> Option<f64> {
        (self.count > 0).then(|| self.total as f64 / self.count as f64)
    }

    /// The average with one decimal, the decimal mark given ("4,6" in Vietnamese).
    pub fn average_label(self, decimal_mark: char) -> Option<String> {
        self.average()
            .map(|a| format!("{a:.1}").replace('.', &decimal_mark.to_string()))
    }

    /// The average in hundredths (460 for 4.6), 0 without reviews: what search sorts by, rated
    /// products (100 and up) before the rest.
    pub fn sort_key(self) -> u32 {
        self.average().map_or(0, |a| (a * 100.0).round() as u32)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stars_are_one_to_five() {
        for n in 1..=5 {
            assert_eq!(Stars::parse(&n.to_string()).unwrap().get(), n as u8);
        }
        for bad in ["0", "6", "-1", "", "4.5", "năm", "99999999999999999999"] {
            assert_eq!(Stars::parse(bad), Err(ReviewRefusal::Stars), "{bad}");
        }
        assert_eq!(Stars::parse(" 3 ").unwrap().get(), 3);
    }

    #[test]
    fn text_is_bounded_and_clean() {
        assert_eq!(ReviewText::parse("  Ngon  ").unwrap().as_str(), "Ngon");
        assert_eq!(
            ReviewText::parse("").unwrap().as_str(),
            "",
            "text is optional"
        );
        assert!(ReviewText::parse(&"a".repeat(TEXT_MAX)).is_ok());
        assert_eq!(
            ReviewText::parse(&"a".repeat(TEXT_MAX + 1)),
            Err(ReviewRefusal::Text)
        );
        assert_eq!(ReviewText::parse("ng\u{200B}on"), Err(ReviewRefusal::Text));
        assert_eq!(ReviewText::parse("a\u{0}b"), Err(ReviewRefusal::Text));
        assert!(ReviewText::parse("Dòng một\nDòng hai").is_ok());
    }

    #[test]
    fn reply_and_reason_are_required() {
        assert_eq!(parse_reply("  "), Err(ReviewRefusal::Reply));
        assert_eq!(parse_reply("Cảm ơn anh chị").unwrap(), "Cảm ơn anh chị");
        assert_eq!(
            parse_reply(&"x".repeat(REPLY_MAX + 1)),
            Err(ReviewRefusal::Reply)
        );
        assert_eq!(parse_reason(""), Err(ReviewRefusal::Reason));
        assert_eq!(parse_reason("\u{301}"), Err(ReviewRefusal::Reason));
        assert_eq!(parse_reason("Quảng cáo").unwrap(), "Quảng cáo");
        assert_eq!(
            parse_reason(&"x".repeat(REASON_MAX + 1)),
            Err(ReviewRefusal::Reason)
        );
    }

    #[test]
    fn at_most_three_photos() {
        assert!(NewReview::parse("5", "", 3).is_ok());
        assert_eq!(
            NewReview::parse("5", "", 4),
            Err(ReviewRefusal::TooManyPhotos)
        );
        assert_eq!(NewReview::parse("0", "", 0), Err(ReviewRefusal::Stars));
    }

    #[test]
    fn only_the_buyer_of_a_delivered_line_reviews_it_once() {
        for is_buyer in [false, true] {
            for delivered in [false, true] {
                for reviewed in [false, true] {
                    let got = may_review(LineFacts {
                        is_buyer,
                        delivered,
                        reviewed,
                    });
                    let want = if !is_buyer {
                        Err(ReviewRefusal::NotBuyer)
                    } else if !delivered {
                        Err(ReviewRefusal::NotDelivered)
                    } else if reviewed {
                        Err(ReviewRefusal::AlreadyReviewed)
                    } else {
                        Ok(())
                    };
                    assert_eq!(got, want, "{is_buyer} {delivered} {reviewed}");
                }
            }
        }
    }

    #[test]
    fn every_status_and_event() {
        use ReviewEvent::*;
        use ReviewStatus::*;
        let table = [
            (Published, Hide, Ok(Hidden)),
            (Published, Unhide, Err(ReviewRefusal::NotHidden)),
            (Hidden, Hide, Err(ReviewRefusal::AlreadyHidden)),
            (Hidden, Unhide, Ok(Published)),
        ];
        for status in ReviewStatus::ALL {
            for event in [Hide, Unhide] {
                let want = table
                    .iter()
                    .find(|(s, e, _)| s == status && *e == event)
                    .map(|(_, _, w)| *w)
                    .unwrap();
                assert_eq!(next_status(*status, event), want);
            }
        }
        for s in ReviewStatus::ALL {
            assert_eq!(ReviewStatus::parse(s.as_str()), Some(*s));
        }
        for r in ReviewRefusal::ALL {
            assert_eq!(ReviewRefusal::parse(r.as_str()), Some(*r));
        }
    }

    #[test]
    fn one_reply() {
        assert_eq!(may_reply(false), Ok(()));
        assert_eq!(may_reply(true), Err(ReviewRefusal::ReplyExists));
    }

    #[test]
    fn public_names_show_the_given_name_and_an_initial() {
        assert_eq!(public_name("Nguyễn Thị Hoa"), "Hoa N.");
        assert_eq!(public_name("  Lan "), "Lan");
        assert_eq!(public_name("đỗ minh"), "minh Đ.");
        assert_eq!(public_name(""), "");
    }

    #[test]
    fn averages_with_one_decimal() {
        let r = Rating {
            count: 5,
            total: 23,
        };
        assert_eq!(r.average_label(','), Some("4,6".to_owned()));
        assert_eq!(r.average_label('.'), Some("4.6".to_owned()));
        assert_eq!(r.sort_key(), 460);
        let none = Rating::default();
        assert_eq!(none.average_label(','), None);
        assert_eq!(none.sort_key(), 0);
        assert_eq!(Rating { count: 1, total: 1 }.sort_key(), 100);
    }
}
