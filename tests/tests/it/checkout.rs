//! Cart, checkout and payments: carts for guests and buyers, one order per producer, stock
//! that is never oversold, idempotent submits, cash on delivery, VietQR transfers, Stripe cards
//! against a fake of its API (webhooks signed for real), expiry and refunds, and the order
//! state machine through the forms.

use app::shop::rules::vietqr;
use ocop_tests::{
    Engine, TestApp,
    browser::{Browser, location},
    db_test, spawn_app_with, spawn_seeded_app,
    stripe_fake::{self, StripeFake, WEBHOOK_SECRET, deliver},
};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use super::accounts::{PASSWORD, sign_up, user_id};

/// An active variant on sale, with its producer: (variant id, producer id, price, stock).
#[derive(Clone, Debug, sqlx::FromRow)]
pub(crate) struct Variant {
    pub(crate) id: String,
    pub(crate) producer_id: String,
    price_vnd: i64,
}

/// One variant from each of two different producers.
pub(crate) async fn two_producers(app: &TestApp) -> (Variant, Variant) {
    let all: Vec<Variant> = sqlx::query_as(
        "SELECT v.id, p.producer_id, v.price_vnd FROM product_variants v
         JOIN products p ON p.id = v.product_id JOIN producers pr ON pr.id = p.producer_id
         WHERE v.status = 'active' AND p.status = 'approved' AND pr.status = 'active' AND v.stock >= 5
         ORDER BY pr.slug, v.id",
    )
    .fetch_all(app.db.pool())
    .await
    .unwrap();
    let first = all[0].clone();
    let second = all
        .iter()
        .find(|v| v.producer_id != first.producer_id)
        .unwrap()
        .clone();
    (first, second)
}

async fn stock(app: &TestApp, variant: &str) -> i64 {
    sqlx::query_scalar("SELECT stock FROM product_variants WHERE id = $1")
        .bind(variant)
        .fetch_one(app.db.pool())
        .await
        .unwrap()
}

async fn set_stock(app: &TestApp, variant: &str, stock: i64) {
    sqlx::query("UPDATE product_variants SET stock = $1 WHERE id = $2")
        .bind(stock)
        .bind(variant)
        .execute(app.db.pool())
        .await
        .unwrap();
}

/// The demo province and one of its communes, for a delivery address: (province, commune).
async fn address(app: &TestApp) -> (String, String) {
    ocop_tests::delivery_address(&app.db).await
}

pub(crate) async fn checkout_body(app: &TestApp, method: &str, key: &str) -> Value {
    let (province, commune) = address(app).await;
    json!({
        "name": "Nguyễn Thị Hoa",
        "phone": "0912 345 678",
        "street": "12 phố Hiến Nam",
        "province_id": province,
        "commune_id": commune,
        "payment_method": method,
        "idempotency_key": key,
    })
}

pub(crate) async fn add(b: &Browser, variant: &str, quantity: i64) -> Value {
    let r = b
        .json(
            Method::POST,
            "/api/v1/cart/items",
            Some(&json!({"variant_id": variant, "quantity": quantity})),
        )
        .await;
    assert_eq!(r.status(), 200);
    r.json().await.unwrap()
}

pub(crate) async fn place(b: &Browser, body: &Value) -> (StatusCode, Value) {
    let r = b.json(Method::POST, "/api/v1/checkout", Some(body)).await;
    let status = r.status();
    (status, r.json().await.unwrap())
}

pub(crate) fn order_nos(placed: &Value) -> Vec<String> {
    placed["orders"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["order_no"].as_str().unwrap().to_owned())
        .collect()
}

pub(crate) async fn order_status(app: &TestApp, order_no: &str) -> (String, String) {
    sqlx::query_as(
        "SELECT o.status, p.status FROM orders o JOIN payments p ON p.order_id = o.id WHERE o.order_no = $1",
    )
    .bind(order_no)
    .fetch_one(app.db.pool())
    .await
    .unwrap()
}

