//! Issue 10 end to end: the traffic API (`components/traffic-api`) on the real runtime, with
//! data produced by the real pipeline — readings published over MQTT to Mosquitto and stored
//! by the ingest component, predictions and reroutes made by the predictor and rerouter run
//! through `POST /jobs/*` — against real Postgres and Redis.
//!
//! Every app subscribes to `cityflow/traffic/#`, so parallel tests' readings land in this
//! test's database too: each test tags its ids and places its roads in a box of its own
//! somewhere in the Pacific, and filters by those.

use std::collections::{BTreeMap, HashSet};
use std::time::Duration;

use chrono::{DateTime, SecondsFormat, Utc};
use cityflow_auth::Role;
use cityflow_tests::traffic::{manifest_without_cron, runtime_config, EventStream, Publisher};
use cityflow_tests::{redis_url, token, unique_name, App};
use prediction_model::{ModelVersion, RoadNorms};
use rand::Rng;
use redis::AsyncCommands;
use serde_json::{json, Value};

async fn start(prefix: &str) -> App {
    App::builder().manifest(manifest_without_cron()).runtime_config(runtime_config()).env("SPIN_VARIABLE_REDIS_PREFIX", prefix).start().await
}

async fn get(app: &App, path: &str) -> (u16, reqwest::header::HeaderMap, Value) {
    let response = app.client().get(app.url(path)).send().await.expect("GET");
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let body = response.json::<Value>().await.unwrap_or(Value::Null);
    (status, headers, body)
}

async fn get_ok(app: &App, path: &str) -> Value {
    let (status, headers, body) = get(app, path).await;
    assert_eq!(status, 200, "GET {path}: {body}");
    assert_eq!(headers["content-type"], "application/json", "GET {path}");
    body
}

async fn redis() -> redis::aio::MultiplexedConnection {
    redis::Client::open(redis_url()).unwrap().get_multiplexed_async_connection().await.unwrap()
}

async fn cleanup_redis(prefix: &str) {
    let mut conn = redis().await;
    let keys: Vec<String> = conn.keys(format!("{prefix}*")).await.unwrap();
    if !keys.is_empty() {
        let _: i64 = conn.del(keys).await.unwrap();
    }
}

fn parse_ts(v: &Value) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(v.as_str().unwrap_or_else(|| panic!("{v} is a timestamp"))).unwrap().with_timezone(&Utc)
}

/// One road of the test graph.
struct Arc {
    suffix: &'static str,
    from: &'static str,
    to: &'static str,
    length_m: f64,
    /// Midpoint, (lat, lng) degrees from the test's origin.
    offset: (f64, f64),
}

const fn arc(suffix: &'static str, from: &'static str, to: &'static str, length_m: f64, offset: (f64, f64)) -> Arc {
    Arc { suffix, from, to, length_m, offset }
}

const GRAPH: [Arc; 6] = [
    arc("INC", "A", "B", 1000.0, (0.000, 0.010)),
    arc("AC", "A", "C", 800.0, (0.004, 0.004)),
    arc("CB", "C", "B", 800.0, (0.004, 0.016)),
    arc("AD", "A", "D", 2000.0, (-0.010, 0.004)),
    arc("DB", "D", "B", 2000.0, (-0.010, 0.016)),
    arc("BA", "B", "A", 1000.0, (-0.002, 0.010)),
];

#[derive(Debug, Clone)]
struct Sent {
    ts: DateTime<Utc>,
    road: String,
    speed: f64,
    flow: f64,
    occupancy: f64,
}

struct Pipeline {
    app: App,
    prefix: String,
    tag: String,
    /// (lat, lng) of the box's corner; every road of the test is within 0.05° of it.
    origin: (f64, f64),
    sent: Vec<Sent>,
}

impl Pipeline {
    fn road(&self, suffix: &str) -> String {
        format!("{}-{suffix}", self.tag)
    }

    fn bbox(&self) -> String {
        let (lat, lng) = self.origin;
        format!("{},{},{},{}", lng - 0.05, lat - 0.05, lng + 0.05, lat + 0.05)
    }

    fn position(&self, suffix: &str) -> (f64, f64) {
        let (dlat, dlng) = GRAPH.iter().find(|a| a.suffix == suffix).unwrap().offset;
        (self.origin.0 + dlat, self.origin.1 + dlng)
    }
}

