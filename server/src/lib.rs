//! The marketplace's HTTP server (axum + Leptos SSR) and the operator command line.

// Leptos view types nest deeply; their layout computation needs more than the default 128.
#![recursion_limit = "256"]

pub mod address;
pub mod admin;
pub mod api;
pub mod assets;
pub mod auth;
pub mod backup;
pub mod bank_feed;
pub mod boundary;
pub mod care;
pub mod catalog;
pub mod cli;
pub mod clock;
pub mod config;
pub mod deadline;
pub mod diary;
pub mod farm_tokens;
pub mod form_error;
pub mod ledger;
pub mod legal;
pub mod metrics;
pub mod notify;
pub mod officer;
pub mod payments;
pub mod photos;
pub mod privacy;
pub mod returns;
pub mod reviews;
pub mod routes;
pub mod search;
pub mod seed;
pub mod seller;
pub mod serve;
pub mod servers;
pub mod shipping;
pub mod shop;
pub mod startup;
pub mod telemetry;
pub mod throttle;

pub use config::Settings;
/// The global allocator of the `ocop` binary (and of the benchmark that stands in for it).
pub use mimalloc::MiMalloc as Allocator;
pub use startup::Application;

/// The server's own SQL, as (`module::NAME`, SQL), for the `sql` integration test that prepares
/// every statement on both engines (the data layer's are in `app::db::all_statements`).
#[doc(hidden)]
pub fn all_statements() -> Vec<(String, String)> {
    let modules: [(&str, &[(&str, &str)]); 6] = [
        ("auth::forms", auth::forms::STATEMENTS),
        ("cli", cli::STATEMENTS),
        ("photos::store", photos::store::STATEMENTS),
        ("diary::forms", diary::forms::STATEMENTS),
        ("diary::api", diary::api::STATEMENTS),
        ("seed", seed::STATEMENTS),
    ];
    modules
        .into_iter()
        .flat_map(|(module, list)| {
            list.iter()
                .map(move |(name, sql)| (format!("server::{module}::{name}"), (*sql).to_owned()))
        })
        .collect()
}
