//! The producer's shop: listings and variants through the forms, review by the commune officer,
//! listing photos (good ones cleaned and ordered, bad ones refused leaving nothing), orders to
//! fulfil, the sales summary and its CSV, and that nobody touches another producer's listing.

use ocop_tests::{TestApp, browser::Browser, browser::location, db_test, spawn_seeded_app};
use reqwest::Method;
use serde_json::{Value, json};

use crate::accounts::{make_officer, member_of, sign_up, user_id};

pub(crate) const LONGAN_COOP: &str = "htx-nhan-long-song-hong-xanh";
const BEES: &str = "tht-ong-mat-bai-quang";

pub(crate) async fn producer(app: &TestApp, slug: &str) -> (String, String) {
    sqlx::query_as("SELECT id, commune_id FROM producers WHERE slug = $1")
        .bind(slug)
        .fetch_one(app.db.pool())
        .await
        .unwrap()
}

/// A signed-up farmer who works for the producer with this slug.
pub(crate) async fn member(app: &TestApp, phone: &str, producer_slug: &str) -> Browser {
    member_of(app, phone, "Chị Lan", producer_slug).await
}

pub(crate) async fn officer_of(app: &TestApp, phone: &str, commune_id: &str) -> Browser {
    let b = sign_up(app, phone, "Cán bộ xã").await;
    let key = app::auth::login::LoginId::parse(phone).unwrap().key();
    make_officer(app, &user_id(app, &key).await, commune_id).await;
    b
}

async fn status_of(app: &TestApp, product: &str) -> (String, Option<String>) {
    sqlx::query_as("SELECT status, status_reason FROM products WHERE id = $1")
        .bind(product)
        .fetch_one(app.db.pool())
        .await
        .unwrap()
}

/// Creates a listing through the form; returns its id.
pub(crate) async fn create_listing(
    app: &TestApp,
    b: &Browser,
    producer_slug: &str,
    name: &str,
) -> String {
    let (producer_id, commune) = producer(app, producer_slug).await;
    let r = b
        .submit(
            "/ban-hang/san-pham",
            &[
                ("producer_id", &producer_id),
                ("name_vi", name),
                ("group_code", "food"),
                ("commune_id", &commune),
                ("description_vi", "Vụ mới, hái buổi sáng."),
                ("gtin", ""),
            ],
        )
        .await;
    let to = location(&r);
    assert!(
        to.starts_with("/ban-hang/san-pham/") && to.ends_with("?ok=1"),
        "{to}"
    );
    to.trim_start_matches("/ban-hang/san-pham/")
        .trim_end_matches("?ok=1")
        .to_owned()
}

pub(crate) async fn add_variant(
    b: &Browser,
    product: &str,
    label: &str,
    price: &str,
    stock: &str,
) -> String {
    let r = b
        .submit(
            &format!("/ban-hang/san-pham/{product}/bien-the"),
            &[
                ("label_vi", label),
                ("unit", "box"),
                ("net_weight_g", "1000"),
                ("price", price),
                ("stock", stock),
            ],
        )
        .await;
    location(&r)
}

