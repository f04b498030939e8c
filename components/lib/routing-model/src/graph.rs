//! The road graph and the search for alternatives.

use std::collections::{HashMap, HashSet};

use petgraph::algo::astar;
use petgraph::graph::{DiGraph, EdgeIndex, NodeIndex};
use petgraph::visit::{EdgeFiltered, EdgeRef};

use crate::config::RouterConfig;
use crate::speed::{co2_kg, predicted_speed_kmh, travel_min};

/// One road as the rerouter sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct Arc {
    pub road_id: String,
    pub from_node: String,
    pub to_node: String,
    pub length_m: f64,
    pub free_flow_kmh: f64,
    /// The latest usable prediction; None when the road has none (it is then assumed to run
    /// at free flow — unknown is not evidence of congestion).
    pub score: Option<f64>,
}

impl Arc {
    pub fn speed_kmh(&self) -> f64 {
        predicted_speed_kmh(self.free_flow_kmh, self.score.unwrap_or(0.0))
    }

    pub fn travel_min(&self) -> f64 {
        travel_min(self.length_m, self.speed_kmh())
    }

    pub fn co2_kg(&self) -> f64 {
        co2_kg(self.length_m, self.speed_kmh())
    }
}

/// A recommendation: drive `alt_path` instead of `route_id`.
#[derive(Debug, Clone, PartialEq)]
pub struct Reroute {
    pub route_id: String,
    pub score: f64,
    pub alt_path: Vec<String>,
    pub alt_length_m: f64,
    pub route_travel_min: f64,
    pub alt_travel_min: f64,
    pub eta_gain_min: f64,
    /// Can be negative: a faster detour may emit more (longer, or in a worse speed band).
    pub co2_gain_kg: f64,
}

impl Reroute {
    /// `alt_route_id`: the path's road ids joined with '>'.
    pub fn alt_route_id(&self) -> String {
        self.alt_path.join(">")
    }

    pub fn reason(&self) -> String {
        format!(
            "high-congestion: {:.2} on {}, reroute via {} (-{:.1} min, {:.2} kg CO2 saved)",
            self.score,
            self.route_id,
            self.alt_route_id(),
            self.eta_gain_min,
            self.co2_gain_kg
        )
    }
}

/// A path as arc indices.
type Path = Vec<usize>;

pub struct RoadGraph {
    graph: DiGraph<(), usize>,
    arcs: Vec<Arc>,
    cost: Vec<f64>,
    edge_of_arc: Vec<EdgeIndex>,
}

impl RoadGraph {
    /// Arcs with a non-positive length or speed, or a loop, are left out (the schema refuses
    /// them, this is the guard for other writers).
    pub fn build(arcs: Vec<Arc>) -> RoadGraph {
        let arcs: Vec<Arc> = arcs
            .into_iter()
            .filter(|a| a.length_m > 0.0 && a.free_flow_kmh > 0.0 && a.from_node != a.to_node && a.length_m.is_finite())
            .collect();
        let mut graph = DiGraph::with_capacity(arcs.len(), arcs.len());
        let mut nodes: HashMap<&str, NodeIndex> = HashMap::with_capacity(arcs.len());
        let mut edge_of_arc = Vec::with_capacity(arcs.len());
        for (i, a) in arcs.iter().enumerate() {
            let from = *nodes.entry(&a.from_node).or_insert_with(|| graph.add_node(()));
            let to = *nodes.entry(&a.to_node).or_insert_with(|| graph.add_node(()));
            edge_of_arc.push(graph.add_edge(from, to, i));
        }
        let cost = arcs.iter().map(Arc::travel_min).collect();
        RoadGraph { graph, arcs, cost, edge_of_arc }
    }

    pub fn arc_count(&self) -> usize {
        self.arcs.len()
    }

    /// Recommendations for every road predicted above the threshold, best first per road.
    pub fn reroutes(&self, config: &RouterConfig) -> Vec<Reroute> {
        let mut out = Vec::new();
        for (i, arc) in self.arcs.iter().enumerate() {
            let Some(score) = arc.score.filter(|s| *s > config.threshold) else { continue };
            for path in self.alternatives(i, config.max_alternatives) {
                let alt_travel_min: f64 = path.iter().map(|&j| self.cost[j]).sum();
                let eta_gain_min = self.cost[i] - alt_travel_min;
                if eta_gain_min < config.min_gain_min {
                    // Alternatives come shortest first: the next ones gain even less.
                    break;
                }
                let alt_co2: f64 = path.iter().map(|&j| self.arcs[j].co2_kg()).sum();
                out.push(Reroute {
                    route_id: arc.road_id.clone(),
                    score,
                    alt_path: path.iter().map(|&j| self.arcs[j].road_id.clone()).collect(),
                    alt_length_m: path.iter().map(|&j| self.arcs[j].length_m).sum(),
                    route_travel_min: self.cost[i],
                    alt_travel_min,
                    eta_gain_min,
                    co2_gain_kg: arc.co2_kg() - alt_co2,
                });
            }
        }
        out
    }

