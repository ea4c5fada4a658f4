//! What the commune officer's and the province administrator's pages (`pages::officer`,
//! `pages::commune_editor`, `pages::province_admin`, `pages::admin`) and their form handlers
//! (`server::routes::officer_forms`, `server::routes::admin_forms`) share: the refusal reasons
//! sent back in `?loi=`. Both sides use this type, so a reason one side does not know does not
//! compile. The pages show these with [`crate::seller::page::SellerNotice`], which reads a
//! listing refusal when the code is none of these.

use serde::{Deserialize, Serialize};

use crate::officer::rules::ocop::CertificateInputError;
use crate::pages::refusal::Refusal;
#[cfg(feature = "ssr")]
use crate::{
    admin::storage::AdminError,
    officer::storage::{certificates::CertificateDbError, commune_editor::EditorError},
};

/// Why an officer's or an administrator's form was refused: `loi=<code>`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "loi", rename_all = "snake_case")]
pub enum OfficerRefusal {
    CertStars,
    CertLevel,
    CertDecision,
    CertIssued,
    CertExpires,
    CertFiveNational,
    CertExpiryOrder,
    CertDecisionTaken,
    /// No product of the officer's communes was chosen.
    CertProduct,
    CommuneName,
    CommuneNameTaken,
    CommuneMerge,
    CommuneKind,
    BankAccount,
    /// No account with that phone or email (the same code as the account forms').
    #[serde(rename = "user-unknown")]
    UserUnknown,
    StoryLong,
    SignatureProduct,
    /// An administrator may not disable themself or drop their own role.
    Yourself,
    /// The record the form named is gone (read as the generic text).
    NotFound,
}

impl Refusal for OfficerRefusal {
    fn unknown() -> Option<Self> {
        Some(OfficerRefusal::NotFound)
    }
}

impl From<CertificateInputError> for OfficerRefusal {
    fn from(e: CertificateInputError) -> Self {
        use CertificateInputError as E;
        match e {
            E::Stars => OfficerRefusal::CertStars,
            E::Level => OfficerRefusal::CertLevel,
            E::Decision => OfficerRefusal::CertDecision,
            E::IssuedOn => OfficerRefusal::CertIssued,
            E::ExpiresOn => OfficerRefusal::CertExpires,
            E::FiveStarsNational => OfficerRefusal::CertFiveNational,
            E::ExpiryBeforeIssue => OfficerRefusal::CertExpiryOrder,
        }
    }
}

/// The refusal for a certificate the database refused; `Err` gives back its failure.
#[cfg(feature = "ssr")]
impl TryFrom<CertificateDbError> for OfficerRefusal {
    type Error = sqlx::Error;

    fn try_from(e: CertificateDbError) -> Result<Self, sqlx::Error> {
        match e {
            CertificateDbError::DecisionTaken => Ok(OfficerRefusal::CertDecisionTaken),
            CertificateDbError::NotFound => Ok(OfficerRefusal::NotFound),
            CertificateDbError::Db(e) => Err(e),
        }
    }
}

/// The refusal for a commune page edit; `Err` gives back the database failure.
#[cfg(feature = "ssr")]
impl TryFrom<EditorError> for OfficerRefusal {
    type Error = EditorError;

    fn try_from(e: EditorError) -> Result<Self, EditorError> {
        match e {
            EditorError::StoryTooLong => Ok(OfficerRefusal::StoryLong),
            EditorError::NotACandidate => Ok(OfficerRefusal::SignatureProduct),
            e @ (EditorError::NotFound | EditorError::Db(_)) => Err(e),
        }
    }
}

/// The refusal for an administrator's change; `Err` gives back the database failure.
#[cfg(feature = "ssr")]
impl TryFrom<AdminError> for OfficerRefusal {
    type Error = sqlx::Error;

