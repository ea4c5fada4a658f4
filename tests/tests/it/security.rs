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
