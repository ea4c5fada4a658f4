//! Writes a processed photo's copies to the photos' store (the media folder or a bucket, see
//! `media`) and records them, with the entry or listing they illustrate, in one transaction. A
//! failure leaves neither files nor rows behind.

use app::domain::hex::hex;
use app::{
    db::{Db, ids::new_id},
    domain::time::db_timestamp,
};
use sha2::{Digest, Sha256};
use sqlx::{Any, Transaction};

use super::{media::Media, pipeline::Derivative};

/// The files of one photo, removed again unless [`Written::keep`] is called.
struct Written {
    media: Media,
    keys: Vec<String>,
    kept: bool,
}

impl Written {
    fn keep(mut self) {
        self.kept = true;
    }
}

impl Drop for Written {
    fn drop(&mut self) {
        if self.kept || self.keys.is_empty() {
            return;
        }
        // Best effort, after the request: the rows were not written, so nothing points at these.
        let (media, keys) = (self.media.clone(), std::mem::take(&mut self.keys));
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(async move {
                for key in keys {
                    if let Err(e) = media.delete(&key).await {
                        tracing::warn!(error = %e, %key, "removing an unrecorded photo file failed");
                    }
                }
            });
        }
    }
}

pub(crate) fn key(photo_id: &str, width: u32) -> String {
    format!("photos/{photo_id}/{width}.jpg")
}

/// The WebP copy stored beside a JPEG copy (`photos/{id}/640.jpg` → `photos/{id}/640.webp`).
/// Only the JPEG's key is recorded: pages link it, and `media::serve` answers a browser that
/// accepts WebP with this file instead.
pub fn webp_key(jpeg_key: &str) -> Option<String> {
    jpeg_key
        .strip_suffix(".jpg")
        .map(|stem| format!("{stem}.webp"))
}

/// Every file of a recorded copy, for removing it.
pub fn files_of(jpeg_key: &str) -> Vec<String> {
    let mut files = vec![jpeg_key.to_owned()];
    files.extend(webp_key(jpeg_key));
    files
}

