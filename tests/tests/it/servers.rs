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

/// A fresh Meilisearch index for one test (removed at its end), and the settings that use it.
fn fresh_meili_index() -> (SearchSettings, String) {
    let url = std::env::var("MEILI_URL").expect("MEILI_URL is set for this test");
    let key = std::env::var("MEILI_KEY").ok();
    let index = format!("test_{}", uuid::Uuid::new_v4().simple());
    let search = SearchSettings::Meili {
        url,
        key,
        index: index.clone(),
    };
    (search, index)
}

/// A listing called `name` of the longan cooperative, published by a member (the first phone)
/// and awaiting the commune's officer (the second): the officer's session, its id and its slug.
async fn awaiting_approval(
    app: &TestApp,
    (member, officer): (&str, &str),
    name: &str,
) -> (Browser, String, String) {
    let farmer = crate::seller::member(app, member, crate::seller::LONGAN_COOP).await;
    let (_, commune) = crate::seller::producer(app, crate::seller::LONGAN_COOP).await;
    let officer = crate::seller::officer_of(app, officer, &commune).await;
    let id = crate::seller::create_listing(app, &farmer, crate::seller::LONGAN_COOP, name).await;
    crate::seller::add_variant(&farmer, &id, "Hộp 1 kg", "95000", "20").await;
    farmer
        .submit(
            &format!("/ban-hang/san-pham/{id}/trang-thai"),
            &[("action", "publish")],
        )
        .await;
    let slug: String = sqlx::query_scalar("SELECT slug FROM products WHERE id = $1")
        .bind(&id)
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    (officer, id, slug)
}

/// A variant's stock.
async fn stock(db: &app::db::Db, variant: &str) -> i64 {
    sqlx::query_scalar("SELECT stock FROM product_variants WHERE id = $1")
        .bind(variant)
        .fetch_one(db.pool())
        .await
        .unwrap()
}

/// Fills a guest's cart on the server at `filled` with 2 of `x` and 1 of `y` (two producers)
/// and checks out by bank transfer on the server at `paid`: the order numbers.
async fn unpaid_across(
    app: &TestApp,
    (x, y): (&str, &str),
    filled: &str,
    paid: &str,
    key: &str,
) -> Vec<String> {
    let before = (stock(&app.db, x).await, stock(&app.db, y).await);
    let mut guest = Browser::new(filled);
    add(&guest, x, 2).await;
    add(&guest, y, 1).await;
    guest.address = paid.to_owned();
    let (status, placed) = place(&guest, &checkout_body(app, "bank_transfer", key).await).await;
    assert_eq!(status, 201, "{placed}");
    let nos = order_nos(&placed);
    assert_eq!(nos.len(), 2, "one order per producer");
    assert_eq!(
        (stock(&app.db, x).await, stock(&app.db, y).await),
        (before.0 - 2, before.1 - 1)
    );
    nos
}

/// The transfers of these orders were due an hour ago.
async fn past_due(db: &app::db::Db, nos: &[String]) {
    for no in nos {
        sqlx::query("UPDATE orders SET pay_by = $1 WHERE order_no = $2")
            .bind(app::domain::time::db_timestamp(
                Utc::now() - Duration::hours(1),
            ))
            .bind(no)
            .execute(db.pool())
            .await
            .unwrap();
    }
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
    let (search, index) = fresh_meili_index();
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
    // Words no other product has, typed together without their marks: B reads them as the
    // listing's only once its vocabulary has them (the writer, A, learns them as it writes).
    let (officer, id, slug) =
        awaiting_approval(&a, ("0988 500 001", "0988 500 002"), "Nhãn lồng Thủy Lôi").await;
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
    let before = (stock(&a.db, &x.id).await, stock(&a.db, &y.id).await);
    let nos = unpaid_across(
        &a,
        (&x.id, &y.id),
        &a.address,
        &b_address,
        "key-two-servers-01",
    )
    .await;
    past_due(&a.db, &nos).await;
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
        (stock(&a.db, &x.id).await, stock(&a.db, &y.id).await),
        before,
        "stock returned exactly once"
    );

    let _ = stop_b.send(());
    serving_b.await.unwrap().unwrap();
    crate::search::remove_meili_index(&index).await;
}

