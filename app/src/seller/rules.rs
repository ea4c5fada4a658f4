//! What a producer types to list a product and its variants, checked before it is stored, and
//! how a listing moves between draft, review, sale and archive.

use crate::{
    diary::gs1::Gtin,
    domain::{
        money::Vnd,
        product::{ProductStatus, SaleUnit},
    },
    seller::form::DeliveryFields,
    shop::rules::shipping::{ShippingTable, ZoneFee},
};

/// A checked product form. It has no commune: a product's commune is its producer's, so the
/// commune's officer who approved the producer moderates its products and may crown them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProductInput {
    pub name_vi: String,
    pub name_en: String,
    pub group_code: String,
    pub description_vi: String,
    pub description_en: String,
    pub gtin: Option<Gtin>,
}

/// A checked variant form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VariantInput {
    pub label_vi: String,
    pub unit: SaleUnit,
    pub net_weight_g: Option<i64>,
    pub price: Vnd,
    pub stock: i64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ListingError {
    #[error("write the product's name (2 to 120 characters)")]
    Name,
    #[error("choose the OCOP product group")]
    Group,
    #[error("the description is too long (at most 5,000 characters)")]
    Description,
    #[error("the GTIN's digits or check digit are wrong")]
    Gtin,
    #[error("write the variant's name, e.g. 'Túi 1 kg'")]
    Label,
    #[error("choose how the variant is sold")]
    Unit,
    #[error(
        "write the net weight, a whole number of grams from 1 to 1,000,000: delivery fees depend on it"
    )]
    Weight,
    #[error("write the price in whole dong, e.g. 85.000")]
    Price,
    #[error("stock is a whole number from 0 to 1,000,000")]
    Stock,
    #[error("each delivery fee is a whole number of dong, e.g. 25.000 (0 for free)")]
    Fee,
    #[error("free delivery starts at a positive order value, or leave it empty")]
    FreeOver,
    #[error("choose how far the product may be delivered")]
    Reach,
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn within(text: &str, min: usize, max: usize) -> bool {
    (min..=max).contains(&text.chars().count())
}

/// A name or label that must say something: `min` to `max` characters, one of them visible.
fn named(text: &str, min: usize, max: usize) -> bool {
    within(text, min, max) && crate::domain::text::has_visible(text)
}

/// Checks a product form's fields.
pub fn product_input(
    name_vi: &str,
    name_en: &str,
    group_code: &str,
    description_vi: &str,
    description_en: &str,
    gtin: &str,
) -> Result<ProductInput, ListingError> {
    let name_vi = one_line(name_vi);
    if !named(&name_vi, 2, 120) {
        return Err(ListingError::Name);
    }
    let name_en = one_line(name_en);
    if !within(&name_en, 0, 120) {
        return Err(ListingError::Name);
    }
    let group_code = group_code.trim().to_owned();
    if group_code.is_empty() || group_code.len() > 50 {
        return Err(ListingError::Group);
    }
    let (description_vi, description_en) = (description_vi.trim(), description_en.trim());
    if !within(description_vi, 0, 5000) || !within(description_en, 0, 5000) {
        return Err(ListingError::Description);
    }
    let gtin = match gtin.trim() {
        "" => None,
        text => Some(Gtin::parse(text).map_err(|_| ListingError::Gtin)?),
    };
    Ok(ProductInput {
        name_vi,
        name_en,
        group_code,
        description_vi: description_vi.to_owned(),
        description_en: description_en.to_owned(),
        gtin,
    })
}

/// The most of one variant a producer may declare in stock.
pub const MAX_STOCK: i64 = 1_000_000;

