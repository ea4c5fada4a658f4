//! What the farm diary's pages and their form handlers (`server::diary::forms`) share:
//! the refusal reasons the handlers send back in `?loi=` and the fields of the entry form. Both
//! sides use these types, so a reason or a field one side does not know does not compile.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::{
    diary::rules::{EntryDraft, EntryKind},
    pages::refusal::{Refusal, from_pairs},
};

/// Why a diary form was refused. Serialised as the query the form goes back with: `loi=<code>`,
/// and for a pre-harvest interval the spraying (`thuoc`, `ngay_phun`) and first safe day
/// (`an_toan`), for a banned ingredient the ingredient (`hoat_chat`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "loi", rename_all = "snake_case")]
pub enum DiaryRefusal {
    /// A harvest inside a spraying's pre-harvest interval.
    Phi {
        #[serde(rename = "thuoc")]
        product_name: String,
        #[serde(rename = "ngay_phun")]
        sprayed_on: NaiveDate,
        #[serde(rename = "an_toan")]
        safe_from: NaiveDate,
    },
    LotCode,
    LotTaken,
    PlotTaken,
    NotHarvested,
    Correction,
    Future,
    Spraying,
    /// A spraying with an ingredient the plant-protection register bans, named as the register
    /// prints it (the page reads the document it cites from the register).
    Banned {
        #[serde(rename = "hoat_chat")]
        ingredient: String,
    },
    Harvest,
    PhotoSize,
    PhotoFormat,
    PhotoPixels,
    PhotoCorrupt,
    PhotoAlt,
    /// The units put on sale are missing (none can be worked out) or out of range.
    Units,
    /// A sold-out lot does not go on sale again.
    NotSellable,
    /// The lot was recalled: it cannot go on sale, nor be recalled again.
    Recalled,
    /// A recall without a reason, or with one too long.
    RecallReason,
    /// A recall of a lot not harvested yet.
    RecallNotHarvested,
    /// Anything else the farmer can fix by checking the form.
    Invalid,
}

impl Refusal for DiaryRefusal {
    /// A code or parameter the handlers never send (a URL typed by hand) reads as `Invalid`.
    fn unknown() -> Option<Self> {
        Some(DiaryRefusal::Invalid)
    }
}

/// What a recorded entry's confirmation adds to "saved", as the query the handler redirects
/// with: `ok=1`, then for a spraying the register noted, the entry (`ghi`), the interval filled
/// in from the register (`cach_ly`) and an unregistered ingredient (`chua_dang_ky=1`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Saved {
    pub seq: i64,
    pub phi_filled: Option<u32>,
    pub unregistered: bool,
}

impl Saved {
    /// The query, ready to follow `?`.
    pub fn query(&self) -> String {
        let mut q = "ok=1".to_owned();
        if self.phi_filled.is_none() && !self.unregistered {
            return q;
        }
        q.push_str(&format!("&ghi={}", self.seq));
        if let Some(days) = self.phi_filled {
            q.push_str(&format!("&cach_ly={days}"));
        }
        if self.unregistered {
            q.push_str("&chua_dang_ky=1");
        }
        q
    }

    /// The confirmation in a page's query; `None` without `ok` or without a note to add.
    pub fn from_query<'a>(pairs: impl Iterator<Item = (&'a str, &'a str)>) -> Option<Saved> {
        let mut saved = Saved::default();
        let mut ok = false;
        let mut seq = None;
        for (name, value) in pairs {
            match name {
                "ok" => ok = true,
                "ghi" => seq = value.parse().ok(),
                "cach_ly" => saved.phi_filled = value.parse().ok(),
                "chua_dang_ky" => saved.unregistered = value == "1",
                _ => {}
            }
        }
        saved.seq = seq?;
        (ok && (saved.phi_filled.is_some() || saved.unregistered)).then_some(saved)
    }
}

/// The names of the entry form's inputs, for the view; a unit test holds them to
/// [`EntryFields`]'s serialised names.
pub mod field {
    pub const KIND: &str = "kind";
    pub const OCCURRED_ON: &str = "occurred_on";
    pub const LOT_ID: &str = "lot_id";
    pub const INPUT_NAME: &str = "input_name";
    pub const ACTIVE_INGREDIENT: &str = "active_ingredient";
    pub const TARGET: &str = "target";
    pub const DOSE: &str = "dose";
    pub const PHI_DAYS: &str = "phi_days";
    pub const QUANTITY_KG: &str = "quantity_kg";
    pub const NOTE: &str = "note";
    pub const CORRECTS_ID: &str = "corrects_id";
    pub const TASK_ID: &str = "task_id";
}

