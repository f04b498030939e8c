//! Readings of the generated city at a simulated moment: demand from the daily profile,
//! per-road character and noise, and random incidents that congest an arc and, less, the
//! arcs that share a node with it.

use chrono::{DateTime, Duration, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use traffic_model::Reading;

use crate::city::City;
use crate::profile::demand;

/// Incidents per arc per simulated hour (a city of 100 arcs has one every ~2 hours).
const INCIDENTS_PER_ARC_HOUR: f64 = 0.005;
/// Occupancy at which traffic stops (speed reaches its floor).
const JAM_OCCUPANCY: f64 = 0.75;

#[derive(Debug, Clone)]
pub struct Incident {
    pub arc: usize,
    pub until: DateTime<Utc>,
    /// The arc and its neighbours, with the extra demand each gets.
    pub affected: Vec<(usize, f64)>,
}

pub struct GeneratedTraffic {
    pub city: City,
    /// Each road's share of the city's demand: arterials are busier than side streets.
    weight: Vec<f64>,
    pub incidents: Vec<Incident>,
    rng: StdRng,
    last: Option<DateTime<Utc>>,
}

impl GeneratedTraffic {
    pub fn new(city: City, seed: u64) -> GeneratedTraffic {
        let mut rng = StdRng::seed_from_u64(seed ^ 0x5eed_cafe);
        let weight = city.arcs.iter().map(|_| rng.random_range(0.8..1.2)).collect();
        GeneratedTraffic { city, weight, incidents: Vec::new(), rng, last: None }
    }

    /// One reading per arc for simulated time `sim`, stamped `ts` (the wall-clock instant
    /// that simulated moment is published at). Advances incidents from the previous call.
    pub fn round(&mut self, sim: DateTime<Utc>, ts: DateTime<Utc>) -> Vec<Reading> {
        self.update_incidents(sim);
        let base = demand(sim);
        let mut extra = vec![0.0; self.city.arcs.len()];
        for incident in &self.incidents {
            for &(arc, add) in &incident.affected {
                extra[arc] += add;
            }
        }
        (0..self.city.arcs.len())
            .map(|i| {
                let noise = self.rng.random_range(-0.04..0.04);
                let load = (base * self.weight[i] + extra[i] + noise).max(0.0);
                self.reading(i, load, ts)
            })
            .collect()
    }

    /// The reading of arc `i` under `load` (≈ demand; above 1 when an incident blocks it).
    pub fn reading(&self, i: usize, load: f64, ts: DateTime<Utc>) -> Reading {
        let arc = &self.city.arcs[i];
        let occupancy = (0.02 + 0.55 * load).clamp(0.0, 0.98);
        // Speed falls linearly with occupancy (Greenshields), with a crawl floor.
        let speed = (arc.free_flow_kmh * (1.0 - occupancy / JAM_OCCUPANCY)).max(3.0);
        // Flow peaks at half the jam occupancy and falls to nothing in a jam.
        let x = (occupancy / JAM_OCCUPANCY).min(1.0);
        let flow = arc.capacity_veh_h * 4.0 * x * (1.0 - x);
        Reading {
            ts,
            sensor_id: arc.id.clone(),
            road_id: arc.id.clone(),
            speed_kmh: round(speed, 1),
            flow_rate: round(flow, 1),
            occupancy: round(occupancy, 3),
            label: Some(arc.label.clone()),
            lat: Some(round(arc.lat, 6)),
            lng: Some(round(arc.lng, 6)),
            from_node: Some(self.city.nodes[arc.from].id.clone()),
            to_node: Some(self.city.nodes[arc.to].id.clone()),
            length_m: Some(arc.length_m),
            free_flow_kmh: Some(arc.free_flow_kmh),
        }
    }

    fn update_incidents(&mut self, sim: DateTime<Utc>) {
        let hours = match self.last.replace(sim) {
            Some(last) if sim > last => (sim - last).num_milliseconds() as f64 / 3_600_000.0,
            Some(_) => {
                // The clock went back (a test, a new start time): no incident carries over.
                self.incidents.clear();
                return;
            }
            None => return,
        };
        self.incidents.retain(|i| i.until > sim);
        let arcs = self.city.arcs.len();
        let expected = INCIDENTS_PER_ARC_HOUR * arcs as f64 * hours;
        // At most a few new incidents per round, however large the step.
        let mut new = 0;
        let mut p = expected;
        while new < 3 && self.rng.random_bool(p.clamp(0.0, 1.0)) {
            new += 1;
            p -= 1.0;
        }
        for _ in 0..new {
            let arc = self.rng.random_range(0..arcs);
            self.start_incident(arc, sim);
        }
    }

    /// Congests arc `arc` (and, half as much, its neighbours) for 15–60 simulated minutes.
    pub fn start_incident(&mut self, arc: usize, sim: DateTime<Utc>) {
        let minutes = self.rng.random_range(15..=60);
        let mut affected = vec![(arc, 0.9)];
        affected.extend(self.city.neighbours(arc).into_iter().map(|n| (n, 0.4)));
        self.incidents.push(Incident { arc, until: sim + Duration::minutes(minutes), affected });
    }
}

fn round(x: f64, decimals: i32) -> f64 {
    let f = 10f64.powi(decimals);
    (x * f).round() / f
}
