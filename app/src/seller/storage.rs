//! A producer's listings: create and edit products and variants, their photos' order and alt
//! text, and the listing's status (publish for review, the officer's decision, archive), each
//! change in one transaction, moderation decisions in the audit log.

use chrono::{DateTime, Utc};
use serde_json::json;
use sqlx::{Any, FromRow, Transaction};

use crate::{
    auth::storage::is_unique_violation,
    catalog::storage::media_url,
    db::{
        Db,
        audit::{self, AuditEntry},
        decode,
        ids::new_id,
        locks::{Row, Stamp, lock_row},
    },
    domain::{product::ProductStatus, slug::Slug, time::db_timestamp},
    notify::rules::Notice,
    seller::{
        model::{ListingEdit, ListingSummary, PendingListing, PhotoEdit, VariantEdit},
        rules::{
            ListingAction, ListingTransitionError, ProductInput, VariantInput, next_listing_status,
        },
    },
};

#[derive(Debug, thiserror::Error)]
pub enum ListingDbError {
    #[error("no such listing")]
    NotFound,
    #[error("another product already has this GTIN")]
    GtinTaken,
    #[error("this product already has a variant with this name")]
    LabelTaken,
    #[error("unknown product group or commune")]
    UnknownReference,
    #[error(transparent)]
    Transition(#[from] ListingTransitionError),
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

fn is_foreign_key_violation(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(d) if d.is_foreign_key_violation())
}

/// Who owns a listing: (producer id, producer's commune id).
#[tracing::instrument(skip_all, fields(product_id = %product_id))]
pub async fn owner(db: &Db, product_id: &str) -> Result<Option<(String, String)>, sqlx::Error> {
    sqlx::query_as(OWNER)
        .bind(product_id)
        .fetch_optional(db.pool())
        .await
}

#[derive(FromRow)]
struct SummaryRow {
    id: String,
    slug: String,
    name_vi: String,
    status: String,
    status_reason: Option<String>,
    producer_name: String,
    variants: i64,
    photos: i64,
}

/// The listings of these producers, newest change first.
#[tracing::instrument(skip_all, fields(?producer_ids))]
pub async fn of_producers(
    db: &Db,
    producer_ids: &[&str],
) -> Result<Vec<ListingSummary>, sqlx::Error> {
    let mut all = vec![];
    for producer in producer_ids {
        let rows: Vec<SummaryRow> = sqlx::query_as(OF_PRODUCERS)
            .bind(producer)
            .fetch_all(db.pool())
            .await?;
        for r in rows {
            all.push(ListingSummary {
                status: decode::text_enum(
                    "products.status",
                    &r.id,
                    &r.status,
                    ProductStatus::parse,
                )?,
                id: r.id,
                slug: r.slug,
                name: r.name_vi,
                status_reason: r.status_reason,
                producer_name: r.producer_name,
                variants: r.variants,
                photos: r.photos,
            });
        }
    }
    Ok(all)
}

#[derive(FromRow)]
struct EditRow {
    id: String,
    slug: String,
    producer_id: String,
    producer_name: String,
    status: String,
    status_reason: Option<String>,
    name_vi: String,
    name_en: String,
    group_code: String,
    commune_id: String,
    description_vi: String,
    description_en: String,
    gtin: Option<String>,
    delivery_reach: String,
}

/// One listing with everything its editor shows.
#[tracing::instrument(skip_all, fields(product_id = %product_id))]
pub async fn listing(db: &Db, product_id: &str) -> Result<Option<ListingEdit>, sqlx::Error> {
    let mut conn = db.pool().acquire().await?;
    let row: Option<EditRow> = sqlx::query_as(LISTING_SELECT_PRODUCTS)
        .bind(product_id)
        .fetch_optional(&mut *conn)
        .await?;
    let Some(r) = row else { return Ok(None) };
    #[derive(FromRow)]
    struct VariantRow {
        id: String,
        label_vi: String,
        unit: String,
        net_weight_g: Option<i64>,
        price_vnd: i64,
        stock: i64,
        status: String,
    }
    let variants: Vec<VariantRow> = sqlx::query_as(LISTING_SELECT_PRODUCT_VARIANTS)
        .bind(product_id)
        .fetch_all(&mut *conn)
        .await?;
    let photos: Vec<(String, String, Option<String>)> =
        sqlx::query_as(LISTING_SELECT_PHOTO_DERIVATIVES)
            .bind(product_id)
            .fetch_all(&mut *conn)
            .await?;
    let variants = variants
        .into_iter()
        .map(|v| {
            Ok(VariantEdit {
                price: decode::vnd("product_variants.price_vnd", &v.id, v.price_vnd)?,
                id: v.id,
                label_vi: v.label_vi,
                unit: v.unit,
                net_weight_g: v.net_weight_g,
                stock: v.stock,
                archived: v.status == "archived",
            })
        })
        .collect::<Result<_, sqlx::Error>>()?;
    Ok(Some(ListingEdit {
        status: decode::text_enum("products.status", &r.id, &r.status, ProductStatus::parse)?,
        delivery_reach: decode::text_enum(
            "products.delivery_reach",
            &r.id,
            &r.delivery_reach,
            crate::shop::rules::shipping::Reach::parse,
        )?,
        id: r.id,
        slug: r.slug,
        producer_id: r.producer_id,
        producer_name: r.producer_name,
        status_reason: r.status_reason,
        name_vi: r.name_vi,
        name_en: r.name_en,
        group_code: r.group_code,
        commune_id: r.commune_id,
        description_vi: r.description_vi,
        description_en: r.description_en,
        gtin: r.gtin,
        variants,
        photos: photos
            .into_iter()
            .map(|(id, alt, small)| PhotoEdit {
                id,
                src: small.map(|k| media_url(&k)).unwrap_or_default(),
                alt,
            })
            .collect(),
    }))
}

/// Creates a draft listing; returns its id.
#[tracing::instrument(skip_all, fields(producer_id = %producer_id))]
pub async fn create(
    db: &Db,
    producer_id: &str,
    input: &ProductInput,
    now: DateTime<Utc>,
) -> Result<String, ListingDbError> {
    let base = Slug::from_text(&input.name_vi)
        .map(|s| s.as_str().to_owned())
        .unwrap_or_else(|_| "san-pham".to_owned());
    let at = db_timestamp(now);
    // The first free slug among base, base-2, base-3, …
    for n in 1..=50 {
        let slug = if n == 1 {
            base.clone()
        } else {
            format!("{base}-{n}")
        };
        let id = new_id();
        let product = NewProduct {
            id: &id,
            slug: &slug,
            producer_id,
            input,
            gi_name: None,
            status: ProductStatus::Draft,
        };
        let mut conn = db.pool().acquire().await?;
        match insert_product_in(&mut conn, &product, &at).await {
            Ok(false) => return Err(ListingDbError::UnknownReference),
            Ok(true) => return Ok(id),
            Err(e) if is_foreign_key_violation(&e) => return Err(ListingDbError::UnknownReference),
            Err(e) if is_unique_violation(&e) => {
                if let Some(gtin) = &input.gtin {
                    let taken: Option<(String,)> = sqlx::query_as(CREATE_SELECT_PRODUCTS)
                        .bind(gtin.as_str())
                        // On the connection held: another could be the one this waits for.
                        .fetch_optional(&mut *conn)
                        .await?;
                    if taken.is_some() {
                        return Err(ListingDbError::GtinTaken);
                    }
                }
            }
            Err(e) => return Err(e.into()),
        }
    }
    Err(ListingDbError::Db(sqlx::Error::Protocol(
        "no free slug for this product name".into(),
    )))
}

/// A product row as it is first written: a producer's draft, an officer's OCOP import or the
/// demo data (both approved, the officer being the one who approves).
pub struct NewProduct<'a> {
    pub id: &'a str,
    pub slug: &'a str,
    pub producer_id: &'a str,
    pub input: &'a ProductInput,
    /// The geographical indication the product is sold under, if any.
    pub gi_name: Option<&'a str>,
    pub status: ProductStatus,
}