/// The diary entry form as typed: what the handler receives, what a refusal echoes back in the
/// query (blank fields left out) and what the page fills the form with again, so the farmer
/// corrects one field instead of typing everything again. Absent fields read as blank.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct EntryFields {
    #[serde(skip_serializing_if = "blank")]
    pub kind: String,
    #[serde(skip_serializing_if = "blank")]
    pub occurred_on: String,
    #[serde(skip_serializing_if = "blank")]
    pub lot_id: String,
    #[serde(skip_serializing_if = "blank")]
    pub input_name: String,
    #[serde(skip_serializing_if = "blank")]
    pub active_ingredient: String,
    #[serde(skip_serializing_if = "blank")]
    pub target: String,
    #[serde(skip_serializing_if = "blank")]
    pub dose: String,
    #[serde(skip_serializing_if = "blank")]
    pub phi_days: String,
    #[serde(skip_serializing_if = "blank")]
    pub quantity_kg: String,
    #[serde(skip_serializing_if = "blank")]
    pub note: String,
    #[serde(skip_serializing_if = "blank")]
    pub corrects_id: String,
    /// The planned task (`care`) the entry records; not part of the entry itself.
    #[serde(skip_serializing_if = "blank")]
    pub task_id: String,
}

fn blank(text: &str) -> bool {
    text.trim().is_empty()
}

fn blank_to_none(text: &str) -> Option<&str> {
    Some(text.trim()).filter(|t| !t.is_empty())
}

impl EntryFields {
    /// The non-blank fields under their own names, ready to follow `?` or `&`.
    #[cfg(feature = "ssr")]
    pub fn query(&self) -> String {
        // Only strings: serialising cannot fail.
        serde_urlencoded::to_string(self).unwrap_or_default()
    }

