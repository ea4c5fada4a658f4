//! Carriers' fees at checkout (#21), against the in-test carrier fakes: a producer with an
//! enabled carrier account is charged its carrier's quote, shown and stored as such; without
//! an account, or when the carrier is slow (> 2 s) or down, the producer's table prices the
//! order, marked as an estimate ("ước tính"), and the order is placed all the same.

use std::time::Instant;

use app::seller::carriers_storage::{self, CarrierAccount, new_callback_secret};
use ocop_tests::{
    TestApp,
    browser::Browser,
    carrier_fake::Behaviour,
    db_test, delivery_address,
    ghn_fake::{self, GhnFake},
    ghtk_fake::{self, GhtkFake},
    spawn_app_configured,
};
use reqwest::Method;
use serde_json::{Value, json};

/// A seeded server whose carriers are the fakes.
async fn app_with(engine: ocop_tests::Engine, ghn: &GhnFake, ghtk: &GhtkFake) -> TestApp {
    let (ghn, ghtk) = (ghn.base_url.clone(), ghtk.base_url.clone());
    let app = spawn_app_configured(engine, move |s| {
        s.carriers = server::shipping::CarrierSettings::with_bases(Some(ghn), Some(ghtk));
    })
    .await;
    app.seed().await;
    app
}

/// (variant id, producer id, parcel grams of one unit) of a product.
async fn variant_of(app: &TestApp, slug: &str) -> (String, String, i64) {
    let (variant, producer, unit, net): (String, String, String, Option<i64>) = sqlx::query_as(
        "SELECT v.id, p.producer_id, v.unit, v.net_weight_g FROM product_variants v
           JOIN products p ON p.id = v.product_id
          WHERE p.slug = $1 AND v.status = 'active' ORDER BY v.id LIMIT 1",
    )
    .bind(slug)
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    let grams = app::shop::rules::shipping::unit_grams(&unit, net);
    (variant, producer, grams)
}

/// A product sent country-wide by another producer than `not`.
async fn other_producers_product(app: &TestApp, not: &str) -> String {
    sqlx::query_scalar(
        "SELECT p.slug FROM products p JOIN product_variants v ON v.product_id = p.id
          WHERE p.producer_id <> $1 AND p.status = 'approved' AND p.delivery_reach = 'country'
            AND v.status = 'active' AND v.stock > 5
          ORDER BY p.slug LIMIT 1",
    )
    .bind(not)
    .fetch_one(app.db.pool())
    .await
    .unwrap()
}

/// Enables a carrier account for the producer, picking up in Phường Phố Hiến.
async fn enable(app: &TestApp, producer_id: &str, carrier: &str) {
    let (province, commune) = delivery_address(&app.db).await;
    let ghn = carrier == "ghn";
    let account = CarrierAccount {
        producer_id: producer_id.to_owned(),
        carrier: carrier.to_owned(),
        token: if ghn {
            ghn_fake::TOKEN
        } else {
            ghtk_fake::TOKEN
        }
        .to_owned(),
        shop_id: ghn.then_some(ghn_fake::SHOP_ID),
        pick_name: "Kho Phố Hiến".into(),
        pick_phone: "0221386000".into(),
        pick_province_code: province,
        pick_commune_code: commune,
        pick_street: "12 Nguyễn Văn Linh".into(),
        enabled: true,
        callback_secret: new_callback_secret(),
    };
    carriers_storage::save(&app.db, &account, chrono::Utc::now())
        .await
        .unwrap();
}

async fn add(b: &Browser, variant: &str) {
    let r = b
        .json(
            Method::POST,
            "/api/v1/cart/items",
            Some(&json!({"variant_id": variant, "quantity": 1})),
        )
        .await;
    assert_eq!(r.status(), 200);
}

/// Phường Bến Thành, Hồ Chí Minh City.
const HCMC: (&str, &str) = ("79", "26743");

/// The cart's groups for delivery to Bến Thành (carriers asked).
async fn groups(b: &Browser) -> Vec<Value> {
    let path = format!("/api/v1/cart?province_id={}&commune_id={}", HCMC.0, HCMC.1);
    let cart: Value = b.json(Method::GET, &path, None).await.json().await.unwrap();
    cart["cart"]["groups"].as_array().unwrap().clone()
}

/// The table's fee (the cart asked with the province only: no carrier).
async fn table_fee(b: &Browser) -> i64 {
    let path = format!("/api/v1/cart?province_id={}", HCMC.0);
    let cart: Value = b.json(Method::GET, &path, None).await.json().await.unwrap();
    let group = &cart["cart"]["groups"][0];
    assert_eq!(group["shipping_source"], "table");
    group["shipping"].as_i64().unwrap()
}

async fn checkout(b: &Browser, key: &str) -> reqwest::Response {
    b.json(
        Method::POST,
        "/api/v1/checkout",
        Some(&json!({
            "name": "Trần Văn Nam", "phone": "0903 123 456", "street": "12 Lê Lợi",
            "province_id": HCMC.0, "commune_id": HCMC.1, "payment_method": "cod",
            "idempotency_key": key,
        })),
    )
    .await
}

