//! Application metrics end to end: valid, duplicate and invalid sensor readings over the real
//! Mosquitto into the real ingest component, prediction and rerouting cycles on their HTTP job
//! routes, then the admin `/metrics` scraped and every `cityflow_app_*` series compared with
//! what was sent and what the database holds. And a Redis that never answers: ingest still
//! stores, the scrape still answers, without those series.
//!
//! Each test has its own database, Redis prefix (so its own metrics hash) and MQTT topic.

use std::time::{Duration, Instant};

use chrono::{DateTime, SecondsFormat, Utc};
use cityflow_auth::Role;
use cityflow_tests::{component_wasm, metric_value, redis_url, token, unique_name, App};
use redis::AsyncCommands;
use rumqttc::{AsyncClient, MqttOptions, QoS};
use serde_json::{json, Value};

fn manifest(redis: &str) -> String {
    let (ingest, predictor, rerouter) = (component_wasm("ingest"), component_wasm("predictor"), component_wasm("rerouter"));
    let endpoint = component_wasm("metrics_endpoint");
    let redis_host = redis.trim_start_matches("redis://");
    format!(
        r#"
spin_manifest_version = 2
[application]
name = "app-metrics"
[variables]
db_url = {{ required = true, secret = true }}
jwt_secret = {{ required = true, secret = true }}
prefix = {{ required = true }}
topic = {{ required = true }}
redis_url = {{ default = "{redis}" }}
[application.trigger.mqtt]
address = "mqtt://127.0.0.1:1883"
username = ""
password = ""
keep_alive_interval = "10"
[[trigger.mqtt]]
component = "ingest"
topic = "{{{{ topic }}}}"
qos = "1"
[[trigger.http]]
route = "/jobs/predict"
component = "predictor"
[[trigger.http]]
route = "/jobs/reroute"
component = "rerouter"
[[trigger.http]]
route = "/metrics"
component = "metrics-endpoint"
[component.ingest]
source = "{ingest}"
allowed_outbound_hosts = ["postgres://127.0.0.1:5432", "redis://{redis_host}"]
variables = {{ db_url = "{{{{ db_url }}}}", redis_url = "{{{{ redis_url }}}}", redis_prefix = "{{{{ prefix }}}}" }}
[component.predictor]
source = "{predictor}"
allowed_outbound_hosts = ["postgres://127.0.0.1:5432", "redis://{redis_host}"]
variables = {{ db_url = "{{{{ db_url }}}}", jwt_secret = "{{{{ jwt_secret }}}}", redis_url = "{{{{ redis_url }}}}", redis_prefix = "{{{{ prefix }}}}", model_version = "ewma-lr-v3", city_timezone = "Europe/Paris" }}
[component.rerouter]
source = "{rerouter}"
allowed_outbound_hosts = ["postgres://127.0.0.1:5432", "redis://{redis_host}"]
variables = {{ db_url = "{{{{ db_url }}}}", jwt_secret = "{{{{ jwt_secret }}}}", redis_url = "{{{{ redis_url }}}}", redis_prefix = "{{{{ prefix }}}}", congestion_threshold = "0.5", reroute_min_gain_min = "0.5", reroute_alternatives = "2", reroute_horizon_min = "30", cycle_seconds = "60" }}
[component.metrics-endpoint]
source = "{endpoint}"
allowed_outbound_hosts = ["redis://{redis_host}"]
variables = {{ jwt_secret = "{{{{ jwt_secret }}}}", redis_url = "{{{{ redis_url }}}}", redis_prefix = "{{{{ prefix }}}}" }}
"#
    )
}

/// A running app, an MQTT publisher on the app's own topic, and this test's id prefix.
struct Setup {
    app: App,
    mqtt: AsyncClient,
    /// Prefix of this test's topic and of its sensor and road ids.
    tag: String,
    redis_prefix: String,
}

impl Setup {
    async fn start(redis: &str) -> Setup {
        let tag = unique_name("M");
        let redis_prefix = format!("{}:", unique_name("app_metrics"));
        let app = App::builder()
            .manifest(manifest(redis))
            .env("SPIN_VARIABLE_PREFIX", &redis_prefix)
            .env("SPIN_VARIABLE_TOPIC", &format!("{tag}/traffic/#"))
            .start()
            .await;
        let mut options = MqttOptions::new(unique_name("app-metrics-test"), "127.0.0.1", 1883);
        options.set_keep_alive(Duration::from_secs(10));
        let (mqtt, mut eventloop) = AsyncClient::new(options, 64);
        tokio::spawn(async move { while eventloop.poll().await.is_ok() {} });
        Setup { app, mqtt, tag, redis_prefix }
    }

