//! Speed, travel time and emission models.
//!
//! Speed: `free_flow × (1 − 0.8·score)`: an empty road (score 0) runs at free flow, a fully
//! congested one (score 1) at a fifth of it — a linear stand-in for the speed–density curve
//! that keeps travel times finite, so a jammed road stays usable as a last resort.
//!
//! Emissions: the seed dashboard's g/km by speed band (§A4.6), a coarse COPERT-like U curve:
//! stop-and-go below 15 km/h is the worst, 50–80 km/h the best.

/// Free-flow speed for roads whose catalogue entry has none.
pub const DEFAULT_FREE_FLOW_KMH: f64 = 50.0;

/// Share of the free-flow speed lost at score 1.
pub const SPEED_LOSS_AT_FULL_CONGESTION: f64 = 0.8;

pub fn predicted_speed_kmh(free_flow_kmh: f64, score: f64) -> f64 {
    free_flow_kmh * (1.0 - SPEED_LOSS_AT_FULL_CONGESTION * score.clamp(0.0, 1.0))
}

pub fn travel_min(length_m: f64, speed_kmh: f64) -> f64 {
    length_m / 1000.0 / speed_kmh * 60.0
}

/// Grams of CO₂ per km at an average speed.
pub fn co2_g_per_km(speed_kmh: f64) -> f64 {
    match speed_kmh {
        s if s < 15.0 => 280.0,
        s if s < 30.0 => 230.0,
        s if s < 50.0 => 180.0,
        s if s < 80.0 => 150.0,
        _ => 170.0,
    }
}

pub fn co2_kg(length_m: f64, speed_kmh: f64) -> f64 {
    co2_g_per_km(speed_kmh) * length_m / 1000.0 / 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn speed_model() {
        assert_eq!(predicted_speed_kmh(50.0, 0.0), 50.0);
        assert!((predicted_speed_kmh(50.0, 1.0) - 10.0).abs() < 1e-12);
        assert!((predicted_speed_kmh(50.0, 0.5) - 30.0).abs() < 1e-12);
        assert!((travel_min(1000.0, 60.0) - 1.0).abs() < 1e-12);
    }

    #[test]
    fn emission_bands() {
        assert_eq!(co2_g_per_km(10.0), 280.0);
        assert_eq!(co2_g_per_km(15.0), 230.0);
        assert_eq!(co2_g_per_km(30.0), 180.0);
        assert_eq!(co2_g_per_km(50.0), 150.0);
        assert_eq!(co2_g_per_km(90.0), 170.0);
        // The dashboard's example: 10 km at 30 km/h → 1.8 kg.
        assert!((co2_kg(10_000.0, 30.0) - 1.8).abs() < 1e-12);
    }
}