db_test!(a_listing_goes_from_draft_to_sale_through_review, |engine| {
    let app = spawn_seeded_app(engine).await;
    let farmer = member(&app, "0988 100 001", LONGAN_COOP).await;
    let (producer_id, commune) = producer(&app, LONGAN_COOP).await;
    assert!(farmer.page("/ban-hang").await.contains("Gian hàng của tôi"));

    // Bad input comes back with the reason, nothing created.
    let before = app.count("products").await;
    let r = farmer
        .submit(
            "/ban-hang/san-pham",
            &[
                ("producer_id", &producer_id),
                ("name_vi", "N"),
                ("group_code", "food"),
                ("commune_id", &commune),
            ],
        )
        .await;
    assert_eq!(location(&r), "/ban-hang?loi=name");
    let r = farmer
        .submit(
            "/ban-hang/san-pham",
            &[
                ("producer_id", &producer_id),
                ("name_vi", "Nhãn sấy"),
                ("group_code", "food"),
                ("commune_id", &commune),
                ("gtin", "08936045120003"),
            ],
        )
        .await;
    assert_eq!(location(&r), "/ban-hang?loi=gtin");
    assert!(
        farmer
            .page("/ban-hang?loi=gtin")
            .await
            .contains("Mã GTIN (mã vạch) chưa đúng")
    );
    assert_eq!(app.count("products").await, before);

    let id = create_listing(
        &app,
        &farmer,
        LONGAN_COOP,
        "Nhãn lồng sấy khô <b>đặc biệt</b>",
    )
    .await;
    assert_eq!(status_of(&app, &id).await.0, "draft");
    let editor = farmer.page(&format!("/ban-hang/san-pham/{id}")).await;
    assert!(
        editor.contains("Nhãn lồng sấy khô &lt;b&gt;đặc biệt&lt;/b&gt;"),
        "user text is escaped"
    );
    let slug: String = sqlx::query_scalar("SELECT slug FROM products WHERE id = $1")
        .bind(&id)
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    assert_eq!(slug, "nhan-long-say-kho-b-dac-biet-b");

    // Publishing needs a variant with a price.
    let status = format!("/ban-hang/san-pham/{id}/trang-thai");
    let r = farmer.submit(&status, &[("action", "publish")]).await;
    assert_eq!(
        location(&r),
        format!("/ban-hang/san-pham/{id}?loi=no_variant")
    );
    assert_eq!(
        location(
            &farmer
                .submit(
                    &format!("/ban-hang/san-pham/{id}/bien-the"),
                    &[
                        ("label_vi", "Hộp 1 kg"),
                        ("unit", "box"),
                        ("price", "12,5"),
                        ("stock", "3")
                    ]
                )
                .await
        ),
        format!("/ban-hang/san-pham/{id}?loi=price")
    );
    assert_eq!(
        location(
            &farmer
                .submit(
                    &format!("/ban-hang/san-pham/{id}/bien-the"),
                    &[
                        ("label_vi", "Hộp 1 kg"),
                        ("unit", "crate"),
                        ("price", "1"),
                        ("stock", "3")
                    ]
                )
                .await
        ),
        format!("/ban-hang/san-pham/{id}?loi=unit")
    );
    assert_eq!(
        add_variant(&farmer, &id, "Hộp 1 kg", "250.000 ₫", "40").await,
        format!("/ban-hang/san-pham/{id}?ok=1")
    );
    assert_eq!(
        add_variant(&farmer, &id, "Hộp 1 kg", "1", "1").await,
        format!("/ban-hang/san-pham/{id}?loi=label_taken")
    );
    let (variant, price, stock): (String, i64, i64) =
        sqlx::query_as("SELECT id, price_vnd, stock FROM product_variants WHERE product_id = $1")
            .bind(&id)
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    assert_eq!((price, stock), (250_000, 40));
    // Editing the variant's stock.
    let r = farmer
        .submit(
            &format!("/ban-hang/san-pham/{id}/bien-the"),
            &[
                ("variant_id", &variant),
                ("label_vi", "Hộp 1 kg"),
                ("unit", "box"),
                ("net_weight_g", "1000"),
                ("price", "240000"),
                ("stock", "35"),
            ],
        )
        .await;
    assert_eq!(location(&r), format!("/ban-hang/san-pham/{id}?ok=1"));
    assert_eq!(
        location(&farmer.submit(&status, &[("action", "publish")]).await),
        format!("/ban-hang/san-pham/{id}?ok=1")
    );
    assert_eq!(status_of(&app, &id).await.0, "pending");
    assert_eq!(
        app.get(&format!("/san-pham/{slug}")).await.status(),
        404,
        "not public before approval"
    );

    // An officer of another commune may not decide; the producer's commune officer may.
    let elsewhere: String =
        sqlx::query_scalar("SELECT id FROM communes WHERE id <> $1 ORDER BY slug LIMIT 1")
            .bind(&commune)
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    let stranger = officer_of(&app, "0988 100 002", &elsewhere).await;
    assert!(!stranger.page("/can-bo").await.contains("Nhãn lồng sấy khô"));
    let decide = format!("/can-bo/san-pham/{id}");
    assert_eq!(
        stranger
            .submit(&decide, &[("action", "approve")])
            .await
            .status(),
        403
    );
    assert_eq!(
        farmer
            .submit(&decide, &[("action", "approve")])
            .await
            .status(),
        403,
        "a farmer cannot approve their own listing"
    );
    let officer = officer_of(&app, "0988 100 003", &commune).await;
    assert!(officer.page("/can-bo").await.contains("Nhãn lồng sấy khô"));
    assert_eq!(
        location(
            &officer
                .submit(&decide, &[("action", "reject"), ("reason", " ")])
                .await
        ),
        "/can-bo?loi=reason"
    );
    assert_eq!(
        location(
            &officer
                .submit(
                    &decide,
                    &[("action", "reject"), ("reason", "Thiếu ảnh sản phẩm thật")]
                )
                .await
        ),
        "/can-bo?ok=rejected#san-pham"
    );
    assert_eq!(
        status_of(&app, &id).await,
        ("rejected".into(), Some("Thiếu ảnh sản phẩm thật".into()))
    );
    let shop = farmer.page("/ban-hang").await;
    assert!(
        shop.contains("Bị từ chối") && shop.contains("Lý do: Thiếu ảnh sản phẩm thật"),
        "{shop}"
    );

    // Fixed and sent again; approved; on sale with its add-to-cart form.
    assert_eq!(
        location(&farmer.submit(&status, &[("action", "publish")]).await),
        format!("/ban-hang/san-pham/{id}?ok=1")
    );
    assert_eq!(
        location(&officer.submit(&decide, &[("action", "approve")]).await),
        "/can-bo?ok=approved#san-pham"
    );
    assert_eq!(status_of(&app, &id).await.0, "approved");
    let public = app.page(&format!("/san-pham/{slug}")).await;
    assert!(
        public.contains("240.000 ₫") && public.contains(&format!("value=\"{variant}\"")),
        "{public}"
    );
    let audited: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_log WHERE subject_id = $1 AND action LIKE 'listing.%'",
    )
    .bind(&id)
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    assert_eq!(
        audited, 4,
        "publish, reject, publish, approve; refused attempts are not audited"
    );

    // Archived: off the site.
    assert_eq!(
        location(&farmer.submit(&status, &[("action", "archive")]).await),
        format!("/ban-hang/san-pham/{id}?ok=1")
    );
    assert_eq!(app.get(&format!("/san-pham/{slug}")).await.status(), 404);
});

