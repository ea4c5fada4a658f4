//! Notices beyond the inbox (#22): the dispatcher sends them by email (to a real SMTP socket),
//! SMS (an eSMS fake) and Zalo ZNS (a ZNS fake), once each; retries a failing provider and
//! records every attempt; marks a refusal failed, lists it for the administrator, who can send
//! it again; skips a channel that is not set up; and sends exactly once when the dispatcher is
//! killed mid-send and restarted, or when two servers dispatch from the same database.

use std::time::Duration;

use app::{
    domain::time::db_timestamp,
    notify::{
        rules::Notice,
        storage::{Recipient, notify_in},
    },
};
use chrono::Utc;
use ocop_tests::{
    Engine, TestApp,
    browser::location,
    db_test,
    sms_fakes::{self, Fake, Mode},
    smtp_sink::{Recipients, SmtpSink},
    spawn_app_configured,
};
use server::notify::channels::{
    NotifySettings, email::EmailSettings, sms::EsmsSettings, zalo::ZaloSettings,
};

use crate::{
    accounts::{make_admin, sign_up, user_id},
    seller::{LONGAN_COOP, add_variant, create_listing, member, officer_of, producer},
};

/// Quick turns for the tests: the lease stays longer than a provider call's 5 s bound.
fn quick(sink: Option<&SmtpSink>, esms: Option<&Fake>, zns: Option<&Fake>) -> NotifySettings {
    NotifySettings {
        email: sink.map(|s| EmailSettings {
            url: s.url.clone(),
            from: "Đặc sản Hưng Yên <no-reply@dacsan.example>".to_owned(),
        }),
        sms: esms.map(|f| EsmsSettings {
            api_key: sms_fakes::ESMS_API_KEY.to_owned(),
            secret_key: sms_fakes::ESMS_SECRET.to_owned(),
            brandname: "OCOP_HY".to_owned(),
            base: f.base_url.clone(),
        }),
        zalo: zns.map(|f| ZaloSettings {
            access_token: sms_fakes::ZNS_TOKEN.to_owned(),
            templates: server::notify::channels::parse_templates(
                "listing_approved:231234,application_approved:231235",
            )
            .unwrap(),
            base: f.base_url.clone(),
        }),
        poll: Duration::from_millis(100),
        lease: Duration::from_secs(6),
        retry: app::notify::delivery::RetryPolicy {
            first_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(1),
            give_up_after: Duration::from_secs(24 * 60 * 60),
        },
    }
}

async fn seeded(engine: Engine, notify: NotifySettings) -> TestApp {
    let app = spawn_app_configured(engine, |s| s.notify = notify).await;
    app.seed().await;
    app
}

/// Waits (bounded) until `check` holds; the bound only keeps a broken build from hanging.
async fn eventually<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    for _ in 0..600 {
        if check().await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("never happened: {what}");
}

/// (status, attempts, last_error) of a user's notice on a channel.
async fn delivery(app: &TestApp, id: &str) -> (String, i64, Option<String>) {
    sqlx::query_as("SELECT status, attempts, last_error FROM notifications WHERE id = $1")
        .bind(id)
        .fetch_one(app.db.pool())
        .await
        .unwrap()
}

async fn notice_on(app: &TestApp, recipient: &str, channel: &str) -> Option<String> {
    sqlx::query_scalar("SELECT id FROM notifications WHERE recipient = $1 AND channel = $2")
        .bind(recipient)
        .bind(channel)
        .fetch_optional(app.db.pool())
        .await
        .unwrap()
}

async fn attempts(app: &TestApp, id: &str) -> Vec<(i64, String)> {
    sqlx::query_as(
        "SELECT attempt, outcome FROM notification_attempts WHERE notification_id = $1 ORDER BY attempt",
    )
    .bind(id)
    .fetch_all(app.db.pool())
    .await
    .unwrap()
}

async fn status_is(app: &TestApp, id: &str, status: &str) -> bool {
    delivery(app, id).await.0 == status
}

/// Set-up: the account's phone and email are verified (the code that verifies them is another
/// part of #22), and it may choose Zalo for a kind.
/// Waits until the sign-ups' verification codes have left by SMS, then has eSMS forget them:
/// the test counts what follows.
async fn codes_sent_then_forgotten(app: &TestApp, esms: &Fake) {
    eventually("the sign-ups' codes are sent", || async {
        let waiting: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM notifications
              WHERE kind = 'contact_code' AND channel = 'sms' AND status <> 'sent'",
        )
        .fetch_one(app.db.pool())
        .await
        .unwrap();
        waiting == 0
    })
    .await;
    esms.forget();
}

