//! Personal data (#27): consent per purpose with the policy version (sign-up, checkout, the
//! data page), the JSON download holds the person's data and nothing of others, deleting an
//! account anonymises it while its orders stay correct, and the retention sweep.

use ocop_tests::{TestApp, browser::location, db_test, spawn_seeded_app};
use reqwest::StatusCode;
use serde_json::Value;

use super::accounts::{PASSWORD, member_of, sign_up, user_id};
use super::checkout::{add, checkout_body, order_nos, place, two_producers};
use super::farm_api::LONGAN_COOP;

const PAGE: &str = "/tai-khoan/du-lieu";

/// (purpose, granted, policy version) of a user's decisions, oldest first.
async fn decisions(app: &TestApp, user: &str) -> Vec<(String, i64, String)> {
    sqlx::query_as(
        "SELECT purpose, granted, policy_version FROM consent_records WHERE user_id = $1
         ORDER BY created_at, purpose",
    )
    .bind(user)
    .fetch_all(app.db.pool())
    .await
    .unwrap()
}

/// A signed-in buyer's order of one unit; its number.
async fn order_one(app: &TestApp, b: &ocop_tests::browser::Browser, key: &str) -> String {
    let (variant, _) = two_producers(app).await;
    add(b, &variant.id, 1).await;
    let (status, placed) = place(b, &checkout_body(app, "cod", key).await).await;
    assert_eq!(status, StatusCode::CREATED, "{placed}");
    order_nos(&placed).remove(0)
}

/// (subtotal, shipping, total, number of lines, sum of line totals, status) of an order.
async fn money_of(app: &TestApp, order_no: &str) -> (i64, i64, i64, i64, i64, String) {
    sqlx::query_as(
        "SELECT o.subtotal_vnd, o.shipping_vnd, o.total_vnd,
                (SELECT COUNT(*) FROM order_lines l WHERE l.order_id = o.id),
                (SELECT CAST(COALESCE(SUM(l.line_total_vnd), 0) AS BIGINT) FROM order_lines l WHERE l.order_id = o.id),
                o.status
         FROM orders o WHERE o.order_no = $1",
    )
    .bind(order_no)
    .fetch_one(app.db.pool())
    .await
    .unwrap()
}

