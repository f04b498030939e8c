//! The simulator against the real Mosquitto on 127.0.0.1:1883 (CITYFLOW_TEST_MQTT overrides).
//! Topics are under a prefix of the test's own, so no running CityFlow ingests them.

use std::time::Duration;

use cityflow_simulator::{simulate, SimulateOptions};
use rumqttc::{AsyncClient, Event, MqttOptions, Packet, QoS};

fn broker() -> String {
    std::env::var("CITYFLOW_TEST_MQTT").unwrap_or_else(|_| "mqtt://127.0.0.1:1883".to_string())
}

/// Subscribes to `prefix/#` and collects payloads until `expected` arrived (or 30 s).
async fn collect(prefix: &str) -> (tokio::sync::mpsc::Receiver<(String, Vec<u8>)>, AsyncClient) {
    let opts = SimulateOptions { broker: broker(), ..Default::default() };
    let (host, port) = opts.broker_address().unwrap();
    let mut options = MqttOptions::new(format!("sim-test-{}", rand_suffix()), host, port);
    options.set_max_packet_size(4 << 20, 4 << 20);
    let (client, mut eventloop) = AsyncClient::new(options, 100);
    client.subscribe(format!("{prefix}/#"), QoS::AtLeastOnce).await.unwrap();
    let (tx, rx) = tokio::sync::mpsc::channel(100_000);
    let (subscribed_tx, subscribed_rx) = tokio::sync::oneshot::channel();
    let mut subscribed_tx = Some(subscribed_tx);
    tokio::spawn(async move {
        while let Ok(event) = eventloop.poll().await {
            match event {
                Event::Incoming(Packet::SubAck(_)) => {
                    if let Some(tx) = subscribed_tx.take() {
                        let _ = tx.send(());
                    }
                }
                Event::Incoming(Packet::Publish(p)) => {
                    let _ = tx.send((p.topic.clone(), p.payload.to_vec())).await;
                }
                _ => {}
            }
        }
    });
    tokio::time::timeout(Duration::from_secs(10), subscribed_rx).await.expect("SUBACK").unwrap();
    (rx, client)
}

fn rand_suffix() -> String {
    format!("{}-{:x}", std::process::id(), std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos())
}

async fn receive(rx: &mut tokio::sync::mpsc::Receiver<(String, Vec<u8>)>, n: usize) -> Vec<(String, Vec<u8>)> {
    let mut got = Vec::new();
    while got.len() < n {
        match tokio::time::timeout(Duration::from_secs(30), rx.recv()).await {
            Ok(Some(m)) => got.push(m),
            _ => break,
        }
    }
    got
}

#[tokio::test]
async fn publishes_single_readings_of_the_generated_city() {
    let prefix = format!("cityflow-test/sim-{}", rand_suffix());
    let (mut rx, _client) = collect(&prefix).await;
    let opts = SimulateOptions {
        sensors: 30,
        interval: Duration::from_millis(50),
        count: Some(90),
        broker: broker(),
        topic_prefix: prefix.clone(),
        seed: Some(11),
        quiet: true,
        ..Default::default()
    };
    let summary = simulate(opts).await.unwrap();
    assert_eq!((summary.messages, summary.readings, summary.unacknowledged, summary.sensors), (90, 90, 0, 30));
    let messages = receive(&mut rx, 90).await;
    assert_eq!(messages.len(), 90);
    let now = chrono::Utc::now();
    let mut keys = std::collections::HashSet::new();
    for (topic, payload) in &messages {
        let readings = traffic_model::parse_message(payload, now).expect("valid for ingest");
        assert_eq!(readings.len(), 1);
        assert_eq!(topic, &format!("{prefix}/{}", readings[0].sensor_id));
        assert!(readings[0].from_node.is_some() && readings[0].length_m.is_some());
        assert!(keys.insert((readings[0].ts, readings[0].sensor_id.clone())), "no duplicate (ts, sensor_id)");
    }
}

#[tokio::test]
async fn publishes_batches_as_json_arrays() {
    let prefix = format!("cityflow-test/sim-{}", rand_suffix());
    let (mut rx, _client) = collect(&prefix).await;
    let opts = SimulateOptions {
        sensors: 250,
        interval: Duration::ZERO,
        batch: 100,
        count: Some(1000),
        broker: broker(),
        topic_prefix: prefix.clone(),
        quiet: true,
        ..Default::default()
    };
    let summary = simulate(opts).await.unwrap();
    // 4 rounds of 250 readings: 100 + 100 + 50 per round.
    assert_eq!((summary.messages, summary.readings, summary.unacknowledged), (12, 1000, 0));
    let messages = receive(&mut rx, 12).await;
    let sizes: Vec<usize> = messages
        .iter()
        .map(|(_, p)| traffic_model::parse_message(p, chrono::Utc::now()).expect("valid batch").len())
        .collect();
    assert_eq!(sizes.iter().sum::<usize>(), 1000, "{sizes:?}");
    assert!(sizes.iter().all(|&s| s == 100 || s == 50), "{sizes:?}");
}

#[tokio::test]
async fn an_unreachable_broker_is_reported() {
    let opts = SimulateOptions { broker: "mqtt://127.0.0.1:1".to_string(), count: Some(1), quiet: true, ..Default::default() };
    let err = simulate(opts).await.unwrap_err();
    assert!(err.to_string().contains("cannot connect to the MQTT broker"), "{err}");
}
