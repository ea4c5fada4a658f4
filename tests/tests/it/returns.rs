//! Returns and complaints against the real server: the window after delivery, the producer's
//! one answer, the escalation to the commune officer and then the marketplace, the refund an
//! upheld request records, and complaints filed by anyone and followed by tracking number.

use ocop_tests::{
    TestApp,
    browser::{Browser, location},
    db_test, spawn_seeded_app,
};

use super::{
    accounts::{make_admin, member_of, officer_of_commune, sign_up, user_id},
    checkout::{add, checkout_body, order_nos, place, two_producers},
};

/// A cash-on-delivery order by a signed-up buyer, delivered `days_ago` days ago (the
/// delivery written as the deliver step writes it), with its producer's and commune's slugs.
async fn delivered_order(app: &TestApp, days_ago: i64) -> (Browser, String, String, String) {
    let buyer = sign_up(app, "nguoi-mua@example.vn", "Người mua").await;
    let (v, _) = two_producers(app).await;
    add(&buyer, &v.id, 1).await;
    let (status, placed) = place(&buyer, &checkout_body(app, "cod", "key-return-1").await).await;
    assert_eq!(status, 201, "{placed}");
    let no = order_nos(&placed).remove(0);
    deliver_at(app, &no, days_ago).await;
    let (producer, commune): (String, String) = sqlx::query_as(
        "SELECT pr.slug, c.slug FROM producers pr JOIN communes c ON c.id = pr.commune_id WHERE pr.id = $1",
    )
    .bind(&v.producer_id)
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    (buyer, no, producer, commune)
}

async fn deliver_at(app: &TestApp, order_no: &str, days_ago: i64) {
    let at = app::domain::time::db_timestamp(chrono::Utc::now() - chrono::Duration::days(days_ago));
    for sql in [
        "UPDATE orders SET status = 'delivered' WHERE order_no = $1",
        "UPDATE payments SET status = 'paid', paid_at = '2026-01-01T00:00:00.000Z' WHERE order_id = (SELECT id FROM orders WHERE order_no = $1)",
        "DELETE FROM order_status_history WHERE to_status = 'delivered' AND order_id = (SELECT id FROM orders WHERE order_no = $1)",
    ] {
        sqlx::query(sql)
            .bind(order_no)
            .execute(app.db.pool())
            .await
            .unwrap();
    }
    sqlx::query(
        "INSERT INTO order_status_history (id, order_id, from_status, to_status, note, created_at)
         SELECT $2, id, 'shipped', 'delivered', '', $3 FROM orders WHERE order_no = $1",
    )
    .bind(order_no)
    .bind(app::db::ids::new_id())
    .bind(at)
    .execute(app.db.pool())
    .await
    .unwrap();
}

async fn request_status(app: &TestApp, order_no: &str) -> String {
    sqlx::query_scalar(
        "SELECT r.status FROM return_requests r JOIN orders o ON o.id = r.order_id WHERE o.order_no = $1",
    )
    .bind(order_no)
    .fetch_one(app.db.pool())
    .await
    .unwrap()
}

async fn history(app: &TestApp, order_no: &str) -> Vec<String> {
    sqlx::query_scalar(
        "SELECT h.note FROM order_status_history h JOIN orders o ON o.id = h.order_id
         WHERE o.order_no = $1 AND h.note <> '' ORDER BY h.created_at, h.id",
    )
    .bind(order_no)
    .fetch_all(app.db.pool())
    .await
    .unwrap()
}

async fn ask(b: &Browser, order_no: &str) -> String {
    // What arrived, photographed (the form is multipart).
    let photo = server::photos::samples::jpeg(64, 48);
    let r = b
        .upload(
            &format!("/don-hang/{order_no}/tra-hang"),
            &[
                ("wanted", "refund"),
                ("reason", "Nhãn bị dập, chảy nước"),
                ("items", ""),
            ],
            &[("anh", "dap.jpg", &photo)],
        )
        .await;
    assert_eq!(r.status(), 303);
    location(&r)
}

async fn step(b: &Browser, order_no: &str, action: &str, reason: &str) -> String {
    let r = b
        .submit(
            &format!("/don-hang/{order_no}/tra-hang/buoc"),
            &[("action", action), ("reason", reason)],
        )
        .await;
    assert_eq!(r.status(), 303, "{action}");
    location(&r)
}