db_test!(nobody_touches_another_producers_listing, |engine| {
    let app = spawn_seeded_app(engine).await;
    let owner = member(&app, "0988 200 001", LONGAN_COOP).await;
    let id = create_listing(&app, &owner, LONGAN_COOP, "Long nhãn").await;
    add_variant(&owner, &id, "Gói 500 g", "120000", "10").await;
    let other = member(&app, "0988 200 002", BEES).await;
    let visitor = Browser::new(&app.address);
    let (_, commune) = producer(&app, LONGAN_COOP).await;
    let base = format!("/ban-hang/san-pham/{id}");
    let fields = [
        ("name_vi", "Hack"),
        ("group_code", "food"),
        ("commune_id", commune.as_str()),
    ];
    assert_eq!(other.submit(&base, &fields).await.status(), 403);
    assert_eq!(
        other
            .submit(
                &format!("{base}/bien-the"),
                &[
                    ("label_vi", "X"),
                    ("unit", "box"),
                    ("price", "1"),
                    ("stock", "1")
                ]
            )
            .await
            .status(),
        403
    );
    assert_eq!(
        other
            .submit(&format!("{base}/trang-thai"), &[("action", "archive")])
            .await
            .status(),
        403
    );
    assert_eq!(
        other
            .upload(
                &format!("{base}/anh"),
                &[],
                &[("anh", "a.jpg", &server::photos::samples::jpeg(64, 48))]
            )
            .await
            .status(),
        403
    );
    assert_eq!(other.get(&base).await.status(), 403);
    // Creating a listing for a producer one does not belong to.
    let (bees, _) = producer(&app, LONGAN_COOP).await;
    let r = other
        .submit(
            "/ban-hang/san-pham",
            &[
                ("producer_id", &bees),
                ("name_vi", "Mật ong giả"),
                ("group_code", "food"),
                ("commune_id", &commune),
            ],
        )
        .await;
    assert_eq!(r.status(), 403);
    // A visitor is sent to sign in.
    let r = visitor
        .submit(&format!("{base}/trang-thai"), &[("action", "archive")])
        .await;
    assert!(
        location(&r).starts_with("/dang-nhap?next="),
        "{}",
        location(&r)
    );
    assert_eq!(status_of(&app, &id).await.0, "draft");
    let name: String = sqlx::query_scalar("SELECT name_vi FROM products WHERE id = $1")
        .bind(&id)
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    assert_eq!(name, "Long nhãn");
    assert!(!other.page("/ban-hang").await.contains("Long nhãn"));
});

/// Photo directories under the media dir.
fn stored_photo_dirs(app: &TestApp) -> usize {
    std::fs::read_dir(app.data_dir.path().join("media/photos"))
        .map(|d| d.count())
        .unwrap_or(0)
}

