//! Placing a checkout: one transaction that reserves the stock of every line, creates one order
//! per producer (with its delivery fee) and empties the cart. Stock is taken with a conditional
//! `UPDATE … WHERE stock >= quantity`, so two buyers can never both get the last unit, on
//! either database. The idempotency key makes a double submit return the first result.

use chrono::{DateTime, Utc};
use sqlx::{Any, Transaction};

use crate::{
    address::storage::{self as address, Lookup},
    auth::storage::is_unique_violation,
    db::{Db, decode, ids::new_id},
    domain::{money::Vnd, time::db_timestamp},
    i18n::Locale,
    lot_sales::rules::Allocation,
    shop::{
        model::{CartView, LineProblem},
        quotes::{self, Destination, Quoter, Quotes},
        rules::{
            checkout::CheckoutRequest,
            order::{OrderStatus, PaymentMethod, PaymentWindows},
        },
        storage::{
            bank,
            cart::{self, CartOwner, CartRow},
        },
    },
};

/// What a placed checkout produced.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Placed {
    pub checkout_id: String,
    /// (order number, total) per producer.
    pub orders: Vec<(String, Vnd)>,
    pub total: Vnd,
    pub method: PaymentMethod,
    /// The card payment to open at Stripe, for a card checkout.
    pub card_payment_id: Option<String>,
    /// True when the idempotency key had been used: nothing new was created.
    pub replayed: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum CheckoutError {
    #[error("the cart is empty")]
    EmptyCart,
    /// Some lines cannot be ordered as they are; the cart says which and why.
    #[error("some items are no longer available in the quantity asked")]
    CartChanged(Box<CartView>),
    /// Some lines may not travel to the address (fresh goods kept near); the cart says which.
    #[error("some items are not delivered to this province")]
    NotDelivered(Box<CartView>),
    #[error("province_id names no province of the national list (it may have been merged)")]
    UnknownProvince,
    #[error(
        "commune_id names no commune of this province in the national list (it may have been merged)"
    )]
    UnknownCommune,
    #[error("{0} does not take bank transfers yet")]
    NoBankAccount(String),
    #[error("card payments are not available")]
    CardUnavailable,
    #[error("VNPay payments are not available")]
    VnpayUnavailable,
    #[error("this idempotency key was used for another checkout")]
    KeyReused,
    /// The checkout would cost more than the buyer was shown (a carrier quoted above the
    /// estimate): nothing is placed; the cart as it is now says the new fees.
    #[error("the total is now {} ₫, more than the {} ₫ shown", .now.dong(), .shown.dong())]
    TotalRose {
        shown: Vnd,
        now: Vnd,
        cart: Box<CartView>,
    },
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

impl CheckoutError {
    pub fn code(&self) -> &'static str {
        match self {
            CheckoutError::EmptyCart => "empty_cart",
            CheckoutError::CartChanged(_) => "out_of_stock",
            CheckoutError::NotDelivered(_) => "not_delivered",
            CheckoutError::UnknownProvince => "province_id",
            CheckoutError::UnknownCommune => "commune_id",
            CheckoutError::NoBankAccount(_) => "no_bank_account",
            CheckoutError::CardUnavailable => "card_unavailable",
            CheckoutError::VnpayUnavailable => "vnpay_unavailable",
            CheckoutError::KeyReused => "idempotency_key_reused",
            CheckoutError::TotalRose { .. } => "total_changed",
            CheckoutError::Db(_) => "internal",
        }
    }
}

/// Order numbers people read out on the phone: `DH` and 8 characters without 0/O, 1/I.
fn order_no() -> String {
    const ALPHABET: &[u8; 32] = b"23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
    let bytes = uuid::Uuid::new_v4().into_bytes();
    // 256 is a multiple of 32: every character is equally likely.
    let tail: String = bytes[..8]
        .iter()
        .map(|b| ALPHABET[usize::from(*b) % 32] as char)
        .collect();
    format!("DH{tail}")
}

/// Settings a checkout depends on.
#[derive(Clone, Copy, Debug)]
pub struct CheckoutRules {
    pub windows: PaymentWindows,
    pub card_enabled: bool,
    pub vnpay_enabled: bool,
}

