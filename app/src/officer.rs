//! What the commune officer's dashboard shows about OCOP certificates: read models filled on the
//! server by `db::certificates`.

use serde::{Deserialize, Serialize};

use crate::domain::ocop::Standing;

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
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignatureChange {
    pub product_name: String,
    pub set_by: String,
    pub set_at: String,
    pub ended_at: Option<String>,
}