/// Checks a variant form's fields (price as typed: `85000`, `85.000`, `85.000 ₫`).
pub fn variant_input(
    label_vi: &str,
    unit: &str,
    net_weight_g: &str,
    price: &str,
    stock: &str,
) -> Result<VariantInput, ListingError> {
    let label_vi = one_line(label_vi);
    if !named(&label_vi, 1, 80) {
        return Err(ListingError::Label);
    }
    let unit = SaleUnit::parse(unit.trim()).ok_or(ListingError::Unit)?;
    let net_weight_g = match net_weight_g.trim() {
        "" => None,
        text => match text.parse::<i64>() {
            Ok(g) if (1..=1_000_000).contains(&g) => Some(g),
            _ => return Err(ListingError::Weight),
        },
    };
    let price = Vnd::parse(price).map_err(|_| ListingError::Price)?;
    if price == Vnd::ZERO {
        return Err(ListingError::Price);
    }
    let stock = match stock.trim().parse::<i64>() {
        Ok(s) if (0..=MAX_STOCK).contains(&s) => s,
        _ => return Err(ListingError::Stock),
    };
    // Delivery is charged by weight: only goods sold by the kilogram say what they weigh.
    if net_weight_g.is_none() && unit != SaleUnit::Kg {
        return Err(ListingError::Weight);
    }
    Ok(VariantInput {
        label_vi,
        unit,
        net_weight_g,
        price,
        stock,
    })
}

/// Checks a producer's delivery table as typed (amounts as people write them: `25000`,
/// `25.000 ₫`); an empty free-shipping value means none.
pub fn delivery_input(f: &DeliveryFields) -> Result<ShippingTable, ListingError> {
    let fee = |text: &str| Vnd::parse(text).map_err(|_| ListingError::Fee);
    let zone = |first: &str, next: &str| -> Result<ZoneFee, ListingError> {
        Ok(ZoneFee {
            first_500g: fee(first)?,
            next_500g: fee(next)?,
        })
    };
    let free_over = match f.free_over.trim() {
        "" => None,
        text => match Vnd::parse(text) {
            Ok(v) if v > Vnd::ZERO => Some(v),
            _ => return Err(ListingError::FreeOver),
        },
    };
    Ok(ShippingTable {
        same_province: zone(&f.same_first, &f.same_next)?,
        neighbouring: zone(&f.near_first, &f.near_next)?,
        country: zone(&f.far_first, &f.far_next)?,
        free_over,
    })
}

/// A change of a listing's status.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ListingAction {
    /// The producer asks the commune officer to review it.
    Publish,
    /// The officer puts it on sale.
    Approve,
    /// The officer refuses it, saying why (the producer sees the reason).
    Reject {
        reason: String,
    },
    /// The producer takes it off sale; it can be brought back as a draft.
    Archive,
    Restore,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ListingTransitionError {
    #[error("a listing in this state cannot be changed this way")]
    NotFrom,
    #[error("add at least one variant with a price before publishing")]
    NoVariant,
    #[error("say why the listing is refused")]
    ReasonMissing,
    /// The producer's legal identity is incomplete (checked by the caller, with the database).
    #[error("give the seller's legal identity before sending a listing for review")]
    SellerIdentity,
}

