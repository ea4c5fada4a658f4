//! Writing a checked OCOP product list into a commune: producers, products (approved: the
//! officer is the one who approves), one variant each, and certificates. Matching is by name
//! (folded, so "HTX Nhãn" and "htx nhan" are one producer) within the commune, so importing the
//! same file again changes nothing.
//!
//! The preview and the import run the very same code: the preview in a transaction that is
//! rolled back, the import in one that is committed.

use chrono::{DateTime, Utc};
use serde_json::json;
use sqlx::{Any, Transaction};

use crate::{
    auth::producers::{NewProducer, insert_producer_in},
    db::{
        Db,
        audit::{self, AuditEntry},
        ids::stable_id,
    },
    domain::{
        fold::fold,
        product::{ProducerStatus, ProductStatus},
        slug::Slug,
        time::{db_date, db_timestamp},
    },
    officer::{
        model::{Change, ImportReport, PlannedRow},
        rules::ocop_import::ImportRow,
    },
    seller::{
        rules::{ProductInput, VariantInput},
        storage::{NewProduct, NewVariant, insert_product_in, insert_variant_in},
    },
};

/// What importing `rows` into the commune would do, row by row; nothing is written.
#[tracing::instrument(skip_all, fields(commune_id = %commune_id, rows = rows.len()))]
pub async fn preview(
    db: &Db,
    commune_id: &str,
    rows: &[ImportRow],
    now: DateTime<Utc>,
) -> Result<Vec<PlannedRow>, sqlx::Error> {
    let mut tx = db.begin_write().await?;
    let planned = run(&mut tx, commune_id, rows, now).await?;
    tx.rollback().await?;
    Ok(planned)
}

