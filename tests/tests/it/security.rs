//! Response headers: every page carries a Content-Security-Policy whose script nonce is the one
//! on its scripts (the browser journeys check that the site runs under it without violations),
//! everything else the strictest policy; no MIME sniffing, no framing, no full referrers.

use ocop_tests::{db_test, spawn_seeded_app};

db_test!(pages_and_files_carry_the_security_headers, |engine| {
    let app = spawn_seeded_app(engine).await;
    for path in [
        "/",
        "/san-pham/nhan-long-hung-yen",
        "/gio-hang",
        "/no-such-page",
        "/api/v1/communes",
        "/robots.txt",
    ] {
        let r = app.get(path).await;
        let h = r.headers().clone();
        assert_eq!(h["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(h["x-frame-options"], "DENY", "{path}");
        assert_eq!(
            h["referrer-policy"], "strict-origin-when-cross-origin",
            "{path}"
        );
        let csp = h["content-security-policy"].to_str().unwrap().to_owned();
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
        let body = r.text().await.unwrap();
        if body.starts_with("<!DOCTYPE html>") {
            let nonce = csp
                .split("'nonce-")
                .nth(1)
                .and_then(|rest| rest.split('\'').next())
                .unwrap_or_else(|| panic!("{path}: a page policy with a nonce: {csp}"));
            assert!(
                body.contains(&format!("nonce=\"{nonce}\"")),
                "{path}: the scripts carry the policy's nonce"
            );
            assert!(!csp.contains("unsafe-inline"), "{path}");
            // Every executable inline script carries it (JSON-LD is data, not script).
            for tag in body.split("<script").skip(1) {
                let open = tag.split('>').next().unwrap_or("");
                assert!(
                    open.contains("application/ld+json")
                        || open.contains(&format!("nonce=\"{nonce}\"")),
                    "{path}: <script{open}>"
                );
            }
        } else {
            assert_eq!(csp, app::security::NON_PAGE_POLICY, "{path}");
        }
    }
    // Each page gets its own nonce.
    let a = app.get("/").await.headers()["content-security-policy"].clone();
    let b = app.get("/").await.headers()["content-security-policy"].clone();
    assert_ne!(a, b);
});

// Access refusals left no trace. Every 401/403 — a page, a form, a forged post — is logged
// with who asked, from where and for what (never the body or cookies).
db_test!(
    access_refusals_are_logged_with_user_address_and_path,
    |engine| {
        ocop_tests::logs::capture();
        let app = spawn_seeded_app(engine).await;
        let buyer = crate::accounts::sign_up(&app, "0912 000 401", "Người mua tò mò").await;
        let key = app::auth::login::LoginId::parse("0912 000 401")
            .unwrap()
            .key();
        let user = crate::accounts::user_id(&app, &key).await;
        let product: String =
            sqlx::query_scalar("SELECT id FROM products WHERE slug = 'nhan-long-hung-yen'")
                .fetch_one(app.db.pool())
                .await
                .unwrap();
        let path = format!("/can-bo/san-pham/{product}");
        let r = buyer.submit(&path, &[("action", "approve")]).await;
        assert_eq!(r.status(), 403);
        let lines = ocop_tests::logs::lines_with(&["access refused", &user, &path]);
        assert_eq!(lines.len(), 1, "{lines:?}");
        assert!(lines[0].contains("\"ip\":\"127.0.0.1\""), "{}", lines[0]);
        assert!(lines[0].contains("\"status\":403"), "{}", lines[0]);
        assert!(
            !lines[0].contains("csrf"),
            "no form fields in the log: {}",
            lines[0]
        );
    }
);

/// The `Cache-Control` of a response, "" when it has none.
fn cache_control(r: &reqwest::Response) -> String {
    r.headers()
        .get("cache-control")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default()
}

/// A well-formed guest cart token (64 hex digits), as the server hands out.
const CART_TOKEN: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

db_test!(private_answers_are_never_stored, |engine| {
    use crate::accounts::{make_admin, member_of, officer_of_commune, sign_up, user_id};
    use ocop_tests::browser::Browser;
    let app = spawn_seeded_app(engine).await;
    app.guest_buys("nhan-long-hung-yen", 1, "no-store-order")
        .await;
    let (order_no,): (String,) = sqlx::query_as("SELECT order_no FROM orders LIMIT 1")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    let (photo,): (String,) =
        sqlx::query_as("SELECT storage_key FROM photo_derivatives WHERE width = 640 LIMIT 1")
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    let media = format!("/media/{photo}");

    // A visitor: public pages and files keep their caching; private paths are never stored.
    for path in [
        "/",
        "/san-pham/nhan-long-hung-yen",
        "/api/v1/communes",
        "/api/v1/products",
        "/robots.txt",
        "/sitemap.xml",
    ] {
        let r = app.get(path).await;
        assert!(!cache_control(&r).contains("no-store"), "{path}");
    }
    assert!(cache_control(&app.get(&media).await).contains("immutable"));
    for path in [
        "/tai-khoan",
        "/ban-hang",
        "/nong-trai",
        "/can-bo",
        "/quan-tri",
        "/gio-hang",
        "/thanh-toan",
        &format!("/don-hang/{order_no}"),
        &format!("/api/v1/orders/{order_no}?phone=0912345678"),
        "/api/v1/cart",
    ] {
        let r = app.get(path).await;
        assert_eq!(cache_control(&r), "no-store", "{path}: {}", r.status());
    }

    // A guest with a cart (cookie or API token): every answer is theirs.
    let guest = Browser::new(&app.address);
    guest.set_cookie("ocop_cart", CART_TOKEN);
    for path in [
        "/",
        "/gio-hang",
        "/api/v1/cart",
        "/san-pham/nhan-long-hung-yen",
    ] {
        let r = guest.get(path).await;
        assert_eq!(cache_control(&r), "no-store", "guest {path}");
    }
    let r = app
        .client
        .get(format!("{}/api/v1/cart", app.address))
        .header("x-cart-token", CART_TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(cache_control(&r), "no-store", "API cart by token");

    // Signed in: pages (they show who is signed in), private JSON, and form answers; photos and
    // static files stay cacheable (the same bytes for everyone).
    let seller = member_of(
        &app,
        "0988 300 031",
        "Chị Lan",
        "htx-nhan-long-song-hong-xanh",
    )
    .await;
    let officer = officer_of_commune(&app, "0988 300 032", "pho-hien").await;
    let admin = sign_up(&app, "0988 300 033", "Quản trị").await;
    let key = app::auth::login::LoginId::parse("0988 300 033")
        .unwrap()
        .key();
    make_admin(&app, &user_id(&app, &key).await).await;
    for (who, b, paths) in [
        (
            "seller",
            &seller,
            &[
                "/",
                "/san-pham/nhan-long-hung-yen",
                "/tai-khoan",
                "/ban-hang",
                "/nong-trai",
                "/gio-hang",
                "/api/v1/cart",
            ][..],
        ),
        ("officer", &officer, &["/can-bo", "/tai-khoan"][..]),
        ("admin", &admin, &["/quan-tri", "/tai-khoan"][..]),
    ] {
        for path in paths {
            let r = b.get(path).await;
            assert_eq!(r.status(), 200, "{who} {path}");
            assert_eq!(cache_control(&r), "no-store", "{who} {path}");
        }
        let r = b.get(&media).await;
        assert!(cache_control(&r).contains("immutable"), "{who} {media}");
    }
    let r = seller
        .submit("/tai-khoan/mat-khau", &[("current", "sai"), ("new", "x")])
        .await;
    assert_eq!(cache_control(&r), "no-store", "a form's answer");
});
