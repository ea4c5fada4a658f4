//! Journeys in a real browser (Debian's Chromium driven by playwright-core; scripts in
//! `tests/journeys/`), against the real server with the demo data. `scripts/test` installs
//! both; screenshots land in `target/journeys/`.

use std::path::{Path, PathBuf};

use ocop_tests::{Engine, TestApp, browser::location, spawn_app_configured};

use super::accounts::{PASSWORD, make_officer, sign_up, user_id};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the workspace root")
        .to_owned()
}

/// The site under test, at the address the browser uses (no public URL elsewhere, so cookies
/// and form origins are the browser's own).
async fn site() -> TestApp {
    site_with(|_| {}).await
}

/// [`site`] with its settings changed by `configure` too.
async fn site_with(configure: impl FnOnce(&mut server::config::Settings)) -> TestApp {
    let app = spawn_app_configured(Engine::Sqlite, |s| {
        s.public_url = None;
        configure(s);
    })
    .await;
    app.seed().await;
    app
}

/// Runs one journey script; its console output is shown when it fails.
async fn journey(app: &TestApp, script: &str, env: &[(&str, &str)]) {
    let root = root();
    let shots = root.join("target/journeys");
    std::fs::create_dir_all(&shots).expect("a folder for screenshots");
    assert!(
        Path::new("/usr/bin/chromium").exists(),
        "Chromium is missing: scripts/test installs it (apt-get install chromium)"
    );
    let mut command = std::process::Command::new("node");
    command
        .arg(root.join("tests/journeys").join(script))
        .env("BASE_URL", &app.address)
        .env("SHOTS", &shots)
        .env("NODE_PATH", root.join("scripts/node_modules"))
        .envs(env.iter().copied());
    // The server runs on this runtime's workers; the browser waits on another thread.
    let output = tokio::task::spawn_blocking(move || command.output())
        .await
        .expect("the journey thread")
        .expect("running node (scripts/test installs it)");
    let out = String::from_utf8_lossy(&output.stdout);
    let err = String::from_utf8_lossy(&output.stderr);
    println!("{out}{err}");
    assert!(output.status.success(), "{script} failed:\n{out}\n{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_buyer_checks_out_on_a_phone() {
    let app = site().await;
    journey(&app, "buyer_checkout.js", &[]).await;
    assert_eq!(
        app.count("orders").await,
        6,
        "three checkouts of two producers each; the fresh longan refused for Hồ Chí Minh City \
         ordered nothing"
    );
}

/// A buyer pays by VNPay against the test's stand-in for VNPay (with JavaScript, then without):
/// only VNPay's server-to-server notice marks the orders paid.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_buyer_pays_by_vnpay() {
    let vnpay = ocop_tests::vnpay_fake::VnpayFake::start().await;
    let settings = vnpay.settings();
    let app = site_with(move |s| s.payments = settings).await;
    vnpay.set_merchant(&app.address);
    journey(&app, "vnpay.js", &[]).await;
    let paid: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM payments WHERE method = 'vnpay' AND status = 'paid'",
    )
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    assert_eq!(paid, 2, "one order each time, each paid once");
    assert_eq!(vnpay.ipns().len(), 2, "one notice each");
}

