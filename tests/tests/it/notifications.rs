//! Notifications (#22): the officer's decisions reach the producer's people and the applicant
//! in their inbox, written with the decision itself (once per event, recipient and channel;
//! none for a change that is rolled back); the bell counts what is unread; opening a notice
//! marks it read and goes to its page; nobody opens another's notice.

use app::notify::{
    rules::Notice,
    storage::{Recipient, notify_in},
};
use ocop_tests::{TestApp, browser::Browser, browser::location, db_test, spawn_seeded_app};

use crate::{
    accounts::{commune_id, make_officer, sign_up, user_id},
    seller::{LONGAN_COOP, add_variant, create_listing, member, officer_of, producer},
};

async fn unread(app: &TestApp, user: &str) -> i64 {
    sqlx::query_scalar(
        "SELECT COUNT(*) FROM notifications
          WHERE recipient_user_id = $1 AND channel = 'inbox' AND read_at IS NULL",
    )
    .bind(user)
    .fetch_one(app.db.pool())
    .await
    .unwrap()
}

async fn notice_id(app: &TestApp, user: &str, kind: &str) -> String {
    sqlx::query_scalar(
        "SELECT id FROM notifications WHERE recipient_user_id = $1 AND kind = $2 AND channel = 'inbox'",
    )
    .bind(user)
    .bind(kind)
    .fetch_one(app.db.pool())
    .await
    .unwrap()
}

/// The bell's count in the header of a page the browser opens.
async fn bell(b: &Browser) -> Option<String> {
    let page = b.page("/").await;
    let start = page.find("class=\"inbox-link\"")?;
    let rest = &page[start..];
    let end = rest.find("</a>")?;
    let link = &rest[..end];
    let count = link.find("class=\"count\"").map(|i| {
        let after = &link[i..];
        let open = after.find('>').unwrap() + 1;
        let close = after.find('<').unwrap();
        after[open..close].to_owned()
    });
    Some(count.unwrap_or_default())
}

db_test!(
    an_officers_listing_decisions_reach_the_producers_people,
    |engine| {
        let app = spawn_seeded_app(engine).await;
        let farmer = member(&app, "0988 200 001", LONGAN_COOP).await;
        let partner = member(&app, "0988 200 002", LONGAN_COOP).await;
        let farmer_id = user_id(&app, "+84988200001").await;
        let partner_id = user_id(&app, "+84988200002").await;
        let (_, commune) = producer(&app, LONGAN_COOP).await;
        let officer = officer_of(&app, "0988 200 003", &commune).await;
        assert_eq!(
            bell(&farmer).await.as_deref(),
            Some(""),
            "a bell, nothing unread"
        );
        assert!(
            farmer
                .page("/thong-bao")
                .await
                .contains("Chưa có thông báo nào")
        );

        let id = create_listing(&app, &farmer, LONGAN_COOP, "Nhãn lồng sấy dẻo").await;
        add_variant(&farmer, &id, "Hộp 500 g", "120000", "10").await;
        let status = format!("/ban-hang/san-pham/{id}/trang-thai");
        let decide = format!("/can-bo/san-pham/{id}");
        farmer.submit(&status, &[("action", "publish")]).await;
        // Publishing tells nobody; the officer's refusal tells both people of the producer.
        assert_eq!(unread(&app, &farmer_id).await, 0);
        let r = officer
            .submit(
                &decide,
                &[("action", "reject"), ("reason", "Thiếu ảnh thật")],
            )
            .await;
        assert_eq!(location(&r), "/can-bo?ok=rejected#san-pham");
        assert_eq!(unread(&app, &farmer_id).await, 1);
        assert_eq!(unread(&app, &partner_id).await, 1);
        let inbox = farmer.page("/thong-bao").await;
        assert!(
            inbox.contains("“Nhãn lồng sấy dẻo” cần sửa trước khi bán")
                && inbox.contains("Lý do của cán bộ xã: Thiếu ảnh thật"),
            "{inbox}"
        );
        assert_eq!(bell(&farmer).await.as_deref(), Some("1"));
        assert_eq!(
            bell(&officer).await.as_deref(),
            Some(""),
            "the officer is not told"
        );

        farmer.submit(&status, &[("action", "publish")]).await;
        officer.submit(&decide, &[("action", "approve")]).await;
        assert_eq!(unread(&app, &farmer_id).await, 2);
        assert_eq!(bell(&partner).await.as_deref(), Some("2"));

        // Opening a notice marks it read and goes to its page.
        let approved = notice_id(&app, &farmer_id, "listing_approved").await;
        let r = farmer
            .submit(&format!("/thong-bao/{approved}/mo"), &[])
            .await;
        assert_eq!(location(&r), format!("/ban-hang/san-pham/{id}"));
        assert_eq!(unread(&app, &farmer_id).await, 1);
        assert_eq!(unread(&app, &partner_id).await, 2, "each person's own copy");

        // Another's notice cannot be opened, or its read state changed.
        let refused = notice_id(&app, &farmer_id, "listing_refused").await;
        let r = partner
            .submit(&format!("/thong-bao/{refused}/mo"), &[])
            .await;
        assert_eq!(location(&r), "/thong-bao");
        assert_eq!(unread(&app, &farmer_id).await, 1);
        let r = farmer.submit("/thong-bao/khong-co/mo", &[]).await;
        assert_eq!(location(&r), "/thong-bao");

        // All read at once; the bell shows no count.
        let r = partner.submit("/thong-bao/da-doc", &[]).await;
        assert_eq!(location(&r), "/thong-bao");
        assert_eq!(unread(&app, &partner_id).await, 0);
        assert_eq!(bell(&partner).await.as_deref(), Some(""));
        assert_eq!(unread(&app, &farmer_id).await, 1);

        // Visitors are sent to sign in.
        let visitor = Browser::new(&app.address);
        assert!(
            location(&visitor.submit("/thong-bao/da-doc", &[]).await).starts_with("/dang-nhap")
        );
        assert!(location(&visitor.get("/thong-bao").await).starts_with("/dang-nhap"));
    }
);

