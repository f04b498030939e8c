//! In-process measurements the runtime reports about itself.

use std::sync::Mutex;
use std::time::Duration;

use hdrhistogram::Histogram;

pub struct Stats {
    instantiation_us: Mutex<Histogram<u64>>,
}

impl Default for Stats {
    fn default() -> Self {
        Self {
            instantiation_us: Mutex::new(Histogram::new_with_bounds(1, 60_000_000, 3).expect("static histogram bounds")),
        }
    }
}

impl Stats {
    pub fn record_instantiation(&self, elapsed: Duration) {
        let us = (elapsed.as_micros() as u64).clamp(1, 60_000_000);
        if let Ok(mut h) = self.instantiation_us.lock() {
            let _ = h.record(us);
        }
    }

    /// One line: count and p50/p90/p99 instantiation times in microseconds.
    pub fn instantiation_summary(&self) -> String {
        let h = self.instantiation_us.lock().expect("stats lock");
        format!(
            "instantiation count={} p50_us={} p90_us={} p99_us={} max_us={}",
            h.len(),
            h.value_at_quantile(0.5),
            h.value_at_quantile(0.9),
            h.value_at_quantile(0.99),
            h.max()
        )
    }
}
