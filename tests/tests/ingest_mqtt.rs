//! End-to-end tests of the ingest component: the repository's spin.toml (MQTT trigger on
//! `cityflow/traffic/#`, QoS 1) on the real runtime, Mosquitto, Postgres and Redis.
//!
//! Every running app subscribes to `cityflow/traffic/#`, so parallel tests receive each
//! other's messages too: each test tags its sensor ids and counts only its own rows (each
//! app has its own database), and isolates Redis with its own `redis_prefix`.

use std::time::{Duration, Instant};

use chrono::{SecondsFormat, Utc};
use futures_util::StreamExt;
use cityflow_tests::{redis_url, unique_name, App};
use redis::AsyncCommands;
use rumqttc::{AsyncClient, MqttOptions, QoS};
use serde_json::{json, Value};

struct Ingest {
    app: App,
    mqtt: AsyncClient,
    /// Prefix of this test's sensor and road ids.
    tag: String,
    redis_prefix: String,
}

impl Ingest {
    async fn start() -> Ingest {
        let redis_prefix = format!("{}:", unique_name("ingest"));
        let app = App::builder().env("SPIN_VARIABLE_REDIS_PREFIX", &redis_prefix).start().await;
        let tag = unique_name("T");
        let mut options = MqttOptions::new(unique_name("ingest-test"), "127.0.0.1", 1883);
        options.set_keep_alive(Duration::from_secs(10)).set_max_packet_size(4 << 20, 4 << 20);
        let (mqtt, mut eventloop) = AsyncClient::new(options, 1024);
        tokio::spawn(async move { while eventloop.poll().await.is_ok() {} });
        let ingest = Ingest { app, mqtt, tag, redis_prefix };
        ingest.until_subscribed().await;
        ingest
    }

    /// The app subscribes after it prints its address: publish markers until one is stored.
    async fn until_subscribed(&self) {
        let started = Instant::now();
        for i in 0.. {
            let sensor = format!("{}-ready{i}", self.tag);
            self.publish(&sensor, reading(&sensor, &sensor).to_string()).await;
            if self.wait_rows(&format!("{}-ready%", self.tag), 1, Duration::from_millis(500)).await >= 1 {
                return;
            }
            assert!(started.elapsed() < Duration::from_secs(30), "the MQTT trigger never stored a reading:\n{}", self.app.logs());
        }
    }

    async fn publish(&self, topic_id: &str, payload: String) {
        self.mqtt.publish(format!("cityflow/traffic/{topic_id}"), QoS::AtLeastOnce, false, payload).await.expect("publish");
    }

    /// Rows of `traffic_raw` whose sensor or road id is LIKE `pattern`.
    async fn rows(&self, pattern: &str) -> i64 {
        self.app
            .db()
            .await
            .query_one("SELECT count(*) FROM traffic_raw WHERE sensor_id LIKE $1 OR road_id LIKE $1", &[&pattern])
            .await
            .expect("count rows")
            .get(0)
    }

