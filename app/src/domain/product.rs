//! Producers, listings and their variants.

use crate::text_enum;

text_enum! {
    /// The legal form of a producer, shown on every listing (OCOP requires it).
    pub enum ProducerKind {
        Household = "household",
        Cooperative = "cooperative",
        CooperativeGroup = "cooperative_group",
        Enterprise = "enterprise",
    }
}

text_enum! {
    pub enum ProducerStatus {
        Pending = "pending",
        Active = "active",
        Rejected = "rejected",
        Suspended = "suspended",
    }
}

text_enum! {
    /// A listing's life: a farmer drafts it, submits it, the commune officer decides.
    pub enum ProductStatus {
        Draft = "draft",
        Pending = "pending",
        Approved = "approved",
        Rejected = "rejected",
        Archived = "archived",
    }
}

text_enum! {
    /// How a variant is sold.
    pub enum SaleUnit {
        Kg = "kg",
        Box = "box",
        Bottle = "bottle",
        Jar = "jar",
        Bird = "bird",
        Pack = "pack",
        Piece = "piece",
        /// Tours and other community-tourism services (OCOP group 6).
        Ticket = "ticket",
    }
}

impl ProductStatus {
    /// Only approved listings are shown to the public (and only for active producers).
    pub fn is_public(self) -> bool {
        self == ProductStatus::Approved
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_words_round_trip() {
        for s in ProductStatus::ALL {
            assert_eq!(ProductStatus::parse(s.as_str()), Some(*s));
        }
        for k in ProducerKind::ALL {
            assert_eq!(ProducerKind::parse(k.as_str()), Some(*k));
        }
        assert_eq!(SaleUnit::parse("tonne"), None);
        assert_eq!(
            serde_json::to_string(&ProducerKind::CooperativeGroup).unwrap(),
            "\"cooperative_group\""
        );
    }
}
