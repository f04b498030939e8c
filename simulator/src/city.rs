//! A generated city: a ring-radial road graph around the centre of Paris, the shape of
//! Paris itself (boulevards in rings, avenues radiating from the centre), jittered so no two
//! cities look alike. Every road is a directed arc between two nodes, as in Paris Open Data
//! (`iu_nd_amont` → `iu_nd_aval`); each arc carries one sensor.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// Notre-Dame's parvis, the centre of Paris road distances (and of the seed's map).
pub const CENTRE: (f64, f64) = (48.8566, 2.3522);

const SPOKES: usize = 12;
const RING_STEP_KM: f64 = 0.7;
const KM_PER_DEGREE_LAT: f64 = 111.32;

#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub id: String,
    pub lat: f64,
    pub lng: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Arc {
    /// Road and sensor id (`SIM-0001`).
    pub id: String,
    pub label: String,
    /// Indexes into [`City::nodes`].
    pub from: usize,
    pub to: usize,
    pub length_m: f64,
    pub free_flow_kmh: f64,
    /// Vehicles per hour the arc carries at best (lanes × 1,800).
    pub capacity_veh_h: f64,
    /// Midpoint, where the sensor sits.
    pub lat: f64,
    pub lng: f64,
}

#[derive(Debug, Clone)]
pub struct City {
    pub nodes: Vec<Node>,
    pub arcs: Vec<Arc>,
}

/// An undirected street between two grid positions, before it becomes two arcs.
#[derive(Clone, Copy)]
enum Street {
    /// From ring `ring - 1` (0 = the centre) out to `ring`, along spoke `spoke`.
    Radial { ring: usize, spoke: usize },
    /// Along ring `ring`, from spoke `spoke` to the next one.
    Ring { ring: usize, spoke: usize },
}

const AVENUES: [&str; SPOKES] = [
    "Avenue de Clichy", "Rue La Fayette", "Avenue Jean Jaurès", "Rue de Belleville",
    "Avenue de la République", "Avenue Daumesnil", "Avenue d'Italie", "Avenue du Général Leclerc",
    "Rue de Vaugirard", "Avenue de Versailles", "Avenue de la Grande Armée", "Avenue de Wagram",
];
const BOULEVARDS: [&str; 8] = [
    "Quai", "Boulevard Saint-Germain", "Boulevard de Sébastopol", "Boulevard Haussmann",
    "Boulevard de Magenta", "Boulevard Voltaire", "Boulevard des Maréchaux", "Boulevard Périphérique",
];

impl City {
    /// A city with exactly `arcs` arcs (one sensor each), reproducible from `seed`.
    ///
    /// Streets are laid out ring by ring, and each new node is joined to the network as soon
    /// as it appears (its radial street, then the ring street to its neighbour); every street
    /// is two opposite arcs. So any prefix of that order is strongly connected, and the city
    /// is **strongly connected** (every arc reachable from every other) for every `arcs ≥ 2`:
    /// with an odd count, the last arc is a one-way street between two nodes already joined.
    pub fn generate(arcs: usize, seed: u64) -> City {
        let mut rng = StdRng::seed_from_u64(seed);
        let rings = arcs.div_ceil(4 * SPOKES).max(1) + 1;
        let positions = Positions::jittered(rings, &mut rng);
        let mut builder = Builder { positions, nodes: Vec::new(), node_of: Default::default(), arcs: Vec::new() };
        'streets: for street in street_order(rings) {
            let (a, b) = builder.ends(street);
            for (a, b) in [(a, b), (b, a)] {
                if builder.arcs.len() + 1 == arcs && !builder.joined(a, b) {
                    // The last, odd arc: make it a one-way street between joined nodes.
                    builder.one_way_chord();
                    break 'streets;
                }
                if builder.arcs.len() == arcs {
                    break 'streets;
                }
                builder.add_arc(a, b, street, &mut rng);
            }
        }
        City { nodes: builder.nodes, arcs: builder.arcs }
    }

    /// Arcs that share a node with arc `i` (an incident there spills onto them).
    pub fn neighbours(&self, i: usize) -> Vec<usize> {
        let arc = &self.arcs[i];
        let ends = [arc.from, arc.to];
        (0..self.arcs.len())
            .filter(|&j| j != i && (ends.contains(&self.arcs[j].from) || ends.contains(&self.arcs[j].to)))
            .collect()
    }

    /// Whether every node reaches every other along the arcs' directions.
    pub fn is_strongly_connected(&self) -> bool {
        self.reaches_all(false) && self.reaches_all(true)
    }

    /// Whether the graph is connected when directions are ignored.
    pub fn is_weakly_connected(&self) -> bool {
        let mut both = self.clone();
        let reversed: Vec<Arc> = self.arcs.iter().map(|a| Arc { from: a.to, to: a.from, ..a.clone() }).collect();
        both.arcs.extend(reversed);
        both.reaches_all(false)
    }

    fn reaches_all(&self, reversed: bool) -> bool {
        if self.nodes.is_empty() {
            return true;
        }
        let mut seen = vec![false; self.nodes.len()];
        let mut stack = vec![0];
        seen[0] = true;
        while let Some(n) = stack.pop() {
            for arc in &self.arcs {
                let (from, to) = if reversed { (arc.to, arc.from) } else { (arc.from, arc.to) };
                if from == n && !seen[to] {
                    seen[to] = true;
                    stack.push(to);
                }
            }
        }
        seen.into_iter().all(|s| s)
    }
}

