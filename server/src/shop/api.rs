//! The buyer side of the API: the cart (`/api/v1/cart`), checkout (`/api/v1/checkout`) and an
//! order's status (`/api/v1/orders/{order_no}`). A signed-in buyer is known by the session
//! cookie; a guest by the cart token returned when the first item is added (send it back as
//! `X-Cart-Token`).

use app::{
    address::rules::{CommuneCode, ProvinceCode},
    domain::phone::PhoneVn,
    shop::{
        model::{CartView, OrderView},
        quotes::Destination,
        rules::checkout::{CheckoutFields, Quantity},
        rules::order::PaymentMethod,
        storage::{
            cart::{self, CartError, CartOwner},
            checkout::CheckoutError,
            orders,
        },
    },
};
use axum::{
    Json,
    extract::{Path, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
};
use chrono::Utc;
use serde::{Deserialize, Serialize};

use super::{
    forms::{MAX_ORDER_NO, guest_phone_check, place_and_open_card},
    shopper::{NewCart, Shopper},
};
use crate::{
    api::{
        ApiContext, ApiError,
        extract::{ApiJson, ApiQuery},
        locale,
    },
    auth::ClientIp,
    startup::AppState,
};

#[derive(Serialize, utoipa::ToSchema)]
pub struct CartResponse {
    pub cart: CartView,
    /// Set when this request created a guest cart: send it back as `X-Cart-Token`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cart_token: Option<String>,
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct AddItem {
    pub variant_id: String,
    /// 1 to 99; added to what the cart holds.
    pub quantity: i64,
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct SetQuantity {
    /// 0 removes the line.
    pub quantity: i64,
}

fn cart_error(e: CartError) -> ApiError {
    match e {
        CartError::Db(e) => ApiError::unavailable("changing a cart", e),
        CartError::Unavailable => ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "unavailable",
            "this variant is not for sale",
        ),
        CartError::NotInCart => ApiError::not_found("this variant is not in the cart"),
    }
}

fn quantity(n: i64) -> Result<Quantity, ApiError> {
    Quantity::new(n)
        .map_err(|e| ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "quantity", e.to_string()))
}

async fn cart_of(
    state: &AppState,
    owner: Option<&CartOwner>,
    headers: &HeaderMap,
) -> Result<CartView, ApiError> {
    cart_to(state, owner, headers, None).await
}

/// The cart with the fees of delivery to `to`, when given.
async fn cart_to(
    state: &AppState,
    owner: Option<&CartOwner>,
    headers: &HeaderMap,
    to: Option<&ProvinceCode>,
) -> Result<CartView, ApiError> {
    match owner {
        Some(owner) => cart::view(&state.db, owner, locale(headers), to)
            .await
            .context("loading a cart"),
        None => Ok(CartView::default()),
    }
}

#[derive(Deserialize)]
pub struct CartQuery {
    province_id: Option<String>,
    commune_id: Option<String>,
}

/// The cart, grouped per producer (one order each at checkout), with delivery fees and the
/// lines that cannot be ordered as they are (`problem`). With `province_id`, the fees are
/// those of delivery to that province and fresh goods that do not travel there say so; without
/// it, the fees are the farthest zone's. With `commune_id` too, each producer with a carrier
/// account gets its carrier's quote (`shipping_source` `ghn`/`ghtk`); otherwise, or when the
/// carrier does not answer within 2 s, the fee is the producer's table's estimate
/// (`shipping_source` `table`).
#[utoipa::path(get, path = "/api/v1/cart",
    params(("province_id" = Option<String>, Query, description = "The delivery province's code, e.g. `79`"),
           ("commune_id" = Option<String>, Query, description = "The delivery commune's code, e.g. `26743`: the carriers quote their fees")),
    responses((status = 200, body = CartResponse), (status = 422, body = crate::api::error::ErrorBody)))]