db_test!(a_return_after_the_window_is_refused, |engine| {
    let app = spawn_seeded_app(engine).await;
    let (buyer, no, producer, _) = delivered_order(&app, 8).await;
    // Eight days after delivery both windows (3 and 7 days) are over: no form, and a POST is
    // refused with the reason.
    let page = buyer.page(&format!("/don-hang/{no}")).await;
    assert!(!page.contains("return-ask"), "{page}");
    let to = ask(&buyer, &no).await;
    assert!(to.ends_with("tra_loi=het-han#tra-hang"), "{to}");
    assert_eq!(app.count("return_requests").await, 0);
    let page = buyer.page(&to).await;
    assert!(page.contains("Đã quá thời hạn đổi trả"), "{page}");

    // Within the window: the form shows, the request is recorded, the producer sees it, and
    // the order's history has the step with the producer's deadline.
    deliver_at(&app, &no, 1).await;
    let page = buyer.page(&format!("/don-hang/{no}")).await;
    assert!(page.contains("return-ask"), "{page}");
    let bad = buyer
        .upload(
            &format!("/don-hang/{no}/tra-hang"),
            &[("wanted", "refund"), ("reason", "  ")],
            &[],
        )
        .await;
    assert!(location(&bad).ends_with("tra_loi=ly-do#tra-hang"));
    // At most three photos: a fourth is refused before any is decoded or stored.
    let photo = server::photos::samples::jpeg(64, 48);
    let four = buyer
        .upload(
            &format!("/don-hang/{no}/tra-hang"),
            &[("wanted", "refund"), ("reason", "Dập")],
            &[
                ("anh", "1.jpg", &photo),
                ("anh", "2.jpg", &photo),
                ("anh", "3.jpg", &photo),
                ("anh", "4.jpg", &photo),
            ],
        )
        .await;
    assert!(
        location(&four).ends_with("tra_loi=anh#tra-hang"),
        "{}",
        location(&four)
    );
    assert_eq!(app.count("return_requests").await, 0);
    let to = ask(&buyer, &no).await;
    assert!(to.ends_with("tra_ok=1#tra-hang"), "{to}");
    assert_eq!(
        app.count("return_request_photos").await,
        1,
        "the photo is kept with the request"
    );

    assert_eq!(request_status(&app, &no).await, "requested");
    assert_eq!(history(&app, &no).await, ["return:requested"]);
    let page = buyer.page(&format!("/don-hang/{no}")).await;
    assert!(page.contains("Nhà sản xuất cần trả lời trước"), "{page}");
    // A second request on the same order is refused.
    let again = ask(&buyer, &no).await;
    assert!(again.ends_with("tra_loi=da-co#tra-hang"), "{again}");

    let seller = member_of(&app, "0912000111", "Chủ cơ sở", &producer).await;
    let list = seller.page("/ban-hang/tra-hang").await;
    let seen = seller.page(&format!("/don-hang/{no}")).await;
    assert!(
        seen.contains("review-photos"),
        "the producer sees the photo: {seen}"
    );
    assert!(list.contains(&no), "{list}");
    let notices: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM notifications WHERE kind = 'return_update' AND channel = 'inbox'",
    )
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    assert!(notices >= 1);
});

db_test!(
    a_refused_request_goes_to_the_officer_then_the_marketplace,
    |engine| {
        let app = spawn_seeded_app(engine).await;
        let (buyer, no, producer, commune) = delivered_order(&app, 0).await;
        ask(&buyer, &no).await;
        let seller = member_of(&app, "0912000111", "Chủ cơ sở", &producer).await;

        // Escalating before the producer refused or its deadline passed is refused.
        let to = step(&buyer, &no, "escalate", "").await;
        assert!(to.ends_with("tra_loi=chua-den-han#tra-hang"), "{to}");
        // The buyer cannot answer for the producer.
        let to = step(&buyer, &no, "accept_refund", "").await;
        assert!(to.ends_with("tra_loi=khong-phai#tra-hang"), "{to}");
        // A refusal needs its reason.
        let to = step(&seller, &no, "refuse", "").await;
        assert!(to.ends_with("tra_loi=ly-do#tra-hang"), "{to}");
        step(
            &seller,
            &no,
            "refuse",
            "Hàng giao đúng, ảnh không cho thấy hỏng",
        )
        .await;
        assert_eq!(request_status(&app, &no).await, "refused");

        // Refused: the buyer takes it to the commune officer, who rules against it.
        step(&buyer, &no, "escalate", "").await;
        assert_eq!(request_status(&app, &no).await, "with_officer");
        let officer = officer_of_commune(&app, "0912000222", &commune).await;
        let list = officer.page("/can-bo/khieu-nai-tra-hang").await;
        assert!(list.contains(&no), "{list}");
        let page = buyer.page(&format!("/don-hang/{no}")).await;
        assert!(page.contains("Cán bộ xã cần quyết định trước"), "{page}");
        step(&officer, &no, "reject", "Không đủ căn cứ").await;
        assert_eq!(request_status(&app, &no).await, "officer_rejected");

        // Once more, to the marketplace, whose decision for the buyer records the refund (cash:
        // owed by hand, as the order's history says).
        step(&buyer, &no, "escalate", "").await;
        assert_eq!(request_status(&app, &no).await, "with_marketplace");
        let admin = sign_up(&app, "quan-tri@hungyen.example", "Quản trị").await;
        make_admin(&app, &user_id(&app, "quan-tri@hungyen.example").await).await;
        let list = admin.page("/quan-tri/tra-hang").await;
        assert!(list.contains(&no), "{list}");
        // The officer's word is not the marketplace's.
        let to = step(&officer, &no, "uphold_refund", "").await;
        assert!(to.contains("tra_loi="), "{to}");
        step(&admin, &no, "uphold_refund", "").await;
        assert_eq!(request_status(&app, &no).await, "marketplace_upheld");
        assert_eq!(
            history(&app, &no).await,
            [
                "return:requested",
                "return:refused",
                "return:with_officer",
                "return:officer_rejected",
                "return:with_marketplace",
                "return:marketplace_upheld",
                "refund_owed_by_hand",
            ]
        );
        // Final: nothing more.
        let to = step(&buyer, &no, "escalate", "").await;
        assert!(to.ends_with("tra_loi=da-dong#tra-hang"), "{to}");
    }
);