db_test!(
    listing_photos_are_cleaned_ordered_and_bad_files_refused,
    |engine| {
        use server::photos::samples::{bomb_png, jpeg, with_exif_orientation};
        let app = spawn_seeded_app(engine).await;
        let farmer = member(&app, "0988 300 001", LONGAN_COOP).await;
        let id = create_listing(&app, &farmer, LONGAN_COOP, "Nhãn lồng tươi hộp quà").await;
        let upload = format!("/ban-hang/san-pham/{id}/anh");
        let back = format!("/ban-hang/san-pham/{id}");
        let (photos, dirs) = (app.count("photos").await, stored_photo_dirs(&app));

        let full = jpeg(1600, 1200);
        let thirty_mb = vec![0xFFu8; 30 * 1024 * 1024];
        for (name, bytes, code) in [
            ("cut.jpg", &full[..full.len() / 2], "photo_corrupt"),
            ("bomb.png", &bomb_png()[..], "photo_pixels"),
            ("notes.jpg", &b"khong phai anh"[..], "photo_format"),
            (
                "logo.svg",
                &br#"<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>"#[..],
                "photo_format",
            ),
            ("big.jpg", &thirty_mb[..], "photo_size"),
        ] {
            let r = farmer.upload(&upload, &[], &[("anh", name, bytes)]).await;
            assert_eq!(location(&r), format!("{back}?loi={code}"), "{name}");
            assert_eq!(app.count("photos").await, photos, "{name} left no row");
            assert_eq!(stored_photo_dirs(&app), dirs, "{name} left no file");
        }
        assert!(
            farmer
                .page(&format!("{back}?loi=photo_pixels"))
                .await
                .contains("quá nhiều điểm ảnh")
        );

        // Three photos from the phone at once, one taken turned, with GPS-bearing EXIF.
        let turned = with_exif_orientation(&jpeg(2000, 1500));
        let r = farmer
            .upload(
                &upload,
                &[("alt", "Hộp quà nhãn lồng")],
                &[
                    ("anh", "1.jpg", &turned),
                    ("anh", "2.jpg", &full),
                    ("anh", "3.jpg", &jpeg(800, 800)),
                ],
            )
            .await;
        assert_eq!(location(&r), format!("{back}?ok=1#anh"));
        let order = || async {
            let rows: Vec<(String,)> = sqlx::query_as("SELECT photo_id FROM product_photos WHERE product_id = $1 ORDER BY position, photo_id")
            .bind(&id).fetch_all(app.db.pool()).await.unwrap();
            rows.into_iter().map(|(p,)| p).collect::<Vec<_>>()
        };
        let ids = order().await;
        assert_eq!(ids.len(), 3);
        let keys: Vec<(String, i64, i64)> = sqlx::query_as(
        "SELECT storage_key, width, height FROM photo_derivatives WHERE photo_id = $1 ORDER BY width",
    )
    .bind(&ids[0]).fetch_all(app.db.pool()).await.unwrap();
        assert_eq!(
            keys.iter().map(|k| (k.1, k.2)).collect::<Vec<_>>(),
            vec![(320, 426), (640, 853), (1280, 1706)],
            "upright, 320/640/1280"
        );
        for (key, _, _) in &keys {
            let r = app.get(&format!("/media/{key}")).await;
            assert!(
                r.headers()["cache-control"]
                    .to_str()
                    .unwrap()
                    .contains("immutable")
            );
            assert_eq!(r.headers()["content-type"], "image/jpeg");
            assert_eq!(r.headers()["vary"], "accept");
            let bytes = r.bytes().await.unwrap();
            assert!(
                !bytes.windows(4).any(|w| w == b"Exif"),
                "{key} carries no EXIF (no GPS)"
            );
            // A browser that takes WebP gets the smaller WebP copy of the same photo.
            let r = app
                .client
                .get(format!("{}/media/{key}", app.address))
                .header(
                    "accept",
                    "image/avif,image/webp,image/apng,image/*,*/*;q=0.8",
                )
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 200);
            assert_eq!(r.headers()["content-type"], "image/webp", "{key}");
            assert_eq!(r.headers()["vary"], "accept");
            assert!(
                r.headers()["cache-control"]
                    .to_str()
                    .unwrap()
                    .contains("immutable")
            );
            let webp = r.bytes().await.unwrap();
            assert_eq!(&webp[8..12], b"WEBP");
            assert!(
                webp.len() < bytes.len(),
                "{key}: {} vs {}",
                webp.len(),
                bytes.len()
            );
            assert!(!webp.windows(4).any(|w| w == b"Exif"));
        }
        // A photo stored before the WebP copies existed: the JPEG answers, every time.
        let (old_key, _, _) = &keys[0];
        let twin = server::photos::store::webp_key(old_key).unwrap();
        std::fs::remove_file(app.data_dir.path().join("media").join(&twin)).unwrap();
        for _ in 0..2 {
            let r = app
                .client
                .get(format!("{}/media/{old_key}", app.address))
                .header("accept", "image/avif,image/webp,*/*;q=0.8")
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 200);
            assert_eq!(r.headers()["content-type"], "image/jpeg");
        }

        // Reorder: the last moves up twice and becomes the cover; a first photo cannot move up.
        let photo = |p: &str| format!("{back}/anh/{p}");
        farmer.submit(&photo(&ids[2]), &[("action", "up")]).await;
        farmer.submit(&photo(&ids[2]), &[("action", "up")]).await;
        farmer.submit(&photo(&ids[2]), &[("action", "up")]).await;
        assert_eq!(
            order().await,
            vec![ids[2].clone(), ids[0].clone(), ids[1].clone()]
        );
        farmer.submit(&photo(&ids[2]), &[("action", "down")]).await;
        assert_eq!(
            order().await,
            vec![ids[0].clone(), ids[2].clone(), ids[1].clone()]
        );
        // Alt text.
        let r = farmer
            .submit(
                &photo(&ids[1]),
                &[("action", "alt"), ("alt", "Nhãn bóc vỏ")],
            )
            .await;
        assert_eq!(location(&r), format!("{back}?ok=1#anh"));
        assert!(farmer.page(&back).await.contains("alt=\"Nhãn bóc vỏ\""));
        // Delete: rows and files go.
        let dir = app.data_dir.path().join("media/photos").join(&ids[1]);
        assert!(dir.is_dir());
        farmer
            .submit(&photo(&ids[1]), &[("action", "delete")])
            .await;
        assert_eq!(order().await, vec![ids[0].clone(), ids[2].clone()]);
        assert!(!dir.exists(), "the files are removed");
        assert_eq!(app.count("photos").await, photos + 2);
        // Another listing's photo id cannot be reached through this listing.
        let other = create_listing(&app, &farmer, LONGAN_COOP, "Nhãn lồng loại hai").await;
        let r = farmer
            .submit(
                &format!("/ban-hang/san-pham/{other}/anh/{}", ids[0]),
                &[("action", "delete")],
            )
            .await;
        assert_eq!(r.status(), 404);
        assert_eq!(order().await.len(), 2);
    }
);