/// Starts the app and feeds it 30 minutes of readings (every 10 s) of a small graph with one
/// incident arc (INC, slowing from 40 to 8 km/h), a quick detour A→C→B and a long one
/// A→D→B, over MQTT: one message per road, each reading carrying the road's description.
async fn pipeline() -> Pipeline {
    let prefix = format!("{}:", unique_name("traffic_api"));
    let app = start(&prefix).await;
    let tag = unique_name("TA");
    let mut rng = rand::rng();
    let origin = (rng.random_range(-55.0..-35.0), rng.random_range(-170.0..-110.0));
    let mqtt = Publisher::connect().await;
    mqtt.until_ingesting(&app, &format!("{tag}-marker")).await;

    // Microseconds, the precision readings are sent and stored with.
    let now = DateTime::from_timestamp_micros(Utc::now().timestamp_micros()).unwrap();
    let mut p = Pipeline { app, prefix, tag, origin, sent: Vec::new() };
    for Arc { suffix, from, to, length_m: length, .. } in GRAPH {
        let road = p.road(suffix);
        let (lat, lng) = p.position(suffix);
        let mut batch = Vec::new();
        for g in 1..=180i64 {
            let progress = 1.0 - g as f64 / 180.0;
            let (speed, occupancy) = if suffix == "INC" { (40.0 - 32.0 * progress, 0.2 + 0.6 * progress) } else { (45.0, 0.1) };
            let flow = 400.0 + (g % 7) as f64 * 10.0;
            let ts = now - chrono::Duration::seconds(10 * g);
            batch.push(json!({
                "ts": ts.to_rfc3339_opts(SecondsFormat::Micros, true), "sensor_id": format!("{road}-S"), "road_id": road,
                "speed_kmh": speed, "flow_rate": flow, "occupancy": occupancy,
                "label": format!("Test road {suffix}"), "lat": lat, "lng": lng,
                "from_node": format!("{}-{from}", p.tag), "to_node": format!("{}-{to}", p.tag),
                "length_m": length, "free_flow_kmh": 50.0,
            }));
            p.sent.push(Sent { ts, road: road.clone(), speed, flow, occupancy });
        }
        mqtt.publish(&format!("{road}-S"), Value::Array(batch).to_string()).await;
    }
    let db = p.app.db().await;
    let pattern = format!("{}-%-S", p.tag);
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    loop {
        let stored: i64 = db.query_one("SELECT count(*) FROM traffic_raw WHERE sensor_id LIKE $1", &[&pattern]).await.unwrap().get(0);
        if stored == 1080 {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "{stored} of 1080 readings stored:\n{}", p.app.logs());
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    p
}

async fn run_job(app: &App, job: &str) -> Value {
    let response = app.client().post(app.url(&format!("/jobs/{job}"))).bearer_auth(token(Role::Operator)).send().await.unwrap();
    assert_eq!(response.status(), 200, "{job}: {}", app.logs());
    response.json().await.unwrap()
}

#[tokio::test]
async fn every_endpoint_answers_from_the_real_pipeline() {
    let p = pipeline().await;
    let app = &p.app;
    let db = app.db().await;
    let ours: Vec<String> = GRAPH.iter().map(|a| p.road(a.suffix)).collect();

    // Cache-aside first, on a query nobody made yet: a miss stores the answer for a few
    // seconds under the prefix; the next identical request is served from Redis.
    let roads_path = format!("/api/roads?bbox={}&limit=3", p.bbox());
    let (_, headers, first) = get(app, &roads_path).await;
    assert_eq!(headers["x-cache"], "miss");
    let mut conn = redis().await;
    let cached: Vec<String> = conn.keys(format!("{}cache:*", p.prefix)).await.unwrap();
    assert_eq!(cached.len(), 1, "{cached:?}");
    let ttl: i64 = conn.ttl(&cached[0]).await.unwrap();
    assert!((1..=5).contains(&ttl), "TTL {ttl}");
    let stored: String = conn.get(&cached[0]).await.unwrap();
    assert_eq!(serde_json::from_str::<Value>(&stored).unwrap(), first);
    let marker = json!({"items": [], "next_cursor": "from-the-cache"});
    let _: () = conn.set_ex(&cached[0], marker.to_string(), 60).await.unwrap();
    let (_, headers, again) = get(app, &roads_path).await;
    assert_eq!((headers["x-cache"].to_str().unwrap(), again), ("hit", marker));
    let _: i64 = conn.del(&cached[0]).await.unwrap();

    // Live events of our roads while the jobs run.
    let roads_filter = ours.join(",");
    let mut stream = EventStream::open(&app.url(&format!("/api/stream?roads={roads_filter}")), None).await;

    // An old prediction whose horizon has passed: the predictor scores it (accuracy).
    db.execute(
        "INSERT INTO predictions (ts, road_id, horizon_min, congestion_score, confidence, model_version)
         VALUES (now() - interval '40 minutes', $1, 15, 0.9, 0.8, 'ewma-lr-v2')",
        &[&p.road("AC")],
    )
    .await
    .unwrap();
    let predicted = run_job(app, "predict").await;
    assert!(predicted["predictions"].as_u64().unwrap() >= 18, "{predicted}");
    assert!(predicted["evaluated"].as_u64().unwrap() >= 1, "{predicted}");
    let rerouted = run_job(app, "reroute").await;
    assert!(rerouted["reroutes"].as_u64().unwrap() >= 1, "{rerouted}");

    // --- /api/stream: the cycle's predictions of our roads and the reroute around INC.
    let mut predictions_seen = HashSet::new();
    let mut reroute = None;
    while predictions_seen.len() < 18 || reroute.is_none() {
        let frame = stream.next_event(Duration::from_secs(15)).await;
        let event = frame.json();
        assert!(event.is_object(), "{event}");
        match frame.event.as_deref() {
            Some("prediction") => {
                assert!(ours.iter().any(|r| event["road_id"] == *r), "{event}");
                predictions_seen.insert((event["road_id"].to_string(), event["horizon_min"].as_i64().unwrap()));
            }
            Some("reroute") => {
                assert_eq!(event["route_id"], p.road("INC"));
                reroute = Some(event);
            }
            other => panic!("unexpected event {other:?}: {event}"),
        }
    }
    // One of the two detours (which one comes first is the rerouter's business; the best is
    // checked on /api/reroutes below).
    let detour = reroute.unwrap()["alt_path"].clone();
    assert!(detour == json!([p.road("AC"), p.road("CB")]) || detour == json!([p.road("AD"), p.road("DB")]), "{detour}");
    drop(stream);

    // --- /api/roads: our six roads, latest reading and 30-minute prediction each.
    let page = get_ok(app, &format!("/api/roads?bbox={}", p.bbox())).await;
    let items = page["items"].as_array().unwrap();
    let mut sorted = ours.clone();
    sorted.sort();
    assert_eq!(items.iter().map(|r| r["road_id"].as_str().unwrap().to_string()).collect::<Vec<_>>(), sorted);
    assert_eq!(page["next_cursor"], Value::Null);
    for item in items {
        let road = item["road_id"].as_str().unwrap();
        let suffix = road.rsplit('-').next().unwrap();
        let (lat, lng) = p.position(suffix);
        // Coordinates travel through text and double precision: equal to the last bit or two.
        let close = |a: f64, b: f64| (a - b).abs() <= 1e-9;
        assert!(close(item["lat"].as_f64().unwrap(), lat) && close(item["lng"].as_f64().unwrap(), lng), "{item} vs ({lat}, {lng})");
        assert_eq!(item["label"], format!("Test road {suffix}"));
        assert_eq!(item["free_flow_kmh"], 50.0);
        let last = p.sent.iter().filter(|s| s.road == road).max_by_key(|s| s.ts).unwrap();
        let latest = &item["latest"];
        assert_eq!(parse_ts(&latest["ts"]), last.ts, "{road}");
        assert_eq!(latest["sensor_id"], format!("{road}-S"));
        assert_eq!((latest["speed_kmh"].as_f64(), latest["flow_rate"].as_f64(), latest["occupancy"].as_f64()), (Some(last.speed), Some(last.flow), Some(last.occupancy)));
        // The predictor's model (ewma-lr-v3) scores the reading against the road's norms.
        let capacity = db.query_opt("SELECT speed_p95_kmh, flow_p95 FROM road_capacity WHERE road_id = $1", &[&road]).await.unwrap();
        let norms = RoadNorms {
            free_flow_kmh: Some(50.0),
            speed_p95_kmh: capacity.as_ref().and_then(|c| c.get(0)),
            flow_p95: capacity.as_ref().and_then(|c| c.get(1)),
        };
        let expected = prediction_model::round_to(ModelVersion::V3.score(last.speed, last.occupancy, last.flow, &norms), 3);
        assert_eq!(latest["congestion"].as_f64().unwrap(), expected, "{road}");
        let row = db
            .query_one("SELECT congestion_score, model_version FROM predictions WHERE road_id = $1 AND horizon_min = 30 ORDER BY ts DESC, id DESC LIMIT 1", &[&road])
            .await
            .unwrap();
        assert_eq!(item["prediction"]["horizon_min"], 30);
        assert_eq!(item["prediction"]["congestion_score"].as_f64().unwrap(), row.get::<_, f64>(0));
        assert_eq!(item["prediction"]["model_version"], row.get::<_, String>(1));
    }
    let inc = items.iter().find(|r| r["road_id"] == p.road("INC")).unwrap();
    assert!(inc["prediction"]["congestion_score"].as_f64().unwrap() > 0.5, "{inc}");
    assert!(inc["latest"]["congestion"].as_f64().unwrap() > items.iter().find(|r| r["road_id"] == p.road("AC")).unwrap()["latest"]["congestion"].as_f64().unwrap());

    // Paged by 4: two pages, every road once.
    let first = get_ok(app, &format!("/api/roads?bbox={}&limit=4&horizon=60", p.bbox())).await;
    assert_eq!(first["items"].as_array().unwrap().len(), 4);
    assert!(first["items"].as_array().unwrap().iter().all(|r| r["prediction"]["horizon_min"] == 60));
    let cursor = first["next_cursor"].as_str().expect("a next page");
    let second = get_ok(app, &format!("/api/roads?bbox={}&limit=4&horizon=60&cursor={cursor}", p.bbox())).await;
    assert_eq!(second["next_cursor"], Value::Null);
    let paged: Vec<&str> = first["items"].as_array().unwrap().iter().chain(second["items"].as_array().unwrap()).map(|r| r["road_id"].as_str().unwrap()).collect();
    assert_eq!(paged, sorted.iter().map(String::as_str).collect::<Vec<_>>());

    // GeoJSON, by Accept header and by parameter: Points at the midpoints, properties = items.
    let response = app.client().get(app.url(&format!("/api/roads?bbox={}", p.bbox()))).header("accept", "application/geo+json").send().await.unwrap();
    assert_eq!(response.headers()["content-type"], "application/geo+json");
    let geo: Value = response.json().await.unwrap();
    assert_eq!(geo["type"], "FeatureCollection");
    assert_eq!(geo["next_cursor"], Value::Null);
    let features = geo["features"].as_array().unwrap();
    assert_eq!(features.len(), 6);
    for (feature, item) in features.iter().zip(items) {
        assert_eq!(feature["geometry"], json!({"type": "Point", "coordinates": [item["lng"], item["lat"]]}));
        assert_eq!(&feature["properties"], item);
    }
    let (status, headers, by_param) = get(app, &format!("/api/roads?bbox={}&format=geojson", p.bbox())).await;
    assert_eq!((status, headers["content-type"].to_str().unwrap()), (200, "application/geo+json"));
    assert_eq!(by_param, geo);

    // --- /api/roads/{id}
    let one = get_ok(app, &format!("/api/roads/{}", p.road("INC"))).await;
    assert_eq!(&one, inc);
    let (status, _, body) = get(app, &format!("/api/roads/{}-nowhere", p.tag)).await;
    assert_eq!((status, body["error"]["code"].as_str()), (404, Some("not_found")));

    // --- /api/traffic/live: the latest reading of each road asked for.
    let live = get_ok(app, &format!("/api/traffic/live?roads={},{}", p.road("INC"), p.road("AC"))).await;
    let live_items = live["items"].as_array().unwrap();
    assert_eq!(live_items.len(), 2);
    for reading in live_items {
        let road_item = items.iter().find(|r| r["road_id"] == reading["road_id"]).unwrap();
        for field in ["ts", "sensor_id", "speed_kmh", "flow_rate", "occupancy", "congestion"] {
            assert_eq!(reading[field], road_item["latest"][field], "{field}");
        }
    }
    let boxed = get_ok(app, &format!("/api/traffic/live?bbox={}&limit=1000", p.bbox())).await;
    assert_eq!(boxed["items"].as_array().unwrap().len(), 6);

    // --- /api/traffic/history: 5-minute means of exactly what was published.
    let inc_sent: Vec<&Sent> = p.sent.iter().filter(|s| s.road == p.road("INC")).collect();
    let from = inc_sent.iter().map(|s| s.ts).min().unwrap();
    let to = inc_sent.iter().map(|s| s.ts).max().unwrap() + chrono::Duration::microseconds(1);
    let enc = |ts: DateTime<Utc>| ts.to_rfc3339_opts(SecondsFormat::Micros, true);
    let history = get_ok(app, &format!("/api/traffic/history?road_id={}&from={}&to={}&bucket=5m", p.road("INC"), enc(from), enc(to))).await;
    let mut expected: BTreeMap<i64, Vec<&Sent>> = BTreeMap::new();
    for s in &inc_sent {
        expected.entry(s.ts.timestamp_micros().div_euclid(300_000_000)).or_default().push(s);
    }
    let buckets = history["items"].as_array().unwrap();
    assert_eq!(buckets.len(), expected.len(), "{history}");
    assert_eq!(history["bucket"], "5m");
    for (bucket, (start, readings)) in buckets.iter().zip(&expected) {
        assert_eq!(parse_ts(&bucket["bucket"]).timestamp_micros(), start * 300_000_000);
        assert_eq!(bucket["readings"], readings.len());
        let mean = |f: fn(&Sent) -> f64| readings.iter().map(|s| f(s)).sum::<f64>() / readings.len() as f64;
        for (field, want) in [("speed_kmh", mean(|s| s.speed)), ("flow_rate", mean(|s| s.flow)), ("occupancy", mean(|s| s.occupancy))] {
            let got = bucket[field].as_f64().unwrap();
            assert!((got - want).abs() < 1e-9 * want.abs().max(1.0), "{field}: {got} vs {want}");
        }
    }
    let by_minute = get_ok(app, &format!("/api/traffic/history?road_id={}&bucket=1m", p.road("INC"))).await;
    let minutes: HashSet<i64> = inc_sent.iter().map(|s| s.ts.timestamp().div_euclid(60)).collect();
    assert_eq!(by_minute["items"].as_array().unwrap().len(), minutes.len(), "default window: the last 3 hours");
    assert_eq!(by_minute["items"].as_array().unwrap().iter().map(|b| b["readings"].as_i64().unwrap()).sum::<i64>(), 180);

    // --- /api/predictions: newest first, with the accuracy the predictor recorded.
    let inc_predictions = get_ok(app, &format!("/api/predictions?road_id={}", p.road("INC"))).await;
    let rows = db
        .query("SELECT id, horizon_min, congestion_score FROM predictions WHERE road_id = $1 ORDER BY ts DESC, id DESC", &[&p.road("INC")])
        .await
        .unwrap();
    let listed = inc_predictions["items"].as_array().unwrap();
    assert_eq!(listed.len(), rows.len());
    assert_eq!(listed.len(), 3, "one cycle, three horizons");
    for (item, row) in listed.iter().zip(&rows) {
        assert_eq!(item["id"], row.get::<_, i64>(0));
        assert_eq!(item["horizon_min"], row.get::<_, i32>(1));
        assert_eq!(item["congestion_score"].as_f64().unwrap(), row.get::<_, f64>(2));
        assert_eq!(item["observed_score"], Value::Null, "not due yet");
    }
    let ac15 = get_ok(app, &format!("/api/predictions?road_id={}&horizon=15", p.road("AC"))).await;
    let ac15 = ac15["items"].as_array().unwrap();
    assert_eq!(ac15.len(), 2, "this cycle's and the old one");
    assert!(parse_ts(&ac15[0]["ts"]) > parse_ts(&ac15[1]["ts"]));
    assert_eq!(ac15[1]["model_version"], "ewma-lr-v2");
    assert!(ac15[1]["observed_score"].is_f64(), "the old prediction was scored: {}", ac15[1]);

    // --- /api/predictions/accuracy: the view's totals and the cycle's row.
    let accuracy = get_ok(app, "/api/predictions/accuracy").await;
    let summary = db
        .query_one("SELECT predictions, mean_abs_error FROM prediction_accuracy_summary WHERE model_version = 'ewma-lr-v2' AND horizon_min = 15", &[])
        .await
        .unwrap();
    let listed = accuracy["summary"].as_array().unwrap().iter().find(|s| s["model_version"] == "ewma-lr-v2" && s["horizon_min"] == 15).expect("v2 at 15 min");
    assert_eq!(listed["predictions"], summary.get::<_, i64>(0));
    assert_eq!(listed["mean_abs_error"].as_f64().unwrap(), summary.get::<_, f64>(1));
    let cycle = &accuracy["recent_cycles"].as_array().unwrap()[0];
    assert_eq!((cycle["model_version"].as_str(), cycle["horizon_min"].as_i64()), (Some("ewma-lr-v2"), Some(15)));

    // --- /api/reroutes: the active cycle's detour around INC, and its map line.
    let active = get_ok(app, &format!("/api/reroutes?active=true&route_id={}", p.road("INC"))).await;
    let best = active["items"].as_array().unwrap().iter().max_by(|a, b| a["eta_gain_min"].as_f64().partial_cmp(&b["eta_gain_min"].as_f64()).unwrap()).expect("a reroute");
    assert_eq!(best["alt_path"], json!([p.road("AC"), p.road("CB")]));
    assert_eq!(best["alt_route_id"], format!("{}>{}", p.road("AC"), p.road("CB")));
    assert!(best["eta_gain_min"].as_f64().unwrap() >= 0.5);
    let all_active = get_ok(app, "/api/reroutes?active=true").await;
    let cycle_ts: HashSet<&str> = all_active["items"].as_array().unwrap().iter().map(|r| r["ts"].as_str().unwrap()).collect();
    assert_eq!(cycle_ts.len(), 1, "active = one cycle");
    let geo = get_ok_geo(app, &format!("/api/reroutes?route_id={}&format=geojson", p.road("INC"))).await;
    let line = geo["features"].as_array().unwrap().iter().find(|f| f["id"] == best["id"]).expect("the best reroute's feature");
    let (ac, cb) = (p.position("AC"), p.position("CB"));
    assert_eq!(line["geometry"]["type"], "LineString");
    let coordinates: Vec<f64> = line["geometry"]["coordinates"].as_array().unwrap().iter().flat_map(|p| p.as_array().unwrap().iter().map(|v| v.as_f64().unwrap())).collect();
    let expected = [ac.1, ac.0, cb.1, cb.0];
    assert!(coordinates.len() == 4 && coordinates.iter().zip(expected).all(|(a, b)| (a - b).abs() <= 1e-9), "{}", line["geometry"]);
    assert_eq!(&line["properties"], best);

    // The app first: until it stops, other tests' readings keep arriving over MQTT.
    let prefix = p.prefix.clone();
    drop(p);
    cleanup_redis(&prefix).await;
}

async fn get_ok_geo(app: &App, path: &str) -> Value {
    let (status, headers, body) = get(app, path).await;
    assert_eq!((status, headers["content-type"].to_str().unwrap()), (200, "application/geo+json"), "{path}: {body}");
    body
}

#[tokio::test]
async fn a_thousand_predictions_sharing_one_timestamp_page_exactly_once() {
    let prefix = format!("{}:", unique_name("traffic_paging"));
    let app = start(&prefix).await;
    let db = app.db().await;
    // A whole cycle shares one ts: the seed's ts-only cursor lost rows here.
    db.batch_execute(
        "INSERT INTO predictions (ts, road_id, horizon_min, congestion_score, confidence, model_version)
         SELECT TIMESTAMPTZ '2026-01-05 08:00:00.123456+00', 'P-' || lpad(g::text, 4, '0'), 30, (g % 100) / 100.0, 0.9, 'ewma-lr-v3'
         FROM generate_series(0, 999) AS g",
    )
    .await
    .unwrap();
    let want: Vec<i64> = db.query("SELECT id FROM predictions ORDER BY id DESC", &[]).await.unwrap().iter().map(|r| r.get(0)).collect();
    assert_eq!(want.len(), 1000);

    let mut seen: Vec<i64> = Vec::new();
    let mut cursor: Option<String> = None;
    let mut pages = 0;
    loop {
        let path = match &cursor {
            Some(c) => format!("/api/predictions?limit=7&cursor={c}"),
            None => "/api/predictions?limit=7".to_string(),
        };
        let page = get_ok(&app, &path).await;
        let items = page["items"].as_array().unwrap();
        assert!(items.len() <= 7);
        assert!(items.iter().all(|i| i["ts"] == "2026-01-05T08:00:00.123456Z"), "{page}");
        seen.extend(items.iter().map(|i| i["id"].as_i64().unwrap()));
        pages += 1;
        if pages == 10 {
            // Rows arriving while a client pages (a newer cycle, a late row of this one) do
            // not shift the pages: they sort before the cursor.
            db.batch_execute(
                "INSERT INTO predictions (ts, road_id, horizon_min, congestion_score, model_version) VALUES
                    (TIMESTAMPTZ '2026-01-05 08:01:00+00', 'P-late', 30, 0.5, 'ewma-lr-v3'),
                    (TIMESTAMPTZ '2026-01-05 08:00:00.123456+00', 'P-late', 30, 0.5, 'ewma-lr-v3')",
            )
            .await
            .unwrap();
        }
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_string()),
            None => break,
        }
    }
    assert_eq!(pages, 143, "1000 / 7 rounded up");
    assert_eq!(seen, want, "every prediction exactly once, newest (highest id) first");
    drop(app);
    cleanup_redis(&prefix).await;
}