db_test!(
    consent_is_recorded_per_purpose_with_the_policy_version,
    |engine| {
        let app = spawn_seeded_app(engine).await;
        let form = app
            .client
            .get(format!("{}/dang-ky", app.address))
            .send()
            .await
            .unwrap();
        let html = form.text().await.unwrap();
        assert!(
            html.contains(r#"<input type="checkbox" name="marketing" value="1">"#),
            "the optional box, not ticked: {html}"
        );

        // Signed up without ticking the box: the account is told, news is a no.
        let b = sign_up(&app, "0912 000 101", "Chị Mai").await;
        let mai = user_id(&app, "+84912000101").await;
        let version = app::privacy::rules::POLICY_VERSION.to_owned();
        assert_eq!(
            decisions(&app, &mai).await,
            vec![
                ("account".into(), 1, version.clone()),
                ("marketing".into(), 0, version.clone())
            ]
        );

        // Ticking it on the sign-up form records a yes.
        let other = ocop_tests::browser::Browser::new(&app.address);
        let r = other
            .submit(
                "/dang-ky",
                &[
                    ("name", "Anh Tú"),
                    ("login", "0912 000 102"),
                    ("password", PASSWORD),
                    ("password_again", PASSWORD),
                    ("marketing", "1"),
                ],
            )
            .await;
        assert_eq!(r.status(), 303);
        let tu = user_id(&app, "+84912000102").await;
        assert!(
            decisions(&app, &tu)
                .await
                .contains(&("marketing".into(), 1, version.clone()))
        );

        // On the data page Mai agrees, then withdraws; each is a new row, the newest in force.
        let page = b.page(PAGE).await;
        assert!(
            page.contains("Chưa chọn") || page.contains("Không đồng ý"),
            "{page}"
        );
        let to = location(
            &b.submit(
                &format!("{PAGE}/dong-y"),
                &[("purpose", "marketing"), ("granted", "1")],
            )
            .await,
        );
        assert_eq!(to, format!("{PAGE}?ok=1#dong-y"));
        assert!(b.page(PAGE).await.contains("Rút lại đồng ý"));
        b.submit(
            &format!("{PAGE}/dong-y"),
            &[("purpose", "marketing"), ("granted", "0")],
        )
        .await;
        let rows = decisions(&app, &mai).await;
        assert_eq!(rows.len(), 4);
        assert_eq!(
            rows.iter()
                .filter(|r| r.0 == "marketing")
                .map(|r| r.1)
                .collect::<Vec<_>>(),
            vec![0, 1, 0]
        );

        // The contract's purposes are not switched off here: they end with the account.
        let to = location(
            &b.submit(
                &format!("{PAGE}/dong-y"),
                &[("purpose", "account"), ("granted", "0")],
            )
            .await,
        );
        assert!(to.contains("loi=not_optional"), "{to}");
        assert!(b.page(&to).await.contains("chấm dứt khi bạn xoá tài khoản"));
        assert_eq!(decisions(&app, &mai).await.len(), 4);

        // A guest's checkout records what the order's data is for, with the version.
        let guest = ocop_tests::browser::Browser::new(&app.address);
        let (variant, _) = two_producers(&app).await;
        add(&guest, &variant.id, 1).await;
        let checkout = guest.page("/thanh-toan").await;
        assert!(
            checkout.contains("được dùng để giao đơn này"),
            "told beside the button: {checkout}"
        );
        let (status, placed) =
            place(&guest, &checkout_body(&app, "cod", "privacy-guest-1").await).await;
        assert_eq!(status, StatusCode::CREATED, "{placed}");
        let recorded: Vec<(String, String, String)> = sqlx::query_as(
            "SELECT r.purpose, r.basis, r.policy_version FROM consent_records r
             JOIN orders o ON o.checkout_id = r.checkout_id WHERE o.order_no = $1",
        )
        .bind(&order_nos(&placed)[0])
        .fetch_all(app.db.pool())
        .await
        .unwrap();
        assert_eq!(recorded, vec![("order".into(), "contract".into(), version)]);
    }
);

db_test!(
    the_data_download_holds_the_persons_orders_and_nothing_of_others,
    |engine| {
        let app = spawn_seeded_app(engine).await;
        let hoa = sign_up(&app, "0912 000 201", "Chị Hoa").await;
        let mine = order_one(&app, &hoa, "privacy-export-hoa").await;
        let binh = sign_up(&app, "0912 000 202", "Anh Bình").await;
        let theirs = order_one(&app, &binh, "privacy-export-binh").await;
        // Bình's delivery contact differs from Hoa's, so a leak would show.
        sqlx::query(
            "UPDATE checkouts SET contact_name = 'Trần Văn Bình', contact_phone = '+84912999888'
             WHERE id = (SELECT checkout_id FROM orders WHERE order_no = $1)",
        )
        .bind(&theirs)
        .execute(app.db.pool())
        .await
        .unwrap();

        for (b, message) in [
            (&hoa, "Hộp nhãn của Hoa bị móp"),
            (&binh, "Giao chậm cho Bình"),
        ] {
            let r = b
                .submit(
                    "/khieu-nai",
                    &[
                        ("name", "Người khiếu nại"),
                        ("contact", "0912 345 678"),
                        ("order_no", ""),
                        ("category", "delivery"),
                        ("message", message),
                    ],
                )
                .await;
            assert_eq!(r.status(), 303);
        }
        let r = hoa.get(&format!("{PAGE}.json")).await;
        assert_eq!(r.status(), 200);
        assert!(
            r.headers()["content-disposition"]
                .to_str()
                .unwrap()
                .contains("attachment")
        );
        assert_eq!(r.headers()["cache-control"], "no-store");
        let text = r.text().await.unwrap();
        let data: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(data["account"]["name"], "Chị Hoa");
        assert_eq!(data["account"]["phone"], "+84912000201");
        let orders = data["orders"].as_array().unwrap();
        assert_eq!(orders.len(), 1);
        assert_eq!(orders[0]["order_no"], mine.as_str());
        assert_eq!(orders[0]["contact_name"], "Nguyễn Thị Hoa");
        assert!(!orders[0]["lines"].as_array().unwrap().is_empty());
        assert!(!data["consents"].as_array().unwrap().is_empty());
        assert!(!data["sessions"].as_array().unwrap().is_empty());
        assert!(
            !data["actions"].as_array().unwrap().is_empty(),
            "the sign-up"
        );
        assert_eq!(data["complaints"][0]["message"], "Hộp nhãn của Hoa bị móp");
        assert_eq!(data["complaints"].as_array().unwrap().len(), 1);
        for other in [
            "Giao chậm cho Bình",
            theirs.as_str(),
            "Trần Văn Bình",
            "+84912999888",
            "Anh Bình",
            "+84912000202",
        ] {
            assert!(!text.contains(other), "{other} leaked into Hoa's data");
        }

        // Not signed in: no data, the sign-in page.
        let stranger = ocop_tests::browser::Browser::new(&app.address);
        let r = stranger.get(&format!("{PAGE}.json")).await;
        assert_eq!(r.status(), 303);
        assert!(location(&r).starts_with("/dang-nhap"));
        assert!(hoa.page(PAGE).await.contains("Tải về (JSON)"));
    }
);

db_test!(
    deleting_an_account_anonymises_it_and_its_orders_stay_correct,
    |engine| {
        let app = spawn_seeded_app(engine).await;
        let b = sign_up(&app, "0912 000 301", "Chị Lụa").await;
        let user = user_id(&app, "+84912000301").await;
        let order = order_one(&app, &b, "privacy-delete-1").await;
        let delete = format!("{PAGE}/xoa");

        // An order still on its way needs the contact: refused.
        let to = location(
            &b.submit(&delete, &[("password", PASSWORD), ("confirm", "1")])
                .await,
        );
        assert!(to.contains("loi=open_orders"), "{to}");
        assert!(b.page(&to).await.contains("đơn hàng đang giao"));
        sqlx::query("UPDATE orders SET status = 'delivered' WHERE order_no = $1")
            .bind(&order)
            .execute(app.db.pool())
            .await
            .unwrap();
        let before = money_of(&app, &order).await;
        // The password and the confirmation box are both needed.
        let to = location(
            &b.submit(
                &delete,
                &[("password", "sai mật khẩu rồi"), ("confirm", "1")],
            )
            .await,
        );
        assert!(to.contains("loi=password"), "{to}");
        let to = location(&b.submit(&delete, &[("password", PASSWORD)]).await);
        assert!(to.contains("loi=confirm"), "{to}");
        let kept: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE id = $1 AND deleted_at IS NULL")
                .bind(&user)
                .fetch_one(app.db.pool())
                .await
                .unwrap();
        assert_eq!(kept, 1, "nothing deleted by the refusals");

        b.submit(
            "/khieu-nai",
            &[
                ("name", "Chị Lụa"),
                ("contact", "lua@example.vn"),
                ("order_no", order.as_str()),
                ("category", "product"),
                ("message", "Hàng giao thiếu"),
            ],
        )
        .await;
        let r = b
            .submit(&delete, &[("password", PASSWORD), ("confirm", "1")])
            .await;
        assert_eq!(r.status(), 303);
        assert_eq!(location(&r), "/dang-nhap?ok=tai-khoan-da-xoa");
        let (complainant, contact, message): (String, String, String) =
            sqlx::query_as("SELECT name, contact, message FROM complaints WHERE user_id = $1")
                .bind(&user)
                .fetch_one(app.db.pool())
                .await
                .unwrap();
        assert_eq!(complainant, app::privacy::rules::ANONYMOUS_NAME);
        assert_eq!(contact, "-");
        assert_eq!(
            message, "Hàng giao thiếu",
            "the complaint itself stays for its handling"
        );
        assert!(
            b.page("/dang-nhap?ok=tai-khoan-da-xoa")
                .await
                .contains("đã được xoá")
        );

        let (name, phone, email, hash, status, deleted): (String, Option<String>, Option<String>, Option<String>, String, Option<String>) =
            sqlx::query_as("SELECT display_name, phone, email, password_hash, status, deleted_at FROM users WHERE id = $1")
                .bind(&user)
                .fetch_one(app.db.pool())
                .await
                .unwrap();
        assert_eq!(name, app::privacy::rules::ANONYMOUS_NAME);
        assert_eq!(phone, None);
        assert_eq!(email, Some(format!("deleted-{user}@invalid")));
        assert_eq!(hash, None);
        assert_eq!(status, "disabled");
        assert!(deleted.is_some());
        let (contact, contact_phone, street): (String, String, String) = sqlx::query_as(
            "SELECT c.contact_name, c.contact_phone, c.street FROM checkouts c
             JOIN orders o ON o.checkout_id = c.id WHERE o.order_no = $1",
        )
        .bind(&order)
        .fetch_one(app.db.pool())
        .await
        .unwrap();
        assert_eq!(contact, app::privacy::rules::ANONYMOUS_NAME);
        assert_eq!(contact_phone, "+84000000000");
        assert_eq!(street, "-");
        // The order is kept, to the dong, still the buyer's.
        assert_eq!(money_of(&app, &order).await, before);
        let still: Option<String> =
            sqlx::query_scalar("SELECT buyer_user_id FROM orders WHERE order_no = $1")
                .bind(&order)
                .fetch_one(app.db.pool())
                .await
                .unwrap();
        assert_eq!(still.as_deref(), Some(user.as_str()));
        for table in [
            "sessions",
            "carts",
            "notification_preferences",
            "verification_codes",
        ] {
            let n: i64 =
                sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table} WHERE user_id = $1"))
                    .bind(&user)
                    .fetch_one(app.db.pool())
                    .await
                    .unwrap();
            assert_eq!(n, 0, "{table}");
        }
        // The old session is over, and the login is free for a new account.
        assert_eq!(b.get("/tai-khoan").await.status(), 302);
        let again = sign_up(&app, "0912 000 301", "Chị Lụa").await;
        assert!(again.page("/tai-khoan").await.contains("Chị Lụa"));
        assert_ne!(user_id(&app, "+84912000301").await, user);
    }
);

