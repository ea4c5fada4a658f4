//! Accounts: sign-up and sign-in, sessions, forgery protection, throttling, roles.

use ocop_tests::{
    TestApp,
    browser::{Browser, location},
    db_test, spawn_app, spawn_seeded_app,
};

pub(crate) const PASSWORD: &str = "nhãn lồng chín đỏ";

/// Signs up a buyer through the form; the browser is then signed in.
pub(crate) async fn sign_up(app: &TestApp, login: &str, name: &str) -> Browser {
    let b = Browser::new(&app.address);
    let r = b
        .submit(
            "/dang-ky",
            &[
                ("name", name),
                ("login", login),
                ("password", PASSWORD),
                ("password_again", PASSWORD),
            ],
        )
        .await;
    assert_eq!(r.status(), 303, "sign-up of {login}");
    // Where a code can reach the login, one went out and the page says so.
    let to = location(&r);
    assert!(
        to == "/tai-khoan" || to == "/tai-khoan?ok=ma-da-gui#lien-he",
        "{to}"
    );
    assert!(b.cookie("ocop_session").is_some());
    b
}

/// Signs up `name` through the form and makes them an owner of the producer with this slug
/// (as an approved application would); the browser is signed in.
pub(crate) async fn member_of(
    app: &TestApp,
    phone: &str,
    name: &str,
    producer_slug: &str,
) -> Browser {
    let b = sign_up(app, phone, name).await;
    let key = app::auth::login::LoginId::parse(phone).unwrap().key();
    sqlx::query(
        "INSERT INTO producer_members (producer_id, user_id, role, created_at)
         SELECT id, $2, 'owner', '2026-11-27T00:00:00Z' FROM producers WHERE slug = $1",
    )
    .bind(producer_slug)
    .bind(user_id(app, &key).await)
    .execute(app.db.pool())
    .await
    .unwrap();
    b
}

pub(crate) async fn user_id(app: &TestApp, key: &str) -> String {
    sqlx::query_scalar("SELECT id FROM users WHERE phone = $1 OR email = $1")
        .bind(key)
        .fetch_one(app.db.pool())
        .await
        .unwrap()
}

pub(crate) async fn commune_id(app: &TestApp, slug: &str) -> String {
    sqlx::query_scalar("SELECT id FROM communes WHERE slug = $1")
        .bind(slug)
        .fetch_one(app.db.pool())
        .await
        .unwrap()
}

/// A signed-up commune officer of the commune with this slug.
pub(crate) async fn officer_of_commune(
    app: &TestApp,
    phone: &str,
    commune_slug: &str,
) -> ocop_tests::browser::Browser {
    let b = sign_up(app, phone, "Cán bộ xã").await;
    let key = app::auth::login::LoginId::parse(phone).unwrap().key();
    make_officer(
        app,
        &user_id(app, &key).await,
        &commune_id(app, commune_slug).await,
    )
    .await;
    b
}

pub(crate) async fn make_officer(app: &TestApp, user: &str, commune: &str) {
    sqlx::query("INSERT INTO commune_officers (user_id, commune_id, created_at) VALUES ($1, $2, '2026-11-27T00:00:00.000Z')")
        .bind(user)
        .bind(commune)
        .execute(app.db.pool())
        .await
        .unwrap();
}

pub(crate) async fn make_admin(app: &TestApp, user: &str) {
    sqlx::query("INSERT INTO user_roles (user_id, role, created_at) VALUES ($1, 'admin', '2026-11-27T00:00:00.000Z')")
        .bind(user)
        .execute(app.db.pool())
        .await
        .unwrap();
}

async fn audit_actions(app: &TestApp) -> Vec<String> {
    sqlx::query_scalar("SELECT action FROM audit_log ORDER BY created_at")
        .fetch_all(app.db.pool())
        .await
        .unwrap()
}