db_test!(
    a_guest_orders_from_two_producers_cash_on_delivery,
    |engine| {
        let app = spawn_seeded_app(engine).await;
        let (a, b) = two_producers(&app).await;
        let (stock_a, stock_b) = (stock(&app, &a.id).await, stock(&app, &b.id).await);
        let guest = Browser::new(&app.address);

        let cart = add(&guest, &a.id, 2).await;
        assert!(cart["cart_token"].as_str().is_some_and(|t| t.len() == 64));
        assert!(
            guest.cookie("ocop_cart").is_some(),
            "the cart token is also a cookie"
        );
        let cart = add(&guest, &b.id, 1).await;
        let groups = cart["cart"]["groups"].as_array().unwrap();
        assert_eq!(groups.len(), 2, "one group (order) per producer");
        let total: i64 = groups.iter().map(|g| g["total"].as_i64().unwrap()).sum();
        assert_eq!(cart["cart"]["total"].as_i64().unwrap(), total);
        let items = 2 * a.price_vnd + b.price_vnd;
        let shipping: i64 = groups.iter().map(|g| g["shipping"].as_i64().unwrap()).sum();
        assert!(shipping > 0, "every producer charges delivery");
        assert_eq!(total, items + shipping);

        // The cart survives in the database: a fresh GET (any server) sees it. Asked with the
        // delivery province, its fees are that zone's (no more than the farthest zone's).
        let (province, _) = address(&app).await;
        let again: Value = guest
            .json(
                Method::GET,
                &format!("/api/v1/cart?province_id={province}"),
                None,
            )
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(again["cart"]["item_count"], 3);
        assert_eq!(again["cart"]["delivery_known"], true);
        let zoned = again["cart"]["total"].as_i64().unwrap();
        assert!(zoned <= total, "{zoned} > {total}");
        let total = zoned;
        assert!(
            guest
                .page("/gio-hang")
                .await
                .contains(groups[0]["producer_name"].as_str().unwrap())
        );

        let body = checkout_body(&app, "cod", "0190c6a4-7c1e-7000-8000-0000000000a1").await;
        let (status, placed) = place(&guest, &body).await;
        assert_eq!(status, 201, "{placed}");
        let nos = order_nos(&placed);
        assert_eq!(nos.len(), 2);
        assert_eq!(placed["total"].as_i64().unwrap(), total);
        assert_eq!(stock(&app, &a.id).await, stock_a - 2);
        assert_eq!(stock(&app, &b.id).await, stock_b - 1);
        assert_eq!(app.count("orders").await, 2);
        assert_eq!(app.count("order_status_history").await, 2);
        let left: Value = guest
            .json(Method::GET, "/api/v1/cart", None)
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(left["cart"]["item_count"], 0, "the cart is emptied");

        // A double submit (same key) returns the same orders and creates nothing.
        let (status, replay) = place(&guest, &body).await;
        assert_eq!(status, 200);
        assert_eq!(replay["replayed"], true);
        assert_eq!(order_nos(&replay), {
            let mut n = nos.clone();
            n.sort();
            n
        });
        assert_eq!(app.count("orders").await, 2);
        assert_eq!(stock(&app, &a.id).await, stock_a - 2);

        // The guest opens the order; a stranger does not, unless they know the phone.
        let order: Value = guest
            .json(Method::GET, &format!("/api/v1/orders/{}", nos[0]), None)
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(order["status"], "placed");
        assert_eq!(order["payment_method"], "cod");
        assert_eq!(order["history"].as_array().unwrap().len(), 1);
        let stranger = Browser::new(&app.address);
        let r = stranger
            .json(Method::GET, &format!("/api/v1/orders/{}", nos[0]), None)
            .await;
        assert_eq!(r.status(), 404);
        assert_eq!(
            stranger
                .get(&format!("/don-hang/{}", nos[0]))
                .await
                .status(),
            404
        );
        let r = stranger
            .json(
                Method::GET,
                &format!("/api/v1/orders/{}?phone=0912345678", nos[0]),
                None,
            )
            .await;
        assert_eq!(r.status(), 200);
        let r = stranger
            .json(
                Method::GET,
                &format!("/api/v1/orders/{}?phone=0987654321", nos[0]),
                None,
            )
            .await;
        assert_eq!(r.status(), 404);

        // The guest lookup form: number + phone opens the order page in that browser.
        let r = stranger
            .submit(
                "/tra-cuu-don-hang",
                &[
                    ("order_no", &nos[1].to_lowercase()),
                    ("phone", "+84 912 345 678"),
                ],
            )
            .await;
        assert_eq!(location(&r), format!("/don-hang/{}", nos[1]));
        let page = stranger.page(&format!("/don-hang/{}", nos[1])).await;
        assert!(
            page.contains(&nos[1]) && page.contains("Tiền mặt khi nhận hàng"),
            "{page}"
        );
        let r = stranger
            .submit(
                "/tra-cuu-don-hang",
                &[("order_no", &nos[1]), ("phone", "0987654321")],
            )
            .await;
        assert_eq!(location(&r), "/tra-cuu-don-hang?loi=not_found");
    }
);

db_test!(checkout_refuses_bad_input_with_clear_codes, |engine| {
    let app = spawn_seeded_app(engine).await;
    // The buyer's API is documented.
    let doc = app.page("/api/openapi.json").await;
    for path in [
        "/api/v1/cart",
        "/api/v1/cart/items/{variant_id}",
        "/api/v1/checkout",
        "/api/v1/orders/{order_no}",
    ] {
        assert!(
            doc.contains(&format!("\"{path}\"")),
            "{path} in the OpenAPI document"
        );
    }
    let (a, _) = two_producers(&app).await;
    let guest = Browser::new(&app.address);
    // No cart at all.
    let body = checkout_body(&app, "cod", "key-no-cart-000001").await;
    let (status, err) = place(&guest, &body).await;
    assert_eq!(
        (status.as_u16(), err["error"]["code"].as_str()),
        (422, Some("empty_cart"))
    );

    add(&guest, &a.id, 1).await;
    let cases = [
        ("phone", json!("12345"), "phone"),
        ("phone", json!("+1 202 555 0100"), "phone"),
        ("name", json!("   "), "name"),
        ("street", json!(""), "street"),
        ("commune_id", json!("no-such-commune"), "commune_id"),
        ("commune_id", json!(""), "address"),
        ("province_id", json!("hung-yen"), "province_id"),
        // Well formed but not in the list, or in another province (Bến Thành is in 79).
        ("province_id", json!("99"), "province_id"),
        ("commune_id", json!("99999"), "commune_id"),
        ("commune_id", json!("26743"), "commune_id"),
        ("payment_method", json!("bitcoin"), "method"),
        ("payment_method", json!("card"), "card_unavailable"),
        ("idempotency_key", json!("short"), "idempotency_key"),
        ("street", json!("x".repeat(10_000)), "too_long"),
    ];
    for (i, (field, value, code)) in cases.into_iter().enumerate() {
        let mut body = checkout_body(&app, "cod", &format!("key-bad-input-{i:04}")).await;
        body[field] = value;
        let (status, err) = place(&guest, &body).await;
        assert_eq!(status, 422, "{field}: {err}");
        assert_eq!(err["error"]["code"], code, "{field}");
        if code == field && field.ends_with("_id") {
            let message = err["error"]["message"].as_str().unwrap_or_default();
            assert!(
                message.contains(field),
                "the message names {field}: {message}"
            );
        }
    }
    // A wrong type is a 4xx, never a 500.
    let r = guest
        .json(
            Method::POST,
            "/api/v1/checkout",
            Some(&json!({"name": 5, "phone": []})),
        )
        .await;
    assert!(r.status().is_client_error(), "{}", r.status());
    let r = guest
        .json(
            Method::POST,
            "/api/v1/cart/items",
            Some(&json!({"variant_id": a.id, "quantity": 0})),
        )
        .await;
    assert_eq!(r.status(), 422);
    let r = guest
        .json(
            Method::POST,
            "/api/v1/cart/items",
            Some(&json!({"variant_id": "nope", "quantity": 1})),
        )
        .await;
    assert_eq!(r.status(), 422);
    assert_eq!(app.count("orders").await, 0);
    assert_eq!(
        app.count("checkouts").await,
        0,
        "refused checkouts leave nothing"
    );

    // The checkout form comes back with the reason and what was typed.
    let (province, commune) = address(&app).await;
    let r = guest
        .submit(
            "/thanh-toan",
            &[
                ("name", "Hoa"),
                ("phone", "0912"),
                ("street", "12 Hiến Nam"),
                ("province_id", &province),
                ("commune_id", &commune),
                ("payment_method", "cod"),
                ("idempotency_key", "key-form-0000001"),
            ],
        )
        .await;
    let back = location(&r);
    assert!(
        back.starts_with("/thanh-toan?loi=phone&name=Hoa&phone=0912"),
        "{back}"
    );
    let page = guest.page(&back).await;
    assert!(
        page.contains("Số điện thoại chưa đúng") && page.contains("value=\"12 Hiến Nam\""),
        "{page}"
    );
});

