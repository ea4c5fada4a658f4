//! Photos in S3-compatible object storage (`OCOP_MEDIA_URL`, `server::photos::media`), against
//! a real S3 server process: moto in server mode, which `scripts/test` installs from PyPI and
//! starts (`OCOP_TEST_S3` is its address). The media folder, the default, is tested everywhere
//! else through the same interface.

use ocop_tests::{Engine, TestApp, spawn_app_configured};
use server::photos::media::{BucketSettings, MediaSettings};

/// The S3 server's address.
fn s3() -> String {
    std::env::var("OCOP_TEST_S3").expect("OCOP_TEST_S3 is set for this test")
}

/// A new, empty bucket of this test's own; its settings.
async fn new_bucket() -> (String, MediaSettings) {
    new_bucket_at(&s3()).await
}

/// [`new_bucket`], reached through `endpoint` (a proxy in front of the S3 server).
pub(crate) async fn new_bucket_at(endpoint: &str) -> (String, MediaSettings) {
    let name = format!("ocop-{}", uuid::Uuid::new_v4().simple());
    let made = reqwest::Client::new()
        .put(format!("{}/{name}", s3()))
        .send()
        .await
        .expect("the S3 server answers");
    assert!(
        made.status().is_success(),
        "creating {name}: {}",
        made.status()
    );
    let settings = MediaSettings::Bucket(BucketSettings {
        bucket: name.clone(),
        endpoint: Some(endpoint.to_owned()),
        region: Some("us-east-1".into()),
        credentials: Some(("ocop-test".into(), "ocop-test-secret".into())),
    });
    (name, settings)
}

/// The object under `key` in `bucket`, read from the S3 server by a client of our own (the
/// bucket is private: moto refuses unsigned reads); `None` when missing.
async fn object(bucket: &str, key: &str) -> Option<Vec<u8>> {
    let settings = MediaSettings::Bucket(BucketSettings {
        bucket: bucket.to_owned(),
        endpoint: Some(s3()),
        region: Some("us-east-1".into()),
        credentials: Some(("ocop-test".into(), "ocop-test-secret".into())),
    });
    let unused = tempfile::tempdir().unwrap();
    server::photos::media::Media::open(&settings, unused.path().to_owned())
        .unwrap()
        .read(key)
        .await
        .unwrap()
}

/// The S3 server behind a proxy that can stop answering uploads, as a bucket that hangs does:
/// a PUT's bytes are read, then its answer waits while the proxy is stalled. Everything else
/// is passed through (moto does not check the signature's host).
pub(crate) struct StallingS3 {
    pub endpoint: String,
    stalled: tokio::sync::watch::Sender<bool>,
    held: std::sync::Arc<tokio::sync::Notify>,
}

#[derive(Clone)]
struct Proxy {
    client: reqwest::Client,
    stalled: tokio::sync::watch::Sender<bool>,
    held: std::sync::Arc<tokio::sync::Notify>,
}

impl StallingS3 {
    pub(crate) async fn start() -> StallingS3 {
        let (stalled, _) = tokio::sync::watch::channel(false);
        let held = std::sync::Arc::new(tokio::sync::Notify::new());
        let proxy = Proxy {
            client: reqwest::Client::new(),
            stalled: stalled.clone(),
            held: held.clone(),
        };
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let endpoint = format!("http://{}", listener.local_addr().unwrap());
        let app = axum::Router::new().fallback(forward).with_state(proxy);
        tokio::spawn(async move { axum::serve(listener, app).await });
        StallingS3 {
            endpoint,
            stalled,
            held,
        }
    }

    /// From now on, uploads get no answer until [`StallingS3::release`].
    pub(crate) fn stall(&self) {
        self.stalled.send_replace(true);
    }

    pub(crate) fn release(&self) {
        self.stalled.send_replace(false);
    }

    /// Returns once an upload is waiting for its answer.
    pub(crate) async fn holding(&self) {
        self.held.notified().await;
    }
}

