//! VNPay (#23) against an in-test fake of its payment page and transaction API (HMAC-SHA512
//! checked on both sides): checkout answers a payment URL per order, the IPN is the only thing
//! that marks paid (tampered, forged, replayed, out of order, unknown), the return page never
//! does, and refunds go back through the method paid — VNPay's refund API (retried with
//! backoff, completed exactly once after a lost answer or a crash), or a transfer recorded by
//! hand — each step in the order's history; failed refunds are listed for administrators.

use std::collections::BTreeMap;

use ocop_tests::{
    Engine, TestApp,
    browser::{Browser, location},
    db_test, spawn_app_with,
    vnpay_fake::{self, VnpayFake},
};
use serde_json::Value;

use super::{
    accounts::{make_admin, member_of, sign_up, user_id},
    checkout::{add, checkout_body, order_nos, order_status, place, two_producers},
};

const PUBLIC: &str = "https://dacsan.example";

async fn vnpay_app(engine: Engine) -> (TestApp, VnpayFake) {
    let fake = VnpayFake::start().await;
    let app = spawn_app_with(engine, fake.settings()).await;
    fake.set_merchant(&app.address);
    app.seed().await;
    (app, fake)
}

/// A guest places a VNPay checkout over two producers; returns (browser, order numbers, answer).
async fn placed(app: &TestApp, key: &str) -> (Browser, Vec<String>, Value) {
    let (a, b) = two_producers(app).await;
    let guest = Browser::new(&app.address);
    add(&guest, &a.id, 1).await;
    add(&guest, &b.id, 1).await;
    let (status, answer) = place(&guest, &checkout_body(app, "vnpay", key).await).await;
    assert_eq!(status, 201, "{answer}");
    let nos = order_nos(&answer);
    (guest, nos, answer)
}

async fn total(app: &TestApp, no: &str) -> i64 {
    sqlx::query_scalar("SELECT total_vnd FROM orders WHERE order_no = $1")
        .bind(no)
        .fetch_one(app.db.pool())
        .await
        .unwrap()
}

async fn ipn(app: &TestApp, query: &str) -> (u16, Value) {
    let r = app
        .client
        .get(format!("{}/api/v1/webhooks/vnpay?{query}", app.address))
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.json().await.unwrap())
}

async fn history(app: &TestApp, no: &str) -> Vec<String> {
    sqlx::query_scalar(
        "SELECT h.note FROM order_status_history h JOIN orders o ON o.id = h.order_id
         WHERE o.order_no = $1 AND h.note IS NOT NULL ORDER BY h.created_at, h.id",
    )
    .bind(no)
    .fetch_all(app.db.pool())
    .await
    .unwrap()
}

/// The buyer's round trip: our link → VNPay's page (which calls the IPN) → back to us.
async fn pay(guest: &Browser, no: &str) -> String {
    let r = guest.get(&format!("/thanh-toan/vnpay/{no}")).await;
    assert_eq!(r.status(), 303);
    let to_vnpay = location(&r);
    let r = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(&to_vnpay)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 302, "{}", r.text().await.unwrap());
    let back = location(&r);
    let path = back.strip_prefix(PUBLIC).expect("back to our return page");
    assert!(path.starts_with("/thanh-toan/vnpay/ve?"), "{path}");
    let r = guest.get(path).await;
    assert_eq!(r.status(), 303);
    location(&r)
}

