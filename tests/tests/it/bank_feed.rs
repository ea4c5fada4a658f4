//! Bank transfers matched automatically: the bank-feed webhook in SePay's format against the
//! real server, authenticated by API key or HMAC; credits matched, replayed, short, over, late,
//! without an order number; the queue handled by hand; the ledger written with each.

use ocop_tests::{
    Engine, TestApp, browser::Browser, browser::location, db_test, spawn_app_configured,
};
use reqwest::StatusCode;
use serde_json::{Value, json};

use super::{
    accounts::{make_admin, sign_up, user_id},
    checkout::{add, checkout_body, order_nos, place, two_producers},
};

pub(crate) const API_KEY: &str = "sepay-test-key-0123456789";
pub(crate) const HMAC_SECRET: &str = "bank-feed-hmac-secret";

/// A seeded server whose bank feed takes this key and this signing secret.
pub(crate) async fn feed_app(engine: Engine) -> TestApp {
    let app = spawn_app_configured(engine, |s| {
        s.payments.bank_feed = server::bank_feed::BankFeedAuth {
            api_key: Some(API_KEY.into()),
            hmac_secret: Some(HMAC_SECRET.into()),
        };
    })
    .await;
    app.seed().await;
    // Transfers go to the marketplace's account (the one the feed watches).
    sqlx::query(
        "UPDATE producers SET bank_bin = NULL, bank_account_no = NULL, bank_account_name = NULL",
    )
    .execute(app.db.pool())
    .await
    .unwrap();
    app
}

/// A guest's bank-transfer order from one producer: (order no, total, producer id).
pub(crate) async fn transfer_order(app: &TestApp, key: &str) -> (String, i64, String) {
    let (a, _) = two_producers(app).await;
    let guest = Browser::new(&app.address);
    add(&guest, &a.id, 1).await;
    let (status, placed) = place(&guest, &checkout_body(app, "bank_transfer", key).await).await;
    assert_eq!(status, 201, "{placed}");
    let no = order_nos(&placed).remove(0);
    let total = placed["orders"][0]["total"]
        .as_i64()
        .or_else(|| placed["total"].as_i64())
        .unwrap();
    (no, total, a.producer_id.clone())
}

/// SePay's webhook body for an incoming credit.
pub(crate) fn credit(id: i64, amount: i64, content: &str) -> Value {
    json!({
        "id": id,
        "gateway": "Vietcombank",
        "transactionDate": "2026-12-01 10:02:37",
        "accountNumber": "0123499999",
        "code": null,
        "content": content,
        "transferType": "in",
        "transferAmount": amount,
        "accumulated": 19_077_000,
        "subAccount": null,
        "referenceCode": format!("MBVCB.{id}"),
        "description": format!("BankAPINotify {content}"),
    })
}

/// Posts a webhook body with SePay's API key header.
pub(crate) async fn post_credit(app: &TestApp, body: &Value) -> reqwest::Response {
    reqwest::Client::new()
        .post(format!("{}/api/v1/webhooks/bank-transfer", app.address))
        .header("authorization", format!("Apikey {API_KEY}"))
        .json(body)
        .send()
        .await
        .unwrap()
}

async fn order_state(app: &TestApp, order_no: &str) -> (String, String) {
    sqlx::query_as(
        "SELECT o.status, p.status FROM orders o JOIN payments p ON p.order_id = o.id WHERE o.order_no = $1",
    )
    .bind(order_no)
    .fetch_one(app.db.pool())
    .await
    .unwrap()
}

async fn credit_row(app: &TestApp, provider_id: &str) -> (String, Option<String>) {
    sqlx::query_as("SELECT status, reason FROM bank_credits WHERE provider_id = $1")
        .bind(provider_id)
        .fetch_one(app.db.pool())
        .await
        .unwrap()
}

/// The money the ledger says the marketplace holds, after checking every posting balances.
pub(crate) async fn held(app: &TestApp) -> i64 {
    let (unbalanced, held) = app::ledger::storage::audit(&app.db).await.unwrap();
    assert_eq!(unbalanced, 0, "every posting sums to zero");
    held
}