db_test!(an_applicant_hears_the_officers_decision, |engine| {
    let app = spawn_seeded_app(engine).await;
    let farmer = sign_up(&app, "0988 200 011", "Anh Nông").await;
    let officer = sign_up(&app, "0988 200 012", "Cán bộ Nghĩa Trụ").await;
    let nghia_tru = commune_id(&app, "nghia-tru").await;
    make_officer(&app, &user_id(&app, "+84988200012").await, &nghia_tru).await;
    farmer
        .submit(
            "/tai-khoan/ban-hang",
            &[
                ("name", "Vườn nhãn Anh Nông"),
                ("kind", "household"),
                ("commune_id", &nghia_tru),
            ],
        )
        .await;
    let producer: String =
        sqlx::query_scalar("SELECT id FROM producers WHERE name = 'Vườn nhãn Anh Nông'")
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    let r = officer
        .submit(
            &format!("/can-bo/don/{producer}"),
            &[("decision", "reject"), ("reason", "Vườn ở xã khác")],
        )
        .await;
    assert_eq!(location(&r), "/can-bo?ok=rejected");
    let inbox = farmer.page("/thong-bao").await;
    assert!(
        inbox.contains("Đơn đăng ký bán hàng của Vườn nhãn Anh Nông chưa được duyệt")
            && inbox.contains("Vườn ở xã khác"),
        "{inbox}"
    );
    assert_eq!(bell(&farmer).await.as_deref(), Some("1"));
});

db_test!(
    one_notice_per_event_recipient_and_channel_and_none_when_rolled_back,
    |engine| {
        let app = spawn_seeded_app(engine).await;
        sign_up(&app, "0988 200 021", "Chị Hoa").await;
        let user = user_id(&app, "+84988200021").await;
        let notice = Notice::ApplicationApproved {
            producer: "Vườn chị Hoa".into(),
        };
        let at = "2026-12-01T01:00:00.000Z";
        // The same event written twice (a retry, a second server) stays one notice.
        for _ in 0..2 {
            let mut tx = app.db.begin_write().await.unwrap();
            notify_in(&mut tx, "event-1", Recipient::User(&user), &notice, at)
                .await
                .unwrap();
            tx.commit().await.unwrap();
        }
        assert_eq!(unread(&app, &user).await, 1);
        // A change that is rolled back leaves no notice.
        let mut tx = app.db.begin_write().await.unwrap();
        notify_in(&mut tx, "event-2", Recipient::User(&user), &notice, at)
            .await
            .unwrap();
        tx.rollback().await.unwrap();
        assert_eq!(unread(&app, &user).await, 1);
        // A notice the code cannot read is an error, not a blank line.
        sqlx::query("UPDATE notifications SET params = '{\"kind\":\"lottery_won\"}' WHERE recipient_user_id = $1")
        .bind(&user)
        .execute(app.db.pool())
        .await
        .unwrap();
        assert!(app::notify::storage::inbox(&app.db, &user).await.is_err());
    }
);

