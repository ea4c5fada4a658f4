//! The demo producers' delivery settings, written through the sellers' own storage: a fee table
//! that grows with distance (Hưng Yên, its neighbours, the rest of the country), and fresh goods
//! (longan on the branch, Đông Tảo chickens) that travel only to the neighbouring provinces.

use app::{
    db::{Db, ids::stable_id},
    domain::money::Vnd,
    seller::shipping_storage,
    shop::rules::shipping::{Reach, ShippingTable, ZoneFee},
};
use chrono::Utc;

use super::data::DemoData;

/// Fresh listings, by product key: they reach the neighbouring provinces only.
const FRESH: &[&str] = &[
    "nhan-long-hung-yen",
    "nhan-long-khoai-chau",
    "ga-dong-tao",
    "ga-dong-tao-lam-sach",
];

fn zone(first: i64, next: i64) -> anyhow::Result<ZoneFee> {
    Ok(ZoneFee {
        first_500g: Vnd::new(first)?,
        next_500g: Vnd::new(next)?,
    })
}

pub(super) async fn settings(db: &Db, demo: &DemoData) -> anyhow::Result<()> {
    let now = Utc::now();
    // What a Vietnamese carrier charges a small shop in 2025, roughly.
    let table = ShippingTable {
        same_province: zone(18_000, 2_500)?,
        neighbouring: zone(25_000, 3_500)?,
        country: zone(35_000, 5_000)?,
        free_over: Some(Vnd::new(1_500_000)?),
    };
    for producer in &demo.producers {
        let id = stable_id("producer", &producer.key);
        shipping_storage::save_table(db, &id, &table, now).await?;
    }
    for key in FRESH {
        if demo.products.iter().any(|p| p.key == *key) {
            let id = stable_id("product", key);
            shipping_storage::set_reach(db, &id, Reach::Neighbours, now).await?;
        }
    }
    Ok(())
}