/// Two farmers (with JavaScript, then without) sign up, are approved, list a product, keep the
/// farm diary (a harvest inside the pre-harvest interval is refused) and get certified; the
/// officer's account is the one thing made outside the browser (administrators appoint officers).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_farmer_joins_keeps_the_diary_and_the_officer_certifies() {
    let app = site().await;
    sign_up(&app, "0988 500 002", "Cán bộ xã").await;
    let (commune, commune_slug): (String, String) = sqlx::query_as(
        "SELECT c.id, c.slug FROM communes c JOIN producers p ON p.commune_id = c.id
          WHERE p.slug = 'htx-nhan-long-song-hong-xanh'",
    )
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    make_officer(&app, &user_id(&app, "+84988500002").await, &commune).await;
    let photo = app.data_dir.path().join("hop-nhan-say.jpg");
    std::fs::write(&photo, server::photos::samples::jpeg(1600, 1200)).unwrap();
    // 30 MB, as the upload that once reset the connection in CI (the limit is 20 MB).
    let too_large = app.data_dir.path().join("anh-qua-lon.jpg");
    std::fs::write(&too_large, vec![0xFF_u8; 30 * 1024 * 1024]).unwrap();
    journey(
        &app,
        "farmer_to_market.js",
        &[
            ("OFFICER", "0988500002"),
            ("PASSWORD", PASSWORD),
            ("PHOTO", photo.to_str().unwrap()),
            ("PHOTO_TOO_LARGE", too_large.to_str().unwrap()),
            ("COMMUNE_ID", &commune),
            ("COMMUNE_SLUG", &commune_slug),
        ],
    )
    .await;

    // What the pages said is what the database holds.
    let producers: Vec<(String,)> = sqlx::query_as(
        "SELECT status FROM producers WHERE name IN ('Hộ Đào Thị Lan', 'Hộ Lê Văn Tú')",
    )
    .fetch_all(app.db.pool())
    .await
    .unwrap();
    assert_eq!(producers, vec![("active".to_owned(),); 2]);
    let products: Vec<(String, String)> = sqlx::query_as(
        "SELECT slug, status FROM products WHERE slug IN ('nhan-long-say-deo', 'long-nhan-tui-200-g')
          ORDER BY slug",
    )
    .fetch_all(app.db.pool())
    .await
    .unwrap();
    assert_eq!(
        products,
        vec![
            ("long-nhan-tui-200-g".to_owned(), "approved".to_owned()),
            ("nhan-long-say-deo".to_owned(), "approved".to_owned()),
        ]
    );
    let entries: Vec<(String,)> = sqlx::query_as(
        "SELECT e.kind FROM cultivation_log_entries e JOIN plots f ON f.id = e.plot_id
          WHERE f.name = 'Vườn nhãn bờ đê' ORDER BY e.kind",
    )
    .fetch_all(app.db.pool())
    .await
    .unwrap();
    let kinds: Vec<&str> = entries.iter().map(|(k,)| k.as_str()).collect();
    assert_eq!(
        kinds,
        ["harvest", "harvest", "spraying", "spraying"],
        "the refused harvests left nothing"
    );
    let (signature,): (String,) = sqlx::query_as(
        "SELECT p.slug FROM commune_signature_products s JOIN products p ON p.id = s.product_id
          WHERE s.commune_id = $1",
    )
    .bind(&commune)
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    assert_eq!(signature, "long-nhan-tui-200-g", "the last one set");
    let (certified,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM ocop_certificates c JOIN products p ON p.id = c.product_id
          WHERE p.slug IN ('nhan-long-say-deo', 'long-nhan-tui-200-g') AND c.stars = 4",
    )
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    assert_eq!(certified, 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_visitor_switches_the_language() {
    let app = site().await;
    journey(&app, "language.js", &[]).await;
}

/// Someone who forgot the password (with JavaScript, then without) asks for a code at the
/// verified email, types it with a new password and signs in with it. The harness plays the
/// mailbox: it reads each code from the pending message and hands it to the script in a file.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_forgotten_password_is_reset_by_a_code() {
    use super::password_reset::{NEW_PASSWORD, verified_email_account};
    // Email on but held: the harness plays the mailbox.
    let app = site_with(|s| s.notify = ocop_tests::held_channels()).await;
    let emails = ["quen.js@example.vn", "quen.nojs@example.vn"];
    let mut old_sessions = Vec::new();
    for email in emails {
        let b = verified_email_account(&app, email).await;
        old_sessions.push(b);
    }
    let codes = tempfile::tempdir().unwrap();
    let dir = codes.path().to_owned();
    let db = app.db.clone();
    let mailbox = tokio::spawn(async move {
        let mut delivered = 0;
        for _ in 0..600 {
            for email in emails {
                let file = dir.join(format!("{email}.txt"));
                if file.exists() {
                    continue;
                }
                let params: Option<String> = sqlx::query_scalar(
                    "SELECT params FROM notifications
                      WHERE address = $1 AND kind = 'password_reset_code' AND status = 'pending'",
                )
                .bind(email)
                .fetch_optional(db.pool())
                .await
                .unwrap();
                if let Some(params) = params {
                    let json: serde_json::Value = serde_json::from_str(&params).unwrap();
                    std::fs::write(&file, json["code"].as_str().unwrap()).unwrap();
                    delivered += 1;
                }
            }
            if delivered == emails.len() {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        }
    });
    journey(
        &app,
        "password_reset.js",
        &[
            ("EMAIL_JS", emails[0]),
            ("EMAIL_NO_JS", emails[1]),
            ("NEW_PASSWORD", NEW_PASSWORD),
            ("CODE_DIR", codes.path().to_str().unwrap()),
        ],
    )
    .await;
    mailbox.abort();
    // The sessions opened before the reset ended; each account has the browser's new one.
    for (email, old) in emails.iter().zip(&old_sessions) {
        assert!(location(&old.get("/tai-khoan").await).starts_with("/dang-nhap"));
        let sessions: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.email = $1",
        )
        .bind(*email)
        .fetch_one(app.db.pool())
        .await
        .unwrap();
        assert_eq!(sessions, 1, "{email}");
    }
}

