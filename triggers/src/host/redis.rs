//! `fermyon:spin/redis@2.0.0`: outbound Redis, checked against `allowed_outbound_hosts`.
//!
//! One multiplexed, self-reconnecting connection per address is shared by every instance:
//! opening a connection per request would cost a TCP handshake each time, and a Redis
//! outage must degrade the calls that need it without wedging the process.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Result;
use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use tokio::sync::Mutex;
use wasmtime::component::{HasSelf, Linker, Resource, ResourceTable};

use super::fermyon::spin::redis::{self as wit, Error, RedisParameter, RedisResult};
use super::redis_command::{self, CommandRoute};
use crate::allowed_hosts::AllowedHosts;
use crate::metrics::METRICS;

/// Shared Redis connections, by address.
#[derive(Default)]
pub struct RedisClients {
    connections: Mutex<HashMap<String, ConnectionManager>>,
}

impl RedisClients {
    pub async fn connect(&self, address: &str) -> redis::RedisResult<ConnectionManager> {
        let mut connections = self.connections.lock().await;
        if let Some(conn) = connections.get(address) {
            return Ok(conn.clone());
        }
        let client = redis::Client::open(address)?;
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Duration::from_secs(2))
            .set_response_timeout(Duration::from_secs(5))
            // Fail fast when Redis is down so callers can degrade; the manager reconnects on
            // later use. (Retries here would wait ~1 s, then ~60 s, past any request deadline.)
            .set_number_of_retries(0);
        let conn = client.get_connection_manager_with_config(config).await?;
        connections.insert(address.to_string(), conn.clone());
        Ok(conn)
    }
}

impl RedisClients {
    pub async fn ping(&self, address: &str) -> Result<(), String> {
        let mut conn = self.connect(address).await.map_err(|e| e.to_string())?;
        redis::cmd("PING").query_async::<String>(&mut conn).await.map(|_| ()).map_err(|e| e.to_string())
    }
}

pub struct RedisCapability {
    clients: Arc<RedisClients>,
}

impl RedisCapability {
    pub fn new(clients: Arc<RedisClients>) -> Self {
        Self { clients }
    }

    pub fn add_to_linker<T: Send + 'static>(
        linker: &mut Linker<T>,
        get: fn(&mut T) -> &mut RedisInstance,
    ) -> Result<()> {
        Ok(wit::add_to_linker::<T, HasSelf<RedisInstance>>(linker, get)?)
    }

    pub fn instance(&self, allowed: Arc<AllowedHosts>) -> RedisInstance {
        RedisInstance {
            clients: self.clients.clone(),
            allowed,
            table: ResourceTable::new(),
        }
    }
}

pub struct RedisConnection {
    address: String,
    conn: ConnectionManager,
    /// Opened on the first blocking command, closed with the resource.
    blocking: Option<redis::aio::MultiplexedConnection>,
}

pub struct RedisInstance {
    clients: Arc<RedisClients>,
    allowed: Arc<AllowedHosts>,
    table: ResourceTable,
}

impl RedisInstance {
    fn conn(&mut self, rep: &Resource<RedisConnection>) -> wasmtime::Result<ConnectionManager> {
        Ok(self.table.get(rep)?.conn.clone())
    }

    /// This resource's own connection for blocking commands, opened on first use.
    async fn blocking_conn(&mut self, rep: &Resource<RedisConnection>) -> wasmtime::Result<redis::RedisResult<redis::aio::MultiplexedConnection>> {
        let entry = self.table.get_mut(rep)?;
        if let Some(conn) = &entry.blocking {
            return Ok(Ok(conn.clone()));
        }
        let config = redis::AsyncConnectionConfig::new().set_connection_timeout(Duration::from_secs(2));
        let opened = match redis::Client::open(entry.address.as_str()) {
            Ok(client) => client.get_multiplexed_async_connection_with_config(&config).await,
            Err(e) => Err(e),
        };
        if let Ok(conn) = &opened {
            self.table.get_mut(rep)?.blocking = Some(conn.clone());
        }
        Ok(opened)
    }
}