/// The notices of one kind written for a recipient key ("user:…", "phone:+84…"), by channel.
async fn notices_for(app: &TestApp, recipient: &str, kind: &str) -> Vec<(String, String, String)> {
    sqlx::query_as(
        "SELECT channel, status, COALESCE(address, '') FROM notifications
          WHERE recipient = $1 AND kind = $2 ORDER BY channel",
    )
    .bind(recipient)
    .bind(kind)
    .fetch_all(app.db.pool())
    .await
    .unwrap()
}

db_test!(an_orders_steps_reach_its_buyer_and_its_producer, |engine| {
    use crate::checkout::{add, checkout_body, order_nos, place, two_producers};
    let app = spawn_seeded_app(engine).await;
    let (a, _) = two_producers(&app).await;
    let owner = sign_up(&app, "0933222111", "Chủ hộ").await;
    let owner_id = user_id(&app, "+84933222111").await;
    sqlx::query(
        "INSERT INTO producer_members (producer_id, user_id, role, created_at)
         VALUES ($1, $2, 'owner', '2026-11-27T00:00:00Z')",
    )
    .bind(&a.producer_id)
    .bind(&owner_id)
    .execute(app.db.pool())
    .await
    .unwrap();
    let owner_key = format!("user:{owner_id}");

    // A guest's order: the producer's people hear of it; the guest hears each step by SMS at
    // the phone given at checkout, in the language of the checkout.
    let guest = Browser::new(&app.address);
    add(&guest, &a.id, 1).await;
    let (status, placed) = place(
        &guest,
        &checkout_body(&app, "cod", "key-notify-00001").await,
    )
    .await;
    assert_eq!(status, 201, "{placed}");
    let no = order_nos(&placed)[0].clone();
    assert_eq!(
        notices_for(&app, &owner_key, "order_placed").await,
        vec![("inbox".into(), "sent".into(), String::new())]
    );
    assert!(
        owner
            .page("/thong-bao")
            .await
            .contains(&format!("Đơn hàng mới {no}"))
    );
    let path = format!("/don-hang/{no}/trang-thai");
    owner.submit(&path, &[("action", "confirm")]).await;
    owner
        .submit(
            &path,
            &[
                ("action", "ship"),
                ("carrier", "Viettel Post"),
                ("tracking_no", "VTP123456"),
            ],
        )
        .await;
    owner.submit(&path, &[("action", "deliver")]).await;
    let guest_key = "phone:+84912345678";
    for kind in ["order_confirmed", "order_shipped", "order_delivered"] {
        assert_eq!(
            notices_for(&app, guest_key, kind).await,
            vec![("sms".into(), "pending".into(), "+84912345678".into())],
            "{kind}"
        );
    }
    let (params, locale): (String, String) = sqlx::query_as(
        "SELECT params, locale FROM notifications WHERE recipient = $1 AND kind = 'order_shipped'",
    )
    .bind(guest_key)
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    assert!(
        params.contains("VTP123456") && params.contains("Viettel Post"),
        "{params}"
    );
    assert_eq!(locale, "vi");
    assert!(
        notices_for(&app, &owner_key, "order_confirmed")
            .await
            .is_empty(),
        "the producer is not told what it did"
    );

    // A signed-in buyer with a verified email (its phone unverified): the inbox and an email,
    // never an SMS; its own cancellation tells the producer only.
    let buyer = sign_up(&app, "0944555666", "Chị Mai").await;
    let buyer_id = user_id(&app, "+84944555666").await;
    sqlx::query("UPDATE users SET email = 'mai@example.vn', email_verified_at = '2026-12-01T00:00:00Z' WHERE id = $1")
        .bind(&buyer_id)
        .execute(app.db.pool())
        .await
        .unwrap();
    let buyer_key = format!("user:{buyer_id}");
    add(&buyer, &a.id, 1).await;
    let (_, placed) = place(
        &buyer,
        &checkout_body(&app, "cod", "key-notify-00002").await,
    )
    .await;
    let mine = order_nos(&placed)[0].clone();
    buyer
        .submit(
            &format!("/don-hang/{mine}/trang-thai"),
            &[("action", "cancel"), ("reason", "Đặt nhầm")],
        )
        .await;
    assert!(
        notices_for(&app, &buyer_key, "order_cancelled")
            .await
            .is_empty()
    );
    assert_eq!(
        notices_for(&app, &owner_key, "order_cancelled").await.len(),
        1
    );
    add(&buyer, &a.id, 1).await;
    let (_, placed) = place(
        &buyer,
        &checkout_body(&app, "cod", "key-notify-00003").await,
    )
    .await;
    let refused = order_nos(&placed)[0].clone();
    owner
        .submit(
            &format!("/don-hang/{refused}/trang-thai"),
            &[("action", "cancel"), ("reason", "Hết hàng loại 1")],
        )
        .await;
    assert_eq!(
        notices_for(&app, &buyer_key, "order_cancelled").await,
        vec![
            ("email".into(), "pending".into(), "mai@example.vn".into()),
            ("inbox".into(), "sent".into(), String::new()),
        ]
    );
    let inbox = buyer.page("/thong-bao").await;
    assert!(
        inbox.contains(&format!("Đơn {refused} đã bị hủy")) && inbox.contains("Hết hàng loại 1"),
        "{inbox}"
    );
    assert_eq!(
        notices_for(&app, &owner_key, "order_cancelled").await.len(),
        1,
        "its own cancellation is not news to the producer"
    );
});