db_test!(
    an_unanswered_request_goes_to_the_officer_who_rules_for_the_buyer,
    |engine| {
        let app = spawn_seeded_app(engine).await;
        let (buyer, no, _, commune) = delivered_order(&app, 0).await;
        ask(&buyer, &no).await;
        // The producer's deadline passes unanswered.
        sqlx::query("UPDATE return_requests SET due_at = '2026-01-01T00:00:00.000Z'")
            .execute(app.db.pool())
            .await
            .unwrap();
        let page = buyer.page(&format!("/don-hang/{no}")).await;
        assert!(page.contains("Đã quá hạn trả lời"), "{page}");
        step(&buyer, &no, "escalate", "").await;
        assert_eq!(request_status(&app, &no).await, "with_officer");
        let officer = officer_of_commune(&app, "0912000222", &commune).await;
        step(&officer, &no, "uphold_refund", "").await;
        assert_eq!(request_status(&app, &no).await, "officer_upheld");
        assert!(
            history(&app, &no)
                .await
                .contains(&"refund_owed_by_hand".to_owned())
        );
        let notified: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM notifications WHERE kind = 'return_update' AND channel = 'inbox'
         AND params LIKE '%officer_upheld%'",
        )
        .fetch_one(app.db.pool())
        .await
        .unwrap();
        assert!(notified >= 1);
    }
);

db_test!(two_answers_at_once_one_wins, |engine| {
    let app = spawn_seeded_app(engine).await;
    let (buyer, no, producer, _) = delivered_order(&app, 0).await;
    ask(&buyer, &no).await;
    let a = member_of(&app, "0912000111", "Chủ cơ sở", &producer).await;
    let b = member_of(&app, "0912000333", "Nhân viên", &producer).await;
    let (x, y) = tokio::join!(
        step(&a, &no, "accept_refund", ""),
        step(&b, &no, "refuse", "Không nhận lại hàng tươi"),
    );
    let won = [&x, &y]
        .iter()
        .filter(|l| l.ends_with("tra_ok=1#tra-hang"))
        .count();
    assert_eq!(won, 1, "{x} / {y}");
    let status = request_status(&app, &no).await;
    assert!(status == "accepted" || status == "refused", "{status}");
    assert_eq!(
        history(&app, &no)
            .await
            .iter()
            .filter(|n| n.starts_with("return:") && *n != "return:requested")
            .count(),
        1
    );
});