// Only the holder of the search writer's lease clears the queue: one that lost it (`ocop
// reindex` took over) leaves its changes for the new writer.
db_test!(only_the_search_writer_clears_the_queue, |engine| {
    use app::search::sync::{self, Queued, WRITER_JOB, Writer};
    let app = spawn_app(engine).await;
    let db = &app.db;
    let now = Utc::now();
    let ttl = Duration::seconds(60);
    // Whoever held it (the test's own server, once it started writing), then another over it.
    app::servers::take_over(db, WRITER_JOB, "writer-a", now, ttl)
        .await
        .unwrap();
    let displaced = app::servers::take_over(db, WRITER_JOB, "writer-b", now, ttl)
        .await
        .unwrap();
    assert!(displaced, "a's lease was running");
    assert!(
        !app::servers::take_over(db, WRITER_JOB, "writer-b", now, ttl)
            .await
            .unwrap(),
        "taking one's own lease again displaces no one"
    );
    let mut queued = Vec::new();
    for _ in 0..3 {
        let id = app::db::ids::new_id();
        sqlx::query("INSERT INTO search_outbox (id, product_id, queued_at) VALUES ($1, $2, $3)")
            .bind(&id)
            .bind("no-such-product")
            .bind(app::domain::time::db_timestamp(now))
            .execute(db.pool())
            .await
            .unwrap();
        queued.push(Queued {
            id,
            product_id: "no-such-product".into(),
        });
    }
    assert!(
        !sync::done(db, &queued, Writer::Leased("writer-a"))
            .await
            .unwrap()
    );
    assert_eq!(
        app.count("search_outbox").await,
        3,
        "the displaced writer cleared nothing"
    );
    assert!(
        sync::done(db, &queued, Writer::Leased("writer-b"))
            .await
            .unwrap()
    );
    assert_eq!(app.count("search_outbox").await, 0);
});

/// A real engine, held inside its rebuild (the database already read) until the test lets go:
/// what the database does meanwhile is what a rebuild must not lose.
struct HeldRebuild {
    engine: std::sync::Arc<dyn app::search::engine::SearchEngine>,
    reached: tokio::sync::Notify,
    resume: tokio::sync::Notify,
}

impl app::search::engine::SearchEngine for HeldRebuild {
    fn name(&self) -> &'static str {
        self.engine.name()
    }
    fn search<'a>(
        &'a self,
        query: &'a app::search::engine::EngineQuery,
    ) -> app::search::engine::BoxFuture<
        'a,
        Result<app::search::engine::EngineHits, app::search::engine::SearchError>,
    > {
        self.engine.search(query)
    }
    fn apply(
        &self,
        upserts: Vec<app::search::engine::SearchDoc>,
        deletes: Vec<String>,
    ) -> app::search::engine::BoxFuture<'_, Result<(), app::search::engine::SearchError>> {
        self.engine.apply(upserts, deletes)
    }
    fn rebuild(
        &self,
        docs: Vec<app::search::engine::SearchDoc>,
    ) -> app::search::engine::BoxFuture<'_, Result<(), app::search::engine::SearchError>> {
        Box::pin(async move {
            self.reached.notify_one();
            self.resume.notified().await;
            self.engine.rebuild(docs).await
        })
    }
    fn status(
        &self,
    ) -> app::search::engine::BoxFuture<
        '_,
        Result<app::search::engine::IndexStatus, app::search::engine::SearchError>,
    > {
        self.engine.status()
    }
    fn stale(
        &self,
        today: u32,
    ) -> app::search::engine::BoxFuture<'_, Result<Vec<String>, app::search::engine::SearchError>>
    {
        self.engine.stale(today)
    }
}

