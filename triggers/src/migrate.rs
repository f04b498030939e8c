//! `cityflow migrate`: applies `migrations/V<n>__<name>.sql` in order, each exactly once,
//! recorded by refinery in `refinery_schema_history`.

use std::path::Path;
use std::str::FromStr;

use anyhow::{bail, Context, Result};
use tokio_postgres::NoTls;

/// Creates the database named in `url` if it does not exist yet, connecting to the
/// server's `postgres` maintenance database to do so.
pub async fn create_database_if_missing(url: &str) -> Result<()> {
    let config = tokio_postgres::Config::from_str(url).context("invalid database URL")?;
    let Some(name) = config.get_dbname().map(str::to_string) else {
        bail!("the database URL names no database");
    };
    let mut admin = config.clone();
    admin.dbname("postgres");
    let (client, connection) = admin.connect(NoTls).await.context("cannot connect to the postgres maintenance database")?;
    tokio::spawn(connection);
    let exists = client
        .query_opt("SELECT 1 FROM pg_database WHERE datname = $1", &[&name])
        .await?
        .is_some();
    if !exists {
        // Identifiers cannot be bound as parameters; quote it as Postgres' quote_ident would.
        let quoted: String = client.query_one("SELECT quote_ident($1)", &[&name]).await?.get(0);
        client.batch_execute(&format!("CREATE DATABASE {quoted}")).await.with_context(|| format!("cannot create database {name}"))?;
        tracing::info!(database = %name, "created database");
    }
    Ok(())
}

pub async fn run(url: &str, dir: &Path) -> Result<()> {
    let migrations = refinery::load_sql_migrations(dir).with_context(|| format!("cannot read migrations from {}", dir.display()))?;
    let (mut client, connection) = tokio_postgres::connect(url, NoTls).await.context("cannot connect to the database")?;
    let conn_task = tokio::spawn(connection);
    let report = refinery::Runner::new(&migrations)
        .set_abort_divergent(true)
        .run_async(&mut client)
        .await
        .context("migration failed")?;
    for m in report.applied_migrations() {
        tracing::info!(version = m.version(), name = m.name(), "applied migration");
    }
    if report.applied_migrations().is_empty() {
        tracing::info!("database is up to date");
    }
    drop(client);
    let _ = conn_task.await;
    Ok(())
}