async fn verify(app: &TestApp, user: &str, email: &str) {
    sqlx::query(
        "UPDATE users SET email = $1, email_verified_at = '2026-12-01T00:00:00.000Z',
             phone_verified_at = '2026-12-01T00:00:00.000Z' WHERE id = $2",
    )
    .bind(email)
    .bind(user)
    .execute(app.db.pool())
    .await
    .unwrap();
}

async fn choose(app: &TestApp, user: &str, kind: &str, channel: &str, on: i64) {
    sqlx::query(
        "INSERT INTO notification_preferences (user_id, kind, channel, enabled) VALUES ($1, $2, $3, $4)",
    )
    .bind(user)
    .bind(kind)
    .bind(channel)
    .bind(on)
    .execute(app.db.pool())
    .await
    .unwrap();
}

/// Writes a notice as a change's transaction would.
async fn notify(app: &TestApp, event: &str, to: Recipient<'_>, notice: &Notice) {
    let mut tx = app.db.begin_write().await.unwrap();
    notify_in(&mut tx, event, to, notice, &db_timestamp(Utc::now()))
        .await
        .unwrap();
    tx.commit().await.unwrap();
}

fn approved(name: &str) -> Notice {
    Notice::ApplicationApproved {
        producer: name.to_owned(),
    }
}

db_test!(
    an_approved_listing_reaches_the_producer_by_email_and_sms_once,
    |engine| {
        let sink = SmtpSink::start().await;
        let esms = Fake::esms().await;
        let app = seeded(engine, quick(Some(&sink), Some(&esms), None)).await;
        let farmer = member(&app, "0988 300 001", LONGAN_COOP).await;
        let _partner = member(&app, "0988 300 002", LONGAN_COOP).await;
        let farmer_id = user_id(&app, "+84988300001").await;
        verify(&app, &farmer_id, "lan@nhanlong.example").await;
        let (_, commune) = producer(&app, LONGAN_COOP).await;
        let officer = officer_of(&app, "0988 300 003", &commune).await;
        let codes: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM notifications WHERE kind = 'contact_code' AND channel = 'sms'",
        )
        .fetch_one(app.db.pool())
        .await
        .unwrap();
        assert_eq!(codes, 3, "each sign-up sent its phone a code");
        codes_sent_then_forgotten(&app, &esms).await;

        let id = create_listing(&app, &farmer, LONGAN_COOP, "Nhãn lồng sấy dẻo").await;
        add_variant(&farmer, &id, "Hộp 500 g", "120000", "10").await;
        farmer
            .submit(
                &format!("/ban-hang/san-pham/{id}/trang-thai"),
                &[("action", "publish")],
            )
            .await;
        officer
            .submit(&format!("/can-bo/san-pham/{id}"), &[("action", "approve")])
            .await;

        let recipient = format!("user:{farmer_id}");
        let email = notice_on(&app, &recipient, "email")
            .await
            .expect("an email notice");
        let sms = notice_on(&app, &recipient, "sms")
            .await
            .expect("an SMS notice");
        assert_eq!(
            notice_on(&app, &recipient, "zalo").await,
            None,
            "Zalo is not chosen"
        );
        eventually("the email and the SMS are sent", || async {
            status_is(&app, &email, "sent").await && status_is(&app, &sms, "sent").await
        })
        .await;

        let mails = sink.received();
        assert_eq!(
            mails.len(),
            1,
            "one email: the unverified partner gets none"
        );
        let mail = &mails[0];
        assert_eq!(mail.to, vec!["<lan@nhanlong.example>"]);
        assert_eq!(
            mail.header("Message-ID").as_deref(),
            Some(format!("<notice-{email}@dacsan.example>").as_str())
        );
        assert!(
            mail.header("List-Unsubscribe").is_none(),
            "essential: no unsubscribe"
        );
        let link = format!("https://dacsan.example/ban-hang/san-pham/{id}");
        let plain = mail.part("text/plain").expect("a plain-text part");
        let html = mail.part("text/html").expect("an HTML part");
        assert!(
            plain.contains("“Nhãn lồng sấy dẻo” đã được duyệt") && plain.contains(&link),
            "{plain}"
        );
        assert!(
            html.contains("“Nhãn lồng sấy dẻo” đã được duyệt")
                && html.contains(&format!("href=\"{link}\"")),
            "{html}"
        );

        let texts = esms.accepted();
        assert_eq!(texts.len(), 1);
        assert_eq!(esms.calls(), 1);
        let (request_id, body) = &texts[0];
        assert_eq!(request_id, &sms, "the notice's id de-duplicates at eSMS");
        assert_eq!(body["Phone"], "84988300001");
        assert_eq!(body["Brandname"], "OCOP_HY");
        assert_eq!(
            body["Content"],
            format!("“Nhãn lồng sấy dẻo” đã được duyệt. {link}")
        );
        assert_eq!(attempts(&app, &email).await, vec![(1, "sent".to_owned())]);
        assert_eq!(attempts(&app, &sms).await, vec![(1, "sent".to_owned())]);
    }
);

