//! Carts in the database, so they survive restarts and any app server can serve any request:
//! a signed-in buyer's cart, or a guest's (keyed by the SHA-256 of the browser's cart token).

use chrono::{DateTime, Utc};
use sqlx::{AnyConnection, FromRow};

use crate::{
    address::rules::ProvinceCode,
    db::{
        Db, decode,
        ids::new_id,
        locks::{Row, Stamp, lock_row},
    },
    domain::{money::Vnd, time::db_timestamp},
    i18n::Locale,
    shop::quotes::{self, Destination, Quoter, Quotes},
    shop::{
        model::{CartGroup, CartLine, CartView, LineProblem},
        rules::{
            checkout::{MAX_QUANTITY, Quantity, cart_total, line_total, order_totals},
            shipping::{Fee, Reach, ShippingSource, ShippingTable, Zone, ZoneFee, unit_grams},
        },
    },
};

/// Whose cart.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CartOwner {
    User(String),
    /// The SHA-256 (hex) of a guest browser's cart token.
    Guest(String),
}

#[derive(Debug, thiserror::Error)]
pub enum CartError {
    #[error("this product is not for sale")]
    Unavailable,
    #[error("this product is not in the cart")]
    NotInCart,
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

impl CartError {
    pub fn code(&self) -> &'static str {
        match self {
            CartError::Unavailable => "unavailable",
            CartError::NotInCart => "not_in_cart",
            CartError::Db(_) => "internal",
        }
    }
}

/// A variant that may be put in a cart: active, its product approved, its producer active.
const BUYABLE: &str = "v.status = 'active' AND p.status = 'approved' AND pr.status = 'active'";

/// The cart's id, created on first use when `create` is set.
#[tracing::instrument(skip_all)]
pub(crate) async fn cart_id(
    conn: &mut AnyConnection,
    owner: &CartOwner,
    create: bool,
    now: DateTime<Utc>,
) -> Result<Option<String>, sqlx::Error> {
    let (select, insert, key) = match owner {
        CartOwner::User(id) => (CART_OF_USER, CREATE_CART_OF_USER, id),
        CartOwner::Guest(hash) => (CART_OF_GUEST, CREATE_CART_OF_GUEST, hash),
    };
    let found: Option<(String,)> = sqlx::query_as(select)
        .bind(key)
        .fetch_optional(&mut *conn)
        .await?;
    if let Some((id,)) = found {
        return Ok(Some(id));
    }
    if !create {
        return Ok(None);
    }
    let id = new_id();
    let at = db_timestamp(now);
    // Two first adds at once: the second insert does nothing and both read the same row.
    sqlx::query(insert)
        .bind(&id)
        .bind(key)
        .bind(&at)
        .execute(&mut *conn)
        .await?;
    let (id,): (String,) = sqlx::query_as(select)
        .bind(key)
        .fetch_one(&mut *conn)
        .await?;
    Ok(Some(id))
}

async fn buyable(conn: &mut AnyConnection, variant_id: &str) -> Result<bool, sqlx::Error> {
    let found: Option<(String,)> = sqlx::query_as(SELECT_BUYABLE)
        .bind(variant_id)
        .fetch_optional(&mut *conn)
        .await?;
    Ok(found.is_some())
}

