//! The officer's spreadsheet import: preview first (nothing written), then one transaction;
//! importing the same file again changes nothing; bad rows listed with their numbers and
//! reasons; oversized and non-spreadsheet files refused; scoped to the officer's communes.

use ocop_tests::{
    TestApp,
    browser::{Browser, location},
    db_test, spawn_seeded_app,
    xlsx::{Cell, workbook},
};

use super::accounts::{commune_id, officer_of_commune as officer};

const CSV: &str = "Tên cơ sở,Loại hình,Điện thoại,Tên sản phẩm,Nhóm,Số sao,Số quyết định,Ngày cấp,Giá,Đơn vị
Hộ bà Năm Phương Nam,hộ,0987 654 321,Long nhãn sấy dẻo,Thực phẩm,3,2401/QĐ-UBND,15/09/2025,\"250.000\",kg
HTX Nhãn lồng Sông Hồng Xanh,HTX,,Nhãn lồng Hưng Yên,Thực phẩm,4,3301/QĐ-UBND,2026-09-01,85000,kg
";

async fn upload(b: &Browser, commune: &str, name: &str, bytes: &[u8]) -> String {
    location(
        &b.upload(
            "/can-bo/nhap",
            &[("commune_id", commune)],
            &[("file", name, bytes)],
        )
        .await,
    )
}

async fn counts(app: &TestApp) -> [i64; 4] {
    [
        app.count("producers").await,
        app.count("products").await,
        app.count("product_variants").await,
        app.count("ocop_certificates").await,
    ]
}

db_test!(an_import_is_previewed_then_written_once, |engine| {
    let app = spawn_seeded_app(engine).await;
    let tan_hung = commune_id(&app, "tan-hung").await;
    let b = officer(&app, "0912000201", "tan-hung").await;
    let before = counts(&app).await;

    let preview = upload(&b, &tan_hung, "ocop-tan-hung.csv", CSV.as_bytes()).await;
    assert!(preview.starts_with("/can-bo/nhap/"), "{preview}");
    let html = b.page(&preview).await.replace("<!>", "");
    assert!(
        html.contains("Long nhãn sấy dẻo") && html.contains("tạo mới"),
        "{html}"
    );
    assert!(
        html.contains("Nhập vào hệ thống"),
        "no errors: the import button is there"
    );
    assert_eq!(counts(&app).await, before, "a preview writes nothing");

    let done = location(&b.submit(&preview, &[]).await);
    assert_eq!(done, "/can-bo/nhap?ok=1&tao=1&sua=1&giu=0");
    let after = counts(&app).await;
    // A new producer, product, variant and certificate; the existing product gains a certificate.
    assert_eq!(
        after,
        [before[0] + 1, before[1] + 1, before[2] + 1, before[3] + 2]
    );
    let (slug, status): (String, String) =
        sqlx::query_as("SELECT slug, status FROM products WHERE name_vi = 'Long nhãn sấy dẻo'")
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    assert_eq!(status, "approved");
    assert_eq!(app.get(&format!("/san-pham/{slug}")).await.status(), 200);
    app.search_settled().await;
    let list: serde_json::Value = app
        .get("/api/v1/products?q=long+nhan+say+deo")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list["items"][0]["slug"], slug.as_str());

    // The same file again: every row unchanged, nothing written.
    let again = upload(&b, &tan_hung, "ocop-tan-hung.csv", CSV.as_bytes()).await;
    let html = b.page(&again).await;
    assert!(!html.contains("tạo mới") && !html.contains("cập nhật"));
    let done = location(&b.submit(&again, &[]).await);
    assert_eq!(done, "/can-bo/nhap?ok=1&tao=0&sua=0&giu=2");
    assert_eq!(counts(&app).await, after);
});

