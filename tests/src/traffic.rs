//! Helpers of the traffic API tests: the repository's application without its cron triggers
//! (the tests run the jobs themselves, through `POST /jobs/*`), an MQTT publisher that waits
//! until the app's ingest is subscribed, and a Server-Sent Events client that keeps the wire
//! format visible (frames as sent, comments included).

use std::time::{Duration, Instant};

use rumqttc::{AsyncClient, MqttOptions, QoS};

use crate::{root, unique_name, App};

/// The repository's spin.toml with every `[[trigger.cron]]` removed and component sources
/// made absolute (the harness writes an inline manifest into a scratch directory).
pub fn manifest_without_cron() -> String {
    let text = std::fs::read_to_string(root().join("spin.toml")).expect("read spin.toml");
    let mut doc: toml::Table = text.parse().expect("spin.toml is TOML");
    if let Some(triggers) = doc.get_mut("trigger").and_then(|t| t.as_table_mut()) {
        triggers.remove("cron");
    }
    let components = doc.get_mut("component").and_then(|c| c.as_table_mut()).expect("components");
    for (_, component) in components.iter_mut() {
        let component = component.as_table_mut().expect("a component table");
        if let Some(source) = component.get("source").and_then(|s| s.as_str()) {
            let absolute = root().join(source).display().to_string();
            component.insert("source".into(), toml::Value::String(absolute));
        }
    }
    toml::to_string(&doc).expect("serialise the manifest")
}

/// The repository's runtime config (key-value store, pools, memory cap).
pub fn runtime_config() -> String {
    std::fs::read_to_string(root().join("runtime-config.toml")).expect("read runtime-config.toml")
}

/// A QoS 1 publisher on the shared Mosquitto (`cityflow/traffic/<topic>`).
pub struct Publisher {
    client: AsyncClient,
}

impl Publisher {
    pub async fn connect() -> Publisher {
        let mut options = MqttOptions::new(unique_name("traffic-test"), "127.0.0.1", 1883);
        options.set_keep_alive(Duration::from_secs(10)).set_max_packet_size(4 << 20, 4 << 20);
        let (client, mut eventloop) = AsyncClient::new(options, 1024);
        tokio::spawn(async move { while eventloop.poll().await.is_ok() {} });
        Publisher { client }
    }

    pub async fn publish(&self, topic_id: &str, payload: String) {
        self.client.publish(format!("cityflow/traffic/{topic_id}"), QoS::AtLeastOnce, false, payload).await.expect("publish");
    }

    /// Publishes marker readings on `marker_road` until the app stores one: the app
    /// subscribes only after it prints its address.
    pub async fn until_ingesting(&self, app: &App, marker_road: &str) {
        let started = Instant::now();
        let db = app.db().await;
        loop {
            let reading = serde_json::json!({
                "ts": chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
                "sensor_id": marker_road, "road_id": marker_road,
                "speed_kmh": 50.0, "flow_rate": 100.0, "occupancy": 0.05,
            });
            self.publish(marker_road, reading.to_string()).await;
            let deadline = Instant::now() + Duration::from_millis(500);
            while Instant::now() < deadline {
                let stored: i64 = db.query_one("SELECT count(*) FROM traffic_raw WHERE road_id = $1", &[&marker_road]).await.unwrap().get(0);
                if stored > 0 {
                    return;
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            assert!(started.elapsed() < Duration::from_secs(60), "the MQTT trigger never stored a reading:\n{}", app.logs());
        }
    }
}

/// One Server-Sent Events block, as sent: fields in order, comments kept.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Frame {
    pub event: Option<String>,
    pub id: Option<String>,
    pub retry: Option<u64>,
    /// `data:` lines, joined with `\n` as the SSE spec joins them.
    pub data: Option<String>,
    pub comments: Vec<String>,
}

impl Frame {
    /// The data as JSON (a JSON object, not a string holding JSON, is what the API sends).
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(self.data.as_deref().expect("a data line")).expect("data is JSON")
    }

    fn parse(block: &str) -> Frame {
        let mut frame = Frame::default();
        for line in block.split('\n') {
            if let Some(comment) = line.strip_prefix(':') {
                frame.comments.push(comment.trim().to_string());
                continue;
            }
            let (field, value) = line.split_once(':').unwrap_or((line, ""));
            let value = value.strip_prefix(' ').unwrap_or(value).to_string();
            match field {
                "event" => frame.event = Some(value),
                "id" => frame.id = Some(value),
                "retry" => frame.retry = value.parse().ok(),
                "data" => {
                    frame.data = Some(match frame.data.take() {
                        Some(before) => format!("{before}\n{value}"),
                        None => value,
                    })
                }
                other => panic!("unexpected SSE field {other:?} in {block:?}"),
            }
        }
        frame
    }
}

/// What reading the stream gave.
#[derive(Debug, PartialEq)]
pub enum Next {
    Frame(Frame),
    /// The server ended the response.
    Closed,
    /// Nothing complete within the wait.
    Quiet,
}

/// An open `GET /api/stream`.
pub struct EventStream {
    pub response: reqwest::Response,
    buffer: String,
}

impl EventStream {
    /// Opens `url`, with `Last-Event-ID` when given; the status must be 200.
    pub async fn open(url: &str, last_event_id: Option<&str>) -> EventStream {
        let client = reqwest::Client::builder().http1_only().build().expect("client");
        let mut request = client.get(url).header("accept", "text/event-stream");
        if let Some(id) = last_event_id {
            request = request.header("last-event-id", id);
        }
        let response = request.send().await.expect("open the event stream");
        assert_eq!(response.status(), 200, "GET {url}");
        EventStream { response, buffer: String::new() }
    }

    /// The next block, waiting at most `within`.
    pub async fn next(&mut self, within: Duration) -> Next {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            if let Some(end) = self.buffer.find("\n\n") {
                let block: String = self.buffer.drain(..end + 2).collect();
                return Next::Frame(Frame::parse(block.trim_end_matches('\n')));
            }
            match tokio::time::timeout_at(deadline, self.response.chunk()).await {
                Err(_) => return Next::Quiet,
                Ok(Ok(Some(chunk))) => self.buffer.push_str(std::str::from_utf8(&chunk).expect("UTF-8 stream")),
                Ok(Ok(None)) | Ok(Err(_)) => return Next::Closed,
            }
        }
    }

    /// The next frame carrying an event, skipping id-only blocks and heartbeats; panics on a
    /// close or `within` without one.
    pub async fn next_event(&mut self, within: Duration) -> Frame {
        let deadline = Instant::now() + within;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.next(left).await {
                Next::Frame(frame) if frame.event.is_some() => return frame,
                Next::Frame(_) => continue,
                other => panic!("no event within {within:?}: {other:?}"),
            }
        }
    }
}
