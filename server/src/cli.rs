//! The `ocop` command line: serve the site, and the operators' chores.

use std::{net::SocketAddr, path::PathBuf};

use anyhow::Context;
use app::db::{Db, redact_url};
use clap::{Parser, Subcommand};

use app::shop::rules::order::PaymentWindows;

use crate::{
    Application, Settings,
    config::{PaymentSettings, StripeSettings},
    seed,
    telemetry::LogFormat,
};

#[derive(Debug, Parser)]
#[command(
    name = "ocop",
    version,
    about = "The OCOP specialty marketplace (Hưng Yên)"
)]
pub struct Cli {
    /// Folder for the SQLite database, the search index and photos.
    #[arg(long, env = "OCOP_DATA_DIR", default_value = "data", global = true)]
    pub data_dir: PathBuf,

    /// `sqlite://PATH` or `postgres://USER@HOST/DB`; default: a SQLite file in the data dir.
    #[arg(long, env = "DATABASE_URL", global = true)]
    pub database_url: Option<String>,

    /// Where photos are kept: `s3://BUCKET?endpoint=URL&region=R` for S3-compatible object
    /// storage (keys from `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY`); default: the
    /// `media` folder in the data dir.
    #[arg(long, env = "OCOP_MEDIA_URL", global = true)]
    pub media_url: Option<String>,

    #[arg(long, env = "OCOP_LOG_FORMAT", value_enum, default_value_t = LogFormat::Auto, global = true)]
    pub log_format: LogFormat,

    #[command(flatten)]
    pub payments: PaymentArgs,
    #[command(flatten)]
    pub search: SearchArgs,
    #[command(flatten)]
    pub limits: LimitArgs,
    #[command(flatten)]
    pub notify: crate::notify::channels::NotifyArgs,

    /// Defaults to `serve`, so `cargo leptos serve` runs the site.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Where the catalog is searched: the embedded index under the data folder, or Meilisearch.
#[derive(Debug, clap::Args)]
pub struct SearchArgs {
    /// Meilisearch's address (http://127.0.0.1:7700); unset: the embedded index.
    #[arg(long, env = "MEILI_URL", global = true)]
    pub meili_url: Option<String>,
    /// Meilisearch API key (a key allowed to search, write documents and change settings).
    #[arg(long, env = "MEILI_KEY", hide_env_values = true, global = true)]
    pub meili_key: Option<String>,
    /// The Meilisearch index to use.
    #[arg(long, env = "MEILI_INDEX", default_value = "products", global = true)]
    pub meili_index: String,
}

/// Where photos are kept (`OCOP_MEDIA_URL`).
fn media(media_url: &Option<String>) -> anyhow::Result<crate::photos::media::MediaSettings> {
    Ok(crate::photos::media::MediaSettings::parse(
        media_url.as_deref(),
    )?)
}

/// The photos' bucket, when `OCOP_MEDIA_URL` names one.
fn bucket(
    media_url: &Option<String>,
    media_dir: &std::path::Path,
) -> anyhow::Result<Option<crate::photos::media::Media>> {
    match media(media_url)? {
        crate::photos::media::MediaSettings::Folder => Ok(None),
        bucket => crate::photos::media::Media::open(&bucket, media_dir.to_owned()).map(Some),
    }
}

impl SearchArgs {
    pub fn settings(&self, data_dir: &std::path::Path) -> crate::search::SearchSettings {
        match self
            .meili_url
            .as_deref()
            .map(str::trim)
            .filter(|u| !u.is_empty())
        {
            Some(url) => crate::search::SearchSettings::Meili {
                url: url.to_owned(),
                key: self.meili_key.clone().filter(|k| !k.is_empty()),
                index: self.meili_index.clone(),
            },
            None => crate::search::SearchSettings::Embedded {
                dir: data_dir.join("search"),
            },
        }
    }
}

/// What the server gives its clients at most (connections, photo decoding).
#[derive(Debug, clap::Args)]
pub struct LimitArgs {
    /// Seconds a request's headers may take to arrive, from their first byte.
    #[arg(long, env = "OCOP_HEADER_TIMEOUT_SECS", default_value_t = crate::config::DEFAULT_HEADER_TIMEOUT_SECS,
          value_parser = clap::value_parser!(u64).range(1..=3600), global = true)]
    pub header_timeout_secs: u64,
    /// Seconds a connection may stay silent waiting for its next request.
    #[arg(long, env = "OCOP_IDLE_TIMEOUT_SECS", default_value_t = crate::config::DEFAULT_IDLE_TIMEOUT_SECS,
          value_parser = clap::value_parser!(u64).range(1..=3600), global = true)]
    pub idle_timeout_secs: u64,
    /// Connections served at once (keep it well under the open-files limit, `ulimit -n`).
    #[arg(long, env = "OCOP_MAX_CONNECTIONS", default_value_t = crate::config::DEFAULT_MAX_CONNECTIONS as u64,
          value_parser = clap::value_parser!(u64).range(1..=1_000_000), global = true)]
    pub max_connections: u64,
    /// Photos decoded at once; default: the number of cores.
    #[arg(long, env = "OCOP_PHOTO_DECODES", value_parser = clap::value_parser!(u64).range(1..=256), global = true)]
    pub photo_decodes: Option<u64>,
    /// Seconds an upload waits for a decoding slot before it is answered 503.
    #[arg(long, env = "OCOP_PHOTO_QUEUE_SECS", default_value_t = crate::config::DEFAULT_PHOTO_QUEUE_SECS,
          value_parser = clap::value_parser!(u64).range(1..=3600), global = true)]
    pub photo_queue_secs: u64,
    /// Database connections this server opens at most; default: 4 for SQLite, twice the cores
    /// plus two (at most 16) for PostgreSQL. Keep the sum over all servers under PostgreSQL's
    /// `max_connections`, with room for backups and the command line.
    #[arg(long, env = "OCOP_DB_CONNECTIONS", value_parser = clap::value_parser!(u32).range(1..=10_000), global = true)]
    pub db_connections: Option<u32>,
}

