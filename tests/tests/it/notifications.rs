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
