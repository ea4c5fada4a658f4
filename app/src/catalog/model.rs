//! What the public pages and the API show about the catalog: read models, filled on the server
//! by `db::catalog` and sent to the browser as they are.

use serde::{Deserialize, Serialize};

use crate::{
    domain::money::{MoneyLocale, Vnd},
    i18n::Texts,
};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ProvinceOverview {
    pub name: String,
    pub tagline: String,
    pub story: String,
    pub signature_products: Vec<ProductCard>,
    pub communes: Vec<CommuneSummary>,
    pub producer_count: i64,
    pub product_count: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CommuneSummary {
    pub slug: String,
    pub name: String,
    /// "xa", "phuong" or "dac_khu".
    pub kind: String,
    pub former_names: Vec<String>,
    pub product_count: i64,
}

impl CommuneSummary {
    /// "Xã Khoái Châu", "Phường Phố Hiến" (or "Commune …", "Ward …" in English).
    pub fn full_name(&self, t: &Texts) -> String {
        crate::components::commune_name(&self.kind, &self.name, t)
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ProductCard {
    pub slug: String,
    pub name: String,
    pub commune: String,
    pub producer: String,
    /// The cheapest active variant.
    #[cfg_attr(feature = "ssr", schema(value_type = Option<i64>))]
    pub from_price: Option<Vnd>,
    /// Stars of a certificate in force today; `None` when unrated or expired.
    pub stars: Option<u8>,
    pub photo: Option<PhotoRef>,
    /// Its commune's one featured product.
    pub signature: bool,
}

impl ProductCard {
    pub fn price_label(&self, locale: MoneyLocale) -> Option<String> {
        self.from_price.map(|p| p.format(locale))
    }
}

/// What a commune's page shows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CommunePage {
    pub commune: CommuneSummary,
    /// The cover photo an officer chose for the page.
    pub cover: Option<PhotoRef>,
    pub story: String,
    pub signature: Option<ProductCard>,
    /// The other public products, best rated first.
    pub products: Vec<ProductCard>,
    pub producers: Vec<ProducerSummary>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ProducerSummary {
    pub slug: String,
    pub name: String,
    /// household, cooperative, cooperative_group or enterprise.
    pub kind: String,
    pub product_count: i64,
}

/// Everything a product's page shows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ProductPage {
    pub slug: String,
    pub name: String,
    pub description: String,
    pub group: String,
    pub gi_name: Option<String>,
    pub commune: CommuneRef,
    pub producer: ProducerSummary,
    pub photos: Vec<PhotoRef>,
    pub variants: Vec<VariantView>,
    /// The certificate in force today; an expired one is not shown at all.
    pub certificate: Option<CertificateView>,
    pub lots: Vec<LotView>,
    /// Its recalled lots (`diary::recall`), newest recall first: the page's banner.
    pub recalls: Vec<crate::diary::recall::RecalledLot>,
    /// Other products of the same commune.
    pub related: Vec<ProductCard>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CommuneRef {
    pub slug: String,
    pub name: String,
    pub kind: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct VariantView {
    /// What the cart and the API's `variant_id` name.
    pub id: String,
    pub label: String,
    pub unit: String,
    pub net_weight_g: Option<i64>,
    #[cfg_attr(feature = "ssr", schema(value_type = i64))]
    pub price: Vnd,
    pub stock: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CertificateView {
    pub stars: u8,
    /// province or national
    pub level: String,
    pub decision_no: String,
    #[cfg_attr(feature = "ssr", schema(value_type = String, format = Date))]
    pub issued_on: chrono::NaiveDate,
    #[cfg_attr(feature = "ssr", schema(value_type = String, format = Date))]
    pub expires_on: chrono::NaiveDate,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct LotView {
    pub lot_code: String,
    /// The lot's traceability page.
    pub path: String,
    #[cfg_attr(feature = "ssr", schema(value_type = Option<String>, format = Date))]
    pub harvested_on: Option<chrono::NaiveDate>,
    pub grade: Option<String>,
    pub verified: bool,
}

/// A producer's page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ProducerPage {
    pub producer: ProducerSummary,
    pub description: String,
    pub commune: CommuneRef,
    pub products: Vec<ProductCard>,
    /// What a seller must tell buyers (name, address, phone, tax code or registration), when
    /// given.
    pub seller: Option<crate::seller::identity::IdentityView>,
}

/// An image with its responsive sources.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PhotoRef {
    pub src: String,
    /// `"/media/…/320.jpg 320w, /media/…/640.jpg 640w"`.
    pub srcset: String,
    pub width: i64,
    pub height: i64,
    pub alt: String,
}
