//! Fault tests: Postgres, Redis and the MQTT broker go away and come back while the runtime
//! works (each through a `FaultProxy`, so the servers other tests share stay up), and the
//! runtime recovers on its own without losing a reading.

use std::time::{Duration, Instant};

use chrono::{SecondsFormat, Utc};
use cityflow_tests::fault_proxy::FaultProxy;
use cityflow_tests::traffic::{EventStream, Frame, Next};
use cityflow_tests::{component_wasm, redis_url, unique_name, App, TestDb};
use redis::AsyncCommands;
use rumqttc::{AsyncClient, MqttOptions, QoS};
use serde_json::json;

/// Only the ingest component, on a topic of this test's own, reaching Postgres, Redis and the
/// broker at the ports the test gives it (a proxy's or the real server's).
fn ingest_manifest(topic: &str) -> String {
    format!(
        r#"spin_manifest_version = 2
[application]
name = "faults"
[variables]
db_url = {{ required = true, secret = true }}
pg_port = {{ default = "5432" }}
redis_port = {{ default = "6379" }}
mqtt_port = {{ default = "1883" }}
redis_prefix = {{ default = "cityflow:" }}
[application.trigger.mqtt]
address = "mqtt://127.0.0.1:{{{{ mqtt_port }}}}"
username = ""
password = ""
keep_alive_interval = "5"
[[trigger.mqtt]]
component = "ingest"
topic = "{topic}/#"
qos = "1"
[component.ingest]
source = "{wasm}"
allowed_outbound_hosts = ["postgres://127.0.0.1:{{{{ pg_port }}}}", "redis://127.0.0.1:{{{{ redis_port }}}}"]
variables = {{ db_url = "{{{{ db_url }}}}", redis_url = "redis://127.0.0.1:{{{{ redis_port }}}}", redis_prefix = "{{{{ redis_prefix }}}}" }}
"#,
        wasm = component_wasm("ingest")
    )
}

/// `db_url` of `db` with its port replaced by `port`.
fn via_port(db: &TestDb, port: u16) -> String {
    let mut url = reqwest::Url::parse(&db.url).expect("test database url");
    url.set_port(Some(port)).expect("a url with a host");
    url.to_string()
}

fn reading(sensor: &str) -> String {
    let ts = Utc::now().to_rfc3339_opts(SecondsFormat::Micros, true);
    json!({"ts": ts, "sensor_id": sensor, "road_id": sensor, "speed_kmh": 30.0, "flow_rate": 500.0, "occupancy": 0.4}).to_string()
}

async fn publisher() -> AsyncClient {
    let mut options = MqttOptions::new(unique_name("faults-pub"), "127.0.0.1", 1883);
    options.set_keep_alive(Duration::from_secs(10));
    let (client, mut eventloop) = AsyncClient::new(options, 1000);
    tokio::spawn(async move { while eventloop.poll().await.is_ok() {} });
    client
}

async fn count(db: &TestDb, pattern: &str) -> i64 {
    db.client().await.query_one("SELECT count(*) FROM traffic_raw WHERE sensor_id LIKE $1", &[&pattern]).await.unwrap().get(0)
}

