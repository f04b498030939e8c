//! Bounded property runs of the MQTT reading parser over hostile payloads (PROPTEST_CASES
//! cases each in `make test`, see .cargo/config.toml).

use chrono::{DateTime, Duration, Utc};
use proptest::prelude::*;
use serde_json::{json, Value};

use crate::limits::*;
use crate::parse_message;

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-06-01T08:00:00Z").unwrap().with_timezone(&Utc)
}

/// Any JSON value a forged message could put in a field.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(|f| serde_json::Number::from_f64(f).map(Value::Number).unwrap_or(Value::Null)),
        (-300.0f64..300.0).prop_map(Value::from),
        (0.0f64..1.2).prop_map(Value::from),
        ".{0,80}".prop_map(Value::from),
        Just(Value::from("2026-06-01T07:59:00Z")),
        Just(Value::from("'; DROP TABLE traffic_raw; --")),
        Just(Value::from("<img src=x onerror=alert(1)>")),
    ];
    leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            proptest::collection::hash_map("[a-z_]{1,10}", inner, 0..4).prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn field_name() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "ts", "sensor_id", "road_id", "speed_kmh", "flow_rate", "occupancy", "label", "lat", "lng",
            "from_node", "to_node", "length_m", "free_flow_kmh",
        ])
        .prop_map(str::to_string),
        "[a-z_]{1,12}",
    ]
}

/// Whatever was accepted respects every bound the database and the model rely on.
fn assert_within_bounds(payload: &[u8]) -> Result<(), TestCaseError> {
    if let Ok(readings) = parse_message(payload, now()) {
        prop_assert!(!readings.is_empty() && readings.len() <= MAX_READINGS);
        for r in readings {
            prop_assert!(r.speed_kmh.is_finite() && (0.0..=SPEED_MAX_KMH).contains(&r.speed_kmh));
            prop_assert!(r.flow_rate.is_finite() && (0.0..=FLOW_MAX_VEH_H).contains(&r.flow_rate));
            prop_assert!((0.0..=1.0).contains(&r.occupancy));
            prop_assert!(!r.sensor_id.is_empty() && r.sensor_id.len() <= ID_MAX_LEN);
            prop_assert!(!r.road_id.is_empty() && r.road_id.len() <= ID_MAX_LEN);
            prop_assert!(r.ts <= now() + Duration::seconds(MAX_FUTURE_SECS));
            prop_assert!(r.ts >= now() - Duration::seconds(MAX_AGE_SECS));
            prop_assert_eq!(r.lat.is_some(), r.lng.is_some());
        }
    }
    Ok(())
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
        assert_within_bounds(&bytes)?;
    }

    /// Objects with real and made-up field names and any JSON values.
    #[test]
    fn forged_readings_are_refused_or_within_bounds(fields in proptest::collection::vec((field_name(), json_value()), 0..14)) {
        let object: serde_json::Map<String, Value> = fields.into_iter().collect();
        let payload = Value::Object(object).to_string();
        assert_within_bounds(payload.as_bytes())?;
    }

    /// A valid reading with one field replaced by anything is accepted only if that value is valid.
    #[test]
    fn one_bad_field_rejects_the_whole_batch(field in field_name(), value in json_value(), copies in 1usize..5) {
        let mut reading = json!({"ts": "2026-06-01T07:59:00Z", "sensor_id": "S1", "road_id": "R1",
                                 "speed_kmh": 40.0, "flow_rate": 500.0, "occupancy": 0.2});
        reading[field.as_str()] = value;
        let batch = Value::Array(vec![reading; copies]).to_string();
        assert_within_bounds(batch.as_bytes())?;
        if let Ok(readings) = parse_message(batch.as_bytes(), now()) {
            prop_assert_eq!(readings.len(), copies);
        }
    }
}
