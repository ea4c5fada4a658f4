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