    /// Up to `k` loopless paths from the arc's start to its end that do not use the arc,
    /// shortest predicted travel time first (Yen's algorithm over A* searches).
    pub fn alternatives(&self, arc: usize, k: usize) -> Vec<Path> {
        let edge = self.edge_of_arc[arc];
        let (source, target) = self.graph.edge_endpoints(edge).expect("every arc has an edge");
        let banned_edges: HashSet<EdgeIndex> = HashSet::from([edge]);
        let Some(first) = self.shortest(source, target, &banned_edges, &HashSet::new()) else { return Vec::new() };
        let mut found: Vec<Path> = vec![first];
        let mut candidates: Vec<(f64, Path)> = Vec::new();
        while found.len() < k {
            let last = found.last().expect("found is never empty").clone();
            let nodes = self.path_nodes(source, &last);
            for spur_at in 0..last.len() {
                let root = &last[..spur_at];
                let mut edges = banned_edges.clone();
                for p in &found {
                    if p.len() > spur_at && &p[..spur_at] == root {
                        edges.insert(self.edge_of_arc[p[spur_at]]);
                    }
                }
                let root_nodes: HashSet<NodeIndex> = nodes[..spur_at].iter().copied().collect();
                if let Some(spur) = self.shortest(nodes[spur_at], target, &edges, &root_nodes) {
                    let mut path = root.to_vec();
                    path.extend(spur);
                    if !found.contains(&path) && !candidates.iter().any(|(_, c)| *c == path) {
                        candidates.push((self.path_cost(&path), path));
                    }
                }
            }
            let Some(best) = candidates
                .iter()
                .enumerate()
                .min_by(|a, b| a.1 .0.total_cmp(&b.1 .0))
                .map(|(i, _)| i)
            else {
                break;
            };
            found.push(candidates.swap_remove(best).1);
        }
        found
    }

    fn path_cost(&self, path: &Path) -> f64 {
        path.iter().map(|&j| self.cost[j]).sum()
    }

    fn path_nodes(&self, source: NodeIndex, path: &Path) -> Vec<NodeIndex> {
        let mut nodes = vec![source];
        nodes.extend(path.iter().map(|&j| self.graph.edge_endpoints(self.edge_of_arc[j]).expect("arc edge").1));
        nodes
    }