/// Writes a new product in its producer's commune (the officer who approved the producer
/// moderates and certifies its products). False when nothing was written: the producer is
/// unknown, or a product with this id is there already (an import or the demo data run again).
pub async fn insert_product_in(
    conn: &mut sqlx::AnyConnection,
    p: &NewProduct<'_>,
    at: &str,
) -> Result<bool, sqlx::Error> {
    let approved_at = (p.status == ProductStatus::Approved).then_some(at);
    let done = sqlx::query(INSERT_PRODUCT)
        .bind(p.id)
        .bind(p.slug)
        .bind(p.producer_id)
        .bind(&p.input.group_code)
        .bind(&p.input.name_vi)
        .bind(&p.input.name_en)
        .bind(&p.input.description_vi)
        .bind(&p.input.description_en)
        .bind(p.input.gtin.as_ref().map(|g| g.as_str()))
        .bind(p.gi_name)
        .bind(p.status.as_str())
        .bind(at)
        .bind(approved_at)
        .execute(&mut *conn)
        .await?;
    Ok(done.rows_affected() > 0)
}

/// A variant row as it is first written, last in its product's order.
pub struct NewVariant<'a> {
    pub id: &'a str,
    pub product_id: &'a str,
    pub input: &'a VariantInput,
    pub label_en: &'a str,
}

