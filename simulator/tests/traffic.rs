use chrono::{DateTime, Duration, Utc};
use cityflow_simulator::profile::{demand, is_rush_hour};
use cityflow_simulator::{City, GeneratedTraffic};

fn at(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

/// Mean occupancy of a fresh city (same seed, so the same roads) at `sim`.
fn mean_occupancy(sim: DateTime<Utc>) -> f64 {
    let mut traffic = GeneratedTraffic::new(City::generate(100, 3), 3);
    let readings = traffic.round(sim, Utc::now());
    readings.iter().map(|r| r.occupancy).sum::<f64>() / readings.len() as f64
}

#[test]
fn rush_hour_occupancy_exceeds_night_occupancy_in_paris_time() {
    // Tuesday 2025-03-11, Paris is UTC+1: 08:00 local is 07:00 UTC.
    let morning = mean_occupancy(at("2025-03-11T07:00:00Z"));
    let evening = mean_occupancy(at("2025-03-11T17:00:00Z"));
    let night = mean_occupancy(at("2025-03-11T02:00:00Z"));
    let noon = mean_occupancy(at("2025-03-11T11:00:00Z"));
    assert!(morning > 2.0 * night, "morning {morning} night {night}");
    assert!(evening > 2.0 * night, "evening {evening} night {night}");
    assert!(morning > noon && evening > noon, "rush {morning}/{evening} noon {noon}");
    // Summer time: 18:00 in July is 16:00 UTC.
    assert!(is_rush_hour(at("2025-07-08T16:30:00Z")));
    assert!(!is_rush_hour(at("2025-07-08T18:30:00Z")));
}

#[test]
fn weekends_have_no_rush() {
    let saturday_8h = demand(at("2025-03-15T07:00:00Z"));
    let tuesday_8h = demand(at("2025-03-11T07:00:00Z"));
    assert!(saturday_8h < tuesday_8h / 2.0, "{saturday_8h} vs {tuesday_8h}");
    assert!(!is_rush_hour(at("2025-03-15T07:30:00Z")));
    assert!(is_rush_hour(at("2025-03-11T07:30:00Z")));
}

#[test]
fn readings_are_valid_for_ingest_and_slow_down_with_congestion() {
    let mut traffic = GeneratedTraffic::new(City::generate(50, 9), 9);
    let now = Utc::now();
    for sim in [at("2025-03-11T02:00:00Z"), at("2025-03-11T17:00:00Z"), at("2025-03-15T14:00:00Z")] {
        let readings = traffic.round(sim, now);
        assert_eq!(readings.len(), 50);
        let json = format!("[{}]", readings.iter().map(|r| r.event_json()).collect::<Vec<_>>().join(","));
        let parsed = traffic_model::parse_message(json.as_bytes(), now).expect("ingest accepts what the simulator sends");
        assert_eq!(parsed, readings);
    }
    let free = traffic.reading(0, 0.05, now);
    let jammed = traffic.reading(0, 1.5, now);
    assert!(jammed.speed_kmh < free.speed_kmh / 3.0, "{free:?} {jammed:?}");
    assert!(jammed.occupancy > free.occupancy);
}

#[test]
fn an_incident_congests_its_arc_and_neighbours() {
    let city = City::generate(100, 5);
    let neighbours = city.neighbours(40);
    assert!(!neighbours.is_empty());
    let mut traffic = GeneratedTraffic::new(city, 5);
    let sim = at("2025-03-11T13:00:00Z");
    let calm = traffic.round(sim, Utc::now());
    traffic.start_incident(40, sim);
    let jam = traffic.round(sim + Duration::seconds(1), Utc::now());
    assert!(jam[40].occupancy > calm[40].occupancy + 0.3, "{} → {}", calm[40].occupancy, jam[40].occupancy);
    assert!(jam[40].speed_kmh < calm[40].speed_kmh);
    for n in neighbours {
        assert!(jam[n].occupancy > calm[n].occupancy + 0.1, "neighbour {n}");
    }
    // Incidents end.
    let later = traffic.round(sim + Duration::hours(2), Utc::now());
    assert!(later[40].occupancy < jam[40].occupancy - 0.3);
}