/// (shipping_vnd, shipping_source) of the orders of a checkout, by producer id.
async fn stored(app: &TestApp, key: &str) -> Vec<(String, i64, String)> {
    sqlx::query_as(
        "SELECT o.producer_id, o.shipping_vnd, o.shipping_source FROM orders o
           JOIN checkouts c ON c.id = o.checkout_id
          WHERE c.idempotency_key = $1 ORDER BY o.producer_id",
    )
    .bind(key)
    .fetch_all(app.db.pool())
    .await
    .unwrap()
}

db_test!(a_carriers_quote_prices_the_order, |engine| {
    let (ghn, ghtk) = (GhnFake::start().await, GhtkFake::start().await);
    let app = app_with(engine, &ghn, &ghtk).await;
    let (sauce, producer, grams) = variant_of(&app, "tuong-ban").await;
    let guest = Browser::new(&app.address);
    add(&guest, &sauce).await;

    // No account: the table's fee, an estimate, on the page and in the API.
    let table = table_fee(&guest).await;
    let g = groups(&guest).await;
    assert_eq!(g[0]["shipping_source"], "table");
    assert_eq!(g[0]["shipping"], table);
    let page = guest
        .page(&format!(
            "/thanh-toan?province_id={}&commune_id={}",
            HCMC.0, HCMC.1
        ))
        .await;
    assert!(
        page.contains("(ước tính)"),
        "the page says it is an estimate"
    );
    assert_eq!(ghtk.calls(), 0, "no account, no call");

    // With GHTK enabled: its quote, shown, then placed and stored as GHTK's.
    enable(&app, &producer, "ghtk").await;
    let quoted = ghtk_fake::fee_for(grams);
    assert_ne!(quoted, table, "the fake's fee tells the two apart");
    let g = groups(&guest).await;
    assert_eq!(g[0]["shipping_source"], "ghtk");
    assert_eq!(g[0]["shipping"], quoted);
    let page = guest
        .page(&format!(
            "/thanh-toan?province_id={}&commune_id={}",
            HCMC.0, HCMC.1
        ))
        .await;
    assert!(page.contains("giá của GHTK"), "the page names the carrier");
    assert!(!page.contains("(ước tính)"));
    let r = checkout(&guest, "quoted-order-0001").await;
    assert_eq!(r.status(), 201);
    let placed: Value = r.json().await.unwrap();
    assert_eq!(
        stored(&app, "quoted-order-0001").await,
        vec![(producer.clone(), quoted, "ghtk".to_owned())]
    );
    let subtotal: i64 = sqlx::query_scalar(
        "SELECT o.subtotal_vnd FROM orders o JOIN checkouts c ON c.id = o.checkout_id
          WHERE c.idempotency_key = 'quoted-order-0001'",
    )
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    assert_eq!(
        placed["total"],
        subtotal + quoted,
        "the order is charged the quote"
    );

    // GHTK down: the table again, said to be an estimate, and the order is placed.
    ghtk.set(Behaviour::Failing);
    add(&guest, &sauce).await;
    let g = groups(&guest).await;
    assert_eq!(g[0]["shipping_source"], "table");
    let r = checkout(&guest, "carrier-down-0001").await;
    assert_eq!(r.status(), 201);
    assert_eq!(
        stored(&app, "carrier-down-0001").await,
        vec![(producer.clone(), table, "table".to_owned())]
    );

    // Its token refused: the same.
    ghtk.set(Behaviour::Normal);
    sqlx::query("UPDATE producer_carriers SET token = 'revoked-token-000' WHERE producer_id = $1")
        .bind(&producer)
        .execute(app.db.pool())
        .await
        .unwrap();
    add(&guest, &sauce).await;
    let r = checkout(&guest, "carrier-refuse-001").await;
    assert_eq!(r.status(), 201);
    assert_eq!(
        stored(&app, "carrier-refuse-001").await,
        vec![(producer.clone(), table, "table".to_owned())]
    );
});