/// Streets in joining order: for each ring, each spoke's radial street, then the ring street
/// back to the previous spoke (both ends now exist), and the ring's closing street last.
fn street_order(rings: usize) -> Vec<Street> {
    let mut order = Vec::new();
    for ring in 1..=rings {
        for spoke in 0..SPOKES {
            order.push(Street::Radial { ring, spoke });
            if spoke > 0 {
                order.push(Street::Ring { ring, spoke: spoke - 1 });
            }
        }
        order.push(Street::Ring { ring, spoke: SPOKES - 1 });
    }
    order
}

/// Jittered position of every grid point (ring, spoke); ring 0 is the centre.
struct Positions {
    points: Vec<Vec<(f64, f64)>>,
}

impl Positions {
    fn jittered(rings: usize, rng: &mut StdRng) -> Positions {
        let mut points = vec![vec![CENTRE; SPOKES]];
        for ring in 1..=rings {
            let row = (0..SPOKES)
                .map(|spoke| {
                    let radius_km = ring as f64 * RING_STEP_KM * rng.random_range(0.85..1.15);
                    let angle = (spoke as f64 + rng.random_range(-0.2..0.2)) * std::f64::consts::TAU / SPOKES as f64;
                    offset(CENTRE, radius_km * angle.cos(), radius_km * angle.sin())
                })
                .collect();
            points.push(row);
        }
        Positions { points }
    }
}

/// `north_km` / `east_km` away from `origin`, on a locally flat Earth (fine at city scale).
fn offset(origin: (f64, f64), north_km: f64, east_km: f64) -> (f64, f64) {
    let lat = origin.0 + north_km / KM_PER_DEGREE_LAT;
    let lng = origin.1 + east_km / (KM_PER_DEGREE_LAT * origin.0.to_radians().cos());
    (lat, lng)
}

/// Great-circle distance in metres.
pub fn haversine_m(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (la1, la2) = (a.0.to_radians(), b.0.to_radians());
    let dlat = la2 - la1;
    let dlng = (b.1 - a.1).to_radians();
    let h = (dlat / 2.0).sin().powi(2) + la1.cos() * la2.cos() * (dlng / 2.0).sin().powi(2);
    2.0 * 6_371_000.0 * h.sqrt().asin()
}

type GridPoint = (usize, usize); // (ring, spoke); the centre is (0, 0)

struct Builder {
    positions: Positions,
    nodes: Vec<Node>,
    node_of: std::collections::HashMap<GridPoint, usize>,
    arcs: Vec<Arc>,
}

