//! `ocop`: the marketplace server and its operator commands.

use clap::Parser;

#[global_allocator]
static ALLOCATOR: server::Allocator = server::Allocator;

fn main() -> std::process::ExitCode {
    let cli = server::cli::Cli::parse();
    server::telemetry::init(cli.log_format);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    match runtime.block_on(server::cli::run(cli)) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            // `{:#}` prints the whole context chain on one line: "opening the database: …: …".
            tracing::error!("{e:#}");
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
