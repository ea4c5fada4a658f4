//! The test harness: the real server on 127.0.0.1:0 against a fresh database.
//!
//! Every database test runs on SQLite, and on PostgreSQL when `TEST_POSTGRES_URL` names a
//! role that may create databases (e.g. `postgres://ocop_test:ocop_test@127.0.0.1/postgres`):
//! each test gets a database of its own.

pub mod browser;
pub mod carrier_fake;
pub mod fixtures;
pub mod ghn_fake;
pub mod ghtk_fake;
pub mod load;
pub mod logs;
pub mod race;
pub mod sms_fakes;
pub mod smtp_sink;
pub mod stripe_fake;
pub mod vnpay_fake;
pub mod xlsx;

use std::path::Path;

use app::db::Db;
use server::{Application, Settings, seed::SeedReport};
use tempfile::TempDir;

/// Declares a test that runs once per database engine: `db_test!(name, |engine| { ... })`.
#[macro_export]
macro_rules! db_test {
    ($name:ident, |$engine:ident| $body:block) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let $engine = $crate::Engine::Sqlite;
                $body
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            #[cfg_attr(
                not(ocop_pg_tests),
                ignore = "TEST_POSTGRES_URL is not set: PostgreSQL variant not run"
            )]
            async fn postgres() {
                let $engine = $crate::Engine::Postgres;
                $body
            }
        }
    };
}

/// [`db_test!`] for a test that also needs the S3 server `scripts/test` starts
/// (`OCOP_TEST_S3`): ignored, with the reason, where it is not set.
#[macro_export]
macro_rules! db_s3_test {
    ($name:ident, |$engine:ident| $body:block) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            #[cfg_attr(
                not(ocop_s3_tests),
                ignore = "OCOP_TEST_S3 is not set: scripts/test starts an S3 server for this test"
            )]
            async fn sqlite() {
                let $engine = $crate::Engine::Sqlite;
                $body
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            #[cfg_attr(
                not(all(ocop_s3_tests, ocop_pg_tests)),
                ignore = "OCOP_TEST_S3 or TEST_POSTGRES_URL is not set: scripts/test sets both"
            )]
            async fn postgres() {
                let $engine = $crate::Engine::Postgres;
                $body
            }
        }
    };
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

/// A database of its own for one test.
///
/// PostgreSQL test databases are named after the test process and a UUIDv7
/// (`ocop_test_p{pid}_{uuid}`); each is dropped when its test ends (from a thread of its own, so
/// no async worker blocks), and the first test of a process also drops those left by processes
/// that have ended or that are over two hours old (process ids are reused). Hundreds of stale
/// databases once made PostgreSQL's checkpoints stall requests for tens of seconds.
pub struct TestDb {
    pub url: String,
    pub engine: Engine,
    _dir: Option<TempDir>,
}

static SWEEP: tokio::sync::OnceCell<()> = tokio::sync::OnceCell::const_new();

/// The demo photos, painted once for the whole run (painting them takes seconds per seed).
static PAINTED: std::sync::LazyLock<server::seed::Painted> =
    std::sync::LazyLock::new(Default::default);

/// Loads the demo province into `db`, photos under `media_dir`, as `ocop seed` does (with the
/// photos painted once per test run).
pub async fn load_demo(
    db: &Db,
    media: &server::photos::media::Media,
) -> anyhow::Result<server::seed::SeedReport> {
    server::seed::load_demo_with(db, media, &PAINTED).await
}

/// Drops the test databases of test processes that are no longer running.
async fn sweep_stale_databases(admin: &Db) {
    let names: Vec<(String,)> =
        sqlx::query_as("SELECT datname FROM pg_database WHERE datname LIKE 'ocop_test_p%'")
            .fetch_all(admin.pool())
            .await
            .unwrap_or_default();
    for (name,) in names {
        let pid = name
            .trim_start_matches("ocop_test_p")
            .split('_')
            .next()
            .unwrap_or_default();
        let alive = !pid.is_empty() && Path::new("/proc").join(pid).exists();
        if !alive || older_than_two_hours(&name) {
            let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .execute(admin.pool())
                .await;
        }
    }
}