db_test!(a_complaint_gets_a_tracking_number_and_an_answer, |engine| {
    let app = spawn_seeded_app(engine).await;
    let guest = Browser::new(&app.address);
    let page = guest.page("/khieu-nai").await;
    assert!(page.contains("phiên bản 1"), "{page}");
    // Bad input: a clear message, nothing stored.
    let r = guest
        .submit(
            "/khieu-nai",
            &[
                ("name", "Hoa"),
                ("contact", "gọi tôi"),
                ("category", "delivery"),
                ("message", "Giao chậm"),
            ],
        )
        .await;
    assert_eq!(location(&r), "/khieu-nai?loi=lien-he");
    let page = guest.page(&location(&r)).await;
    assert!(page.contains("Hãy ghi email hoặc số điện thoại"), "{page}");
    assert_eq!(app.count("complaints").await, 0);

    let r = guest
        .submit(
            "/khieu-nai",
            &[
                ("name", "Nguyễn Thị Hoa"),
                ("contact", "0912 345 678"),
                ("order_no", ""),
                ("category", "delivery"),
                ("message", "Người giao hàng thu thêm phí"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    let to = location(&r);
    let code = to
        .strip_prefix("/khieu-nai/")
        .and_then(|t| t.strip_suffix("?moi=1"))
        .unwrap()
        .to_owned();
    assert!(code.starts_with("KN-") && code.len() == 14, "{code}");
    // Anyone holding the number reads the status, not the complainant's contact.
    let page = Browser::new(&app.address)
        .page(&format!("/khieu-nai/{}", code.to_lowercase()))
        .await;
    assert!(
        page.contains("Đã nhận") && page.contains("thu thêm phí"),
        "{page}"
    );
    assert!(!page.contains("0912 345 678"));
    let none = guest.get("/khieu-nai/KN-00000-00000").await;
    assert_eq!(none.status(), 404);

    // A signed-in complainant's account is kept with it.
    let buyer = sign_up(&app, "nguoi-mua@example.vn", "Người mua").await;
    let r = buyer
        .submit(
            "/khieu-nai",
            &[
                ("name", "Người mua"),
                ("contact", "nguoi-mua@example.vn"),
                ("category", "website"),
                ("message", "Trang chậm"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    let kept: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM complaints WHERE user_id IS NOT NULL")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    assert_eq!(kept, 1);

    // An administrator answers; closing needs an answer; the holder reads it.
    let admin = sign_up(&app, "quan-tri@hungyen.example", "Quản trị").await;
    make_admin(&app, &user_id(&app, "quan-tri@hungyen.example").await).await;
    let list = admin.page("/quan-tri/khieu-nai").await;
    assert!(
        list.contains(&code) && list.contains("0912 345 678"),
        "{list}"
    );
    assert_ne!(guest.get("/quan-tri/khieu-nai").await.status(), 200);
    let r = admin
        .submit(
            &format!("/quan-tri/khieu-nai/{code}"),
            &[("status", "resolved"), ("answer", "")],
        )
        .await;
    assert_eq!(location(&r), "/quan-tri/khieu-nai?loi=noi-dung");
    let r = admin
        .submit(
            &format!("/quan-tri/khieu-nai/{code}"),
            &[
                ("status", "resolved"),
                ("answer", "Đã hoàn lại phí thu thêm"),
            ],
        )
        .await;
    assert_eq!(location(&r), "/quan-tri/khieu-nai");
    let page = guest.page(&format!("/khieu-nai/{code}")).await;
    assert!(
        page.contains("Đã giải quyết") && page.contains("Đã hoàn lại phí thu thêm"),
        "{page}"
    );
});

// A return request's photos are written to the media store before its transaction begins
// (as a review's, see `reviews::a_hung_bucket_holds_no_connection`): with one connection, a
// request whose upload hung held it, and another buyer's cart waited out the pool and failed.
ocop_tests::db_s3_test!(a_hung_bucket_holds_no_connection, |engine| {
    let (s3, app) = crate::media::one_connection_on_a_stalling_bucket(engine).await;
    let (buyer, no, _, _) = delivered_order(&app, 1).await;
    let buyer = std::sync::Arc::new(buyer);
    let other = sign_up(&app, "0988 731 003", "Trần Văn Nam").await;
    let (v, _) = two_producers(&app).await;

    s3.stall();
    let mut asking = tokio::spawn({
        let (buyer, no) = (buyer.clone(), no.clone());
        async move { ask(&buyer, &no).await }
    });
    tokio::select! {
        () = s3.holding() => {}
        ended = &mut asking => panic!("answered without uploading: {ended:?}"),
    }
    // The request's upload hangs; another buyer still fills a cart.
    add(&other, &v.id, 1).await;
    assert_eq!(
        app.count("return_requests").await,
        0,
        "nothing recorded yet"
    );

    s3.release();
    let to = asking.await.unwrap();
    assert!(to.ends_with("tra_ok=1#tra-hang"), "{to}");
    assert_eq!(app.count("return_request_photos").await, 1);

    // Asked again while the bucket hangs: refused at once, before any upload.
    s3.stall();
    let again = tokio::time::timeout(std::time::Duration::from_secs(30), ask(&buyer, &no))
        .await
        .expect("refused without waiting for the bucket");
    assert!(again.ends_with("tra_loi=da-co#tra-hang"), "{again}");
    assert_eq!(app.count("return_request_photos").await, 1);
    s3.release();
});
