//! Lots on order lines (#24): lots put on sale with their units feed the variant's stock,
//! checkout takes each line from the verified lots on sale (oldest harvest first, split across
//! lots, never oversold under a race), a cancellation gives the units back, and the lots show
//! on the buyer's order, the producer's packing slip, the lot's page and its EPCIS document.

use chrono::{Days, NaiveDate};
use ocop_tests::{
    TestApp,
    browser::{Browser, location},
    db_test, spawn_seeded_app,
};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use super::{
    accounts::{commune_id, member_of, officer_of_commune, sign_up},
    checkout::{add, checkout_body, order_nos, place},
};

const PRODUCER: &str = "htx-nhan-long-song-hong-xanh";
const LONGAN: &str = "nhan-long-hung-yen";
const LONGAN_GTIN: &str = "08936045120002";

fn today() -> NaiveDate {
    app::domain::time::vietnam_date(chrono::Utc::now())
}

fn days_ago(n: u64) -> NaiveDate {
    today() - Days::new(n)
}

/// `dd/mm/yyyy`, as the Vietnamese pages write a day.
fn vi_date(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

/// The demo longan's variant with this label.
async fn longan_variant(app: &TestApp, label: &str) -> String {
    sqlx::query_scalar(
        "SELECT v.id FROM product_variants v JOIN products p ON p.id = v.product_id
          WHERE p.slug = $1 AND v.label_vi = $2",
    )
    .bind(LONGAN)
    .bind(label)
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

async fn set_stock(app: &TestApp, variant: &str, units: i64) {
    sqlx::query("UPDATE product_variants SET stock = $1 WHERE id = $2")
        .bind(units)
        .bind(variant)
        .execute(app.db.pool())
        .await
        .unwrap();
}

/// (status, units left) of a lot.
async fn lot_state(app: &TestApp, lot: &str) -> (String, Option<i64>) {
    sqlx::query_as("SELECT status, units_left FROM harvest_lots WHERE id = $1")
        .bind(lot)
        .fetch_one(app.db.pool())
        .await
        .unwrap()
}

/// What an order took from each lot: (lot id, units), by lot code.
async fn taken(app: &TestApp, order_no: &str) -> Vec<(String, i64)> {
    sqlx::query_as(
        "SELECT oll.lot_id, oll.quantity FROM order_line_lots oll
           JOIN order_lines ol ON ol.id = oll.order_line_id
           JOIN orders o ON o.id = ol.order_id
           JOIN harvest_lots l ON l.id = oll.lot_id
          WHERE o.order_no = $1 ORDER BY l.lot_code",
    )
    .bind(order_no)
    .fetch_all(app.db.pool())
    .await
    .unwrap()
}

/// `order_lines.lot_id` of an order's only line.
async fn line_lot(app: &TestApp, order_no: &str) -> Option<String> {
    sqlx::query_scalar(
        "SELECT ol.lot_id FROM order_lines ol JOIN orders o ON o.id = ol.order_id
          WHERE o.order_no = $1",
    )
    .bind(order_no)
    .fetch_one(app.db.pool())
    .await
    .unwrap()
}

/// A lot written straight into the table on the demo longan's plot.
struct LotSpec {
    code: &'static str,
    harvested: u64,
    units: i64,
    verified: bool,
    status: &'static str,
}

fn on_sale(code: &'static str, harvested: u64, units: i64) -> LotSpec {
    LotSpec {
        code,
        harvested,
        units,
        verified: true,
        status: "on_sale",
    }
}

/// Writes the lots of `variant` (on the demo longan's plot, stamped by the demo officer who
/// verified its lot) and gives the variant their units on sale as its stock: (id per lot).
async fn lots_of(app: &TestApp, variant: &str, specs: &[LotSpec]) -> Vec<String> {
    let (plot, producer, officer): (String, String, String) = sqlx::query_as(
        "SELECT l.plot_id, l.producer_id, l.verified_by FROM harvest_lots l
           JOIN product_variants v ON v.id = l.variant_id
           JOIN products p ON p.id = v.product_id
          WHERE p.slug = $1 AND l.verified_by IS NOT NULL",
    )
    .bind(LONGAN)
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    let mut ids = vec![];
    let mut units = 0;
    for (i, s) in specs.iter().enumerate() {
        let id = format!("test-lot-{}", s.code.to_ascii_lowercase());
        let on = days_ago(s.harvested).to_string();
        // Created in the order given, whatever the harvest days.
        let created = format!("2026-11-0{}T00:00:00.000Z", i + 1);
        sqlx::query(
            "INSERT INTO harvest_lots (id, producer_id, plot_id, variant_id, lot_code,
                 harvested_on, quantity_kg, status, verified_by, verified_at, units_left,
                 created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, 100, $7, $8, $9, $10, $11, $11)",
        )
        .bind(&id)
        .bind(&producer)
        .bind(&plot)
        .bind(variant)
        .bind(s.code)
        .bind(&on)
        .bind(s.status)
        .bind(s.verified.then_some(officer.as_str()))
        .bind(s.verified.then_some("2026-11-10T02:00:00.000Z"))
        .bind((s.status != "harvested").then_some(s.units))
        .bind(&created)
        .execute(app.db.pool())
        .await
        .unwrap();
        if s.status == "on_sale" {
            units += s.units;
        }
        ids.push(id);
    }
    set_stock(app, variant, units).await;
    ids
}

/// A signed-in buyer's order of `quantity` of `variant`, cash on delivery: its number.
async fn buy(app: &TestApp, buyer: &Browser, variant: &str, quantity: i64, key: &str) -> String {
    add(buyer, variant, quantity).await;
    let (status, placed) = place(buyer, &checkout_body(app, "cod", key).await).await;
    assert_eq!(status, 201, "{placed}");
    order_nos(&placed).remove(0)
}

async fn change(b: &Browser, order_no: &str, fields: &[(&str, &str)]) {
    let r = b
        .submit(&format!("/don-hang/{order_no}/trang-thai"), fields)
        .await;
    assert_eq!(
        location(&r),
        format!("/don-hang/{order_no}?ok=1"),
        "{fields:?}"
    );
}

// The farmer's way: a plot, lots sold as a variant, harvests and putting on sale through the
// forms, the commune officer's stamps; then a buyer's line is split across the lots, oldest
// harvest first, skipping the unverified lot and the one not on sale.
db_test!(a_line_is_split_across_lots_oldest_harvest_first, |engine| {
    let app = spawn_seeded_app(engine).await;
    let farmer = member_of(&app, "0987 111 201", "Anh Tuấn", PRODUCER).await;
    let officer = officer_of_commune(&app, "0911 111 201", "tan-hung").await;
    let gift_box = longan_variant(&app, "Hộp quà 2 kg").await;
    let by_hand = stock(&app, &gift_box).await;

    let producer: String = sqlx::query_scalar("SELECT id FROM producers WHERE slug = $1")
        .bind(PRODUCER)
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    let r = farmer
        .submit(
            "/nong-trai/vuon",
            &[
                ("producer_id", &producer),
                ("name", "Vườn ven đê"),
                ("crop", "nhãn lồng"),
                ("commune_id", &commune_id(&app, "tan-hung").await),
            ],
        )
        .await;
    let plot = location(&r)
        .strip_prefix("/nong-trai/vuon/")
        .and_then(|rest| rest.split('?').next())
        .expect("the new plot")
        .to_owned();
    // Created first, harvested last: the harvest day decides, not the creation.
    let mut lots = vec![];
    for code in ["LS-LATE", "LS-EARLY", "LS-UNVERIFIED", "LS-KEPT"] {
        let r = farmer
            .submit(
                &format!("/nong-trai/vuon/{plot}/lo"),
                &[("lot_code", code), ("variant_id", &gift_box)],
            )
            .await;
        assert!(location(&r).contains("ok=1"), "{}", location(&r));
        let id: String =
            sqlx::query_scalar("SELECT id FROM harvest_lots WHERE plot_id = $1 AND lot_code = $2")
                .bind(&plot)
                .bind(code)
                .fetch_one(app.db.pool())
                .await
                .unwrap();
        lots.push(id);
    }
    let [late, early, unverified, kept] = <[String; 4]>::try_from(lots).unwrap();
    for (lot, ago, kg) in [
        (&late, 5, "20"),
        (&early, 10, "8"),
        (&unverified, 15, "6"),
        (&kept, 20, "10"),
    ] {
        let r = farmer
            .submit(
                &format!("/nong-trai/vuon/{plot}/ghi"),
                &[
                    ("kind", "harvest"),
                    ("occurred_on", &days_ago(ago).to_string()),
                    ("lot_id", lot),
                    ("quantity_kg", kg),
                ],
            )
            .await;
        assert!(location(&r).contains("ok=1"), "{}", location(&r));
    }

    // The form offers the default: 8 kg in 2 kg boxes is 4 boxes.
    let page = farmer.page(&format!("/nong-trai/vuon/{plot}")).await;
    assert!(
        page.contains(r#"name="units""#) && page.contains(r#"value="4""#),
        "the units field holds the default"
    );
    assert!(page.contains("Mặc định 4"), "and says so");
    // Bad units: refused, nothing on sale.
    for bad in ["0", "nhiều", "1000001"] {
        let r = farmer
            .submit(&format!("/nong-trai/lo/{early}/ban"), &[("units", bad)])
            .await;
        assert!(
            location(&r).contains("loi=units"),
            "{bad}: {}",
            location(&r)
        );
    }
    assert_eq!(lot_state(&app, &early).await, ("harvested".into(), None));
    let refused = farmer
        .page(&format!("/nong-trai/vuon/{plot}?loi=units"))
        .await;
    assert!(refused.contains("Hãy nhập số đơn vị đem bán của lô"));

    // Blank: the default. Typed: what was typed.
    for (lot, units) in [(&early, ""), (&late, "5"), (&unverified, "3")] {
        let r = farmer
            .submit(&format!("/nong-trai/lo/{lot}/ban"), &[("units", units)])
            .await;
        assert!(location(&r).contains("ok=1"), "{}", location(&r));
    }
    assert_eq!(lot_state(&app, &early).await, ("on_sale".into(), Some(4)));
    assert_eq!(lot_state(&app, &late).await, ("on_sale".into(), Some(5)));
    assert_eq!(
        stock(&app, &gift_box).await,
        by_hand + 4 + 5 + 3,
        "the lots' units join the variant's stock"
    );
    // Twice is once.
    let r = farmer
        .submit(&format!("/nong-trai/lo/{late}/ban"), &[("units", "50")])
        .await;
    assert!(location(&r).contains("ok=1"));
    assert_eq!(lot_state(&app, &late).await, ("on_sale".into(), Some(5)));
    assert_eq!(stock(&app, &gift_box).await, by_hand + 12);
    let farm = farmer.page(&format!("/nong-trai/vuon/{plot}")).await;
    assert!(
        farm.contains("còn 5 để bán"),
        "the farmer sees what is left"
    );

    for lot in [&early, &late, &kept] {
        let r = officer
            .submit(&format!("/can-bo/lo/{lot}/xac-nhan"), &[])
            .await;
        assert_eq!(location(&r), "/can-bo?ok=verified#lots");
    }

    // Stock set by hand first covers nothing: 6 boxes come from LS-EARLY (4, harvested
    // first) then LS-LATE (2); the unverified lot (older still) and the lot not on sale
    // (oldest) give nothing.
    let buyer = sign_up(&app, "0912 111 201", "Chị Mai").await;
    let no = buy(&app, &buyer, &gift_box, 6, "lots-split-0001").await;
    assert_eq!(
        taken(&app, &no).await,
        [(early.clone(), 4), (late.clone(), 2)]
    );
    assert_eq!(line_lot(&app, &no).await, None, "two lots: no single lot");
    assert_eq!(lot_state(&app, &early).await, ("sold_out".into(), Some(0)));
    assert_eq!(lot_state(&app, &late).await, ("on_sale".into(), Some(3)));
    assert_eq!(
        lot_state(&app, &unverified).await,
        ("on_sale".into(), Some(3))
    );
    assert_eq!(lot_state(&app, &kept).await, ("harvested".into(), None));
    assert_eq!(stock(&app, &gift_box).await, by_hand + 12 - 6);

    // The buyer's order page names each lot, where and when it grew, and links it.
    let page = buyer.page(&format!("/don-hang/{no}")).await;
    for (code, ago) in [("LS-EARLY", 10), ("LS-LATE", 5)] {
        assert!(
            page.contains(&format!(r#"href="/01/{LONGAN_GTIN}/10/{code}""#)),
            "{code} links to its traceability page: {page}"
        );
        assert!(
            page.contains(&format!("thu hoạch ngày {}", vi_date(days_ago(ago)))),
            "{code}'s harvest day"
        );
    }
    assert!(page.contains("Lô LS-EARLY: 4") && page.contains("Lô LS-LATE: 2"));
    assert!(page.contains("Nhãn lồng Hưng Yên của bạn từ Vườn ven đê, Xã Tân Hưng"));
    buyer.set_cookie("lang", "en");
    let english = buyer.page(&format!("/don-hang/{no}")).await;
    assert!(english.contains("Your Nhãn lồng Hưng Yên came from Vườn ven đê"));
    buyer.set_cookie("lang", "vi");
    // And the order's JSON.
    let r = buyer
        .json(Method::GET, &format!("/api/v1/orders/{no}"), None)
        .await;
    assert_eq!(r.status(), 200);
    let order: Value = r.json().await.unwrap();
    let from = &order["lines"][0]["lots"];
    assert_eq!(from[0]["code"], "LS-EARLY");
    assert_eq!(from[0]["quantity"], 4);
    assert_eq!(from[0]["harvested_on"], days_ago(10).to_string());
    assert_eq!(from[0]["plot"], "Vườn ven đê");
    assert_eq!(from[0]["commune"]["slug"], "tan-hung");
    assert_eq!(from[1]["code"], "LS-LATE");
    assert_eq!(from[1]["quantity"], 2);
    assert_eq!(
        from[1]["path"],
        format!("/01/{LONGAN_GTIN}/10/LS-LATE").as_str()
    );

    // A line from one lot names it on the line too.
    let second = sign_up(&app, "0912 111 202", "Anh Nam").await;
    let one = buy(&app, &second, &gift_box, 2, "lots-split-0002").await;
    assert_eq!(taken(&app, &one).await, [(late.clone(), 2)]);
    assert_eq!(line_lot(&app, &one).await, Some(late.clone()));

    // Cancelling gives the units back: the sold-out lot is on sale again.
    change(&buyer, &no, &[("action", "cancel"), ("reason", "Đổi ý")]).await;
    assert_eq!(lot_state(&app, &early).await, ("on_sale".into(), Some(4)));
    assert_eq!(lot_state(&app, &late).await, ("on_sale".into(), Some(3)));
    assert_eq!(stock(&app, &gift_box).await, by_hand + 12 - 2);

    // A sold-out lot does not go on sale again through the form.
    sqlx::query("UPDATE harvest_lots SET status = 'sold_out', units_left = 0 WHERE id = $1")
        .bind(&kept)
        .execute(app.db.pool())
        .await
        .unwrap();
    let r = farmer
        .submit(&format!("/nong-trai/lo/{kept}/ban"), &[])
        .await;
    assert!(
        location(&r).contains("loi=not_sellable"),
        "{}",
        location(&r)
    );
});

// The farmer's app puts a lot on sale through the JSON API, with the same rules.
db_test!(the_api_puts_a_lot_on_sale_with_its_units, |engine| {
    let app = spawn_seeded_app(engine).await;
    let gift_box = longan_variant(&app, "Hộp quà 2 kg").await;
    let before = stock(&app, &gift_box).await;
    let lots = lots_of(
        &app,
        &gift_box,
        &[LotSpec {
            code: "API-1",
            harvested: 3,
            units: 0,
            verified: true,
            status: "harvested",
        }],
    )
    .await;
    // `lots_of` sets the stock to the lots' units on sale: none yet.
    set_stock(&app, &gift_box, before).await;
    let path = format!("/api/v1/lots/{}/on-sale", lots[0]);
    let visitor = Browser::new(&app.address);
    let r = visitor
        .json(Method::POST, &path, Some(&json!({"units": 3})))
        .await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let stranger = member_of(&app, "0987 111 301", "Người lạ", "tht-ong-mat-bai-quang").await;
    let r = stranger
        .json(Method::POST, &path, Some(&json!({"units": 3})))
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["error"]["code"], "forbidden");

    let farmer = member_of(&app, "0987 111 302", "Anh Tuấn", PRODUCER).await;
    for units in [json!(0), json!(-2), json!(2_000_000)] {
        let r = farmer
            .json(Method::POST, &path, Some(&json!({ "units": units })))
            .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{units}");
        let body: Value = r.json().await.unwrap();
        assert_eq!(body["error"]["code"], "units");
    }
    let r = farmer
        .json(Method::POST, &path, Some(&json!({"units": "ba"})))
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = farmer
        .json(
            Method::POST,
            "/api/v1/lots/no-such-lot/on-sale",
            Some(&json!({})),
        )
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        stock(&app, &gift_box).await,
        before,
        "nothing refused changed the stock"
    );

    // Without units: the harvest's 100 kg in 2 kg boxes.
    let r = farmer.json(Method::POST, &path, Some(&json!({}))).await;
    assert_eq!(r.status(), 200);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["status"], "on_sale");
    assert_eq!(body["units_left"], 50);
    assert_eq!(body["changed"], true);
    assert_eq!(stock(&app, &gift_box).await, before + 50);
    let r = farmer
        .json(Method::POST, &path, Some(&json!({"units": 7})))
        .await;
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["changed"], false, "already on sale");
    assert_eq!(body["units_left"], 50);
    assert_eq!(stock(&app, &gift_box).await, before + 50);
});

