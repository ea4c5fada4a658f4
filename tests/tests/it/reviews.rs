//! Buyer reviews (#27): only the buyer of a delivered order reviews its lines, once each (two
//! submits at once make one review); stars, text and up to three photos through the photo
//! pipeline; the product page's average, count and JSON-LD `aggregateRating`; the producer's
//! one reply; an officer hides with a reason (audited, no longer shown or counted); search
//! sorts by rating.

use ocop_tests::{
    TestApp,
    browser::{Browser, location},
    db_test, spawn_seeded_app,
};

use super::accounts::{member_of, officer_of_commune, sign_up};
use super::checkout::{add, checkout_body, order_nos, place};

const COOP: &str = "htx-nhan-long-song-hong-xanh";

/// The cooperative's first product on sale: (variant id, product slug).
async fn coop_variant(app: &TestApp) -> (String, String) {
    sqlx::query_as(
        "SELECT v.id, p.slug FROM product_variants v
           JOIN products p ON p.id = v.product_id JOIN producers pr ON pr.id = p.producer_id
          WHERE pr.slug = $1 AND v.status = 'active' AND p.status = 'approved' AND v.stock >= 5
          ORDER BY p.slug, v.id LIMIT 1",
    )
    .bind(COOP)
    .fetch_one(app.db.pool())
    .await
    .unwrap()
}

async fn coop_commune(app: &TestApp) -> String {
    sqlx::query_scalar(
        "SELECT c.slug FROM producers pr JOIN communes c ON c.id = pr.commune_id WHERE pr.slug = $1",
    )
    .bind(COOP)
    .fetch_one(app.db.pool())
    .await
    .unwrap()
}

/// The buyer's order of one unit of `variant`, cash on delivery: (order number, line id).
async fn buy(app: &TestApp, buyer: &Browser, variant: &str, key: &str) -> (String, String) {
    add(buyer, variant, 1).await;
    let (status, placed) = place(buyer, &checkout_body(app, "cod", key).await).await;
    assert_eq!(status, 201, "{placed}");
    let no = order_nos(&placed).remove(0);
    let line: String = sqlx::query_scalar(
        "SELECT l.id FROM order_lines l JOIN orders o ON o.id = l.order_id WHERE o.order_no = $1",
    )
    .bind(&no)
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    (no, line)
}

/// The producer confirms, ships and delivers the order through its forms.
async fn deliver(seller: &Browser, order_no: &str) {
    let path = format!("/don-hang/{order_no}/trang-thai");
    for fields in [
        vec![("action", "confirm")],
        vec![
            ("action", "ship"),
            ("carrier", "Bưu điện"),
            ("tracking_no", "VN1"),
        ],
        vec![("action", "deliver")],
    ] {
        let r = seller.submit(&path, &fields).await;
        assert_eq!(
            location(&r),
            format!("/don-hang/{order_no}?ok=1"),
            "{fields:?}"
        );
    }
}

async fn review(
    b: &Browser,
    order_no: &str,
    line: &str,
    stars: &str,
    text: &str,
    photos: &[Vec<u8>],
) -> String {
    let files: Vec<(&str, &str, &[u8])> = photos
        .iter()
        .map(|p| ("anh", "anh.jpg", p.as_slice()))
        .collect();
    let r = b
        .upload(
            &format!("/don-hang/{order_no}/danh-gia/{line}"),
            &[("stars", stars), ("text", text)],
            &files,
        )
        .await;
    assert_eq!(r.status(), 303, "a review answers with a redirect");
    location(&r)
}

fn refused(order_no: &str, code: &str) -> String {
    format!("/don-hang/{order_no}?loi_dg={code}#danh-gia")
}

async fn reviews_of_line(app: &TestApp, line: &str) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM reviews WHERE order_line_id = $1")
        .bind(line)
        .fetch_one(app.db.pool())
        .await
        .unwrap()
}

async fn review_id(app: &TestApp, line: &str) -> String {
    sqlx::query_scalar("SELECT id FROM reviews WHERE order_line_id = $1")
        .bind(line)
        .fetch_one(app.db.pool())
        .await
        .unwrap()
}

/// The JSON-LD of a page, parsed.
fn json_ld(page: &str) -> serde_json::Value {
    let start = page
        .find("<script type=\"application/ld+json\">")
        .expect("a JSON-LD script")
        + "<script type=\"application/ld+json\">".len();
    let end = start + page[start..].find("</script>").unwrap();
    serde_json::from_str(&page[start..end]).unwrap()
}

