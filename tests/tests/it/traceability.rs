//! Cultivation logs and lot traceability: the farmer's diary forms, the pre-harvest interval,
//! corrections, the hash chain, officer stamps, the public lot page, QR codes and the lot API.

use chrono::{Days, NaiveDate};
use ocop_tests::{TestApp, browser::Browser, browser::location, db_test, spawn_seeded_app};

use super::accounts::{commune_id, make_officer, member_of, officer_of_commune, sign_up, user_id};

const LONGAN: &str = "nhan-long-hung-yen";
const LONGAN_GTIN: &str = "08936045120002";
const PUBLIC_URL: &str = "https://dacsan.example";

pub(crate) fn today() -> NaiveDate {
    app::domain::time::vietnam_date(chrono::Utc::now())
}

pub(crate) fn days_ago(n: u64) -> String {
    (today() - Days::new(n)).to_string()
}

/// The demo lot sold as the product with this slug: (id, code).
async fn demo_lot(app: &TestApp, product_slug: &str) -> (String, String) {
    sqlx::query_as(
        "SELECT l.id, l.lot_code FROM harvest_lots l
           JOIN product_variants v ON v.id = l.variant_id
           JOIN products p ON p.id = v.product_id
          WHERE p.slug = $1",
    )
    .bind(product_slug)
    .fetch_one(app.db.pool())
    .await
    .unwrap()
}

pub(crate) async fn producer_id(app: &TestApp, slug: &str) -> String {
    sqlx::query_scalar("SELECT id FROM producers WHERE slug = $1")
        .bind(slug)
        .fetch_one(app.db.pool())
        .await
        .unwrap()
}

/// A farmer signed in as a member of the demo producer `producer_slug`.
pub(crate) async fn farmer(app: &TestApp, phone: &str, producer_slug: &str) -> Browser {
    member_of(app, phone, "Anh Tuấn", producer_slug).await
}

