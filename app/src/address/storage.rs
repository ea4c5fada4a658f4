//! The national list of administrative units in the database: loading it (by `ocop migrate`),
//! linking the marketplace's own provinces and communes to it, and the lookups of checkout, the
//! address picker and the JSON API.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};
use sqlx::Row;

use crate::{
    address::{
        model::{Commune, Province},
        rules::{
            self, CommuneCode, CommuneKind, MAX_WORDS, ProvinceCode, ProvinceKind, search_key,
        },
    },
    db::{Db, placeholders},
    domain::time::db_timestamp,
};

/// The list as shipped: see migrations/data/ and the README's "Addresses" section.
const UNITS_CSV: &str = include_str!("../../../migrations/data/vn-admin-units.csv");
const UNITS_NAME: &str = "vn-admin-units";

/// One row of the shipped list.
struct UnitRow<'a> {
    province_code: &'a str,
    province_kind: &'a str,
    province_name: &'a str,
    commune_code: &'a str,
    commune_kind: &'a str,
    commune_name: &'a str,
}

/// The shipped list's rows. The file is ours and checked by a test, so a malformed line is a
/// build-time mistake: it is reported, not skipped.
fn unit_rows() -> Result<Vec<UnitRow<'static>>, sqlx::Error> {
    UNITS_CSV
        .lines()
        .skip(1)
        .filter(|l| !l.is_empty())
        .map(|line| {
            let f: Vec<&str> = line.split(',').collect();
            let ok = f.len() == 6
                && ProvinceCode::parse(f[0]).is_ok()
                && ProvinceKind::parse(f[1]).is_some()
                && CommuneCode::parse(f[3]).is_ok()
                && CommuneKind::parse(f[4]).is_some()
                && !f[2].is_empty()
                && !f[5].is_empty();
            if !ok {
                return Err(sqlx::Error::Protocol(format!(
                    "{UNITS_NAME}.csv: malformed line `{line}`"
                )));
            }
            Ok(UnitRow {
                province_code: f[0],
                province_kind: f[1],
                province_name: f[2],
                commune_code: f[3],
                commune_kind: f[4],
                commune_name: f[5],
            })
        })
        .collect()
}

/// What [`load_units`] did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Loaded {
    /// The same file was loaded before: nothing written.
    Unchanged,
    /// Written (first load, or the file changed): provinces and communes upserted.
    Written { provinces: usize, communes: usize },
}

/// Rows per INSERT: well under both engines' limits on bound values.
const BATCH: usize = 400;

/// Loads the shipped list unless this very file was loaded before. Idempotent and safe from
/// several servers at once (upserts in code order, in one transaction).
pub async fn load_units(db: &Db, now: DateTime<Utc>) -> Result<Loaded, sqlx::Error> {
    let sha = crate::domain::hex::hex(&Sha256::digest(UNITS_CSV.as_bytes()));
    let loaded: Option<String> = sqlx::query_scalar(LOADED_SHA)
        .bind(UNITS_NAME)
        .fetch_optional(db.pool())
        .await?;
    if loaded.as_deref() == Some(sha.as_str()) {
        return Ok(Loaded::Unchanged);
    }
    let rows = unit_rows()?;
    let former = former_names(db).await?;
    let mut tx = db.begin_write().await?;
    let mut provinces: Vec<&UnitRow> = Vec::new();
    for row in &rows {
        if provinces
            .last()
            .is_none_or(|p| p.province_code != row.province_code)
        {
            provinces.push(row);
        }
    }
    let sql = upsert_provinces_sql(provinces.len());
    let mut q = sqlx::query(&sql);
    for p in &provinces {
        q = q
            .bind(p.province_code)
            .bind(p.province_name)
            .bind(p.province_kind);
    }
    q.execute(&mut *tx).await?;
    for chunk in rows.chunks(BATCH) {
        let sql = upsert_communes_sql(chunk.len());
        let mut q = sqlx::query(&sql);
        for r in chunk {
            let names = former.get(r.commune_code).map_or(&[][..], Vec::as_slice);
            q = q
                .bind(r.commune_code)
                .bind(r.province_code)
                .bind(r.commune_name)
                .bind(r.commune_kind)
                .bind(search_key(
                    r.commune_name,
                    r.province_name,
                    r.province_code,
                    names,
                ));
        }
        q.execute(&mut *tx).await?;
    }
    sqlx::query(MARK_LOADED)
        .bind(UNITS_NAME)
        .bind(&sha)
        .bind(rows.len() as i64)
        .bind(db_timestamp(now))
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(Loaded::Written {
        provinces: provinces.len(),
        communes: rows.len(),
    })
}