    /// Every message goes to one topic, so the trigger handles them in the order sent.
    async fn publish(&self, payload: String) {
        self.mqtt.publish(format!("{}/traffic/gateway", self.tag), QoS::AtLeastOnce, false, payload).await.expect("publish");
    }

    fn reading(&self, name: &str) -> Value {
        let now = Utc::now().to_rfc3339_opts(SecondsFormat::Millis, true);
        json!({"ts": now, "sensor_id": format!("{}-{name}", self.tag), "road_id": format!("{}-road-{name}", self.tag),
               "speed_kmh": 42.5, "flow_rate": 620.0, "occupancy": 0.31})
    }

    /// Rows of `traffic_raw` whose sensor id is LIKE `<tag>-<pattern>`.
    async fn rows(&self, pattern: &str) -> i64 {
        let like = format!("{}-{pattern}", self.tag);
        self.app.db().await.query_one("SELECT count(*) FROM traffic_raw WHERE sensor_id LIKE $1", &[&like]).await.unwrap().get(0)
    }

    /// The app subscribes after it prints its address: publish markers (valid readings,
    /// `ready<i>`) until one is stored. Markers that arrive are counted like any reading.
    async fn until_subscribed(&self) {
        let started = Instant::now();
        for i in 0.. {
            self.publish(self.reading(&format!("ready{i}")).to_string()).await;
            let waiting = Instant::now();
            while waiting.elapsed() < Duration::from_millis(500) {
                if self.rows("ready%").await >= 1 {
                    return;
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            assert!(started.elapsed() < Duration::from_secs(30), "the MQTT trigger never stored a reading:\n{}", self.app.logs());
        }
    }

    async fn scrape(&self) -> String {
        let resp = self.app.client().get(self.app.admin_url("/metrics")).send().await.unwrap();
        assert_eq!(resp.status(), 200);
        resp.text().await.unwrap()
    }

    async fn job(&self, path: &str) -> Value {
        let resp = self.app.client().post(self.app.url(path)).bearer_auth(token(Role::Operator)).send().await.unwrap();
        assert_eq!(resp.status(), 200, "{path}");
        resp.json().await.unwrap()
    }

    async fn cleanup_redis(&self) {
        let mut conn = redis::Client::open(redis_url()).unwrap().get_multiplexed_async_connection().await.unwrap();
        let keys: Vec<String> = conn.keys(format!("{}*", self.redis_prefix)).await.unwrap();
        if !keys.is_empty() {
            let _: i64 = conn.del(keys).await.unwrap();
        }
    }
}

fn readings(text: &str, outcome: &str) -> f64 {
    metric_value(text, "cityflow_app_readings_total", &[("outcome", outcome)])
}

fn job_series(text: &str, name: &str, job: &str) -> f64 {
    metric_value(text, name, &[("job", job)])
}

/// The graph of the prediction tests: one incident arc INC (A→B) slowing down over the last
/// 30 minutes, a quick detour A→C→B and a long one A→D→B, readings every 10 s.
async fn seed_incident(app: &App) {
    app.db()
        .await
        .batch_execute(
            "INSERT INTO roads (road_id, label, from_node, to_node, length_m, free_flow_kmh) VALUES
                ('INC', 'incident arc', 'A', 'B', 1000, 50), ('AC', 'detour 1', 'A', 'C', 800, 50),
                ('CB', 'detour 2', 'C', 'B', 800, 50), ('AD', 'long detour 1', 'A', 'D', 2000, 50),
                ('DB', 'long detour 2', 'D', 'B', 2000, 50), ('BA', 'way back', 'B', 'A', 1000, 50);
             INSERT INTO traffic_raw (ts, sensor_id, road_id, speed_kmh, flow_rate, occupancy)
             SELECT now() - g * interval '10 seconds', 'S-' || r.road_id, r.road_id,
                    CASE WHEN r.road_id = 'INC' THEN 40 - 32 * (1 - g / 180.0) ELSE 45 END,
                    400 + (g % 7) * 10,
                    CASE WHEN r.road_id = 'INC' THEN 0.2 + 0.6 * (1 - g / 180.0) ELSE 0.1 END
             FROM roads r, generate_series(1, 180) AS g WHERE r.road_id IN ('INC', 'AC', 'CB', 'AD', 'DB', 'BA');",
        )
        .await
        .expect("seed graph and readings");
}

/// Prometheus' own linter (Debian package prometheus), when installed, accepts the whole scrape.
fn promtool_accepts(text: &str) {
    use std::io::Write;
    let Ok(mut child) = std::process::Command::new("promtool")
        .args(["check", "metrics"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
    else {
        println!("note: promtool not installed (Debian package prometheus); skipped `promtool check metrics`");
        return;
    };
    child.stdin.take().unwrap().write_all(text.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "promtool check metrics:\n{}{}\n{text}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
}

async fn rows_at(app: &App, table: &str, ts: &str) -> u64 {
    let sql = match table {
        "predictions" => "SELECT count(*) FROM predictions WHERE ts = $1::text::timestamptz",
        _ => "SELECT count(*) FROM reroutes WHERE ts = $1::text::timestamptz",
    };
    let n: i64 = app.db().await.query_one(sql, &[&ts]).await.unwrap().get(0);
    n as u64
}

#[tokio::test]
async fn every_app_series_counts_exactly_what_happened() {
    let t = Setup::start(&redis_url()).await;
    // Nothing counted yet: no hash, no series, and the scrape answers.
    let text = t.scrape().await;
    assert!(!text.contains("cityflow_app_"), "{text}");
    t.until_subscribed().await;

    let batch = json!([t.reading("a1"), t.reading("a2"), t.reading("a3")]).to_string();
    let single = t.reading("b1");
    let mut bad = t.reading("c2");
    bad["occupancy"] = json!(1.5);
    let messages = [
        batch.clone(),                                          // 3 stored
        single.to_string(),                                     // 1 stored
        batch,                                                  // 3 duplicates (a redelivered batch)
        json!([t.reading("c1"), bad]).to_string(),              // 2 rejected, 1 message
        format!("{{\"sensor_id\": \"{}-c3\", ", t.tag),         // 1 rejected, 1 message (not JSON)
        json!([t.reading("d1"), single]).to_string(),           // 1 stored, 1 duplicate
        t.reading("z").to_string(),                             // 1 stored: the last one
    ];
    for message in messages {
        t.publish(message).await;
    }
    let started = Instant::now();
    while t.rows("z").await < 1 {
        assert!(started.elapsed() < Duration::from_secs(30), "the last message was never stored:\n{}", t.app.logs());
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // Messages are handled in order, so every marker that arrived is stored by now.
    let markers = t.rows("ready%").await as f64;
    let stored = markers + 6.0;
    // The counters go with the live events, just after the rows are committed.
    let mut text = t.scrape().await;
    while readings(&text, "stored") < stored && started.elapsed() < Duration::from_secs(30) {
        tokio::time::sleep(Duration::from_millis(50)).await;
        text = t.scrape().await;
    }
    assert_eq!(readings(&text, "stored"), stored, "{text}\n{}", t.app.logs());
    assert_eq!(readings(&text, "stored"), t.rows("%").await as f64, "stored is what the database holds");
    assert_eq!(readings(&text, "duplicate"), 4.0, "{text}");
    assert_eq!(readings(&text, "rejected"), 3.0, "{text}");
    assert_eq!(readings(&text, "received"), markers + 13.0, "{text}");
    assert_eq!(metric_value(&text, "cityflow_app_messages_rejected_total", &[]), 2.0, "{text}");
    assert!(text.contains("# TYPE cityflow_app_readings_total counter"), "{text}");
    assert!(!text.contains("cityflow_app_predictions_total"), "no cycle has run: {text}");

    // Two prediction cycles (a second apart, so each has its own rows) and one rerouting.
    seed_incident(&t.app).await;
    let first = t.job("/jobs/predict").await;
    let after_first = t.scrape().await;
    let first_last = job_series(&after_first, "cityflow_app_cycle_last_duration_seconds", "predictor");
    let first_ts = DateTime::parse_from_rfc3339(first["ts"].as_str().unwrap()).unwrap().timestamp();
    while Utc::now().timestamp() <= first_ts {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let second = t.job("/jobs/predict").await;
    let reroute = t.job("/jobs/reroute").await;
    let text = t.scrape().await;

    let (p1, p2) = (first["predictions"].as_u64().unwrap(), second["predictions"].as_u64().unwrap());
    assert!(p1 >= 18 && p2 >= 18, "6 roads × 3 horizons at least: {first} {second}");
    assert_eq!(rows_at(&t.app, "predictions", first["ts"].as_str().unwrap()).await, p1);
    assert_eq!(rows_at(&t.app, "predictions", second["ts"].as_str().unwrap()).await, p2);
    assert_eq!(metric_value(&text, "cityflow_app_predictions_total", &[]), (p1 + p2) as f64, "{text}");
    let r = reroute["reroutes"].as_u64().unwrap();
    assert!(r >= 1, "the incident is rerouted: {reroute}");
    assert_eq!(rows_at(&t.app, "reroutes", reroute["ts"].as_str().unwrap()).await, r);
    assert_eq!(metric_value(&text, "cityflow_app_reroutes_total", &[]), r as f64, "{text}");

    assert!(text.contains("# TYPE cityflow_app_cycle_duration_seconds summary"), "{text}");
    assert_eq!(job_series(&text, "cityflow_app_cycle_duration_seconds_count", "predictor"), 2.0, "{text}");
    assert_eq!(job_series(&text, "cityflow_app_cycle_duration_seconds_count", "rerouter"), 1.0, "{text}");
    assert_eq!(job_series(&after_first, "cityflow_app_cycle_duration_seconds_sum", "predictor"), first_last, "{after_first}");
    let second_last = job_series(&text, "cityflow_app_cycle_last_duration_seconds", "predictor");
    assert!(first_last > 0.0 && second_last > 0.0, "{text}");
    let sum = job_series(&text, "cityflow_app_cycle_duration_seconds_sum", "predictor");
    assert!((sum - (first_last + second_last)).abs() < 1e-9, "sum {sum} of {first_last} and {second_last}");
    let rerouter_last = job_series(&text, "cityflow_app_cycle_last_duration_seconds", "rerouter");
    assert!(rerouter_last > 0.0, "{text}");
    assert_eq!(job_series(&text, "cityflow_app_cycle_duration_seconds_sum", "rerouter"), rerouter_last, "{text}");
    promtool_accepts(&text);
    // The cycles counted nothing else.
    assert_eq!(readings(&text, "received"), markers + 13.0, "{text}");

    // Where there is no admin listener (SpinKube), GET /metrics serves the same series.
    let app_series = |text: &str| text.lines().filter(|l| l.contains("cityflow_app_")).map(str::to_string).collect::<Vec<_>>();
    let client = t.app.client();
    let served = client.get(t.app.url("/metrics")).bearer_auth(token(Role::Operator)).send().await.unwrap();
    assert_eq!(served.status(), 200);
    assert_eq!(served.headers()["content-type"], "text/plain; version=0.0.4; charset=utf-8");
    let served = served.text().await.unwrap();
    assert_eq!(app_series(&served), app_series(&t.scrape().await));
    promtool_accepts(&served);
    let anonymous = client.get(t.app.url("/metrics")).send().await.unwrap();
    assert_eq!(anonymous.status(), 401);
    let viewer = client.get(t.app.url("/metrics")).bearer_auth(token(Role::Viewer)).send().await.unwrap();
    assert_eq!(viewer.status(), 403);
    let post = client.post(t.app.url("/metrics")).bearer_auth(token(Role::Operator)).send().await.unwrap();
    assert_eq!(post.status(), 405);
    t.cleanup_redis().await;
}

#[tokio::test]
async fn a_redis_that_never_answers_costs_only_the_counters() {
    // Accepts connections (the kernel completes them) and never reads nor answers.
    let black_hole = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let redis = format!("redis://{}", black_hole.local_addr().unwrap());
    let t = Setup::start(&redis).await;
    t.until_subscribed().await;
    let mut bad = t.reading("bad");
    bad["speed_kmh"] = json!(-1);
    t.publish(bad.to_string()).await;
    t.publish(t.reading("after").to_string()).await;

    let started = Instant::now();
    while t.rows("after").await < 1 {
        assert!(started.elapsed() < Duration::from_secs(60), "ingest stopped with Redis down:\n{}", t.app.logs());
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(t.app.wait_for_log("not published live nor counted", Duration::from_secs(30)).await, "{}", t.app.logs());
    assert!(t.app.wait_for_log("rejected message not counted", Duration::from_secs(30)).await, "{}", t.app.logs());
    // Acknowledged, never redelivered: the runtime counted the handler's success.
    let text = t.scrape().await;
    assert!(!text.contains("cityflow_app_"), "{text}");
    assert!(metric_value(&text, "cityflow_trigger_invocations_total", &[("component", "ingest"), ("outcome", "ok")]) >= 2.0, "{text}");
    assert_eq!(metric_value(&text, "cityflow_trigger_redeliveries_total", &[("component", "ingest")]), 0.0, "{text}");
    assert!(t.app.wait_for_log("application metrics left out of this scrape", Duration::from_secs(5)).await, "{}", t.app.logs());
    // GET /metrics fails the scrape visibly rather than answer counters back at zero.
    let resp = t.app.client().get(t.app.url("/metrics")).bearer_auth(token(Role::Operator)).send().await.unwrap();
    assert_eq!(resp.status(), 503);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["error"]["code"], "service_unavailable", "{body}");
    drop(black_hole);
}