    async fn wait_rows(&self, pattern: &str, want: i64, within: Duration) -> i64 {
        let started = Instant::now();
        loop {
            let n = self.rows(pattern).await;
            if n >= want || started.elapsed() > within {
                return n;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    async fn cleanup_redis(&self) {
        let mut conn = redis::Client::open(redis_url()).unwrap().get_multiplexed_async_connection().await.unwrap();
        let keys: Vec<String> = conn.keys(format!("{}*", self.redis_prefix)).await.unwrap();
        if !keys.is_empty() {
            let _: i64 = conn.del(keys).await.unwrap();
        }
    }
}

fn now_text() -> String {
    Utc::now().to_rfc3339_opts(SecondsFormat::Millis, true)
}

fn reading(sensor: &str, road: &str) -> Value {
    json!({"ts": now_text(), "sensor_id": sensor, "road_id": road, "speed_kmh": 42.5, "flow_rate": 620.0, "occupancy": 0.31})
}

#[tokio::test]
async fn a_reading_lands_in_traffic_raw_and_roads_and_on_redis() {
    let t = Ingest::start().await;
    let client = redis::Client::open(redis_url()).unwrap();
    let mut pubsub = client.get_async_pubsub().await.unwrap();
    pubsub.subscribe(format!("{}live", t.redis_prefix)).await.unwrap();

    let sensor = format!("{}-s1", t.tag);
    let road = format!("{}-r1", t.tag);
    let local_ts = (Utc::now() - chrono::Duration::seconds(30)).with_timezone(&chrono::FixedOffset::east_opt(3600).unwrap());
    let sent = json!({"ts": local_ts.to_rfc3339_opts(SecondsFormat::Millis, false), "sensor_id": sensor, "road_id": road,
                      "speed_kmh": 11.9, "flow_rate": 1034.0, "occupancy": 0.229, "label": "  AV Champs Elysees ",
                      "lat": 48.8715, "lng": 2.3017, "from_node": "N2294", "to_node": "N2293", "extra": null});
    // `extra: null` is an unknown field: first prove that is refused, then send it clean.
    t.publish(&sensor, sent.to_string()).await;
    let mut clean = sent.clone();
    clean.as_object_mut().unwrap().remove("extra");
    t.publish(&sensor, clean.to_string()).await;
    assert_eq!(t.wait_rows(&sensor, 1, Duration::from_secs(20)).await, 1, "{}", t.app.logs());

    let db = t.app.db().await;
    let row = db
        .query_one(
            "SELECT to_char(ts AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'), road_id, speed_kmh, flow_rate, occupancy \
             FROM traffic_raw WHERE sensor_id = $1",
            &[&sensor],
        )
        .await
        .unwrap();
    let utc_ts = local_ts.with_timezone(&Utc).to_rfc3339_opts(SecondsFormat::Millis, true);
    assert_eq!(row.get::<_, String>(0), utc_ts);
    assert_eq!(row.get::<_, String>(1), road);
    assert_eq!((row.get::<_, f64>(2), row.get::<_, f64>(3), row.get::<_, f64>(4)), (11.9, 1034.0, 0.229));

    let road_row = db
        .query_one("SELECT label, lat, lng, from_node, to_node FROM roads WHERE road_id = $1", &[&road])
        .await
        .unwrap();
    assert_eq!(road_row.get::<_, String>(0), "AV Champs Elysees");
    assert_eq!((road_row.get::<_, Option<f64>>(1), road_row.get::<_, Option<f64>>(2)), (Some(48.8715), Some(2.3017)));
    assert_eq!((road_row.get::<_, Option<String>>(3).as_deref(), road_row.get::<_, Option<String>>(4).as_deref()), (Some("N2294"), Some("N2293")));

    // The live event is the validated reading re-serialised: UTC time, trimmed label.
    let expected = json!({"ts": utc_ts, "sensor_id": sensor, "road_id": road, "speed_kmh": 11.9, "flow_rate": 1034.0,
                          "occupancy": 0.229, "label": "AV Champs Elysees", "lat": 48.8715, "lng": 2.3017,
                          "from_node": "N2294", "to_node": "N2293"});
    let mut stream = pubsub.on_message();
    let event = tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            let msg: String = stream.next().await.expect("pubsub open").get_payload().unwrap();
            let v: Value = serde_json::from_str(&msg).unwrap();
            if v["sensor_id"] == sensor {
                return v;
            }
        }
    })
    .await
    .expect("live event on the prefixed channel");
    assert_eq!(event, expected);
    drop(stream);

    let mut conn = client.get_multiplexed_async_connection().await.unwrap();
    // XRANGE: [(id, [field, value, ...]), ...]
    let entries: Vec<(String, Vec<String>)> =
        redis::cmd("XRANGE").arg(format!("{}stream:traffic", t.redis_prefix)).arg("-").arg("+").query_async(&mut conn).await.unwrap();
    let ours: Vec<Value> = entries
        .iter()
        .map(|(_, fields)| {
            assert_eq!(fields[0], "data", "{fields:?}");
            serde_json::from_str::<Value>(&fields[1]).unwrap()
        })
        .filter(|v| v["sensor_id"] == sensor)
        .collect();
    assert_eq!(ours, vec![expected]);

    // A later reading without a label or position never erases them.
    let mut bare = reading(&sensor, &road);
    bare["ts"] = json!(now_text());
    t.publish(&sensor, bare.to_string()).await;
    assert_eq!(t.wait_rows(&sensor, 2, Duration::from_secs(20)).await, 2);
    let road_row = db.query_one("SELECT label, lat FROM roads WHERE road_id = $1", &[&road]).await.unwrap();
    assert_eq!((road_row.get::<_, String>(0), road_row.get::<_, Option<f64>>(1)), ("AV Champs Elysees".to_string(), Some(48.8715)));