/// Writes a new variant; false when one with this id is there already.
pub async fn insert_variant_in(
    conn: &mut sqlx::AnyConnection,
    v: &NewVariant<'_>,
    at: &str,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(INSERT_VARIANT)
        .bind(v.id)
        .bind(v.product_id)
        .bind(&v.input.label_vi)
        .bind(v.label_en)
        .bind(v.input.unit.as_str())
        .bind(v.input.net_weight_g)
        .bind(v.input.price.dong())
        .bind(v.input.stock)
        .bind(at)
        .execute(&mut *conn)
        .await?;
    Ok(done.rows_affected() > 0)
}

/// What saving a listing's form did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Saved {
    /// Nothing differed from what was stored.
    Unchanged,
    Changed,
    /// The listing was on sale: it waits for the officer again, hidden from buyers.
    BackToReview,
}

/// Saves an edited listing's fields. Every field of the form is public (name, description,
/// group, GTIN), so a change to an approved listing takes it back to review.
#[tracing::instrument(skip_all, fields(product_id = %product_id, actor_user_id = %actor_user_id))]
pub async fn update(
    db: &Db,
    product_id: &str,
    input: &ProductInput,
    actor_user_id: &str,
    now: DateTime<Utc>,
) -> Result<Saved, ListingDbError> {
    let at = db_timestamp(now);
    let mut tx = db.begin_write().await?;
    // Written first: the transaction holds the write lock before it reads (on SQLite a read
    // that later upgrades to a write fails at once when another writer is in between).
    if !lock_row(&mut tx, Row::Product(product_id), Stamp::Unchanged).await? {
        return Err(ListingDbError::NotFound);
    }
    let stored: (String, String, String, String, String, Option<String>) =
        sqlx::query_as(UPDATE_SELECT_PRODUCTS)
            .bind(product_id)
            .fetch_one(&mut *tx)
            .await?;
    let gtin = input.gtin.as_ref().map(|g| g.as_str().to_owned());
    let changed: Vec<&str> = [
        ("name_vi", stored.0 != input.name_vi),
        ("name_en", stored.1 != input.name_en),
        ("group_code", stored.2 != input.group_code),
        ("description_vi", stored.3 != input.description_vi),
        ("description_en", stored.4 != input.description_en),
        ("gtin", stored.5 != gtin),
    ]
    .into_iter()
    .filter_map(|(field, differs)| differs.then_some(field))
    .collect();
    if changed.is_empty() {
        tx.commit().await?;
        return Ok(Saved::Unchanged);
    }
    let done = sqlx::query(UPDATE_UPDATE_PRODUCTS_2)
        .bind(&input.name_vi)
        .bind(&input.name_en)
        .bind(&input.group_code)
        .bind(&input.description_vi)
        .bind(&input.description_en)
        .bind(gtin.as_deref())
        .bind(&at)
        .bind(product_id)
        .execute(&mut *tx)
        .await;
    match done {
        Ok(_) => {}
        Err(e) if is_unique_violation(&e) => return Err(ListingDbError::GtinTaken),
        Err(e) if is_foreign_key_violation(&e) => return Err(ListingDbError::UnknownReference),
        Err(e) => return Err(e.into()),
    }
    let saved = public_edit(&mut tx, product_id, actor_user_id, &changed, now).await?;
    tx.commit().await?;
    Ok(saved)
}

