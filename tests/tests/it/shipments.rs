//! Orders sent through a producer's carrier account, through the real server against in-test
//! fakes of GHN and GHTK: "Tạo vận đơn" (made once, refused and slow carriers leave nothing
//! stored), the label, and the carriers' callbacks (replayed, out of order, bad secret,
//! unknown waybill or producer, returned, COD collected).

use ocop_tests::{
    TestApp,
    browser::{Browser, location},
    carrier_fake::Behaviour,
    db_test,
    ghn_fake::{self, GhnFake},
    ghtk_fake::{self, GhtkFake},
    spawn_app_configured,
};
use serde_json::Value;
use server::shipping::{
    CarrierSettings,
    storage::{self, CarrierAccount},
};

use crate::accounts::member_of;

const LONGAN_COOP: &str = "htx-nhan-long-song-hong-xanh";
const GHTK_SECRET: &str = "0123456789abcdef0123456789abcdef";
const GHN_SECRET: &str = "fedcba9876543210fedcba9876543210";

struct Shop {
    app: TestApp,
    ghn: GhnFake,
    ghtk: GhtkFake,
    producer_id: String,
    farmer: Browser,
}

/// The demo province with its carriers pointed at the fakes, and a farmer of the longan
/// cooperative whose account with `carriers` is enabled.
async fn shop(engine: ocop_tests::Engine, carriers: &[&str]) -> Shop {
    let (ghn, ghtk) = (GhnFake::start().await, GhtkFake::start().await);
    let (ghn_base, ghtk_base) = (ghn.base_url.clone(), ghtk.base_url.clone());
    let app = spawn_app_configured(engine, move |s| {
        s.carriers = CarrierSettings::with_bases(Some(ghn_base), Some(ghtk_base));
    })
    .await;
    app.seed().await;
    let producer_id: String = sqlx::query_scalar("SELECT id FROM producers WHERE slug = $1")
        .bind(LONGAN_COOP)
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    let (province, commune) = ocop_tests::delivery_address(&app.db).await;
    for carrier in carriers {
        let ghn = *carrier == "ghn";
        let account = CarrierAccount {
            producer_id: producer_id.clone(),
            carrier: (*carrier).into(),
            token: if ghn {
                ghn_fake::TOKEN
            } else {
                ghtk_fake::TOKEN
            }
            .into(),
            shop_id: ghn.then_some(ghn_fake::SHOP_ID),
            pick_name: "HTX Nhãn lồng".into(),
            pick_phone: "0221386000".into(),
            pick_province_code: province.clone(),
            pick_commune_code: commune.clone(),
            pick_street: "12 Nguyễn Văn Linh".into(),
            enabled: true,
            callback_secret: if ghn { GHN_SECRET } else { GHTK_SECRET }.into(),
        };
        storage::save(&app.db, &account, chrono::Utc::now())
            .await
            .unwrap();
    }
    let farmer = member_of(&app, "0987000111", "Chị Lan", LONGAN_COOP).await;
    Shop {
        app,
        ghn,
        ghtk,
        producer_id,
        farmer,
    }
}

impl Shop {
    /// A guest's cash-on-delivery order of the cooperative's first product, confirmed by the
    /// farmer; its number.
    async fn confirmed_order(&self, key: &str) -> String {
        let slug: String = sqlx::query_scalar(
            "SELECT p.slug FROM products p WHERE p.producer_id = $1 AND p.status = 'approved'
               AND EXISTS (SELECT 1 FROM product_variants v WHERE v.product_id = p.id AND v.stock > 5)
             ORDER BY p.slug LIMIT 1",
        )
        .bind(&self.producer_id)
        .fetch_one(self.app.db.pool())
        .await
        .unwrap();
        self.app.guest_buys(&slug, 2, key).await;
        let no: String = sqlx::query_scalar(
            "SELECT o.order_no FROM orders o JOIN checkouts c ON c.id = o.checkout_id
              WHERE c.idempotency_key = $1 AND o.producer_id = $2",
        )
        .bind(key)
        .bind(&self.producer_id)
        .fetch_one(self.app.db.pool())
        .await
        .unwrap();
        let r = self
            .farmer
            .submit(
                &format!("/don-hang/{no}/trang-thai"),
                &[("action", "confirm")],
            )
            .await;
        assert_eq!(location(&r), format!("/don-hang/{no}?ok=1"));
        no
    }