async fn write_files(
    media: &Media,
    photo_id: &str,
    copies: &[Derivative],
) -> Result<Written, StoreError> {
    let mut written = Written {
        media: media.clone(),
        keys: Vec::with_capacity(copies.len()),
        kept: false,
    };
    for c in copies {
        let key = key(photo_id, c.width);
        // The WebP first: a JPEG key is only ever recorded with its WebP beside it.
        if let Some(webp) = webp_key(&key) {
            media.put(&webp, c.webp.clone()).await?;
            written.keys.push(webp);
        }
        media.put(&key, c.jpeg.clone()).await?;
        written.keys.push(key);
    }
    Ok(written)
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("writing the photo files: {0}")]
    Media(#[from] super::media::MediaError),
    #[error("a photo without copies")]
    NoCopies,
    #[error("recording the photo: {0}")]
    Db(#[from] sqlx::Error),
}

/// What a photo illustrates.
#[derive(Clone, Copy, Debug)]
pub enum Target<'a> {
    /// A cultivation-log entry.
    Entry(&'a str),
    /// A product listing (added after its other photos).
    Product(&'a str),
    /// A commune's page: the photo becomes its cover (the previous one stays stored).
    CommuneCover(&'a str),
    /// A buyer's review (written in the same transaction, see [`Unrecorded::record_in`]).
    Review(&'a str),
    /// A buyer's return request (written in the same transaction, see [`Unrecorded::record_in`]).
    ReturnRequest(&'a str),
}

/// Stores a photo for `target`; returns the photo id and whether it is new. An entry and a
/// listing keep one copy of each photo: the same picture sent to it again (the same processed
/// image) is answered with the stored photo's id and nothing is written.
pub async fn save_photo(
    db: &Db,
    media: &Media,
    target: Target<'_>,
    uploaded_by: &str,
    alt: &str,
    copies: &[Derivative],
) -> Result<(String, bool), StoreError> {
    let Some(largest) = copies.last() else {
        return Err(StoreError::NoCopies);
    };
    let sha256 = hex(&Sha256::digest(&largest.jpeg));
    // A first look, so a photo sent again writes no files; the answer that counts is read
    // again under the owner's lock below (two copies may be arriving at once).
    let mut conn = db.pool().acquire().await?;
    if let Some(stored) = twin(&mut conn, target, &sha256).await? {
        return Ok((stored, false));
    }
    drop(conn);
    let photo_id = new_id();
    let files = write_files(media, &photo_id, copies).await?;
    let now = db_timestamp(chrono::Utc::now());
    let row = PhotoRow {
        id: &photo_id,
        main: stored(largest),
        sha256: &sha256,
        alt_vi: alt,
        alt_en: alt,
        uploaded_by: Some(uploaded_by),
        copies: copies.iter().map(stored).collect(),
    };
    let mut tx = db.begin_write().await?;
    let twin = match target {
        Target::Entry(entry_id) => {
            app::diary::storage::entry_photo_with_hash(&mut tx, entry_id, &sha256).await?
        }
        Target::Product(product_id) => {
            app::seller::storage::product_photo_with_hash(&mut tx, product_id, &sha256).await?
        }
        Target::CommuneCover(_) | Target::Review(_) | Target::ReturnRequest(_) => None,
    };
    if let Some(stored) = twin {
        // The files just written go with `files`, which is not kept.
        tx.rollback().await?;
        return Ok((stored, false));
    }
    record_in(&mut tx, &row, &now).await?;
    link_in(&mut tx, target, &photo_id).await?;
    if let Target::Product(id) = target {
        app::seller::storage::public_edit(
            &mut tx,
            id,
            uploaded_by,
            &["photos"],
            chrono::Utc::now(),
        )
        .await?;
    }
    tx.commit().await?;
    files.keep();
    Ok((photo_id, true))
}

/// The photo `target` shows already with this hash: an entry and a listing keep one copy of
/// each photo (a cover, a review's and a return request's photos are each sent once).
async fn twin(
    conn: &mut sqlx::AnyConnection,
    target: Target<'_>,
    sha256: &str,
) -> Result<Option<String>, sqlx::Error> {
    match target {
        Target::Entry(id) => app::diary::storage::entry_photo_by_hash(conn, id, sha256).await,
        Target::Product(id) => app::seller::storage::product_photo_by_hash(conn, id, sha256).await,
        Target::CommuneCover(_) | Target::Review(_) | Target::ReturnRequest(_) => Ok(None),
    }
}

/// The files of photos recorded in a caller's transaction: removed again on drop unless
/// [`Files::keep`] is called once that transaction has committed.
pub struct Files(Vec<Written>);

impl Files {
    pub fn keep(self) {
        for w in self.0 {
            w.keep();
        }
    }
}

/// Photos whose files are written and not yet recorded (a review's, a return request's). The
/// files are written before the transaction that records them begins: a media store that is
/// slow or hangs then holds no database connection, nor on SQLite the write lock, while
/// others write. Dropped unrecorded, their files are removed.
pub struct Unrecorded(Vec<UnrecordedPhoto>);

struct UnrecordedPhoto {
    id: String,
    sha256: String,
    main: StoredCopy,
    copies: Vec<StoredCopy>,
    files: Written,
}

/// Writes the files of several processed photos, to record with [`Unrecorded::record_in`].
pub async fn write_all(
    media: &Media,
    photos: &[Vec<Derivative>],
) -> Result<Unrecorded, StoreError> {
    let mut written = Vec::with_capacity(photos.len());
    for copies in photos {
        let Some(largest) = copies.last() else {
            continue;
        };
        let id = new_id();
        let files = write_files(media, &id, copies).await?;
        written.push(UnrecordedPhoto {
            sha256: hex(&Sha256::digest(&largest.jpeg)),
            main: stored(largest),
            copies: copies.iter().map(stored).collect(),
            files,
            id,
        });
    }
    Ok(Unrecorded(written))
}

impl Unrecorded {
    /// Records the photos for `target` in the caller's transaction (a review and its photos
    /// are one write). Keep the files after committing.
    pub async fn record_in(
        self,
        tx: &mut Transaction<'_, Any>,
        target: Target<'_>,
        uploaded_by: Option<&str>,
    ) -> Result<Files, sqlx::Error> {
        let now = db_timestamp(chrono::Utc::now());
        let mut files = Vec::with_capacity(self.0.len());
        for photo in self.0 {
            let row = PhotoRow {
                id: &photo.id,
                main: photo.main,
                sha256: &photo.sha256,
                alt_vi: "",
                alt_en: "",
                uploaded_by,
                copies: photo.copies,
            };
            // Pushed first: a failure below still removes this photo's files.
            files.push(photo.files);
            record_in(tx, &row, &now).await?;
            link_in(tx, target, &photo.id).await?;
        }
        Ok(Files(files))
    }
}

/// One stored copy of a photo (its file is `photos/{photo id}/{width}.jpg`).
#[derive(Clone, Copy, Debug)]
pub struct StoredCopy {
    pub width: u32,
    pub height: u32,
    pub byte_size: i64,
}

fn stored(c: &Derivative) -> StoredCopy {
    StoredCopy {
        width: c.width,
        height: c.height,
        byte_size: c.jpeg.len() as i64,
    }
}

/// A photo's rows, once its files are written.
pub struct PhotoRow<'a> {
    pub id: &'a str,
    /// The copy the photo row describes (its hash is `sha256`).
    pub main: StoredCopy,
    pub sha256: &'a str,
    pub alt_vi: &'a str,
    pub alt_en: &'a str,
    pub uploaded_by: Option<&'a str>,
    pub copies: Vec<StoredCopy>,
}

/// Records a photo and its copies in the caller's transaction (an upload, or the demo data);
/// false when a photo with this id is recorded already.
pub async fn record_in(
    tx: &mut Transaction<'_, Any>,
    photo: &PhotoRow<'_>,
    now: &str,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(SAVE_PHOTO_INSERT_PHOTOS)
        .bind(photo.id)
        .bind(key(photo.id, photo.main.width))
        .bind(i64::from(photo.main.width))
        .bind(i64::from(photo.main.height))
        .bind(photo.main.byte_size)
        .bind(photo.sha256)
        .bind(photo.alt_vi)
        .bind(photo.alt_en)
        .bind(photo.uploaded_by)
        .bind(now)
        .execute(&mut **tx)
        .await?;
    if done.rows_affected() == 0 {
        return Ok(false);
    }
    for c in &photo.copies {
        sqlx::query(SAVE_PHOTO_INSERT_PHOTO_DERIVATIVES)
            .bind(photo.id)
            .bind(i64::from(c.width))
            .bind(i64::from(c.height))
            .bind(key(photo.id, c.width))
            .bind(c.byte_size)
            .execute(&mut **tx)
            .await?;
    }
    Ok(true)
}

/// Attaches a recorded photo to what it illustrates (last in its order; a commune's cover).
pub async fn link_in(
    tx: &mut Transaction<'_, Any>,
    target: Target<'_>,
    photo_id: &str,
) -> Result<(), sqlx::Error> {
    let (link, owner) = match target {
        Target::Entry(id) => (LINK_ENTRY_PHOTO, id),
        Target::Product(id) => (LINK_PRODUCT_PHOTO, id),
        Target::CommuneCover(id) => (SET_COMMUNE_COVER, id),
        Target::Review(id) => (LINK_REVIEW_PHOTO, id),
        Target::ReturnRequest(id) => (LINK_RETURN_PHOTO, id),
    };
    sqlx::query(link)
        .bind(owner)
        .bind(photo_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

// The module's SQL, each statement prepared on both engines by the `sql` integration test.
app::sql_statements! {
    /// `save_photo`.
    SAVE_PHOTO_INSERT_PHOTOS = "INSERT INTO photos (id, storage_key, content_type, width, height, byte_size, sha256,
                            alt_vi, alt_en, uploaded_by, created_at)
        VALUES ($1, $2, 'image/jpeg', $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (id) DO NOTHING";
    /// `save_photo`.
    SAVE_PHOTO_INSERT_PHOTO_DERIVATIVES = "INSERT INTO photo_derivatives (photo_id, width, height, storage_key, content_type, byte_size)
        VALUES ($1, $2, $3, $4, 'image/jpeg', $5)";
    /// `store`, a diary entry's photo: last in the entry's order.
    LINK_ENTRY_PHOTO = "INSERT INTO cultivation_log_photos (entry_id, photo_id, position)
        VALUES ($1, $2, (SELECT COUNT(*) FROM cultivation_log_photos WHERE entry_id = $1))";
    /// `store`, a product's photo: last in the product's order.
    LINK_PRODUCT_PHOTO = "INSERT INTO product_photos (product_id, photo_id, position)
        VALUES ($1, $2, (SELECT COALESCE(MAX(position) + 1, 0) FROM product_photos WHERE product_id = $1))";
    /// `store`, a review's photo: last in the review's order.
    LINK_REVIEW_PHOTO = "INSERT INTO review_photos (review_id, photo_id, position)
        VALUES ($1, $2, (SELECT COUNT(*) FROM review_photos WHERE review_id = $1))";
    /// `store`, a return request's photos in the order the buyer chose them.
    LINK_RETURN_PHOTO = "INSERT INTO return_request_photos (request_id, photo_id, position)
        VALUES ($1, $2, (SELECT COUNT(*) FROM return_request_photos WHERE request_id = $1))";
    /// `store`, a commune's cover photo.
    SET_COMMUNE_COVER = "UPDATE communes SET cover_photo_id = $2 WHERE id = $1";
}