db_test!(
    vnpay_checkout_gives_a_signed_payment_url_per_order,
    |engine| {
        let (app, _fake) = vnpay_app(engine).await;
        let (a, _) = two_producers(&app).await;
        let browsing = Browser::new(&app.address);
        add(&browsing, &a.id, 1).await;
        assert!(
            browsing
                .page("/thanh-toan")
                .await
                .contains("value=\"vnpay\""),
            "VNPay offered when configured"
        );
        let (_guest, nos, answer) = placed(&app, "key-vnpay-url-0001").await;
        assert_eq!(answer["payment_method"], "vnpay");
        for (order, no) in answer["orders"].as_array().unwrap().iter().zip(&nos) {
            let url = order["payment_url"]
                .as_str()
                .expect("a payment URL per order");
            let (base, query) = url.split_once('?').unwrap();
            assert!(base.ends_with("/paymentv2/vpcpay.html"));
            let mut params: BTreeMap<String, String> = form_urlencoded::parse(query.as_bytes())
                .into_owned()
                .collect();
            let hash = params.remove("vnp_SecureHash").unwrap();
            assert_eq!(
                hash,
                vnpay_fake::sign(&vnpay_fake::signed_query(&params)),
                "signed over the sorted, encoded parameters"
            );
            assert_eq!(params["vnp_TxnRef"], *no);
            assert_eq!(
                params["vnp_Amount"],
                (total(&app, no).await * 100).to_string()
            );
            assert_eq!(params["vnp_Version"], "2.1.0");
            assert_eq!(params["vnp_Command"], "pay");
            assert_eq!(params["vnp_CurrCode"], "VND");
            assert_eq!(
                params["vnp_ReturnUrl"],
                format!("{PUBLIC}/thanh-toan/vnpay/ve")
            );
            assert_eq!(params["vnp_CreateDate"].len(), 14);
            assert!(params["vnp_ExpireDate"] > params["vnp_CreateDate"]);
        }
        // Without VNPay configured, the method is refused with its own message.
        let plain = ocop_tests::spawn_app(engine).await;
        plain.seed().await;
        let (a, _) = two_producers(&plain).await;
        let guest = Browser::new(&plain.address);
        add(&guest, &a.id, 1).await;
        assert!(!guest.page("/thanh-toan").await.contains("value=\"vnpay\""));
        let (status, body) = place(
            &guest,
            &checkout_body(&plain, "vnpay", "key-vnpay-off-001").await,
        )
        .await;
        assert_eq!(status, 422, "{body}");
        assert_eq!(body["error"]["code"], "vnpay_unavailable");
    }
);

db_test!(
    only_the_ipn_marks_paid_and_the_return_page_never_does,
    |engine| {
        let (app, fake) = vnpay_app(engine).await;
        let (guest, nos, _) = placed(&app, "key-vnpay-pay-0001").await;
        let no = &nos[0];
        let amount = total(&app, no).await * 100;

        // A return link with a forged signature: refused, nothing written.
        let forged = fake
            .result_query(no, amount, "00", "00", "555", "x")
            .replace("vnp_Amount=", "vnp_Amount=1");
        let r = guest.get(&format!("/thanh-toan/vnpay/ve?{forged}")).await;
        assert_eq!(r.status(), 400);
        assert!(r.text().await.unwrap().contains("sai chữ ký"));
        // A genuine "paid" return without its IPN: the order page, still pending.
        let genuine = fake.result_query(no, amount, "00", "00", "555", "x");
        let r = guest.get(&format!("/thanh-toan/vnpay/ve?{genuine}")).await;
        assert_eq!(r.status(), 303);
        assert_eq!(location(&r), format!("/don-hang/{no}?vnpay=ok"));
        assert_eq!(
            order_status(&app, no).await,
            ("placed".into(), "pending".into())
        );
        assert!(
            guest
                .page(&format!("/don-hang/{no}"))
                .await
                .contains("Thanh toán qua VNPay")
        );

        // The buyer pays on VNPay's page: its IPN marks the order paid, the return shows it.
        let back = pay(&guest, no).await;
        assert_eq!(back, format!("/don-hang/{no}?vnpay=ok"));
        let ipns = fake.ipns();
        assert_eq!(ipns.len(), 1);
        assert_eq!(ipns[0].status, 200);
        assert_eq!(
            ipns[0].body,
            serde_json::json!({"RspCode": "00", "Message": "Confirm Success"})
        );
        assert_eq!(
            order_status(&app, no).await,
            ("placed".into(), "paid".into())
        );
        assert!(
            history(&app, no)
                .await
                .contains(&"payment_received".to_owned())
        );
        // The other order of the checkout is its own payment, still awaited.
        assert_eq!(
            order_status(&app, &nos[1]).await,
            ("placed".into(), "pending".into())
        );
        // Paid: the link goes to the order page, not to VNPay again.
        let r = guest.get(&format!("/thanh-toan/vnpay/{no}")).await;
        assert_eq!(location(&r), format!("/don-hang/{no}"));
    }
);

