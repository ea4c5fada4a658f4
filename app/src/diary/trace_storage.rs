//! A lot's public traceability record: where it grew, its season's diary, the pre-harvest
//! interval, the officer's stamp and the state of the plot's hash chain.

use chrono::NaiveDate;
use sqlx::FromRow;

use super::{
    model::{
        ClearedVerification, LotFacts, LotTrace, PlotFacts, TracedProducer, TracedProduct,
        Verification,
    },
    storage::{Season, chain_status, lot_address, phi_status, plot_entries, timeline},
};
use crate::{
    auth::{Action, Actor, authorize},
    catalog::model::CommuneRef,
    db::Db,
    domain::time::{parse_db_date, vietnam_date},
    i18n::Locale,
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
    cleared_verified_at: Option<String>,
    cleared_officer_name: Option<String>,
    verification_cleared_at: Option<String>,
    verified_chain_seq: Option<i64>,
    verified_chain_head: Option<String>,
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

/// A lot a lookup found and the asker may see.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FoundLot {
    pub id: String,
    /// Published (harvested, on sale or later): anyone may see it, and shared caches may keep
    /// what shows it. A growing lot is seen only by those [`Action::SeeUnpublishedLot`] allows.
    pub public: bool,
    /// The asker is one of those (the producer's people, the commune's officers, an
    /// administrator): they also see what the plant-protection register noted on sprayings.
    pub insider: bool,
}

/// A lot is published from its harvest on; before that its code is guessable and its diary is
/// the producer's business.
const PUBLISHED: &str = "l.status <> 'growing'";

/// `find_lot`'s columns: (id, published, producer, commune the lot grows in).
const FIND_LOT_SELECT: &str = const_format::concatcp!(
    "SELECT l.id, CASE WHEN ",
    PUBLISHED,
    " THEN 1 ELSE 0 END, l.producer_id,
            COALESCE(pl.commune_id, pr.commune_id)
       FROM harvest_lots l
       JOIN producers pr ON pr.id = l.producer_id
       LEFT JOIN plots pl ON pl.id = l.plot_id"
);

/// The lot for a lookup key, if one of an active producer matches and `viewer` may see it
/// (anyone once published; before that, see [`Action::SeeUnpublishedLot`]).
#[tracing::instrument(skip_all)]
pub async fn find_lot(
    db: &Db,
    key: LotKey<'_>,
    viewer: Option<&Actor>,
) -> Result<Option<FoundLot>, sqlx::Error> {
    // (id, published, producer, commune the lot grows in)
    type Row = (String, i64, String, String);
    let row: Option<Row> = match key {
        LotKey::Id(id) => {
            sqlx::query_as(FIND_LOT_BY_ID)
                .bind(id)
                .fetch_optional(db.pool())
                .await?
        }
        LotKey::Gs1 { gtin, lot_code } => {
            sqlx::query_as(FIND_LOT_BY_GS1)
                .bind(gtin)
                .bind(lot_code)
                .fetch_optional(db.pool())
                .await?
        }
    };
    Ok(row.and_then(|(id, published, producer_id, commune_id)| {
        let public = published == 1;
        let insider = authorize(
            viewer,
            Action::SeeUnpublishedLot {
                producer_id: &producer_id,
                commune_id: &commune_id,
            },
        )
        .is_ok();
        (public || insider).then_some(FoundLot {
            id,
            public,
            insider,
        })
    }))
}

/// The trace as someone outside the lot's producer and commune sees it: without what the
/// plant-protection register noted on its sprayings (an officer's and the producer's business).
pub fn for_outsiders(mut trace: LotTrace) -> LotTrace {
    for entry in &mut trace.timeline {
        entry.register = None;
    }
    trace
}