db_test!(
    a_credit_naming_its_order_with_the_amount_pays_it_once,
    |engine| {
        let app = feed_app(engine).await;
        let (no, total, _) = transfer_order(&app, "key-feed-match-01").await;
        assert_eq!(
            order_state(&app, &no).await,
            ("placed".into(), "pending".into())
        );
        // The bank rewrote the note: lower case, a dash inside, its own words around it.
        let note = format!("IBFT {}-{} thanh toan", no[..6].to_lowercase(), &no[6..]);
        let body = credit(92_704, total, &note);
        let r = post_credit(&app, &body).await;
        assert_eq!(r.status(), 200);
        assert_eq!(r.json::<Value>().await.unwrap(), json!({"success": true}));
        assert_eq!(
            order_state(&app, &no).await,
            ("placed".into(), "paid".into())
        );
        assert_eq!(credit_row(&app, "92704").await, ("matched".into(), None));
        assert_eq!(held(&app).await, total);
        let history = app.count("order_status_history").await;
        let postings = app.count("ledger_postings").await;

        // SePay retries (a replay of the same id): 200, and nothing changes.
        let r = post_credit(&app, &body).await;
        assert_eq!(r.status(), 200);
        assert_eq!(r.json::<Value>().await.unwrap(), json!({"success": true}));
        assert_eq!(app.count("bank_credits").await, 1);
        assert_eq!(app.count("order_status_history").await, history);
        assert_eq!(app.count("ledger_postings").await, postings);
        assert_eq!(held(&app).await, total);

        // Money leaving the account is acknowledged and not stored.
        let mut out = credit(92_705, 50_000, "payout");
        out["transferType"] = json!("out");
        assert_eq!(post_credit(&app, &out).await.status(), 200);
        assert_eq!(app.count("bank_credits").await, 1);
    }
);

db_test!(credits_that_do_not_fit_wait_in_the_queue, |engine| {
    let app = feed_app(engine).await;
    // The first order runs out of time before its money comes.
    let (late_no, late_total, _) = transfer_order(&app, "key-feed-late-001").await;
    let expired = app::shop::storage::orders::expire_unpaid(
        &app.db,
        chrono::Utc::now() + chrono::Duration::hours(25),
    )
    .await
    .unwrap();
    assert_eq!(expired, vec![late_no.clone()]);
    let (short_no, short_total, _) = transfer_order(&app, "key-feed-short-01").await;
    let (over_no, over_total, _) = transfer_order(&app, "key-feed-over-001").await;

    let cases = [
        (1, short_total - 1_000, short_no.clone(), "underpaid"),
        (2, over_total + 1_000, over_no.clone(), "overpaid"),
        (3, late_total, late_no.clone(), "late"),
        (
            4,
            120_000,
            "chuyen tien mua hang".to_owned(),
            "unknown_reference",
        ),
    ];
    let mut expected_held = 0;
    for (id, amount, note, reason) in &cases {
        let r = post_credit(&app, &credit(*id, *amount, note)).await;
        assert_eq!(r.status(), 200, "{reason}");
        assert_eq!(
            credit_row(&app, &id.to_string()).await,
            ("unmatched".into(), Some((*reason).to_owned())),
        );
        expected_held += amount;
    }
    assert_eq!(
        order_state(&app, &short_no).await,
        ("placed".into(), "pending".into())
    );
    assert_eq!(
        order_state(&app, &over_no).await,
        ("placed".into(), "pending".into())
    );
    assert_eq!(
        order_state(&app, &late_no).await,
        ("cancelled".into(), "expired".into())
    );
    // The marketplace holds the money until someone deals with it.
    assert_eq!(held(&app).await, expected_held);
    let unmatched: i64 = sqlx::query_scalar(
        "SELECT CAST(COALESCE(SUM(amount_vnd), 0) AS BIGINT) FROM ledger_lines WHERE account = 'unmatched_credits'",
    )
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    assert_eq!(unmatched, -expected_held);

    // Paying an order twice: the second credit waits too.
    post_credit(&app, &credit(5, short_total, &short_no)).await;
    assert_eq!(
        order_state(&app, &short_no).await,
        ("placed".into(), "paid".into())
    );
    post_credit(&app, &credit(6, short_total, &short_no)).await;
    assert_eq!(
        credit_row(&app, "6").await,
        ("unmatched".into(), Some("already_paid".into()))
    );
});

