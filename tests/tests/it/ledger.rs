//! The settlement ledger against the real server: what a paid and refunded card order posts,
//! the tax withheld for a household seller and the month's report, payouts recorded by an
//! administrator, the producer's statement and its CSV; every posting balances throughout.

use ocop_tests::{
    browser::Browser,
    browser::location,
    db_test, spawn_app_configured,
    stripe_fake::{StripeFake, WEBHOOK_SECRET, deliver},
};

use super::{
    accounts::{make_admin, sign_up, user_id},
    bank_feed::{credit, feed_app, held, post_credit, transfer_order},
    checkout::{add, checkout_body, order_nos, place, two_producers},
};

/// Sum of one account's lines for one order's postings.
async fn on(app: &ocop_tests::TestApp, order_no: &str, account: &str) -> i64 {
    sqlx::query_scalar(
        "SELECT CAST(COALESCE(SUM(l.amount_vnd), 0) AS BIGINT) FROM ledger_lines l
         JOIN ledger_postings p ON p.id = l.posting_id JOIN orders o ON o.id = p.order_id
         WHERE o.order_no = $1 AND l.account = $2",
    )
    .bind(order_no)
    .bind(account)
    .fetch_one(app.db.pool())
    .await
    .unwrap()
}

async fn kinds(app: &ocop_tests::TestApp, order_no: &str) -> Vec<String> {
    sqlx::query_scalar(
        "SELECT p.kind FROM ledger_postings p JOIN orders o ON o.id = p.order_id
         WHERE o.order_no = $1 ORDER BY p.kind",
    )
    .bind(order_no)
    .fetch_all(app.db.pool())
    .await
    .unwrap()
}

db_test!(
    a_household_sellers_card_order_posts_taxes_and_its_refund_undoes_them,
    |engine| {
        let fake = StripeFake::start().await;
        let settings = fake.settings();
        let app = spawn_app_configured(engine, |s| s.payments = settings).await;
        app.seed().await;
        let (a, _) = two_producers(&app).await;
        sqlx::query("UPDATE producers SET kind = 'household' WHERE id = $1")
            .bind(&a.producer_id)
            .execute(app.db.pool())
            .await
            .unwrap();
        // A 2% marketplace fee, as an administrator would set it.
        sqlx::query("INSERT INTO site_settings (key, value, updated_at) VALUES ('ledger_fee_bp', '200', '2026-12-01T00:00:00.000Z')")
        .execute(app.db.pool())
        .await
        .unwrap();
        let guest = Browser::new(&app.address);
        add(&guest, &a.id, 2).await;
        let (status, placed) = place(
            &guest,
            &checkout_body(&app, "card", "key-ledger-card-1").await,
        )
        .await;
        assert_eq!(status, 201, "{placed}");
        let no = order_nos(&placed).remove(0);
        let (subtotal, shipping): (i64, i64) =
            sqlx::query_as("SELECT subtotal_vnd, shipping_vnd FROM orders WHERE order_no = $1")
                .bind(&no)
                .fetch_one(app.db.pool())
                .await
                .unwrap();
        let session = fake.sessions().remove(0);
        let paid = fake.event(
            "evt_ledger_paid",
            "checkout.session.completed",
            &session,
            session.amount,
        );
        let r = deliver(
            &app.address,
            &paid,
            WEBHOOK_SECRET,
            chrono::Utc::now().timestamp(),
        )
        .await
        .unwrap();
        assert_eq!(r.status(), 200);

        // Payment, carrier fee, marketplace fee and both taxes, each balanced.
        assert_eq!(
            kinds(&app, &no).await,
            ["carrier_fee", "marketplace_fee", "payment", "tax_withheld"]
        );
        let half_up = |x: i64, bp: i64| (x * bp + 5_000) / 10_000;
        let (fee, vat, pit) = (
            half_up(subtotal, 200),
            half_up(subtotal, 100),
            half_up(subtotal, 50),
        );
        assert_eq!(on(&app, &no, "buyer_cash_held").await, subtotal + shipping);
        assert_eq!(on(&app, &no, "carrier_fees").await, -shipping);
        assert_eq!(on(&app, &no, "marketplace_fee_revenue").await, -fee);
        assert_eq!(on(&app, &no, "tax_withheld_vat").await, -vat);
        assert_eq!(on(&app, &no, "tax_withheld_pit").await, -pit);
        let owed = app::ledger::storage::balance(&app.db, &a.producer_id)
            .await
            .unwrap();
        assert_eq!(owed, subtotal - fee - vat - pit);
        assert_eq!(held(&app).await, subtotal + shipping);

        // The month's withholding report has the seller's revenue and both taxes.
        let month = app::ledger::model::Month::of(chrono::Utc::now());
        let report = app::ledger::storage::withholding_report(&app.db, month)
            .await
            .unwrap();
        assert_eq!(report.len(), 1);
        assert_eq!(
            (report[0].revenue, report[0].vat, report[0].pit),
            (subtotal, vat, pit)
        );
        let admin = sign_up(&app, "quan-tri@hungyen.example", "Quản trị").await;
        make_admin(&app, &user_id(&app, "quan-tri@hungyen.example").await).await;
        let csv = admin
            .get(&format!("/quan-tri/khau-tru-thue.csv?thang={month}"))
            .await;
        assert_eq!(csv.status(), 200);
        assert!(
            csv.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/csv")
        );
        let csv = csv.text().await.unwrap();
        assert!(
            csv.contains(&format!(",{subtotal},{vat},{pit}\r\n")),
            "{csv}"
        );
        assert!(
            csv.contains(&format!("total,,{subtotal},{vat},{pit}")),
            "{csv}"
        );
        let page = admin
            .page(&format!("/quan-tri/doi-soat?thang={month}"))
            .await;
        assert!(
            page.contains("Phí sàn 2%") && page.contains("GTGT 1%") && page.contains("TNCN 0,5%"),
            "{page}"
        );
        // Only administrators get the report.
        assert_eq!(
            guest
                .get(&format!("/quan-tri/khau-tru-thue.csv?thang={month}"))
                .await
                .status(),
            303
        );

        // The buyer cancels; Stripe refunds; everything the order posted is undone.
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
        server::payments::tasks::refund_due(&app.state)
            .await
            .unwrap();
        assert_eq!(fake.refunds().len(), 1);
        for account in [
            "buyer_cash_held",
            "producer_payable",
            "carrier_fees",
            "marketplace_fee_revenue",
            "tax_withheld_vat",
            "tax_withheld_pit",
        ] {
            assert_eq!(on(&app, &no, account).await, 0, "{account}");
        }
        assert_eq!(held(&app).await, 0);
        let report = app::ledger::storage::withholding_report(&app.db, month)
            .await
            .unwrap();
        assert_eq!((report[0].revenue, report[0].vat, report[0].pit), (0, 0, 0));
        // A second run of the refund task posts nothing more.
        let postings = app.count("ledger_postings").await;
        server::payments::tasks::refund_due(&app.state)
            .await
            .unwrap();
        assert_eq!(app.count("ledger_postings").await, postings);
    }
);

