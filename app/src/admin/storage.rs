//! The province administrator's changes: renaming a commune (its old name kept as a former
//! name), merging one commune into another (producers, products, plots and officers move; orders
//! stay with their producers), commune officers, and the marketplace's bank account.

use chrono::{DateTime, Utc};
use serde_json::json;

use sqlx::{Any, Transaction};

use crate::{
    db::{
        Db,
        audit::{self, AuditEntry},
    },
    domain::time::{db_date, db_timestamp, vietnam_date},
    shop::rules::vietqr::BankAccount,
};

#[derive(Debug, thiserror::Error)]
pub enum AdminError {
    #[error("write a name of 2 to 80 characters")]
    Name,
    #[error("another commune of the province already has that name")]
    NameTaken,
    #[error("choose two different active communes")]
    Merge,
    #[error("a commune is a xã, a phường or a đặc khu")]
    Kind,
    #[error("no such commune or user")]
    NotFound,
    #[error("the bank account is not valid")]
    Bank,
    #[error("an administrator cannot disable or demote themselves")]
    Yourself,
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

impl AdminError {
    pub fn code(&self) -> &'static str {
        match self {
            AdminError::Name => "commune_name",
            AdminError::NameTaken => "commune_name_taken",
            AdminError::Merge => "commune_merge",
            AdminError::Kind => "commune_kind",
            AdminError::NotFound => "not_found",
            AdminError::Bank => "bank_account",
            AdminError::Yourself => "yourself",
            AdminError::Db(_) => "internal",
        }
    }
}

fn audit_entry<'a>(
    admin_id: &'a str,
    action: &'a str,
    subject_type: &'a str,
    subject_id: &'a str,
    details: serde_json::Value,
) -> AuditEntry<'a> {
    AuditEntry {
        actor_user_id: Some(admin_id),
        action,
        subject_type,
        subject_id,
        details,
        ip: None,
    }
}

/// Creates a commune (xã, phường or đặc khu) in the province; returns its id. Its address is made
/// from its name (`Xã Tân Tiến` → `/xa/tan-tien`, with a number when taken).
#[tracing::instrument(skip_all, fields(admin_id = %admin_id))]
pub async fn create_commune(
    db: &Db,
    name: &str,
    kind: &str,
    admin_id: &str,
    now: DateTime<Utc>,
) -> Result<String, AdminError> {
    let name = name.trim();
    if !(2..=80).contains(&name.chars().count()) {
        return Err(AdminError::Name);
    }
    if !["xa", "phuong", "dac_khu"].contains(&kind) {
        return Err(AdminError::Kind);
    }
    let at = db_timestamp(now);
    let id = crate::db::ids::new_id();
    audit::with_audit(
        db,
        async |tx| create_commune_in(tx, &id, name, kind, &at).await,
        |slug| {
            Some(audit_entry(
                admin_id,
                "commune.create",
                "commune",
                &id,
                json!({ "name": name, "kind": kind, "slug": slug }),
            ))
        },
    )
    .await?;
    Ok(id)
}

/// The checks and the INSERT of [`create_commune`], inside the caller's transaction: the new
/// commune's address.
async fn create_commune_in(
    tx: &mut Transaction<'_, Any>,
    id: &str,
    name: &str,
    kind: &str,
    at: &str,
) -> Result<String, AdminError> {
    let Some(province): Option<String> = sqlx::query_scalar(CREATE_COMMUNE_SELECT_PROVINCES)
        .fetch_optional(&mut **tx)
        .await?
    else {
        return Err(AdminError::NotFound);
    };
    let taken: Option<String> = sqlx::query_scalar(CREATE_COMMUNE_SELECT_COMMUNES)
        .bind(&province)
        .bind(name)
        .fetch_optional(&mut **tx)
        .await?;
    if taken.is_some() {
        return Err(AdminError::NameTaken);
    }
    let base = crate::domain::slug::Slug::from_text(name)
        .map(String::from)
        .map_err(|_| AdminError::Name)?;
    let mut slug = base.clone();
    for n in 2.. {
        let used: Option<String> = sqlx::query_scalar(CREATE_COMMUNE_SELECT_COMMUNES_2)
            .bind(&slug)
            .fetch_optional(&mut **tx)
            .await?;
        if used.is_none() {
            break;
        }
        slug = format!("{base}-{n}");
    }
    let commune = NewCommune {
        id,
        province_id: &province,
        slug: &slug,
        name,
        kind,
        story_vi: "",
        story_en: "",
    };
    insert_commune_in(tx, &commune, at).await?;
    Ok(slug)
}

