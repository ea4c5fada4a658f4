//! Every statement of the data layer prepares on both engines: a typo, a missing column or SQL
//! one engine does not speak fails here, before any request runs it.

use ocop_tests::{TestDb, db_test};
use server::cli::open;
use sqlx::Executor;

db_test!(every_statement_prepares, |engine| {
    let test_db = TestDb::fresh(engine).await;
    let db = open(&test_db.url).await.unwrap();
    let statements = app::db::all_statements();
    // Fewer would mean a module's list went missing from `all_statements`.
    assert!(
        statements.len() > 250,
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
