//! `cityflow`: runs CityFlow's `spin.toml` the way `spin up` does, on machines without the
//! Spin CLI, and carries the project's operational commands.

mod allowed_hosts;
#[cfg(test)]
mod allowed_hosts_properties;
mod admin;
mod app_metrics;
mod app;
mod cron;
mod engine;
mod event;
mod guest_clock;
mod host;
mod http;
mod manifest;
mod metrics;
mod migrate;
mod mqtt;
mod output;
mod readiness;
mod router;
mod runtime_config;
mod state;
mod stats;
mod template;
mod user;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand, ValueEnum};

/// Every request allocates and frees host-side values (stores, rows lowered into the guest,
/// bodies) across tokio's worker threads; mimalloc spends less CPU on that than glibc malloc
/// (bench/results/transport-rest-profile.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
        /// Longest a streamed response (Server-Sent Events, say) may stay open after its head
        /// was sent; meanwhile the component may only compute for --request-timeout in all.
        #[arg(long, default_value = "1h", value_parser = humantime::parse_duration)]
        stream_timeout: Duration,
        /// Largest request body, in bytes: a larger declared length is answered 413 before any
        /// instance starts, and a longer streamed body fails the component's body read.
        #[arg(long, default_value_t = 16 << 20)]
        max_request_body: u64,
        /// MQTT client ids start with this; keep it stable across restarts so the broker
        /// redelivers what was not acknowledged. Defaults to `cityflow-<app name>`.
        #[arg(long)]
        mqtt_client_prefix: Option<String>,
        /// MQTT messages handled at once per subscription (order is kept per topic).
        #[arg(long, default_value_t = 1)]
        mqtt_concurrency: usize,
        /// Admin listener for /metrics, /healthz and /readyz.
        #[arg(long, default_value = "127.0.0.1:9090")]
        admin_listen: SocketAddr,
    },
    /// Manage CityFlow accounts directly in the database (e.g. the first admin).
    User {
        #[command(subcommand)]
        action: user::UserCommand,
    },
    /// Publish simulated (or replayed Paris Open Data) traffic sensor readings over MQTT.
    Simulate(cityflow_simulator::SimulateOptions),
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

/// Log lines are written by a background thread so request handling never waits on stderr;
/// keep the returned guard alive so lines are flushed at exit.
fn init_logging(format: LogFormat) -> tracing_appender::non_blocking::WorkerGuard {
    let filter = tracing_subscriber::EnvFilter::try_from_env("CITYFLOW_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,wasmtime_wasi_http=warn"));
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let (writer, guard) = tracing_appender::non_blocking::NonBlockingBuilder::default()
        .lossy(false)
        .finish(std::io::stderr());
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_ansi(ansi).with_writer(writer);
    match format {
        LogFormat::Text => builder.init(),
        LogFormat::Json => builder.json().flatten_event(true).init(),
    }
    guard
}

#[tokio::main]
async fn main() {
    let cli = Cli::parse();
    let log_guard = init_logging(cli.log_format);
    if let Err(e) = run(cli.command).await {
        eprintln!("Error: {e:#}");
        drop(log_guard);
        std::process::exit(1);
    }
}

async fn run(command: Command) -> Result<()> {
    match command {
        Command::Up { listen, manifest, runtime_config_file, request_timeout, stream_timeout, max_request_body, mqtt_client_prefix, mqtt_concurrency, admin_listen } => {
            let listener = tokio::net::TcpListener::bind(listen).await.with_context(|| format!("cannot listen on {listen}"))?;
            let listen = listener.local_addr()?;
            let settings = app::Settings { request_timeout, stream_timeout, max_request_body, listen };
            let app = app::App::load(&manifest, runtime_config_file.as_deref(), settings).await?;
            let admin = tokio::net::TcpListener::bind(admin_listen).await.with_context(|| format!("cannot listen on {admin_listen} (admin)"))?;
            println!("{}", admin::bind_message(admin.local_addr()?));
            tokio::spawn(admin::serve(app.clone(), admin));
            tracing::info!(app = %app.name, "serving on http://{listen}");
            println!("Serving http://{listen}");
            if let Some(mqtt) = app.mqtt.clone() {
                let options = mqtt::MqttRunOptions {
                    client_prefix: mqtt_client_prefix.unwrap_or_else(|| format!("cityflow-{}", app.name)),
                    concurrency: mqtt_concurrency,
                };
                tokio::spawn(mqtt::run(app.clone(), mqtt, options));
            }
            if !app.cron.is_empty() {
                tokio::spawn(cron::run(app.clone(), app.cron.clone()));
            }
            http::server::serve(app.clone(), listener, shutdown_signal()).await?;
            tracing::info!("{}", app.stats.instantiation_summary());
            eprintln!("{}", app.stats.instantiation_summary());
            Ok(())
        }
        Command::User { action } => user::run(action, default_database_url).await,
        Command::Simulate(options) => cityflow_simulator::run(options).await,
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
