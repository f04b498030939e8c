//! The MQTT trigger and outbound MQTT, against the real Mosquitto: delivery in order,
//! acknowledgement only after success (a failing handler gets the message again), and no
//! loss across a runtime restart.

use std::time::{Duration, Instant};

use cityflow_tests::{component_wasm, metric_value, redis_url, unique_name, App};
use rumqttc::{AsyncClient, Event, MqttOptions, Packet, QoS};

fn manifest(topic: &str) -> String {
    let probe = component_wasm("mqtt_probe");
    let http_probe = component_wasm("probe");
    format!(
        r#"
spin_manifest_version = 2
[application]
name = "mqtt"
[variables]
prefix = {{ required = true }}
redis_url = {{ default = "{redis}" }}
topic = {{ default = "{topic}/#" }}
[application.trigger.mqtt]
address = "mqtt://127.0.0.1:1883"
username = ""
password = ""
keep_alive_interval = "10"
[[trigger.mqtt]]
component = "recorder"
topic = "{{{{ topic }}}}"
qos = "1"
[[trigger.http]]
route = "/probe/..."
component = "publisher"
[component.recorder]
source = "{probe}"
allowed_outbound_hosts = ["redis://127.0.0.1:6379"]
variables = {{ redis_url = "{{{{ redis_url }}}}", prefix = "{{{{ prefix }}}}" }}
[component.publisher]
source = "{http_probe}"
allowed_outbound_hosts = ["mqtt://127.0.0.1:1883"]
"#,
        redis = redis_url()
    )
}

async fn redis() -> redis::aio::MultiplexedConnection {
    redis::Client::open(redis_url()).unwrap().get_multiplexed_async_connection().await.unwrap()
}

async fn publisher() -> AsyncClient {
    let mut options = MqttOptions::new(unique_name("test-pub"), "127.0.0.1", 1883);
    options.set_keep_alive(Duration::from_secs(10));
    let (client, mut eventloop) = AsyncClient::new(options, 1024);
    tokio::spawn(async move { while eventloop.poll().await.is_ok() {} });
    client
}