/// Adds `quantity` of a variant (to what the cart already holds, up to the per-line maximum).
#[tracing::instrument(skip_all, fields(variant_id = %variant_id))]
pub async fn add(
    db: &Db,
    owner: &CartOwner,
    variant_id: &str,
    quantity: Quantity,
    now: DateTime<Utc>,
) -> Result<(), CartError> {
    let mut tx = db.begin_write().await?;
    if !buyable(&mut tx, variant_id).await? {
        return Err(CartError::Unavailable);
    }
    let Some(cart) = cart_id(&mut tx, owner, true, now).await? else {
        return Err(CartError::Unavailable);
    };
    // The cart row before its lines: the lock order checkout also follows.
    touch(&mut tx, &cart, now).await?;
    sqlx::query(ADD)
        .bind(&cart)
        .bind(variant_id)
        .bind(quantity.get())
        .bind(db_timestamp(now))
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// Sets a line's quantity (0 removes it).
#[tracing::instrument(skip_all, fields(variant_id = %variant_id))]
pub async fn set_quantity(
    db: &Db,
    owner: &CartOwner,
    variant_id: &str,
    quantity: Option<Quantity>,
    now: DateTime<Utc>,
) -> Result<(), CartError> {
    let mut tx = db.begin_write().await?;
    let Some(cart) = cart_id(&mut tx, owner, false, now).await? else {
        return Err(CartError::NotInCart);
    };
    touch(&mut tx, &cart, now).await?;
    let done = match quantity {
        Some(q) => {
            sqlx::query(SET_QUANTITY_UPDATE_CART_ITEMS)
                .bind(q.get())
                .bind(&cart)
                .bind(variant_id)
                .execute(&mut *tx)
                .await?
        }
        None => {
            sqlx::query(SET_QUANTITY_DELETE_CART_ITEMS)
                .bind(&cart)
                .bind(variant_id)
                .execute(&mut *tx)
                .await?
        }
    };
    if done.rows_affected() == 0 {
        return Err(CartError::NotInCart);
    }
    tx.commit().await?;
    Ok(())
}

/// Locks the cart's row for the rest of the transaction (checkout's claim on it).
#[tracing::instrument(skip_all, fields(cart_id = %cart))]
pub(crate) async fn claim(
    conn: &mut AnyConnection,
    cart: &str,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    touch(conn, cart, now).await
}

async fn touch(
    conn: &mut AnyConnection,
    cart: &str,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let at = db_timestamp(now);
    lock_row(conn, Row::Cart(cart), Stamp::UpdatedAt(&at))
        .await
        .map(|_| ())
}

/// Moves a guest's cart into the user's at sign-in (quantities add up, to the maximum).
#[tracing::instrument(skip_all, fields(user_id = %user_id))]
pub async fn merge_guest_into_user(
    db: &Db,
    guest_hash: &str,
    user_id: &str,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let mut tx = db.begin_write().await?;
    let guest = CartOwner::Guest(guest_hash.to_owned());
    let Some(from) = cart_id(&mut tx, &guest, false, now).await? else {
        return Ok(());
    };
    let to = cart_id(&mut tx, &CartOwner::User(user_id.to_owned()), true, now)
        .await?
        .unwrap_or_default();
    // Both carts' rows before their lines, in id order (see `db` on lock order).
    let mut carts = [from.as_str(), to.as_str()];
    carts.sort_unstable();
    for cart in carts {
        touch(&mut tx, cart, now).await?;
    }
    sqlx::query(MERGE_GUEST_INTO_USER_INSERT_CART_ITEMS)
        .bind(&to)
        .bind(&from)
        .execute(&mut *tx)
        .await?;
    sqlx::query(MERGE_GUEST_INTO_USER)
        .bind(&from)
        .execute(&mut *tx)
        .await?;
    tx.commit().await
}

/// A cart line with what checkout needs to know about its variant and producer.
#[derive(Clone, Debug, FromRow)]
pub(crate) struct CartRow {
    pub variant_id: String,
    pub product_slug: String,
    pub product_vi: String,
    pub product_en: String,
    pub label_vi: String,
    pub label_en: String,
    pub unit: String,
    pub net_weight_g: Option<i64>,
    pub price_vnd: i64,
    pub quantity: i64,
    pub stock: i64,
    pub buyable: i64,
    pub producer_id: String,
    pub producer_name: String,
    pub shipping_mode: String,
    pub shipping_base_vnd: i64,
    pub shipping_per_kg_vnd: i64,
    pub delivery_reach: String,
    /// The national code of the producer's province (`None` before it is linked).
    pub producer_province: Option<String>,
    pub same_first_vnd: Option<i64>,
    pub same_next_vnd: Option<i64>,
    pub near_first_vnd: Option<i64>,
    pub near_next_vnd: Option<i64>,
    pub far_first_vnd: Option<i64>,
    pub far_next_vnd: Option<i64>,
    pub free_over_vnd: Option<i64>,
}

impl CartRow {
    pub fn product_name(&self, locale: Locale) -> String {
        locale.pick(&self.product_vi, &self.product_en).to_owned()
    }

    pub fn variant_label(&self, locale: Locale) -> String {
        locale.pick(&self.label_vi, &self.label_en).to_owned()
    }

    pub fn grams(&self) -> i64 {
        unit_grams(&self.unit, self.net_weight_g).saturating_mul(self.quantity)
    }

    /// The producer's shipping table: its own, or its former fee in every zone. A mode this
    /// code does not know, or a bad amount, is an error (logged), not a free delivery.
    pub fn shipping_table(&self) -> Result<ShippingTable, sqlx::Error> {
        let id = &self.producer_id;
        let money = |column: &'static str, v: i64| decode::vnd(column, id, v);
        let own = [
            self.same_first_vnd,
            self.same_next_vnd,
            self.near_first_vnd,
            self.near_next_vnd,
            self.far_first_vnd,
            self.far_next_vnd,
        ];
        if let [Some(sf), Some(sn), Some(nf), Some(nn), Some(ff), Some(fnx)] = own {
            let zone = |first, next, column| -> Result<ZoneFee, sqlx::Error> {
                Ok(ZoneFee {
                    first_500g: money(column, first)?,
                    next_500g: money(column, next)?,
                })
            };
            return Ok(ShippingTable {
                same_province: zone(sf, sn, "producer_shipping.same_*")?,
                neighbouring: zone(nf, nn, "producer_shipping.near_*")?,
                country: zone(ff, fnx, "producer_shipping.far_*")?,
                free_over: self
                    .free_over_vnd
                    .map(|v| money("producer_shipping.free_over_vnd", v))
                    .transpose()?,
            });
        }
        ShippingTable::from_former(
            &self.shipping_mode,
            self.shipping_base_vnd,
            self.shipping_per_kg_vnd,
        )
        .ok_or_else(|| {
            decode::bad_value(
                "producers.shipping_mode/shipping_base_vnd/shipping_per_kg_vnd",
                &self.producer_id,
                &format_args!(
                    "{} {} {}",
                    self.shipping_mode, self.shipping_base_vnd, self.shipping_per_kg_vnd
                ),
                "is not a shipping rule",
            )
        })
    }

    /// How far this listing may go; an unknown value is an error (logged).
    pub fn reach(&self) -> Result<Reach, sqlx::Error> {
        Reach::parse(&self.delivery_reach).ok_or_else(|| {
            decode::bad_value(
                "products.delivery_reach",
                &self.product_slug,
                &self.delivery_reach,
                "is not a delivery reach",
            )
        })
    }

    /// The zone a parcel from this producer to `to` travels; the farthest when the producer's
    /// province is not known yet.
    pub fn zone_to(&self, to: &ProvinceCode) -> Zone {
        match self
            .producer_province
            .as_deref()
            .and_then(|p| ProvinceCode::parse(p).ok())
        {
            Some(from) => Zone::between(&from, to),
            None => Zone::Country,
        }
    }
}

#[tracing::instrument(skip_all, fields(cart_id = %cart_id))]
pub(crate) async fn rows(
    conn: &mut AnyConnection,
    cart_id: &str,
) -> Result<Vec<CartRow>, sqlx::Error> {
    sqlx::query_as(ROWS).bind(cart_id).fetch_all(conn).await
}

/// The cart as the buyer sees it now, grouped per producer, with what cannot be ordered.
///
/// `to` is the delivery province when it is known (checkout): fees are then those of its zone,
/// and lines that may not travel there say so. Without it, fees are those of the farthest zone.
#[tracing::instrument(skip_all)]
pub async fn view(
    db: &Db,
    owner: &CartOwner,
    locale: Locale,
    to: Option<&ProvinceCode>,
) -> Result<CartView, sqlx::Error> {
    let mut conn = db.pool().acquire().await?;
    let Some(cart) = cart_id(&mut conn, owner, false, Utc::now()).await? else {
        return Ok(CartView::default());
    };
    let rows = rows(&mut conn, &cart).await?;
    build_view(&rows, locale, to, &Quotes::default())
}

/// [`view`] for delivery to a chosen commune: the producers with a carrier account get its
/// quote (asked all at once, no connection held meanwhile), the others their table's estimate.
#[tracing::instrument(skip_all)]
pub async fn view_to(
    db: &Db,
    owner: &CartOwner,
    locale: Locale,
    to: &Destination,
    quoter: &Quoter,
) -> Result<CartView, sqlx::Error> {
    let rows = {
        let mut conn = db.pool().acquire().await?;
        let Some(cart) = cart_id(&mut conn, owner, false, Utc::now()).await? else {
            return Ok(CartView::default());
        };
        rows(&mut conn, &cart).await?
    };
    let quotes = quotes::ask(db, quoter, &rows, to).await?;
    build_view(&rows, locale, Some(&to.province), &quotes)
}

/// What keeps a line from being ordered as it is, if anything; `to` as in [`view`].
pub(crate) fn problem(
    row: &CartRow,
    to: Option<&ProvinceCode>,
) -> Result<Option<LineProblem>, sqlx::Error> {
    Ok(if row.buyable == 0 {
        Some(LineProblem::Unavailable)
    } else if row.stock <= 0 {
        Some(LineProblem::OutOfStock)
    } else if row.stock < row.quantity {
        Some(LineProblem::NotEnough)
    } else if let Some(to) = to
        && !row.reach()?.allows(row.zone_to(to))
    {
        Some(match row.reach()? {
            Reach::Province => LineProblem::OnlySameProvince,
            _ => LineProblem::OnlyNeighbouringProvinces,
        })
    } else {
        None
    })
}

/// Says a sum that overflowed: a cart no one can really fill, reported instead of priced at zero.
fn overflow(what: &str, id: &str) -> sqlx::Error {
    decode::bad_value("cart", id, &what, "overflows the price range")
}

/// The cart from its rows, with the carriers' `quotes` where they quoted each order's parcel as
/// it is; a row whose price or shipping table is not valid is an error.
pub(crate) fn build_view(
    rows: &[CartRow],
    locale: Locale,
    to: Option<&ProvinceCode>,
    quotes: &Quotes,
) -> Result<CartView, sqlx::Error> {
    let mut view = CartView {
        delivery_known: to.is_some(),
        ..CartView::default()
    };
    for row in rows {
        let unit_price = decode::vnd("product_variants.price_vnd", &row.variant_id, row.price_vnd)?;
        let line = CartLine {
            variant_id: row.variant_id.clone(),
            product_slug: row.product_slug.clone(),
            product_name: row.product_name(locale),
            variant_label: row.variant_label(locale),
            unit_price,
            quantity: row.quantity,
            stock: row.stock.max(0),
            line_total: line_total(unit_price, row.quantity)
                .ok_or_else(|| overflow("a line", &row.variant_id))?,
            problem: problem(row, to)?,
        };
        view.item_count += row.quantity;
        match view.groups.last_mut() {
            Some(g) if g.producer_id == row.producer_id => g.lines.push(line),
            _ => view.groups.push(CartGroup {
                producer_id: row.producer_id.clone(),
                producer_name: row.producer_name.clone(),
                lines: vec![line],
                subtotal: Vnd::ZERO,
                shipping: Vnd::ZERO,
                total: Vnd::ZERO,
                zone: None,
                shipping_source: ShippingSource::Table,
            }),
        }
    }
    // The arithmetic is the domain's; this only gathers its inputs.
    for group in &mut view.groups {
        let of_group: Vec<&CartRow> = rows
            .iter()
            .filter(|r| r.producer_id == group.producer_id)
            .collect();
        // The group's lines were built from these rows, in this order, prices already checked.
        let priced: Vec<(Vnd, i64)> = group
            .lines
            .iter()
            .zip(&of_group)
            .map(|(line, row)| (line.line_total, row.grams()))
            .collect();
        let shipping = match of_group.first() {
            Some(row) => {
                let zone = to.map_or(Zone::Country, |to| row.zone_to(to));
                group.zone = to.map(|_| zone);
                Some((row.shipping_table()?, zone))
            }
            None => None,
        };
        let free = shipping.as_ref().is_some_and(|(table, zone)| {
            let (goods, grams) = priced.iter().fold((Vnd::ZERO, 0_i64), |(v, g), (l, w)| {
                (v.checked_add(*l).unwrap_or(v), g.saturating_add(*w))
            });
            table.fee(*zone, grams, goods) == Some(Fee::Free)
        });
        let totals = order_totals(&priced, shipping)
            .ok_or_else(|| overflow("an order", &group.producer_id))?;
        let grams = priced.iter().fold(0_i64, |g, (_, w)| g.saturating_add(*w));
        let quote = quotes.for_parcel(&group.producer_id, grams, totals.subtotal);
        group.subtotal = totals.subtotal;
        (group.shipping, group.shipping_source) = match quote {
            Some(q) if !free => (q.fee, q.source),
            _ if free => (totals.shipping, ShippingSource::Free),
            _ => (totals.shipping, ShippingSource::Table),
        };
        group.total = group
            .subtotal
            .checked_add(group.shipping)
            .map_err(|_| overflow("an order", &group.producer_id))?;
    }
    view.total = cart_total(view.groups.iter().map(|g| g.total))
        .ok_or_else(|| overflow("the cart", "total"))?;
    Ok(view)
}

/// How long a guest's cart is kept after its last change.
pub const GUEST_CART_DAYS: i64 = crate::privacy::rules::GUEST_CART_DAYS;

/// Deletes guests' carts untouched since `before` (their lines go with them); returns how many.
/// A guest's orders stay theirs: order access is recorded apart from the cart.
#[tracing::instrument(skip_all)]
pub async fn delete_idle_guest_carts(db: &Db, before: DateTime<Utc>) -> Result<u64, sqlx::Error> {
    sqlx::query(DELETE_IDLE_GUEST_CARTS)
        .bind(db_timestamp(before))
        .execute(db.pool())
        .await
        .map(|r| r.rows_affected())
}

// The module's SQL, each statement prepared on both engines by the `sql` integration test.
crate::db::statements! {
    /// `set_quantity`.
    SET_QUANTITY_UPDATE_CART_ITEMS = "UPDATE cart_items SET quantity = $1 WHERE cart_id = $2 AND variant_id = $3";
    /// `set_quantity`.
    SET_QUANTITY_DELETE_CART_ITEMS = "DELETE FROM cart_items WHERE cart_id = $1 AND variant_id = $2";
    /// `merge_guest_into_user`.
    MERGE_GUEST_INTO_USER = "DELETE FROM carts WHERE id = $1";
    /// `delete_idle_guest_carts`.
    DELETE_IDLE_GUEST_CARTS = "DELETE FROM carts WHERE user_id IS NULL AND updated_at < $1";
    /// `buyable`.
    SELECT_BUYABLE = const_format::concatcp!("SELECT v.id FROM product_variants v JOIN products p ON p.id = v.product_id
        JOIN producers pr ON pr.id = p.producer_id WHERE v.id = $1 AND ", BUYABLE);
    /// `add`.
    ADD = const_format::concatcp!("INSERT INTO cart_items (cart_id, variant_id, quantity, added_at) VALUES ($1, $2, $3, $4)
        ON CONFLICT (cart_id, variant_id) DO UPDATE SET quantity =
          CASE WHEN cart_items.quantity + excluded.quantity > ", MAX_QUANTITY, " THEN ", MAX_QUANTITY, "
               ELSE cart_items.quantity + excluded.quantity END");
    /// `merge_guest_into_user`.
    MERGE_GUEST_INTO_USER_INSERT_CART_ITEMS = const_format::concatcp!("INSERT INTO cart_items (cart_id, variant_id, quantity, added_at)
        SELECT $1, variant_id, quantity, added_at FROM cart_items WHERE cart_id = $2
        ON CONFLICT (cart_id, variant_id) DO UPDATE SET quantity =
          CASE WHEN cart_items.quantity + excluded.quantity > ", MAX_QUANTITY, " THEN ", MAX_QUANTITY, "
               ELSE cart_items.quantity + excluded.quantity END");
    /// `rows`.
    ROWS = const_format::concatcp!("SELECT ci.variant_id, p.slug AS product_slug, p.name_vi AS product_vi,
               p.name_en AS product_en, v.label_vi, v.label_en, v.unit, v.net_weight_g,
               v.price_vnd, ci.quantity, v.stock,
               CASE WHEN ", BUYABLE, " THEN 1 ELSE 0 END AS buyable,
               pr.id AS producer_id, pr.name AS producer_name, pr.shipping_mode,
               pr.shipping_base_vnd, pr.shipping_per_kg_vnd, p.delivery_reach,
               pv.unit_code AS producer_province,
               ps.same_first_vnd, ps.same_next_vnd, ps.near_first_vnd, ps.near_next_vnd,
               ps.far_first_vnd, ps.far_next_vnd, ps.free_over_vnd
        FROM cart_items ci
        JOIN product_variants v ON v.id = ci.variant_id
        JOIN products p ON p.id = v.product_id
        JOIN producers pr ON pr.id = p.producer_id
        JOIN communes pc ON pc.id = pr.commune_id
        JOIN provinces pv ON pv.id = pc.province_id
        LEFT JOIN producer_shipping ps ON ps.producer_id = pr.id
        WHERE ci.cart_id = $1
        ORDER BY pr.name, pr.id, ci.added_at, ci.variant_id");
    /// `cart_id`, a signed-in buyer's.
    CART_OF_USER = "SELECT id FROM carts WHERE user_id = $1";
    /// `cart_id`, a guest's.
    CART_OF_GUEST = "SELECT id FROM carts WHERE guest_token = $1";
    /// `cart_id`: two first adds at once, the second insert does nothing.
    CREATE_CART_OF_USER = "INSERT INTO carts (id, user_id, created_at, updated_at) VALUES ($1, $2, $3, $3)
        ON CONFLICT (user_id) DO NOTHING";
    /// `cart_id`.
    CREATE_CART_OF_GUEST = "INSERT INTO carts (id, guest_token, created_at, updated_at) VALUES ($1, $2, $3, $3)
        ON CONFLICT (guest_token) DO NOTHING";
}