/// Published lots with this code (lot codes are unique per producer only).
#[tracing::instrument(skip_all, fields(code = %code))]
pub async fn lots_with_code(db: &Db, code: &str) -> Result<Vec<String>, sqlx::Error> {
    let rows: Vec<(String,)> = sqlx::query_as(LOTS_WITH_CODE)
        .bind(code.trim().to_ascii_uppercase())
        .fetch_all(db.pool())
        .await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

/// A lot's whole record (`None`: no such lot, or its producer is not active). Who may see it
/// is [`find_lot`]'s business.
#[tracing::instrument(skip_all, fields(lot_id = %lot_id))]
pub async fn lot_trace(
    db: &Db,
    lot_id: &str,
    locale: Locale,
    label: Option<&crate::diary::anchors::Anchor>,
) -> Result<Option<LotTrace>, sqlx::Error> {
    let mut conn = db.pool().acquire().await?;
    let Some(r) = sqlx::query_as::<_, TraceRow>(LOT_TRACE)
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
    let anchors = anchors_of(&rows, &r, label);
    let in_season = Season::of(&rows, lot_id, harvested_on);
    let season: Vec<_> = rows
        .iter()
        .filter(|e| in_season.holds(e.lot_id.as_deref(), e.on()))
        .cloned()
        .collect();
    let entries = timeline(
        &mut conn,
        &season,
        r.crop.as_deref().unwrap_or_default(),
        locale,
    )
    .await?;
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
    let recall = if r.status == "recalled" {
        super::recall::storage::lot_recall(&mut conn, lot_id).await?
    } else {
        None
    };
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
                verified_on: day_of(&at),
            }),
            _ => None,
        },
        cleared_verification: match (
            r.cleared_verified_at,
            r.cleared_officer_name,
            r.verification_cleared_at,
        ) {
            (Some(at), Some(officer_name), Some(cleared)) => Some(ClearedVerification {
                officer_name,
                verified_on: day_of(&at),
                corrected_on: day_of(&cleared),
            }),
            _ => None,
        },
        chain,
        anchors,
        recall,
    }))
}

/// The plot's head now, and the stamp's and the label's heads against the chain as it is.
fn anchors_of(
    rows: &[super::storage::EntryRow],
    r: &TraceRow,
    label: Option<&crate::diary::anchors::Anchor>,
) -> crate::diary::model::AnchorsView {
    use crate::diary::{
        anchors::{Anchor, ChainHead},
        model::{AnchorCheck, AnchorsView},
    };
    let chain: Vec<(i64, String)> = rows.iter().map(|e| (e.seq, e.entry_hash.clone())).collect();
    let check = |anchor: &Anchor| AnchorCheck {
        seq: anchor.seq,
        holds: anchor.holds(&chain),
    };
    let stamp = match (&r.verified_at, r.verified_chain_seq, &r.verified_chain_head) {
        (Some(_), Some(seq), Some(hash)) => Some(check(&Anchor::of(&ChainHead {
            seq,
            hash: hash.clone(),
        }))),
        _ => None,
    };
    AnchorsView {
        head_digest: rows.last().map(|e| {
            ChainHead {
                seq: e.seq,
                hash: e.entry_hash.clone(),
            }
            .digest()
        }),
        stamp,
        label: label.map(check),
    }
}

/// The Vietnam day of a stored instant (or of a bare date).
fn day_of(at: &str) -> NaiveDate {
    chrono::DateTime::parse_from_rfc3339(at)
        .map(|t| vietnam_date(t.to_utc()))
        .ok()
        .or_else(|| at.get(..10).and_then(parse_db_date))
        .unwrap_or_default()
}