db_test!(the_cart_explains_what_ran_out, |engine| {
    let app = spawn_seeded_app(engine).await;
    let (a, b) = two_producers(&app).await;
    let guest = Browser::new(&app.address);
    add(&guest, &a.id, 3).await;
    add(&guest, &b.id, 1).await;
    set_stock(&app, &a.id, 2).await;
    set_stock(&app, &b.id, 0).await;
    let cart: Value = guest
        .json(Method::GET, "/api/v1/cart", None)
        .await
        .json()
        .await
        .unwrap();
    let problems: Vec<&str> = cart["cart"]["groups"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|g| g["lines"].as_array().unwrap())
        .map(|l| l["problem"].as_str().unwrap_or("none"))
        .collect();
    assert!(
        problems.contains(&"not_enough") && problems.contains(&"out_of_stock"),
        "{problems:?}"
    );
    let page = guest.page("/gio-hang").await;
    assert!(
        page.contains("Chỉ còn 2") && page.contains("Đã hết hàng"),
        "{page}"
    );
    assert!(
        !page.contains("href=\"/thanh-toan\""),
        "no checkout button while lines are short"
    );
    let body = checkout_body(&app, "cod", "key-short-000001").await;
    let (status, err) = place(&guest, &body).await;
    assert_eq!(status, 409);
    assert_eq!(err["error"]["code"], "out_of_stock");
    assert!(err["error"]["cart"]["groups"].is_array());
    assert_eq!(stock(&app, &a.id).await, 2, "nothing reserved");
    assert_eq!(app.count("orders").await, 0);

    // Fixing the cart through the form makes it orderable.
    guest
        .submit("/gio-hang/sua", &[("variant_id", &a.id), ("quantity", "2")])
        .await;
    guest
        .submit("/gio-hang/sua", &[("variant_id", &b.id), ("quantity", "0")])
        .await;
    let (status, _) = place(
        &guest,
        &checkout_body(&app, "cod", "key-short-000002").await,
    )
    .await;
    assert_eq!(status, 201);
    assert_eq!(stock(&app, &a.id).await, 0);
});

db_test!(two_hundred_buyers_race_for_fifty_units, |engine| {
    let app = spawn_seeded_app(engine).await;
    let (a, _) = two_producers(&app).await;
    let orders_before = app.count("orders").await;
    let race = ocop_tests::race::checkout_race(&app, &a.id, 200, 50).await;
    eprintln!(
        "checkout race ({engine:?}): 200 concurrent checkouts for 50 units in {:?}: {} placed, {} refused as out of stock",
        race.took, race.placed, race.out_of_stock
    );
    assert_eq!(race.placed, 50, "exactly the stock is sold");
    assert_eq!(
        race.out_of_stock,
        150,
        "every other buyer is told it ran out: {:?}",
        race.other.iter().take(3).collect::<Vec<_>>()
    );
    assert!(race.other.is_empty(), "{:?}", race.other);
    assert_eq!(race.stock_left, 0);
    assert_eq!(race.orders, 50);
    assert_eq!(app.count("orders").await - orders_before, 50);
    assert_eq!(race.sold, 50, "no oversell");
    assert_eq!(race.new_checkouts, 50, "refused checkouts were rolled back");
});

