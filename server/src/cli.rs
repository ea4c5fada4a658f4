//! The `ocop` command line: serve the site, and the operators' chores.

use std::{net::SocketAddr, path::PathBuf};

use anyhow::Context;
use app::db::{Db, redact_url};
use clap::{Parser, Subcommand};

use crate::{Application, Settings, seed, telemetry::LogFormat};

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

    #[arg(long, env = "OCOP_LOG_FORMAT", value_enum, default_value_t = LogFormat::Auto, global = true)]
    pub log_format: LogFormat,

    /// Defaults to `serve`, so `cargo leptos serve` runs the site.
    #[command(subcommand)]
    pub command: Option<Command>,
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
    },
    /// Bring the database schema up to date, then exit.
    Migrate,
    /// Load the demo province (communes, producers, products, lots, farm diaries, photos).
    /// Safe to run again: existing rows are kept, nothing is duplicated.
    Seed,
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
    };
    match cli.command.unwrap_or(default) {
        Command::Serve {
            bind,
            no_demo,
            public_url,
        } => {
            let leptos = leptos::config::get_configuration(None)
                .context("reading the LEPTOS_* settings")?
                .leptos_options;
            let settings = Settings {
                data_dir: cli.data_dir,
                database_url,
                bind,
                public_url,
                leptos,
            };
            let app = Application::build(settings.clone()).await?;
            if !no_demo && seed::is_empty(app.db()).await? {
                tracing::info!("empty database: loading the demo province");
                let report = seed::load_demo(app.db(), &settings.media_dir()).await?;
                tracing::info!(%report, "demo data loaded");
            }
            tracing::info!(address = %app.address(), "serving");
            app.run_until_stopped().await.context("serving")
        }
        Command::Migrate => {
            let db = open(&database_url).await?;
            tracing::info!(engine = db.engine().name(), "database is up to date");
            Ok(())
        }
        Command::Seed => {
            let db = open(&database_url).await?;
            let report = seed::load_demo(&db, &cli.data_dir.join("media")).await?;
            println!("{report}");
            Ok(())
        }
        Command::CreateAdmin { login, name } => create_admin(&database_url, &login, &name).await,
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
    let id = app::db::accounts::create_admin(&db, &login, name, &hash).await?;
    println!("{login} is a province administrator (user {id})");
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
    let db = Db::connect(database_url)
        .await
        .context("opening the database")?;
    db.migrate()
        .await
        .with_context(|| format!("migrating the database at {}", redact_url(database_url)))?;
    Ok(db)
}