    /// A* (no heuristic: nodes have no coordinates, so it is Dijkstra stopping at the target)
    /// avoiding `banned_edges` and never entering `banned_nodes`. Parallel arcs between two
    /// nodes are resolved to the quickest allowed one.
    fn shortest(&self, from: NodeIndex, to: NodeIndex, banned_edges: &HashSet<EdgeIndex>, banned_nodes: &HashSet<NodeIndex>) -> Option<Path> {
        let allowed = |e: petgraph::graph::EdgeReference<'_, usize>| {
            !banned_edges.contains(&e.id()) && !banned_nodes.contains(&e.target()) && !banned_nodes.contains(&e.source())
        };
        let filtered = EdgeFiltered::from_fn(&self.graph, allowed);
        let (_, nodes) = astar(&filtered, from, |n| n == to, |e| self.cost[*e.weight()], |_| 0.0)?;
        nodes
            .windows(2)
            .map(|w| {
                self.graph
                    .edges_connecting(w[0], w[1])
                    .filter(|e| allowed(*e))
                    .min_by(|a, b| self.cost[*a.weight()].total_cmp(&self.cost[*b.weight()]))
                    .map(|e| *e.weight())
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn arc(id: &str, from: &str, to: &str, length_m: f64, score: Option<f64>) -> Arc {
        Arc { road_id: id.into(), from_node: from.into(), to_node: to.into(), length_m, free_flow_kmh: 50.0, score }
    }

    fn config() -> RouterConfig {
        RouterConfig { threshold: 0.5, min_gain_min: 0.5, max_alternatives: 3, horizon_min: 30, cycle_seconds: 60 }
    }

    /// A→B directly (R1, 1 km), or A→C→B (1.6 km), or A→D→B (4 km), or A→C→D→B.
    fn diamond(r1_score: f64) -> RoadGraph {
        RoadGraph::build(vec![
            arc("R1", "A", "B", 1000.0, Some(r1_score)),
            arc("R2", "A", "C", 800.0, Some(0.1)),
            arc("R3", "C", "B", 800.0, Some(0.1)),
            arc("R4", "A", "D", 2000.0, Some(0.0)),
            arc("R5", "D", "B", 2000.0, Some(0.0)),
            arc("R6", "C", "D", 300.0, Some(0.0)),
            arc("R7", "B", "A", 1000.0, None),
        ])
    }

    #[test]
    fn best_alternative_avoids_the_congested_arc() {
        let g = diamond(0.9);
        let reroutes = g.reroutes(&config());
        assert!(!reroutes.is_empty());
        let best = &reroutes[0];
        assert_eq!(best.route_id, "R1");
        assert_eq!(best.alt_path, vec!["R2", "R3"]);
        assert_eq!(best.alt_route_id(), "R2>R3");
        // R1 at 50·(1−0.72) = 14 km/h: 1 km in 4.286 min; R2+R3 at 46 km/h: 1.6 km in 2.087 min.
        assert!((best.route_travel_min - 60.0 / 14.0).abs() < 1e-9, "{best:?}");
        assert!((best.alt_travel_min - 1.6 / 46.0 * 60.0).abs() < 1e-9, "{best:?}");
        assert!((best.eta_gain_min - (60.0 / 14.0 - 1.6 / 46.0 * 60.0)).abs() < 1e-9);
        // CO₂: 1 km at 14 km/h (280 g/km) vs 1.6 km at 46 km/h (180 g/km).
        assert!((best.co2_gain_kg - (0.28 - 0.288)).abs() < 1e-9, "{best:?}");
        assert!(best.reason().starts_with("high-congestion: 0.90 on R1, reroute via R2>R3"));
        // Only R1 is above the threshold, and every recommendation avoids it.
        assert!(reroutes.iter().all(|r| r.route_id == "R1" && !r.alt_path.contains(&"R1".to_string())));
    }

    #[test]
    fn alternatives_come_shortest_first_and_loopless() {
        let g = diamond(0.9);
        let paths = g.alternatives(0, 3);
        let ids: Vec<Vec<&str>> = paths.iter().map(|p| p.iter().map(|&i| g.arcs[i].road_id.as_str()).collect()).collect();
        assert_eq!(ids, vec![vec!["R2", "R3"], vec!["R2", "R6", "R5"], vec!["R4", "R5"]]);
        // R2>R6>R5 (3.80 min) gains 0.48 min over 4.29, under the 0.5 minimum, and R4>R5
        // (4.8 min) loses time: one recommendation; two without a minimum.
        assert_eq!(g.reroutes(&config()).len(), 1);
        let any = RouterConfig { min_gain_min: 0.0, ..config() };
        assert_eq!(g.reroutes(&any).len(), 2);
    }

    #[test]
    fn no_alternative() {
        let g = RoadGraph::build(vec![arc("R1", "A", "B", 1000.0, Some(0.95)), arc("R2", "B", "C", 500.0, Some(0.1))]);
        assert!(g.alternatives(0, 3).is_empty());
        assert!(g.reroutes(&config()).is_empty());
    }

    #[test]
    fn gain_too_small() {
        // Moderately congested (0.55: 28 km/h, 2.14 min) vs a 1.6 km detour at 46 km/h (2.09 min).
        let g = diamond(0.55);
        assert!(g.reroutes(&config()).is_empty());
        // With no minimum gain, the detour is recommended.
        let any = RouterConfig { min_gain_min: 0.0, ..config() };
        assert_eq!(g.reroutes(&any).len(), 1);
    }

    #[test]
    fn below_threshold_or_unknown_is_left_alone() {
        let g = diamond(0.5); // strictly above is required, as the seed
        assert!(g.reroutes(&config()).is_empty());
        let unknown = RoadGraph::build(vec![arc("R1", "A", "B", 1000.0, None), arc("R2", "A", "B", 5.0, None)]);
        assert!(unknown.reroutes(&config()).is_empty());
    }

    #[test]
    fn parallel_arcs_take_the_quickest() {
        let g = RoadGraph::build(vec![
            arc("R1", "A", "B", 1000.0, Some(1.0)),
            arc("R2", "A", "B", 1200.0, Some(0.0)),
            arc("R3", "A", "B", 1100.0, Some(0.0)),
        ]);
        let r = g.reroutes(&config());
        assert_eq!(r.iter().map(|r| r.alt_route_id()).collect::<Vec<_>>(), vec!["R3", "R2"]);
    }

    #[test]
    fn bad_arcs_are_left_out() {
        let g = RoadGraph::build(vec![arc("R1", "A", "A", 100.0, None), arc("R2", "A", "B", 0.0, None), arc("R3", "A", "B", 10.0, None)]);
        assert_eq!(g.arc_count(), 1);
    }
}