db_test!(slow_carriers_cost_one_timeout_not_one_each, |engine| {
    let (ghn, ghtk) = (GhnFake::start().await, GhtkFake::start().await);
    let app = app_with(engine, &ghn, &ghtk).await;
    let (sauce, first, _) = variant_of(&app, "tuong-ban").await;
    let other = other_producers_product(&app, &first).await;
    let (other, second, _) = variant_of(&app, &other).await;
    enable(&app, &first, "ghtk").await;
    enable(&app, &second, "ghn").await;
    ghtk.set(Behaviour::Slow);
    ghn.set(Behaviour::Slow);
    let guest = Browser::new(&app.address);
    add(&guest, &sauce).await;
    add(&guest, &other).await;
    let tables: Vec<(String, i64)> = {
        let path = format!("/api/v1/cart?province_id={}", HCMC.0);
        let cart: Value = guest
            .json(Method::GET, &path, None)
            .await
            .json()
            .await
            .unwrap();
        let mut t: Vec<(String, i64)> = cart["cart"]["groups"]
            .as_array()
            .unwrap()
            .iter()
            .map(|g| {
                (
                    g["producer_id"].as_str().unwrap().to_owned(),
                    g["shipping"].as_i64().unwrap(),
                )
            })
            .collect();
        t.sort();
        t
    };
    let started = Instant::now();
    let r = checkout(&guest, "slow-carriers-001").await;
    let took = started.elapsed();
    assert_eq!(r.status(), 201, "a slow carrier blocks nothing");
    // Measured, not asserted (no wall-clock asserts): both producers are asked at once.
    eprintln!("checkout with two slow carriers took {took:?} ({engine:?})");
    let orders = stored(&app, "slow-carriers-001").await;
    assert_eq!(
        orders,
        tables
            .into_iter()
            .map(|(p, fee)| (p, fee, "table".to_owned()))
            .collect::<Vec<_>>(),
        "both priced by their tables"
    );
    assert!(
        ghtk.calls() > 0 && ghn.calls() > 0,
        "both carriers were asked"
    );
});

/// The value of the checkout form's hidden `shown_total_vnd` on a page.
fn shown_total(page: &str) -> i64 {
    let at = page
        .find("name=\"shown_total_vnd\" value=\"")
        .expect("the form carries the total it shows");
    let rest = &page[at + "name=\"shown_total_vnd\" value=\"".len()..];
    rest[..rest.find('"').unwrap()].parse().unwrap()
}

db_test!(
    an_order_never_costs_more_than_the_buyer_was_shown,
    |engine| {
        let (ghn, ghtk) = (GhnFake::start().await, GhtkFake::start().await);
        let app = app_with(engine, &ghn, &ghtk).await;
        let (sauce, producer, _) = variant_of(&app, "tuong-ban").await;
        enable(&app, &producer, "ghtk").await;
        let guest = Browser::new(&app.address);
        add(&guest, &sauce).await;
        let address = format!("/thanh-toan?province_id={}&commune_id={}", HCMC.0, HCMC.1);
        let now = shown_total(&guest.page(&address).await);

        // API: a total above what the client showed is refused with the cart as it is now.
        let body = |key: &str, shown: i64| {
            json!({
                "name": "Trần Văn Nam", "phone": "0903 123 456", "street": "12 Lê Lợi",
                "province_id": HCMC.0, "commune_id": HCMC.1, "payment_method": "cod",
                "idempotency_key": key, "shown_total_vnd": shown,
            })
        };
        let r = guest
            .json(
                Method::POST,
                "/api/v1/checkout",
                Some(&body("shown-total-0001", now - 1)),
            )
            .await;
        assert_eq!(r.status(), 409);
        let refused: Value = r.json().await.unwrap();
        assert_eq!(refused["error"]["code"], "total_changed");
        assert_eq!(refused["error"]["cart"]["total"], now);
        assert!(
            stored(&app, "shown-total-0001").await.is_empty(),
            "nothing placed"
        );
        let r = guest
            .json(
                Method::POST,
                "/api/v1/checkout",
                Some(&body("shown-total-0002", -5)),
            )
            .await;
        assert_eq!(r.status(), 422);

        // The form: an older page's lower total comes back to the checkout with the address kept,
        // the new total shown and carried; sending that places the order at it.
        let fields = |key: &'static str, shown: String| {
            vec![
                ("name", "Trần Văn Nam".to_owned()),
                ("phone", "0903 123 456".to_owned()),
                ("street", "12 Lê Lợi".to_owned()),
                ("province_id", HCMC.0.to_owned()),
                ("commune_id", HCMC.1.to_owned()),
                ("payment_method", "cod".to_owned()),
                ("idempotency_key", key.to_owned()),
                ("shown_total_vnd", shown),
            ]
        };
        let send = |f: Vec<(&'static str, String)>| {
            let guest = &guest;
            async move {
                let f: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
                guest.submit("/thanh-toan", &f).await
            }
        };
        let r = send(fields("shown-total-0003", (now - 1000).to_string())).await;
        let back = ocop_tests::browser::location(&r);
        assert!(
            back.starts_with("/thanh-toan?loi=total_changed")
                && back.contains(&format!("commune_id={}", HCMC.1)),
            "{back}"
        );
        let page = guest.page(&back).await;
        assert!(page.contains("làm tổng tiền cao hơn số vừa hiện"), "{page}");
        assert_eq!(shown_total(&page), now);
        assert!(stored(&app, "shown-total-0003").await.is_empty());
        let r = send(fields("shown-total-0004", now.to_string())).await;
        assert!(ocop_tests::browser::location(&r).starts_with("/don-hang/"));
        let placed = stored(&app, "shown-total-0004").await;
        assert_eq!(placed.len(), 1);
        assert_eq!(placed[0].2, "ghtk");
    }
);