/// A buyer orders fresh longan, opens from the order page the lot it was taken from; the
/// commune's officer recalls that lot from its page; the buyer's order, the lot and the product
/// then say so. The officer's account is made outside the browser (administrators appoint them).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_buyer_opens_the_lot_from_the_order_and_sees_its_recall() {
    let app = site().await;
    sign_up(&app, "0988 500 003", "Cán bộ xã Hồng Nam").await;
    // The commune the longan's lots on sale grow in: its officer may recall them.
    let communes: Vec<(String,)> = sqlx::query_as(
        "SELECT DISTINCT f.commune_id FROM harvest_lots l
           JOIN plots f ON f.id = l.plot_id
           JOIN product_variants v ON v.id = l.variant_id
           JOIN products p ON p.id = v.product_id
          WHERE p.slug = 'nhan-long-hung-yen' AND l.status = 'on_sale'
            AND l.verified_at IS NOT NULL AND l.units_left > 0",
    )
    .fetch_all(app.db.pool())
    .await
    .unwrap();
    assert_eq!(
        communes.len(),
        1,
        "the demo longan is sold from one commune's lots"
    );
    make_officer(&app, &user_id(&app, "+84988500003").await, &communes[0].0).await;
    journey(
        &app,
        "recall.js",
        &[("OFFICER", "0988500003"), ("PASSWORD", PASSWORD)],
    )
    .await;

    // The order's line was taken from the lot that is now recalled, and its buyer was told.
    let (recalled, lines): (i64, i64) = sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM lot_recalls r JOIN harvest_lots l ON l.id = r.lot_id
                  WHERE l.status = 'recalled' AND l.units_left = 0),
                (SELECT COUNT(*) FROM order_line_lots ol JOIN lot_recalls r ON r.lot_id = ol.lot_id)",
    )
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    assert_eq!(
        (recalled, lines),
        (1, 1),
        "one lot recalled, the buyer's line taken from it"
    );
    let told: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM notifications WHERE kind = 'lot_recalled'")
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    assert!(told >= 1, "the buyer is notified");
}

/// Offline capture (#26): a farmer records a spraying with a photo and a harvest with the
/// connection off; back online, the queue is sent through the farm API: one new entry with its
/// photo, the harvest refused with the pre-harvest reason shown against it, the chain intact,
/// and the same queued entry sent again stored once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_farmer_records_offline_and_the_queue_is_sent_once() {
    let app = site().await;
    let farmer = super::accounts::member_of(
        &app,
        "0988 500 010",
        "Chị Ngọc",
        "htx-nhan-long-song-hong-xanh",
    )
    .await;
    drop(farmer);
    let plot: String = sqlx::query_scalar(
        "SELECT pl.id FROM plots pl JOIN producers p ON p.id = pl.producer_id
          WHERE p.slug = 'htx-nhan-long-song-hong-xanh' ORDER BY pl.name LIMIT 1",
    )
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    let entries = |plot: String| {
        let db = app.db.clone();
        async move {
            sqlx::query_scalar::<_, i64>(
                "SELECT COUNT(*) FROM cultivation_log_entries WHERE plot_id = $1",
            )
            .bind(plot)
            .fetch_one(db.pool())
            .await
            .unwrap()
        }
    };
    let before = entries(plot.clone()).await;
    let photo = app.data_dir.path().join("phun-thuoc.jpg");
    std::fs::write(&photo, server::photos::samples::jpeg(1200, 900)).unwrap();
    journey(
        &app,
        "offline.js",
        &[
            ("FARMER", "0988500010"),
            ("PASSWORD", PASSWORD),
            ("PLOT", &plot),
            ("PHOTO", photo.to_str().unwrap()),
        ],
    )
    .await;
    assert_eq!(entries(plot.clone()).await, before + 1, "one entry stored");
    let (client_id, photos): (Option<String>, i64) = sqlx::query_as(
        "SELECT e.client_id, (SELECT COUNT(*) FROM cultivation_log_photos c WHERE c.entry_id = e.id)
           FROM cultivation_log_entries e WHERE e.plot_id = $1 ORDER BY e.seq DESC LIMIT 1",
    )
    .bind(&plot)
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    assert!(client_id.is_some(), "sent with the phone's id");
    assert_eq!(photos, 1);
}

/// Every page's footer links the documents and names the operator, on a phone, with and
/// without JavaScript (#27).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_shows_the_footer_in_a_browser() {
    let app = site().await;
    journey(&app, "footer.js", &[]).await;
}