db_test!(
    a_failing_provider_is_retried_and_a_refusal_waits_for_the_administrator,
    |engine| {
        let sink = SmtpSink::start().await;
        let esms = Fake::esms().await;
        let zns = Fake::zns().await;
        let app = seeded(engine, quick(Some(&sink), Some(&esms), Some(&zns))).await;
        sign_up(&app, "0988 300 011", "Anh Nông").await;
        let user = user_id(&app, "+84988300011").await;
        verify(&app, &user, "nong@example.vn").await;
        choose(&app, &user, "application_approved", "zalo", 1).await;
        codes_sent_then_forgotten(&app, &esms).await;
        esms.set(Mode::FailTimes(2));
        zns.set(Mode::Refuse);
        sink.set(Recipients::Refuse);
        notify(
            &app,
            "decided-1",
            Recipient::User(&user),
            &approved("Vườn Anh Nông"),
        )
        .await;
        let recipient = format!("user:{user}");
        let sms = notice_on(&app, &recipient, "sms").await.unwrap();
        let zalo = notice_on(&app, &recipient, "zalo").await.unwrap();
        let email = notice_on(&app, &recipient, "email").await.unwrap();

        // Two 503s, then accepted: three attempts, each recorded.
        eventually("the SMS is sent", || status_is(&app, &sms, "sent")).await;
        assert_eq!(
            attempts(&app, &sms).await,
            vec![
                (1, "retry".to_owned()),
                (2, "retry".to_owned()),
                (3, "sent".to_owned())
            ]
        );
        assert_eq!(esms.calls(), 3);
        assert_eq!(esms.accepted().len(), 1);

        // Refused for good: failed at once, not retried.
        eventually("the Zalo notice fails", || status_is(&app, &zalo, "failed")).await;
        eventually("the email fails", || status_is(&app, &email, "failed")).await;
        let (_, tries, error) = delivery(&app, &zalo).await;
        assert_eq!(tries, 1);
        assert!(error.unwrap().contains("-108"));
        let (_, _, error) = delivery(&app, &email).await;
        assert!(error.unwrap().contains("550"), "the SMTP refusal is kept");
        assert_eq!(zns.calls(), 1);

        // The administrator sees both, masked, and sends the Zalo one again.
        let admin = sign_up(&app, "0988 300 019", "Quản trị").await;
        make_admin(&app, &user_id(&app, "+84988300019").await).await;
        let page = admin.page("/quan-tri/thong-bao-loi").await;
        assert!(page.contains("Thông báo gửi không được"), "{page}");
        assert!(
            page.contains("Đơn đăng ký bán được duyệt"),
            "the kind's name: {page}"
        );
        assert!(
            page.contains("+849…011") && page.contains("n…@example.vn"),
            "{page}"
        );
        assert!(!page.contains("+84988300011"), "addresses are masked");
        assert!(page.contains("Zalo refused (-108)"), "{page}");
        // Nobody else may see or retry.
        let farmer = sign_up(&app, "0988 300 018", "Người khác").await;
        assert!(
            !farmer
                .page("/quan-tri/thong-bao-loi")
                .await
                .contains("+849…011")
        );
        farmer
            .submit(&format!("/quan-tri/thong-bao-loi/{zalo}/gui-lai"), &[])
            .await;
        assert!(status_is(&app, &zalo, "failed").await);

        zns.set(Mode::Normal);
        let r = admin
            .submit(&format!("/quan-tri/thong-bao-loi/{zalo}/gui-lai"), &[])
            .await;
        assert_eq!(location(&r), "/quan-tri/thong-bao-loi?ok=1");
        eventually("the retried Zalo notice is sent", || {
            status_is(&app, &zalo, "sent")
        })
        .await;
        assert_eq!(
            attempts(&app, &zalo).await,
            vec![(1, "failed".to_owned()), (2, "sent".to_owned())],
            "its attempts are kept"
        );
        let sent = zns.accepted();
        assert_eq!(sent.len(), 1);
        assert_eq!(sent[0].1["template_id"], "231235");
        assert_eq!(sent[0].1["phone"], "84988300011");
        assert_eq!(sent[0].1["tracking_id"], zalo.as_str());
        // A notice that is not failed any more is not put back twice.
        let r = admin
            .submit(&format!("/quan-tri/thong-bao-loi/{zalo}/gui-lai"), &[])
            .await;
        assert_eq!(location(&r), "/quan-tri/thong-bao-loi?ok=0");
        assert!(status_is(&app, &zalo, "sent").await);
    }
);

