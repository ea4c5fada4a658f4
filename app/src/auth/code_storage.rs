//! The one-time codes' table (`verification_codes`): a code is written with the message that
//! carries it (the notifications outbox) in one transaction, and typed against the newest code
//! for its address. What a code may do is decided by the pure rules of [`super::codes`].

use chrono::{DateTime, Duration, Utc};
use serde_json::json;
use sqlx::{Any, Transaction};

use super::{
    codes::{Attempt, Code, Contact, Purpose, SentCode, attempt, may_send},
    login::LoginId,
};
use crate::{
    db::{
        Db,
        audit::{self, AuditEntry},
        decode,
        ids::new_id,
    },
    domain::time::db_timestamp,
    i18n::Locale,
    notify::{
        rules::Notice,
        storage::{Recipient, notify_in},
    },
};

/// What asking for a code to verify a contact came to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SendOutcome {
    Sent,
    /// The account has no such contact.
    NoContact,
    /// Already verified: nothing to send.
    AlreadyVerified,
    /// Another code went to this address too recently: wait this long.
    Wait(Duration),
}

/// What typing a code came to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TypedOutcome {
    /// No code was sent to this address for this (or not one the account still has).
    NoCode,
    /// As the rules decided; `Accepted` means it is committed.
    Typed(Attempt),
}

/// An account's contact, its verified state and language.
struct ContactRow {
    address: Option<String>,
    verified: bool,
    locale: Locale,
}

async fn contact_of(
    tx: &mut Transaction<'_, Any>,
    user_id: &str,
    contact: Contact,
) -> Result<Option<ContactRow>, sqlx::Error> {
    // phone, phone_verified_at, email, email_verified_at, locale
    type Row = (
        Option<String>,
        Option<String>,
        Option<String>,
        Option<String>,
        String,
    );
    let row: Option<Row> = sqlx::query_as(CONTACT_OF)
        .bind(user_id)
        .fetch_optional(&mut **tx)
        .await?;
    let Some((phone, phone_verified, email, email_verified, locale)) = row else {
        return Ok(None);
    };
    let locale = Locale::from_code(&locale)
        .ok_or_else(|| decode::bad_value("users.locale", user_id, &locale, "not a language"))?;
    let (address, verified) = match contact {
        Contact::Phone => (phone, phone_verified.is_some()),
        Contact::Email => (email, email_verified.is_some()),
    };
    Ok(Some(ContactRow {
        address,
        verified,
        locale,
    }))
}

/// When codes went to `address` in the last hour.
async fn recent_sends(
    tx: &mut Transaction<'_, Any>,
    address: &str,
    now: DateTime<Utc>,
) -> Result<Vec<DateTime<Utc>>, sqlx::Error> {
    let rows: Vec<(String, String)> = sqlx::query_as(RECENT_SENDS)
        .bind(address)
        .bind(db_timestamp(now - Duration::hours(1)))
        .fetch_all(&mut **tx)
        .await?;
    rows.iter()
        .map(|(id, at)| decode::timestamp("verification_codes.created_at", id, at))
        .collect()
}

/// Writes the code (its hash) and the message carrying it, in the caller's transaction.
#[allow(clippy::too_many_arguments)]
async fn write_code(
    tx: &mut Transaction<'_, Any>,
    purpose: Purpose,
    user_id: &str,
    address: &str,
    code: &Code,
    recipient: Recipient<'_>,
    notice: &Notice,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let id = new_id();
    let sent = SentCode::new(now);
    sqlx::query(INSERT_CODE)
        .bind(&id)
        .bind(purpose.as_str())
        .bind(user_id)
        .bind(address)
        .bind(code.hash(&id))
        .bind(db_timestamp(sent.created_at))
        .bind(db_timestamp(sent.expires_at))
        .execute(&mut **tx)
        .await?;
    // One event per code: the dispatcher sends it once.
    notify_in(
        tx,
        &format!("code:{id}"),
        recipient,
        notice,
        &db_timestamp(now),
    )
    .await
}

fn recipient(contact: Contact, address: &str, locale: Locale) -> Recipient<'_> {
    match contact {
        Contact::Phone => Recipient::Phone(address, locale),
        Contact::Email => Recipient::Email(address, locale),
    }
}

