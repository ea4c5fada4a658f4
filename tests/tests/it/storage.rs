//! Storage failures (issue #19): a SQLite database on a full disk, a PostgreSQL server that goes
//! away, a data folder that cannot be written. Every write answered 2xx must be in the database,
//! refusals say why, and the server recovers by itself.

use std::{
    io::Write,
    path::{Path, PathBuf},
    process::Command,
    time::Duration,
};

use ocop_tests::{Engine, TestApp, browser::Browser, spawn_app_configured};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// A small tmpfs mounted on a temp folder; unmounted when dropped, even when the test fails.
struct Mount {
    dir: PathBuf,
    mounted: bool,
}

impl Mount {
    /// `None` (with the reason printed) where mounting is not allowed, e.g. not running as root.
    fn tmpfs(size: &str, options: &str) -> Option<Mount> {
        let dir = std::env::temp_dir().join(format!(
            "ocop-mnt-{}-{}",
            std::process::id(),
            uuid::Uuid::now_v7().simple()
        ));
        std::fs::create_dir_all(&dir).ok()?;
        let mut mount = Mount {
            dir,
            mounted: false,
        };
        let opts = if options.is_empty() {
            format!("size={size}")
        } else {
            format!("size={size},{options}")
        };
        match Command::new("mount")
            .args(["-t", "tmpfs", "-o", &opts, "tmpfs"])
            .arg(&mount.dir)
            .output()
        {
            Ok(out) if out.status.success() => {
                mount.mounted = true;
                Some(mount)
            }
            Ok(out) => {
                eprintln!(
                    "SKIPPED: cannot mount a tmpfs (needs root): {}",
                    String::from_utf8_lossy(&out.stderr).trim()
                );
                None
            }
            Err(e) => {
                eprintln!("SKIPPED: cannot run mount: {e}");
                None
            }
        }
    }

    fn path(&self) -> &Path {
        &self.dir
    }
}

impl Drop for Mount {
    fn drop(&mut self) {
        if self.mounted {
            let ok = Command::new("umount")
                .arg(&self.dir)
                .status()
                .is_ok_and(|s| s.success());
            if !ok {
                // Still in use (a connection of a server that has not stopped): detach it now,
                // the kernel frees it when the last file closes. No mount is left behind.
                let _ = Command::new("umount").arg("-l").arg(&self.dir).status();
            }
        }
        let _ = std::fs::remove_dir(&self.dir);
    }
}

/// Writes a file until the filesystem is full; returns its path.
fn fill(dir: &Path) -> PathBuf {
    let path = dir.join("filler");
    let mut file = std::fs::File::create(&path).expect("filler file");
    let chunk = vec![0x5a_u8; 64 * 1024];
    while file.write_all(&chunk).is_ok() {}
    // The last few kilobytes too.
    let small = vec![0x5a_u8; 512];
    while file.write_all(&small).is_ok() {}
    let _ = file.flush();
    path
}

/// What one request was answered.
#[derive(Debug)]
struct Answer {
    status: StatusCode,
    body: Value,
}

/// Tally of a round of writes: answered 2xx, refused with 503 `storage_full`, refused with 503
/// `unavailable` (there must be none: write transactions wait for the lock, see
/// `Db::begin_write`), anything else.
#[derive(Debug, Default)]
struct Tally {
    acknowledged: usize,
    storage_full: usize,
    busy: usize,
    other: Vec<String>,
}

fn tally(answers: &[(Browser, Answer)], ok: StatusCode) -> Tally {
    let mut t = Tally::default();
    for (_, a) in answers {
        if a.status == ok {
            t.acknowledged += 1;
        } else if a.status == StatusCode::SERVICE_UNAVAILABLE
            && a.body["error"]["code"] == "storage_full"
        {
            t.storage_full += 1;
        } else if a.status == StatusCode::SERVICE_UNAVAILABLE
            && a.body["error"]["code"] == "unavailable"
        {
            t.busy += 1;
        } else {
            t.other.push(format!("{} {}", a.status, a.body));
        }
    }
    t
}

async fn a_variant(app: &TestApp) -> String {
    let variant: String = sqlx::query_scalar(
        "SELECT v.id FROM product_variants v JOIN products p ON p.id = v.product_id
           JOIN producers pr ON pr.id = p.producer_id
          WHERE v.status = 'active' AND p.status = 'approved' AND pr.status = 'active'
          ORDER BY v.id LIMIT 1",
    )
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    sqlx::query("UPDATE product_variants SET stock = 1000000 WHERE id = $1")
        .bind(&variant)
        .execute(app.db.pool())
        .await
        .unwrap();
    variant
}