/// A commune row as it is first written (by an administrator, or the demo data).
pub struct NewCommune<'a> {
    pub id: &'a str,
    pub province_id: &'a str,
    pub slug: &'a str,
    pub name: &'a str,
    /// `xa`, `phuong` or `dac_khu` (the table checks it).
    pub kind: &'a str,
    pub story_vi: &'a str,
    pub story_en: &'a str,
}

/// Writes a new commune; false when one with this id is there already (the demo data run
/// again), which is left as it is.
pub async fn insert_commune_in(
    tx: &mut Transaction<'_, Any>,
    c: &NewCommune<'_>,
    at: &str,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(INSERT_COMMUNE)
        .bind(c.id)
        .bind(c.province_id)
        .bind(c.slug)
        .bind(c.name)
        .bind(c.kind)
        .bind(c.story_vi)
        .bind(c.story_en)
        .bind(at)
        .execute(&mut **tx)
        .await?;
    Ok(done.rows_affected() > 0)
}

/// Records a name the commune had until `until` (a renaming, a merger, the 2025 reform), so
/// search and addresses still find it; false when it was recorded already.
pub async fn add_former_name_in(
    tx: &mut Transaction<'_, Any>,
    commune_id: &str,
    name: &str,
    former_district: &str,
    until: &str,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(ADD_FORMER_NAME)
        .bind(commune_id)
        .bind(name)
        .bind(former_district)
        .bind(until)
        .execute(&mut **tx)
        .await?;
    Ok(done.rows_affected() > 0)
}

/// Renames a commune; the old name becomes a former name (search and the directory still find
/// it). Its address (slug) does not change, so links keep working.
#[tracing::instrument(skip_all, fields(commune_id = %commune_id, admin_id = %admin_id))]
pub async fn rename_commune(
    db: &Db,
    commune_id: &str,
    new_name: &str,
    admin_id: &str,
    now: DateTime<Utc>,
) -> Result<(), AdminError> {
    let name = new_name.trim();
    if !(2..=80).contains(&name.chars().count()) {
        return Err(AdminError::Name);
    }
    let at = db_timestamp(now);
    let until = db_date(vietnam_date(now));
    audit::with_audit(
        db,
        async |tx| {
            let old: Option<(String, String)> = sqlx::query_as(RENAME_COMMUNE_SELECT_COMMUNES)
                .bind(commune_id)
                .fetch_optional(&mut **tx)
                .await?;
            let Some((old, province)) = old else {
                return Err(AdminError::NotFound);
            };
            if old == name {
                return Ok(None);
            }
            let taken: Option<String> = sqlx::query_scalar(RENAME_COMMUNE_SELECT_COMMUNES_2)
                .bind(&province)
                .bind(name)
                .fetch_optional(&mut **tx)
                .await?;
            if taken.is_some() {
                return Err(AdminError::NameTaken);
            }
            sqlx::query(RENAME_COMMUNE_UPDATE_COMMUNES)
                .bind(name)
                .bind(&at)
                .bind(commune_id)
                .execute(&mut **tx)
                .await?;
            add_former_name_in(tx, commune_id, &old, "", &until).await?;
            // A former name equal to the new one is no longer former.
            sqlx::query(RENAME_COMMUNE_DELETE_COMMUNE_FORMER_NAMES)
                .bind(commune_id)
                .bind(name)
                .execute(&mut **tx)
                .await?;
            crate::search::sync::queue_commune(tx, commune_id).await?;
            Ok(Some(old))
        },
        |old| {
            let old = old.as_ref()?;
            Some(audit_entry(
                admin_id,
                "commune.rename",
                "commune",
                commune_id,
                json!({ "from": old, "to": name }),
            ))
        },
    )
    .await?;
    Ok(())
}