/// The demo province on a server with one database connection, its photos in a bucket behind
/// a [`StallingS3`].
pub(crate) async fn one_connection_on_a_stalling_bucket(engine: Engine) -> (StallingS3, TestApp) {
    let s3 = StallingS3::start().await;
    let (_, media) = new_bucket_at(&s3.endpoint).await;
    let app = spawn_app_configured(engine, |s| {
        s.media = media;
        s.limits.db_connections = Some(1);
    })
    .await;
    app.seed().await;
    (s3, app)
}

async fn forward(
    axum::extract::State(proxy): axum::extract::State<Proxy>,
    request: axum::extract::Request,
) -> axum::response::Response {
    use axum::http::{StatusCode, header};
    use axum::response::IntoResponse;
    let (parts, body) = request.into_parts();
    let Ok(body) = axum::body::to_bytes(body, usize::MAX).await else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    if parts.method == axum::http::Method::PUT && *proxy.stalled.borrow() {
        proxy.held.notify_one();
        let _ = proxy.stalled.subscribe().wait_for(|stalled| !stalled).await;
    }
    let path = parts.uri.path_and_query().map_or("/", |p| p.as_str());
    let mut sent = proxy
        .client
        .request(parts.method, format!("{}{path}", s3()))
        .body(body);
    for (name, value) in &parts.headers {
        if name != header::HOST {
            sent = sent.header(name, value);
        }
    }
    let Ok(answer) = sent.send().await else {
        return StatusCode::BAD_GATEWAY.into_response();
    };
    let mut response = axum::http::Response::builder().status(answer.status());
    for (name, value) in answer.headers() {
        if name != header::TRANSFER_ENCODING && name != header::CONNECTION {
            response = response.header(name, value);
        }
    }
    let bytes = answer.bytes().await.unwrap_or_default();
    response
        .body(axum::body::Body::from(bytes))
        .unwrap_or_else(|_| StatusCode::BAD_GATEWAY.into_response())
}

