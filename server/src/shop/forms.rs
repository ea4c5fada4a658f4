//! The buyer's forms (cart, checkout, cancel, find a guest order) and the order's status forms
//! for producers and officers. Plain HTML forms that work without JavaScript: each answers with
//! a redirect, back with `?loi=<code>` when refused.

use app::{
    domain::phone::PhoneVn,
    shop::{
        form::ShopRefusal,
        rules::{
            checkout::{CheckoutFields, CheckoutRequest, Quantity},
            order::{OrderAction, Party, PaymentMethod},
        },
        storage::{
            cart::{self, CartOwner},
            checkout::{self, CheckoutError, Placed},
            orders::{self, OrderError, OrderKeys},
        },
    },
};
use axum::{
    Form,
    extract::{Path, State},
    http::{HeaderMap, header},
    response::{IntoResponse, Response},
};
use chrono::Utc;
use serde::Deserialize;

use crate::{
    auth::{ClientIp, forms::see_other},
    form_error::{Context, FormError},
    payments,
    shop::shopper::{NewCart, Shopper},
    startup::AppState,
    throttle::{self, minutes},
};

/// Longer than any order number: not worth a throttle row.
pub(crate) const MAX_ORDER_NO: usize = 32;

/// Whether `phone` is the one `order_no` was placed with, counted against the guest lookup
/// throttles first (the phone is the secret being guessed). `Err` is the refusal to send.
pub(crate) async fn guest_phone_check(
    state: &AppState,
    order_no: &str,
    phone: &PhoneVn,
    ip: Option<&str>,
    path: &str,
) -> Result<Result<bool, chrono::Duration>, sqlx::Error> {
    let limits = throttle::lookup_limits(order_no, ip);
    if let Some(wait) = throttle::take(state, &limits, ip, path).await? {
        return Ok(Err(wait));
    }
    let right = orders::phone_matches(&state.db, order_no, phone).await?;
    if right {
        throttle::give_back(state, &limits).await?;
    } else {
        tracing::warn!(
            event = "guest_phone_wrong",
            order = %order_no,
            client = ip.unwrap_or("unknown"),
            path,
            "wrong phone for an order"
        );
    }
    Ok(Ok(right))
}

#[derive(Deserialize)]
pub struct AddForm {
    variant_id: String,
    #[serde(default)]
    quantity: String,
    /// The product page to go back to when the product cannot be added.
    #[serde(default)]
    back: String,
}

#[tracing::instrument(skip_all, fields(variant = %form.variant_id))]
pub async fn add_to_cart(
    State(state): State<AppState>,
    shopper: Shopper,
    Form(form): Form<AddForm>,
) -> Result<Response, FormError> {
    let back = crate::routes::lang::local_path(
        Some(&form.back)
            .filter(|b| !b.is_empty())
            .map(|b| b.as_str()),
    );
    let quantity = if form.quantity.trim().is_empty() {
        Quantity::new(1)
    } else {
        Quantity::parse(&form.quantity)
    };
    let quantity = quantity.map_err(|_| FormError::refused(&back, &ShopRefusal::Quantity))?;
    let (owner, new_cart) = shopper.owner_or_new(&state);
    let response = match cart::add(&state.db, &owner, &form.variant_id, quantity, Utc::now()).await
    {
        Ok(()) => see_other("/gio-hang?ok=added"),
        Err(e) => {
            let refusal = ShopRefusal::try_from(e).context("adding to a cart")?;
            FormError::refused(&back, &refusal).into_response()
        }
    };
    Ok(NewCart::set_on(new_cart, response))
}

#[derive(Deserialize)]
pub struct QuantityForm {
    variant_id: String,
    quantity: String,
}

