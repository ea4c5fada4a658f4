//! A seller's legal identity (#27): given with the application (or later), shown to the
//! officer who approves it, required before a first listing goes for review, on the public
//! producer page, and checked again by the officer after a change.

use ocop_tests::{TestApp, browser::location, db_test, spawn_seeded_app};

use super::accounts::{commune_id, member_of, officer_of_commune, sign_up};
use super::farm_api::LONGAN_COOP;
use super::seller::add_variant;

async fn producer_named(app: &TestApp, name: &str) -> (String, String) {
    sqlx::query_as("SELECT id, slug FROM producers WHERE name = $1")
        .bind(name)
        .fetch_one(app.db.pool())
        .await
        .unwrap()
}

fn fields<'a>(v: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    v.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

async fn checked(app: &TestApp, producer: &str) -> (Option<String>, Option<String>) {
    sqlx::query_as("SELECT identity_checked_at, identity_checked_by FROM producers WHERE id = $1")
        .bind(producer)
        .fetch_one(app.db.pool())
        .await
        .unwrap()
}

db_test!(
    the_officer_approves_with_the_identity_in_front_of_them,
    |engine| {
        let app = spawn_seeded_app(engine).await;
        let commune = commune_id(&app, "tan-hung").await;
        let farmer = sign_up(&app, "0988 200 101", "Anh Quang").await;
        let apply = |tax: &'static str| {
            let commune = commune.clone();
            vec![
                ("name", "HTX Nhãn Quang Minh".to_owned()),
                ("kind", "cooperative".to_owned()),
                ("commune_id", commune),
                ("legal_name", "Hợp tác xã Nông nghiệp Quang Minh".to_owned()),
                (
                    "address",
                    "Thôn Đông, xã Tân Hưng, tỉnh Hưng Yên".to_owned(),
                ),
                ("phone", "0988 200 101".to_owned()),
                ("tax_code", tax.to_owned()),
                ("registration_no", String::new()),
            ]
        };
        // A cooperative gives its registration number.
        let form = apply("0901234567");
        let to = location(&farmer.submit("/tai-khoan/ban-hang", &fields(&form)).await);
        assert!(to.contains("loi=registration"), "{to}");
        assert!(
            farmer
                .page(&to)
                .await
                .contains("Doanh nghiệp và hợp tác xã ghi số đăng ký")
        );
        let mut form = apply("0901234567");
        form[7].1 = "0901234567".into();
        let r = farmer.submit("/tai-khoan/ban-hang", &fields(&form)).await;
        assert_eq!(location(&r), "/tai-khoan?ok=applied");
        let (producer, slug) = producer_named(&app, "HTX Nhãn Quang Minh").await;

        let officer = officer_of_commune(&app, "0988 200 102", "tan-hung").await;
        let queue = officer.page("/can-bo").await;
        assert!(
            queue.contains("Hợp tác xã Nông nghiệp Quang Minh"),
            "the officer sees it"
        );
        assert!(queue.contains("0901234567"));
        assert_eq!(checked(&app, &producer).await.0, None);
        let r = officer
            .submit(
                &format!("/can-bo/don/{producer}"),
                &[("decision", "approve")],
            )
            .await;
        assert_eq!(r.status(), 303);
        let (at, by) = checked(&app, &producer).await;
        assert!(at.is_some(), "approving checks the identity shown");
        assert!(by.is_some());

        // Buyers see what the law asks of a seller on the producer page.
        let public = ocop_tests::browser::Browser::new(&app.address)
            .page(&format!("/nha-san-xuat/{slug}"))
            .await;
        for fact in [
            "Thông tin người bán",
            "Hợp tác xã Nông nghiệp Quang Minh",
            "Thôn Đông, xã Tân Hưng",
            "0988 200 101",
            "0901234567",
            "Cán bộ xã đã kiểm tra",
        ] {
            assert!(public.contains(fact), "{fact}");
        }

        // A change clears the check; the officer's page lists it until checked again.
        let page = format!("{}/{producer}", app::seller::identity::PAGE);
        let r = farmer
            .submit(
                &page,
                &[
                    ("legal_name", "Hợp tác xã Nông nghiệp Quang Minh"),
                    ("address", "Thôn Tây, xã Tân Hưng, tỉnh Hưng Yên"),
                    ("phone", "0988 200 101"),
                    ("tax_code", ""),
                    ("registration_no", "0901234567"),
                ],
            )
            .await;
        assert_eq!(
            location(&r),
            format!("{}?ok=1", app::seller::identity::PAGE)
        );
        assert_eq!(checked(&app, &producer).await.0, None);
        let queue = officer.page("/can-bo").await;
        assert!(queue.contains("Thông tin người bán cần kiểm tra"));
        assert!(queue.contains("Thôn Tây"));
        officer
            .submit(&format!("/can-bo/nguoi-ban/{producer}/kiem-tra"), &[])
            .await;
        assert!(checked(&app, &producer).await.0.is_some());
        assert!(
            !officer
                .page("/can-bo")
                .await
                .contains("Thông tin người bán cần kiểm tra")
        );
        // An officer of another commune cannot check it.
        let elsewhere = officer_of_commune(&app, "0988 200 103", "khoai-chau").await;
        let r = elsewhere
            .submit(&format!("/can-bo/nguoi-ban/{producer}/kiem-tra"), &[])
            .await;
        assert_eq!(r.status(), 403);
    }
);

