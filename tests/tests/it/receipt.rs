//! The printable receipt of an order (#23): its seller, buyer, goods, totals and payment, for
//! the order's readers only.

use ocop_tests::{db_test, spawn_seeded_app};

use crate::{
    accounts::sign_up,
    checkout::{add, checkout_body, order_nos, place, two_producers},
};

db_test!(
    a_receipt_names_the_seller_the_goods_and_the_payment_to_the_orders_readers,
    |engine| {
        let app = spawn_seeded_app(engine).await;
        let (first, _) = two_producers(&app).await;
        let buyer = sign_up(&app, "0912 600 001", "Chị Hoa").await;
        add(&buyer, &first.id, 2).await;
        let (status, placed) = place(&buyer, &checkout_body(&app, "cod", "receipt-1").await).await;
        assert_eq!(status, 201, "{placed}");
        let no = order_nos(&placed)[0].clone();
        let path = format!("/don-hang/{no}/bien-nhan");
        let (seller, slug, total): (String, String, i64) = sqlx::query_as(
            "SELECT p.name, p.slug, o.total_vnd FROM orders o
               JOIN producers p ON p.id = o.producer_id WHERE o.order_no = $1",
        )
        .bind(&no)
        .fetch_one(app.db.pool())
        .await
        .unwrap();

        // No tax code recorded (the demo's sellers have one: taken away here): no such line.
        sqlx::query(
            "UPDATE producers SET tax_code = NULL
             WHERE id = (SELECT producer_id FROM orders WHERE order_no = $1)",
        )
        .bind(&no)
        .execute(app.db.pool())
        .await
        .unwrap();
        let page = buyer.page(&path).await;
        assert!(page.contains(&format!("Biên nhận đơn hàng {no}")), "{page}");
        assert!(
            page.contains(&seller) && page.contains("Hưng Yên"),
            "{page}"
        );
        assert!(!page.contains("Mã số thuế"), "{page}");
        assert!(page.contains("Nguyễn Thị Hoa") && page.contains("12 phố Hiến Nam"));
        let shown = app::domain::money::Vnd::new(total)
            .unwrap()
            .format(app::i18n::Locale::Vi.money());
        assert!(page.contains(&shown), "the total {shown}: {page}");
        assert!(page.contains("Tiền mặt khi nhận hàng"), "{page}");
        assert!(page.contains("không thay thế hóa đơn giá trị gia tăng"));
        assert!(
            buyer
                .page(&format!("/don-hang/{no}"))
                .await
                .contains(&format!("href=\"{path}\"")),
            "the order page links its receipt"
        );

        sqlx::query("UPDATE producers SET tax_code = '0900123456' WHERE slug = $1")
            .bind(&slug)
            .execute(app.db.pool())
            .await
            .unwrap();
        let page = buyer.page(&path).await;
        assert!(
            page.contains("Mã số thuế") && page.contains("0900123456"),
            "{page}"
        );

        // Its producer's people read it too; anyone else finds no such order.
        let member = crate::accounts::member_of(&app, "0912 600 002", "Anh Bán", &slug).await;
        assert!(member.page(&path).await.contains("0900123456"));
        let stranger = sign_up(&app, "0912 600 003", "Người lạ").await;
        assert_eq!(stranger.get(&path).await.status(), 404);
        let nobody = ocop_tests::browser::Browser::new(&app.address);
        assert_eq!(nobody.get(&path).await.status(), 404);
    }
);
