//! Reads for the public catalog. Only approved products of active producers are ever public.

use std::{collections::HashMap, sync::Arc};

use chrono::NaiveDate;
use sqlx::{AnyConnection, FromRow, Row};

use crate::{
    catalog::model::{
        CertificateView, CommunePage, CommuneRef, CommuneSummary, LotView, PhotoRef, ProducerPage,
        ProducerSummary, ProductCard, ProductPage, ProvinceOverview, VariantView,
    },
    db::{Db, decode, kept::Kept},
    diary::recall::RecalledLot,
    domain::{fold::fold, time::db_date},
    i18n::Locale,
};

/// The condition that makes a product (aliased `p`, producer `pr`) public.
pub(crate) const PUBLIC_PRODUCT: &str = "p.status = 'approved' AND pr.status = 'active'";

#[derive(FromRow)]
struct ProvinceRow {
    id: String,
    name: String,
    tagline_vi: String,
    tagline_en: String,
    story_vi: String,
    story_en: String,
}

#[derive(FromRow)]
struct CommuneRow {
    id: String,
    slug: String,
    name: String,
    kind: String,
    product_count: i64,
}

#[derive(FromRow)]
struct FormerNameRow {
    commune_id: String,
    name: String,
}

#[derive(FromRow)]
struct CardRow {
    id: String,
    slug: String,
    name_vi: String,
    name_en: String,
    commune: String,
    producer: String,
    from_price: Option<i64>,
    stars: Option<i64>,
    signature: i64,
}

#[derive(FromRow)]
struct PhotoRow {
    product_id: String,
    photo_id: String,
    width: i64,
    height: i64,
    storage_key: String,
    alt_vi: String,
    alt_en: String,
}

/// The home page's view of the province, as of `today` (Vietnam date: it decides which OCOP
/// certificates are still in force), in `locale` where a translation exists. `None` when no
/// province has been loaded yet.
#[tracing::instrument(skip_all)]
pub async fn province_overview(
    db: &Db,
    today: NaiveDate,
    locale: Locale,
) -> Result<Option<ProvinceOverview>, sqlx::Error> {
    let pool = db.pool();
    let Some(province) = current_province(db).await? else {
        return Ok(None);
    };

    let communes = communes_of(db, &province.id).await?;

    let signature_products = product_cards(
        db,
        CardScope::Signatures {
            province_id: &province.id,
        },
        today,
        locale,
    )
    .await?;

    let (producer_count,): (i64,) = sqlx::query_as(PROVINCE_OVERVIEW)
        .bind(&province.id)
        .fetch_one(pool)
        .await?;
    let product_count = communes.iter().map(|c| c.product_count).sum();

    Ok(Some(ProvinceOverview {
        tagline: locale
            .pick(&province.tagline_vi, &province.tagline_en)
            .to_owned(),
        story: locale
            .pick(&province.story_vi, &province.story_en)
            .to_owned(),
        name: province.name,
        signature_products,
        communes,
        producer_count,
        product_count,
    }))
}

/// The province this site serves (the first loaded; one per deployment for now).
async fn current_province(db: &Db) -> Result<Option<ProvinceRow>, sqlx::Error> {
    sqlx::query_as(CURRENT_PROVINCE)
        .fetch_optional(db.pool())
        .await
}

/// Every active commune of a province with its former names and public product count, those
/// with the most products first.
async fn communes_of(db: &Db, province_id: &str) -> Result<Vec<CommuneSummary>, sqlx::Error> {
    let pool = db.pool();
    let communes: Vec<CommuneRow> = sqlx::query_as(COMMUNES_OF_SELECT_PRODUCTS)
        .bind(province_id)
        .fetch_all(pool)
        .await?;

    let mut former: HashMap<String, Vec<String>> = HashMap::new();
    for row in sqlx::query_as::<_, FormerNameRow>(COMMUNES_OF)
        .bind(province_id)
        .fetch_all(pool)
        .await?
    {
        former.entry(row.commune_id).or_default().push(row.name);
    }

    Ok(communes
        .into_iter()
        .map(|c| CommuneSummary {
            former_names: former.remove(&c.id).unwrap_or_default(),
            slug: c.slug,
            name: c.name,
            kind: c.kind,
            product_count: c.product_count,
        })
        .collect())
}

/// The communes directory: every commune, or those whose current or former name matches
/// `query` with or without diacritics ("dong tao" finds xã Hoàn Long, formerly Đông Tảo).
#[tracing::instrument(skip_all)]
pub async fn list_communes(db: &Db, query: &str) -> Result<Vec<CommuneSummary>, sqlx::Error> {
    let Some(province) = current_province(db).await? else {
        return Ok(Vec::new());
    };
    let communes = communes_of(db, &province.id).await?;
    let wanted = fold(query);
    if wanted.is_empty() {
        return Ok(communes);
    }
    // 104 communes: folding them here is simpler than keeping a folded column in step.
    Ok(communes
        .into_iter()
        .filter(|c| {
            std::iter::once(&c.name)
                .chain(&c.former_names)
                .any(|n| fold(n).contains(&wanted))
        })
        .collect())
}

#[derive(FromRow)]
struct CommunePageRow {
    id: String,
    slug: String,
    name: String,
    kind: String,
    story_vi: String,
    story_en: String,
}

#[derive(FromRow)]
struct ProducerRow {
    slug: String,
    name: String,
    kind: String,
    product_count: i64,
}