/// Former names the marketplace knows, by the national code of the commune they now belong to.
async fn former_names(db: &Db) -> Result<HashMap<String, Vec<String>>, sqlx::Error> {
    let rows: Vec<(String, String)> = sqlx::query_as(FORMER_NAMES).fetch_all(db.pool()).await?;
    let mut map: HashMap<String, Vec<String>> = HashMap::new();
    for (code, name) in rows {
        map.entry(code).or_default().push(name);
    }
    Ok(map)
}

/// Points the marketplace's provinces and communes that have no national code yet at the unit of
/// the same name (and kind) in their province, and refreshes the search words of linked units
/// with the former names the marketplace knows. Run after the demo seed and after an
/// administrator creates, renames or merges a commune; cheap and idempotent.
pub async fn link_marketplace_units(db: &Db) -> Result<(), sqlx::Error> {
    let mut tx = db.begin_write().await?;
    sqlx::query(LINK_PROVINCES).execute(&mut *tx).await?;
    sqlx::query(LINK_COMMUNES).execute(&mut *tx).await?;
    tx.commit().await?;
    let former = former_names(db).await?;
    if former.is_empty() {
        return Ok(());
    }
    let mut tx = db.begin_write().await?;
    let mut codes: Vec<&String> = former.keys().collect();
    codes.sort();
    for code in codes {
        let unit: Option<(String, String, String)> = sqlx::query_as(UNIT_FOR_KEY)
            .bind(code)
            .fetch_optional(&mut *tx)
            .await?;
        if let Some((name, province, province_code)) = unit {
            sqlx::query(SET_SEARCH_KEY)
                .bind(search_key(&name, &province, &province_code, &former[code]))
                .bind(code)
                .execute(&mut *tx)
                .await?;
        }
    }
    tx.commit().await?;
    Ok(())
}

fn province_from(row: &sqlx::any::AnyRow) -> Result<Province, sqlx::Error> {
    let code: String = row.try_get(0)?;
    let kind: String = row.try_get(2)?;
    Ok(Province {
        code: ProvinceCode::parse(&code).map_err(|e| decode("admin_provinces.code", e))?,
        name: row.try_get(1)?,
        kind: ProvinceKind::parse(&kind)
            .ok_or_else(|| decode("admin_provinces.kind", UnknownKind(kind)))?,
    })
}

fn commune_from(row: &sqlx::any::AnyRow) -> Result<Commune, sqlx::Error> {
    let code: String = row.try_get(0)?;
    let kind: String = row.try_get(2)?;
    let province_code: String = row.try_get(3)?;
    let province_kind: String = row.try_get(5)?;
    Ok(Commune {
        code: CommuneCode::parse(&code).map_err(|e| decode("admin_communes.code", e))?,
        name: row.try_get(1)?,
        kind: CommuneKind::parse(&kind)
            .ok_or_else(|| decode("admin_communes.kind", UnknownKind(kind)))?,
        province: Province {
            code: ProvinceCode::parse(&province_code)
                .map_err(|e| decode("admin_communes.province_code", e))?,
            name: row.try_get(4)?,
            kind: ProvinceKind::parse(&province_kind)
                .ok_or_else(|| decode("admin_provinces.kind", UnknownKind(province_kind)))?,
        },
    })
}

#[derive(Debug, thiserror::Error)]
#[error("unknown kind `{0}`")]
struct UnknownKind(String);

fn decode(column: &'static str, e: impl std::error::Error + Send + Sync + 'static) -> sqlx::Error {
    sqlx::Error::ColumnDecode {
        index: column.to_owned(),
        source: Box::new(e),
    }
}

/// Every province and city a parcel can go to, by name.
pub async fn provinces(db: &Db) -> Result<Vec<Province>, sqlx::Error> {
    let rows = sqlx::query(PROVINCES).fetch_all(db.pool()).await?;
    let mut list = rows
        .iter()
        .map(province_from)
        .collect::<Result<Vec<_>, _>>()?;
    sort_by_name(&mut list, |p| &p.name);
    Ok(list)
}

/// One province, if it is in the list and not merged away.
pub async fn province(db: &Db, code: &ProvinceCode) -> Result<Option<Province>, sqlx::Error> {
    sqlx::query(PROVINCE)
        .bind(code.as_str())
        .fetch_optional(db.pool())
        .await?
        .as_ref()
        .map(province_from)
        .transpose()
}