db_test!(a_channel_that_is_not_set_up_is_skipped, |engine| {
    let zns = Fake::zns().await;
    // Zalo only, and with no template for listing_refused.
    let app = seeded(engine, quick(None, None, Some(&zns))).await;
    sign_up(&app, "0988 300 021", "Chị Hoa").await;
    let user = user_id(&app, "+84988300021").await;
    verify(&app, &user, "hoa@example.vn").await;
    choose(&app, &user, "listing_refused", "zalo", 1).await;
    let notice = Notice::ListingRefused {
        product_id: "p1".into(),
        product: "Mật ong".into(),
        reason: "Thiếu ảnh".into(),
    };
    notify(&app, "refused-1", Recipient::User(&user), &notice).await;
    let recipient = format!("user:{user}");
    for channel in ["email", "sms", "zalo"] {
        let id = notice_on(&app, &recipient, channel).await.unwrap();
        eventually("skipped", || status_is(&app, &id, "skipped")).await;
        assert_eq!(attempts(&app, &id).await, vec![(1, "skipped".to_owned())]);
    }
    assert_eq!(zns.calls(), 0);
});

db_test!(
    a_dispatcher_killed_mid_send_and_restarted_sends_once,
    |engine| {
        let esms = Fake::esms().await;
        let mut app = seeded(engine, quick(None, Some(&esms), None)).await;
        esms.set(Mode::Hold);
        notify(
            &app,
            "guest-order-1",
            Recipient::Phone("+84988300031", app::i18n::Locale::Vi),
            &approved("Trại gà"),
        )
        .await;
        let sms = notice_on(&app, "phone:+84988300031", "sms").await.unwrap();
        // eSMS has taken the SMS, but its answer has not reached us: the server dies now.
        eventually("eSMS holds the SMS", || async { esms.calls() == 1 }).await;
        app.kill().await;
        esms.release();
        assert_eq!(delivery(&app, &sms).await.0, "pending");
        app.restart().await;
        eventually("the SMS is sent after the restart", || {
            status_is(&app, &sms, "sent")
        })
        .await;
        assert_eq!(esms.calls(), 2, "sent again after the lease ran out");
        assert_eq!(
            esms.accepted().len(),
            1,
            "one SMS: the RequestId is the same"
        );
        assert_eq!(
            attempts(&app, &sms).await,
            vec![(1, "sending".to_owned()), (2, "sent".to_owned())],
            "the crashed attempt stays on record"
        );
    }
);

db_test!(
    two_dispatchers_on_one_database_send_each_notice_once,
    |engine| {
        let esms = Fake::esms().await;
        let app = seeded(engine, quick(None, Some(&esms), None)).await;
        // A second server on the same database and data folder (with the embedded index, only
        // servers sharing its folder may run together; see `app::servers`).
        let second = server::startup::Application::build(app.settings.clone())
            .await
            .unwrap();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let serving = tokio::spawn(second.run_until(async {
            let _ = stopped.await;
        }));
        let phones: Vec<String> = (0..12).map(|i| format!("+849883001{i:02}")).collect();
        for (i, phone) in phones.iter().enumerate() {
            notify(
                &app,
                &format!("order-{i}"),
                Recipient::Phone(phone, app::i18n::Locale::En),
                &approved("Bees"),
            )
            .await;
        }
        eventually("every SMS is sent", || async {
            let pending: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM notifications WHERE channel = 'sms' AND status <> 'sent'",
            )
            .fetch_one(app.db.pool())
            .await
            .unwrap();
            pending == 0
        })
        .await;
        assert_eq!(esms.calls(), phones.len(), "each SMS sent once");
        assert_eq!(esms.accepted().len(), phones.len());
        let attempts: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM notification_attempts")
            .fetch_one(app.db.pool())
            .await
            .unwrap();
        assert_eq!(attempts, phones.len() as i64, "one attempt each");
        let _ = stop.send(());
        serving.await.unwrap().unwrap();
    }
);

