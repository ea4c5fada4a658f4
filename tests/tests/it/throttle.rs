//! Throttling of everything a stranger can guess at or make us spend: sign-in (counted before
//! the password is checked, so concurrent guesses cannot slip past the limit; slowing the
//! attacker's address rather than locking the owner out), the change-password check, sign-up,
//! and the guest's order lookup and cancel. Client addresses come from `X-Forwarded-For` only
//! when the TCP peer is the configured trusted proxy.

use std::time::Instant;

use chrono::Duration;
use ocop_tests::{
    Engine, TestApp,
    browser::{Browser, location},
    db_test, spawn_app, spawn_app_configured,
};
use reqwest::StatusCode;
use serde_json::Value;
use server::config::TrustedProxies;

use super::accounts::{PASSWORD, sign_up};

const WRONG: &str = "doan-mo-mat-khau";

/// A server behind a reverse proxy on 127.0.0.1 (where the tests connect from): each test
/// request can then come "from" the address it names in `X-Forwarded-For`.
async fn behind_proxy(engine: Engine) -> TestApp {
    spawn_app_configured(engine, |s| {
        s.trusted_proxies = TrustedProxies::parse("127.0.0.1").unwrap()
    })
    .await
}

/// What one sign-in attempt came to.
#[derive(Debug, PartialEq, Eq)]
enum Outcome {
    SignedIn,
    /// The password was checked and was wrong.
    Wrong,
    /// Refused before the password was checked.
    Throttled,
    Other(String),
}

/// Posts a form with this browser's anti-forgery token, "from" `from` when given.
async fn post_form(
    b: &Browser,
    path: &str,
    fields: &[(&str, &str)],
    from: Option<&str>,
) -> reqwest::Response {
    if b.cookie("ocop_csrf").is_none() {
        b.get("/dang-nhap").await;
    }
    let token = b.cookie("ocop_csrf").unwrap();
    let mut all = fields.to_vec();
    all.push(("csrf", &token));
    let headers: Vec<(&str, &str)> = from.map(|a| ("x-forwarded-for", a)).into_iter().collect();
    b.post_raw(path, &all, &headers).await
}

async fn sign_in(b: &Browser, login: &str, password: &str, from: Option<&str>) -> Outcome {
    let r = post_form(
        b,
        "/dang-nhap",
        &[("login", login), ("password", password)],
        from,
    )
    .await;
    let status = r.status();
    let to = location(&r);
    if status == StatusCode::SEE_OTHER && to == "/tai-khoan" {
        Outcome::SignedIn
    } else if status == StatusCode::SEE_OTHER && to.contains("loi=wrong-credentials") {
        Outcome::Wrong
    } else if status == StatusCode::SEE_OTHER && to.contains("loi=throttled") {
        Outcome::Throttled
    } else {
        Outcome::Other(format!(
            "{status} {to} {}",
            r.text().await.unwrap_or_default()
        ))
    }
}

fn tally(outcomes: &[Outcome]) -> (usize, usize, usize, Vec<&Outcome>) {
    let n = |o: Outcome| outcomes.iter().filter(|x| **x == o).count();
    let other = outcomes
        .iter()
        .filter(|o| matches!(o, Outcome::Other(_)))
        .collect();
    (
        n(Outcome::SignedIn),
        n(Outcome::Wrong),
        n(Outcome::Throttled),
        other,
    )
}