impl Builder {
    fn ends(&self, street: Street) -> (GridPoint, GridPoint) {
        match street {
            Street::Radial { ring: 1, spoke } => ((0, 0), (1, spoke)),
            Street::Radial { ring, spoke } => ((ring - 1, spoke), (ring, spoke)),
            Street::Ring { ring, spoke } => ((ring, spoke), (ring, (spoke + 1) % SPOKES)),
        }
    }

    fn joined(&self, a: GridPoint, b: GridPoint) -> bool {
        self.node_of.contains_key(&a) && self.node_of.contains_key(&b)
    }

    fn node(&mut self, p: GridPoint) -> usize {
        if let Some(&n) = self.node_of.get(&p) {
            return n;
        }
        let (lat, lng) = self.positions.points[p.0][p.1];
        let n = self.nodes.len();
        self.nodes.push(Node { id: format!("SIM-N{n:04}"), lat, lng });
        self.node_of.insert(p, n);
        n
    }

    fn add_arc(&mut self, a: GridPoint, b: GridPoint, street: Street, rng: &mut StdRng) {
        let (from, to) = (self.node(a), self.node(b));
        let (label, free_flow_kmh, lanes) = match street {
            // Inner avenues are 30 km/h zones, outer ones 50.
            Street::Radial { ring, spoke } => (AVENUES[spoke].to_string(), if ring <= 2 { 30.0 } else { 50.0 }, 2.0),
            // The outermost rings are the Maréchaux and the Périphérique (70 km/h, 3 lanes).
            Street::Ring { ring, .. } => {
                let name = BOULEVARDS[ring.min(BOULEVARDS.len() - 1)];
                if ring >= BOULEVARDS.len() - 1 { (name.to_string(), 70.0, 3.0) } else { (name.to_string(), 50.0, 2.0) }
            }
        };
        let lanes: f64 = if rng.random_bool(0.3) { lanes - 1.0 } else { lanes };
        self.push(from, to, label, free_flow_kmh, lanes.max(1.0) * 1800.0);
    }

    /// The odd last arc: one way between two joined nodes that have no arc between them yet,
    /// or, if every joined pair is linked (a city of two nodes), a second lane of the first.
    fn one_way_chord(&mut self) {
        let linked: std::collections::HashSet<(usize, usize)> = self.arcs.iter().map(|a| (a.from, a.to)).collect();
        let n = self.nodes.len();
        // The centre links only to the first ring, so this finds a pair within a few steps.
        let pair = (0..n).flat_map(|x| (0..n).map(move |y| (x, y))).find(|&(x, y)| x != y && !linked.contains(&(x, y)));
        match pair {
            Some((x, y)) => self.push(x, y, "Rue de traverse".to_string(), 30.0, 1800.0),
            None if !self.arcs.is_empty() => {
                let first = self.arcs[0].clone();
                self.push(first.from, first.to, format!("{} (contre-allée)", first.label), 30.0, 1800.0)
            }
            None => {
                // A single arc: two fresh nodes at the centre's first spoke.
                let (a, b) = (self.node((0, 0)), self.node((1, 0)));
                self.push(a, b, AVENUES[0].to_string(), 30.0, 3600.0)
            }
        }
    }

    fn push(&mut self, from: usize, to: usize, label: String, free_flow_kmh: f64, capacity_veh_h: f64) {
        let (a, b) = ((self.nodes[from].lat, self.nodes[from].lng), (self.nodes[to].lat, self.nodes[to].lng));
        // Streets are not straight: 10 % longer than the crow flies.
        let length_m = (haversine_m(a, b) * 1.1).max(20.0);
        let id = format!("SIM-{:04}", self.arcs.len() + 1);
        let label = format!("{label} ({} → {})", self.nodes[from].id, self.nodes[to].id);
        self.arcs.push(Arc {
            id,
            label,
            from,
            to,
            length_m: (length_m * 10.0).round() / 10.0,
            free_flow_kmh,
            capacity_veh_h,
            lat: (a.0 + b.0) / 2.0,
            lng: (a.1 + b.1) / 2.0,
        });
    }
}