db_test!(
    the_webhook_refuses_bad_keys_signatures_and_bodies,
    |engine| {
        let app = feed_app(engine).await;
        let url = format!("{}/api/v1/webhooks/bank-transfer", app.address);
        let body = credit(7, 100_000, "DHAAAA2222").to_string();
        let client = reqwest::Client::new();
        let send = |headers: Vec<(&'static str, String)>, body: String| {
            let mut r = client
                .post(&url)
                .header("content-type", "application/json")
                .body(body);
            for (k, v) in headers {
                r = r.header(k, v);
            }
            r.send()
        };
        for headers in [
            vec![],
            vec![("authorization", "Apikey wrong-key".to_owned())],
            vec![("authorization", format!("Bearer {API_KEY}"))],
            vec![(
                "x-bank-feed-signature",
                format!(
                    "sha256={}",
                    server::bank_feed::webhook::signature("other", body.as_bytes())
                ),
            )],
            vec![(
                "x-bank-feed-signature",
                server::bank_feed::webhook::signature(HMAC_SECRET, b"another body"),
            )],
        ] {
            let r = send(headers.clone(), body.clone()).await.unwrap();
            assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "{headers:?}");
            let e: Value = r.json().await.unwrap();
            assert_eq!(e["error"]["code"], "unauthenticated");
            assert!(
                e["error"]["message"]
                    .as_str()
                    .is_some_and(|m| !m.is_empty())
            );
        }
        assert_eq!(app.count("bank_credits").await, 0);
        // The signature of the raw body is the other way in.
        let signed = send(
            vec![(
                "x-bank-feed-signature",
                format!(
                    "sha256={}",
                    server::bank_feed::webhook::signature(HMAC_SECRET, body.as_bytes())
                ),
            )],
            body.clone(),
        )
        .await
        .unwrap();
        assert_eq!(signed.status(), 200);
        assert_eq!(app.count("bank_credits").await, 1);
        // Authenticated but not a transaction: 400 with a reason.
        for bad in [
            "{not json",
            r#"{"id": 8, "transferType": "in"}"#,
            r#"{"id": 9, "transferType": "in", "transferAmount": -5}"#,
            r#"{"id": 10, "transferType": "sideways", "transferAmount": 5}"#,
        ] {
            let r = send(
                vec![("authorization", format!("Apikey {API_KEY}"))],
                bad.to_owned(),
            )
            .await
            .unwrap();
            assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{bad}");
            let e: Value = r.json().await.unwrap();
            assert_eq!(e["error"]["code"], "bad_request", "{bad}");
        }
        assert_eq!(app.count("bank_credits").await, 1);

        // Without a key or a secret configured, the endpoint does not exist.
        let bare = ocop_tests::spawn_app(engine).await;
        let r = reqwest::Client::new()
            .post(format!("{}/api/v1/webhooks/bank-transfer", bare.address))
            .header("content-type", "application/json")
            .header("authorization", format!("Apikey {API_KEY}"))
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::NOT_FOUND);
    }
);

