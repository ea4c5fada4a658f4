//! Product and producer pages.

use app::domain::time::{db_date, vietnam_date};
use ocop_tests::{db_test, spawn_seeded_app};

/// The schema.org JSON-LD of a page, parsed.
fn json_ld(html: &str) -> serde_json::Value {
    let start = html
        .find(r#"<script type="application/ld+json">"#)
        .expect("JSON-LD present");
    let rest = &html[start..];
    let body = &rest[rest.find('>').unwrap() + 1..rest.find("</script>").unwrap()];
    serde_json::from_str(body).expect("valid JSON-LD")
}

db_test!(a_product_page_shows_everything_a_buyer_checks, |engine| {
    let app = spawn_seeded_app(engine).await;
    let resp = app.get("/san-pham/nhan-long-hung-yen").await;
    assert_eq!(resp.status(), 200);
    let html = resp.text().await.unwrap();
    assert!(html.contains("<title>Nhãn lồng Hưng Yên"));
    assert!(
        html.contains("Túi 1 kg") && html.contains("85.000 ₫") && html.contains("190.000 ₫"),
        "variants with prices"
    );
    assert!(html.contains("Còn hàng"));
    assert!(
        html.contains("quyết định số 1820/QĐ-UBND"),
        "the certificate's decision"
    );
    assert!(html.contains("OCOP 4 sao"));
    assert!(html.contains("Chỉ dẫn địa lý"), "the GI badge on nhãn lồng");
    assert!(
        html.contains("NLHY-20260720") && html.contains("Đã được cán bộ xã xác minh"),
        "the verified lot on sale"
    );
    assert!(html.contains(r#"href="/nha-san-xuat/htx-nhan-long-song-hong-xanh""#));
    assert!(
        html.contains("Long nhãn sấy"),
        "related products of the commune"
    );
    assert!(html.contains("srcset="), "responsive images");
    assert!(html.contains(r#"property="og:title""#));
    // Absolute URLs on the configured public origin (never the request's Host header).
    assert!(html.contains(
        r#"<link href="https://dacsan.example/san-pham/nhan-long-hung-yen" rel="canonical">"#
    ));
    assert!(html.contains(
        r#"property="og:url" content="https://dacsan.example/san-pham/nhan-long-hung-yen""#
    ));
    assert!(html.contains(r#"property="og:image" content="https://dacsan.example/media/"#));

    let ld = json_ld(&html);
    assert_eq!(
        ld["url"],
        "https://dacsan.example/san-pham/nhan-long-hung-yen"
    );
    assert!(
        ld["image"][0]
            .as_str()
            .unwrap()
            .starts_with("https://dacsan.example/media/")
    );
    assert_eq!(ld["@type"], "Product");
    assert_eq!(ld["name"], "Nhãn lồng Hưng Yên");
    assert_eq!(ld["offers"][0]["priceCurrency"], "VND");
    assert_eq!(ld["offers"][0]["price"], "85000");
    assert_eq!(
        ld["offers"][0]["availability"],
        "https://schema.org/InStock"
    );
});

db_test!(a_product_page_in_english, |engine| {
    let app = spawn_seeded_app(engine).await;
    let html = app.get_in_english("/san-pham/nhan-long-hung-yen").await;
    assert!(html.contains("Hưng Yên longan"));
    assert!(html.contains("₫85,000"));
    assert!(html.contains("Recognised by the province, decision No. 1820/QĐ-UBND"));
    assert!(html.contains("1 kg bag"));
});

db_test!(
    an_expired_certificate_shows_no_stars_from_the_day_after_expiry,
    |engine| {
        let app = spawn_seeded_app(engine).await;
        let today = vietnam_date(chrono::Utc::now());
        let set_expiry = |date: chrono::NaiveDate| {
            sqlx::query(
                "UPDATE ocop_certificates SET expires_on = $1
              WHERE product_id = (SELECT id FROM products WHERE slug = 'mat-ong-hoa-nhan')",
            )
            .bind(db_date(date))
            .execute(app.db.pool())
        };

        set_expiry(today).await.unwrap();
        let html = app.page("/san-pham/mat-ong-hoa-nhan").await;
        assert!(html.contains("quyết định số"), "valid through its last day");

        set_expiry(today.pred_opt().unwrap()).await.unwrap();
        let html = app.page("/san-pham/mat-ong-hoa-nhan").await;
        assert!(
            !html.contains("quyết định số"),
            "expired yesterday: no certificate shown"
        );
        assert!(html.contains("chưa có chứng nhận OCOP còn hiệu lực"));
        assert!(json_ld(&html).get("award").is_none());

        // The demo's tương Bần hũ sành certificate (2022) expired long ago.
        let html = app.page("/san-pham/tuong-ban-hu-sanh").await;
        assert!(html.contains("chưa có chứng nhận OCOP còn hiệu lực"));
    }
);

db_test!(
    unapproved_products_and_suspended_producers_are_not_public,
    |engine| {
        let app = spawn_seeded_app(engine).await;
        assert_eq!(
            app.get("/san-pham/chan-ga-dong-tao").await.status(),
            404,
            "pending review"
        );
        assert_eq!(app.get("/san-pham/khong-co").await.status(), 404);

        sqlx::query(
            "UPDATE producers SET status = 'suspended' WHERE slug = 'htx-nhan-long-song-hong-xanh'",
        )
        .execute(app.db.pool())
        .await
        .unwrap();
        assert_eq!(app.get("/san-pham/nhan-long-hung-yen").await.status(), 404);
        assert_eq!(
            app.get("/nha-san-xuat/htx-nhan-long-song-hong-xanh")
                .await
                .status(),
            404
        );
    }
);

db_test!(product_text_is_escaped_everywhere_it_is_shown, |engine| {
    let app = spawn_seeded_app(engine).await;
    let payload = "Ngon</script><script>alert(1)</script><b>đậm</b>";
    sqlx::query("UPDATE products SET description_vi = $1 WHERE slug = 'nhan-long-hung-yen'")
        .bind(payload)
        .execute(app.db.pool())
        .await
        .unwrap();
    let html = app.page("/san-pham/nhan-long-hung-yen").await;
    assert!(!html.contains("<script>alert(1)"), "no script injected");
    assert!(!html.contains("<b>đậm</b>"), "no markup injected");
    assert_eq!(
        json_ld(&html)["description"],
        payload,
        "JSON-LD carries the text intact, safely"
    );
});

db_test!(a_producer_page_lists_its_products, |engine| {
    let app = spawn_seeded_app(engine).await;
    let resp = app.get("/nha-san-xuat/htx-nhan-long-song-hong-xanh").await;
    assert_eq!(resp.status(), 200);
    let html = resp.text().await.unwrap();
    assert!(html.contains("<title>HTX Nhãn lồng Sông Hồng Xanh"));
    assert!(html.contains("Hợp tác xã"));
    assert!(html.contains(r#"href="/xa/tan-hung""#));
    assert!(html.contains(r#"href="/san-pham/nhan-long-hung-yen""#));
    assert_eq!(app.get("/nha-san-xuat/khong-co").await.status(), 404);
});

db_test!(the_sitemap_lists_public_pages_only, |engine| {
    let app = spawn_seeded_app(engine).await;
    sqlx::query(
        "UPDATE producers SET status = 'suspended' WHERE slug = 'htx-nhan-long-song-hong-xanh'",
    )
    .execute(app.db.pool())
    .await
    .unwrap();
    let resp = app.get("/sitemap.xml").await;
    assert_eq!(resp.status(), 200);
    assert!(
        resp.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/xml")
    );
    let xml = resp.text().await.unwrap();
    assert!(xml.contains("<loc>https://dacsan.example/</loc>"));
    assert!(xml.contains("<loc>https://dacsan.example/xa/hoan-long</loc>"));
    assert!(xml.contains("<loc>https://dacsan.example/san-pham/ga-dong-tao</loc>"));
    assert!(xml.contains("<loc>https://dacsan.example/nha-san-xuat/"));
    assert!(
        !xml.contains("chan-ga-dong-tao"),
        "pending products are not listed"
    );
    assert!(
        !xml.contains("nhan-long-hung-yen"),
        "products of a suspended producer are not listed"
    );
    assert!(
        !xml.contains("htx-nhan-long-song-hong-xanh"),
        "nor the suspended producer"
    );
    assert_eq!(
        xml.matches("<url>").count(),
        2 + 104 + 17 + 13,
        "home, directory, communes, products, producers"
    );

    let robots = app.page("/robots.txt").await;
    assert!(robots.contains("Sitemap: https://dacsan.example/sitemap.xml"));
});

db_test!(every_public_page_names_its_canonical_url, |engine| {
    let app = spawn_seeded_app(engine).await;
    for (path, canonical) in [
        ("/", "/"),
        ("/xa", "/xa"),
        ("/xa?q=dong+tao", "/xa"),
        ("/xa/nghia-tru", "/xa/nghia-tru"),
        (
            "/nha-san-xuat/htx-nhan-long-song-hong-xanh",
            "/nha-san-xuat/htx-nhan-long-song-hong-xanh",
        ),
        (
            "/san-pham/ga-dong-tao?utm_source=zalo",
            "/san-pham/ga-dong-tao",
        ),
    ] {
        let html = app.page(path).await;
        let expected =
            format!(r#"<link href="https://dacsan.example{canonical}" rel="canonical">"#);
        assert!(html.contains(&expected), "{path} should name {canonical}");
    }
});

db_test!(
    related_products_are_a_few_others_from_the_same_commune,
    |engine| {
        let app = spawn_seeded_app(engine).await;
        let slugs = ocop_tests::fixtures::bulk_catalog(&app.db, 300)
            .await
            .unwrap();
        let html = app.page(&format!("/san-pham/{}", slugs[0])).await;
        let related = &html[html
            .find(r#"aria-labelledby="related""#)
            .expect("a related section")..];
        let cards = related.matches(r#"<li class="card""#).count();
        assert!((1..=4).contains(&cards), "{cards} related cards");
        assert!(
            !related.contains(&format!(r#"href="/san-pham/{}""#, slugs[0])),
            "a product is not related to itself"
        );
    }
);