db_test!(
    concurrent_guesses_get_no_more_checks_than_allowed,
    |engine| {
        let app = spawn_app(engine).await;
        sign_up(&app, "0912345678", "Lan").await;
        let attacker = Browser::new(&app.address);
        attacker.get("/dang-nhap").await;

        // 40 wrong guesses at once: only the free ones are checked, the rest wait; none fails.
        let started = Instant::now();
        let outcomes = futures::future::join_all(
            (0..40).map(|_| sign_in(&attacker, "0912 345 678", WRONG, None)),
        )
        .await;
        let took = started.elapsed();
        let (signed_in, wrong, throttled, other) = tally(&outcomes);
        eprintln!(
            "{engine:?}: 40 concurrent wrong guesses: {wrong} checked, {throttled} throttled, {} other, in {took:?}",
            other.len()
        );
        assert!(other.is_empty(), "no 5xx, no other answer: {other:?}");
        assert_eq!(signed_in, 0);
        assert_eq!(wrong, 5, "exactly the 5 free guesses are checked");
        assert_eq!(wrong + throttled, 40);

        // The limit is reached: the right password, even ten times at once, does not get in.
        let outcomes = futures::future::join_all(
            (0..10).map(|_| sign_in(&attacker, "0912345678", PASSWORD, None)),
        )
        .await;
        let (signed_in, wrong, throttled, other) = tally(&outcomes);
        assert!(other.is_empty(), "{other:?}");
        assert_eq!((signed_in, wrong, throttled), (0, 0, 10));
        assert_eq!(app.count("sessions").await, 1, "only the sign-up's session");
    }
);

db_test!(
    an_attacker_elsewhere_does_not_lock_the_owner_out,
    |engine| {
        let app = behind_proxy(engine).await;
        sign_up(&app, "0912345678", "Lan").await;
        let attacker = Browser::new(&app.address);
        let mut outcomes = vec![];
        for _ in 0..8 {
            outcomes.push(sign_in(&attacker, "0912345678", WRONG, Some("203.0.113.7")).await);
        }
        assert_eq!(
            tally(&outcomes),
            (0, 5, 3, vec![]),
            "five free guesses, then the attacker's address waits: {outcomes:?}"
        );
        assert_eq!(
            sign_in(&attacker, "0912345678", PASSWORD, Some("203.0.113.7")).await,
            Outcome::Throttled,
            "the attacker's address waits even with the right password"
        );

        // The owner, at home, signs in as usual.
        let owner = Browser::new(&app.address);
        assert_eq!(
            sign_in(&owner, "0912 345 678", PASSWORD, Some("198.51.100.20")).await,
            Outcome::SignedIn
        );
        let ips: Vec<Option<String>> =
            sqlx::query_scalar("SELECT ip FROM sessions ORDER BY created_at DESC")
                .fetch_all(app.db.pool())
                .await
                .unwrap();
        assert_eq!(ips[0].as_deref(), Some("198.51.100.20"), "{ips:?}");
    }
);

db_test!(
    forwarded_addresses_count_only_from_the_trusted_proxy,
    |engine| {
        // No proxy configured, or another one: X-Forwarded-For is whatever the client says, and
        // is ignored; a guesser rotating it still waits after five.
        for proxy in ["", "10.9.9.9"] {
            let app = spawn_app_configured(engine, |s| {
                s.trusted_proxies = TrustedProxies::parse(proxy).unwrap()
            })
            .await;
            sign_up(&app, "0912345678", "Lan").await;
            let attacker = Browser::new(&app.address);
            let mut outcomes = vec![];
            for i in 0..6 {
                let from = format!("203.0.113.{i}");
                outcomes.push(sign_in(&attacker, "0912345678", WRONG, Some(&from)).await);
            }
            assert_eq!(tally(&outcomes), (0, 5, 1, vec![]), "proxy {proxy:?}");
            let r = post_form(
                &Browser::new(&app.address),
                "/dang-nhap",
                &[("login", "0912345678"), ("password", PASSWORD)],
                Some("198.51.100.20"),
            )
            .await;
            assert!(location(&r).contains("loi=throttled"), "proxy {proxy:?}");
        }

        // From the trusted proxy: the right-most address that is not a trusted proxy.
        let app = behind_proxy(engine).await;
        sign_up(&app, "0912345678", "Lan").await;
        for (header, client) in [
            ("198.51.100.1, 203.0.113.9", "203.0.113.9"),
            ("203.0.113.10, 127.0.0.1", "203.0.113.10"),
            ("2001:db8::5", "2001:db8::5"),
            ("not an address", "127.0.0.1"),
        ] {
            let b = Browser::new(&app.address);
            assert_eq!(
                sign_in(&b, "0912345678", PASSWORD, Some(header)).await,
                Outcome::SignedIn
            );
            let ip: Option<String> =
                sqlx::query_scalar("SELECT ip FROM sessions ORDER BY created_at DESC LIMIT 1")
                    .fetch_one(app.db.pool())
                    .await
                    .unwrap();
            assert_eq!(ip.as_deref(), Some(client), "X-Forwarded-For: {header}");
        }
    }
);

