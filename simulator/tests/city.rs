use cityflow_simulator::city::{haversine_m, CENTRE};
use cityflow_simulator::City;

#[test]
fn the_generated_city_is_strongly_connected_for_every_size() {
    for arcs in (2..=60).chain([99, 100, 101, 500, 1001]) {
        let city = City::generate(arcs, arcs as u64);
        assert_eq!(city.arcs.len(), arcs);
        assert!(city.is_strongly_connected(), "{arcs} arcs");
    }
    let single = City::generate(1, 7);
    assert_eq!(single.arcs.len(), 1);
    assert!(single.is_weakly_connected());
}

#[test]
fn arcs_are_real_roads_around_paris() {
    let city = City::generate(200, 42);
    let mut ids: Vec<&str> = city.arcs.iter().map(|a| a.id.as_str()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 200, "unique road ids");
    for arc in &city.arcs {
        assert_ne!(arc.from, arc.to);
        let (a, b) = (&city.nodes[arc.from], &city.nodes[arc.to]);
        let straight = haversine_m((a.lat, a.lng), (b.lat, b.lng));
        assert!(arc.length_m >= straight && arc.length_m < 3_000.0, "{arc:?}");
        assert!(haversine_m(CENTRE, (arc.lat, arc.lng)) < 12_000.0, "{arc:?}");
        assert!([30.0, 50.0, 70.0].contains(&arc.free_flow_kmh));
        assert!(!arc.label.is_empty());
    }
    // Reproducible from the seed, different across seeds.
    assert_eq!(City::generate(200, 42).arcs, city.arcs);
    assert_ne!(City::generate(200, 43).arcs, city.arcs);
}

#[test]
fn a_hand_made_disconnected_graph_is_detected() {
    let mut city = City::generate(8, 1);
    assert!(city.is_strongly_connected());
    // Cut every arc leaving the centre: still weakly connected, no longer strongly.
    city.arcs.retain(|a| a.from != 0);
    assert!(city.is_weakly_connected());
    assert!(!city.is_strongly_connected());
}