impl LimitArgs {
    pub fn settings(&self) -> crate::config::Limits {
        use std::time::Duration;
        crate::config::Limits {
            header_timeout: Duration::from_secs(self.header_timeout_secs),
            idle_timeout: Duration::from_secs(self.idle_timeout_secs),
            max_connections: self.max_connections as usize,
            photo_decodes: self
                .photo_decodes
                .map_or_else(crate::config::Limits::default_photo_decodes, |n| n as usize),
            photo_queue_wait: Duration::from_secs(self.photo_queue_secs),
            linger: crate::config::DEFAULT_LINGER,
            db_connections: self.db_connections,
            request_timeout: crate::config::DEFAULT_REQUEST_TIMEOUT,
            upload_timeout: crate::config::DEFAULT_UPLOAD_TIMEOUT,
            upload_silence: crate::config::DEFAULT_UPLOAD_SILENCE,
            upload_min_bytes: crate::config::DEFAULT_UPLOAD_MIN_BYTES,
        }
    }
}

/// How buyers pay. Cash on delivery and bank transfer need nothing; cards need a Stripe account.
#[derive(Debug, clap::Args)]
pub struct PaymentArgs {
    /// Minutes an unpaid card order keeps its stock.
    #[arg(
        long,
        env = "OCOP_CARD_PAY_MINUTES",
        default_value_t = 30,
        global = true
    )]
    pub card_pay_minutes: u32,
    /// Hours an unpaid bank-transfer order keeps its stock.
    #[arg(
        long,
        env = "OCOP_TRANSFER_PAY_HOURS",
        default_value_t = 24,
        global = true
    )]
    pub transfer_pay_hours: u32,
    /// Stripe secret key (sk_…); with STRIPE_WEBHOOK_SECRET, turns card payments on.
    #[arg(long, env = "STRIPE_SECRET_KEY", hide_env_values = true, global = true)]
    pub stripe_secret_key: Option<String>,
    /// The signing secret (whsec_…) of the webhook endpoint /api/v1/webhooks/stripe.
    #[arg(
        long,
        env = "STRIPE_WEBHOOK_SECRET",
        hide_env_values = true,
        global = true
    )]
    pub stripe_webhook_secret: Option<String>,
    /// Another base URL for Stripe's API (a test double); default https://api.stripe.com/.
    #[arg(long, env = "STRIPE_API_BASE", global = true, hide = true)]
    pub stripe_api_base: Option<String>,
    /// The API key the bank-feed service (SePay) sends to /api/v1/webhooks/bank-transfer as
    /// `Authorization: Apikey <key>`.
    #[arg(long, env = "BANK_FEED_API_KEY", hide_env_values = true, global = true)]
    pub bank_feed_api_key: Option<String>,
    /// Or a secret the bank feed signs each body with (HMAC-SHA256, hex, in
    /// `X-Bank-Feed-Signature`). Neither set: the endpoint answers 404.
    #[arg(
        long,
        env = "BANK_FEED_HMAC_SECRET",
        hide_env_values = true,
        global = true
    )]
    pub bank_feed_hmac_secret: Option<String>,
    /// VNPay merchant code (vnp_TmnCode); with VNPAY_HASH_SECRET and VNPAY_URL, turns VNPay on.
    #[arg(long, env = "VNPAY_TMN_CODE", global = true)]
    pub vnpay_tmn_code: Option<String>,
    /// VNPay's secret for HMAC-SHA512 signatures.
    #[arg(long, env = "VNPAY_HASH_SECRET", hide_env_values = true, global = true)]
    pub vnpay_hash_secret: Option<String>,
    /// VNPay's payment page, e.g. https://sandbox.vnpayment.vn/paymentv2/vpcpay.html.
    #[arg(long, env = "VNPAY_URL", global = true)]
    pub vnpay_url: Option<String>,
    /// VNPay's transaction API (querydr, refund); default the one of VNPAY_URL's environment.
    #[arg(long, env = "VNPAY_API_URL", global = true)]
    pub vnpay_api_url: Option<String>,
    /// Another base URL for GHN's API (a test double); default its production gateway.
    #[arg(long, env = "GHN_API_BASE", global = true, hide = true)]
    pub ghn_api_base: Option<String>,
    /// Another base URL for GHTK's API (a test double); default its production services.
    #[arg(long, env = "GHTK_API_BASE", global = true, hide = true)]
    pub ghtk_api_base: Option<String>,
}

