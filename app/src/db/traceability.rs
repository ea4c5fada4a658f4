//! A lot's public traceability record: where it grew, its season's diary, the pre-harvest
//! interval, the officer's stamp and the state of the plot's hash chain.

use chrono::NaiveDate;
use sqlx::FromRow;

use super::{
    Db,
    diary::{chain_status, lot_address, phi_status, plot_entries, timeline},
};
use crate::{
    catalog::CommuneRef,
    domain::time::{parse_db_date, vietnam_date},
    i18n::Locale,
    traceability::{LotFacts, LotTrace, PlotFacts, TracedProducer, TracedProduct, Verification},
};

/// How a lot is looked up.
pub enum LotKey<'a> {
    Id(&'a str),
    /// GS1 Digital Link: the product's GTIN-14 and the lot code.
    Gs1 {
        gtin: &'a str,
        lot_code: &'a str,
    },
}

#[derive(FromRow)]
struct TraceRow {
    id: String,
    lot_code: String,
    status: String,
    harvested_on: Option<String>,
    quantity_kg: Option<i64>,
    grade: Option<String>,
    verified_at: Option<String>,
    officer_name: Option<String>,
    plot_id: Option<String>,
    plot_name: Option<String>,
    crop: Option<String>,
    area_m2: Option<i64>,
    growing_area_code: Option<String>,
    plot_commune_slug: Option<String>,
    plot_commune_name: Option<String>,
    plot_commune_kind: Option<String>,
    producer_slug: String,
    producer_name: String,
    producer_kind: String,
    commune_slug: String,
    commune_name: String,
    commune_kind: String,
    product_slug: Option<String>,
    product_vi: Option<String>,
    product_en: Option<String>,
    variant_vi: Option<String>,
    variant_en: Option<String>,
    gtin: Option<String>,
    gi_name: Option<String>,
    product_public: i64,
}

/// The lot's id for a lookup key, if a public lot (of an active producer) matches.
pub async fn find_lot(db: &Db, key: LotKey<'_>) -> Result<Option<String>, sqlx::Error> {
    let row: Option<(String,)> = match key {
        LotKey::Id(id) => {
            sqlx::query_as(
                "SELECT l.id FROM harvest_lots l JOIN producers pr ON pr.id = l.producer_id
                  WHERE l.id = $1 AND pr.status = 'active'",
            )
            .bind(id)
            .fetch_optional(db.pool())
            .await?
        }
        LotKey::Gs1 { gtin, lot_code } => {
            sqlx::query_as(
                "SELECT l.id FROM harvest_lots l
                   JOIN producers pr ON pr.id = l.producer_id
                   JOIN product_variants v ON v.id = l.variant_id
                   JOIN products p ON p.id = v.product_id
                  WHERE p.gtin = $1 AND l.lot_code = $2 AND pr.status = 'active'",
            )
            .bind(gtin)
            .bind(lot_code)
            .fetch_optional(db.pool())
            .await?
        }
    };
    Ok(row.map(|(id,)| id))
}

