//! The checkout race of the budgets: many buyers at the same moment for a variant with little
//! stock, each through the real JSON API (own cart cookie, own idempotency key). Shared by the
//! test that asserts its outcome on both databases and the benchmark that reports it.

use std::time::{Duration, Instant};

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::{TestApp, browser::Browser};

#[derive(Debug)]
pub struct RaceOutcome {
    pub placed: usize,
    /// Refused with `409 out_of_stock`, as every buyer after the last unit must be.
    pub out_of_stock: usize,
    /// Any other answer (status and body): there should be none.
    pub other: Vec<(StatusCode, String)>,
    /// From the first request sent to the last answer.
    pub took: Duration,
    pub stock_left: i64,
    /// Orders and units of the race's variants in the database afterwards.
    pub orders: i64,
    pub sold: i64,
    /// Checkouts recorded during the race (refused ones must leave none).
    pub new_checkouts: i64,
}

/// Sets `variant`'s stock to `units`, fills `buyers` carts with one unit each, then has every
/// buyer check out (cash on delivery) at once.
pub async fn checkout_race(app: &TestApp, variant: &str, buyers: usize, units: i64) -> RaceOutcome {
    race_for(app, &[variant], buyers, units, LineOrder::Same).await
}

/// The order in which each buyer put the race's variants in the cart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LineOrder {
    /// Everyone in the order given.
    Same,
    /// Every other buyer in the reverse order: the lines of two carts then name the same rows
    /// in opposite orders, the classic deadlock when rows are locked in line order.
    Alternating,
}

/// [`checkout_race`] with one unit of each of `variants` in every cart (each variant gets
/// `units` in stock). The outcome's stock, orders and units are summed over the variants.
pub async fn race_for(
    app: &TestApp,
    variants: &[&str],
    buyers: usize,
    units: i64,
    order: LineOrder,
) -> RaceOutcome {
    for variant in variants {
        sqlx::query("UPDATE product_variants SET stock = $1 WHERE id = $2")
            .bind(units)
            .bind(variant)
            .execute(app.db.pool())
            .await
            .expect("setting the stock");
    }
    let (province, commune) = crate::delivery_address(&app.db).await;
    let browsers: Vec<Browser> = (0..buyers).map(|_| Browser::new(&app.address)).collect();
    for (i, b) in browsers.iter().enumerate() {
        let mut lines = variants.to_vec();
        if order == LineOrder::Alternating && i % 2 == 1 {
            lines.reverse();
        }
        for variant in lines {
            let added = b
                .json(
                    Method::POST,
                    "/api/v1/cart/items",
                    Some(&json!({"variant_id": variant, "quantity": 1})),
                )
                .await;
            assert_eq!(added.status(), 200, "filling a cart for the race");
        }
    }
    // Keys of their own: a second race on the same site (the bench runs several) must not
    // replay the first one's checkouts (`KeyReused`).
    static RACES: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let race = RACES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let bodies: Vec<Value> = (0..buyers)
        .map(|i| {
            json!({
                "name": "Nguyễn Thị Hoa", "phone": "0912 345 678", "street": "12 phố Hiến Nam",
                "province_id": province, "commune_id": commune, "payment_method": "cod",
                "idempotency_key": format!("race-{race}-key-{i:06}"),
            })
        })
        .collect();
    let checkouts_before = crate::count(&app.db, "checkouts").await;

    let started = Instant::now();
    let answers = futures::future::join_all(browsers.iter().zip(&bodies).map(|(b, body)| async {
        let r = b.json(Method::POST, "/api/v1/checkout", Some(body)).await;
        let status = r.status();
        (status, r.json::<Value>().await.unwrap_or(Value::Null))
    }))
    .await;
    let took = started.elapsed();

    let mut outcome = RaceOutcome {
        placed: 0,
        out_of_stock: 0,
        other: vec![],
        took,
        stock_left: 0,
        orders: 0,
        sold: 0,
        new_checkouts: crate::count(&app.db, "checkouts").await - checkouts_before,
    };
    for (status, body) in answers {
        if status == StatusCode::CREATED {
            outcome.placed += 1;
        } else if status == StatusCode::CONFLICT && body["error"]["code"] == "out_of_stock" {
            outcome.out_of_stock += 1;
        } else {
            outcome.other.push((status, body.to_string()));
        }
    }
    for variant in variants {
        let left: i64 = sqlx::query_scalar("SELECT stock FROM product_variants WHERE id = $1")
            .bind(variant)
            .fetch_one(app.db.pool())
            .await
            .expect("the stock after the race");
        let (orders, sold): (i64, i64) = sqlx::query_as(
            "SELECT COUNT(DISTINCT order_id), CAST(COALESCE(SUM(quantity), 0) AS BIGINT)
               FROM order_lines WHERE variant_id = $1",
        )
        .bind(variant)
        .fetch_one(app.db.pool())
        .await
        .expect("the orders of the race");
        outcome.stock_left += left;
        outcome.orders += orders;
        outcome.sold += sold;
    }
    outcome
}

/// What many carts filled at the same moment got back.
#[derive(Debug)]
pub struct AddsOutcome {
    pub added: usize,
    /// Any other answer (status and body): there should be none.
    pub other: Vec<(StatusCode, String)>,
    pub took: Duration,
}

/// `buyers` guests each add one unit of `variant` to their own new cart, all at once.
pub async fn concurrent_cart_adds(app: &TestApp, variant: &str, buyers: usize) -> AddsOutcome {
    let browsers: Vec<Browser> = (0..buyers).map(|_| Browser::new(&app.address)).collect();
    let body = json!({"variant_id": variant, "quantity": 1});
    let started = Instant::now();
    let answers = futures::future::join_all(browsers.iter().map(|b| async {
        let r = b
            .json(Method::POST, "/api/v1/cart/items", Some(&body))
            .await;
        let status = r.status();
        (status, r.text().await.unwrap_or_default())
    }))
    .await;
    let took = started.elapsed();
    let mut outcome = AddsOutcome {
        added: 0,
        other: vec![],
        took,
    };
    for (status, body) in answers {
        if status == StatusCode::OK {
            outcome.added += 1;
        } else {
            outcome.other.push((status, body));
        }
    }
    outcome
}
