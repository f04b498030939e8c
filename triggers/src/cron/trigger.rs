//! Running the schedules: one timer task per `[[trigger.cron]]`.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Instant;

use anyhow::{anyhow, Result};
use chrono::Utc;

use super::fermyon::spin_cron::cron_types::Metadata;
use crate::app::{App, ResolvedSchedule};
use crate::metrics::METRICS;

/// Runs every schedule until the process ends.
pub async fn run(app: Arc<App>, schedules: Vec<ResolvedSchedule>) {
    let tasks: Vec<_> = schedules.into_iter().map(|s| tokio::spawn(run_schedule(app.clone(), s))).collect();
    futures::future::join_all(tasks).await;
}

async fn run_schedule(app: Arc<App>, schedule: ResolvedSchedule) {
    let running = Arc::new(AtomicBool::new(false));
    loop {
        let now = Utc::now();
        let next = match schedule.cron.find_next_occurrence(&now, false) {
            Ok(next) => next,
            Err(e) => {
                tracing::error!(component = %schedule.component, "no next firing for {:?}: {e}", schedule.expression);
                return;
            }
        };
        let wait = (next - now).to_std().unwrap_or_default();
        tokio::time::sleep(wait).await;
        if running.swap(true, Ordering::AcqRel) {
            tracing::warn!(component = %schedule.component, due = %next, "cron firing skipped: the previous one is still running");
            continue;
        }
        let (app, running, component) = (app.clone(), running.clone(), schedule.component.clone());
        let lag = (Utc::now() - next).to_std().unwrap_or_default();
        METRICS.trigger_lag.with_label_values(&["cron", &component]).observe(lag.as_secs_f64());
        tokio::spawn(async move {
            let outcome = match app.handle_cron(&component, next.timestamp().max(0) as u64).await {
                Ok(()) => "ok",
                Err(e) => {
                    tracing::error!(component = %component, "cron handler failed: {e:#}");
                    "error"
                }
            };
            METRICS.trigger_invocations.with_label_values(&["cron", &component, outcome]).inc();
            running.store(false, Ordering::Release);
        });
    }
}

impl App {
    /// One firing through one fresh instance, under the request deadline.
    pub async fn handle_cron(self: &Arc<Self>, component_id: &str, timestamp: u64) -> Result<()> {
        let component = self.component(component_id).ok_or_else(|| anyhow!("no component `{component_id}`"))?;
        let pre = component.cron.clone().ok_or_else(|| anyhow!("component `{component_id}` does not export handle-cron-event"))?;
        let started = Instant::now();
        let mut store = self.new_store(&component, None);
        self.within_deadline(async {
            let t0 = Instant::now();
            let instance = pre.instantiate_async(&mut store).await?;
            self.record_instantiation(component_id, t0.elapsed());
            instance.call_handle_cron_event(&mut store, Metadata { timestamp }).await
        })
        .await?;
        tracing::info!(target: "cityflow::cron", component = component_id, timestamp, duration_us = started.elapsed().as_micros() as u64, "cron event handled");
        Ok(())
    }
}
