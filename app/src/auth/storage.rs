//! Users, their roles and sessions. (Sign-in throttling: [`super::rate_limits`].)

use chrono::{DateTime, Duration, Utc};
use serde_json::json;
use sqlx::{Any, FromRow, Transaction};

use crate::db::{
    Db,
    audit::{self, AuditEntry},
    ids::new_id,
};
use crate::{
    auth::{Actor, MemberRole, Membership, login::LoginId},
    domain::{product::ProducerStatus, time::db_timestamp},
};

#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error("this phone number or email already has an account")]
    LoginTaken,
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

/// A unique-constraint violation: the row already exists.
pub fn is_unique_violation(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(d) if d.is_unique_violation())
}

/// Creates a buyer account. `password_hash` is an Argon2id PHC string.
#[tracing::instrument(skip_all)]
pub async fn create_user(
    db: &Db,
    login: &LoginId,
    display_name: &str,
    password_hash: &str,
    marketing: bool,
    ip: Option<&str>,
) -> Result<String, AccountError> {
    let id = new_id();
    let now = db_timestamp(Utc::now());
    let mut tx = db.begin_write().await?;
    if !insert_user(&mut tx, &id, login, display_name, Some(password_hash), &now).await? {
        return Err(AccountError::LoginTaken);
    }
    sqlx::query(CREATE_USER)
        .bind(&id)
        .bind(&now)
        .execute(&mut *tx)
        .await?;
    // What the person was told (the account) and what they chose (news), with the version.
    use crate::privacy::rules::{Decision, Purpose};
    crate::privacy::storage::record_in(
        &mut tx,
        crate::privacy::storage::Subject::User(&id),
        &[
            Decision::told(Purpose::Account),
            Decision {
                purpose: Purpose::Marketing,
                granted: marketing,
            },
        ],
        &now,
    )
    .await?;
    audit::record(
        &mut tx,
        AuditEntry {
            actor_user_id: Some(&id),
            action: "user.sign_up",
            subject_type: "user",
            subject_id: &id,
            details: json!({}),
            ip,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// One `users` row; the login goes into `phone` or `email`; `password_hash` is an Argon2id PHC
/// string, or none for an account that signs in only once a password is set (the demo seed's).
/// False when an account with this id or login is already there: nothing is written (sign-up
/// says the login is taken; the seed leaves the account as it is).
pub async fn insert_user(
    tx: &mut Transaction<'_, Any>,
    id: &str,
    login: &LoginId,
    display_name: &str,
    password_hash: Option<&str>,
    now: &str,
) -> Result<bool, sqlx::Error> {
    let (phone, email) = match login {
        LoginId::Phone(p) => (Some(p.e164()), None),
        LoginId::Email(e) => (None, Some(e.clone())),
    };
    let done = sqlx::query(INSERT_USER)
        .bind(id)
        .bind(phone)
        .bind(email)
        .bind(display_name)
        .bind(password_hash)
        .bind(now)
        .execute(&mut **tx)
        .await?;
    Ok(done.rows_affected() > 0)
}

#[derive(FromRow)]
pub struct LoginRow {
    pub id: String,
    pub password_hash: Option<String>,
    pub status: String,
    pub must_change_password: i64,
    pub temporary_password_expires_at: Option<String>,
}

impl LoginRow {
    /// The password is a temporary one an administrator set, and its time is up. (One set
    /// before expiries were recorded has none, and counts as expired.)
    pub fn temporary_password_expired(&self, now: DateTime<Utc>) -> bool {
        self.must_change_password != 0
            && self
                .temporary_password_expires_at
                .as_deref()
                .is_none_or(|until| until <= db_timestamp(now).as_str())
    }
}

/// How long a temporary password set by an administrator works (only to choose a new one).
pub const TEMPORARY_PASSWORD_HOURS: i64 = 24;

/// The account a login key (`+84…` or a lower-case email) belongs to.
#[tracing::instrument(skip_all)]
pub async fn find_login(db: &Db, key: &str) -> Result<Option<LoginRow>, sqlx::Error> {
    sqlx::query_as(FIND_LOGIN)
        .bind(key)
        .fetch_optional(db.pool())
        .await
}

#[tracing::instrument(skip_all, fields(user_id = %user_id))]
pub async fn password_hash(db: &Db, user_id: &str) -> Result<Option<String>, sqlx::Error> {
    let row: Option<(Option<String>,)> = sqlx::query_as(PASSWORD_HASH)
        .bind(user_id)
        .fetch_optional(db.pool())
        .await?;
    Ok(row.and_then(|(h,)| h))
}

/// Sets a password. `reset_by` is the administrator for a reset: the password is then
/// temporary (it only lets the user choose a new one, for [`TEMPORARY_PASSWORD_HOURS`]);
/// None when the user changed it themselves. Every other session of the user ends.
#[tracing::instrument(skip_all, fields(user_id = %user_id))]
pub async fn set_password(
    db: &Db,
    user_id: &str,
    password_hash: &str,
    reset_by: Option<&str>,
    keep_session: Option<&str>,
    ip: Option<&str>,
) -> Result<bool, sqlx::Error> {
    let now = Utc::now();
    let expires = reset_by.map(|_| db_timestamp(now + Duration::hours(TEMPORARY_PASSWORD_HOURS)));
    let mut tx = db.begin_write().await?;
    let done = sqlx::query(SET_PASSWORD_UPDATE_USERS)
        .bind(password_hash)
        .bind(i64::from(reset_by.is_some()))
        .bind(expires)
        .bind(db_timestamp(now))
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    if done.rows_affected() == 0 {
        return Ok(false);
    }
    sqlx::query(SET_PASSWORD_DELETE_SESSIONS)
        .bind(user_id)
        .bind(keep_session.unwrap_or(""))
        .execute(&mut *tx)
        .await?;
    audit::record(
        &mut tx,
        AuditEntry {
            actor_user_id: Some(reset_by.unwrap_or(user_id)),
            action: if reset_by.is_some() {
                "user.password_reset"
            } else {
                "user.password_change"
            },
            subject_type: "user",
            subject_id: user_id,
            details: json!({}),
            ip,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(true)
}

#[derive(FromRow)]
struct ActorRow {
    id: String,
    display_name: String,
    must_change_password: i64,
    admin: i64,
    unread: i64,
}

/// The active user behind a live session, with all their roles; None for an unknown, expired
/// or disabled one, and for one opened with a temporary password whose time is up. Runs on
/// every signed-in request: two queries.
#[tracing::instrument(skip_all)]
pub async fn actor_for_session(
    db: &Db,
    token_hash: &str,
    now: DateTime<Utc>,
) -> Result<Option<Actor>, sqlx::Error> {
    let row: Option<ActorRow> = sqlx::query_as(ACTOR_FOR_SESSION_SELECT_USER_ROLES)
        .bind(token_hash)
        .bind(db_timestamp(now))
        .fetch_optional(db.pool())
        .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    // The scoped roles: communes as an officer, producers as a member.
    let scopes: Vec<(String, String, String, String)> =
        sqlx::query_as(ACTOR_FOR_SESSION_SELECT_COMMUNE_OFFICERS)
            .bind(&row.id)
            .fetch_all(db.pool())
            .await?;
    let mut officer_of = Vec::new();
    let mut member_of = Vec::new();
    for (kind, scope, role, status) in scopes {
        if kind == "officer" {
            officer_of.push(scope);
        } else if let (Some(role), Some(producer_status)) =
            (MemberRole::parse(&role), ProducerStatus::parse(&status))
        {
            member_of.push(Membership {
                producer_id: scope,
                role,
                producer_status,
            });
        }
    }
    Ok(Some(Actor {
        user_id: row.id,
        display_name: row.display_name,
        admin: row.admin > 0,
        officer_of,
        member_of,
        must_change_password: row.must_change_password != 0,
        unread_notices: row.unread,
    }))
}

/// How long a session lasts after sign-in.
pub const SESSION_DAYS: i64 = 30;

/// Starts a session for `user_id` under the (hashed) token. The caller ends the browser's
/// previous session first: a session id is never carried across a sign-in.
#[tracing::instrument(skip_all, fields(user_id = %user_id))]
pub async fn create_session(
    db: &Db,
    token_hash: &str,
    user_id: &str,
    ip: Option<&str>,
    user_agent: &str,
) -> Result<(), sqlx::Error> {
    let now = Utc::now();
    let mut tx = db.begin_write().await?;
    // Expired sessions go as new ones come, so the table does not grow without bound.
    sqlx::query(CREATE_SESSION_DELETE_SESSIONS)
        .bind(db_timestamp(now))
        .execute(&mut *tx)
        .await?;
    sqlx::query(CREATE_SESSION_INSERT_SESSIONS)
        .bind(token_hash)
        .bind(user_id)
        .bind(db_timestamp(now))
        .bind(db_timestamp(now + Duration::days(SESSION_DAYS)))
        .bind(ip)
        .bind(user_agent.chars().take(200).collect::<String>())
        .execute(&mut *tx)
        .await?;
    audit::record(
        &mut tx,
        AuditEntry {
            actor_user_id: Some(user_id),
            action: "user.sign_in",
            subject_type: "user",
            subject_id: user_id,
            details: json!({}),
            ip,
        },
    )
    .await?;
    tx.commit().await
}

#[tracing::instrument(skip_all)]
pub async fn delete_session(db: &Db, token_hash: &str) -> Result<(), sqlx::Error> {
    sqlx::query(DELETE_SESSION)
        .bind(token_hash)
        .execute(db.pool())
        .await?;
    Ok(())
}

/// Makes an existing account (or a new one) a province administrator: the `create-admin`
/// command. Returns the user id.
#[tracing::instrument(skip_all)]
pub async fn create_admin(
    db: &Db,
    login: &LoginId,
    display_name: &str,
    password_hash: &str,
) -> Result<String, sqlx::Error> {
    let now = db_timestamp(Utc::now());
    let mut tx = db.begin_write().await?;
    let existing: Option<(String,)> = sqlx::query_as(CREATE_ADMIN_SELECT_USERS)
        .bind(login.key())
        .fetch_optional(&mut *tx)
        .await?;
    let id = match existing {
        Some((id,)) => {
            sqlx::query(CREATE_ADMIN_UPDATE_USERS)
                .bind(password_hash)
                .bind(&now)
                .bind(&id)
                .execute(&mut *tx)
                .await?;
            id
        }
        None => {
            let id = new_id();
            if !insert_user(&mut tx, &id, login, display_name, Some(password_hash), &now).await? {
                // Taken between the look-up above and here.
                return Err(sqlx::Error::Protocol(format!(
                    "an account with the login {} appeared meanwhile",
                    login.key()
                )));
            }
            id
        }
    };
    sqlx::query(CREATE_ADMIN_INSERT_USER_ROLES)
        .bind(&id)
        .bind(&now)
        .execute(&mut *tx)
        .await?;
    audit::record(
        &mut tx,
        AuditEntry {
            actor_user_id: None,
            action: "user.create_admin",
            subject_type: "user",
            subject_id: &id,
            details: json!({ "via": "command line" }),
            ip: None,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

// The module's SQL, each statement prepared on both engines by the `sql` integration test.
crate::db::statements! {
    /// `create_user`.
    CREATE_USER = "INSERT INTO user_roles (user_id, role, created_at) VALUES ($1, 'buyer', $2)";
    /// `insert_user`.
    INSERT_USER = "INSERT INTO users (id, phone, email, display_name, password_hash, created_at, updated_at)
        VALUES ($1, $2, $3, $4, $5, $6, $6) ON CONFLICT DO NOTHING";
    /// `find_login`.
    FIND_LOGIN = "SELECT id, password_hash, status, must_change_password, temporary_password_expires_at
        FROM users WHERE phone = $1 OR email = $1";
    /// `password_hash`.
    PASSWORD_HASH = "SELECT password_hash FROM users WHERE id = $1";
    /// `set_password`.
    SET_PASSWORD_UPDATE_USERS = "UPDATE users SET password_hash = $1, must_change_password = $2,
                        temporary_password_expires_at = $3, updated_at = $4
        WHERE id = $5";
    /// `set_password`.
    SET_PASSWORD_DELETE_SESSIONS = "DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2";
    /// `actor_for_session`.
    ACTOR_FOR_SESSION_SELECT_USER_ROLES = "SELECT u.id, u.display_name, u.must_change_password,
              (SELECT COUNT(*) FROM user_roles r WHERE r.user_id = u.id AND r.role = 'admin')
                AS admin,
              (SELECT COUNT(*) FROM (SELECT 1 FROM notifications n
                 WHERE n.recipient_user_id = u.id AND n.channel = 'inbox' AND n.read_at IS NULL
                 LIMIT 100) unread) AS unread
         FROM sessions s JOIN users u ON u.id = s.user_id
        WHERE s.token_hash = $1 AND s.expires_at > $2 AND u.status = 'active'
          AND (u.must_change_password = 0 OR u.temporary_password_expires_at > $2)";
    /// `actor_for_session`.
    ACTOR_FOR_SESSION_SELECT_COMMUNE_OFFICERS = "SELECT 'officer' AS kind, commune_id AS scope, '' AS role, '' AS status
          FROM commune_officers WHERE user_id = $1
        UNION ALL
        SELECT 'member' AS kind, m.producer_id AS scope, m.role, p.status
          FROM producer_members m JOIN producers p ON p.id = m.producer_id
         WHERE m.user_id = $1
        ORDER BY 1, 2";
    /// `create_session`.
    CREATE_SESSION_DELETE_SESSIONS = "DELETE FROM sessions WHERE expires_at <= $1";
    /// `create_session`.
    CREATE_SESSION_INSERT_SESSIONS = "INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at, ip, user_agent)
        VALUES ($1, $2, $3, $3, $4, $5, $6)";
    /// `delete_session`.
    DELETE_SESSION = "DELETE FROM sessions WHERE token_hash = $1";
    /// `create_admin`.
    CREATE_ADMIN_SELECT_USERS = "SELECT id FROM users WHERE phone = $1 OR email = $1";
    /// `create_admin`.
    CREATE_ADMIN_UPDATE_USERS = "UPDATE users SET password_hash = $1, status = 'active', must_change_password = 0,
                        temporary_password_expires_at = NULL, updated_at = $2
        WHERE id = $3";
    /// `create_admin`.
    CREATE_ADMIN_INSERT_USER_ROLES = "INSERT INTO user_roles (user_id, role, created_at) VALUES ($1, 'admin', $2)
        ON CONFLICT (user_id, role) DO NOTHING";
}
