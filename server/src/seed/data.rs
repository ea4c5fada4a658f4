//! The demo province as written in `server/seed/hung_yen.json`, checked into domain types.

use serde::Deserialize;

/// The file is compiled into the binary: `ocop seed` needs nothing beside it.
const DEMO_JSON: &str = include_str!("../../seed/hung_yen.json");

#[derive(Debug, Deserialize)]
pub struct DemoData {
    pub province: Province,
    pub product_groups: Vec<ProductGroup>,
    pub communes: Vec<Commune>,
    pub producers: Vec<Producer>,
    pub products: Vec<Product>,
}

#[derive(Debug, Deserialize)]
pub struct Province {
    pub name: String,
    pub slug: String,
    pub tagline_vi: String,
    pub tagline_en: String,
    pub story_vi: String,
    pub story_en: String,
}

#[derive(Debug, Deserialize)]
pub struct ProductGroup {
    pub code: String,
    pub name_vi: String,
    pub name_en: String,
}

#[derive(Debug, Deserialize)]
pub struct Commune {
    pub name: String,
    pub kind: String,
    #[serde(default)]
    pub former_district: String,
    #[serde(default)]
    pub former_names: Vec<String>,
    #[serde(default)]
    pub story_vi: String,
    #[serde(default)]
    pub story_en: String,
}

#[derive(Debug, Deserialize)]
pub struct Producer {
    pub key: String,
    pub name: String,
    pub kind: String,
    pub commune: String,
    pub phone: String,
    pub description_vi: String,
    pub description_en: String,
}

#[derive(Debug, Deserialize)]
pub struct Product {
    pub key: String,
    pub name_vi: String,
    pub name_en: String,
    pub group: String,
    pub producer: String,
    pub commune: String,
    pub description_vi: String,
    pub description_en: String,
    #[serde(default)]
    pub signature: bool,
    /// Fresh produce (fruit, meat): the shorter return window.
    #[serde(default)]
    pub fresh: bool,
    #[serde(default)]
    pub gi: bool,
    #[serde(default)]
    pub gtin: Option<String>,
    /// Listing status; approved unless the file says otherwise.
    #[serde(default)]
    pub status: Option<String>,
    pub motif: String,
    pub palette: [String; 3],
    pub variants: Vec<Variant>,
    pub ocop: Option<Ocop>,
    pub crop: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct Variant {
    pub label_vi: String,
    pub label_en: String,
    pub unit: String,
    pub net_weight_g: Option<i64>,
    pub price_vnd: i64,
    pub stock: i64,
}

#[derive(Debug, Deserialize)]
pub struct Ocop {
    pub stars: i64,
    pub level: String,
    pub decision_no: String,
    pub issued_on: String,
}

pub fn demo() -> Result<DemoData, serde_json::Error> {
    serde_json::from_str(DEMO_JSON)
}