db_test!(
    certificates_running_out_are_announced_once_per_stage,
    |engine| {
        use app::officer::storage::certificates::remind_expiring;
        use chrono::{Duration, NaiveDate, TimeZone, Utc};
        let app = spawn_seeded_app(engine).await;
        let _farmer = member(&app, "0988 300 001", LONGAN_COOP).await;
        let farmer = format!("user:{}", user_id(&app, "+84988300001").await);
        let (producer_id, commune) = producer(&app, LONGAN_COOP).await;
        let _officer = officer_of(&app, "0988 300 002", &commune).await;
        let officer = format!("user:{}", user_id(&app, "+84988300002").await);
        let product: String = sqlx::query_scalar(
        "SELECT id FROM products WHERE producer_id = $1 AND status = 'approved' ORDER BY id LIMIT 1",
    )
    .bind(&producer_id)
    .fetch_one(app.db.pool())
    .await
    .unwrap();
        // Only this product's certificates count here.
        sqlx::query("DELETE FROM ocop_certificates")
            .execute(app.db.pool())
            .await
            .unwrap();
        let expires = NaiveDate::from_ymd_opt(2027, 6, 30).unwrap();
        sqlx::query(
        "INSERT INTO ocop_certificates (id, product_id, stars, issuing_level, decision_no,
            issued_on, expires_on, created_at)
         VALUES ('cert-old', $1, 4, 'province', '12/QĐ-UBND', '2024-07-01', $2, '2024-07-01T00:00:00Z')",
    )
    .bind(&product)
    .bind(expires.format("%Y-%m-%d").to_string())
    .execute(app.db.pool())
    .await
    .unwrap();
        let now = Utc.with_ymd_and_hms(2026, 12, 1, 3, 0, 0).unwrap();
        let remind = |days_before: i64| {
            let db = app.db.clone();
            async move {
                remind_expiring(&db, expires - Duration::days(days_before), now)
                    .await
                    .unwrap()
            }
        };
        assert_eq!(remind(120).await, 0, "too early");
        assert_eq!(remind(60).await, 1);
        assert_eq!(remind(59).await, 0, "once per stage");
        for who in [&farmer, &officer] {
            assert_eq!(
                notices_for(&app, who, "certificate_expiring").await,
                vec![("inbox".into(), "sent".into(), String::new())],
                "{who}"
            );
        }
        assert_eq!(remind(20).await, 1, "the 30-day stage");
        assert_eq!(remind(-3).await, 1, "expired");
        assert_eq!(remind(-4).await, 0);
        assert_eq!(
            notices_for(&app, &farmer, "certificate_expiring")
                .await
                .len(),
            2
        );
        assert_eq!(
            notices_for(&app, &officer, "certificate_expired")
                .await
                .len(),
            1
        );
        let inbox = _officer.page("/thong-bao").await;
        assert!(
            inbox.contains("đã hết hạn") && inbox.contains("12/QĐ-UBND"),
            "{inbox}"
        );

        // A renewed certificate silences the old one's reminders.
        sqlx::query(
        "INSERT INTO ocop_certificates (id, product_id, stars, issuing_level, decision_no,
            issued_on, expires_on, created_at)
         VALUES ('cert-new', $1, 4, 'province', '99/QĐ-UBND', '2027-06-01', '2030-06-01', '2027-06-01T00:00:00Z')",
    )
    .bind(&product)
    .execute(app.db.pool())
    .await
    .unwrap();
        sqlx::query("DELETE FROM notifications WHERE kind LIKE 'certificate_%'")
            .execute(app.db.pool())
            .await
            .unwrap();
        assert_eq!(remind(10).await, 0);
    }
);