/// Merges `from` into `into`: every producer, product, plot and officer of `from` moves; its
/// name and former names become `into`'s former names; `from` is kept, marked merged (old links
/// and delivery addresses still resolve). Orders belong to producers and are untouched.
#[tracing::instrument(skip_all, fields(from_commune = %from, into_commune = %into, admin_id = %admin_id))]
pub async fn merge_communes(
    db: &Db,
    from: &str,
    into: &str,
    admin_id: &str,
    now: DateTime<Utc>,
) -> Result<(), AdminError> {
    if from == into {
        return Err(AdminError::Merge);
    }
    let at = db_timestamp(now);
    audit::with_audit(
        db,
        async |tx| {
            let active: i64 = sqlx::query_scalar(MERGE_COMMUNES_SELECT_COMMUNES)
                .bind(from)
                .bind(into)
                .fetch_one(&mut **tx)
                .await?;
            if active != 2 {
                return Err(AdminError::Merge);
            }
            let from_name: String = sqlx::query_scalar(MERGE_COMMUNES_SELECT_COMMUNES_2)
                .bind(from)
                .fetch_one(&mut **tx)
                .await?;
            for moved in [
                MERGE_COMMUNES_MOVE_PRODUCERS,
                MERGE_COMMUNES_MOVE_PRODUCTS,
                MERGE_COMMUNES_MOVE_PLOTS,
            ] {
                sqlx::query(moved)
                    .bind(into)
                    .bind(from)
                    .execute(&mut **tx)
                    .await?;
            }
            sqlx::query(MERGE_COMMUNES_INSERT_COMMUNE_OFFICERS)
                .bind(into)
                .bind(&at)
                .bind(from)
                .execute(&mut **tx)
                .await?;
            sqlx::query(MERGE_COMMUNES_DELETE_COMMUNE_OFFICERS)
                .bind(from)
                .execute(&mut **tx)
                .await?;
            // The merged commune's signature product moves only if the other has none.
            sqlx::query(MERGE_COMMUNES_UPDATE_COMMUNE_SIGNATURE_PRODUCTS)
                .bind(into)
                .bind(from)
                .execute(&mut **tx)
                .await?;
            sqlx::query(MERGE_COMMUNES_DELETE_COMMUNE_SIGNATURE_PRODUCTS)
                .bind(from)
                .execute(&mut **tx)
                .await?;
            let until = db_date(vietnam_date(now));
            sqlx::query(MERGE_COMMUNES_INSERT_COMMUNE_FORMER_NAMES)
                .bind(into)
                .bind(from)
                .execute(&mut **tx)
                .await?;
            add_former_name_in(tx, into, &from_name, "", &until).await?;
            sqlx::query(MERGE_COMMUNES_UPDATE_COMMUNES)
                .bind(into)
                .bind(&at)
                .bind(from)
                .execute(&mut **tx)
                .await?;
            crate::search::sync::queue_commune(tx, into).await?;
            Ok(from_name)
        },
        |from_name| {
            Some(audit_entry(
                admin_id,
                "commune.merge",
                "commune",
                into,
                json!({ "merged": from, "name": from_name }),
            ))
        },
    )
    .await?;
    Ok(())
}

/// Makes the user with this id an officer of the commune (idempotent).
#[tracing::instrument(skip_all, fields(user_id = %user_id, commune_id = %commune_id, admin_id = %admin_id))]
pub async fn add_officer(
    db: &Db,
    user_id: &str,
    commune_id: &str,
    admin_id: &str,
    now: DateTime<Utc>,
) -> Result<(), AdminError> {
    audit::with_audit(
        db,
        async |tx| {
            let exists: i64 = sqlx::query_scalar(ADD_OFFICER_SELECT_USERS)
                .bind(user_id)
                .bind(commune_id)
                .fetch_one(&mut **tx)
                .await?;
            if exists != 2 {
                return Err(AdminError::NotFound);
            }
            add_officer_in(tx, user_id, commune_id, &db_timestamp(now)).await?;
            Ok(())
        },
        |_| {
            Some(audit_entry(
                admin_id,
                "officer.add",
                "user",
                user_id,
                json!({ "commune": commune_id }),
            ))
        },
    )
    .await
}

/// The row that makes a user an officer of a commune, inside the caller's transaction (the
/// administrator's form after its checks, and the demo seed's officers). False when they
/// already were one.
pub async fn add_officer_in(
    tx: &mut Transaction<'_, Any>,
    user_id: &str,
    commune_id: &str,
    at: &str,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(ADD_OFFICER_INSERT_COMMUNE_OFFICERS)
        .bind(user_id)
        .bind(commune_id)
        .bind(at)
        .execute(&mut **tx)
        .await?;
    Ok(done.rows_affected() > 0)
}

