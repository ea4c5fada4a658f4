//! Where a bank transfer for an order goes: the producer's own account, or else the
//! marketplace's (site settings `bank_bin`, `bank_account_no`, `bank_account_name`).

use sqlx::AnyConnection;

use crate::shop::rules::vietqr::BankAccount;

#[tracing::instrument(skip_all, fields(producer_id = %producer_id))]
pub(crate) async fn transfer_account(
    conn: &mut AnyConnection,
    producer_id: &str,
) -> Result<Option<BankAccount>, sqlx::Error> {
    let own: Option<(Option<String>, Option<String>, Option<String>)> =
        sqlx::query_as(TRANSFER_ACCOUNT)
            .bind(producer_id)
            .fetch_optional(&mut *conn)
            .await?;
    if let Some((Some(bin), Some(no), Some(name))) = own
        && let Ok(account) = BankAccount::new(&bin, &no, &name)
    {
        return Ok(Some(account));
    }
    let (bin, no, name) = site_account_fields(conn).await?;
    Ok(BankAccount::new(&bin, &no, &name).ok())
}

/// The marketplace's account as saved in the site settings: (BIN, account number, holder),
/// each empty when unset.
#[tracing::instrument(skip_all)]
pub(crate) async fn site_account_fields(
    conn: &mut AnyConnection,
) -> Result<(String, String, String), sqlx::Error> {
    let site: Vec<(String, String)> = sqlx::query_as(SITE_ACCOUNT_FIELDS)
        .fetch_all(&mut *conn)
        .await?;
    let get = |k: &str| {
        site.iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    Ok((
        get("bank_bin"),
        get("bank_account_no"),
        get("bank_account_name"),
    ))
}

// The module's SQL, each statement prepared on both engines by the `sql` integration test.
crate::db::statements! {
    /// `transfer_account`.
    TRANSFER_ACCOUNT = "SELECT bank_bin, bank_account_no, bank_account_name FROM producers WHERE id = $1";
    /// `site_account_fields`.
    SITE_ACCOUNT_FIELDS = "SELECT key, value FROM site_settings
        WHERE key IN ('bank_bin', 'bank_account_no', 'bank_account_name')";
}