/// Public lots with this code (lot codes are unique per producer only).
pub async fn lots_with_code(db: &Db, code: &str) -> Result<Vec<String>, sqlx::Error> {
    let rows: Vec<(String,)> = sqlx::query_as(
        "SELECT l.id FROM harvest_lots l JOIN producers pr ON pr.id = l.producer_id
          WHERE l.lot_code = $1 AND pr.status = 'active' ORDER BY l.id",
    )
    .bind(code.trim().to_ascii_uppercase())
    .fetch_all(db.pool())
    .await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

/// A public lot's whole record (`None`: no such lot, or its producer is not active).
pub async fn lot_trace(
    db: &Db,
    lot_id: &str,
    locale: Locale,
) -> Result<Option<LotTrace>, sqlx::Error> {
    let mut conn = db.pool().acquire().await?;
    let Some(r) = sqlx::query_as::<_, TraceRow>(
        "SELECT l.id, l.lot_code, l.status, l.harvested_on, l.quantity_kg, l.grade, l.verified_at,
                u.display_name AS officer_name,
                pl.id AS plot_id, pl.name AS plot_name, pl.crop, pl.area_m2, pl.growing_area_code,
                pc.slug AS plot_commune_slug, pc.name AS plot_commune_name,
                pc.kind AS plot_commune_kind,
                pr.slug AS producer_slug, pr.name AS producer_name, pr.kind AS producer_kind,
                c.slug AS commune_slug, c.name AS commune_name, c.kind AS commune_kind,
                p.slug AS product_slug, p.name_vi AS product_vi, p.name_en AS product_en,
                v.label_vi AS variant_vi, v.label_en AS variant_en, p.gtin, p.gi_name,
                CASE WHEN p.status = 'approved' THEN 1 ELSE 0 END AS product_public
           FROM harvest_lots l
           JOIN producers pr ON pr.id = l.producer_id
           JOIN communes c ON c.id = pr.commune_id
           LEFT JOIN users u ON u.id = l.verified_by
           LEFT JOIN plots pl ON pl.id = l.plot_id
           LEFT JOIN communes pc ON pc.id = pl.commune_id
           LEFT JOIN product_variants v ON v.id = l.variant_id
           LEFT JOIN products p ON p.id = v.product_id
          WHERE l.id = $1 AND pr.status = 'active'",
    )
    .bind(lot_id)
    .fetch_optional(&mut *conn)
    .await?
    else {
        return Ok(None);
    };
    let harvested_on = r.harvested_on.as_deref().and_then(parse_db_date);
    let rows = match r.plot_id.as_deref() {
        Some(plot) => plot_entries(&mut conn, plot).await?,
        None => Vec::new(),
    };
    let chain = chain_status(&rows).into();
    // The lot's season: the plot's entries after the previous harvest, up to this harvest,
    // and every entry recorded for this lot.
    let season_start: Option<NaiveDate> = rows
        .iter()
        .filter(|e| e.kind == "harvest" && e.lot_id.as_deref() != Some(lot_id))
        .map(|e| parse_db_date(&e.occurred_on).unwrap_or(NaiveDate::MIN))
        .filter(|d| harvested_on.is_none_or(|h| *d < h))
        .max();
    let season: Vec<_> = rows
        .iter()
        .filter(|e| match e.lot_id.as_deref() {
            Some(l) => l == lot_id,
            None => {
                let on = parse_db_date(&e.occurred_on).unwrap_or(NaiveDate::MIN);
                season_start.is_none_or(|s| on > s) && harvested_on.is_none_or(|h| on <= h)
            }
        })
        .cloned()
        .collect();
    let entries = timeline(&mut conn, &season, locale).await?;
    let phi = phi_status(&season, harvested_on);
    let product = (r.product_public == 1)
        .then(|| {
            Some(TracedProduct {
                slug: r.product_slug.clone()?,
                name: locale
                    .pick(
                        r.product_vi.as_deref().unwrap_or_default(),
                        r.product_en.as_deref().unwrap_or_default(),
                    )
                    .to_owned(),
                variant: r.variant_vi.as_deref().map(|vi| {
                    locale
                        .pick(vi, r.variant_en.as_deref().unwrap_or_default())
                        .to_owned()
                }),
                gtin: r.gtin.clone(),
                gi_name: r.gi_name.clone(),
            })
        })
        .flatten();
    let commune = CommuneRef {
        slug: r.commune_slug,
        name: r.commune_name,
        kind: r.commune_kind,
    };
    Ok(Some(LotTrace {
        path: lot_address(&r.id, &r.lot_code, r.gtin.as_deref()),
        lot: LotFacts {
            id: r.id,
            code: r.lot_code,
            status: r.status,
            harvested_on,
            quantity_kg: r.quantity_kg,
            grade: r.grade,
        },
        product,
        plot: PlotFacts {
            id: r.plot_id.unwrap_or_default(),
            name: r.plot_name.unwrap_or_default(),
            crop: r.crop.unwrap_or_default(),
            area_m2: r.area_m2,
            growing_area_code: r.growing_area_code,
            commune: match (
                r.plot_commune_slug,
                r.plot_commune_name,
                r.plot_commune_kind,
            ) {
                (Some(slug), Some(name), Some(kind)) => CommuneRef { slug, name, kind },
                _ => commune.clone(),
            },
        },
        producer: TracedProducer {
            slug: r.producer_slug,
            name: r.producer_name,
            kind: r.producer_kind,
            commune,
        },
        timeline: entries,
        phi,
        verification: match (r.verified_at, r.officer_name) {
            (Some(at), Some(officer_name)) => Some(Verification {
                officer_name,
                verified_on: chrono::DateTime::parse_from_rfc3339(&at)
                    .map(|t| vietnam_date(t.to_utc()))
                    .ok()
                    .or_else(|| at.get(..10).and_then(parse_db_date))
                    .unwrap_or_default(),
            }),
            _ => None,
        },
        chain,
    }))
}

/// Lots awaiting an officer's stamp in these communes (all communes for `None`), harvested
/// first: (lot id, lot code, producer, public path).
pub async fn unverified_lots(
    db: &Db,
    communes: Option<&[String]>,
) -> Result<Vec<(String, String, String, String)>, sqlx::Error> {
    let rows: Vec<(String, String, String, String, Option<String>)> = sqlx::query_as(
        "SELECT l.id, l.lot_code, pr.name, pl.commune_id, p.gtin
           FROM harvest_lots l
           JOIN producers pr ON pr.id = l.producer_id
           JOIN plots pl ON pl.id = l.plot_id
           LEFT JOIN product_variants v ON v.id = l.variant_id
           LEFT JOIN products p ON p.id = v.product_id
          WHERE l.verified_at IS NULL AND l.status IN ('harvested', 'on_sale')
          ORDER BY l.harvested_on, l.lot_code",
    )
    .fetch_all(db.pool())
    .await?;
    Ok(rows
        .into_iter()
        .filter(|(_, _, _, commune, _)| communes.is_none_or(|cs| cs.contains(commune)))
        .map(|(id, code, producer, _, gtin)| {
            let path = lot_address(&id, &code, gtin.as_deref());
            (id, code, producer, path)
        })
        .collect())
}

/// A lot's public path (GS1 Digital Link or stable lot URL).
pub async fn lot_address_of(db: &Db, lot_id: &str) -> Result<Option<String>, sqlx::Error> {
    let row: Option<(String, String, Option<String>)> = sqlx::query_as(
        "SELECT l.id, l.lot_code, p.gtin
           FROM harvest_lots l
           LEFT JOIN product_variants v ON v.id = l.variant_id
           LEFT JOIN products p ON p.id = v.product_id
          WHERE l.id = $1",
    )
    .bind(lot_id)
    .fetch_optional(db.pool())
    .await?;
    Ok(row.map(|(id, code, gtin)| lot_address(&id, &code, gtin.as_deref())))
}
