//! What `/readyz` reports: every configured dependency reachable, the MQTT session up,
//! and (implicitly, since the app is serving) every component compiled.

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use crate::admin::Check;
use crate::app::App;
use crate::host::postgres::redact;
use crate::metrics::METRICS;

impl App {
    pub async fn readiness(self: &Arc<Self>, timeout: Duration) -> Vec<Check> {
        let mut checks = vec![Check::new("components", Ok(()))];
        for address in &self.readiness.postgres {
            let result = within(timeout, self.postgres.ping(address)).await;
            checks.push(Check::new(format!("postgres {}", redact(address)), result));
        }
        for address in &self.readiness.redis {
            let clients = self.redis_clients.clone();
            let result = within(timeout, async move { clients.ping(address).await }).await;
            checks.push(Check::new(format!("redis {}", redact(address)), result));
        }
        if let Some(mqtt) = &self.mqtt {
            let up = self.mqtt_connected.load(Ordering::Acquire);
            checks.push(Check::new(
                format!("mqtt {}:{}", mqtt.host, mqtt.port),
                if up { Ok(()) } else { Err("not connected to the broker".to_string()) },
            ));
        }
        checks
    }

    /// Sets the pool gauges from the pools' current state, just before a scrape.
    pub async fn refresh_pool_gauges(&self) {
        for (address, in_use, idle) in self.postgres.usage().await {
            METRICS.pool_connections.with_label_values(&["postgres", &address, "in_use"]).set(in_use as i64);
            METRICS.pool_connections.with_label_values(&["postgres", &address, "idle"]).set(idle as i64);
        }
    }
}

async fn within(timeout: Duration, check: impl std::future::Future<Output = Result<(), String>>) -> Result<(), String> {
    tokio::time::timeout(timeout, check).await.unwrap_or_else(|_| Err(format!("no answer within {timeout:?}")))
}