async fn received(prefix: &str, want: usize, within: Duration) -> Vec<String> {
    let mut conn = redis().await;
    let started = Instant::now();
    loop {
        let list: Vec<String> = redis::cmd("LRANGE").arg(format!("{prefix}received")).arg(0).arg(-1).query_async(&mut conn).await.unwrap();
        if list.len() >= want || started.elapsed() > within {
            return list;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn cleanup(prefix: &str) {
    let mut conn = redis().await;
    let keys: Vec<String> = redis::cmd("KEYS").arg(format!("{prefix}*")).query_async(&mut conn).await.unwrap();
    if !keys.is_empty() {
        let _: i64 = redis::cmd("DEL").arg(keys).query_async(&mut conn).await.unwrap();
    }
}

async fn start(topic: &str, prefix: &str, client_prefix: &str) -> App {
    App::builder()
        .without_database()
        .manifest(manifest(topic))
        .env("SPIN_VARIABLE_PREFIX", prefix)
        .mqtt_client_prefix(client_prefix)
        .start()
        .await
}

/// Waits until the app's subscription is live by round-tripping a marker message.
async fn until_subscribed(client: &AsyncClient, topic: &str, prefix: &str) {
    let started = Instant::now();
    loop {
        client.publish(format!("{topic}/ready"), QoS::AtLeastOnce, false, r#"{"key":"ready"}"#).await.unwrap();
        if received(prefix, 1, Duration::from_millis(500)).await.contains(&"ready".to_string()) {
            let mut conn = redis().await;
            let _: i64 = redis::cmd("DEL").arg(format!("{prefix}received")).query_async(&mut conn).await.unwrap();
            return;
        }
        assert!(started.elapsed() < Duration::from_secs(20), "subscription never became live");
    }
}

#[tokio::test]
async fn messages_are_delivered_in_order_and_failures_are_redelivered() {
    let topic = unique_name("cityflow-test");
    let prefix = format!("{}:", unique_name("mqtt"));
    let app = start(&topic, &prefix, &unique_name("cf")).await;
    let client = publisher().await;
    until_subscribed(&client, &topic, &prefix).await;

    for i in 0..20 {
        client.publish(format!("{topic}/sensor-a"), QoS::AtLeastOnce, false, format!(r#"{{"key":"m{i}"}}"#)).await.unwrap();
    }
    let list = received(&prefix, 20, Duration::from_secs(20)).await;
    let expected: Vec<String> = (0..20).map(|i| format!("m{i}")).collect();
    assert_eq!(list, expected, "{}", app.logs());

    // A handler that fails twice still gets the message, exactly once to completion.
    client.publish(format!("{topic}/sensor-b"), QoS::AtLeastOnce, false, r#"{"key":"flaky","fail_times":2}"#).await.unwrap();
    let list = received(&prefix, 21, Duration::from_secs(30)).await;
    assert_eq!(list.iter().filter(|k| *k == "flaky").count(), 1, "{list:?}\n{}", app.logs());
    let mut conn = redis().await;
    let attempts: i64 = redis::cmd("GET").arg(format!("{prefix}attempts:flaky")).query_async(&mut conn).await.unwrap();
    assert_eq!(attempts, 3);

    // 20 messages, the flaky one and at least one readiness marker, all handled to success;
    // the flaky one failed twice and was handled again twice.
    let text = app.client().get(app.admin_url("/metrics")).send().await.unwrap().text().await.unwrap();
    let labels = |outcome| [("trigger", "mqtt"), ("component", "recorder"), ("outcome", outcome)];
    assert!(metric_value(&text, "cityflow_trigger_invocations_total", &labels("ok")) >= 22.0, "{text}");
    assert_eq!(metric_value(&text, "cityflow_trigger_invocations_total", &labels("error")), 2.0, "{text}");
    assert_eq!(metric_value(&text, "cityflow_trigger_redeliveries_total", &[("component", "recorder")]), 2.0, "{text}");
    cleanup(&prefix).await;
}

#[tokio::test]
async fn nothing_published_while_the_runtime_is_down_is_lost() {
    let topic = unique_name("cityflow-test");
    let prefix = format!("{}:", unique_name("mqtt"));
    let session = unique_name("cf");
    let app = start(&topic, &prefix, &session).await;
    let client = publisher().await;
    until_subscribed(&client, &topic, &prefix).await;
    drop(app); // killed, not stopped: no clean shutdown

    for i in 0..10 {
        client.publish(format!("{topic}/sensor-c"), QoS::AtLeastOnce, false, format!(r#"{{"key":"offline{i}"}}"#)).await.unwrap();
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    let app = start(&topic, &prefix, &session).await;
    let list = received(&prefix, 10, Duration::from_secs(20)).await;
    let expected: Vec<String> = (0..10).map(|i| format!("offline{i}")).collect();
    assert_eq!(list, expected, "{}", app.logs());
    cleanup(&prefix).await;
}

#[tokio::test]
async fn components_publish_over_mqtt_only_when_allowed() {
    let topic = unique_name("cityflow-test");
    let prefix = format!("{}:", unique_name("mqtt"));
    let app = start(&topic, &prefix, &unique_name("cf")).await;

    let mut options = MqttOptions::new(unique_name("test-sub"), "127.0.0.1", 1883);
    options.set_keep_alive(Duration::from_secs(10));
    let (sub, mut eventloop) = AsyncClient::new(options, 64);
    sub.subscribe(format!("{topic}-out"), QoS::AtLeastOnce).await.unwrap();
    let (tx, mut rx) = tokio::sync::mpsc::channel(8);
    tokio::spawn(async move {
        while let Ok(event) = eventloop.poll().await {
            match event {
                Event::Incoming(Packet::SubAck(_)) => { let _ = tx.send(None).await; }
                Event::Incoming(Packet::Publish(p)) => { let _ = tx.send(Some(String::from_utf8_lossy(&p.payload).into_owned())).await; }
                _ => {}
            }
        }
    });
    assert_eq!(rx.recv().await, Some(None), "subscribed");

    let url = app.url(&format!("/probe/x?do=mqtt&addr=mqtt%3A%2F%2F127.0.0.1%3A1883&topic={topic}-out&text=bonjour"));
    let resp = app.client().get(url).send().await.unwrap();
    assert_eq!(resp.status(), 200, "{}", resp.text().await.unwrap());
    let got = tokio::time::timeout(Duration::from_secs(5), rx.recv()).await.unwrap();
    assert_eq!(got, Some(Some("bonjour".to_string())));

    let url = app.url(&format!("/probe/x?do=mqtt&addr=mqtt%3A%2F%2F127.0.0.2%3A1883&topic={topic}-out&text=nope"));
    let resp = app.client().get(url).send().await.unwrap();
    assert_eq!(resp.status(), 502);
    assert!(resp.text().await.unwrap().contains("not permitted"));
}