/// Whether a test database's name (ending in a UUIDv7, whose first 48 bits are Unix
/// milliseconds) says it was created over two hours ago.
fn older_than_two_hours(name: &str) -> bool {
    let Some(hex) = name.rsplit('_').next().filter(|h| h.len() == 32) else {
        return false;
    };
    let Ok(ms) = u64::from_str_radix(&hex[..12], 16) else {
        return false;
    };
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64);
    now.saturating_sub(ms) > 2 * 3600 * 1000
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if self.engine != Engine::Postgres {
            return;
        }
        let (Ok(admin), Some(name)) = (
            std::env::var("TEST_POSTGRES_URL"),
            self.url
                .rsplit('/')
                .next()
                .map(|n| n.split('?').next().unwrap_or(n).to_owned()),
        ) else {
            return;
        };
        // Its own thread and runtime: the test's runtime may be shutting down. FORCE ends the
        // connections the test's server still holds.
        std::thread::spawn(move || {
            let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            rt.block_on(async {
                if let Ok(db) = Db::connect(&admin).await {
                    let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                        .execute(db.pool())
                        .await;
                    db.close().await;
                }
            });
        });
    }
}

impl TestDb {
    pub async fn fresh(engine: Engine) -> TestDb {
        match engine {
            Engine::Sqlite => {
                let dir = tempfile::tempdir().expect("temp dir for the SQLite file");
                let url = format!("sqlite://{}", dir.path().join("test.db").display());
                TestDb {
                    url,
                    engine,
                    _dir: Some(dir),
                }
            }
            Engine::Postgres => {
                let admin = std::env::var("TEST_POSTGRES_URL").expect(
                    "TEST_POSTGRES_URL must name a PostgreSQL role that may create databases",
                );
                let db = Db::connect(&admin)
                    .await
                    .expect("connecting to TEST_POSTGRES_URL");
                SWEEP.get_or_init(|| sweep_stale_databases(&db)).await;
                let name = format!(
                    "ocop_test_p{}_{}",
                    std::process::id(),
                    uuid::Uuid::now_v7().simple()
                );
                sqlx::query(&format!("CREATE DATABASE {name}"))
                    .execute(db.pool())
                    .await
                    .expect("creating a test database");
                db.close().await;
                TestDb {
                    url: with_database(&admin, &name),
                    engine,
                    _dir: None,
                }
            }
        }
    }
}

/// The same server URL with another database name.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, format!("?{q}")),
        None => (url, String::new()),
    };
    let (scheme, rest) = base.split_once("://").expect("a URL with a scheme");
    let host = rest.split_once('/').map_or(rest, |(h, _)| h);
    format!("{scheme}://{host}/{name}{query}")
}