/// Places the cart of `owner` as orders. `guest_hash` is the guest browser's token hash, which
/// may then open the orders. The producers' carriers are asked for their fees first, through
/// `quoter`, before the transaction opens; an order is placed with its carrier's fee when the
/// carrier quoted its parcel as it is at the write, else with the producer's table (recorded as
/// such in `orders.shipping_source`).
#[tracing::instrument(skip_all)]
pub async fn place(
    db: &Db,
    owner: &CartOwner,
    request: &CheckoutRequest,
    rules: CheckoutRules,
    now: DateTime<Utc>,
    locale: Locale,
    quoter: &Quoter,
) -> Result<Placed, CheckoutError> {
    if request.method == PaymentMethod::Card && !rules.card_enabled {
        return Err(CheckoutError::CardUnavailable);
    }
    if request.method == PaymentMethod::Vnpay && !rules.vnpay_enabled {
        return Err(CheckoutError::VnpayUnavailable);
    }
    // The names as they are today are kept with the order: a later merger renames nothing.
    let (commune_name, province_name) =
        match address::lookup(db, &request.province, &request.commune).await? {
            Lookup::Found(c) => (c.label(Locale::Vi), c.province.label(Locale::Vi)),
            Lookup::UnknownProvince => return Err(CheckoutError::UnknownProvince),
            Lookup::UnknownCommune => return Err(CheckoutError::UnknownCommune),
        };
    let quotes = ask_carriers(db, owner, request, quoter).await?;
    let mut tx = db.begin_write().await?;
    let checkout_id = new_id();
    let at = db_timestamp(now);
    let (buyer, guest_hash) = match owner {
        CartOwner::User(id) => (Some(id.as_str()), None),
        CartOwner::Guest(hash) => (None, Some(hash.as_str())),
    };
    // Written first: the row lock (PostgreSQL) or write lock (SQLite) is taken before any read,
    // and a second submit with the same key stops here.
    let inserted = sqlx::query(PLACE_INSERT_CHECKOUTS)
        .bind(&checkout_id)
        .bind(&request.idempotency_key)
        .bind(buyer)
        .bind(&request.name)
        .bind(request.phone.e164())
        .bind(&request.street)
        .bind(&commune_name)
        .bind(&province_name)
        .bind(request.province.as_str())
        .bind(request.commune.as_str())
        .bind(request.method.as_str())
        .bind(&at)
        .bind(locale.code())
        .execute(&mut *tx)
        .await;
    match inserted {
        Err(e) if is_unique_violation(&e) => {
            drop(tx);
            return replay(db, owner, &request.idempotency_key).await;
        }
        other => other?,
    };
    // The buyer was told, beside the button, what their contact is used for (the order basis).
    crate::privacy::storage::record_in(
        &mut tx,
        crate::privacy::storage::Subject::Checkout(&checkout_id),
        &[crate::privacy::rules::Decision::told(
            crate::privacy::rules::Purpose::Order,
        )],
        &at,
    )
    .await?;
    let Some(cart_id) = cart::cart_id(&mut tx, owner, false, now).await? else {
        return Err(CheckoutError::EmptyCart);
    };
    // Claims the cart: a second checkout of it (another tab, another idempotency key) waits
    // here until this one commits, then finds the cart empty. Without the claim, on PostgreSQL
    // both read the same lines and both take the stock.
    cart::claim(&mut tx, &cart_id, now).await?;
    let rows = cart::rows(&mut tx, &cart_id).await?;
    if rows.is_empty() {
        return Err(CheckoutError::EmptyCart);
    }
    let view = cart::build_view(&rows, locale, Some(&request.province), &quotes)?;
    let problems = view
        .groups
        .iter()
        .flat_map(|g| &g.lines)
        .filter_map(|l| l.problem);
    let mut not_delivered = false;
    for p in problems {
        match p {
            LineProblem::OnlySameProvince | LineProblem::OnlyNeighbouringProvinces => {
                not_delivered = true;
            }
            LineProblem::OutOfStock | LineProblem::NotEnough | LineProblem::Unavailable => {
                return Err(CheckoutError::CartChanged(Box::new(view)));
            }
        }
    }
    if not_delivered {
        return Err(CheckoutError::NotDelivered(Box::new(view)));
    }
    if let Some(shown) = request.shown_total
        && view.total > shown
    {
        return Err(CheckoutError::TotalRose {
            shown,
            now: view.total,
            cart: Box::new(view),
        });
    }
    // Variant rows are locked in id order, whatever order the lines are in: two carts holding
    // the same variants added in opposite orders would otherwise deadlock on PostgreSQL.
    let mut by_variant: Vec<&CartRow> = rows.iter().collect();
    by_variant.sort_unstable_by(|a, b| a.variant_id.cmp(&b.variant_id));
    for row in by_variant {
        let taken = sqlx::query(PLACE_UPDATE_PRODUCT_VARIANTS)
            .bind(row.quantity)
            .bind(&at)
            .bind(&row.variant_id)
            .execute(&mut *tx)
            .await?;
        if taken.rows_affected() == 0 {
            // Someone bought the last units between the read and now: report the cart as it is.
            drop(tx);
            let fresh = cart::view(db, owner, locale, Some(&request.province)).await?;
            return Err(CheckoutError::CartChanged(Box::new(mark_short(
                fresh,
                &row.variant_id,
            ))));
        }
    }
    let mut variants: Vec<&str> = rows.iter().map(|r| r.variant_id.as_str()).collect();
    variants.sort_unstable();
    crate::search::sync::queue_variants(&mut tx, &variants).await?;
    // Each line from its variant's verified lots on sale, oldest harvest first: the lots are
    // written now, after every variant row (the global lock order), before any order row.
    let lines: Vec<(&str, i64)> = rows
        .iter()
        .map(|r| (r.variant_id.as_str(), r.quantity))
        .collect();
    let mut lots = crate::lot_sales::storage::take_for_lines(&mut tx, &lines, &at).await?;
    let pay_by = rules
        .windows
        .for_method(request.method)
        .map(|w| db_timestamp(now + w));
    let mut orders = Vec::with_capacity(view.groups.len());
    for group in &view.groups {
        if request.method == PaymentMethod::BankTransfer
            && bank::transfer_account(&mut tx, &group.producer_id)
                .await?
                .is_none()
        {
            return Err(CheckoutError::NoBankAccount(group.producer_name.clone()));
        }
        let order_id = new_id();
        let no = order_no();
        sqlx::query(PLACE_INSERT_ORDERS)
            .bind(&order_id)
            .bind(&no)
            .bind(&checkout_id)
            .bind(&group.producer_id)
            .bind(buyer)
            .bind(request.method.as_str())
            .bind(group.subtotal.dong())
            .bind(group.shipping.dong())
            .bind(group.total.dong())
            .bind(&pay_by)
            .bind(&at)
            .bind(group.zone.map(|z| z.as_str()))
            .bind(group.shipping_source.as_str())
            .execute(&mut *tx)
            .await?;
        super::notices::order_placed_in(&mut tx, &order_id, &at).await?;
        for (line, row) in group
            .lines
            .iter()
            .zip(rows.iter().filter(|r| r.producer_id == group.producer_id))
        {
            let from = lots.remove(&row.variant_id).unwrap_or_default();
            insert_line(&mut tx, &order_id, line, row, &from).await?;
        }
        sqlx::query(PLACE_INSERT_ORDER_STATUS_HISTORY)
            .bind(new_id())
            .bind(&order_id)
            .bind(OrderStatus::Placed.as_str())
            .bind(buyer)
            .bind(&at)
            .execute(&mut *tx)
            .await?;
        sqlx::query(PLACE_INSERT_PAYMENTS)
            .bind(new_id())
            .bind(&order_id)
            .bind(request.method.as_str())
            .bind(group.total.dong())
            .bind(&at)
            .execute(&mut *tx)
            .await?;
        orders.push((no, group.total));
    }
    let card_payment_id = if request.method == PaymentMethod::Card {
        let id = new_id();
        sqlx::query(PLACE_INSERT_CARD_PAYMENTS)
            .bind(&id)
            .bind(&checkout_id)
            .bind(view.total.dong())
            .bind(pay_by.as_deref().unwrap_or(&at))
            .bind(&at)
            .execute(&mut *tx)
            .await?;
        Some(id)
    } else {
        None
    };
    sqlx::query(PLACE_UPDATE_CHECKOUTS)
        .bind(view.total.dong())
        .bind(&checkout_id)
        .execute(&mut *tx)
        .await?;
    sqlx::query(PLACE_DELETE_CART_ITEMS)
        .bind(&cart_id)
        .execute(&mut *tx)
        .await?;
    if let Some(hash) = guest_hash {
        grant_guest(&mut tx, hash, &checkout_id, now).await?;
    }
    tx.commit().await?;
    Ok(Placed {
        checkout_id,
        orders,
        total: view.total,
        method: request.method,
        card_payment_id,
        replayed: false,
    })
}

