//! The commune officer's editor for their commune's public page: its story (in the small safe
//! formatting language of `domain::rich_text`) and its one signature product, with the history of
//! signature products kept.

use chrono::{DateTime, Utc};
use serde_json::json;
use sqlx::{Any, FromRow, Transaction};

use crate::{
    db::{
        Db,
        audit::{self, AuditEntry},
        ids::new_id,
        locks::{Row, Stamp, lock_row},
    },
    domain::{rich_text::MAX_STORY_CHARS, time::db_timestamp},
    officer::model::{CommuneEditor, SignatureChange},
};

#[derive(Debug, thiserror::Error)]
pub enum EditorError {
    #[error("the story is too long")]
    StoryTooLong,
    #[error("the product is not an approved product of this commune")]
    NotACandidate,
    #[error("no such commune")]
    NotFound,
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

impl EditorError {
    pub fn code(&self) -> &'static str {
        match self {
            EditorError::StoryTooLong => "story_long",
            EditorError::NotACandidate => "signature_product",
            EditorError::NotFound => "not_found",
            EditorError::Db(_) => "internal",
        }
    }
}

#[derive(FromRow)]
struct CommuneRow {
    id: String,
    slug: String,
    name: String,
    kind: String,
    story_vi: String,
    story_en: String,
}

#[derive(FromRow)]
struct HistoryRow {
    product_name: String,
    set_by: Option<String>,
    set_at: String,
    ended_at: Option<String>,
}

/// The communes an officer edits (every active one for an administrator): (id, name).
#[tracing::instrument(skip_all, fields(?scope))]
pub async fn communes_of(
    db: &Db,
    scope: Option<&[String]>,
) -> Result<Vec<(String, String)>, sqlx::Error> {
    match scope {
        None => {
            sqlx::query_as(COMMUNES_OF_SELECT_COMMUNES)
                .fetch_all(db.pool())
                .await
        }
        Some(ids) => {
            let mut out = Vec::new();
            for id in ids {
                let row: Option<(String, String)> = sqlx::query_as(COMMUNES_OF_SELECT_COMMUNES_2)
                    .bind(id)
                    .fetch_optional(db.pool())
                    .await?;
                out.extend(row);
            }
            Ok(out)
        }
    }
}

/// What the editor shows for a commune; `None` when there is no such commune.
#[tracing::instrument(skip_all, fields(commune_id = %commune_id))]
pub async fn editor(db: &Db, commune_id: &str) -> Result<Option<CommuneEditor>, sqlx::Error> {
    let pool = db.pool();
    let Some(c) = sqlx::query_as::<_, CommuneRow>(EDITOR_SELECT_COMMUNES)
        .bind(commune_id)
        .fetch_optional(pool)
        .await?
    else {
        return Ok(None);
    };
    let signature: Option<String> = sqlx::query_scalar(EDITOR_SELECT_COMMUNE_SIGNATURE_PRODUCTS)
        .bind(&c.id)
        .fetch_optional(pool)
        .await?;
    let candidates: Vec<(String, String)> = sqlx::query_as(EDITOR_SELECT_PRODUCTS)
        .bind(&c.id)
        .fetch_all(pool)
        .await?;
    let history = sqlx::query_as::<_, HistoryRow>(EDITOR_SELECT_COMMUNE_SIGNATURE_HISTORY)
        .bind(&c.id)
        .fetch_all(pool)
        .await?
        .into_iter()
        .map(|h| SignatureChange {
            product_name: h.product_name,
            set_by: h.set_by.unwrap_or_default(),
            set_at: h.set_at,
            ended_at: h.ended_at,
        })
        .collect();
    Ok(Some(CommuneEditor {
        id: c.id,
        slug: c.slug,
        name: c.name,
        kind: c.kind,
        story_vi: c.story_vi,
        story_en: c.story_en,
        signature,
        candidates,
        history,
        csrf: String::new(),
    }))
}