/// Creates a plot and a lot through the forms: (plot id, lot id).
pub(crate) async fn plot_with_lot(
    app: &TestApp,
    b: &Browser,
    producer_slug: &str,
) -> (String, String) {
    let commune = commune_id(app, "tan-hung").await;
    let r = b
        .submit(
            "/nong-trai/vuon",
            &[
                ("producer_id", &producer_id(app, producer_slug).await),
                ("name", "Vườn thử nghiệm"),
                ("crop", "nhãn lồng"),
                ("commune_id", &commune),
                ("area_m2", "2500"),
                ("growing_area_code", "HY-NL-001"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    let to = location(&r);
    let plot = to
        .strip_prefix("/nong-trai/vuon/")
        .and_then(|rest| rest.split('?').next())
        .expect("redirected to the new plot")
        .to_owned();
    let r = b
        .submit(
            &format!("/nong-trai/vuon/{plot}/lo"),
            &[("lot_code", "tn-2026-01"), ("grade", "Loại 1")],
        )
        .await;
    assert_eq!(location(&r), format!("/nong-trai/vuon/{plot}?ok=1#lots"));
    let lot: String = sqlx::query_scalar("SELECT id FROM harvest_lots WHERE plot_id = $1")
        .bind(&plot)
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    (plot, lot)
}

pub(crate) async fn record(b: &Browser, plot: &str, fields: &[(&str, &str)]) -> String {
    let r = b
        .submit(&format!("/nong-trai/vuon/{plot}/ghi"), fields)
        .await;
    assert_eq!(r.status(), 303, "recording {fields:?}");
    location(&r)
}

pub(crate) async fn entries(app: &TestApp, plot: &str) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM cultivation_log_entries WHERE plot_id = $1")
        .bind(plot)
        .fetch_one(app.db.pool())
        .await
        .unwrap()
}

db_test!(a_lot_page_shows_how_it_was_grown, |engine| {
    let app = spawn_seeded_app(engine).await;
    let (id, code) = demo_lot(&app, LONGAN).await;
    let gs1 = format!("/01/{LONGAN_GTIN}/10/{code}");

    let r = app.get(&gs1).await;
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    for expected in [
        code.as_str(),
        "Nhãn lồng Hưng Yên",
        "Phun thuốc BVTV",
        "Thời gian cách ly",
        "Đã tuân thủ",
        "Thu hoạch",
        "Đã xác nhận bởi",
        "Nguyên vẹn",
        &format!("/lo/{id}/qr.svg"),
    ] {
        assert!(html.contains(expected), "the lot page shows {expected:?}");
    }
    // The stable URL serves the same lot and names the GS1 Digital Link as canonical.
    let by_id = app.page(&format!("/lo/{id}")).await;
    assert!(by_id.contains(&format!(r#"href="{PUBLIC_URL}{gs1}" rel="canonical""#)));
    // The product page links its lots to their traceability pages.
    assert!(
        app.page(&format!("/san-pham/{LONGAN}"))
            .await
            .contains(&format!(r#"href="{gs1}""#))
    );
    // English too.
    assert!(
        app.get_in_english(&gs1)
            .await
            .contains("Pre-harvest interval")
    );

    // A GTIN with a wrong check digit, an unknown lot, a lot code on the wrong GTIN: 404.
    for missing in [
        format!("/01/08936045120003/10/{code}"),
        format!("/01/{LONGAN_GTIN}/10/KHONG-CO"),
        "/lo/khong-co-lo-nay".to_owned(),
        format!("/lo/{id}/qr.png").replace(&id, "khong-co"),
    ] {
        assert_eq!(app.get(&missing).await.status(), 404, "{missing}");
    }
});

db_test!(the_qr_code_decodes_to_the_lot_url, |engine| {
    let app = spawn_seeded_app(engine).await;
    let (id, code) = demo_lot(&app, LONGAN).await;
    let r = app.get(&format!("/lo/{id}/qr.png")).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "image/png");
    let png = r.bytes().await.unwrap();
    let image = image::load_from_memory(&png).unwrap().to_luma8();
    let mut prepared = rqrr::PreparedImage::prepare(image);
    let grids = prepared.detect_grids();
    assert_eq!(grids.len(), 1, "one QR code in the image");
    let (_, content) = grids[0].decode().expect("a readable QR code");
    // The lot's address, with the digest of its diary's head at printing (`diary::anchors`).
    let (address, digest) = content.split_once("?c=").expect("the chain head's digest");
    assert_eq!(address, format!("{PUBLIC_URL}/01/{LONGAN_GTIN}/10/{code}"));
    assert!(
        app.page(&format!("/01/{LONGAN_GTIN}/10/{code}?c={digest}"))
            .await
            .contains("Nhật ký vẫn khớp với mã in trên nhãn"),
        "{digest}"
    );

    // A product without a GTIN: the stable lot URL.
    let (honey, _) = demo_lot(&app, "nhan-long-khoai-chau").await;
    let png = app
        .get(&format!("/lo/{honey}/qr.png"))
        .await
        .bytes()
        .await
        .unwrap();
    let mut prepared =
        rqrr::PreparedImage::prepare(image::load_from_memory(&png).unwrap().to_luma8());
    let (_, content) = prepared.detect_grids()[0].decode().unwrap();
    assert!(
        content.starts_with(&format!("{PUBLIC_URL}/lo/{honey}?c=")),
        "{content}"
    );

    let svg = app.get(&format!("/lo/{id}/qr.svg")).await;
    assert_eq!(svg.headers()["content-type"], "image/svg+xml");
    assert!(svg.text().await.unwrap().contains("<svg"));
});

db_test!(the_lot_api_and_its_epcis_export, |engine| {
    let app = spawn_seeded_app(engine).await;
    let (id, code) = demo_lot(&app, LONGAN).await;
    for key in [id.as_str(), code.as_str(), &code.to_lowercase()] {
        let r = app.get(&format!("/api/v1/lots/{key}")).await;
        assert_eq!(r.status(), 200, "lot {key}");
        let lot: serde_json::Value = r.json().await.unwrap();
        assert_eq!(lot["lot"]["id"], id.as_str());
        assert_eq!(lot["path"], format!("/01/{LONGAN_GTIN}/10/{code}"));
        assert_eq!(lot["chain"]["intact"], true);
        assert_eq!(lot["phi"]["respected"], true);
        let kinds: Vec<&str> = lot["timeline"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["kind"].as_str().unwrap())
            .collect();
        assert!(
            kinds.contains(&"spraying") && kinds.contains(&"harvest"),
            "{kinds:?}"
        );
    }
    let missing = app.get("/api/v1/lots/KHONG-CO").await;
    assert_eq!(missing.status(), 404);
    let body: serde_json::Value = missing.json().await.unwrap();
    assert_eq!(body["error"]["code"], "not_found");

    let r = app.get(&format!("/api/v1/lots/{code}/epcis")).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "application/ld+json");
    let doc: serde_json::Value = r.json().await.unwrap();
    assert_eq!(doc["type"], "EPCISDocument");
    assert_eq!(doc["schemaVersion"], "2.0");
    let events = doc["epcisBody"]["eventList"].as_array().unwrap();
    let commissioning = events
        .iter()
        .find(|e| e["bizStep"] == "commissioning")
        .expect("the harvest commissions the lot");
    assert_eq!(commissioning["type"], "ObjectEvent");
    assert_eq!(commissioning["action"], "ADD");
    assert_eq!(
        commissioning["quantityList"][0]["epcClass"],
        format!("https://id.gs1.org/01/{LONGAN_GTIN}/10/{code}")
    );
    assert_eq!(commissioning["quantityList"][0]["uom"], "KGM");
    assert!(events.iter().any(|e| e["bizStep"] == "packing"));

    let spec: serde_json::Value = app.get("/api/openapi.json").await.json().await.unwrap();
    assert!(spec["paths"]["/api/v1/lots/{key}"]["get"].is_object());
    assert!(spec["components"]["schemas"]["LotTrace"].is_object());
});

db_test!(
    harvest_waits_for_the_pre_harvest_interval_to_the_day,
    |engine| {
        let app = spawn_seeded_app(engine).await;
        let b = farmer(&app, "0987 654 321", "htx-nhan-long-song-hong-xanh").await;
        let (plot, lot) = plot_with_lot(&app, &b, "htx-nhan-long-song-hong-xanh").await;
        let sprayed = days_ago(10);
        let to = record(
            &b,
            &plot,
            &[
                ("kind", "spraying"),
                ("occurred_on", &sprayed),
                ("input_name", "Vertimec 1.8EC"),
                ("active_ingredient", "Abamectin"),
                ("target", "Sâu đục cuống"),
                ("dose", "1 g / 8 l nước"),
                ("phi_days", "7"),
            ],
        )
        .await;
        assert!(to.contains("ok=1"), "{to}");
        let plot_page = b.page(&format!("/nong-trai/vuon/{plot}")).await;
        let safe = (today() - Days::new(3)).format("%d/%m/%Y").to_string();
        assert!(
            plot_page.contains(&format!("An toàn để thu hoạch từ {safe}")),
            "the plot page says when harvest is safe"
        );

        // Day 6 after spraying: refused, with the spraying and the first safe day; nothing stored.
        let before = entries(&app, &plot).await;
        let harvest = |on: String| {
            vec![
                ("kind", "harvest".to_owned()),
                ("occurred_on", on),
                ("lot_id", lot.clone()),
                ("quantity_kg", "800".to_owned()),
            ]
        };
        let fields = harvest(days_ago(4));
        let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let refused = record(&b, &plot, &fields).await;
        assert!(refused.contains("loi=phi"), "{refused}");
        assert!(refused.contains("thuoc=Vertimec+1.8EC"), "{refused}");
        assert!(
            refused.contains(&format!("an_toan={}", days_ago(3))),
            "{refused}"
        );
        assert_eq!(
            entries(&app, &plot).await,
            before,
            "a refused harvest leaves nothing"
        );
        let shown = b.page(&refused).await;
        assert!(
            shown.contains(&format!("Ngày sớm nhất được thu hoạch: {safe}")),
            "the refusal names the first safe day"
        );
        // The form still holds what was typed: only the date needs changing.
        assert!(refused.contains("quantity_kg=800"), "{refused}");
        assert!(
            shown.contains(
                r#"name="quantity_kg" type="number" min="1" inputmode="numeric" value="800""#
            ),
            "the quantity is kept"
        );
        assert!(
            shown.contains(&format!(r#"value="{}""#, days_ago(4))),
            "the date is kept"
        );
        assert!(
            shown.contains(&format!(r#"<option value="{lot}" selected"#)),
            "the lot is kept"
        );

        // Day 7: allowed; the lot is harvested and can go on sale.
        let fields = harvest(days_ago(3));
        let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        assert!(record(&b, &plot, &fields).await.contains("ok=1"));
        let status: String = sqlx::query_scalar("SELECT status FROM harvest_lots WHERE id = $1")
            .bind(&lot)
            .fetch_one(app.db.pool())
            .await
            .unwrap();
        assert_eq!(status, "harvested");

        // A spraying entered late, dated the day before the harvest with a 5-day interval: the
        // entry is kept (history), but the lot may not go on sale.
        record(
            &b,
            &plot,
            &[
                ("kind", "spraying"),
                ("occurred_on", &days_ago(4)),
                ("input_name", "Ridomil Gold"),
                ("active_ingredient", "Metalaxyl-M"),
                ("phi_days", "5"),
            ],
        )
        .await;
        let r = b.submit(&format!("/nong-trai/lo/{lot}/ban"), &[]).await;
        let to = location(&r);
        assert!(to.contains("loi=phi") && to.contains("Ridomil"), "{to}");
        let api: serde_json::Value = app
            .get(&format!("/api/v1/lots/{lot}"))
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(api["phi"]["respected"], false);
    }
);

db_test!(a_lot_goes_on_sale_after_its_harvest, |engine| {
    let app = spawn_seeded_app(engine).await;
    let b = farmer(&app, "0987 654 322", "htx-nhan-long-song-hong-xanh").await;
    let (plot, lot) = plot_with_lot(&app, &b, "htx-nhan-long-song-hong-xanh").await;
    let r = b.submit(&format!("/nong-trai/lo/{lot}/ban"), &[]).await;
    assert!(location(&r).contains("loi=not_harvested"));
    record(
        &b,
        &plot,
        &[
            ("kind", "spraying"),
            ("occurred_on", &days_ago(20)),
            ("input_name", "Vertimec 1.8EC"),
            ("active_ingredient", "Abamectin"),
            ("phi_days", "7"),
        ],
    )
    .await;
    record(
        &b,
        &plot,
        &[
            ("kind", "harvest"),
            ("occurred_on", &days_ago(13)),
            ("lot_id", &lot),
            ("quantity_kg", "500"),
        ],
    )
    .await;
    let r = b.submit(&format!("/nong-trai/lo/{lot}/ban"), &[]).await;
    assert!(location(&r).contains("ok=1"), "{}", location(&r));
    let page = app.page(&format!("/lo/{lot}")).await;
    assert!(page.contains("Đang bán") && page.contains("TN-2026-01") && page.contains("HY-NL-001"));
    // Bad input on the forms: a clear refusal, never a 500.
    for (fields, code) in [
        (
            vec![("kind", "spraying"), ("occurred_on", days_ago(1).as_str())],
            "loi=spraying",
        ),
        (
            vec![("kind", "harvest"), ("occurred_on", days_ago(1).as_str())],
            "loi=harvest",
        ),
        (
            vec![("kind", "observation"), ("occurred_on", "2999-01-01")],
            "loi=future",
        ),
        (
            vec![("kind", "observation"), ("occurred_on", "hôm qua")],
            "loi=invalid",
        ),
        (
            vec![("kind", "bón lá"), ("occurred_on", days_ago(1).as_str())],
            "loi=invalid",
        ),
        (
            vec![
                ("kind", "spraying"),
                ("occurred_on", days_ago(1).as_str()),
                ("phi_days", "-3"),
            ],
            "loi=invalid",
        ),
    ] {
        assert!(
            record(&b, &plot, &fields).await.contains(code),
            "{fields:?}"
        );
    }
    let r = b
        .submit(
            &format!("/nong-trai/vuon/{plot}/lo"),
            &[("lot_code", "LÔ <1>")],
        )
        .await;
    assert!(location(&r).contains("loi=lot_code"));
    let r = b
        .submit(
            &format!("/nong-trai/vuon/{plot}/lo"),
            &[("lot_code", "TN-2026-01")],
        )
        .await;
    assert!(location(&r).contains("loi=lot_taken"));
});

db_test!(corrections_keep_the_history, |engine| {
    let app = spawn_seeded_app(engine).await;
    let b = farmer(&app, "0987 654 323", "htx-nhan-long-song-hong-xanh").await;
    let (plot, _) = plot_with_lot(&app, &b, "htx-nhan-long-song-hong-xanh").await;
    record(
        &b,
        &plot,
        &[
            ("kind", "spraying"),
            ("occurred_on", &days_ago(2)),
            ("input_name", "Vertimec 1.8EC"),
            ("active_ingredient", "Abamectin"),
            ("phi_days", "70"),
        ],
    )
    .await;
    let original: String =
        sqlx::query_scalar("SELECT id FROM cultivation_log_entries WHERE plot_id = $1 AND seq = 1")
            .bind(&plot)
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    // The interval was mistyped: 7 days, not 70. The correction is a new entry.
    let two_days_ago = days_ago(2);
    let correction = [
        ("kind", "spraying"),
        ("occurred_on", two_days_ago.as_str()),
        ("input_name", "Vertimec 1.8EC"),
        ("active_ingredient", "Abamectin"),
        ("phi_days", "7"),
        ("corrects_id", original.as_str()),
    ];
    assert!(record(&b, &plot, &correction).await.contains("ok=1#e2"));
    let rows: Vec<(i64, Option<i64>, Option<String>)> = sqlx::query_as(
        "SELECT seq, phi_days, corrects_id FROM cultivation_log_entries WHERE plot_id = $1 ORDER BY seq",
    )
    .bind(&plot)
    .fetch_all(app.db.pool())
    .await
    .unwrap();
    assert_eq!(
        rows,
        vec![(1, Some(70), None), (2, Some(7), Some(original.clone()))],
        "the original entry is untouched"
    );
    let page = b.page(&format!("/nong-trai/vuon/{plot}")).await;
    assert!(page.contains("Đã được sửa bởi ghi chép #2") && page.contains("Sửa ghi chép #1"));
    // The corrected interval is the one that counts.
    let safe = (today() + Days::new(5)).format("%d/%m/%Y").to_string();
    assert!(
        page.contains(&format!("An toàn để thu hoạch từ {safe}")),
        "7 days count, not 70"
    );
    // An entry is corrected once; a correction of another kind is refused.
    assert!(
        record(&b, &plot, &correction)
            .await
            .contains("loi=correction")
    );
    let other_kind = [
        ("kind", "observation"),
        ("occurred_on", two_days_ago.as_str()),
        ("corrects_id", original.as_str()),
    ];
    assert!(
        record(&b, &plot, &other_kind)
            .await
            .contains("loi=correction")
    );
    assert_eq!(entries(&app, &plot).await, 2);
});

db_test!(tampering_with_a_stored_entry_is_detected, |engine| {
    let app = spawn_seeded_app(engine).await;
    let (id, _) = demo_lot(&app, LONGAN).await;
    let plot: String = sqlx::query_scalar("SELECT plot_id FROM harvest_lots WHERE id = $1")
        .bind(&id)
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    let url = format!("/api/v1/lots/{id}");
    let api = async |app: &TestApp| {
        app.get(&url)
            .await
            .json::<serde_json::Value>()
            .await
            .unwrap()
    };
    assert_eq!(api(&app).await["chain"]["intact"], true);
    // Someone with database access shortens a spraying's interval after the fact.
    sqlx::query("UPDATE cultivation_log_entries SET phi_days = 1 WHERE plot_id = $1 AND seq = 3")
        .bind(&plot)
        .execute(app.db.pool())
        .await
        .unwrap();
    let lot = api(&app).await;
    assert_eq!(lot["chain"]["intact"], false);
    assert_eq!(lot["chain"]["broken_at_seq"], 3);
    assert!(
        app.page(&format!("/lo/{id}"))
            .await
            .contains("Cảnh báo: ghi chép #3 đã bị thay đổi sau khi lưu.")
    );
});

db_test!(only_the_plots_producer_writes_its_log, |engine| {
    let app = spawn_seeded_app(engine).await;
    let owner = farmer(&app, "0987 654 324", "htx-nhan-long-song-hong-xanh").await;
    let (plot, lot) = plot_with_lot(&app, &owner, "htx-nhan-long-song-hong-xanh").await;
    let other = farmer(&app, "0987 654 325", "tht-ong-mat-bai-quang").await;
    let observation = [
        ("kind", "observation"),
        ("occurred_on", &days_ago(1) as &str),
    ];
    let r = other
        .submit(&format!("/nong-trai/vuon/{plot}/ghi"), &observation)
        .await;
    assert_eq!(r.status(), 403);
    let r = other
        .submit(&format!("/nong-trai/vuon/{plot}/lo"), &[("lot_code", "X1")])
        .await;
    assert_eq!(r.status(), 403);
    assert_eq!(
        other
            .submit(&format!("/nong-trai/lo/{lot}/ban"), &[])
            .await
            .status(),
        403
    );
    assert_eq!(
        other.get(&format!("/nong-trai/vuon/{plot}")).await.status(),
        403
    );
    assert_eq!(
        other
            .get(&format!("/nong-trai/lo/{lot}/nhan"))
            .await
            .status(),
        403
    );
    // Creating a plot for a producer one does not belong to.
    let r = other
        .submit(
            "/nong-trai/vuon",
            &[
                (
                    "producer_id",
                    &producer_id(&app, "htx-nhan-long-song-hong-xanh").await,
                ),
                ("name", "Vườn lạ"),
                ("crop", "nhãn"),
                ("commune_id", &commune_id(&app, "tan-hung").await),
            ],
        )
        .await;
    assert_eq!(r.status(), 403);
    // Not signed in: sent to sign in.
    let visitor = Browser::new(&app.address);
    let r = visitor
        .submit(&format!("/nong-trai/vuon/{plot}/ghi"), &observation)
        .await;
    assert_eq!(r.status(), 303);
    assert!(location(&r).starts_with("/dang-nhap"));
    assert_eq!(entries(&app, &plot).await, 0);
    // The owner's own screens work, the label sheet included.
    assert_eq!(
        owner.get(&format!("/nong-trai/vuon/{plot}")).await.status(),
        200
    );
    let labels = owner.page(&format!("/nong-trai/lo/{lot}/nhan")).await;
    assert_eq!(
        labels.matches(&format!("/lo/{lot}/qr.svg")).count(),
        8,
        "eight labels per sheet"
    );
    assert!(owner.page("/nong-trai").await.contains("Vườn thử nghiệm"));
});

db_test!(a_commune_officer_verifies_lots_of_their_commune, |engine| {
    let app = spawn_seeded_app(engine).await;
    let owner = farmer(&app, "0987 654 326", "htx-nhan-long-song-hong-xanh").await;
    let (plot, lot) = plot_with_lot(&app, &owner, "htx-nhan-long-song-hong-xanh").await;
    record(
        &owner,
        &plot,
        &[
            ("kind", "harvest"),
            ("occurred_on", &days_ago(1)),
            ("lot_id", &lot),
            ("quantity_kg", "300"),
        ],
    )
    .await;
    let elsewhere = sign_up(&app, "0911 000 001", "Cán bộ xã khác").await;
    make_officer(
        &app,
        &user_id(&app, "+84911000001").await,
        &commune_id(&app, "pho-hien").await,
    )
    .await;
    let r = elsewhere
        .submit(&format!("/can-bo/lo/{lot}/xac-nhan"), &[])
        .await;
    assert_eq!(r.status(), 403);

    let officer = sign_up(&app, "0911 000 002", "Chị Hoa").await;
    make_officer(
        &app,
        &user_id(&app, "+84911000002").await,
        &commune_id(&app, "tan-hung").await,
    )
    .await;
    let queue = officer.page("/can-bo").await;
    assert!(
        queue.contains("TN-2026-01"),
        "the lot awaits the officer's stamp"
    );
    let r = officer
        .submit(&format!("/can-bo/lo/{lot}/xac-nhan"), &[])
        .await;
    assert_eq!(location(&r), "/can-bo?ok=verified#lots");
    let page = app.page(&format!("/lo/{lot}")).await;
    assert!(
        page.contains("Đã xác nhận bởi Chị Hoa"),
        "the stamp is public"
    );
});

/// Photo directories under the media dir.
fn stored_photo_dirs(app: &TestApp) -> usize {
    std::fs::read_dir(app.data_dir.path().join("media/photos"))
        .map(|d| d.count())
        .unwrap_or(0)
}

db_test!(diary_photos_are_cleaned_and_bad_files_refused, |engine| {
    use server::photos::samples::{bomb_png, jpeg, with_exif_orientation};
    let app = spawn_seeded_app(engine).await;
    let b = farmer(&app, "0987 654 327", "htx-nhan-long-song-hong-xanh").await;
    let (plot, _) = plot_with_lot(&app, &b, "htx-nhan-long-song-hong-xanh").await;
    record(
        &b,
        &plot,
        &[("kind", "fruit_bagging"), ("occurred_on", &days_ago(1))],
    )
    .await;
    let entry: String =
        sqlx::query_scalar("SELECT id FROM cultivation_log_entries WHERE plot_id = $1")
            .bind(&plot)
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    let upload = format!("/nong-trai/ghi/{entry}/anh");
    let photos_before = app.count("photos").await;
    let dirs_before = stored_photo_dirs(&app);

    let camera = with_exif_orientation(&jpeg(2000, 1500));
    let full = jpeg(1200, 900);
    let thirty_mb = vec![0xFFu8; 30 * 1024 * 1024];
    for (name, bytes, code) in [
        ("cut.jpg", &full[..full.len() / 2], "photo_corrupt"),
        ("bomb.png", &bomb_png()[..], "photo_pixels"),
        (
            "notes.jpg",
            &b"Ghi chep vu nhan 2026, khong phai anh."[..],
            "photo_format",
        ),
        (
            "logo.svg",
            &br#"<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>"#[..],
            "photo_format",
        ),
        ("big.jpg", &thirty_mb[..], "photo_size"),
    ] {
        let r = b.upload(&upload, &[], &[("anh", name, bytes)]).await;
        assert_eq!(r.status(), 303, "{name}");
        assert_eq!(
            location(&r),
            format!("/nong-trai/vuon/{plot}?loi={code}"),
            "{name}"
        );
        assert_eq!(
            app.count("photos").await,
            photos_before,
            "{name} left no row"
        );
        assert_eq!(stored_photo_dirs(&app), dirs_before, "{name} left no file");
    }
    let page = b
        .page(&format!("/nong-trai/vuon/{plot}?loi=photo_format"))
        .await;
    assert!(page.contains("Chỉ nhận ảnh JPEG, PNG hoặc WebP."));

    // Another producer's farmer may not add photos.
    let other = farmer(&app, "0987 654 328", "tht-ong-mat-bai-quang").await;
    let r = other
        .upload(&upload, &[], &[("anh", "a.jpg", &camera)])
        .await;
    assert_eq!(r.status(), 403);

    // Two good photos at once, the first taken with the phone turned.
    let r = b
        .upload(
            &upload,
            &[("alt", "Bao quả nhãn bằng túi giấy")],
            &[
                ("anh", "IMG_0001.jpg", &camera),
                ("anh", "IMG_0002.jpg", &full),
            ],
        )
        .await;
    assert_eq!(location(&r), format!("/nong-trai/vuon/{plot}?ok=1#e1"));
    assert_eq!(app.count("photos").await, photos_before + 2);
    let keys: Vec<(String, i64, i64)> = sqlx::query_as(
        "SELECT d.storage_key, d.width, d.height FROM cultivation_log_photos lp
           JOIN photo_derivatives d ON d.photo_id = lp.photo_id
          WHERE lp.entry_id = $1 ORDER BY lp.position, d.width",
    )
    .bind(&entry)
    .fetch_all(app.db.pool())
    .await
    .unwrap();
    let widths: Vec<(i64, i64)> = keys.iter().map(|(_, w, h)| (*w, *h)).collect();
    assert_eq!(
        widths,
        vec![
            (320, 426),
            (640, 853),
            (1280, 1706),
            (320, 240),
            (640, 480),
            (1200, 900)
        ],
        "upright copies at every width, never enlarged"
    );
    for (key, _, _) in &keys {
        let r = app.get(&format!("/media/{key}")).await;
        assert_eq!(r.status(), 200);
        assert!(
            r.headers()["cache-control"]
                .to_str()
                .unwrap()
                .contains("immutable")
        );
        let bytes = r.bytes().await.unwrap();
        assert!(
            !bytes.windows(4).any(|w| w == b"Exif"),
            "{key} carries no EXIF"
        );
        image::load_from_memory(&bytes).expect("a JPEG the browser can show");
    }
    let page = b.page(&format!("/nong-trai/vuon/{plot}")).await;
    assert!(page.contains(&format!("/media/{}", keys[1].0)));
    assert!(page.contains(r#"alt="Bao quả nhãn bằng túi giấy""#));
});

db_test!(a_growing_lot_is_not_public_until_harvested, |engine| {
    let app = spawn_seeded_app(engine).await;
    let owner = farmer(&app, "0987 654 330", "htx-nhan-long-song-hong-xanh").await;
    let (plot, lot) = plot_with_lot(&app, &owner, "htx-nhan-long-song-hong-xanh").await;
    record(
        &owner,
        &plot,
        &[("kind", "fruit_bagging"), ("occurred_on", &days_ago(5))],
    )
    .await;
    let officer = officer_of_commune(&app, "0911 000 010", "tan-hung").await;
    let elsewhere = officer_of_commune(&app, "0911 000 011", "pho-hien").await;
    let other_farmer = farmer(&app, "0987 654 331", "tht-ong-mat-bai-quang").await;
    let visitor = Browser::new(&app.address);
    let public = [
        format!("/lo/{lot}"),
        format!("/lo/{lot}/qr.svg"),
        format!("/lo/{lot}/qr.png"),
        format!("/api/v1/lots/{lot}"),
        format!("/api/v1/lots/{lot}/epcis"),
        // Its guessable code, in either case.
        "/api/v1/lots/TN-2026-01".to_owned(),
        "/api/v1/lots/tn-2026-01/epcis".to_owned(),
    ];
    // Growing: nobody outside the producer and the commune's officers finds it.
    for who in [&visitor, &elsewhere, &other_farmer] {
        for path in &public {
            assert_eq!(who.get(path).await.status(), 404, "{path}");
        }
    }
    let api: serde_json::Value = visitor
        .get(&format!("/api/v1/lots/{lot}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(api["error"]["code"], "not_found");
    // Its producer's members and the commune's officer still see it, QR code included (never
    // from a shared cache).
    for who in [&owner, &officer] {
        let r = who.get(&format!("/lo/{lot}")).await;
        assert_eq!(r.status(), 200);
        let page = r.text().await.unwrap();
        assert!(
            page.contains("TN-2026-01") && page.contains("Bao quả"),
            "{page}"
        );
        let qr = who.get(&format!("/lo/{lot}/qr.svg")).await;
        assert_eq!(qr.status(), 200);
        // `no-store` (the private answers' rule) keeps it out of every cache.
        assert!(
            qr.headers()["cache-control"]
                .to_str()
                .unwrap()
                .contains("no-store")
        );
    }

    // Harvested: public everywhere.
    record(
        &owner,
        &plot,
        &[
            ("kind", "harvest"),
            ("occurred_on", &days_ago(1)),
            ("lot_id", &lot),
            ("quantity_kg", "300"),
        ],
    )
    .await;
    for path in &public {
        assert_eq!(visitor.get(path).await.status(), 200, "{path}");
    }
    assert!(
        visitor.get(&format!("/lo/{lot}/qr.svg")).await.headers()["cache-control"]
            .to_str()
            .unwrap()
            .starts_with("public")
    );
});

/// The lot's stamp, as stored: (verified_by, verified_at).
async fn stamp(app: &TestApp, lot: &str) -> (Option<String>, Option<String>) {
    sqlx::query_as("SELECT verified_by, verified_at FROM harvest_lots WHERE id = $1")
        .bind(lot)
        .fetch_one(app.db.pool())
        .await
        .unwrap()
}

db_test!(correcting_a_verified_harvest_clears_the_stamp, |engine| {
    let app = spawn_seeded_app(engine).await;
    let owner = farmer(&app, "0987 654 332", "htx-nhan-long-song-hong-xanh").await;
    let (plot, lot) = plot_with_lot(&app, &owner, "htx-nhan-long-song-hong-xanh").await;
    record(
        &owner,
        &plot,
        &[
            ("kind", "harvest"),
            ("occurred_on", &days_ago(3)),
            ("lot_id", &lot),
            ("quantity_kg", "300"),
        ],
    )
    .await;
    let harvest: String = sqlx::query_scalar(
        "SELECT id FROM cultivation_log_entries WHERE plot_id = $1 AND kind = 'harvest'",
    )
    .bind(&plot)
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    let officer = sign_up(&app, "0911 000 012", "Chị Hoa").await;
    let officer_id = user_id(&app, "+84911000012").await;
    make_officer(&app, &officer_id, &commune_id(&app, "tan-hung").await).await;
    let r = officer
        .submit(&format!("/can-bo/lo/{lot}/xac-nhan"), &[])
        .await;
    assert_eq!(location(&r), "/can-bo?ok=verified#lots");
    assert!(
        app.page(&format!("/lo/{lot}"))
            .await
            .contains("Đã xác nhận bởi Chị Hoa")
    );
    assert!(!officer.page("/can-bo").await.contains("TN-2026-01"));
    let (_, verified_at) = stamp(&app, &lot).await;

    // Packing after the harvest adds to the lot's record without changing the verified season.
    record(
        &owner,
        &plot,
        &[
            ("kind", "packing"),
            ("occurred_on", &days_ago(2)),
            ("lot_id", &lot),
        ],
    )
    .await;
    assert_eq!(stamp(&app, &lot).await.0, Some(officer_id.clone()));

    // The farmer corrects the harvest: another day, less fruit.
    let to = record(
        &owner,
        &plot,
        &[
            ("kind", "harvest"),
            ("occurred_on", &days_ago(2)),
            ("lot_id", &lot),
            ("quantity_kg", "280"),
            ("corrects_id", &harvest),
        ],
    )
    .await;
    assert!(to.contains("ok=1"), "{to}");
    let (harvested_on, quantity): (String, i64) =
        sqlx::query_as("SELECT harvested_on, quantity_kg FROM harvest_lots WHERE id = $1")
            .bind(&lot)
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    assert_eq!((harvested_on, quantity), (days_ago(2), 280));
    assert_eq!(
        stamp(&app, &lot).await,
        (None, None),
        "the stamp is cleared"
    );

    // The public page no longer says verified, and says why.
    let page = app.page(&format!("/lo/{lot}")).await;
    assert!(!page.contains("Đã xác nhận bởi"), "{page}");
    let note = "sau đó nhật ký đã được sửa, lô cần được xác nhận lại";
    assert!(page.contains(note), "{page}");
    assert!(page.contains("Chị Hoa"), "who had verified it is kept");
    for who in [&owner, &officer] {
        assert!(who.page(&format!("/lo/{lot}")).await.contains(note));
    }
    assert!(
        app.get_in_english(&format!("/lo/{lot}"))
            .await
            .contains("the diary was corrected afterwards: the lot must be verified again")
    );
    let api: serde_json::Value = app
        .get(&format!("/api/v1/lots/{lot}"))
        .await
        .json()
        .await
        .unwrap();
    assert!(api["verification"].is_null());
    assert_eq!(api["cleared_verification"]["officer_name"], "Chị Hoa");
    // Back in the officer's queue.
    assert!(officer.page("/can-bo").await.contains("TN-2026-01"));

    // The history stays: the diary keeps both harvests, the audit log the stamp and its end.
    assert_eq!(entries(&app, &plot).await, 3);
    let cleared: Vec<(Option<String>, String)> = sqlx::query_as(
        "SELECT actor_user_id, details FROM audit_log
          WHERE subject_id = $1 AND action = 'lot.verification_cleared'",
    )
    .bind(&lot)
    .fetch_all(app.db.pool())
    .await
    .unwrap();
    assert_eq!(cleared.len(), 1);
    let details: serde_json::Value = serde_json::from_str(&cleared[0].1).unwrap();
    assert_eq!(details["verified_by"], officer_id.as_str());
    assert_eq!(details["verified_at"], verified_at.unwrap().as_str());
    let verified: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_log WHERE subject_id = $1 AND action = 'lot.verify'",
    )
    .bind(&lot)
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    assert_eq!(verified, 1);

    // Verified again: stamped, out of the queue.
    officer
        .submit(&format!("/can-bo/lo/{lot}/xac-nhan"), &[])
        .await;
    let page = app.page(&format!("/lo/{lot}")).await;
    assert!(page.contains("Đã xác nhận bởi Chị Hoa") && !page.contains(note));
    assert!(!officer.page("/can-bo").await.contains("TN-2026-01"));
});

db_test!(
    a_late_spraying_in_a_verified_season_clears_the_stamp,
    |engine| {
        let app = spawn_seeded_app(engine).await;
        let owner = farmer(&app, "0987 654 333", "htx-nhan-long-song-hong-xanh").await;
        let (plot, lot) = plot_with_lot(&app, &owner, "htx-nhan-long-song-hong-xanh").await;
        record(
            &owner,
            &plot,
            &[
                ("kind", "harvest"),
                ("occurred_on", &days_ago(3)),
                ("lot_id", &lot),
                ("quantity_kg", "300"),
            ],
        )
        .await;
        let officer = officer_of_commune(&app, "0911 000 013", "tan-hung").await;
        officer
            .submit(&format!("/can-bo/lo/{lot}/xac-nhan"), &[])
            .await;
        assert!(stamp(&app, &lot).await.0.is_some());
        // A spraying written down late, dated before the harvest, changes the season the officer
        // checked (here its pre-harvest interval is no longer respected).
        record(
            &owner,
            &plot,
            &[
                ("kind", "spraying"),
                ("occurred_on", &days_ago(5)),
                ("input_name", "Ridomil Gold"),
                ("active_ingredient", "Metalaxyl-M"),
                ("phi_days", "7"),
            ],
        )
        .await;
        assert_eq!(stamp(&app, &lot).await, (None, None));
        assert!(officer.page("/can-bo").await.contains("TN-2026-01"));
    }
);

/// Rewrites a plot's whole diary as someone with write access to the database could: the note
/// of its first entry changed, and every hash after it recomputed, so the chain still checks.
async fn rewrite_whole_chain(app: &TestApp, plot: &str) {
    use app::diary::rules::{GENESIS_HASH, HashedFields, entry_hash};
    use sqlx::Row;
    let rows = sqlx::query(
        "SELECT id, plot_id, lot_id, seq, kind, occurred_on, input_name, active_ingredient, target,
                dose, phi_days, quantity_kg, note, corrects_id, recorded_by, recorded_at
           FROM cultivation_log_entries WHERE plot_id = $1 ORDER BY seq",
    )
    .bind(plot)
    .fetch_all(app.db.pool())
    .await
    .unwrap();
    let text = |r: &sqlx::any::AnyRow, c: &str| r.get::<String, _>(c);
    let opt = |r: &sqlx::any::AnyRow, c: &str| r.get::<Option<String>, _>(c);
    let mut prev = GENESIS_HASH.to_owned();
    for (i, r) in rows.iter().enumerate() {
        let (id, plot_id, kind, occurred_on, recorded_at) = (
            text(r, "id"),
            text(r, "plot_id"),
            text(r, "kind"),
            text(r, "occurred_on"),
            text(r, "recorded_at"),
        );
        let (lot_id, input_name, active, target, dose, corrects, recorded_by) = (
            opt(r, "lot_id"),
            opt(r, "input_name"),
            opt(r, "active_ingredient"),
            opt(r, "target"),
            opt(r, "dose"),
            opt(r, "corrects_id"),
            opt(r, "recorded_by"),
        );
        let note = if i == 0 {
            "ghi lại cho đẹp".to_owned()
        } else {
            text(r, "note")
        };
        let fields = HashedFields {
            id: &id,
            plot_id: &plot_id,
            lot_id: lot_id.as_deref(),
            seq: r.get::<i64, _>("seq"),
            kind: &kind,
            occurred_on: &occurred_on,
            input_name: input_name.as_deref(),
            active_ingredient: active.as_deref(),
            target: target.as_deref(),
            dose: dose.as_deref(),
            phi_days: r.get::<Option<i64>, _>("phi_days"),
            quantity_kg: r.get::<Option<i64>, _>("quantity_kg"),
            note: &note,
            corrects_id: corrects.as_deref(),
            recorded_by: recorded_by.as_deref(),
            recorded_at: &recorded_at,
        };
        let hash = entry_hash(&prev, &fields);
        sqlx::query(
            "UPDATE cultivation_log_entries SET note = $1, prev_hash = $2, entry_hash = $3 WHERE id = $4",
        )
        .bind(&note)
        .bind(&prev)
        .bind(&hash)
        .bind(&id)
        .execute(app.db.pool())
        .await
        .unwrap();
        prev = hash;
    }
}

db_test!(
    a_whole_diary_rewritten_in_the_database_shows_on_the_stamp_the_label_and_the_checkpoint,
    |engine| {
        let (seed, public) = server::diary::checkpoints::SigningKey::generate().unwrap();
        let app = ocop_tests::spawn_app_configured(engine, |s| {
            s.signing_key = Some(server::diary::checkpoints::SigningKey::parse(&seed).unwrap())
        })
        .await;
        app.seed().await;
        let owner = farmer(&app, "0987 654 330", "htx-nhan-long-song-hong-xanh").await;
        let (plot, lot) = plot_with_lot(&app, &owner, "htx-nhan-long-song-hong-xanh").await;
        record(
            &owner,
            &plot,
            &[
                ("kind", "fertilising"),
                ("occurred_on", &days_ago(20)),
                ("input_name", "Phân hữu cơ"),
            ],
        )
        .await;
        record(
            &owner,
            &plot,
            &[
                ("kind", "harvest"),
                ("occurred_on", &days_ago(1)),
                ("lot_id", &lot),
                ("quantity_kg", "300"),
            ],
        )
        .await;
        let officer = sign_up(&app, "0911 000 030", "Chị Hoa").await;
        make_officer(
            &app,
            &user_id(&app, "+84911000030").await,
            &commune_id(&app, "tan-hung").await,
        )
        .await;
        officer
            .submit(&format!("/can-bo/lo/{lot}/xac-nhan"), &[])
            .await;

        // The label printed now carries the head's digest; the page shows it and it holds.
        let page = app.page(&format!("/lo/{lot}")).await;
        let at = page
            .find("Mã kiểm nhật ký")
            .expect("the diary's check code");
        let start = at + page[at..].find("<code>").unwrap() + 6;
        let digest = page[start..start + page[start..].find('<').unwrap()].to_owned();
        assert!(digest.starts_with("2-"), "{digest}");
        let labelled = app.page(&format!("/lo/{lot}?c={digest}")).await;
        assert!(
            labelled.contains("Nhật ký vẫn khớp với mã in trên nhãn"),
            "{labelled}"
        );
        assert!(labelled.contains("Nhật ký vẫn khớp với lúc cán bộ xác nhận (đến ghi chép #2)"));
        assert!(
            owner
                .page(&format!("/nong-trai/lo/{lot}/nhan"))
                .await
                .contains(&digest),
            "the label prints the digest"
        );

        // The next day's checkpoint (today's was signed at start-up, before this diary),
        // signed with the key outside the database and kept by a buyer. Whichever pass signs
        // it first, the day has exactly one.
        app.state.clock.advance(chrono::Duration::days(1));
        server::diary::checkpoints::sign_today(&app.state)
            .await
            .unwrap();
        assert!(
            !server::diary::checkpoints::sign_today(&app.state)
                .await
                .unwrap(),
            "once a day"
        );
        let list: serde_json::Value = app
            .client
            .get(format!("{}/api/v1/checkpoints", app.address))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(list["public_key"], public);
        assert_eq!(list["checkpoints"].as_array().unwrap().len(), 2, "{list}");
        let day = app::domain::time::vietnam_date(app.state.clock.now()).to_string();
        assert_eq!(list["checkpoints"][0]["day"], day.as_str(), "newest first");
        let r = app
            .client
            .get(format!("{}/api/v1/checkpoints/{day}", app.address))
            .send()
            .await
            .unwrap();
        assert!(
            r.headers()["content-disposition"]
                .to_str()
                .unwrap()
                .starts_with("attachment")
        );
        let kept: serde_json::Value = r.json().await.unwrap();
        assert!(kept["body"].as_str().unwrap().contains(&plot));
        let verify = |file: serde_json::Value| {
            let app = &app;
            async move {
                app.client
                    .post(format!("{}/api/v1/checkpoints/verify", app.address))
                    .json(&file)
                    .send()
                    .await
                    .unwrap()
            }
        };
        let before: serde_json::Value = verify(kept.clone()).await.json().await.unwrap();
        assert_eq!(before["rewritten"], 0, "{before}");
        assert_eq!(before["signed_by_this_site"], true);

        rewrite_whole_chain(&app, &plot).await;

        // The chain alone cannot tell: every hash was recomputed.
        let page = app.page(&format!("/lo/{lot}?c={digest}")).await;
        assert!(page.contains("Nguyên vẹn"), "{page}");
        // 1. The officer's stamp saw another head.
        assert!(
            page.contains("nhật ký đã bị viết lại sau khi cán bộ xác nhận"),
            "{page}"
        );
        // 2. The label in the buyer's hand carries another digest.
        assert!(
            page.contains("nhật ký đã bị viết lại kể từ khi nhãn này được in"),
            "{page}"
        );
        // 3. The kept checkpoint proves it.
        let after: serde_json::Value = verify(kept.clone()).await.json().await.unwrap();
        assert_eq!(after["rewritten"], 1, "{after}");
        let standing = after["plots"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["plot_id"] == plot.as_str())
            .unwrap()["standing"]
            .clone();
        assert_eq!(standing, "rewritten");
        // A checkpoint edited to match the rewrite no longer carries a valid signature.
        let mut forged = kept.clone();
        forged["body"] = serde_json::Value::String(
            kept["body"]
                .as_str()
                .unwrap()
                .replace(&digest[2..], "000000000000"),
        );
        let r = verify(forged).await;
        assert_eq!(r.status(), 422);
        let e: serde_json::Value = r.json().await.unwrap();
        assert_eq!(e["error"]["code"], "bad_signature");
        // Not a day: 404.
        let r = app
            .client
            .get(format!("{}/api/v1/checkpoints/yesterday", app.address))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 404);
    }
);
