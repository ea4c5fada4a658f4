//! The marketplace's HTTP server (axum + Leptos SSR) and the operator command line.

pub mod cli;
pub mod config;
pub mod routes;
pub mod seed;
pub mod startup;
pub mod telemetry;

pub use config::Settings;
pub use startup::Application;