db_test!(
    a_reminder_email_can_be_stopped_in_one_click_and_stays_stopped,
    |engine| {
        let sink = SmtpSink::start().await;
        let app = seeded(engine, quick(Some(&sink), None, None)).await;
        sign_up(&app, "0988 300 041", "Chị Hoa").await;
        let user = user_id(&app, "+84988300041").await;
        verify(&app, &user, "hoa@example.vn").await;
        let reminder = |days_left: i64| Notice::CertificateExpiring {
            product_id: "p1".into(),
            product: "Nhãn lồng".into(),
            decision_no: "12/QĐ-UBND".into(),
            expires_on: chrono::NaiveDate::from_ymd_opt(2027, 6, 30).unwrap(),
            days_left,
        };
        notify(
            &app,
            "certificate_90:c1",
            Recipient::User(&user),
            &reminder(80),
        )
        .await;
        let recipient = format!("user:{user}");
        let email = notice_on(&app, &recipient, "email")
            .await
            .expect("an email");
        eventually("the reminder is sent", || async {
            status_is(&app, &email, "sent").await
        })
        .await;

        // Not essential: the email says how to stop it, in the headers and at its foot.
        let mail = &sink.received()[0];
        let header = mail.header("List-Unsubscribe").expect("List-Unsubscribe");
        assert_eq!(
            mail.header("List-Unsubscribe-Post").as_deref(),
            Some("List-Unsubscribe=One-Click")
        );
        let url = header.trim_matches(|c| c == '<' || c == '>').to_owned();
        let prefix = "https://dacsan.example/thong-bao/huy-dang-ky/";
        assert!(url.starts_with(prefix), "{url}");
        let path = &url["https://dacsan.example".len()..];
        let plain = mail.part("text/plain").unwrap();
        assert!(
            plain.contains("Không muốn nhận email loại này nữa?") && plain.contains(&url),
            "{plain:?} {url}"
        );

        // The page says what stops; a wrong token is nobody's.
        let visitor = ocop_tests::browser::Browser::new(&app.address);
        let page = visitor.page(path).await;
        assert!(page.contains("Chứng nhận OCOP sắp hết hạn"), "{page}");
        let wrong = format!("{prefix}{}", "0".repeat(64));
        assert!(
            visitor
                .page(&wrong["https://dacsan.example".len()..])
                .await
                .contains("không còn dùng được")
        );

        // The mail client's one-click POST: no session, no form token.
        let client = reqwest::Client::new();
        let r = client
            .post(format!("{}{path}", app.address))
            .header("content-type", "application/x-www-form-urlencoded")
            .body("List-Unsubscribe=One-Click")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        let r = client
            .post(format!(
                "{}/thong-bao/huy-dang-ky/{}",
                app.address,
                "f".repeat(64)
            ))
            .header("content-type", "application/x-www-form-urlencoded")
            .body("List-Unsubscribe=One-Click")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 404);
        // The page's own button (done twice: still stopped, says so).
        let r = visitor.submit(path, &[]).await;
        assert_eq!(location(&r), format!("{path}?xong=1"));
        assert!(
            visitor
                .page(&format!("{path}?xong=1"))
                .await
                .contains("Đã ngừng gửi email")
        );

        // The next reminder stays in the inbox only; essential notices still come by email.
        notify(
            &app,
            "certificate_30:c1",
            Recipient::User(&user),
            &reminder(20),
        )
        .await;
        let emails: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM notifications WHERE recipient = $1 AND channel = 'email'",
        )
        .bind(&recipient)
        .fetch_one(app.db.pool())
        .await
        .unwrap();
        assert_eq!(emails, 1, "no second reminder by email");
        notify(
            &app,
            "application_approved:x",
            Recipient::User(&user),
            &approved("HTX"),
        )
        .await;
        assert!(
            sqlx::query_scalar::<_, i64>(
                "SELECT COUNT(*) FROM notifications WHERE recipient = $1 AND channel = 'email' AND kind = 'application_approved'",
            )
            .bind(&recipient)
            .fetch_one(app.db.pool())
            .await
            .unwrap()
                == 1
        );
    }
);