db_test!(sign_in_counters_decay_and_slow_rather_than_lock, |engine| {
    let app = spawn_app(engine).await;
    sign_up(&app, "0912345678", "Lan").await;
    let b = Browser::new(&app.address);
    for _ in 0..5 {
        assert_eq!(sign_in(&b, "0912345678", WRONG, None).await, Outcome::Wrong);
    }
    assert_eq!(
        sign_in(&b, "0912345678", WRONG, None).await,
        Outcome::Throttled
    );
    // The wait grows with each further failure, and passes.
    app.state.clock.advance(Duration::seconds(31));
    assert_eq!(sign_in(&b, "0912345678", WRONG, None).await, Outcome::Wrong);
    assert_eq!(
        sign_in(&b, "0912345678", PASSWORD, None).await,
        Outcome::Throttled
    );
    app.state.clock.advance(Duration::seconds(31));
    assert_eq!(
        sign_in(&b, "0912345678", PASSWORD, None).await,
        Outcome::Throttled,
        "the second wait is longer than the first"
    );
    app.state.clock.advance(Duration::seconds(31));
    assert_eq!(
        sign_in(&b, "0912345678", PASSWORD, None).await,
        Outcome::SignedIn
    );

    // An address that failed many times (a carrier NAT) is not marked for ever: after a
    // while its count starts again.
    let mut checked = 0;
    let mut i = 0;
    loop {
        let login = format!("09120{i:05}");
        i += 1;
        match sign_in(&b, &login, WRONG, None).await {
            Outcome::Wrong => checked += 1,
            Outcome::Throttled => break,
            other => panic!("{other:?}"),
        }
        assert!(i < 200, "the address is never throttled");
    }
    eprintln!("{engine:?}: one address had {checked} failed sign-ins checked before it waited");
    app.state.clock.advance(Duration::hours(2));
    for j in 0..5 {
        let login = format!("09130{j:05}");
        assert_eq!(
            sign_in(&b, &login, WRONG, None).await,
            Outcome::Wrong,
            "attempt {j} after two quiet hours"
        );
    }
});

db_test!(the_current_password_check_is_throttled, |engine| {
    let app = spawn_app(engine).await;
    let b = sign_up(&app, "0912345678", "Lan").await;
    let new = "vải thiều chín mọng";
    let change = |current: &'static str| {
        let b = &b;
        async move {
            location(
                &b.submit(
                    "/tai-khoan/mat-khau",
                    &[
                        ("current", current),
                        ("password", new),
                        ("password_again", new),
                    ],
                )
                .await,
            )
        }
    };
    let mut answers = vec![];
    for _ in 0..7 {
        answers.push(change("sai-roi-nhe").await);
    }
    let wrong = answers
        .iter()
        .filter(|a| a.contains("loi=wrong-current-password"))
        .count();
    let waiting = answers
        .iter()
        .filter(|a| a.contains("loi=too-many"))
        .count();
    assert_eq!((wrong, waiting), (5, 2), "{answers:?}");
    // Even the right one waits now; the password is unchanged.
    let to = change(PASSWORD).await;
    assert!(to.contains("loi=too-many&phut="), "{to}");
    assert!(
        b.page(&to).await.contains("Hãy thử lại sau"),
        "the account page says how long"
    );
    assert_eq!(
        sign_in(&Browser::new(&app.address), "0912345678", PASSWORD, None).await,
        Outcome::SignedIn
    );
});

/// A guest's order (placed with 0912 345 678) and its number.
async fn guest_order(app: &TestApp) -> String {
    app.guest_buys("nhan-long-hung-yen", 1, "throttle-order-0001")
        .await;
    sqlx::query_scalar("SELECT order_no FROM orders")
        .fetch_one(app.db.pool())
        .await
        .unwrap()
}