#[tracing::instrument(skip_all, fields(user_id = %user_id, commune_id = %commune_id, admin_id = %admin_id))]
pub async fn remove_officer(
    db: &Db,
    user_id: &str,
    commune_id: &str,
    admin_id: &str,
) -> Result<(), AdminError> {
    audit::with_audit(
        db,
        async |tx| {
            sqlx::query(REMOVE_OFFICER)
                .bind(user_id)
                .bind(commune_id)
                .execute(&mut **tx)
                .await?;
            Ok(())
        },
        |_| {
            Some(audit_entry(
                admin_id,
                "officer.remove",
                "user",
                user_id,
                json!({ "commune": commune_id }),
            ))
        },
    )
    .await
}

/// What an administrator changes about an account.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UserChange {
    Disable,
    Enable,
    GrantAdmin,
    RevokeAdmin,
}

impl UserChange {
    pub fn parse(text: &str) -> Option<Self> {
        Some(match text {
            "disable" => UserChange::Disable,
            "enable" => UserChange::Enable,
            "grant_admin" => UserChange::GrantAdmin,
            "revoke_admin" => UserChange::RevokeAdmin,
            _ => return None,
        })
    }

    fn action(self) -> &'static str {
        match self {
            UserChange::Disable => "user.disable",
            UserChange::Enable => "user.enable",
            UserChange::GrantAdmin => "user.grant_admin",
            UserChange::RevokeAdmin => "user.revoke_admin",
        }
    }
}

/// Disables (every session ends) or enables an account, or grants or revokes the administrator
/// role. An administrator cannot disable or demote themselves (the province would risk having
/// none).
#[tracing::instrument(skip_all, fields(user_id = %user_id, admin_id = %admin_id))]
pub async fn change_user(
    db: &Db,
    user_id: &str,
    change: UserChange,
    admin_id: &str,
    now: DateTime<Utc>,
) -> Result<(), AdminError> {
    if user_id == admin_id && matches!(change, UserChange::Disable | UserChange::RevokeAdmin) {
        return Err(AdminError::Yourself);
    }
    let at = db_timestamp(now);
    audit::with_audit(
        db,
        async |tx| {
            let exists: Option<String> = sqlx::query_scalar(CHANGE_USER_SELECT_USERS)
                .bind(user_id)
                .fetch_optional(&mut **tx)
                .await?;
            if exists.is_none() {
                return Err(AdminError::NotFound);
            }
            match change {
                UserChange::Disable | UserChange::Enable => {
                    let status = if change == UserChange::Disable {
                        "disabled"
                    } else {
                        "active"
                    };
                    sqlx::query(CHANGE_USER_UPDATE_USERS)
                        .bind(status)
                        .bind(&at)
                        .bind(user_id)
                        .execute(&mut **tx)
                        .await?;
                    if change == UserChange::Disable {
                        sqlx::query(CHANGE_USER_DELETE_SESSIONS)
                            .bind(user_id)
                            .execute(&mut **tx)
                            .await?;
                    }
                }
                UserChange::GrantAdmin => {
                    sqlx::query(CHANGE_USER_INSERT_USER_ROLES)
                        .bind(user_id)
                        .bind(admin_id)
                        .bind(&at)
                        .execute(&mut **tx)
                        .await?;
                }
                UserChange::RevokeAdmin => {
                    sqlx::query(CHANGE_USER_DELETE_USER_ROLES)
                        .bind(user_id)
                        .execute(&mut **tx)
                        .await?;
                }
            }
            Ok(())
        },
        |_| {
            Some(audit_entry(
                admin_id,
                change.action(),
                "user",
                user_id,
                json!({}),
            ))
        },
    )
    .await
}

/// The officers of every commune: (user id, name, commune id, commune name).
#[tracing::instrument(skip_all)]
pub async fn officers(db: &Db) -> Result<Vec<(String, String, String, String)>, sqlx::Error> {
    sqlx::query_as(OFFICERS).fetch_all(db.pool()).await
}

