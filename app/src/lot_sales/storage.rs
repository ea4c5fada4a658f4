//! Lots on order lines in the database: checkout taking a line's units from its variant's lots
//! (inside the checkout's transaction, after the variant rows are locked), a cancellation giving
//! them back, and the reads of the order page, the packing slip, the lot page and EPCIS.
//!
//! Lock order (see [`crate::db`]): orders, then product variants, then harvest lots, each by
//! id. Every write of a lot's `units_left` holds its variant's row first, so units and stock
//! move together.

use std::collections::{BTreeMap, HashMap};

use sqlx::{Any, AnyConnection, FromRow, Transaction};

use crate::{
    catalog::model::CommuneRef,
    db::{
        Db, decode,
        locks::{Row, Stamp, lock_row},
    },
    diary::storage::lot_address,
    domain::time::parse_db_date,
    lot_sales::{
        model::{LineLot, LotOrder, LotShipment, PackingSlip, SlipLine},
        rules::{Allocation, LotStock, Take, Taken, allocate, give_back},
    },
    shop::rules::order::OrderStatus,
};

#[derive(FromRow)]
struct StockRow {
    id: String,
    harvested_on: Option<String>,
    created_at: String,
    verified: i64,
    on_sale: i64,
    units_left: Option<i64>,
}

/// Takes each line (variant, quantity) from its variant's verified lots on sale, oldest
/// harvest first, inside the checkout's transaction. The caller holds the variants' rows (it
/// took their stock); the lots are written here in id order. Returns each variant's
/// allocation; units no lot covers stay unassigned.
#[tracing::instrument(skip_all, fields(lines = lines.len()))]
pub async fn take_for_lines(
    tx: &mut Transaction<'_, Any>,
    lines: &[(&str, i64)],
    now: &str,
) -> Result<HashMap<String, Allocation>, sqlx::Error> {
    let mut allocations: HashMap<String, Allocation> = HashMap::new();
    for (variant_id, quantity) in lines {
        let rows: Vec<StockRow> = sqlx::query_as(LOTS_ON_SALE)
            .bind(*variant_id)
            .fetch_all(&mut **tx)
            .await?;
        let lots: Vec<LotStock> = rows
            .into_iter()
            .map(|r| LotStock {
                harvested_on: r.harvested_on.as_deref().and_then(parse_db_date),
                id: r.id,
                created_at: r.created_at,
                verified: r.verified == 1,
                on_sale: r.on_sale == 1,
                units_left: r.units_left,
            })
            .collect();
        allocations.insert((*variant_id).to_owned(), allocate(&lots, *quantity));
    }
    // Written one lot at a time in id order, whatever the lines' order.
    let mut writes: Vec<(String, String, i64)> = allocations
        .iter()
        .flat_map(|(variant, a)| {
            a.takes
                .iter()
                .map(move |t| (t.lot_id.clone(), variant.clone(), t.quantity))
        })
        .collect();
    writes.sort_unstable();
    for (lot_id, variant, quantity) in writes {
        let done = sqlx::query(TAKE_FROM_LOT)
            .bind(quantity)
            .bind(now)
            .bind(&lot_id)
            .execute(&mut **tx)
            .await?;
        if done.rows_affected() == 0 {
            // Changed under us (it cannot while the variant is held, but a lot's row is the
            // truth): those units stay unassigned rather than taken twice.
            if let Some(a) = allocations.get_mut(&variant) {
                a.takes.retain(|t| t.lot_id != lot_id);
                a.unassigned += quantity;
            }
        }
    }
    Ok(allocations)
}

