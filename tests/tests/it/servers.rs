//! Several app servers on one database (`app::servers`): who may start beside whom, the job
//! leases that let one server at a time settle payments and write the search index, and two
//! servers on PostgreSQL and Meilisearch serving one site.

use chrono::{Duration, Utc};
use ocop_tests::{Engine, TestApp, browser::Browser, db_test, spawn_app, spawn_app_configured};
use server::{search::SearchSettings, startup::Application};

use crate::checkout::{add, checkout_body, order_nos, order_status, place, two_producers};

/// Builds a second server on `app`'s database with its own data folder and this search index.
async fn second(
    app: &TestApp,
    folder: &std::path::Path,
    search: SearchSettings,
) -> anyhow::Result<Application> {
    let mut settings = app.settings.clone();
    settings.data_dir = folder.to_owned();
    settings.search = search;
    Application::build(settings).await
}

db_test!(an_embedded_index_serves_alone, |engine| {
    let mut app = spawn_app(engine).await;
    let elsewhere = tempfile::tempdir().unwrap();

    // Its own embedded index would miss the changes the first server applies: refused.
    let refused = second(
        &app,
        elsewhere.path(),
        SearchSettings::Embedded {
            dir: elsewhere.path().join("search"),
        },
    )
    .await
    .err()
    .expect("a second embedded server is refused");
    let message = format!("{refused:#}");
    assert!(
        message.contains("stop it or give it MEILI_URL"),
        "{message}"
    );

    // So is a Meilisearch server while the embedded one runs.
    let refused = second(
        &app,
        elsewhere.path(),
        SearchSettings::Meili {
            url: "http://127.0.0.1:9".into(),
            key: None,
            index: "products".into(),
        },
    )
    .await
    .err()
    .expect("a server beside the embedded one is refused");
    let message = format!("{refused:#}");
    assert!(
        message.contains("stop it or give it MEILI_URL"),
        "{message}"
    );
    // The refused servers left no heartbeat behind.
    assert_eq!(app.count("app_servers").await, 1);

    // A crash leaves a fresh heartbeat; the same server (its folder) starts again at once.
    app.restart().await;
    assert_eq!(app.get("/healthz").await.status(), 200);
    // Stopped cleanly, it leaves: another folder's embedded server may start.
    app.shut_down().await.unwrap();
    let db = app::db::Db::connect(&app.settings.database_url)
        .await
        .unwrap();
    assert_eq!(ocop_tests::count(&db, "app_servers").await, 0);
    db.close().await;
    let alone = second(
        &app,
        elsewhere.path(),
        SearchSettings::Embedded {
            dir: elsewhere.path().join("search"),
        },
    )
    .await;
    assert!(alone.is_ok(), "{:#}", alone.err().unwrap());
});

db_test!(a_job_lease_has_one_holder_at_a_time, |engine| {
    let app = spawn_app(engine).await;
    let db = &app.db;
    let now = Utc::now();
    let ttl = Duration::seconds(60);
    let lease = |holder: &'static str, at| app::servers::lease(db, "test_job", holder, at, ttl);

    // Two servers ask at once: one wins.
    let (a, b) = tokio::join!(lease("a", now), lease("b", now));
    let (a, b) = (a.unwrap(), b.unwrap());
    assert!(a ^ b, "exactly one holder: a {a}, b {b}");
    let (holder, other) = if a { ("a", "b") } else { ("b", "a") };
    // The holder renews it; the other waits while it runs.
    assert!(lease(holder, now + Duration::seconds(30)).await.unwrap());
    assert!(!lease(other, now + Duration::seconds(80)).await.unwrap());
    // Unrenewed, it lapses and the other takes it.
    assert!(lease(other, now + Duration::seconds(91)).await.unwrap());
    assert!(!lease(holder, now + Duration::seconds(92)).await.unwrap());
    // A server that stops gives its leases up at once.
    app::servers::leave(db, other).await.unwrap();
    assert!(lease(holder, now + Duration::seconds(93)).await.unwrap());

    // A `Lease` renews only when a third of its time has gone.
    let mut mine = app::servers::Lease::new("test_lazy", "a".into(), ttl);
    assert!(mine.held(db, now).await.unwrap());
    let until = || async {
        sqlx::query_scalar::<_, String>("SELECT until FROM job_leases WHERE job = 'test_lazy'")
            .fetch_one(db.pool())
            .await
            .unwrap()
    };
    let first = until().await;
    assert!(mine.held(db, now + Duration::seconds(10)).await.unwrap());
    assert_eq!(until().await, first, "not rewritten within the first third");
    assert!(mine.held(db, now + Duration::seconds(30)).await.unwrap());
    assert!(until().await > first, "renewed after it");

    // Refused, a server asks again only a third of the lease's time later.
    let mut theirs = app::servers::Lease::new("test_lazy", "b".into(), ttl);
    assert!(!theirs.held(db, now + Duration::seconds(31)).await.unwrap());
    // The holder gives it up (its engine failed): taken at the other's next try.
    mine.give_up(db, now + Duration::seconds(32)).await.unwrap();
    assert!(!mine.holds());
    assert!(
        !theirs.held(db, now + Duration::seconds(40)).await.unwrap(),
        "not asked again before its time"
    );
    assert!(theirs.held(db, now + Duration::seconds(52)).await.unwrap());
    // The one that gave it up does not take it back for the lease's time.
    theirs
        .give_up(db, now + Duration::seconds(53))
        .await
        .unwrap();
    assert!(!mine.held(db, now + Duration::seconds(60)).await.unwrap());
    assert!(mine.held(db, now + Duration::seconds(93)).await.unwrap());
});