/// The carriers' fees for the cart as it is now, asked with no transaction open (a carrier may
/// take up to 2 s). The cart may change before the write: a quote then no longer matches its
/// order's parcel and the table prices it instead.
async fn ask_carriers(
    db: &Db,
    owner: &CartOwner,
    request: &CheckoutRequest,
    quoter: &Quoter,
) -> Result<Quotes, sqlx::Error> {
    let rows = {
        let mut conn = db.pool().acquire().await?;
        match cart::cart_id(&mut conn, owner, false, Utc::now()).await? {
            Some(cart) => cart::rows(&mut conn, &cart).await?,
            None => return Ok(Quotes::default()),
        }
    };
    let to = Destination {
        province: request.province.clone(),
        commune: request.commune.clone(),
        street: request.street.clone(),
    };
    quotes::ask(db, quoter, &rows, &to).await
}

/// Marks the line that lost the race, when the fresh cart does not show it (stock refilled).
fn mark_short(mut view: CartView, variant_id: &str) -> CartView {
    for line in view.groups.iter_mut().flat_map(|g| g.lines.iter_mut()) {
        if line.variant_id == variant_id && line.problem.is_none() {
            line.problem = Some(LineProblem::NotEnough);
        }
    }
    view
}

/// An order line and the lots it was taken from (`order_lines.lot_id` names the lot when the
/// whole line came from one).
async fn insert_line(
    tx: &mut Transaction<'_, Any>,
    order_id: &str,
    line: &crate::shop::model::CartLine,
    row: &CartRow,
    from: &Allocation,
) -> Result<(), sqlx::Error> {
    let id = new_id();
    let single = (from.unassigned == 0).then(|| from.single_lot()).flatten();
    sqlx::query(INSERT_LINE)
        .bind(&id)
        .bind(order_id)
        .bind(&row.variant_id)
        // The Vietnamese names are kept: they are what the producer reads on the order.
        .bind(&row.product_vi)
        .bind(&row.label_vi)
        .bind(line.unit_price.dong())
        .bind(line.quantity)
        .bind(line.line_total.dong())
        .bind(single)
        .execute(&mut **tx)
        .await?;
    crate::lot_sales::storage::record_line(tx, &id, from).await
}