db_test!(
    the_sole_owner_of_a_producer_cannot_delete_the_account,
    |engine| {
        let app = spawn_seeded_app(engine).await;
        let b = member_of(&app, "0912 000 401", "Chị Nga", LONGAN_COOP).await;
        // The seed's owner leaves: Nga is the only one.
        sqlx::query(
            "DELETE FROM producer_members WHERE producer_id = (SELECT id FROM producers WHERE slug = $1)
             AND user_id <> (SELECT id FROM users WHERE phone = '+84912000401')",
        )
        .bind(LONGAN_COOP)
        .execute(app.db.pool())
        .await
        .unwrap();
        let to = location(
            &b.submit(
                &format!("{PAGE}/xoa"),
                &[("password", PASSWORD), ("confirm", "1")],
            )
            .await,
        );
        assert!(to.contains("loi=sole_owner"), "{to}");
    }
);

db_test!(
    retention_periods_are_enforced_by_the_settling_task,
    |engine| {
        let app = spawn_seeded_app(engine).await;
        sign_up(&app, "0912 000 501", "Anh Long").await;
        let user = user_id(&app, "+84912000501").await;
        let long_ago = "2020-01-01T00:00:00.000Z";
        let recent = app::domain::time::db_timestamp(chrono::Utc::now());
        let later = app::domain::time::db_timestamp(chrono::Utc::now() + chrono::Duration::days(1));
        for (hash, expires) in [("a".repeat(64), long_ago), ("b".repeat(64), later.as_str())] {
            sqlx::query("INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at) VALUES ($1, $2, $3, $3, $4)")
            .bind(hash)
            .bind(&user)
            .bind(long_ago)
            .bind(expires)
            .execute(app.db.pool())
            .await
            .unwrap();
        }
        for (id, at) in [("old-audit", long_ago), ("new-audit", recent.as_str())] {
            sqlx::query("INSERT INTO audit_log (id, action, subject_type, subject_id, created_at) VALUES ($1, 'test', 'x', 'y', $2)")
            .bind(id)
            .bind(at)
            .execute(app.db.pool())
            .await
            .unwrap();
        }
        sqlx::query("INSERT INTO verification_codes (id, purpose, user_id, address, code_hash, created_at, expires_at) VALUES ('old-code', 'verify_phone', $1, '+84912000501', $2, $3, $3)")
        .bind(&user)
        .bind("c".repeat(64))
        .bind(long_ago)
        .execute(app.db.pool())
        .await
        .unwrap();
        server::payments::tasks::settle(&app.state).await.unwrap();
        let count = |sql: &'static str| {
            let db = app.db.clone();
            async move {
                sqlx::query_scalar::<_, i64>(sql)
                    .fetch_one(db.pool())
                    .await
                    .unwrap()
            }
        };
        assert_eq!(
            count("SELECT COUNT(*) FROM sessions WHERE expires_at = '2020-01-01T00:00:00.000Z'")
                .await,
            0
        );
        assert_eq!(
            count("SELECT COUNT(*) FROM sessions WHERE token_hash LIKE 'bbbb%'").await,
            1
        );
        assert_eq!(
            count("SELECT COUNT(*) FROM audit_log WHERE id = 'old-audit'").await,
            0
        );
        assert_eq!(
            count("SELECT COUNT(*) FROM audit_log WHERE id = 'new-audit'").await,
            1
        );
        assert_eq!(
            count("SELECT COUNT(*) FROM verification_codes WHERE id = 'old-code'").await,
            0
        );
        // The policy page states the same periods the sweep keeps.
        let policy = ocop_tests::browser::Browser::new(&app.address)
            .page("/chinh-sach-bao-mat")
            .await;
        assert!(
            policy.contains(&format!("{} ngày", app::privacy::rules::Kept::Audit.days())),
            "{policy}"
        );
        assert!(policy.contains(&format!("{} ngày", app::privacy::rules::GUEST_CART_DAYS)));
    }
);
