//! Buyers anywhere in Vietnam: the national list of administrative units loaded by `migrate`
//! (idempotently), served by the JSON API, searched by the checkout's picker (diacritics
//! optional, old district names), and a checkout delivered to a ward of Hồ Chí Minh City with
//! its codes and the names as they were.

use ocop_tests::{TestApp, browser::Browser, db_test, spawn_app, spawn_seeded_app};
use reqwest::Method;
use serde_json::{Value, json};

async fn get_json(app: &TestApp, path: &str) -> (u16, Value) {
    let r = app.get(path).await;
    let status = r.status().as_u16();
    (status, r.json().await.expect("a JSON body"))
}

async fn scalar(app: &TestApp, sql: &str) -> i64 {
    sqlx::query_scalar(sql)
        .fetch_one(app.db.pool())
        .await
        .unwrap()
}

fn codes(list: &Value) -> Vec<&str> {
    list["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| i["code"].as_str().unwrap())
        .collect()
}

async fn add_one(b: &Browser, variant: &str) {
    let r = b
        .json(
            Method::POST,
            "/api/v1/cart/items",
            Some(&json!({"variant_id": variant, "quantity": 1})),
        )
        .await;
    assert_eq!(r.status(), 200);
}

db_test!(
    the_national_list_is_loaded_once_and_reloaded_when_lost,
    |engine| {
        let app = spawn_app(engine).await;
        assert_eq!(
            scalar(&app, "SELECT COUNT(*) FROM admin_provinces").await,
            34
        );
        assert_eq!(
            scalar(&app, "SELECT COUNT(*) FROM admin_communes").await,
            3321
        );
        let loaded_at: String = sqlx::query_scalar(
            "SELECT loaded_at FROM reference_data WHERE name = 'vn-admin-units'",
        )
        .fetch_one(app.db.pool())
        .await
        .unwrap();
        // Again: nothing rewritten.
        app.db.migrate().await.unwrap();
        let again: String = sqlx::query_scalar(
            "SELECT loaded_at FROM reference_data WHERE name = 'vn-admin-units'",
        )
        .fetch_one(app.db.pool())
        .await
        .unwrap();
        assert_eq!(again, loaded_at, "an unchanged list is not loaded twice");
        assert_eq!(
            scalar(&app, "SELECT COUNT(*) FROM admin_communes").await,
            3321
        );
        // A different file (here: the record of the load gone, a name changed by hand) is loaded
        // over what is there, without duplicates.
        sqlx::query("UPDATE admin_communes SET name = 'Sai' WHERE code = '26743'")
            .execute(app.db.pool())
            .await
            .unwrap();
        sqlx::query("DELETE FROM reference_data")
            .execute(app.db.pool())
            .await
            .unwrap();
        app.db.migrate().await.unwrap();
        let name: String =
            sqlx::query_scalar("SELECT name FROM admin_communes WHERE code = '26743'")
                .fetch_one(app.db.pool())
                .await
                .unwrap();
        assert_eq!(name, "Bến Thành");
        assert_eq!(
            scalar(&app, "SELECT COUNT(*) FROM admin_communes").await,
            3321
        );
    }
);

db_test!(the_api_lists_provinces_and_their_communes, |engine| {
    let app = spawn_app(engine).await;
    let (status, provinces) = get_json(&app, "/api/v1/provinces").await;
    assert_eq!(status, 200);
    let items = provinces["items"].as_array().unwrap();
    assert_eq!(items.len(), 34);
    let hcm = items.iter().find(|p| p["code"] == "79").expect("79");
    assert_eq!(hcm["label"], "Thành phố Hồ Chí Minh");
    assert_eq!(hcm["kind"], "thanh_pho");

    let (status, communes) = get_json(&app, "/api/v1/provinces/79/communes").await;
    assert_eq!(status, 200);
    assert_eq!(communes["items"].as_array().unwrap().len(), 168);
    let ben_thanh = communes["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["code"] == "26743")
        .expect("Bến Thành");
    assert_eq!(ben_thanh["label"], "Phường Bến Thành");
    assert_eq!(ben_thanh["province_code"], "79");

    for bad in ["99", "7", "abc", "79%20"] {
        let (status, err) = get_json(&app, &format!("/api/v1/provinces/{bad}/communes")).await;
        assert_eq!(status, 404, "{bad}");
        assert_eq!(err["error"]["code"], "not_found", "{bad}");
    }
    // In English when asked.
    let r = app
        .client
        .get(format!("{}/api/v1/provinces/79/communes", app.address))
        .header("cookie", "lang=en")
        .send()
        .await
        .unwrap();
    let en: Value = r.json().await.unwrap();
    assert!(
        en["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["label"] == "Bến Thành Ward" && c["province_label"] == "Hồ Chí Minh City")
    );
    // The document lists the three address endpoints.
    let doc = app.page("/api/openapi.json").await;
    for path in [
        "/api/v1/provinces",
        "/api/v1/provinces/{code}/communes",
        "/api/v1/addresses/communes",
    ] {
        assert!(doc.contains(path), "{path} documented");
    }
});

db_test!(the_picker_finds_wards_as_buyers_write_them, |engine| {
    let app = spawn_seeded_app(engine).await;
    let first = |list: &Value| list["items"][0]["code"].as_str().map(str::to_owned);
    let cases = [
        ("Quận Hoàn Kiếm", "00070"),
        ("hoan kiem", "00070"),
        ("Thành phố Thủ Đức", "26824"),
        ("P. Bến Thành, Q.1, TP.HCM", "26743"),
        ("ben thanh", "26743"),
        // A former name the marketplace knows (Đông Tảo went into Hoàn Long in 2025).
        ("xã Đông Tảo", "12070"),
    ];
    for (typed, code) in cases {
        let (status, list) = get_json(
            &app,
            &format!(
                "/api/v1/addresses/communes?q={}",
                form_urlencoded::byte_serialize(typed.as_bytes()).collect::<String>()
            ),
        )
        .await;
        assert_eq!(status, 200, "{typed}");
        assert_eq!(first(&list).as_deref(), Some(code), "{typed}: {list}");
    }
    let (_, none) = get_json(&app, "/api/v1/addresses/communes?q=zzzz").await;
    assert!(codes(&none).is_empty());
    let (_, many) = get_json(&app, "/api/v1/addresses/communes?q=tan").await;
    assert_eq!(codes(&many).len(), 20, "at most 20 matches");
    let long = "a".repeat(5_000);
    let (status, _) = get_json(&app, &format!("/api/v1/addresses/communes?q={long}")).await;
    assert_eq!(status, 200, "a long query is cut, not a failure");
});

db_test!(a_parcel_goes_to_a_ward_of_ho_chi_minh_city, |engine| {
    let app = spawn_seeded_app(engine).await;
    let guest = Browser::new(&app.address);
    let variant: String = sqlx::query_scalar(
        "SELECT v.id FROM product_variants v JOIN products p ON p.id = v.product_id
          WHERE p.slug = 'tuong-ban' AND v.status = 'active' ORDER BY v.id LIMIT 1",
    )
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    add_one(&guest, &variant).await;

    // Without JavaScript: the province first; the page then lists only that province's
    // communes, never the whole country's.
    let page = guest.get("/thanh-toan").await.text().await.unwrap();
    assert!(page.contains(r#"value="79""#), "every province is offered");
    assert!(!page.contains("Bến Thành"), "no commune before a province");
    let page = guest
        .get("/thanh-toan?province_id=79")
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Phường Bến Thành"));
    assert!(!page.contains("Phường Hoàn Kiếm"), "only that province's");
    assert!(
        page.len() < 200_000,
        "checkout page is {} bytes",
        page.len()
    );

    let body = json!({
        "name": "Trần Văn Nam", "phone": "0903 123 456", "street": "12 Lê Lợi",
        "province_id": "79", "commune_id": "26743", "payment_method": "cod",
        "idempotency_key": "hcm-order-000001",
    });
    let r = guest
        .json(Method::POST, "/api/v1/checkout", Some(&body))
        .await;
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
    let row: (String, String, String, String) = sqlx::query_as(
        "SELECT province_code, commune_code, province_name, commune_name FROM checkouts
          WHERE idempotency_key = 'hcm-order-000001'",
    )
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    assert_eq!(
        row,
        (
            "79".into(),
            "26743".into(),
            "Thành phố Hồ Chí Minh".into(),
            "Phường Bến Thành".into()
        )
    );

    // A unit merged away later is refused by name.
    sqlx::query(
        "UPDATE admin_communes SET status = 'merged', merged_into = '26740' WHERE code = '26743'",
    )
    .execute(app.db.pool())
    .await
    .unwrap();
    add_one(&guest, &variant).await;
    let mut again = body.clone();
    again["idempotency_key"] = json!("hcm-order-000002");
    let r = guest
        .json(Method::POST, "/api/v1/checkout", Some(&again))
        .await;
    assert_eq!(r.status(), 422);
    let err: Value = r.json().await.unwrap();
    assert_eq!(err["error"]["code"], "commune_id", "{err}");
    // The order placed before keeps its address.
    let kept: String = sqlx::query_scalar(
        "SELECT commune_name FROM checkouts WHERE idempotency_key = 'hcm-order-000001'",
    )
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    assert_eq!(kept, "Phường Bến Thành");
});

/// The first active variant of a demo product.
async fn variant_of(app: &TestApp, slug: &str) -> String {
    sqlx::query_scalar(
        "SELECT v.id FROM product_variants v JOIN products p ON p.id = v.product_id
          WHERE p.slug = $1 AND v.status = 'active' ORDER BY v.id LIMIT 1",
    )
    .bind(slug)
    .fetch_one(app.db.pool())
    .await
    .unwrap()
}

fn order_to(province: &str, commune: &str, key: &str) -> Value {
    json!({
        "name": "Trần Văn Nam", "phone": "0903 123 456", "street": "12 Lê Lợi",
        "province_id": province, "commune_id": commune, "payment_method": "cod",
        "idempotency_key": key,
    })
}

db_test!(fees_follow_the_zone_and_fresh_goods_stay_near, |engine| {
    let app = spawn_seeded_app(engine).await;
    let sauce = variant_of(&app, "tuong-ban").await;
    // Phố Hiến (Hưng Yên, the producer's own province), Hoàn Kiếm (Hà Nội, a neighbour),
    // Bến Thành (Hồ Chí Minh City, far).
    let places = [
        ("33", "Phố Hiến", "same_province"),
        ("01", "Hoàn Kiếm", "neighbouring"),
        ("79", "Bến Thành", "country"),
    ];
    let mut fees = Vec::new();
    for (i, (province, ward, zone)) in places.into_iter().enumerate() {
        let commune: String = sqlx::query_scalar(
            "SELECT code FROM admin_communes WHERE province_code = $1 AND name = $2",
        )
        .bind(province)
        .bind(ward)
        .fetch_one(app.db.pool())
        .await
        .unwrap();
        let guest = Browser::new(&app.address);
        add_one(&guest, &sauce).await;
        let key = format!("zone-order-{i:06}");
        let r = guest
            .json(
                Method::POST,
                "/api/v1/checkout",
                Some(&order_to(province, &commune, &key)),
            )
            .await;
        assert_eq!(r.status(), 201, "{ward}");
        let (fee, stored_zone): (i64, String) = sqlx::query_as(
            "SELECT o.shipping_vnd, o.shipping_zone FROM orders o
              JOIN checkouts c ON c.id = o.checkout_id WHERE c.idempotency_key = $1",
        )
        .bind(&key)
        .fetch_one(app.db.pool())
        .await
        .unwrap();
        assert_eq!(stored_zone, zone, "{ward}");
        fees.push(fee);
    }
    assert!(
        fees[0] < fees[1] && fees[1] < fees[2],
        "farther costs more: {fees:?}"
    );

    // Fresh longan goes to Hà Nội but not to Hồ Chí Minh City; the answer names the line.
    let longan = variant_of(&app, "nhan-long-hung-yen").await;
    let guest = Browser::new(&app.address);
    add_one(&guest, &longan).await;
    add_one(&guest, &sauce).await;
    let r = guest
        .json(
            Method::POST,
            "/api/v1/checkout",
            Some(&order_to("79", "26743", "fresh-far-000001")),
        )
        .await;
    assert_eq!(r.status(), 422);
    let err: Value = r.json().await.unwrap();
    assert_eq!(err["error"]["code"], "not_delivered", "{err}");
    let lines: Vec<(String, Value)> = err["error"]["cart"]["groups"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|g| g["lines"].as_array().unwrap().clone())
        .map(|l| {
            (
                l["variant_id"].as_str().unwrap().to_owned(),
                l["problem"].clone(),
            )
        })
        .collect();
    assert!(lines.contains(&(longan.clone(), json!("only_neighbouring_provinces"))));
    assert!(lines.contains(&(sauce.clone(), Value::Null)), "{lines:?}");
    // The cart asked for that province says the same before any checkout.
    let cart: Value = guest
        .json(Method::GET, "/api/v1/cart?province_id=79", None)
        .await
        .json()
        .await
        .unwrap();
    let problems: Vec<&Value> = cart["cart"]["groups"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|g| g["lines"].as_array().unwrap())
        .map(|l| &l["problem"])
        .collect();
    assert!(problems.contains(&&json!("only_neighbouring_provinces")));
    let r = guest
        .json(Method::GET, "/api/v1/cart?province_id=7", None)
        .await;
    assert_eq!(r.status(), 422);
    assert_eq!(
        ocop_tests::count(&app.db, "checkouts").await,
        3,
        "nothing placed"
    );

    // The form says it in words, keeps the address, and lists the line.
    let r = guest
        .submit(
            "/thanh-toan",
            &[
                ("name", "Trần Văn Nam"),
                ("phone", "0903 123 456"),
                ("street", "12 Lê Lợi"),
                ("province_id", "79"),
                ("commune_id", "26743"),
                ("payment_method", "cod"),
                ("idempotency_key", "fresh-far-form-01"),
            ],
        )
        .await;
    let back = ocop_tests::browser::location(&r);
    assert!(back.starts_with("/thanh-toan?loi=not_delivered"), "{back}");
    assert!(back.contains("province_id=79"), "{back}");
    let page = guest.get(&back).await.text().await.unwrap();
    assert!(page.contains("không giao được đến tỉnh này"), "the reason");
    assert!(
        page.contains("chỉ giao trong tỉnh và các tỉnh giáp ranh"),
        "the longan line explained"
    );

    // To Hà Nội it goes.
    let r = guest
        .json(
            Method::POST,
            "/api/v1/checkout",
            Some(&order_to("01", "00070", "fresh-near-00001")),
        )
        .await;
    assert_eq!(r.status(), 201);
});