#[tracing::instrument(skip_all, fields(variant = %form.variant_id))]
pub async fn change_quantity(
    State(state): State<AppState>,
    shopper: Shopper,
    Form(form): Form<QuantityForm>,
) -> Result<Response, FormError> {
    let Some(owner) = shopper.owner() else {
        return Ok(see_other("/gio-hang"));
    };
    let refused = |refusal| FormError::refused("/gio-hang", &refusal);
    let quantity = match form.quantity.trim() {
        "0" => None,
        text => Some(Quantity::parse(text).map_err(|_| refused(ShopRefusal::Quantity))?),
    };
    if let Err(e) =
        cart::set_quantity(&state.db, &owner, &form.variant_id, quantity, Utc::now()).await
    {
        return Err(refused(
            ShopRefusal::try_from(e).context("changing a cart")?,
        ));
    }
    Ok(see_other("/gio-hang"))
}

/// Places the cart and, for a card checkout, opens its payment page (`None` when that failed:
/// the orders stand, and the buyer can open it again from the order page). The checkout form
/// and `POST /api/v1/checkout` both place through here.
pub(crate) async fn place_and_open_card(
    state: &AppState,
    owner: &CartOwner,
    request: &CheckoutRequest,
    headers: &HeaderMap,
) -> Result<(Placed, Option<String>), CheckoutError> {
    let placed = checkout::place(
        &state.db,
        owner,
        request,
        state.payments.rules(),
        Utc::now(),
        crate::api::locale(headers),
        &state.carriers.quoter(),
    )
    .await?;
    let card_page = if placed.method == PaymentMethod::Card {
        payments::open_card(state, &placed.checkout_id)
            .await
            .inspect_err(|e| tracing::warn!(error = %e, "opening a card payment failed"))
            .ok()
    } else {
        None
    };
    Ok((placed, card_page))
}

/// What the buyer typed, sent back with a refusal of the checkout form.
fn typed(fields: &CheckoutFields) -> String {
    form_urlencoded::Serializer::new(String::new())
        .append_pair("name", &fields.name)
        .append_pair("phone", &fields.phone)
        .append_pair("street", &fields.street)
        .append_pair("province_id", &fields.province_id)
        .append_pair("commune_id", &fields.commune_id)
        .append_pair("payment_method", &fields.payment_method)
        .finish()
}

#[tracing::instrument(skip_all, fields(method = %fields.payment_method))]
pub async fn place_order(
    State(state): State<AppState>,
    shopper: Shopper,
    headers: HeaderMap,
    Form(fields): Form<CheckoutFields>,
) -> Result<Response, FormError> {
    let Some(owner) = shopper.owner() else {
        return Ok(see_other("/gio-hang"));
    };
    // Back to the checkout form with the reason, keeping what the buyer typed.
    let refused =
        |refusal: ShopRefusal| FormError::refused("/thanh-toan", &refusal).and(&typed(&fields));
    let request = fields.check().map_err(|e| refused(e.into()))?;
    let (placed, card_page) = match place_and_open_card(&state, &owner, &request, &headers).await {
        Ok(placed) => placed,
        Err(e) => {
            return match ShopRefusal::try_from(e) {
                Ok(refusal) => Err(refused(refusal)),
                Err(CheckoutError::CartChanged(_)) => {
                    Err(FormError::refused("/gio-hang", &ShopRefusal::OutOfStock))
                }
                Err(CheckoutError::EmptyCart) => Ok(see_other("/gio-hang")),
                Err(e) => Err(FormError::unavailable("placing a checkout", e)),
            };
        }
    };
    let first = placed
        .orders
        .first()
        .map(|(no, _)| no.clone())
        .unwrap_or_default();
    if placed.method == PaymentMethod::Card {
        return match card_page {
            Some(url) => Ok(see_other(&url)),
            None => Err(FormError::refused(
                format!("/don-hang/{first}"),
                &ShopRefusal::CardOpen,
            )),
        };
    }
    Ok(if placed.orders.len() == 1 {
        see_other(&format!("/don-hang/{first}?moi=1"))
    } else {
        see_other("/don-hang?moi=1")
    })
}

