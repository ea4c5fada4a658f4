//! The JSON API under /api/v1 and its OpenAPI document.

use ocop_tests::{TestApp, db_test, spawn_app, spawn_seeded_app};
use serde_json::Value;

async fn json(app: &TestApp, path: &str) -> (u16, Value) {
    let resp = app.get(path).await;
    let status = resp.status().as_u16();
    assert!(
        resp.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/json"),
        "{path}"
    );
    (status, resp.json().await.unwrap())
}

fn slugs(list: &Value) -> Vec<String> {
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["slug"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn the_openapi_document_describes_every_endpoint() {
    let app = spawn_app(ocop_tests::Engine::Sqlite).await;
    let (status, doc) = json(&app, "/api/openapi.json").await;
    assert_eq!(status, 200);
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    for path in [
        "/api/v1/communes",
        "/api/v1/communes/{slug}",
        "/api/v1/products",
        "/api/v1/products/{slug}",
        "/api/v1/suggestions",
        "/api/v1/producers/{slug}",
    ] {
        assert!(doc["paths"][path]["get"].is_object(), "{path} documented");
    }
    // A producer's app writes its diary (#24).
    assert!(doc["paths"]["/api/v1/plots/{plot_id}/entries"]["post"].is_object());
    let params: Vec<&str> = doc["paths"]["/api/v1/products"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    for name in [
        "commune",
        "group",
        "stars",
        "min_price",
        "max_price",
        "in_stock",
        "sort",
        "page",
        "per_page",
    ] {
        assert!(params.contains(&name), "filter {name} documented");
    }
    // Every schema a response points at exists.
    let text = doc.to_string();
    for reference in text.split("\"$ref\":\"#/components/schemas/").skip(1) {
        let name = &reference[..reference.find('"').unwrap()];
        assert!(
            doc["components"]["schemas"][name].is_object(),
            "schema {name} defined"
        );
    }
}

db_test!(communes_and_their_pages_as_json, |engine| {
    let app = spawn_seeded_app(engine).await;
    let (status, list) = json(&app, "/api/v1/communes").await;
    assert_eq!(status, 200);
    assert_eq!(list["total"], 104);
    let (_, found) = json(&app, "/api/v1/communes?q=dong%20tao").await;
    assert_eq!(found["items"][0]["name"], "Hoàn Long");

    let (status, page) = json(&app, "/api/v1/communes/tan-hung").await;
    assert_eq!(status, 200);
    assert_eq!(page["signature"]["slug"], "nhan-long-hung-yen");
    assert_eq!(json(&app, "/api/v1/communes/khong-co").await.0, 404);
    assert_eq!(json(&app, "/api/v1/communes/KHONG%20HOP%20LE").await.0, 404);
});

db_test!(products_filter_sort_and_page, |engine| {
    let app = spawn_seeded_app(engine).await;
    let (status, all) = json(&app, "/api/v1/products?per_page=100").await;
    assert_eq!(status, 200);
    assert_eq!(all["total"], 18, "19 demo products, one pending review");
    assert!(
        !slugs(&all).contains(&"chan-ga-dong-tao".to_owned()),
        "pending products never listed"
    );

    let (_, by_commune) = json(&app, "/api/v1/products?commune=hoan-long").await;
    assert_eq!(by_commune["total"], 2);
    let (_, by_group) = json(&app, "/api/v1/products?group=handicraft&per_page=100").await;
    assert!(slugs(&by_group).iter().any(|s| s.starts_with("chieu-coi")));
    assert!(!slugs(&by_group).contains(&"nhan-long-hung-yen".to_owned()));

    let (_, five) = json(&app, "/api/v1/products?stars=5&per_page=100").await;
    assert!(
        five["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["stars"] == 5)
    );
    assert!(five["total"].as_i64().unwrap() >= 1);
    let (_, expired) = json(&app, "/api/v1/products?stars=3&per_page=100").await;
    assert!(
        !slugs(&expired).contains(&"tuong-ban-hu-sanh".to_owned()),
        "an expired certificate gives no stars"
    );

    let (_, cheap) = json(
        &app,
        "/api/v1/products?max_price=50.000&sort=price_asc&per_page=100",
    )
    .await;
    let prices: Vec<i64> = cheap["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["from_price"].as_i64().unwrap())
        .collect();
    assert!(!prices.is_empty() && prices.iter().all(|p| *p <= 50_000));
    assert!(
        prices.windows(2).all(|w| w[0] <= w[1]),
        "sorted by price: {prices:?}"
    );
    let (_, dear) = json(&app, "/api/v1/products?min_price=1000000&sort=price_desc").await;
    assert!(
        dear["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["from_price"].as_i64().unwrap() >= 1_000_000)
    );

    // Sold out behind the app's back: queued for the search index as the app's writes are.
    let mut conn = app.db.pool().acquire().await.unwrap();
    sqlx::query("UPDATE product_variants SET stock = 0 WHERE product_id = (SELECT id FROM products WHERE slug = 'tuong-ban')")
        .execute(&mut *conn)
        .await
        .unwrap();
    let (id,): (String,) = sqlx::query_as("SELECT id FROM products WHERE slug = 'tuong-ban'")
        .fetch_one(&mut *conn)
        .await
        .unwrap();
    app::search::sync::queue(&mut conn, &[&id]).await.unwrap();
    drop(conn);
    app.search_settled().await;
    let (_, stocked) = json(&app, "/api/v1/products?in_stock=true&per_page=100").await;
    assert!(!slugs(&stocked).contains(&"tuong-ban".to_owned()));
    assert_eq!(stocked["total"], 17);

    let (_, page1) = json(&app, "/api/v1/products?per_page=5&page=1").await;
    let (_, page4) = json(&app, "/api/v1/products?per_page=5&page=4").await;
    assert_eq!(slugs(&page1).len(), 5);
    assert_eq!(slugs(&page4).len(), 3, "18 products: 5 + 5 + 5 + 3");
    assert_eq!(page4["page"], 4);
    let (_, beyond) = json(&app, "/api/v1/products?page=99").await;
    assert_eq!(slugs(&beyond).len(), 0);
});

db_test!(bad_filters_are_json_400s_naming_the_parameter, |engine| {
    let app = spawn_seeded_app(engine).await;
    for (query, names) in [
        ("stars=7", "stars"),
        ("stars=abc", "stars"),
        ("min_price=-5", "min_price"),
        ("max_price=1.5", "max_price"),
        ("min_price=500000&max_price=1000", "min_price"),
        ("in_stock=maybe", "in_stock"),
        ("sort=random", "sort"),
        ("page=0", "page"),
        ("per_page=1000", "per_page"),
        ("commune=Tân%20Hưng", "commune"),
        ("group=%3Cscript%3E", "group"),
    ] {
        let (status, body) = json(&app, &format!("/api/v1/products?{query}")).await;
        assert_eq!(status, 400, "{query}");
        assert_eq!(body["error"]["code"], "bad_request");
        assert!(
            body["error"]["message"].as_str().unwrap().contains(names),
            "{query}: {body}"
        );
    }
    let long = "a".repeat(10_000);
    assert_eq!(
        json(&app, &format!("/api/v1/communes?q={long}")).await.0,
        400
    );
    // Parameters the endpoint does not know (even oddly encoded) are ignored, never an error.
    assert_eq!(json(&app, "/api/v1/products?q=%ZZ&foo=bar").await.0, 200);
});

db_test!(products_and_producers_by_slug, |engine| {
    let app = spawn_seeded_app(engine).await;
    let (status, p) = json(&app, "/api/v1/products/nhan-long-hung-yen").await;
    assert_eq!(status, 200);
    assert_eq!(p["variants"][0]["price"], 85000);
    assert_eq!(p["certificate"]["decision_no"], "1820/QĐ-UBND");
    assert_eq!(p["lots"][0]["verified"], true);

    let english: Value = app
        .client
        .get(format!(
            "{}/api/v1/products/nhan-long-hung-yen",
            app.address
        ))
        .header("cookie", "lang=en")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(english["name"], "Hưng Yên longan");

    let (status, body) = json(&app, "/api/v1/products/chan-ga-dong-tao").await;
    assert_eq!(status, 404, "pending: not public");
    assert_eq!(body["error"]["code"], "not_found");
    let (status, producer) = json(&app, "/api/v1/producers/htx-nhan-long-song-hong-xanh").await;
    assert_eq!(status, 200);
    assert_eq!(producer["producer"]["kind"], "cooperative");
    assert_eq!(json(&app, "/api/v1/nothing-here").await.0, 404);
});
