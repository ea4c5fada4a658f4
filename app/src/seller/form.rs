//! What the producer's shop pages (`seller::page`, and the pages sharing its notice) and their
//! form handlers (`server::seller::forms`) share: the refusal reasons the handlers send
//! back in `?loi=`. Both sides use this type, so a reason one side does not know does not compile.

use serde::{Deserialize, Serialize};

use crate::{
    pages::refusal::Refusal,
    seller::rules::{ListingError, ListingTransitionError},
};

/// The producer's delivery table as typed on `/ban-hang/giao-hang`: one amount per field.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryFields {
    pub producer_id: String,
    pub same_first: String,
    pub same_next: String,
    pub near_first: String,
    pub near_next: String,
    pub far_first: String,
    pub far_next: String,
    #[serde(default)]
    pub free_over: String,
}

/// Why a listing form was refused. Serialised as the query the form goes back with: `loi=<code>`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "loi", rename_all = "snake_case")]
pub enum ListingRefusal {
    Name,
    Group,
    Description,
    Gtin,
    GtinTaken,
    Label,
    LabelTaken,
    Unit,
    Weight,
    Price,
    Stock,
    Fee,
    FreeOver,
    Reach,
    NoVariant,
    ListingState,
    Reason,
    PhotoSize,
    PhotoFormat,
    PhotoPixels,
    PhotoCorrupt,
    PhotoAlt,
    /// The producer's legal identity is incomplete: a listing cannot go for review yet.
    SellerIdentity,
    /// The form named something that does not exist (a product group, a producer) or asked for
    /// something no button sends.
    Invalid,
    /// No handler sends it any more; links already carrying it read as they always did.
    Commune,
    /// A code no listing handler sends: a URL typed by hand, or another form's code that the
    /// pages sharing the notice did not recognise first. Read as the generic text.
    #[serde(other)]
    Unknown,
}

impl Refusal for ListingRefusal {
    /// A code no listing handler sends reads as the generic text.
    fn unknown() -> Option<Self> {
        Some(ListingRefusal::Unknown)
    }
}

impl From<ListingError> for ListingRefusal {
    fn from(e: ListingError) -> Self {
        match e {
            ListingError::Name => ListingRefusal::Name,
            ListingError::Group => ListingRefusal::Group,
            ListingError::Description => ListingRefusal::Description,
            ListingError::Gtin => ListingRefusal::Gtin,
            ListingError::Label => ListingRefusal::Label,
            ListingError::Fee => ListingRefusal::Fee,
            ListingError::FreeOver => ListingRefusal::FreeOver,
            ListingError::Reach => ListingRefusal::Reach,
            ListingError::Unit => ListingRefusal::Unit,
            ListingError::Weight => ListingRefusal::Weight,
            ListingError::Price => ListingRefusal::Price,
            ListingError::Stock => ListingRefusal::Stock,
        }
    }
}

impl From<ListingTransitionError> for ListingRefusal {
    fn from(e: ListingTransitionError) -> Self {
        match e {
            ListingTransitionError::NotFrom => ListingRefusal::ListingState,
            ListingTransitionError::NoVariant => ListingRefusal::NoVariant,
            ListingTransitionError::ReasonMissing => ListingRefusal::Reason,
            ListingTransitionError::SellerIdentity => ListingRefusal::SellerIdentity,
        }
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;
    use crate::pages::refusal::{assert_each_round_trips, read};
    use crate::{i18n::Locale, seller::texts::SellerTexts};

    /// Every reason's code.
    fn code(refusal: ListingRefusal) -> &'static str {
        // No catch-all: a new reason stops this compiling; add its code to `QUERIES` too.
        use ListingRefusal::*;
        match refusal {
            Name => "name",
            Group => "group",
            Description => "description",
            Gtin => "gtin",
            GtinTaken => "gtin_taken",
            Label => "label",
            LabelTaken => "label_taken",
            Unit => "unit",
            Weight => "weight",
            Price => "price",
            Stock => "stock",
            Fee => "fee",
            FreeOver => "free_over",
            Reach => "reach",
            NoVariant => "no_variant",
            ListingState => "listing_state",
            Reason => "reason",
            PhotoSize => "photo_size",
            PhotoFormat => "photo_format",
            PhotoPixels => "photo_pixels",
            PhotoCorrupt => "photo_corrupt",
            PhotoAlt => "photo_alt",
            SellerIdentity => "seller_identity",
            Invalid => "invalid",
            Commune => "commune",
            Unknown => "unknown",
        }
    }

    /// One query per reason: the codes the pages already link to.
    const QUERIES: [&str; 26] = [
        "loi=seller_identity",
        "loi=fee",
        "loi=free_over",
        "loi=reach",
        "loi=name",
        "loi=group",
        "loi=description",
        "loi=gtin",
        "loi=gtin_taken",
        "loi=label",
        "loi=label_taken",
        "loi=unit",
        "loi=weight",
        "loi=price",
        "loi=stock",
        "loi=no_variant",
        "loi=listing_state",
        "loi=reason",
        "loi=photo_size",
        "loi=photo_format",
        "loi=photo_pixels",
        "loi=photo_corrupt",
        "loi=photo_alt",
        "loi=invalid",
        "loi=commune",
        "loi=unknown",
    ];

    fn refusal_in(query: &str) -> Option<ListingRefusal> {
        read(query)
    }

    #[test]
    fn every_refusal_round_trips_through_its_url_code_and_has_texts() {
        assert_each_round_trips(
            &QUERIES,
            |r| code(*r),
            |r, locale| (SellerTexts::of(locale).error)(*r).to_owned(),
        );
    }

    #[test]
    fn the_domain_errors_keep_their_codes() {
        use ListingError as E;
        for (e, c) in [
            (E::Name, "name"),
            (E::Group, "group"),
            (E::Description, "description"),
            (E::Gtin, "gtin"),
            (E::Label, "label"),
            (E::Unit, "unit"),
            (E::Weight, "weight"),
            (E::Price, "price"),
            (E::Stock, "stock"),
            (E::Fee, "fee"),
            (E::FreeOver, "free_over"),
            (E::Reach, "reach"),
        ] {
            assert_eq!(ListingRefusal::from(e).query(), format!("loi={c}"));
        }
        use ListingTransitionError as T;
        for (e, c) in [
            (T::NotFrom, "listing_state"),
            (T::NoVariant, "no_variant"),
            (T::ReasonMissing, "reason"),
        ] {
            assert_eq!(ListingRefusal::from(e).query(), format!("loi={c}"));
        }
    }

    #[test]
    fn an_unknown_code_reads_as_unknown_with_the_generic_text_and_none_as_none() {
        for query in ["loi=nonsense", "loi=cert_stars&x=1", "loi="] {
            assert_eq!(refusal_in(query), Some(ListingRefusal::Unknown), "{query}");
        }
        assert_eq!(
            refusal_in("loi=gtin&ok=1&ten=a"),
            Some(ListingRefusal::Gtin),
            "other parameters are ignored"
        );
        assert_eq!(refusal_in("ok=1"), None);
        assert_eq!(
            (SellerTexts::of(Locale::Vi).error)(ListingRefusal::Unknown),
            "Không lưu được. Hãy kiểm tra lại."
        );
    }
}