/// Records an edit of what buyers see, inside the edit's transaction: audited with the fields
/// that changed, and an approved listing goes back to review (off the public pages until an
/// officer approves it again, so nothing reaches buyers unmoderated).
#[tracing::instrument(skip_all, fields(product_id = %product_id, actor_user_id = %actor_user_id))]
pub async fn public_edit(
    tx: &mut Transaction<'_, Any>,
    product_id: &str,
    actor_user_id: &str,
    changed: &[&str],
    now: DateTime<Utc>,
) -> Result<Saved, sqlx::Error> {
    let back = sqlx::query(PUBLIC_EDIT)
        .bind(db_timestamp(now))
        .bind(product_id)
        .execute(&mut **tx)
        .await?
        .rows_affected()
        > 0;
    audit::record(
        &mut *tx,
        AuditEntry {
            actor_user_id: Some(actor_user_id),
            action: "listing.edit",
            subject_type: "product",
            subject_id: product_id,
            details: json!({ "changed": changed, "back_to_review": back }),
            ip: None,
        },
    )
    .await?;
    crate::search::sync::queue(tx, &[product_id]).await?;
    Ok(if back {
        Saved::BackToReview
    } else {
        Saved::Changed
    })
}

/// The photo of `product_id` whose stored copy has this SHA-256, if the listing shows it
/// already, read under the product's lock (taken here, first in the caller's transaction): a
/// farmer whose upload was cut off sends every photo again, and each is then shown once, even
/// when two uploads of it arrive together.
pub async fn product_photo_with_hash(
    tx: &mut Transaction<'_, Any>,
    product_id: &str,
    sha256: &str,
) -> Result<Option<String>, sqlx::Error> {
    lock_row(tx, Row::Product(product_id), Stamp::Unchanged).await?;
    product_photo_by_hash(tx, product_id, sha256).await
}

/// [`product_photo_with_hash`] without the lock: a first look, before the photo's files are
/// written, so a photo sent again costs no writes.
pub async fn product_photo_by_hash(
    conn: &mut sqlx::AnyConnection,
    product_id: &str,
    sha256: &str,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar(PRODUCT_PHOTO_WITH_HASH)
        .bind(product_id)
        .bind(sha256)
        .fetch_optional(conn)
        .await
}

/// Adds a variant (`variant_id` None) or changes one of this product's variants.
#[tracing::instrument(skip_all, fields(product_id = %product_id, ?variant_id))]
pub async fn save_variant(
    db: &Db,
    product_id: &str,
    variant_id: Option<&str>,
    input: &VariantInput,
    now: DateTime<Utc>,
) -> Result<String, ListingDbError> {
    let at = db_timestamp(now);
    let mut tx = db.begin_write().await?;
    let result = match variant_id {
        None => {
            let id = new_id();
            let variant = NewVariant {
                id: &id,
                product_id,
                input,
                label_en: "",
            };
            insert_variant_in(&mut tx, &variant, &at)
                .await
                .map(|inserted| (u64::from(inserted), id))
        }
        Some(id) => sqlx::query(SAVE_VARIANT_UPDATE_PRODUCT_VARIANTS)
            .bind(&input.label_vi)
            .bind(input.unit.as_str())
            .bind(input.net_weight_g)
            .bind(input.price.dong())
            .bind(input.stock)
            .bind(&at)
            .bind(id)
            .bind(product_id)
            .execute(&mut *tx)
            .await
            .map(|r| (r.rows_affected(), id.to_owned())),
    };
    match result {
        Ok((0, _)) => Err(ListingDbError::NotFound),
        Ok((_, id)) => {
            touch(&mut tx, product_id, &at).await?;
            tx.commit().await?;
            Ok(id)
        }
        Err(e) if is_unique_violation(&e) => Err(ListingDbError::LabelTaken),
        Err(e) => Err(e.into()),
    }
}

/// Takes a variant off sale (orders keep pointing at it, so it is never deleted).
#[tracing::instrument(skip_all, fields(product_id = %product_id, variant_id = %variant_id))]
pub async fn archive_variant(
    db: &Db,
    product_id: &str,
    variant_id: &str,
    now: DateTime<Utc>,
) -> Result<(), ListingDbError> {
    let at = db_timestamp(now);
    let mut tx = db.begin_write().await?;
    let done = sqlx::query(ARCHIVE_VARIANT)
        .bind(&at)
        .bind(variant_id)
        .bind(product_id)
        .execute(&mut *tx)
        .await?;
    if done.rows_affected() == 0 {
        return Err(ListingDbError::NotFound);
    }
    touch(&mut tx, product_id, &at).await?;
    tx.commit().await?;
    Ok(())
}

