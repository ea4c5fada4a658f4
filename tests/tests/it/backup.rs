//! `ocop backup` and `ocop restore` (#28): a backup taken while the server runs, restored into
//! an empty database and data folder, serves the same pages and photos; what came after the
//! backup is not in it; a restore refuses while a server holds the data folder.

use std::os::unix::process::CommandExt;

use ocop_tests::{TestDb, db_test, spawn_app_configured, spawn_seeded_app};

/// A page with its per-response values (script nonces, which Leptos also writes as the
/// preloads' `crossorigin`, and form tokens) blanked.
fn normal(html: &str) -> String {
    let mut out = html.to_owned();
    for marker in ["nonce=\"", "crossorigin=\"", "name=\"csrf\" value=\""] {
        let mut from = 0;
        while let Some(at) = out[from..].find(marker) {
            let start = from + at + marker.len();
            let Some(len) = out[start..].find('"') else {
                break;
            };
            out.replace_range(start..start + len, "");
            from = start;
        }
    }
    out
}

/// The demo site with one order placed by a guest; and the product's slug.
async fn site_with_an_order(
    engine: ocop_tests::Engine,
    key: &str,
) -> (ocop_tests::TestApp, String) {
    let app = spawn_seeded_app(engine).await;
    let slug: String = sqlx::query_scalar(
        "SELECT slug FROM products WHERE status = 'approved' ORDER BY slug LIMIT 1",
    )
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    app.guest_buys(&slug, 1, key).await;
    (app, slug)
}

/// A server on the restored database and data folder.
async fn serve_restored(
    engine: ocop_tests::Engine,
    url: &str,
    data_dir: &std::path::Path,
) -> ocop_tests::TestApp {
    let (url, data_dir) = (url.to_owned(), data_dir.to_owned());
    spawn_app_configured(engine, move |s| {
        s.database_url = url;
        s.search = server::search::SearchSettings::Embedded {
            dir: data_dir.join("search"),
        };
        s.data_dir = data_dir;
    })
    .await
}

async fn orders(db: &app::db::Db) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM orders")
        .fetch_one(db.pool())
        .await
        .unwrap()
}

db_test!(
    a_backup_restored_into_an_empty_site_serves_the_same_pages,
    |engine| {
        let (mut app, slug) = site_with_an_order(engine, "backup-order-0001").await;
        // The search page is compared too: the order's stock change is in the index first.
        app.search_settled().await;
        let pages = [
            "/".to_owned(),
            format!("/san-pham/{slug}"),
            "/xa/tan-hung".to_owned(),
            "/tim-kiem?q=nhan".to_owned(),
        ];
        let mut before = vec![];
        for path in &pages {
            let page = app.get(path).await;
            assert_eq!(page.status(), 200, "{path}");
            before.push(normal(&page.text().await.unwrap()));
        }
        let photo = before[1]
            .split("src=\"/media/")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .map(|p| format!("/media/{p}"))
            .expect("the product page shows a photo");
        let photo_bytes = app.get(&photo).await.bytes().await.unwrap();

        // Taken while the server runs; then another order, which the backup does not hold.
        let folder = tempfile::tempdir().unwrap();
        let dir = folder.path().join("backup-1");
        let manifest = server::backup::backup(
            &app.settings.database_url,
            server::backup::Photos::Folder(&app.settings.media_dir()),
            &dir,
        )
        .await
        .expect("the backup");
        let engine_name = match engine {
            ocop_tests::Engine::Sqlite => "sqlite",
            ocop_tests::Engine::Postgres => "postgres",
        };
        assert_eq!(manifest.engine, engine_name);
        assert!(manifest.media_files > 0, "{manifest:?}");
        assert!(
            server::backup::backup(
                &app.settings.database_url,
                server::backup::Photos::Folder(&app.settings.media_dir()),
                &dir
            )
            .await
            .unwrap_err()
            .to_string()
            .contains("not empty"),
            "a backup never writes over another"
        );
        app.guest_buys(&slug, 1, "backup-order-0002").await;
        assert_eq!(orders(&app.db).await, 2);
        app.shut_down().await.unwrap();

        // An empty database and data folder take the backup.
        let target = TestDb::fresh(engine).await;
        let data = tempfile::tempdir().unwrap();
        let search = server::search::SearchSettings::Embedded {
            dir: data.path().join("search"),
        };
        let restored =
            server::backup::restore(&target.url, &data.path().join("media"), None, &search, &dir)
                .await
                .expect("the restore");
        assert_eq!(restored, manifest);

        let copy = serve_restored(engine, &target.url, data.path()).await;
        copy.search_settled().await;
        assert_eq!(
            orders(&copy.db).await,
            1,
            "the order placed after the backup is not in it"
        );
        for (path, was) in pages.iter().zip(&before) {
            let page = copy.get(path).await;
            assert_eq!(page.status(), 200, "{path}");
            let now = normal(&page.text().await.unwrap());
            if &now != was {
                let (n, w): (Vec<char>, Vec<char>) = (now.chars().collect(), was.chars().collect());
                let at = n.iter().zip(&w).take_while(|(a, b)| a == b).count();
                let around = |v: &[char]| {
                    v[at.saturating_sub(80).min(v.len())..(at + 120).min(v.len())]
                        .iter()
                        .collect::<String>()
                };
                panic!(
                    "{path} differs after the restore at character {at}: now {:?}, was {:?}",
                    around(&n),
                    around(&w)
                );
            }
        }
        let served = copy.get(&photo).await;
        assert_eq!(served.status(), 200, "{photo}");
        assert_eq!(served.bytes().await.unwrap(), photo_bytes);

        drop(copy);
        drop(target);
    }
);