/// A commune's page: its story, signature product, other products and producers. `None` for an
/// unknown or merged-away slug.
#[tracing::instrument(skip_all, fields(slug = %slug))]
pub async fn commune_page(
    db: &Db,
    slug: &str,
    today: NaiveDate,
    locale: Locale,
) -> Result<Option<CommunePage>, sqlx::Error> {
    let Some(c) = sqlx::query_as::<_, CommunePageRow>(COMMUNE_PAGE_SELECT_COMMUNES)
        .bind(slug)
        .fetch_optional(db.pool())
        .await?
    else {
        return Ok(None);
    };
    // The cover photo's widths, shaped as product photo rows so one picker serves both.
    let cover_rows: Vec<PhotoRow> = sqlx::query_as(COMMUNE_PAGE_SELECT_COMMUNES_2)
        .bind(&c.id)
        .fetch_all(db.pool())
        .await?;
    let cover = photo_ref(&cover_rows, locale);
    let former_names: Vec<String> =
        sqlx::query_as::<_, (String,)>(COMMUNE_PAGE_SELECT_COMMUNE_FORMER_NAMES)
            .bind(&c.id)
            .fetch_all(db.pool())
            .await?
            .into_iter()
            .map(|(n,)| n)
            .collect();
    let mut products =
        product_cards(db, CardScope::Commune { commune_id: &c.id }, today, locale).await?;
    let signature = products
        .iter()
        .position(|p| p.signature)
        .map(|i| products.remove(i));
    let producers: Vec<ProducerRow> = sqlx::query_as(COMMUNE_PAGE)
        .bind(&c.id)
        .fetch_all(db.pool())
        .await?;
    Ok(Some(CommunePage {
        cover,
        story: locale.pick(&c.story_vi, &c.story_en).to_owned(),
        commune: CommuneSummary {
            product_count: products.len() as i64 + i64::from(signature.is_some()),
            former_names,
            slug: c.slug,
            name: c.name,
            kind: c.kind,
        },
        signature,
        products,
        producers: producers
            .into_iter()
            .map(|p| ProducerSummary {
                slug: p.slug,
                name: p.name,
                kind: p.kind,
                product_count: p.product_count,
            })
            .collect(),
    }))
}

#[derive(FromRow)]
struct ProductPageRow {
    id: String,
    slug: String,
    name_vi: String,
    name_en: String,
    description_vi: String,
    description_en: String,
    gi_name: Option<String>,
    gtin: Option<String>,
    group_vi: String,
    group_en: String,
    commune_id: String,
    commune_slug: String,
    commune_name: String,
    commune_kind: String,
    producer_slug: String,
    producer_name: String,
    producer_kind: String,
    producer_products: i64,
    cert_stars: Option<i64>,
    cert_level: Option<String>,
    cert_decision_no: Option<String>,
    cert_issued_on: Option<String>,
    cert_expires_on: Option<String>,
    review_count: i64,
    review_stars: i64,
}

impl ProductPageRow {
    /// The certificate columns, when a certificate is in force (NULL from the LEFT JOIN when
    /// none is); a present but bad value is an error.
    fn certificate(&self) -> Result<Option<CertificateView>, sqlx::Error> {
        let (Some(stars), Some(level), Some(decision_no), Some(issued_on), Some(expires_on)) = (
            self.cert_stars,
            self.cert_level.as_ref(),
            self.cert_decision_no.as_ref(),
            self.cert_issued_on.as_deref(),
            self.cert_expires_on.as_deref(),
        ) else {
            return Ok(None);
        };
        // Named by the product: the row read is the product's.
        Ok(Some(CertificateView {
            stars: decode::number("ocop_certificates.stars", &self.id, stars)?,
            level: level.clone(),
            decision_no: decision_no.clone(),
            issued_on: decode::date("ocop_certificates.issued_on", &self.id, issued_on)?,
            expires_on: decode::date("ocop_certificates.expires_on", &self.id, expires_on)?,
        }))
    }
}

/// A variant with one of its lots on sale (or none): the page reads both in one query.
#[derive(FromRow)]
struct VariantLotRow {
    variant_id: String,
    label_vi: String,
    label_en: String,
    unit: String,
    net_weight_g: Option<i64>,
    price_vnd: i64,
    stock: i64,
    lot_id: Option<String>,
    lot_code: Option<String>,
    harvested_on: Option<String>,
    grade: Option<String>,
    verified_at: Option<String>,
    /// A recalled lot's recall (`diary::recall`): its banner on the page.
    recall_reason: Option<String>,
    recalled_at: Option<String>,
}

/// The variants in the producer's order, the lots on sale newest first, and the recalled lots
/// newest recall first.
type VariantsAndLots = (Vec<VariantView>, Vec<LotView>, Vec<RecalledLot>);

