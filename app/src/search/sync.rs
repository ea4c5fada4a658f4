//! Keeping the search index in step with the database.
//!
//! Every write that changes what a product's search document says (its listing, variants, stock,
//! producer, commune, certificate, signature status) queues the product in `search_outbox` inside
//! its own transaction. The indexer (server crate) reads the queue, rebuilds those documents from
//! the database, hands them to the engine, and only then deletes the queue rows: a crash or a
//! failed index write leaves them queued, and the next pass repairs the index.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{AnyConnection, FromRow};

use super::engine::{SearchDoc, day_number};
use crate::{
    catalog::storage::PUBLIC_PRODUCT,
    db::{Db, decode, ids::new_id},
    domain::time::db_timestamp,
};

/// Queues products for re-indexing, in the caller's transaction.
pub async fn queue(conn: &mut AnyConnection, product_ids: &[&str]) -> Result<(), sqlx::Error> {
    let mut ids = product_ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    let at = db_timestamp(Utc::now());
    for id in ids {
        sqlx::query(QUEUE)
            .bind(new_id())
            .bind(id)
            .bind(&at)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Queues every product of a producer (its name or status changed).
pub async fn queue_producer(
    conn: &mut AnyConnection,
    producer_id: &str,
) -> Result<(), sqlx::Error> {
    let ids: Vec<(String,)> = sqlx::query_as(QUEUE_PRODUCER)
        .bind(producer_id)
        .fetch_all(&mut *conn)
        .await?;
    let ids: Vec<&str> = ids.iter().map(|(id,)| id.as_str()).collect();
    queue(conn, &ids).await
}

/// Queues the products of an order's lines (their stock changed).
pub async fn queue_order(conn: &mut AnyConnection, order_id: &str) -> Result<(), sqlx::Error> {
    let ids: Vec<(String,)> = sqlx::query_as(QUEUE_ORDER)
        .bind(order_id)
        .fetch_all(&mut *conn)
        .await?;
    let ids: Vec<&str> = ids.iter().map(|(id,)| id.as_str()).collect();
    queue(conn, &ids).await
}

/// Queues the products of these variants (their stock or price changed).
pub async fn queue_variants(
    conn: &mut AnyConnection,
    variant_ids: &[&str],
) -> Result<(), sqlx::Error> {
    let mut products = Vec::new();
    for id in variant_ids {
        let row: Option<(String,)> = sqlx::query_as(QUEUE_VARIANTS)
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?;
        products.extend(row.map(|(p,)| p));
    }
    let ids: Vec<&str> = products.iter().map(String::as_str).collect();
    queue(conn, &ids).await
}

/// Queues every product of a commune (its name changed).
pub async fn queue_commune(conn: &mut AnyConnection, commune_id: &str) -> Result<(), sqlx::Error> {
    let ids: Vec<(String,)> = sqlx::query_as(QUEUE_COMMUNE)
        .bind(commune_id)
        .fetch_all(&mut *conn)
        .await?;
    let ids: Vec<&str> = ids.iter().map(|(id,)| id.as_str()).collect();
    queue(conn, &ids).await
}

/// A queued change.
#[derive(Clone, Debug, FromRow)]
pub struct Queued {
    pub id: String,
    pub product_id: String,
}

/// The oldest queued changes.
pub async fn pending(db: &Db, limit: i64) -> Result<Vec<Queued>, sqlx::Error> {
    sqlx::query_as(PENDING)
        .bind(limit)
        .fetch_all(db.pool())
        .await
}

/// The job whose lease (`crate::servers`) lets one process at a time write the index.
pub const WRITER_JOB: &str = "search_outbox";

/// Who clears the queue after writing the index.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Writer<'a> {
    /// A process that writes the index with no server running beside it (`ocop reindex` or
    /// `ocop restore` that opened the embedded index itself, a test).
    Alone,
    /// The holder of [`WRITER_JOB`]'s lease: rows are cleared only while it still holds it, in
    /// the same transaction, so a writer that lost the lease (`ocop reindex` took over, then
    /// reads the database) never clears a change the new writer has not seen.
    Leased(&'a str),
}

/// Locks the writer's lease row for the rest of `tx`; false when `writer` no longer holds it.
async fn still_writer(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    writer: Writer<'_>,
) -> Result<bool, sqlx::Error> {
    let Writer::Leased(holder) = writer else {
        return Ok(true);
    };
    // A write, not a read: on PostgreSQL the row stays locked until commit, so a take-over
    // waits for this clear to land (and every clear after it sees the new holder).
    let held = sqlx::query(FENCE)
        .bind(WRITER_JOB)
        .bind(holder)
        .execute(&mut **tx)
        .await?;
    Ok(held.rows_affected() == 1)
}

/// Forgets changes the engine now has; false (nothing forgotten) when `writer` lost the lease.
pub async fn done(db: &Db, queued: &[Queued], writer: Writer<'_>) -> Result<bool, sqlx::Error> {
    let mut tx = db.begin_write().await?;
    if !still_writer(&mut tx, writer).await? {
        return Ok(false);
    }
    for chunk in queued.chunks(500) {
        let sql = done_sql(chunk.len());
        let mut query = sqlx::query(&sql);
        for q in chunk {
            query = query.bind(&q.id);
        }
        query.execute(&mut *tx).await?;
    }
    sqlx::query(BUMP_GENERATION).execute(&mut *tx).await?;
    tx.commit().await?;
    Ok(true)
}

/// How many times the index has taken changes: the servers that do not write it (see
/// `app::servers`) read their vocabulary again when this moves.
pub async fn generation(db: &Db) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(GENERATION).fetch_one(db.pool()).await
}

/// [`done`]'s statement for `n` queue rows.
fn done_sql(n: usize) -> String {
    format!(
        "DELETE FROM search_outbox WHERE id IN ({})",
        crate::db::placeholders(1, n)
    )
}

/// How many changes wait for the indexer.
pub async fn backlog(db: &Db) -> Result<i64, sqlx::Error> {
    let (n,): (i64,) = sqlx::query_as(BACKLOG).fetch_one(db.pool()).await?;
    Ok(n)
}

/// When the oldest change still waiting was queued: how far the index lags.
pub async fn oldest_queued_at(db: &Db) -> Result<Option<DateTime<Utc>>, sqlx::Error> {
    // Ids are UUIDv7: the smallest is the oldest, and the primary key finds it.
    let row: Option<(String,)> = sqlx::query_as(OLDEST_QUEUED_AT)
        .fetch_optional(db.pool())
        .await?;
    row.map(|(at,)| decode::timestamp("search_outbox.queued_at", "oldest", &at))
        .transpose()
}

/// How many products are public: what a complete index holds.
pub async fn public_count(db: &Db) -> Result<i64, sqlx::Error> {
    let (n,): (i64,) = sqlx::query_as(PUBLIC_COUNT).fetch_one(db.pool()).await?;
    Ok(n)
}

#[derive(FromRow)]
struct DocRow {
    id: String,
    slug: String,
    name_vi: String,
    name_en: String,
    description_vi: String,
    group_code: String,
    group_vi: String,
    group_en: String,
    commune_id: String,
    commune_slug: String,
    commune_name: String,
    producer: String,
    created_at: String,
    price: Option<i64>,
    stock: i64,
    signature: i64,
    review_count: i64,
    review_total: i64,
}

#[derive(FromRow)]
struct CertificateRow {
    product_id: String,
    stars: i64,
    issued_on: String,
    expires_on: String,
}

/// The documents of the given products that are public, and the ids of those that are not (or
/// no longer exist): the engine must drop them.
pub async fn documents(
    db: &Db,
    product_ids: &[String],
    today: NaiveDate,
) -> Result<(Vec<SearchDoc>, Vec<String>), sqlx::Error> {
    let mut docs = Vec::new();
    for chunk in product_ids.chunks(500) {
        docs.extend(load(db, Some(chunk), today).await?);
    }
    let found: std::collections::HashSet<&str> = docs.iter().map(|d| d.id.as_str()).collect();
    let gone = product_ids
        .iter()
        .filter(|id| !found.contains(id.as_str()))
        .cloned()
        .collect();
    Ok((docs, gone))
}

/// Every public product's document: what a rebuild indexes.
pub async fn all_documents(db: &Db, today: NaiveDate) -> Result<Vec<SearchDoc>, sqlx::Error> {
    load(db, None, today).await
}

/// [`load`]'s two statements (documents, certificates) for that many products (`None`: all).
fn load_sql(ids: Option<usize>) -> (String, String) {
    let (product_filter, certificate_filter) = match ids {
        Some(n) => {
            let list = crate::db::placeholders(1, n);
            (
                format!("AND p.id IN ({list})"),
                format!("AND product_id IN ({list})"),
            )
        }
        None => (String::new(), String::new()),
    };
    let documents = format!(
        "SELECT p.id, p.slug, p.name_vi, p.name_en, p.description_vi, p.group_code,
                g.name_vi AS group_vi, g.name_en AS group_en,
                c.id AS commune_id, c.slug AS commune_slug, c.name AS commune_name,
                pr.name AS producer, p.created_at,
                (SELECT MIN(v.price_vnd) FROM product_variants v
                  WHERE v.product_id = p.id AND v.status = 'active') AS price,
                (SELECT CAST(COALESCE(SUM(v.stock), 0) AS BIGINT) FROM product_variants v
                  WHERE v.product_id = p.id AND v.status = 'active') AS stock,
                (SELECT COUNT(*) FROM commune_signature_products sig
                  WHERE sig.product_id = p.id) AS signature,
                (SELECT COUNT(*) FROM reviews r
                  WHERE r.product_id = p.id AND r.status = 'published') AS review_count,
                (SELECT CAST(COALESCE(SUM(r.stars), 0) AS BIGINT) FROM reviews r
                  WHERE r.product_id = p.id AND r.status = 'published') AS review_total
           FROM products p
           JOIN producers pr ON pr.id = p.producer_id
           JOIN communes c ON c.id = p.commune_id
           JOIN product_groups g ON g.code = p.group_code
          WHERE {PUBLIC_PRODUCT} {product_filter}"
    );
    let certificates = format!(
        "SELECT product_id, stars, issued_on, expires_on FROM ocop_certificates
          WHERE revoked_at IS NULL {certificate_filter}"
    );
    (documents, certificates)
}

/// The module's statements built at run time, for all products and for one and two.
pub(crate) fn rendered_statements() -> Vec<(String, String)> {
    let mut out = Vec::new();
    for n in [None, Some(1), Some(2)] {
        let (documents, certificates) = load_sql(n);
        out.push((format!("load_sql({n:?}).0"), documents));
        out.push((format!("load_sql({n:?}).1"), certificates));
    }
    for n in [1, 2] {
        out.push((format!("done_sql({n})"), done_sql(n)));
    }
    out
}

async fn load(
    db: &Db,
    ids: Option<&[String]>,
    today: NaiveDate,
) -> Result<Vec<SearchDoc>, sqlx::Error> {
    let mut conn = db.pool().acquire().await?;
    let (sql, certificates_sql) = load_sql(ids.map(<[String]>::len));
    let mut query = sqlx::query_as::<_, DocRow>(&sql);
    for id in ids.unwrap_or_default() {
        query = query.bind(id);
    }
    let rows = query.fetch_all(&mut *conn).await?;

    let sql = certificates_sql;
    let mut query = sqlx::query_as::<_, CertificateRow>(&sql);
    for id in ids.unwrap_or_default() {
        query = query.bind(id);
    }
    let mut certificates: HashMap<String, Vec<CertificateRow>> = HashMap::new();
    for c in query.fetch_all(&mut *conn).await? {
        certificates
            .entry(c.product_id.clone())
            .or_default()
            .push(c);
    }

    let mut former: HashMap<String, Vec<String>> = HashMap::new();
    for (commune_id, name) in sqlx::query_as::<_, (String, String)>(LOAD_FORMER_NAMES)
        .fetch_all(&mut *conn)
        .await?
    {
        former.entry(commune_id).or_default().push(name);
    }

    // A row that does not decode fails the load (logged by `decode`): the product keeps its
    // current document and stays queued, rather than being indexed with made-up values.
    rows.into_iter()
        .map(|r| {
            let (stars, stars_until) = stars_on(
                certificates.get(&r.id).map_or(&[][..], Vec::as_slice),
                today,
            )?;
            let created = decode::timestamp("products.created_at", &r.id, &r.created_at)?;
            let price = r
                .price
                .map(|dong| decode::vnd("product_variants.price_vnd", &r.id, dong))
                .transpose()?;
            let mut commune_names = vec![r.commune_name];
            commune_names.extend(former.get(&r.commune_id).into_iter().flatten().cloned());
            Ok(SearchDoc {
                created: created.timestamp(),
                id: r.id,
                slug: r.slug,
                name: r.name_vi,
                name_en: r.name_en,
                description: r.description_vi,
                group: r.group_code,
                group_names: format!("{} {}", r.group_vi, r.group_en),
                commune: r.commune_slug,
                commune_names,
                producer: r.producer,
                price: price.map(|p| p.dong()),
                stock: r.stock,
                stars,
                stars_until,
                signature: r.signature > 0,
                rating: crate::reviews::rules::Rating {
                    count: r.review_count,
                    total: r.review_total,
                }
                .sort_key(),
            })
        })
        .collect()
}

/// The stars in force on `today`, and the first later day on which that may change. A
/// certificate whose dates or stars do not decode is an error, not a certificate skipped.
fn stars_on(certificates: &[CertificateRow], today: NaiveDate) -> Result<(u8, u32), sqlx::Error> {
    let mut stars = 0;
    let mut until = u32::MAX;
    for c in certificates {
        let row = &c.product_id;
        let from = decode::date("ocop_certificates.issued_on", row, &c.issued_on)?;
        let to = decode::date("ocop_certificates.expires_on", row, &c.expires_on)?;
        if from <= today && today <= to {
            stars = stars.max(decode::number::<u8>(
                "ocop_certificates.stars",
                row,
                c.stars,
            )?);
            // The last representable day has no next one: the stars then hold for good.
            until = until.min(day_number(to.succ_opt().unwrap_or(to)));
        } else if from > today {
            until = until.min(day_number(from));
        }
    }
    Ok((stars, until))
}

// The module's SQL, each statement prepared on both engines by the `sql` integration test.
crate::db::statements! {
    /// `queue`.
    QUEUE = "INSERT INTO search_outbox (id, product_id, queued_at) VALUES ($1, $2, $3)";
    /// `queue_producer`.
    QUEUE_PRODUCER = "SELECT id FROM products WHERE producer_id = $1";
    /// `queue_order`.
    QUEUE_ORDER = "SELECT DISTINCT v.product_id FROM order_lines l
         JOIN product_variants v ON v.id = l.variant_id
        WHERE l.order_id = $1";
    /// `queue_variants`.
    QUEUE_VARIANTS = "SELECT product_id FROM product_variants WHERE id = $1";
    /// `queue_commune`.
    QUEUE_COMMUNE = "SELECT id FROM products WHERE commune_id = $1";
    /// `pending`.
    PENDING = "SELECT id, product_id FROM search_outbox ORDER BY id LIMIT $1";
    /// `backlog`.
    BACKLOG = "SELECT COUNT(*) FROM search_outbox";
    /// `oldest_queued_at`.
    OLDEST_QUEUED_AT = "SELECT queued_at FROM search_outbox ORDER BY id LIMIT 1";
    /// `still_writer`.
    FENCE = "UPDATE job_leases SET until = until WHERE job = $1 AND holder = $2";
    /// `done`.
    BUMP_GENERATION = "UPDATE search_generation SET generation = generation + 1";
    /// `generation`.
    GENERATION = "SELECT generation FROM search_generation";
    /// `load`.
    LOAD_FORMER_NAMES = "SELECT commune_id, name FROM commune_former_names";
    /// `public_count`.
    PUBLIC_COUNT = const_format::concatcp!("SELECT COUNT(*) FROM products p JOIN producers pr ON pr.id = p.producer_id
        WHERE ", PUBLIC_PRODUCT);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cert(stars: i64, from: &str, to: &str) -> CertificateRow {
        CertificateRow {
            product_id: "p".into(),
            stars,
            issued_on: from.into(),
            expires_on: to.into(),
        }
    }

    fn day(s: &str) -> NaiveDate {
        crate::domain::time::parse_db_date(s).unwrap()
    }

    #[test]
    fn stars_hold_until_the_day_after_expiry() {
        let c = [cert(4, "2024-01-10", "2027-01-10")];
        assert_eq!(stars_on(&c, day("2027-01-10")).unwrap(), (4, 20270111));
        assert_eq!(stars_on(&c, day("2027-01-11")).unwrap(), (0, u32::MAX));
        let renewed = [
            cert(4, "2024-01-10", "2027-01-10"),
            cert(5, "2026-12-01", "2029-12-01"),
        ];
        assert_eq!(
            stars_on(&renewed, day("2026-11-27")).unwrap(),
            (4, 20261201)
        );
    }

    #[test]
    fn a_certificate_that_does_not_decode_is_an_error_not_skipped() {
        let today = day("2026-11-27");
        for bad in [
            cert(4, "2024-01-10", "not a date"),
            cert(4, "", "2027-01-10"),
            cert(300, "2024-01-10", "2027-01-10"),
            cert(-1, "2024-01-10", "2027-01-10"),
        ] {
            assert!(
                matches!(stars_on(&[bad], today), Err(sqlx::Error::Decode(_))),
                "a bad certificate row must fail the document"
            );
        }
    }
}
