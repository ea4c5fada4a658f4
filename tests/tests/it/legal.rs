//! Trust and the law (#27), the public side: the footer on every page (documents' links, the
//! operator's details, the Ministry's badge only for a registration on its portal), the
//! documents with their versions in both languages, and the administrators' operator form.

use ocop_tests::{
    TestApp,
    browser::{Browser, location},
    db_test, spawn_seeded_app,
};

use super::accounts::{make_admin, sign_up, user_id};

const LINKS: [&str; 5] = [
    r#"href="/quy-che""#,
    r#"href="/chinh-sach-bao-mat""#,
    r#"href="/dieu-khoan-ban-hang""#,
    r#"href="/khieu-nai""#,
    r#"href="/tai-khoan/du-lieu""#,
];

async fn slug_of(app: &TestApp, table: &str) -> String {
    sqlx::query_scalar(&format!(
        "SELECT slug FROM {table} WHERE status IN ('approved', 'active') ORDER BY slug LIMIT 1"
    ))
    .fetch_one(app.db.pool())
    .await
    .unwrap()
}

db_test!(
    every_page_links_the_documents_and_names_the_operator,
    |engine| {
        let app = spawn_seeded_app(engine).await;
        let b = Browser::new(&app.address);
        let product = format!("/san-pham/{}", slug_of(&app, "products").await);
        let producer = format!("/nha-san-xuat/{}", slug_of(&app, "producers").await);
        for path in [
            "/",
            "/xa",
            "/xa/tan-hung",
            product.as_str(),
            producer.as_str(),
            "/tim-kiem?q=nhan",
            "/gio-hang",
            "/dang-nhap",
            "/dang-ky",
            "/tra-cuu-don-hang",
            "/quy-che",
            "/chinh-sach-bao-mat",
            "/dieu-khoan-ban-hang",
            "/khong-co-trang-nay",
        ] {
            let page = b.page(path).await;
            for link in LINKS {
                assert!(page.contains(link), "{path}: {link}");
            }
            assert!(
                page.contains("Công ty TNHH Sàn Đặc sản OCOP Hưng Yên"),
                "{path}: the operator"
            );
            assert!(
                page.contains("Giấy chứng nhận đăng ký doanh nghiệp"),
                "{path}"
            );
            // The demo has no registration on the Ministry's portal: no badge is drawn.
            assert!(!page.contains("moit-badge"), "{path}");
        }
    }
);

db_test!(
    the_documents_carry_their_version_in_both_languages,
    |engine| {
        let app = spawn_seeded_app(engine).await;
        let b = Browser::new(&app.address);
        for (path, vi, en) in [
            (
                "/quy-che",
                "Quy chế hoạt động sàn",
                "Marketplace operating rules",
            ),
            (
                "/chinh-sach-bao-mat",
                "Chính sách bảo mật",
                "Privacy policy",
            ),
            (
                "/dieu-khoan-ban-hang",
                "Điều khoản mua bán",
                "Terms of sale",
            ),
        ] {
            let page = b.page(path).await;
            assert!(page.contains(vi), "{path}");
            assert!(page.contains("Phiên bản 1.0"), "{path}");
            assert!(page.contains("hiệu lực từ 02/12/2026"), "{path}");
            b.set_cookie("lang", "en");
            let page = b.page(path).await;
            assert!(page.contains(en), "{path}");
            assert!(
                page.contains("Version 1.0 · in effect from 02/12/2026"),
                "{path}"
            );
            b.set_cookie("lang", "vi");
        }
        // The rules say how listings are ranked, and the privacy policy each purpose's basis.
        assert!(b.page("/quy-che").await.contains("Cách sắp xếp sản phẩm"));
        let privacy = b.page("/chinh-sach-bao-mat").await;
        assert!(privacy.contains("Tin mùa vụ và ưu đãi"));
        assert!(privacy.contains("Sự đồng ý của bạn"));
    }
);

db_test!(administrators_say_who_operates_the_site, |engine| {
    let app = spawn_seeded_app(engine).await;
    let admin = sign_up(&app, "0912 000 601", "Quản trị").await;
    make_admin(&app, &user_id(&app, "+84912000601").await).await;
    let buyer = sign_up(&app, "0912 000 602", "Người mua").await;
    let form = |record: &'static str, number: &'static str| {
        vec![
            ("name", "Công ty Cổ phần Chợ Quê"),
            ("address", "Số 5 Bạch Đằng, phường Hồng Châu, tỉnh Hưng Yên"),
            ("phone", "0221 3 555 666"),
            ("email", "hotro@choque.vn"),
            (
                "business_registration",
                "0901999999, Sở Tài chính Hưng Yên, 01/07/2026",
            ),
            ("representative", "Lê Thị Cúc, Tổng giám đốc"),
            ("ecommerce_registration", number),
            ("ecommerce_record_url", record),
        ]
    };
    // Only administrators.
    let r = buyer.submit("/quan-tri/van-hanh", &form("", "")).await;
    assert_eq!(r.status(), 403);
    // A badge must link to the record on the Ministry's portal.
    let to = location(
        &admin
            .submit(
                "/quan-tri/van-hanh",
                &form("https://example.com/badge", "123/BCT"),
            )
            .await,
    );
    assert!(to.contains("loi=record"), "{to}");
    assert!(admin.page(&to).await.contains("online.gov.vn"));
    let to = location(&admin.submit("/quan-tri/van-hanh", &form("", "")).await);
    assert_eq!(to, "/quan-tri?ok=1#van-hanh");
    let home = Browser::new(&app.address).page("/").await;
    assert!(home.contains("Công ty Cổ phần Chợ Quê"));
    assert!(home.contains("Lê Thị Cúc, Tổng giám đốc"));
    assert!(!home.contains("moit-badge"));
    admin
        .submit(
            "/quan-tri/van-hanh",
            &form(
                "http://online.gov.vn/Home/WebDetails/112233",
                "112233/GP-BCT",
            ),
        )
        .await;
    let home = Browser::new(&app.address).page("/").await;
    assert!(
        home.contains(r#"href="http://online.gov.vn/Home/WebDetails/112233""#),
        "{home}"
    );
    assert!(home.contains("Đã đăng ký Bộ Công Thương"));
    let audited: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'settings.operator'")
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    assert_eq!(audited, 2);
});