impl PaymentArgs {
    pub fn settings(&self) -> anyhow::Result<PaymentSettings> {
        anyhow::ensure!(
            (1..=24 * 60).contains(&self.card_pay_minutes),
            "OCOP_CARD_PAY_MINUTES must be 1 to 1440"
        );
        anyhow::ensure!(
            (1..=24 * 14).contains(&self.transfer_pay_hours),
            "OCOP_TRANSFER_PAY_HOURS must be 1 to 336"
        );
        let stripe = match (&self.stripe_secret_key, &self.stripe_webhook_secret) {
            (Some(key), Some(secret)) if !key.is_empty() && !secret.is_empty() => {
                Some(StripeSettings {
                    secret_key: key.clone(),
                    webhook_secret: secret.clone(),
                    api_base: self.stripe_api_base.clone(),
                })
            }
            (None, None) => None,
            _ => anyhow::bail!(
                "card payments need both STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET (or neither)"
            ),
        };
        let vnpay = match (
            &self.vnpay_tmn_code,
            &self.vnpay_hash_secret,
            &self.vnpay_url,
        ) {
            (Some(code), Some(secret), Some(url))
                if !code.is_empty() && !secret.is_empty() && !url.is_empty() =>
            {
                Some(crate::config::VnpaySettings {
                    tmn_code: code.clone(),
                    hash_secret: secret.clone(),
                    pay_url: url.clone(),
                    api_url: self.vnpay_api_url.clone().filter(|u| !u.is_empty()),
                })
            }
            (None, None, None) => None,
            _ => anyhow::bail!(
                "VNPay needs VNPAY_TMN_CODE, VNPAY_HASH_SECRET and VNPAY_URL together (or none)"
            ),
        };
        Ok(PaymentSettings {
            vnpay,
            windows: PaymentWindows {
                card: chrono::Duration::minutes(i64::from(self.card_pay_minutes)),
                bank_transfer: chrono::Duration::hours(i64::from(self.transfer_pay_hours)),
            },
            stripe,
            bank_feed: crate::bank_feed::BankFeedAuth {
                api_key: self.bank_feed_api_key.clone().filter(|k| !k.is_empty()),
                hmac_secret: self.bank_feed_hmac_secret.clone().filter(|k| !k.is_empty()),
            },
        })
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the site and the API (runs migrations first; loads the demo province into an
    /// empty database unless --no-demo).
    Serve {
        /// Address to listen on (cargo-leptos sets LEPTOS_SITE_ADDR).
        #[arg(long, env = "LEPTOS_SITE_ADDR", default_value = "127.0.0.1:3000")]
        bind: SocketAddr,
        /// Never load demo data, even into an empty database.
        #[arg(long, env = "OCOP_NO_DEMO")]
        no_demo: bool,
        /// The address the public uses, for absolute links (sitemap); default http://BIND.
        #[arg(long, env = "OCOP_PUBLIC_URL")]
        public_url: Option<String>,
        /// The reverse proxy (or proxies) in front of the site, whose X-Forwarded-For names the
        /// client: addresses or CIDR ranges, comma-separated (e.g. 127.0.0.1 or 10.0.0.0/8).
        /// Unset: the TCP peer is the client, and X-Forwarded-For is ignored.
        #[arg(long, env = "OCOP_TRUSTED_PROXY")]
        trusted_proxy: Option<String>,
        /// The Ed25519 key (64 hex digits, from `ocop keygen`) that signs the farm diary's
        /// daily checkpoints. Keep it outside the database's reach. Unset: none are signed.
        #[arg(long, env = "OCOP_SIGNING_KEY", hide_env_values = true)]
        signing_key: Option<String>,
        /// A CSV file of permitted-list rows this deployment confirmed (columns as the shipped
        /// app/src/diary/register/permitted.csv), added to the plant-protection register.
        #[arg(long, env = "OCOP_PLANT_REGISTER")]
        plant_register: Option<std::path::PathBuf>,
        /// The token a metrics scraper sends as `Authorization: Bearer <token>`; set, the
        /// site serves /metrics to its holders. Unset (and no --metrics-bind): no /metrics.
        #[arg(long, env = "OCOP_METRICS_TOKEN", hide_env_values = true)]
        metrics_token: Option<String>,
        /// A separate address serving only /metrics (e.g. 127.0.0.1:9100), for a scraper on a
        /// private network; the token is asked there too when it is set.
        #[arg(long, env = "OCOP_METRICS_BIND")]
        metrics_bind: Option<SocketAddr>,
    },
    /// Bring the database schema up to date, then exit.
    Migrate,
    /// Load the demo province (communes, producers, products, lots, farm diaries, photos).
    /// Safe to run again: existing rows are kept, nothing is duplicated.
    Seed,
    /// Rebuild the search index from the database (the source of truth), then exit. Safe while
    /// the server runs: changes made meanwhile stay queued and are applied after.
    Reindex,
    /// Import a commune's OCOP product list (.xlsx or .csv; columns as on /can-bo/nhap): prints
    /// what each row would create or update and every row's error; writes only with --confirm,
    /// in one transaction, and only when no row has an error. Importing again changes nothing.
    Import {
        /// The commune's slug, e.g. `tan-hung`.
        #[arg(long)]
        commune: String,
        /// The spreadsheet.
        file: std::path::PathBuf,
        /// Write it (otherwise only the preview is printed).
        #[arg(long)]
        confirm: bool,
    },
    /// Back up the database and the photos into DIR (a new or empty folder): SQLite as a
    /// consistent copy of the live file, PostgreSQL with pg_dump. Safe while servers run.
    Backup {
        /// Where the backup goes.
        dir: std::path::PathBuf,
    },
    /// Replace the database and the photos with the backup in DIR (what was there is kept
    /// beside them), then bring the schema up to date and rebuild the search index. Stop the
    /// servers first.
    Restore {
        /// A folder written by `ocop backup`.
        dir: std::path::PathBuf,
    },
    /// Print a new key for signing the farm diary's daily checkpoints: set it as
    /// OCOP_SIGNING_KEY where the server runs, and publish the public key beside it.
    Keygen,
    /// Create the first province administrator (or make an existing account one, setting its
    /// password). The password is read from the OCOP_ADMIN_PASSWORD variable or, when that is
    /// unset, from the first line of standard input; never from the command line, where other
    /// users of the machine could see it.
    CreateAdmin {
        /// Phone number (0912 345 678) or email address to sign in with.
        #[arg(long)]
        login: String,
        /// The name shown on the site.
        #[arg(long, default_value = "Quản trị viên")]
        name: String,
    },
}

pub async fn run(cli: Cli) -> anyhow::Result<()> {
    let database_url = cli
        .database_url
        .clone()
        .unwrap_or_else(|| Settings::default_database_url(&cli.data_dir));
    let default = Command::Serve {
        bind: default_bind(),
        no_demo: false,
        public_url: None,
        trusted_proxy: None,
        signing_key: None,
        plant_register: None,
        metrics_token: None,
        metrics_bind: None,
    };
    match cli.command.unwrap_or(default) {
        Command::Serve {
            bind,
            no_demo,
            public_url,
            trusted_proxy,
            signing_key,
            plant_register,
            metrics_token,
            metrics_bind,
        } => {
            let leptos = leptos::config::get_configuration(None)
                .context("reading the LEPTOS_* settings")?
                .leptos_options;
            let settings = Settings {
                search: cli.search.settings(&cli.data_dir),
                media: media(&cli.media_url)?,
                data_dir: cli.data_dir,
                database_url,
                bind,
                public_url,
                leptos,
                payments: cli.payments.settings()?,
                carriers: crate::shipping::CarrierSettings::with_bases(
                    cli.payments.ghn_api_base.clone(),
                    cli.payments.ghtk_api_base.clone(),
                ),
                trusted_proxies: crate::config::TrustedProxies::parse(
                    trusted_proxy.as_deref().unwrap_or(""),
                )
                .map_err(anyhow::Error::msg)?,
                limits: cli.limits.settings(),
                notify: cli.notify.settings()?,
                signing_key: signing_key
                    .as_deref()
                    .map(crate::diary::checkpoints::SigningKey::parse)
                    .transpose()
                    .map_err(anyhow::Error::msg)?,
                plant_register: crate::config::plant_register(plant_register.as_deref())?,
                metrics: crate::metrics::MetricsSettings {
                    token: metrics_token
                        .map(|t| t.trim().to_owned())
                        .filter(|t| !t.is_empty()),
                    bind: metrics_bind,
                },
            };
            let app = Application::build(settings.clone()).await?;
            if !no_demo && seed::is_empty(app.db()).await? {
                tracing::info!("empty database: loading the demo province");
                let report = seed::load_demo(app.db(), &app.state().media).await?;
                tracing::info!(%report, "demo data loaded");
            }
            tracing::info!(address = %app.address(), "serving");
            app.run_until_stopped().await.context("serving")
        }
        Command::Backup { dir } => {
            let media_dir = cli.data_dir.join("media");
            let bucket = bucket(&cli.media_url, &media_dir)?;
            let photos = match &bucket {
                Some(bucket) => crate::backup::Photos::Bucket(bucket),
                None => crate::backup::Photos::Folder(&media_dir),
            };
            let m = crate::backup::backup(&database_url, photos, &dir).await?;
            println!(
                "backed up the {} database and {} photo files ({} bytes) to {}",
                m.engine,
                m.media_files,
                m.media_bytes,
                dir.display()
            );
            Ok(())
        }
        Command::Restore { dir } => {
            let search = cli.search.settings(&cli.data_dir);
            let media_dir = cli.data_dir.join("media");
            let bucket = bucket(&cli.media_url, &media_dir)?;
            let m =
                crate::backup::restore(&database_url, &media_dir, bucket.as_ref(), &search, &dir)
                    .await?;
            println!(
                "restored the {} database and {} photo files from the backup of {}; the search index is rebuilt",
                m.engine, m.media_files, m.created_at
            );
            Ok(())
        }
        Command::Migrate => {
            let db = open(&database_url).await?;
            tracing::info!(engine = db.engine().name(), "database is up to date");
            Ok(())
        }
        Command::Seed => {
            let db = open(&database_url).await?;
            let media = crate::photos::media::Media::open(
                &media(&cli.media_url)?,
                cli.data_dir.join("media"),
            )?;
            let report = seed::load_demo(&db, &media).await?;
            println!("{report}");
            Ok(())
        }
        Command::Reindex => {
            let db = open(&database_url).await?;
            let settings = cli.search.settings(&cli.data_dir);
            let started = std::time::Instant::now();
            if let crate::search::SearchSettings::Embedded { dir } = &settings {
                // One process writes the embedded index: when a server owns it, the server
                // rebuilds it (its writer and its queue in one hand), and this waits for it.
                match crate::search::embedded::Embedded::try_open(dir)
                    .context("opening the search index")?
                {
                    Some(engine) => {
                        // No server owns it: nothing else writes it.
                        let repair = crate::search::indexer::rebuild(
                            &db,
                            &engine,
                            app::search::sync::Writer::Alone,
                        )
                        .await?;
                        println!(
                            "search index (embedded) rebuilt: {repair:?} in {:.1} s",
                            started.elapsed().as_secs_f64()
                        );
                    }
                    None => {
                        println!("a server owns the search index: asking it to rebuild");
                        let outcome = crate::search::embedded::request_rebuild(
                            dir,
                            std::time::Duration::from_secs(600),
                        )
                        .await?;
                        let documents = outcome.map_err(|e| {
                            anyhow::anyhow!("the server could not rebuild the search index: {e}")
                        })?;
                        println!(
                            "search index (embedded) rebuilt by the server: {documents} documents in {:.1} s",
                            started.elapsed().as_secs_f64()
                        );
                    }
                }
                return Ok(());
            }
            // A shared index: servers may be writing it, so this takes the writing over.
            println!("taking the index's writing over from the servers");
            let engine = crate::search::open(&settings).context("opening the search index")?;
            let repair = crate::search::indexer::rebuild_shared(&db, engine.as_ref()).await?;
            println!(
                "search index ({}) rebuilt: {repair:?} in {:.1} s",
                engine.name(),
                started.elapsed().as_secs_f64()
            );
            Ok(())
        }
        Command::Import {
            commune,
            file,
            confirm,
        } => import(&database_url, &commune, &file, confirm).await,
        Command::CreateAdmin { login, name } => create_admin(&database_url, &login, &name).await,
        Command::Keygen => {
            let (seed, public) =
                crate::diary::checkpoints::SigningKey::generate().map_err(anyhow::Error::msg)?;
            println!("OCOP_SIGNING_KEY={seed}");
            println!("# public key (publish it): {public}");
            Ok(())
        }
    }
}

async fn create_admin(database_url: &str, login: &str, name: &str) -> anyhow::Result<()> {
    use app::auth::{login::LoginId, password_rules::check_new_password};
    let login = LoginId::parse(login)
        .map_err(|e| anyhow::anyhow!("--login {login:?}: {e} (a phone number or an email)"))?;
    let name = name.trim();
    anyhow::ensure!(!name.is_empty(), "--name must not be empty");
    let password = match std::env::var("OCOP_ADMIN_PASSWORD") {
        Ok(p) => p,
        Err(_) => {
            let mut line = String::new();
            std::io::stdin()
                .read_line(&mut line)
                .context("reading the password from standard input")?;
            line.trim_end_matches(['\r', '\n']).to_owned()
        }
    };
    check_new_password(&password, &login.key()).map_err(|p| {
        anyhow::anyhow!(
            "the password is {p}: use at least {} characters, not a common password and not the login",
            app::auth::password_rules::MIN_PASSWORD_CHARS
        )
    })?;
    let db = open(database_url).await?;
    let hash = crate::auth::password::hash(password).await?;
    let id = app::auth::storage::create_admin(&db, &login, name, &hash).await?;
    println!("{login} is a province administrator (user {id})");
    Ok(())
}

async fn import(
    database_url: &str,
    commune: &str,
    file: &std::path::Path,
    confirm: bool,
) -> anyhow::Result<()> {
    use app::officer::storage::ocop_import;
    let bytes = std::fs::read(file).with_context(|| format!("reading {}", file.display()))?;
    let cells = app::officer::rules::spreadsheet::cells(&bytes)
        .map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
    let db = open(database_url).await?;
    let commune_id: Option<String> = sqlx::query_scalar(COMMUNE_BY_SLUG)
        .bind(commune)
        .fetch_optional(db.pool())
        .await?;
    let commune_id = commune_id.with_context(|| format!("no commune has the slug {commune:?}"))?;
    let groups = ocop_import::group_codes(&db).await?;
    let checked = app::officer::rules::ocop_import::check(&cells, &groups)
        .map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
    for e in &checked.errors {
        println!("row {}: {}", e.row, e.reasons.join("; "));
    }
    let planned = ocop_import::preview(&db, &commune_id, &checked.rows, chrono::Utc::now()).await?;
    for r in &planned {
        println!(
            "row {}: {} / {} ({}★): producer {:?}, product {:?}, certificate {:?}",
            r.row, r.producer_name, r.product_name, r.stars, r.producer, r.product, r.certificate
        );
    }
    anyhow::ensure!(
        checked.errors.is_empty(),
        "{} row(s) have errors: nothing imported",
        checked.errors.len()
    );
    if !confirm {
        println!("preview only: run again with --confirm to import");
        return Ok(());
    }
    let report =
        ocop_import::import(&db, &commune_id, &checked.rows, None, chrono::Utc::now()).await?;
    println!(
        "imported: {} new, {} updated, {} unchanged",
        report.created, report.updated, report.unchanged
    );
    Ok(())
}

fn default_bind() -> SocketAddr {
    std::env::var("LEPTOS_SITE_ADDR")
        .ok()
        .and_then(|a| a.parse().ok())
        .unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 3000)))
}

/// Connects and migrates, with the (password-free) URL in any error.
pub async fn open(database_url: &str) -> anyhow::Result<Db> {
    open_with(database_url, None).await
}

/// As [`open`], with at most `connections` open at once (`OCOP_DB_CONNECTIONS`).
pub async fn open_with(database_url: &str, connections: Option<u32>) -> anyhow::Result<Db> {
    let db = Db::connect_with(database_url, connections)
        .await
        .context("opening the database")?;
    db.migrate()
        .await
        .with_context(|| format!("migrating the database at {}", redact_url(database_url)))?;
    Ok(db)
}

// The module's SQL, each statement prepared on both engines by the `sql` integration test.
app::sql_statements! {
    /// `import`.
    COMMUNE_BY_SLUG = "SELECT id FROM communes WHERE slug = $1";
}