async fn look_up(b: &Browser, order_no: &str, phone: &str, from: Option<&str>) -> String {
    location(
        &post_form(
            b,
            "/tra-cuu-don-hang",
            &[("order_no", order_no), ("phone", phone)],
            from,
        )
        .await,
    )
}

db_test!(guest_order_lookups_are_throttled, |engine| {
    let app = behind_proxy(engine).await;
    app.seed().await;
    let no = guest_order(&app).await;

    // One address guessing phones (over many order numbers) waits after a while.
    let guesser = Browser::new(&app.address);
    let mut refused = None;
    for i in 0..100 {
        let to = look_up(
            &guesser,
            &format!("DH{i:08}"),
            "0987654321",
            Some("203.0.113.50"),
        )
        .await;
        if to.contains("loi=throttled") {
            refused = Some((i, to));
            break;
        }
        assert_eq!(to, "/tra-cuu-don-hang?loi=not_found");
    }
    let (tries, to) = refused.expect("an address guessing order numbers is throttled");
    eprintln!("{engine:?}: one address had {tries} lookups answered before it waited");
    let page = guesser.page(&to).await;
    assert!(page.contains("quá nhiều lần"), "the page says why: {page}");
    // The API answers 429 with the usual error shape to the same address.
    let r = app
        .client
        .get(format!(
            "{}/api/v1/orders/{no}?phone=0912345678",
            app.address
        ))
        .header("x-forwarded-for", "203.0.113.50")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 429);
    assert!(r.headers().contains_key("retry-after"));
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["error"]["code"], "rate_limited", "{body}");

    // One order guessed at from many addresses waits too, even for a new address.
    let mut refused = None;
    for i in 0..100 {
        let from = format!("198.51.100.{i}");
        let phone = format!("09876543{i:02}");
        let to = if i % 2 == 0 {
            look_up(&Browser::new(&app.address), &no, &phone, Some(&from)).await
        } else {
            let r = app
                .client
                .get(format!("{}/api/v1/orders/{no}?phone={phone}", app.address))
                .header("x-forwarded-for", &from)
                .send()
                .await
                .unwrap();
            match r.status().as_u16() {
                404 => "/tra-cuu-don-hang?loi=not_found".to_owned(),
                429 => "loi=throttled".to_owned(),
                s => panic!("{s}"),
            }
        };
        if to.contains("loi=throttled") {
            refused = Some(i);
            break;
        }
        assert_eq!(to, "/tra-cuu-don-hang?loi=not_found");
    }
    let tries = refused.expect("an order guessed at from many addresses is throttled");
    eprintln!("{engine:?}: one order had {tries} wrong lookups answered before it waited");
    let to = look_up(
        &Browser::new(&app.address),
        &no,
        "0912345678",
        Some("192.0.2.1"),
    )
    .await;
    assert!(to.contains("loi=throttled"), "{to}");
    // A while later the real guest finds it again.
    app.state.clock.advance(Duration::hours(2));
    let to = look_up(
        &Browser::new(&app.address),
        &no,
        "0912 345 678",
        Some("192.0.2.1"),
    )
    .await;
    assert_eq!(to, format!("/don-hang/{no}"));
});

db_test!(a_guest_gives_the_phone_again_to_cancel, |engine| {
    let app = spawn_app(engine).await;
    app.seed().await;
    let no = guest_order(&app).await;
    let guest = Browser::new(&app.address);
    assert_eq!(
        look_up(&guest, &no, "0912345678", None).await,
        format!("/don-hang/{no}")
    );
    let page = guest.page(&format!("/don-hang/{no}")).await;
    let cancel_form = page
        .split("class=\"cancel\"")
        .nth(1)
        .expect("a cancel form");
    assert!(
        cancel_form.contains("name=\"phone\""),
        "the form asks for the phone"
    );

    let path = format!("/don-hang/{no}/trang-thai");
    for phone in [None, Some("0987654321")] {
        let mut fields = vec![("action", "cancel"), ("reason", "Đặt nhầm")];
        fields.extend(phone.map(|p| ("phone", p)));
        let r = guest.submit(&path, &fields).await;
        assert_eq!(
            location(&r),
            format!("/don-hang/{no}?loi=cancel_phone"),
            "{phone:?}"
        );
    }
    let status: String = sqlx::query_scalar("SELECT status FROM orders WHERE order_no = $1")
        .bind(&no)
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    assert_eq!(status, "placed", "not cancelled without the phone");
    assert!(
        guest
            .page(&format!("/don-hang/{no}?loi=cancel_phone"))
            .await
            .contains("số điện thoại đã dùng khi đặt")
    );
    let r = guest
        .submit(
            &path,
            &[
                ("action", "cancel"),
                ("reason", "Đặt nhầm"),
                ("phone", "0912 345 678"),
            ],
        )
        .await;
    assert_eq!(location(&r), format!("/don-hang/{no}?ok=1"));
    let status: String = sqlx::query_scalar("SELECT status FROM orders WHERE order_no = $1")
        .bind(&no)
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    assert_eq!(status, "cancelled");
});

