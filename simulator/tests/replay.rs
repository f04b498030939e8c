use std::path::PathBuf;

use chrono::{DateTime, Utc};
use cityflow_simulator::replay::speed_from_occupancy_pct;
use cityflow_simulator::load_replay;

fn write(name: &str, text: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("cityflow-replay-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

const HEADER: &str = "Identifiant arc;Libelle;Date et heure de comptage;Débit horaire;Taux d'occupation;Etat trafic;Identifiant noeud amont;Libelle noeud amont;Identifiant noeud aval;Libelle noeud aval;Etat arc;Date debut dispo data;Date fin dispo data;geo_point_2d;geo_shape";

#[test]
fn the_seed_speed_model() {
    assert_eq!(speed_from_occupancy_pct(Some(6.0)), 40.0);
    assert_eq!(speed_from_occupancy_pct(Some(15.0)), 25.0);
    assert_eq!(speed_from_occupancy_pct(Some(27.0)), 5.0);
    assert_eq!(speed_from_occupancy_pct(Some(80.0)), 5.0);
    assert_eq!(speed_from_occupancy_pct(Some(0.0)), 50.0);
    assert_eq!(speed_from_occupancy_pct(None), 50.0);
}

#[test]
fn a_csv_export_converts_exactly() {
    let csv = format!(
        "\u{feff}{HEADER}\n\
4264;AV_Champs_Elysees;2024-01-04T18:00:00+01:00;1137.0;35.08167;Saturé;2294;Av_Champs_Elysees-Washington;2293;Av_Champs_Elysees-Berri;Invalide;1996-10-10;2023-01-01;48.87153587897717, 2.3017227924560615;\"{{\"\"type\"\": \"\"LineString\"\", \"\"coordinates\"\": [[2.30, 48.87]; [2.31, 48.87]]}}\"\n\
376;St_Antoine;2024-01-04 16:00:00+00:00;612.5;6;Fluide;1;A;2;B;Ouvert;2000-01-01;2023-01-01;48.853,2.369;\n\
5672;Convention;2024-01-04T17:00:00+01:00;;;Inconnu;3;C;4;D;Ouvert;2000-01-01;2023-01-01;48.84, 2.29;\n"
    );
    let replay = load_replay(&write("export.csv", &csv)).unwrap();
    assert_eq!(replay.records.len(), 2);
    assert_eq!(replay.skipped, 1, "the Inconnu row has no q/k");
    // Sorted by counting time: St_Antoine 16:00Z comes before Champs-Élysées 17:00Z.
    let ts: DateTime<Utc> = "2026-01-01T00:00:00Z".parse().unwrap();
    let st_antoine = replay.records[0].reading(ts);
    let champs = replay.records[1].reading(ts);
    assert_eq!(replay.records[1].counted_at, "2024-01-04T17:00:00Z".parse::<DateTime<Utc>>().unwrap());

    // The seed's representative row: speed 5 (k ≥ 27), occupancy 0.351, flow 1137.
    assert_eq!(champs.sensor_id, "PARIS-4264");
    assert_eq!(champs.road_id, "PARIS-4264");
    assert_eq!(champs.label.as_deref(), Some("AV Champs Elysees"));
    assert_eq!((champs.flow_rate, champs.occupancy, champs.speed_kmh), (1137.0, 0.351, 5.0));
    assert_eq!((champs.lat, champs.lng), (Some(48.87153587897717), Some(2.3017227924560615)));
    assert_eq!((champs.from_node.as_deref(), champs.to_node.as_deref()), (Some("PARIS-N2294"), Some("PARIS-N2293")));
    assert_eq!(champs.ts, ts);

    assert_eq!((st_antoine.flow_rate, st_antoine.occupancy, st_antoine.speed_kmh), (612.5, 0.06, 40.0));
    assert_eq!((st_antoine.lat, st_antoine.lng), (Some(48.853), Some(2.369)));
    assert_eq!(st_antoine.label.as_deref(), Some("St Antoine"));
}

#[test]
fn an_api_json_export_converts_exactly() {
    let json = r#"{"total_count": 3, "results": [
        {"iu_ac": "6462", "libelle": "Av_Flandre", "t_1h": "2026-07-17T22:00:00+00:00", "q": 420.0, "k": 15.0,
         "etat_trafic": "Fluide", "iu_nd_amont": "3211", "iu_nd_aval": 3212,
         "geo_point_2d": {"lon": 2.3795, "lat": 48.8926}},
        {"iu_ac": 6463, "libelle": "Av_Flandre", "t_1h": "2026-07-17T21:00:00+00:00", "q": 100, "k": null,
         "geo_point_2d": {"lon": 2.38, "lat": 48.89}},
        {"iu_ac": 6464, "libelle": "Quai_de_Seine", "t_1h": "2026-07-17T21:00:00+00:00", "q": 80.4, "k": 0.0}
    ]}"#;
    let replay = load_replay(&write("export.json", json)).unwrap();
    assert_eq!((replay.records.len(), replay.skipped), (2, 1));
    let ts: DateTime<Utc> = "2026-07-17T22:00:00Z".parse().unwrap();
    let quai = replay.records[0].reading(ts);
    assert_eq!(quai.sensor_id, "PARIS-6464");
    assert_eq!((quai.flow_rate, quai.occupancy, quai.speed_kmh), (80.4, 0.0, 50.0));
    assert_eq!((quai.lat, quai.lng), (None, None));
    let flandre = replay.records[1].reading(ts);
    assert_eq!(flandre.sensor_id, "PARIS-6462");
    assert_eq!((flandre.flow_rate, flandre.occupancy, flandre.speed_kmh), (420.0, 0.15, 25.0));
    assert_eq!((flandre.lat, flandre.lng), (Some(48.8926), Some(2.3795)));
    assert_eq!((flandre.from_node.as_deref(), flandre.to_node.as_deref()), (Some("PARIS-N3211"), Some("PARIS-N3212")));
    // What replay publishes is what ingest accepts.
    let payload = format!("[{},{}]", quai.event_json(), flandre.event_json());
    assert_eq!(traffic_model::parse_message(payload.as_bytes(), ts).unwrap(), vec![quai, flandre]);
}

#[test]
fn unusable_exports_are_refused_with_a_reason() {
    let err = load_replay(&write("wrong.csv", "a;b;c\n1;2;3\n")).unwrap_err();
    assert!(format!("{err:#}").contains("Identifiant arc"), "{err:#}");
    let err = load_replay(&write("empty.json", r#"{"results": []}"#)).unwrap_err();
    assert!(format!("{err:#}").contains("no usable record"), "{err:#}");
    assert!(load_replay(&write("nothing.csv", "")).is_err());
}