/// A running server and what a test needs to talk to it.
pub struct TestApp {
    /// `http://127.0.0.1:PORT`
    pub address: String,
    pub client: reqwest::Client,
    pub db: Db,
    pub data_dir: TempDir,
    pub test_db: TestDb,
    pub settings: Settings,
    /// What the server's handlers share (to run background work such as payment settling).
    pub state: server::startup::AppState,
    server: tokio::task::JoinHandle<std::io::Result<()>>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

/// Starts the real application on a free port, against a fresh, migrated database.
pub async fn spawn_app(engine: Engine) -> TestApp {
    spawn_app_with(engine, Default::default()).await
}

/// [`spawn_app`] with these payment settings (e.g. Stripe pointed at a fake).
pub async fn spawn_app_with(engine: Engine, payments: server::config::PaymentSettings) -> TestApp {
    spawn_app_configured(engine, |s| s.payments = payments).await
}

/// Email and SMS switched on, but held: the dispatcher looks once at start-up and then not for
/// an hour, so every message stays pending where a test reads it as its recipient would (the
/// providers' addresses are never called).
pub fn held_channels() -> server::notify::channels::NotifySettings {
    use server::notify::channels::{NotifySettings, email::EmailSettings, sms::EsmsSettings};
    NotifySettings {
        email: Some(EmailSettings {
            url: "smtp://127.0.0.1:9".to_owned(),
            from: "Đặc sản Hưng Yên <no-reply@dacsan.example>".to_owned(),
        }),
        sms: Some(EsmsSettings {
            api_key: "held".to_owned(),
            secret_key: "held".to_owned(),
            brandname: "OCOP_HY".to_owned(),
            base: "http://127.0.0.1:9".to_owned(),
        }),
        poll: std::time::Duration::from_secs(3600),
        ..Default::default()
    }
}

/// [`spawn_app`] with email and SMS on but [`held_channels`]: codes can be asked for and read.
pub async fn spawn_app_held(engine: Engine) -> TestApp {
    spawn_app_configured(engine, |s| s.notify = held_channels()).await
}

/// [`spawn_app`] with its settings changed by `configure` first.
pub async fn spawn_app_configured(
    engine: Engine,
    configure: impl FnOnce(&mut Settings),
) -> TestApp {
    logs::capture();
    let test_db = TestDb::fresh(engine).await;
    let data_dir = tempfile::tempdir().expect("temp data dir");
    let mut settings = test_settings(data_dir.path(), &test_db.url);
    configure(&mut settings);
    let (address, db, state, server, stop) = start(&settings).await;
    let client = client();
    TestApp {
        address,
        client,
        db,
        data_dir,
        test_db,
        settings,
        state,
        server,
        stop: Some(stop),
    }
}

/// The tests' HTTP client: no redirects followed.
fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        // A hung request fails the test with a clear message instead of stalling the suite.
        .timeout(std::time::Duration::from_secs(60))
        .build()
        .expect("HTTP client")
}

type Started = (
    String,
    Db,
    server::startup::AppState,
    tokio::task::JoinHandle<std::io::Result<()>>,
    tokio::sync::oneshot::Sender<()>,
);

async fn start(settings: &Settings) -> Started {
    let app = Application::build(settings.clone())
        .await
        .expect("building the application");
    run(app)
}

fn run(app: Application) -> Started {
    let address = format!("http://{}", app.address());
    let db = app.db().clone();
    let state = app.state().clone();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(app.run_until(async {
        let _ = stopped.await;
    }));
    (address, db, state, server, stop)
}

/// A running server whose fresh database already holds the demo province.
pub async fn spawn_seeded_app(engine: Engine) -> TestApp {
    let app = spawn_app(engine).await;
    app.seed().await;
    app
}

/// Settings for a server on 127.0.0.1:0 with its data under `data_dir`.
pub fn test_settings(data_dir: &Path, database_url: &str) -> Settings {
    let leptos = leptos_options();
    Settings {
        data_dir: data_dir.to_owned(),
        database_url: database_url.to_owned(),
        bind: "127.0.0.1:0".parse().expect("loopback address"),
        public_url: Some("https://dacsan.example".to_owned()),
        leptos,
        payments: Default::default(),
        // Never the internet: a port where nothing listens, unless a test starts a fake.
        carriers: server::shipping::CarrierSettings::with_bases(
            Some("http://127.0.0.1:9".to_owned()),
            Some("http://127.0.0.1:9".to_owned()),
        ),
        search: server::search::SearchSettings::Embedded {
            dir: data_dir.join("search"),
        },
        trusted_proxies: Default::default(),
        limits: Default::default(),
        notify: Default::default(),
        signing_key: None,
        plant_register: server::config::plant_register(None).expect("the shipped register"),
        metrics: Default::default(),
        media: Default::default(),
    }
}