/// Imports `rows` in one transaction (audited as one entry).
#[tracing::instrument(skip_all, fields(commune_id = %commune_id, rows = rows.len(), ?actor_user_id))]
pub async fn import(
    db: &Db,
    commune_id: &str,
    rows: &[ImportRow],
    actor_user_id: Option<&str>,
    now: DateTime<Utc>,
) -> Result<ImportReport, sqlx::Error> {
    let mut tx = db.begin_write().await?;
    let planned = run(&mut tx, commune_id, rows, now).await?;
    let report = ImportReport::of(&planned);
    audit::record(
        &mut tx,
        AuditEntry {
            actor_user_id,
            action: "import.ocop_list",
            subject_type: "commune",
            subject_id: commune_id,
            details: json!({
                "rows": rows.len(),
                "created": report.created,
                "updated": report.updated,
                "unchanged": report.unchanged,
            }),
            ip: None,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(report)
}

async fn run(
    tx: &mut Transaction<'_, Any>,
    commune_id: &str,
    rows: &[ImportRow],
    now: DateTime<Utc>,
) -> Result<Vec<PlannedRow>, sqlx::Error> {
    let at = db_timestamp(now);
    let mut planned = Vec::with_capacity(rows.len());
    for row in rows {
        let (producer_id, producer) = producer(tx, commune_id, row, &at).await?;
        let (product_id, product) = product(tx, &producer_id, row, &at).await?;
        let variant = variant(tx, &product_id, row, &at).await?;
        let certificate = certificate(tx, &product_id, row, &at).await?;
        if [product, variant, certificate] != [Change::Unchanged; 3] {
            crate::search::sync::queue(tx, &[&product_id]).await?;
        }
        planned.push(PlannedRow {
            row: row.row,
            producer_name: row.producer.clone(),
            product_name: row.product.clone(),
            stars: row.certificate.stars().get(),
            producer,
            product: product.max(variant),
            certificate,
        });
    }
    Ok(planned)
}

/// The first free slug from `text`, where `taken_by` finds the row already holding a slug.
async fn free_slug(
    tx: &mut Transaction<'_, Any>,
    taken_by: &str,
    text: &str,
) -> Result<String, sqlx::Error> {
    let base = Slug::from_text(text)
        .map(String::from)
        .unwrap_or_else(|_| "ocop".to_owned());
    for n in 1..1000 {
        let slug = if n == 1 {
            base.clone()
        } else {
            format!("{base}-{n}")
        };
        let taken: Option<String> = sqlx::query_scalar(taken_by)
            .bind(&slug)
            .fetch_optional(&mut **tx)
            .await?;
        if taken.is_none() {
            return Ok(slug);
        }
    }
    Err(sqlx::Error::Protocol(format!("no free slug for {text:?}")))
}

async fn producer(
    tx: &mut Transaction<'_, Any>,
    commune_id: &str,
    row: &ImportRow,
    at: &str,
) -> Result<(String, Change), sqlx::Error> {
    let existing: Vec<(String, String, String, Option<String>)> =
        sqlx::query_as(PRODUCER_SELECT_PRODUCERS)
            .bind(commune_id)
            .fetch_all(&mut **tx)
            .await?;
    let phone = row.phone.as_ref().map(|p| p.e164());
    let wanted = fold(&row.producer);
    if let Some((id, _, kind, old_phone)) = existing.iter().find(|(_, n, _, _)| fold(n) == wanted) {
        // An empty phone cell keeps the phone on record.
        let phone = phone.or_else(|| old_phone.clone());
        if kind == row.producer_kind.as_str() && *old_phone == phone {
            return Ok((id.clone(), Change::Unchanged));
        }
        sqlx::query(PRODUCER_UPDATE_PRODUCERS)
            .bind(row.producer_kind.as_str())
            .bind(phone)
            .bind(at)
            .bind(id)
            .execute(&mut **tx)
            .await?;
        return Ok((id.clone(), Change::Update));
    }
    let id = stable_id("import-producer", &format!("{commune_id}:{wanted}"));
    let slug = free_slug(tx, FREE_SLUG_PRODUCERS, &row.producer).await?;
    let new = NewProducer {
        id: &id,
        slug: &slug,
        name: &row.producer,
        kind: row.producer_kind,
        commune_id,
        phone: row.phone.as_ref(),
        status: ProducerStatus::Active,
        applied_by: None,
        description_vi: "",
        description_en: "",
    };
    insert_producer_in(tx, &new, at).await?;
    Ok((id, Change::Create))
}

/// The producer's product of that name (the commune is the producer's).
async fn product(
    tx: &mut Transaction<'_, Any>,
    producer_id: &str,
    row: &ImportRow,
    at: &str,
) -> Result<(String, Change), sqlx::Error> {
    let existing: Vec<(String, String, String)> = sqlx::query_as(PRODUCT_SELECT_PRODUCTS)
        .bind(producer_id)
        .fetch_all(&mut **tx)
        .await?;
    let wanted = fold(&row.product);
    if let Some((id, _, group)) = existing.iter().find(|(_, n, _)| fold(n) == wanted) {
        if *group == row.group {
            return Ok((id.clone(), Change::Unchanged));
        }
        sqlx::query(PRODUCT_UPDATE_PRODUCTS)
            .bind(&row.group)
            .bind(at)
            .bind(id)
            .execute(&mut **tx)
            .await?;
        return Ok((id.clone(), Change::Update));
    }
    let id = stable_id("import-product", &format!("{producer_id}:{wanted}"));
    let slug = free_slug(tx, FREE_SLUG_PRODUCTS, &row.product).await?;
    let input = ProductInput {
        name_vi: row.product.clone(),
        name_en: String::new(),
        group_code: row.group.clone(),
        description_vi: String::new(),
        description_en: String::new(),
        gtin: None,
    };
    let new = NewProduct {
        id: &id,
        slug: &slug,
        producer_id,
        input: &input,
        gi_name: None,
        status: ProductStatus::Approved,
    };
    insert_product_in(tx, &new, at).await?;
    Ok((id, Change::Create))
}

/// The one variant an import keeps per product (its price and unit follow the file).
async fn variant(
    tx: &mut Transaction<'_, Any>,
    product_id: &str,
    row: &ImportRow,
    at: &str,
) -> Result<Change, sqlx::Error> {
    let id = stable_id("import-variant", product_id);
    let existing: Option<(i64, String)> = sqlx::query_as(VARIANT_SELECT_PRODUCT_VARIANTS)
        .bind(&id)
        .fetch_optional(&mut **tx)
        .await?;
    match existing {
        Some((price, unit)) if price == row.price.dong() && unit == row.unit.as_str() => {
            Ok(Change::Unchanged)
        }
        Some(_) => {
            sqlx::query(VARIANT_UPDATE_PRODUCT_VARIANTS)
                .bind(row.price.dong())
                .bind(row.unit.as_str())
                .bind(at)
                .bind(&id)
                .execute(&mut **tx)
                .await?;
            Ok(Change::Update)
        }
        None => {
            // A product the producer already sells keeps its own variants.
            let has_variants: i64 = sqlx::query_scalar(VARIANT_SELECT_PRODUCT_VARIANTS_2)
                .bind(product_id)
                .fetch_one(&mut **tx)
                .await?;
            if has_variants > 0 {
                return Ok(Change::Unchanged);
            }
            let input = VariantInput {
                label_vi: format!("Theo {}", row.unit.as_str()),
                unit: row.unit,
                net_weight_g: None,
                price: row.price,
                stock: 0,
            };
            let new = NewVariant {
                id: &id,
                product_id,
                input: &input,
                label_en: "",
            };
            insert_variant_in(tx, &new, at).await?;
            Ok(Change::Create)
        }
    }
}

async fn certificate(
    tx: &mut Transaction<'_, Any>,
    product_id: &str,
    row: &ImportRow,
    at: &str,
) -> Result<Change, sqlx::Error> {
    let c = &row.certificate;
    let existing: Option<(String, i64, String, String)> =
        sqlx::query_as(CERTIFICATE_SELECT_OCOP_CERTIFICATES)
            .bind(product_id)
            .bind(c.decision_no())
            .fetch_optional(&mut **tx)
            .await?;
    let (issued, expires) = (db_date(c.issued_on()), db_date(c.expires_on()));
    let stars = i64::from(c.stars());
    match existing {
        Some((_, s, i, e)) if s == stars && i == issued && e == expires => Ok(Change::Unchanged),
        Some((id, ..)) => {
            sqlx::query(CERTIFICATE_UPDATE_OCOP_CERTIFICATES)
                .bind(stars)
                .bind(c.level().as_str())
                .bind(&issued)
                .bind(&expires)
                .bind(id)
                .execute(&mut **tx)
                .await?;
            Ok(Change::Update)
        }
        None => {
            sqlx::query(CERTIFICATE_INSERT_OCOP_CERTIFICATES)
                .bind(stable_id(
                    "import-certificate",
                    &format!("{product_id}:{}", c.decision_no()),
                ))
                .bind(product_id)
                .bind(stars)
                .bind(c.level().as_str())
                .bind(c.decision_no())
                .bind(&issued)
                .bind(&expires)
                .bind(at)
                .execute(&mut **tx)
                .await?;
            Ok(Change::Create)
        }
    }
}

/// An upload waiting for confirmation.
pub struct Batch {
    pub commune_id: String,
    pub commune_name: String,
    pub filename: String,
    pub cells: Vec<Vec<String>>,
}

/// Keeps an uploaded file's cells until the officer confirms; returns the batch id.
#[tracing::instrument(skip_all, fields(commune_id = %commune_id, ?user_id))]
pub async fn save_batch(
    db: &Db,
    commune_id: &str,
    user_id: Option<&str>,
    filename: &str,
    cells: &[Vec<String>],
    now: DateTime<Utc>,
) -> Result<String, sqlx::Error> {
    let id = crate::db::ids::new_id();
    sqlx::query(SAVE_BATCH)
        .bind(&id)
        .bind(commune_id)
        .bind(user_id)
        .bind(filename)
        .bind(serde_json::to_string(cells).unwrap_or_else(|_| "[]".to_owned()))
        .bind(db_timestamp(now))
        .execute(db.pool())
        .await?;
    Ok(id)
}

#[tracing::instrument(skip_all, fields(batch_id = %id))]
pub async fn batch(db: &Db, id: &str) -> Result<Option<Batch>, sqlx::Error> {
    let row: Option<(String, String, String, String)> = sqlx::query_as(BATCH)
        .bind(id)
        .fetch_optional(db.pool())
        .await?;
    Ok(row.map(|(commune_id, commune_name, filename, json)| Batch {
        commune_id,
        commune_name,
        filename,
        cells: serde_json::from_str(&json).unwrap_or_default(),
    }))
}

#[tracing::instrument(skip_all, fields(batch_id = %id))]
pub async fn delete_batch(db: &Db, id: &str) -> Result<(), sqlx::Error> {
    sqlx::query(DELETE_BATCH)
        .bind(id)
        .execute(db.pool())
        .await?;
    Ok(())
}

/// The product group codes a row may name.
#[tracing::instrument(skip_all)]
pub async fn group_codes(db: &Db) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar(GROUP_CODES).fetch_all(db.pool()).await
}

/// A batch's preview: every row's plan and every row's error.
#[tracing::instrument(skip_all, fields(batch_id = %batch_id))]
pub async fn preview_batch(
    db: &Db,
    batch_id: &str,
    batch: &Batch,
    now: DateTime<Utc>,
) -> Result<crate::officer::model::ImportPreview, sqlx::Error> {
    let groups = group_codes(db).await?;
    let (rows, errors, file_error) =
        match crate::officer::rules::ocop_import::check(&batch.cells, &groups) {
            Ok(checked) => (
                preview(db, &batch.commune_id, &checked.rows, now).await?,
                checked.errors,
                None,
            ),
            Err(e) => (Vec::new(), Vec::new(), Some(e.to_string())),
        };
    Ok(crate::officer::model::ImportPreview {
        batch_id: batch_id.to_owned(),
        commune_name: batch.commune_name.clone(),
        filename: batch.filename.clone(),
        rows,
        errors,
        file_error,
    })
}

// The module's SQL, each statement prepared on both engines by the `sql` integration test.
crate::db::statements! {
    /// `producer`.
    PRODUCER_SELECT_PRODUCERS = "SELECT id, name, kind, phone FROM producers WHERE commune_id = $1";
    /// `producer`.
    PRODUCER_UPDATE_PRODUCERS = "UPDATE producers SET kind = $1, phone = $2, updated_at = $3 WHERE id = $4";
    /// `product`.
    PRODUCT_SELECT_PRODUCTS = "SELECT id, name_vi, group_code FROM products WHERE producer_id = $1";
    /// `product`.
    PRODUCT_UPDATE_PRODUCTS = "UPDATE products SET group_code = $1, updated_at = $2 WHERE id = $3";
    /// `variant`.
    VARIANT_SELECT_PRODUCT_VARIANTS = "SELECT price_vnd, unit FROM product_variants WHERE id = $1";
    /// `variant`.
    VARIANT_UPDATE_PRODUCT_VARIANTS = "UPDATE product_variants SET price_vnd = $1, unit = $2, updated_at = $3 WHERE id = $4";
    /// `variant`.
    VARIANT_SELECT_PRODUCT_VARIANTS_2 = "SELECT COUNT(*) FROM product_variants WHERE product_id = $1";
    /// `certificate`.
    CERTIFICATE_SELECT_OCOP_CERTIFICATES = "SELECT id, stars, issued_on, expires_on FROM ocop_certificates
        WHERE product_id = $1 AND decision_no = $2";
    /// `certificate`.
    CERTIFICATE_UPDATE_OCOP_CERTIFICATES = "UPDATE ocop_certificates SET stars = $1, issuing_level = $2, issued_on = $3,
        expires_on = $4 WHERE id = $5";
    /// `certificate`.
    CERTIFICATE_INSERT_OCOP_CERTIFICATES = "INSERT INTO ocop_certificates (id, product_id, stars, issuing_level, decision_no,
           issued_on, expires_on, created_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";
    /// `save_batch`.
    SAVE_BATCH = "INSERT INTO import_batches (id, commune_id, user_id, filename, cells_json, created_at)
        VALUES ($1, $2, $3, $4, $5, $6)";
    /// `batch`.
    BATCH = "SELECT b.commune_id, c.name, b.filename, b.cells_json
        FROM import_batches b JOIN communes c ON c.id = b.commune_id WHERE b.id = $1";
    /// `delete_batch`.
    DELETE_BATCH = "DELETE FROM import_batches WHERE id = $1";
    /// `group_codes`.
    GROUP_CODES = "SELECT code FROM product_groups ORDER BY position, code";
    /// `free_slug`, for a producer.
    FREE_SLUG_PRODUCERS = "SELECT id FROM producers WHERE slug = $1";
    /// `free_slug`, for a product.
    FREE_SLUG_PRODUCTS = "SELECT id FROM products WHERE slug = $1";
}
