//! Recalling a lot (#24): who may (its producer, the commune officer of its plot, an
//! administrator; nobody else), with a reason; the lot goes off sale at once and for good;
//! every buyer of it is told once; the lot, QR, product and order pages show the recall; the
//! officer sees the affected orders with the buyers' contacts, and the report (page and CSV).

use ocop_tests::{TestApp, browser::Browser, browser::location, db_test, spawn_seeded_app};
use serde_json::{Value, json};

use super::accounts::{make_admin, member_of, officer_of_commune, sign_up, user_id};

const LONGAN: &str = "nhan-long-hung-yen";
const LONGAN_GTIN: &str = "08936045120002";
const LONGAN_COOP: &str = "htx-nhan-long-song-hong-xanh";
/// Another producer, in another commune (Khoái Châu).
const OTHER_FARM: &str = "ho-vuon-nhan-bai-khoai";
const REASON: &str = "Kết quả kiểm nghiệm: dư lượng thuốc BVTV vượt mức cho phép";

/// The demo lot of the longan, on sale and verified.
struct Lot {
    id: String,
    code: String,
    variant: String,
    plot: String,
}

async fn longan_lot(app: &TestApp) -> Lot {
    let (id, code, variant, plot): (String, String, String, String) = sqlx::query_as(
        "SELECT l.id, l.lot_code, l.variant_id, l.plot_id FROM harvest_lots l
           JOIN product_variants v ON v.id = l.variant_id
           JOIN products p ON p.id = v.product_id
          WHERE p.slug = $1",
    )
    .bind(LONGAN)
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    Lot {
        id,
        code,
        variant,
        plot,
    }
}

async fn commune_of(app: &TestApp, producer_slug: &str) -> String {
    sqlx::query_scalar(
        "SELECT c.slug FROM producers p JOIN communes c ON c.id = p.commune_id WHERE p.slug = $1",
    )
    .bind(producer_slug)
    .fetch_one(app.db.pool())
    .await
    .unwrap()
}

/// A signed-in buyer orders `quantity` of the variant, cash on delivery, through the API,
/// giving `(name, phone)` for the delivery; the order's number.
async fn buyer_orders(
    app: &TestApp,
    b: &Browser,
    variant: &str,
    quantity: i64,
    (name, phone): (&str, &str),
    key: &str,
) -> String {
    let added = b
        .json(
            reqwest::Method::POST,
            "/api/v1/cart/items",
            Some(&json!({"variant_id": variant, "quantity": quantity})),
        )
        .await;
    assert_eq!(added.status(), 200);
    let (province, commune) = ocop_tests::delivery_address(&app.db).await;
    let placed = b
        .json(
            reqwest::Method::POST,
            "/api/v1/checkout",
            Some(&json!({
                "name": name, "phone": phone, "street": "5 phố Bãi Sậy",
                "province_id": province, "commune_id": commune, "payment_method": "cod",
                "idempotency_key": key,
            })),
        )
        .await;
    assert_eq!(placed.status(), 201);
    let body: Value = placed.json().await.unwrap();
    body["orders"][0]["order_no"].as_str().unwrap().to_owned()
}

async fn lot_state(app: &TestApp, lot: &Lot) -> (String, Option<i64>) {
    sqlx::query_as("SELECT status, units_left FROM harvest_lots WHERE id = $1")
        .bind(&lot.id)
        .fetch_one(app.db.pool())
        .await
        .unwrap()
}

async fn stock(app: &TestApp, variant: &str) -> i64 {
    sqlx::query_scalar("SELECT stock FROM product_variants WHERE id = $1")
        .bind(variant)
        .fetch_one(app.db.pool())
        .await
        .unwrap()
}

async fn scalar(app: &TestApp, sql: &str, bind: &str) -> i64 {
    sqlx::query_scalar(sql)
        .bind(bind)
        .fetch_one(app.db.pool())
        .await
        .unwrap()
}