db_test!(the_ipn_answers_every_documented_code, |engine| {
    let (app, fake) = vnpay_app(engine).await;
    let (_guest, nos, _) = placed(&app, "key-vnpay-ipn-0001").await;
    let no = &nos[0];
    let amount = total(&app, no).await * 100;
    let rsp = |code: &str, message: &str| serde_json::json!({"RspCode": code, "Message": message});

    // Bad checksum: a tampered amount without VNPay's signature.
    let tampered = fake
        .result_query(no, amount, "00", "00", "777", "x")
        .replace(&format!("vnp_Amount={amount}"), "vnp_Amount=100");
    assert_eq!(
        ipn(&app, &tampered).await,
        (200, rsp("97", "Invalid Checksum"))
    );
    let no_hash = fake.result_query(no, amount, "00", "00", "777", "x");
    let no_hash = no_hash.split("&vnp_SecureHashType").next().unwrap();
    assert_eq!(ipn(&app, no_hash).await.1["RspCode"], "97");
    // Signed, but an amount other than the order's.
    let cheap = fake.result_query(no, amount - 100_000, "00", "00", "777", "x");
    assert_eq!(ipn(&app, &cheap).await, (200, rsp("04", "Invalid amount")));
    // Signed, for no order of ours.
    let unknown = fake.result_query("DHNOTOURS", amount, "00", "00", "777", "x");
    assert_eq!(
        ipn(&app, &unknown).await,
        (200, rsp("01", "Order not found"))
    );
    assert_eq!(
        order_status(&app, no).await,
        ("placed".into(), "pending".into())
    );

    // The real one: paid once; its replay and a late failure change nothing.
    let paid = fake.result_query(no, amount, "00", "00", "777", "x");
    assert_eq!(ipn(&app, &paid).await, (200, rsp("00", "Confirm Success")));
    let paid_at: String = sqlx::query_scalar(
        "SELECT p.paid_at FROM payments p JOIN orders o ON o.id = p.order_id WHERE o.order_no = $1",
    )
    .bind(no)
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    assert_eq!(
        ipn(&app, &paid).await,
        (200, rsp("02", "Order already confirmed"))
    );
    let failed_late = fake.result_query(no, amount, "24", "02", "778", "x");
    assert_eq!(
        ipn(&app, &failed_late).await,
        (200, rsp("02", "Order already confirmed"))
    );
    assert_eq!(
        order_status(&app, no).await,
        ("placed".into(), "paid".into())
    );
    let again: String = sqlx::query_scalar(
        "SELECT p.paid_at FROM payments p JOIN orders o ON o.id = p.order_id WHERE o.order_no = $1",
    )
    .bind(no)
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    assert_eq!(paid_at, again);
    let received = history(&app, no)
        .await
        .iter()
        .filter(|n| *n == "payment_received")
        .count();
    assert_eq!(received, 1, "recorded once");

    // A failure first: the payment fails, the order is cancelled and its stock returns.
    let other = &nos[1];
    let other_amount = total(&app, other).await * 100;
    let failed = fake.result_query(other, other_amount, "24", "02", "779", "x");
    assert_eq!(
        ipn(&app, &failed).await,
        (200, rsp("00", "Confirm Success"))
    );
    assert_eq!(
        order_status(&app, other).await,
        ("cancelled".into(), "failed".into())
    );
    assert_eq!(ipn(&app, &failed).await.1["RspCode"], "02");
});