db_test!(
    a_phone_number_is_one_account_however_it_is_written,
    |engine| {
        let app = spawn_app(engine).await;
        let b = sign_up(&app, "0912 345 678", "Chị Lan").await;
        assert!(b.page("/tai-khoan").await.contains("Chị Lan"));
        let home = b.page("/").await;
        assert!(
            home.contains(r#"class="account-link""#) && home.contains(">Chị Lan<"),
            "the header names the user"
        );

        let r = b.submit("/dang-xuat", &[]).await;
        assert_eq!(r.status(), 303);
        assert!(b.cookie("ocop_session").is_none(), "signed out");
        assert_eq!(b.get("/tai-khoan").await.status(), 302, "back to sign-in");

        let r = b
            .submit(
                "/dang-nhap",
                &[("login", "+84 912 345 678"), ("password", PASSWORD)],
            )
            .await;
        assert_eq!(location(&r), "/tai-khoan");
        assert!(b.page("/tai-khoan").await.contains("0912 345 678"));

        // The same number again is refused, however it is spelled.
        let other = Browser::new(&app.address);
        let r = other
            .submit(
                "/dang-ky",
                &[
                    ("name", "X"),
                    ("login", "84912345678"),
                    ("password", PASSWORD),
                    ("password_again", PASSWORD),
                ],
            )
            .await;
        // The stranger is sent to sign in, not told that the number has an account.
        assert!(
            location(&r).starts_with("/dang-nhap?login=84912345678&loi=signup-refused"),
            "{}",
            location(&r)
        );
        assert_eq!(app.count("users").await, 1);
        let actions = audit_actions(&app).await;
        assert!(
            actions.contains(&"user.sign_up".to_owned())
                && actions.contains(&"user.sign_in".to_owned())
        );
    }
);

db_test!(bad_sign_ups_say_why_in_the_readers_language, |engine| {
    let app = spawn_app(engine).await;
    let b = Browser::new(&app.address);
    for (fields, code) in [
        (
            [
                ("name", "A"),
                ("login", "12345"),
                ("password", PASSWORD),
                ("password_again", PASSWORD),
            ],
            "bad-phone",
        ),
        (
            [
                ("name", "A"),
                ("login", "lan@"),
                ("password", PASSWORD),
                ("password_again", PASSWORD),
            ],
            "bad-email",
        ),
        (
            [
                ("name", " "),
                ("login", "0912345678"),
                ("password", PASSWORD),
                ("password_again", PASSWORD),
            ],
            "name-missing",
        ),
        (
            [
                ("name", "A"),
                ("login", "0912345678"),
                ("password", "ngan"),
                ("password_again", "ngan"),
            ],
            "password-short",
        ),
        (
            [
                ("name", "A"),
                ("login", "0912345678"),
                ("password", "matkhau123"),
                ("password_again", "matkhau123"),
            ],
            "password-common",
        ),
        (
            [
                ("name", "A"),
                ("login", "0912345678"),
                ("password", "x0912345678"),
                ("password_again", "x0912345678"),
            ],
            "password-login",
        ),
        (
            [
                ("name", "A"),
                ("login", "0912345678"),
                ("password", PASSWORD),
                ("password_again", "khác"),
            ],
            "passwords-differ",
        ),
    ] {
        let r = b.submit("/dang-ky", &fields).await;
        assert_eq!(r.status(), 303);
        let to = location(&r);
        assert!(to.contains(&format!("loi={code}")), "{code}: {to}");
        // The form comes back with the message, and without the password.
        let html = b.page(&to).await;
        assert!(html.contains(r#"role="alert""#), "{code} shows a message");
        assert!(!to.contains("password="), "passwords never go into a URL");
    }
    let html = b.page("/dang-ky?loi=password-common").await;
    assert!(html.contains("quá phổ biến"));
    assert_eq!(app.count("users").await, 0);
});

db_test!(a_sign_in_starts_a_new_session, |engine| {
    let app = spawn_app(engine).await;
    let first = sign_up(&app, "lan@example.vn", "Lan").await;
    let old = first.cookie("ocop_session").unwrap();

    // A session id planted before sign-in (fixation) is replaced, and the previous session of
    // this browser ends.
    first.set_cookie("ocop_session", &"a".repeat(64));
    let r = first
        .submit(
            "/dang-nhap",
            &[("login", "LAN@example.vn"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(r.status(), 303);
    let new = first.cookie("ocop_session").unwrap();
    assert_ne!(new, "a".repeat(64));
    assert_ne!(new, old);
    let set_cookie = r
        .headers()
        .get("set-cookie")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    assert!(set_cookie.contains("HttpOnly") && set_cookie.contains("SameSite=Lax"));
    // The test server's public URL is https, so cookies are Secure.
    assert!(set_cookie.contains("Secure"));

    let stale = Browser::new(&app.address);
    stale.set_cookie("ocop_session", &old);
    let r = stale
        .submit(
            "/dang-nhap",
            &[("login", "lan@example.vn"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(r.status(), 303);
    let planted = Browser::new(&app.address);
    planted.set_cookie("ocop_session", &"a".repeat(64));
    assert_eq!(
        planted.get("/tai-khoan").await.status(),
        302,
        "a planted id is nobody"
    );

    // Stored: a hash of the token, never the token.
    let stored: Vec<String> = sqlx::query_scalar("SELECT token_hash FROM sessions")
        .fetch_all(app.db.pool())
        .await
        .unwrap();
    assert!(!stored.contains(&new));
});

db_test!(forged_form_posts_are_refused, |engine| {
    let app = spawn_app(engine).await;
    let b = sign_up(&app, "0912345678", "Lan").await;
    let token = b.cookie("ocop_csrf").unwrap();
    let login = [("login", "0912345678"), ("password", PASSWORD)];

    let no_token = b.post_raw("/dang-nhap", &login, &[]).await;
    assert_eq!(no_token.status(), 403);
    let wrong = b
        .post_raw(
            "/dang-nhap",
            &[login[0], login[1], ("csrf", &"b".repeat(64))],
            &[],
        )
        .await;
    assert_eq!(wrong.status(), 403);
    let with_token = [login[0], login[1], ("csrf", token.as_str())];
    let other_site = b
        .post_raw(
            "/dang-nhap",
            &with_token,
            &[("origin", "https://evil.example")],
        )
        .await;
    assert_eq!(other_site.status(), 403);
    let fetch_metadata = b
        .post_raw(
            "/dang-nhap",
            &with_token,
            &[("sec-fetch-site", "cross-site")],
        )
        .await;
    assert_eq!(fetch_metadata.status(), 403);
    // Signing out someone from another site does not work either.
    let r = b
        .post_raw("/dang-xuat", &[], &[("origin", "https://evil.example")])
        .await;
    assert_eq!(r.status(), 403);
    assert_eq!(b.get("/tai-khoan").await.status(), 200, "still signed in");

    let ok = b
        .post_raw(
            "/dang-nhap",
            &with_token,
            &[
                ("origin", "https://dacsan.example"),
                ("sec-fetch-site", "same-origin"),
            ],
        )
        .await;
    assert_eq!(ok.status(), 303);
    // The language switch is a state change too.
    assert_eq!(
        b.post_raw("/lang", &[("lang", "en")], &[]).await.status(),
        403
    );
});

db_test!(repeated_wrong_passwords_make_the_account_wait, |engine| {
    let app = spawn_app(engine).await;
    sign_up(&app, "0912345678", "Lan").await;
    let attacker = Browser::new(&app.address);
    for _ in 0..5 {
        let r = attacker
            .submit(
                "/dang-nhap",
                &[("login", "0912 345 678"), ("password", "doan-mo-mat-khau")],
            )
            .await;
        assert!(
            location(&r).contains("loi=wrong-credentials"),
            "{}",
            location(&r)
        );
    }
    // Even the right password waits now, with a clear message.
    let r = attacker
        .submit(
            "/dang-nhap",
            &[("login", "+84912345678"), ("password", PASSWORD)],
        )
        .await;
    let to = location(&r);
    assert!(to.contains("loi=throttled&phut=1"), "{to}");
    assert!(attacker.page(&to).await.contains("Hãy thử lại sau 1 phút"));

    // Once the wait has passed, the right password works and clears the count.
    app.state.clock.advance(chrono::Duration::seconds(31));
    let r = attacker
        .submit(
            "/dang-nhap",
            &[("login", "0912345678"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(location(&r), "/tai-khoan");
});

db_test!(roles_are_enforced_on_the_server, |engine| {
    let app = spawn_seeded_app(engine).await;
    let farmer = sign_up(&app, "0911111111", "Anh Nông").await;
    let officer_a = sign_up(&app, "0922222222", "Cán bộ Nghĩa Trụ").await;
    let officer_b = sign_up(&app, "0933333333", "Cán bộ Tân Hưng").await;
    let admin = sign_up(&app, "quan-tri@hungyen.example", "Quản trị").await;
    let buyer = sign_up(&app, "0944444444", "Người mua").await;
    let visitor = Browser::new(&app.address);
    let nghia_tru = commune_id(&app, "nghia-tru").await;
    let other = commune_id(&app, "tan-hung").await;
    make_officer(&app, &user_id(&app, "+84922222222").await, &nghia_tru).await;
    make_officer(&app, &user_id(&app, "+84933333333").await, &other).await;
    make_admin(&app, &user_id(&app, "quan-tri@hungyen.example").await).await;

    // A farmer applies to sell in Nghĩa Trụ.
    let r = farmer
        .submit(
            "/tai-khoan/ban-hang",
            &[
                ("name", "Vườn nhãn Anh Nông"),
                ("kind", "household"),
                ("commune_id", &nghia_tru),
            ],
        )
        .await;
    assert_eq!(location(&r), "/tai-khoan?ok=applied");
    let producer: String =
        sqlx::query_scalar("SELECT id FROM producers WHERE name = 'Vườn nhãn Anh Nông'")
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    assert!(farmer.page("/tai-khoan").await.contains("Chờ duyệt"));

    // The gated pages.
    assert_eq!(visitor.get("/can-bo").await.status(), 302);
    assert_eq!(buyer.get("/can-bo").await.status(), 403);
    assert_eq!(officer_b.get("/quan-tri/nguoi-dung").await.status(), 403);
    assert_eq!(admin.get("/quan-tri/nguoi-dung").await.status(), 200);
    assert!(
        officer_a
            .page("/can-bo")
            .await
            .contains("Vườn nhãn Anh Nông")
    );
    assert!(
        !officer_b
            .page("/can-bo")
            .await
            .contains("Vườn nhãn Anh Nông"),
        "other communes' queues are not shown"
    );

    // Deciding the application: everyone but Nghĩa Trụ's officer (and the admin) is refused.
    let approve = [("decision", "approve")];
    let path = format!("/can-bo/don/{producer}");
    assert!(location(&visitor.submit(&path, &approve).await).starts_with("/dang-nhap"));
    for who in [&buyer, &farmer, &officer_b] {
        assert_eq!(who.submit(&path, &approve).await.status(), 403);
    }
    let status: String = sqlx::query_scalar("SELECT status FROM producers WHERE id = $1")
        .bind(&producer)
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    assert_eq!(status, "pending", "refusals changed nothing");
    let r = officer_a.submit(&path, &[("decision", "reject")]).await;
    assert!(location(&r).contains("loi=reason-missing"));
    let r = officer_a.submit(&path, &approve).await;
    assert_eq!(location(&r), "/can-bo?ok=approved");
    assert!(
        farmer
            .page("/tai-khoan")
            .await
            .contains("Chủ cơ sở: Vườn nhãn Anh Nông")
    );

    // Password resets: administrators only.
    let target = user_id(&app, "+84944444444").await;
    let reset = format!("/quan-tri/nguoi-dung/{target}/mat-khau");
    let temp = [("temporary_password", "tam-thoi-2026-x")];
    for who in [&buyer, &farmer, &officer_a] {
        assert_eq!(who.submit(&reset, &temp).await.status(), 403);
    }
    assert_eq!(
        location(&admin.submit(&reset, &temp).await),
        "/quan-tri/nguoi-dung?ok=reset"
    );
    // The buyer's sessions ended; the temporary password works and asks for a new one.
    assert_eq!(buyer.get("/tai-khoan").await.status(), 302);
    let r = buyer
        .submit(
            "/dang-nhap",
            &[("login", "0944444444"), ("password", "tam-thoi-2026-x")],
        )
        .await;
    assert_eq!(location(&r), "/tai-khoan");
    // Until it is changed, the account page (like every other) sends to the change-password
    // page, which says why.
    assert_eq!(location(&buyer.get("/tai-khoan").await), CHANGE_PASSWORD);
    assert!(
        buyer
            .page(CHANGE_PASSWORD)
            .await
            .contains("vừa được quản trị viên đặt lại")
    );

    let actions = audit_actions(&app).await;
    for action in ["producer.apply", "producer.approve", "user.password_reset"] {
        assert!(actions.contains(&action.to_owned()), "{action} audited");
    }
    let (actor,): (Option<String>,) =
        sqlx::query_as("SELECT actor_user_id FROM audit_log WHERE action = 'producer.approve'")
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    assert_eq!(actor.unwrap(), user_id(&app, "+84922222222").await);
});

db_test!(changing_a_password_checks_the_current_one, |engine| {
    let app = spawn_app(engine).await;
    let b = sign_up(&app, "0912345678", "Lan").await;
    let elsewhere = Browser::new(&app.address);
    elsewhere
        .submit(
            "/dang-nhap",
            &[("login", "0912345678"), ("password", PASSWORD)],
        )
        .await;
    let new = "vải thiều chín mọng";
    let r = b
        .submit(
            "/tai-khoan/mat-khau",
            &[
                ("current", "sai"),
                ("password", new),
                ("password_again", new),
            ],
        )
        .await;
    assert!(location(&r).contains("loi=wrong-current-password"));
    let r = b
        .submit(
            "/tai-khoan/mat-khau",
            &[
                ("current", PASSWORD),
                ("password", new),
                ("password_again", new),
            ],
        )
        .await;
    assert!(location(&r).starts_with("/tai-khoan?ok=password"));
    assert_eq!(
        b.get("/tai-khoan").await.status(),
        200,
        "this session stays"
    );
    assert_eq!(
        elsewhere.get("/tai-khoan").await.status(),
        302,
        "other sessions end"
    );
    let r = elsewhere
        .submit("/dang-nhap", &[("login", "0912345678"), ("password", new)])
        .await;
    assert_eq!(location(&r), "/tai-khoan");
});

/// The only page a session opened with a temporary password may see.
const CHANGE_PASSWORD: &str = "/tai-khoan/mat-khau";

/// An administrator (signed up here) sets this temporary password for the user with this
/// login key; returns the administrator's browser.
async fn admin_resets(app: &TestApp, user_key: &str, temporary: &str) -> Browser {
    let admin_key = "quan-tri@hungyen.example";
    let admin = match sqlx::query_scalar::<_, String>("SELECT id FROM users WHERE email = $1")
        .bind(admin_key)
        .fetch_optional(app.db.pool())
        .await
        .unwrap()
    {
        Some(_) => {
            let b = Browser::new(&app.address);
            let r = b
                .submit(
                    "/dang-nhap",
                    &[("login", admin_key), ("password", PASSWORD)],
                )
                .await;
            assert_eq!(r.status(), 303);
            b
        }
        None => {
            let b = sign_up(app, admin_key, "Quản trị").await;
            make_admin(app, &user_id(app, admin_key).await).await;
            b
        }
    };
    let target = user_id(app, user_key).await;
    let r = admin
        .submit(
            &format!("/quan-tri/nguoi-dung/{target}/mat-khau"),
            &[("temporary_password", temporary)],
        )
        .await;
    assert_eq!(location(&r), "/quan-tri/nguoi-dung?ok=reset");
    admin
}

async fn sign_in(app: &TestApp, login: &str, password: &str) -> (Browser, reqwest::Response) {
    let b = Browser::new(&app.address);
    let r = b
        .submit("/dang-nhap", &[("login", login), ("password", password)])
        .await;
    (b, r)
}

db_test!(
    a_temporary_password_opens_only_the_change_password_page,
    |engine| {
        let app = spawn_seeded_app(engine).await;
        sign_up(&app, "0944444444", "Người mua").await;
        let temporary = "tam-thoi-2026-x";
        admin_resets(&app, "+84944444444", temporary).await;
        let (b, r) = sign_in(&app, "0944444444", temporary).await;
        assert_eq!(r.status(), 303);
        assert!(b.cookie("ocop_session").is_some());

        // Every other page sends to the change-password page.
        for path in [
            "/tai-khoan",
            "/",
            "/gio-hang",
            "/don-hang",
            "/san-pham/nhan-long-hung-yen",
            "/nong-trai",
            "/can-bo",
        ] {
            let r = b.get(path).await;
            assert_eq!(r.status(), 303, "{path}");
            assert_eq!(location(&r), CHANGE_PASSWORD, "{path}");
        }
        let r = b.get(CHANGE_PASSWORD).await;
        assert_eq!(r.status(), 200);
        let page = r.text().await.unwrap();
        assert!(page.contains("vừa được quản trị viên đặt lại"), "{page}");
        assert!(page.contains(r#"action="/tai-khoan/mat-khau""#));
        assert!(
            page.contains(r#"action="/dang-xuat""#),
            "signing out stays possible"
        );

        // Form actions too: nothing is done.
        let r = b
            .submit(
                "/tai-khoan/ban-hang",
                &[
                    ("name", "Vườn của người mua"),
                    ("kind", "household"),
                    ("commune_id", &commune_id(&app, "tan-hung").await),
                ],
            )
            .await;
        assert_eq!(r.status(), 303);
        assert_eq!(location(&r), CHANGE_PASSWORD);
        let applied: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM producers WHERE name = 'Vườn của người mua'")
                .fetch_one(app.db.pool())
                .await
                .unwrap();
        assert_eq!(applied, 0, "the refused form changed nothing");

        // The private API: 403 with the API's error shape.
        let variant: String = sqlx::query_scalar(
            "SELECT v.id FROM product_variants v JOIN products p ON p.id = v.product_id
              WHERE p.slug = 'nhan-long-hung-yen' ORDER BY v.position LIMIT 1",
        )
        .fetch_one(app.db.pool())
        .await
        .unwrap();
        let add = serde_json::json!({"variant_id": variant, "quantity": 1});
        for (method, path, body) in [
            (reqwest::Method::GET, "/api/v1/cart", None),
            (reqwest::Method::POST, "/api/v1/cart/items", Some(&add)),
        ] {
            let r = b.json(method, path, body).await;
            assert_eq!(r.status(), 403, "{path}");
            let body: serde_json::Value = r.json().await.unwrap();
            assert_eq!(body["error"]["code"], "password_change_required", "{path}");
            assert!(
                !body["error"]["message"].as_str().unwrap_or("").is_empty(),
                "{path}"
            );
        }
        assert_eq!(app.count("cart_items").await, 0);

        // Signing out works from such a session.
        let (other, _) = sign_in(&app, "0944444444", temporary).await;
        let r = other.submit("/dang-xuat", &[]).await;
        assert_eq!(location(&r), "/");
        assert!(other.cookie("ocop_session").is_none());

        // A wrong current password: back to the same page, with the reason.
        let new = "vải thiều chín mọng";
        let change = |current: &'static str| {
            [
                ("current", current),
                ("password", new),
                ("password_again", new),
            ]
        };
        let r = b.submit(CHANGE_PASSWORD, &change("sai")).await;
        assert_eq!(
            location(&r),
            "/tai-khoan/mat-khau?loi=wrong-current-password"
        );
        let page = b.page(&location(&r)).await;
        assert!(page.contains("Mật khẩu hiện tại không đúng."), "{page}");
        let r = b.submit(CHANGE_PASSWORD, &change("tam-thoi-2026-x")).await;
        assert!(location(&r).starts_with("/tai-khoan?ok=password"), "{r:?}");

        // After the change everything works again.
        for path in ["/tai-khoan", "/", "/gio-hang"] {
            assert_eq!(b.get(path).await.status(), 200, "{path}");
        }
        assert_eq!(
            b.json(reqwest::Method::POST, "/api/v1/cart/items", Some(&add))
                .await
                .status(),
            200
        );
        let (_, r) = sign_in(&app, "0944444444", new).await;
        assert_eq!(location(&r), "/tai-khoan");
    }
);

db_test!(a_temporary_password_expires_after_a_day, |engine| {
    let app = spawn_app(engine).await;
    sign_up(&app, "0944444444", "Người mua").await;
    let temporary = "tam-thoi-2026-x";
    admin_resets(&app, "+84944444444", temporary).await;
    let user = user_id(&app, "+84944444444").await;
    let (early, r) = sign_in(&app, "0944444444", temporary).await;
    assert_eq!(r.status(), 303);
    assert_eq!(early.get(CHANGE_PASSWORD).await.status(), 200);

    // Time passes: the stored expiry moves back instead of the test sleeping.
    let age = async |hours: i64| {
        let until: String =
            sqlx::query_scalar("SELECT temporary_password_expires_at FROM users WHERE id = $1")
                .bind(&user)
                .fetch_one(app.db.pool())
                .await
                .unwrap();
        let until = chrono::DateTime::parse_from_rfc3339(&until)
            .unwrap()
            .to_utc()
            - chrono::Duration::hours(hours);
        sqlx::query("UPDATE users SET temporary_password_expires_at = $1 WHERE id = $2")
            .bind(app::domain::time::db_timestamp(until))
            .bind(&user)
            .execute(app.db.pool())
            .await
            .unwrap();
    };
    // 23 hours after the reset it still works.
    age(23).await;
    let (_, r) = sign_in(&app, "0944444444", temporary).await;
    assert_eq!(location(&r), "/tai-khoan");

    // 24 hours after: refused, with what to do, in both languages.
    age(1).await;
    let (late, r) = sign_in(&app, "0944444444", temporary).await;
    let to = location(&r);
    assert!(
        to.starts_with("/dang-nhap?") && to.contains("loi=temporary-expired"),
        "{to}"
    );
    assert!(late.cookie("ocop_session").is_none(), "no session");
    assert!(late.page(&to).await.contains(
        "Mật khẩu tạm thời đã hết hạn sau 24 giờ. Hãy nhờ quản trị viên cấp mật khẩu tạm thời mới."
    ),);
    late.set_cookie("lang", "en");
    assert!(late.page(&to).await.contains(
        "This temporary password expired after 24 hours. Ask the administrator for a new one."
    ));
    // The session opened with it ends with it.
    let r = early.get(CHANGE_PASSWORD).await;
    assert!(location(&r).starts_with("/dang-nhap"), "{r:?}");

    // A new reset gives another day.
    admin_resets(&app, "+84944444444", "tam-thoi-moi-2026").await;
    let (_, r) = sign_in(&app, "0944444444", "tam-thoi-moi-2026").await;
    assert_eq!(location(&r), "/tai-khoan");
});