db_test!(
    payouts_are_recorded_by_an_administrator_and_shown_on_the_statement,
    |engine| {
        let app = feed_app(engine).await;
        let (no, total, producer_id) = transfer_order(&app, "key-ledger-payout1").await;
        sqlx::query("UPDATE producers SET kind = 'cooperative' WHERE id = $1")
            .bind(&producer_id)
            .execute(app.db.pool())
            .await
            .unwrap();
        assert_eq!(
            post_credit(&app, &credit(31, total, &no)).await.status(),
            200
        );
        let subtotal: i64 =
            sqlx::query_scalar("SELECT subtotal_vnd FROM orders WHERE order_no = $1")
                .bind(&no)
                .fetch_one(app.db.pool())
                .await
                .unwrap();
        // A cooperative declares its own taxes: nothing withheld; the goods are owed.
        assert_eq!(on(&app, &no, "tax_withheld_vat").await, 0);
        assert_eq!(
            app::ledger::storage::balance(&app.db, &producer_id)
                .await
                .unwrap(),
            subtotal
        );

        let admin = sign_up(&app, "quan-tri@hungyen.example", "Quản trị").await;
        make_admin(&app, &user_id(&app, "quan-tri@hungyen.example").await).await;
        let pay = |amount: String, reference: &'static str| {
            let admin = &admin;
            let producer_id = producer_id.clone();
            async move {
                admin
                    .submit(
                        "/quan-tri/doi-soat/chi-tra",
                        &[
                            ("producer_id", &producer_id),
                            ("amount", &amount),
                            ("reference", reference),
                        ],
                    )
                    .await
            }
        };
        assert_eq!(
            location(&pay((subtotal + 1).to_string(), "FT1").await),
            "/quan-tri/doi-soat?loi=more_than_owed"
        );
        assert_eq!(
            location(&pay("0".into(), "FT1").await),
            "/quan-tri/doi-soat?loi=bad_amount"
        );
        assert_eq!(
            location(&pay("abc".into(), "FT1").await),
            "/quan-tri/doi-soat?loi=bad_amount"
        );
        assert_eq!(
            location(&pay("1000".into(), " ").await),
            "/quan-tri/doi-soat?loi=bad_reference"
        );
        let page = admin.page("/quan-tri/doi-soat?loi=more_than_owed").await;
        assert!(
            page.contains("Số tiền chi trả lớn hơn số sàn đang nợ cơ sở"),
            "{page}"
        );
        let first = subtotal / 2;
        assert_eq!(
            location(&pay(first.to_string(), "FT-PAYOUT-1").await),
            "/quan-tri/doi-soat?ok=1"
        );
        assert_eq!(
            app::ledger::storage::balance(&app.db, &producer_id)
                .await
                .unwrap(),
            subtotal - first
        );
        // Held: what came in minus what was paid out.
        assert_eq!(held(&app).await, total - first);
        // Someone who is not an administrator cannot record one.
        let stranger = sign_up(&app, "0933000333", "Người lạ").await;
        let r = stranger
            .submit(
                "/quan-tri/doi-soat/chi-tra",
                &[
                    ("producer_id", &producer_id),
                    ("amount", "1000"),
                    ("reference", "X"),
                ],
            )
            .await;
        assert_eq!(r.status(), 403);

        // The producer's statement, on the page and as CSV.
        let owner = sign_up(&app, "0933000444", "Chủ cơ sở").await;
        sqlx::query("INSERT INTO producer_members (producer_id, user_id, role, created_at) VALUES ($1, $2, 'owner', '2026-11-27T00:00:00Z')")
        .bind(&producer_id)
        .bind(user_id(&app, "+84933000444").await)
        .execute(app.db.pool())
        .await
        .unwrap();
        let month = app::ledger::model::Month::of(chrono::Utc::now());
        let page = owner.page(&format!("/ban-hang/sao-ke?thang={month}")).await;
        assert!(
            page.contains(&no) && page.contains("FT-PAYOUT-1") && page.contains("Sàn chi trả"),
            "{page}"
        );
        let csv = owner
            .get(&format!(
                "/ban-hang/sao-ke.csv?thang={month}&co_so={producer_id}"
            ))
            .await;
        assert_eq!(csv.status(), 200);
        let csv = csv.text().await.unwrap();
        let rows: Vec<&str> = csv.trim_start_matches('\u{feff}').lines().collect();
        assert_eq!(
            rows[0],
            "posted_at,kind,order_no,reference,amount_vnd,balance_vnd"
        );
        assert_eq!(rows[1], ",opening,,,,0");
        assert!(
            rows.iter()
                .any(|r| r.contains(&format!(",payment,{no},,{total},"))),
            "{csv}"
        );
        assert!(
            rows.iter()
                .any(|r| r.contains(&format!(",payout,,FT-PAYOUT-1,-{first},"))),
            "{csv}"
        );
        assert_eq!(
            *rows.last().unwrap(),
            format!(",closing,,,,{}", subtotal - first)
        );
        // Another producer's statement is not the owner's to read; a bad month is refused.
        assert_eq!(
            owner
                .get(&format!(
                    "/ban-hang/sao-ke.csv?thang={month}&co_so=someone-else"
                ))
                .await
                .status(),
            403
        );
        let r = owner
            .get(&format!(
                "/ban-hang/sao-ke.csv?thang=2026-13&co_so={producer_id}"
            ))
            .await;
        assert_eq!(location(&r), "/ban-hang/sao-ke?loi=bad_month");
    }
);