#[tracing::instrument(skip_all)]
pub async fn get_cart(
    State(state): State<AppState>,
    shopper: Shopper,
    headers: HeaderMap,
    ApiQuery(query): ApiQuery<CartQuery>,
) -> Result<Json<CartResponse>, ApiError> {
    let owner = shopper.owner();
    let to = match query.province_id.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(code) => Some(ProvinceCode::parse(code).map_err(|_| {
            ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "province_id",
                "province_id must be a province's two-digit code from GET /api/v1/provinces",
            )
        })?),
    };
    let commune = match query.commune_id.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(code) => Some(CommuneCode::parse(code).map_err(|_| {
            ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "commune_id",
                "commune_id must be a commune's code from GET /api/v1/provinces/{code}/communes",
            )
        })?),
    };
    let cart = match (owner.as_ref(), to, commune) {
        (Some(owner), Some(province), Some(commune)) => {
            let to = Destination {
                province,
                commune,
                street: String::new(),
            };
            cart::view_to(
                &state.db,
                owner,
                locale(&headers),
                &to,
                &state.carriers.quoter(),
            )
            .await
            .map_err(|e| ApiError::unavailable("loading a cart", e))?
        }
        (_, to, _) => cart_to(&state, owner.as_ref(), &headers, to.as_ref()).await?,
    };
    Ok(Json(CartResponse {
        cart,
        cart_token: None,
    }))
}

/// Adds a variant to the cart (creating a guest cart and its token when needed).
#[utoipa::path(post, path = "/api/v1/cart/items", request_body = AddItem,
    responses((status = 200, body = CartResponse), (status = 422, body = crate::api::error::ErrorBody)))]
#[tracing::instrument(skip_all, fields(variant = %item.variant_id))]
pub async fn add_item(
    State(state): State<AppState>,
    shopper: Shopper,
    headers: HeaderMap,
    ApiJson(item): ApiJson<AddItem>,
) -> Result<Response, ApiError> {
    let quantity = quantity(item.quantity)?;
    let (owner, new_cart) = shopper.owner_or_new(&state);
    cart::add(&state.db, &owner, &item.variant_id, quantity, Utc::now())
        .await
        .map_err(cart_error)?;
    let body = CartResponse {
        cart: cart_of(&state, Some(&owner), &headers).await?,
        cart_token: new_cart.as_ref().map(|new| new.token.clone()),
    };
    Ok(NewCart::set_on(new_cart, Json(body).into_response()))
}

/// Sets a line's quantity; 0 removes it.
#[utoipa::path(patch, path = "/api/v1/cart/items/{variant_id}", request_body = SetQuantity,
    params(("variant_id" = String, Path)),
    responses((status = 200, body = CartResponse), (status = 404, body = crate::api::error::ErrorBody)))]
#[tracing::instrument(skip_all, fields(variant = %variant_id))]
pub async fn set_item(
    State(state): State<AppState>,
    shopper: Shopper,
    headers: HeaderMap,
    Path(variant_id): Path<String>,
    ApiJson(body): ApiJson<SetQuantity>,
) -> Result<Json<CartResponse>, ApiError> {
    let owner = shopper
        .owner()
        .ok_or_else(|| ApiError::not_found("there is no cart"))?;
    let q = if body.quantity == 0 {
        None
    } else {
        Some(quantity(body.quantity)?)
    };
    cart::set_quantity(&state.db, &owner, &variant_id, q, Utc::now())
        .await
        .map_err(cart_error)?;
    Ok(Json(CartResponse {
        cart: cart_of(&state, Some(&owner), &headers).await?,
        cart_token: None,
    }))
}

/// Removes a line.
#[utoipa::path(delete, path = "/api/v1/cart/items/{variant_id}",
    params(("variant_id" = String, Path)),
    responses((status = 200, body = CartResponse), (status = 404, body = crate::api::error::ErrorBody)))]
