//! The province administrator: merging communes keeps every producer and order, renaming keeps
//! the old name findable, commune officers, the bank account for transfers, and nobody else may.

use ocop_tests::{TestApp, browser::Browser, browser::location, db_test, spawn_seeded_app};

use super::accounts::{commune_id, make_admin, officer_of_commune, sign_up, user_id};

async fn admin(app: &TestApp) -> Browser {
    let b = sign_up(app, "0912000301", "Quản trị tỉnh").await;
    let key = app::auth::login::LoginId::parse("0912000301")
        .unwrap()
        .key();
    make_admin(app, &user_id(app, &key).await).await;
    b
}

async fn scalar(app: &TestApp, sql: &str, bind: &str) -> String {
    sqlx::query_scalar(sql)
        .bind(bind)
        .fetch_one(app.db.pool())
        .await
        .unwrap()
}

db_test!(merging_communes_keeps_every_producer_and_order, |engine| {
    let app = spawn_seeded_app(engine).await;
    app.guest_buys("ga-dong-tao", 1, "merge-order-000001").await;
    let admin = admin(&app).await;
    let officer = officer_of_commune(&app, "0912000302", "hoan-long").await;
    let (from, into) = (
        commune_id(&app, "hoan-long").await,
        commune_id(&app, "tan-hung").await,
    );
    let before = [
        app.count("producers").await,
        app.count("products").await,
        app.count("orders").await,
    ];

    let r = admin
        .submit("/quan-tri/xa/sap-nhap", &[("from", &from), ("into", &into)])
        .await;
    assert_eq!(location(&r), "/quan-tri?ok=1#sap-nhap");
    assert_eq!(
        [
            app.count("producers").await,
            app.count("products").await,
            app.count("orders").await
        ],
        before,
        "nothing lost"
    );
    let moved = scalar(
        &app,
        "SELECT commune_id FROM producers WHERE slug = $1",
        "trai-ga-dong-tao-thon-dong",
    )
    .await;
    assert_eq!(moved, into);
    let product_commune = scalar(
        &app,
        "SELECT commune_id FROM products WHERE slug = $1",
        "ga-dong-tao",
    )
    .await;
    assert_eq!(product_commune, into);
    let status = scalar(&app, "SELECT status FROM communes WHERE id = $1", &from).await;
    assert_eq!(status, "merged");
    let former: Vec<String> =
        sqlx::query_scalar("SELECT name FROM commune_former_names WHERE commune_id = $1")
            .bind(&into)
            .fetch_all(app.db.pool())
            .await
            .unwrap();
    assert!(former.contains(&"Hoàn Long".to_owned()) && former.contains(&"Đông Tảo".to_owned()));
    // The remaining commune keeps its own signature product.
    let signature = scalar(&app, "SELECT p.slug FROM commune_signature_products s JOIN products p ON p.id = s.product_id WHERE s.commune_id = $1", &into).await;
    assert_eq!(signature, "nhan-long-hung-yen");
    // The officer now works for the remaining commune; the order is still the buyer's.
    let theirs: Vec<String> =
        sqlx::query_scalar("SELECT commune_id FROM commune_officers WHERE user_id = $1")
            .bind(user_id(&app, "+84912000302").await)
            .fetch_all(app.db.pool())
            .await
            .unwrap();
    assert_eq!(theirs, std::slice::from_ref(&into));
    // (Once seen failing on PostgreSQL under CI load; the page is printed to find out why.)
    let dashboard = officer.page("/can-bo").await;
    assert!(
        dashboard.contains("Tân Hưng"),
        "the officer's page after the merge:\n{dashboard}"
    );
    // Buyers still find the chicken by the old commune's name.
    app.search_settled().await;
    let list: serde_json::Value = app
        .get("/api/v1/products?q=hoan+long")
        .await
        .json()
        .await
        .unwrap();
    assert!(
        list["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["slug"] == "ga-dong-tao")
    );
    assert_eq!(app.get("/xa/tan-hung").await.status(), 200);

    // The same commune twice, or a merged one, is refused.
    let r = admin
        .submit("/quan-tri/xa/sap-nhap", &[("from", &into), ("into", &into)])
        .await;
    assert_eq!(location(&r), "/quan-tri?loi=commune_merge#sap-nhap");
    let r = admin
        .submit("/quan-tri/xa/sap-nhap", &[("from", &from), ("into", &into)])
        .await;
    assert_eq!(location(&r), "/quan-tri?loi=commune_merge#sap-nhap");
});

db_test!(a_renamed_commune_is_still_found_by_its_old_name, |engine| {
    let app = spawn_seeded_app(engine).await;
    let admin = admin(&app).await;
    let tan_hung = commune_id(&app, "tan-hung").await;
    let r = admin
        .submit(
            "/quan-tri/xa/doi-ten",
            &[("commune_id", &tan_hung), ("name", "Tân Hưng Đông")],
        )
        .await;
    assert_eq!(location(&r), "/quan-tri?ok=1#doi-ten");
    let html = app.page("/xa/tan-hung").await;
    assert!(html.contains("Tân Hưng Đông"), "same address, new name");
    let list: serde_json::Value = app
        .get("/api/v1/communes?q=tan+hung")
        .await
        .json()
        .await
        .unwrap();
    assert!(
        list["items"][0]["former_names"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n == "Tân Hưng")
    );
    app.search_settled().await;
    let found: serde_json::Value = app
        .get("/api/v1/products?q=tan+hung+dong")
        .await
        .json()
        .await
        .unwrap();
    assert!(
        found["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["slug"] == "nhan-long-hung-yen")
    );
    for (name, code) in [("X", "commune_name"), ("Khoái Châu", "commune_name_taken")] {
        let r = admin
            .submit(
                "/quan-tri/xa/doi-ten",
                &[("commune_id", &tan_hung), ("name", name)],
            )
            .await;
        assert_eq!(location(&r), format!("/quan-tri?loi={code}#doi-ten"));
    }
});

db_test!(
    officers_and_the_bank_account_are_set_by_the_administrator_only,
    |engine| {
        let app = spawn_seeded_app(engine).await;
        let admin = admin(&app).await;
        let tan_hung = commune_id(&app, "tan-hung").await;
        sign_up(&app, "0912000303", "Chị Mai").await;
        let r = admin
            .submit(
                "/quan-tri/can-bo",
                &[("login", "0912 000 303"), ("commune_id", &tan_hung)],
            )
            .await;
        assert_eq!(location(&r), "/quan-tri?ok=1#can-bo");
        let mai = user_id(&app, "+84912000303").await;
        let officers: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM commune_officers WHERE user_id = $1")
                .bind(&mai)
                .fetch_one(app.db.pool())
                .await
                .unwrap();
        assert_eq!(officers, 1);
        let r = admin
            .submit(
                "/quan-tri/can-bo",
                &[("login", "0999 999 999"), ("commune_id", &tan_hung)],
            )
            .await;
        assert_eq!(location(&r), "/quan-tri?loi=user-unknown#can-bo");

        let r = admin
            .submit(
                "/quan-tri/ngan-hang",
                &[("bin", "12"), ("account_no", "123"), ("account_name", "X")],
            )
            .await;
        assert_eq!(location(&r), "/quan-tri?loi=bank_account#ngan-hang");
        let r = admin
            .submit(
                "/quan-tri/ngan-hang",
                &[
                    ("bin", "970415"),
                    ("account_no", "113366668888"),
                    ("account_name", "SAN OCOP HUNG YEN"),
                ],
            )
            .await;
        assert_eq!(location(&r), "/quan-tri?ok=1#ngan-hang");
        let bin = scalar(
            &app,
            "SELECT value FROM site_settings WHERE key = $1",
            "bank_bin",
        )
        .await;
        assert_eq!(bin, "970415");
        assert!(admin.page("/quan-tri").await.contains("113366668888"));

        // An officer (or anyone else) may not.
        let officer = officer_of_commune(&app, "0912000304", "tan-hung").await;
        let from = commune_id(&app, "hoan-long").await;
        let r = officer
            .submit(
                "/quan-tri/xa/sap-nhap",
                &[("from", &from), ("into", &tan_hung)],
            )
            .await;
        assert_eq!(r.status(), 403);
        let r = officer
            .submit(
                "/quan-tri/ngan-hang",
                &[
                    ("bin", "970436"),
                    ("account_no", "1"),
                    ("account_name", "X"),
                ],
            )
            .await;
        assert_eq!(r.status(), 403);
        assert_eq!(
            scalar(&app, "SELECT status FROM communes WHERE id = $1", &from).await,
            "active"
        );
        assert!(!officer.page("/quan-tri").await.contains("113366668888"));
    }
);

db_test!(
    administrators_disable_accounts_and_grant_the_role,
    |engine| {
        let app = spawn_seeded_app(engine).await;
        let admin = admin(&app).await;
        let buyer = sign_up(&app, "0912000305", "Anh Bình").await;
        let binh = user_id(&app, "+84912000305").await;
        let change = |who: String, what: &'static str| {
            let admin = &admin;
            async move {
                location(
                    &admin
                        .submit(
                            &format!("/quan-tri/nguoi-dung/{who}/trang-thai"),
                            &[("change", what)],
                        )
                        .await,
                )
            }
        };
        assert_eq!(
            change(binh.clone(), "disable").await,
            "/quan-tri/nguoi-dung?ok=user"
        );
        // Their session ended, and they cannot sign in again.
        assert_eq!(buyer.get("/tai-khoan").await.status(), 302);
        let again = Browser::new(&app.address);
        let r = again
            .submit(
                "/dang-nhap",
                &[
                    ("login", "0912000305"),
                    ("password", crate::accounts::PASSWORD),
                ],
            )
            .await;
        assert_ne!(location(&r), "/tai-khoan");
        assert_eq!(
            change(binh.clone(), "enable").await,
            "/quan-tri/nguoi-dung?ok=user"
        );
        let r = again
            .submit(
                "/dang-nhap",
                &[
                    ("login", "0912000305"),
                    ("password", crate::accounts::PASSWORD),
                ],
            )
            .await;
        assert_eq!(location(&r), "/tai-khoan");

        assert_eq!(
            change(binh.clone(), "grant_admin").await,
            "/quan-tri/nguoi-dung?ok=user"
        );
        assert!(
            again.page("/quan-tri").await.contains("Quản trị tỉnh"),
            "the new administrator's page"
        );
        assert_eq!(
            change(binh.clone(), "revoke_admin").await,
            "/quan-tri/nguoi-dung?ok=user"
        );
        let roles: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM user_roles WHERE user_id = $1 AND role = 'admin'",
        )
        .bind(&binh)
        .fetch_one(app.db.pool())
        .await
        .unwrap();
        assert_eq!(roles, 0);

        // Not yourself; not by anyone else.
        let me = user_id(&app, "+84912000301").await;
        assert_eq!(
            change(me.clone(), "disable").await,
            "/quan-tri/nguoi-dung?loi=yourself"
        );
        let r = again
            .submit(
                &format!("/quan-tri/nguoi-dung/{me}/trang-thai"),
                &[("change", "disable")],
            )
            .await;
        assert_eq!(r.status(), 403);
    }
);