db_test!(
    cash_on_delivery_is_the_producers_and_only_the_fee_is_owed,
    |engine| {
        use app::shop::{
            rules::order::{OrderAction, Party},
            storage::orders,
        };
        let app = ocop_tests::spawn_seeded_app(engine).await;
        sqlx::query("INSERT INTO site_settings (key, value, updated_at) VALUES ('ledger_fee_bp', '200', '2026-12-01T00:00:00.000Z')")
        .execute(app.db.pool())
        .await
        .unwrap();
        let (a, _) = two_producers(&app).await;
        sqlx::query("UPDATE producers SET kind = 'household' WHERE id = $1")
            .bind(&a.producer_id)
            .execute(app.db.pool())
            .await
            .unwrap();
        let guest = Browser::new(&app.address);
        add(&guest, &a.id, 1).await;
        let (status, placed) = place(
            &guest,
            &checkout_body(&app, "cod", "key-ledger-cod-01").await,
        )
        .await;
        assert_eq!(status, 201, "{placed}");
        let no = order_nos(&placed).remove(0);
        let (id, subtotal): (String, i64) =
            sqlx::query_as("SELECT id, subtotal_vnd FROM orders WHERE order_no = $1")
                .bind(&no)
                .fetch_one(app.db.pool())
                .await
                .unwrap();
        let now = chrono::Utc::now();
        for action in [
            OrderAction::Confirm,
            OrderAction::Ship {
                carrier: "GHN".into(),
                tracking_no: "GHN123".into(),
            },
        ] {
            orders::transition(&app.db, &id, &action, Party::Producer, None, now)
                .await
                .unwrap();
        }
        // Nothing is posted before the cash changes hands.
        assert!(kinds(&app, &no).await.is_empty());
        orders::transition(
            &app.db,
            &id,
            &OrderAction::Deliver,
            Party::Producer,
            None,
            now,
        )
        .await
        .unwrap();
        // The producer's carrier collected it: the sale is settled directly, no tax is withheld
        // (the marketplace never held the money), and the producer owes the fee.
        assert_eq!(
            kinds(&app, &no).await,
            ["direct_settlement", "marketplace_fee", "payment"]
        );
        assert_eq!(on(&app, &no, "tax_withheld_vat").await, 0);
        let fee = (subtotal * 200 + 5_000) / 10_000;
        assert_eq!(
            app::ledger::storage::balance(&app.db, &a.producer_id)
                .await
                .unwrap(),
            -fee
        );
        assert_eq!(held(&app).await, 0);
    }
);