/// Saves the commune's story in both languages (audited).
#[tracing::instrument(skip_all, fields(commune_id = %commune_id, officer_id = %officer_id))]
pub async fn save_story(
    db: &Db,
    commune_id: &str,
    story_vi: &str,
    story_en: &str,
    officer_id: &str,
    now: DateTime<Utc>,
) -> Result<(), EditorError> {
    let (vi, en) = (story_vi.trim(), story_en.trim());
    if vi.chars().count() > MAX_STORY_CHARS || en.chars().count() > MAX_STORY_CHARS {
        return Err(EditorError::StoryTooLong);
    }
    let mut tx = db.begin_write().await?;
    let done = sqlx::query(SAVE_STORY)
        .bind(vi)
        .bind(en)
        .bind(db_timestamp(now))
        .bind(commune_id)
        .execute(&mut *tx)
        .await?;
    if done.rows_affected() == 0 {
        return Err(EditorError::NotFound);
    }
    audit::record(
        &mut tx,
        AuditEntry {
            actor_user_id: Some(officer_id),
            action: "commune.story",
            subject_type: "commune",
            subject_id: commune_id,
            details: json!({ "chars_vi": vi.chars().count(), "chars_en": en.chars().count() }),
            ip: None,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Makes an approved product of the commune its signature product. The one it replaces keeps
/// its place in the history; both are re-indexed for search (the signature ranks first).
#[tracing::instrument(skip_all, fields(commune_id = %commune_id, product_id = %product_id, officer_id = %officer_id))]
pub async fn set_signature(
    db: &Db,
    commune_id: &str,
    product_id: &str,
    officer_id: &str,
    now: DateTime<Utc>,
) -> Result<(), EditorError> {
    let at = db_timestamp(now);
    let mut tx = db.begin_write().await?;
    // Written first: two officers choosing at once take turns.
    if !lock_row(&mut tx, Row::Commune(commune_id), Stamp::UpdatedAt(&at)).await? {
        return Err(EditorError::NotFound);
    }
    let Chosen::Replaced(previous) =
        set_signature_in(&mut tx, commune_id, product_id, officer_id, &at).await?
    else {
        return Ok(());
    };
    audit::record(
        &mut tx,
        AuditEntry {
            actor_user_id: Some(officer_id),
            action: "commune.signature",
            subject_type: "commune",
            subject_id: commune_id,
            details: json!({ "product": product_id, "previous": previous }),
            ip: None,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// What choosing a signature product did.
#[derive(Debug, PartialEq, Eq)]
pub enum Chosen {
    /// It was the signature product already.
    Already,
    /// It replaced this one (none: the commune had no signature product yet).
    Replaced(Option<String>),
}

/// The checks and writes of [`set_signature`] inside the caller's transaction (the commune row
/// locked by the caller): the demo data chooses its communes' signature products through it.
pub async fn set_signature_in(
    tx: &mut Transaction<'_, Any>,
    commune_id: &str,
    product_id: &str,
    officer_id: &str,
    at: &str,
) -> Result<Chosen, EditorError> {
    let candidate: Option<String> = sqlx::query_scalar(SET_SIGNATURE_SELECT_PRODUCTS)
        .bind(product_id)
        .bind(commune_id)
        .fetch_optional(&mut **tx)
        .await?;
    if candidate.is_none() {
        return Err(EditorError::NotACandidate);
    }
    let current: Option<(String, Option<String>, String)> =
        sqlx::query_as(SET_SIGNATURE_SELECT_COMMUNE_SIGNATURE_PRODUCTS)
            .bind(commune_id)
            .fetch_optional(&mut **tx)
            .await?;
    if current.as_ref().is_some_and(|(p, _, _)| p == product_id) {
        return Ok(Chosen::Already);
    }
    let previous = current.as_ref().map(|(p, _, _)| p.clone());
    sqlx::query(SET_SIGNATURE_DELETE_COMMUNE_SIGNATURE_PRODUCTS)
        .bind(commune_id)
        .execute(&mut **tx)
        .await?;
    sqlx::query(SET_SIGNATURE_INSERT_COMMUNE_SIGNATURE_PRODUCTS)
        .bind(commune_id)
        .bind(product_id)
        .bind(officer_id)
        .bind(at)
        .execute(&mut **tx)
        .await?;
    sqlx::query(SET_SIGNATURE_UPDATE_COMMUNE_SIGNATURE_HISTORY)
        .bind(at)
        .bind(commune_id)
        .execute(&mut **tx)
        .await?;
    if let Some((previous, set_by, set_at)) = &current {
        // A signature chosen before history was kept (the demo data) gets its line too.
        let recorded: Option<String> =
            sqlx::query_scalar(SET_SIGNATURE_SELECT_COMMUNE_SIGNATURE_HISTORY)
                .bind(commune_id)
                .bind(previous)
                .bind(set_at)
                .fetch_optional(&mut **tx)
                .await?;
        if recorded.is_none() {
            sqlx::query(SET_SIGNATURE_INSERT_COMMUNE_SIGNATURE_HISTORY)
                .bind(new_id())
                .bind(commune_id)
                .bind(previous)
                .bind(set_by)
                .bind(set_at)
                .bind(at)
                .execute(&mut **tx)
                .await?;
        }
    }
    sqlx::query(SET_SIGNATURE_INSERT_COMMUNE_SIGNATURE_HISTORY_2)
        .bind(new_id())
        .bind(commune_id)
        .bind(product_id)
        .bind(officer_id)
        .bind(at)
        .execute(&mut **tx)
        .await?;
    let mut changed = vec![product_id];
    changed.extend(previous.as_deref());
    crate::search::sync::queue(tx, &changed).await?;
    Ok(Chosen::Replaced(previous))
}

/// The commune's signature product, if it has one.
pub async fn signature_in(
    tx: &mut Transaction<'_, Any>,
    commune_id: &str,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar(SIGNATURE_OF)
        .bind(commune_id)
        .fetch_optional(&mut **tx)
        .await
}

// The module's SQL, each statement prepared on both engines by the `sql` integration test.
crate::db::statements! {
    /// `signature_in`.
    SIGNATURE_OF = "SELECT product_id FROM commune_signature_products WHERE commune_id = $1";
    /// `communes_of`.
    COMMUNES_OF_SELECT_COMMUNES = "SELECT id, name FROM communes WHERE status = 'active' ORDER BY name";
    /// `communes_of`.
    COMMUNES_OF_SELECT_COMMUNES_2 = "SELECT id, name FROM communes WHERE id = $1";
    /// `editor`.
    EDITOR_SELECT_COMMUNES = "SELECT id, slug, name, kind, story_vi, story_en FROM communes WHERE id = $1";
    /// `editor`.
    EDITOR_SELECT_COMMUNE_SIGNATURE_PRODUCTS = "SELECT product_id FROM commune_signature_products WHERE commune_id = $1";
    /// `editor`.
    EDITOR_SELECT_PRODUCTS = "SELECT id, name_vi FROM products WHERE commune_id = $1 AND status = 'approved'
        ORDER BY name_vi";
    /// `editor`.
    EDITOR_SELECT_COMMUNE_SIGNATURE_HISTORY = "SELECT p.name_vi AS product_name, u.display_name AS set_by, h.set_at, h.ended_at
         FROM commune_signature_history h
         JOIN products p ON p.id = h.product_id
         LEFT JOIN users u ON u.id = h.set_by
        WHERE h.commune_id = $1
        ORDER BY h.set_at DESC, h.id DESC";
    /// `save_story`.
    SAVE_STORY = "UPDATE communes SET story_vi = $1, story_en = $2, updated_at = $3 WHERE id = $4";
    /// `set_signature`.
    SET_SIGNATURE_SELECT_PRODUCTS = "SELECT id FROM products WHERE id = $1 AND commune_id = $2 AND status = 'approved'";
    /// `set_signature`.
    SET_SIGNATURE_SELECT_COMMUNE_SIGNATURE_PRODUCTS = "SELECT product_id, set_by, set_at FROM commune_signature_products WHERE commune_id = $1";
    /// `set_signature`.
    SET_SIGNATURE_DELETE_COMMUNE_SIGNATURE_PRODUCTS = "DELETE FROM commune_signature_products WHERE commune_id = $1";
    /// `set_signature`.
    SET_SIGNATURE_INSERT_COMMUNE_SIGNATURE_PRODUCTS = "INSERT INTO commune_signature_products (commune_id, product_id, set_by, set_at)
        VALUES ($1, $2, $3, $4)";
    /// `set_signature`.
    SET_SIGNATURE_UPDATE_COMMUNE_SIGNATURE_HISTORY = "UPDATE commune_signature_history SET ended_at = $1
        WHERE commune_id = $2 AND ended_at IS NULL";
    /// `set_signature`.
    SET_SIGNATURE_SELECT_COMMUNE_SIGNATURE_HISTORY = "SELECT id FROM commune_signature_history
        WHERE commune_id = $1 AND product_id = $2 AND set_at = $3";
    /// `set_signature`.
    SET_SIGNATURE_INSERT_COMMUNE_SIGNATURE_HISTORY = "INSERT INTO commune_signature_history (id, commune_id, product_id, set_by, set_at, ended_at)
        VALUES ($1, $2, $3, $4, $5, $6)";
    /// `set_signature`.
    SET_SIGNATURE_INSERT_COMMUNE_SIGNATURE_HISTORY_2 = "INSERT INTO commune_signature_history (id, commune_id, product_id, set_by, set_at)
        VALUES ($1, $2, $3, $4, $5)";
}