fn variants_and_lots(
    rows: Vec<VariantLotRow>,
    gtin: Option<&str>,
    locale: Locale,
) -> Result<VariantsAndLots, sqlx::Error> {
    let mut variants: Vec<(String, VariantView)> = Vec::new();
    let mut lots = Vec::new();
    let mut recalls = Vec::new();
    for r in rows {
        if let (Some(lot_id), Some(lot_code), Some(reason), Some(at)) = (
            r.lot_id.as_deref(),
            r.lot_code.as_ref(),
            r.recall_reason.as_ref(),
            r.recalled_at.as_deref(),
        ) {
            let at = decode::timestamp("lot_recalls.recalled_at", lot_id, at)?;
            recalls.push((
                at,
                RecalledLot {
                    path: crate::diary::storage::lot_address(lot_id, lot_code, gtin),
                    lot_code: lot_code.clone(),
                    reason: reason.clone(),
                    recalled_on: crate::domain::time::vietnam_date(at),
                },
            ));
        } else if let (Some(lot_id), Some(lot_code)) = (r.lot_id.as_deref(), r.lot_code) {
            lots.push(LotView {
                path: crate::diary::storage::lot_address(lot_id, &lot_code, gtin),
                lot_code,
                // NULL while not harvested; a present date must parse.
                harvested_on: r
                    .harvested_on
                    .as_deref()
                    .map(|d| decode::date("harvest_lots.harvested_on", lot_id, d))
                    .transpose()?,
                grade: r.grade,
                verified: r.verified_at.is_some(),
            });
        }
        let price = decode::vnd("product_variants.price_vnd", &r.variant_id, r.price_vnd)?;
        if variants.last().is_none_or(|(id, _)| *id != r.variant_id) {
            let view = VariantView {
                id: r.variant_id.clone(),
                label: locale.pick(&r.label_vi, &r.label_en).to_owned(),
                unit: r.unit,
                net_weight_g: r.net_weight_g,
                price,
                stock: r.stock,
            };
            variants.push((r.variant_id, view));
        }
    }
    lots.sort_by(|a, b| {
        b.harvested_on
            .cmp(&a.harvested_on)
            .then_with(|| a.lot_code.cmp(&b.lot_code))
    });
    recalls.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.lot_code.cmp(&b.1.lot_code)));
    Ok((
        variants.into_iter().map(|(_, v)| v).collect(),
        lots,
        recalls.into_iter().map(|(_, r)| r).collect(),
    ))
}

/// A public product's page as of `today`; `None` when no approved product of an active
/// producer has this slug.
#[tracing::instrument(skip_all, fields(slug = %slug))]
pub async fn product_page(
    db: &Db,
    slug: &str,
    today: NaiveDate,
    locale: Locale,
) -> Result<Option<ProductPage>, sqlx::Error> {
    // Nothing kept: the API and the checks read the related products afresh.
    Ok(
        product_page_rated(db, &RelatedCache::default(), slug, today, locale)
            .await?
            .map(|(page, _)| page),
    )
}

/// The page with its published reviews in figures, read in the product's own query: the page
/// lists reviews only when there are some (`reviews::view::product_reviews`), so a product
/// without reviews costs no round trip for them.
pub async fn product_page_rated(
    db: &Db,
    related: &RelatedCache,
    slug: &str,
    today: NaiveDate,
    locale: Locale,
) -> Result<Option<(ProductPage, crate::reviews::rules::Rating)>, sqlx::Error> {
    // One statement for the product, its variants and its gallery, then (when the commune's
    // cards are not kept) the related cards on the same connection: under load each extra pool
    // acquire is another wait in the queue and each statement a round trip (scripts/bench).
    let mut conn = db.pool().acquire().await?;
    let rows = sqlx::query(PRODUCT_PAGE)
        .bind(slug)
        .bind(db_date(today))
        .fetch_all(&mut *conn)
        .await?;
    let (mut product, mut variants, mut photos) = (None, Vec::new(), Vec::new());
    for row in &rows {
        match row.try_get::<String, _>("part")?.as_str() {
            "p" => product = Some(ProductPageRow::from_row(row)?),
            "v" => variants.push(VariantLotRow::from_row(row)?),
            "g" => photos.push(PhotoRow::from_row(row)?),
            other => {
                return Err(sqlx::Error::Decode(
                    format!("product page: no part {other:?}").into(),
                ));
            }
        }
    }
    let Some(p) = product else {
        return Ok(None);
    };
    let (variants, lots, recalls) = variants_and_lots(variants, p.gtin.as_deref(), locale)?;
    let key = (p.commune_id.clone(), locale, today);
    let related = related
        .0
        .get_or_load(key, || async {
            let scope = CardScope::Related {
                commune_id: &p.commune_id,
            };
            let rows = card_rows(&mut conn, scope, today).await?;
            let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
            let cards = cards_from_rows(&mut conn, rows, locale).await?;
            Ok::<_, sqlx::Error>(Arc::new(ids.into_iter().zip(cards).collect()))
        })
        .await?;
    let related = related
        .iter()
        .filter(|(id, _)| *id != p.id)
        .take(RELATED_PRODUCTS)
        .map(|(_, card)| card.clone())
        .collect();
    let gallery = group_photos(photos, locale)
        .remove(&p.id)
        .unwrap_or_default();

    let certificate = p.certificate()?;
    let rating = crate::reviews::rules::Rating {
        count: p.review_count,
        total: p.review_stars,
    };
    let page = ProductPage {
        name: locale.pick(&p.name_vi, &p.name_en).to_owned(),
        description: locale.pick(&p.description_vi, &p.description_en).to_owned(),
        group: locale.pick(&p.group_vi, &p.group_en).to_owned(),
        slug: p.slug,
        gi_name: p.gi_name,
        commune: CommuneRef {
            slug: p.commune_slug,
            name: p.commune_name,
            kind: p.commune_kind,
        },
        producer: ProducerSummary {
            slug: p.producer_slug,
            name: p.producer_name,
            kind: p.producer_kind,
            product_count: p.producer_products,
        },
        photos: gallery,
        variants,
        certificate,
        lots,
        recalls,
        related,
    };
    Ok(Some((page, rating)))
}