/// The built site (`cargo leptos build` writes `target/site` at the workspace root): its
/// `/pkg` files are served, so pages hydrate in the browser journeys. `LEPTOS_SITE_ROOT` wins.
fn leptos_options() -> leptos::config::LeptosOptions {
    let site_root = std::env::var("LEPTOS_SITE_ROOT")
        .unwrap_or_else(|_| concat!(env!("CARGO_MANIFEST_DIR"), "/../target/site").to_owned());
    leptos::config::LeptosOptions::builder()
        .output_name("ocop")
        .site_root(site_root)
        .build()
}

impl TestApp {
    /// Kills the server as a crash would: requests in flight are dropped, transactions not
    /// committed are lost. The database and data dir stay.
    pub async fn kill(&self) {
        self.server.abort();
        while !self.server.is_finished() {
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
    }

    /// Starts the server again on the same database, data dir and port, as a supervisor
    /// restarts a crashed server (the same server, so its job leases are still its own; on
    /// another port, should the port have been taken meanwhile).
    pub async fn restart(&mut self) {
        self.kill().await;
        let mut same_port = self.settings.clone();
        same_port.bind = self
            .address
            .trim_start_matches("http://")
            .parse()
            .expect("the server's address");
        let app = match Application::build(same_port).await {
            Ok(app) => app,
            Err(_) => Application::build(self.settings.clone())
                .await
                .expect("building the application"),
        };
        let (address, db, state, server, stop) = run(app);
        // The killed server's connections live on in this process (a real crash would end
        // them); on the same port, a pooled one would reach the old server.
        self.client = client();
        self.address = address;
        self.db = db;
        self.state = state;
        self.server = server;
        self.stop = Some(stop);
    }

    /// Asks the server to shut down as SIGTERM does; returns when it has stopped (after the
    /// requests in flight finished), with how serving ended.
    pub async fn shut_down(&mut self) -> std::io::Result<()> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        (&mut self.server).await.expect("the server task")
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.address))
            .send()
            .await
            .expect("GET request")
    }

    /// The page's HTML as a first-time (Vietnamese) reader sees it.
    /// A page's HTML; a page that fails to load (a server error, or the "could not load"
    /// message) fails the test with its body, so the cause shows.
    pub async fn page(&self, path: &str) -> String {
        let response = self.get(path).await;
        let status = response.status();
        let html = response.text().await.expect("page body");
        assert!(
            !status.is_server_error() && !html.contains(r#"class="error" role="alert""#),
            "GET {path}: {status}\n{html}"
        );
        html
    }

    /// The page's HTML as a reader who chose English sees it (the `lang` cookie).
    pub async fn get_in_english(&self, path: &str) -> String {
        self.client
            .get(format!("{}{path}", self.address))
            .header("cookie", "lang=en")
            .send()
            .await
            .expect("GET request")
            .text()
            .await
            .expect("page body")
    }

    /// Loads the demo province, as `ocop seed` does.
    pub async fn seed(&self) -> SeedReport {
        let report = load_demo(&self.db, &self.state.media)
            .await
            .expect("seeding the demo data");
        self.search_settled().await;
        report
    }

    /// A guest buys `quantity` of a product's first variant, cash on delivery, through the JSON
    /// API (delivery to Phường Phố Hiến); panics unless the order is placed.
    pub async fn guest_buys(&self, slug: &str, quantity: i64, idempotency_key: &str) {
        let variant: String = sqlx::query_scalar(
            "SELECT v.id FROM product_variants v JOIN products p ON p.id = v.product_id
              WHERE p.slug = $1 ORDER BY v.position LIMIT 1",
        )
        .bind(slug)
        .fetch_one(self.db.pool())
        .await
        .expect("a variant of the product");
        let buyer = browser::Browser::new(&self.address);
        let added = buyer
            .json(
                reqwest::Method::POST,
                "/api/v1/cart/items",
                Some(&serde_json::json!({"variant_id": variant, "quantity": quantity})),
            )
            .await;
        assert_eq!(added.status(), 200, "adding {slug} to the cart");
        let (province, commune) = delivery_address(&self.db).await;
        let placed = buyer
            .json(
                reqwest::Method::POST,
                "/api/v1/checkout",
                Some(&serde_json::json!({
                    "name": "Nguyễn Thị Hoa", "phone": "0912 345 678", "street": "12 phố Hiến Nam",
                    "province_id": province, "commune_id": commune, "payment_method": "cod",
                    "idempotency_key": idempotency_key,
                })),
            )
            .await;
        assert_eq!(placed.status(), 201, "checking out {slug}");
    }

    /// Waits until the search index has every queued change (the indexer polls every 200 ms);
    /// returns how long that took. Panics after 10 s.
    pub async fn search_settled(&self) -> std::time::Duration {
        search_settled(&self.db).await
    }

    pub async fn count(&self, table: &str) -> i64 {
        count(&self.db, table).await
    }
}