db_test!(
    a_restore_over_a_running_then_stopped_site_keeps_what_it_replaces,
    |engine| {
        let (mut app, slug) = site_with_an_order(engine, "restore-over-0001").await;
        let folder = tempfile::tempdir().unwrap();
        let dir = folder.path().join("b");
        server::backup::backup(
            &app.settings.database_url,
            server::backup::Photos::Folder(&app.settings.media_dir()),
            &dir,
        )
        .await
        .unwrap();
        app.guest_buys(&slug, 1, "restore-over-0002").await;

        // While the server runs, the restore refuses, whatever the search engine: its
        // heartbeat is on the database. (A server in this same process shares the index lock.)
        let settings = app.settings.clone();
        let meili = server::search::SearchSettings::Meili {
            url: "http://127.0.0.1:9".to_owned(),
            key: None,
            index: "products".to_owned(),
        };
        let refused = server::backup::restore(
            &settings.database_url,
            &settings.media_dir(),
            None,
            &meili,
            &dir,
        )
        .await
        .unwrap_err();
        assert!(refused.to_string().contains("stop them"), "{refused:#}");
        assert_eq!(orders(&app.db).await, 2, "nothing was changed");

        app.shut_down().await.unwrap();
        server::backup::restore(
            &settings.database_url,
            &settings.media_dir(),
            None,
            &settings.search,
            &dir,
        )
        .await
        .expect("the restore over the stopped site");
        let kept: Vec<String> = std::fs::read_dir(&settings.data_dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.contains(".replaced-"))
            .collect();
        assert!(
            kept.iter().any(|n| n.starts_with("media.replaced-")),
            "{kept:?}"
        );
        match engine {
            ocop_tests::Engine::Sqlite => {
                let db_dir = app::db::sqlite_file_path(&settings.database_url).unwrap();
                let siblings: Vec<String> = std::fs::read_dir(db_dir.parent().unwrap())
                    .unwrap()
                    .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                    .collect();
                assert!(
                    siblings
                        .iter()
                        .any(|n| !n.ends_with(".db") && n.contains(".replaced-")),
                    "{siblings:?}"
                );
            }
            ocop_tests::Engine::Postgres => {
                assert!(
                    kept.iter().any(|n| n.starts_with("database.replaced-")),
                    "{kept:?}"
                );
            }
        }
        let copy = serve_restored(engine, &settings.database_url, &settings.data_dir).await;
        assert_eq!(orders(&copy.db).await, 1, "back to the backup's one order");
        assert_eq!(copy.get(&format!("/san-pham/{slug}")).await.status(), 200);
        drop(copy);
        drop(app);
    }
);

/// A restore refuses while another process (a server) holds the data folder's search index:
/// `flock` stands in for the server and holds the index's lock.
#[tokio::test]
async fn a_restore_waits_for_the_servers_to_stop() {
    let data = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", data.path().join("ocop.db").display());
    let dir = data.path().join("backup");
    server::backup::backup(
        &url,
        server::backup::Photos::Folder(&data.path().join("media")),
        &dir,
    )
    .await
    .unwrap();
    let lock = data.path().join("search.lock");
    // In a process group of its own, so that `flock` and the `sleep` holding the lock for it
    // are ended together.
    let mut holder = std::process::Command::new("flock")
        .arg("--exclusive")
        .arg(&lock)
        .args(["sleep", "60"])
        .process_group(0)
        .spawn()
        .expect("util-linux flock");
    let stop_holder = |holder: &mut std::process::Child| {
        let _ = std::process::Command::new("kill")
            .args(["-KILL", "--", &format!("-{}", holder.id())])
            .status();
        let _ = holder.wait();
    };
    // Until the holder has the lock, a probe of our own gets it.
    let held = lock_becomes(&lock, false, 100).await;
    let search = server::search::SearchSettings::Embedded {
        dir: data.path().join("search"),
    };
    let refused =
        server::backup::restore(&url, &data.path().join("media"), None, &search, &dir).await;
    stop_holder(&mut holder);
    assert!(held, "the stand-in server took the lock");
    let refused = refused.unwrap_err();
    assert!(refused.to_string().contains("stop it"), "{refused:#}");
    // Once it has stopped (the kernel frees the lock when its last holder, the `sleep`, has
    // exited, which may be a moment after `flock` itself), the same restore goes through.
    let freed = lock_becomes(&lock, true, 200).await;
    assert!(freed, "the stand-in server let the lock go");
    server::backup::restore(&url, &data.path().join("media"), None, &search, &dir)
        .await
        .expect("the restore after the server stopped");
}

/// Whether a probe of ours can take `lock` becomes `free` within `tries` of 50 ms.
async fn lock_becomes(lock: &std::path::Path, free: bool, tries: u32) -> bool {
    for _ in 0..tries {
        let probe = std::process::Command::new("flock")
            .args(["--nonblock", "--exclusive"])
            .arg(lock)
            .arg("true")
            .status()
            .unwrap();
        if probe.success() == free {
            return true;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    false
}

#[tokio::test]
async fn a_folder_without_a_finished_backup_is_not_restored() {
    let dir = tempfile::tempdir().unwrap();
    let data = tempfile::tempdir().unwrap();
    let search = server::search::SearchSettings::Embedded {
        dir: data.path().join("search"),
    };
    let url = format!("sqlite://{}", data.path().join("ocop.db").display());
    let e = server::backup::restore(&url, &data.path().join("media"), None, &search, dir.path())
        .await
        .unwrap_err();
    assert!(e.to_string().contains("no backup.json"), "{e:#}");
    assert!(!data.path().join("ocop.db").exists(), "nothing was touched");
}