    assert!(t.app.wait_for_log("unknown field \"extra\"", Duration::from_secs(5)).await, "the refused first message is logged:\n{}", t.app.logs());
    t.cleanup_redis().await;
}

#[tokio::test]
async fn an_array_of_500_readings_lands_as_500_rows_and_a_redelivery_adds_none() {
    let t = Ingest::start().await;
    let tag = &t.tag;
    let batch: Vec<Value> = (0..500)
        .map(|i| {
            let mut r = reading(&format!("{tag}-b{i:03}"), &format!("{tag}-road{:02}", i % 50));
            r["label"] = json!(format!("Rue {}", i % 50));
            r
        })
        .collect();
    let payload = Value::Array(batch).to_string();
    t.publish(&format!("{tag}-gateway"), payload.clone()).await;
    assert_eq!(t.wait_rows(&format!("{tag}-b%"), 500, Duration::from_secs(30)).await, 500, "{}", t.app.logs());
    let db = t.app.db().await;
    let roads: i64 = db
        .query_one("SELECT count(*) FROM roads WHERE road_id LIKE $1", &[&format!("{tag}-road%")])
        .await
        .unwrap()
        .get(0);
    assert_eq!(roads, 50);

    // The same message again (as after a crash before the acknowledgement): all duplicates.
    t.publish(&format!("{tag}-gateway"), payload).await;
    let sentinel = format!("{tag}-after");
    t.publish(&format!("{tag}-gateway"), reading(&sentinel, &sentinel).to_string()).await;
    assert_eq!(t.wait_rows(&sentinel, 1, Duration::from_secs(30)).await, 1);
    assert_eq!(t.rows(&format!("{tag}-b%")).await, 500);
    assert!(t.app.wait_for_log("0 readings stored, 500 duplicates ignored", Duration::from_secs(5)).await, "{}", t.app.logs());
    t.cleanup_redis().await;
}