/// The status `action` leads to, given how many active variants the listing has.
pub fn next_listing_status(
    from: ProductStatus,
    action: &ListingAction,
    variants: usize,
) -> Result<ProductStatus, ListingTransitionError> {
    use ProductStatus::*;
    match (from, action) {
        (Draft | Rejected, ListingAction::Publish) if variants == 0 => {
            Err(ListingTransitionError::NoVariant)
        }
        (Draft | Rejected, ListingAction::Publish) => Ok(Pending),
        (Pending, ListingAction::Approve) => Ok(Approved),
        (Pending | Approved, ListingAction::Reject { reason }) => {
            if reason.trim().is_empty() || reason.chars().count() > 500 {
                Err(ListingTransitionError::ReasonMissing)
            } else {
                Ok(Rejected)
            }
        }
        (Draft | Pending | Approved | Rejected, ListingAction::Archive) => Ok(Archived),
        (Archived, ListingAction::Restore) => Ok(Draft),
        _ => Err(ListingTransitionError::NotFrom),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn product_forms() {
        let ok = product_input(" Tương  Bần ", "", "food", "Ngon", "", "").unwrap();
        assert_eq!(ok.name_vi, "Tương Bần");
        assert_eq!(ok.gtin, None);
        assert_eq!(
            product_input("T", "", "food", "", "", ""),
            Err(ListingError::Name)
        );
        assert_eq!(
            product_input("Tương Bần", "", "", "", "", ""),
            Err(ListingError::Group)
        );
        assert_eq!(
            product_input("Tương Bần", "", "food", "", "", "08936045120003"),
            Err(ListingError::Gtin)
        );
        assert!(
            product_input("Tương Bần", "", "food", "", "", "8936045120002")
                .unwrap()
                .gtin
                .is_some()
        );
        assert_eq!(
            product_input("Tương Bần", "", "food", &"x".repeat(5001), "", ""),
            Err(ListingError::Description)
        );
    }

    #[test]
    fn variant_forms() {
        let v = variant_input("Chai 500 ml", "bottle", "500", "35.000 ₫", "12").unwrap();
        assert_eq!(v.price.dong(), 35_000);
        assert_eq!(v.net_weight_g, Some(500));
        assert_eq!(
            variant_input("", "bottle", "", "1", "1"),
            Err(ListingError::Label)
        );
        assert_eq!(
            variant_input("x", "litre", "", "1", "1"),
            Err(ListingError::Unit)
        );
        assert_eq!(
            variant_input("x", "kg", "0", "1", "1"),
            Err(ListingError::Weight)
        );
        assert_eq!(
            variant_input("x", "kg", "", "12,5", "1"),
            Err(ListingError::Price)
        );
        assert_eq!(
            variant_input("x", "kg", "", "0", "1"),
            Err(ListingError::Price)
        );
        assert_eq!(
            variant_input("x", "kg", "", "1000", "-1"),
            Err(ListingError::Stock)
        );
        // Delivery is priced by weight: a box must say what it weighs; a kilogram does.
        assert_eq!(
            variant_input("Hộp", "box", "", "1000", "1"),
            Err(ListingError::Weight)
        );
        assert_eq!(
            variant_input("1 kg", "kg", "", "1000", "1").map(|v| v.net_weight_g),
            Ok(None)
        );
    }

    #[test]
    fn delivery_tables_as_typed() {
        let fields = DeliveryFields {
            producer_id: "p".into(),
            same_first: "18.000".into(),
            same_next: "2 500".into(),
            near_first: "25000".into(),
            near_next: "3.500 ₫".into(),
            far_first: "35,000".into(),
            far_next: "0".into(),
            free_over: " ".into(),
        };
        let t = delivery_input(&fields).unwrap();
        assert_eq!(t.same_province.next_500g.dong(), 2_500);
        assert_eq!(t.country.next_500g, Vnd::ZERO);
        assert_eq!(t.free_over, None);
        let bad = |change: fn(&mut DeliveryFields), e| {
            let mut f = fields.clone();
            change(&mut f);
            assert_eq!(delivery_input(&f), Err(e));
        };
        bad(|f| f.near_first = "".into(), ListingError::Fee);
        bad(|f| f.far_next = "-1".into(), ListingError::Fee);
        bad(|f| f.same_first = "mười nghìn".into(), ListingError::Fee);
        bad(|f| f.free_over = "0".into(), ListingError::FreeOver);
        bad(|f| f.free_over = "abc".into(), ListingError::FreeOver);
    }

    #[test]
    fn listing_life() {
        use ProductStatus::*;
        assert_eq!(
            next_listing_status(Draft, &ListingAction::Publish, 0),
            Err(ListingTransitionError::NoVariant)
        );
        assert_eq!(
            next_listing_status(Draft, &ListingAction::Publish, 1),
            Ok(Pending)
        );
        assert_eq!(
            next_listing_status(Pending, &ListingAction::Approve, 1),
            Ok(Approved)
        );
        assert_eq!(
            next_listing_status(Pending, &ListingAction::Reject { reason: " ".into() }, 1),
            Err(ListingTransitionError::ReasonMissing)
        );
        assert_eq!(
            next_listing_status(
                Pending,
                &ListingAction::Reject {
                    reason: "Thiếu ảnh".into()
                },
                1
            ),
            Ok(Rejected)
        );
        assert_eq!(
            next_listing_status(Rejected, &ListingAction::Publish, 1),
            Ok(Pending)
        );
        assert_eq!(
            next_listing_status(Approved, &ListingAction::Archive, 1),
            Ok(Archived)
        );
        assert_eq!(
            next_listing_status(Archived, &ListingAction::Restore, 1),
            Ok(Draft)
        );
        assert_eq!(
            next_listing_status(Draft, &ListingAction::Approve, 1),
            Err(ListingTransitionError::NotFrom)
        );
    }
}
