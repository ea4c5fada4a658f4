//! The commune officer's OCOP certificates: recorded through the dashboard form (scoped to the
//! officer's communes, every bad field refused with its reason, nothing written), the 36-month
//! default, the 90-day warning on the dashboard, and the stars reaching the public pages and
//! search.

use chrono::{Days, NaiveDate};
use ocop_tests::{TestApp, browser::Browser, browser::location, db_test, spawn_seeded_app};

use super::accounts::{commune_id, officer_of_commune as officer};

/// Hới sedge mats: no certificate in the demo data; its producer is in Long Hưng.
const MATS: &str = "chieu-coi-gap";

async fn product_id(app: &TestApp, slug: &str) -> String {
    sqlx::query_scalar("SELECT id FROM products WHERE slug = $1")
        .bind(slug)
        .fetch_one(app.db.pool())
        .await
        .unwrap()
}

async fn certificates_of(app: &TestApp, product: &str) -> Vec<(i64, String, String, String)> {
    sqlx::query_as(
        "SELECT stars, decision_no, issued_on, expires_on FROM ocop_certificates
          WHERE product_id = $1 ORDER BY created_at",
    )
    .bind(product)
    .fetch_all(app.db.pool())
    .await
    .unwrap()
}

fn today() -> NaiveDate {
    app::domain::time::vietnam_date(chrono::Utc::now())
}

async fn record(b: &Browser, product: &str, fields: &[(&str, &str)]) -> String {
    let mut all = vec![("product_id", product)];
    all.extend_from_slice(fields);
    location(&b.submit("/can-bo/chung-nhan", &all).await)
}