// A farmer whose upload was cut off sends all the photos again, not knowing which arrived:
// the ones the listing has already are not added a second time, and sending only those
// changes nothing, so an approved listing stays on sale.
db_test!(
    photos_sent_again_to_a_listing_are_not_added_twice,
    |engine| {
        use server::photos::samples::jpeg;
        let app = spawn_seeded_app(engine).await;
        let farmer = member(&app, "0988 300 004", LONGAN_COOP).await;
        let id = create_listing(&app, &farmer, LONGAN_COOP, "Nhãn lồng sấy khô").await;
        let upload = format!("/ban-hang/san-pham/{id}/anh");
        let back = format!("/ban-hang/san-pham/{id}");
        // Where the upload of these files sends the farmer back to.
        let send = |files: Vec<(&'static str, Vec<u8>)>| {
            let (farmer, upload) = (&farmer, &upload);
            async move {
                let files: Vec<(&str, &str, &[u8])> =
                    files.iter().map(|(n, b)| ("anh", *n, &b[..])).collect();
                location(&farmer.upload(upload, &[], &files).await)
            }
        };
        let gallery = || async {
            let rows: Vec<(String, i64)> = sqlx::query_as(
            "SELECT photo_id, position FROM product_photos WHERE product_id = $1 ORDER BY position",
        )
        .bind(&id)
        .fetch_all(app.db.pool())
        .await
        .unwrap();
            rows
        };
        let on_sale = || async {
            sqlx::query("UPDATE products SET status = 'approved' WHERE id = $1")
                .bind(&id)
                .execute(app.db.pool())
                .await
                .unwrap();
        };
        let (a, b, c) = (jpeg(640, 480), jpeg(700, 500), jpeg(500, 700));

        // The same photo twice in one upload is one photo.
        let to = send(vec![
            ("a.jpg", a.clone()),
            ("a-copy.jpg", a.clone()),
            ("b.jpg", b.clone()),
        ])
        .await;
        assert_eq!(to, format!("{back}?ok=1#anh"));
        let first = gallery().await;
        assert_eq!(first.len(), 2, "{first:?}");
        let (photos, dirs) = (app.count("photos").await, stored_photo_dirs(&app));

        // On sale, then everything sent again with one new photo: only the new one is added, last.
        on_sale().await;
        let to = send(vec![
            ("a.jpg", a.clone()),
            ("b.jpg", b.clone()),
            ("c.jpg", c.clone()),
        ])
        .await;
        assert_eq!(
            to,
            format!("{back}?ok=duyet-lai#anh"),
            "the new photo goes to review"
        );
        let second = gallery().await;
        assert_eq!(second.len(), 3, "{second:?}");
        assert_eq!(second[..2], first[..], "the first two keep their places");
        assert_eq!(app.count("photos").await, photos + 1);
        assert_eq!(
            stored_photo_dirs(&app),
            dirs + 1,
            "no files kept for the repeats"
        );

        // Only photos it has: nothing changes, the listing stays on sale, and the farmer is told.
        on_sale().await;
        let to = send(vec![("c.jpg", c.clone()), ("a.jpg", a.clone())]).await;
        assert_eq!(to, format!("{back}?ok=anh-da-co#anh"));
        assert_eq!(gallery().await, second);
        assert_eq!(status_of(&app, &id).await.0, "approved");
        assert_eq!(stored_photo_dirs(&app), dirs + 1);
        assert!(
            farmer
                .page(&format!("{back}?ok=anh-da-co"))
                .await
                .contains("Các ảnh này đã có trong tin đăng")
        );

        // The same new photo from two tabs at once: added once (the listing's lock orders them).
        let d = jpeg(900, 600);
        let (one, two) = tokio::join!(send(vec![("d.jpg", d.clone())]), send(vec![("d.jpg", d)]));
        let mut answers = [one, two];
        answers.sort();
        assert_eq!(
            answers,
            [
                format!("{back}?ok=anh-da-co#anh"),
                format!("{back}?ok=duyet-lai#anh")
            ]
        );
        assert_eq!(gallery().await.len(), 4);

        // Another listing may show the same photo.
        let other = create_listing(&app, &farmer, LONGAN_COOP, "Nhãn lồng sấy hộp nhỏ").await;
        let r = farmer
            .upload(
                &format!("/ban-hang/san-pham/{other}/anh"),
                &[],
                &[("anh", "a.jpg", &a)],
            )
            .await;
        assert_eq!(location(&r), format!("/ban-hang/san-pham/{other}?ok=1#anh"));
    }
);

db_test!(producers_see_their_orders_and_sales, |engine| {
    let app = spawn_seeded_app(engine).await;
    let farmer = member(&app, "0988 400 001", LONGAN_COOP).await;
    let (producer_id, _) = producer(&app, LONGAN_COOP).await;
    let (variant, product, price): (String, String, i64) = sqlx::query_as(
        "SELECT v.id, p.name_vi, v.price_vnd FROM product_variants v JOIN products p ON p.id = v.product_id
         WHERE p.producer_id = $1 AND p.status = 'approved' AND v.stock >= 5 ORDER BY v.price_vnd LIMIT 1",
    )
    .bind(&producer_id).fetch_one(app.db.pool()).await.unwrap();
    let (province, commune) = ocop_tests::delivery_address(&app.db).await;
    let mut orders = vec![];
    for (i, qty) in [1, 2, 3].into_iter().enumerate() {
        let buyer = Browser::new(&app.address);
        let r = buyer
            .json(
                Method::POST,
                "/api/v1/cart/items",
                Some(&json!({"variant_id": variant, "quantity": qty})),
            )
            .await;
        assert_eq!(r.status(), 200);
        let placed: Value = buyer
            .json(
                Method::POST,
                "/api/v1/checkout",
                Some(&json!({
                    "name": format!("Khách {i}"), "phone": "0912 345 678", "street": "1 Hiến Nam",
                    "province_id": province, "commune_id": commune, "payment_method": "cod",
                    "idempotency_key": format!("sales-test-key-{i:04}"),
                })),
            )
            .await
            .json()
            .await
            .unwrap();
        orders.push(placed["orders"][0]["order_no"].as_str().unwrap().to_owned());
    }
    // One is cancelled: it does not count as a sale.
    let r = farmer
        .submit(
            &format!("/don-hang/{}/trang-thai", orders[2]),
            &[("action", "cancel"), ("reason", "Khách đổi ý")],
        )
        .await;
    assert_eq!(location(&r), format!("/don-hang/{}?ok=1", orders[2]));

    let list = farmer.page("/ban-hang/don-hang").await;
    assert!(orders.iter().all(|o| list.contains(o.as_str())), "{list}");
    let placed_only = farmer.page("/ban-hang/don-hang?trang-thai=placed").await;
    assert!(placed_only.contains(&orders[0]) && !placed_only.contains(&orders[2]));
    let stranger = member(&app, "0988 400 002", BEES).await;
    assert!(
        !stranger
            .page("/ban-hang/don-hang")
            .await
            .contains(&orders[0])
    );

    let sales = farmer.page("/ban-hang/doanh-thu").await;
    let revenue = app::domain::money::Vnd::new(price * 3)
        .unwrap()
        .format(app::domain::money::MoneyLocale::Vi);
    assert!(
        sales.contains(&revenue) && sales.contains("<svg") && sales.contains(&product),
        "{sales}"
    );
    let r = farmer.get("/ban-hang/doanh-thu.csv").await;
    assert_eq!(r.status(), 200);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let csv = r.text().await.unwrap();
    let product_line = csv
        .lines()
        .find(|l| l.starts_with("product,"))
        .unwrap()
        .to_owned();
    assert_eq!(product_line, format!("product,{product},2,3,{}", price * 3));
    assert!(csv.lines().filter(|l| l.starts_with("week,")).count() >= 12);
    assert_eq!(
        Browser::new(&app.address)
            .get("/ban-hang/doanh-thu.csv")
            .await
            .status(),
        303
    );
});

