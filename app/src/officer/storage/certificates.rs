//! OCOP certificates recorded by commune officers, and the dashboard's view of them.

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::json;
use sqlx::{Any, FromRow, Transaction};

use crate::{
    db::{
        Db,
        audit::{self, AuditEntry},
        decode,
        ids::new_id,
    },
    domain::time::{db_date, db_timestamp},
    officer::{
        model::{CertifiableProduct, OfficerCertificate},
        rules::ocop::{Certificate, standing},
    },
};

#[derive(Debug, thiserror::Error)]
pub enum CertificateDbError {
    #[error("this product already has a certificate with that decision number")]
    DecisionTaken,
    #[error("no such product")]
    NotFound,
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

impl CertificateDbError {
    pub fn code(&self) -> &'static str {
        match self {
            CertificateDbError::DecisionTaken => "cert_decision_taken",
            CertificateDbError::NotFound => "not_found",
            CertificateDbError::Db(_) => "internal",
        }
    }
}

/// Records a certificate for a product (audited; the search index is told in the same
/// transaction). Returns the certificate's id.
#[tracing::instrument(skip_all, fields(product_id = %product_id, officer_id = %officer_id))]
pub async fn record(
    db: &Db,
    product_id: &str,
    certificate: &Certificate,
    officer_id: &str,
    now: DateTime<Utc>,
) -> Result<String, CertificateDbError> {
    let mut tx = db.begin_write().await?;
    let id = new_id();
    insert(
        &mut tx,
        &id,
        product_id,
        certificate,
        Some(officer_id),
        &db_timestamp(now),
    )
    .await?;
    audit::record(
        &mut tx,
        AuditEntry {
            actor_user_id: Some(officer_id),
            action: "certificate.record",
            subject_type: "product",
            subject_id: product_id,
            details: json!({
                "certificate": id,
                "stars": certificate.stars().get(),
                "level": certificate.level().as_str(),
                "decision_no": certificate.decision_no(),
                "issued_on": db_date(certificate.issued_on()),
                "expires_on": db_date(certificate.expires_on()),
            }),
            ip: None,
        },
    )
    .await?;
    crate::search::sync::queue(&mut tx, &[product_id]).await?;
    tx.commit().await?;
    Ok(id)
}

