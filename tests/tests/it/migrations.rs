use ocop_tests::{Engine, TABLES, TestDb, count, db_test};
use server::cli::open;

db_test!(
    migrations_create_every_table_on_an_empty_database,
    |engine| {
        let test_db = TestDb::fresh(engine).await;
        let db = open(&test_db.url).await.expect("migrate a fresh database");
        for table in TABLES {
            assert_eq!(count(&db, table).await, 0, "{table} exists and is empty");
        }
        let applied = count(&db, "_sqlx_migrations").await;
        assert!(applied >= 1);

        // Running them again (every server start does) changes nothing.
        db.migrate().await.expect("second run");
        assert_eq!(count(&db, "_sqlx_migrations").await, applied);
        let expected = if engine == Engine::Sqlite {
            app::db::Engine::Sqlite
        } else {
            app::db::Engine::Postgres
        };
        assert_eq!(db.engine(), expected);
    }
);

/// The first migration of the carriers' order columns and the `returned` status (#21).
const WAYBILLS: i64 = 20261201000010;
/// The diary's chain anchors (#24): columns today's seed writes when it verifies demo lots; lots
/// on order lines (#24): the units the seed puts its lots on sale with; the plant-protection
/// register's columns (#24), which it writes with each demo spraying; the diary's client id (#26),
/// which every appended entry binds; products' `fresh` (#27), which marks the demo's fruit and
/// chicken for the shorter return window; producers' tax code (#25) and legal identity (#27),
/// which the seed gives each demo seller. They add columns and tables
/// besides the order tables, so the "old" database takes them early and the seed runs on it.
const SEEDED_LATER: &[i64] = &[
    20261201000080,
    20261201000090,
    20261201000093,
    20261201000070,
    20261201000094,
    20261202000010,
    20261202000030,
];

fn app_engine(engine: Engine) -> app::db::Engine {
    match engine {
        Engine::Sqlite => app::db::Engine::Sqlite,
        Engine::Postgres => app::db::Engine::Postgres,
    }
}

/// A database as the release before the carriers' migrations left it.
async fn database_before_waybills(test_db: &TestDb) -> app::db::Db {
    let db = app::db::Db::connect(&test_db.url).await.expect("connect");
    let all = app::db::migrator(app_engine(test_db.engine));
    let before: Vec<_> = all
        .iter()
        .filter(|m| m.version < WAYBILLS || SEEDED_LATER.contains(&m.version))
        .cloned()
        .collect();
    sqlx::migrate::Migrator {
        migrations: std::borrow::Cow::Owned(before),
        ..sqlx::migrate::Migrator::DEFAULT
    }
    .run(db.pool())
    .await
    .expect("the migrations before the carriers'");
    app::address::storage::load_units(&db, chrono::Utc::now())
        .await
        .expect("the national list");
    db
}

