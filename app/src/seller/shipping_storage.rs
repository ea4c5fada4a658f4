//! A producer's delivery settings in the database: its shipping table (fees by zone and weight,
//! free above a value) and how far each of its listings may go.

use chrono::{DateTime, Utc};

use crate::{
    db::{Db, decode},
    domain::time::db_timestamp,
    shop::rules::shipping::{Reach, ShippingTable, ZoneFee},
};

/// A producer's table as buyers are charged: its own, or its former fee in every zone (then
/// `own` is false). `None` for no such producer; a bad stored value is an error (logged).
pub async fn table(
    db: &Db,
    producer_id: &str,
) -> Result<Option<(ShippingTable, bool)>, sqlx::Error> {
    type Row = (
        String,
        i64,
        i64,
        Option<i64>,
        Option<i64>,
        Option<i64>,
        Option<i64>,
        Option<i64>,
        Option<i64>,
        Option<i64>,
    );
    let row: Option<Row> = sqlx::query_as(TABLE)
        .bind(producer_id)
        .fetch_optional(db.pool())
        .await?;
    let Some((mode, base, per_kg, sf, sn, nf, nn, ff, fnx, free)) = row else {
        return Ok(None);
    };
    let money = |column: &'static str, v: i64| decode::vnd(column, producer_id, v);
    if let (Some(sf), Some(sn), Some(nf), Some(nn), Some(ff), Some(fnx)) = (sf, sn, nf, nn, ff, fnx)
    {
        let zone = |a, b| -> Result<ZoneFee, sqlx::Error> {
            Ok(ZoneFee {
                first_500g: money("producer_shipping", a)?,
                next_500g: money("producer_shipping", b)?,
            })
        };
        let table = ShippingTable {
            same_province: zone(sf, sn)?,
            neighbouring: zone(nf, nn)?,
            country: zone(ff, fnx)?,
            free_over: free
                .map(|v| money("producer_shipping.free_over_vnd", v))
                .transpose()?,
        };
        return Ok(Some((table, true)));
    }
    ShippingTable::from_former(&mode, base, per_kg)
        .map(|t| Some((t, false)))
        .ok_or_else(|| {
            decode::bad_value(
                "producers.shipping_mode",
                producer_id,
                &mode,
                "is not a shipping rule",
            )
        })
}

/// Saves `producer_id`'s own table (replacing the former fee or an earlier table).
pub async fn save_table(
    db: &Db,
    producer_id: &str,
    table: &ShippingTable,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let mut tx = db.begin_write().await?;
    sqlx::query(SAVE_TABLE)
        .bind(producer_id)
        .bind(table.same_province.first_500g.dong())
        .bind(table.same_province.next_500g.dong())
        .bind(table.neighbouring.first_500g.dong())
        .bind(table.neighbouring.next_500g.dong())
        .bind(table.country.first_500g.dong())
        .bind(table.country.next_500g.dong())
        .bind(table.free_over.map(|v| v.dong()))
        .bind(db_timestamp(now))
        .execute(&mut *tx)
        .await?;
    tx.commit().await
}

/// Sets how far a listing may be delivered.
pub async fn set_reach(
    db: &Db,
    product_id: &str,
    reach: Reach,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let mut tx = db.begin_write().await?;
    sqlx::query(SET_REACH)
        .bind(reach.as_str())
        .bind(db_timestamp(now))
        .bind(product_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await
}

crate::db::statements! {
    /// `table`.
    TABLE = "SELECT pr.shipping_mode, pr.shipping_base_vnd, pr.shipping_per_kg_vnd,
               ps.same_first_vnd, ps.same_next_vnd, ps.near_first_vnd, ps.near_next_vnd,
               ps.far_first_vnd, ps.far_next_vnd, ps.free_over_vnd
        FROM producers pr LEFT JOIN producer_shipping ps ON ps.producer_id = pr.id
        WHERE pr.id = $1";
    /// `save_table`.
    SAVE_TABLE = "INSERT INTO producer_shipping (producer_id, same_first_vnd, same_next_vnd,
           near_first_vnd, near_next_vnd, far_first_vnd, far_next_vnd, free_over_vnd, updated_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
        ON CONFLICT (producer_id) DO UPDATE SET same_first_vnd = excluded.same_first_vnd,
          same_next_vnd = excluded.same_next_vnd, near_first_vnd = excluded.near_first_vnd,
          near_next_vnd = excluded.near_next_vnd, far_first_vnd = excluded.far_first_vnd,
          far_next_vnd = excluded.far_next_vnd, free_over_vnd = excluded.free_over_vnd,
          updated_at = excluded.updated_at";
    /// `set_reach`.
    SET_REACH = "UPDATE products SET delivery_reach = $1, updated_at = $2 WHERE id = $3";
}
