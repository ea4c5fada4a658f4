//! Settings from the command line and the environment, with embedded defaults.

use std::{net::SocketAddr, path::PathBuf};

use app::domain::order::PaymentWindows;
use leptos::config::LeptosOptions;

/// Everything the server needs to start.
#[derive(Clone, Debug)]
pub struct Settings {
    /// Where the SQLite file, the search index and uploaded photos live by default.
    pub data_dir: PathBuf,
    /// `sqlite://…` or `postgres://…`.
    pub database_url: String,
    pub bind: SocketAddr,
    /// Where the public reaches the site (`https://dacsan.hungyen.example`), for absolute links
    /// in the sitemap; `None`: `http://` + the bound address.
    pub public_url: Option<String>,
    pub leptos: LeptosOptions,
    pub payments: PaymentSettings,
    pub search: crate::search::SearchSettings,
}

/// How long unpaid orders keep their stock, and the card provider when there is one.
#[derive(Clone, Debug, Default)]
pub struct PaymentSettings {
    pub windows: PaymentWindows,
    pub stripe: Option<StripeSettings>,
}

#[derive(Clone)]
pub struct StripeSettings {
    pub secret_key: String,
    pub webhook_secret: String,
    /// `None`: Stripe's own API.
    pub api_base: Option<String>,
}

impl std::fmt::Debug for StripeSettings {
    // Secrets stay out of logs.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StripeSettings")
            .field("api_base", &self.api_base)
            .finish_non_exhaustive()
    }
}

impl Settings {
    /// The default database: a SQLite file under the data dir.
    pub fn default_database_url(data_dir: &std::path::Path) -> String {
        format!("sqlite://{}", data_dir.join("ocop.db").display())
    }

    /// Uploaded and generated images.
    pub fn media_dir(&self) -> PathBuf {
        self.data_dir.join("media")
    }
}
