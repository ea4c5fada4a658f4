//! The communes directory and the commune pages.

use ocop_tests::{db_test, spawn_seeded_app};

db_test!(
    the_directory_lists_every_commune_and_filters_without_diacritics,
    |engine| {
        let app = spawn_seeded_app(engine).await;
        let html = app.page("/xa").await;
        assert!(
            html.contains("104 xã, phường"),
            "every commune of today's Hưng Yên"
        );
        assert!(html.contains(r#"href="/xa/tan-hung""#));

        // Without diacritics, and by a former name: Đông Tảo is now part of xã Hoàn Long.
        let resp = app.get("/xa?q=dong%20tao").await;
        assert_eq!(resp.status(), 200);
        let html = resp.text().await.unwrap();
        assert!(html.contains("Hoàn Long"), "found through its former name");
        assert!(html.contains("1 xã, phường"));

        let html = app.page("/xa?q=Ph%E1%BB%91%20Hi%E1%BA%BFn").await;
        assert!(html.contains("Phố Hiến"));

        let html = app.page("/xa?q=zzzz").await;
        assert!(html.contains("Không có xã, phường nào khớp"));

        // Nonsense and oversized input is a normal page, never an error.
        let long = "a".repeat(10_000);
        assert_eq!(app.get(&format!("/xa?q={long}")).await.status(), 200);
        assert_eq!(app.get("/xa?q=%25%27%22%3Cscript%3E").await.status(), 200);
    }
);

db_test!(
    a_commune_page_shows_its_signature_product_and_producers,
    |engine| {
        let app = spawn_seeded_app(engine).await;
        let resp = app.get("/xa/tan-hung").await;
        assert_eq!(resp.status(), 200);
        let html = resp.text().await.unwrap();
        assert!(html.contains("<title>Xã Tân Hưng"), "a title of its own");
        assert!(html.contains("Sản phẩm tiêu biểu"));
        assert!(html.contains("Nhãn lồng Hưng Yên"));
        assert!(html.contains("HTX Nhãn lồng Sông Hồng Xanh"));
        assert!(
            html.contains("Hợp tác xã"),
            "the producer's legal form is shown"
        );
        assert!(html.contains("Hồng Nam"), "former names shown");
    }
);

db_test!(a_commune_page_hides_unapproved_products, |engine| {
    let app = spawn_seeded_app(engine).await;
    // Chân gà Đông Tảo is pending review in the demo data.
    let (name,): (String,) = sqlx::query_as(
        "SELECT name_vi FROM products WHERE slug = 'chan-ga-dong-tao' AND status = 'pending'",
    )
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    let html = app.page("/xa/hoan-long").await;
    assert!(html.contains("Gà Đông Tảo"), "approved products are shown");
    assert!(!html.contains(&name), "a pending product is not");
});

db_test!(unknown_communes_get_a_404, |engine| {
    let app = spawn_seeded_app(engine).await;
    let resp = app.get("/xa/khong-co-xa-nay").await;
    assert_eq!(resp.status(), 404);
    assert!(
        resp.text()
            .await
            .unwrap()
            .contains("Không tìm thấy trang này")
    );
    assert_eq!(app.get("/xa/%2E%2E%2Fetc").await.status(), 404);
});

db_test!(commune_pages_in_english, |engine| {
    let app = spawn_seeded_app(engine).await;
    let html = app.get_in_english("/xa/tan-hung").await;
    assert!(html.contains("Commune Tân Hưng"));
    assert!(html.contains("Signature product"));
    assert!(html.contains("Hưng Yên longan"));
    assert!(html.contains("Cooperative"));
});