/// The checks and the one INSERT of a certificate, inside the caller's transaction: an
/// officer's record above, and the demo seed's (fixed id, no recording officer).
#[tracing::instrument(skip_all, fields(certificate_id = %id, product_id = %product_id))]
pub async fn insert(
    tx: &mut Transaction<'_, Any>,
    id: &str,
    product_id: &str,
    certificate: &Certificate,
    recorded_by: Option<&str>,
    now: &str,
) -> Result<(), CertificateDbError> {
    let group: Option<(String,)> = sqlx::query_as(INSERT_SELECT_PRODUCTS)
        .bind(product_id)
        .fetch_optional(&mut **tx)
        .await?;
    let Some((group,)) = group else {
        return Err(CertificateDbError::NotFound);
    };
    let taken: Option<(String,)> = sqlx::query_as(INSERT_SELECT_OCOP_CERTIFICATES)
        .bind(product_id)
        .bind(certificate.decision_no())
        .fetch_optional(&mut **tx)
        .await?;
    if taken.is_some() {
        return Err(CertificateDbError::DecisionTaken);
    }
    sqlx::query(INSERT_INSERT_OCOP_CERTIFICATES)
        .bind(id)
        .bind(product_id)
        .bind(i64::from(certificate.stars()))
        .bind(certificate.level().as_str())
        .bind(certificate.decision_no())
        .bind(db_date(certificate.issued_on()))
        .bind(db_date(certificate.expires_on()))
        .bind(&group)
        .bind(recorded_by)
        .bind(now)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// `AND pr.commune_id IN ($2, …)` for an officer's communes; nothing for an administrator.
/// `scope` is the number of communes, if limited.
fn scope_filter(scope: Option<usize>, first: usize) -> String {
    match scope {
        None => String::new(),
        Some(0) => "AND 1 = 0".to_owned(),
        Some(n) => format!(
            "AND pr.commune_id IN ({})",
            crate::db::placeholders(first, n)
        ),
    }
}

#[derive(FromRow)]
struct CertificateRow {
    product_id: String,
    product_name: String,
    product_slug: String,
    commune_name: String,
    stars: i64,
    issuing_level: String,
    decision_no: String,
    issued_on: String,
    expires_on: String,
}

/// The certificates (not revoked) of products whose producers are in these communes (all when
/// `None`), soonest expiry first, each with its standing on `today`.
#[tracing::instrument(skip_all, fields(?scope))]
pub async fn of_communes(
    db: &Db,
    scope: Option<&[String]>,
    today: NaiveDate,
) -> Result<Vec<OfficerCertificate>, sqlx::Error> {
    let sql = of_communes_sql(scope.map(<[String]>::len));
    let mut query = sqlx::query_as::<_, CertificateRow>(&sql);
    for id in scope.unwrap_or_default() {
        query = query.bind(id);
    }
    query
        .fetch_all(db.pool())
        .await?
        .into_iter()
        .map(|r| {
            // Named by the product (the query reads no certificate id).
            let issued = decode::date("ocop_certificates.issued_on", &r.product_id, &r.issued_on)?;
            let expires =
                decode::date("ocop_certificates.expires_on", &r.product_id, &r.expires_on)?;
            Ok(OfficerCertificate {
                standing: standing(issued, expires, today),
                stars: decode::number("ocop_certificates.stars", &r.product_id, r.stars)?,
                product_id: r.product_id,
                product_name: r.product_name,
                product_slug: r.product_slug,
                commune_name: r.commune_name,
                level: r.issuing_level,
                decision_no: r.decision_no,
                issued_on: r.issued_on,
                expires_on: r.expires_on,
            })
        })
        .collect()
}

/// [`of_communes`]' statement for that many communes (`None`: all).
fn of_communes_sql(scope: Option<usize>) -> String {
    format!(
        "SELECT p.id AS product_id, p.name_vi AS product_name, p.slug AS product_slug,
                c.name AS commune_name, oc.stars, oc.issuing_level, oc.decision_no,
                oc.issued_on, oc.expires_on
           FROM ocop_certificates oc
           JOIN products p ON p.id = oc.product_id
           JOIN producers pr ON pr.id = p.producer_id
           JOIN communes c ON c.id = pr.commune_id
          WHERE oc.revoked_at IS NULL {}
          ORDER BY oc.expires_on, p.name_vi",
        scope_filter(scope, 1)
    )
}

/// Products an officer may record a certificate for: those of producers in their communes that
/// are not drafts.
#[tracing::instrument(skip_all, fields(?scope))]
pub async fn certifiable(
    db: &Db,
    scope: Option<&[String]>,
) -> Result<Vec<CertifiableProduct>, sqlx::Error> {
    let sql = certifiable_sql(scope.map(<[String]>::len));
    let mut query = sqlx::query_as::<_, CertifiableProduct>(&sql);
    for id in scope.unwrap_or_default() {
        query = query.bind(id);
    }
    query.fetch_all(db.pool()).await
}

/// [`certifiable`]'s statement for that many communes (`None`: all).
fn certifiable_sql(scope: Option<usize>) -> String {
    format!(
        "SELECT p.id, p.name_vi AS name, pr.name AS producer
           FROM products p JOIN producers pr ON pr.id = p.producer_id
          WHERE p.status IN ('pending', 'approved') {}
          ORDER BY p.name_vi",
        scope_filter(scope, 1)
    )
}

/// The module's statements built at run time, for every scope shape (all, none, one, two).
pub(crate) fn rendered_statements() -> Vec<(String, String)> {
    [None, Some(0), Some(1), Some(2)]
        .into_iter()
        .flat_map(|scope| {
            [
                (
                    format!("of_communes_sql({scope:?})"),
                    of_communes_sql(scope),
                ),
                (
                    format!("certifiable_sql({scope:?})"),
                    certifiable_sql(scope),
                ),
            ]
        })
        .collect()
}

// The module's SQL, each statement prepared on both engines by the `sql` integration test.
/// Writes the reminders due on `today` for certificates running out: each certificate's stage
/// (90 days, 30 days, expired) once, to its producer's people and its commune's officers. A
/// certificate replaced by a later one of the same product is not reminded of. Safe to run
/// often and on several servers: a stage already written is skipped without a write, and the
/// notices' unique key settles a race. Returns how many stages were written.
#[tracing::instrument(skip_all, fields(%today))]
pub async fn remind_expiring(
    db: &Db,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<usize, sqlx::Error> {
    use crate::{
        notify::{rules::Notice, storage},
        officer::rules::ocop::{
            EXPIRED_REMINDER_DAYS, EXPIRY_WARNING_DAYS, ExpiryReminder, expiry_reminder,
        },
    };
    let from = db_date(today - chrono::Duration::days(EXPIRED_REMINDER_DAYS));
    let to = db_date(today + chrono::Duration::days(EXPIRY_WARNING_DAYS));
    let due: Vec<(String, String, String, String, String, String, String)> =
        sqlx::query_as(REMIND_EXPIRING_SELECT)
            .bind(&from)
            .bind(&to)
            .fetch_all(db.pool())
            .await?;
    let at = db_timestamp(now);
    let mut written = 0;
    for (id, product_id, product, decision_no, expires_on, producer_id, commune_id) in due {
        let expires = decode::date("ocop_certificates.expires_on", &id, &expires_on)?;
        let Some(stage) = expiry_reminder(expires, today) else {
            continue;
        };
        let notice = match stage {
            ExpiryReminder::Days90 | ExpiryReminder::Days30 => Notice::CertificateExpiring {
                product_id,
                product,
                decision_no,
                expires_on: expires,
                days_left: (expires - today).num_days(),
            },
            ExpiryReminder::Expired => Notice::CertificateExpired {
                product_id,
                product,
                decision_no,
                expires_on: expires,
            },
        };
        let event = format!("certificate_{}:{id}", stage.code());
        let sent: Option<i64> = sqlx::query_scalar(REMIND_EXPIRING_SENT)
            .bind(&event)
            .fetch_optional(db.pool())
            .await?;
        if sent.is_some() {
            continue;
        }
        let mut tx = db.begin_write().await?;
        storage::notify_producer_in(&mut tx, &event, &producer_id, &notice, &at).await?;
        let officers: Vec<String> = sqlx::query_scalar(REMIND_EXPIRING_OFFICERS)
            .bind(&commune_id)
            .fetch_all(&mut *tx)
            .await?;
        for officer in officers {
            storage::notify_in(
                &mut tx,
                &event,
                storage::Recipient::User(&officer),
                &notice,
                &at,
            )
            .await?;
        }
        tx.commit().await?;
        written += 1;
    }
    Ok(written)
}

crate::db::statements! {
    /// `remind_expiring`: certificates in force or lately expired, inside the reminder windows,
    /// not replaced by a later one of the same product.
    REMIND_EXPIRING_SELECT = "SELECT oc.id, p.id, p.name_vi, oc.decision_no, oc.expires_on, p.producer_id, pr.commune_id
        FROM ocop_certificates oc
        JOIN products p ON p.id = oc.product_id
        JOIN producers pr ON pr.id = p.producer_id
        WHERE oc.revoked_at IS NULL AND oc.expires_on >= $1 AND oc.expires_on <= $2
          AND NOT EXISTS (SELECT 1 FROM ocop_certificates n WHERE n.product_id = oc.product_id
                          AND n.revoked_at IS NULL AND n.expires_on > oc.expires_on)
        ORDER BY oc.expires_on, oc.id";
    /// `remind_expiring`: a stage already written.
    REMIND_EXPIRING_SENT = "SELECT 1 FROM notifications WHERE event_key = $1 LIMIT 1";
    /// `remind_expiring`: the commune's officers.
    REMIND_EXPIRING_OFFICERS = "SELECT user_id FROM commune_officers WHERE commune_id = $1 ORDER BY user_id";
    /// `insert`.
    INSERT_SELECT_PRODUCTS = "SELECT group_code FROM products WHERE id = $1";
    /// `insert`.
    INSERT_SELECT_OCOP_CERTIFICATES = "SELECT id FROM ocop_certificates WHERE product_id = $1 AND decision_no = $2";
    /// `insert`.
    INSERT_INSERT_OCOP_CERTIFICATES = "INSERT INTO ocop_certificates (id, product_id, stars, issuing_level, decision_no,
           issued_on, expires_on, group_code, recorded_by, created_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)";
}