async fn sign_up_from(app: &TestApp, login: &str, from: &str) -> String {
    location(
        &post_form(
            &Browser::new(&app.address),
            "/dang-ky",
            &[
                ("name", "Khách"),
                ("login", login),
                ("password", PASSWORD),
                ("password_again", PASSWORD),
            ],
            Some(from),
        )
        .await,
    )
}

db_test!(sign_ups_are_limited_per_address, |engine| {
    let app = behind_proxy(engine).await;
    let mut created = 0;
    let refused = loop {
        let to = sign_up_from(&app, &format!("09140{created:05}"), "203.0.113.80").await;
        if to != "/tai-khoan" {
            break to;
        }
        created += 1;
        assert!(created < 40, "sign-ups from one address are never limited");
    };
    eprintln!("{engine:?}: one address created {created} accounts before it waited");
    assert!(refused.contains("loi=too-many&phut="), "{refused}");
    assert_eq!(app.count("users").await, created);
    // Another address is not affected.
    assert_eq!(
        sign_up_from(&app, "0915000001", "198.51.100.80").await,
        "/tai-khoan"
    );

    // A login that has an account: the stranger is not told so; the form sends whoever it is
    // to sign in, with the login filled in.
    let to = sign_up_from(&app, "0915000001", "198.51.100.81").await;
    assert!(
        to.starts_with("/dang-nhap?login=0915000001") && to.contains("loi=signup-refused"),
        "{to}"
    );
    let page = Browser::new(&app.address).page(&to).await;
    assert!(
        !page.contains("Số điện thoại hoặc email này đã có tài khoản"),
        "{page}"
    );
    assert!(page.contains("Nếu bạn đã có tài khoản"), "{page}");
});

db_test!(failed_sign_ins_and_refusals_are_logged, |engine| {
    ocop_tests::logs::capture();
    let app = spawn_app(engine).await;
    let login = match engine {
        Engine::Sqlite => "0916000001",
        Engine::Postgres => "0916000002",
    };
    let key = app::auth::login::LoginId::parse(login).unwrap().key();
    sign_up(&app, login, "Lan").await;
    let b = Browser::new(&app.address);
    for _ in 0..6 {
        sign_in(&b, login, "mat-khau-bi-lo-9x", None).await;
    }
    let text = ocop_tests::logs::lines_with(&[]).join("\n");
    let lines: Vec<Value> = ocop_tests::logs::lines_with(&[&key])
        .iter()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    let failed: Vec<&Value> = lines
        .iter()
        .filter(|l| l["fields"]["event"] == "sign_in_failed")
        .collect();
    assert_eq!(failed.len(), 5, "{text}");
    assert_eq!(failed[0]["fields"]["login"], key.as_str());
    assert_eq!(failed[0]["fields"]["client"], "127.0.0.1");
    assert_eq!(failed[0]["fields"]["path"], "/dang-nhap");
    let refused: Vec<&Value> = lines
        .iter()
        .filter(|l| l["fields"]["event"] == "throttled")
        .collect();
    assert_eq!(refused.len(), 1, "{text}");
    assert_eq!(refused[0]["fields"]["path"], "/dang-nhap");
    assert!(!text.contains("mat-khau-bi-lo-9x"), "never the password");
});