async fn add_to_cart(b: &Browser, variant: &str) -> Answer {
    let r = b
        .json(
            Method::POST,
            "/api/v1/cart/items",
            Some(&json!({"variant_id": variant, "quantity": 1})),
        )
        .await;
    let status = r.status();
    Answer {
        status,
        body: r.json().await.unwrap_or(Value::Null),
    }
}

async fn check_out(b: &Browser, address: &(String, String), key: String) -> Answer {
    let body = json!({
        "name": "Nguyễn Thị Hoa", "phone": "0912 345 678", "street": "12 phố Hiến Nam",
        "province_id": address.0, "commune_id": address.1, "payment_method": "cod",
        "idempotency_key": key,
    });
    let r = b.json(Method::POST, "/api/v1/checkout", Some(&body)).await;
    let status = r.status();
    Answer {
        status,
        body: r.json().await.unwrap_or(Value::Null),
    }
}

/// `buyers` (carts filled) check out while `n` new guests add to their carts, all at once.
/// Returns the buyers and guests with their answers.
async fn at_once(
    app: &TestApp,
    variant: &str,
    buyers: Vec<Browser>,
    address: &(String, String),
    n: usize,
    tag: &str,
) -> (Vec<(Browser, Answer)>, Vec<(Browser, Answer)>) {
    let guests: Vec<Browser> = (0..n).map(|_| Browser::new(&app.address)).collect();
    let checkouts = futures::future::join_all(
        buyers
            .iter()
            .enumerate()
            .map(|(i, b)| check_out(b, address, format!("{tag}-key-{i:04}"))),
    );
    let adds = futures::future::join_all(guests.iter().map(|g| add_to_cart(g, variant)));
    let (checkouts, adds) = tokio::join!(checkouts, adds);
    (
        buyers.into_iter().zip(checkouts).collect(),
        guests.into_iter().zip(adds).collect(),
    )
}

/// Which acknowledged writes of a round are in the database (asked after a restart).
async fn stored(
    app: &TestApp,
    variant: &str,
    checkouts: &mut [(Browser, Answer)],
    adds: &mut [(Browser, Answer)],
) -> (usize, usize) {
    let mut orders = 0;
    for (_, a) in checkouts
        .iter()
        .filter(|(_, a)| a.status == StatusCode::CREATED)
    {
        let mut all = true;
        for o in a.body["orders"].as_array().unwrap() {
            let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM orders WHERE order_no = $1")
                .bind(o["order_no"].as_str().unwrap())
                .fetch_one(app.db.pool())
                .await
                .unwrap();
            all &= n == 1;
        }
        orders += usize::from(all);
    }
    let mut carts = 0;
    for (b, _) in adds.iter_mut().filter(|(_, a)| a.status == StatusCode::OK) {
        b.address = app.address.clone();
        let cart: Value = b
            .json(Method::GET, "/api/v1/cart", None)
            .await
            .json()
            .await
            .unwrap();
        carts += usize::from(cart.to_string().contains(variant));
    }
    (orders, carts)
}

async fn health(app: &TestApp) -> (StatusCode, Value) {
    let r = app.get("/healthz").await;
    (r.status(), r.json().await.unwrap_or(Value::Null))
}

