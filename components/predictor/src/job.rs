//! One prediction cycle at `now`: bucket roll-up, capacities, predictions, accuracy, events.

use chrono::{DateTime, Duration, SecondsFormat, Utc};
use prediction_model::accuracy::evaluate;
use prediction_model::cycle::predict_roads;
use prediction_model::LOOKBACK_MIN;
use serde::Serialize;

use crate::db::Db;

#[derive(Debug, Serialize)]
pub struct Summary {
    pub ts: String,
    pub model_version: &'static str,
    pub roads: usize,
    pub predictions: u64,
    pub published: usize,
    /// Why the events were not published, when they were not (the predictions are stored).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub publish_error: Option<String>,
    /// 5-minute buckets (re)computed from the raw readings this cycle.
    pub buckets_rolled_up: u64,
    pub capacities_refreshed: u64,
    pub evaluated: u64,
    pub duration_ms: u64,
}

impl spin_kit::job::Summary for Summary {
    fn log_line(&self) -> String {
        format!(
            "{} {}: {} roads, {} predictions, {} published, {} buckets rolled up, {} capacities, {} evaluated in {} ms",
            self.ts, self.model_version, self.roads, self.predictions, self.published, self.buckets_rolled_up, self.capacities_refreshed, self.evaluated, self.duration_ms
        )
    }
}

pub fn run(now_unix: i64) -> Result<Summary, String> {
    let started = std::time::Instant::now();
    let config = crate::config::predictor()?;
    let now: DateTime<Utc> = DateTime::from_timestamp(now_unix, 0).ok_or("cycle time out of range")?;
    let ts = now.to_rfc3339_opts(SecondsFormat::Secs, true);
    let window_start = (now - Duration::minutes(LOOKBACK_MIN)).to_rfc3339_opts(SecondsFormat::Secs, true);
    let model_version = config.model.name();

    let db = Db::open()?;
    let (buckets_rolled_up, _) = db.roll_up(&window_start, &ts, config.late_margin_seconds, config.capacity_window_hours)?;
    let capacities_refreshed = db.refresh_capacity(&ts, config.capacity_window_hours, config.capacity_batch)?;
    let buckets = db.buckets(&window_start, &ts)?;
    let predictions = predict_roads(config.model, &buckets, now, config.zone);
    let roads = predictions.len() / prediction_model::HORIZONS_MIN.len();
    let stored = if predictions.is_empty() { 0 } else { db.insert_predictions(&ts, model_version, &predictions)? };

    let due = db.due_predictions(&ts, config.accuracy_batch)?;
    let evaluated = if due.is_empty() { 0 } else { db.record_accuracy(&ts, &evaluate(&due))? };

    // The cycle's counters travel with its events, so its duration is measured up to here.
    let metrics = app_metrics::predictor_cycle(stored, started.elapsed().as_secs_f64());
    // Stored predictions stand even if Redis is down: only live subscribers (and the counters)
    // miss them.
    let (published, publish_error) = match crate::publish::publish(&ts, model_version, &predictions, &metrics) {
        Ok(n) => (n, None),
        Err(e) => {
            eprintln!("predictor: {ts}: {stored} predictions stored but not published: {e}");
            (0, Some(e))
        }
    };
    Ok(Summary {
        ts,
        model_version,
        roads,
        predictions: stored,
        published,
        publish_error,
        buckets_rolled_up,
        capacities_refreshed,
        evaluated,
        duration_ms: started.elapsed().as_millis() as u64,
    })
}
