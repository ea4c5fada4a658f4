//! What a lot's traceability page, the lot API and the farmer's diary screens show: read models
//! filled on the server by `trace_storage` and `storage`.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::catalog::model::{CommuneRef, PhotoRef};

/// Everything a buyer sees after scanning a lot's QR code.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct LotTrace {
    pub lot: LotFacts,
    /// The lot's public address: the GS1 Digital Link path when the product has a GTIN.
    pub path: String,
    /// The product it is sold as, when that product is public.
    pub product: Option<TracedProduct>,
    pub producer: TracedProducer,
    pub plot: PlotFacts,
    /// The season's diary for this lot, oldest first: the plot's entries since the previous
    /// harvest, and the entries recorded for this lot.
    pub timeline: Vec<TimelineEntry>,
    pub phi: PhiStatus,
    /// The commune officer's stamp on the season as it now stands.
    pub verification: Option<Verification>,
    /// A stamp that a later correction of the season cleared (the lot awaits a new one);
    /// absent once the lot is verified again.
    pub cleared_verification: Option<ClearedVerification>,
    /// The plot's whole hash chain, recomputed for this response.
    pub chain: ChainView,
    /// The chain's head now and the heads seen earlier (stamp, label), compared with it.
    pub anchors: AnchorsView,
    /// The lot's recall (`diary::recall`), when it was recalled: why, when, whom to contact.
    pub recall: Option<crate::diary::recall::LotRecall>,
}