/// Two servers on one PostgreSQL database and one Meilisearch index serve one site.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(ocop_meili_tests),
    ignore = "MEILI_URL is not set: several servers need Meilisearch (no server on this machine)"
)]
async fn two_servers_serve_one_site() {
    let url = std::env::var("MEILI_URL").expect("MEILI_URL is set for this test");
    let key = std::env::var("MEILI_KEY").ok();
    let index = format!("test_{}", uuid::Uuid::new_v4().simple());
    let search = SearchSettings::Meili {
        url,
        key,
        index: index.clone(),
    };
    let a = spawn_app_configured(Engine::Postgres, |s| s.search = search.clone()).await;
    a.seed().await;
    let folder = tempfile::tempdir().unwrap();
    let b = second(&a, folder.path(), search)
        .await
        .expect("a second server");
    let b_address = format!("http://{}", b.address());
    let (stop_b, stopped) = tokio::sync::oneshot::channel::<()>();
    let b_state = b.state().clone();
    let serving_b = tokio::spawn(b.run_until(async {
        let _ = stopped.await;
    }));
    assert_eq!(a.count("app_servers").await, 2);

    // A listing approved through A is found on B within 2 s.
    let farmer = crate::seller::member(&a, "0988 500 001", crate::seller::LONGAN_COOP).await;
    let (_, commune) = crate::seller::producer(&a, crate::seller::LONGAN_COOP).await;
    let officer = crate::seller::officer_of(&a, "0988 500 002", &commune).await;
    // Words no other product has, typed together without their marks: B reads them as the
    // listing's only once its vocabulary has them (the writer, A, learns them as it writes).
    let name = "Nhãn lồng Thủy Lôi";
    let id = crate::seller::create_listing(&a, &farmer, crate::seller::LONGAN_COOP, name).await;
    crate::seller::add_variant(&farmer, &id, "Hộp 1 kg", "95000", "20").await;
    farmer
        .submit(
            &format!("/ban-hang/san-pham/{id}/trang-thai"),
            &[("action", "publish")],
        )
        .await;
    let slug: String = sqlx::query_scalar("SELECT slug FROM products WHERE id = $1")
        .bind(&id)
        .fetch_one(a.db.pool())
        .await
        .unwrap();
    // Names are marked where they matched: the card's link is what is looked for.
    let card = format!("/san-pham/{slug}\"");
    let on_b = Browser::new(&b_address);
    let query = "/tim-kiem?q=thuyloi";
    assert!(!on_b.page(query).await.contains(&card), "not public yet");
    officer
        .submit(&format!("/can-bo/san-pham/{id}"), &[("action", "approve")])
        .await;
    let known = |state: &server::startup::AppState| {
        state
            .search
            .vocabulary
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .len()
    };
    let known_before = known(&b_state);
    let approved = std::time::Instant::now();
    loop {
        // Found, and B's vocabulary (what understands the words typed) follows A's writes.
        if on_b.page(query).await.contains(&card) && known(&b_state) == known_before + 1 {
            break;
        }
        assert!(
            approved.elapsed() < std::time::Duration::from_secs(2),
            "the approved listing is not in B's search (or its vocabulary) after 2 s"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    eprintln!("approved on A, found on B after {:?}", approved.elapsed());

    // A cart filled on A checks out on B; a bank transfer left unpaid expires once, though
    // both servers settle at once.
    let (x, y) = two_producers(&a).await;
    let stock = |variant: String| {
        let db = a.db.clone();
        async move {
            sqlx::query_scalar::<_, i64>("SELECT stock FROM product_variants WHERE id = $1")
                .bind(variant)
                .fetch_one(db.pool())
                .await
                .unwrap()
        }
    };
    let before = (stock(x.id.clone()).await, stock(y.id.clone()).await);
    let mut guest = Browser::new(&a.address);
    add(&guest, &x.id, 2).await;
    add(&guest, &y.id, 1).await;
    guest.address = b_address.clone();
    let (status, placed) = place(
        &guest,
        &checkout_body(&a, "bank_transfer", "key-two-servers-01").await,
    )
    .await;
    assert_eq!(status, 201, "{placed}");
    let nos = order_nos(&placed);
    assert_eq!(nos.len(), 2, "one order per producer");
    assert_eq!(stock(x.id.clone()).await, before.0 - 2);
    for no in &nos {
        sqlx::query("UPDATE orders SET pay_by = $1 WHERE order_no = $2")
            .bind(app::domain::time::db_timestamp(
                Utc::now() - Duration::hours(1),
            ))
            .bind(no)
            .execute(a.db.pool())
            .await
            .unwrap();
    }
    let (on_a, on_b) = tokio::join!(
        server::payments::tasks::settle(&a.state),
        server::payments::tasks::settle(&b_state)
    );
    let expired = on_a.unwrap().0 + on_b.unwrap().0;
    assert_eq!(expired, 2, "each order expired once");
    for no in &nos {
        assert_eq!(
            order_status(&a, no).await,
            ("cancelled".into(), "expired".into())
        );
    }
    assert_eq!(
        (stock(x.id.clone()).await, stock(y.id.clone()).await),
        before,
        "stock returned exactly once"
    );

    let _ = stop_b.send(());
    serving_b.await.unwrap().unwrap();
    crate::search::remove_meili_index(&index).await;
}