/// Recall notices written for `recipient` (`user:…` or `phone:…`), on every channel.
async fn recall_notices(app: &TestApp, recipient: &str) -> Vec<(String, String)> {
    sqlx::query_as(
        "SELECT channel, link FROM notifications
          WHERE kind = 'lot_recalled' AND recipient = $1 ORDER BY channel",
    )
    .bind(recipient)
    .fetch_all(app.db.pool())
    .await
    .unwrap()
}

async fn recall(b: &Browser, lot: &Lot, body: &Value) -> (u16, Value) {
    let r = b
        .json(
            reqwest::Method::POST,
            &format!("/api/v1/lots/{}/recall", lot.id),
            Some(body),
        )
        .await;
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

/// The API's refusal code.
fn code(body: &Value) -> &str {
    body["error"]["code"].as_str().unwrap_or("")
}

const AN: (&str, &str) = ("Trần Văn An", "0988 600 001");
const BINH: (&str, &str) = ("Lê Thị Bình", "0988 600 003");

/// Three buyers of the lot: a signed-in buyer with an email login (2 units), a guest (1 unit)
/// and a buyer who cancelled before shipping (1 unit); their order numbers.
async fn three_buyers(app: &TestApp, lot: &Lot) -> (Browser, String, String, String) {
    let an = sign_up(app, "an.tran@example.vn", "Trần Văn An").await;
    let an_order = buyer_orders(app, &an, &lot.variant, 2, AN, "recall-an-000001").await;
    app.guest_buys(LONGAN, 1, "recall-guest-00001").await;
    let guest_order: String = sqlx::query_scalar(
        "SELECT o.order_no FROM orders o WHERE o.buyer_user_id IS NULL ORDER BY o.created_at DESC LIMIT 1",
    )
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    let binh = sign_up(app, "0988 600 003", "Lê Thị Bình").await;
    let binh_order = buyer_orders(app, &binh, &lot.variant, 1, BINH, "recall-binh-00001").await;
    let r = binh
        .submit(
            &format!("/don-hang/{binh_order}/trang-thai"),
            &[("action", "cancel"), ("reason", "Đặt nhầm")],
        )
        .await;
    assert_eq!(location(&r), format!("/don-hang/{binh_order}?ok=1"));
    (an, an_order, guest_order, binh_order)
}

/// The units the demo lot will have left once [`three_buyers`] ordered: checkout takes their 4
/// units from it (the lot is the variant's only one on sale), the cancelled order gives its 1
/// back.
async fn units_left_after_three_buyers(app: &TestApp, lot: &Lot) -> i64 {
    let (status, on_sale) = lot_state(app, lot).await;
    let on_sale = on_sale.expect("the demo lot is put on sale with its units");
    assert!(status == "on_sale" && on_sale > 3, "{status} {on_sale}");
    on_sale - 3
}

db_test!(
    only_the_producer_the_commune_officer_or_an_admin_recall,
    |engine| {
        let app = spawn_seeded_app(engine).await;
        let lot = longan_lot(&app).await;
        let producer = member_of(&app, "0988 500 001", "Chị Lan", LONGAN_COOP).await;
        let other_farmer = member_of(&app, "0988 500 002", "Anh Bình", OTHER_FARM).await;
        let officer = officer_of_commune(&app, "0988 500 003", "tan-hung").await;
        let other_commune = commune_of(&app, OTHER_FARM).await;
        let other_officer = officer_of_commune(&app, "0988 500 004", &other_commune).await;
        let anonymous = Browser::new(&app.address);
        let body = json!({ "reason": REASON });
        let form = format!("/lo/{}/thu-hoi", lot.id);

        // Not signed in: 401 from the API, the sign-in page from the form.
        let (status, answer) = recall(&anonymous, &lot, &body).await;
        assert_eq!((status, code(&answer)), (401, "unauthorized"));
        let r = anonymous
            .submit(&form, &[("reason", REASON), ("tu", "lo")])
            .await;
        assert_eq!(r.status(), 303);
        assert!(
            location(&r).starts_with("/dang-nhap?next="),
            "{}",
            location(&r)
        );
        // Another producer, an officer of another commune: 403.
        for (who, b) in [
            ("other farmer", &other_farmer),
            ("other officer", &other_officer),
        ] {
            let (status, answer) = recall(b, &lot, &body).await;
            assert_eq!((status, code(&answer)), (403, "forbidden"), "{who}");
            let r = b.submit(&form, &[("reason", REASON), ("tu", "lo")]).await;
            assert_eq!(r.status(), 403, "{who}");
        }
        // No such lot: 404.
        let r = officer
            .json(
                reqwest::Method::POST,
                "/api/v1/lots/khong-co-lo-nay/recall",
                Some(&body),
            )
            .await;
        assert_eq!(r.status(), 404);
        assert_eq!(code(&r.json().await.unwrap()), "not_found");
        // An empty reason: 422, and the form goes back saying so.
        let (status, answer) = recall(&producer, &lot, &json!({ "reason": " \n\t " })).await;
        assert_eq!((status, code(&answer)), (422, "reason"));
        let (status, _) = recall(&producer, &lot, &json!({ "reason": "x".repeat(1_001) })).await;
        assert_eq!(status, 422, "a reason over 1,000 characters");
        let r = producer
            .submit(&form, &[("reason", "   "), ("tu", "vuon")])
            .await;
        assert_eq!(
            location(&r),
            format!("/nong-trai/vuon/{}?loi=recall_reason", lot.plot)
        );
        assert!(
            producer
                .page(&location(&r))
                .await
                .contains("Hãy ghi lý do thu hồi")
        );
        // None of it changed anything.
        assert_eq!(lot_state(&app, &lot).await.0, "on_sale");
        assert_eq!(app.count("lot_recalls").await, 0);
        assert_eq!(
            scalar(
                &app,
                "SELECT COUNT(*) FROM audit_log WHERE action = $1",
                "lot.recall"
            )
            .await,
            0
        );

        // A lot not harvested yet has nothing to recall.
        let r = producer
            .submit(
                &format!("/nong-trai/vuon/{}/lo", lot.plot),
                &[("lot_code", "NL-MOI-01")],
            )
            .await;
        assert_eq!(r.status(), 303);
        let growing: String =
            sqlx::query_scalar("SELECT id FROM harvest_lots WHERE lot_code = 'NL-MOI-01'")
                .fetch_one(app.db.pool())
                .await
                .unwrap();
        let r = producer
            .json(
                reqwest::Method::POST,
                &format!("/api/v1/lots/{growing}/recall"),
                Some(&body),
            )
            .await;
        assert_eq!(r.status(), 409);
        assert_eq!(code(&r.json().await.unwrap()), "not_harvested");

        // The commune's officer recalls it.
        let (status, answer) = recall(&officer, &lot, &body).await;
        assert_eq!(status, 201, "{answer}");
        assert_eq!(answer["status"], "recalled");
        assert_eq!(answer["lot_id"], lot.id.as_str());
        let officer_id = user_id(&app, "+84988500003").await;
        let (reason, by): (String, String) =
            sqlx::query_as("SELECT reason, recalled_by FROM lot_recalls WHERE lot_id = $1")
                .bind(&lot.id)
                .fetch_one(app.db.pool())
                .await
                .unwrap();
        assert_eq!(
            (reason.as_str(), by.as_str()),
            (REASON, officer_id.as_str())
        );

        // A second recall, by anyone: 409, and the first stays as it was.
        let stock_after = stock(&app, &lot.variant).await;
        let (status, answer) = recall(&producer, &lot, &json!({ "reason": "Lần nữa" })).await;
        assert_eq!((status, code(&answer)), (409, "already_recalled"));
        let r = producer
            .submit(&form, &[("reason", "Lần nữa"), ("tu", "vuon")])
            .await;
        assert_eq!(
            location(&r),
            format!("/nong-trai/vuon/{}?loi=recalled", lot.plot)
        );
        assert_eq!(app.count("lot_recalls").await, 1);
        assert_eq!(
            sqlx::query_scalar::<_, String>("SELECT reason FROM lot_recalls WHERE lot_id = $1")
                .bind(&lot.id)
                .fetch_one(app.db.pool())
                .await
                .unwrap(),
            REASON
        );
        assert_eq!(stock(&app, &lot.variant).await, stock_after);
        assert_eq!(
            scalar(
                &app,
                "SELECT COUNT(*) FROM audit_log WHERE action = $1",
                "lot.recall"
            )
            .await,
            1
        );

        // The API document describes the endpoint.
        let doc: Value = app.get("/api/openapi.json").await.json().await.unwrap();
        let post = &doc["paths"]["/api/v1/lots/{id}/recall"]["post"];
        for status in ["201", "401", "403", "404", "409", "422"] {
            assert!(post["responses"][status].is_object(), "{status} documented");
        }

        // An administrator may recall any lot (here: another producer's).
        let admin = sign_up(&app, "0988 500 005", "Quản trị tỉnh").await;
        make_admin(&app, &user_id(&app, "+84988500005").await).await;
        let other_lot: String = sqlx::query_scalar(
        "SELECT l.id FROM harvest_lots l JOIN producers p ON p.id = l.producer_id WHERE p.slug = $1",
    )
    .bind(OTHER_FARM)
    .fetch_one(app.db.pool())
    .await
    .unwrap();
        let r = admin
            .json(
                reqwest::Method::POST,
                &format!("/api/v1/lots/{other_lot}/recall"),
                Some(&body),
            )
            .await;
        assert_eq!(r.status(), 201);
    }
);

db_test!(
    a_recall_takes_the_lot_off_sale_and_tells_its_buyers,
    |engine| {
        let app = spawn_seeded_app(engine).await;
        let lot = longan_lot(&app).await;
        let left = units_left_after_three_buyers(&app, &lot).await;
        let (an, an_order, guest_order, binh_order) = three_buyers(&app, &lot).await;
        assert_eq!(lot_state(&app, &lot).await.1, Some(left));
        let stock_before = stock(&app, &lot.variant).await;
        assert!(stock_before >= left, "{stock_before}");
        let producer = member_of(&app, "0988 600 009", "Chị Lan", LONGAN_COOP).await;
        let producer_id = user_id(&app, "+84988600009").await;

        // The farmer recalls it from the farm diary.
        let plot_page = format!("/nong-trai/vuon/{}", lot.plot);
        assert!(
            producer
                .page(&plot_page)
                .await
                .contains(&format!("action=\"/lo/{}/thu-hoi\"", lot.id))
        );
        let r = producer
            .submit(
                &format!("/lo/{}/thu-hoi", lot.id),
                &[("reason", &format!("  {REASON}  ")), ("tu", "vuon")],
            )
            .await;
        assert_eq!(location(&r), format!("{plot_page}?ok=thu-hoi#lots"));
        assert!(
            producer
                .page(&format!("{plot_page}?ok=thu-hoi"))
                .await
                .contains("Đã thu hồi lô")
        );

        // Off sale at once: the units still for sale left the stock, none are left on the lot.
        assert_eq!(
            lot_state(&app, &lot).await,
            ("recalled".to_owned(), Some(0))
        );
        assert_eq!(stock(&app, &lot.variant).await, stock_before - left);
        let (reason, by, withdrawn): (String, String, i64) = sqlx::query_as(
            "SELECT reason, recalled_by, units_withdrawn FROM lot_recalls WHERE lot_id = $1",
        )
        .bind(&lot.id)
        .fetch_one(app.db.pool())
        .await
        .unwrap();
        assert_eq!(
            (reason.as_str(), by.as_str(), withdrawn),
            (REASON, producer_id.as_str(), left)
        );
        let (actor, details): (String, String) = sqlx::query_as(
        "SELECT actor_user_id, details FROM audit_log WHERE action = 'lot.recall' AND subject_id = $1",
    )
    .bind(&lot.id)
    .fetch_one(app.db.pool())
    .await
    .unwrap();
        assert_eq!(actor, producer_id);
        let details: Value = serde_json::from_str(&details).unwrap();
        assert_eq!(details["reason"], REASON);
        assert_eq!(details["units_withdrawn"], left);
        assert_eq!(details["orders_notified"], 2);

        // Every buyer who has the goods (or will) is told, once: the account in its inbox, the
        // guest by SMS at the checkout's phone; not the buyer who cancelled before it shipped.
        let an_id = user_id(&app, "an.tran@example.vn").await;
        let binh_id = user_id(&app, "+84988600003").await;
        assert_eq!(
            recall_notices(&app, &format!("user:{an_id}")).await,
            vec![("inbox".to_owned(), format!("/don-hang/{an_order}"))]
        );
        assert_eq!(
            recall_notices(&app, "phone:+84912345678").await,
            vec![("sms".to_owned(), format!("/don-hang/{guest_order}"))]
        );
        assert!(
            recall_notices(&app, &format!("user:{binh_id}"))
                .await
                .is_empty()
        );
        let inbox = an.page("/thong-bao").await;
        assert!(
            inbox.contains(&format!("Thu hồi lô {}", lot.code)),
            "{inbox}"
        );

        // It cannot go back on sale, and the database refuses to undo the recall by hand.
        let r = producer
            .submit(&format!("/nong-trai/lo/{}/ban", lot.id), &[])
            .await;
        assert_eq!(location(&r), format!("{plot_page}?loi=recalled"));
        assert!(
            producer
                .page(&location(&r))
                .await
                .contains("Lô này đã bị thu hồi")
        );
        for undo in [
            "UPDATE harvest_lots SET status = 'on_sale' WHERE id = $1",
            "UPDATE lot_recalls SET reason = 'nhầm' WHERE lot_id = $1",
            "DELETE FROM lot_recalls WHERE lot_id = $1",
        ] {
            let done = sqlx::query(undo).bind(&lot.id).execute(app.db.pool()).await;
            assert!(done.is_err(), "{undo}");
        }
        assert_eq!(lot_state(&app, &lot).await.0, "recalled");
        assert_eq!(app.count("lot_recalls").await, 1);
        // An officer's stamp on it is refused.
        let officer = officer_of_commune(&app, "0988 600 010", "tan-hung").await;
        let r = officer
            .submit(&format!("/can-bo/lo/{}/xac-nhan", lot.id), &[])
            .await;
        assert_eq!(r.status(), 409);

        // Checkout cannot take it: a later order of the variant (from a unit the producer
        // stocked by hand, the recall having withdrawn all the lot's) gets nothing from the lot.
        sqlx::query("UPDATE product_variants SET stock = stock + 1 WHERE id = $1")
            .bind(&lot.variant)
            .execute(app.db.pool())
            .await
            .unwrap();
        let later = buyer_orders(&app, &an, &lot.variant, 1, AN, "recall-an-000002").await;
        let from_lot: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM order_line_lots x
           JOIN order_lines ol ON ol.id = x.order_line_id
           JOIN orders o ON o.id = ol.order_id
          WHERE o.order_no = $1 AND x.lot_id = $2",
        )
        .bind(&later)
        .bind(&lot.id)
        .fetch_one(app.db.pool())
        .await
        .unwrap();
        assert_eq!(from_lot, 0);
        assert_eq!(
            lot_state(&app, &lot).await,
            ("recalled".to_owned(), Some(0))
        );

        // The banners: the lot page, where the QR code leads, in both languages.
        let day = app::domain::time::vietnam_date(chrono::Utc::now())
            .format("%d/%m/%Y")
            .to_string();
        let gs1 = format!("/01/{LONGAN_GTIN}/10/{}", lot.code);
        for path in [format!("/lo/{}", lot.id), gs1.clone()] {
            let page = app.page(&path).await;
            for expected in [
                "Lô hàng này đã bị thu hồi",
                &format!("Thu hồi ngày {day}. Lý do: {REASON}"),
                "ngừng ăn, ngừng sử dụng",
            ] {
                assert!(page.contains(expected), "{path} shows {expected:?}");
            }
        }
        let english = app.get_in_english(&gs1).await;
        assert!(english.contains("This lot has been recalled") && english.contains("stop eating"));
        // The QR code still leads there.
        assert_eq!(
            app.get(&format!("/lo/{}/qr.svg", lot.id)).await.status(),
            200
        );
        // The product page names the recalled lot and no longer lists it on sale.
        let product = app.page(&format!("/san-pham/{LONGAN}")).await;
        assert!(product.contains("Có lô hàng của sản phẩm này đã bị thu hồi"));
        assert!(product.contains(&format!("Lô {}, thu hồi ngày {day}", lot.code)));
        assert!(!product.contains("Lô hàng đang bán"), "{product}");
        let api: Value = app
            .get(&format!("/api/v1/products/{LONGAN}"))
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(api["recalls"][0]["lot_code"], lot.code.as_str());
        let lot_api: Value = app
            .get(&format!("/api/v1/lots/{}", lot.id))
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(lot_api["lot"]["status"], "recalled");
        assert_eq!(lot_api["recall"]["reason"], REASON);
        // The buyer's order page, on the order with goods of the lot only.
        let order = an.page(&format!("/don-hang/{an_order}")).await;
        assert!(
            order.contains("Đơn này có hàng thuộc lô đã bị thu hồi"),
            "{order}"
        );
        assert!(order.contains(&format!("× 2, lô {}", lot.code)));
        assert!(
            !an.page(&format!("/don-hang/{later}"))
                .await
                .contains("đã bị thu hồi")
        );
        // Another reader of the order number sees nothing of it.
        assert!(
            !Browser::new(&app.address)
                .page(&format!("/don-hang/{binh_order}"))
                .await
                .contains("đã bị thu hồi")
        );
    }
);