db_test!(
    unpaid_transfers_expire_once_even_with_two_servers,
    |engine| {
        let app = spawn_seeded_app(engine).await;
        let (a, b) = two_producers(&app).await;
        let before = (stock(&app, &a.id).await, stock(&app, &b.id).await);
        let guest = Browser::new(&app.address);
        add(&guest, &a.id, 2).await;
        add(&guest, &b.id, 1).await;
        let (status, placed) = place(
            &guest,
            &checkout_body(&app, "bank_transfer", "key-expiry-000001").await,
        )
        .await;
        assert_eq!(status, 201, "{placed}");
        let nos = order_nos(&placed);

        // The producer saw the first transfer arrive: that order no longer expires.
        let paid_no = &nos[0];
        let owner = sign_up(&app, "0933000111", "Chủ cơ sở").await;
        let owner_id = user_id(&app, "+84933000111").await;
        let producer: String =
            sqlx::query_scalar("SELECT producer_id FROM orders WHERE order_no = $1")
                .bind(paid_no)
                .fetch_one(app.db.pool())
                .await
                .unwrap();
        sqlx::query("INSERT INTO producer_members (producer_id, user_id, role, created_at) VALUES ($1, $2, 'owner', '2026-11-27T00:00:00Z')")
        .bind(&producer)
        .bind(&owner_id)
        .execute(app.db.pool())
        .await
        .unwrap();
        let r = owner
            .submit(
                &format!("/don-hang/{paid_no}/trang-thai"),
                &[("action", "paid")],
            )
            .await;
        assert_eq!(location(&r), format!("/don-hang/{paid_no}?ok=1"));
        assert_eq!(
            order_status(&app, paid_no).await,
            ("placed".into(), "paid".into())
        );
        // The buyer cannot mark their own order paid.
        let r = guest
            .submit(
                &format!("/don-hang/{}/trang-thai", nos[1]),
                &[("action", "paid")],
            )
            .await;
        assert_eq!(
            location(&r),
            format!("/don-hang/{}?loi=order_state", nos[1])
        );

        // Before the deadline nothing expires.
        let now = chrono::Utc::now();
        assert!(
            app::shop::storage::orders::expire_unpaid(&app.db, now)
                .await
                .unwrap()
                .is_empty()
        );
        // After it, two servers run the task at once: the unpaid order is cancelled once.
        let later = now + chrono::Duration::hours(25);
        let (x, y) = tokio::join!(
            app::shop::storage::orders::expire_unpaid(&app.db, later),
            app::shop::storage::orders::expire_unpaid(&app.db, later)
        );
        let mut expired = x.unwrap();
        expired.extend(y.unwrap());
        assert_eq!(expired, vec![nos[1].clone()]);
        assert_eq!(
            order_status(&app, &nos[1]).await,
            ("cancelled".into(), "expired".into())
        );
        assert_eq!(
            order_status(&app, paid_no).await,
            ("placed".into(), "paid".into())
        );
        let unpaid_variant = if producer == a.producer_id { &b } else { &a };
        let paid_variant = if producer == a.producer_id { &a } else { &b };
        let returned = if unpaid_variant.id == a.id {
            before.0
        } else {
            before.1
        };
        assert_eq!(
            stock(&app, &unpaid_variant.id).await,
            returned,
            "stock returned exactly once"
        );
        assert!(
            stock(&app, &paid_variant.id).await
                < if paid_variant.id == a.id {
                    before.0
                } else {
                    before.1
                }
        );
        let page = guest.page(&format!("/don-hang/{}", nos[1])).await;
        assert!(
            page.contains("Quá hạn thanh toán"),
            "the history says why: {page}"
        );
    }
);

db_test!(bank_transfer_shows_a_vietqr_code_for_the_order, |engine| {
    let app = spawn_seeded_app(engine).await;
    let (a, _) = two_producers(&app).await;
    let guest = Browser::new(&app.address);
    add(&guest, &a.id, 1).await;
    let (_, placed) = place(
        &guest,
        &checkout_body(&app, "bank_transfer", "key-vietqr-000001").await,
    )
    .await;
    let no = &order_nos(&placed)[0];
    let order: Value = guest
        .json(Method::GET, &format!("/api/v1/orders/{no}"), None)
        .await
        .json()
        .await
        .unwrap();
    let payload = order["transfer"]["vietqr_payload"].as_str().unwrap();
    let parsed = vietqr::parse(payload).expect("a valid VietQR payload with a good CRC");
    assert_eq!(
        parsed.amount.unwrap().dong(),
        order["total"].as_i64().unwrap()
    );
    assert_eq!(parsed.purpose.as_deref(), Some(no.as_str()));
    assert_eq!(parsed.bin, order["transfer"]["bank_bin"].as_str().unwrap());
    // The QR image on the page carries exactly that payload.
    let svg = guest.get(&format!("/don-hang/{no}/vietqr.svg")).await;
    assert_eq!(svg.status(), 200);
    let svg = svg.text().await.unwrap();
    assert_eq!(decode_svg_qr(&svg), payload);
    assert_eq!(
        Browser::new(&app.address)
            .get(&format!("/don-hang/{no}/vietqr.svg"))
            .await
            .status(),
        404
    );
    let page = guest.page(&format!("/don-hang/{no}")).await;
    assert!(
        page.contains("vietqr.svg") && page.contains(no.as_str()),
        "{page}"
    );
});

/// Renders the SVG's dark modules to pixels and reads the QR code back.
fn decode_svg_qr(svg: &str) -> String {
    // The qrcode crate's SVG is one path of unit squares: "M{x} {y}h1v1h-1z" per dark module.
    let scale_attr = |name: &str| -> f64 {
        let start = svg.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
        svg[start..].split('"').next().unwrap().parse().unwrap()
    };
    let size = scale_attr("width") as u32;
    let d_start = svg.find(" d=\"").unwrap() + 4;
    let d = svg[d_start..].split('"').next().unwrap();
    let mut img = image::GrayImage::from_pixel(size, size, image::Luma([255]));
    for cmd in d.split('M').filter(|c| !c.is_empty()) {
        let mut nums = cmd
            .split(|c: char| !c.is_ascii_digit())
            .filter(|n| !n.is_empty());
        let x: u32 = nums.next().unwrap().parse().unwrap();
        let y: u32 = nums.next().unwrap().parse().unwrap();
        let w: u32 = nums.next().unwrap().parse().unwrap();
        for dx in 0..w {
            for dy in 0..w {
                img.put_pixel(x + dx, y + dy, image::Luma([0]));
            }
        }
    }
    let mut prepared = rqrr::PreparedImage::prepare(img);
    let grids = prepared.detect_grids();
    grids[0].decode().unwrap().1
}

async fn card_app(engine: Engine) -> (TestApp, StripeFake) {
    let fake = StripeFake::start().await;
    let app = spawn_app_with(engine, fake.settings()).await;
    app.seed().await;
    (app, fake)
}