async fn wait_count(db: &TestDb, pattern: &str, want: i64, within: Duration) -> i64 {
    let started = Instant::now();
    loop {
        let n = count(db, pattern).await;
        if n >= want || started.elapsed() > within {
            return n;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Publishes markers until the app's subscription has stored one.
async fn until_subscribed(app: &App, db: &TestDb, mqtt: &AsyncClient, topic: &str) {
    let marker = unique_name("ready");
    let started = Instant::now();
    while count(db, &format!("{marker}%")).await == 0 {
        mqtt.publish(format!("{topic}/{marker}"), QoS::AtLeastOnce, false, reading(&format!("{marker}-{}", rand::random::<u32>()))).await.unwrap();
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert!(started.elapsed() < Duration::from_secs(30), "never subscribed:\n{}", app.logs());
    }
}

async fn delete_redis_keys(prefix: &str) {
    let mut conn = redis::Client::open(redis_url()).unwrap().get_multiplexed_async_connection().await.unwrap();
    let keys: Vec<String> = conn.keys(format!("{prefix}*")).await.unwrap();
    if !keys.is_empty() {
        let _: i64 = conn.del(keys).await.unwrap();
    }
}

async fn client_get(app: &App, path: &str) -> u16 {
    app.client().get(app.url(path)).send().await.unwrap().status().as_u16()
}

/// The next `traffic` event whose sensor id starts with `prefix` (other tests publish too).
async fn next_reading_of(stream: &mut EventStream, prefix: &str) -> Frame {
    let started = Instant::now();
    loop {
        let frame = stream.next_event(Duration::from_secs(30)).await;
        if frame.event.as_deref() == Some("traffic") && frame.json()["sensor_id"].as_str().is_some_and(|s| s.starts_with(prefix)) {
            return frame;
        }
        assert!(started.elapsed() < Duration::from_secs(30), "no traffic event for {prefix}");
    }
}

async fn healthy(app: &App) -> bool {
    matches!(app.client().get(app.admin_url("/healthz")).send().await, Ok(r) if r.status() == 200)
}

/// Postgres goes down for three seconds in the middle of a simulator run at full rate:
/// every reading published with QoS 1 is in `traffic_raw` afterwards, exactly once.
#[tokio::test]
async fn postgres_restarted_during_ingest_loses_no_reading() {
    let db = tokio::task::spawn_blocking(TestDb::create).await.unwrap().unwrap();
    let pg = reqwest::Url::parse(&db.url).unwrap();
    let proxy = FaultProxy::start(&format!("{}:{}", pg.host_str().unwrap(), pg.port().unwrap_or(5432))).await;
    let topic = unique_name("faults-pg");
    let redis_prefix = format!("{}:", unique_name("faults"));
    let app = App::builder()
        .manifest(ingest_manifest(&topic))
        .without_database()
        .env("SPIN_VARIABLE_DB_URL", &via_port(&db, proxy.port()))
        .env("SPIN_VARIABLE_PG_PORT", &proxy.port().to_string())
        .env("SPIN_VARIABLE_REDIS_PREFIX", &redis_prefix)
        .arg("--mqtt-concurrency")
        .arg("4")
        .start()
        .await;
    let mqtt = publisher().await;
    until_subscribed(&app, &db, &mqtt, &topic).await;

    let sim = tokio::spawn(cityflow_simulator::simulate(cityflow_simulator::SimulateOptions {
        sensors: 50,
        batch: 5,
        interval: Duration::from_millis(20),
        count: Some(5000),
        topic_prefix: topic.clone(),
        quiet: true,
        seed: Some(11),
        ..Default::default()
    }));
    wait_count(&db, "SIM-%", 1000, Duration::from_secs(60)).await;
    proxy.take_down();
    let at_outage = count(&db, "SIM-%").await;
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(count(&db, "SIM-%").await, at_outage, "nothing can be stored while Postgres is down");
    proxy.bring_up();

    let summary = sim.await.unwrap().expect("simulator run");
    assert_eq!((summary.readings, summary.unacknowledged), (5000, 0));
    let rows = wait_count(&db, "SIM-%", 5000, Duration::from_secs(90)).await;
    assert!(at_outage < 5000, "the outage happened mid-stream ({at_outage} rows)");
    assert_eq!(rows, 5000, "rows against readings sent (outage at {at_outage}):\n{}", app.logs());
    assert!(healthy(&app).await);
    assert!(
        app.wait_for_log("asking for redelivery", Duration::from_secs(5)).await,
        "the outage was seen and the messages redelivered:\n{}",
        app.logs()
    );
    drop(app);
    delete_redis_keys(&redis_prefix).await;
}

/// The broker connection drops for a while: QoS 1 messages published meanwhile wait in the
/// runtime's persistent session and are delivered once it has reconnected and resubscribed.
#[tokio::test]
async fn broker_outage_delivers_what_was_published_meanwhile() {
    let db = tokio::task::spawn_blocking(TestDb::create).await.unwrap().unwrap();
    let proxy = FaultProxy::start("127.0.0.1:1883").await;
    let topic = unique_name("faults-mqtt");
    let redis_prefix = format!("{}:", unique_name("faults"));
    let app = App::builder()
        .manifest(ingest_manifest(&topic))
        .without_database()
        .env("SPIN_VARIABLE_DB_URL", &db.url)
        .env("SPIN_VARIABLE_MQTT_PORT", &proxy.port().to_string())
        .env("SPIN_VARIABLE_REDIS_PREFIX", &redis_prefix)
        .start()
        .await;
    let mqtt = publisher().await;
    until_subscribed(&app, &db, &mqtt, &topic).await;

    proxy.take_down();
    assert!(app.wait_for_log("mqtt connection lost", Duration::from_secs(10)).await, "{}", app.logs());
    let tag = unique_name("offline");
    for i in 0..200 {
        mqtt.publish(format!("{topic}/{tag}"), QoS::AtLeastOnce, false, reading(&format!("{tag}-{i:03}"))).await.unwrap();
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(count(&db, &format!("{tag}-%")).await, 0, "nothing arrives while the broker is unreachable");
    proxy.bring_up();
    let rows = wait_count(&db, &format!("{tag}-%"), 200, Duration::from_secs(60)).await;
    assert_eq!(rows, 200, "messages published during the outage:\n{}", app.logs());

    // And the subscription is live again for new messages.
    let after = unique_name("after");
    for i in 0..50 {
        mqtt.publish(format!("{topic}/{after}"), QoS::AtLeastOnce, false, reading(&format!("{after}-{i:02}"))).await.unwrap();
    }
    assert_eq!(wait_count(&db, &format!("{after}-%"), 50, Duration::from_secs(30)).await, 50, "{}", app.logs());
    assert!(healthy(&app).await);
    drop(app);
    delete_redis_keys(&redis_prefix).await;
}

/// Redis goes away: the services keep answering (the live feed is what degrades), readings
/// are still stored, a live SSE client gets an `error` event and a clean end, and once Redis
/// is back it reconnects from its last event id and follows the live events again.
#[tokio::test]
async fn redis_outage_degrades_only_the_live_feed() {
    let proxy = FaultProxy::start(redis_url().trim_start_matches("redis://")).await;
    let redis_prefix = format!("{}:", unique_name("faults"));
    let app = App::builder()
        .env("SPIN_VARIABLE_REDIS_PORT", &proxy.port().to_string())
        .env("SPIN_VARIABLE_REDIS_PREFIX", &redis_prefix)
        .start()
        .await;
    let db = app.database().expect("the app's database");
    let mqtt = publisher().await;
    until_subscribed(&app, db, &mqtt, "cityflow/traffic").await;
    let stream = format!("{redis_prefix}stream:traffic");
    let mut direct = redis::Client::open(redis_url()).unwrap().get_multiplexed_async_connection().await.unwrap();

    // A live client follows the stream before the outage.
    let mut live = EventStream::open(&app.url("/api/stream"), None).await;
    let first = unique_name("sse-before");
    mqtt.publish(format!("cityflow/traffic/{first}"), QoS::AtLeastOnce, false, reading(&first)).await.unwrap();
    let seen = next_reading_of(&mut live, &first).await;
    let last_id = seen.id.clone().expect("events carry their stream position");

    proxy.take_down();
    // The stream tells its client and ends cleanly, so the client knows to reconnect.
    let ended = loop {
        match live.next(Duration::from_secs(30)).await {
            Next::Frame(frame) if frame.event.as_deref() == Some("error") => break live.next(Duration::from_secs(10)).await,
            Next::Frame(_) => continue,
            other => panic!("no error event when Redis went away: {other:?}"),
        }
    };
    assert_eq!(ended, Next::Closed);
    let roads = client_get(&app, "/api/roads").await;
    assert_eq!(roads, 200, "reads answer from Postgres while Redis is down");
    let client = app.client();
    for path in ["/transports", "/api/orchestration/city-dashboard"] {
        let resp = client.get(app.url(path)).send().await.unwrap();
        assert_eq!(resp.status(), 200, "{path} while Redis is down");
    }
    let login = client
        .post(app.url("/api/auth/login"))
        .json(&json!({"email": "nobody@example.org", "password": "wrong password"}))
        .send()
        .await
        .unwrap();
    assert_eq!(login.status(), 401, "a failed login is still a clean 401 while Redis is down");
    let down = unique_name("redisdown");
    mqtt.publish(format!("cityflow/traffic/{down}"), QoS::AtLeastOnce, false, reading(&down)).await.unwrap();
    assert_eq!(wait_count(db, &down, 1, Duration::from_secs(20)).await, 1, "stored without Redis:\n{}", app.logs());
    let before: usize = redis::cmd("XLEN").arg(&stream).query_async(&mut direct).await.unwrap();

    proxy.bring_up();
    // The client reconnects where it left off and resumes with what is published now.
    let mut resumed = EventStream::open(&app.url("/api/stream"), Some(&last_id)).await;
    let up = unique_name("redisup");
    let started = Instant::now();
    loop {
        mqtt.publish(format!("cityflow/traffic/{up}"), QoS::AtLeastOnce, false, reading(&format!("{up}-{}", rand::random::<u32>()))).await.unwrap();
        tokio::time::sleep(Duration::from_millis(300)).await;
        let now: usize = redis::cmd("XLEN").arg(&stream).query_async(&mut direct).await.unwrap();
        if now > before {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(30), "live events never resumed:\n{}", app.logs());
    }
    let after = next_reading_of(&mut resumed, &up).await;
    assert!(after.json()["sensor_id"].as_str().unwrap().starts_with(&up));
    assert!(healthy(&app).await);
    drop(app);
    delete_redis_keys(&redis_prefix).await;
}