    /// The fields a refusal echoed in a page's query (name, value); unknown names are ignored.
    pub fn from_query<'a>(pairs: impl Iterator<Item = (&'a str, &'a str)>) -> Self {
        from_pairs(pairs).unwrap_or_default()
    }

    /// The form as a draft; `None` when a number or date does not parse.
    pub fn draft(&self) -> Option<EntryDraft> {
        let text = |t: &str| blank_to_none(t).map(str::to_owned);
        let phi_days = match blank_to_none(&self.phi_days) {
            None => None,
            Some(d) => Some(d.parse::<u32>().ok()?),
        };
        let quantity_kg = match blank_to_none(&self.quantity_kg) {
            None => None,
            Some(q) => Some(q.parse::<i64>().ok()?),
        };
        let occurred_on = match blank_to_none(&self.occurred_on) {
            None => None,
            Some(d) => Some(NaiveDate::parse_from_str(d, "%Y-%m-%d").ok()?),
        };
        Some(EntryDraft {
            kind: EntryKind::parse(&self.kind),
            occurred_on,
            lot_id: text(&self.lot_id),
            input_name: text(&self.input_name),
            active_ingredient: text(&self.active_ingredient),
            target: text(&self.target),
            dose: text(&self.dose),
            phi_days,
            quantity_kg,
            note: self.note.trim().to_owned(),
            corrects_id: text(&self.corrects_id),
        })
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;
    use crate::diary::texts::refusal_text;
    use crate::pages::refusal::assert_each_round_trips;

    /// Every reason's code, in declaration order.
    fn code(refusal: &DiaryRefusal) -> &'static str {
        // No catch-all: a new reason stops this compiling; add its code to `QUERIES` too.
        use DiaryRefusal::*;
        match refusal {
            Phi { .. } => "phi",
            LotCode => "lot_code",
            LotTaken => "lot_taken",
            PlotTaken => "plot_taken",
            NotHarvested => "not_harvested",
            Correction => "correction",
            Future => "future",
            Spraying => "spraying",
            Banned { .. } => "banned",
            Harvest => "harvest",
            PhotoSize => "photo_size",
            PhotoFormat => "photo_format",
            PhotoPixels => "photo_pixels",
            PhotoCorrupt => "photo_corrupt",
            PhotoAlt => "photo_alt",
            Units => "units",
            NotSellable => "not_sellable",
            Recalled => "recalled",
            RecallReason => "recall_reason",
            RecallNotHarvested => "recall_not_harvested",
            Invalid => "invalid",
        }
    }

    /// The queries the handlers send, one per reason: the codes pages already link to.
    const QUERIES: [&str; 21] = [
        "loi=phi&thuoc=Regent+800WG+%26+co&ngay_phun=2026-05-01&an_toan=2026-05-08",
        "loi=lot_code",
        "loi=lot_taken",
        "loi=plot_taken",
        "loi=not_harvested",
        "loi=correction",
        "loi=future",
        "loi=spraying",
        "loi=banned&hoat_chat=Paraquat",
        "loi=harvest",
        "loi=photo_size",
        "loi=photo_format",
        "loi=photo_pixels",
        "loi=photo_corrupt",
        "loi=photo_alt",
        "loi=units",
        "loi=not_sellable",
        "loi=recalled",
        "loi=recall_reason",
        "loi=recall_not_harvested",
        "loi=invalid",
    ];

    fn parse(query: &str) -> Vec<(String, String)> {
        serde_urlencoded::from_str(query).unwrap()
    }

    fn pairs(parsed: &[(String, String)]) -> impl Iterator<Item = (&str, &str)> {
        parsed.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    #[test]
    fn every_refusal_round_trips_through_its_url_code_and_has_texts() {
        assert_each_round_trips(&QUERIES, code, |r, locale| {
            refusal_text(r, locale).to_string()
        });
        let phi = DiaryRefusal::from_query(pairs(&parse(QUERIES[0])));
        let on = |d| NaiveDate::from_ymd_opt(2026, 5, d).unwrap();
        assert_eq!(
            phi,
            Some(DiaryRefusal::Phi {
                product_name: "Regent 800WG & co".to_owned(),
                sprayed_on: on(1),
                safe_from: on(8),
            })
        );
    }

    #[test]
    fn a_banned_ingredient_reads_with_its_source_and_a_made_up_one_as_invalid() {
        use crate::i18n::Locale;
        let paraquat = DiaryRefusal::from_query(pairs(&parse("loi=banned&hoat_chat=Paraquat")));
        let text = refusal_text(paraquat.as_ref().unwrap(), Locale::Vi);
        assert!(
            text.contains("Paraquat") && text.contains("278/QĐ-BNN-BVTV"),
            "{text}"
        );
        let ddt = DiaryRefusal::Banned {
            ingredient: "DDT".into(),
        };
        assert!(refusal_text(&ddt, Locale::En).contains("DDT is banned in Viet Nam"));
        let made_up = DiaryRefusal::Banned {
            ingredient: "Abamectin".into(),
        };
        for locale in [Locale::Vi, Locale::En] {
            assert_eq!(
                refusal_text(&made_up, locale),
                refusal_text(&DiaryRefusal::Invalid, locale)
            );
        }
    }

    #[test]
    fn the_confirmation_carries_the_registers_notes() {
        let plain = Saved {
            seq: 3,
            ..Saved::default()
        };
        assert_eq!(plain.query(), "ok=1");
        assert_eq!(Saved::from_query(pairs(&parse("ok=1"))), None);
        let noted = Saved {
            seq: 3,
            phi_filled: Some(14),
            unregistered: true,
        };
        assert_eq!(noted.query(), "ok=1&ghi=3&cach_ly=14&chua_dang_ky=1");
        assert_eq!(
            Saved::from_query(pairs(&parse(&noted.query()))),
            Some(noted)
        );
        assert_eq!(
            Saved::from_query(pairs(&parse("ghi=3&cach_ly=14"))),
            None,
            "without ok"
        );
        assert_eq!(
            Saved::from_query(pairs(&parse("ok=1&ghi=x&cach_ly=14"))),
            None
        );
    }

    #[test]
    fn an_unknown_or_incomplete_refusal_reads_as_invalid_and_none_as_none() {
        for query in [
            "loi=nonsense",
            "loi=phi",
            "loi=phi&thuoc=x&ngay_phun=hôm+qua",
        ] {
            let parsed = parse(query);
            assert_eq!(
                DiaryRefusal::from_query(pairs(&parsed)),
                Some(DiaryRefusal::Invalid),
                "{query}"
            );
        }
        assert_eq!(DiaryRefusal::from_query(pairs(&parse("ok=1"))), None);
    }

    #[test]
    fn entry_fields_echo_what_was_typed_under_the_view_names() {
        let typed = EntryFields {
            kind: "spraying".into(),
            occurred_on: "2026-05-01".into(),
            lot_id: "l1".into(),
            input_name: "Vertimec 1.8EC".into(),
            active_ingredient: "Abamectin".into(),
            target: "sâu".into(),
            dose: "1 gói".into(),
            phi_days: "7".into(),
            quantity_kg: "800".into(),
            note: "a&b=c".into(),
            corrects_id: "e1".into(),
            task_id: "t1".into(),
        };
        let parsed = parse(&typed.query());
        let names: Vec<&str> = parsed.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(
            names,
            [
                field::KIND,
                field::OCCURRED_ON,
                field::LOT_ID,
                field::INPUT_NAME,
                field::ACTIVE_INGREDIENT,
                field::TARGET,
                field::DOSE,
                field::PHI_DAYS,
                field::QUANTITY_KG,
                field::NOTE,
                field::CORRECTS_ID,
                field::TASK_ID,
            ]
        );
        assert_eq!(EntryFields::from_query(pairs(&parsed)), typed);

        let sparse = EntryFields {
            kind: "harvest".into(),
            note: "  ".into(),
            ..EntryFields::default()
        };
        assert_eq!(sparse.query(), "kind=harvest");
        assert_eq!(EntryFields::default().query(), "");
    }
}
