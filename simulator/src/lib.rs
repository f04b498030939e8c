//! CityFlow's traffic simulator (`cityflow simulate`): sensor readings published over MQTT
//! (QoS 1) to `cityflow/traffic/{sensor_id}`, from a generated city or a replay of a Paris
//! Open Data export, at any speed-up.
//!
//! Two clocks: the *simulated* clock drives the traffic (rush hours, incidents, which replay
//! records are due) and runs `speedup` times faster than the wall clock; each reading's `ts`
//! is the *wall-clock* instant its simulated moment is published at, so the ingest
//! component (which refuses readings from the future) and the predictor see live data.

pub mod city;
mod mqtt;
mod options;
pub mod profile;
mod progress;
pub mod replay;
mod source;
pub mod traffic;

use std::time::{Duration, Instant};

use anyhow::Result;

pub use city::City;
pub use options::{SimulateOptions, MAX_SPEEDUP};
pub use replay::{load as load_replay, Replay, ReplayRecord};
pub use traffic::GeneratedTraffic;

/// What a run published.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    /// MQTT messages published (one per reading, or one per batch).
    pub messages: u64,
    pub readings: u64,
    /// Messages the broker did not acknowledge before the simulator gave up waiting.
    pub unacknowledged: u64,
    /// Distinct sensors that published.
    pub sensors: usize,
    /// Connection errors met (rumqttc reconnects after each).
    pub errors: u64,
}

/// Runs the simulator until a limit (`duration`, `count`, end of a replay) or Ctrl-C;
/// prints progress on stderr. This is `cityflow simulate`.
pub async fn run(opts: SimulateOptions) -> Result<()> {
    let summary = simulate(opts).await?;
    if summary.unacknowledged > 0 {
        anyhow::bail!("{} messages were not acknowledged by the broker", summary.unacknowledged);
    }
    Ok(())
}

/// [`run`], returning what was published (for tests and benchmarks).
pub async fn simulate(opts: SimulateOptions) -> Result<Summary> {
    opts.validate()?;
    let seed = opts.seed.unwrap_or_else(rand::random);
    let mut source = source::Source::open(&opts, seed)?;
    let (host, port) = opts.broker_address()?;
    let publisher = mqtt::Publisher::connect(&host, port, Duration::from_secs(10)).await?;
    let mut progress = progress::Progress::new(source.sensors(), opts.quiet, publisher.counters.clone());
    eprintln!("{}", source.describe(&opts, seed));

    let started = Instant::now();
    let mut clock = source::Clock::new(opts.speedup, source.sim_start(&opts));
    let mut readings_sent: u64 = 0;
    let mut messages: u64 = 0;
    let ctrl_c = tokio::signal::ctrl_c();
    tokio::pin!(ctrl_c);
    'rounds: loop {
        let round_started = Instant::now();
        let (sim, wall) = clock.tick();
        let mut readings = source.round(sim, wall, &clock);
        if let Some(limit) = opts.count {
            readings.truncate(limit.saturating_sub(readings_sent) as usize);
        }
        for chunk in readings.chunks(opts.batch) {
            let topic = format!("{}/{}", opts.topic_prefix, chunk[0].sensor_id);
            let payload = if opts.batch == 1 {
                chunk[0].event_json()
            } else {
                format!("[{}]", chunk.iter().map(|r| r.event_json()).collect::<Vec<_>>().join(","))
            };
            publisher.publish(topic, payload.into_bytes()).await?;
            messages += 1;
            readings_sent += chunk.len() as u64;
            progress.sent(chunk, sim);
        }
        let done = opts.count.is_some_and(|c| readings_sent >= c)
            || opts.duration.is_some_and(|d| started.elapsed() >= d)
            || source.exhausted();
        if done {
            break;
        }
        let next = round_started + opts.interval;
        tokio::select! {
            _ = tokio::time::sleep_until(next.into()) => {}
            _ = &mut ctrl_c => break 'rounds,
        }
    }
    let unacknowledged = publisher.finish(Duration::from_secs(30)).await;
    let summary = progress.finish(messages, readings_sent, unacknowledged);
    Ok(summary)
}