db_test!(card_payments_go_through_stripe_exactly_once, |engine| {
    let (app, fake) = card_app(engine).await;
    let (a, b) = two_producers(&app).await;
    let guest = Browser::new(&app.address);
    add(&guest, &a.id, 1).await;
    add(&guest, &b.id, 2).await;
    assert!(
        guest.page("/thanh-toan").await.contains("value=\"card\""),
        "cards offered when Stripe is configured"
    );
    let (status, placed) = place(
        &guest,
        &checkout_body(&app, "card", "key-card-000001").await,
    )
    .await;
    assert_eq!(status, 201, "{placed}");
    let total = placed["total"].as_i64().unwrap();
    let sessions = fake.sessions();
    assert_eq!(sessions.len(), 1, "one payment for the whole checkout");
    let session = &sessions[0];
    assert_eq!(session.amount, total, "VND is zero-decimal: whole dong");
    assert_eq!(session.currency, "vnd");
    assert_eq!(session.checkout_id, placed["checkout_id"].as_str().unwrap());
    assert!(
        session
            .idempotency_key
            .as_deref()
            .is_some_and(|k| k.starts_with("session-"))
    );
    assert_eq!(
        placed["card_payment_url"].as_str().unwrap(),
        format!("{}/pay/{}", fake.base_url, session.id)
    );
    let nos = order_nos(&placed);
    let mut sorted = nos.clone();
    sorted.sort();
    assert_eq!(
        session.order_nos,
        sorted.join(","),
        "the orders are in the payment's metadata"
    );
    // A retry of the same checkout does not open a second payment at Stripe.
    let (_, replay) = place(
        &guest,
        &checkout_body(&app, "card", "key-card-000001").await,
    )
    .await;
    assert_eq!(replay["card_payment_url"], placed["card_payment_url"]);
    assert_eq!(fake.sessions().len(), 1);

    let now = chrono::Utc::now().timestamp();
    let paid = fake.event("evt_paid_1", "checkout.session.completed", session, total);
    // Forged, stale, wrong amount, unknown session: refused, nothing changes.
    let r = deliver(&app.address, &paid, "whsec_wrong", now)
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert_eq!(
        r.json::<Value>().await.unwrap()["error"]["code"],
        "signature_mismatch"
    );
    let r = deliver(&app.address, &paid, WEBHOOK_SECRET, now - 301)
        .await
        .unwrap();
    assert_eq!(
        r.json::<Value>().await.unwrap()["error"]["code"],
        "signature_stale"
    );
    let r = reqwest::Client::new()
        .post(format!("{}/api/v1/webhooks/stripe", app.address))
        .header("content-type", "application/json")
        .body(paid.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400, "no signature header");
    let cheap = fake.event(
        "evt_cheap",
        "checkout.session.completed",
        session,
        total - 1000,
    );
    let r = deliver(&app.address, &cheap, WEBHOOK_SECRET, now)
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let mut stranger = session.clone();
    stranger.id = "cs_test_unknown".into();
    stranger.checkout_id = "no-such-checkout".into();
    let unknown = fake.event(
        "evt_unknown",
        "checkout.session.completed",
        &stranger,
        total,
    );
    let r = deliver(&app.address, &unknown, WEBHOOK_SECRET, now)
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    for no in &nos {
        assert_eq!(
            order_status(&app, no).await,
            ("placed".into(), "pending".into())
        );
    }

    // The real event marks every order of the checkout paid; its redelivery changes nothing.
    let r = deliver(&app.address, &paid, WEBHOOK_SECRET, now)
        .await
        .unwrap();
    assert_eq!(r.json::<Value>().await.unwrap()["status"], "applied");
    let history = app.count("order_status_history").await;
    let r = deliver(&app.address, &paid, WEBHOOK_SECRET, now)
        .await
        .unwrap();
    assert_eq!(r.json::<Value>().await.unwrap()["status"], "duplicate");
    assert_eq!(app.count("order_status_history").await, history);
    for no in &nos {
        assert_eq!(
            order_status(&app, no).await,
            ("placed".into(), "paid".into())
        );
    }
    // An expiry arriving late (out of order) does not undo the payment.
    let late = fake.event(
        "evt_late_expiry",
        "checkout.session.expired",
        session,
        total,
    );
    let r = deliver(&app.address, &late, WEBHOOK_SECRET, now)
        .await
        .unwrap();
    assert_eq!(r.json::<Value>().await.unwrap()["status"], "ignored");
    assert!(
        app::shop::storage::orders::expire_unpaid(
            &app.db,
            chrono::Utc::now() + chrono::Duration::hours(2)
        )
        .await
        .unwrap()
        .is_empty()
    );

    // The buyer cancels one paid order before the producer confirms: its share is refunded.
    let r = guest
        .submit(
            &format!("/don-hang/{}/trang-thai", nos[0]),
            &[
                ("action", "cancel"),
                ("reason", "Đặt nhầm"),
                ("phone", "0912345678"),
            ],
        )
        .await;
    assert_eq!(location(&r), format!("/don-hang/{}?ok=1", nos[0]));
    let share: i64 = sqlx::query_scalar("SELECT total_vnd FROM orders WHERE order_no = $1")
        .bind(&nos[0])
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    server::payments::tasks::refund_due(&app.state)
        .await
        .unwrap();
    let refunds = fake.refunds();
    assert_eq!(refunds.len(), 1, "{refunds:?}");
    assert_eq!(refunds[0].payment_intent, session.payment_intent);
    assert_eq!(refunds[0].amount, share);
    assert_eq!(
        order_status(&app, &nos[0]).await,
        ("refunded".into(), "refunded".into())
    );
    assert_eq!(
        order_status(&app, &nos[1]).await,
        ("placed".into(), "paid".into())
    );
    server::payments::tasks::refund_due(&app.state)
        .await
        .unwrap();
    assert_eq!(fake.refunds().len(), 1, "refunded once");
});