// Products without lots sell as they always did: no lot on the line, nothing on the page.
db_test!(products_without_lots_sell_as_before, |engine| {
    let app = spawn_seeded_app(engine).await;
    let sauce: String = sqlx::query_scalar(
        "SELECT v.id FROM product_variants v JOIN products p ON p.id = v.product_id
          WHERE p.slug = 'tuong-ban' ORDER BY v.position LIMIT 1",
    )
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    let before = stock(&app, &sauce).await;
    let buyer = sign_up(&app, "0912 111 401", "Chị Lan").await;
    let no = buy(&app, &buyer, &sauce, 3, "no-lots-000001").await;
    assert_eq!(stock(&app, &sauce).await, before - 3);
    assert!(taken(&app, &no).await.is_empty());
    assert_eq!(line_lot(&app, &no).await, None);
    let page = buyer.page(&format!("/don-hang/{no}")).await;
    assert!(!page.contains("line-lots"), "no lot to show");
    let order: Value = buyer
        .json(Method::GET, &format!("/api/v1/orders/{no}"), None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(order["lines"][0]["lots"], json!([]));
    change(&buyer, &no, &[("action", "cancel"), ("reason", "Nhầm")]).await;
    assert_eq!(stock(&app, &sauce).await, before);
});

// Units set by hand beyond the lots stay unassigned; a cancellation gives the lots' units
// back, except to a recalled lot, whose units do not go back on sale at all.
db_test!(
    a_cancellation_gives_units_back_except_to_a_recalled_lot,
    |engine| {
        let app = spawn_seeded_app(engine).await;
        let crate_5kg = longan_variant(&app, "Thùng 5 kg").await;
        let lots = lots_of(
            &app,
            &crate_5kg,
            &[on_sale("RC-OLD", 9, 3), on_sale("RC-NEW", 4, 5)],
        )
        .await;
        let (old, new) = (&lots[0], &lots[1]);
        // Two more units entered by hand.
        set_stock(&app, &crate_5kg, 10).await;
        let buyer = sign_up(&app, "0912 111 501", "Chị Hà").await;

        let first = buy(&app, &buyer, &crate_5kg, 10, "recall-00001").await;
        assert_eq!(
            taken(&app, &first).await,
            [(new.clone(), 5), (old.clone(), 3)]
        );
        assert_eq!(lot_state(&app, old).await, ("sold_out".into(), Some(0)));
        assert_eq!(lot_state(&app, new).await, ("sold_out".into(), Some(0)));
        assert_eq!(stock(&app, &crate_5kg).await, 0);
        change(
            &buyer,
            &first,
            &[("action", "cancel"), ("reason", "Đặt nhầm")],
        )
        .await;
        assert_eq!(lot_state(&app, old).await, ("on_sale".into(), Some(3)));
        assert_eq!(lot_state(&app, new).await, ("on_sale".into(), Some(5)));
        assert_eq!(stock(&app, &crate_5kg).await, 10);

        let second = buy(&app, &buyer, &crate_5kg, 4, "recall-00002").await;
        assert_eq!(
            taken(&app, &second).await,
            [(new.clone(), 1), (old.clone(), 3)]
        );
        assert_eq!(stock(&app, &crate_5kg).await, 6);
        // The older lot is recalled (as the recall does it: nothing of it was left on sale).
        sqlx::query("UPDATE harvest_lots SET status = 'recalled', units_left = 0 WHERE id = $1")
            .bind(old)
            .execute(app.db.pool())
            .await
            .unwrap();
        change(
            &buyer,
            &second,
            &[("action", "cancel"), ("reason", "Thu hồi")],
        )
        .await;
        assert_eq!(lot_state(&app, old).await, ("recalled".into(), Some(0)));
        assert_eq!(lot_state(&app, new).await, ("on_sale".into(), Some(5)));
        assert_eq!(
            stock(&app, &crate_5kg).await,
            7,
            "the recalled lot's 3 units do not go back on sale"
        );
    }
);

// Many buyers at once for the last units, spread over two lots, two units each: no oversell,
// every unit taken from a lot is recorded against it, no deadlock or other answer.
db_test!(buyers_racing_for_the_last_units_of_two_lots, |engine| {
    let app = spawn_seeded_app(engine).await;
    let crate_5kg = longan_variant(&app, "Thùng 5 kg").await;
    let (first, second) = (11, 19);
    let lots = lots_of(
        &app,
        &crate_5kg,
        &[on_sale("RACE-A", 8, first), on_sale("RACE-B", 6, second)],
    )
    .await;
    let buyers = 60;
    let browsers: Vec<Browser> = (0..buyers).map(|_| Browser::new(&app.address)).collect();
    for b in &browsers {
        add(b, &crate_5kg, 2).await;
    }
    let mut bodies = vec![];
    for i in 0..buyers {
        bodies.push(checkout_body(&app, "cod", &format!("lots-race-{i:05}")).await);
    }
    let answers =
        futures::future::join_all(browsers.iter().zip(&bodies).map(|(b, body)| async move {
            let r = b.json(Method::POST, "/api/v1/checkout", Some(body)).await;
            let status = r.status();
            (status, r.json::<Value>().await.unwrap_or(Value::Null))
        }))
        .await;
    let mut placed = 0;
    let mut other = vec![];
    for (status, body) in answers {
        match status {
            StatusCode::CREATED => placed += 1,
            StatusCode::CONFLICT if body["error"]["code"] == "out_of_stock" => {}
            _ => other.push((status, body)),
        }
    }
    assert!(other.is_empty(), "{other:?}");
    // 30 units, 2 a buyer: 15 orders, the last unit left over.
    assert_eq!(placed, 15);
    assert_eq!(stock(&app, &crate_5kg).await, 0, "no oversell");
    for (lot, initial) in lots.iter().zip([first, second]) {
        let (_, left) = lot_state(&app, lot).await;
        let sold: i64 = sqlx::query_scalar(
                "SELECT CAST(COALESCE(SUM(quantity), 0) AS BIGINT) FROM order_line_lots WHERE lot_id = $1",
            )
            .bind(lot)
            .fetch_one(app.db.pool())
            .await
            .unwrap();
        assert_eq!(left.unwrap() + sold, initial, "lot {lot}");
        assert_eq!(left, Some(0), "both lots sold out");
    }
    // Every line is covered by its lots exactly, one line straddling the two.
    let lines: Vec<(i64, i64, i64)> = sqlx::query_as(
        "SELECT ol.quantity, CAST(SUM(oll.quantity) AS BIGINT), COUNT(oll.lot_id)
               FROM order_lines ol JOIN order_line_lots oll ON oll.order_line_id = ol.id
              WHERE ol.variant_id = $1 GROUP BY ol.id, ol.quantity",
    )
    .bind(&crate_5kg)
    .fetch_all(app.db.pool())
    .await
    .unwrap();
    assert_eq!(lines.len(), 15);
    assert!(lines.iter().all(|(q, from, _)| q == from), "{lines:?}");
    assert_eq!(lines.iter().filter(|(_, _, n)| *n == 2).count(), 1);
});

// When its order ships, the lot's EPCIS document gains a shipping event with the order as its
// purchase order; the producer prints a packing slip naming the lots; the lot's page lists
// its orders for the officer and the producer, not for the public.
db_test!(shipping_packing_slip_and_the_lots_orders, |engine| {
    let app = spawn_seeded_app(engine).await;
    let crate_5kg = longan_variant(&app, "Thùng 5 kg").await;
    let lots = lots_of(
        &app,
        &crate_5kg,
        &[on_sale("SHIP-A", 12, 2), on_sale("SHIP-B", 7, 6)],
    )
    .await;
    let buyer = sign_up(&app, "0912 111 601", "Chị Thu").await;
    let no = buy(&app, &buyer, &crate_5kg, 3, "ship-lots-0001").await;
    let epcis = |lot: &str| format!("/api/v1/lots/{lot}/epcis");
    let shipping = |doc: &Value| -> Vec<Value> {
        doc["epcisBody"]["eventList"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["bizStep"] == "shipping")
            .cloned()
            .collect()
    };
    let doc: Value = app.get(&epcis(&lots[0])).await.json().await.unwrap();
    assert!(shipping(&doc).is_empty(), "not shipped yet");

    let owner = member_of(&app, "0987 111 601", "Anh Tuấn", PRODUCER).await;
    change(&owner, &no, &[("action", "confirm")]).await;
    change(
        &owner,
        &no,
        &[
            ("action", "ship"),
            ("carrier", "Viettel Post"),
            ("tracking_no", "VTP777"),
        ],
    )
    .await;
    for (lot, units) in [(&lots[0], 2), (&lots[1], 1)] {
        let doc: Value = app.get(&epcis(lot)).await.json().await.unwrap();
        let events = shipping(&doc);
        assert_eq!(events.len(), 1, "{doc}");
        let e = &events[0];
        assert_eq!(e["type"], "ObjectEvent");
        assert_eq!(e["disposition"], "in_transit");
        assert_eq!(e["quantityList"][0]["quantity"], units);
        assert!(
            e["quantityList"][0]["epcClass"]
                .as_str()
                .unwrap()
                .ends_with(&format!(
                    "/01/{LONGAN_GTIN}/10/SHIP-{}",
                    if units == 2 { "A" } else { "B" }
                ))
        );
        assert_eq!(e["bizTransactionList"][0]["type"], "po");
        assert!(
            e["bizTransactionList"][0]["bizTransaction"]
                .as_str()
                .unwrap()
                .ends_with(&format!("/don-hang/{no}"))
        );
        assert!(e["eventTime"].as_str().unwrap().ends_with("+07:00"));
    }

    // The packing slip: each line, its quantity, the lots and units from each.
    let slip_path = format!("/ban-hang/don-hang/{no}/phieu-dong-goi");
    let order_page = owner.page(&format!("/don-hang/{no}")).await;
    assert!(order_page.contains(&format!(r#"href="{slip_path}""#)));
    let r = owner.get(&slip_path).await;
    assert_eq!(r.status(), 200);
    let slip = r.text().await.unwrap();
    for text in [
        format!("Phiếu đóng gói {no}"),
        "Thùng 5 kg".to_owned(),
        "<code>SHIP-A".to_owned(),
        "<code>SHIP-B".to_owned(),
        vi_date(days_ago(12)),
        vi_date(days_ago(7)),
        "Nguyễn Thị Hoa".to_owned(),
    ] {
        let body = slip.split("<main").nth(1).unwrap_or(&slip);
        assert!(slip.contains(&text), "{text}: {body}");
    }
    // Units from each lot, oldest harvest first.
    let a = slip.find("<code>SHIP-A").unwrap();
    let b = slip.find("<code>SHIP-B").unwrap();
    assert!(a < b);
    for (lot, units) in [(&slip[a..b], 2), (&slip[b..], 1)] {
        assert!(lot.contains(&format!("<strong>{units}")), "{lot}");
    }
    for outsider in [
        member_of(
            &app,
            "0987 111 602",
            "Chủ trại gà",
            "trai-ga-dong-tao-thon-dong",
        )
        .await,
        buyer,
    ] {
        assert_eq!(outsider.get(&slip_path).await.status(), 404);
    }
    let visitor = Browser::new(&app.address);
    let r = visitor.get(&slip_path).await;
    assert!(
        r.status().is_redirection() && location(&r).starts_with("/dang-nhap"),
        "{}",
        r.status()
    );

    // The lot's page: the officer and the producer see its orders; the public does not.
    let lot_page = format!("/lo/{}", lots[0]);
    let officer = officer_of_commune(&app, "0911 111 601", "tan-hung").await;
    for reader in [&officer, &owner] {
        let page = reader.page(&lot_page).await;
        assert!(page.contains("Đơn hàng từ lô này"), "{page}");
        assert!(page.contains(&no));
        assert!(page.contains("Đang giao"), "the order's status");
    }
    let elsewhere = officer_of_commune(&app, "0911 111 602", "pho-hien").await;
    for page in [
        app.page(&lot_page).await,
        visitor.page(&lot_page).await,
        elsewhere.page(&lot_page).await,
    ] {
        assert!(page.contains("SHIP-A"), "the lot page itself is public");
        assert!(!page.contains("Đơn hàng từ lô này") && !page.contains(&no));
    }
    // By its GS1 Digital Link too.
    let gs1 = officer.page(&format!("/01/{LONGAN_GTIN}/10/SHIP-A")).await;
    assert!(gs1.contains(&no));
});
