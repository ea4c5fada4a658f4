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
    }
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