db_test!(
    new_producers_start_with_the_default_delivery_fee,
    |engine| {
        let app = spawn_seeded_app(engine).await;
        let admin = admin(&app).await;
        let r = admin
            .submit("/quan-tri/giao-hang", &[("base", "25.000")])
            .await;
        assert_eq!(location(&r), "/quan-tri?ok=1#giao-hang");
        let r = admin.submit("/quan-tri/giao-hang", &[("base", "-1")]).await;
        assert_eq!(location(&r), "/quan-tri?loi=price#giao-hang");
        let farmer = sign_up(&app, "0912000306", "Chú Tư").await;
        let tan_hung = commune_id(&app, "tan-hung").await;
        let r = farmer
            .submit(
                "/tai-khoan/ban-hang",
                &[
                    ("name", "Hộ chú Tư"),
                    ("kind", "household"),
                    ("commune_id", &tan_hung),
                ],
            )
            .await;
        assert_eq!(r.status(), 303);
        let fee: i64 =
            sqlx::query_scalar("SELECT shipping_base_vnd FROM producers WHERE name = 'Hộ chú Tư'")
                .fetch_one(app.db.pool())
                .await
                .unwrap();
        assert_eq!(fee, 25_000);
    }
);

db_test!(the_administrator_adds_a_commune, |engine| {
    let app = spawn_seeded_app(engine).await;
    let admin = admin(&app).await;
    let before = app.count("communes").await;
    let r = admin
        .submit("/quan-tri/xa", &[("name", "Đông Tảo"), ("kind", "xa")])
        .await;
    assert_eq!(location(&r), "/quan-tri?ok=1#xa-moi");
    assert_eq!(app.count("communes").await, before + 1);
    assert_eq!(
        app.get("/xa/dong-tao").await.status(),
        200,
        "its page, named from its name"
    );
    for (name, kind, code) in [
        ("Đông Tảo", "xa", "commune_name_taken"),
        ("X", "xa", "commune_name"),
        ("Tân Mới", "huyen", "commune_kind"),
    ] {
        let r = admin
            .submit("/quan-tri/xa", &[("name", name), ("kind", kind)])
            .await;
        assert_eq!(location(&r), format!("/quan-tri?loi={code}#xa-moi"));
    }
    assert_eq!(app.count("communes").await, before + 1);
});
