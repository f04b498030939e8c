use chrono::{DateTime, Duration, Utc};
use serde_json::{json, Value};
use traffic_model::{parse_message, Rejection, MAX_READINGS};

fn now() -> DateTime<Utc> {
    "2025-01-15T10:35:00Z".parse().unwrap()
}

fn valid() -> Value {
    json!({"ts":"2025-01-15T10:30:00.123Z","sensor_id":"PARIS-4264","road_id":"PARIS-4264",
           "speed_kmh":11.9,"flow_rate":1034.0,"occupancy":0.229,"label":"AV Champs Elysees",
           "lat":48.8715,"lng":2.3017})
}

fn parse(v: &Value) -> Result<Vec<traffic_model::Reading>, Rejection> {
    parse_message(v.to_string().as_bytes(), now())
}

fn with(field: &str, value: Value) -> Value {
    let mut v = valid();
    v[field] = value;
    v
}

fn without(field: &str) -> Value {
    let mut v = valid();
    v.as_object_mut().unwrap().remove(field);
    v
}

#[track_caller]
fn rejected(v: &Value, index: Option<usize>, field: Option<&str>) -> Rejection {
    let err = parse(v).expect_err("should be rejected");
    assert_eq!(err.index, index, "{err}");
    assert_eq!(err.field, field, "{err}");
    assert!(!err.reason.is_empty());
    err
}

#[test]
fn the_seed_example_parses_exactly() {
    let readings = parse(&valid()).unwrap();
    assert_eq!(readings.len(), 1);
    let r = &readings[0];
    assert_eq!(r.ts, "2025-01-15T10:30:00.123Z".parse::<DateTime<Utc>>().unwrap());
    assert_eq!((r.sensor_id.as_str(), r.road_id.as_str()), ("PARIS-4264", "PARIS-4264"));
    assert_eq!((r.speed_kmh, r.flow_rate, r.occupancy), (11.9, 1034.0, 0.229));
    assert_eq!(r.label.as_deref(), Some("AV Champs Elysees"));
    assert_eq!((r.lat, r.lng), (Some(48.8715), Some(2.3017)));
    assert_eq!((r.from_node.clone(), r.to_node.clone(), r.length_m), (None, None, None));
}

#[test]
fn offsets_are_normalised_to_utc_and_the_event_is_the_validated_reading() {
    let v = with("ts", json!("2025-01-15T11:30:00.5+01:00"));
    let mut v = v;
    v["label"] = json!("  Av. <b>Foch</b>  ");
    v["from_node"] = json!("N1");
    v["to_node"] = json!("N2");
    v["length_m"] = json!(420);
    v["lat"] = Value::Null;
    v["lng"] = Value::Null;
    let r = &parse(&v).unwrap()[0];
    assert_eq!(r.ts_text(), "2025-01-15T10:30:00.500Z");
    let event: Value = serde_json::from_str(&r.event_json()).unwrap();
    assert_eq!(
        event,
        json!({"ts":"2025-01-15T10:30:00.500Z","sensor_id":"PARIS-4264","road_id":"PARIS-4264",
               "speed_kmh":11.9,"flow_rate":1034.0,"occupancy":0.229,"label":"Av. <b>Foch</b>",
               "from_node":"N1","to_node":"N2","length_m":420.0})
    );
}

#[test]
fn an_array_is_a_batch() {
    let mut second = valid();
    second["sensor_id"] = json!("S-2");
    let readings = parse(&json!([valid(), second])).unwrap();
    assert_eq!(readings.iter().map(|r| r.sensor_id.as_str()).collect::<Vec<_>>(), ["PARIS-4264", "S-2"]);
}

#[test]
fn one_bad_reading_rejects_the_batch_and_names_it() {
    let batch = json!([valid(), valid(), with("occupancy", json!(1.5))]);
    let err = rejected(&batch, Some(2), Some("occupancy"));
    assert!(err.to_string().starts_with("reading 2, field occupancy:"), "{err}");
    assert_eq!(err.readings, 3, "the whole batch is rejected");
}

#[test]
fn malformed_messages() {
    for (payload, needle) in [
        ("", "not valid JSON"),
        ("{\"ts\":", "not valid JSON"),
        ("[]", "empty array"),
        ("42", "not a number"),
        ("\"x\"", "not a string"),
    ] {
        let err = parse_message(payload.as_bytes(), now()).expect_err(payload);
        assert_eq!(err.index, None);
        assert!(err.reason.contains(needle) || err.reason.ends_with(needle.trim_start_matches("not ")), "{payload}: {err}");
    }
    // What the readings_rejected counter adds: a batch's length, else 1 (0 for an empty batch).
    for (payload, readings) in [("", 1), ("{\"ts\":", 1), ("[]", 0), ("42", 1), ("{}", 1), ("[1, 2]", 2)] {
        assert_eq!(parse_message(payload.as_bytes(), now()).unwrap_err().readings, readings, "{payload}");
    }
    let too_many = Value::Array(vec![valid(); MAX_READINGS + 1]);
    let err = parse(&too_many).unwrap_err();
    assert!(err.reason.contains("exceeds"));
    assert_eq!(err.readings, MAX_READINGS + 1);
    assert_eq!(parse(&Value::Array(vec![valid(); MAX_READINGS])).unwrap().len(), MAX_READINGS);
    rejected(&json!([valid(), 3]), Some(1), None);
}

