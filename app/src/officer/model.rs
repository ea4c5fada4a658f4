//! What the commune officer's dashboard shows about OCOP certificates: read models filled on the
//! server by `db::certificates`.

use serde::{Deserialize, Serialize};

use crate::officer::rules::ocop::Standing;

/// A recorded certificate with where it stands today.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OfficerCertificate {
    pub product_id: String,
    pub product_name: String,
    pub product_slug: String,
    pub commune_name: String,
    pub stars: u8,
    /// `province` or `national`.
    pub level: String,
    pub decision_no: String,
    /// YYYY-MM-DD.
    pub issued_on: String,
    /// YYYY-MM-DD, the last valid day.
    pub expires_on: String,
    pub standing: Standing,
}

/// A product a certificate can be recorded for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct CertifiableProduct {
    pub id: String,
    pub name: String,
    pub producer: String,
}

/// The commune page editor's data.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CommuneEditor {
    pub id: String,
    pub slug: String,
    pub name: String,
    pub kind: String,
    pub story_vi: String,
    pub story_en: String,
    /// The signature product's id.
    pub signature: Option<String>,
    /// Approved products of the commune: (id, name).
    pub candidates: Vec<(String, String)>,
    /// Newest first.
    pub history: Vec<SignatureChange>,
    /// The anti-forgery token for the cover photo's multipart form.
    pub csrf: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignatureChange {
    pub product_name: String,
    pub set_by: String,
    pub set_at: String,
    pub ended_at: Option<String>,
}

/// What an import does to one part of a row.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Change {
    Unchanged,
    Update,
    Create,
}

/// One spreadsheet row as the preview shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlannedRow {
    pub row: usize,
    pub producer_name: String,
    pub product_name: String,
    pub stars: u8,
    pub producer: Change,
    /// The product and its variant.
    pub product: Change,
    pub certificate: Change,
}

/// How many rows an import created, updated or left as they were.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportReport {
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
}

impl ImportReport {
    pub fn of(rows: &[PlannedRow]) -> ImportReport {
        let mut report = ImportReport::default();
        for r in rows {
            match r.producer.max(r.product).max(r.certificate) {
                _ if r.product == Change::Create => report.created += 1,
                Change::Unchanged => report.unchanged += 1,
                _ => report.updated += 1,
            }
        }
        report
    }
}

/// An uploaded list waiting for the officer's confirmation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportPreview {
    pub batch_id: String,
    pub commune_name: String,
    pub filename: String,
    pub rows: Vec<PlannedRow>,
    pub errors: Vec<crate::officer::rules::ocop_import::RowError>,
    /// The file as a whole could not be used (no header, missing columns, too many rows).
    pub file_error: Option<String>,
}

/// Sales and OCOP figures for the officer's communes over a period.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SalesReport {
    /// First and last day of the period (Vietnam dates).
    pub from: chrono::NaiveDate,
    pub to: chrono::NaiveDate,
    /// Every month of the period, `YYYY-MM`, sales or not.
    pub months: Vec<crate::seller::model::SalesRow>,
    /// Best selling first.
    pub communes: Vec<crate::seller::model::SalesRow>,
    pub products: Vec<crate::seller::model::SalesRow>,
    /// Month × commune × product, for the CSV.
    pub lines: Vec<ReportLine>,
    pub orders: i64,
    pub revenue: crate::domain::money::Vnd,
    /// OCOP certificates by stars, most stars first.
    pub ocop: Vec<StarsCount>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportLine {
    pub month: String,
    pub commune: String,
    pub product: String,
    pub orders: i64,
    pub units: i64,
    pub revenue: crate::domain::money::Vnd,
}

/// Certificates with this many stars: in force (of which expiring within 90 days), expired.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StarsCount {
    pub stars: u8,
    pub in_force: u64,
    pub expiring: u64,
    pub expired: u64,
}