db_test!(a_throttle_counts_atomically_and_decays, |engine| {
    use app::db::rate_limits::{self, Policy, Verdict};
    let test_db = ocop_tests::TestDb::fresh(engine).await;
    let db = app::db::Db::connect(&test_db.url).await.unwrap();
    db.migrate().await.unwrap();
    let t0 = chrono::Utc::now();
    let at = |s: i64| t0 + Duration::seconds(s);

    // 3 per minute: the fourth waits for the window's end, then it all starts again.
    let per_minute = Policy::per_window(3, Duration::minutes(1));
    for _ in 0..3 {
        assert_eq!(
            rate_limits::take(&db, "k", &per_minute, at(0))
                .await
                .unwrap(),
            Verdict::Allowed
        );
    }
    assert_eq!(
        rate_limits::take(&db, "k", &per_minute, at(20))
            .await
            .unwrap(),
        Verdict::Wait(Duration::seconds(40))
    );
    assert_eq!(
        rate_limits::take(&db, "k", &per_minute, at(60))
            .await
            .unwrap(),
        Verdict::Allowed
    );
    // Attempts stamped a moment apart may reach the database in any order: a free one is
    // never refused because an earlier-arriving one had a later clock.
    assert_eq!(
        rate_limits::take(&db, "skew", &per_minute, at(10))
            .await
            .unwrap(),
        Verdict::Allowed
    );
    assert_eq!(
        rate_limits::take(&db, "skew", &per_minute, at(9))
            .await
            .unwrap(),
        Verdict::Allowed
    );

    // A success given back frees its place.
    rate_limits::take(&db, "k", &per_minute, at(61))
        .await
        .unwrap();
    rate_limits::take(&db, "k", &per_minute, at(62))
        .await
        .unwrap();
    assert!(matches!(
        rate_limits::take(&db, "k", &per_minute, at(63))
            .await
            .unwrap(),
        Verdict::Wait(_)
    ));
    rate_limits::give_back(&db, "k", &per_minute, at(63))
        .await
        .unwrap();
    assert_eq!(
        rate_limits::take(&db, "k", &per_minute, at(64))
            .await
            .unwrap(),
        Verdict::Allowed
    );

    // 2 free, then 10 s, 20 s, 40 s (the cap), 40 s; forgiven an hour after the first.
    let slowing = Policy::progressive(
        2,
        Duration::hours(1),
        Duration::seconds(10),
        Duration::seconds(40),
    );
    let mut t = 0;
    for expected_wait in [0, 10, 20, 40, 40] {
        assert_eq!(
            rate_limits::take(&db, "p", &slowing, at(t)).await.unwrap(),
            Verdict::Allowed,
            "at {t}"
        );
        if expected_wait > 0 {
            assert_eq!(
                rate_limits::take(&db, "p", &slowing, at(t + 1))
                    .await
                    .unwrap(),
                Verdict::Wait(Duration::seconds(expected_wait - 1)),
                "at {}",
                t + 1
            );
        }
        t += expected_wait;
    }
    assert_eq!(
        rate_limits::take(&db, "p", &slowing, at(3600))
            .await
            .unwrap(),
        Verdict::Allowed
    );
    assert_eq!(
        rate_limits::take(&db, "p", &slowing, at(3600))
            .await
            .unwrap(),
        Verdict::Allowed,
        "the count started again"
    );

    // Many at once on one key: exactly the limit gets through, and nothing fails.
    let burst = Policy::per_window(5, Duration::minutes(1));
    let verdicts =
        futures::future::join_all((0..40).map(|_| rate_limits::take(&db, "burst", &burst, at(0))))
            .await;
    let allowed = verdicts
        .iter()
        .filter(|v| matches!(v, Ok(Verdict::Allowed)))
        .count();
    let errors: Vec<_> = verdicts.iter().filter(|v| v.is_err()).collect();
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(allowed, 5);

    // The settling pass deletes what has decayed.
    assert_eq!(rate_limits::delete_expired(&db, at(59)).await.unwrap(), 0);
    assert_eq!(rate_limits::delete_expired(&db, at(7200)).await.unwrap(), 4);
    db.close().await;
});