db_test!(
    an_xlsx_with_bad_rows_lists_them_and_writes_nothing,
    |engine| {
        let app = spawn_seeded_app(engine).await;
        let tan_hung = commune_id(&app, "tan-hung").await;
        let b = officer(&app, "0912000202", "tan-hung").await;
        let t = Cell::Text;
        let header: Vec<Cell> = [
            "Tên cơ sở",
            "Loại hình",
            "Điện thoại",
            "Tên sản phẩm",
            "Nhóm",
            "Số sao",
            "Số quyết định",
            "Ngày cấp",
            "Giá",
            "Đơn vị",
        ]
        .into_iter()
        .map(Cell::Text)
        .collect();
        let file = workbook(&[
            header,
            vec![
                t("Hộ A"),
                t("hộ"),
                t(""),
                t("Mứt nhãn"),
                t("Thực phẩm"),
                Cell::Number(3.0),
                t("10/QĐ"),
                t("2025-05-01"),
                Cell::Number(60000.0),
                t("hộp"),
            ],
            vec![
                t("Hộ B"),
                t("hộ"),
                t(""),
                t("Trà nhãn"),
                t("Thực phẩm"),
                Cell::Number(7.0),
                t("11/QĐ"),
                t("31/02/2025"),
                Cell::Number(50000.0),
                t("gói"),
            ],
            vec![
                t("hộ a"),
                t("hộ"),
                t(""),
                t("MỨT NHÃN"),
                t("Thực phẩm"),
                Cell::Number(3.0),
                t("12/QĐ"),
                t("2025-05-01"),
                Cell::Number(60000.0),
                t("hộp"),
            ],
        ]);
        let before = counts(&app).await;
        let preview = upload(&b, &tan_hung, "danh-sach.xlsx", &file).await;
        assert!(preview.starts_with("/can-bo/nhap/"), "{preview}");
        let html = b.page(&preview).await.replace("<!>", "");
        assert!(html.contains("2 dòng có lỗi"), "{html}");
        assert!(
            html.contains("Dòng 3")
                && html.contains("stars: 3, 4 or 5")
                && html.contains("issue date")
        );
        assert!(
            html.contains("Dòng 4") && html.contains("already on row 2"),
            "duplicate name"
        );
        assert!(
            !html.contains("Nhập vào hệ thống"),
            "no import button while rows have errors"
        );
        let r = location(&b.submit(&preview, &[]).await);
        assert!(r.ends_with("?loi=sheet_errors"), "{r}");
        assert_eq!(counts(&app).await, before);
    }
);

db_test!(oversized_and_non_spreadsheet_files_are_refused, |engine| {
    let app = spawn_seeded_app(engine).await;
    let tan_hung = commune_id(&app, "tan-hung").await;
    let b = officer(&app, "0912000203", "tan-hung").await;
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
    assert_eq!(
        upload(&b, &tan_hung, "anh.xlsx", png).await,
        "/can-bo/nhap?loi=sheet_format"
    );
    let big = format!("{}\n", "a,".repeat(5_300_000));
    assert_eq!(
        upload(&b, &tan_hung, "to.csv", big.as_bytes()).await,
        "/can-bo/nhap?loi=sheet_size"
    );
    assert_eq!(app.count("import_batches").await, 0);
    let html = b.page("/can-bo/nhap?loi=sheet_format").await;
    assert!(html.contains("Tệp không phải bảng tính"));
});

db_test!(an_officer_cannot_import_into_another_commune, |engine| {
    let app = spawn_seeded_app(engine).await;
    let tan_hung = commune_id(&app, "tan-hung").await;
    let own = officer(&app, "0912000204", "tan-hung").await;
    let other = officer(&app, "0912000205", "hoan-long").await;
    let r = other
        .upload(
            "/can-bo/nhap",
            &[("commune_id", &tan_hung)],
            &[("file", "a.csv", CSV.as_bytes())],
        )
        .await;
    assert_eq!(r.status(), 403);
    // Nor preview or confirm another officer's upload.
    let preview = upload(&own, &tan_hung, "a.csv", CSV.as_bytes()).await;
    assert!(
        other.page(&preview).await.contains("403") || other.get(&preview).await.status() == 403
    );
    let before = counts(&app).await;
    assert_eq!(other.submit(&preview, &[]).await.status(), 403);
    assert_eq!(counts(&app).await, before);
});

// The security review's 1.5 KB .xlsx with cells A1 and XFD1048576 only: reading it as a grid
// asked for 549 GB and the allocation failure aborted the server (the whole process). Now it is
// refused by name and the server goes on.
db_test!(
    a_sheet_spanning_every_cell_is_refused_and_the_server_lives,
    |engine| {
        let app = spawn_seeded_app(engine).await;
        let tan_hung = commune_id(&app, "tan-hung").await;
        let b = officer(&app, "0912000206", "tan-hung").await;
        let file = include_bytes!("../../fuzz/seeds/import_rows/huge-dimension.xlsx");
        assert_eq!(
            upload(&b, &tan_hung, "danh-sach.xlsx", file).await,
            "/can-bo/nhap?loi=sheet_rows"
        );
        assert_eq!(app.count("import_batches").await, 0);
        let html = b.page("/can-bo/nhap?loi=sheet_rows").await;
        assert!(html.contains("quá 10.000 dòng"), "{html}");
        assert_eq!(app.get("/healthz").await.status(), 200);
    }
);
