//! Cache-aside for the hot reads in Redis (`redis_url`, keys under `redis_prefix`). Redis is
//! an accelerator here, never a dependency: when it cannot be reached the request is
//! answered from Postgres, and the failure is logged once per request.

use std::cell::{Cell, OnceCell};

use spin_sdk::redis::{Connection, RedisParameter};

pub struct Cache {
    connection: OnceCell<Option<Connection>>,
    logged: Cell<bool>,
    prefix: String,
}

/// How the answer was produced, for the `x-cache` header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Hit,
    Miss,
    /// Redis could not be used; the answer came from Postgres.
    Bypass,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Hit => "hit",
            Outcome::Miss => "miss",
            Outcome::Bypass => "bypass",
        }
    }
}

impl Cache {
    pub fn new() -> Cache {
        Cache { connection: OnceCell::new(), logged: Cell::new(false), prefix: spin_kit::redis_prefix() }
    }

    pub fn key(&self, query_key: &str) -> String {
        traffic_api_model::cache::key(&self.prefix, query_key)
    }

    fn warn(&self, what: &str) {
        if !self.logged.replace(true) {
            eprintln!("traffic-api: response cache bypassed: {what}");
        }
    }

    fn connection(&self) -> Option<&Connection> {
        self.connection
            .get_or_init(|| {
                let url = match spin_kit::variable("redis_url") {
                    Ok(url) => url,
                    Err(detail) => {
                        self.warn(&detail);
                        return None;
                    }
                };
                Connection::open(&url).map_err(|e| self.warn(&format!("cannot connect to redis: {e}"))).ok()
            })
            .as_ref()
    }

    /// The cached answer, or why there is none.
    pub fn get(&self, key: &str) -> Result<Vec<u8>, Outcome> {
        let redis = self.connection().ok_or(Outcome::Bypass)?;
        match redis.get(key) {
            Ok(Some(body)) => Ok(body),
            Ok(None) => Err(Outcome::Miss),
            Err(e) => {
                self.warn(&format!("GET failed: {e}"));
                Err(Outcome::Bypass)
            }
        }
    }

    /// Stores an answer for `ttl_secs`; a failure only costs the next reader a query.
    pub fn put(&self, key: &str, body: &[u8], ttl_secs: i64) {
        let Some(redis) = self.connection() else { return };
        let args = [
            RedisParameter::Binary(key.as_bytes().to_vec()),
            RedisParameter::Binary(body.to_vec()),
            RedisParameter::Binary(b"EX".to_vec()),
            RedisParameter::Int64(ttl_secs),
        ];
        if let Err(e) = redis.execute("SET", &args) {
            self.warn(&format!("SET failed: {e}"));
        }
    }
}
