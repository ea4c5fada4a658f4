use ocop_tests::{db_test, spawn_app, spawn_seeded_app};

db_test!(
    home_page_shows_the_demo_province_server_rendered,
    |engine| {
        let app = spawn_seeded_app(engine).await;
        let resp = app.get("/").await;
        assert_eq!(resp.status(), 200);
        assert!(
            resp.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/html")
        );
        let html = resp.text().await.unwrap();
        assert!(html.contains(r#"<html lang="vi""#), "Vietnamese by default");
        assert!(
            html.contains("Nhãn lồng Hưng Yên"),
            "signature product rendered on the server"
        );
        assert!(html.contains("Gà Đông Tảo"));
        assert!(html.contains("85.000 ₫"), "prices in Vietnamese format");
        assert!(html.contains("OCOP 4 sao"));
        assert!(html.contains("Tân Hưng"), "communes listed");
        // `/pkg/ocop.<hash>.js` where the site is built, `/pkg/ocop.js` where it is not.
        assert!(
            html.contains("/pkg/ocop.") && html.contains(".js") && html.contains(".wasm"),
            "hydration scripts linked"
        );
    }
);

db_test!(unapproved_products_never_reach_the_home_page, |engine| {
    let app = spawn_seeded_app(engine).await;
    let (photo_id,): (String,) = sqlx::query_as(
        "SELECT pp.photo_id FROM product_photos pp JOIN products p ON p.id = pp.product_id WHERE p.slug = 'tuong-ban'",
    )
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    assert!(
        app.page("/").await.contains(&photo_id),
        "shown while approved"
    );

    sqlx::query("UPDATE products SET status = 'pending' WHERE slug = 'tuong-ban'")
        .execute(app.db.pool())
        .await
        .unwrap();
    assert!(
        !app.page("/").await.contains(&photo_id),
        "hidden while pending"
    );

    sqlx::query("UPDATE products SET status = 'approved' WHERE slug = 'tuong-ban'")
        .execute(app.db.pool())
        .await
        .unwrap();
    sqlx::query("UPDATE producers SET status = 'suspended' WHERE slug = (SELECT pr.slug FROM producers pr JOIN products p ON p.producer_id = pr.id WHERE p.slug = 'tuong-ban')")
        .execute(app.db.pool())
        .await
        .unwrap();
    assert!(
        !app.page("/").await.contains(&photo_id),
        "hidden while its producer is suspended"
    );
});

db_test!(an_empty_database_says_how_to_load_data, |engine| {
    let app = spawn_app(engine).await;
    let resp = app.get("/").await;
    assert_eq!(resp.status(), 200);
    assert!(resp.text().await.unwrap().contains("ocop seed"));
});

db_test!(unknown_paths_get_a_helpful_404, |engine| {
    let app = spawn_app(engine).await;
    let resp = app.get("/khong-co-trang-nay").await;
    assert_eq!(resp.status(), 404);
    let html = resp.text().await.unwrap();
    assert!(html.contains("Không tìm thấy trang này"));
    assert!(html.contains(r#"href="/""#), "a way back home");
});

db_test!(photos_are_served_with_long_lived_caching, |engine| {
    let app = spawn_seeded_app(engine).await;
    let (key,): (String,) =
        sqlx::query_as("SELECT storage_key FROM photo_derivatives WHERE width = 640 LIMIT 1")
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    let resp = app.get(&format!("/media/{key}")).await;
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["content-type"], "image/jpeg");
    assert!(
        resp.headers()["cache-control"]
            .to_str()
            .unwrap()
            .contains("immutable")
    );
    let bytes = resp.bytes().await.unwrap();
    assert_eq!(&bytes[..2], &[0xFF, 0xD8]);

    let escape = app.get("/media/../../../../etc/passwd").await;
    assert_ne!(escape.status(), 200, "no way out of the media folder");
    assert_eq!(app.get("/media/photos/none.jpg").await.status(), 404);
});

db_test!(
    the_language_switch_persists_and_english_pages_follow,
    |engine| {
        let app = spawn_seeded_app(engine).await;
        let browser = ocop_tests::browser::Browser::new(&app.address);
        let resp = browser
            .submit("/lang", &[("lang", "en"), ("next", "/")])
            .await;
        assert_eq!(resp.status(), 303);
        assert_eq!(resp.headers()["location"], "/");
        let cookie = resp.headers()["set-cookie"].to_str().unwrap().to_owned();
        assert!(
            cookie.starts_with("lang=en;")
                && cookie.contains("Max-Age=31536000")
                && cookie.contains("SameSite=Lax"),
            "{cookie}"
        );

        let html = app.get_in_english("/").await;
        assert!(html.contains(r#"<html lang="en""#));
        assert!(
            html.contains("Each commune&#x27;s signature product")
                || html.contains("Each commune's signature product")
        );
        assert!(html.contains("Hưng Yên longan"), "English product names");
        assert!(html.contains("₫85,000"), "prices in English format");
        assert!(html.contains("OCOP 4 stars"));
        assert!(
            html.contains(r#"name="lang" value="vi""#),
            "offers the way back to Vietnamese"
        );

        // Without the cookie the site stays Vietnamese.
        let html = app.page("/").await;
        assert!(html.contains(r#"<html lang="vi""#) && html.contains("Sản phẩm tiêu biểu"));

        // The switch sends the reader back to the same page, query included.
        let html = app.page("/tim-kiem?q=nhan+long&stars=4").await;
        assert!(
            html.contains(r#"name="next" value="/tim-kiem?q=nhan+long&amp;stars=4""#),
            "the switch keeps the query"
        );
    }
);

#[tokio::test]
async fn the_language_switch_refuses_strangers() {
    let app = spawn_app(ocop_tests::Engine::Sqlite).await;
    let browser = ocop_tests::browser::Browser::new(&app.address);
    let resp = browser
        .submit("/lang", &[("lang", "en"), ("next", "//evil.example/")])
        .await;
    assert_eq!(resp.headers()["location"], "/", "no open redirect");
    let resp = browser
        .submit("/lang", &[("lang", "fr"), ("next", "/")])
        .await;
    assert_eq!(resp.status(), 400);
    assert!(resp.headers().get("set-cookie").is_none());
}

db_test!(
    pages_answer_while_other_servers_start_in_the_same_process,
    |engine| {
        // Starting a server lists the site's routes; leptos does that with resource loading
        // switched off process-wide, and a page whose first resource was polled meanwhile
        // waited forever (answered 503 by the 30 s time-out). The tests start hundreds of
        // servers in one process, so a page now and then hung: the routes are listed once.
        let app = spawn_app(engine).await;
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let builders: Vec<_> = (0..2)
            .map(|_| {
                let (settings, stop) = (app.settings.clone(), stop.clone());
                tokio::spawn(async move {
                    let mut built = 0;
                    while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                        drop(server::startup::Application::build(settings.clone()).await);
                        built += 1;
                    }
                    built
                })
            })
            .collect();
        let pages = futures::future::join_all((0..8).map(|_| async {
            let mut failed = Vec::new();
            for _ in 0..40 {
                let response = app.get("/").await;
                if response.status() != 200 {
                    failed.push(response.status());
                }
            }
            failed
        }))
        .await;
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        let mut built = 0;
        for b in builders {
            built += b.await.unwrap();
        }
        let failed: Vec<_> = pages.into_iter().flatten().collect();
        assert!(built > 0);
        assert!(
            failed.is_empty(),
            "{} of 320 home pages failed while {built} servers started: {failed:?}",
            failed.len()
        );
    }
);

/// The first `/pkg/ocop.….{ext}` path the page names.
fn pkg_link(html: &str, ext: &str) -> String {
    let start = html.find("/pkg/ocop.").expect("a /pkg link");
    let mut from = start;
    loop {
        let rest = &html[from..];
        let end = rest.find(['"', '\'', ' ']).expect("the link ends");
        let link = &rest[..end];
        if link.ends_with(&format!(".{ext}")) {
            return link.to_owned();
        }
        from += rest[1..].find("/pkg/ocop.").expect("another /pkg link") + 1;
    }
}

db_test!(pkg_files_have_content_hashed_names_kept_a_year, |engine| {
    let site = tempfile::tempdir().unwrap();
    let pkg = site.path().join("pkg");
    std::fs::create_dir(&pkg).unwrap();
    std::fs::write(pkg.join("ocop.js"), "export default function init() {}").unwrap();
    std::fs::write(pkg.join("ocop.wasm"), b"\0asm\x01\0\0\0").unwrap();
    std::fs::write(pkg.join("ocop.css"), "body { color: #222 }").unwrap();
    let root = site.path().to_str().unwrap().to_owned();
    let mut app =
        ocop_tests::spawn_app_configured(engine, |s| s.leptos.site_root = root.into()).await;

    let html = app.page("/").await;
    let (js, wasm, css) = (
        pkg_link(&html, "js"),
        pkg_link(&html, "wasm"),
        pkg_link(&html, "css"),
    );
    for (link, ext) in [(&js, "js"), (&wasm, "wasm"), (&css, "css")] {
        let hash = link
            .strip_prefix("/pkg/ocop.")
            .and_then(|l| l.strip_suffix(&format!(".{ext}")))
            .unwrap_or_else(|| panic!("a hashed name: {link}"));
        assert!(
            hash.len() == 16 && hash.bytes().all(|b| b.is_ascii_hexdigit()),
            "{link}"
        );
    }
    assert_eq!(
        js.trim_end_matches(".js"),
        wasm.trim_end_matches(".wasm"),
        "the script and its wasm share a name"
    );
    assert!(
        html.contains(&format!("href=\"{css}\"")),
        "the stylesheet linked"
    );

    for (link, file, content_type) in [
        (&js, "ocop.js", "text/javascript"),
        (&wasm, "ocop.wasm", "application/wasm"),
        (&css, "ocop.css", "text/css"),
    ] {
        let r = app.get(link).await;
        assert_eq!(r.status(), 200, "{link}");
        assert_eq!(r.headers()["content-type"], content_type);
        assert_eq!(
            r.headers()["cache-control"],
            "public, max-age=31536000, immutable"
        );
        assert_eq!(
            r.bytes().await.unwrap().as_ref(),
            std::fs::read(pkg.join(file)).unwrap()
        );
    }

    // The plain name still answers, checked again each time (an ETag, then 304).
    let plain = app.get("/pkg/ocop.css").await;
    assert_eq!(plain.status(), 200);
    assert_eq!(plain.headers()["cache-control"], "public, no-cache");
    let etag = plain.headers()["etag"].clone();
    let again = app
        .client
        .get(format!("{}/pkg/ocop.css", app.address))
        .header("if-none-match", etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 304);

    // A new stylesheet is a new name after the restart; the old name is gone, not cached.
    std::fs::write(pkg.join("ocop.css"), "body { color: #111 }").unwrap();
    app.restart().await;
    let html = app.page("/").await;
    let new_css = pkg_link(&html, "css");
    assert_ne!(new_css, css);
    assert_eq!(pkg_link(&html, "js"), js, "the script did not change");
    let old = app.get(&css).await;
    assert_eq!(old.status(), 404);
    assert_eq!(old.headers()["cache-control"], "no-store");
    assert_eq!(app.get(&new_css).await.status(), 200);
});