/// Cancels `no` as the guest who placed it.
async fn cancel(guest: &Browser, no: &str) {
    let r = guest
        .submit(
            &format!("/don-hang/{no}/trang-thai"),
            &[
                ("action", "cancel"),
                ("reason", "Đặt nhầm"),
                ("phone", "0912345678"),
            ],
        )
        .await;
    assert_eq!(location(&r), format!("/don-hang/{no}?ok=1"));
}

async fn payment_id(app: &TestApp, no: &str) -> String {
    sqlx::query_scalar(
        "SELECT p.id FROM payments p JOIN orders o ON o.id = p.order_id WHERE o.order_no = $1",
    )
    .bind(no)
    .fetch_one(app.db.pool())
    .await
    .unwrap()
}

async fn attempts(app: &TestApp, no: &str) -> (i64, Option<String>) {
    sqlx::query_as(
        "SELECT p.refund_attempts, p.refund_error FROM payments p JOIN orders o ON o.id = p.order_id
         WHERE o.order_no = $1",
    )
    .bind(no)
    .fetch_one(app.db.pool())
    .await
    .unwrap()
}

db_test!(
    a_cancelled_vnpay_order_is_refunded_through_vnpay_once,
    |engine| {
        let (app, fake) = vnpay_app(engine).await;
        let (guest, nos, _) = placed(&app, "key-vnpay-ref-0001").await;
        let no = &nos[0];
        pay(&guest, no).await;
        cancel(&guest, no).await;
        // The cancellation's own pass and the timer's: one refund between them.
        server::payments::tasks::refund_due(&app.state)
            .await
            .unwrap();
        server::payments::tasks::refund_due(&app.state)
            .await
            .unwrap();
        let refunds = fake.refunds();
        assert_eq!(refunds.len(), 1, "{refunds:?}");
        assert_eq!(refunds[0].response_code, "00");
        assert_eq!(refunds[0].transaction_type, "02", "a full refund");
        assert_eq!(refunds[0].amount, total(&app, no).await * 100);
        assert_eq!(
            refunds[0].transaction_date,
            fake.txn(no).unwrap().create_date
        );
        assert_eq!(
            order_status(&app, no).await,
            ("refunded".into(), "refunded".into())
        );
        let notes = history(&app, no).await;
        assert!(notes.contains(&"refund_requested".to_owned()), "{notes:?}");
        let done = format!("refunded:vnpay:{}", fake.txn(no).unwrap().transaction_no);
        assert!(notes.contains(&done), "{notes:?}");
        let page = guest.page(&format!("/don-hang/{no}")).await;
        assert!(page.contains("Đã hoàn tiền"), "the history shows it");
    }
);