db_test!(
    an_officer_records_a_certificate_and_its_stars_go_public,
    |engine| {
        let app = spawn_seeded_app(engine).await;
        let long_hung = officer(&app, "0912000101", "long-hung").await;
        let mats = product_id(&app, MATS).await;

        let to = record(
            &long_hung,
            &mats,
            &[
                ("stars", "3"),
                ("level", "province"),
                ("decision_no", " 2211/QĐ-UBND "),
                ("issued_on", "2025-03-01"),
                ("expires_on", ""),
            ],
        )
        .await;
        assert_eq!(to, "/can-bo?ok=certificate#chung-nhan");
        // 36 months by default, the last valid day the day before.
        assert_eq!(
            certificates_of(&app, &mats).await,
            [(
                3,
                "2211/QĐ-UBND".to_owned(),
                "2025-03-01".to_owned(),
                "2028-02-29".to_owned()
            )]
        );
        let audit: Vec<String> =
            sqlx::query_scalar("SELECT action FROM audit_log WHERE subject_id = $1")
                .bind(&mats)
                .fetch_all(app.db.pool())
                .await
                .unwrap();
        assert!(audit.contains(&"certificate.record".to_owned()));

        let html = app.page(&format!("/san-pham/{MATS}")).await;
        assert!(
            html.contains("2211/QĐ-UBND"),
            "the product page shows the certificate"
        );
        app.search_settled().await;
        let list: serde_json::Value = app
            .get("/api/v1/products?q=chieu&stars=3")
            .await
            .json()
            .await
            .unwrap();
        let slugs: Vec<&str> = list["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["slug"].as_str().unwrap())
            .collect();
        assert!(
            slugs.contains(&MATS),
            "search's stars filter follows: {slugs:?}"
        );

        // The same decision twice is refused.
        let again = record(
            &long_hung,
            &mats,
            &[
                ("stars", "4"),
                ("level", "province"),
                ("decision_no", "2211/QĐ-UBND"),
                ("issued_on", "2025-04-01"),
            ],
        )
        .await;
        assert_eq!(again, "/can-bo?loi=cert_decision_taken#chung-nhan");
        assert_eq!(certificates_of(&app, &mats).await.len(), 1);
    }
);

db_test!(bad_certificates_are_refused_with_their_reason, |engine| {
    let app = spawn_seeded_app(engine).await;
    let long_hung = officer(&app, "0912000102", "long-hung").await;
    let mats = product_id(&app, MATS).await;
    let base = [
        ("stars", "4"),
        ("level", "province"),
        ("decision_no", "77/QĐ-UBND"),
        ("issued_on", "2025-01-10"),
        ("expires_on", ""),
    ];
    for (field, value, code) in [
        ("stars", "7", "cert_stars"),
        ("stars", "", "cert_stars"),
        ("level", "district", "cert_level"),
        ("decision_no", "   ", "cert_decision"),
        ("issued_on", "10/01/2025", "cert_issued"),
        ("expires_on", "next year", "cert_expires"),
        ("expires_on", "2025-01-09", "cert_expiry_order"),
        ("stars", "5", "cert_five_national"),
    ] {
        let fields: Vec<(&str, &str)> = base
            .iter()
            .map(|&(k, v)| if k == field { (k, value) } else { (k, v) })
            .collect();
        let to = record(&long_hung, &mats, &fields).await;
        assert_eq!(
            to,
            format!("/can-bo?loi={code}#chung-nhan"),
            "{field}={value:?}"
        );
    }
    assert_eq!(
        record(&long_hung, "no-such-product", &base).await,
        "/can-bo?loi=cert_product#chung-nhan"
    );
    assert!(
        certificates_of(&app, &mats).await.is_empty(),
        "nothing written"
    );
    let html = long_hung.page("/can-bo?loi=cert_five_national").await;
    assert!(html.contains("Sản phẩm 5 sao chỉ do trung ương công nhận."));
});

db_test!(
    an_officer_cannot_certify_another_communes_product,
    |engine| {
        let app = spawn_seeded_app(engine).await;
        let elsewhere = officer(&app, "0912000103", "tan-hung").await;
        let mats = product_id(&app, MATS).await;
        let r = elsewhere
            .submit(
                "/can-bo/chung-nhan",
                &[
                    ("product_id", &mats),
                    ("stars", "3"),
                    ("level", "province"),
                    ("decision_no", "1/QĐ"),
                    ("issued_on", "2025-01-01"),
                ],
            )
            .await;
        assert_eq!(r.status(), 403);
        let visitor = Browser::new(&app.address);
        let r = visitor
            .submit(
                "/can-bo/chung-nhan",
                &[
                    ("product_id", &mats),
                    ("stars", "3"),
                    ("level", "province"),
                    ("decision_no", "1/QĐ"),
                    ("issued_on", "2025-01-01"),
                ],
            )
            .await;
        assert!(
            location(&r).starts_with("/dang-nhap"),
            "a visitor is sent to sign in"
        );
        assert!(certificates_of(&app, &mats).await.is_empty());
        // And their dashboard does not list it.
        let html = elsewhere.page("/can-bo").await;
        assert!(!html.contains("Chiếu cói gấp"));
    }
);

db_test!(the_dashboard_warns_ninety_days_before_expiry, |engine| {
    let app = spawn_seeded_app(engine).await;
    let long_hung = officer(&app, "0912000104", "long-hung").await;
    let mats = product_id(&app, MATS).await;
    let hoi = product_id(&app, "chieu-coi-hoi").await;
    // Its demo certificate (2024) would drift into the warning window as the calendar moves.
    sqlx::query("UPDATE ocop_certificates SET revoked_at = '2026-01-01T00:00:00.000Z' WHERE product_id = $1")
        .bind(&hoi)
        .execute(app.db.pool())
        .await
        .unwrap();
    let day = |n: u64| (today() + Days::new(n)).format("%Y-%m-%d").to_string();
    let issued = (today() - Days::new(700)).format("%Y-%m-%d").to_string();
    for (product, decision, expires) in [(&mats, "90/QĐ", day(90)), (&hoi, "91/QĐ", day(91))] {
        let to = record(
            &long_hung,
            product,
            &[
                ("stars", "3"),
                ("level", "province"),
                ("decision_no", decision),
                ("issued_on", &issued),
                ("expires_on", &expires),
            ],
        )
        .await;
        assert_eq!(to, "/can-bo?ok=certificate#chung-nhan");
    }
    let html = long_hung.page("/can-bo").await.replace("<!>", "");
    let warnings =
        &html[html.find("Sắp hết hạn").unwrap()..html.find("Ghi chứng nhận mới").unwrap()];
    let attention = &warnings[..warnings.find("</table>").unwrap()];
    assert!(
        attention.contains("Chiếu cói gấp") && attention.contains("Còn 90 ngày"),
        "{attention}"
    );
    assert!(
        !attention.contains("Chiếu cói Hới"),
        "91 days left: no warning yet"
    );
    assert!(
        warnings.contains("Còn hiệu lực"),
        "the full list shows it in force"
    );
});

async fn signature_rows(app: &TestApp, commune: &str) -> Vec<String> {
    sqlx::query_scalar(
        "SELECT p.slug FROM commune_signature_products s JOIN products p ON p.id = s.product_id
          WHERE s.commune_id = $1",
    )
    .bind(commune)
    .fetch_all(app.db.pool())
    .await
    .unwrap()
}

db_test!(
    the_officer_changes_the_signature_product_and_history_is_kept,
    |engine| {
        let app = spawn_seeded_app(engine).await;
        let hoan_long = commune_id(&app, "hoan-long").await;
        let officer = officer(&app, "0912000105", "hoan-long").await;
        assert_eq!(signature_rows(&app, &hoan_long).await, ["ga-dong-tao"]);
        let meat = product_id(&app, "ga-dong-tao-lam-sach").await;
        let r = officer
            .submit(
                &format!("/can-bo/xa/{hoan_long}/dac-san"),
                &[("product_id", &meat)],
            )
            .await;
        assert_eq!(location(&r), format!("/can-bo/xa/{hoan_long}?ok=1#dac-san"));
        // Exactly one signature product per commune, the new one.
        assert_eq!(
            signature_rows(&app, &hoan_long).await,
            ["ga-dong-tao-lam-sach"]
        );
        let history: Vec<(String, Option<String>)> = sqlx::query_as(
            "SELECT p.slug, h.ended_at FROM commune_signature_history h
           JOIN products p ON p.id = h.product_id WHERE h.commune_id = $1 ORDER BY h.set_at",
        )
        .bind(&hoan_long)
        .fetch_all(app.db.pool())
        .await
        .unwrap();
        assert_eq!(history.len(), 2, "{history:?}");
        assert_eq!(history[0].0, "ga-dong-tao");
        assert!(history[0].1.is_some(), "the old one ended");
        assert_eq!(history[1], ("ga-dong-tao-lam-sach".to_owned(), None));
        let editor = officer.page(&format!("/can-bo/xa/{hoan_long}")).await;
        assert!(
            editor.contains("Lịch sử sản phẩm đặc trưng")
                && editor.contains("Gà Đông Tảo thả vườn")
        );

        // The public page and search follow.
        let html = app.page("/xa/hoan-long").await;
        let signature = &html[html.find(r#"id="signature""#).unwrap()..];
        let signature = &signature[..signature.find("</section>").unwrap()];
        assert!(
            signature.contains("/san-pham/ga-dong-tao-lam-sach"),
            "{signature}"
        );
        app.search_settled().await;
        let list: serde_json::Value = app
            .get("/api/v1/products?commune=hoan-long")
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(list["items"][0]["slug"], "ga-dong-tao-lam-sach");
        assert_eq!(list["items"][0]["signature"], true);

        // Only an approved product of this commune; only this commune's officer.
        let honey = product_id(&app, "mat-ong-hoa-nhan").await;
        let r = officer
            .submit(
                &format!("/can-bo/xa/{hoan_long}/dac-san"),
                &[("product_id", &honey)],
            )
            .await;
        assert_eq!(
            location(&r),
            format!("/can-bo/xa/{hoan_long}?loi=signature_product")
        );
        let feet = product_id(&app, "chan-ga-dong-tao").await;
        let r = officer
            .submit(
                &format!("/can-bo/xa/{hoan_long}/dac-san"),
                &[("product_id", &feet)],
            )
            .await;
        assert_eq!(
            location(&r),
            format!("/can-bo/xa/{hoan_long}?loi=signature_product"),
            "pending review"
        );
        let other = officer_other(&app).await;
        let r = other
            .submit(
                &format!("/can-bo/xa/{hoan_long}/dac-san"),
                &[("product_id", &meat)],
            )
            .await;
        assert_eq!(r.status(), 403);
        assert_eq!(
            other.get(&format!("/can-bo/xa/{hoan_long}")).await.status(),
            403
        );
        assert_eq!(
            signature_rows(&app, &hoan_long).await,
            ["ga-dong-tao-lam-sach"]
        );
    }
);

async fn officer_other(app: &TestApp) -> Browser {
    officer(app, "0912000199", "tan-hung").await
}

db_test!(the_commune_story_allows_only_safe_formatting, |engine| {
    let app = spawn_seeded_app(engine).await;
    let hoan_long = commune_id(&app, "hoan-long").await;
    let officer = officer(&app, "0912000106", "hoan-long").await;
    let story = "Quê hương của **gà Đông Tảo** <script>alert('x')</script>\n\n- Gà *chân to*\n- <img src=x onerror=alert(1)>";
    let r = officer
        .submit(
            &format!("/can-bo/xa/{hoan_long}/cau-chuyen"),
            &[("story_vi", story), ("story_en", "")],
        )
        .await;
    assert_eq!(
        location(&r),
        format!("/can-bo/xa/{hoan_long}?ok=1#cau-chuyen")
    );
    let html = app.page("/xa/hoan-long").await.replace("<!>", "");
    assert!(html.contains("<strong>gà Đông Tảo</strong>"), "bold");
    assert!(
        html.contains("<li>Gà <em>chân to</em></li>"),
        "list and italic"
    );
    assert!(
        !html.contains("<script>alert('x')"),
        "no script from the story"
    );
    assert!(!html.contains("<img src=x"), "no element from the story");
    assert!(html.contains("&lt;script&gt;"), "shown as text");

    let long = "a".repeat(10_001);
    let r = officer
        .submit(
            &format!("/can-bo/xa/{hoan_long}/cau-chuyen"),
            &[("story_vi", &long), ("story_en", "")],
        )
        .await;
    assert_eq!(
        location(&r),
        format!("/can-bo/xa/{hoan_long}?loi=story_long")
    );
});

db_test!(reports_cover_only_the_officers_communes, |engine| {
    let app = spawn_seeded_app(engine).await;
    app.guest_buys("nhan-long-hung-yen", 2, "report-order-000001")
        .await;
    app.guest_buys("ga-dong-tao", 1, "report-order-000002")
        .await;
    let tan_hung = officer(&app, "0912000107", "tan-hung").await;
    let hoan_long = officer(&app, "0912000108", "hoan-long").await;

    let html = tan_hung.page("/can-bo/bao-cao").await.replace("<!>", "");
    assert!(
        html.contains("1 đơn hàng, doanh thu 170.000 ₫"),
        "two 85.000 ₫ bags"
    );
    assert!(html.contains("Nhãn lồng Hưng Yên") && !html.contains("Gà Đông Tảo thả vườn"));
    assert!(html.contains(r#"class="chart""#), "the monthly chart");
    // Reports count an order in the month it was placed in Vietnam (UTC+7): from 17:00 UTC on
    // a month's last day, that is already the next month.
    let month = app::domain::time::vietnam_date(chrono::Utc::now())
        .format("%Y-%m")
        .to_string();
    let csv = tan_hung
        .get(&format!("/can-bo/bao-cao.csv?tu={month}&den={month}"))
        .await
        .text()
        .await
        .unwrap();
    let csv = csv.trim_start_matches('\u{feff}');
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "month,commune,product,orders,units,revenue_vnd");
    assert_eq!(
        lines[1..],
        [format!("{month},Tân Hưng,Nhãn lồng Hưng Yên,1,2,170000").as_str()]
    );

    let csv = hoan_long
        .get("/can-bo/bao-cao.csv")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        csv.contains("Gà Đông Tảo") && !csv.contains("Nhãn lồng"),
        "{csv}"
    );

    // OCOP products by stars in Tân Hưng: one 4★, one 3★ (demo certificates in force).
    let ocop = &html[html.find("Sản phẩm OCOP theo hạng sao").unwrap()..];
    assert!(ocop.contains("★★★★</th><td>1</td>"), "{ocop}");
    assert!(ocop.contains("★★★</th><td>1</td>"), "{ocop}");

    // A buyer, or a visitor, gets no report.
    let visitor = Browser::new(&app.address);
    assert!(location(&visitor.get("/can-bo/bao-cao.csv").await).starts_with("/dang-nhap"));
});

db_test!(the_officer_sets_the_commune_cover_photo, |engine| {
    let app = spawn_seeded_app(engine).await;
    let hoan_long = commune_id(&app, "hoan-long").await;
    let officer = officer(&app, "0912000109", "hoan-long").await;
    let photo = server::photos::samples::jpeg(1600, 900);
    let r = officer
        .upload(
            &format!("/can-bo/xa/{hoan_long}/anh"),
            &[("alt", "Đàn gà Đông Tảo trong vườn")],
            &[("anh", "bia.jpg", &photo)],
        )
        .await;
    assert_eq!(location(&r), format!("/can-bo/xa/{hoan_long}?ok=1#anh-bia"));
    let html = app.page("/xa/hoan-long").await;
    let at = html.find(r#"class="cover""#).expect("a cover image");
    let start = html[..at].rfind("<img").unwrap();
    let cover = &html[start..start + html[start..].find('>').unwrap()];
    assert!(cover.contains("/media/") && cover.contains("Đàn gà Đông Tảo trong vườn"));

    // A text file is refused; another commune's officer may not.
    let r = officer
        .upload(
            &format!("/can-bo/xa/{hoan_long}/anh"),
            &[],
            &[("anh", "bia.jpg", b"not a photo")],
        )
        .await;
    assert!(
        location(&r).contains("?loi=photo_format"),
        "{}",
        location(&r)
    );
    let other = officer_other(&app).await;
    let r = other
        .upload(
            &format!("/can-bo/xa/{hoan_long}/anh"),
            &[],
            &[("anh", "bia.jpg", &photo)],
        )
        .await;
    assert_eq!(r.status(), 403);
});
