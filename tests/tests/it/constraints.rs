//! The database itself refuses bad rows, whatever code writes them.

use app::db::Db;
use ocop_tests::{TestDb, db_test};
use server::cli::open;
use sqlx::error::ErrorKind;

const T: &str = "'2026-01-01T00:00:00.000Z'";

/// A minimal valid world: a province, two communes, a producer with a product, a variant, a plot,
/// a lot and a checkout.
async fn fixture(db: &Db) {
    let rows = [
        format!("INSERT INTO provinces (id, slug, name, created_at, updated_at) VALUES ('p1', 'hung-yen', 'Hưng Yên', {T}, {T})"),
        format!("INSERT INTO communes (id, province_id, slug, name, kind, created_at, updated_at) VALUES ('c1', 'p1', 'tan-hung', 'Tân Hưng', 'xa', {T}, {T})"),
        format!("INSERT INTO communes (id, province_id, slug, name, kind, created_at, updated_at) VALUES ('c2', 'p1', 'my-hao', 'Mỹ Hào', 'phuong', {T}, {T})"),
        format!("INSERT INTO users (id, phone, display_name, created_at, updated_at) VALUES ('u1', '+84912345678', 'Nông dân', {T}, {T})"),
        format!("INSERT INTO producers (id, slug, name, kind, commune_id, status, created_at, updated_at) VALUES ('pr1', 'htx-a', 'HTX A', 'cooperative', 'c1', 'active', {T}, {T})"),
        "INSERT INTO product_groups (code, scheme, name_vi, name_en) VALUES ('food', '919', 'Thực phẩm', 'Food')".to_owned(),
        format!("INSERT INTO products (id, slug, producer_id, commune_id, group_code, name_vi, status, created_at, updated_at) VALUES ('prod1', 'nhan', 'pr1', 'c1', 'food', 'Nhãn', 'approved', {T}, {T})"),
        format!("INSERT INTO products (id, slug, producer_id, commune_id, group_code, name_vi, status, created_at, updated_at) VALUES ('prod2', 'long-nhan', 'pr1', 'c1', 'food', 'Long nhãn', 'approved', {T}, {T})"),
        format!("INSERT INTO product_variants (id, product_id, label_vi, unit, price_vnd, stock, created_at, updated_at) VALUES ('v1', 'prod1', '1 kg', 'kg', 85000, 10, {T}, {T})"),
        format!("INSERT INTO commune_signature_products (commune_id, product_id, set_at) VALUES ('c1', 'prod1', {T})"),
        format!("INSERT INTO plots (id, producer_id, commune_id, name, crop, created_at, updated_at) VALUES ('pl1', 'pr1', 'c1', 'Vườn 1', 'longan', {T}, {T})"),
        format!("INSERT INTO harvest_lots (id, producer_id, plot_id, lot_code, created_at, updated_at) VALUES ('l1', 'pr1', 'pl1', 'NL-1', {T}, {T})"),
        format!("INSERT INTO checkouts (id, idempotency_key, contact_name, contact_phone, street, commune_name, province_name, payment_method, created_at) VALUES ('ck1', 'k1', 'Lan', '+84912345678', 'Số 1', 'Tân Hưng', 'Hưng Yên', 'cod', {T})"),
        format!("INSERT INTO carts (id, guest_token, created_at, updated_at) VALUES ('cart1', 'g1', {T}, {T})"),
    ];
    for sql in rows {
        sqlx::query(&sql)
            .execute(db.pool())
            .await
            .unwrap_or_else(|e| panic!("fixture row {sql}: {e}"));
    }
}

/// `template` with `{}` replaced by `bad` must be refused with `kind`; with `good` it must pass,
/// which proves the refusal comes from the constraint and not from a mistake in the statement.
async fn refused(db: &Db, what: &str, template: &str, bad: &str, good: &str, kind: ErrorKind) {
    let bad_sql = template.replace("{}", bad);
    match sqlx::query(&bad_sql).execute(db.pool()).await {
        Ok(_) => panic!("{what}: the database accepted {bad_sql}"),
        Err(sqlx::Error::Database(e)) => assert_eq!(e.kind(), kind, "{what}: {e}"),
        Err(e) => panic!("{what}: unexpected error {e}"),
    }
    let good_sql = template.replace("{}", good);
    sqlx::query(&good_sql)
        .execute(db.pool())
        .await
        .unwrap_or_else(|e| panic!("{what}: the valid row failed: {e}"));
}