db_test!(
    only_the_buyer_of_a_delivered_line_reviews_it_once,
    |engine| {
        let app = spawn_seeded_app(engine).await;
        let (variant, slug) = coop_variant(&app).await;
        let seller = member_of(&app, "0988 720 001", "Chủ HTX", COOP).await;
        let buyer = sign_up(&app, "0988 720 002", "Nguyễn Thị Hoa").await;
        let (no, line) = buy(&app, &buyer, &variant, "review-order-1").await;

        // Before delivery: refused, and no form on the order page.
        let to = review(&buyer, &no, &line, "5", "Ngon", &[]).await;
        assert_eq!(to, refused(&no, "chua-giao"));
        assert!(
            !buyer
                .page(&format!("/don-hang/{no}"))
                .await
                .contains("Gửi đánh giá")
        );

        deliver(&seller, &no).await;
        let page = buyer.page(&format!("/don-hang/{no}")).await;
        assert!(page.contains("Gửi đánh giá"), "a form per delivered line");

        // Someone who did not buy: refused (a signed-in stranger, and the producer's own people).
        let stranger = sign_up(&app, "0988 720 003", "Người lạ").await;
        let to = review(&stranger, &no, &line, "1", "Tệ", &[]).await;
        assert_eq!(to, refused(&no, "khong-phai-nguoi-mua"));
        let to = review(&seller, &no, &line, "5", "Tuyệt", &[]).await;
        assert_eq!(to, refused(&no, "khong-phai-nguoi-mua"));
        // A visitor is sent to sign in.
        let visitor = Browser::new(&app.address);
        visitor.get("/dang-nhap").await;
        let r = visitor
            .upload(
                &format!("/don-hang/{no}/danh-gia/{line}"),
                &[("stars", "5")],
                &[],
            )
            .await;
        assert!(location(&r).starts_with("/dang-nhap"), "{}", location(&r));
        assert_eq!(reviews_of_line(&app, &line).await, 0);

        // Bad stars and too many photos: refused, nothing written.
        assert_eq!(
            review(&buyer, &no, &line, "6", "", &[]).await,
            refused(&no, "sao")
        );
        let photo = server::photos::samples::jpeg(400, 300);
        let four = vec![photo.clone(); 4];
        assert_eq!(
            review(&buyer, &no, &line, "4", "", &four).await,
            refused(&no, "qua-nhieu-anh")
        );
        assert_eq!(reviews_of_line(&app, &line).await, 0);
        assert_eq!(app.count("review_photos").await, 0);

        // The buyer's review after delivery, with two photos: accepted.
        let to = review(
            &buyer,
            &no,
            &line,
            "4",
            "Nhãn ngọt, <b>cùi dày</b>",
            &[photo.clone(), server::photos::samples::jpeg(300, 400)],
        )
        .await;
        assert_eq!(to, format!("/don-hang/{no}?dg=1#danh-gia"));
        assert_eq!(reviews_of_line(&app, &line).await, 1);
        assert_eq!(app.count("review_photos").await, 2);

        // A second review of the same line: refused.
        let to = review(&buyer, &no, &line, "1", "Đổi ý", &[]).await;
        assert_eq!(to, refused(&no, "da-danh-gia"));
        assert_eq!(reviews_of_line(&app, &line).await, 1);

        // The product page: average, count, the review (escaped), the verified label, the
        // author as given name and initial, never the phone; JSON-LD with aggregateRating.
        let page = app.page(&format!("/san-pham/{slug}")).await;
        assert!(page.contains("4,0 ★"), "average with a decimal comma");
        assert!(page.contains("1 đánh giá"));
        assert!(page.contains("Nhãn ngọt, &lt;b&gt;cùi dày&lt;/b&gt;"));
        assert!(page.contains("Đã mua hàng"));
        assert!(page.contains("Hoa N."));
        assert!(!page.contains("Nguyễn Thị Hoa") && !page.contains("720 002"));
        assert!(page.contains("/media/photos/"), "the review's photos");
        let ld = json_ld(&page);
        assert_eq!(ld["aggregateRating"]["ratingValue"], "4.0");
        assert_eq!(ld["aggregateRating"]["reviewCount"], 1);
        assert_eq!(ld["aggregateRating"]["bestRating"], 5);
        assert_eq!(ld["review"][0]["author"]["name"], "Hoa N.");
        assert_eq!(ld["review"][0]["reviewRating"]["ratingValue"], 4);
        assert_eq!(ld["review"][0]["reviewBody"], "Nhãn ngọt, <b>cùi dày</b>");
        let english = app.get_in_english(&format!("/san-pham/{slug}")).await;
        assert!(english.contains("4.0 ★") && english.contains("Verified purchase"));

        // The buyer's order page shows their review instead of the form.
        let page = buyer.page(&format!("/don-hang/{no}?dg=1")).await;
        assert!(page.contains("Cảm ơn bạn đã đánh giá."));
        assert!(page.contains("Đánh giá của bạn"));
        assert!(!page.contains("Gửi đánh giá"));
    }
);

