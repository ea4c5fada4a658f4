//! Producer applications (a farmer asks to sell in a commune; its officers decide), and the
//! account pages' views of producers, communes and users.

use chrono::Utc;
use serde_json::json;
use sqlx::{Any, Transaction};

use crate::{
    auth::storage::is_unique_violation,
    db::{
        Db,
        audit::{self, AuditEntry},
        ids::new_id,
    },
};
use crate::{
    auth::views::{Application, CommuneChoice, MyProducer, UserSummary},
    domain::{
        phone::PhoneVn,
        product::{ProducerKind, ProducerStatus},
        slug::Slug,
        time::db_timestamp,
    },
    notify::{rules::Notice, storage::Recipient},
};

#[derive(Debug, thiserror::Error)]
pub enum ApplicationError {
    #[error("no active commune has this id")]
    UnknownCommune,
    #[error("a producer with this name exists")]
    NameTaken,
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

/// Creates a pending producer owned by `user_id`, for the commune's officers to decide on.
pub async fn apply(
    db: &Db,
    user_id: &str,
    name: &str,
    kind: ProducerKind,
    commune_id: &str,
    identity: Option<&crate::seller::identity::SellerIdentity>,
    ip: Option<&str>,
) -> Result<String, ApplicationError> {
    let now = db_timestamp(Utc::now());
    let mut tx = db.begin_write().await?;
    let commune: Option<(String,)> = sqlx::query_as(APPLY_SELECT_COMMUNES)
        .bind(commune_id)
        .fetch_optional(&mut *tx)
        .await?;
    if commune.is_none() {
        return Err(ApplicationError::UnknownCommune);
    }
    let taken: Option<(String,)> = sqlx::query_as(APPLY_SELECT_PRODUCERS)
        .bind(name)
        .fetch_optional(&mut *tx)
        .await?;
    if taken.is_some() {
        return Err(ApplicationError::NameTaken);
    }
    let id = new_id();
    let base = Slug::from_text(name)
        .map(|s| s.as_str().to_owned())
        .unwrap_or_else(|_| "nha-san-xuat".to_owned());
    // The id's tail keeps the slug unique without a retry loop.
    let slug = format!("{base}-{}", &id[id.len() - 6..]);
    let producer = NewProducer {
        id: &id,
        slug: &slug,
        name,
        kind,
        commune_id,
        phone: None,
        status: ProducerStatus::Pending,
        applied_by: Some(user_id),
        description_vi: "",
        description_en: "",
    };
    let inserted = insert_producer_in(&mut tx, &producer, &now).await;
    match inserted {
        Err(e) if is_unique_violation(&e) => return Err(ApplicationError::NameTaken),
        other => other?,
    };
    add_owner_in(&mut tx, &id, user_id, &now).await?;
    if let Some(identity) = identity {
        crate::seller::identity_storage::write_in(&mut tx, &id, identity, &now).await?;
    }
    audit::record(
        &mut tx,
        AuditEntry {
            actor_user_id: Some(user_id),
            action: "producer.apply",
            subject_type: "producer",
            subject_id: &id,
            details: json!({ "name": name, "commune_id": commune_id }),
            ip,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

pub async fn of_user(db: &Db, user_id: &str) -> Result<Vec<MyProducer>, sqlx::Error> {
    sqlx::query_as(OF_USER)
        .bind(user_id)
        .fetch_all(db.pool())
        .await
}

/// Pending applications in these communes (every commune when `communes` is None: an admin).
pub async fn pending(
    db: &Db,
    communes: Option<&[String]>,
) -> Result<Vec<Application>, sqlx::Error> {
    let rows: Vec<Application> = sqlx::query_as(PENDING).fetch_all(db.pool()).await?;
    Ok(match communes {
        None => rows,
        Some(scope) => rows
            .into_iter()
            .filter(|a| scope.contains(&a.commune_id))
            .collect(),
    })
}

/// The commune of a producer (for the authorization check before deciding), if it exists.
pub async fn commune_of(db: &Db, producer_id: &str) -> Result<Option<String>, sqlx::Error> {
    let row: Option<(String,)> = sqlx::query_as(COMMUNE_OF)
        .bind(producer_id)
        .fetch_optional(db.pool())
        .await?;
    Ok(row.map(|(c,)| c))
}

/// Approves (reason None) or rejects a pending application. False when it was not pending.
pub async fn decide(
    db: &Db,
    producer_id: &str,
    rejection: Option<&str>,
    officer_id: &str,
    ip: Option<&str>,
) -> Result<bool, sqlx::Error> {
    let now = db_timestamp(Utc::now());
    let mut tx = db.begin_write().await?;
    let done = sqlx::query(DECIDE)
        .bind(if rejection.is_some() {
            "rejected"
        } else {
            "active"
        })
        .bind(rejection)
        .bind(&now)
        .bind(producer_id)
        .execute(&mut *tx)
        .await?;
    if done.rows_affected() == 0 {
        return Ok(false);
    }
    // Approving checks the seller's identity the officer had in front of them.
    if rejection.is_none() {
        crate::seller::identity_storage::check_in(&mut tx, producer_id, officer_id, &now).await?;
    }
    crate::search::sync::queue_producer(&mut tx, producer_id).await?;
    // The applicant hears the decision.
    let applicant: Option<(Option<String>, String)> = sqlx::query_as(DECIDE_APPLICANT)
        .bind(producer_id)
        .fetch_optional(&mut *tx)
        .await?;
    if let Some((Some(applicant), producer)) = applicant {
        let notice = match rejection {
            None => Notice::ApplicationApproved { producer },
            Some(reason) => Notice::ApplicationRefused {
                producer,
                reason: reason.trim().to_owned(),
            },
        };
        let event = format!("{}:{producer_id}:{now}", notice.kind().as_str());
        crate::notify::storage::notify_in(
            &mut tx,
            &event,
            Recipient::User(&applicant),
            &notice,
            &now,
        )
        .await?;
    }
    audit::record(
        &mut tx,
        AuditEntry {
            actor_user_id: Some(officer_id),
            action: if rejection.is_some() {
                "producer.reject"
            } else {
                "producer.approve"
            },
            subject_type: "producer",
            subject_id: producer_id,
            details: json!({ "reason": rejection }),
            ip,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(true)
}

pub async fn commune_choices(db: &Db) -> Result<Vec<CommuneChoice>, sqlx::Error> {
    sqlx::query_as(COMMUNE_CHOICES).fetch_all(db.pool()).await
}

/// Users whose name, phone or email contains `q` (every user, newest first, when empty).
pub async fn search_users(db: &Db, q: &str) -> Result<Vec<UserSummary>, sqlx::Error> {
    let pattern = format!("%{}%", q.trim().to_lowercase());
    sqlx::query_as(SEARCH_USERS)
        .bind(pattern)
        .fetch_all(db.pool())
        .await
}

/// A producer row as it is first written: by a farmer's application (pending), an officer's
/// OCOP import or the demo data (active).
pub struct NewProducer<'a> {
    pub id: &'a str,
    pub slug: &'a str,
    pub name: &'a str,
    pub kind: ProducerKind,
    pub commune_id: &'a str,
    pub phone: Option<&'a PhoneVn>,
    pub status: ProducerStatus,
    pub applied_by: Option<&'a str>,
    pub description_vi: &'a str,
    pub description_en: &'a str,
}

/// Writes a new producer, with the marketplace's default delivery fee; false when one with this
/// id is there already (an import or the demo data run again), which is left as it is.
pub async fn insert_producer_in(
    tx: &mut Transaction<'_, Any>,
    p: &NewProducer<'_>,
    now: &str,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(INSERT_PRODUCER)
        .bind(p.id)
        .bind(p.slug)
        .bind(p.name)
        .bind(p.kind.as_str())
        .bind(p.commune_id)
        .bind(p.phone.map(PhoneVn::e164))
        .bind(p.status.as_str())
        .bind(p.applied_by)
        .bind(p.description_vi)
        .bind(p.description_en)
        .bind(now)
        .execute(&mut **tx)
        .await?;
    Ok(done.rows_affected() > 0)
}

// The module's SQL, each statement prepared on both engines by the `sql` integration test.
/// Makes `user_id` an owner of the producer, inside the caller's transaction (an application,
/// and the demo seed's producers). False when they already were one.
pub async fn add_owner_in(
    tx: &mut Transaction<'_, Any>,
    producer_id: &str,
    user_id: &str,
    now: &str,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(APPLY_INSERT_PRODUCER_MEMBERS)
        .bind(producer_id)
        .bind(user_id)
        .bind(now)
        .execute(&mut **tx)
        .await?;
    Ok(done.rows_affected() > 0)
}

crate::db::statements! {
    /// `apply`.
    APPLY_SELECT_COMMUNES = "SELECT id FROM communes WHERE id = $1 AND status = 'active'";
    /// `apply`.
    APPLY_SELECT_PRODUCERS = "SELECT id FROM producers WHERE lower(name) = lower($1)";
    /// `insert_producer_in`.
    INSERT_PRODUCER = "INSERT INTO producers (id, slug, name, kind, commune_id, phone, status, applied_by,
           description_vi, description_en, created_at, updated_at, shipping_base_vnd)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11,
           COALESCE((SELECT CAST(value AS BIGINT) FROM site_settings WHERE key = 'shipping_base_vnd'), 30000))
        ON CONFLICT (id) DO NOTHING";
    /// `apply`.
    APPLY_INSERT_PRODUCER_MEMBERS = "INSERT INTO producer_members (producer_id, user_id, role, created_at) VALUES ($1, $2, 'owner', $3)
        ON CONFLICT DO NOTHING";
    /// `of_user`.
    OF_USER = "SELECT p.id, p.slug, p.name, p.status, p.status_reason, m.role, p.commune_id, c.name AS commune_name
         FROM producer_members m
         JOIN producers p ON p.id = m.producer_id
         JOIN communes c ON c.id = p.commune_id
        WHERE m.user_id = $1
        ORDER BY p.created_at";
    /// `pending`.
    PENDING = "SELECT p.id, p.name, p.kind, p.commune_id, c.name AS commune_name,
              COALESCE(u.display_name, '') AS applicant, p.created_at AS applied_at,
              p.legal_name, p.address_line, p.phone, p.tax_code, p.registration_no
         FROM producers p
         JOIN communes c ON c.id = p.commune_id
         LEFT JOIN users u ON u.id = p.applied_by
        WHERE p.status = 'pending'
        ORDER BY p.created_at";
    /// `commune_of`.
    COMMUNE_OF = "SELECT commune_id FROM producers WHERE id = $1";
    /// `decide`.
    DECIDE = "UPDATE producers SET status = $1, status_reason = $2, updated_at = $3
        WHERE id = $4 AND status = 'pending'";
    /// `decide`: who applied, and for which producer.
    DECIDE_APPLICANT = "SELECT applied_by, name FROM producers WHERE id = $1";
    /// `commune_choices`.
    COMMUNE_CHOICES = "SELECT id, name, kind FROM communes WHERE status = 'active' ORDER BY name";
    /// `search_users`.
    SEARCH_USERS = "SELECT id, display_name, phone, email, status,
              (SELECT COUNT(*) FROM user_roles r WHERE r.user_id = users.id AND r.role = 'admin') AS admin
         FROM users
        WHERE lower(display_name) LIKE $1 OR COALESCE(phone, '') LIKE $1
           OR COALESCE(email, '') LIKE $1
        ORDER BY created_at DESC LIMIT 50";
}
