//! `cityflow`: runs CityFlow's `spin.toml` the way `spin up` does, on machines without the
//! Spin CLI, and carries the project's operational commands.

mod allowed_hosts;
mod app;
mod engine;
mod host;
mod http;
mod manifest;
mod migrate;
mod output;
mod router;
mod runtime_config;
mod state;
mod stats;
mod template;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand, ValueEnum};

#[derive(Parser)]
#[command(name = "cityflow", version, about = "CityFlow's local Spin runtime")]
struct Cli {
    /// Log format: human-readable text or one JSON object per line.
    #[arg(long, value_enum, default_value = "text", global = true)]
    log_format: LogFormat,
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, ValueEnum)]
enum LogFormat {
    Text,
    Json,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the application's triggers (like `spin up`).
    Up {
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:3000")]
        listen: SocketAddr,
        /// The Spin manifest.
        #[arg(short = 'f', long = "from", default_value = "spin.toml")]
        manifest: PathBuf,
        /// Spin runtime config (key-value stores, pools, max_instance_memory).
        #[arg(long)]
        runtime_config_file: Option<PathBuf>,
        /// Longest a request may run before its instance is killed.
        #[arg(long, default_value = "30s", value_parser = humantime::parse_duration)]
        request_timeout: Duration,
    },
    /// Apply the SQL migrations in order, each once.
    Migrate {
        /// Database URL; defaults to the `db_url` variable (SPIN_VARIABLE_DB_URL or .env).
        #[arg(long)]
        database_url: Option<String>,
        #[arg(long, default_value = "migrations")]
        dir: PathBuf,
        /// Create the database first if it does not exist.
        #[arg(long)]
        create_database: bool,
    },
}

fn init_logging(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("CITYFLOW_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,wasmtime_wasi_http=warn"));
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_ansi(ansi).with_writer(std::io::stderr);
    match format {
        LogFormat::Text => builder.init(),
        LogFormat::Json => builder.json().flatten_event(true).init(),
    }
}

#[tokio::main]
async fn main() {
    let cli = Cli::parse();
    init_logging(cli.log_format);
    if let Err(e) = run(cli.command).await {
        eprintln!("Error: {e:#}");
        std::process::exit(1);
    }
}

async fn run(command: Command) -> Result<()> {
    match command {
        Command::Up { listen, manifest, runtime_config_file, request_timeout } => {
            let listener = tokio::net::TcpListener::bind(listen).await.with_context(|| format!("cannot listen on {listen}"))?;
            let listen = listener.local_addr()?;
            let settings = app::Settings { request_timeout, listen };
            let app = app::App::load(&manifest, runtime_config_file.as_deref(), settings).await?;
            tracing::info!(app = %app.name, "serving on http://{listen}");
            println!("Serving http://{listen}");
            http::server::serve(app.clone(), listener, shutdown_signal()).await?;
            tracing::info!("{}", app.stats.instantiation_summary());
            eprintln!("{}", app.stats.instantiation_summary());
            Ok(())
        }
        Command::Migrate { database_url, dir, create_database } => {
            let url = match database_url {
                Some(url) => url,
                None => default_database_url()?,
            };
            if create_database {
                migrate::create_database_if_missing(&url).await?;
            }
            migrate::run(&url, &dir).await
        }
    }
}

fn default_database_url() -> Result<String> {
    let key = host::variables::env_key("db_url");
    if let Ok(url) = std::env::var(&key) {
        return Ok(url);
    }
    host::variables::read_dotenv(std::path::Path::new(".env"))?
        .remove(&key)
        .with_context(|| format!("no database URL: pass --database-url or set {key}"))
}

async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).expect("installing SIGTERM handler");
    tokio::select! {
        _ = ctrl_c => {},
        _ = term.recv() => {},
    }
    tracing::info!("shutting down");
}
