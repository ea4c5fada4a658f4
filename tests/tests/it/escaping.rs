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

// A textarea's content ends only at `</textarea`: a value holding it closed the element and
// the rest became markup (the review made it redirect an officer off-site). Each form that
// refills a textarea — reflected from the address or stored — keeps the value as text, and
// gives it back exactly.
db_test!(textareas_refilled_with_markup_stay_text, |engine| {
    let app = spawn_seeded_app(engine).await;
    const VALUE: &str = "</textarea><b id=x>bold</b> & more";
    const ESCAPED: &str = "&lt;/textarea&gt;&lt;b id=x&gt;bold&lt;/b&gt; &amp; more";
    let pool = app.db.pool();
    let coop = "htx-nhan-long-song-hong-xanh";
    let farmer = crate::accounts::member_of(&app, "0912000301", "Anh Tuấn", coop).await;
    let officer = crate::accounts::officer_of_commune(&app, "0912000302", "tan-hung").await;

    let plot: String = sqlx::query_scalar(
        "SELECT id FROM plots WHERE producer_id = (SELECT id FROM producers WHERE slug = $1) LIMIT 1",
    )
    .bind(coop)
    .fetch_one(pool)
    .await
    .unwrap();
    let product: String = sqlx::query_scalar(
        "UPDATE products SET description_vi = $1, description_en = $1
          WHERE slug = 'nhan-long-hung-yen' RETURNING id",
    )
    .bind(VALUE)
    .fetch_one(pool)
    .await
    .unwrap();
    let commune: String = sqlx::query_scalar(
        "UPDATE communes SET story_vi = $1 WHERE slug = 'tan-hung' RETURNING id",
    )
    .bind(VALUE)
    .fetch_one(pool)
    .await
    .unwrap();
    let note: String = form_urlencoded::byte_serialize(VALUE.as_bytes()).collect();

    for (who, path) in [
        (
            &farmer,
            format!("/nong-trai/vuon/{plot}?loi=phi&note={note}"),
        ),
        (&farmer, format!("/ban-hang/san-pham/{product}")),
        (&officer, format!("/can-bo/xa/{commune}")),
    ] {
        let html = who.page(&path).await;
        assert!(!html.contains("<b id=x>"), "{path}: markup from the value");
        assert!(html.contains(ESCAPED), "{path}: the value, escaped");
    }
});