    async fn make_waybill(&self, no: &str, carrier: &str, grams: &str, cod: &str) -> String {
        let r = self
            .farmer
            .submit(
                &format!("/don-hang/{no}/van-don"),
                &[
                    ("carrier", carrier),
                    ("weight_grams", grams),
                    ("cod_vnd", cod),
                ],
            )
            .await;
        location(&r)
    }

    async fn order(&self, no: &str) -> Order {
        sqlx::query_as(
            "SELECT status, carrier, tracking_no, carrier_fee_vnd, cod_amount_vnd,
                    cod_collected_vnd, total_vnd
               FROM orders WHERE order_no = $1",
        )
        .bind(no)
        .fetch_one(self.app.db.pool())
        .await
        .unwrap()
    }

    async fn history(&self, no: &str) -> Vec<(String, String)> {
        sqlx::query_as(
            "SELECT h.to_status, h.note FROM order_status_history h
               JOIN orders o ON o.id = h.order_id
              WHERE o.order_no = $1 ORDER BY h.created_at, h.id",
        )
        .bind(no)
        .fetch_all(self.app.db.pool())
        .await
        .unwrap()
    }

    async fn callback(&self, carrier: &str, query: &str, body: &str) -> (u16, Value) {
        let r = self
            .app
            .client
            .post(format!(
                "{}/api/v1/carriers/{carrier}/callback/{}{query}",
                self.app.address, self.producer_id
            ))
            .header("content-type", "application/json")
            .body(body.to_owned())
            .send()
            .await
            .unwrap();
        let status = r.status().as_u16();
        (status, r.json().await.unwrap_or(Value::Null))
    }

    async fn ghtk_event(&self, label: &str, status: i64, at: &str, cod: i64) -> (u16, Value) {
        let body = GhtkFake::callback_with_cod(label, status, at, cod);
        self.callback("ghtk", &format!("?hash={GHTK_SECRET}"), &body)
            .await
    }
}

#[derive(sqlx::FromRow, Debug)]
struct Order {
    status: String,
    carrier: Option<String>,
    tracking_no: Option<String>,
    carrier_fee_vnd: Option<i64>,
    cod_amount_vnd: Option<i64>,
    cod_collected_vnd: Option<i64>,
    total_vnd: i64,
}