/// A rebuild clears only the queued changes it saw: one whose transaction began before the
/// rebuild read the database but committed after (its id is the smaller) stays queued.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(ocop_pg_tests),
    ignore = "TEST_POSTGRES_URL is not set: two transactions at once need PostgreSQL"
)]
async fn a_rebuild_keeps_a_change_that_committed_after_its_read() {
    use app::search::sync::{WRITER_JOB, Writer};
    let app = spawn_app(Engine::Postgres).await;
    let db = app.db.clone();
    // The test writes the index: the server's own writer keeps its hands off the queue.
    app::servers::take_over(
        &db,
        WRITER_JOB,
        "rebuilder",
        Utc::now(),
        Duration::seconds(60),
    )
    .await
    .unwrap();
    let queue = |id: String| {
        sqlx::query("INSERT INTO search_outbox (id, product_id, queued_at) VALUES ($1, $2, $3)")
            .bind(id)
            .bind("a-product")
            .bind(app::domain::time::db_timestamp(Utc::now()))
    };
    // The earlier id's transaction is still open when the later one commits.
    let mut ids = [app::db::ids::new_id(), app::db::ids::new_id()];
    ids.sort();
    let [earlier, later] = ids;
    let mut open = db.begin_write().await.unwrap();
    queue(earlier.clone()).execute(&mut *open).await.unwrap();
    queue(later.clone()).execute(db.pool()).await.unwrap();

    let folder = tempfile::tempdir().unwrap();
    let engine = std::sync::Arc::new(HeldRebuild {
        engine: std::sync::Arc::new(
            server::search::embedded::Embedded::open(&folder.path().join("search")).unwrap(),
        ),
        reached: tokio::sync::Notify::new(),
        resume: tokio::sync::Notify::new(),
    });
    let rebuild = tokio::spawn({
        let (db, engine) = (db.clone(), engine.clone());
        async move {
            server::search::indexer::rebuild(&db, engine.as_ref(), Writer::Leased("rebuilder"))
                .await
        }
    });
    engine.reached.notified().await;
    open.commit().await.unwrap();
    engine.resume.notify_one();
    rebuild.await.unwrap().expect("the rebuild");

    let left: Vec<String> = sqlx::query_scalar("SELECT id FROM search_outbox ORDER BY id")
        .fetch_all(db.pool())
        .await
        .unwrap();
    assert_eq!(
        left,
        vec![earlier],
        "the change the rebuild did not see is still queued"
    );
}

