//! Journeys in a real browser (Debian's Chromium driven by playwright-core; scripts in
//! `tests/journeys/`), against the real server with the demo data. `scripts/test` installs
//! both; screenshots land in `target/journeys/`.

use std::path::{Path, PathBuf};

use ocop_tests::{Engine, TestApp, spawn_app_configured};

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
    let app = spawn_app_configured(Engine::Sqlite, |s| s.public_url = None).await;
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
    assert!(
        app.count("orders").await >= 6,
        "three checkouts of two producers each"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_farmer_lists_a_product_and_the_officer_approves_it() {
    let app = site().await;
    sign_up(&app, "0988 500 001", "Chị Lan").await;
    sign_up(&app, "0988 500 002", "Cán bộ xã").await;
    let (producer, commune): (String, String) = sqlx::query_as(
        "SELECT id, commune_id FROM producers WHERE slug = 'htx-nhan-long-song-hong-xanh'",
    )
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO producer_members (producer_id, user_id, role, created_at)
         VALUES ($1, $2, 'owner', '2026-11-27T00:00:00Z')",
    )
    .bind(&producer)
    .bind(user_id(&app, "+84988500001").await)
    .execute(app.db.pool())
    .await
    .unwrap();
    make_officer(&app, &user_id(&app, "+84988500002").await, &commune).await;
    let photo = app.data_dir.path().join("hop-nhan-say.jpg");
    std::fs::write(&photo, server::photos::samples::jpeg(1600, 1200)).unwrap();
    journey(
        &app,
        "seller_listing.js",
        &[
            ("FARMER", "0988500001"),
            ("OFFICER", "0988500002"),
            ("PASSWORD", PASSWORD),
            ("PHOTO", photo.to_str().unwrap()),
        ],
    )
    .await;
    let (status,): (String,) =
        sqlx::query_as("SELECT status FROM products WHERE slug = 'nhan-long-say-deo'")
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    assert_eq!(status, "approved");
}
