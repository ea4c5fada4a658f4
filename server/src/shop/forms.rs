//! The buyer's forms (cart, checkout, cancel, find a guest order) and the order's status forms
//! for producers and officers. Plain HTML forms that work without JavaScript: each answers with
//! a redirect, back with `?loi=<code>` when refused.

use app::{
    auth::{Actor, CART_COOKIE, GuestCart},
    domain::phone::PhoneVn,
    shop::{
        rules::{
            checkout::{CheckoutFields, Quantity},
            order::{OrderAction, Party, PaymentMethod},
        },
        storage::{
            cart::{self, CartError, CartOwner},
            checkout::{self, CheckoutError},
            orders::{self, OrderError, OrderKeys},
        },
    },
};
use axum::{
    Extension, Form,
    extract::{Path, State},
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse, Response},
};
use chrono::Utc;
use serde::Deserialize;

use crate::{
    auth::{
        ClientIp, cookies,
        forms::{internal, see_other},
        tokens::{random_token, token_hash},
    },
    payments,
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

/// Guest carts live a season.
const CART_COOKIE_DAYS: i64 = 90;

fn not_found() -> Response {
    (StatusCode::NOT_FOUND, "Không tìm thấy. / Not found.").into_response()
}

/// The request's cart owner, creating a guest cart token (and its cookie) when there is none.
pub(crate) fn owner_or_new(
    state: &AppState,
    actor: Option<&Actor>,
    guest: Option<&GuestCart>,
) -> (CartOwner, Option<(String, String)>) {
    if let Some(actor) = actor {
        return (CartOwner::User(actor.user_id.clone()), None);
    }
    if let Some(guest) = guest {
        return (CartOwner::Guest(guest.0.clone()), None);
    }
    let token = random_token();
    let cookie = cookies::set(
        CART_COOKIE,
        &token,
        Some(CART_COOKIE_DAYS * 24 * 3600),
        state.secure_cookies(),
    );
    (CartOwner::Guest(token_hash(&token)), Some((token, cookie)))
}

pub(crate) fn existing_owner(
    actor: Option<&Actor>,
    guest: Option<&GuestCart>,
) -> Option<CartOwner> {
    actor
        .map(|a| CartOwner::User(a.user_id.clone()))
        .or_else(|| guest.map(|g| CartOwner::Guest(g.0.clone())))
}

fn with_cookie(mut response: Response, cookie: Option<(String, String)>) -> Response {
    if let Some((_, cookie)) = cookie
        && let Ok(value) = cookie.parse()
    {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
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

pub async fn add_to_cart(
    State(state): State<AppState>,
    actor: Option<Extension<Actor>>,
    guest: Option<Extension<GuestCart>>,
    Form(form): Form<AddForm>,
) -> Response {
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
    let Ok(quantity) = quantity else {
        return see_other(&format!("{back}?loi=quantity"));
    };
    let (owner, cookie) = owner_or_new(&state, actor.as_deref(), guest.as_deref());
    let response = match cart::add(&state.db, &owner, &form.variant_id, quantity, Utc::now()).await
    {
        Ok(()) => see_other("/gio-hang?ok=added"),
        Err(CartError::Db(e)) => return internal(e),
        Err(e) => see_other(&format!("{back}?loi={}", e.code())),
    };
    with_cookie(response, cookie)
}

#[derive(Deserialize)]
pub struct QuantityForm {
    variant_id: String,
    quantity: String,
}

pub async fn change_quantity(
    State(state): State<AppState>,
    actor: Option<Extension<Actor>>,
    guest: Option<Extension<GuestCart>>,
    Form(form): Form<QuantityForm>,
) -> Response {
    let Some(owner) = existing_owner(actor.as_deref(), guest.as_deref()) else {
        return see_other("/gio-hang");
    };
    let quantity = match form.quantity.trim() {
        "0" => None,
        text => match Quantity::parse(text) {
            Ok(q) => Some(q),
            Err(_) => return see_other("/gio-hang?loi=quantity"),
        },
    };
    match cart::set_quantity(&state.db, &owner, &form.variant_id, quantity, Utc::now()).await {
        Ok(()) => see_other("/gio-hang"),
        Err(CartError::Db(e)) => internal(e),
        Err(e) => see_other(&format!("/gio-hang?loi={}", e.code())),
    }
}

/// Back to the checkout form with the reason, keeping what the buyer typed.
fn checkout_refused(fields: &CheckoutFields, code: &str) -> Response {
    let query = form_urlencoded::Serializer::new(String::new())
        .append_pair("loi", code)
        .append_pair("name", &fields.name)
        .append_pair("phone", &fields.phone)
        .append_pair("street", &fields.street)
        .append_pair("commune_id", &fields.commune_id)
        .append_pair("payment_method", &fields.payment_method)
        .finish();
    see_other(&format!("/thanh-toan?{query}"))
}

pub async fn place_order(
    State(state): State<AppState>,
    actor: Option<Extension<Actor>>,
    guest: Option<Extension<GuestCart>>,
    headers: HeaderMap,
    Form(fields): Form<CheckoutFields>,
) -> Response {
    let Some(owner) = existing_owner(actor.as_deref(), guest.as_deref()) else {
        return see_other("/gio-hang");
    };
    let request = match fields.check() {
        Ok(r) => r,
        Err(e) => return checkout_refused(&fields, e.code()),
    };
    let placed = match checkout::place(
        &state.db,
        &owner,
        &request,
        state.payments.rules(),
        Utc::now(),
        crate::api::catalog::locale(&headers),
    )
    .await
    {
        Ok(p) => p,
        Err(CheckoutError::Db(e)) => return internal(e),
        Err(CheckoutError::CartChanged(_)) => return see_other("/gio-hang?loi=out_of_stock"),
        Err(CheckoutError::EmptyCart) => return see_other("/gio-hang"),
        Err(e) => return checkout_refused(&fields, e.code()),
    };
    let first = placed
        .orders
        .first()
        .map(|(no, _)| no.clone())
        .unwrap_or_default();
    if placed.method == PaymentMethod::Card {
        return match payments::open_card(&state, &placed.checkout_id).await {
            Ok(url) => see_other(&url),
            Err(e) => {
                tracing::warn!(error = %e, "opening a card payment failed");
                see_other(&format!("/don-hang/{first}?loi=card_open"))
            }
        };
    }
    if placed.orders.len() == 1 {
        see_other(&format!("/don-hang/{first}?moi=1"))
    } else {
        see_other("/don-hang?moi=1")
    }
}

/// The order and the side the request is on, or the response refusing it.
async fn order_and_party(
    state: &AppState,
    order_no: &str,
    actor: Option<&Actor>,
    guest: Option<&GuestCart>,
) -> Result<(OrderKeys, Party), Response> {
    let keys = orders::keys(&state.db, order_no)
        .await
        .map_err(internal)?
        .ok_or_else(not_found)?;
    match orders::party_of(&state.db, &keys, actor, guest.map(|g| g.0.as_str())).await {
        Ok(Some(party)) => Ok((keys, party)),
        Ok(None) => Err(not_found()),
        Err(e) => Err(internal(e)),
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
pub async fn change_status(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    actor: Option<Extension<Actor>>,
    guest: Option<Extension<GuestCart>>,
    Path(order_no): Path<String>,
    Form(form): Form<StatusForm>,
) -> Response {
    let actor = actor.map(|Extension(a)| a);
    let (keys, party) =
        match order_and_party(&state, &order_no, actor.as_ref(), guest.as_deref()).await {
            Ok(found) => found,
            Err(r) => return r,
        };
    let back = format!("/don-hang/{order_no}");
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
                let refused = see_other(&format!("{back}?loi=cancel_phone"));
                let Ok(phone) = PhoneVn::parse(&form.phone) else {
                    return refused;
                };
                let path = format!("/don-hang/{order_no}/trang-thai");
                match guest_phone_check(&state, &order_no, &phone, ip.as_deref(), &path).await {
                    Ok(Ok(true)) => {}
                    Ok(Ok(false)) => return refused,
                    Ok(Err(wait)) => {
                        return see_other(&format!("{back}?loi=throttled&phut={}", minutes(wait)));
                    }
                    Err(e) => return internal(e),
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
            return match orders::mark_transfer_received(&state.db, &keys.id, actor_id, Utc::now())
                .await
            {
                Ok(()) => see_other(&format!("{back}?ok=1")),
                Err(OrderError::Db(e)) => internal(e),
                Err(e) => see_other(&format!("{back}?loi={}", e.code())),
            };
        }
        _ => return see_other(&format!("{back}?loi=order_state")),
    };
    let actor_id = actor.as_ref().map(|a| a.user_id.as_str());
    match orders::transition(&state.db, &keys.id, &action, party, actor_id, Utc::now()).await {
        Ok(done) => {
            if done.refund_due {
                refund_soon(&state);
            }
            see_other(&format!("{back}?ok=1"))
        }
        Err(OrderError::Db(e)) => internal(e),
        Err(e) => see_other(&format!("{back}?loi={}", e.code())),
    }
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
pub async fn pay_by_card(
    State(state): State<AppState>,
    actor: Option<Extension<Actor>>,
    guest: Option<Extension<GuestCart>>,
    Path(order_no): Path<String>,
) -> Response {
    let actor = actor.map(|Extension(a)| a);
    let (keys, _) = match order_and_party(&state, &order_no, actor.as_ref(), guest.as_deref()).await
    {
        Ok(found) => found,
        Err(r) => return r,
    };
    match payments::open_card(&state, &keys.checkout_id).await {
        Ok(url) => see_other(&url),
        Err(payments::OpenCardError::Db(e)) => internal(e),
        Err(e) => {
            tracing::warn!(error = %e, "reopening a card payment failed");
            see_other(&format!("/don-hang/{order_no}?loi=card_open"))
        }
    }
}

#[derive(Deserialize)]
pub struct LookupForm {
    order_no: String,
    phone: String,
}

/// A guest opens an order with its number and the phone it was placed with.
pub async fn find_guest_order(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    guest: Option<Extension<GuestCart>>,
    Form(form): Form<LookupForm>,
) -> Response {
    let Ok(phone) = PhoneVn::parse(&form.phone) else {
        return see_other("/tra-cuu-don-hang?loi=phone");
    };
    let order_no = form.order_no.trim().to_ascii_uppercase();
    if order_no.len() > MAX_ORDER_NO {
        return see_other("/tra-cuu-don-hang?loi=not_found");
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
    {
        Ok(Ok(true)) => {}
        Ok(Ok(false)) => return see_other("/tra-cuu-don-hang?loi=not_found"),
        Ok(Err(wait)) => {
            return see_other(&format!(
                "/tra-cuu-don-hang?loi=throttled&phut={}",
                minutes(wait)
            ));
        }
        Err(e) => return internal(e),
    }
    // The claim is kept for this browser's cart token (made now if it has none).
    let (owner, cookie) = owner_or_new(&state, None, guest.as_deref());
    let CartOwner::Guest(hash) = owner else {
        return internal("a guest owner was expected");
    };
    match orders::claim_as_guest(&state.db, &order_no, &phone, &hash, Utc::now()).await {
        Ok(true) => with_cookie(see_other(&format!("/don-hang/{order_no}")), cookie),
        Ok(false) => see_other("/tra-cuu-don-hang?loi=not_found"),
        Err(e) => internal(e),
    }
}

/// The order's VietQR code, for the buyer's banking app.
pub async fn vietqr_svg(
    State(state): State<AppState>,
    actor: Option<Extension<Actor>>,
    guest: Option<Extension<GuestCart>>,
    Path(order_no): Path<String>,
) -> Response {
    let actor = actor.map(|Extension(a)| a);
    if let Err(r) = order_and_party(&state, &order_no, actor.as_ref(), guest.as_deref()).await {
        return r;
    }
    let payload = match orders::vietqr_payload(&state.db, &order_no).await {
        Ok(Some(p)) => p,
        Ok(None) => return not_found(),
        Err(e) => return internal(e),
    };
    match crate::diary::qr::svg_of(&payload) {
        Ok(svg) => (
            [
                (header::CONTENT_TYPE, "image/svg+xml"),
                (header::CACHE_CONTROL, "private, no-store"),
            ],
            svg,
        )
            .into_response(),
        Err(e) => internal(e),
    }
}