db_test!(
    the_officer_sees_affected_orders_and_reports_recalls,
    |engine| {
        let app = spawn_seeded_app(engine).await;
        let lot = longan_lot(&app).await;
        let left = units_left_after_three_buyers(&app, &lot).await;
        let (_an, an_order, guest_order, binh_order) = three_buyers(&app, &lot).await;
        assert_eq!(lot_state(&app, &lot).await.1, Some(left));
        let officer = officer_of_commune(&app, "0988 700 001", "tan-hung").await;
        let producer = member_of(&app, "0988 700 002", "Chị Lan", LONGAN_COOP).await;
        let other_commune = commune_of(&app, OTHER_FARM).await;
        let other_officer = officer_of_commune(&app, "0988 700 003", &other_commune).await;
        let case = format!("/can-bo/thu-hoi/{}", lot.id);

        // The dashboard leads to the report; the lot page to the lot's orders.
        assert!(
            officer
                .page("/can-bo")
                .await
                .contains("href=\"/can-bo/thu-hoi\"")
        );
        let gs1 = format!("/01/{LONGAN_GTIN}/10/{}", lot.code);
        let lot_page = officer.page(&gs1).await;
        assert!(lot_page.contains(&format!("href=\"{case}\"")));
        assert!(lot_page.contains(&format!("action=\"/lo/{}/thu-hoi\"", lot.id)));
        // Nothing of it for a visitor.
        let public = app.page(&gs1).await;
        assert!(!public.contains("/thu-hoi"), "{public}");

        // The officer recalls it from the lot page.
        let r = officer
            .submit(
                &format!("/lo/{}/thu-hoi", lot.id),
                &[("reason", REASON), ("tu", "lo")],
            )
            .await;
        assert_eq!(location(&r), format!("{gs1}?ok=thu-hoi"));
        let after = officer.page(&location(&r)).await;
        assert!(
            after.contains("Đã thu hồi lô")
                && !after.contains(&format!("action=\"/lo/{}/thu-hoi\"", lot.id))
        );

        // Every order with goods of the lot, cancelled included, with the buyers' contacts.
        let page = officer.page(&case).await;
        for expected in [
            an_order.as_str(),
            guest_order.as_str(),
            binh_order.as_str(),
            "Trần Văn An",
            "+84988600001",
            "an.tran@example.vn",
            "5 phố Bãi Sậy",
            "Nguyễn Thị Hoa",
            "+84912345678",
            "12 phố Hiến Nam",
            "Lê Thị Bình",
            "Đã huỷ",
            REASON,
            "Cán bộ xã",
        ] {
            assert!(
                page.contains(expected),
                "the officer's page shows {expected:?}"
            );
        }
        // Only officers of the lot's commune (and administrators) see them.
        assert_eq!(producer.get(&case).await.status(), 403);
        assert_eq!(other_officer.get(&case).await.status(), 403);
        let r = Browser::new(&app.address).get(&case).await;
        assert!(r.status().is_redirection());
        assert!(location(&r).starts_with("/dang-nhap"));
        assert_eq!(officer.get("/can-bo/thu-hoi/khong-co").await.status(), 404);

        // The report: the officer's communes, on the page and as CSV.
        let report = officer.page("/can-bo/thu-hoi").await;
        assert!(
            report.contains(&lot.code) && report.contains(REASON),
            "{report}"
        );
        assert!(
            !other_officer
                .page("/can-bo/thu-hoi")
                .await
                .contains(&lot.code)
        );
        let admin = sign_up(&app, "0988 700 004", "Quản trị tỉnh").await;
        make_admin(&app, &user_id(&app, "+84988700004").await).await;
        assert!(admin.page("/can-bo/thu-hoi").await.contains(&lot.code));
        assert_eq!(producer.get("/can-bo/thu-hoi").await.status(), 403);

        let r = officer.get("/can-bo/thu-hoi.csv").await;
        assert_eq!(r.status(), 200);
        assert_eq!(r.headers()["content-type"], "text/csv; charset=utf-8");
        let csv = r.text().await.unwrap();
        let lines: Vec<&str> = csv.trim_start_matches('\u{feff}').lines().collect();
        assert_eq!(
            lines[0],
            "lot_code,product,producer,plot,commune,harvested_on,reason,recalled_by,recalled_at,units_withdrawn,units_sold,orders,buyers"
        );
        assert_eq!(lines.len(), 2, "{csv}");
        let row: Vec<&str> = lines[1].split(',').collect();
        assert_eq!(row[0], lot.code);
        assert_eq!(row[1], "Nhãn lồng Hưng Yên");
        assert_eq!(row[6], REASON);
        assert_eq!(row[7], "Cán bộ xã");
        // What was left withdrawn; 3 units sold in 2 orders to 2 buyers (the cancelled order
        // is not).
        assert_eq!(&row[9..], [left.to_string().as_str(), "3", "2", "2"]);
        let other: String = other_officer
            .get("/can-bo/thu-hoi.csv")
            .await
            .text()
            .await
            .unwrap();
        assert_eq!(other.trim_start_matches('\u{feff}').lines().count(), 1);
        assert_eq!(producer.get("/can-bo/thu-hoi.csv").await.status(), 403);
    }
);