#[tokio::test]
async fn each_kind_of_invalid_reading_is_rejected_and_nothing_is_stored() {
    let t = Ingest::start().await;
    let tag = t.tag.clone();
    let bad = |i: usize| format!("{tag}-bad{i:02}");
    let future = (Utc::now() + chrono::Duration::hours(1)).to_rfc3339();
    let ancient = (Utc::now() - chrono::Duration::days(400)).to_rfc3339();
    // (what is wrong, payload, what the logged reason names)
    let with = |i: usize, field: &str, value: Value| {
        let mut r = reading(&bad(i), &bad(i));
        r[field] = value;
        r.to_string()
    };
    let without = |i: usize, field: &str| {
        let mut r = reading(&bad(i), &bad(i));
        r.as_object_mut().unwrap().remove(field);
        r.to_string()
    };
    let cases: Vec<(&str, String, &str)> = vec![
        ("not JSON", format!("{{\"sensor_id\": \"{}\", ", bad(0)), "not valid JSON"),
        ("missing occupancy", without(1, "occupancy"), "field occupancy: is required"),
        ("occupancy above 1", with(2, "occupancy", json!(1.5)), "field occupancy"),
        ("negative speed", with(3, "speed_kmh", json!(-3)), "field speed_kmh"),
        ("speed above 250", with(4, "speed_kmh", json!(300)), "field speed_kmh"),
        ("negative flow", with(5, "flow_rate", json!(-1)), "field flow_rate"),
        ("absurd flow", with(6, "flow_rate", json!(1e9)), "field flow_rate"),
        ("number as text", with(7, "speed_kmh", json!("42")), "field speed_kmh: must be a number"),
        ("unparseable ts", with(8, "ts", json!("yesterday")), "field ts"),
        ("ts without offset", with(9, "ts", json!("2025-01-15T10:30:00")), "field ts"),
        ("ts in the future", with(10, "ts", json!(future)), "ahead of the receiver's clock"),
        ("ts absurdly old", with(11, "ts", json!(ancient)), "older than"),
        ("lat without lng", with(12, "lat", json!(48.85)), "lat is given, so lng is required"),
        ("latitude out of range", { let mut r = reading(&bad(13), &bad(13)); r["lat"] = json!(95.0); r["lng"] = json!(2.3); r.to_string() }, "field lat"),
        ("empty road id", with(14, "road_id", json!("")).replace("\"road_id\":\"\"", "\"road_id\":\"\""), "field road_id: must not be empty"),
        ("id with a slash", with(15, "road_id", json!(format!("{}/x", bad(15)))), "field road_id: contains '/'"),
        ("unknown field", with(16, "speed", json!(3)), "unknown field \"speed\""),
        ("empty batch", "[]".to_string(), "empty array"),
        ("one bad reading in a batch", Value::Array(vec![reading(&bad(18), &bad(18)), reading(&bad(18), &bad(18)), serde_json::from_str(&with(18, "occupancy", json!(-0.5))).unwrap()]).to_string(), "reading 2, field occupancy"),
    ];
    // One topic, so the sentinel published last is handled after every bad message.
    let topic = format!("{tag}-bad");
    for (_, payload, _) in &cases {
        t.publish(&topic, payload.clone()).await;
    }
    let sentinel = format!("{tag}-sentinel");
    t.publish(&topic, reading(&sentinel, &sentinel).to_string()).await;
    assert_eq!(t.wait_rows(&sentinel, 1, Duration::from_secs(30)).await, 1, "{}", t.app.logs());

    assert_eq!(t.rows(&format!("{tag}-bad%")).await, 0, "{}", t.app.logs());
    let db = t.app.db().await;
    let roads: i64 = db.query_one("SELECT count(*) FROM roads WHERE road_id LIKE $1", &[&format!("{tag}-bad%")]).await.unwrap().get(0);
    assert_eq!(roads, 0);
    // Output reaches the test through a pipe, a moment after the handler wrote it.
    if let Some((_, _, last)) = cases.last() {
        t.app.wait_for_log(last, Duration::from_secs(5)).await;
    }
    let logs = t.app.logs();
    for (what, _, reason) in &cases {
        assert!(logs.contains(reason), "{what}: no log line with {reason:?}:\n{logs}");
    }
    // Rejected messages are acknowledged, not retried: each is logged exactly once.
    assert_eq!(logs.matches(&format!("rejected message on cityflow/traffic/{topic} ")).count(), cases.len(), "{logs}");
    t.cleanup_redis().await;
}

