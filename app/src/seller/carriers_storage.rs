//! A producer's carrier accounts in the database (`producer_carriers`): credentials, pick-up
//! address, whether the account is used, and its callback secret. The settings page
//! (`carriers_page`) writes them; checkout quotes with them; the server's carrier adapters
//! (`server::shipping`) call the carrier with them.

use chrono::{DateTime, Utc};

use crate::{db::Db, domain::time::db_timestamp};

/// An address as carriers take it: names from the national list (`admin_provinces`,
/// `admin_communes`), and the street line as the person wrote it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Place {
    pub province: String,
    pub commune: String,
    pub street: String,
}

/// Shows the start of a credential only, for pages and logs.
pub fn masked(token: &str) -> String {
    let shown: String = token.chars().take(4).collect();
    if token.chars().count() <= 8 {
        "••••".to_owned()
    } else {
        format!("{shown}••••")
    }
}

/// One carrier account of a producer.
#[derive(Clone, PartialEq, Eq)]
pub struct CarrierAccount {
    pub producer_id: String,
    /// "ghn" or "ghtk".
    pub carrier: String,
    pub token: String,
    /// GHN's shop id; `None` for GHTK.
    pub shop_id: Option<i64>,
    pub pick_name: String,
    pub pick_phone: String,
    pub pick_province_code: String,
    pub pick_commune_code: String,
    pub pick_street: String,
    pub enabled: bool,
    pub callback_secret: String,
}

impl std::fmt::Debug for CarrierAccount {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CarrierAccount")
            .field("producer_id", &self.producer_id)
            .field("carrier", &self.carrier)
            .field("token", &masked(&self.token))
            .field("shop_id", &self.shop_id)
            .field("enabled", &self.enabled)
            .finish_non_exhaustive()
    }
}

/// A new callback secret: 128 random bits, as hex.
pub fn new_callback_secret() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

type Row = (
    String,
    String,
    String,
    Option<i64>,
    String,
    String,
    String,
    String,
    String,
    i64,
    String,
    String,
    String,
);

/// An account with its pick-up place as carriers take it (the national list's names).
fn from_row(row: Row) -> (CarrierAccount, Place) {
    let (producer_id, carrier, token, shop_id, pick_name, pick_phone, province, commune, street) = (
        row.0, row.1, row.2, row.3, row.4, row.5, row.6, row.7, row.8,
    );
    let place = Place {
        province: row.11,
        commune: row.12,
        street: street.clone(),
    };
    let account = CarrierAccount {
        producer_id,
        carrier,
        token,
        shop_id,
        pick_name,
        pick_phone,
        pick_province_code: province,
        pick_commune_code: commune,
        pick_street: street,
        enabled: row.9 != 0,
        callback_secret: row.10,
    };
    (account, place)
}

/// A producer's carrier accounts, with their pick-up places.
pub async fn for_producer(
    db: &Db,
    producer_id: &str,
) -> Result<Vec<(CarrierAccount, Place)>, sqlx::Error> {
    let rows: Vec<Row> = sqlx::query_as(FOR_PRODUCER)
        .bind(producer_id)
        .fetch_all(db.pool())
        .await?;
    Ok(rows.into_iter().map(from_row).collect())
}

/// The enabled account of a producer for one carrier.
pub async fn enabled(
    db: &Db,
    producer_id: &str,
    carrier: &str,
) -> Result<Option<(CarrierAccount, Place)>, sqlx::Error> {
    Ok(for_producer(db, producer_id)
        .await?
        .into_iter()
        .find(|(a, _)| a.carrier == carrier && a.enabled))
}

/// Saves an account (a new one, or the same producer and carrier again).
pub async fn save(
    db: &Db,
    account: &CarrierAccount,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let mut tx = db.begin_write().await?;
    sqlx::query(SAVE)
        .bind(&account.producer_id)
        .bind(&account.carrier)
        .bind(&account.token)
        .bind(account.shop_id)
        .bind(&account.pick_name)
        .bind(&account.pick_phone)
        .bind(&account.pick_province_code)
        .bind(&account.pick_commune_code)
        .bind(&account.pick_street)
        .bind(i64::from(account.enabled))
        .bind(&account.callback_secret)
        .bind(db_timestamp(now))
        .execute(&mut *tx)
        .await?;
    tx.commit().await
}

crate::db::statements! {
    /// `for_producer`.
    FOR_PRODUCER = "SELECT pc.producer_id, pc.carrier, pc.token, pc.shop_id, pc.pick_name,
               pc.pick_phone, pc.pick_province_code, pc.pick_commune_code, pc.pick_street,
               pc.enabled, pc.callback_secret, ap.name, ac.name
        FROM producer_carriers pc
        JOIN admin_provinces ap ON ap.code = pc.pick_province_code
        JOIN admin_communes ac ON ac.code = pc.pick_commune_code
        WHERE pc.producer_id = $1
        ORDER BY pc.carrier";
    /// `save`: the callback secret stays the one first given, so the URL registered with the
    /// carrier keeps working.
    SAVE = "INSERT INTO producer_carriers (producer_id, carrier, token, shop_id, pick_name,
           pick_phone, pick_province_code, pick_commune_code, pick_street, enabled,
           callback_secret, updated_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
        ON CONFLICT (producer_id, carrier) DO UPDATE SET token = excluded.token,
          shop_id = excluded.shop_id, pick_name = excluded.pick_name,
          pick_phone = excluded.pick_phone, pick_province_code = excluded.pick_province_code,
          pick_commune_code = excluded.pick_commune_code, pick_street = excluded.pick_street,
          enabled = excluded.enabled, updated_at = excluded.updated_at";
}

#[cfg(test)]
mod tests {
    use super::masked;

    #[test]
    fn tokens_are_never_shown_whole() {
        assert_eq!(masked("0123456789abcdef"), "0123••••");
        assert_eq!(masked("short"), "••••");
    }
}