async fn a_stored_copy(app: &TestApp) -> String {
    sqlx::query_scalar("SELECT storage_key FROM photo_derivatives ORDER BY storage_key LIMIT 1")
        .fetch_one(app.db.pool())
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(ocop_s3_tests),
    ignore = "OCOP_TEST_S3 is not set: scripts/test starts an S3 server for this test"
)]
async fn photos_are_kept_in_the_bucket_and_served_by_the_site() {
    let (bucket, media) = new_bucket().await;
    let app = spawn_app_configured(Engine::Sqlite, |s| s.media = media.clone()).await;
    app.seed().await;

    // The demo photos went to the bucket, none to the data folder.
    let key = a_stored_copy(&app).await;
    let stored = object(&bucket, &key)
        .await
        .expect("the photo is in the bucket");
    assert!(!app.data_dir.path().join("media").join(&key).exists());

    // Pages link to /media/…, which the site serves from the bucket, for a year.
    let served = app.get(&format!("/media/{key}")).await;
    assert_eq!(served.status(), 200);
    let headers = served.headers().clone();
    assert_eq!(headers["content-type"], "image/jpeg");
    assert_eq!(
        headers["cache-control"],
        "public, max-age=31536000, immutable"
    );
    assert_eq!(served.bytes().await.unwrap().to_vec(), stored);
    // Asked again with its tag: not sent again.
    let etag = headers["etag"].to_str().unwrap().to_owned();
    let again = app
        .client
        .get(format!("{}/media/{key}", app.address))
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 304);
    // What is not there, or is not a key the site writes, is not found.
    for missing in ["photos/none/640.jpg", "photos/..%2F..%2Fetc/passwd", "x"] {
        assert_eq!(
            app.get(&format!("/media/{missing}")).await.status(),
            404,
            "{missing}"
        );
    }

    // A farmer's upload lands in the bucket; deleting the photo removes its copies.
    let farmer = crate::seller::member(&app, "0988 600 001", crate::seller::LONGAN_COOP).await;
    let id = crate::seller::create_listing(
        &app,
        &farmer,
        crate::seller::LONGAN_COOP,
        "Nhãn lồng sấy khô",
    )
    .await;
    let editor = format!("/ban-hang/san-pham/{id}");
    let r = farmer
        .upload(
            &format!("{editor}/anh"),
            &[],
            &[("anh", "nhan.jpg", &server::photos::samples::jpeg(1200, 900))],
        )
        .await;
    assert_eq!(r.status(), 303);
    let (photo_id,): (String,) =
        sqlx::query_as("SELECT photo_id FROM product_photos WHERE product_id = $1")
            .bind(&id)
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    let keys: Vec<String> =
        sqlx::query_scalar("SELECT storage_key FROM photo_derivatives WHERE photo_id = $1")
            .bind(&photo_id)
            .fetch_all(app.db.pool())
            .await
            .unwrap();
    assert!(!keys.is_empty());
    // Each recorded JPEG copy has its WebP twin beside it.
    let keys: Vec<String> = keys
        .iter()
        .flat_map(|k| server::photos::store::files_of(k))
        .collect();
    assert!(keys.iter().any(|k| k.ends_with(".webp")));
    for key in &keys {
        assert!(object(&bucket, key).await.is_some(), "{key} uploaded");
    }
    let r = farmer
        .submit(&format!("{editor}/anh/{photo_id}"), &[("action", "delete")])
        .await;
    assert_eq!(r.status(), 303);
    for key in &keys {
        assert!(object(&bucket, key).await.is_none(), "{key} deleted");
    }

    // A backup copies the bucket's photos; restored into another site with its own bucket,
    // they are put there and served.
    let folder = tempfile::tempdir().unwrap();
    let dir = folder.path().join("backup");
    let manifest = server::backup::backup(
        &app.settings.database_url,
        server::backup::Photos::Bucket(&app.state.media),
        &dir,
    )
    .await
    .expect("the backup");
    let in_bucket: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM photo_derivatives")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    assert_eq!(
        manifest.media_files as i64,
        2 * in_bucket,
        "every copy as JPEG and WebP"
    );
    let (other_bucket, other_media) = new_bucket().await;
    let target = ocop_tests::TestDb::fresh(Engine::Sqlite).await;
    let data = tempfile::tempdir().unwrap();
    let restored_media =
        server::photos::media::Media::open(&other_media, data.path().join("media")).unwrap();
    server::backup::restore(
        &target.url,
        &data.path().join("media"),
        Some(&restored_media),
        &server::search::SearchSettings::Embedded {
            dir: data.path().join("search"),
        },
        &dir,
    )
    .await
    .expect("the restore");
    assert_eq!(object(&other_bucket, &key).await, Some(stored));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(ocop_s3_tests),
    ignore = "OCOP_TEST_S3 is not set: scripts/test starts an S3 server for this test"
)]
async fn a_missing_bucket_stops_the_server_at_start_up() {
    let missing = MediaSettings::Bucket(BucketSettings {
        bucket: format!("ocop-missing-{}", uuid::Uuid::new_v4().simple()),
        endpoint: Some(s3()),
        region: Some("us-east-1".into()),
        credentials: Some(("ocop-test".into(), "ocop-test-secret".into())),
    });
    let data = tempfile::tempdir().unwrap();
    let db = ocop_tests::TestDb::fresh(Engine::Sqlite).await;
    let mut settings = ocop_tests::test_settings(data.path(), &db.url);
    settings.media = missing;
    let refused = server::startup::Application::build(settings)
        .await
        .err()
        .expect("no server without its photos");
    let message = format!("{refused:#}");
    assert!(message.contains("OCOP_MEDIA_URL"), "{message}");
    assert!(message.contains("s3://ocop-missing-"), "{message}");
}