#[derive(FromRow)]
struct ProducerPageRow {
    id: String,
    slug: String,
    name: String,
    kind: String,
    description_vi: String,
    description_en: String,
    commune_slug: String,
    commune_name: String,
    commune_kind: String,
}

/// An active producer's page with its public products; `None` for an unknown slug.
#[tracing::instrument(skip_all, fields(slug = %slug))]
pub async fn producer_page(
    db: &Db,
    slug: &str,
    today: NaiveDate,
    locale: Locale,
) -> Result<Option<ProducerPage>, sqlx::Error> {
    let Some(pr) = sqlx::query_as::<_, ProducerPageRow>(PRODUCER_PAGE)
        .bind(slug)
        .fetch_optional(db.pool())
        .await?
    else {
        return Ok(None);
    };
    let products = product_cards(
        db,
        CardScope::Producer {
            producer_id: &pr.id,
        },
        today,
        locale,
    )
    .await?;
    let seller = crate::seller::identity_storage::of_producer(db, &pr.id)
        .await?
        .and_then(|(_, identity)| identity);
    Ok(Some(ProducerPage {
        seller,
        description: locale
            .pick(&pr.description_vi, &pr.description_en)
            .to_owned(),
        producer: ProducerSummary {
            slug: pr.slug,
            name: pr.name,
            kind: pr.kind,
            product_count: products.len() as i64,
        },
        commune: CommuneRef {
            slug: pr.commune_slug,
            name: pr.commune_name,
            kind: pr.commune_kind,
        },
        products,
    }))
}

/// Public products as cards, in the order of `ids` (a search engine's ranking); ids that are not
/// public (any more) are left out.
#[tracing::instrument(skip_all, fields(products = ids.len()))]
pub async fn cards_by_ids(
    db: &Db,
    ids: &[String],
    today: NaiveDate,
    locale: Locale,
) -> Result<Vec<ProductCard>, sqlx::Error> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = cards_by_ids_sql(ids.len());
    let mut query = sqlx::query_as::<_, CardRow>(&sql).bind(db_date(today));
    for id in ids {
        query = query.bind(id);
    }
    let mut conn = db.pool().acquire().await?;
    let mut rows = query.fetch_all(&mut *conn).await?;
    let rank: HashMap<&str, usize> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| (id.as_str(), i))
        .collect();
    rows.sort_by_key(|r| rank.get(r.id.as_str()).copied().unwrap_or(usize::MAX));
    cards_from_rows(&mut conn, rows, locale).await
}

/// Names for facet values: communes by slug ("Xã Tân Hưng" is built by the page from name and
/// kind) and product groups by code, in the reader's language.
pub struct FacetNames {
    pub communes: HashMap<String, (String, String)>,
    pub groups: HashMap<String, String>,
}

#[tracing::instrument(skip_all)]
pub async fn facet_names(db: &Db, locale: Locale) -> Result<FacetNames, sqlx::Error> {
    let communes: Vec<(String, String, String)> = sqlx::query_as(FACET_NAMES_SELECT_COMMUNES)
        .fetch_all(db.pool())
        .await?;
    let groups: Vec<(String, String, String)> = sqlx::query_as(FACET_NAMES_SELECT_PRODUCT_GROUPS)
        .fetch_all(db.pool())
        .await?;
    Ok(FacetNames {
        communes: communes
            .into_iter()
            .map(|(slug, name, kind)| (slug, (name, kind)))
            .collect(),
        groups: groups
            .into_iter()
            .map(|(code, vi, en)| (code, locale.pick(&vi, &en).to_owned()))
            .collect(),
    })
}

/// The paths of every public page, for `sitemap.xml`: the communes, the approved products of
/// active producers, and the active producers.
#[tracing::instrument(skip_all)]
pub async fn public_paths(db: &Db) -> Result<Vec<String>, sqlx::Error> {
    let pool = db.pool();
    let mut paths = vec!["/".to_owned(), "/xa".to_owned()];
    let communes: Vec<(String,)> = sqlx::query_as(PUBLIC_PATHS_SELECT_COMMUNES)
        .fetch_all(pool)
        .await?;
    paths.extend(communes.into_iter().map(|(s,)| format!("/xa/{s}")));
    let products: Vec<(String,)> = sqlx::query_as(PUBLIC_PATHS).fetch_all(pool).await?;
    paths.extend(products.into_iter().map(|(s,)| format!("/san-pham/{s}")));
    let producers: Vec<(String,)> = sqlx::query_as(PUBLIC_PATHS_SELECT_PRODUCERS)
        .fetch_all(pool)
        .await?;
    paths.extend(
        producers
            .into_iter()
            .map(|(s,)| format!("/nha-san-xuat/{s}")),
    );
    Ok(paths)
}

/// [`cards_by_ids`]' statement for `n` ids (bound from `$2`, after the date).
fn cards_by_ids_sql(n: usize) -> String {
    format!(
        "SELECT p.id, p.slug, p.name_vi, p.name_en, c.name AS commune, pr.name AS producer,
                {computed}
           FROM products p
           JOIN producers pr ON pr.id = p.producer_id
           JOIN communes c ON c.id = p.commune_id
          WHERE {PUBLIC_PRODUCT} AND p.id IN ({list})",
        computed = card_columns("$1"),
        list = crate::db::placeholders(2, n)
    )
}