/// Marks the product changed and queues it for the search index.
async fn touch(
    conn: &mut sqlx::AnyConnection,
    product_id: &str,
    at: &str,
) -> Result<(), ListingDbError> {
    sqlx::query(TOUCH)
        .bind(at)
        .bind(product_id)
        .execute(&mut *conn)
        .await?;
    crate::search::sync::queue(conn, &[product_id]).await?;
    Ok(())
}

/// Moves a listing on (publish, approve, reject, archive, restore); returns the new status.
#[tracing::instrument(skip_all, fields(product_id = %product_id, actor_user_id = %actor_user_id))]
pub async fn change_status(
    db: &Db,
    product_id: &str,
    action: &ListingAction,
    actor_user_id: &str,
    now: DateTime<Utc>,
) -> Result<ProductStatus, ListingDbError> {
    let at = db_timestamp(now);
    let mut tx = db.begin_write().await?;
    // Written first, so two decisions on one listing wait for each other.
    if !lock_row(&mut tx, Row::Product(product_id), Stamp::UpdatedAt(&at)).await? {
        return Err(ListingDbError::NotFound);
    }
    let (status, variants, name, producer_id): (String, i64, String, String) =
        sqlx::query_as(CHANGE_STATUS_SELECT_PRODUCT_VARIANTS)
            .bind(product_id)
            .fetch_one(&mut *tx)
            .await?;
    let from = decode::text_enum("products.status", product_id, &status, ProductStatus::parse)?;
    // Buyers must be able to see who sells (Consumer Protection Law, art. 37): a listing goes
    // for review only once its producer's legal identity is complete.
    if matches!(action, ListingAction::Publish)
        && !super::identity_storage::is_complete_in(&mut tx, &producer_id).await?
    {
        return Err(ListingTransitionError::SellerIdentity.into());
    }
    let to = next_listing_status(from, action, usize::try_from(variants).unwrap_or(0))?;
    let reason = match action {
        ListingAction::Reject { reason } => Some(reason.trim()),
        _ => None,
    };
    sqlx::query(CHANGE_STATUS_UPDATE_PRODUCTS_2)
        .bind(to.as_str())
        .bind(reason)
        .bind(&at)
        .bind(product_id)
        .execute(&mut *tx)
        .await?;
    audit::record(
        &mut tx,
        AuditEntry {
            actor_user_id: Some(actor_user_id),
            action: match action {
                ListingAction::Publish => "listing.publish",
                ListingAction::Approve => "listing.approve",
                ListingAction::Reject { .. } => "listing.reject",
                ListingAction::Archive => "listing.archive",
                ListingAction::Restore => "listing.restore",
            },
            subject_type: "product",
            subject_id: product_id,
            details: json!({ "from": from.as_str(), "to": to.as_str(), "reason": reason }),
            ip: None,
        },
    )
    .await?;
    crate::search::sync::queue(&mut tx, &[product_id]).await?;
    // The officer's decision is told to the producer's people, in this same transaction.
    let notice = match action {
        ListingAction::Approve => Some(Notice::ListingApproved {
            product_id: product_id.to_owned(),
            product: name,
        }),
        ListingAction::Reject { reason } => Some(Notice::ListingRefused {
            product_id: product_id.to_owned(),
            product: name,
            reason: reason.trim().to_owned(),
        }),
        ListingAction::Publish | ListingAction::Archive | ListingAction::Restore => None,
    };
    if let Some(notice) = notice {
        let event = format!("{}:{product_id}:{at}", notice.kind().as_str());
        crate::notify::storage::notify_producer_in(&mut tx, &event, &producer_id, &notice, &at)
            .await?;
    }
    tx.commit().await?;
    Ok(to)
}

/// Listings waiting for review in these communes (every commune when `None`: an administrator).
#[tracing::instrument(skip_all, fields(?commune_ids))]
pub async fn pending(
    db: &Db,
    commune_ids: Option<&[String]>,
) -> Result<Vec<PendingListing>, sqlx::Error> {
    #[derive(FromRow)]
    struct PendingRow {
        id: String,
        slug: String,
        name: String,
        producer_name: String,
        commune_name: String,
        commune_id: String,
        variants: i64,
        photos: i64,
        since: String,
    }
    let rows: Vec<PendingRow> = sqlx::query_as(PENDING).fetch_all(db.pool()).await?;
    Ok(rows
        .into_iter()
        .filter(|r| commune_ids.is_none_or(|ids| ids.contains(&r.commune_id)))
        .map(|r| PendingListing {
            id: r.id,
            slug: r.slug,
            name: r.name,
            producer_name: r.producer_name,
            commune_name: r.commune_name,
            variants: r.variants,
            photos: r.photos,
            since: r.since,
        })
        .collect())
}