#[tracing::instrument(skip_all, fields(variant = %variant_id))]
pub async fn remove_item(
    State(state): State<AppState>,
    shopper: Shopper,
    headers: HeaderMap,
    Path(variant_id): Path<String>,
) -> Result<Json<CartResponse>, ApiError> {
    let owner = shopper
        .owner()
        .ok_or_else(|| ApiError::not_found("there is no cart"))?;
    cart::set_quantity(&state.db, &owner, &variant_id, None, Utc::now())
        .await
        .map_err(cart_error)?;
    Ok(Json(CartResponse {
        cart: cart_of(&state, Some(&owner), &headers).await?,
        cart_token: None,
    }))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct PlacedOrder {
    pub order_no: String,
    pub total: i64,
    /// For VNPay: the page where the buyer pays this order.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payment_url: Option<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct CheckoutResponse {
    pub checkout_id: String,
    /// One order per producer.
    pub orders: Vec<PlacedOrder>,
    pub total: i64,
    pub payment_method: String,
    /// For card payments: the page where the buyer pays.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub card_payment_url: Option<String>,
    /// True when this idempotency key had already placed these orders.
    pub replayed: bool,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct OutOfStockBody {
    pub error: OutOfStockDetail,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct OutOfStockDetail {
    /// `out_of_stock`, `total_changed` (more than `shown_total_vnd`: the cart carries the new
    /// fees), or `not_delivered` (fresh goods the producer does not send to the
    /// address's province: those lines' `problem` is `only_same_province` or
    /// `only_neighbouring_provinces`).
    pub code: &'static str,
    pub message: String,
    /// The cart as it is now; `problem` says which lines and why.
    pub cart: CartView,
}

/// Places the cart: one order per producer, stock reserved in the same transaction. The
/// `idempotency_key` (or an `Idempotency-Key` header) makes a retry return the same orders.
#[utoipa::path(post, path = "/api/v1/checkout", request_body = CheckoutFields,
    responses((status = 201, body = CheckoutResponse),
              (status = 200, description = "replayed: these orders were placed by an earlier request with the same key", body = CheckoutResponse),
              (status = 409, description = "some items are out of stock", body = OutOfStockBody),
              (status = 422, description = "`not_delivered`: some items are not delivered to this province; the cart lists them", body = OutOfStockBody),
              (status = 422, body = crate::api::error::ErrorBody)))]
#[tracing::instrument(skip_all, fields(method = %fields.payment_method))]
pub async fn post_checkout(
    State(state): State<AppState>,
    shopper: Shopper,
    headers: HeaderMap,
    crate::auth::ClientIp(ip): crate::auth::ClientIp,
    ApiJson(mut fields): ApiJson<CheckoutFields>,
) -> Result<Response, ApiError> {
    let invalid = |code: &'static str, message: String| {
        ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, code, message)
    };
    if fields.idempotency_key.is_empty()
        && let Some(key) = headers.get("idempotency-key").and_then(|v| v.to_str().ok())
    {
        fields.idempotency_key = key.to_owned();
    }
    let owner = shopper
        .owner()
        .ok_or_else(|| invalid("empty_cart", "the cart is empty".to_owned()))?;
    let request = fields
        .check()
        .map_err(|e| invalid(e.code(), e.to_string()))?;
    let (placed, card_payment_url) = match place_and_open_card(&state, &owner, &request, &headers)
        .await
    {
        Ok(placed) => placed,
        Err(CheckoutError::Db(e)) => {
            return Err(ApiError::unavailable("placing a checkout", e));
        }
        Err(CheckoutError::CartChanged(cart)) => {
            let body = OutOfStockBody {
                error: OutOfStockDetail {
                    code: "out_of_stock",
                    message: "some items are no longer available in the quantity asked".into(),
                    cart: *cart,
                },
            };
            return Ok((StatusCode::CONFLICT, Json(body)).into_response());
        }
        Err(CheckoutError::NotDelivered(cart)) => {
            let body = OutOfStockBody {
                    error: OutOfStockDetail {
                        code: "not_delivered",
                        message: "some items are not delivered to this province: see the lines whose problem says so".into(),
                        cart: *cart,
                    },
                };
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, Json(body)).into_response());
        }
        Err(CheckoutError::TotalRose { shown, now, cart }) => {
            let body = OutOfStockBody {
                error: OutOfStockDetail {
                    code: "total_changed",
                    message: format!(
                        "the total is now {} dong, more than the {} shown: nothing was placed; show the cart's new fees and send again",
                        now.dong(),
                        shown.dong()
                    ),
                    cart: *cart,
                },
            };
            return Ok((StatusCode::CONFLICT, Json(body)).into_response());
        }
        Err(CheckoutError::KeyReused) => {
            return Err(ApiError::new(
                StatusCode::CONFLICT,
                "idempotency_key_reused",
                "this idempotency key was used for another checkout",
            ));
        }
        Err(e) => return Err(invalid(e.code(), e.to_string())),
    };
    let status = if placed.replayed {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    let nos: Vec<String> = placed.orders.iter().map(|(no, _)| no.clone()).collect();
    let urls = if placed.method == PaymentMethod::Vnpay {
        crate::payments::vnpay_urls(&state, &nos, ip.as_deref())
            .await
            .map_err(|e| ApiError::unavailable("finding VNPay orders", e))?
    } else {
        vec![None; nos.len()]
    };
    let body = CheckoutResponse {
        checkout_id: placed.checkout_id,
        orders: placed
            .orders
            .into_iter()
            .zip(urls)
            .map(|((order_no, total), payment_url)| PlacedOrder {
                order_no,
                total: total.dong(),
                payment_url,
            })
            .collect(),
        total: placed.total.dong(),
        payment_method: placed.method.as_str().to_owned(),
        card_payment_url,
        replayed: placed.replayed,
    };
    Ok((status, Json(body)).into_response())
}