#[test]
fn unknown_fields_are_refused() {
    let err = rejected(&with("speed", json!(3)), Some(0), None);
    assert!(err.reason.contains("\"speed\""));
}

#[test]
fn required_fields() {
    for field in ["ts", "sensor_id", "road_id", "speed_kmh", "flow_rate", "occupancy"] {
        rejected(&without(field), Some(0), Some(field));
        rejected(&with(field, Value::Null), Some(0), Some(field));
    }
}

#[test]
fn timestamps_are_never_replaced() {
    for bad in [json!("yesterday"), json!("2025-01-15 10:30:00"), json!("2025-01-15T10:30:00"), json!(1736937000), json!("")] {
        rejected(&with("ts", bad), Some(0), Some("ts"));
    }
    let at = |d: Duration| json!((now() + d).to_rfc3339());
    rejected(&with("ts", at(Duration::minutes(6))), Some(0), Some("ts"));
    assert!(parse(&with("ts", at(Duration::minutes(4)))).is_ok());
    rejected(&with("ts", at(-Duration::days(31))), Some(0), Some("ts"));
    assert!(parse(&with("ts", at(-Duration::days(29)))).is_ok());
}

#[test]
fn ids_have_a_length_and_charset() {
    for field in ["sensor_id", "road_id", "from_node", "to_node"] {
        for bad in [json!(""), json!("a b"), json!("x/y"), json!("é"), json!("a".repeat(65)), json!(12)] {
            rejected(&with(field, bad), Some(0), Some(field));
        }
    }
    let mut ok = with("sensor_id", json!("a".repeat(64)));
    ok["from_node"] = json!("nd:12_3.4-5");
    assert!(parse(&ok).is_ok());
    let mut loop_arc = with("from_node", json!("N1"));
    loop_arc["to_node"] = json!("N1");
    rejected(&loop_arc, Some(0), Some("to_node"));
}

#[test]
fn numbers_must_be_physical() {
    for (field, bad) in [
        ("speed_kmh", json!(-0.1)),
        ("speed_kmh", json!(250.1)),
        ("speed_kmh", json!("42")),
        ("occupancy", json!(-0.01)),
        ("occupancy", json!(1.01)),
        ("flow_rate", json!(-1)),
        ("flow_rate", json!(20_001)),
        ("flow_rate", json!(true)),
        ("lat", json!(90.5)),
        ("lng", json!(-180.5)),
        ("length_m", json!(0)),
        ("free_flow_kmh", json!(-5)),
    ] {
        rejected(&with(field, bad), Some(0), Some(field));
    }
    for (field, edge) in [("speed_kmh", 0.0), ("speed_kmh", 250.0), ("occupancy", 0.0), ("occupancy", 1.0), ("flow_rate", 0.0)] {
        assert!(parse(&with(field, json!(edge))).is_ok(), "{field}={edge}");
    }
    // serde_json refuses numbers beyond f64 (no Infinity sneaks in).
    let huge = valid().to_string().replace("1034.0", "1e400");
    assert!(parse_message(huge.as_bytes(), now()).is_err());
}

#[test]
fn positions_come_in_pairs_and_not_at_null_island() {
    rejected(&without("lng"), Some(0), Some("lng"));
    rejected(&without("lat"), Some(0), Some("lat"));
    let mut zero = with("lat", json!(0));
    zero["lng"] = json!(0.0);
    rejected(&zero, Some(0), Some("lat"));
    let mut none = without("lat");
    none.as_object_mut().unwrap().remove("lng");
    assert_eq!(parse(&none).unwrap()[0].lat, None);
}

#[test]
fn labels_are_trimmed_bounded_and_printable() {
    rejected(&with("label", json!("   ")), Some(0), Some("label"));
    rejected(&with("label", json!("x".repeat(201))), Some(0), Some("label"));
    rejected(&with("label", json!("a\u{0}b")), Some(0), Some("label"));
    rejected(&with("label", json!(5)), Some(0), Some("label"));
    assert_eq!(parse(&with("label", json!("Bd Périphérique"))).unwrap()[0].label.as_deref(), Some("Bd Périphérique"));
}