/// Saves one marketplace-wide setting, inserting or replacing it.
pub(crate) async fn put_setting(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    key: &str,
    value: &str,
    at: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(PUT_SETTING)
        .bind(key)
        .bind(value)
        .bind(at)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// The marketplace's account for bank transfers to producers without their own.
#[tracing::instrument(skip_all, fields(admin_id = %admin_id))]
pub async fn save_bank_account(
    db: &Db,
    bin: &str,
    account_no: &str,
    account_name: &str,
    admin_id: &str,
    now: DateTime<Utc>,
) -> Result<(), AdminError> {
    let account = BankAccount::new(bin.trim(), account_no.trim(), account_name.trim())
        .map_err(|_| AdminError::Bank)?;
    let at = db_timestamp(now);
    audit::with_audit(
        db,
        async |tx| {
            save_bank_account_in(tx, &account, &at).await?;
            Ok(())
        },
        |_| {
            Some(audit_entry(
                admin_id,
                "settings.bank",
                "site",
                "bank",
                json!({ "bin": account.bin() }),
            ))
        },
    )
    .await
}

/// Writes the marketplace's bank account into the site settings.
pub async fn save_bank_account_in(
    tx: &mut Transaction<'_, Any>,
    account: &BankAccount,
    at: &str,
) -> Result<(), sqlx::Error> {
    for (key, value) in [
        ("bank_bin", account.bin()),
        ("bank_account_no", account.account()),
        ("bank_account_name", account.name()),
    ] {
        put_setting(tx, key, value, at).await?;
    }
    Ok(())
}

/// The delivery fee new producers start with (each producer may change theirs).
#[tracing::instrument(skip_all, fields(admin_id = %admin_id))]
pub async fn save_default_shipping(
    db: &Db,
    base: crate::domain::money::Vnd,
    admin_id: &str,
    now: DateTime<Utc>,
) -> Result<(), AdminError> {
    audit::with_audit(
        db,
        async |tx| {
            put_setting(
                tx,
                "shipping_base_vnd",
                &base.dong().to_string(),
                &db_timestamp(now),
            )
            .await?;
            Ok(())
        },
        |_| {
            Some(audit_entry(
                admin_id,
                "settings.shipping",
                "site",
                "shipping",
                json!({ "base_vnd": base.dong() }),
            ))
        },
    )
    .await
}

/// The default delivery fee for new producers, in dong.
#[tracing::instrument(skip_all)]
pub async fn default_shipping(db: &Db) -> Result<i64, sqlx::Error> {
    let v: Option<String> = sqlx::query_scalar(DEFAULT_SHIPPING)
        .fetch_optional(db.pool())
        .await?;
    // Unset: the built-in default. Set but not an amount: a fault, not a silent default.
    match v {
        None => Ok(30_000),
        Some(v) => v
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|d| crate::domain::money::Vnd::new(*d).is_ok())
            .ok_or_else(|| {
                crate::db::decode::bad_value(
                    "site_settings.value",
                    "shipping_base_vnd",
                    &v,
                    "is not an amount",
                )
            }),
    }
}

/// The marketplace's bank account as saved: (BIN, account number, holder).
#[tracing::instrument(skip_all)]
pub async fn bank_account(db: &Db) -> Result<(String, String, String), sqlx::Error> {
    let mut conn = db.pool().acquire().await?;
    crate::shop::storage::site_account_fields(&mut conn).await
}