#[tokio::test]
async fn every_invalid_parameter_is_a_400_naming_it_and_changes_nothing() {
    let prefix = format!("{}:", unique_name("traffic_invalid"));
    let app = start(&prefix).await;
    let db = app.db().await;
    db.batch_execute(
        "INSERT INTO roads (road_id, label, lat, lng) VALUES ('R1', 'Rue', -45.0, -150.0);
         INSERT INTO predictions (ts, road_id, horizon_min, congestion_score, model_version) VALUES (now(), 'R1', 30, 0.4, 'ewma-lr-v3');",
    )
    .await
    .unwrap();
    // Cursors of one list handed to another.
    let road_cursor = get_ok(&app, "/api/roads?limit=1").await;
    assert_eq!(road_cursor["next_cursor"], Value::Null);
    let prediction_page = get_ok(&app, "/api/predictions?limit=1").await;
    assert_eq!(prediction_page["items"].as_array().unwrap().len(), 1);
    db.execute("INSERT INTO predictions (ts, road_id, horizon_min, congestion_score, model_version) VALUES (now() - interval '1 hour', 'R1', 30, 0.4, 'ewma-lr-v3')", &[]).await.unwrap();
    let prediction_cursor = get_ok(&app, "/api/predictions?limit=1").await["next_cursor"].as_str().unwrap().to_string();
    let long_window = "from=2026-01-01T00:00:00Z&to=2026-01-20T00:00:00Z";
    let mut conn = redis().await;
    let keys_before: HashSet<String> = conn.keys(format!("{prefix}*")).await.unwrap();

    let cases: Vec<(String, Option<&str>)> = vec![
        ("/api/roads?limit=0".into(), Some("limit")),
        ("/api/roads?limit=1001".into(), Some("limit")),
        ("/api/roads?limit=ten".into(), Some("limit")),
        ("/api/roads?limit=5&limit=6".into(), Some("limit")),
        ("/api/roads?horizon=45".into(), Some("horizon")),
        ("/api/roads?bbox=1,2,3".into(), Some("bbox")),
        ("/api/roads?bbox=0,0,181,1".into(), Some("bbox")),
        ("/api/roads?bbox=3,48,2,49".into(), Some("bbox")),
        ("/api/roads?cursor=not-a-cursor".into(), Some("cursor")),
        (format!("/api/roads?cursor={prediction_cursor}"), Some("cursor")),
        ("/api/roads?format=kml".into(), Some("format")),
        ("/api/roads?colour=red".into(), Some("colour")),
        ("/api/roads/R1?limit=1".into(), Some("limit")),
        ("/api/roads/R1?horizon=0".into(), Some("horizon")),
        ("/api/traffic/live?roads=a%20b".into(), Some("roads")),
        ("/api/traffic/live?roads=a,,b".into(), Some("roads")),
        ("/api/traffic/live?bbox=x".into(), Some("bbox")),
        ("/api/traffic/live?horizon=30".into(), Some("horizon")),
        ("/api/traffic/live?cursor=%zz".into(), Some("cursor")),
        ("/api/traffic/history".into(), Some("road_id")),
        ("/api/traffic/history?road_id=R1&from=yesterday".into(), Some("from")),
        ("/api/traffic/history?road_id=R1&to=2026-13-01T00:00:00Z".into(), Some("to")),
        ("/api/traffic/history?road_id=R1&from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z".into(), Some("from")),
        ("/api/traffic/history?road_id=R1&bucket=5s".into(), Some("bucket")),
        (format!("/api/traffic/history?road_id=R1&bucket=1m&{long_window}"), Some("bucket")),
        ("/api/traffic/history?road_id=R1&limit=5".into(), Some("limit")),
        ("/api/predictions?horizon=20".into(), Some("horizon")),
        ("/api/predictions?road_id=R%2F1".into(), Some("road_id")),
        ("/api/predictions?limit=-1".into(), Some("limit")),
        // A road list's cursor ("road:R1").
        ("/api/predictions?cursor=cm9hZDpSMQ".into(), Some("cursor")),
        ("/api/predictions/accuracy?cycles=0".into(), Some("cycles")),
        ("/api/predictions/accuracy?cycles=101".into(), Some("cycles")),
        ("/api/reroutes?active=maybe".into(), Some("active")),
        ("/api/reroutes?format=kml".into(), Some("format")),
        ("/api/reroutes?route_id=a%20b".into(), Some("route_id")),
        (format!("/api/reroutes?cursor={prediction_cursor}"), Some("cursor")),
        ("/api/stream?roads=a%20b".into(), Some("roads")),
        ("/api/stream?last_event_id=nope".into(), Some("last_event_id")),
        ("/api/stream?road=R1".into(), Some("road")),
        ("/api/openapi.json?v=2".into(), Some("v")),
    ];
    for (path, field) in &cases {
        let (status, headers, body) = get(&app, path).await;
        assert_eq!(status, 400, "GET {path}: {body}");
        assert_eq!(headers["content-type"], "application/json", "GET {path}");
        assert_eq!(body["error"]["code"], "bad_request", "GET {path}: {body}");
        assert_eq!(body["error"]["field"].as_str(), *field, "GET {path}: {body}");
        assert!(!body["error"]["message"].as_str().unwrap().is_empty());
    }
    // The Last-Event-ID header is checked too, before the stream starts.
    let response = app.client().get(app.url("/api/stream")).header("last-event-id", "1-0,2-0").send().await.unwrap();
    assert_eq!(response.status(), 400);
    assert_eq!(response.json::<Value>().await.unwrap()["error"]["code"], "bad_request");

    // Nothing was cached or written by the refused requests.
    let keys_after: HashSet<String> = conn.keys(format!("{prefix}*")).await.unwrap();
    assert!(keys_after.is_subset(&keys_before), "new keys: {:?}", keys_after.difference(&keys_before).collect::<Vec<_>>());
    let predictions: i64 = db.query_one("SELECT count(*) FROM predictions", &[]).await.unwrap().get(0);
    assert_eq!(predictions, 2);

    // Unknown paths are 404s, other methods 405s with `allow`, in the same JSON form.
    for path in ["/api/traffic/everything", "/api/predictions/tomorrow", "/api/roads/a%20b"] {
        let (status, _, body) = get(&app, path).await;
        assert_eq!((status, body["error"]["code"].as_str()), (404, Some("not_found")), "{path}");
    }
    for path in ["/api/roads", "/api/stream", "/api/reroutes"] {
        let response = app.client().post(app.url(path)).body("{}").send().await.unwrap();
        assert_eq!(response.status(), 405, "{path}");
        assert_eq!(response.headers()["allow"], "GET, OPTIONS");
        assert_eq!(response.json::<Value>().await.unwrap()["error"]["code"], "method_not_allowed");
    }
    drop(app);
    cleanup_redis(&prefix).await;
}