/// Moves a photo one place earlier (`up`) or later among the listing's photos.
#[tracing::instrument(skip_all, fields(product_id = %product_id, photo_id = %photo_id, actor_user_id = %actor_user_id))]
pub async fn move_photo(
    db: &Db,
    product_id: &str,
    photo_id: &str,
    up: bool,
    actor_user_id: &str,
) -> Result<Saved, ListingDbError> {
    let mut tx = db.begin_write().await?;
    // Written first, so the read below cannot be overtaken (see `update`).
    lock_row(&mut tx, Row::Product(product_id), Stamp::Unchanged).await?;
    let ids: Vec<(String,)> = sqlx::query_as(MOVE_PHOTO_SELECT_PRODUCT_PHOTOS)
        .bind(product_id)
        .fetch_all(&mut *tx)
        .await?;
    let mut ids: Vec<String> = ids.into_iter().map(|(i,)| i).collect();
    let at = ids
        .iter()
        .position(|i| i == photo_id)
        .ok_or(ListingDbError::NotFound)?;
    let to = if up {
        at.checked_sub(1)
    } else {
        Some(at + 1).filter(|t| *t < ids.len())
    };
    let Some(to) = to else {
        return Ok(Saved::Unchanged);
    };
    ids.swap(at, to);
    // Positions are rewritten 0..n, which also mends gaps left by deletions.
    for (position, id) in ids.iter().enumerate() {
        sqlx::query(MOVE_PHOTO_UPDATE_PRODUCT_PHOTOS)
            .bind(position as i64)
            .bind(product_id)
            .bind(id)
            .execute(&mut *tx)
            .await?;
    }
    // The first photo is the listing's face on every card.
    let saved = public_edit(
        &mut tx,
        product_id,
        actor_user_id,
        &["photo_order"],
        Utc::now(),
    )
    .await?;
    tx.commit().await?;
    Ok(saved)
}

/// Deletes a listing's photo and its rows; returns the storage keys whose files to remove.
#[tracing::instrument(skip_all, fields(product_id = %product_id, photo_id = %photo_id, actor_user_id = %actor_user_id))]
pub async fn delete_photo(
    db: &Db,
    product_id: &str,
    photo_id: &str,
    actor_user_id: &str,
) -> Result<(Vec<String>, Saved), ListingDbError> {
    let mut tx = db.begin_write().await?;
    let attached = sqlx::query(DELETE_PHOTO_DELETE_PRODUCT_PHOTOS)
        .bind(product_id)
        .bind(photo_id)
        .execute(&mut *tx)
        .await?;
    if attached.rows_affected() == 0 {
        return Err(ListingDbError::NotFound);
    }
    let keys: Vec<(String,)> = sqlx::query_as(DELETE_PHOTO_SELECT_PHOTO_DERIVATIVES)
        .bind(photo_id)
        .fetch_all(&mut *tx)
        .await?;
    sqlx::query(DELETE_PHOTO_DELETE_PHOTOS)
        .bind(photo_id)
        .execute(&mut *tx)
        .await?;
    let saved = public_edit(&mut tx, product_id, actor_user_id, &["photos"], Utc::now()).await?;
    tx.commit().await?;
    Ok((keys.into_iter().map(|(k,)| k).collect(), saved))
}

/// Sets a listing photo's alt text (what a screen reader says; shown when images are off).
#[tracing::instrument(skip_all, fields(product_id = %product_id, photo_id = %photo_id, actor_user_id = %actor_user_id))]
pub async fn set_alt(
    db: &Db,
    product_id: &str,
    photo_id: &str,
    alt: &str,
    actor_user_id: &str,
) -> Result<Saved, ListingDbError> {
    let mut tx = db.begin_write().await?;
    let done = sqlx::query(SET_ALT_UPDATE_PHOTOS)
        .bind(alt)
        .bind(photo_id)
        .bind(product_id)
        .execute(&mut *tx)
        .await?;
    if done.rows_affected() == 0 {
        let exists: Option<(String,)> = sqlx::query_as(SET_ALT_SELECT_PRODUCT_PHOTOS)
            .bind(product_id)
            .bind(photo_id)
            .fetch_optional(&mut *tx)
            .await?;
        return match exists {
            Some(_) => Ok(Saved::Unchanged),
            None => Err(ListingDbError::NotFound),
        };
    }
    let saved = public_edit(
        &mut tx,
        product_id,
        actor_user_id,
        &["photo_alt"],
        Utc::now(),
    )
    .await?;
    tx.commit().await?;
    Ok(saved)
}