/// Lots awaiting an officer's stamp in these communes (all communes for `None`), harvested
/// first: (lot id, lot code, producer, public path, whether a correction cleared its stamp).
#[allow(clippy::type_complexity)] // the span repeats the row tuple in its expansion
#[tracing::instrument(skip_all, fields(?communes))]
pub async fn unverified_lots(
    db: &Db,
    communes: Option<&[String]>,
) -> Result<Vec<(String, String, String, String, bool)>, sqlx::Error> {
    type Row = (String, String, String, String, Option<String>, i64);
    let rows: Vec<Row> = sqlx::query_as(UNVERIFIED_LOTS).fetch_all(db.pool()).await?;
    Ok(rows
        .into_iter()
        .filter(|(_, _, _, commune, _, _)| communes.is_none_or(|cs| cs.contains(commune)))
        .map(|(id, code, producer, _, gtin, cleared)| {
            let path = lot_address(&id, &code, gtin.as_deref());
            (id, code, producer, path, cleared == 1)
        })
        .collect())
}

/// A lot's public path (GS1 Digital Link or stable lot URL).
#[tracing::instrument(skip_all, fields(lot_id = %lot_id))]
pub async fn lot_address_of(db: &Db, lot_id: &str) -> Result<Option<String>, sqlx::Error> {
    let row: Option<(String, String, Option<String>)> = sqlx::query_as(LOT_ADDRESS_OF)
        .bind(lot_id)
        .fetch_optional(db.pool())
        .await?;
    Ok(row.map(|(id, code, gtin)| lot_address(&id, &code, gtin.as_deref())))
}

// The module's SQL, each statement prepared on both engines by the `sql` integration test.
crate::db::statements! {
    /// `lot_trace`.
    LOT_TRACE = "SELECT l.id, l.lot_code, l.status, l.harvested_on, l.quantity_kg, l.grade, l.verified_at,
              u.display_name AS officer_name,
              l.cleared_verified_at, cu.display_name AS cleared_officer_name,
              l.verification_cleared_at, l.verified_chain_seq, l.verified_chain_head,
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
         LEFT JOIN users cu ON cu.id = l.cleared_verified_by
         LEFT JOIN plots pl ON pl.id = l.plot_id
         LEFT JOIN communes pc ON pc.id = pl.commune_id
         LEFT JOIN product_variants v ON v.id = l.variant_id
         LEFT JOIN products p ON p.id = v.product_id
        WHERE l.id = $1 AND pr.status = 'active'";
    /// `unverified_lots`.
    UNVERIFIED_LOTS = "SELECT l.id, l.lot_code, pr.name, pl.commune_id, p.gtin,
              CASE WHEN l.verification_cleared_at IS NULL THEN 0 ELSE 1 END
         FROM harvest_lots l
         JOIN producers pr ON pr.id = l.producer_id
         JOIN plots pl ON pl.id = l.plot_id
         LEFT JOIN product_variants v ON v.id = l.variant_id
         LEFT JOIN products p ON p.id = v.product_id
        WHERE l.verified_at IS NULL AND l.status IN ('harvested', 'on_sale')
        ORDER BY l.harvested_on, l.lot_code";
    /// `lot_address_of`.
    LOT_ADDRESS_OF = "SELECT l.id, l.lot_code, p.gtin
         FROM harvest_lots l
         LEFT JOIN product_variants v ON v.id = l.variant_id
         LEFT JOIN products p ON p.id = v.product_id
        WHERE l.id = $1";
    /// `lots_with_code`.
    LOTS_WITH_CODE = const_format::concatcp!("SELECT l.id FROM harvest_lots l JOIN producers pr ON pr.id = l.producer_id
        WHERE l.lot_code = $1 AND pr.status = 'active' AND ", PUBLISHED, " ORDER BY l.id");
    /// `find_lot`, by the lot's id.
    FIND_LOT_BY_ID = const_format::concatcp!(FIND_LOT_SELECT, " WHERE l.id = $1 AND pr.status = 'active'");
    /// `find_lot`, by a GS1 code (GTIN and lot code).
    FIND_LOT_BY_GS1 = const_format::concatcp!(FIND_LOT_SELECT, "
        JOIN product_variants v ON v.id = l.variant_id
        JOIN products p ON p.id = v.product_id
        WHERE p.gtin = $1 AND l.lot_code = $2 AND pr.status = 'active'");
}