/// The order and the side the request is on; 404 when it is none of the asker's.
pub(crate) async fn order_and_party(
    state: &AppState,
    order_no: &str,
    shopper: &Shopper,
) -> Result<(OrderKeys, Party), FormError> {
    let keys = orders::keys(&state.db, order_no)
        .await
        .context("finding an order")?
        .ok_or(FormError::NotFound)?;
    let party = orders::party_of(&state.db, &keys, shopper.actor(), shopper.guest_hash())
        .await
        .context("finding who may see an order")?
        .ok_or(FormError::NotFound)?;
    Ok((keys, party))
}

/// An order refused with `e`'s reason, back to `back`; the database failing is ours.
fn order_refused(back: &str, e: OrderError) -> FormError {
    match ShopRefusal::try_from(e) {
        Ok(refusal) => FormError::refused(back, &refusal),
        Err(e) => FormError::unavailable("changing an order", e),
    }
}

#[derive(Deserialize)]
pub struct StatusForm {
    action: String,
    #[serde(default)]
    carrier: String,
    #[serde(default)]
    tracking_no: String,
    #[serde(default)]
    reason: String,
    /// A guest cancelling gives the order's phone again.
    #[serde(default)]
    phone: String,
}

/// Every status change of an order, from the buyer (cancel) or the producer/officer.
#[tracing::instrument(skip_all, fields(order = %order_no, action = %form.action))]
pub async fn change_status(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    shopper: Shopper,
    Path(order_no): Path<String>,
    Form(form): Form<StatusForm>,
) -> Result<Response, FormError> {
    let (keys, party) = order_and_party(&state, &order_no, &shopper).await?;
    let actor = shopper.actor;
    let back = format!("/don-hang/{order_no}");
    let refused = |refusal| FormError::refused(&back, &refusal);
    let action = match form.action.as_str() {
        "confirm" => OrderAction::Confirm,
        "ship" => OrderAction::Ship {
            carrier: form.carrier,
            tracking_no: form.tracking_no,
        },
        "deliver" => OrderAction::Deliver,
        "cancel" => {
            // A guest's right to open the order (a cart cookie, maybe on a shared phone, or a
            // lookup long ago) is not enough to cancel it: the phone is asked again.
            let guest = party == Party::Buyer
                && (keys.buyer_user_id.is_none()
                    || actor.as_ref().map(|a| &a.user_id) != keys.buyer_user_id.as_ref());
            if guest {
                let phone =
                    PhoneVn::parse(&form.phone).map_err(|_| refused(ShopRefusal::CancelPhone))?;
                let path = format!("/don-hang/{order_no}/trang-thai");
                match guest_phone_check(&state, &order_no, &phone, ip.as_deref(), &path)
                    .await
                    .context("checking an order's phone")?
                {
                    Ok(true) => {}
                    Ok(false) => return Err(refused(ShopRefusal::CancelPhone)),
                    Err(wait) => {
                        let minutes = minutes(wait);
                        return Err(refused(ShopRefusal::Throttled { minutes }));
                    }
                }
            }
            OrderAction::Cancel {
                reason: form.reason,
            }
        }
        "paid" if matches!(party, Party::Producer | Party::Officer) => {
            let actor_id = actor
                .as_ref()
                .map(|a| a.user_id.as_str())
                .unwrap_or_default();
            orders::mark_transfer_received(&state.db, &keys.id, actor_id, Utc::now())
                .await
                .map_err(|e| order_refused(&back, e))?;
            return Ok(see_other(&format!("{back}?ok=1")));
        }
        _ => return Err(refused(ShopRefusal::OrderState)),
    };
    let actor_id = actor.as_ref().map(|a| a.user_id.as_str());
    let done = orders::transition(&state.db, &keys.id, &action, party, actor_id, Utc::now())
        .await
        .map_err(|e| order_refused(&back, e))?;
    if done.refund_due {
        refund_soon(&state);
    }
    Ok(see_other(&format!("{back}?ok=1")))
}