db_test!(
    a_failing_refund_is_retried_with_backoff_then_succeeds,
    |engine| {
        let (app, fake) = vnpay_app(engine).await;
        let (guest, nos, _) = placed(&app, "key-vnpay-retry-01").await;
        let no = &nos[0];
        pay(&guest, no).await;
        fake.fail_refunds_with(Some("99"));
        cancel(&guest, no).await;
        server::payments::tasks::refund_due(&app.state)
            .await
            .unwrap();
        assert_eq!(
            order_status(&app, no).await,
            ("cancelled".into(), "refunding".into())
        );
        let (tries, error) = attempts(&app, no).await;
        assert_eq!(tries, 1);
        assert!(error.unwrap().contains("99"));
        // Not due again before its wait is over.
        server::payments::tasks::refund_due(&app.state)
            .await
            .unwrap();
        assert_eq!(attempts(&app, no).await.0, 1);
        assert!(
            history(&app, no)
                .await
                .iter()
                .any(|n| n.starts_with("refund_failed:"))
        );

        // The administrator sees it and asks for a retry now; VNPay takes it this time.
        let admin = sign_up(&app, "0912000399", "Quản trị").await;
        let key = app::auth::login::LoginId::parse("0912000399")
            .unwrap()
            .key();
        make_admin(&app, &user_id(&app, &key).await).await;
        let page = admin.page("/quan-tri/hoan-tien").await;
        assert!(page.contains(no.as_str()), "{page}");
        assert!(page.contains("Thử lại ngay"));
        assert!(
            !guest
                .page("/quan-tri/hoan-tien")
                .await
                .contains(no.as_str()),
            "administrators only"
        );
        let r = guest
            .submit(
                &format!("/quan-tri/hoan-tien/{}/thu-lai", payment_id(&app, no).await),
                &[],
            )
            .await;
        assert_ne!(
            location(&r),
            "/quan-tri/hoan-tien?ok=1",
            "administrators only"
        );
        fake.fail_refunds_with(None);
        let r = admin
            .submit(
                &format!("/quan-tri/hoan-tien/{}/thu-lai", payment_id(&app, no).await),
                &[],
            )
            .await;
        assert_eq!(location(&r), "/quan-tri/hoan-tien?ok=1");
        server::payments::tasks::refund_due(&app.state)
            .await
            .unwrap();
        assert_eq!(
            order_status(&app, no).await,
            ("refunded".into(), "refunded".into())
        );
        let ok: Vec<_> = fake
            .refunds()
            .into_iter()
            .filter(|r| r.response_code == "00")
            .collect();
        assert_eq!(ok.len(), 1);
        assert!(
            !admin
                .page("/quan-tri/hoan-tien")
                .await
                .contains(no.as_str())
        );
    }
);

db_test!(
    a_refund_vnpay_took_before_a_crash_is_recorded_not_repeated,
    |engine| {
        let (mut app, fake) = vnpay_app(engine).await;
        let (guest, nos, _) = placed(&app, "key-vnpay-crash-01").await;
        pay(&guest, &nos[0]).await;
        pay(&guest, &nos[1]).await;

        // 1. VNPay takes the refund but its answer is lost: the attempt counts as failed; the
        //    next try asks VNPay first, finds the refund, and records it without a second one.
        fake.lose_next_refund_answer();
        cancel(&guest, &nos[0]).await;
        server::payments::tasks::refund_due(&app.state)
            .await
            .unwrap();
        assert_eq!(
            order_status(&app, &nos[0]).await,
            ("cancelled".into(), "refunding".into())
        );
        assert_eq!(
            fake.txn(&nos[0]).unwrap().transaction_type,
            "02",
            "VNPay did refund"
        );
        app::payments::storage::retry_now(
            &app.db,
            &payment_id(&app, &nos[0]).await,
            chrono::Utc::now(),
        )
        .await
        .unwrap();
        server::payments::tasks::refund_due(&app.state)
            .await
            .unwrap();
        assert_eq!(
            order_status(&app, &nos[0]).await,
            ("refunded".into(), "refunded".into())
        );
        assert_eq!(fake.refunds().len(), 1, "refunded once");

        // 2. The server dies after VNPay took a refund and before the database heard of it: the
        //    order is cancelled as the form does (without the form's immediate pass, which
        //    would race this one), the gateway's call is made as the task makes it, then the
        //    server is killed and started again.
        let order_id: String = sqlx::query_scalar("SELECT id FROM orders WHERE order_no = $1")
            .bind(&nos[1])
            .fetch_one(app.db.pool())
            .await
            .unwrap();
        let cancelled = app::shop::storage::orders::transition(
            &app.db,
            &order_id,
            &app::shop::rules::order::OrderAction::Cancel {
                reason: "Đặt nhầm".into(),
            },
            app::shop::rules::order::Party::Buyer,
            None,
            chrono::Utc::now(),
        )
        .await
        .unwrap();
        assert!(cancelled.refund_due);
        let due = app::payments::storage::refunds_due(&app.db, chrono::Utc::now())
            .await
            .unwrap()
            .into_iter()
            .find(|d| d.order_no == nos[1])
            .expect("the refund is due");
        let vnpay = app.state.payments.vnpay.clone().unwrap();
        vnpay
            .refund(&due, chrono::Utc::now())
            .await
            .expect("VNPay takes the refund");
        // Read before the restart: the restarted server's first background pass may already
        // be settling it by the time a read after the restart runs.
        assert_eq!(
            order_status(&app, &nos[1]).await,
            ("cancelled".into(), "refunding".into()),
            "the database never heard of it"
        );
        app.restart().await;
        server::payments::tasks::refund_due(&app.state)
            .await
            .unwrap();
        assert_eq!(
            order_status(&app, &nos[1]).await,
            ("refunded".into(), "refunded".into())
        );
        let for_second = fake
            .refunds()
            .into_iter()
            .filter(|r| r.txn_ref == nos[1] && r.response_code == "00")
            .count();
        assert_eq!(for_second, 1, "exactly one refund after the crash");
        assert!(fake.queries() >= 2, "each retry asked VNPay first");
    }
);