#[derive(Deserialize)]
pub struct OrderQuery {
    phone: Option<String>,
}

/// An order with its status, history and payment instructions. The buyer's session or cart
/// token opens it; anyone else needs the phone it was placed with (`?phone=0912345678`).
#[utoipa::path(get, path = "/api/v1/orders/{order_no}",
    params(("order_no" = String, Path), ("phone" = Option<String>, Query)),
    responses((status = 200, body = OrderView), (status = 404, body = crate::api::error::ErrorBody),
              (status = 429, description = "too many phone guesses from this client or at this order; see Retry-After", body = crate::api::error::ErrorBody)))]
#[tracing::instrument(skip_all, fields(order = %order_no))]
pub async fn get_order(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    shopper: Shopper,
    Path(order_no): Path<String>,
    ApiQuery(query): ApiQuery<OrderQuery>,
) -> Result<Json<OrderView>, ApiError> {
    let missing = || ApiError::not_found("no order with this number is yours");
    if order_no.len() > MAX_ORDER_NO {
        return Err(missing());
    }
    let keys = orders::keys(&state.db, &order_no)
        .await
        .context("loading an order")?;
    // A number that is no order is counted like a wrong phone, so the throttle does not tell
    // which numbers exist.
    let party = match &keys {
        Some(keys) => orders::party_of(&state.db, keys, shopper.actor(), shopper.guest_hash())
            .await
            .context("loading an order")?,
        None => None,
    };
    let by_phone = match (&party, query.phone.as_deref().map(PhoneVn::parse)) {
        (None, Some(Ok(phone))) => {
            let path = format!("/api/v1/orders/{order_no}");
            match guest_phone_check(&state, &order_no, &phone, ip.as_deref(), &path)
                .await
                .context("loading an order")?
            {
                Ok(right) => right,
                Err(wait) => return Err(ApiError::rate_limited(wait)),
            }
        }
        _ => false,
    };
    if party.is_none() && !by_phone {
        return Err(missing());
    }
    orders::view(&state.db, &order_no)
        .await
        .context("loading an order")?
        .map(Json)
        .ok_or_else(missing)
}
