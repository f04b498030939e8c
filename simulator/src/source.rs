//! Where readings come from: a generated city, or a replay; and the simulated clock.

use chrono::{DateTime, TimeDelta, Utc};
use traffic_model::Reading;

use crate::{City, GeneratedTraffic, Replay, SimulateOptions};

/// The simulated clock, `speedup` times the wall clock, with strictly increasing
/// microsecond wall timestamps (two rounds never share a `ts`, so none is a duplicate).
pub struct Clock {
    speedup: f64,
    sim_start: DateTime<Utc>,
    wall_start: DateTime<Utc>,
    last_wall: Option<DateTime<Utc>>,
}

fn micros(t: DateTime<Utc>) -> DateTime<Utc> {
    DateTime::from_timestamp_micros(t.timestamp_micros()).expect("in range")
}

impl Clock {
    pub fn new(speedup: f64, sim_start: DateTime<Utc>) -> Clock {
        Clock { speedup, sim_start, wall_start: micros(Utc::now()), last_wall: None }
    }

    /// `(simulated now, wall now)`.
    pub fn tick(&mut self) -> (DateTime<Utc>, DateTime<Utc>) {
        let mut wall = micros(Utc::now());
        if let Some(last) = self.last_wall.filter(|&last| wall <= last) {
            wall = last + TimeDelta::microseconds(1);
        }
        self.last_wall = Some(wall);
        (self.sim_at(wall), wall)
    }

    fn sim_at(&self, wall: DateTime<Utc>) -> DateTime<Utc> {
        let elapsed_us = (wall - self.wall_start).num_microseconds().unwrap_or(i64::MAX) as f64;
        self.sim_start + TimeDelta::microseconds((elapsed_us * self.speedup) as i64)
    }

    /// The wall-clock instant simulated time `sim` maps to.
    pub fn wall_at(&self, sim: DateTime<Utc>) -> DateTime<Utc> {
        let sim_us = (sim - self.sim_start).num_microseconds().unwrap_or(i64::MAX) as f64;
        self.wall_start + TimeDelta::microseconds((sim_us / self.speedup) as i64)
    }
}

pub enum Source {
    City(Box<GeneratedTraffic>),
    Replay { replay: Replay, next: usize },
}

impl Source {
    pub fn open(opts: &SimulateOptions, seed: u64) -> anyhow::Result<Source> {
        Ok(match &opts.replay {
            Some(path) => Source::Replay { replay: crate::replay::load(path)?, next: 0 },
            None => Source::City(Box::new(GeneratedTraffic::new(City::generate(opts.sensors, seed), seed))),
        })
    }

    pub fn sensors(&self) -> usize {
        match self {
            Source::City(t) => t.city.arcs.len(),
            Source::Replay { replay, .. } => {
                let mut ids: Vec<&str> = replay.records.iter().map(|r| r.sensor_id.as_str()).collect();
                ids.sort_unstable();
                ids.dedup();
                ids.len()
            }
        }
    }

    pub fn sim_start(&self, opts: &SimulateOptions) -> DateTime<Utc> {
        match self {
            Source::City(_) => opts.start.unwrap_or_else(Utc::now),
            Source::Replay { replay, .. } => replay.records[0].counted_at,
        }
    }

    pub fn describe(&self, opts: &SimulateOptions, seed: u64) -> String {
        let pace = format!("every {:?}, speed-up ×{}, batches of {}, to {}", opts.interval, opts.speedup, opts.batch, opts.broker);
        match self {
            Source::City(t) => format!(
                "simulate: generated city of {} sensors on {} nodes (seed {seed}), {pace}",
                t.city.arcs.len(),
                t.city.nodes.len()
            ),
            Source::Replay { replay, .. } => format!(
                "simulate: replaying {} records of {} sensors ({} rows skipped: no q/k or bad values), {} → {}, {pace}",
                replay.records.len(),
                self.sensors(),
                replay.skipped,
                replay.records[0].counted_at,
                replay.records[replay.records.len() - 1].counted_at
            ),
        }
    }

    /// Readings due at simulated time `sim`: every arc of the city, or every replay record
    /// counted since the last round (stamped with the wall instant its count time maps to).
    pub fn round(&mut self, sim: DateTime<Utc>, wall: DateTime<Utc>, clock: &Clock) -> Vec<Reading> {
        match self {
            Source::City(traffic) => traffic.round(sim, wall),
            Source::Replay { replay, next } => {
                let due = replay.records[*next..].iter().take_while(|r| r.counted_at <= sim).count();
                let readings = replay.records[*next..*next + due].iter().map(|r| r.reading(clock.wall_at(r.counted_at))).collect();
                *next += due;
                readings
            }
        }
    }

    pub fn exhausted(&self) -> bool {
        matches!(self, Source::Replay { replay, next } if *next >= replay.records.len())
    }
}