/// The communes, wards and special zones of a province, by name.
pub async fn communes_of(db: &Db, code: &ProvinceCode) -> Result<Vec<Commune>, sqlx::Error> {
    let rows = sqlx::query(COMMUNES_OF)
        .bind(code.as_str())
        .fetch_all(db.pool())
        .await?;
    let mut list = rows
        .iter()
        .map(commune_from)
        .collect::<Result<Vec<_>, _>>()?;
    sort_by_name(&mut list, |c| &c.name);
    Ok(list)
}

/// What a delivery address's codes name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Lookup {
    Found(Commune),
    /// No such province, or it was merged away.
    UnknownProvince,
    /// No such commune in the list, merged away, or in another province.
    UnknownCommune,
}

/// Checks a delivery address's codes against the list.
pub async fn lookup(
    db: &Db,
    province: &ProvinceCode,
    commune: &CommuneCode,
) -> Result<Lookup, sqlx::Error> {
    let row = sqlx::query(COMMUNE)
        .bind(commune.as_str())
        .fetch_optional(db.pool())
        .await?;
    let found = row.as_ref().map(commune_from).transpose()?;
    Ok(match found {
        Some(c) if &c.province.code == province => Lookup::Found(c),
        _ if self::province(db, province).await?.is_none() => Lookup::UnknownProvince,
        _ => Lookup::UnknownCommune,
    })
}

/// How many matches the picker shows.
pub const PICKER_LIMIT: usize = 20;

/// The communes matching what a buyer typed, best first (see [`rules::query_words`]): every
/// word must start a word of the commune's name, province or former names. When nothing
/// matches, the bare numbers (a former district's "Q.1") are dropped and it is tried again.
pub async fn search(db: &Db, typed: &str) -> Result<Vec<Commune>, sqlx::Error> {
    let words = rules::query_words(typed);
    if words.is_empty() {
        return Ok(Vec::new());
    }
    let found = search_words(db, &words).await?;
    if !found.is_empty() {
        return Ok(found);
    }
    let fewer = rules::without_numbers(&words);
    if fewer.is_empty() || fewer.len() == words.len() {
        return Ok(found);
    }
    search_words(db, &fewer).await
}

async fn search_words(db: &Db, words: &[String]) -> Result<Vec<Commune>, sqlx::Error> {
    // The database narrows by the first word (a LIKE on the folded key); the rule decides.
    let mut q = sqlx::query(SEARCH);
    let first = &words[0];
    q = q.bind(format!("{first}%")).bind(format!("% {first}%"));
    let rows = q.fetch_all(db.pool()).await?;
    let mut found: Vec<(u8, Commune)> = Vec::new();
    for row in &rows {
        let key: String = row.try_get(6)?;
        if rules::matches(&key, words) {
            let c = commune_from(row)?;
            found.push((rules::rank(&c.name, words), c));
        }
    }
    found.sort_by(|(ra, a), (rb, b)| {
        ra.cmp(rb)
            .then_with(|| {
                crate::domain::fold::fold(&a.name).cmp(&crate::domain::fold::fold(&b.name))
            })
            .then_with(|| a.code.cmp(&b.code))
    });
    found.truncate(PICKER_LIMIT);
    Ok(found.into_iter().map(|(_, c)| c).collect())
}

/// Sorts Vietnamese names as a reader expects: by their folded letters, then as written.
fn sort_by_name<T>(list: &mut [T], name: impl Fn(&T) -> &str) {
    list.sort_by_cached_key(|x| {
        let n = name(x);
        (crate::domain::fold::fold(n), n.to_owned())
    });
}

fn upsert_provinces_sql(n: usize) -> String {
    let values: Vec<String> = (0..n)
        .map(|i| format!("({})", placeholders(i * 3 + 1, 3)))
        .collect();
    format!(
        "INSERT INTO admin_provinces (code, name, kind) VALUES {}
         ON CONFLICT (code) DO UPDATE SET name = excluded.name, kind = excluded.kind",
        values.join(", ")
    )
}

fn upsert_communes_sql(n: usize) -> String {
    let values: Vec<String> = (0..n)
        .map(|i| format!("({})", placeholders(i * 5 + 1, 5)))
        .collect();
    format!(
        "INSERT INTO admin_communes (code, province_code, name, kind, search_key) VALUES {}
         ON CONFLICT (code) DO UPDATE SET province_code = excluded.province_code,
           name = excluded.name, kind = excluded.kind, search_key = excluded.search_key",
        values.join(", ")
    )
}

