//! The door (`server/src/boundary.rs`, `server/src/api/extract.rs`): control and invisible
//! characters anywhere in a request are refused with 400 naming the field, never stored and
//! never a 5xx (PostgreSQL refuses NUL); the API answers every malformed body in its own
//! error shape; bodyless API calls are not mistaken for forged forms.

use ocop_tests::{TestApp, browser::Browser, db_test, spawn_seeded_app};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

async fn a_variant(app: &TestApp) -> String {
    sqlx::query_scalar(
        "SELECT v.id FROM product_variants v JOIN products p ON p.id = v.product_id
          WHERE p.slug = 'nhan-long-hung-yen' ORDER BY v.position LIMIT 1",
    )
    .fetch_one(app.db.pool())
    .await
    .unwrap()
}

async fn error_of(r: reqwest::Response) -> (StatusCode, String, String) {
    let status = r.status();
    let body: Value = r.json().await.expect("a JSON error body");
    (
        status,
        body["error"]["code"].as_str().unwrap_or("").to_owned(),
        body["error"]["message"].as_str().unwrap_or("").to_owned(),
    )
}

db_test!(hidden_characters_are_refused_naming_the_field, |engine| {
    let app = spawn_seeded_app(engine).await;
    let variant = a_variant(&app).await;
    let buyer = Browser::new(&app.address);

    // JSON fields, ids included: 400 naming the field, whatever the character.
    for (body, field) in [
        (
            json!({"variant_id": format!("{variant}\u{0}"), "quantity": 1}),
            "variant_id",
        ),
        (json!({"variant_id": "\u{0}", "quantity": 1}), "variant_id"),
        (
            json!({"variant_id": variant, "quantity": 1, "note": "a\u{202E}b"}),
            "note",
        ),
    ] {
        let r = buyer
            .json(Method::POST, "/api/v1/cart/items", Some(&body))
            .await;
        let (status, code, message) = error_of(r).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(code, "invalid_text");
        assert!(message.contains(&format!("`{field}`")), "{message}");
    }
    assert_eq!(app.count("cart_items").await, 0);

    // Checkout: a name of zero-width spaces, a street with NUL.
    let (province, commune) = ocop_tests::delivery_address(&app.db).await;
    let checkout = |name: &str, street: &str| {
        json!({
            "name": name, "phone": "0912 345 678", "street": street,
            "province_id": province, "commune_id": commune, "payment_method": "cod",
            "idempotency_key": "boundary-key-0001",
        })
    };
    let answer = buyer
        .json(
            Method::POST,
            "/api/v1/cart/items",
            Some(&json!({"variant_id": variant, "quantity": 1})),
        )
        .await;
    assert_eq!(answer.status(), 200);
    for (body, field) in [
        (checkout("\u{200B}\u{200B}", "12 phố Hiến"), "name"),
        (checkout("Nguyễn Thị Hoa", "12 phố\u{0} Hiến"), "street"),
        (checkout("\u{202E}aoH", "12 phố Hiến"), "name"),
    ] {
        let r = buyer
            .json(Method::POST, "/api/v1/checkout", Some(&body))
            .await;
        let (status, code, message) = error_of(r).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(code, "invalid_text");
        assert!(message.contains(&format!("`{field}`")), "{message}");
    }
    // Accents with no letter under them: a name that shows nothing is no name.
    let r = buyer
        .json(
            Method::POST,
            "/api/v1/checkout",
            Some(&checkout("\u{0301}\u{0303} \u{0300}", "12 phố Hiến")),
        )
        .await;
    let (status, code, _) = error_of(r).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, "name")
    );
    assert_eq!(app.count("checkouts").await, 0);

    // Paths and query strings, on the API and on pages.
    for path in [
        "/api/v1/products/nhan%00long",
        "/api/v1/lots/%00",
        "/api/v1/orders/DH%00?phone=0912345678",
    ] {
        let (status, code, _) = error_of(app.get(path).await).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{path}");
        assert_eq!(code, "invalid_text", "{path}");
    }
    for path in [
        "/san-pham/nhan%00long",
        "/xa/%E2%80%8B",
        "/tim-kiem?q=nh%C3%A3n%00",
        "/lo/%00",
    ] {
        let r = app.get(path).await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{path}");
        let page = r.text().await.unwrap();
        assert!(page.contains("ký tự"), "{path}: {page}");
    }

    // Forms: the sign-up form names the field; nothing is created.
    let users = app.count("users").await;
    let visitor = Browser::new(&app.address);
    visitor.get("/dang-ky").await;
    let r = visitor
        .submit(
            "/dang-ky",
            &[
                ("name", "Hoa\u{0}"),
                ("login", "0977777777"),
                ("password", "mật khẩu dài đủ"),
                ("password_again", "mật khẩu dài đủ"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(r.text().await.unwrap().contains("“name”"));
    // A name of accents only goes back to the form with the reason.
    let r = visitor
        .submit(
            "/dang-ky",
            &[
                ("name", "\u{0301}\u{0300}"),
                ("login", "0977777777"),
                ("password", "mật khẩu dài đủ"),
                ("password_again", "mật khẩu dài đủ"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let back = ocop_tests::browser::location(&r);
    assert!(back.contains("loi=name-missing"), "{back}");
    assert!(visitor.page(&back).await.contains("Hãy nhập tên."));
    assert_eq!(app.count("users").await, users);
});

db_test!(the_api_answers_bad_bodies_in_its_error_shape, |engine| {
    let app = spawn_seeded_app(engine).await;
    let variant = a_variant(&app).await;
    let url = format!("{}/api/v1/cart/items", app.address);
    let send = |body: &'static str, content_type: Option<&'static str>| {
        let mut r = app.client.post(&url).body(body);
        if let Some(t) = content_type {
            r = r.header("content-type", t);
        }
        r.send()
    };
    for (body, content_type, status, code) in [
        (
            "{\"variant_id\": ",
            Some("application/json"),
            StatusCode::BAD_REQUEST,
            "malformed_json",
        ),
        (
            "{\"quantity\": 1}",
            Some("application/json"),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_body",
        ),
        (
            "{\"variant_id\": \"x\", \"quantity\": \"many\"}",
            Some("application/json"),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_body",
        ),
        (
            "{\"variant_id\": \"x\", \"quantity\": 1}",
            Some("text/plain"),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "content_type",
        ),
    ] {
        let r = send(body, content_type).await.unwrap();
        assert_eq!(
            r.headers()["content-type"],
            "application/json",
            "{body} as {content_type:?}"
        );
        let (got, got_code, message) = error_of(r).await;
        assert_eq!((got, got_code.as_str()), (status, code), "{body}");
        assert!(!message.is_empty());
    }
    let r = app
        .client
        .get(format!(
            "{}/api/v1/orders/DH23456789?phone=1&phone=2",
            app.address
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["content-type"], "application/json");

    // A bodyless DELETE is an API call, not a stale form: with the cart token header…
    let r = app
        .client
        .post(&url)
        .json(&json!({"variant_id": variant, "quantity": 2}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let token = r.json::<Value>().await.unwrap()["cart_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let r = app
        .client
        .delete(format!("{url}/{variant}"))
        .header("x-cart-token", &token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "{:?}", r.text().await);
    // …and with the browser's cookies alone.
    let buyer = Browser::new(&app.address);
    let added = buyer
        .json(
            Method::POST,
            "/api/v1/cart/items",
            Some(&json!({"variant_id": variant, "quantity": 1})),
        )
        .await;
    assert_eq!(added.status(), 200);
    let r = buyer
        .json(
            Method::DELETE,
            &format!("/api/v1/cart/items/{variant}"),
            None,
        )
        .await;
    assert_eq!(r.status(), 200);
    assert_eq!(app.count("cart_items").await, 0);
});