db_test!(
    a_bank_transfer_is_refunded_by_hand_with_its_reference,
    |engine| {
        let (app, _fake) = vnpay_app(engine).await;
        let (a, _) = two_producers(&app).await;
        let slug: String = sqlx::query_scalar("SELECT slug FROM producers WHERE id = $1")
            .bind(&a.producer_id)
            .fetch_one(app.db.pool())
            .await
            .unwrap();
        let producer = member_of(&app, "0912000398", "Chủ cơ sở", &slug).await;
        let guest = Browser::new(&app.address);
        add(&guest, &a.id, 1).await;
        let (status, answer) = place(
            &guest,
            &checkout_body(&app, "bank_transfer", "key-bank-hand-001").await,
        )
        .await;
        assert_eq!(status, 201, "{answer}");
        let no = &order_nos(&answer)[0];
        let r = producer
            .submit(&format!("/don-hang/{no}/trang-thai"), &[("action", "paid")])
            .await;
        assert_eq!(location(&r), format!("/don-hang/{no}?ok=1"));
        let r = producer
            .submit(
                &format!("/don-hang/{no}/trang-thai"),
                &[("action", "cancel"), ("reason", "Hết hàng")],
            )
            .await;
        assert_eq!(location(&r), format!("/don-hang/{no}?ok=1"));
        assert_eq!(
            order_status(&app, no).await,
            ("cancelled".into(), "refunding".into())
        );
        assert!(
            history(&app, no)
                .await
                .contains(&"refund_owed_by_hand".to_owned())
        );
        // No provider is called for it.
        server::payments::tasks::refund_due(&app.state)
            .await
            .unwrap();
        assert_eq!(
            order_status(&app, no).await,
            ("cancelled".into(), "refunding".into())
        );
        let page = producer.page(&format!("/don-hang/{no}")).await;
        assert!(
            page.contains("Ghi nhận đã hoàn tiền"),
            "the producer is asked to record it"
        );
        // The buyer may not record it; an empty reference is refused with its reason.
        let r = guest
            .submit(
                &format!("/don-hang/{no}/hoan-tien"),
                &[("reference", "FT123")],
            )
            .await;
        assert!(location(&r).contains("loi="), "{}", location(&r));
        let r = producer
            .submit(&format!("/don-hang/{no}/hoan-tien"), &[("reference", "  ")])
            .await;
        assert!(
            location(&r).contains("loi=refund_reference"),
            "{}",
            location(&r)
        );
        let r = producer
            .submit(
                &format!("/don-hang/{no}/hoan-tien"),
                &[("reference", "FT2612019999")],
            )
            .await;
        assert_eq!(location(&r), format!("/don-hang/{no}?ok=1"));
        assert_eq!(
            order_status(&app, no).await,
            ("refunded".into(), "refunded".into())
        );
        assert!(
            history(&app, no)
                .await
                .iter()
                .any(|n| n.starts_with("refunded:FT2612019999"))
        );
    }
);