db_test!(failed_and_expired_card_payments_release_stock, |engine| {
    let (app, fake) = card_app(engine).await;
    let (a, _) = two_producers(&app).await;
    let before = stock(&app, &a.id).await;
    let guest = Browser::new(&app.address);
    add(&guest, &a.id, 2).await;
    let (_, placed) = place(
        &guest,
        &checkout_body(&app, "card", "key-card-fail-01").await,
    )
    .await;
    assert_eq!(stock(&app, &a.id).await, before - 2);
    let session = fake.sessions().pop().unwrap();
    let failed = fake.event(
        "evt_failed",
        "checkout.session.async_payment_failed",
        &session,
        session.amount,
    );
    let r = deliver(
        &app.address,
        &failed,
        WEBHOOK_SECRET,
        chrono::Utc::now().timestamp(),
    )
    .await
    .unwrap();
    assert_eq!(r.status(), 200);
    let no = &order_nos(&placed)[0];
    assert_eq!(order_status(&app, no).await.0, "cancelled");
    assert_eq!(stock(&app, &a.id).await, before, "released");

    // A payment that succeeds after the order expired is paid, then refunded: no money is kept
    // for goods that went back on sale.
    add(&guest, &a.id, 1).await;
    let (_, placed) = place(
        &guest,
        &checkout_body(&app, "card", "key-card-late-01").await,
    )
    .await;
    let no = &order_nos(&placed)[0];
    let later = chrono::Utc::now() + chrono::Duration::minutes(31);
    assert_eq!(
        app::shop::storage::orders::expire_unpaid(&app.db, later)
            .await
            .unwrap(),
        vec![no.clone()]
    );
    assert_eq!(stock(&app, &a.id).await, before);
    let session = fake.sessions().pop().unwrap();
    let paid = fake.event(
        "evt_paid_late",
        "checkout.session.completed",
        &session,
        session.amount,
    );
    let r = deliver(
        &app.address,
        &paid,
        WEBHOOK_SECRET,
        chrono::Utc::now().timestamp(),
    )
    .await
    .unwrap();
    assert_eq!(r.status(), 200);
    server::payments::tasks::refund_due(&app.state)
        .await
        .unwrap();
    assert_eq!(fake.refunds().last().unwrap().amount, session.amount);
    assert_eq!(
        order_status(&app, no).await,
        ("refunded".into(), "refunded".into())
    );
});

db_test!(
    a_crash_between_payment_and_order_update_loses_nothing,
    |engine| {
        let (mut app, fake) = card_app(engine).await;
        let (a, _) = two_producers(&app).await;
        let guest = Browser::new(&app.address);
        add(&guest, &a.id, 1).await;
        let (_, placed) = place(
            &guest,
            &checkout_body(&app, "card", "key-crash-000001").await,
        )
        .await;
        let no = order_nos(&placed)[0].clone();
        let session = fake.sessions().pop().unwrap();
        let stock_after_order = stock(&app, &a.id).await;

        // The buyer paid at Stripe; our server dies before it hears of it.
        app.kill().await;
        let paid = fake.event(
            "evt_crash_1",
            "checkout.session.completed",
            &session,
            session.amount,
        );
        let t = chrono::Utc::now().timestamp();
        assert!(
            deliver(&app.address, &paid, WEBHOOK_SECRET, t)
                .await
                .is_err(),
            "the server is down"
        );

        // It comes back on the same database; Stripe retries the event.
        app.restart().await;
        assert_eq!(
            order_status(&app, &no).await,
            ("placed".into(), "pending".into()),
            "nothing half-done"
        );
        let r = deliver(&app.address, &paid, WEBHOOK_SECRET, t)
            .await
            .unwrap();
        assert_eq!(r.json::<Value>().await.unwrap()["status"], "applied");
        assert_eq!(
            order_status(&app, &no).await,
            ("placed".into(), "paid".into())
        );
        assert_eq!(stock(&app, &a.id).await, stock_after_order);
        let r = deliver(&app.address, &paid, WEBHOOK_SECRET, t)
            .await
            .unwrap();
        assert_eq!(r.json::<Value>().await.unwrap()["status"], "duplicate");
    }
);

db_test!(orders_move_only_as_the_state_machine_allows, |engine| {
    let app = spawn_seeded_app(engine).await;
    let (a, _) = two_producers(&app).await;
    let buyer = sign_up(&app, "0944555666", "Chị Mai").await;
    add(&buyer, &a.id, 1).await;
    let (_, placed) = place(
        &buyer,
        &checkout_body(&app, "cod", "key-state-000001").await,
    )
    .await;
    let no = order_nos(&placed)[0].clone();
    let path = format!("/don-hang/{no}/trang-thai");
    let before = stock(&app, &a.id).await;

    // The buyer's list shows it; the buyer cannot confirm it.
    assert!(buyer.page("/don-hang").await.contains(&no));
    let r = buyer.submit(&path, &[("action", "confirm")]).await;
    assert_eq!(
        location(&r),
        format!("/don-hang/{no}?loi=order_not_allowed")
    );

    let owner = sign_up(&app, "0933222111", "Chủ hộ").await;
    sqlx::query("INSERT INTO producer_members (producer_id, user_id, role, created_at) VALUES ($1, $2, 'owner', '2026-11-27T00:00:00Z')")
        .bind(&a.producer_id)
        .bind(user_id(&app, "+84933222111").await)
        .execute(app.db.pool())
        .await
        .unwrap();
    // Another producer's member sees nothing.
    let other = sign_up(&app, "0933222999", "Người khác").await;
    assert_eq!(other.get(&format!("/don-hang/{no}")).await.status(), 404);
    let r = other.submit(&path, &[("action", "confirm")]).await;
    assert_eq!(r.status(), 404);

    let ok = format!("/don-hang/{no}?ok=1");
    assert_eq!(
        location(&owner.submit(&path, &[("action", "deliver")]).await),
        format!("/don-hang/{no}?loi=order_state")
    );
    assert_eq!(
        location(&owner.submit(&path, &[("action", "confirm")]).await),
        ok
    );
    // Too late for the buyer to cancel.
    let r = buyer
        .submit(&path, &[("action", "cancel"), ("reason", "Đổi ý")])
        .await;
    assert_eq!(
        location(&r),
        format!("/don-hang/{no}?loi=order_not_allowed")
    );
    assert_eq!(
        location(
            &owner
                .submit(&path, &[("action", "ship"), ("carrier", " ")])
                .await
        ),
        format!("/don-hang/{no}?loi=carrier")
    );
    assert_eq!(
        location(
            &owner
                .submit(
                    &path,
                    &[
                        ("action", "ship"),
                        ("carrier", "Viettel Post"),
                        ("tracking_no", "VTP123456")
                    ]
                )
                .await
        ),
        ok
    );
    assert_eq!(
        location(&owner.submit(&path, &[("action", "deliver")]).await),
        ok
    );
    assert_eq!(
        order_status(&app, &no).await,
        ("delivered".into(), "paid".into()),
        "cash collected on delivery"
    );
    assert_eq!(stock(&app, &a.id).await, before);
    let page = buyer.page(&format!("/don-hang/{no}")).await;
    for text in [
        "Đã xác nhận",
        "Đang giao",
        "Đã giao",
        "Viettel Post",
        "VTP123456",
    ] {
        assert!(page.contains(text), "{text}: {page}");
    }
    let steps: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM order_status_history h JOIN orders o ON o.id = h.order_id WHERE o.order_no = $1")
        .bind(&no)
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    assert_eq!(steps, 4, "placed, confirmed, shipped, delivered");

    // Cancelling (by the producer, with a reason) returns the stock.
    add(&buyer, &a.id, 2).await;
    let (_, placed) = place(
        &buyer,
        &checkout_body(&app, "cod", "key-state-000002").await,
    )
    .await;
    let no2 = order_nos(&placed)[0].clone();
    let path2 = format!("/don-hang/{no2}/trang-thai");
    assert_eq!(
        location(
            &owner
                .submit(&path2, &[("action", "cancel"), ("reason", "")])
                .await
        ),
        format!("/don-hang/{no2}?loi=cancel_reason")
    );
    assert_eq!(
        location(
            &owner
                .submit(
                    &path2,
                    &[("action", "cancel"), ("reason", "Hết hàng loại 1")]
                )
                .await
        ),
        format!("/don-hang/{no2}?ok=1")
    );
    assert_eq!(stock(&app, &a.id).await, before);
    assert_eq!(
        location(&owner.submit(&path2, &[("action", "confirm")]).await),
        format!("/don-hang/{no2}?loi=order_state")
    );
});

