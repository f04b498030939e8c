//! The congestion score of one (averaged) observation, in [0, 1].

/// What a road's own history says is "normal" for it; v3 scales speed and flow by these.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct RoadNorms {
    /// `roads.free_flow_kmh`, when the road catalogue has it.
    pub free_flow_kmh: Option<f64>,
    /// 95th-percentile observed speed over the capacity window (`road_capacity`).
    pub speed_p95_kmh: Option<f64>,
    /// 95th-percentile observed flow over the capacity window: the road's practical capacity.
    pub flow_p95: Option<f64>,
}

/// The seed's normalisation constants (`maxSpeed`, `maxFlow`); also v3's fallback when a
/// road has no free-flow speed or capacity yet.
pub const SEED_MAX_SPEED_KMH: f64 = 90.0;
pub const SEED_MAX_FLOW: f64 = 120.0;

impl RoadNorms {
    /// Speed that means "no congestion": the catalogue's free-flow speed, else the observed
    /// 95th percentile, else the seed's 90 km/h.
    pub fn reference_speed_kmh(&self) -> f64 {
        [self.free_flow_kmh, self.speed_p95_kmh]
            .into_iter()
            .flatten()
            .find(|v| v.is_finite() && *v > 0.0)
            .unwrap_or(SEED_MAX_SPEED_KMH)
    }

    /// Flow that means "at capacity": the observed 95th percentile, else the seed's 120.
    pub fn reference_flow(&self) -> f64 {
        self.flow_p95.filter(|v| v.is_finite() && *v > 0.0).unwrap_or(SEED_MAX_FLOW)
    }
}

pub fn clamp01(v: f64) -> f64 {
    if v.is_nan() {
        0.0
    } else {
        v.clamp(0.0, 1.0)
    }
}

/// Seed formula (§A4.3 step 3): `clamp01(0.4·(1 − speed/90) + 0.4·occupancy + 0.2·flow/120)`,
/// the terms unclamped, only the sum.
pub fn seed_score(speed_kmh: f64, occupancy: f64, flow_rate: f64) -> f64 {
    clamp01(0.4 * (1.0 - speed_kmh / SEED_MAX_SPEED_KMH) + 0.4 * occupancy + 0.2 * (flow_rate / SEED_MAX_FLOW))
}

/// v3: the same weights, speed relative to the road's free-flow speed and flow relative to its
/// capacity, each term clamped to [0, 1] so one wild term cannot mask the others (a 200 km/h
/// glitch no longer cancels a full occupancy).
pub fn road_score(speed_kmh: f64, occupancy: f64, flow_rate: f64, norms: &RoadNorms) -> f64 {
    let slowness = 1.0 - clamp01(speed_kmh / norms.reference_speed_kmh());
    let load = clamp01(flow_rate / norms.reference_flow());
    clamp01(0.4 * slowness + 0.4 * clamp01(occupancy) + 0.2 * load)
}

#[cfg(test)]
mod tests {
    use super::*;

    // The seed's TestComputeCongestionScore, …Clamped and …Weights.
    #[test]
    fn seed_ranges() {
        let s = seed_score(80.0, 0.1, 20.0);
        assert!((0.0..=0.15).contains(&s), "{s}");
        let s = seed_score(10.0, 0.9, 100.0);
        assert!((0.85..=1.0).contains(&s), "{s}");
        let s = seed_score(45.0, 0.5, 60.0);
        assert!((0.3..=0.6).contains(&s), "{s}");
        assert!((seed_score(0.0, 0.0, 0.0) - 0.4).abs() < 1e-12);
        assert!(seed_score(90.0, 0.0, 0.0) <= 0.01);
    }

    #[test]
    fn seed_clamped() {
        assert!(seed_score(0.0, 1.5, 200.0) <= 1.0);
        assert!(seed_score(200.0, 0.0, 0.0) >= 0.0);
    }

    #[test]
    fn seed_weights() {
        assert!((seed_score(45.0, 0.5, 60.0) - 0.5).abs() < 0.001);
    }

    #[test]
    fn v3_scales_by_the_road() {
        // A 30 km/h street at 30 km/h with its usual flow is not congested…
        let street = RoadNorms { free_flow_kmh: Some(30.0), speed_p95_kmh: None, flow_p95: Some(600.0) };
        assert!(road_score(30.0, 0.05, 300.0, &street) < 0.2);
        // …while the seed calls it congested (slow against 90 km/h, flow far above 120).
        assert!(seed_score(30.0, 0.05, 300.0) > 0.5);
        // A motorway at 30 km/h is.
        let motorway = RoadNorms { free_flow_kmh: Some(110.0), speed_p95_kmh: None, flow_p95: Some(4000.0) };
        assert!(road_score(30.0, 0.6, 3800.0, &motorway) > 0.7);
    }

    #[test]
    fn v3_terms_are_clamped_each() {
        let norms = RoadNorms::default();
        // Speed far above the reference does not subtract from a full occupancy.
        assert!((road_score(250.0, 1.0, 0.0, &norms) - 0.4).abs() < 1e-12);
        assert_eq!(road_score(0.0, 1.0, 1e6, &norms), 1.0);
    }

    #[test]
    fn v3_reference_fallbacks() {
        let only_p95 = RoadNorms { free_flow_kmh: None, speed_p95_kmh: Some(70.0), flow_p95: None };
        assert_eq!(only_p95.reference_speed_kmh(), 70.0);
        assert_eq!(only_p95.reference_flow(), SEED_MAX_FLOW);
        assert_eq!(RoadNorms::default().reference_speed_kmh(), SEED_MAX_SPEED_KMH);
    }
}