db_test!(two_submits_at_once_make_one_review, |engine| {
    let app = spawn_seeded_app(engine).await;
    let (variant, _) = coop_variant(&app).await;
    let seller = member_of(&app, "0988 721 001", "Chủ HTX", COOP).await;
    let buyer = sign_up(&app, "0988 721 002", "Trần Văn Nam").await;
    let (no, line) = buy(&app, &buyer, &variant, "review-order-2").await;
    deliver(&seller, &no).await;
    let (a, b) = tokio::join!(
        review(&buyer, &no, &line, "5", "Một", &[]),
        review(&buyer, &no, &line, "3", "Hai", &[]),
    );
    let ok = format!("/don-hang/{no}?dg=1#danh-gia");
    let mut answers = [a, b];
    answers.sort();
    assert_eq!(answers, {
        let mut want = [ok, refused(&no, "da-danh-gia")];
        want.sort();
        want
    });
    assert_eq!(reviews_of_line(&app, &line).await, 1);
});

db_test!(
    the_producer_replies_once_and_an_officer_hides_with_a_reason,
    |engine| {
        let app = spawn_seeded_app(engine).await;
        let (variant, slug) = coop_variant(&app).await;
        let seller = member_of(&app, "0988 722 001", "Chủ HTX", COOP).await;
        let buyer = sign_up(&app, "0988 722 002", "Lê Thu Hà").await;
        let (no, line) = buy(&app, &buyer, &variant, "review-order-3").await;
        deliver(&seller, &no).await;
        review(&buyer, &no, &line, "2", "Quả nhỏ, có quảng cáo", &[]).await;
        let id = review_id(&app, &line).await;

        // The producer's page lists it with a reply form; the reply goes once.
        let page = seller.page("/ban-hang/danh-gia").await;
        assert!(page.contains("Quả nhỏ, có quảng cáo") && page.contains("Gửi trả lời"));
        let reply = format!("/ban-hang/danh-gia/{id}/tra-loi");
        let r = seller.submit(&reply, &[("reply", "")]).await;
        assert_eq!(location(&r), "/ban-hang/danh-gia?loi_dg=tra-loi#danh-gia");
        let r = seller
            .submit(&reply, &[("reply", "Cảm ơn chị, lứa sau quả to hơn")])
            .await;
        assert_eq!(location(&r), "/ban-hang/danh-gia?dg=tra-loi");
        // The producer's people heard of the review, its author of the reply.
        let kinds: Vec<String> = sqlx::query_scalar(
            "SELECT DISTINCT kind FROM notifications WHERE kind LIKE 'review%' ORDER BY kind",
        )
        .fetch_all(app.db.pool())
        .await
        .unwrap();
        assert_eq!(kinds, ["review_received", "review_replied"]);
        let r = seller.submit(&reply, &[("reply", "Lần hai")]).await;
        assert_eq!(
            location(&r),
            "/ban-hang/danh-gia?loi_dg=da-tra-loi#danh-gia"
        );
        // Someone else's people cannot reply.
        let other_slug: String =
            sqlx::query_scalar("SELECT slug FROM producers WHERE slug <> $1 ORDER BY slug LIMIT 1")
                .bind(COOP)
                .fetch_one(app.db.pool())
                .await
                .unwrap();
        let other = member_of(&app, "0988 722 003", "Cơ sở khác", &other_slug).await;
        let r = other.submit(&reply, &[("reply", "Chen ngang")]).await;
        assert_eq!(r.status(), 403);
        let page = app.page(&format!("/san-pham/{slug}")).await;
        assert!(page.contains("Cảm ơn chị, lứa sau quả to hơn") && !page.contains("Lần hai"));
        assert!(page.contains("2,0 ★"));

        // The officer of the producer's commune hides it; a reason is required.
        let officer = officer_of_commune(&app, "0988 722 004", &coop_commune(&app).await).await;
        let page = officer.page("/can-bo/danh-gia").await;
        assert!(page.contains("Quả nhỏ, có quảng cáo") && page.contains("Ẩn đánh giá"));
        let hide = format!("/can-bo/danh-gia/{id}/an");
        let r = officer.submit(&hide, &[("reason", "  ")]).await;
        assert_eq!(location(&r), "/can-bo/danh-gia?loi_dg=ly-do#danh-gia");
        // A buyer or the producer cannot hide it.
        assert_eq!(buyer.submit(&hide, &[("reason", "x")]).await.status(), 403);
        assert_eq!(seller.submit(&hide, &[("reason", "x")]).await.status(), 403);
        let r = officer
            .submit(&hide, &[("reason", "Có quảng cáo cho cơ sở khác")])
            .await;
        assert_eq!(location(&r), "/can-bo/danh-gia?dg=an");
        let r = officer.submit(&hide, &[("reason", "Lần nữa")]).await;
        assert_eq!(location(&r), "/can-bo/danh-gia?loi_dg=da-an#danh-gia");

        // Kept on the row and in the audit log.
        let (status, reason, by): (String, String, Option<String>) =
            sqlx::query_as("SELECT status, hidden_reason, hidden_by FROM reviews WHERE id = $1")
                .bind(&id)
                .fetch_one(app.db.pool())
                .await
                .unwrap();
        assert_eq!(
            (status.as_str(), reason.as_str()),
            ("hidden", "Có quảng cáo cho cơ sở khác")
        );
        assert!(by.is_some());
        let audited: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'review.hide' AND subject_id = $1 AND details LIKE '%quảng cáo%'",
        )
        .bind(&id)
        .fetch_one(app.db.pool())
        .await
        .unwrap();
        assert_eq!(audited, 1);

        // Not shown, not counted, no aggregateRating; the author sees why.
        let page = app.page(&format!("/san-pham/{slug}")).await;
        assert!(!page.contains("Quả nhỏ, có quảng cáo"));
        assert!(!page.contains("2,0 ★") && page.contains("Chưa có đánh giá nào."));
        assert!(json_ld(&page).get("aggregateRating").is_none());
        let page = buyer.page(&format!("/don-hang/{no}")).await;
        assert!(
            page.contains("Có quảng cáo cho cơ sở khác"),
            "the author sees the reason"
        );
    }
);

