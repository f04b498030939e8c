//! What every event trigger (MQTT, cron) does around its handler call: the same deadline
//! as an HTTP request, instantiation measured the same way, one way of reporting how the
//! handler ended.

use std::fmt::Debug;
use std::future::Future;
use std::time::Duration;

use anyhow::{bail, Result};

use crate::app::App;
use crate::metrics::METRICS;

impl App {
    /// Records one instantiation in the runtime's own summary and in the metrics.
    pub fn record_instantiation(&self, component: &str, elapsed: Duration) {
        self.stats.record_instantiation(elapsed);
        METRICS.observe_instantiation(component, elapsed);
    }

    /// Runs a handler call under the request deadline; a trap, a guest error or a missed
    /// deadline becomes an error naming what happened.
    pub async fn within_deadline<E: Debug>(&self, call: impl Future<Output = wasmtime::Result<Result<(), E>>>) -> Result<()> {
        match tokio::time::timeout(self.settings.request_timeout, call).await {
            Err(_) => bail!("deadline exceeded"),
            Ok(Err(trap)) => Err(anyhow::Error::from(trap).context("trapped")),
            Ok(Ok(Err(guest))) => bail!("handler returned an error: {guest:?}"),
            Ok(Ok(Ok(()))) => Ok(()),
        }
    }
}
