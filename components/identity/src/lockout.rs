//! Login throttling through outbound Redis (policy in `identity_model::throttle`).
//!
//! Redis being down must not lock everyone out, so every failure here is logged and the
//! login goes on without throttling.

use identity_model::throttle;
use spin_sdk::redis::{Connection, RedisParameter, RedisResult};

use crate::config;

pub struct Lockout {
    conn: Option<Connection>,
    key: String,
}

fn degraded(what: &str, err: impl std::fmt::Debug) {
    eprintln!("identity: login throttling degraded, Redis {what} failed: {err:?}");
}

impl Lockout {
    pub fn for_email(email: &str) -> Self {
        let Some((url, prefix)) = config::redis() else {
            eprintln!("identity: login throttling disabled: no redis_url");
            return Self { conn: None, key: String::new() };
        };
        let conn = Connection::open(&url).map_err(|e| degraded("connect", e)).ok();
        Self { conn, key: throttle::failure_key(&prefix, email) }
    }

    /// Seconds to wait when the account is locked.
    pub fn locked_for(&self) -> Option<i64> {
        let conn = self.conn.as_ref()?;
        let failures = match conn.get(&self.key) {
            Ok(Some(bytes)) => std::str::from_utf8(&bytes).ok()?.parse::<i64>().ok()?,
            Ok(None) => return None,
            Err(e) => {
                degraded("GET", e);
                return None;
            }
        };
        if !throttle::is_locked(failures) {
            return None;
        }
        let ttl = match self.command("TTL", vec![]) {
            Some(RedisResult::Int64(ttl)) => ttl,
            _ => -1,
        };
        if ttl == -1 {
            // A counter without expiry would lock the account forever; give it the lockout.
            self.expire(throttle::LOCKOUT_SECS);
        }
        Some(throttle::retry_after(ttl))
    }

    pub fn record_failure(&self) {
        let Some(conn) = &self.conn else { return };
        match conn.incr(&self.key) {
            Ok(failures) => {
                if let Some(secs) = throttle::expiry_after_failure(failures) {
                    self.expire(secs);
                }
            }
            Err(e) => degraded("INCR", e),
        }
    }

    pub fn clear(&self) {
        if let Some(conn) = &self.conn {
            if let Err(e) = conn.del(std::slice::from_ref(&self.key)) {
                degraded("DEL", e);
            }
        }
    }

    fn expire(&self, secs: i64) {
        self.command("EXPIRE", vec![RedisParameter::Int64(secs)]);
    }

    fn command(&self, name: &str, extra: Vec<RedisParameter>) -> Option<RedisResult> {
        let conn = self.conn.as_ref()?;
        let mut args = vec![RedisParameter::Binary(self.key.as_bytes().to_vec())];
        args.extend(extra);
        match conn.execute(name, &args) {
            Ok(results) => results.into_iter().next(),
            Err(e) => {
                degraded(name, e);
                None
            }
        }
    }
}
