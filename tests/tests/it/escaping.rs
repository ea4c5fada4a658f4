//! Every text a producer, officer or buyer can write and the public can read is shown as text:
//! script and HTML payloads in product, variant, producer, commune, certificate, photo, plot and
//! lot fields never reach a page as markup (nor the JSON-LD block, nor search results).

use ocop_tests::{db_test, spawn_seeded_app};

const PAYLOAD: &str = r#"<script>alert("x")</script><img src=x onerror=alert(1)>"#;

/// Markup the payload would produce if it were not escaped.
const RAW: [&str; 3] = ["<script>alert(", "<img src=x", "</script><img"];

db_test!(user_text_is_escaped_on_every_public_page, |engine| {
    let app = spawn_seeded_app(engine).await;
    let pool = app.db.pool();
    let product = "(SELECT id FROM products WHERE slug = 'nhan-long-hung-yen')";
    let lots = format!(
        "(SELECT id FROM harvest_lots WHERE variant_id IN (SELECT id FROM product_variants WHERE product_id = {product}))"
    );
    for sql in [
        format!("UPDATE products SET name_vi = 'Nhãn ' || $1, description_vi = $1 WHERE id = {product}"),
        "UPDATE producers SET name = 'HTX ' || $1, description_vi = $1 WHERE slug = 'htx-nhan-long-song-hong-xanh'".to_owned(),
        format!("UPDATE product_variants SET label_vi = $1 WHERE product_id = {product} AND position = 0"),
        format!("UPDATE ocop_certificates SET decision_no = $1 WHERE product_id = {product}"),
        format!("UPDATE photos SET alt_vi = $1 WHERE id IN (SELECT photo_id FROM product_photos WHERE product_id = {product})"),
        "UPDATE communes SET story_vi = $1 WHERE slug = 'tan-hung'".to_owned(),
        format!("UPDATE plots SET name = $1, growing_area_code = $1 WHERE id IN (SELECT plot_id FROM harvest_lots WHERE id IN {lots})"),
        format!("UPDATE harvest_lots SET grade = $1 WHERE id IN {lots}"),
    ] {
        sqlx::query(&sql)
            .bind(PAYLOAD)
            .execute(pool)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
    }
    // Queued for the search index as the app's own writes are.
    let mut conn = pool.acquire().await.unwrap();
    let id: String = sqlx::query_scalar(&format!("SELECT {product}"))
        .fetch_one(&mut *conn)
        .await
        .unwrap();
    app::search::sync::queue(&mut conn, &[&id]).await.unwrap();
    drop(conn);
    app.search_settled().await;

    let lot: Option<String> = sqlx::query_scalar(&format!(
        "SELECT id FROM harvest_lots WHERE id IN {lots} LIMIT 1"
    ))
    .fetch_optional(pool)
    .await
    .unwrap();
    let mut paths = vec![
        "/".to_owned(),
        "/san-pham/nhan-long-hung-yen".to_owned(),
        "/nha-san-xuat/htx-nhan-long-song-hong-xanh".to_owned(),
        "/xa/tan-hung".to_owned(),
        "/xa".to_owned(),
        "/tim-kiem?q=nhan+long".to_owned(),
    ];
    paths.extend(lot.map(|id| format!("/lo/{id}")));
    let mut escaped_somewhere = false;
    for path in &paths {
        let html = app.page(path).await;
        for raw in RAW {
            if let Some(at) = html.find(raw) {
                let from = at.saturating_sub(300);
                panic!(
                    "{path} contains {raw:?}: …{}…",
                    &html[from..(at + 200).min(html.len())]
                );
            }
        }
        escaped_somewhere |= html.contains("&lt;script&gt;") || html.contains("\\u003cscript");
    }
    assert!(escaped_somewhere, "the payloads are shown, as text");

    // The JSON API returns the text as data; JSON needs no HTML escaping.
    let json = app
        .get("/api/v1/products/nhan-long-hung-yen")
        .await
        .text()
        .await
        .unwrap();
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert!(value["description"].as_str().unwrap().contains("<script>"));
});