/// Sends a code to the account's own phone or email, to verify it.
#[tracing::instrument(skip_all, fields(user_id = %user_id, contact = %contact))]
pub async fn send_contact_code(
    db: &Db,
    user_id: &str,
    contact: Contact,
    code: &Code,
    now: DateTime<Utc>,
) -> Result<SendOutcome, sqlx::Error> {
    let mut tx = db.begin_write().await?;
    let Some(row) = contact_of(&mut tx, user_id, contact).await? else {
        return Ok(SendOutcome::NoContact);
    };
    let Some(address) = row.address else {
        return Ok(SendOutcome::NoContact);
    };
    if row.verified {
        return Ok(SendOutcome::AlreadyVerified);
    }
    if let Err(wait) = may_send(&recent_sends(&mut tx, &address, now).await?, now) {
        return Ok(SendOutcome::Wait(wait));
    }
    let notice = Notice::ContactCode {
        code: code.digits().to_owned(),
        contact,
    };
    write_code(
        &mut tx,
        contact.purpose(),
        user_id,
        &address,
        code,
        recipient(contact, &address, row.locale),
        &notice,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(SendOutcome::Sent)
}

/// The newest code of `purpose` sent to `address` (for `user_id`, when given).
struct StoredCode {
    id: String,
    user_id: String,
    code_hash: String,
    sent: SentCode,
}

async fn newest_code(
    tx: &mut Transaction<'_, Any>,
    purpose: Purpose,
    address: &str,
) -> Result<Option<StoredCode>, sqlx::Error> {
    type Row = (String, String, String, String, String, i64, Option<String>);
    let row: Option<Row> = sqlx::query_as(NEWEST_CODE)
        .bind(address)
        .bind(purpose.as_str())
        .fetch_optional(&mut **tx)
        .await?;
    let Some((id, user_id, code_hash, created_at, expires_at, tries, used_at)) = row else {
        return Ok(None);
    };
    let sent = SentCode {
        created_at: decode::timestamp("verification_codes.created_at", &id, &created_at)?,
        expires_at: decode::timestamp("verification_codes.expires_at", &id, &expires_at)?,
        tries,
        used: used_at.is_some(),
    };
    Ok(Some(StoredCode {
        id,
        user_id,
        code_hash,
        sent,
    }))
}

/// Counts a try of `code` and decides it; on `Accepted` the code is marked used (once: a
/// second server typing the same code at the same moment finds it used).
async fn try_code(
    tx: &mut Transaction<'_, Any>,
    stored: &StoredCode,
    typed: &Code,
    now: DateTime<Utc>,
) -> Result<Attempt, sqlx::Error> {
    let right = typed.matches(&stored.id, &stored.code_hash);
    let verdict = attempt(&stored.sent, now, right);
    let now_text = db_timestamp(now);
    match verdict {
        Attempt::Accepted => {
            let done = sqlx::query(USE_CODE)
                .bind(&stored.id)
                .bind(&now_text)
                .execute(&mut **tx)
                .await?;
            if done.rows_affected() == 0 {
                return Ok(Attempt::Refused(super::codes::Standing::Used));
            }
        }
        Attempt::Wrong { .. } => {
            sqlx::query(COUNT_TRY)
                .bind(&stored.id)
                .execute(&mut **tx)
                .await?;
        }
        Attempt::Refused(_) => {}
    }
    Ok(verdict)
}

/// Checks a code typed to verify the account's phone or email; a right one marks the contact
/// verified. Only a code sent to the contact the account has now counts.
#[tracing::instrument(skip_all, fields(user_id = %user_id, contact = %contact))]
pub async fn confirm_contact(
    db: &Db,
    user_id: &str,
    contact: Contact,
    typed: &Code,
    ip: Option<&str>,
    now: DateTime<Utc>,
) -> Result<TypedOutcome, sqlx::Error> {
    let mut tx = db.begin_write().await?;
    let Some(address) = contact_of(&mut tx, user_id, contact)
        .await?
        .and_then(|r| r.address)
    else {
        return Ok(TypedOutcome::NoCode);
    };
    let Some(stored) = newest_code(&mut tx, contact.purpose(), &address)
        .await?
        .filter(|c| c.user_id == user_id)
    else {
        return Ok(TypedOutcome::NoCode);
    };
    let verdict = try_code(&mut tx, &stored, typed, now).await?;
    if verdict == Attempt::Accepted {
        sqlx::query(match contact {
            Contact::Phone => VERIFY_PHONE,
            Contact::Email => VERIFY_EMAIL,
        })
        .bind(db_timestamp(now))
        .bind(user_id)
        .bind(&address)
        .execute(&mut *tx)
        .await?;
        audit::record(
            &mut tx,
            AuditEntry {
                actor_user_id: Some(user_id),
                action: "user.contact_verified",
                subject_type: "user",
                subject_id: user_id,
                details: json!({ "contact": contact.as_str() }),
                ip,
            },
        )
        .await?;
    }
    tx.commit().await?;
    Ok(TypedOutcome::Typed(verdict))
}

/// A forgotten password: sends a code to `key` (an E.164 phone or a lower-case email) if an
/// active account has it as a VERIFIED contact and the address may get another code now. The
/// caller learns nothing of which happened (its answer must not tell whether an account
/// exists); both ways run the same two look-ups in one write transaction.
#[tracing::instrument(skip_all)]
pub async fn request_reset(
    db: &Db,
    key: &str,
    contact: Contact,
    code: &Code,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let mut tx = db.begin_write().await?;
    // Read whether or not an account has the address, so both ways run the same look-ups.
    let may = may_send(&recent_sends(&mut tx, key, now).await?, now).is_ok();
    let found: Option<(String, String)> = sqlx::query_as(match contact {
        Contact::Phone => RESET_ACCOUNT_BY_PHONE,
        Contact::Email => RESET_ACCOUNT_BY_EMAIL,
    })
    .bind(key)
    .fetch_optional(&mut *tx)
    .await?;
    if let Some((user_id, locale)) = found {
        let locale = Locale::from_code(&locale).unwrap_or(Locale::Vi);
        if may {
            let notice = Notice::PasswordResetCode {
                code: code.digits().to_owned(),
            };
            write_code(
                &mut tx,
                Purpose::ResetPassword,
                &user_id,
                key,
                code,
                recipient(contact, key, locale),
                &notice,
                now,
            )
            .await?;
        }
    }
    tx.commit().await
}

/// A code typed to set a new password (`password_hash`, already made: no hashing while the
/// transaction is open). A right one, in one transaction: the new password, the code used, and
/// every session of the account ended.
#[tracing::instrument(skip_all)]
pub async fn confirm_reset(
    db: &Db,
    key: &str,
    typed: &Code,
    password_hash: &str,
    ip: Option<&str>,
    now: DateTime<Utc>,
) -> Result<TypedOutcome, sqlx::Error> {
    let mut tx = db.begin_write().await?;
    let Some(stored) = newest_code(&mut tx, Purpose::ResetPassword, key).await? else {
        return Ok(TypedOutcome::NoCode);
    };
    let verdict = try_code(&mut tx, &stored, typed, now).await?;
    if verdict == Attempt::Accepted {
        let now_text = db_timestamp(now);
        sqlx::query(RESET_PASSWORD)
            .bind(password_hash)
            .bind(&now_text)
            .bind(&stored.user_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query(END_ALL_SESSIONS)
            .bind(&stored.user_id)
            .execute(&mut *tx)
            .await?;
        audit::record(
            &mut tx,
            AuditEntry {
                actor_user_id: Some(&stored.user_id),
                action: "user.password_reset_by_code",
                subject_type: "user",
                subject_id: &stored.user_id,
                details: json!({}),
                ip,
            },
        )
        .await?;
    }
    tx.commit().await?;
    Ok(TypedOutcome::Typed(verdict))
}

/// What changing a contact came to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChangeOutcome {
    /// Saved, unverified.
    Changed,
    /// The account has it already: nothing changed (a verified contact stays verified).
    Unchanged,
    /// Another account has it.
    Taken,
}

/// Adds or changes the account's phone or email (whichever `to` is). A new contact is
/// unverified: its verified time is cleared with it, in one statement.
#[tracing::instrument(skip_all, fields(user_id = %user_id))]
pub async fn change_contact(
    db: &Db,
    user_id: &str,
    to: &LoginId,
    ip: Option<&str>,
    now: DateTime<Utc>,
) -> Result<ChangeOutcome, sqlx::Error> {
    let (contact, value) = match to {
        LoginId::Phone(p) => (Contact::Phone, p.e164()),
        LoginId::Email(e) => (Contact::Email, e.clone()),
    };
    let mut tx = db.begin_write().await?;
    let current = contact_of(&mut tx, user_id, contact)
        .await?
        .and_then(|r| r.address);
    if current.as_deref() == Some(value.as_str()) {
        return Ok(ChangeOutcome::Unchanged);
    }
    let done = sqlx::query(match contact {
        Contact::Phone => CHANGE_PHONE,
        Contact::Email => CHANGE_EMAIL,
    })
    .bind(&value)
    .bind(db_timestamp(now))
    .bind(user_id)
    .execute(&mut *tx)
    .await;
    match done {
        Ok(_) => {}
        // Dropping the transaction rolls it back.
        Err(e) if super::storage::is_unique_violation(&e) => return Ok(ChangeOutcome::Taken),
        Err(e) => return Err(e),
    }
    audit::record(
        &mut tx,
        AuditEntry {
            actor_user_id: Some(user_id),
            action: "user.contact_changed",
            subject_type: "user",
            subject_id: user_id,
            details: json!({ "contact": contact.as_str(), "had_one": current.is_some() }),
            ip,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(ChangeOutcome::Changed)
}

// The module's SQL, each statement prepared on both engines by the `sql` integration test.
crate::db::statements! {
    /// `contact_of`.
    CONTACT_OF = "SELECT phone, phone_verified_at, email, email_verified_at, locale
        FROM users WHERE id = $1";
    /// `recent_sends`.
    RECENT_SENDS = "SELECT id, created_at FROM verification_codes
        WHERE address = $1 AND created_at > $2";
    /// `write_code`.
    INSERT_CODE = "INSERT INTO verification_codes (id, purpose, user_id, address, code_hash, created_at, expires_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7)";
    /// `newest_code`.
    NEWEST_CODE = "SELECT id, user_id, code_hash, created_at, expires_at, tries, used_at
        FROM verification_codes WHERE address = $1 AND purpose = $2
        ORDER BY created_at DESC, id DESC LIMIT 1";
    /// `try_code`: used once, and only while it works.
    USE_CODE = "UPDATE verification_codes SET used_at = $2
        WHERE id = $1 AND used_at IS NULL AND tries < 5";
    /// `try_code`: a wrong try.
    COUNT_TRY = "UPDATE verification_codes SET tries = tries + 1 WHERE id = $1 AND tries < 5";
    /// `confirm_contact`: only while the account still has the address the code went to.
    VERIFY_PHONE = "UPDATE users SET phone_verified_at = $1, updated_at = $1 WHERE id = $2 AND phone = $3";
    /// `confirm_contact`.
    VERIFY_EMAIL = "UPDATE users SET email_verified_at = $1, updated_at = $1 WHERE id = $2 AND email = $3";
    /// `request_reset`.
    RESET_ACCOUNT_BY_PHONE = "SELECT id, locale FROM users
        WHERE phone = $1 AND phone_verified_at IS NOT NULL AND status = 'active'";
    /// `request_reset`.
    RESET_ACCOUNT_BY_EMAIL = "SELECT id, locale FROM users
        WHERE email = $1 AND email_verified_at IS NOT NULL AND status = 'active'";
    /// `confirm_reset`: the owner chose it, so it is not temporary.
    RESET_PASSWORD = "UPDATE users SET password_hash = $1, must_change_password = 0,
            temporary_password_expires_at = NULL, updated_at = $2
        WHERE id = $3";
    /// `change_contact`.
    CHANGE_PHONE = "UPDATE users SET phone = $1, phone_verified_at = NULL, updated_at = $2 WHERE id = $3";
    /// `change_contact`.
    CHANGE_EMAIL = "UPDATE users SET email = $1, email_verified_at = NULL, updated_at = $2 WHERE id = $3";
    /// `confirm_reset`: every session of the account ends.
    END_ALL_SESSIONS = "DELETE FROM sessions WHERE user_id = $1";
}
