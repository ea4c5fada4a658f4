//! Large generated catalogs for benchmarks: the demo province's public products copied many
//! times over, under generated producers spread across every commune, with their variants,
//! photos and certificates. Realistic shapes, so the pages and queries do their real work.

use anyhow::Context;
use app::{
    db::{Db, ids::new_id},
    domain::time::db_timestamp,
};
use sqlx::{Any, Row, Transaction};

/// Words that make the copies' names differ the way real listings do.
const NAME_SUFFIXES: &[&str] = &[
    "loại 1",
    "đặc biệt",
    "hộp quà",
    "túi 500 g",
    "vụ mới",
    "nhà vườn",
    "truyền thống",
    "hữu cơ",
    "xuất khẩu",
    "gia đình",
];

struct Source {
    id: String,
    slug: String,
    group_code: String,
    name_vi: String,
    name_en: String,
    description_vi: String,
    description_en: String,
}

/// Adds `products` approved products (and one generated producer per eight of them) to a
/// database that already holds the demo data; called again, it adds more (numbering goes on).
/// Returns the new products' slugs.
pub async fn bulk_catalog(db: &Db, products: usize) -> anyhow::Result<Vec<String>> {
    // Read first, then write in one transaction that starts with a write: on SQLite a
    // transaction that read before writing fails with "database is locked" (a stale snapshot)
    // when the running server wrote in between (its search indexer, say).
    let sources = sources(db).await?;
    anyhow::ensure!(!sources.is_empty(), "load the demo data first");
    let communes: Vec<String> =
        sqlx::query_scalar("SELECT id FROM communes WHERE status = 'active' ORDER BY slug")
            .fetch_all(db.pool())
            .await?;
    // Slugs are numbered on from what is there, so a second batch never collides.
    let (first_producer, first_product): (i64, i64) =
        sqlx::query_as("SELECT (SELECT COUNT(*) FROM producers), (SELECT COUNT(*) FROM products)")
            .fetch_one(db.pool())
            .await?;
    let mut tx = db.begin_write().await?;
    let now = db_timestamp(chrono::Utc::now());
    let (first_producer, first_product) = (first_producer as usize, first_product as usize);
    let producers = products.div_ceil(8).max(1);
    let mut producer_ids = Vec::with_capacity(producers);
    for p in 0..producers {
        let id = new_id();
        sqlx::query(
            "INSERT INTO producers (id, slug, name, kind, commune_id, status, created_at, updated_at)
             VALUES ($1, $2, $3, 'household', $4, 'active', $5, $5)",
        )
        .bind(&id)
        .bind(format!("ho-san-xuat-{}", first_producer + p + 1))
        .bind(format!("Hộ sản xuất {}", first_producer + p + 1))
        .bind(&communes[p % communes.len()])
        .bind(&now)
        .execute(&mut *tx)
        .await
        .context("inserting a producer")?;
        producer_ids.push((id, communes[p % communes.len()].clone()));
    }

    let mut slugs = Vec::with_capacity(products);
    for i in 0..products {
        let src = &sources[i % sources.len()];
        let (producer_id, commune_id) = &producer_ids[i % producer_ids.len()];
        let suffix = NAME_SUFFIXES[(i / sources.len()) % NAME_SUFFIXES.len()];
        let id = new_id();
        let slug = format!("{}-{}", src.slug, first_product + i + 1);
        sqlx::query(
            "INSERT INTO products (id, slug, producer_id, commune_id, group_code, name_vi, name_en,
                                   description_vi, description_en, status, created_at, updated_at,
                                   approved_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'approved', $10, $10, $10)",
        )
        .bind(&id)
        .bind(&slug)
        .bind(producer_id)
        .bind(commune_id)
        .bind(&src.group_code)
        .bind(format!("{} {suffix}", src.name_vi))
        .bind(&src.name_en)
        .bind(&src.description_vi)
        .bind(&src.description_en)
        .bind(&now)
        .execute(&mut *tx)
        .await
        .context("inserting a product")?;
        copy_children(&mut tx, &src.id, &id, i, &now).await?;
        app::search::sync::queue(&mut tx, &[&id]).await?;
        slugs.push(slug);
    }
    tx.commit().await?;
    // PostgreSQL plans from table statistics that autovacuum refreshes only a minute or so
    // later: measured right after a bulk load, its queries ran on plans made for the demo's 18
    // products (search API 38 req/s instead of ~550). Autovacuum also marks the new rows
    // visible to all, which lets the product page count a producer's products from the index
    // alone (a freshly loaded table makes it read every row: 0.1 ms a page). A real catalog
    // grows slowly and is vacuumed; catch up now, as pgbench does after loading its tables.
    if matches!(db.engine(), app::db::Engine::Postgres) {
        sqlx::query(
            "VACUUM (ANALYZE) producers, products, product_variants, product_photos,
                ocop_certificates",
        )
        .execute(db.pool())
        .await?;
        sqlx::query("ANALYZE").execute(db.pool()).await?;
    }
    Ok(slugs)
}

async fn sources(db: &Db) -> anyhow::Result<Vec<Source>> {
    let rows = sqlx::query(
        "SELECT p.id, p.slug, p.group_code, p.name_vi, p.name_en, p.description_vi,
                p.description_en
         FROM products p JOIN producers pr ON pr.id = p.producer_id
         WHERE p.status = 'approved' AND pr.status = 'active'
         ORDER BY p.slug",
    )
    .fetch_all(db.pool())
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| Source {
            id: r.get(0),
            slug: r.get(1),
            group_code: r.get(2),
            name_vi: r.get(3),
            name_en: r.get(4),
            description_vi: r.get(5),
            description_en: r.get(6),
        })
        .collect())
}

/// The source's variants (prices nudged so sorting has work to do), photos and certificates.
async fn copy_children(
    tx: &mut Transaction<'_, Any>,
    source: &str,
    target: &str,
    i: usize,
    now: &str,
) -> anyhow::Result<()> {
    let nudge = (i % 50) as i64 * 1_000;
    let stock = (i % 7) as i64 * 10;
    sqlx::query(
        "INSERT INTO product_variants (id, product_id, label_vi, label_en, unit, net_weight_g,
                                       price_vnd, stock, position, status, created_at, updated_at)
         SELECT $1 || '-' || id, $2, label_vi, label_en, unit, net_weight_g,
                price_vnd + $3, $4, position, status, $5, $5
         FROM product_variants WHERE product_id = $6",
    )
    .bind(target)
    .bind(target)
    .bind(nudge)
    .bind(stock)
    .bind(now)
    .bind(source)
    .execute(&mut **tx)
    .await
    .context("copying variants")?;
    sqlx::query(
        "INSERT INTO product_photos (product_id, photo_id, position)
         SELECT $1, photo_id, position FROM product_photos WHERE product_id = $2",
    )
    .bind(target)
    .bind(source)
    .execute(&mut **tx)
    .await
    .context("copying photo links")?;
    sqlx::query(
        "INSERT INTO ocop_certificates (id, product_id, stars, issuing_level, decision_no,
                                        issued_on, expires_on, group_code, created_at)
         SELECT $1 || '-' || id, $2, stars, issuing_level, decision_no, issued_on, expires_on,
                group_code, $3
         FROM ocop_certificates WHERE product_id = $4",
    )
    .bind(target)
    .bind(target)
    .bind(now)
    .bind(source)
    .execute(&mut **tx)
    .await
    .context("copying certificates")?;
    Ok(())
}