db_test!(
    an_account_chooses_its_channels_and_the_notices_follow,
    |engine| {
        let app = spawn_seeded_app(engine).await;
        let farmer = member(&app, "0988 400 001", LONGAN_COOP).await;
        let farmer_id = user_id(&app, "+84988400001").await;
        let page = farmer.page("/tai-khoan/thong-bao").await;
        assert!(page.contains("chưa xác minh, chưa gửi được"), "{page}");
        assert!(
            page.contains("0988 400 001"),
            "the phone as people read it: {page}"
        );
        assert!(page.contains("name=\"order_placed.email\""), "{page}");
        // A buyer is asked only about a buyer's notices.
        let buyer = crate::accounts::sign_up(&app, "0988 400 002", "Người mua").await;
        let theirs = buyer.page("/tai-khoan/thong-bao").await;
        assert!(theirs.contains("name=\"order_shipped.email\""), "{theirs}");
        for kind in ["order_placed", "listing_approved", "certificate_expiring"] {
            assert!(
                !theirs.contains(&format!("name=\"{kind}.email\"")),
                "{kind}: {theirs}"
            );
        }
        // Defaults: email on, SMS for essential notices, Zalo off.
        assert!(
            page.contains("name=\"order_placed.sms\" value=\"1\" checked"),
            "{page}"
        );
        assert!(
            !page.contains("name=\"order_placed.zalo\" value=\"1\" checked"),
            "{page}"
        );

        // Zalo instead of SMS for new orders; nothing outside the inbox for certificates.
        let mut form: Vec<(String, String)> = app::notify::rules::NoticeKind::ALL
            .iter()
            .filter(|k| **k != app::notify::rules::NoticeKind::CertificateExpiring)
            .map(|k| (format!("{}.email", k.as_str()), "1".to_owned()))
            .collect();
        form.push(("order_placed.zalo".into(), "1".into()));
        form.push(("order_placed.bogus".into(), "1".into()));
        let fields: Vec<(&str, &str)> =
            form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let r = farmer.submit("/tai-khoan/thong-bao", &fields).await;
        assert_eq!(location(&r), "/tai-khoan/thong-bao?ok=1");
        let page = farmer.page("/tai-khoan/thong-bao?ok=1").await;
        assert!(page.contains("Đã lưu lựa chọn."), "{page}");
        assert!(
            page.contains("name=\"order_placed.zalo\" value=\"1\" checked"),
            "{page}"
        );
        assert!(
            !page.contains("name=\"order_placed.sms\" value=\"1\" checked"),
            "{page}"
        );

        // With both contacts verified, a new order goes to the inbox, email and Zalo.
        sqlx::query(
        "UPDATE users SET email = 'farmer@example.vn', email_verified_at = '2026-12-01T00:00:00Z',
            phone_verified_at = '2026-12-01T00:00:00Z' WHERE id = $1",
    )
    .bind(&farmer_id)
    .execute(app.db.pool())
    .await
    .unwrap();
        let (producer_id, _) = producer(&app, LONGAN_COOP).await;
        let mut tx = app.db.begin_write().await.unwrap();
        app::notify::storage::notify_producer_in(
            &mut tx,
            "order_placed:test",
            &producer_id,
            &Notice::OrderPlaced {
                order_no: "DH-TEST".into(),
                total: app::domain::money::Vnd::new(90_000).unwrap(),
            },
            "2026-12-01T00:00:00Z",
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        let key = format!("user:{farmer_id}");
        assert_eq!(
            notices_for(&app, &key, "order_placed").await,
            vec![
                ("email".into(), "pending".into(), "farmer@example.vn".into()),
                ("inbox".into(), "sent".into(), String::new()),
                ("zalo".into(), "pending".into(), "+84988400001".into()),
            ]
        );
        // Visitors are sent to sign in.
        let visitor = Browser::new(&app.address);
        assert!(
            location(&visitor.submit("/tai-khoan/thong-bao", &[]).await).starts_with("/dang-nhap")
        );
    }
);
