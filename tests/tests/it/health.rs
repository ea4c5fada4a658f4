use ocop_tests::{Engine, db_test, spawn_app, test_settings};
use server::Application;

db_test!(healthz_reports_the_database, |engine| {
    let app = spawn_app(engine).await;
    let resp = app.get("/healthz").await;
    assert_eq!(resp.status(), 200);
    let body: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(body["status"], "ok");
    assert_eq!(body["database"]["status"], "ok");
    let expected = if engine == Engine::Sqlite {
        "sqlite"
    } else {
        "postgres"
    };
    assert_eq!(body["database"]["engine"], expected);
});

db_test!(healthz_says_degraded_when_the_database_is_gone, |engine| {
    let app = spawn_app(engine).await;
    app.db.close().await;
    let resp = app.get("/healthz").await;
    assert_eq!(resp.status(), 503);
    let body: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(body["status"], "degraded");
    assert_eq!(body["database"]["status"], "error");
});

#[tokio::test]
async fn an_unsupported_database_url_is_refused_clearly() {
    let dir = tempfile::tempdir().unwrap();
    let err = Application::build(test_settings(
        dir.path(),
        "mysql://root:hunter2@localhost/ocop",
    ))
    .await
    .err()
    .expect("mysql is not supported");
    let msg = format!("{err:#}");
    assert!(msg.contains("is not supported"), "{msg}");
    assert!(
        !msg.contains("hunter2"),
        "the password must not be shown: {msg}"
    );
}

#[tokio::test]
async fn an_unreachable_database_fails_fast_with_its_url() {
    let dir = tempfile::tempdir().unwrap();
    // Port 1 on loopback: nothing listens there, the connection is refused at once.
    let err = Application::build(test_settings(
        dir.path(),
        "postgres://ocop:s3cret@127.0.0.1:1/ocop",
    ))
    .await
    .err()
    .expect("nothing listens on port 1");
    let msg = format!("{err:#}");
    assert!(
        msg.contains("cannot open the database at postgres://ocop:***@127.0.0.1:1/ocop"),
        "{msg}"
    );
    assert!(!msg.contains("s3cret"), "{msg}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(ocop_pg_tests),
    ignore = "TEST_POSTGRES_URL is not set: PostgreSQL variant not run"
)]
async fn connections_the_database_dropped_while_idle_are_replaced_unseen() {
    // Busy connections are not pinged before use (a round trip a page); idle ones are.
    let app = spawn_app(Engine::Postgres).await;
    let pages = || async {
        let mut statuses = Vec::new();
        for _ in 0..8 {
            statuses.push(app.get("/xa").await.status().as_u16());
        }
        statuses
    };
    // Several pooled connections, as under load.
    let warm = futures::future::join_all((0..6).map(|_| app.get("/xa"))).await;
    assert!(warm.iter().all(|r| r.status() == 200));
    // The database ends every one of them but this, as a restart or a firewall's idle cut does.
    let ended: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity
          WHERE datname = current_database() AND pid <> pg_backend_pid()) ended",
    )
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    assert!(ended >= 2, "{ended} connections ended");
    tokio::time::sleep(app::db::PING_WHEN_IDLE + std::time::Duration::from_millis(200)).await;
    assert_eq!(
        pages().await,
        vec![200; 8],
        "every page served on a live connection"
    );
}
