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
