//! The search engines behind `app::search::engine::SearchEngine`, chosen by the settings, and the
//! indexer that keeps them in step with the database.

pub mod embedded;
pub mod indexer;
pub mod meili;

use std::{path::PathBuf, sync::Arc};

use app::search::engine::SearchEngine;

/// Which engine to use: the embedded index under the data folder unless MEILI_URL is set.
#[derive(Clone, Debug)]
pub enum SearchSettings {
    Embedded {
        dir: PathBuf,
    },
    Meili {
        url: String,
        key: Option<String>,
        index: String,
    },
}

/// Opens the configured engine. The embedded index is opened (or created) here; Meilisearch is
/// only contacted when first used, so a server starts while it is down.
pub fn open(settings: &SearchSettings) -> anyhow::Result<Arc<dyn SearchEngine>> {
    Ok(match settings {
        SearchSettings::Embedded { dir } => Arc::new(embedded::Embedded::open(dir)?),
        SearchSettings::Meili { url, key, index } => {
            Arc::new(meili::Meili::new(url, key.as_deref(), index)?)
        }
    })
}