/// A listing's status (None: no such listing).
#[tracing::instrument(skip_all, fields(product_id = %product_id))]
pub async fn status(db: &Db, product_id: &str) -> Result<Option<ProductStatus>, sqlx::Error> {
    let row: Option<(String,)> = sqlx::query_as(STATUS)
        .bind(product_id)
        .fetch_optional(db.pool())
        .await?;
    row.map(|(s,)| decode::text_enum("products.status", product_id, &s, ProductStatus::parse))
        .transpose()
}

/// The product groups for the listing form: (code, Vietnamese name).
#[tracing::instrument(skip_all)]
pub async fn groups(db: &Db) -> Result<Vec<(String, String)>, sqlx::Error> {
    sqlx::query_as(GROUPS).fetch_all(db.pool()).await
}

// The module's SQL, each statement prepared on both engines by the `sql` integration test.
crate::db::statements! {
    /// `owner`.
    OWNER = "SELECT p.producer_id, pr.commune_id FROM products p JOIN producers pr ON pr.id = p.producer_id
        WHERE p.id = $1";
    /// `of_producers`.
    OF_PRODUCERS = "SELECT p.id, p.slug, p.name_vi, p.status, p.status_reason, pr.name AS producer_name,
               (SELECT COUNT(*) FROM product_variants v WHERE v.product_id = p.id AND v.status = 'active') AS variants,
               (SELECT COUNT(*) FROM product_photos f WHERE f.product_id = p.id) AS photos
        FROM products p JOIN producers pr ON pr.id = p.producer_id
        WHERE p.producer_id = $1 ORDER BY p.updated_at DESC, p.id";
    /// `listing`.
    LISTING_SELECT_PRODUCTS = "SELECT p.id, p.slug, p.producer_id, pr.name AS producer_name, p.status, p.status_reason,
               p.name_vi, p.name_en, p.group_code, p.commune_id, p.description_vi, p.description_en, p.gtin,
               p.delivery_reach
        FROM products p JOIN producers pr ON pr.id = p.producer_id WHERE p.id = $1";
    /// `listing`.
    LISTING_SELECT_PRODUCT_VARIANTS = "SELECT id, label_vi, unit, net_weight_g, price_vnd, stock, status FROM product_variants
        WHERE product_id = $1 ORDER BY status, position, created_at, id";
    /// `listing`.
    LISTING_SELECT_PHOTO_DERIVATIVES = "SELECT f.photo_id, ph.alt_vi,
               (SELECT d.storage_key FROM photo_derivatives d WHERE d.photo_id = f.photo_id
                ORDER BY d.width LIMIT 1) AS small
        FROM product_photos f JOIN photos ph ON ph.id = f.photo_id
        WHERE f.product_id = $1 ORDER BY f.position, f.photo_id";
    /// `insert_product_in`: the commune is the producer's.
    INSERT_PRODUCT = "INSERT INTO products (id, slug, producer_id, commune_id, group_code, name_vi, name_en,
           description_vi, description_en, gtin, gi_name, status, created_at, updated_at, approved_at)
        SELECT $1, $2, $3, pr.commune_id, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12, $13
          FROM producers pr WHERE pr.id = $3
        ON CONFLICT (id) DO NOTHING";
    /// `create`.
    CREATE_SELECT_PRODUCTS = "SELECT id FROM products WHERE gtin = $1";
    /// `update`.
    UPDATE_SELECT_PRODUCTS = "SELECT name_vi, name_en, group_code, description_vi, description_en, gtin
        FROM products WHERE id = $1";
    /// `update`.
    UPDATE_UPDATE_PRODUCTS_2 = "UPDATE products SET name_vi = $1, name_en = $2, group_code = $3,
           description_vi = $4, description_en = $5, gtin = $6, updated_at = $7
        WHERE id = $8";
    /// `product_photo_with_hash`.
    PRODUCT_PHOTO_WITH_HASH = "SELECT p.id FROM product_photos pp JOIN photos p ON p.id = pp.photo_id
        WHERE pp.product_id = $1 AND p.sha256 = $2";
    /// `public_edit`.
    PUBLIC_EDIT = "UPDATE products SET status = 'pending', status_reason = NULL, updated_at = $1
        WHERE id = $2 AND status = 'approved'";
    /// `insert_variant_in`.
    INSERT_VARIANT = "INSERT INTO product_variants (id, product_id, label_vi, label_en, unit, net_weight_g,
           price_vnd, stock, position, created_at, updated_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8,
           (SELECT COUNT(*) FROM product_variants WHERE product_id = $2), $9, $9)
        ON CONFLICT (id) DO NOTHING";
    /// `save_variant`.
    SAVE_VARIANT_UPDATE_PRODUCT_VARIANTS = "UPDATE product_variants SET label_vi = $1, unit = $2, net_weight_g = $3, price_vnd = $4,
           stock = $5, status = 'active', updated_at = $6
        WHERE id = $7 AND product_id = $8";
    /// `archive_variant`.
    ARCHIVE_VARIANT = "UPDATE product_variants SET status = 'archived', updated_at = $1 WHERE id = $2 AND product_id = $3";
    /// `touch`.
    TOUCH = "UPDATE products SET updated_at = $1 WHERE id = $2";
    /// `change_status`.
    CHANGE_STATUS_SELECT_PRODUCT_VARIANTS = "SELECT p.status, (SELECT COUNT(*) FROM product_variants v
                          WHERE v.product_id = p.id AND v.status = 'active'),
               p.name_vi, p.producer_id
        FROM products p WHERE p.id = $1";
    /// `change_status`.
    CHANGE_STATUS_UPDATE_PRODUCTS_2 = "UPDATE products SET status = $1, status_reason = $2,
           approved_at = CASE WHEN $1 = 'approved' THEN $3 ELSE approved_at END
        WHERE id = $4";
    /// `pending`.
    PENDING = "SELECT p.id, p.slug, p.name_vi AS name, pr.name AS producer_name, c.name AS commune_name,
               pr.commune_id,
               (SELECT COUNT(*) FROM product_variants v WHERE v.product_id = p.id AND v.status = 'active') AS variants,
               (SELECT COUNT(*) FROM product_photos f WHERE f.product_id = p.id) AS photos,
               p.updated_at AS since
        FROM products p JOIN producers pr ON pr.id = p.producer_id JOIN communes c ON c.id = pr.commune_id
        WHERE p.status = 'pending' ORDER BY p.updated_at, p.id";
    /// `move_photo`.
    MOVE_PHOTO_SELECT_PRODUCT_PHOTOS = "SELECT photo_id FROM product_photos WHERE product_id = $1 ORDER BY position, photo_id";
    /// `move_photo`.
    MOVE_PHOTO_UPDATE_PRODUCT_PHOTOS = "UPDATE product_photos SET position = $1 WHERE product_id = $2 AND photo_id = $3";
    /// `delete_photo`.
    DELETE_PHOTO_DELETE_PRODUCT_PHOTOS = "DELETE FROM product_photos WHERE product_id = $1 AND photo_id = $2";
    /// `delete_photo`.
    DELETE_PHOTO_SELECT_PHOTO_DERIVATIVES = "SELECT storage_key FROM photo_derivatives WHERE photo_id = $1";
    /// `delete_photo`.
    DELETE_PHOTO_DELETE_PHOTOS = "DELETE FROM photos WHERE id = $1";
    /// `set_alt`.
    SET_ALT_UPDATE_PHOTOS = "UPDATE photos SET alt_vi = $1
        WHERE id = $2 AND alt_vi <> $1
          AND id IN (SELECT photo_id FROM product_photos WHERE product_id = $3)";
    /// `set_alt`.
    SET_ALT_SELECT_PRODUCT_PHOTOS = "SELECT photo_id FROM product_photos WHERE product_id = $1 AND photo_id = $2";
    /// `status`.
    STATUS = "SELECT status FROM products WHERE id = $1";
    /// `groups`.
    GROUPS = "SELECT code, name_vi FROM product_groups ORDER BY position, code";
}