/// `ocop reindex` on Meilisearch while a server writes the index: a listing approved after the
/// rebuild read the database is in the index afterwards. (Before, the server applied it to the
/// old index and cleared it from the queue, and the rebuild's swap threw it away.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(ocop_meili_tests),
    ignore = "MEILI_URL is not set: the shared index needs Meilisearch (no server on this machine)"
)]
async fn a_reindex_beside_a_writing_server_loses_no_change() {
    let (search, index) = fresh_meili_index();
    let a = spawn_app_configured(Engine::Postgres, |s| s.search = search.clone()).await;
    a.seed().await;
    a.search_settled().await;

    let (officer, id, slug) =
        awaiting_approval(&a, ("0988 500 011", "0988 500 012"), "Nhãn lồng Hàm Tử").await;
    let card = format!("/san-pham/{slug}\"");
    let query = "/tim-kiem?q=hamtu";
    let buyer = Browser::new(&a.address);

    let engine = std::sync::Arc::new(HeldRebuild {
        engine: server::search::open(&search).unwrap(),
        reached: tokio::sync::Notify::new(),
        resume: tokio::sync::Notify::new(),
    });
    let reindex = tokio::spawn({
        let (db, engine) = (a.db.clone(), engine.clone());
        async move { server::search::indexer::rebuild_shared(&db, engine.as_ref()).await }
    });
    engine.reached.notified().await;
    // The rebuild has read the database: the listing is approved now. (Before, the server
    // still wrote the index, and applied and cleared the approval within this pause.)
    officer
        .submit(&format!("/can-bo/san-pham/{id}"), &[("action", "approve")])
        .await;
    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    engine.resume.notify_one();
    reindex.await.unwrap().expect("the rebuild");

    // The server takes the writing back and applies what was queued meanwhile.
    let rebuilt = std::time::Instant::now();
    while !buyer.page(query).await.contains(&card) {
        assert!(
            rebuilt.elapsed() < std::time::Duration::from_secs(15),
            "the listing approved during the rebuild is not in search 15 s after it"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    eprintln!("found {:?} after the rebuild", rebuilt.elapsed());
    a.search_settled().await;
    crate::search::remove_meili_index(&index).await;
}

/// A real `ocop serve` process: the binary `cargo leptos build` put beside this test (as
/// `scripts/test` builds it first), started as an operator would start it, stopped with
/// SIGTERM as systemd stops it, and killed should the test fail first.
struct ServeProcess {
    child: std::process::Child,
    address: String,
    log: std::path::PathBuf,
}

impl ServeProcess {
    /// `ocop serve` on `a`'s database and this Meilisearch index, with its own data folder.
    async fn start(a: &TestApp, folder: &std::path::Path, search: &SearchSettings) -> ServeProcess {
        // target/debug/deps/it-… → target/debug/ocop
        let bin = std::env::current_exe()
            .ok()
            .and_then(|me| Some(me.parent()?.parent()?.join("ocop")))
            .filter(|bin| bin.is_file())
            .expect(
                "the ocop binary beside the tests: `cargo leptos build` first (scripts/test does)",
            );
        let SearchSettings::Meili { url, key, index } = search else {
            panic!("several servers share Meilisearch");
        };
        std::fs::create_dir_all(folder).unwrap();
        let log = folder.join("serve.log");
        // Appended to: a restarted server's log keeps what it did before.
        let out = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&log)
            .unwrap();
        // What an earlier start wrote: its "serving" line is not this one's.
        let earlier = out.metadata().unwrap().len() as usize;
        let mut command = std::process::Command::new(bin);
        command
            .arg("--data-dir")
            .arg(folder)
            .args(["serve", "--bind", "127.0.0.1:0", "--no-demo"])
            .env("DATABASE_URL", &a.settings.database_url)
            .env("MEILI_URL", url)
            .env("MEILI_INDEX", index)
            .env("OCOP_LOG_FORMAT", "json")
            .env("RUST_LOG", "info")
            .env("LEPTOS_OUTPUT_NAME", "ocop")
            .env("LEPTOS_SITE_ROOT", &*a.settings.leptos.site_root)
            .env("LEPTOS_SITE_PKG_DIR", "pkg")
            .env_remove("OCOP_MEDIA_URL")
            .env_remove("OCOP_METRICS_BIND")
            .env_remove("OCOP_METRICS_TOKEN")
            .env_remove("LEPTOS_SITE_ADDR")
            .stdin(std::process::Stdio::null())
            .stdout(out.try_clone().unwrap())
            .stderr(out);
        match key {
            Some(key) => command.env("MEILI_KEY", key),
            None => command.env_remove("MEILI_KEY"),
        };
        // Held from here on: a panic below kills it.
        let mut process = ServeProcess {
            child: command.spawn().expect("starting ocop serve"),
            address: String::new(),
            log,
        };
        let started = std::time::Instant::now();
        loop {
            let all = std::fs::read_to_string(&process.log).unwrap_or_default();
            let text = all.get(earlier..).unwrap_or_default();
            let serving = text
                .lines()
                .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
                .find(|line| line["fields"]["message"] == "serving");
            if let Some(line) = serving {
                let address = line["fields"]["address"].as_str().unwrap().to_owned();
                process.address = format!("http://{address}");
                return process;
            }
            if let Some(status) = process.child.try_wait().unwrap() {
                panic!("ocop serve exited ({status}) before serving:\n{text}");
            }
            assert!(
                started.elapsed() < std::time::Duration::from_secs(90),
                "ocop serve is not serving after 90 s:\n{text}"
            );
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
    }

    /// SIGTERM, and the clean exit a stop promises (its leases given back, its heartbeat gone).
    async fn stop(mut self) {
        let pid = self.child.id().to_string();
        let sent = std::process::Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap();
        assert!(sent.success());
        let asked = std::time::Instant::now();
        let status = loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                break status;
            }
            assert!(
                asked.elapsed() < std::time::Duration::from_secs(30),
                "ocop serve still runs 30 s after SIGTERM:\n{}",
                std::fs::read_to_string(&self.log).unwrap_or_default()
            );
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        };
        assert!(
            status.success(),
            "ocop serve stopped with {status}:\n{}",
            std::fs::read_to_string(&self.log).unwrap_or_default()
        );
    }
}

