//! The once-a-second progress line on stderr: messages/s, readings, acknowledgements,
//! sensors, errors and the simulated time (Paris).

use std::collections::HashSet;
use std::io::{IsTerminal, Write};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use chrono_tz::Europe::Paris;
use traffic_model::Reading;

use crate::mqtt::Counters;
use crate::Summary;

pub struct Progress {
    total_sensors: usize,
    seen: HashSet<String>,
    quiet: bool,
    terminal: bool,
    counters: Arc<Counters>,
    started: Instant,
    last_print: Instant,
    last_messages: u64,
    messages: u64,
    readings: u64,
}

impl Progress {
    pub fn new(total_sensors: usize, quiet: bool, counters: Arc<Counters>) -> Progress {
        let now = Instant::now();
        Progress {
            total_sensors,
            seen: HashSet::new(),
            quiet,
            terminal: std::io::stderr().is_terminal(),
            counters,
            started: now,
            last_print: now,
            last_messages: 0,
            messages: 0,
            readings: 0,
        }
    }

    pub fn sent(&mut self, readings: &[Reading], sim: DateTime<Utc>) {
        self.messages += 1;
        self.readings += readings.len() as u64;
        if self.seen.len() < self.total_sensors {
            for r in readings {
                if !self.seen.contains(&r.sensor_id) {
                    self.seen.insert(r.sensor_id.clone());
                }
            }
        }
        if !self.quiet && self.last_print.elapsed() >= Duration::from_secs(1) {
            let rate = (self.messages - self.last_messages) as f64 / self.last_print.elapsed().as_secs_f64();
            self.last_print = Instant::now();
            self.last_messages = self.messages;
            let line = self.line(rate, sim);
            let mut err = std::io::stderr().lock();
            if self.terminal {
                let _ = write!(err, "\r{line}\x1b[K");
            } else {
                let _ = writeln!(err, "{line}");
            }
            let _ = err.flush();
        }
    }

    fn line(&self, rate: f64, sim: DateTime<Utc>) -> String {
        let c = &self.counters;
        format!(
            "{:>6.1}s  {:>8.0} msg/s  messages {}  readings {}  acked {}  sensors {}/{}  errors {}  sim {}",
            self.started.elapsed().as_secs_f64(),
            rate,
            self.messages,
            self.readings,
            c.acked.load(Ordering::Relaxed),
            self.seen.len(),
            self.total_sensors,
            c.errors.load(Ordering::Relaxed),
            sim.with_timezone(&Paris).format("%a %Y-%m-%d %H:%M:%S %Z"),
        )
    }

    pub fn finish(self, messages: u64, readings: u64, unacknowledged: u64) -> Summary {
        let secs = self.started.elapsed().as_secs_f64();
        if self.terminal && !self.quiet {
            eprintln!();
        }
        let errors = self.counters.errors.load(Ordering::Relaxed);
        eprintln!(
            "simulate: {messages} messages ({readings} readings, {} sensors) in {secs:.1} s = {:.0} msg/s, {:.0} readings/s; {} acknowledged, {unacknowledged} not; {errors} connection errors",
            self.seen.len(),
            messages as f64 / secs.max(1e-9),
            readings as f64 / secs.max(1e-9),
            self.counters.acked.load(Ordering::Relaxed),
        );
        Summary { messages, readings, unacknowledged, sensors: self.seen.len(), errors }
    }
}