db_test!(a_guest_cart_joins_the_account_at_sign_in, |engine| {
    let app = spawn_seeded_app(engine).await;
    let (a, b) = two_producers(&app).await;
    let buyer = sign_up(&app, "0977000111", "Anh Nam").await;
    add(&buyer, &a.id, 1).await;
    buyer.submit("/dang-xuat", &[]).await;
    // Signed out, the same browser fills a guest cart, then signs in again.
    let r = buyer
        .submit(
            "/gio-hang/them",
            &[("variant_id", &a.id), ("quantity", "2")],
        )
        .await;
    assert_eq!(location(&r), "/gio-hang?ok=added");
    buyer
        .submit("/gio-hang/them", &[("variant_id", &b.id)])
        .await;
    let r = buyer
        .submit(
            "/dang-nhap",
            &[("login", "0977000111"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(r.status(), 303);
    let cart: Value = buyer
        .json(Method::GET, "/api/v1/cart", None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        cart["cart"]["item_count"], 4,
        "1 + 2 of the first, 1 of the second: {cart}"
    );
    let page = buyer.page("/gio-hang").await;
    assert!(page.contains("/gio-hang/sua"), "{page}");
    // An unknown variant through the form comes back with the reason.
    let r = buyer
        .submit(
            "/gio-hang/them",
            &[("variant_id", "nope"), ("back", "/san-pham/x")],
        )
        .await;
    assert_eq!(location(&r), "/san-pham/x?loi=unavailable");
});

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stripe_fake_answers_like_stripe() {
    // The fake refuses a wrong key as Stripe does, so a misconfigured server is caught.
    let fake = StripeFake::start().await;
    let r = reqwest::Client::new()
        .post(format!("{}/v1/checkout/sessions", fake.base_url))
        .header("authorization", "Bearer sk_wrong")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    assert_eq!(stripe_fake::SECRET_KEY, "sk_test_fake");
}

db_test!(
    idle_guest_carts_are_cleaned_up_but_their_orders_stay_open,
    |engine| {
        let app = spawn_seeded_app(engine).await;
        let (a, b) = two_producers(&app).await;
        let old = Browser::new(&app.address);
        add(&old, &a.id, 1).await;
        let (_, placed) = place(&old, &checkout_body(&app, "cod", "key-idle-cart-01").await).await;
        let no = order_nos(&placed)[0].clone();
        add(&old, &b.id, 1).await;
        let recent = Browser::new(&app.address);
        add(&recent, &b.id, 1).await;
        let buyer = sign_up(&app, "0966000111", "Anh Bình").await;
        add(&buyer, &a.id, 1).await;
        // The first guest has not touched their cart for a season; the signed-in buyer neither,
        // but an account's cart is never deleted.
        let old_hash = server::auth::tokens::token_hash(&old.cookie("ocop_cart").unwrap());
        sqlx::query("UPDATE carts SET updated_at = '2026-01-01T00:00:00.000Z' WHERE guest_token = $1 OR user_id IS NOT NULL")
        .bind(&old_hash)
        .execute(app.db.pool())
        .await
        .unwrap();
        assert_eq!(app.count("carts").await, 3);
        server::payments::tasks::settle(&app.state).await.unwrap();
        assert_eq!(
            app.count("carts").await,
            2,
            "the recent guest's and the account's carts stay"
        );
        let left: Value = old
            .json(Method::GET, "/api/v1/cart", None)
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(left["cart"]["item_count"], 0, "the idle guest cart is gone");
        let kept: Value = recent
            .json(Method::GET, "/api/v1/cart", None)
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(kept["cart"]["item_count"], 1);
        let account: Value = buyer
            .json(Method::GET, "/api/v1/cart", None)
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(account["cart"]["item_count"], 1);
        // The idle guest still opens the order they placed.
        assert_eq!(old.get(&format!("/don-hang/{no}")).await.status(), 200);
    }
);

/// Two active variants of one producer, so a cart lists them in the order they were added.
async fn two_variants_of_one_producer(app: &TestApp) -> (String, String) {
    let all: Vec<(String, String)> = sqlx::query_as(
        "SELECT v.id, p.producer_id FROM product_variants v
         JOIN products p ON p.id = v.product_id JOIN producers pr ON pr.id = p.producer_id
         WHERE v.status = 'active' AND p.status = 'approved' AND pr.status = 'active'
         ORDER BY p.producer_id, v.id",
    )
    .fetch_all(app.db.pool())
    .await
    .unwrap();
    let pair = all
        .windows(2)
        .find(|w| w[0].1 == w[1].1)
        .expect("a producer with two variants");
    (pair[0].0.clone(), pair[1].0.clone())
}

// The default deployment is SQLite: many buyers filling carts at the same moment must all
// succeed (a read-then-write transaction cannot wait for the write lock and used to fail at
// once with "database is locked").
db_test!(two_hundred_carts_filled_at_once_all_succeed, |engine| {
    let app = spawn_seeded_app(engine).await;
    let (a, _) = two_producers(&app).await;
    let before = app.count("cart_items").await;
    let adds = ocop_tests::race::concurrent_cart_adds(&app, &a.id, 200).await;
    eprintln!(
        "concurrent cart adds ({engine:?}): 200 at once in {:?}: {} added, {} other answers",
        adds.took,
        adds.added,
        adds.other.len()
    );
    assert!(
        adds.other.is_empty(),
        "{} failed, e.g. {:?}",
        adds.other.len(),
        adds.other.iter().take(3).collect::<Vec<_>>()
    );
    assert_eq!(adds.added, 200);
    assert_eq!(app.count("cart_items").await - before, 200);
});

// One buyer's cart changed from several tabs at once: every add counts, none is refused.
db_test!(one_cart_changed_from_several_tabs_at_once, |engine| {
    let app = spawn_seeded_app(engine).await;
    let (a, b) = two_variants_of_one_producer(&app).await;
    let buyer = Browser::new(&app.address);
    add(&buyer, &a, 1).await;
    let answers = futures::future::join_all((0..20).map(|i| {
        let buyer = &buyer;
        let variant = if i % 2 == 0 { &a } else { &b };
        async move {
            buyer
                .json(
                    Method::POST,
                    "/api/v1/cart/items",
                    Some(&json!({"variant_id": variant, "quantity": 1})),
                )
                .await
                .status()
        }
    }))
    .await;
    assert!(answers.iter().all(|s| *s == 200), "{answers:?}");
    let quantities: Vec<(String, i64)> = sqlx::query_as(
        "SELECT variant_id, quantity FROM cart_items WHERE variant_id IN ($1, $2) ORDER BY variant_id",
    )
    .bind(&a)
    .bind(&b)
    .fetch_all(app.db.pool())
    .await
    .unwrap();
    let mut expected = vec![(a.clone(), 11), (b.clone(), 10)];
    expected.sort();
    assert_eq!(quantities, expected);
});

// Carts holding the same two variants, added in opposite orders, checked out at once: every
// checkout is placed or refused for stock, never a deadlock (PostgreSQL) or a 5xx.
db_test!(
    checkouts_of_the_same_variants_in_opposite_orders_never_deadlock,
    |engine| {
        let app = spawn_seeded_app(engine).await;
        let (a, b) = two_variants_of_one_producer(&app).await;
        let race = ocop_tests::race::race_for(
            &app,
            &[&a, &b],
            100,
            60,
            ocop_tests::race::LineOrder::Alternating,
        )
        .await;
        eprintln!(
            "opposite-order race ({engine:?}): 100 checkouts of two variants (60 units each) in {:?}: \
         {} placed, {} refused as out of stock, {} other answers",
            race.took,
            race.placed,
            race.out_of_stock,
            race.other.len()
        );
        assert!(
            race.other.is_empty(),
            "{} other answers, e.g. {:?}",
            race.other.len(),
            race.other.iter().take(3).collect::<Vec<_>>()
        );
        assert_eq!(race.placed, 60, "exactly the stock is sold");
        assert_eq!(race.out_of_stock, 40);
        assert_eq!(race.stock_left, 0);
        assert_eq!(race.sold, 120, "one of each variant per order, no oversell");
        assert_eq!(race.new_checkouts, 60, "refused checkouts were rolled back");
    }
);

// The same cart submitted from two tabs (two idempotency keys) at once: one checkout is
// placed, the other finds the cart empty; the stock is taken once.
db_test!(one_cart_submitted_from_two_tabs_is_ordered_once, |engine| {
    let app = spawn_seeded_app(engine).await;
    let (a, _) = two_producers(&app).await;
    set_stock(&app, &a.id, 1_000).await;
    let orders_before = app.count("orders").await;
    for trial in 0..20 {
        let buyer = Browser::new(&app.address);
        add(&buyer, &a.id, 2).await;
        let first = checkout_body(&app, "cod", &format!("tab-one-{trial:04}")).await;
        let second = checkout_body(&app, "cod", &format!("tab-two-{trial:04}")).await;
        let (one, two) = futures::future::join(place(&buyer, &first), place(&buyer, &second)).await;
        let placed = [&one, &two]
            .iter()
            .filter(|(s, _)| *s == StatusCode::CREATED)
            .count();
        assert_eq!(placed, 1, "trial {trial}: {one:?} {two:?}");
        let refused = if one.0 == StatusCode::CREATED {
            &two
        } else {
            &one
        };
        assert_eq!(
            refused.0,
            StatusCode::UNPROCESSABLE_ENTITY,
            "trial {trial}: {refused:?}"
        );
        assert_eq!(refused.1["error"]["code"], "empty_cart", "trial {trial}");
    }
    assert_eq!(app.count("orders").await - orders_before, 20);
    assert_eq!(
        stock(&app, &a.id).await,
        1_000 - 20 * 2,
        "the stock was taken once per cart"
    );
});