/// The runtime killed (SIGKILL) mid-stream and restarted with the same MQTT session loses
/// nothing published with QoS 1: the rows equal the readings the simulator sent.
#[tokio::test]
async fn a_runtime_killed_mid_stream_and_restarted_loses_nothing() {
    let db = tokio::task::spawn_blocking(cityflow_tests::TestDb::create).await.unwrap().unwrap();
    let session = unique_name("cf-restart");
    let redis_prefix = format!("{}:", unique_name("ingest"));
    let start = || {
        App::builder()
            .without_database()
            .env("SPIN_VARIABLE_DB_URL", &db.url)
            .env("SPIN_VARIABLE_REDIS_PREFIX", &redis_prefix)
            .mqtt_client_prefix(&session)
            .start()
    };
    let count_rows = || async {
        let client = db.client().await;
        client.query_one("SELECT count(*) FROM traffic_raw WHERE sensor_id LIKE 'SIM-%'", &[]).await.unwrap().get::<_, i64>(0)
    };
    let app = start().await;
    // The subscription is live once a marker reading is stored.
    let (mqtt, mut eventloop) = AsyncClient::new(MqttOptions::new(unique_name("restart-test"), "127.0.0.1", 1883), 100);
    tokio::spawn(async move { while eventloop.poll().await.is_ok() {} });
    let marker = unique_name("T");
    let started = Instant::now();
    loop {
        mqtt.publish(format!("cityflow/traffic/{marker}"), QoS::AtLeastOnce, false, reading(&marker, &marker).to_string()).await.unwrap();
        tokio::time::sleep(Duration::from_millis(300)).await;
        let n: i64 = db.client().await.query_one("SELECT count(*) FROM traffic_raw WHERE road_id = $1", &[&marker]).await.unwrap().get(0);
        if n > 0 {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(30), "never subscribed:\n{}", app.logs());
    }

    // 4,000 readings of 20 sensors in batches of 10 at ~80 messages/s (about 5 s), so the
    // broker queues only a few hundred messages while the runtime is down.
    let sim = tokio::spawn(cityflow_simulator::simulate(cityflow_simulator::SimulateOptions {
        sensors: 20,
        batch: 10,
        interval: Duration::from_millis(25),
        count: Some(4000),
        quiet: true,
        seed: Some(8),
        ..Default::default()
    }));
    let started = Instant::now();
    while count_rows().await < 800 {
        assert!(started.elapsed() < Duration::from_secs(30), "ingest too slow:\n{}", app.logs());
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    drop(app); // SIGKILL, mid-stream
    let at_kill = count_rows().await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let app = start().await;
    let summary = sim.await.unwrap().expect("simulator run");
    assert_eq!((summary.readings, summary.unacknowledged), (4000, 0));
    let started = Instant::now();
    let mut rows = count_rows().await;
    while rows < 4000 && started.elapsed() < Duration::from_secs(60) {
        tokio::time::sleep(Duration::from_millis(100)).await;
        rows = count_rows().await;
    }
    assert!(at_kill < 4000, "the kill happened mid-stream ({at_kill} rows)");
    assert_eq!(rows, 4000, "rows against readings sent (killed at {at_kill}):\n{}", app.logs());
    let mut conn = redis::Client::open(redis_url()).unwrap().get_multiplexed_async_connection().await.unwrap();
    let keys: Vec<String> = conn.keys(format!("{redis_prefix}*")).await.unwrap();
    if !keys.is_empty() {
        let _: i64 = conn.del(keys).await.unwrap();
    }
}

/// A database that is not there yet is a transient failure: the message is not acknowledged,
/// comes back, and is stored once the database exists.
#[tokio::test]
async fn a_message_is_redelivered_until_the_database_can_take_it() {
    let name = unique_name("cityflow_test_late");
    let url = format!("{}/{name}", cityflow_tests::pg_server());
    let redis_prefix = format!("{}:", unique_name("ingest"));
    let app = App::builder()
        .without_database()
        .env("SPIN_VARIABLE_DB_URL", &url)
        .env("SPIN_VARIABLE_REDIS_PREFIX", &redis_prefix)
        .start()
        .await;
    let (mqtt, mut eventloop) = AsyncClient::new(MqttOptions::new(unique_name("late-test"), "127.0.0.1", 1883), 100);
    tokio::spawn(async move { while eventloop.poll().await.is_ok() {} });
    let sensor = unique_name("T");
    // Publish until the handler has visibly failed on it (the app may still be subscribing).
    let started = Instant::now();
    while !app.logs().contains(&format!("cityflow/traffic/{sensor} not stored, asking for redelivery")) {
        mqtt.publish(format!("cityflow/traffic/{sensor}"), QoS::AtLeastOnce, false, reading(&sensor, &sensor).to_string()).await.unwrap();
        tokio::time::sleep(Duration::from_millis(500)).await;
        assert!(started.elapsed() < Duration::from_secs(30), "no transient failure logged:\n{}", app.logs());
    }
    // Now the database appears (created and migrated, as `make up` does).
    let output = tokio::process::Command::new(cityflow_tests::cityflow_bin())
        .current_dir(cityflow_tests::root())
        .args(["migrate", "--create-database", "--database-url", &url])
        .output()
        .await
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let db = cityflow_tests::TestDb { name, url: url.clone() }; // dropped (with the database) at the end
    let client = db.client().await;
    let started = Instant::now();
    let stored = loop {
        let n: i64 = client.query_one("SELECT count(*) FROM traffic_raw WHERE sensor_id = $1", &[&sensor]).await.unwrap().get(0);
        if n >= 1 || started.elapsed() > Duration::from_secs(60) {
            break n;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert!(stored >= 1, "the failed message never came back:\n{}", app.logs());
    drop(app);
    let mut conn = redis::Client::open(redis_url()).unwrap().get_multiplexed_async_connection().await.unwrap();
    let keys: Vec<String> = conn.keys(format!("{redis_prefix}*")).await.unwrap();
    if !keys.is_empty() {
        let _: i64 = conn.del(keys).await.unwrap();
    }
}