db_test!(a_waybill_is_made_once_and_its_label_printed, |engine| {
    let shop = shop(engine, &["ghn", "ghtk"]).await;
    let no = shop.confirmed_order("waybill-1").await;
    let total = shop.order(&no).await.total_vnd;

    // The form offers both carriers, the weight from the variants and the COD total.
    let page = shop.farmer.page(&format!("/don-hang/{no}")).await;
    assert!(page.contains("Tạo vận đơn"), "{page}");
    assert!(page.contains(r#"<option value="ghn""#) && page.contains(r#"<option value="ghtk""#));
    assert!(page.contains(&format!(r#"name="cod_vnd" type="number" inputmode="numeric" min="0" max="{total}" required value="{total}""#)), "{page}");
    let lines: Vec<(i64, String, Option<i64>)> = sqlx::query_as(
        "SELECT l.quantity, v.unit, v.net_weight_g FROM order_lines l
           JOIN product_variants v ON v.id = l.variant_id
           JOIN orders o ON o.id = l.order_id WHERE o.order_no = $1",
    )
    .bind(&no)
    .fetch_all(shop.app.db.pool())
    .await
    .unwrap();
    let grams: i64 = lines
        .iter()
        .map(|(q, unit, g)| q * app::shop::rules::shipping::unit_grams(unit, *g))
        .sum();
    assert!(grams > 0);
    assert!(
        page.contains(&format!(r#"name="weight_grams" type="number" inputmode="numeric" min="1" max="50000" required value="{grams}""#)),
        "{page}"
    );

    // Out of bounds: refused before any carrier is asked.
    let to = shop
        .make_waybill(&no, "ghtk", "0", &total.to_string())
        .await;
    assert_eq!(to, format!("/don-hang/{no}?loi=parcel_weight"));
    let to = shop
        .make_waybill(&no, "ghtk", "1200", &(total + 1).to_string())
        .await;
    assert_eq!(to, format!("/don-hang/{no}?loi=cod_amount"));
    assert_eq!(shop.ghtk.calls(), 0);

    let to = shop
        .make_waybill(&no, "ghtk", "1200", &total.to_string())
        .await;
    assert_eq!(to, format!("/don-hang/{no}?ok=1"));
    let o = shop.order(&no).await;
    assert_eq!(o.status, "confirmed", "waiting for the pick-up");
    assert_eq!(o.carrier.as_deref(), Some("ghtk"));
    assert_eq!(o.tracking_no.as_deref(), Some("S1.A1.17373471"));
    assert!(o.carrier_fee_vnd.unwrap() > 0);
    assert_eq!(o.cod_amount_vnd, Some(total));
    let created = shop.ghtk.created();
    assert_eq!(created.len(), 1);
    assert_eq!(
        created[0]["order"]["id"],
        no.as_str(),
        "our number is the client code"
    );
    assert_eq!(created[0]["order"]["pick_money"], total);
    let history = shop.history(&no).await;
    assert_eq!(
        history.last().unwrap(),
        &(
            "confirmed".to_owned(),
            "waybill GHTK · S1.A1.17373471".to_owned()
        )
    );

    // A second click makes no second waybill.
    let to = shop
        .make_waybill(&no, "ghn", "1200", &total.to_string())
        .await;
    assert_eq!(to, format!("/don-hang/{no}?loi=waybill_exists"));
    assert_eq!(shop.ghtk.created().len(), 1);
    assert!(shop.ghn.created().is_empty());
    let page = shop
        .farmer
        .page(&format!("/don-hang/{no}?loi=waybill_exists"))
        .await;
    assert!(page.contains("Đơn này đã có vận đơn"), "{page}");
    assert!(page.contains("Chờ đơn vị vận chuyển lấy hàng"));
    assert!(page.contains("Đã tạo vận đơn GHTK · S1.A1.17373471"));
    assert!(!page.contains("/van-don\""), "no second form");
    assert!(page.contains(&format!("/don-hang/{no}/nhan")));

    // The label, for the farmer only.
    let label = shop.farmer.get(&format!("/don-hang/{no}/nhan")).await;
    assert_eq!(label.status(), 200);
    assert_eq!(label.headers()["content-type"], "application/pdf");
    assert!(label.text().await.unwrap().contains("S1.A1.17373471"));
    let stranger = Browser::new(&shop.app.address);
    assert_eq!(
        stranger.get(&format!("/don-hang/{no}/nhan")).await.status(),
        404
    );
});

db_test!(a_refused_or_slow_carrier_leaves_nothing_stored, |engine| {
    let shop = shop(engine, &["ghtk"]).await;
    let no = shop.confirmed_order("waybill-2").await;
    let total = shop.order(&no).await.total_vnd.to_string();

    shop.ghtk.set(Behaviour::Slow);
    let to = shop.make_waybill(&no, "ghtk", "1000", &total).await;
    assert_eq!(to, format!("/don-hang/{no}?loi=carrier_unavailable"));
    shop.ghtk.set(Behaviour::Failing);
    let to = shop.make_waybill(&no, "ghtk", "1000", &total).await;
    assert_eq!(to, format!("/don-hang/{no}?loi=carrier_unavailable"));
    let page = shop.farmer.page(&to).await;
    assert!(page.contains("Chưa có vận đơn nào được tạo"), "{page}");

    // GHN is not enabled for this producer.
    shop.ghtk.set(Behaviour::Normal);
    let to = shop.make_waybill(&no, "ghn", "1000", &total).await;
    assert_eq!(to, format!("/don-hang/{no}?loi=no_carrier_account"));

    // A token the carrier refuses.
    sqlx::query("UPDATE producer_carriers SET token = 'wrong-token-000000' WHERE carrier = 'ghtk'")
        .execute(shop.app.db.pool())
        .await
        .unwrap();
    let to = shop.make_waybill(&no, "ghtk", "1000", &total).await;
    assert_eq!(to, format!("/don-hang/{no}?loi=carrier_credentials"));
    let o = shop.order(&no).await;
    assert_eq!(
        (o.status.as_str(), o.tracking_no, o.carrier),
        ("confirmed", None, None)
    );
    assert!(shop.ghtk.created().is_empty());
    assert!(
        !shop
            .history(&no)
            .await
            .iter()
            .any(|(_, n)| n.starts_with("waybill"))
    );
});

db_test!(carrier_callbacks_move_the_order_once, |engine| {
    let shop = shop(engine, &["ghtk"]).await;
    let no = shop.confirmed_order("callback-1").await;
    let total = shop.order(&no).await.total_vnd;
    assert_eq!(
        shop.make_waybill(&no, "ghtk", "1000", &total.to_string())
            .await,
        format!("/don-hang/{no}?ok=1")
    );
    let label = "S1.A1.17373471";

    // Picked up.
    let (status, body) = shop
        .ghtk_event(label, 3, "2026-12-02T08:00:00+07:00", 0)
        .await;
    assert_eq!((status, body["status"].as_str()), (200, Some("shipped")));
    assert_eq!(shop.order(&no).await.status, "shipped");
    let rows = shop.history(&no).await.len();

    // Replayed: 200, nothing more.
    let (status, body) = shop
        .ghtk_event(label, 3, "2026-12-02T08:00:00+07:00", 0)
        .await;
    assert_eq!((status, body["status"].as_str()), (200, Some("duplicate")));
    assert_eq!(shop.history(&no).await.len(), rows);

    // In transit: one more line, same status.
    let (_, body) = shop
        .ghtk_event(label, 4, "2026-12-02T14:00:00+07:00", 0)
        .await;
    assert_eq!(body["status"], "recorded");
    assert_eq!(shop.history(&no).await.len(), rows + 1);

    // An older event arriving late changes nothing.
    let (status, body) = shop
        .ghtk_event(label, 12, "2026-12-02T07:00:00+07:00", 0)
        .await;
    assert_eq!((status, body["status"].as_str()), (200, Some("older")));
    assert_eq!(shop.history(&no).await.len(), rows + 1);

    // Delivered, with the cash the carrier collected.
    let (_, body) = shop
        .ghtk_event(label, 5, "2026-12-03T09:30:00+07:00", total)
        .await;
    assert_eq!(body["status"], "delivered");
    let o = shop.order(&no).await;
    assert_eq!(
        (o.status.as_str(), o.cod_collected_vnd),
        ("delivered", Some(total))
    );
    let paid: String = sqlx::query_scalar(
        "SELECT p.status FROM payments p JOIN orders o ON o.id = p.order_id WHERE o.order_no = $1",
    )
    .bind(&no)
    .fetch_one(shop.app.db.pool())
    .await
    .unwrap();
    assert_eq!(paid, "paid", "cash changed hands at the door");

    // A newer "picked up" after delivery: 200, refused by the order's machine.
    let (status, body) = shop
        .ghtk_event(label, 3, "2026-12-04T08:00:00+07:00", 0)
        .await;
    assert_eq!((status, body["status"].as_str()), (200, Some("ignored")));
    assert_eq!(shop.order(&no).await.status, "delivered");
    let history = shop.history(&no).await;
    assert_eq!(history.len(), rows + 2);
    assert_eq!(
        history.iter().filter(|(to, _)| to == "shipped").count(),
        2,
        "picked up, then in transit: {history:?}"
    );
    assert!(history.contains(&(
        "delivered".into(),
        "GHTK · 5 · Đã giao hàng/Chưa đối soát".into()
    )));

    // The buyer's page shows the carrier's words.
    let page = shop.farmer.page(&format!("/don-hang/{no}")).await;
    assert!(
        page.contains("GHTK · 4 · Đã điều phối giao hàng/Đang giao hàng"),
        "{page}"
    );
});

db_test!(callbacks_that_are_not_the_carriers_are_refused, |engine| {
    let shop = shop(engine, &["ghtk"]).await;
    let no = shop.confirmed_order("callback-2").await;
    let total = shop.order(&no).await.total_vnd;
    shop.make_waybill(&no, "ghtk", "1000", &total.to_string())
        .await;
    let body = GhtkFake::callback("S1.A1.17373471", 3, "2026-12-02T08:00:00+07:00");

    for query in ["?hash=wrong", "", "?hash="] {
        let (status, err) = shop.callback("ghtk", query, &body).await;
        assert_eq!(status, 401, "{query}");
        assert_eq!(err["error"]["code"], "unverified");
    }
    // No GHN account, or no such producer: the same 401.
    let (status, err) = shop
        .callback("ghn", &format!("?token={GHTK_SECRET}"), &body)
        .await;
    assert_eq!(
        (status, err["error"]["code"].as_str()),
        (401, Some("unverified"))
    );
    let r = shop
        .app
        .client
        .post(format!(
            "{}/api/v1/carriers/ghtk/callback/nobody?hash={GHTK_SECRET}",
            shop.app.address
        ))
        .header("content-type", "application/json")
        .body(body.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    // Malformed, and an unknown waybill.
    let (status, err) = shop
        .callback("ghtk", &format!("?hash={GHTK_SECRET}"), "{\"label_id\": 1}")
        .await;
    assert_eq!(
        (status, err["error"]["code"].as_str()),
        (400, Some("malformed_callback"))
    );
    let other = GhtkFake::callback("S1.A1.99999999", 3, "2026-12-02T08:00:00+07:00");
    let (status, err) = shop
        .callback("ghtk", &format!("?hash={GHTK_SECRET}"), &other)
        .await;
    assert_eq!(
        (status, err["error"]["code"].as_str()),
        (404, Some("unknown_waybill"))
    );
    // A tracking number typed by hand on the manual form is no waybill of ours.
    let manual = shop.confirmed_order("callback-3").await;
    shop.farmer
        .submit(
            &format!("/don-hang/{manual}/trang-thai"),
            &[
                ("action", "ship"),
                ("carrier", "ghtk"),
                ("tracking_no", "S1.A1.55555555"),
            ],
        )
        .await;
    let typed = GhtkFake::callback("S1.A1.55555555", 5, "2026-12-02T08:00:00+07:00");
    let (status, _) = shop
        .callback("ghtk", &format!("?hash={GHTK_SECRET}"), &typed)
        .await;
    assert_eq!(status, 404);

    assert_eq!(shop.order(&no).await.status, "confirmed", "nothing moved");
    assert_eq!(shop.order(&manual).await.status, "shipped");
});

db_test!(a_parcel_comes_back_returned, |engine| {
    let shop = shop(engine, &["ghn"]).await;
    let no = shop.confirmed_order("returned-1").await;
    let total = shop.order(&no).await.total_vnd;
    let stock_before: i64 =
        sqlx::query_scalar("SELECT CAST(SUM(stock) AS BIGINT) FROM product_variants")
            .fetch_one(shop.app.db.pool())
            .await
            .unwrap();
    let to = shop
        .make_waybill(&no, "ghn", "1500", &total.to_string())
        .await;
    assert_eq!(to, format!("/don-hang/{no}?ok=1"));
    let code = shop.order(&no).await.tracking_no.unwrap();
    assert_eq!(shop.ghn.created()[0]["cod_amount"], total);

    let token = format!("?token={GHN_SECRET}");
    let body = GhnFake::callback(&code, "picked", "2026-12-02T01:00:00Z");
    assert_eq!(
        shop.callback("ghn", &token, &body).await.1["status"],
        "shipped"
    );
    let body = GhnFake::callback(&code, "delivery_fail", "2026-12-03T01:00:00Z");
    assert_eq!(
        shop.callback("ghn", &token, &body).await.1["status"],
        "recorded"
    );
    let body = GhnFake::callback(&code, "return", "2026-12-04T01:00:00Z");
    assert_eq!(
        shop.callback("ghn", &token, &body).await.1["status"],
        "returned"
    );
    let body = GhnFake::callback(&code, "returned", "2026-12-05T01:00:00Z");
    assert_eq!(
        shop.callback("ghn", &token, &body).await.1["status"],
        "recorded"
    );
    let body = GhnFake::callback_with_cod(&code, "delivered", "2026-12-06T01:00:00Z", total);
    assert_eq!(
        shop.callback("ghn", &token, &body).await.1["status"],
        "ignored"
    );

    let o = shop.order(&no).await;
    assert_eq!((o.status.as_str(), o.cod_collected_vnd), ("returned", None));
    // Nothing will be paid for it; the goods are the farmer's to put back on the shelf.
    let payment: String = sqlx::query_scalar(
        "SELECT p.status FROM payments p JOIN orders o ON o.id = p.order_id WHERE o.order_no = $1",
    )
    .bind(&no)
    .fetch_one(shop.app.db.pool())
    .await
    .unwrap();
    assert_eq!(payment, "expired");
    let stock_after: i64 =
        sqlx::query_scalar("SELECT CAST(SUM(stock) AS BIGINT) FROM product_variants")
            .fetch_one(shop.app.db.pool())
            .await
            .unwrap();
    assert_eq!(stock_after, stock_before);
    let page = shop.farmer.page(&format!("/don-hang/{no}")).await;
    assert!(page.contains("Bị hoàn về"), "{page}");
    assert!(page.contains("GHN · return"));
});

db_test!(cash_on_delivery_is_reconciled_with_the_carrier, |engine| {
    let shop = shop(engine, &["ghtk"]).await;
    let mut labels = vec![];
    let mut totals = vec![];
    let mut nos = vec![];
    for key in ["cod-order-1", "cod-order-2", "cod-order-3", "cod-order-4"] {
        let no = shop.confirmed_order(key).await;
        let total = shop.order(&no).await.total_vnd;
        assert_eq!(
            shop.make_waybill(&no, "ghtk", "1000", &total.to_string())
                .await,
            format!("/don-hang/{no}?ok=1")
        );
        labels.push(shop.order(&no).await.tracking_no.unwrap());
        totals.push(total);
        nos.push(no);
    }
    // 1: collected in full; 2: 10,000 đ short; 3: delivered, no amount reported; 4: returned.
    shop.ghtk_event(&labels[0], 5, "2026-12-02T09:00:00+07:00", totals[0])
        .await;
    shop.ghtk_event(
        &labels[1],
        5,
        "2026-12-02T09:00:00+07:00",
        totals[1] - 10_000,
    )
    .await;
    let mut silent: Value = serde_json::from_str(&GhtkFake::callback(
        &labels[2],
        5,
        "2026-12-02T09:00:00+07:00",
    ))
    .unwrap();
    silent.as_object_mut().unwrap().remove("pick_money");
    let (status, body) = shop
        .callback("ghtk", &format!("?hash={GHTK_SECRET}"), &silent.to_string())
        .await;
    assert_eq!((status, body["status"].as_str()), (200, Some("delivered")));
    shop.ghtk_event(&labels[3], 21, "2026-12-02T09:00:00+07:00", 0)
        .await;

    let page = shop.farmer.page("/ban-hang/doi-soat-cod").await;
    assert!(page.contains("Đối soát tiền thu hộ"), "{page}");
    assert_eq!(page.matches(r#"class="stands-out""#).count(), 2, "{page}");
    assert!(page.contains("2 đơn cần kiểm tra"));
    assert!(page.contains("Đã giao, chưa báo thu") && page.contains("Hoàn về, không thu"));
    for no in &nos {
        assert!(page.contains(no.as_str()), "{no}");
    }
    // The seller's menu links it.
    assert!(
        shop.farmer
            .page("/ban-hang")
            .await
            .contains(r#"href="/ban-hang/doi-soat-cod""#)
    );

    let r = shop.farmer.get("/ban-hang/doi-soat-cod.csv").await;
    assert_eq!(r.status(), 200);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let csv = r.text().await.unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "\u{feff}order_no,carrier,tracking_no,status,sent_at,expected_vnd,collected_vnd,difference_vnd,check"
    );
    assert_eq!(lines.len(), 6, "{csv}");
    let row = |no: &str| *lines.iter().find(|l| l.starts_with(no)).unwrap();
    assert!(
        row(&nos[0]).ends_with(&format!(",{},{},0,matches", totals[0], totals[0])),
        "{csv}"
    );
    assert!(
        row(&nos[1]).ends_with(&format!(
            ",{},{},-10000,differs",
            totals[1],
            totals[1] - 10_000
        )),
        "{csv}"
    );
    assert!(
        row(&nos[2]).ends_with(&format!(",{},,,not_reported", totals[2])),
        "{csv}"
    );
    assert!(
        row(&nos[3]).contains(",returned,") && row(&nos[3]).ends_with(",0,,,returned"),
        "{csv}"
    );
    let expected = totals[0] + totals[1] + totals[2];
    let collected = totals[0] + totals[1] - 10_000;
    assert_eq!(
        lines[5],
        format!("total,,,,,{expected},{collected},-10000,")
    );

    // Another producer's member sees none of it; a stranger is asked to sign in.
    let bees = member_of(
        &shop.app,
        "0987000222",
        "Anh Quang",
        "tht-ong-mat-bai-quang",
    )
    .await;
    let theirs = bees
        .get("/ban-hang/doi-soat-cod.csv")
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(theirs.lines().count(), 2, "{theirs}");
    let stranger = Browser::new(&shop.app.address);
    let r = stranger.get("/ban-hang/doi-soat-cod.csv").await;
    assert!(r.status().is_redirection(), "{}", r.status());
});

db_test!(a_returned_card_order_is_refund_due, |engine| {
    let shop = shop(engine, &["ghtk"]).await;
    let no = shop.confirmed_order("card-return-1").await;
    // The order as a card payment Stripe confirmed leaves it (that flow is `checkout::`'s;
    // here only its outcome matters: a paid card payment with its PaymentIntent).
    let now = app::domain::time::db_timestamp(chrono::Utc::now());
    for sql in [
        "UPDATE orders SET payment_method = 'card' WHERE order_no = $1",
        "UPDATE checkouts SET payment_method = 'card'
          WHERE id = (SELECT checkout_id FROM orders WHERE order_no = $1)",
        "UPDATE payments SET method = 'card', status = 'paid', paid_at = $2
          WHERE order_id = (SELECT id FROM orders WHERE order_no = $1)",
        "INSERT INTO card_payments (id, checkout_id, amount_vnd, status, session_id, payment_intent,
             pay_by, paid_at, created_at, updated_at)
         SELECT 'cp1', checkout_id, total_vnd, 'paid', 'cs_1', 'pi_1', $2, $2, $2, $2
           FROM orders WHERE order_no = $1",
    ] {
        sqlx::query(sql)
            .bind(&no)
            .bind(&now)
            .execute(shop.app.db.pool())
            .await
            .unwrap();
    }
    // Paid already: nothing to collect at the door by default.
    let page = shop.farmer.page(&format!("/don-hang/{no}")).await;
    assert!(page.contains(r#"name="cod_vnd" type="number" inputmode="numeric" min="0""#));
    assert!(page.contains(r#"required value="0""#), "{page}");
    assert_eq!(
        shop.make_waybill(&no, "ghtk", "1000", "0").await,
        format!("/don-hang/{no}?ok=1")
    );
    let label = shop.order(&no).await.tracking_no.unwrap();
    assert!(
        app::payments::storage::refunds_due(&shop.app.db, chrono::Utc::now())
            .await
            .unwrap()
            .is_empty()
    );

    shop.ghtk_event(&label, 3, "2026-12-02T08:00:00+07:00", 0)
        .await;
    let (_, body) = shop
        .ghtk_event(&label, 20, "2026-12-04T08:00:00+07:00", 0)
        .await;
    assert_eq!(body["status"], "returned");
    let due = app::payments::storage::refunds_due(&shop.app.db, chrono::Utc::now())
        .await
        .unwrap();
    assert_eq!(due.len(), 1, "a paid order that came back is given back");
    assert_eq!(
        (due[0].order_no.as_str(), due[0].provider_ref.as_str()),
        (no.as_str(), "pi_1")
    );
    app::payments::storage::refund_confirmed(
        &shop.app.db,
        &due[0].payment_id,
        "re_1",
        None,
        chrono::Utc::now(),
    )
    .await
    .unwrap();
    assert_eq!(shop.order(&no).await.status, "refunded");
    let history = shop.history(&no).await;
    // The carrier's events carry its times, the refund ours: compared as a set. The refund's
    // request is a step of its own that leaves the order `returned`.
    assert!(history.contains(&("returned".to_owned(), "refund_requested".to_owned())));
    for step in ["shipped", "returned", "refunded"] {
        assert_eq!(
            history
                .iter()
                .filter(|(to, note)| to == step && note != "refund_requested")
                .count(),
            1,
            "{step}: {history:?}"
        );
    }
});