/// The columns a product card computes: its starting price, the stars of a certificate in force
/// on the date bound at `today` (e.g. `$1`), and whether it is its commune's signature product.
fn card_columns(today: &str) -> String {
    format!(
        "(SELECT MIN(v.price_vnd) FROM product_variants v
           WHERE v.product_id = p.id AND v.status = 'active') AS from_price,
         (SELECT MAX(oc.stars) FROM ocop_certificates oc
           WHERE oc.product_id = p.id AND oc.revoked_at IS NULL
             AND oc.issued_on <= {today} AND oc.expires_on >= {today}) AS stars,
         (SELECT COUNT(*) FROM commune_signature_products sig
           WHERE sig.product_id = p.id) AS signature"
    )
}

/// Which products a list of cards shows.
#[derive(Clone, Copy)]
enum CardScope<'a> {
    /// Each commune's signature product, in the province with this id.
    Signatures { province_id: &'a str },
    /// Every public product from the commune with this id.
    Commune { commune_id: &'a str },
    /// Every public product of the producer with this id.
    Producer { producer_id: &'a str },
    /// The commune's products that its product pages show as related, one more than a page
    /// shows, since a page leaves out its own product.
    Related { commune_id: &'a str },
}

/// How many related products a product page shows.
const RELATED_PRODUCTS: usize = 4;

/// Each commune's related cards, kept [`RelatedCache::FRESH`] per server. Every product page of
/// a commune shows the same few (less itself), and ranking them was the page's costliest read
/// (measured with pg_stat_statements under scripts/bench). Each card is kept with its product's
/// id. A new, changed or hidden listing shows among them up to that much later (nothing forgets
/// them on a write); its own page, the commune page and search are always current.
#[derive(Clone)]
pub struct RelatedCache(Kept<(String, Locale, NaiveDate), RelatedCards>);

/// A commune's related cards in order, each with its product's id.
type RelatedCards = Arc<Vec<(String, ProductCard)>>;

impl RelatedCache {
    pub const FRESH: std::time::Duration = std::time::Duration::from_secs(10);
    /// Communes × languages kept at most (a cards list is a few KB).
    const MAX: usize = 4096;
}

impl Default for RelatedCache {
    fn default() -> Self {
        Self(Kept::new(Self::FRESH, Self::MAX))
    }
}

/// Public products as cards, best rated first.
async fn product_cards(
    db: &Db,
    scope: CardScope<'_>,
    today: NaiveDate,
    locale: Locale,
) -> Result<Vec<ProductCard>, sqlx::Error> {
    let mut conn = db.pool().acquire().await?;
    let rows = card_rows(&mut conn, scope, today).await?;
    cards_from_rows(&mut conn, rows, locale).await
}

/// The rows behind [`product_cards`], without photos.
async fn card_rows(
    conn: &mut AnyConnection,
    scope: CardScope<'_>,
    today: NaiveDate,
) -> Result<Vec<CardRow>, sqlx::Error> {
    let (from, scope_id, except, limit) = card_scope(scope);
    sqlx::query_as(&card_rows_sql(from, limit))
        .bind(scope_id)
        .bind(db_date(today))
        .bind(except)
        .fetch_all(conn)
        .await
}

/// A scope's FROM and WHERE, its id (`$1`), the product it leaves out (`$3`) and its limit.
fn card_scope(scope: CardScope<'_>) -> (&'static str, &str, &str, Option<usize>) {
    match scope {
        CardScope::Signatures { province_id } => (
            "commune_signature_products s JOIN products p ON p.id = s.product_id
             JOIN communes c ON c.id = p.commune_id
             WHERE c.province_id = $1",
            province_id,
            "",
            None,
        ),
        CardScope::Commune { commune_id } => (
            "products p JOIN communes c ON c.id = p.commune_id WHERE c.id = $1",
            commune_id,
            "",
            None,
        ),
        CardScope::Producer { producer_id } => (
            "products p JOIN communes c ON c.id = p.commune_id WHERE p.producer_id = $1",
            producer_id,
            "",
            None,
        ),
        CardScope::Related { commune_id } => (
            // The commune's signature and its latest listings only: ranking every product of
            // a big commune on each page view would cost more than the rest of the page.
            "products p JOIN communes c ON c.id = p.commune_id
             WHERE p.id IN (
                   SELECT s.product_id FROM commune_signature_products s WHERE s.commune_id = $1
                   UNION
                   SELECT latest.id FROM (
                       SELECT p3.id FROM products p3
                        WHERE p3.commune_id = $1 AND p3.status = 'approved'
                        ORDER BY p3.approved_at DESC LIMIT 5) latest)",
            commune_id,
            "",
            Some(RELATED_PRODUCTS + 1),
        ),
    }
}

/// [`card_rows`]' statement for a scope's FROM and WHERE.
fn card_rows_sql(from: &str, limit: Option<usize>) -> String {
    let (from, filter) = from.split_once("WHERE").unwrap_or((from, "1 = 1"));
    // Wrapped so the ORDER BY can use the computed `stars`: PostgreSQL does not accept an output
    // alias inside an ORDER BY expression.
    format!(
        "SELECT * FROM (
         SELECT p.id, p.slug, p.name_vi, p.name_en, c.name AS commune, pr.name AS producer,
                {computed}
           FROM {from}
           JOIN producers pr ON pr.id = p.producer_id
          WHERE {filter} AND {PUBLIC_PRODUCT} AND p.id <> $3
         ) cards
         ORDER BY cards.signature DESC, COALESCE(cards.stars, 0) DESC, cards.name_vi
         {limit}",
        computed = card_columns("$2"),
        limit = limit.map(|n| format!("LIMIT {n}")).unwrap_or_default(),
    )
}

/// Card rows with their first photos.
async fn cards_from_rows(
    conn: &mut AnyConnection,
    rows: Vec<CardRow>,
    locale: Locale,
) -> Result<Vec<ProductCard>, sqlx::Error> {
    let covers: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
    let mut photos = galleries(conn, &[], &covers, locale).await?;
    cards_with_photos(rows, &mut photos, locale)
}

/// Cards from their rows, each with the first photo of its gallery.
fn cards_with_photos(
    rows: Vec<CardRow>,
    photos: &mut HashMap<String, Vec<PhotoRef>>,
    locale: Locale,
) -> Result<Vec<ProductCard>, sqlx::Error> {
    rows.into_iter()
        .map(|r| {
            // Both NULL when the product has no active variant / no certificate in force.
            let from_price = r
                .from_price
                .map(|p| decode::vnd("product_variants.price_vnd (lowest)", &r.id, p))
                .transpose()?;
            let stars = r
                .stars
                .map(|s| decode::number("ocop_certificates.stars", &r.id, s))
                .transpose()?;
            Ok(ProductCard {
                photo: photos.remove(&r.id).and_then(|g| g.into_iter().next()),
                name: locale.pick(&r.name_vi, &r.name_en).to_owned(),
                slug: r.slug,
                commune: r.commune,
                producer: r.producer,
                from_price,
                stars,
                signature: r.signature > 0,
            })
        })
        .collect()
}

/// Photos of products, each with all its stored widths for `srcset`: every photo (in the
/// producer's order) of the `galleries` products, only the cover of the `covers` products.
/// Products without photos are absent from the map.
async fn galleries(
    conn: &mut AnyConnection,
    galleries: &[&str],
    covers: &[&str],
    locale: Locale,
) -> Result<HashMap<String, Vec<PhotoRef>>, sqlx::Error> {
    if galleries.is_empty() && covers.is_empty() {
        return Ok(HashMap::new());
    }
    let sql = galleries_sql(galleries.len(), covers.len());
    let mut query = sqlx::query_as::<_, PhotoRow>(&sql);
    for id in galleries.iter().chain(covers) {
        query = query.bind(*id);
    }
    // Rows arrive grouped by product, then photo.
    let rows = query.fetch_all(conn).await?;
    Ok(group_photos(rows, locale))
}

/// [`galleries`]' statement for that many gallery and cover product ids.
fn galleries_sql(galleries: usize, covers: usize) -> String {
    let placeholders = |from: usize, n: usize| {
        // `IN ()` is not valid SQL; no product id is empty.
        if n == 0 {
            "''".to_owned()
        } else {
            crate::db::placeholders(from, n)
        }
    };
    // Two index lookups joined by UNION ALL: an OR across the two lists makes PostgreSQL scan
    // every product photo.
    // Named outputs: a compound SELECT's ORDER BY may only use result column names.
    let select = "SELECT pp.product_id AS product_id, pp.photo_id AS photo_id,
                         pp.position AS position, d.width AS width, d.height, d.storage_key,
                         ph.alt_vi, ph.alt_en
                    FROM product_photos pp
                    JOIN photos ph ON ph.id = pp.photo_id
                    JOIN photo_derivatives d ON d.photo_id = pp.photo_id";
    format!(
        "{select} WHERE pp.product_id IN ({})
         UNION ALL
         {select} WHERE pp.product_id IN ({}) AND pp.position = (
                   SELECT MIN(first.position) FROM product_photos first
                    WHERE first.product_id = pp.product_id)
         ORDER BY product_id, position, photo_id, width",
        placeholders(1, galleries),
        placeholders(galleries + 1, covers),
    )
}

/// The photos of cultivation-log entries, by entry id, each with all its widths.
#[tracing::instrument(skip_all, fields(entries = entry_ids.len()))]
pub(crate) async fn entry_photos(
    conn: &mut AnyConnection,
    entry_ids: &[&str],
    locale: Locale,
) -> Result<HashMap<String, Vec<PhotoRef>>, sqlx::Error> {
    if entry_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let sql = entry_photos_sql(entry_ids.len());
    let mut query = sqlx::query_as::<_, PhotoRow>(&sql);
    for id in entry_ids {
        query = query.bind(*id);
    }
    let rows = query.fetch_all(conn).await?;
    Ok(group_photos(rows, locale))
}

/// [`entry_photos`]' statement for `n` entry ids.
fn entry_photos_sql(n: usize) -> String {
    format!(
        "SELECT lp.entry_id AS product_id, lp.photo_id, d.width, d.height, d.storage_key,
                ph.alt_vi, ph.alt_en
           FROM cultivation_log_photos lp
           JOIN photos ph ON ph.id = lp.photo_id
           JOIN photo_derivatives d ON d.photo_id = lp.photo_id
          WHERE lp.entry_id IN ({})
          ORDER BY lp.entry_id, lp.position, lp.photo_id, d.width",
        crate::db::placeholders(1, n)
    )
}

/// The module's statements built at run time, rendered for one and for two list elements (and
/// each card scope), so the prepare test checks them as well.
pub(crate) fn rendered_statements() -> Vec<(String, String)> {
    let mut out = Vec::new();
    for n in [1, 2] {
        out.push((format!("cards_by_ids_sql({n})"), cards_by_ids_sql(n)));
        out.push((format!("entry_photos_sql({n})"), entry_photos_sql(n)));
    }
    for (g, c) in [(0, 1), (1, 0), (2, 2)] {
        out.push((format!("galleries_sql({g}, {c})"), galleries_sql(g, c)));
    }
    let scopes = [
        CardScope::Signatures { province_id: "" },
        CardScope::Commune { commune_id: "" },
        CardScope::Producer { producer_id: "" },
        CardScope::Related { commune_id: "" },
    ];
    for (i, scope) in scopes.into_iter().enumerate() {
        let (from, _, _, limit) = card_scope(scope);
        out.push((
            format!("card_rows_sql(scope {i})"),
            card_rows_sql(from, limit),
        ));
    }
    out
}

/// Folds rows ordered by owner, then photo, into each owner's photos with their widths.
fn group_photos(rows: Vec<PhotoRow>, locale: Locale) -> HashMap<String, Vec<PhotoRef>> {
    let mut sizes: HashMap<String, Vec<(String, Vec<PhotoRow>)>> = HashMap::new();
    for row in rows {
        let photos = sizes.entry(row.product_id.clone()).or_default();
        match photos.last_mut() {
            Some((photo_id, widths)) if *photo_id == row.photo_id => widths.push(row),
            _ => photos.push((row.photo_id.clone(), vec![row])),
        }
    }
    sizes
        .into_iter()
        .map(|(owner, photos)| {
            let refs = photos
                .iter()
                .filter_map(|(_, widths)| photo_ref(widths, locale))
                .collect();
            (owner, refs)
        })
        .collect()
}

/// Picks the 640 px copy (or the closest) as `src` and lists all widths in `srcset`.
fn photo_ref(sizes: &[PhotoRow], locale: Locale) -> Option<PhotoRef> {
    let main = sizes.iter().min_by_key(|s| (s.width - 640).abs())?;
    Some(PhotoRef {
        src: media_url(&main.storage_key),
        srcset: sizes
            .iter()
            .map(|s| format!("{} {}w", media_url(&s.storage_key), s.width))
            .collect::<Vec<_>>()
            .join(", "),
        width: main.width,
        height: main.height,
        alt: locale.pick(&main.alt_vi, &main.alt_en).to_owned(),
    })
}

/// Where the server publishes a stored file.
pub fn media_url(storage_key: &str) -> String {
    format!("/media/{storage_key}")
}

// The module's SQL, each statement prepared on both engines by the `sql` integration test.
crate::db::statements! {
    /// `province_overview`.
    PROVINCE_OVERVIEW = "SELECT COUNT(*) FROM producers pr JOIN communes c ON c.id = pr.commune_id
        WHERE c.province_id = $1 AND pr.status = 'active'";
    /// `current_province`.
    CURRENT_PROVINCE = "SELECT id, name, tagline_vi, tagline_en, story_vi, story_en FROM provinces ORDER BY created_at LIMIT 1";
    /// `communes_of`.
    COMMUNES_OF = "SELECT f.commune_id, f.name FROM commune_former_names f
         JOIN communes c ON c.id = f.commune_id
        WHERE c.province_id = $1 ORDER BY f.name";
    /// `commune_page`.
    COMMUNE_PAGE_SELECT_COMMUNES = "SELECT id, slug, name, kind, story_vi, story_en FROM communes WHERE slug = $1 AND status = 'active'";
    /// `commune_page`.
    COMMUNE_PAGE_SELECT_COMMUNES_2 = "SELECT c.id AS product_id, d.photo_id AS photo_id, d.width AS width, d.height,
              d.storage_key, ph.alt_vi, ph.alt_en
         FROM communes c
         JOIN photos ph ON ph.id = c.cover_photo_id
         JOIN photo_derivatives d ON d.photo_id = ph.id
        WHERE c.id = $1";
    /// `commune_page`.
    COMMUNE_PAGE_SELECT_COMMUNE_FORMER_NAMES = "SELECT name FROM commune_former_names WHERE commune_id = $1 ORDER BY name";
    /// `product_page`: the product (`p`), its active variants with their lots on sale or
    /// recalled (`v`), and its gallery's photos in every width (`g`), as one result: on
    /// PostgreSQL each statement is a round trip, the page's largest cost under load. Each part
    /// fills its own columns and leaves the others NULL (the few casts type a column whose first
    /// two parts are NULL, as a UNION needs on PostgreSQL).
    PRODUCT_PAGE = const_format::concatcp!("WITH page AS (", PRODUCT_PAGE_SELECT_PRODUCTS, ")
        SELECT 'p' AS part,
               page.id, page.slug, page.name_vi, page.name_en, page.description_vi,
               page.description_en, page.gi_name, page.gtin, page.group_vi, page.group_en,
               page.commune_id, page.commune_slug, page.commune_name, page.commune_kind,
               page.producer_slug, page.producer_name, page.producer_kind, page.producer_products,
               page.cert_stars, page.cert_level, page.cert_decision_no, page.cert_issued_on,
               page.cert_expires_on, page.review_count, page.review_stars,
               NULL AS variant_id, NULL AS label_vi, NULL AS label_en, NULL AS unit,
               NULL AS net_weight_g, NULL AS price_vnd, NULL AS stock, NULL AS variant_position,
               NULL AS lot_id, NULL AS lot_code, NULL AS harvested_on, NULL AS grade,
               NULL AS verified_at, NULL AS recall_reason, NULL AS recalled_at,
               NULL AS product_id, NULL AS photo_id, CAST(NULL AS BIGINT) AS position,
               CAST(NULL AS BIGINT) AS width, CAST(NULL AS BIGINT) AS height,
               NULL AS storage_key, NULL AS alt_vi, NULL AS alt_en
          FROM page
        UNION ALL
        SELECT 'v',
               NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
               NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
               v.id, v.label_vi, v.label_en, v.unit, v.net_weight_g, v.price_vnd, v.stock,
               v.position, l.id, l.lot_code, l.harvested_on, l.grade, l.verified_at, r.reason,
               r.recalled_at,
               NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
          FROM page
          JOIN product_variants v ON v.product_id = page.id AND v.status = 'active'
          LEFT JOIN harvest_lots l ON l.variant_id = v.id AND l.status IN ('on_sale', 'recalled')
          LEFT JOIN lot_recalls r ON r.lot_id = l.id
        UNION ALL
        SELECT 'g',
               NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
               NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
               NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
               NULL,
               pp.product_id, pp.photo_id, pp.position, d.width, d.height, d.storage_key,
               ph.alt_vi, ph.alt_en
          FROM page
          JOIN product_photos pp ON pp.product_id = page.id
          JOIN photos ph ON ph.id = pp.photo_id
          JOIN photo_derivatives d ON d.photo_id = pp.photo_id
        ORDER BY part, variant_position, price_vnd, variant_id, position, photo_id, width");
    /// `producer_page`.
    PRODUCER_PAGE = "SELECT pr.id, pr.slug, pr.name, pr.kind, pr.description_vi, pr.description_en,
              c.slug AS commune_slug, c.name AS commune_name, c.kind AS commune_kind
         FROM producers pr JOIN communes c ON c.id = pr.commune_id
        WHERE pr.slug = $1 AND pr.status = 'active'";
    /// `facet_names`.
    FACET_NAMES_SELECT_COMMUNES = "SELECT slug, name, kind FROM communes";
    /// `facet_names`.
    FACET_NAMES_SELECT_PRODUCT_GROUPS = "SELECT code, name_vi, name_en FROM product_groups";
    /// `public_paths`.
    PUBLIC_PATHS_SELECT_COMMUNES = "SELECT slug FROM communes WHERE status = 'active' ORDER BY slug";
    /// `public_paths`.
    PUBLIC_PATHS_SELECT_PRODUCERS = "SELECT slug FROM producers WHERE status = 'active' ORDER BY slug";
    /// `communes_of`.
    COMMUNES_OF_SELECT_PRODUCTS = const_format::concatcp!("SELECT c.id, c.slug, c.name, c.kind,
              (SELECT COUNT(*) FROM products p JOIN producers pr ON pr.id = p.producer_id
                WHERE p.commune_id = c.id AND ", PUBLIC_PRODUCT, ") AS product_count
         FROM communes c
        WHERE c.province_id = $1 AND c.status = 'active'
        ORDER BY product_count DESC, c.name");
    /// `commune_page`.
    COMMUNE_PAGE = const_format::concatcp!("SELECT pr.slug, pr.name, pr.kind,
              (SELECT COUNT(*) FROM products p WHERE p.producer_id = pr.id AND ", PUBLIC_PRODUCT, ") AS product_count
         FROM producers pr
        WHERE pr.commune_id = $1 AND pr.status = 'active'
        ORDER BY pr.name");
    /// The product row of `PRODUCT_PAGE`.
    PRODUCT_PAGE_SELECT_PRODUCTS = const_format::concatcp!("SELECT p.id, p.slug, p.name_vi, p.name_en, p.description_vi, p.description_en, p.gi_name,
              p.gtin,
              g.name_vi AS group_vi, g.name_en AS group_en,
              c.id AS commune_id, c.slug AS commune_slug, c.name AS commune_name, c.kind AS commune_kind,
              pr.slug AS producer_slug, pr.name AS producer_name, pr.kind AS producer_kind,
              (SELECT COUNT(*) FROM products p2 WHERE p2.producer_id = pr.id AND p2.status = 'approved')
                AS producer_products,
              oc.stars AS cert_stars, oc.issuing_level AS cert_level,
              oc.decision_no AS cert_decision_no, oc.issued_on AS cert_issued_on,
              oc.expires_on AS cert_expires_on,
              (SELECT COUNT(*) FROM reviews r WHERE r.product_id = p.id AND r.status = 'published')
                AS review_count,
              (SELECT CAST(COALESCE(SUM(r.stars), 0) AS BIGINT) FROM reviews r
                WHERE r.product_id = p.id AND r.status = 'published') AS review_stars
         FROM products p
         JOIN producers pr ON pr.id = p.producer_id
         JOIN communes c ON c.id = p.commune_id
         JOIN product_groups g ON g.code = p.group_code
         -- The certificate in force today; the best one if several are.
         LEFT JOIN ocop_certificates oc ON oc.id = (
              SELECT c2.id FROM ocop_certificates c2
               WHERE c2.product_id = p.id AND c2.revoked_at IS NULL
                 AND c2.issued_on <= $2 AND c2.expires_on >= $2
               ORDER BY c2.stars DESC, c2.expires_on DESC LIMIT 1)
        WHERE p.slug = $1 AND ", PUBLIC_PRODUCT);
    /// `public_paths`.
    PUBLIC_PATHS = const_format::concatcp!("SELECT p.slug FROM products p JOIN producers pr ON pr.id = p.producer_id WHERE ", PUBLIC_PRODUCT, " ORDER BY p.slug");
}