/// Lets a guest browser open a checkout's orders.
#[tracing::instrument(skip_all, fields(checkout_id = %checkout_id))]
pub(crate) async fn grant_guest(
    tx: &mut Transaction<'_, Any>,
    token_hash: &str,
    checkout_id: &str,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query(GRANT_GUEST)
        .bind(token_hash)
        .bind(checkout_id)
        .bind(db_timestamp(now))
        .execute(&mut **tx)
        .await
        .map(|_| ())
}

/// The result of the checkout first placed with this key, for the same buyer only.
async fn replay(db: &Db, owner: &CartOwner, key: &str) -> Result<Placed, CheckoutError> {
    let found: Option<(String, Option<String>, String, i64)> =
        sqlx::query_as(REPLAY_SELECT_CHECKOUTS)
            .bind(key)
            .fetch_optional(db.pool())
            .await?;
    let Some((checkout_id, buyer, method, total)) = found else {
        return Err(CheckoutError::KeyReused);
    };
    let same_buyer = match owner {
        CartOwner::User(id) => buyer.as_deref() == Some(id.as_str()),
        CartOwner::Guest(hash) => {
            let access: Option<(String,)> = sqlx::query_as(REPLAY_SELECT_GUEST_ORDER_ACCESS)
                .bind(hash)
                .bind(&checkout_id)
                .fetch_optional(db.pool())
                .await?;
            buyer.is_none() && access.is_some()
        }
    };
    if !same_buyer {
        return Err(CheckoutError::KeyReused);
    }
    let orders: Vec<(String, i64)> = sqlx::query_as(REPLAY_SELECT_ORDERS)
        .bind(&checkout_id)
        .fetch_all(db.pool())
        .await?;
    let card: Option<(String,)> = sqlx::query_as(REPLAY_SELECT_CARD_PAYMENTS)
        .bind(&checkout_id)
        .fetch_optional(db.pool())
        .await?;
    let orders = orders
        .into_iter()
        .map(|(no, t)| {
            let total = decode::vnd("orders.total_vnd", &no, t)?;
            Ok((no, total))
        })
        .collect::<Result<_, sqlx::Error>>()?;
    Ok(Placed {
        total: decode::vnd("checkouts.total_vnd", &checkout_id, total)?,
        method: decode::text_enum(
            "checkouts.payment_method",
            &checkout_id,
            &method,
            PaymentMethod::parse,
        )?,
        checkout_id,
        orders,
        card_payment_id: card.map(|(id,)| id),
        replayed: true,
    })
}

