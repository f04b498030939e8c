use chrono::{DateTime, Utc};
use serde_json::json;
use traffic_model::{ingest_parameters, parse_message, road_rows, sql, PARAMETER_COUNT};

fn now() -> DateTime<Utc> {
    "2025-01-15T10:35:00Z".parse().unwrap()
}

#[test]
fn one_statement_with_a_fixed_number_of_parameters() {
    let highest = sql::INGEST
        .split('$')
        .skip(1)
        .filter_map(|rest| rest.chars().take_while(char::is_ascii_digit).collect::<String>().parse::<usize>().ok())
        .max();
    assert_eq!(highest, Some(PARAMETER_COUNT));
    assert!(sql::INGEST.contains("ON CONFLICT (ts, sensor_id) DO NOTHING"));
    assert_eq!(sql::INGEST.matches(';').count(), 0, "a single statement");
}

#[test]
fn columns_line_up_and_roads_are_merged_per_road() {
    let payload = json!([
        {"ts":"2025-01-15T10:30:00Z","sensor_id":"S1","road_id":"R1","speed_kmh":30,"flow_rate":500.5,"occupancy":0.25,
         "label":"Rue A","lat":48.85,"lng":2.35,"from_node":"N1","to_node":"N2"},
        {"ts":"2025-01-15T10:31:00Z","sensor_id":"S2","road_id":"R0","speed_kmh":0,"flow_rate":0,"occupancy":1},
        {"ts":"2025-01-15T10:29:00Z","sensor_id":"S3","road_id":"R1","speed_kmh":40,"flow_rate":10,"occupancy":0.1,
         "label":"Rue A (old)","length_m":250}
    ]);
    let readings = parse_message(payload.to_string().as_bytes(), now()).unwrap();
    let p = ingest_parameters(&readings);
    for column in &p[..6] {
        assert_eq!(column.len(), 3);
    }
    let s = |v: &str| Some(v.to_string());
    assert_eq!(p[0], vec![s("2025-01-15T10:30:00Z"), s("2025-01-15T10:31:00Z"), s("2025-01-15T10:29:00Z")]);
    assert_eq!(p[3], vec![s("30"), s("0"), s("40")]);
    assert_eq!(p[4], vec![s("500.5"), s("0"), s("10")]);
    assert_eq!(p[5], vec![s("0.25"), s("1"), s("0.1")]);
    // Roads: sorted by id, one row each; the later reading's label wins, and a field only
    // an older reading gave (length) is kept.
    assert_eq!(p[6], vec![s("R0"), s("R1")]);
    assert_eq!(p[7], vec![None, s("Rue A")]);
    assert_eq!((p[8].clone(), p[9].clone()), (vec![None, s("48.85")], vec![None, s("2.35")]));
    assert_eq!((p[10].clone(), p[11].clone()), (vec![None, s("N1")], vec![None, s("N2")]));
    assert_eq!(p[12], vec![None, s("250")]);
    assert_eq!(p[13], vec![None, None]);
    assert_eq!(road_rows(&readings).len(), 2);
}