async fn exec(db: &app::db::Db, sql: &str) {
    sqlx::query(sql)
        .execute(db.pool())
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

/// The rows of these tables, each as text, sorted: what must survive the rebuild.
async fn snapshot(db: &app::db::Db) -> Vec<String> {
    let mut rows = vec![];
    for (table, columns) in [
        (
            "orders",
            "id || '|' || order_no || '|' || status || '|' || total_vnd || '|' || COALESCE(carrier, '') || '|' || COALESCE(tracking_no, '') || '|' || COALESCE(cancel_reason, '') || '|' || updated_at",
        ),
        (
            "order_lines",
            "id || '|' || order_id || '|' || variant_id || '|' || quantity || '|' || line_total_vnd",
        ),
        (
            "order_status_history",
            "id || '|' || order_id || '|' || to_status || '|' || note || '|' || created_at",
        ),
        (
            "payments",
            "id || '|' || order_id || '|' || status || '|' || amount_vnd",
        ),
    ] {
        let got: Vec<(String,)> =
            sqlx::query_as(&format!("SELECT {columns} FROM {table} ORDER BY 1"))
                .fetch_all(db.pool())
                .await
                .unwrap_or_else(|e| panic!("reading {table}: {e}"));
        rows.extend(got.into_iter().map(|(r,)| format!("{table}: {r}")));
    }
    rows
}

db_test!(
    an_existing_database_keeps_every_order_and_takes_returned,
    |engine| {
        let test_db = TestDb::fresh(engine).await;
        let db = database_before_waybills(&test_db).await;
        let media = tempfile::tempdir().expect("media dir");
        let media =
            server::photos::media::Media::open(&Default::default(), media.path().to_owned())
                .expect("the media folder");
        ocop_tests::load_demo(&db, &media)
            .await
            .expect("the demo province on the old schema");
        // Two orders of one checkout, with lines, history and payments, one shipped by hand.
        for sql in [
            "INSERT INTO checkouts (id, idempotency_key, contact_name, contact_phone, street,
                 commune_name, province_name, payment_method, created_at)
             VALUES ('c1', 'k1', 'Hoa', '+84912345678', '12 Hiến Nam', 'Phố Hiến', 'Hưng Yên',
                 'cod', '2026-11-30T08:00:00Z')",
            "INSERT INTO orders (id, order_no, checkout_id, producer_id, status, payment_method,
                 subtotal_vnd, shipping_vnd, total_vnd, carrier, tracking_no, created_at, updated_at)
             SELECT 'o1', 'DH1', 'c1', id, 'shipped', 'cod', 100000, 30000, 130000, 'Viettel Post',
                 'VTP1', '2026-11-30T08:00:00Z', '2026-11-30T09:00:00Z'
             FROM producers ORDER BY id LIMIT 1",
            "INSERT INTO orders (id, order_no, checkout_id, producer_id, status, payment_method,
                 subtotal_vnd, shipping_vnd, total_vnd, cancel_reason, created_at, updated_at)
             SELECT 'o2', 'DH2', 'c1', id, 'cancelled', 'cod', 50000, 0, 50000, 'hết hàng',
                 '2026-11-30T08:00:00Z', '2026-11-30T08:30:00Z'
             FROM producers ORDER BY id DESC LIMIT 1",
            "INSERT INTO order_lines (id, order_id, variant_id, product_name, variant_label,
                 unit_price_vnd, quantity, line_total_vnd)
             SELECT 'l1', 'o1', id, 'Nhãn', '1 kg', 50000, 2, 100000
             FROM product_variants ORDER BY id LIMIT 1",
            "INSERT INTO order_lines (id, order_id, variant_id, product_name, variant_label,
                 unit_price_vnd, quantity, line_total_vnd)
             SELECT 'l2', 'o2', id, 'Mật ong', 'lọ', 50000, 1, 50000
             FROM product_variants ORDER BY id DESC LIMIT 1",
            "INSERT INTO order_status_history (id, order_id, from_status, to_status, note, created_at)
             VALUES ('h1', 'o1', 'placed', 'confirmed', '', '2026-11-30T08:10:00Z'),
                    ('h2', 'o1', 'confirmed', 'shipped', 'Viettel Post · VTP1', '2026-11-30T09:00:00Z'),
                    ('h3', 'o2', 'placed', 'cancelled', 'hết hàng', '2026-11-30T08:30:00Z')",
            "INSERT INTO payments (id, order_id, method, status, amount_vnd, created_at, updated_at)
             VALUES ('pay1', 'o1', 'cod', 'pending', 130000, '2026-11-30T08:00:00Z', '2026-11-30T08:00:00Z'),
                    ('pay2', 'o2', 'cod', 'expired', 50000, '2026-11-30T08:00:00Z', '2026-11-30T08:30:00Z')",
        ] {
            exec(&db, sql).await;
        }
        let before = snapshot(&db).await;
        assert_eq!(before.len(), 9, "{before:#?}");
        let refused = sqlx::query("UPDATE orders SET status = 'returned' WHERE id = 'o1'")
            .execute(db.pool())
            .await;
        assert!(refused.is_err(), "the old schema does not know 'returned'");

        db.migrate().await.expect("upgrading");
        assert_eq!(snapshot(&db).await, before, "every row kept as it was");

        // 'returned' is taken now, other statuses still are not.
        exec(
            &db,
            "UPDATE orders SET status = 'returned', cod_amount_vnd = 130000 WHERE id = 'o1'",
        )
        .await;
        let bogus = sqlx::query("UPDATE orders SET status = 'lost' WHERE id = 'o1'")
            .execute(db.pool())
            .await;
        assert!(bogus.is_err(), "the status CHECK is still there");
        let no_reason = sqlx::query("UPDATE orders SET cancel_reason = NULL WHERE id = 'o2'")
            .execute(db.pool())
            .await;
        assert!(
            no_reason.is_err(),
            "the table's other CHECKs are still there"
        );
        let twice = sqlx::query(
            "INSERT INTO orders (id, order_no, checkout_id, producer_id, payment_method,
                 subtotal_vnd, shipping_vnd, total_vnd, created_at, updated_at)
             SELECT 'o3', 'DH1', 'c9', producer_id, 'cod', 0, 0, 0, created_at, created_at
             FROM orders WHERE id = 'o1'",
        )
        .execute(db.pool())
        .await;
        assert!(twice.is_err(), "order numbers are still unique");

        // The lines and history still hang on their orders: a line of a missing order is
        // refused, and deleting an order still takes its lines and history with it.
        let orphan = sqlx::query(
            "INSERT INTO order_lines (id, order_id, variant_id, product_name, variant_label,
                 unit_price_vnd, quantity, line_total_vnd)
             SELECT 'l9', 'nope', variant_id, 'x', 'x', 1, 1, 1 FROM order_lines WHERE id = 'l1'",
        )
        .execute(db.pool())
        .await;
        assert!(orphan.is_err(), "order_lines still references orders");
        exec(&db, "DELETE FROM payments WHERE order_id = 'o2'").await;
        exec(&db, "DELETE FROM orders WHERE id = 'o2'").await;
        assert_eq!(count(&db, "order_lines").await, 1);
        assert_eq!(count(&db, "order_status_history").await, 2);

        // Every index came back.
        let indexes: Vec<(String,)> = sqlx::query_as(match engine {
            Engine::Sqlite => {
                "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'orders'
                   AND name NOT LIKE 'sqlite_autoindex%' ORDER BY name"
            }
            Engine::Postgres => {
                "SELECT CAST(indexname AS TEXT) FROM pg_indexes WHERE tablename = 'orders'
                   AND indexname NOT LIKE '%_pkey' AND indexname NOT LIKE '%_key' ORDER BY indexname"
            }
        })
        .fetch_all(db.pool())
        .await
        .expect("indexes");
        let indexes: Vec<String> = indexes.into_iter().map(|(n,)| n).collect();
        assert_eq!(
            indexes,
            [
                "orders_buyer",
                "orders_pay_by",
                "orders_producer",
                "orders_waybill"
            ]
        );
        if engine == Engine::Sqlite {
            let fk: (i64,) = sqlx::query_as("PRAGMA foreign_keys")
                .fetch_one(db.pool())
                .await
                .expect("foreign_keys");
            assert_eq!(fk.0, 1, "foreign keys are on again");
        }
    }
);

