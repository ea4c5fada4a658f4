//! Farm tokens in the database: made, listed, revoked, and read back from a request's header.

use chrono::{DateTime, Utc};

use super::{NewToken, Scope, TokenHolder, TokenView};
use crate::{
    db::{Db, ids::new_id},
    domain::time::db_timestamp,
};

/// Stores a new token (its hash) for `user_id`; its id. The form checked the producer is one
/// of the account's active memberships.
#[tracing::instrument(skip_all, fields(user_id = %user_id))]
pub async fn create(
    db: &Db,
    user_id: &str,
    token: &NewToken,
    token_hash: &str,
    now: DateTime<Utc>,
) -> Result<String, sqlx::Error> {
    let id = new_id();
    sqlx::query(CREATE)
        .bind(&id)
        .bind(user_id)
        .bind(&token.producer_id)
        .bind(&token.name)
        .bind(token.scope.as_str())
        .bind(token_hash)
        .bind(db_timestamp(now))
        .execute(db.pool())
        .await?;
    Ok(id)
}

/// The account's tokens that still work, newest first.
#[tracing::instrument(skip_all, fields(user_id = %user_id))]
pub async fn list(db: &Db, user_id: &str) -> Result<Vec<TokenView>, sqlx::Error> {
    let rows: Vec<(String, String, String, String, String, Option<String>)> = sqlx::query_as(LIST)
        .bind(user_id)
        .fetch_all(db.pool())
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(
            |(id, name, producer_name, scope, created_at, last_used_at)| {
                Some(TokenView {
                    id,
                    name,
                    producer_name,
                    // The column's CHECK allows only these.
                    scope: Scope::parse(&scope)?,
                    created_at,
                    last_used_at,
                })
            },
        )
        .collect())
}

/// The approved producers the account is a member of, (id, name) by name: those it may make
/// tokens for.
#[tracing::instrument(skip_all, fields(user_id = %user_id))]
pub async fn producers(db: &Db, user_id: &str) -> Result<Vec<(String, String)>, sqlx::Error> {
    sqlx::query_as(PRODUCERS)
        .bind(user_id)
        .fetch_all(db.pool())
        .await
}

/// Revokes one of the account's own tokens; false when it has none such still working.
#[tracing::instrument(skip_all, fields(user_id = %user_id, token = %id))]
pub async fn revoke(
    db: &Db,
    user_id: &str,
    id: &str,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(REVOKE)
        .bind(id)
        .bind(user_id)
        .bind(db_timestamp(now))
        .execute(db.pool())
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Who the token with this hash speaks for, and marks it used; `None` when it is unknown,
/// revoked, or its maker is no longer an active member of an approved producer (or their
/// account is closed or waits for a password change).
#[tracing::instrument(skip_all)]
pub async fn holder(
    db: &Db,
    token_hash: &str,
    now: DateTime<Utc>,
) -> Result<Option<TokenHolder>, sqlx::Error> {
    let row: Option<(String, String, String, String)> = sqlx::query_as(HOLDER)
        .bind(token_hash)
        .fetch_optional(db.pool())
        .await?;
    let Some((token_id, user_id, producer_id, scope)) = row else {
        return Ok(None);
    };
    let Some(scope) = Scope::parse(&scope) else {
        return Ok(None);
    };
    sqlx::query(TOUCH)
        .bind(&token_id)
        .bind(db_timestamp(now))
        .execute(db.pool())
        .await?;
    Ok(Some(TokenHolder {
        token_id,
        user_id,
        producer_id,
        scope,
    }))
}

crate::db::statements! {
    /// `create`.
    CREATE = "INSERT INTO farm_tokens (id, user_id, producer_id, name, scope, token_hash, created_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7)";
    /// `list`.
    LIST = "SELECT t.id, t.name, p.name, t.scope, t.created_at, t.last_used_at
          FROM farm_tokens t JOIN producers p ON p.id = t.producer_id
         WHERE t.user_id = $1 AND t.revoked_at IS NULL
         ORDER BY t.created_at DESC, t.id";
    /// `producers`.
    PRODUCERS = "SELECT p.id, p.name FROM producer_members m JOIN producers p ON p.id = m.producer_id
         WHERE m.user_id = $1 AND p.status = 'active' ORDER BY p.name, p.id";
    /// `revoke`.
    REVOKE = "UPDATE farm_tokens SET revoked_at = $3
         WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL";
    /// `holder`: the membership is checked on every use, so leaving a producer ends its tokens.
    HOLDER = "SELECT t.id, t.user_id, t.producer_id, t.scope
          FROM farm_tokens t
          JOIN users u ON u.id = t.user_id
          JOIN producer_members m ON m.user_id = t.user_id AND m.producer_id = t.producer_id
          JOIN producers p ON p.id = t.producer_id
         WHERE t.token_hash = $1 AND t.revoked_at IS NULL
           AND u.status = 'active' AND u.must_change_password = 0 AND p.status = 'active'";
    /// `holder`.
    TOUCH = "UPDATE farm_tokens SET last_used_at = $2 WHERE id = $1";
}
