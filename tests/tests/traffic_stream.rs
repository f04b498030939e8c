//! `GET /api/stream` end to end: Server-Sent Events fed by readings published over MQTT to
//! the real Mosquitto and stored by the real ingest component, read back from the Redis
//! streams by the traffic-api component on the real runtime. A stock HTTP client (reqwest)
//! reads the raw `text/event-stream`; the test parses the frames itself.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use chrono::{SecondsFormat, Utc};
use cityflow_tests::traffic::{manifest_without_cron, runtime_config, EventStream, Frame, Next, Publisher};
use cityflow_tests::{redis_url, unique_name, App};
use redis::AsyncCommands;
use serde_json::{json, Value};

async fn cleanup_redis(url: &str, prefix: &str) {
    let mut conn = redis::Client::open(url).unwrap().get_multiplexed_async_connection().await.unwrap();
    let keys: Vec<String> = conn.keys(format!("{prefix}*")).await.unwrap();
    if !keys.is_empty() {
        let _: i64 = conn.del(keys).await.unwrap();
    }
}

fn reading(road: &str, speed: f64) -> Value {
    json!({"ts": Utc::now().to_rfc3339_opts(SecondsFormat::Micros, true), "sensor_id": format!("{road}-S"), "road_id": road,
           "speed_kmh": speed, "flow_rate": 640.0, "occupancy": 0.25})
}

/// The event ingest publishes for a reading: the validated reading re-serialised, ts in UTC.
fn as_published(reading: &Value) -> Value {
    let mut event = reading.clone();
    let ts = chrono::DateTime::parse_from_rfc3339(reading["ts"].as_str().unwrap()).unwrap().with_timezone(&Utc);
    event["ts"] = json!(ts.to_rfc3339_opts(SecondsFormat::AutoSi, true));
    event
}

async fn stream_len(prefix: &str) -> usize {
    let mut conn = redis::Client::open(redis_url()).unwrap().get_multiplexed_async_connection().await.unwrap();
    redis::cmd("XLEN").arg(format!("{prefix}stream:traffic")).query_async(&mut conn).await.unwrap()
}