/// Records which lots an order line came from.
#[tracing::instrument(skip_all, fields(line_id = %line_id))]
pub async fn record_line(
    tx: &mut Transaction<'_, Any>,
    line_id: &str,
    allocation: &Allocation,
) -> Result<(), sqlx::Error> {
    for take in &allocation.takes {
        sqlx::query(RECORD_LINE)
            .bind(line_id)
            .bind(&take.lot_id)
            .bind(take.quantity)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// What a cancelled order gives back to its lots.
#[derive(Debug, Default)]
pub struct GiveBack {
    /// Units per lot going back on sale, in lot id order.
    back: Vec<Take>,
    /// Units per variant that do not go back to its stock (they came from recalled lots).
    withheld: HashMap<String, i64>,
}

impl GiveBack {
    /// The units of `variant_id` that must not return to its stock.
    pub fn withheld(&self, variant_id: &str) -> i64 {
        self.withheld.get(variant_id).copied().unwrap_or(0)
    }
}

/// What `order_id` took from lots, read once the order's variants are held (so no recall can
/// slip between this read and the stock's return).
#[tracing::instrument(skip_all, fields(order_id = %order_id))]
pub async fn taken_by_order(
    conn: &mut AnyConnection,
    order_id: &str,
) -> Result<GiveBack, sqlx::Error> {
    let rows: Vec<(String, String, String, i64)> = sqlx::query_as(TAKEN_BY_ORDER)
        .bind(order_id)
        .fetch_all(conn)
        .await?;
    let mut per_variant: BTreeMap<String, Vec<Taken>> = BTreeMap::new();
    for (lot_id, variant_id, status, quantity) in rows {
        per_variant.entry(variant_id).or_default().push(Taken {
            lot_id,
            quantity,
            recalled: status == "recalled",
        });
    }
    let mut out = GiveBack::default();
    for (variant, taken) in per_variant {
        let (back, withheld) = give_back(&taken);
        out.back.extend(back);
        if withheld > 0 {
            out.withheld.insert(variant, withheld);
        }
    }
    out.back.sort_unstable_by(|a, b| a.lot_id.cmp(&b.lot_id));
    Ok(out)
}

/// Puts the units back on their lots, in lot id order (after the variants' stock): a sold-out
/// lot is on sale again, a recalled one gets nothing.
#[tracing::instrument(skip_all)]
pub async fn return_to_lots(
    tx: &mut Transaction<'_, Any>,
    give: &GiveBack,
    now: &str,
) -> Result<(), sqlx::Error> {
    for take in &give.back {
        sqlx::query(RETURN_TO_LOT)
            .bind(take.quantity)
            .bind(now)
            .bind(&take.lot_id)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// Locks the lots these orders took units from, in id order: for a transaction that holds the
/// orders and their variants and may cancel several orders (see
/// `shop::storage::orders::lock_orders_and_variants`).
#[tracing::instrument(skip_all, fields(orders = order_ids.len()))]
pub async fn lock_lots_of_orders(
    tx: &mut Transaction<'_, Any>,
    order_ids: &[&str],
    now: &str,
) -> Result<(), sqlx::Error> {
    let mut lots = Vec::new();
    for id in order_ids {
        let rows: Vec<(String,)> = sqlx::query_as(LOTS_OF_ORDER)
            .bind(*id)
            .fetch_all(&mut **tx)
            .await?;
        lots.extend(rows.into_iter().map(|(l,)| l));
    }
    lots.sort_unstable();
    lots.dedup();
    for lot in lots {
        lock_row(tx, Row::Lot(&lot), Stamp::UpdatedAt(now)).await?;
    }
    Ok(())
}

#[derive(FromRow)]
struct LineLotRow {
    order_line_id: String,
    lot_id: String,
    lot_code: String,
    quantity: i64,
    harvested_on: Option<String>,
    plot_name: Option<String>,
    commune_slug: Option<String>,
    commune_name: Option<String>,
    commune_kind: Option<String>,
    gtin: Option<String>,
}

/// The lots each line of an order came from, oldest harvest first, by order line id.
#[tracing::instrument(skip_all, fields(order_id = %order_id))]
pub async fn lots_of_lines(
    conn: &mut AnyConnection,
    order_id: &str,
) -> Result<HashMap<String, Vec<LineLot>>, sqlx::Error> {
    let rows: Vec<LineLotRow> = sqlx::query_as(LOTS_OF_LINES)
        .bind(order_id)
        .fetch_all(conn)
        .await?;
    let mut out: HashMap<String, Vec<LineLot>> = HashMap::new();
    for r in rows {
        let commune = match (r.commune_slug, r.commune_name, r.commune_kind) {
            (Some(slug), Some(name), Some(kind)) => Some(CommuneRef { slug, name, kind }),
            _ => None,
        };
        out.entry(r.order_line_id).or_default().push(LineLot {
            path: lot_address(&r.lot_id, &r.lot_code, r.gtin.as_deref()),
            harvested_on: r.harvested_on.as_deref().and_then(parse_db_date),
            lot_id: r.lot_id,
            code: r.lot_code,
            quantity: r.quantity,
            plot: r.plot_name,
            commune,
        });
    }
    Ok(out)
}

/// The producer of a lot and the commune it grows in (the plot's, else the producer's): who
/// may see the orders it went into.
#[tracing::instrument(skip_all, fields(lot_id = %lot_id))]
pub async fn lot_people(db: &Db, lot_id: &str) -> Result<Option<(String, String)>, sqlx::Error> {
    sqlx::query_as(LOT_PEOPLE)
        .bind(lot_id)
        .fetch_optional(db.pool())
        .await
}

/// The units a lot still has on sale (`None`: never put on sale with units, or no such lot).
#[tracing::instrument(skip_all, fields(lot_id = %lot_id))]
pub async fn units_left(db: &Db, lot_id: &str) -> Result<Option<i64>, sqlx::Error> {
    let row: Option<(Option<i64>,)> = sqlx::query_as(UNITS_LEFT)
        .bind(lot_id)
        .fetch_optional(db.pool())
        .await?;
    Ok(row.and_then(|(u,)| u))
}

/// The orders that took units from a lot, newest first.
#[tracing::instrument(skip_all, fields(lot_id = %lot_id))]
pub async fn orders_of_lot(db: &Db, lot_id: &str) -> Result<Vec<LotOrder>, sqlx::Error> {
    let rows: Vec<(String, String, String, i64)> = sqlx::query_as(ORDERS_OF_LOT)
        .bind(lot_id)
        .fetch_all(db.pool())
        .await?;
    rows.into_iter()
        .map(|(order_no, placed_at, status, quantity)| {
            Ok(LotOrder {
                status: decode::text_enum("orders.status", &order_no, &status, OrderStatus::parse)?,
                order_no,
                placed_at,
                quantity,
            })
        })
        .collect()
}

/// The orders with units of this lot that have shipped, first shipped first.
#[tracing::instrument(skip_all, fields(lot_id = %lot_id))]
pub async fn shipments_of_lot(db: &Db, lot_id: &str) -> Result<Vec<LotShipment>, sqlx::Error> {
    let rows: Vec<(String, Option<String>, i64)> = sqlx::query_as(SHIPMENTS_OF_LOT)
        .bind(lot_id)
        .fetch_all(db.pool())
        .await?;
    let mut out: Vec<LotShipment> = rows
        .into_iter()
        .filter_map(|(order_no, shipped_at, quantity)| {
            Some(LotShipment {
                order_no,
                shipped_at: shipped_at?,
                quantity,
            })
        })
        .collect();
    out.sort_by(|a, b| (&a.shipped_at, &a.order_no).cmp(&(&b.shipped_at, &b.order_no)));
    Ok(out)
}

#[derive(FromRow)]
struct SlipRow {
    id: String,
    order_no: String,
    created_at: String,
    status: String,
    producer_id: String,
    producer_name: String,
    contact_name: String,
    street: String,
    commune_name: String,
    province_name: String,
}

/// An order's packing slip and its producer's id (`None`: no such order).
#[tracing::instrument(skip_all, fields(order_no = %order_no))]
pub async fn packing_slip(
    db: &Db,
    order_no: &str,
) -> Result<Option<(String, PackingSlip)>, sqlx::Error> {
    let mut conn = db.pool().acquire().await?;
    let Some(o) = sqlx::query_as::<_, SlipRow>(PACKING_SLIP)
        .bind(order_no)
        .fetch_optional(&mut *conn)
        .await?
    else {
        return Ok(None);
    };
    let lines: Vec<(String, String, String, i64)> = sqlx::query_as(PACKING_SLIP_LINES)
        .bind(&o.id)
        .fetch_all(&mut *conn)
        .await?;
    let mut lots = lots_of_lines(&mut conn, &o.id).await?;
    let slip = PackingSlip {
        status: decode::text_enum("orders.status", &o.id, &o.status, OrderStatus::parse)?,
        order_no: o.order_no,
        placed_at: o.created_at,
        producer_name: o.producer_name,
        contact_name: o.contact_name,
        address: format!("{}, {}, {}", o.street, o.commune_name, o.province_name),
        lines: lines
            .into_iter()
            .map(|(id, product_name, variant_label, quantity)| SlipLine {
                lots: lots.remove(&id).unwrap_or_default(),
                product_name,
                variant_label,
                quantity,
            })
            .collect(),
    };
    Ok(Some((o.producer_id, slip)))
}

// The module's SQL, each statement prepared on both engines by the `sql` integration test.
crate::db::statements! {
    /// `take_for_lines`: the variant's lots checkout may take from.
    LOTS_ON_SALE = "SELECT id, harvested_on, created_at,
              CASE WHEN verified_at IS NULL THEN 0 ELSE 1 END AS verified,
              CASE WHEN status = 'on_sale' THEN 1 ELSE 0 END AS on_sale, units_left
         FROM harvest_lots
        WHERE variant_id = $1 AND status = 'on_sale' AND verified_at IS NOT NULL
          AND units_left > 0
        ORDER BY id";
    /// `take_for_lines`: a lot reaching 0 is sold out.
    TAKE_FROM_LOT = "UPDATE harvest_lots
          SET units_left = units_left - $1,
              status = CASE WHEN units_left = $1 THEN 'sold_out' ELSE status END,
              updated_at = $2
        WHERE id = $3 AND status = 'on_sale' AND units_left >= $1";
    /// `record_line`.
    RECORD_LINE = "INSERT INTO order_line_lots (order_line_id, lot_id, quantity) VALUES ($1, $2, $3)";
    /// `taken_by_order`: (lot, its variant, its status, units taken).
    TAKEN_BY_ORDER = "SELECT oll.lot_id, ol.variant_id, l.status, CAST(SUM(oll.quantity) AS BIGINT)
         FROM order_line_lots oll
         JOIN order_lines ol ON ol.id = oll.order_line_id
         JOIN harvest_lots l ON l.id = oll.lot_id
        WHERE ol.order_id = $1
        GROUP BY oll.lot_id, ol.variant_id, l.status
        ORDER BY oll.lot_id";
    /// `return_to_lots`: a sold-out lot goes back on sale; a recalled lot stays as it is.
    RETURN_TO_LOT = "UPDATE harvest_lots
          SET units_left = COALESCE(units_left, 0) + $1,
              status = CASE WHEN status = 'sold_out' THEN 'on_sale' ELSE status END,
              updated_at = $2
        WHERE id = $3 AND status <> 'recalled'";
    /// `lock_lots_of_orders`.
    LOTS_OF_ORDER = "SELECT DISTINCT oll.lot_id FROM order_line_lots oll
         JOIN order_lines ol ON ol.id = oll.order_line_id
        WHERE ol.order_id = $1";
    /// `lots_of_lines`.
    LOTS_OF_LINES = "SELECT oll.order_line_id, l.id AS lot_id, l.lot_code, oll.quantity, l.harvested_on,
              pl.name AS plot_name, c.slug AS commune_slug, c.name AS commune_name,
              c.kind AS commune_kind, p.gtin
         FROM order_line_lots oll
         JOIN order_lines ol ON ol.id = oll.order_line_id
         JOIN harvest_lots l ON l.id = oll.lot_id
         JOIN producers pr ON pr.id = l.producer_id
         LEFT JOIN plots pl ON pl.id = l.plot_id
         LEFT JOIN communes c ON c.id = COALESCE(pl.commune_id, pr.commune_id)
         LEFT JOIN product_variants v ON v.id = l.variant_id
         LEFT JOIN products p ON p.id = v.product_id
        WHERE ol.order_id = $1
        ORDER BY l.harvested_on, l.created_at, l.id";
    /// `lot_people`.
    LOT_PEOPLE = "SELECT l.producer_id, COALESCE(pl.commune_id, pr.commune_id)
         FROM harvest_lots l
         JOIN producers pr ON pr.id = l.producer_id
         LEFT JOIN plots pl ON pl.id = l.plot_id
        WHERE l.id = $1";
    /// `units_left`.
    UNITS_LEFT = "SELECT units_left FROM harvest_lots WHERE id = $1";
    /// `orders_of_lot`.
    ORDERS_OF_LOT = "SELECT o.order_no, o.created_at, o.status, CAST(SUM(oll.quantity) AS BIGINT)
         FROM order_line_lots oll
         JOIN order_lines ol ON ol.id = oll.order_line_id
         JOIN orders o ON o.id = ol.order_id
        WHERE oll.lot_id = $1
        GROUP BY o.id, o.order_no, o.created_at, o.status
        ORDER BY o.created_at DESC, o.order_no
        LIMIT 500";
    /// `shipments_of_lot`: an order's first `shipped` step is when it left (none: not shipped).
    SHIPMENTS_OF_LOT = "SELECT o.order_no,
              (SELECT MIN(h.created_at) FROM order_status_history h
                WHERE h.order_id = o.id AND h.to_status = 'shipped') AS shipped_at,
              CAST(SUM(oll.quantity) AS BIGINT)
         FROM order_line_lots oll
         JOIN order_lines ol ON ol.id = oll.order_line_id
         JOIN orders o ON o.id = ol.order_id
        WHERE oll.lot_id = $1
        GROUP BY o.id, o.order_no
        ORDER BY o.order_no
        LIMIT 1000";
    /// `packing_slip`.
    PACKING_SLIP = "SELECT o.id, o.order_no, o.created_at, o.status, o.producer_id,
              pr.name AS producer_name, c.contact_name, c.street, c.commune_name, c.province_name
         FROM orders o
         JOIN producers pr ON pr.id = o.producer_id
         JOIN checkouts c ON c.id = o.checkout_id
        WHERE o.order_no = $1";
    /// `packing_slip`.
    PACKING_SLIP_LINES = "SELECT id, product_name, variant_label, quantity FROM order_lines
        WHERE order_id = $1 ORDER BY product_name, variant_label";
}
