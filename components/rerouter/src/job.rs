//! One rerouting cycle at `now`: graph with the latest usable predictions, alternatives,
//! storage, events.

use chrono::{DateTime, SecondsFormat, Utc};
use routing_model::RoadGraph;
use serde::Serialize;

use crate::db::Db;

#[derive(Debug, Serialize)]
pub struct Summary {
    pub ts: String,
    pub arcs: usize,
    pub congested: usize,
    pub reroutes: u64,
    pub published: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub publish_error: Option<String>,
    /// Time spent in the graph search alone.
    pub search_ms: u64,
    pub duration_ms: u64,
}

impl spin_kit::job::Summary for Summary {
    fn log_line(&self) -> String {
        format!(
            "{}: {} arcs, {} congested, {} reroutes, {} published, search {} ms, total {} ms",
            self.ts, self.arcs, self.congested, self.reroutes, self.published, self.search_ms, self.duration_ms
        )
    }
}

fn rfc3339(unix: i64) -> Result<String, String> {
    let t: DateTime<Utc> = DateTime::from_timestamp(unix, 0).ok_or("cycle time out of range")?;
    Ok(t.to_rfc3339_opts(SecondsFormat::Secs, true))
}

pub fn run(now_unix: i64) -> Result<Summary, String> {
    let started = std::time::Instant::now();
    let config = crate::config::router()?;
    let ts = rfc3339(now_unix)?;
    let oldest_usable = rfc3339(config.oldest_usable_unix(now_unix))?;

    let db = Db::open()?;
    let arcs = db.graph(config.horizon_min, &oldest_usable)?;
    let congested = arcs.iter().filter(|a| a.score.is_some_and(|s| s > config.threshold)).count();
    let searching = std::time::Instant::now();
    let graph = RoadGraph::build(arcs);
    let reroutes = graph.reroutes(&config);
    let search_ms = searching.elapsed().as_millis() as u64;
    let stored = if reroutes.is_empty() { 0 } else { db.insert_reroutes(&ts, config.horizon_min, &reroutes)? };

    // The cycle's counters travel with its events, so its duration is measured up to here.
    let metrics = app_metrics::rerouter_cycle(stored, started.elapsed().as_secs_f64());
    let (published, publish_error) = match crate::publish::publish(&ts, &reroutes, &metrics) {
        Ok(n) => (n, None),
        Err(e) => {
            eprintln!("rerouter: {ts}: {stored} reroutes stored but not published: {e}");
            (0, Some(e))
        }
    };
    Ok(Summary {
        ts,
        arcs: graph.arc_count(),
        congested,
        reroutes: stored,
        published,
        publish_error,
        search_ms,
        duration_ms: started.elapsed().as_millis() as u64,
    })
}