impl Drop for ServeProcess {
    fn drop(&mut self) {
        // Already gone after `stop`; otherwise the test failed: no server outlives it.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Two `ocop serve` processes on one PostgreSQL database and one Meilisearch index: a listing
/// approved through one is found on the other within 2 s, a cart filled on one checks out on
/// the other, and the payment expiry, which both start at once, runs once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(ocop_meili_tests),
    ignore = "MEILI_URL is not set: several servers need Meilisearch (no server on this machine)"
)]
async fn two_serve_processes_serve_one_site() {
    let (search, index) = fresh_meili_index();
    // The in-process server sets the database up (schema, demo province, the accounts and the
    // listing), then stops: only the two processes serve after that.
    let mut setup = spawn_app_configured(Engine::Postgres, |s| s.search = search.clone()).await;
    setup.seed().await;
    let (mut officer, id, slug) = awaiting_approval(
        &setup,
        ("0988 500 021", "0988 500 022"),
        "Nhãn lồng Phượng Hoàng",
    )
    .await;
    let (x, y) = two_producers(&setup).await;
    setup.search_settled().await;
    setup.shut_down().await.unwrap();
    // Its pool closed with it: the test's own reads go through a new one.
    setup.db = app::db::Db::connect(&setup.settings.database_url)
        .await
        .unwrap();
    let db = setup.db.clone();
    assert_eq!(ocop_tests::count(&db, "app_servers").await, 0);

    let folders = tempfile::tempdir().unwrap();
    let (folder_one, folder_two) = (folders.path().join("one"), folders.path().join("two"));
    let (one, two) = tokio::join!(
        ServeProcess::start(&setup, &folder_one, &search),
        ServeProcess::start(&setup, &folder_two, &search)
    );
    assert_eq!(ocop_tests::count(&db, "app_servers").await, 2);

    // Approved through one, found on the other within 2 s.
    let card = format!("/san-pham/{slug}\"");
    let query = "/tim-kiem?q=ph%C6%B0%E1%BB%A3ng+ho%C3%A0ng";
    let on_two = Browser::new(&two.address);
    assert!(!on_two.page(query).await.contains(&card), "not public yet");
    officer.address = one.address.clone();
    officer
        .submit(&format!("/can-bo/san-pham/{id}"), &[("action", "approve")])
        .await;
    let approved = std::time::Instant::now();
    while !on_two.page(query).await.contains(&card) {
        assert!(
            approved.elapsed() < std::time::Duration::from_secs(2),
            "the listing approved on one server is not in the other's search after 2 s"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    eprintln!(
        "approved on one, found on two after {:?}",
        approved.elapsed()
    );

    // A cart filled on one checks out on the other; its transfers are not paid in time.
    let before = (stock(&db, &x.id).await, stock(&db, &y.id).await);
    let nos = unpaid_across(
        &setup,
        (&x.id, &y.id),
        &one.address,
        &two.address,
        "key-two-processes-01",
    )
    .await;

    // Both stop; the transfers' time runs out; both start again at once, and each settles on
    // its first tick: the orders expire once and their stock comes back once.
    tokio::join!(one.stop(), two.stop());
    assert_eq!(ocop_tests::count(&db, "app_servers").await, 0, "both left");
    past_due(&db, &nos).await;
    let (one, two) = tokio::join!(
        ServeProcess::start(&setup, &folder_one, &search),
        ServeProcess::start(&setup, &folder_two, &search)
    );
    let restarted = std::time::Instant::now();
    for no in &nos {
        while order_status(&setup, no).await != ("cancelled".into(), "expired".into()) {
            assert!(
                restarted.elapsed() < std::time::Duration::from_secs(30),
                "order {no} has not expired 30 s after the servers started"
            );
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
    }
    assert_eq!(
        (stock(&db, &x.id).await, stock(&db, &y.id).await),
        before,
        "stock returned exactly once"
    );
    // Each order is in one expiry, on one of the two: their logs say which.
    let expiries: Vec<String> = [&one, &two]
        .iter()
        .flat_map(|server| {
            std::fs::read_to_string(&server.log)
                .unwrap_or_default()
                .lines()
                .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
                .filter(|line| line["fields"]["message"] == "unpaid orders expired, stock returned")
                .map(|line| line["fields"]["orders"].to_string())
                .collect::<Vec<_>>()
        })
        .collect();
    for no in &nos {
        let times = expiries.iter().filter(|e| e.contains(no.as_str())).count();
        assert_eq!(times, 1, "order {no} expired {times} times: {expiries:?}");
    }
    tokio::join!(one.stop(), two.stop());
    crate::search::remove_meili_index(&index).await;
}