async fn set_producer_status(app: &TestApp, producer_id: &str, status: &str) {
    let reason = (status != "active").then_some("thử");
    sqlx::query("UPDATE producers SET status = $1, status_reason = $2 WHERE id = $3")
        .bind(status)
        .bind(reason)
        .bind(producer_id)
        .execute(app.db.pool())
        .await
        .unwrap();
}

// Applying to sell makes the applicant the producer's owner at once; the review found that a
// pending or refused producer could list products, keep a diary, upload publicly served photos
// and fill the officers' queue. Only an approved producer's members act for it.
db_test!(a_producer_acts_only_once_approved, |engine| {
    let app = spawn_seeded_app(engine).await;
    let commune = crate::accounts::commune_id(&app, "tan-hung").await;
    let farmer = sign_up(&app, "0988 100 301", "Chị Hoa").await;
    let r = farmer
        .submit(
            "/tai-khoan/ban-hang",
            &[
                ("name", "Hộ chị Hoa thử"),
                ("kind", "household"),
                ("commune_id", &commune),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    let producer_id: String =
        sqlx::query_scalar("SELECT id FROM producers WHERE name = 'Hộ chị Hoa thử'")
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    let new_listing = [
        ("producer_id", producer_id.as_str()),
        ("name_vi", "Nhãn chưa duyệt"),
        ("group_code", "food"),
        ("commune_id", commune.as_str()),
    ];
    let new_plot = [
        ("producer_id", producer_id.as_str()),
        ("name", "Vườn chưa duyệt"),
        ("crop", "nhãn lồng"),
        ("commune_id", commune.as_str()),
        ("area_m2", "100"),
    ];
    let (products, plots) = (app.count("products").await, app.count("plots").await);
    for status in ["pending", "rejected", "suspended"] {
        set_producer_status(&app, &producer_id, status).await;
        let r = farmer.submit("/ban-hang/san-pham", &new_listing).await;
        assert_eq!(r.status(), 403, "{status}: a listing");
        let r = farmer.submit("/nong-trai/vuon", &new_plot).await;
        assert_eq!(r.status(), 403, "{status}: a plot");
        let shop = farmer.page("/ban-hang").await;
        assert!(
            !shop.contains(r#"name="name_vi""#),
            "{status}: no listing form"
        );
        assert!(
            shop.contains("chưa được cán bộ xã duyệt"),
            "{status}: told why"
        );
        assert_eq!(app.count("products").await, products, "{status}");
        assert_eq!(app.count("plots").await, plots, "{status}");
    }

    // Approved: the same forms work; refused again, its listing takes no edits or photos.
    set_producer_status(&app, &producer_id, "active").await;
    let r = farmer.submit("/ban-hang/san-pham", &new_listing).await;
    let to = location(&r);
    assert!(to.ends_with("?ok=1"), "{to}");
    let listing = to
        .trim_start_matches("/ban-hang/san-pham/")
        .trim_end_matches("?ok=1");
    assert_eq!(
        farmer.submit("/nong-trai/vuon", &new_plot).await.status(),
        303
    );
    set_producer_status(&app, &producer_id, "suspended").await;
    let photos = app.count("photos").await;
    let r = farmer
        .upload(
            &format!("/ban-hang/san-pham/{listing}/anh"),
            &[],
            &[("anh", "a.jpg", &server::photos::samples::jpeg(64, 48))],
        )
        .await;
    assert_eq!(r.status(), 403);
    assert_eq!(app.count("photos").await, photos);
    let r = farmer
        .submit(
            &format!("/ban-hang/san-pham/{listing}/trang-thai"),
            &[("action", "publish")],
        )
        .await;
    assert_eq!(r.status(), 403);
});

// The review changed an approved listing's name, description, photos and commune and saw them
// on the public page at once, unaudited; moved onto another commune's page, the product could
// be crowned there by an officer who could not moderate it. Now a change to what buyers see
// takes the listing back to review (it leaves the public pages until approved again), every
// edit is audited, and a product's commune is its producer's.
db_test!(edits_to_an_approved_listing_go_back_to_review, |engine| {
    let app = spawn_seeded_app(engine).await;
    let farmer = member(&app, "0988 100 311", LONGAN_COOP).await;
    let (_, coop_commune) = producer(&app, LONGAN_COOP).await;
    let elsewhere = crate::accounts::commune_id(&app, "hoan-long").await;
    let (id, name, gtin): (String, String, Option<String>) =
        sqlx::query_as("SELECT id, name_vi, gtin FROM products WHERE slug = 'nhan-long-hung-yen'")
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    assert_eq!(status_of(&app, &id).await.0, "approved");
    let public = "/san-pham/nhan-long-hung-yen";
    assert!(app.page(public).await.contains(&name));
    let edits = |app: &TestApp| {
        let pool = app.db.pool().clone();
        let id = id.clone();
        async move {
            sqlx::query_scalar::<_, i64>(
                "SELECT COUNT(*) FROM audit_log WHERE subject_id = $1 AND action = 'listing.edit'",
            )
            .bind(id)
            .fetch_one(&pool)
            .await
            .unwrap()
        }
    };

    // Saving the form unchanged changes nothing.
    let editor = format!("/ban-hang/san-pham/{id}");
    let fields = |name_vi: &str, commune: &str| {
        vec![
            ("name_vi".to_owned(), name_vi.to_owned()),
            ("name_en".to_owned(), "Hung Yen longan".to_owned()),
            ("group_code".to_owned(), "food".to_owned()),
            ("commune_id".to_owned(), commune.to_owned()),
            ("description_vi".to_owned(), "Cùi dày, ngọt sắc.".to_owned()),
            ("description_en".to_owned(), String::new()),
            ("gtin".to_owned(), gtin.clone().unwrap_or_default()),
        ]
    };
    fn as_refs(f: &[(String, String)]) -> Vec<(&str, &str)> {
        f.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
    }
    let renamed = fields("Nhãn lồng thượng hạng", &elsewhere);
    let r = farmer.submit(&editor, &as_refs(&renamed)).await;
    assert_eq!(location(&r), format!("{editor}?ok=duyet-lai"));
    let (status, commune): (String, String) =
        sqlx::query_as("SELECT status, commune_id FROM products WHERE id = $1")
            .bind(&id)
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    assert_eq!(status, "pending", "a changed name goes back to review");
    assert_eq!(
        commune, coop_commune,
        "the producer's commune, whatever the form said"
    );
    assert_eq!(edits(&app).await, 1);
    let page = app.get(public).await;
    let body = page.text().await.unwrap();
    assert!(
        !body.contains("Nhãn lồng thượng hạng"),
        "not public before review"
    );
    assert!(
        farmer
            .page(&format!("{editor}?ok=duyet-lai"))
            .await
            .contains("Sản phẩm đang chờ cán bộ xã duyệt lại"),
        "the farmer is told why"
    );

    // The officer approves it: the new name is public.
    let officer = officer_of(&app, "0988 100 312", &coop_commune).await;
    let r = officer
        .submit(&format!("/can-bo/san-pham/{id}"), &[("action", "approve")])
        .await;
    assert_eq!(r.status(), 303);
    assert!(app.page(public).await.contains("Nhãn lồng thượng hạng"));

    // Unchanged again: still approved, audited nothing new. A photo is a public change.
    let r = farmer.submit(&editor, &as_refs(&renamed)).await;
    assert_eq!(location(&r), format!("{editor}?ok=1"));
    assert_eq!(status_of(&app, &id).await.0, "approved");
    assert_eq!(edits(&app).await, 1);
    let r = farmer
        .upload(
            &format!("{editor}/anh"),
            &[],
            &[("anh", "moi.jpg", &server::photos::samples::jpeg(640, 480))],
        )
        .await;
    assert_eq!(location(&r), format!("{editor}?ok=duyet-lai#anh"));
    assert_eq!(
        status_of(&app, &id).await.0,
        "pending",
        "a new photo is reviewed"
    );
    assert_eq!(edits(&app).await, 2);
});

db_test!(huge_photos_are_refused_before_decoding, |engine| {
    use server::photos::samples::black_png;
    let app = spawn_seeded_app(engine).await;
    let farmer = member(&app, "0988 300 021", LONGAN_COOP).await;
    let id = create_listing(&app, &farmer, LONGAN_COOP, "Nhãn lồng sấy khô").await;
    let upload = format!("/ban-hang/san-pham/{id}/anh");
    let back = format!("/ban-hang/san-pham/{id}");
    let photos = app.count("photos").await;
    // The security review's file: 50 megapixels of one colour that weigh under 1 MB, which took
    // ~430 MB to process.
    let png = black_png(8000, 6250);
    assert!(png.len() < 1024 * 1024);
    let r = farmer
        .upload(&upload, &[], &[("anh", "50mp.png", &png)])
        .await;
    assert_eq!(location(&r), format!("{back}?loi=photo_pixels"));
    assert_eq!(app.count("photos").await, photos);
    // The message names the limit, in both languages.
    let page = farmer.page(&format!("{back}?loi=photo_pixels")).await;
    assert!(page.contains("tối đa 25 megapixel"), "{page}");
    farmer.set_cookie("lang", "en");
    let page = farmer.page(&format!("{back}?loi=photo_pixels")).await;
    assert!(page.contains("at most 25 megapixels"), "{page}");
    // A 12 MP phone photo is still welcome.
    let r = farmer
        .upload(
            &upload,
            &[],
            &[(
                "anh",
                "phone.jpg",
                &server::photos::samples::jpeg(4000, 3000),
            )],
        )
        .await;
    assert_eq!(location(&r), format!("{back}?ok=1#anh"));
    assert_eq!(app.count("photos").await, photos + 1);
});

db_test!(photo_decoding_keeps_to_its_budget, |engine| {
    use server::photos::samples::jpeg;
    let app = ocop_tests::spawn_app_configured(engine, |s| {
        s.limits.photo_decodes = 1;
        s.limits.photo_queue_wait = std::time::Duration::from_millis(300);
    })
    .await;
    app.seed().await;
    let farmer = member(&app, "0988 300 022", LONGAN_COOP).await;
    let id = create_listing(&app, &farmer, LONGAN_COOP, "Nhãn lồng hộp quà Tết").await;
    let upload = format!("/ban-hang/san-pham/{id}/anh");
    let back = format!("/ban-hang/san-pham/{id}");
    let photos = app.count("photos").await;
    let photo = jpeg(1600, 1200);
    // The only decoding slot is busy (as with another upload): this one waits its turn, then is
    // told to come back rather than queue in memory.
    let busy = app
        .state
        .photo_budget
        .slots()
        .clone()
        .acquire_owned()
        .await
        .unwrap();
    let r = farmer
        .upload(&upload, &[], &[("anh", "1.jpg", &photo)])
        .await;
    assert_eq!(r.status(), 503);
    assert!(r.headers().contains_key("retry-after"), "{:?}", r.headers());
    assert!(r.text().await.unwrap().contains("thử lại"));
    assert_eq!(app.count("photos").await, photos);
    // The slot is free again: the same upload goes through.
    drop(busy);
    let r = farmer
        .upload(&upload, &[], &[("anh", "1.jpg", &photo)])
        .await;
    assert_eq!(location(&r), format!("{back}?ok=1#anh"));
    assert_eq!(app.count("photos").await, photos + 1);
    assert_eq!(app.state.photo_budget.slots().available_permits(), 1);
});

db_test!(a_producer_sets_its_delivery_fees_and_reach, |engine| {
    let app = spawn_seeded_app(engine).await;
    let farmer = member(&app, "0988 100 007", BEES).await;
    let (producer_id, _) = producer(&app, BEES).await;
    let page = farmer.page("/ban-hang/giao-hang").await;
    assert!(page.contains("Phí giao hàng") && page.contains("Các tỉnh giáp ranh"));
    let fields = |far_first: &'static str, free_over: &'static str| {
        vec![
            ("producer_id", producer_id.clone()),
            ("same_first", "15.000".to_owned()),
            ("same_next", "2.000".to_owned()),
            ("near_first", "22.000".to_owned()),
            ("near_next", "3.000".to_owned()),
            ("far_first", far_first.to_owned()),
            ("far_next", "6.000".to_owned()),
            ("free_over", free_over.to_owned()),
        ]
    };
    let submit = |f: Vec<(&'static str, String)>| {
        let farmer = &farmer;
        async move {
            let pairs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
            location(&farmer.submit("/ban-hang/giao-hang", &pairs).await)
        }
    };
    assert_eq!(
        submit(fields("ba mươi nghìn", "")).await,
        "/ban-hang/giao-hang?loi=fee"
    );
    assert_eq!(
        submit(fields("40.000", "0")).await,
        "/ban-hang/giao-hang?loi=free_over"
    );
    assert_eq!(
        submit(fields("40.000", "2.000.000")).await,
        "/ban-hang/giao-hang?ok=1"
    );
    let stored: (i64, i64, Option<i64>) = sqlx::query_as(
        "SELECT far_first_vnd, far_next_vnd, free_over_vnd FROM producer_shipping WHERE producer_id = $1",
    )
    .bind(&producer_id)
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    assert_eq!(stored, (40_000, 6_000, Some(2_000_000)));
    assert!(
        farmer
            .page("/ban-hang/giao-hang")
            .await
            .contains(r#"value="40000""#)
    );

    // Another producer's member may not set this table.
    let other = member(&app, "0988 100 008", LONGAN_COOP).await;
    let pairs: Vec<(&str, String)> = fields("1", "");
    let pairs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(
        other.submit("/ban-hang/giao-hang", &pairs).await.status(),
        403
    );

    // A listing kept to the nearby provinces.
    let honey: String =
        sqlx::query_scalar("SELECT id FROM products WHERE slug = 'mat-ong-hoa-nhan'")
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    let reach_path = format!("/ban-hang/san-pham/{honey}/giao-hang");
    assert_eq!(
        location(&farmer.submit(&reach_path, &[("reach", "moon")]).await),
        format!("/ban-hang/san-pham/{honey}?loi=reach")
    );
    assert_eq!(
        location(&farmer.submit(&reach_path, &[("reach", "neighbours")]).await),
        format!("/ban-hang/san-pham/{honey}?ok=1")
    );
    assert_eq!(
        other
            .submit(&reach_path, &[("reach", "country")])
            .await
            .status(),
        403
    );
    let reach: String = sqlx::query_scalar("SELECT delivery_reach FROM products WHERE id = $1")
        .bind(&honey)
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    assert_eq!(reach, "neighbours");
    let editor = farmer.page(&format!("/ban-hang/san-pham/{honey}")).await;
    assert!(
        editor.contains(r#"<option value="neighbours" selected"#),
        "the editor shows it"
    );
});

// A taken GTIN was checked on a second connection while the failed insert still held the
// first: with a one-connection pool (OCOP_DB_CONNECTIONS=1), or as many such requests at once
// as the pool has connections, it waited out the pool's 10 s and failed instead of saying so.
db_test!(
    a_taken_gtin_is_refused_with_a_one_connection_pool,
    |engine| {
        let app =
            ocop_tests::spawn_app_configured(engine, |s| s.limits.db_connections = Some(1)).await;
        app.seed().await;
        let farmer = member(&app, "0988 100 401", LONGAN_COOP).await;
        let (producer_id, commune) = producer(&app, LONGAN_COOP).await;
        let gtin: String =
            sqlx::query_scalar("SELECT gtin FROM products WHERE slug = 'nhan-long-hung-yen'")
                .fetch_one(app.db.pool())
                .await
                .unwrap();
        let before = app.count("products").await;
        let r = farmer
            .submit(
                "/ban-hang/san-pham",
                &[
                    ("producer_id", &producer_id),
                    ("name_vi", "Nhãn lồng sấy dẻo"),
                    ("group_code", "food"),
                    ("commune_id", &commune),
                    ("gtin", &gtin),
                ],
            )
            .await;
        assert_eq!(location(&r), "/ban-hang?loi=gtin_taken");
        assert_eq!(app.count("products").await, before);
    }
);