// The module's SQL, each statement prepared on both engines by the `sql` integration test.
crate::db::statements! {
    /// `place`.
    PLACE_INSERT_CHECKOUTS = "INSERT INTO checkouts (id, idempotency_key, buyer_user_id, contact_name, contact_phone,
           street, commune_name, province_name, province_code, commune_code, commune_id,
           payment_method, created_at, locale)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10,
          (SELECT MIN(id) FROM communes WHERE unit_code = $10), $11, $12, $13)";
    /// `place`.
    PLACE_UPDATE_PRODUCT_VARIANTS = "UPDATE product_variants SET stock = stock - $1, updated_at = $2
        WHERE id = $3 AND stock >= $1 AND status = 'active'";
    /// `place`.
    PLACE_INSERT_ORDERS = "INSERT INTO orders (id, order_no, checkout_id, producer_id, buyer_user_id, status,
           payment_method, subtotal_vnd, shipping_vnd, total_vnd, pay_by, created_at, updated_at,
           shipping_zone, shipping_source)
        VALUES ($1, $2, $3, $4, $5, 'placed', $6, $7, $8, $9, $10, $11, $11, $12, $13)";
    /// `place`.
    PLACE_INSERT_ORDER_STATUS_HISTORY = "INSERT INTO order_status_history (id, order_id, from_status, to_status, actor_user_id, created_at)
        VALUES ($1, $2, NULL, $3, $4, $5)";
    /// `place`.
    PLACE_INSERT_PAYMENTS = "INSERT INTO payments (id, order_id, method, status, amount_vnd, created_at, updated_at)
        VALUES ($1, $2, $3, 'pending', $4, $5, $5)";
    /// `place`.
    PLACE_INSERT_CARD_PAYMENTS = "INSERT INTO card_payments (id, checkout_id, amount_vnd, status, pay_by, created_at, updated_at)
        VALUES ($1, $2, $3, 'creating', $4, $5, $5)";
    /// `place`.
    PLACE_UPDATE_CHECKOUTS = "UPDATE checkouts SET total_vnd = $1 WHERE id = $2";
    /// `place`.
    PLACE_DELETE_CART_ITEMS = "DELETE FROM cart_items WHERE cart_id = $1";
    /// `insert_line`.
    INSERT_LINE = "INSERT INTO order_lines (id, order_id, variant_id, product_name, variant_label,
           unit_price_vnd, quantity, line_total_vnd, lot_id)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)";
    /// `grant_guest`.
    GRANT_GUEST = "INSERT INTO guest_order_access (token_hash, checkout_id, created_at) VALUES ($1, $2, $3)
        ON CONFLICT (token_hash, checkout_id) DO NOTHING";
    /// `replay`.
    REPLAY_SELECT_CHECKOUTS = "SELECT id, buyer_user_id, payment_method, total_vnd FROM checkouts WHERE idempotency_key = $1";
    /// `replay`.
    REPLAY_SELECT_GUEST_ORDER_ACCESS = "SELECT checkout_id FROM guest_order_access WHERE token_hash = $1 AND checkout_id = $2";
    /// `replay`.
    REPLAY_SELECT_ORDERS = "SELECT order_no, total_vnd FROM orders WHERE checkout_id = $1 ORDER BY order_no";
    /// `replay`.
    REPLAY_SELECT_CARD_PAYMENTS = "SELECT id FROM card_payments WHERE checkout_id = $1";
}

#[cfg(test)]
mod tests {
    use super::order_no;

    #[test]
    fn order_numbers_are_readable() {
        let no = order_no();
        assert_eq!(no.len(), 10);
        assert!(no.starts_with("DH"));
        assert!(!no[2..].contains(['0', 'O', '1', 'I']));
        assert_ne!(order_no(), order_no());
    }
}
