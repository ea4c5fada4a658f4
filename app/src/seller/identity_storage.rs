//! Sellers' legal identity in the database (see `identity`).

use chrono::{DateTime, Utc};
use serde_json::json;
use sqlx::{Any, Transaction};

use super::identity::{IdentityView, SellerIdentity};
use crate::{
    db::{
        Db,
        audit::{self, AuditEntry},
        decode,
    },
    domain::{product::ProducerKind, time::db_timestamp},
};

/// An optional column.
type Maybe = Option<String>;

type Row = (
    String,
    Option<String>,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
);

fn view_of(producer_id: &str, r: Row) -> Result<(ProducerKind, Option<IdentityView>), sqlx::Error> {
    let kind = decode::text_enum("producers.kind", producer_id, &r.0, ProducerKind::parse)?;
    let identity = SellerIdentity::from_stored(
        kind,
        r.1.as_deref(),
        &r.2,
        r.3.as_deref(),
        r.4.as_deref(),
        r.5.as_deref(),
    );
    Ok((
        kind,
        identity.map(|identity| IdentityView {
            identity,
            checked_at: r.6,
        }),
    ))
}

/// A producer's kind and its identity when complete (None: no such producer).
pub async fn of_producer(
    db: &Db,
    producer_id: &str,
) -> Result<Option<(ProducerKind, Option<IdentityView>)>, sqlx::Error> {
    let row: Option<Row> = sqlx::query_as(OF_PRODUCER)
        .bind(producer_id)
        .fetch_optional(db.pool())
        .await?;
    row.map(|r| view_of(producer_id, r)).transpose()
}

/// Whether the producer's identity is complete, in the caller's transaction (the listing gate).
pub async fn is_complete_in(
    tx: &mut Transaction<'_, Any>,
    producer_id: &str,
) -> Result<bool, sqlx::Error> {
    let row: Option<Row> = sqlx::query_as(OF_PRODUCER)
        .bind(producer_id)
        .fetch_optional(&mut **tx)
        .await?;
    Ok(match row {
        Some(r) => view_of(producer_id, r)?.1.is_some(),
        None => false,
    })
}

/// Writes the identity in the caller's transaction; a change clears the officer's check.
pub async fn write_in(
    tx: &mut Transaction<'_, Any>,
    producer_id: &str,
    identity: &SellerIdentity,
    at: &str,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(SAVE)
        .bind(&identity.legal_name)
        .bind(&identity.address)
        .bind(&identity.phone)
        .bind(Some(identity.tax_code.as_str()).filter(|s| !s.is_empty()))
        .bind(Some(identity.registration_no.as_str()).filter(|s| !s.is_empty()))
        .bind(at)
        .bind(producer_id)
        .execute(&mut **tx)
        .await?;
    Ok(done.rows_affected() > 0)
}

/// A member saves the producer's identity (audited).
pub async fn save(
    db: &Db,
    producer_id: &str,
    identity: &SellerIdentity,
    user_id: &str,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let at = db_timestamp(now);
    let mut tx = db.begin_write().await?;
    if !write_in(&mut tx, producer_id, identity, &at).await? {
        return Ok(false);
    }
    audit::record(
        &mut tx,
        AuditEntry {
            actor_user_id: Some(user_id),
            action: "producer.identity",
            subject_type: "producer",
            subject_id: producer_id,
            details: json!(identity),
            ip: None,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(true)
}

/// Stamps the officer's check, in the caller's transaction, when the identity is complete;
/// true when stamped.
pub async fn check_in(
    tx: &mut Transaction<'_, Any>,
    producer_id: &str,
    officer_id: &str,
    at: &str,
) -> Result<bool, sqlx::Error> {
    if !is_complete_in(tx, producer_id).await? {
        return Ok(false);
    }
    let done = sqlx::query(CHECK)
        .bind(at)
        .bind(officer_id)
        .bind(producer_id)
        .execute(&mut **tx)
        .await?;
    Ok(done.rows_affected() > 0)
}

/// An officer marks an identity checked (audited); false when there was nothing to check.
pub async fn mark_checked(
    db: &Db,
    producer_id: &str,
    officer_id: &str,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let at = db_timestamp(now);
    let mut tx = db.begin_write().await?;
    if !check_in(&mut tx, producer_id, officer_id, &at).await? {
        return Ok(false);
    }
    audit::record(
        &mut tx,
        AuditEntry {
            actor_user_id: Some(officer_id),
            action: "producer.identity_checked",
            subject_type: "producer",
            subject_id: producer_id,
            details: json!({}),
            ip: None,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(true)
}

/// (id, name, commune id, kind, then the identity's columns).
type ToCheckRow = (
    String,
    String,
    String,
    String,
    Maybe,
    String,
    Maybe,
    Maybe,
    Maybe,
);

/// Active producers whose complete identity waits for an officer's check, in these communes
/// (all when `None`): (producer id, name, commune id, identity).
pub async fn to_check(
    db: &Db,
    communes: Option<&[String]>,
) -> Result<Vec<(String, String, String, IdentityView)>, sqlx::Error> {
    let rows: Vec<ToCheckRow> = sqlx::query_as(TO_CHECK).fetch_all(db.pool()).await?;
    let mut out = Vec::new();
    for (id, name, commune, kind, legal, address, phone, tax, reg) in rows {
        if communes.is_some_and(|c| !c.contains(&commune)) {
            continue;
        }
        let (_, view) = view_of(&id, (kind, legal, address, phone, tax, reg, None))?;
        if let Some(view) = view {
            out.push((id, name, commune, view));
        }
    }
    Ok(out)
}

// The module's SQL, each statement prepared on both engines by the `sql` integration test.
crate::db::statements! {
    /// `of_producer`, `is_complete_in`.
    OF_PRODUCER = "SELECT kind, legal_name, address_line, phone, tax_code, registration_no, identity_checked_at
        FROM producers WHERE id = $1";
    /// `write_in`.
    SAVE = "UPDATE producers SET legal_name = $1, address_line = $2, phone = $3, tax_code = $4,
           registration_no = $5, identity_checked_at = NULL, identity_checked_by = NULL, updated_at = $6
        WHERE id = $7";
    /// `check_in`.
    CHECK = "UPDATE producers SET identity_checked_at = $1, identity_checked_by = $2 WHERE id = $3";
    /// `to_check`.
    TO_CHECK = "SELECT id, name, commune_id, kind, legal_name, address_line, phone, tax_code, registration_no
        FROM producers WHERE status = 'active' AND legal_name IS NOT NULL AND identity_checked_at IS NULL
        ORDER BY updated_at, id";
}