/// `host:port` of a Redis URL, without credentials, for metric labels.
fn redis_host(address: &str) -> String {
    url::Url::parse(address)
        .ok()
        .map(|u| format!("{}:{}", u.host_str().unwrap_or_default(), u.port().unwrap_or(6379)))
        .unwrap_or_else(|| "invalid".to_string())
}

fn other(e: impl std::fmt::Display) -> Error {
    Error::Other(e.to_string())
}

fn from_redis(e: redis::RedisError) -> Error {
    if e.kind() == redis::ErrorKind::TypeError {
        Error::TypeError
    } else {
        other(e)
    }
}

impl wit::Host for RedisInstance {}

impl wit::HostConnection for RedisInstance {
    async fn open(&mut self, address: String) -> wasmtime::Result<Result<Resource<RedisConnection>, Error>> {
        if redis::parse_redis_url(&address).is_none() {
            return Ok(Err(Error::InvalidAddress));
        }
        let label = redis_host(&address);
        if let Err(denied) = self.allowed.check_url(&address, "redis") {
            tracing::warn!(%denied, hint = %denied.hint(), "outbound redis denied");
            METRICS.outbound("redis", &label, "denied");
            return Ok(Err(other(denied)));
        }
        match self.clients.connect(&address).await {
            Ok(conn) => {
                METRICS.outbound("redis", &label, "ok");
                Ok(Ok(self.table.push(RedisConnection { address, conn, blocking: None })?))
            }
            Err(e) => {
                METRICS.outbound("redis", &label, "error");
                Ok(Err(other(format!("cannot connect to redis: {e}"))))
            }
        }
    }

    async fn publish(&mut self, rep: Resource<RedisConnection>, channel: String, payload: Vec<u8>) -> wasmtime::Result<Result<(), Error>> {
        let mut conn = self.conn(&rep)?;
        Ok(redis::cmd("PUBLISH").arg(channel).arg(payload).query_async::<i64>(&mut conn).await.map(|_| ()).map_err(from_redis))
    }

    async fn get(&mut self, rep: Resource<RedisConnection>, key: String) -> wasmtime::Result<Result<Option<Vec<u8>>, Error>> {
        let mut conn = self.conn(&rep)?;
        Ok(redis::cmd("GET").arg(key).query_async(&mut conn).await.map_err(from_redis))
    }

    async fn set(&mut self, rep: Resource<RedisConnection>, key: String, value: Vec<u8>) -> wasmtime::Result<Result<(), Error>> {
        let mut conn = self.conn(&rep)?;
        Ok(redis::cmd("SET").arg(key).arg(value).query_async::<()>(&mut conn).await.map_err(from_redis))
    }

    async fn incr(&mut self, rep: Resource<RedisConnection>, key: String) -> wasmtime::Result<Result<i64, Error>> {
        let mut conn = self.conn(&rep)?;
        Ok(redis::cmd("INCR").arg(key).query_async(&mut conn).await.map_err(from_redis))
    }

    async fn del(&mut self, rep: Resource<RedisConnection>, keys: Vec<String>) -> wasmtime::Result<Result<u32, Error>> {
        let mut conn = self.conn(&rep)?;
        Ok(redis::cmd("DEL").arg(keys).query_async(&mut conn).await.map_err(from_redis))
    }

    async fn sadd(&mut self, rep: Resource<RedisConnection>, key: String, values: Vec<String>) -> wasmtime::Result<Result<u32, Error>> {
        let mut conn = self.conn(&rep)?;
        Ok(redis::cmd("SADD").arg(key).arg(values).query_async(&mut conn).await.map_err(from_redis))
    }

    async fn smembers(&mut self, rep: Resource<RedisConnection>, key: String) -> wasmtime::Result<Result<Vec<String>, Error>> {
        let mut conn = self.conn(&rep)?;
        Ok(redis::cmd("SMEMBERS").arg(key).query_async(&mut conn).await.map_err(from_redis))
    }