db_test!(
    a_producer_or_an_administrator_deals_with_the_queue_by_hand,
    |engine| {
        let app = feed_app(engine).await;
        let (no, total, producer_id) = transfer_order(&app, "key-feed-hand-001").await;
        // The buyer sent too little, then the rest without the order number.
        post_credit(&app, &credit(11, total - 5_000, &no)).await;
        post_credit(&app, &credit(12, total, "chuyen khoan")).await;
        let owner = sign_up(&app, "0933000222", "Chủ cơ sở").await;
        sqlx::query("INSERT INTO producer_members (producer_id, user_id, role, created_at) VALUES ($1, $2, 'owner', '2026-11-27T00:00:00Z')")
        .bind(&producer_id)
        .bind(user_id(&app, "+84933000222").await)
        .execute(app.db.pool())
        .await
        .unwrap();
        let id_of = |provider_id: &'static str| {
            let db = app.db.clone();
            async move {
                sqlx::query_scalar::<_, String>(
                    "SELECT id FROM bank_credits WHERE provider_id = $1",
                )
                .bind(provider_id)
                .fetch_one(db.pool())
                .await
                .unwrap()
            }
        };
        let short = id_of("11").await;
        let nameless = id_of("12").await;

        // The producer sees the short credit naming its order, not the nameless one.
        let page = owner.page("/ban-hang/chuyen-khoan").await;
        assert!(
            page.contains(&no) && page.contains("Chuyển thiếu"),
            "{page}"
        );
        assert!(!page.contains("chuyen khoan"), "{page}");
        // It cannot be matched: the amounts differ.
        let r = owner
            .submit(
                &format!("/ban-hang/chuyen-khoan/{short}"),
                &[("action", "match"), ("order_no", &no)],
            )
            .await;
        assert_eq!(location(&r), "/ban-hang/chuyen-khoan?loi=amount_differs");
        let page = owner.page(&location(&r)).await;
        assert!(
            page.contains("Số tiền chuyển khác số tiền của đơn"),
            "{page}"
        );
        // Nor may the producer touch a credit that is not its own.
        let r = owner
            .submit(
                &format!("/ban-hang/chuyen-khoan/{nameless}"),
                &[("action", "match"), ("order_no", &no)],
            )
            .await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN);

        // The administrator matches the nameless credit to the order: it is paid, once.
        let admin = sign_up(&app, "quan-tri@hungyen.example", "Quản trị").await;
        make_admin(&app, &user_id(&app, "quan-tri@hungyen.example").await).await;
        let page = admin.page("/quan-tri/chuyen-khoan").await;
        assert!(
            page.contains("chuyen khoan") && page.contains("Không có mã đơn"),
            "{page}"
        );
        let r = admin
            .submit(
                &format!("/quan-tri/chuyen-khoan/{nameless}"),
                &[("action", "match"), ("order_no", &no.to_lowercase())],
            )
            .await;
        assert_eq!(location(&r), "/quan-tri/chuyen-khoan?ok=1");
        assert_eq!(
            order_state(&app, &no).await,
            ("placed".into(), "paid".into())
        );
        assert_eq!(credit_row(&app, "12").await.0, "matched_by_hand");
        let r = admin
            .submit(
                &format!("/quan-tri/chuyen-khoan/{nameless}"),
                &[("action", "refund"), ("reference", "FT123")],
            )
            .await;
        assert_eq!(location(&r), "/quan-tri/chuyen-khoan?loi=credit_resolved");

        // The short credit goes back to the buyer, with the bank's reference.
        let r = owner
            .submit(
                &format!("/ban-hang/chuyen-khoan/{short}"),
                &[("action", "refund"), ("reference", "  ")],
            )
            .await;
        assert_eq!(location(&r), "/ban-hang/chuyen-khoan?loi=bad_reference");
        let r = owner
            .submit(
                &format!("/ban-hang/chuyen-khoan/{short}"),
                &[("action", "refund"), ("reference", "FT26335123")],
            )
            .await;
        assert_eq!(location(&r), "/ban-hang/chuyen-khoan?ok=1");
        let (status, refund_ref): (String, Option<String>) =
            sqlx::query_as("SELECT status, refund_ref FROM bank_credits WHERE id = $1")
                .bind(&short)
                .fetch_one(app.db.pool())
                .await
                .unwrap();
        assert_eq!(
            (status.as_str(), refund_ref.as_deref()),
            ("refunded", Some("FT26335123"))
        );
        // What is held now is the order's payment alone; no credit is left unmatched.
        assert_eq!(held(&app).await, total);
        let unmatched: i64 = sqlx::query_scalar(
        "SELECT CAST(COALESCE(SUM(amount_vnd), 0) AS BIGINT) FROM ledger_lines WHERE account = 'unmatched_credits'",
    )
    .fetch_one(app.db.pool())
    .await
    .unwrap();
        assert_eq!(unmatched, 0);
        // The English page says it in English.
        admin.set_cookie("lang", "en");
        let en = admin.page("/quan-tri/chuyen-khoan").await;
        assert!(
            en.contains("Bank transfers to check") && en.contains("Matched by hand"),
            "{en}"
        );
    }
);
