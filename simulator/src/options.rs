use std::path::PathBuf;
use std::time::Duration;

use anyhow::{bail, Result};
use chrono::{DateTime, Utc};

/// Options of `cityflow simulate` (derive `clap::Args`; flatten or use as a subcommand's args).
#[derive(Debug, Clone, clap::Args)]
pub struct SimulateOptions {
    /// Sensors of the generated city (one per road arc). Ignored with --replay.
    #[arg(long, default_value_t = 100)]
    pub sensors: usize,
    /// Wall-clock time between two rounds of readings (`2s`, `500ms`; `0s` = as fast as possible).
    #[arg(long, default_value = "2s", value_parser = humantime::parse_duration)]
    pub interval: Duration,
    /// Simulated seconds per wall-clock second (rush hours come sooner; a replay runs faster).
    #[arg(long, default_value_t = 1.0)]
    pub speedup: f64,
    /// Readings per MQTT message: 1 sends single readings, more sends JSON arrays.
    #[arg(long, default_value_t = 1)]
    pub batch: usize,
    /// Replay a Paris Open Data export (comptages-routiers-permanents: the `;` CSV with French
    /// headers, or the API's JSON) instead of generating a city.
    #[arg(long)]
    pub replay: Option<PathBuf>,
    /// MQTT broker, `mqtt://host:port` (or `host:port`).
    #[arg(long, default_value = "mqtt://127.0.0.1:1883")]
    pub broker: String,
    /// Topic prefix; each message goes to `{prefix}/{sensor_id}` (of its first reading).
    #[arg(long, default_value = "cityflow/traffic")]
    pub topic_prefix: String,
    /// Stop after this wall-clock time.
    #[arg(long, value_parser = humantime::parse_duration)]
    pub duration: Option<Duration>,
    /// Stop after publishing this many readings.
    #[arg(long)]
    pub count: Option<u64>,
    /// Simulated start time of a generated city (RFC 3339; default now), e.g. to start in a rush hour.
    #[arg(long)]
    pub start: Option<DateTime<Utc>>,
    /// Random seed of the generated city and its traffic (default: random).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Print only the final summary, not the once-a-second progress line.
    #[arg(long)]
    pub quiet: bool,
}

impl Default for SimulateOptions {
    fn default() -> Self {
        SimulateOptions {
            sensors: 100,
            interval: Duration::from_secs(2),
            speedup: 1.0,
            batch: 1,
            replay: None,
            broker: "mqtt://127.0.0.1:1883".to_string(),
            topic_prefix: "cityflow/traffic".to_string(),
            duration: None,
            count: None,
            start: None,
            seed: None,
            quiet: false,
        }
    }
}

/// Largest speed-up: beyond it, hourly records of one sensor would map to the same
/// microsecond timestamp.
pub const MAX_SPEEDUP: f64 = 1_000_000.0;

impl SimulateOptions {
    pub fn validate(&self) -> Result<()> {
        if self.replay.is_none() && !(1..=100_000).contains(&self.sensors) {
            bail!("--sensors must be between 1 and 100000");
        }
        if !(self.speedup.is_finite() && self.speedup > 0.0 && self.speedup <= MAX_SPEEDUP) {
            bail!("--speedup must be a number above 0 and at most {MAX_SPEEDUP}");
        }
        if !(1..=traffic_model::MAX_READINGS).contains(&self.batch) {
            bail!("--batch must be between 1 and {} (the ingest limit)", traffic_model::MAX_READINGS);
        }
        if self.topic_prefix.is_empty() || self.topic_prefix.contains(['#', '+']) {
            bail!("--topic-prefix must be a non-empty topic without wildcards");
        }
        Ok(())
    }

    /// `(host, port)` of the broker.
    pub fn broker_address(&self) -> Result<(String, u16)> {
        let rest = ["mqtt://", "tcp://"].iter().find_map(|s| self.broker.strip_prefix(s)).unwrap_or(&self.broker);
        let rest = rest.trim_end_matches('/');
        let (host, port) = match rest.rsplit_once(':') {
            Some((host, port)) => (host, port.parse::<u16>().map_err(|_| anyhow::anyhow!("bad port in --broker {}", self.broker))?),
            None => (rest, 1883),
        };
        if host.is_empty() || host.contains('/') {
            bail!("--broker must look like mqtt://host:port, not {}", self.broker);
        }
        Ok((host.trim_matches(['[', ']']).to_string(), port))
    }
}