db_test!(search_sorts_by_rating_rated_first, |engine| {
    let app = spawn_seeded_app(engine).await;
    let (variant, slug) = coop_variant(&app).await;
    let seller = member_of(&app, "0988 723 001", "Chủ HTX", COOP).await;
    let buyer = sign_up(&app, "0988 723 002", "Phạm Minh").await;
    let (no, line) = buy(&app, &buyer, &variant, "review-order-4").await;
    deliver(&seller, &no).await;
    app.search_settled().await;
    review(&buyer, &no, &line, "5", "", &[]).await;
    // The review queued the product: the index follows.
    app.search_settled().await;
    let page = app.page("/tim-kiem?sort=rating").await;
    assert!(page.contains("Đánh giá cao"), "the sort is offered");
    let first = page
        .find("/san-pham/")
        .map(|i| &page[i + "/san-pham/".len()..])
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_default()
        .to_owned();
    assert_eq!(first, slug, "the rated product comes first");
    let (_, body) = {
        let r = app.get("/api/v1/products?sort=rating").await;
        (r.status(), r.json::<serde_json::Value>().await.unwrap())
    };
    let items = body["items"].as_array().cloned().unwrap_or_default();
    if let Some(top) = items.first() {
        assert_eq!(top["slug"], slug.as_str(), "{body}");
    }
});

// A review's photos are written to the media store before its transaction begins: a bucket
// that stops answering holds no database connection (nor, on SQLite, the write lock) while
// others write. The server has one connection here, so a review holding it while its upload
// hung made another buyer's cart wait out the pool and fail.
ocop_tests::db_s3_test!(a_hung_bucket_holds_no_connection, |engine| {
    let (s3, app) = crate::media::one_connection_on_a_stalling_bucket(engine).await;
    let (variant, _) = coop_variant(&app).await;
    let seller = member_of(&app, "0988 730 001", "Chủ HTX", COOP).await;
    let buyer = std::sync::Arc::new(sign_up(&app, "0988 730 002", "Nguyễn Thị Hoa").await);
    let (no, line) = buy(&app, &buyer, &variant, "review-hung-bucket").await;
    deliver(&seller, &no).await;
    let other = sign_up(&app, "0988 730 003", "Trần Văn Nam").await;

    s3.stall();
    let mut posting = tokio::spawn({
        let (buyer, no, line) = (buyer.clone(), no.clone(), line.clone());
        async move {
            let photo = server::photos::samples::jpeg(400, 300);
            review(&buyer, &no, &line, "5", "Ngon", &[photo]).await
        }
    });
    tokio::select! {
        () = s3.holding() => {}
        ended = &mut posting => panic!("answered without uploading: {ended:?}"),
    }
    // The review's upload hangs; another buyer still fills a cart.
    add(&other, &variant, 1).await;
    assert_eq!(
        reviews_of_line(&app, &line).await,
        0,
        "nothing recorded yet"
    );

    s3.release();
    let to = posting.await.unwrap();
    assert_eq!(to, format!("/don-hang/{no}?dg=1#danh-gia"));
    assert_eq!(reviews_of_line(&app, &line).await, 1);
    assert_eq!(app.count("review_photos").await, 1);
});
