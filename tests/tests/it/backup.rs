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

async fn orders(db: &app::db::Db) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM orders")
        .fetch_one(db.pool())
        .await
        .unwrap()
}

db_test!(
    a_backup_restored_into_an_empty_site_serves_the_same_pages,
    |engine| {
        let mut app = spawn_seeded_app(engine).await;
        let slug: String = sqlx::query_scalar(
            "SELECT slug FROM products WHERE status = 'approved' ORDER BY slug LIMIT 1",
        )
        .fetch_one(app.db.pool())
        .await
        .unwrap();
        app.guest_buys(&slug, 1, "backup-order-0001").await;
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
        let manifest =
            server::backup::backup(&app.settings.database_url, &app.settings.media_dir(), &dir)
                .await
                .expect("the backup");
        let engine_name = match engine {
            ocop_tests::Engine::Sqlite => "sqlite",
            ocop_tests::Engine::Postgres => "postgres",
        };
        assert_eq!(manifest.engine, engine_name);
        assert!(manifest.media_files > 0, "{manifest:?}");
        assert!(
            server::backup::backup(&app.settings.database_url, &app.settings.media_dir(), &dir)
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
            server::backup::restore(&target.url, &data.path().join("media"), &search, &dir)
                .await
                .expect("the restore");
        assert_eq!(restored, manifest);

        let (url, data_dir) = (target.url.clone(), data.path().to_owned());
        let copy = spawn_app_configured(engine, move |s| {
            s.database_url = url;
            s.search = server::search::SearchSettings::Embedded {
                dir: data_dir.join("search"),
            };
            s.data_dir = data_dir;
        })
        .await;
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

/// A restore refuses while another process (a server) holds the data folder's search index:
/// `flock` stands in for the server and holds the index's lock.
#[tokio::test]
async fn a_restore_waits_for_the_servers_to_stop() {
    let data = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", data.path().join("ocop.db").display());
    let dir = data.path().join("backup");
    server::backup::backup(&url, &data.path().join("media"), &dir)
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
    let mut held = false;
    for _ in 0..100 {
        let probe = std::process::Command::new("flock")
            .args(["--nonblock", "--exclusive"])
            .arg(&lock)
            .arg("true")
            .status()
            .unwrap();
        if !probe.success() {
            held = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let search = server::search::SearchSettings::Embedded {
        dir: data.path().join("search"),
    };
    let refused = server::backup::restore(&url, &data.path().join("media"), &search, &dir).await;
    stop_holder(&mut holder);
    assert!(held, "the stand-in server took the lock");
    let refused = refused.unwrap_err();
    assert!(refused.to_string().contains("stop it"), "{refused:#}");
    // Once it has stopped (the kernel frees the lock when its last holder, the `sleep`, has
    // exited, which may be a moment after `flock` itself), the same restore goes through.
    let mut freed = false;
    for _ in 0..200 {
        let probe = std::process::Command::new("flock")
            .args(["--nonblock", "--exclusive"])
            .arg(&lock)
            .arg("true")
            .status()
            .unwrap();
        if probe.success() {
            freed = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(freed, "the stand-in server let the lock go");
    server::backup::restore(&url, &data.path().join("media"), &search, &dir)
        .await
        .expect("the restore after the server stopped");
}

#[tokio::test]
async fn a_folder_without_a_finished_backup_is_not_restored() {
    let dir = tempfile::tempdir().unwrap();
    let data = tempfile::tempdir().unwrap();
    let search = server::search::SearchSettings::Embedded {
        dir: data.path().join("search"),
    };
    let url = format!("sqlite://{}", data.path().join("ocop.db").display());
    let e = server::backup::restore(&url, &data.path().join("media"), &search, dir.path())
        .await
        .unwrap_err();
    assert!(e.to_string().contains("no backup.json"), "{e:#}");
    assert!(!data.path().join("ocop.db").exists(), "nothing was touched");
}
