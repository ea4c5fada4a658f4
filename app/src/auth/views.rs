//! What the account, officer and administrator pages show (read models shared by the server
//! functions and the pages).

use serde::{Deserialize, Serialize};

/// A producer as its members see it on their account page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct MyProducer {
    pub id: String,
    pub slug: String,
    pub name: String,
    pub status: String,
    pub status_reason: Option<String>,
    pub role: String,
    pub commune_id: String,
    pub commune_name: String,
}

/// A pending producer application in an officer's queue.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct Application {
    pub id: String,
    pub name: String,
    pub kind: String,
    pub commune_id: String,
    pub commune_name: String,
    pub applicant: String,
    pub applied_at: String,
    /// The seller's legal identity as given (the officer checks it before approving).
    pub legal_name: Option<String>,
    pub address_line: String,
    pub phone: Option<String>,
    pub tax_code: Option<String>,
    pub registration_no: Option<String>,
}

/// A commune in a drop-down.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct CommuneChoice {
    pub id: String,
    pub name: String,
    pub kind: String,
}

/// A user as an administrator sees them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct UserSummary {
    pub id: String,
    pub display_name: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub status: String,
    /// 1 when the user is a province administrator.
    pub admin: i64,
}
