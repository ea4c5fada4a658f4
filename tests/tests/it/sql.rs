//! Every statement of the data layer prepares on both engines: a typo, a missing column or SQL
//! one engine does not speak fails here, before any request runs it.

use ocop_tests::{TestDb, db_test};
use server::cli::open;
use sqlx::Executor;

db_test!(every_statement_prepares, |engine| {
    let test_db = TestDb::fresh(engine).await;
    let db = open(&test_db.url).await.unwrap();
    let mut statements = app::db::all_statements();
    statements.extend(server::all_statements());
    // Fewer would mean a module's list went missing from `all_statements`.
    assert!(
        statements.len() > 300,
        "only {} statements",
        statements.len()
    );
    let mut conn = db.pool().acquire().await.unwrap();
    let mut failed = Vec::new();
    for (name, sql) in &statements {
        if let Err(e) = conn.prepare(sql.as_str()).await {
            failed.push(format!("{name}: {e}\n    {sql}"));
        }
    }
    assert!(
        failed.is_empty(),
        "{} of {} statements do not prepare on {engine:?}:\n{}",
        failed.len(),
        statements.len(),
        failed.join("\n")
    );
});

const T: &str = "'2026-01-01T00:00:00.000Z'";

/// A public product whose one variant costs `price_vnd`, written by raw SQL.
async fn product_priced(db: &app::db::Db, price_vnd: i64) {
    let rows = [
        format!("INSERT INTO provinces (id, slug, name, created_at, updated_at) VALUES ('p1', 'hung-yen', 'Hưng Yên', {T}, {T})"),
        format!("INSERT INTO communes (id, province_id, slug, name, kind, created_at, updated_at) VALUES ('c1', 'p1', 'tan-hung', 'Tân Hưng', 'xa', {T}, {T})"),
        format!("INSERT INTO producers (id, slug, name, kind, commune_id, status, created_at, updated_at) VALUES ('pr1', 'htx-a', 'HTX A', 'cooperative', 'c1', 'active', {T}, {T})"),
        "INSERT INTO product_groups (code, scheme, name_vi, name_en) VALUES ('food', '919', 'Thực phẩm', 'Food')".to_owned(),
        format!("INSERT INTO products (id, slug, producer_id, commune_id, group_code, name_vi, status, created_at, updated_at) VALUES ('prod1', 'nhan', 'pr1', 'c1', 'food', 'Nhãn', 'approved', {T}, {T})"),
        format!("INSERT INTO product_variants (id, product_id, label_vi, unit, price_vnd, stock, created_at, updated_at) VALUES ('v1', 'prod1', '1 kg', 'kg', {price_vnd}, 10, {T}, {T})"),
    ];
    for sql in rows {
        sqlx::query(&sql)
            .execute(db.pool())
            .await
            .unwrap_or_else(|e| panic!("fixture row {sql}: {e}"));
    }
}

// The database accepts any non-negative price; above `Vnd::MAX` it is not money this code
// can show or charge. The page must fail, not show the variant at 0 ₫ or hide it.
db_test!(a_bad_stored_price_fails_the_read, |engine| {
    use app::{catalog::storage::product_page, i18n::Locale};
    let today = chrono::NaiveDate::from_ymd_opt(2026, 6, 1).unwrap();

    let good = TestDb::fresh(engine).await;
    let db = open(&good.url).await.unwrap();
    product_priced(&db, 85_000).await;
    let page = product_page(&db, "nhan", today, Locale::Vi)
        .await
        .expect("a valid row reads")
        .expect("the product is public");
    assert_eq!(page.variants.len(), 1);
    assert_eq!(page.variants[0].price.dong(), 85_000);

    let bad = TestDb::fresh(engine).await;
    let db = open(&bad.url).await.unwrap();
    product_priced(&db, app::domain::money::Vnd::MAX + 1).await;
    match product_page(&db, "nhan", today, Locale::Vi).await {
        Err(sqlx::Error::Decode(e)) => {
            let e = e.to_string();
            assert!(
                e.contains("product_variants.price_vnd") && e.contains("v1"),
                "{e}"
            );
        }
        Err(e) => panic!("expected a decode error, got {e}"),
        Ok(page) => panic!(
            "a bad price was read as {:?}",
            page.map(|p| p
                .variants
                .iter()
                .map(|v| v.price.dong())
                .collect::<Vec<_>>())
        ),
    }
});