/// Another process takes the write lock: no connection of the server may hold it.
async fn another_writer_can_write(db_file: &Path) -> Result<(), String> {
    use sqlx::{ConnectOptions, Connection, sqlite::SqliteConnectOptions};
    let mut conn = SqliteConnectOptions::new()
        .filename(db_file)
        .busy_timeout(Duration::from_secs(2))
        .connect()
        .await
        .map_err(|e| e.to_string())?;
    let r = sqlx::raw_sql("BEGIN IMMEDIATE; ROLLBACK;")
        .execute(&mut conn)
        .await
        .map(|_| ())
        .map_err(|e| e.to_string());
    let _ = conn.close().await;
    r
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_disk_never_acknowledges_a_write_that_was_not_stored() {
    let Some(mount) = Mount::tmpfs("24m", "") else {
        return;
    };
    let db_file = mount.path().join("ocop.db");
    let url = format!("sqlite://{}", db_file.display());
    let mut app = spawn_app_configured(Engine::Sqlite, |s| s.database_url = url).await;
    app.seed().await;
    let variant = a_variant(&app).await;
    let (status, _) = health(&app).await;
    assert_eq!(status, 200);

    // The disk fills up while buyers check out and guests fill carts.
    let address = ocop_tests::delivery_address(&app.db).await;
    let n = 40;
    let buyers: Vec<Browser> = (0..n).map(|_| Browser::new(&app.address)).collect();
    for b in &buyers {
        assert_eq!(add_to_cart(b, &variant).await.status, 200, "filling a cart");
    }
    let filler = fill(mount.path());
    let (mut full_checkouts, mut full_adds) =
        at_once(&app, &variant, buyers, &address, n, "full").await;
    let full_c = tally(&full_checkouts, StatusCode::CREATED);
    let full_a = tally(&full_adds, StatusCode::OK);
    eprintln!("disk full: checkouts {full_c:?}\ncart adds {full_a:?}");
    // The form says it plainly too.
    let shopper = Browser::new(&app.address);
    let form = shopper
        .submit("/gio-hang/them", &[("variant_id", &variant)])
        .await;
    let form_status = form.status();
    let form_text = form.text().await.unwrap();
    let (h_status, h_body) = health(&app).await;
    eprintln!("health while full: {h_status} {h_body}; form: {form_status} {form_text}");

    // Space returns: writes succeed again without a restart, and nothing holds the write lock.
    std::fs::remove_file(&filler).unwrap();
    // Guests fill carts; the first half then check out, the second half keep theirs.
    // One at a time, so that no add meets another's lock (see `Tally`).
    let mut after_adds: Vec<(Browser, Answer)> = vec![];
    for _ in 0..2 * n {
        let guest = Browser::new(&app.address);
        let added = add_to_cart(&guest, &variant).await;
        after_adds.push((guest, added));
    }
    let keep = after_adds.split_off(n);
    let buyers: Vec<Browser> = after_adds
        .into_iter()
        .filter(|(_, a)| a.status == StatusCode::OK)
        .map(|(b, _)| b)
        .collect();
    let checkouts = futures::future::join_all(
        buyers
            .iter()
            .enumerate()
            .map(|(i, b)| check_out(b, &address, format!("after-key-{i:04}"))),
    )
    .await;
    let mut after_checkouts: Vec<(Browser, Answer)> = buyers.into_iter().zip(checkouts).collect();
    let mut after_adds = keep;
    let after_c = tally(&after_checkouts, StatusCode::CREATED);
    let after_a = tally(&after_adds, StatusCode::OK);
    eprintln!("space freed: checkouts {after_c:?}\ncart adds {after_a:?}");
    let lock = another_writer_can_write(&db_file).await;
    let (h2_status, h2_body) = health(&app).await;
    eprintln!("health after: {h2_status} {h2_body}; another writer: {lock:?}");

    // After a restart, every acknowledged write is there.
    app.restart().await;
    let (full_orders, full_carts) =
        stored(&app, &variant, &mut full_checkouts, &mut full_adds).await;
    let (after_orders, after_carts) =
        stored(&app, &variant, &mut after_checkouts, &mut after_adds).await;
    eprintln!(
        "FIGURES disk full: checkouts acknowledged {} stored {full_orders}, cart adds acknowledged {} stored {full_carts}; \
         space freed: checkouts acknowledged {} stored {after_orders}, cart adds acknowledged {} stored {after_carts}",
        full_c.acknowledged, full_a.acknowledged, after_c.acknowledged, after_a.acknowledged
    );
    app.shut_down().await.unwrap();
    drop(app);

    assert_eq!(full_orders, full_c.acknowledged, "checkouts while full");
    assert_eq!(full_carts, full_a.acknowledged, "cart adds while full");
    assert_eq!(after_orders, after_c.acknowledged, "checkouts after");
    assert_eq!(after_carts, after_a.acknowledged, "cart adds after");
    assert!(
        full_c.storage_full + full_a.storage_full > 0,
        "the full disk refused something"
    );
    assert!(full_c.other.is_empty(), "{:?}", full_c.other);
    assert_eq!(full_c.busy, 0, "{full_c:?}");
    assert!(full_a.other.is_empty(), "{:?}", full_a.other);
    assert_eq!(
        full_a.busy, 0,
        "write transactions wait for the lock: {full_a:?}"
    );
    // A write may still find room (SQLite reuses its log's space); refused, it says why.
    if form_status != StatusCode::SEE_OTHER {
        assert_eq!(form_status, 503, "{form_text}");
        assert!(
            form_text.contains("Ổ đĩa của máy chủ đã đầy"),
            "{form_text}"
        );
    }
    assert_eq!(h_status, 503, "{h_body}");
    assert_eq!(h_body["database"]["status"], "error", "{h_body}");
    assert_eq!(h_body["database"]["error"], "disk full", "{h_body}");
    assert_eq!(after_c.acknowledged, n, "{after_c:?}");
    assert_eq!(after_a.acknowledged, n, "{after_a:?}");
    assert_eq!(lock, Ok(()));
    assert_eq!(h2_status, 200, "{h2_body}");
    drop(mount);
}

/// A PostgreSQL server of the test's own (the shared one must keep running): `initdb` in a temp
/// folder, on a free port. Stopped and removed when dropped.
struct OwnPostgres {
    dir: tempfile::TempDir,
    port: u16,
}

const PG_BIN: &str = "/usr/lib/postgresql/15/bin";

impl OwnPostgres {
    /// `None` (with the reason printed) where PostgreSQL's programs or the `postgres` user are
    /// not there, or not running as root.
    fn start() -> Option<OwnPostgres> {
        let dir = tempfile::tempdir().ok()?;
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .ok()?
            .local_addr()
            .ok()?
            .port();
        let owned = Command::new("chown")
            .args(["-R", "postgres"])
            .arg(dir.path())
            .status()
            .is_ok_and(|s| s.success());
        let data = dir.path().join("data");
        let initdb = owned
            && as_postgres(&format!(
                "{PG_BIN}/initdb -D {} -A trust -U postgres >/dev/null",
                data.display()
            ));
        if !initdb {
            eprintln!("SKIPPED: cannot run initdb as the postgres user (needs root and {PG_BIN})");
            return None;
        }
        let pg = OwnPostgres { dir, port };
        pg.ctl("start").then_some(pg)
    }

    fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    fn ctl(&self, action: &str) -> bool {
        let data = self.dir.path().join("data");
        let extra = match action {
            "start" => format!(
                "-w -l {}/log -o '-p {} -k {} -c listen_addresses=127.0.0.1'",
                self.dir.path().display(),
                self.port,
                self.dir.path().display()
            ),
            _ => "-w -m fast".to_owned(),
        };
        as_postgres(&format!(
            "{PG_BIN}/pg_ctl -D {} {extra} {action} >/dev/null",
            data.display()
        ))
    }
}

impl Drop for OwnPostgres {
    fn drop(&mut self) {
        let data = self.dir.path().join("data");
        let _ = as_postgres(&format!(
            "{PG_BIN}/pg_ctl -D {} -m immediate stop >/dev/null 2>&1",
            data.display()
        ));
    }
}

fn as_postgres(script: &str) -> bool {
    Command::new("su")
        .args(["postgres", "-s", "/bin/sh", "-c", script])
        .status()
        .is_ok_and(|s| s.success())
}

/// The friendly text of a page that could not load its data, in Vietnamese.
const LOAD_FAILED: &str = "Không tải được dữ liệu";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_postgres_outage_is_answered_503_at_once_and_recovery_is_automatic() {
    let Some(pg) = OwnPostgres::start() else {
        return;
    };
    let url = pg.url();
    let app = spawn_app_configured(Engine::Sqlite, |s| s.database_url = url).await;
    assert_eq!(health(&app).await.0, 200);
    assert_eq!(app.get("/").await.status(), 200);

    // The outage as a monitor meets it: /healthz first, then pages.
    assert!(pg.ctl("stop"), "stopping the test's own PostgreSQL");
    let started = std::time::Instant::now();
    let (status, body) = health(&app).await;
    let health_took = started.elapsed();
    let mut pages = vec![];
    for _ in 0..3 {
        pages.push(timed_page(&app).await);
    }
    assert!(pg.ctl("start"), "starting the test's own PostgreSQL again");
    let recovered = recovers(&app).await;

    // The outage as a reader meets it: a page first, before anything noticed.
    assert!(pg.ctl("stop"), "stopping the test's own PostgreSQL");
    let first = timed_page(&app).await;
    let after_first = timed_page(&app).await;
    assert!(pg.ctl("start"), "starting the test's own PostgreSQL again");
    let recovered_again = recovers(&app).await;

    let times = |v: &[(StatusCode, bool, Duration)]| {
        v.iter()
            .map(|(s, _, t)| format!("{} in {t:.2?}", s.as_u16()))
            .collect::<Vec<_>>()
    };
    eprintln!(
        "FIGURES outage: /healthz {status} in {health_took:.2?}; then pages {:?}; \
         a page first {:?}, the next {:?}; recovered: {recovered:?}, {recovered_again:?}",
        times(&pages),
        times(&[first]),
        times(&[after_first]),
    );
    assert_eq!(status, 503, "{body}");
    assert_eq!(body["database"]["status"], "error", "{body}");
    assert!(body["database"]["error"].is_string(), "{body}");
    // Only a guard against hanging: the budgets are measured (printed above), not asserted.
    assert!(health_took < Duration::from_secs(5), "{health_took:?}");
    for (status, friendly, _) in pages.iter().chain([&first, &after_first]) {
        assert_eq!(*status, 503);
        assert!(friendly, "the page says it could not load the data");
    }
    assert!(recovered.is_some() && recovered_again.is_some());
}

/// `/`'s status, whether it says the data could not be loaded, and how long it took.
async fn timed_page(app: &TestApp) -> (StatusCode, bool, Duration) {
    let started = std::time::Instant::now();
    let r = app.get("/").await;
    let took = started.elapsed();
    let status = r.status();
    let html = r.text().await.unwrap();
    (status, html.contains(LOAD_FAILED), took)
}

/// How long until `/healthz` and `/` answer 200 again (`None`: not within 30 s).
async fn recovers(app: &TestApp) -> Option<Duration> {
    let started = std::time::Instant::now();
    while started.elapsed() < Duration::from_secs(30) {
        if health(app).await.0 == 200 && app.get("/").await.status() == 200 {
            return Some(started.elapsed());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    None
}

/// Builds the application on this SQLite file; the error's full text and how long it took.
async fn build_fails(db_file: &Path) -> (String, Duration) {
    let data = tempfile::tempdir().unwrap();
    let settings =
        ocop_tests::test_settings(data.path(), &format!("sqlite://{}", db_file.display()));
    let started = std::time::Instant::now();
    let err = server::Application::build(settings)
        .await
        .err()
        .expect("the database cannot be opened");
    (format!("{err:#}"), started.elapsed())
}

#[tokio::test]
async fn a_read_only_data_folder_is_named_at_start_up() {
    if let Some(mount) = Mount::tmpfs("1m", "ro") {
        let (msg, took) = build_fails(&mount.path().join("ocop.db")).await;
        eprintln!("read-only, empty: {took:?}: {msg}");
        assert!(msg.contains("unable to open database file"), "{msg}");
        assert!(msg.contains("Read-only file system"), "{msg}");
        assert!(took < Duration::from_secs(5), "{took:?}");
    }
}

#[tokio::test]
async fn a_database_on_a_folder_made_read_only_is_named_at_start_up() {
    if let Some(mount) = Mount::tmpfs("8m", "") {
        let db_file = mount.path().join("ocop.db");
        let app = spawn_app_configured(Engine::Sqlite, |s| {
            s.database_url = format!("sqlite://{}", db_file.display())
        })
        .await;
        drop(app);
        // The server's pool closes in the background: wait for its files to be let go.
        let mut remounted = false;
        for _ in 0..100 {
            remounted = Command::new("mount")
                .args(["-o", "remount,ro"])
                .arg(mount.path())
                .status()
                .is_ok_and(|s| s.success());
            if remounted {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        assert!(remounted, "remounting read-only");
        let (msg, took) = build_fails(&db_file).await;
        eprintln!("read-only, with a database: {took:?}: {msg}");
        assert!(!msg.contains("pool timed out"), "{msg}");
        assert!(msg.contains("Read-only file system"), "{msg}");
        assert!(took < Duration::from_secs(5), "{took:?}");
    }
}

#[tokio::test]
async fn a_data_folder_that_cannot_be_made_is_named_at_start_up() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a-file");
    std::fs::write(&file, b"not a folder").unwrap();
    let (msg, took) = build_fails(&file.join("data").join("ocop.db")).await;
    eprintln!("under a file: {took:?}: {msg}");
    assert!(msg.contains("Not a directory"), "{msg}");
    assert!(took < Duration::from_secs(5), "{took:?}");
}