/// The chain heads kept outside the rows (`diary::anchors`), as a lot's page compares them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AnchorsView {
    /// The plot's head now as a label prints it (`{seq}-{12 hex}`); none for an empty diary.
    pub head_digest: Option<String>,
    /// The entry the officer's stamp saw as the head, and whether it still has that hash.
    pub stamp: Option<AnchorCheck>,
    /// The label's digest this page was opened with (`?c=`), and whether it still holds.
    pub label: Option<AnchorCheck>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AnchorCheck {
    pub seq: i64,
    /// False: that entry's hash changed, or it is gone; the chain was rewritten since.
    pub holds: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct LotFacts {
    pub id: String,
    pub code: String,
    /// "growing", "harvested", "on_sale", "sold_out" or "recalled".
    pub status: String,
    #[cfg_attr(feature = "ssr", schema(value_type = Option<String>, format = Date))]
    pub harvested_on: Option<NaiveDate>,
    pub quantity_kg: Option<i64>,
    pub grade: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TracedProduct {
    pub slug: String,
    pub name: String,
    pub variant: Option<String>,
    pub gtin: Option<String>,
    pub gi_name: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TracedProducer {
    pub slug: String,
    pub name: String,
    pub kind: String,
    pub commune: CommuneRef,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PlotFacts {
    pub id: String,
    pub name: String,
    pub crop: String,
    pub area_m2: Option<i64>,
    pub growing_area_code: Option<String>,
    pub commune: CommuneRef,
}

/// One diary entry as shown, corrections linked both ways.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TimelineEntry {
    pub id: String,
    /// Position in the plot's chain (1, 2, …).
    pub seq: i64,
    /// planting, fertilising, spraying, irrigation, pruning, flower_induction, fruit_bagging,
    /// observation, lab_test, harvest or packing.
    pub kind: String,
    #[cfg_attr(feature = "ssr", schema(value_type = String, format = Date))]
    pub occurred_on: NaiveDate,
    pub input_name: Option<String>,
    /// Active ingredient of a spraying; N-P-K of a fertiliser.
    pub active_ingredient: Option<String>,
    pub target: Option<String>,
    pub dose: Option<String>,
    pub phi_days: Option<i64>,
    /// Where a spraying's interval came from: `label` (typed) or `register` (left blank and
    /// filled in from the plant-protection register).
    pub phi_source: Option<String>,
    /// What the plant-protection register said about a spraying when it was recorded; shown to
    /// the producer's people and the commune's officers (left out for everyone else).
    pub register: Option<RegisterNote>,
    pub quantity_kg: Option<i64>,
    pub note: String,
    /// The lot code when the entry was recorded for a lot.
    pub lot_code: Option<String>,
    /// The `seq` of the entry this one corrects.
    pub corrects_seq: Option<i64>,
    /// The `seq` of the later entry that corrects this one: its values no longer count.
    pub corrected_by_seq: Option<i64>,
    /// When it was written down (UTC, RFC 3339): entries written long after the fact show it.
    pub recorded_at: String,
    pub photos: Vec<PhotoRef>,
}

/// A spraying read against the plant-protection register's permitted list for its plot's crop.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RegisterNote {
    /// `registered`; `unregistered` (an ingredient is not among the crop's entries: a
    /// warning); `crop_not_listed` (the register has no entries for the crop).
    pub status: String,
    /// The plot's crop, as the plot names it.
    pub crop: String,
    /// The ingredients not registered for the crop, as typed.
    pub unregistered: Vec<String>,
}

/// The pre-harvest interval rule as it applies to a lot or plot.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PhiStatus {
    /// The spraying whose interval ends last, if any spraying counts.
    pub binding_spraying: Option<SprayingView>,
    /// The first day harvesting is allowed (`None`: no spraying limits it).
    #[cfg_attr(feature = "ssr", schema(value_type = Option<String>, format = Date))]
    pub safe_from: Option<NaiveDate>,
    /// For a harvested lot: whether it was harvested on or after `safe_from`.
    pub respected: Option<bool>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SprayingView {
    pub seq: i64,
    pub product_name: String,
    #[cfg_attr(feature = "ssr", schema(value_type = String, format = Date))]
    pub sprayed_on: NaiveDate,
    pub phi_days: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Verification {
    pub officer_name: String,
    #[cfg_attr(feature = "ssr", schema(value_type = String, format = Date))]
    pub verified_on: NaiveDate,
}

/// An officer's stamp given before the farmer corrected the season.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ClearedVerification {
    pub officer_name: String,
    #[cfg_attr(feature = "ssr", schema(value_type = String, format = Date))]
    pub verified_on: NaiveDate,
    /// The day the correction cleared the stamp.
    #[cfg_attr(feature = "ssr", schema(value_type = String, format = Date))]
    pub corrected_on: NaiveDate,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ChainView {
    pub intact: bool,
    pub entries: i64,
    /// The first entry that no longer matches its stored hash.
    pub broken_at_seq: Option<i64>,
}

impl From<crate::diary::rules::ChainStatus> for ChainView {
    fn from(s: crate::diary::rules::ChainStatus) -> Self {
        use crate::diary::rules::ChainStatus;
        match s {
            ChainStatus::Intact { entries } => ChainView {
                intact: true,
                entries: entries as i64,
                broken_at_seq: None,
            },
            ChainStatus::Broken { seq } => ChainView {
                intact: false,
                entries: 0,
                broken_at_seq: Some(seq),
            },
        }
    }
}

/// A farmer's plot with its lots, for the diary screens.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PlotSummary {
    pub id: String,
    pub name: String,
    pub crop: String,
    pub producer_name: String,
    pub lots: Vec<LotLine>,
    /// Today, or the first safe day after the last spraying.
    pub safe_from: Option<NaiveDate>,
    pub entries: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LotLine {
    pub id: String,
    pub code: String,
    pub status: String,
    pub harvested_on: Option<NaiveDate>,
    pub variant: Option<String>,
    pub path: String,
    /// The units it goes on sale with unless the farmer types others (sold as a variant
    /// whose units can be worked out from the harvest).
    pub default_units: Option<i64>,
    /// Units still on sale (none: never put on sale with units).
    pub units_left: Option<i64>,
}

/// One plot's diary screen.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PlotDiary {
    pub plot: PlotSummary,
    pub facts: PlotFacts,
    pub entries: Vec<TimelineEntry>,
    pub phi: PhiStatus,
    pub chain: ChainView,
    /// The producer's product variants a new lot can be sold as: (id, label).
    pub variants: Vec<(String, String)>,
}