    fn try_from(e: AdminError) -> Result<Self, sqlx::Error> {
        match e {
            AdminError::Name => Ok(OfficerRefusal::CommuneName),
            AdminError::NameTaken => Ok(OfficerRefusal::CommuneNameTaken),
            AdminError::Merge => Ok(OfficerRefusal::CommuneMerge),
            AdminError::Kind => Ok(OfficerRefusal::CommuneKind),
            AdminError::NotFound => Ok(OfficerRefusal::NotFound),
            AdminError::Bank => Ok(OfficerRefusal::BankAccount),
            AdminError::Yourself => Ok(OfficerRefusal::Yourself),
            AdminError::Db(e) => Err(e),
        }
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;
    use crate::pages::refusal::assert_each_round_trips;
    use crate::{i18n::Locale, officer::texts::OfficerTexts};

    /// Every reason's code.
    fn code(refusal: OfficerRefusal) -> &'static str {
        // No catch-all: a new reason stops this compiling; add its query to `QUERIES` too.
        use OfficerRefusal::*;
        match refusal {
            CertStars => "cert_stars",
            CertLevel => "cert_level",
            CertDecision => "cert_decision",
            CertIssued => "cert_issued",
            CertExpires => "cert_expires",
            CertFiveNational => "cert_five_national",
            CertExpiryOrder => "cert_expiry_order",
            CertDecisionTaken => "cert_decision_taken",
            CertProduct => "cert_product",
            CommuneName => "commune_name",
            CommuneNameTaken => "commune_name_taken",
            CommuneMerge => "commune_merge",
            CommuneKind => "commune_kind",
            BankAccount => "bank_account",
            UserUnknown => "user-unknown",
            StoryLong => "story_long",
            SignatureProduct => "signature_product",
            Yourself => "yourself",
            NotFound => "not_found",
        }
    }

    /// One query per reason: the codes the pages already link to.
    const QUERIES: [&str; 19] = [
        "loi=cert_stars",
        "loi=cert_level",
        "loi=cert_decision",
        "loi=cert_issued",
        "loi=cert_expires",
        "loi=cert_five_national",
        "loi=cert_expiry_order",
        "loi=cert_decision_taken",
        "loi=cert_product",
        "loi=commune_name",
        "loi=commune_name_taken",
        "loi=commune_merge",
        "loi=commune_kind",
        "loi=bank_account",
        "loi=user-unknown",
        "loi=story_long",
        "loi=signature_product",
        "loi=yourself",
        "loi=not_found",
    ];

    #[test]
    fn every_refusal_round_trips_through_its_url_code_and_has_texts() {
        assert_each_round_trips(
            &QUERIES,
            |r| code(*r),
            |r, locale| (OfficerTexts::of(locale).error)(*r).to_owned(),
        );
    }

    #[test]
    fn the_domain_codes_stay_the_codes_the_forms_send() {
        use CertificateInputError as E;
        for e in [
            E::Stars,
            E::Level,
            E::Decision,
            E::IssuedOn,
            E::ExpiresOn,
            E::FiveStarsNational,
            E::ExpiryBeforeIssue,
        ] {
            assert_eq!(OfficerRefusal::from(e).query(), format!("loi={}", e.code()));
        }
        for e in [
            AdminError::Name,
            AdminError::NameTaken,
            AdminError::Merge,
            AdminError::Kind,
            AdminError::NotFound,
            AdminError::Bank,
            AdminError::Yourself,
        ] {
            let code = e.code();
            let refusal = OfficerRefusal::try_from(e).unwrap();
            assert_eq!(refusal.query(), format!("loi={code}"));
        }
    }

    #[test]
    fn another_forms_code_is_none_of_these() {
        let parsed = [("loi", "gtin")];
        let strict: Result<OfficerRefusal, _> =
            crate::pages::refusal::from_pairs(parsed.into_iter());
        assert!(strict.is_err(), "SellerNotice then reads it as a listing's");
        assert_eq!(
            (OfficerTexts::of(Locale::Vi).error)(OfficerRefusal::NotFound),
            "Không lưu được. Hãy kiểm tra lại."
        );
    }
}
