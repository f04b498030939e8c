//! `native-transport`: the benchmark baseline for `GET /transports`.
//!
//! What the `transport` component does for a list request, written as an ordinary native
//! server: the same server stack as the runtime (hyper auto HTTP/1.1 + h2c), the same pool
//! (deadpool-postgres, 16 connections, statements prepared once per connection), the same
//! SQL constant and the same `Transport` serialisation from `transport-model`. Only the list
//! endpoint exists; the benchmark needs nothing else.

mod db;
mod handler;

use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::{Context, Result};
use clap::Parser;
use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use tokio::net::TcpListener;

#[derive(Parser)]
#[command(name = "native-transport", about = "Native baseline server for the transport benchmark")]
struct Cli {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:3001")]
    listen: SocketAddr,
    /// Postgres URL (the component's `db_url` variable).
    #[arg(long, env = "SPIN_VARIABLE_DB_URL")]
    database_url: String,
    /// Pool size; 16 is the runtime's `[outbound_pg] max_connections` default.
    #[arg(long, default_value_t = 16)]
    pool_size: usize,
}

#[tokio::main]
async fn main() -> Result<()> {
    let cli = Cli::parse();
    let pool = Arc::new(db::pool(&cli.database_url, cli.pool_size)?);
    let listener = TcpListener::bind(cli.listen)
        .await
        .with_context(|| format!("cannot listen on {}", cli.listen))?;
    println!("Serving http://{}", listener.local_addr()?);
    loop {
        let (stream, _) = tokio::select! {
            accepted = listener.accept() => accepted.context("accept")?,
            _ = shutdown_signal() => return Ok(()),
        };
        let _ = stream.set_nodelay(true);
        let pool = pool.clone();
        tokio::spawn(async move {
            let service = service_fn(move |req| {
                let pool = pool.clone();
                async move { Ok::<_, std::convert::Infallible>(handler::handle(&pool, req).await) }
            });
            let _ = auto::Builder::new(TokioExecutor::new())
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

async fn shutdown_signal() {
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        .expect("installing SIGTERM handler");
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {},
        _ = term.recv() => {},
    }
}