// The columns of `orders` on both engines are the same: a shared migration that changed
// `orders` before the SQLite rebuild would be lost on SQLite only.
db_test!(both_engines_have_the_same_columns, |engine| {
    let test_db = TestDb::fresh(engine).await;
    let db = open(&test_db.url).await.expect("migrate");
    let columns: Vec<(String,)> = sqlx::query_as(match engine {
        Engine::Sqlite => "SELECT name FROM pragma_table_info('orders') ORDER BY name",
        Engine::Postgres => {
            "SELECT CAST(column_name AS TEXT) FROM information_schema.columns
              WHERE table_name = 'orders' AND table_schema = current_schema() ORDER BY 1"
        }
    })
    .fetch_all(db.pool())
    .await
    .expect("columns");
    let columns: Vec<String> = columns.into_iter().map(|(c,)| c).collect();
    let mut expected = vec![
        "buyer_user_id",
        "cancel_reason",
        "carrier",
        "carrier_event_at",
        "carrier_fee_vnd",
        "checkout_id",
        "cod_amount_vnd",
        "cod_collected_vnd",
        "created_at",
        "id",
        "order_no",
        "pay_by",
        "payment_method",
        "producer_id",
        "shipping_source",
        "shipping_vnd",
        "shipping_zone",
        "status",
        "subtotal_vnd",
        "total_vnd",
        "tracking_no",
        "updated_at",
        "waybill_at",
    ];
    expected.sort_unstable();
    assert_eq!(columns, expected);
});