#[tokio::test]
async fn a_reading_arrives_within_a_second_and_a_reconnect_gets_exactly_the_missed_ones() {
    let prefix = format!("{}:", unique_name("traffic_sse"));
    let app = App::builder().manifest(manifest_without_cron()).runtime_config(runtime_config()).env("SPIN_VARIABLE_REDIS_PREFIX", &prefix).start().await;
    let tag = unique_name("SSE");
    let road = format!("{tag}-R1");
    let mqtt = Publisher::connect().await;
    mqtt.until_ingesting(&app, &format!("{tag}-marker")).await;
    let url = app.url(&format!("/api/stream?roads={road}"));

    // The head and the first frame: the reconnection delay and the starting position.
    let mut stream = EventStream::open(&url, None).await;
    assert_eq!(stream.response.headers()["content-type"], "text/event-stream");
    assert_eq!(stream.response.headers()["cache-control"], "no-cache");
    let Next::Frame(opening) = stream.next(Duration::from_secs(10)).await else { panic!("no opening frame") };
    assert_eq!(opening.retry, Some(3000));
    assert_eq!(opening.id.as_deref().map(|id| id.split(',').count()), Some(3), "{opening:?}");
    assert_eq!((opening.event.as_ref(), opening.data.as_ref()), (None, None));

    // Published over MQTT, stored by ingest, appended to the Redis stream, pushed to us.
    let first = reading(&road, 42.5);
    let published = Instant::now();
    mqtt.publish(&format!("{road}-S"), first.to_string()).await;
    let event = stream.next_event(Duration::from_secs(10)).await;
    let latency = published.elapsed();
    println!("MQTT publish to SSE event: {latency:?}");
    assert!(latency < Duration::from_secs(1), "the reading took {latency:?}");
    assert_eq!(event.event.as_deref(), Some("traffic"));
    assert_eq!(event.json(), as_published(&first), "the data is the event object itself, not a JSON string");
    let resume_from = event.id.clone().expect("an event id");
    drop(stream);

    // Missed while disconnected: three readings (one for another road, which the filter
    // leaves out), all stored and in the stream before we come back.
    let before = stream_len(&prefix).await;
    let missed: Vec<Value> = [30.0, 20.0, 10.0].iter().map(|speed| reading(&road, *speed)).collect();
    let other = reading(&format!("{tag}-R2"), 50.0);
    for (i, r) in missed.iter().enumerate() {
        mqtt.publish(&format!("{road}-S"), r.to_string()).await;
        if i == 0 {
            mqtt.publish(&format!("{tag}-R2-S"), other.to_string()).await;
        }
    }
    let deadline = Instant::now() + Duration::from_secs(30);
    let db = app.db().await;
    loop {
        let ours: i64 = db.query_one("SELECT count(*) FROM traffic_raw WHERE road_id LIKE $1", &[&format!("{tag}-R%")]).await.unwrap().get(0);
        if ours == 5 && stream_len(&prefix).await >= before + 4 {
            break;
        }
        assert!(Instant::now() < deadline, "{ours} of 5 readings stored:\n{}", app.logs());
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    // Back with Last-Event-ID: exactly the three missed, in order, then live again.
    let mut stream = EventStream::open(&url, Some(&resume_from)).await;
    let mut got: Vec<Frame> = Vec::new();
    while got.len() < 3 {
        got.push(stream.next_event(Duration::from_secs(10)).await);
    }
    assert_eq!(got.iter().map(Frame::json).collect::<Vec<_>>(), missed.iter().map(as_published).collect::<Vec<_>>());
    assert!(got.iter().all(|f| f.event.as_deref() == Some("traffic")));
    let ids: Vec<&str> = got.iter().map(|f| f.id.as_deref().unwrap()).collect();
    assert!(ids.windows(2).all(|w| w[0] != w[1]), "{ids:?}");
    let after = reading(&road, 55.0);
    mqtt.publish(&format!("{road}-S"), after.to_string()).await;
    assert_eq!(stream.next_event(Duration::from_secs(10)).await.json(), as_published(&after), "nothing else was replayed");
    drop(stream);

    // Clients that cannot set headers resume with ?last_event_id=: the same three.
    let with_param = app.url(&format!("/api/stream?roads={road}&last_event_id={resume_from}"));
    let mut stream = EventStream::open(&with_param, None).await;
    for want in &missed {
        assert_eq!(stream.next_event(Duration::from_secs(10)).await.json(), as_published(want));
    }
    drop(stream);
    // The app first: until it stops, other tests' readings keep arriving over MQTT.
    drop(app);
    cleanup_redis(&redis_url(), &prefix).await;
}

#[tokio::test]
async fn a_quiet_stream_gets_a_heartbeat_comment() {
    let prefix = format!("{}:", unique_name("traffic_quiet"));
    let app = App::builder().manifest(manifest_without_cron()).runtime_config(runtime_config()).env("SPIN_VARIABLE_REDIS_PREFIX", &prefix).start().await;
    // A road nobody publishes: other tests' readings move the positions but pass no filter.
    let mut stream = EventStream::open(&app.url(&format!("/api/stream?roads={}", unique_name("QUIET"))), None).await;
    let Next::Frame(opening) = stream.next(Duration::from_secs(10)).await else { panic!("no opening frame") };
    assert_eq!(opening.retry, Some(3000));
    // 15 s of silence, then a comment (with the moved position when readings were skipped).
    let Next::Frame(heartbeat) = stream.next(Duration::from_secs(25)).await else { panic!("no heartbeat") };
    assert_eq!(heartbeat.comments, vec!["heartbeat".to_string()], "{heartbeat:?}");
    assert_eq!((heartbeat.event, heartbeat.data), (None, None));
    drop(stream);
    drop(app);
    cleanup_redis(&redis_url(), &prefix).await;
}

#[tokio::test]
async fn a_resume_from_events_the_capped_stream_dropped_starts_with_a_gap_event() {
    let prefix = format!("{}:", unique_name("traffic_gap"));
    let app = App::builder().manifest(manifest_without_cron()).runtime_config(runtime_config()).env("SPIN_VARIABLE_REDIS_PREFIX", &prefix).start().await;
    let road = unique_name("GAP");
    let key = format!("{prefix}stream:traffic");
    let mut conn = redis::Client::open(redis_url()).unwrap().get_multiplexed_async_connection().await.unwrap();
    let mut ids = Vec::new();
    for speed in [10.0, 20.0, 30.0, 40.0, 50.0] {
        let id: String =
            redis::cmd("XADD").arg(&key).arg("*").arg("data").arg(reading(&road, speed).to_string()).query_async(&mut conn).await.unwrap();
        ids.push(id);
    }
    // The cap keeps the newest two: the first three are gone.
    let _: i64 = redis::cmd("XTRIM").arg(&key).arg("MAXLEN").arg(2).query_async(&mut conn).await.unwrap();
    let url = app.url(&format!("/api/stream?roads={road}"));

    // From the first id: the client missed the second and third, and is told so first.
    let mut stream = EventStream::open(&url, Some(&format!("{},0-0,0-0", ids[0]))).await;
    let gap = stream.next_event(Duration::from_secs(10)).await;
    assert_eq!(gap.event.as_deref(), Some("gap"), "{gap:?}");
    assert_eq!(gap.json()["feeds"], json!(["traffic"]));
    assert!(gap.json()["message"].as_str().unwrap().contains("read the current state again"));
    for speed in [40.0, 50.0] {
        let event = stream.next_event(Duration::from_secs(10)).await;
        assert_eq!((event.event.as_deref(), event.json()["speed_kmh"].as_f64()), (Some("traffic"), Some(speed)), "{event:?}");
    }
    drop(stream);

    // From a kept entry nothing was missed: no gap, straight to the next event.
    let mut stream = EventStream::open(&url, Some(&format!("{},0-0,0-0", ids[3]))).await;
    let event = stream.next_event(Duration::from_secs(10)).await;
    assert_eq!((event.event.as_deref(), event.json()["speed_kmh"].as_f64()), (Some("traffic"), Some(50.0)), "{event:?}");
    drop(stream);
    drop(app);
    cleanup_redis(&redis_url(), &prefix).await;
}

/// A Redis server of the test's own, so stopping it does not disturb other tests.
struct OwnRedis {
    child: Child,
    port: u16,
}

impl OwnRedis {
    async fn start() -> OwnRedis {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let child = Command::new("redis-server")
            .args(["--port", &port.to_string(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("redis-server (apt install redis-server)");
        let redis = OwnRedis { child, port };
        let deadline = Instant::now() + Duration::from_secs(10);
        while redis::Client::open(redis.url()).unwrap().get_multiplexed_async_connection().await.is_err() {
            assert!(Instant::now() < deadline, "redis-server did not start on port {port}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        redis
    }

    fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for OwnRedis {
    fn drop(&mut self) {
        self.stop();
    }
}

#[tokio::test]
async fn with_redis_down_reads_answer_from_postgres_and_the_stream_ends_with_an_error_event() {
    let mut redis = OwnRedis::start().await;
    let prefix = format!("{}:", unique_name("traffic_down"));
    let app = App::builder()
        .manifest(manifest_without_cron())
        .runtime_config(runtime_config())
        .env("SPIN_VARIABLE_REDIS_PREFIX", &prefix)
        .env("SPIN_VARIABLE_REDIS_PORT", &redis.port.to_string())
        .start()
        .await;
    let db = app.db().await;
    db.batch_execute(
        "INSERT INTO roads (road_id, label, lat, lng) VALUES ('DOWN-1', 'Rue', -45.0, -150.0);
         INSERT INTO traffic_raw VALUES (now() - interval '1 minute', 'DOWN-1-S', 'DOWN-1', 33.0, 500.0, 0.2);",
    )
    .await
    .unwrap();
    let client = app.client();
    let roads_path = "/api/roads?bbox=-151,-46,-149,-44";
    let answer = |path: &'static str| {
        let client = client.clone();
        let url = app.url(path);
        async move {
            let response = client.get(url).send().await.unwrap();
            let cache = response.headers().get("x-cache").map(|v| v.to_str().unwrap().to_string());
            (response.status().as_u16(), cache, response.json::<Value>().await.unwrap())
        }
    };
    let (status, cache, up) = answer(roads_path).await;
    assert_eq!((status, cache.as_deref()), (200, Some("miss")));
    assert_eq!(up["items"][0]["latest"]["speed_kmh"], 33.0);

    let mut stream = EventStream::open(&app.url("/api/stream"), None).await;
    let Next::Frame(opening) = stream.next(Duration::from_secs(10)).await else { panic!("no opening frame") };
    assert_eq!(opening.retry, Some(3000));

    redis.stop();

    // The open stream: an `error` event whose data is a JSON error object, then the end.
    let error = stream.next_event(Duration::from_secs(20)).await;
    assert_eq!(error.event.as_deref(), Some("error"));
    assert_eq!(error.json()["error"]["code"], "service_unavailable", "{error:?}");
    assert_eq!(stream.next(Duration::from_secs(10)).await, Next::Closed);

    // Reads still answer, from Postgres.
    let (status, cache, down) = answer(roads_path).await;
    assert_eq!((status, cache.as_deref()), (200, Some("bypass")));
    assert_eq!(down, up);
    let (status, cache, live) = answer("/api/traffic/live?roads=DOWN-1").await;
    assert_eq!((status, cache.as_deref()), (200, Some("bypass")));
    assert_eq!(live["items"][0]["road_id"], "DOWN-1");
    let (status, _, history) = answer("/api/traffic/history?road_id=DOWN-1").await;
    assert_eq!((status, history["items"].as_array().map(Vec::len)), (200, Some(1)));

    // A new stream while Redis is down: the retry hint, the error event, a clean end.
    let mut stream = EventStream::open(&app.url("/api/stream"), None).await;
    let mut frames = Vec::new();
    loop {
        match stream.next(Duration::from_secs(20)).await {
            Next::Frame(frame) => frames.push(frame),
            Next::Closed => break,
            Next::Quiet => panic!("the stream neither failed nor ended: {frames:?}"),
        }
    }
    let last = frames.last().expect("a frame");
    assert_eq!((last.event.as_deref(), last.retry), (Some("error"), Some(3000)), "{frames:?}");
    assert_eq!(last.json()["error"]["code"], "service_unavailable");
    assert!(app.wait_for_log("response cache bypassed", Duration::from_secs(5)).await, "{}", app.logs());
}