db_test!(a_first_listing_waits_for_the_sellers_identity, |engine| {
    let app = spawn_seeded_app(engine).await;
    let commune = commune_id(&app, "tan-hung").await;
    let farmer = sign_up(&app, "0988 200 201", "Chị Thu").await;
    let r = farmer
        .submit(
            "/tai-khoan/ban-hang",
            &[
                ("name", "Hộ chị Thu"),
                ("kind", "household"),
                ("commune_id", &commune),
            ],
        )
        .await;
    assert_eq!(location(&r), "/tai-khoan?ok=applied");
    let (producer, _) = producer_named(&app, "Hộ chị Thu").await;
    let officer = officer_of_commune(&app, "0988 200 202", "tan-hung").await;
    assert!(
        officer
            .page("/can-bo")
            .await
            .contains("Chưa khai thông tin pháp lý")
    );
    officer
        .submit(
            &format!("/can-bo/don/{producer}"),
            &[("decision", "approve")],
        )
        .await;
    assert_eq!(
        checked(&app, &producer).await.0,
        None,
        "nothing to check yet"
    );

    let shop = farmer.page("/ban-hang").await;
    assert!(
        shop.contains("Bạn chưa khai đủ thông tin pháp lý"),
        "told at once"
    );
    let r = farmer
        .submit(
            "/ban-hang/san-pham",
            &[
                ("producer_id", &producer),
                ("name_vi", "Nhãn lồng chị Thu"),
                ("group_code", "food"),
                ("commune_id", &commune),
            ],
        )
        .await;
    let to = location(&r);
    let listing = to
        .trim_start_matches("/ban-hang/san-pham/")
        .trim_end_matches("?ok=1")
        .to_owned();
    add_variant(&farmer, &listing, "Hộp 1 kg", "80000", "10").await;
    let status = format!("/ban-hang/san-pham/{listing}/trang-thai");
    let to = location(&farmer.submit(&status, &[("action", "publish")]).await);
    assert_eq!(
        to,
        format!("/ban-hang/san-pham/{listing}?loi=seller_identity")
    );
    assert!(
        farmer
            .page(&to)
            .await
            .contains("trước khi gửi duyệt sản phẩm")
    );
    let draft: String = sqlx::query_scalar("SELECT status FROM products WHERE id = $1")
        .bind(&listing)
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    assert_eq!(draft, "draft");

    // A bad tax code is refused with its reason; a good identity lets the listing go.
    let page = format!("{}/{producer}", app::seller::identity::PAGE);
    let identity = |tax: &'static str| {
        [
            ("legal_name", "Hộ kinh doanh Nguyễn Thị Thu"),
            ("address", "Xóm 2, xã Tân Hưng, tỉnh Hưng Yên"),
            ("phone", "0988 200 201"),
            ("tax_code", tax),
            ("registration_no", ""),
        ]
    };
    let to = location(&farmer.submit(&page, &identity("12345")).await);
    assert!(to.contains("loi=tax_code"), "{to}");
    assert!(farmer.page(&to).await.contains("mã số thuế (10 chữ số"));
    farmer.submit(&page, &identity("001190012345")).await;
    let to = location(&farmer.submit(&status, &[("action", "publish")]).await);
    assert!(!to.contains("loi="), "{to}");
    assert!(
        !farmer
            .page("/ban-hang")
            .await
            .contains("Bạn chưa khai đủ thông tin pháp lý")
    );
    // Another producer's member cannot write this one's identity.
    let stranger = member_of(&app, "0988 200 203", "Anh Khác", LONGAN_COOP).await;
    assert_eq!(
        stranger
            .submit(&page, &identity("0901234567"))
            .await
            .status(),
        403
    );
});
