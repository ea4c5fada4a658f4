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
        endpoint: Some(s3()),
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