/// Refunds what is due without keeping the buyer waiting for the provider.
pub(crate) fn refund_soon(state: &AppState) {
    let state = state.clone();
    tokio::spawn(async move {
        if let Err(e) = payments::tasks::refund_due(&state).await {
            tracing::warn!(error = %e, "refunding failed; the background task retries");
        }
    });
}

/// "Pay by card" on the order page: the open payment page, or a new one.
#[tracing::instrument(skip_all, fields(order = %order_no))]
pub async fn pay_by_card(
    State(state): State<AppState>,
    shopper: Shopper,
    Path(order_no): Path<String>,
) -> Result<Response, FormError> {
    let (keys, _) = order_and_party(&state, &order_no, &shopper).await?;
    match payments::open_card(&state, &keys.checkout_id).await {
        Ok(url) => Ok(see_other(&url)),
        Err(payments::OpenCardError::Db(e)) => {
            Err(FormError::unavailable("opening a card payment", e))
        }
        Err(e) => {
            tracing::warn!(error = %e, "reopening a card payment failed");
            Err(FormError::refused(
                format!("/don-hang/{order_no}"),
                &ShopRefusal::CardOpen,
            ))
        }
    }
}

#[derive(Deserialize)]
pub struct LookupForm {
    order_no: String,
    phone: String,
}

/// A guest opens an order with its number and the phone it was placed with.
#[tracing::instrument(skip_all, fields(order = %form.order_no.trim()))]
pub async fn find_guest_order(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    shopper: Shopper,
    Form(form): Form<LookupForm>,
) -> Result<Response, FormError> {
    let refused = |refusal| FormError::refused("/tra-cuu-don-hang", &refusal);
    let phone = PhoneVn::parse(&form.phone).map_err(|_| refused(ShopRefusal::Phone))?;
    let order_no = form.order_no.trim().to_ascii_uppercase();
    if order_no.len() > MAX_ORDER_NO {
        return Err(refused(ShopRefusal::NotFound));
    }
    // Number and phone are guessed at together: counted per address and per order first.
    match guest_phone_check(
        &state,
        &order_no,
        &phone,
        ip.as_deref(),
        "/tra-cuu-don-hang",
    )
    .await
    .context("checking an order's phone")?
    {
        Ok(true) => {}
        Ok(false) => return Err(refused(ShopRefusal::NotFound)),
        Err(wait) => {
            let minutes = minutes(wait);
            return Err(refused(ShopRefusal::Throttled { minutes }));
        }
    }
    // The claim is kept for this browser's cart token (made now if it has none).
    let (hash, new_cart) = shopper.guest_hash_or_new(&state);
    let claimed = orders::claim_as_guest(&state.db, &order_no, &phone, &hash, Utc::now())
        .await
        .context("claiming a guest order")?;
    if !claimed {
        return Err(refused(ShopRefusal::NotFound));
    }
    Ok(NewCart::set_on(
        new_cart,
        see_other(&format!("/don-hang/{order_no}")),
    ))
}

/// The order's VietQR code, for the buyer's banking app.
#[tracing::instrument(skip_all, fields(order = %order_no))]
pub async fn vietqr_svg(
    State(state): State<AppState>,
    shopper: Shopper,
    Path(order_no): Path<String>,
) -> Result<Response, FormError> {
    order_and_party(&state, &order_no, &shopper).await?;
    let payload = orders::vietqr_payload(&state.db, &order_no)
        .await
        .context("making an order's VietQR payload")?
        .ok_or(FormError::NotFound)?;
    let svg = crate::diary::qr::svg_of(&payload).context("drawing a VietQR code")?;
    Ok((
        [
            (header::CONTENT_TYPE, "image/svg+xml"),
            (header::CACHE_CONTROL, "private, no-store"),
        ],
        svg,
    )
        .into_response())
}