    async fn srem(&mut self, rep: Resource<RedisConnection>, key: String, values: Vec<String>) -> wasmtime::Result<Result<u32, Error>> {
        let mut conn = self.conn(&rep)?;
        Ok(redis::cmd("SREM").arg(key).arg(values).query_async(&mut conn).await.map_err(from_redis))
    }

    async fn execute(&mut self, rep: Resource<RedisConnection>, command: String, arguments: Vec<RedisParameter>) -> wasmtime::Result<Result<Vec<RedisResult>, Error>> {
        let arguments: Vec<Vec<u8>> = arguments
            .into_iter()
            .map(|arg| match arg {
                RedisParameter::Int64(i) => i.to_string().into_bytes(),
                RedisParameter::Binary(b) => b,
            })
            .collect();
        let mut cmd = redis::cmd(&command);
        for arg in &arguments {
            cmd.arg(arg);
        }
        let reply = match redis_command::route(&command, &arguments) {
            CommandRoute::Refused(why) => return Ok(Err(other(format!("{command}: {why}")))),
            CommandRoute::Shared => {
                let mut conn = self.conn(&rep)?;
                cmd.query_async::<redis::Value>(&mut conn).await
            }
            CommandRoute::Blocking(wait) => {
                let mut conn = match self.blocking_conn(&rep).await? {
                    Ok(conn) => conn,
                    Err(e) => return Ok(Err(other(format!("cannot connect to redis: {e}")))),
                };
                match wait {
                    Some(wait) => match tokio::time::timeout(wait, cmd.query_async::<redis::Value>(&mut conn)).await {
                        Ok(reply) => reply,
                        Err(_) => return Ok(Err(other(format!("{command}: no reply within {wait:?}")))),
                    },
                    None => cmd.query_async::<redis::Value>(&mut conn).await,
                }
            }
        };
        match reply {
            Ok(value) => Ok(flatten_value(value)),
            Err(e) => Ok(Err(from_redis(e))),
        }
    }

    async fn drop(&mut self, rep: Resource<RedisConnection>) -> wasmtime::Result<()> {
        self.table.delete(rep)?;
        Ok(())
    }
}

/// Spin flattens nested replies (arrays, maps) into one list of scalar results.
fn flatten_value(value: redis::Value) -> Result<Vec<RedisResult>, Error> {
    let mut out = Vec::new();
    flatten_into(value, &mut out)?;
    Ok(out)
}

fn flatten_into(value: redis::Value, out: &mut Vec<RedisResult>) -> Result<(), Error> {
    use redis::Value as V;
    match value {
        V::Nil => out.push(RedisResult::Nil),
        V::Int(i) => out.push(RedisResult::Int64(i)),
        V::BulkString(b) => out.push(RedisResult::Binary(b)),
        V::SimpleString(s) => out.push(RedisResult::Status(s)),
        V::Okay => out.push(RedisResult::Status("OK".to_string())),
        V::Boolean(b) => out.push(RedisResult::Int64(b as i64)),
        V::Double(d) => out.push(RedisResult::Binary(d.to_string().into_bytes())),
        V::VerbatimString { text, .. } => out.push(RedisResult::Binary(text.into_bytes())),
        V::BigNumber(n) => out.push(RedisResult::Binary(n.to_string().into_bytes())),
        V::Array(items) | V::Set(items) => {
            for item in items {
                flatten_into(item, out)?;
            }
        }
        V::Map(pairs) => {
            for (k, v) in pairs {
                flatten_into(k, out)?;
                flatten_into(v, out)?;
            }
        }
        V::Attribute { data, .. } => flatten_into(*data, out)?,
        V::Push { data, .. } => {
            for item in data {
                flatten_into(item, out)?;
            }
        }
        V::ServerError(e) => return Err(Error::Other(format!("{e:?}"))),
    }
    Ok(())
}