/// Waits until no change is queued for the search index; panics after 10 s.
pub async fn search_settled(db: &Db) -> std::time::Duration {
    let started = std::time::Instant::now();
    loop {
        let queued = app::search::sync::backlog(db)
            .await
            .expect("reading the search queue");
        if queued == 0 {
            return started.elapsed();
        }
        assert!(
            started.elapsed() < std::time::Duration::from_secs(10),
            "{queued} search index changes still queued after 10 s"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

/// Where test buyers live: Phường Phố Hiến, Hưng Yên, as national codes (province, commune).
pub async fn delivery_address(db: &Db) -> (String, String) {
    sqlx::query_as(
        "SELECT province_code, code FROM admin_communes
          WHERE province_code = '33' AND name = 'Phố Hiến'",
    )
    .fetch_one(db.pool())
    .await
    .expect("Phường Phố Hiến")
}

/// Rows in a table (names come from the tests themselves, never from input).
pub async fn count(db: &Db, table: &str) -> i64 {
    let (n,): (i64,) = sqlx::query_as(&format!("SELECT COUNT(*) FROM {table}"))
        .fetch_one(db.pool())
        .await
        .unwrap_or_else(|e| panic!("counting {table}: {e}"));
    n
}

/// Every table of the data model, in an order that respects foreign keys when deleting.
pub const TABLES: &[&str] = &[
    "consent_records",
    "review_photos",
    "reviews",
    "return_request_photos",
    "return_requests",
    "complaints",
    "care_tasks",
    "care_calendar_steps",
    "farm_tokens",
    "lot_recalls",
    "order_line_lots",
    "chain_checkpoints",
    "ledger_lines",
    "ledger_postings",
    "bank_credits",
    "search_outbox",
    "import_batches",
    "commune_signature_history",
    "rate_limits",
    "sessions",
    "audit_log",
    "payment_events",
    "card_payments",
    "payments",
    "order_status_history",
    "order_lines",
    "orders",
    "guest_order_access",
    "checkouts",
    "site_settings",
    "cart_items",
    "carts",
    "cultivation_log_photos",
    "cultivation_log_entries",
    "harvest_lots",
    "plots",
    "ocop_certificates",
    "commune_signature_products",
    "product_photos",
    "product_variants",
    "products",
    "product_groups",
    "producer_members",
    "producers",
    "commune_officers",
    "user_roles",
    "commune_former_names",
    "communes",
    "photo_derivatives",
    "photos",
    "users",
    "provinces",
    "app_servers",
    "job_leases",
];

#[cfg(test)]
mod tests {
    use super::with_database;

    #[test]
    fn swaps_the_database_name_only() {
        assert_eq!(
            with_database("postgres://u:p@127.0.0.1:5432/postgres", "t1"),
            "postgres://u:p@127.0.0.1:5432/t1"
        );
        assert_eq!(
            with_database(
                "postgres://u@localhost/postgres?host=/var/run/postgresql",
                "t1"
            ),
            "postgres://u@localhost/t1?host=/var/run/postgresql"
        );
        assert_eq!(with_database("postgres://u@h", "t1"), "postgres://u@h/t1");
    }
}