// The module's SQL, each statement prepared on both engines by the `sql` integration test.
crate::db::statements! {
    /// `create_commune`.
    CREATE_COMMUNE_SELECT_PROVINCES = "SELECT id FROM provinces ORDER BY created_at LIMIT 1";
    /// `create_commune`.
    CREATE_COMMUNE_SELECT_COMMUNES = "SELECT id FROM communes WHERE province_id = $1 AND name = $2";
    /// `create_commune`.
    CREATE_COMMUNE_SELECT_COMMUNES_2 = "SELECT id FROM communes WHERE slug = $1";
    /// `insert_commune_in`.
    INSERT_COMMUNE = "INSERT INTO communes (id, province_id, slug, name, kind, story_vi, story_en,
           created_at, updated_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) ON CONFLICT (id) DO NOTHING";
    /// `add_former_name_in`.
    ADD_FORMER_NAME = "INSERT INTO commune_former_names (commune_id, name, former_district, until_date)
        VALUES ($1, $2, $3, $4) ON CONFLICT (commune_id, name) DO NOTHING";
    /// `rename_commune`.
    RENAME_COMMUNE_SELECT_COMMUNES = "SELECT name, province_id FROM communes WHERE id = $1 AND status = 'active'";
    /// `rename_commune`.
    RENAME_COMMUNE_SELECT_COMMUNES_2 = "SELECT id FROM communes WHERE province_id = $1 AND name = $2";
    /// `rename_commune`.
    RENAME_COMMUNE_UPDATE_COMMUNES = "UPDATE communes SET name = $1, updated_at = $2 WHERE id = $3";
    /// `rename_commune`.
    RENAME_COMMUNE_DELETE_COMMUNE_FORMER_NAMES = "DELETE FROM commune_former_names WHERE commune_id = $1 AND name = $2";
    /// `merge_communes`.
    MERGE_COMMUNES_SELECT_COMMUNES = "SELECT COUNT(*) FROM communes WHERE id IN ($1, $2) AND status = 'active'";
    /// `merge_communes`.
    MERGE_COMMUNES_SELECT_COMMUNES_2 = "SELECT name FROM communes WHERE id = $1";
    /// `merge_communes`.
    MERGE_COMMUNES_INSERT_COMMUNE_OFFICERS = "INSERT INTO commune_officers (user_id, commune_id, created_at)
        SELECT user_id, $1, $2 FROM commune_officers WHERE commune_id = $3
        ON CONFLICT DO NOTHING";
    /// `merge_communes`.
    MERGE_COMMUNES_DELETE_COMMUNE_OFFICERS = "DELETE FROM commune_officers WHERE commune_id = $1";
    /// `merge_communes`.
    MERGE_COMMUNES_UPDATE_COMMUNE_SIGNATURE_PRODUCTS = "UPDATE commune_signature_products SET commune_id = $1
        WHERE commune_id = $2
          AND NOT EXISTS (SELECT 1 FROM commune_signature_products s WHERE s.commune_id = $1)";
    /// `merge_communes`.
    MERGE_COMMUNES_DELETE_COMMUNE_SIGNATURE_PRODUCTS = "DELETE FROM commune_signature_products WHERE commune_id = $1";
    /// `merge_communes`.
    MERGE_COMMUNES_INSERT_COMMUNE_FORMER_NAMES = "INSERT INTO commune_former_names (commune_id, name, former_district, until_date)
        SELECT $1, name, former_district, until_date FROM commune_former_names WHERE commune_id = $2
        ON CONFLICT (commune_id, name) DO NOTHING";
    /// `merge_communes`.
    MERGE_COMMUNES_UPDATE_COMMUNES = "UPDATE communes SET status = 'merged', merged_into_id = $1, updated_at = $2 WHERE id = $3";
    /// `add_officer`.
    ADD_OFFICER_SELECT_USERS = "SELECT (SELECT COUNT(*) FROM users WHERE id = $1) + (SELECT COUNT(*) FROM communes WHERE id = $2 AND status = 'active')";
    /// `add_officer`.
    ADD_OFFICER_INSERT_COMMUNE_OFFICERS = "INSERT INTO commune_officers (user_id, commune_id, created_at) VALUES ($1, $2, $3)
        ON CONFLICT DO NOTHING";
    /// `remove_officer`.
    REMOVE_OFFICER = "DELETE FROM commune_officers WHERE user_id = $1 AND commune_id = $2";
    /// `change_user`.
    CHANGE_USER_SELECT_USERS = "SELECT id FROM users WHERE id = $1";
    /// `change_user`.
    CHANGE_USER_UPDATE_USERS = "UPDATE users SET status = $1, updated_at = $2 WHERE id = $3";
    /// `change_user`.
    CHANGE_USER_DELETE_SESSIONS = "DELETE FROM sessions WHERE user_id = $1";
    /// `change_user`.
    CHANGE_USER_INSERT_USER_ROLES = "INSERT INTO user_roles (user_id, role, granted_by, created_at)
        VALUES ($1, 'admin', $2, $3) ON CONFLICT DO NOTHING";
    /// `change_user`.
    CHANGE_USER_DELETE_USER_ROLES = "DELETE FROM user_roles WHERE user_id = $1 AND role = 'admin'";
    /// `officers`.
    OFFICERS = "SELECT u.id, u.display_name, c.id, c.name FROM commune_officers o
         JOIN users u ON u.id = o.user_id JOIN communes c ON c.id = o.commune_id
        ORDER BY c.name, u.display_name";
    /// `put_setting`.
    PUT_SETTING = "INSERT INTO site_settings (key, value, updated_at) VALUES ($1, $2, $3)
        ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at";
    /// `default_shipping`.
    DEFAULT_SHIPPING = "SELECT value FROM site_settings WHERE key = 'shipping_base_vnd'";
    /// `merge_communes`: what stood in the merged commune moves to the one kept.
    MERGE_COMMUNES_MOVE_PRODUCERS = "UPDATE producers SET commune_id = $1 WHERE commune_id = $2";
    /// `merge_communes`.
    MERGE_COMMUNES_MOVE_PRODUCTS = "UPDATE products SET commune_id = $1 WHERE commune_id = $2";
    /// `merge_communes`.
    MERGE_COMMUNES_MOVE_PLOTS = "UPDATE plots SET commune_id = $1 WHERE commune_id = $2";
}