db_test!(bad_rows_are_refused_by_the_database, |engine| {
    let test_db = TestDb::fresh(engine).await;
    let db = open(&test_db.url).await.unwrap();
    fixture(&db).await;
    use ErrorKind::{
        CheckViolation as Check, ForeignKeyViolation as Fk, UniqueViolation as Unique,
    };

    let variant = format!(
        "INSERT INTO product_variants (id, product_id, label_vi, unit, price_vnd, stock, created_at, updated_at) VALUES ('v-{{}}', 'prod1', 'hộp {{}}', 'box', {{}}, 5, {T}, {T})"
    );
    refused(
        &db,
        "negative price",
        &variant.replacen("{}", "a", 2),
        "-1",
        "0",
        Check,
    )
    .await;
    let stock = format!(
        "INSERT INTO product_variants (id, product_id, label_vi, unit, price_vnd, stock, created_at, updated_at) VALUES ('v-s{{}}', 'prod1', 'thùng', 'box', 100000, {{}}, {T}, {T})"
    );
    refused(
        &db,
        "negative stock",
        &stock.replacen("{}", "x", 1),
        "-1",
        "0",
        Check,
    )
    .await;
    let unit = format!(
        "INSERT INTO product_variants (id, product_id, label_vi, unit, price_vnd, stock, created_at, updated_at) VALUES ('v-u', 'prod1', 'bao', {{}}, 1, 1, {T}, {T})"
    );
    refused(&db, "unknown unit", &unit, "'tonne'", "'pack'", Check).await;

    let cert = |id: &str, stars: &str, level: &str, expires: &str| {
        format!(
            "INSERT INTO ocop_certificates (id, product_id, stars, issuing_level, decision_no, issued_on, expires_on, created_at) VALUES ('{id}', 'prod1', {stars}, '{level}', 'QĐ-{id}', '2025-01-01', '{expires}', {T})"
        )
    };
    refused(
        &db,
        "two stars",
        &cert("oc1", "{}", "province", "2027-12-31"),
        "2",
        "3",
        Check,
    )
    .await;
    refused(
        &db,
        "six stars",
        &cert("oc2", "{}", "national", "2027-12-31"),
        "6",
        "5",
        Check,
    )
    .await;
    refused(
        &db,
        "five stars from the province",
        &cert("oc3", "5", "{}", "2027-12-31"),
        "province",
        "national",
        Check,
    )
    .await;
    refused(
        &db,
        "expiry before issue",
        &cert("oc4", "4", "province", "{}"),
        "2024-12-31",
        "2027-12-31",
        Check,
    )
    .await;

    let product = format!(
        "INSERT INTO products (id, slug, producer_id, commune_id, group_code, name_vi, created_at, updated_at) VALUES ('prod3', 'mat-ong', {{}}, 'c1', 'food', 'Mật ong', {T}, {T})"
    );
    refused(
        &db,
        "unknown producer",
        &product,
        "'no-such-producer'",
        "'pr1'",
        Fk,
    )
    .await;
    let rejected = format!(
        "INSERT INTO products (id, slug, producer_id, commune_id, group_code, name_vi, status, status_reason, created_at, updated_at) VALUES ('prod4', 'tuong', 'pr1', 'c1', 'food', 'Tương', 'rejected', {{}}, {T}, {T})"
    );
    refused(
        &db,
        "rejection without a reason",
        &rejected,
        "NULL",
        "'Thiếu ảnh sản phẩm'",
        Check,
    )
    .await;

    let signature = format!(
        "INSERT INTO commune_signature_products (commune_id, product_id, set_at) VALUES ({{}}, 'prod2', {T})"
    );
    refused(
        &db,
        "a second signature product in one commune",
        &signature,
        "'c1'",
        "'c2'",
        Unique,
    )
    .await;
    let commune = format!(
        "INSERT INTO communes (id, province_id, slug, name, kind, created_at, updated_at) VALUES ('c3', 'p1', 'khoai-chau', 'Khoái Châu', {{}}, {T}, {T})"
    );
    refused(
        &db,
        "districts are gone since July 2025",
        &commune,
        "'huyen'",
        "'xa'",
        Check,
    )
    .await;

    let lot = format!(
        "INSERT INTO harvest_lots (id, producer_id, plot_id, lot_code, created_at, updated_at) VALUES ('l2', 'pr1', 'pl1', {{}}, {T}, {T})"
    );
    refused(
        &db,
        "duplicate lot code of one producer",
        &lot,
        "'NL-1'",
        "'NL-2'",
        Unique,
    )
    .await;
    let spraying = format!(
        "INSERT INTO cultivation_log_entries (id, plot_id, seq, kind, occurred_on, input_name, active_ingredient, phi_days, recorded_at, prev_hash, entry_hash) VALUES ('e1', 'pl1', 1, 'spraying', '2026-05-01', 'Vertimec 1.8EC', 'Abamectin', {{}}, {T}, '{zero}', '{one}')",
        zero = "0".repeat(64),
        one = "1".repeat(64)
    );
    refused(
        &db,
        "spraying without a pre-harvest interval",
        &spraying,
        "NULL",
        "7",
        Check,
    )
    .await;

    let order = format!(
        "INSERT INTO orders (id, order_no, checkout_id, producer_id, payment_method, subtotal_vnd, shipping_vnd, total_vnd, created_at, updated_at) VALUES ('o1', 'HY-1', 'ck1', 'pr1', 'cod', 100000, 30000, {{}}, {T}, {T})"
    );
    refused(
        &db,
        "total that is not subtotal plus shipping",
        &order,
        "100000",
        "130000",
        Check,
    )
    .await;
    let line = "INSERT INTO order_lines (id, order_id, variant_id, product_name, variant_label, unit_price_vnd, quantity, line_total_vnd) VALUES ('ol1', 'o1', 'v1', 'Nhãn', '1 kg', 85000, 2, {})";
    refused(
        &db,
        "line total that is not price times quantity",
        line,
        "85000",
        "170000",
        Check,
    )
    .await;
    let cart_item = format!(
        "INSERT INTO cart_items (cart_id, variant_id, quantity, added_at) VALUES ('cart1', 'v1', {{}}, {T})"
    );
    refused(&db, "cart quantity of zero", &cart_item, "0", "1", Check).await;

    let user = format!(
        "INSERT INTO users (id, phone, email, display_name, created_at, updated_at) VALUES ('u2', {{}}, NULL, 'Khách', {T}, {T})"
    );
    refused(
        &db,
        "a user with neither phone nor email",
        &user,
        "NULL",
        "'+84987654321'",
        Check,
    )
    .await;
    let dup_phone = format!(
        "INSERT INTO users (id, phone, display_name, created_at, updated_at) VALUES ('u3', {{}}, 'Khách 2', {T}, {T})"
    );
    refused(
        &db,
        "one phone, two accounts",
        &dup_phone,
        "'+84912345678'",
        "'+84333333333'",
        Unique,
    )
    .await;
});
