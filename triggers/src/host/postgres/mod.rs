//! `spin:postgres/postgres@4.0.0`: pooled Postgres connections for components.
//!
//! Pools are per connection string and shared by all instances, so a request pays for a
//! pool checkout, not a TCP and auth handshake. Statements are prepared once per pooled
//! connection and reused. Every address is checked against the component's
//! `allowed_outbound_hosts` before any connection is attempted.

mod convert;

use std::collections::HashMap;
use std::str::FromStr;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use anyhow::Result;
use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod, Runtime};
use tokio_postgres::NoTls;
use wasmtime::component::{HasSelf, Linker, Resource, ResourceTable};

use super::spin::postgres::postgres::{self as wit, Error, ParameterValue, RowSet};
use crate::allowed_hosts::{postgres_targets, AllowedHosts};
use crate::metrics::METRICS;

const DEFAULT_MAX_CONNECTIONS: usize = 16;

pub struct PostgresCapability {
    /// Written once per distinct address, read on every `open`: concurrent requests share
    /// the read lock instead of queueing on a mutex.
    pools: RwLock<HashMap<String, Pool>>,
    max_connections: usize,
}

impl PostgresCapability {
    pub fn new(max_connections: Option<usize>) -> Self {
        Self {
            pools: RwLock::default(),
            max_connections: max_connections.unwrap_or(DEFAULT_MAX_CONNECTIONS),
        }
    }

    pub fn add_to_linker<T: Send + 'static>(linker: &mut Linker<T>, get: fn(&mut T) -> &mut PgInstance) -> Result<()> {
        Ok(wit::add_to_linker::<T, HasSelf<PgInstance>>(linker, get)?)
    }

    pub fn instance(self: &Arc<Self>, allowed: Arc<AllowedHosts>) -> PgInstance {
        PgInstance { capability: self.clone(), allowed, table: ResourceTable::new() }
    }

    fn pool(&self, address: &str) -> Result<Pool, Error> {
        if let Some(pool) = self.pools.read().unwrap_or_else(|e| e.into_inner()).get(address) {
            return Ok(pool.clone());
        }
        let mut pools = self.pools.write().unwrap_or_else(|e| e.into_inner());
        // Another request may have created it between the two locks.
        if let Some(pool) = pools.get(address) {
            return Ok(pool.clone());
        }
        let mut config = tokio_postgres::Config::from_str(address)
            .map_err(|e| Error::ConnectionFailed(format!("invalid connection string: {e}")))?;
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(Duration::from_secs(5));
        }
        let manager = Manager::from_config(config, NoTls, ManagerConfig { recycling_method: RecyclingMethod::Fast });
        let pool = Pool::builder(manager)
            .max_size(self.max_connections)
            .runtime(Runtime::Tokio1)
            .wait_timeout(Some(Duration::from_secs(10)))
            .create_timeout(Some(Duration::from_secs(5)))
            .recycle_timeout(Some(Duration::from_secs(5)))
            .build()
            .map_err(|e| Error::ConnectionFailed(e.to_string()))?;
        pools.insert(address.to_string(), pool.clone());
        Ok(pool)
    }

    /// Checks out a connection and runs a trivial query: can the app use this database?
    pub async fn ping(&self, address: &str) -> Result<(), String> {
        let pool = self.pool(address).map_err(|e| format!("{e:?}"))?;
        let client = pool.get().await.map_err(|e| e.to_string())?;
        client.simple_query("SELECT 1").await.map(|_| ()).map_err(|e| e.to_string())
    }

    /// Current pool sizes, for metrics: (address, in use, idle).
    pub async fn usage(&self) -> Vec<(String, usize, usize)> {
        let pools = self.pools.read().unwrap_or_else(|e| e.into_inner());
        pools
            .iter()
            .map(|(addr, pool)| {
                let status = pool.status();
                (redact(addr), status.size - status.available, status.available)
            })
            .collect()
    }
}

/// Connection strings carry passwords; never log or export them.
pub fn redact(address: &str) -> String {
    match url::Url::parse(address) {
        Ok(mut url) if url.password().is_some() => {
            let _ = url.set_password(Some("***"));
            url.to_string()
        }
        // Key-value form: mask the value of the password key.
        _ => address
            .split_whitespace()
            .map(|kv| match kv.split_once('=') {
                Some((key, _)) if key == "password" => format!("{key}=***"),
                _ => kv.to_string(),
            })
            .collect::<Vec<_>>()
            .join(" "),
    }
}

pub struct PgConnection {
    client: deadpool_postgres::Object,
}

pub struct PgInstance {
    capability: Arc<PostgresCapability>,
    allowed: Arc<AllowedHosts>,
    table: ResourceTable,
}

impl wit::Host for PgInstance {}

impl wit::HostConnection for PgInstance {
    async fn open(&mut self, address: String) -> wasmtime::Result<Result<Resource<PgConnection>, Error>> {
        let targets = match postgres_targets(&address) {
            Ok(t) => t,
            Err(e) => return Ok(Err(Error::ConnectionFailed(e))),
        };
        let label = targets.first().map(|(h, p)| format!("{h}:{p}")).unwrap_or_default();
        if let Err(denied) = self.allowed.check_postgres(&address) {
            tracing::warn!(%denied, hint = %denied.hint(), "outbound postgres denied");
            METRICS.outbound("postgres", &label, "denied");
            return Ok(Err(Error::ConnectionFailed(denied.to_string())));
        }
        let pool = match self.capability.pool(&address) {
            Ok(p) => p,
            Err(e) => return Ok(Err(e)),
        };
        match pool.get().await {
            Ok(client) => {
                METRICS.outbound("postgres", &label, "ok");
                Ok(Ok(self.table.push(PgConnection { client })?))
            }
            Err(e) => {
                METRICS.outbound("postgres", &label, "error");
                Ok(Err(Error::ConnectionFailed(e.to_string())))
            }
        }
    }

    async fn query(&mut self, rep: Resource<PgConnection>, statement: String, params: Vec<ParameterValue>) -> wasmtime::Result<Result<RowSet, Error>> {
        let client = &self.table.get(&rep)?.client;
        Ok(query(client, &statement, params).await)
    }

    async fn execute(&mut self, rep: Resource<PgConnection>, statement: String, params: Vec<ParameterValue>) -> wasmtime::Result<Result<u64, Error>> {
        let client = &self.table.get(&rep)?.client;
        Ok(execute(client, &statement, params).await)
    }

    async fn drop(&mut self, rep: Resource<PgConnection>) -> wasmtime::Result<()> {
        self.table.delete(rep)?;
        Ok(())
    }
}

async fn query(client: &deadpool_postgres::Object, statement: &str, params: Vec<ParameterValue>) -> Result<RowSet, Error> {
    let params = convert::to_sql_params(params)?;
    let stmt = client.prepare_cached(statement).await.map_err(convert::query_error)?;
    let refs = convert::as_refs(&params);
    let rows = client.query(&stmt, &refs).await.map_err(convert::query_error)?;
    let columns: Vec<_> = stmt.columns().iter().map(convert::column).collect();
    let mut values = Vec::with_capacity(rows.len());
    for row in &rows {
        values.push(convert::row(row, &columns)?);
    }
    Ok(RowSet { columns, rows: values })
}

async fn execute(client: &deadpool_postgres::Object, statement: &str, params: Vec<ParameterValue>) -> Result<u64, Error> {
    let params = convert::to_sql_params(params)?;
    let stmt = client.prepare_cached(statement).await.map_err(convert::query_error)?;
    client.execute(&stmt, &convert::as_refs(&params)).await.map_err(convert::query_error)
}
