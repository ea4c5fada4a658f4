//! What the address lookups return: units of the national list, and the choices pages and the
//! JSON API show.

use serde::{Deserialize, Serialize};

use crate::{
    address::{
        rules::{CommuneCode, CommuneKind, ProvinceCode, ProvinceKind},
        texts,
    },
    i18n::Locale,
};

/// A province or centrally governed city.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Province {
    pub code: ProvinceCode,
    /// Without its type: "Hồ Chí Minh", "Hưng Yên".
    pub name: String,
    pub kind: ProvinceKind,
}

impl Province {
    /// "Thành phố Hồ Chí Minh" / "Hồ Chí Minh City".
    pub fn label(&self, locale: Locale) -> String {
        texts::province_label(self.kind, &self.name, locale)
    }
}

/// A commune, ward or special zone, with its province.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Commune {
    pub code: CommuneCode,
    /// Without its type: "Bến Thành".
    pub name: String,
    pub kind: CommuneKind,
    pub province: Province,
}

impl Commune {
    /// "Phường Bến Thành" / "Bến Thành Ward".
    pub fn label(&self, locale: Locale) -> String {
        texts::commune_label(self.kind, &self.name, locale)
    }
}

/// A province as the API and the pickers list it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ProvinceChoice {
    /// The national code, two digits: what `province_id` takes at checkout.
    pub code: String,
    /// Without its type.
    pub name: String,
    /// `tinh` (province) or `thanh_pho` (centrally governed city).
    pub kind: String,
    /// As shown to people, in the request's language.
    pub label: String,
}

/// A commune as the API and the pickers list it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CommuneChoice {
    /// The national code, five digits: what `commune_id` takes at checkout.
    pub code: String,
    pub name: String,
    /// `xa` (commune), `phuong` (ward) or `dac_khu` (special zone).
    pub kind: String,
    pub label: String,
    pub province_code: String,
    pub province_label: String,
}

impl ProvinceChoice {
    pub fn of(p: &Province, locale: Locale) -> Self {
        ProvinceChoice {
            code: p.code.to_string(),
            name: p.name.clone(),
            kind: p.kind.as_str().to_owned(),
            label: p.label(locale),
        }
    }
}

impl CommuneChoice {
    pub fn of(c: &Commune, locale: Locale) -> Self {
        CommuneChoice {
            code: c.code.to_string(),
            name: c.name.clone(),
            kind: c.kind.as_str().to_owned(),
            label: c.label(locale),
            province_code: c.province.code.to_string(),
            province_label: c.province.label(locale),
        }
    }
}

/// The JSON of `GET /api/v1/provinces`.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ProvinceList {
    pub items: Vec<ProvinceChoice>,
}

/// The JSON of `GET /api/v1/provinces/{code}/communes` and `GET /api/v1/addresses/communes?q=`.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CommuneList {
    pub items: Vec<CommuneChoice>,
}