/// The statements built at run time, rendered for the prepare test.
pub(crate) fn rendered_statements() -> Vec<(String, String)> {
    let mut out = Vec::new();
    for n in [1, 2] {
        out.push((
            format!("upsert_provinces_sql({n})"),
            upsert_provinces_sql(n),
        ));
        out.push((format!("upsert_communes_sql({n})"), upsert_communes_sql(n)));
    }
    out
}

// Kept in step with the limit of the query's words.
const _: () = assert!(MAX_WORDS >= 1);

const COMMUNE_COLUMNS: &str = "c.code, c.name, c.kind, p.code, p.name, p.kind";

crate::db::statements! {
    /// `load_units`.
    LOADED_SHA = "SELECT sha256 FROM reference_data WHERE name = $1";
    /// `load_units`.
    MARK_LOADED = "INSERT INTO reference_data (name, sha256, rows, loaded_at) VALUES ($1, $2, $3, $4)
        ON CONFLICT (name) DO UPDATE SET sha256 = excluded.sha256, rows = excluded.rows,
          loaded_at = excluded.loaded_at";
    /// `former_names`.
    FORMER_NAMES = "SELECT c.unit_code, f.name FROM communes c
        JOIN commune_former_names f ON f.commune_id = c.id WHERE c.unit_code IS NOT NULL
        ORDER BY c.unit_code, f.name";
    /// `link_marketplace_units`.
    LINK_PROVINCES = "UPDATE provinces SET unit_code = (SELECT a.code FROM admin_provinces a
        WHERE a.name = provinces.name AND a.status = 'active')
        WHERE unit_code IS NULL";
    /// `link_marketplace_units`.
    LINK_COMMUNES = "UPDATE communes SET unit_code = (SELECT a.code FROM admin_communes a
        JOIN provinces p ON p.unit_code = a.province_code
        WHERE p.id = communes.province_id AND a.name = communes.name AND a.kind = communes.kind
          AND a.status = 'active')
        WHERE unit_code IS NULL AND merged_into_id IS NULL";
    /// `link_marketplace_units`.
    UNIT_FOR_KEY = "SELECT c.name, p.name, p.code FROM admin_communes c
        JOIN admin_provinces p ON p.code = c.province_code WHERE c.code = $1";
    /// `link_marketplace_units`.
    SET_SEARCH_KEY = "UPDATE admin_communes SET search_key = $1 WHERE code = $2";
    /// `provinces`.
    PROVINCES = "SELECT code, name, kind FROM admin_provinces WHERE status = 'active'";
    /// `province`.
    PROVINCE = "SELECT code, name, kind FROM admin_provinces WHERE code = $1 AND status = 'active'";
    /// `communes_of`.
    COMMUNES_OF = const_format::concatcp!("SELECT ", COMMUNE_COLUMNS, " FROM admin_communes c
        JOIN admin_provinces p ON p.code = c.province_code
        WHERE c.province_code = $1 AND c.status = 'active'");
    /// `lookup`.
    COMMUNE = const_format::concatcp!("SELECT ", COMMUNE_COLUMNS, " FROM admin_communes c
        JOIN admin_provinces p ON p.code = c.province_code
        WHERE c.code = $1 AND c.status = 'active' AND p.status = 'active'");
    /// `search`.
    SEARCH = const_format::concatcp!("SELECT ", COMMUNE_COLUMNS, ", c.search_key FROM admin_communes c
        JOIN admin_provinces p ON p.code = c.province_code
        WHERE (c.search_key LIKE $1 OR c.search_key LIKE $2) AND c.status = 'active'
          AND p.status = 'active'");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_list_has_34_provinces_and_3321_communes() {
        let rows = unit_rows().expect("every line well formed");
        assert_eq!(rows.len(), 3321);
        let mut provinces: Vec<&str> = rows.iter().map(|r| r.province_code).collect();
        provinces.dedup();
        assert_eq!(provinces.len(), 34, "rows grouped by province");
        let mut codes: Vec<&str> = rows.iter().map(|r| r.commune_code).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), 3321, "commune codes unique");
        assert!(
            rows.iter()
                .any(|r| r.commune_code == "26743" && r.commune_name == "Bến Thành")
        );
    }
}
