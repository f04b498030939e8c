//! Running the MQTT subscriptions: one broker session per `[[trigger.mqtt]]`, messages
//! handed to worker tasks (per-topic order kept), acknowledged only once handled.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{anyhow, Result};
use rumqttc::{AsyncClient, Event, MqttOptions, Packet, Publish, QoS};
use tokio::sync::mpsc;

use super::spin::mqtt_trigger::spin_mqtt_types::Metadata;
use crate::app::{App, ResolvedMqtt, ResolvedSubscription};
use crate::metrics::METRICS;

/// Largest message the trigger accepts (a batch of readings is well below this).
const MAX_PACKET_BYTES: usize = 4 << 20;
/// Attempts to handle one message in process before handing it back to the broker.
const ATTEMPTS: u32 = 4;

#[derive(Debug, Clone)]
pub struct MqttRunOptions {
    /// Client ids are `<prefix>-<component>-<n>`; keep it stable across restarts so the
    /// broker's persistent session redelivers what was not acknowledged.
    pub client_prefix: String,
    /// Handler instances running at once per subscription (Spin runs one).
    pub concurrency: usize,
}

/// Runs every subscription until the process ends.
pub async fn run(app: Arc<App>, mqtt: ResolvedMqtt, options: MqttRunOptions) {
    let tasks: Vec<_> = mqtt
        .subscriptions
        .iter()
        .enumerate()
        .map(|(index, sub)| tokio::spawn(run_subscription(app.clone(), mqtt.clone(), sub.clone(), index, options.clone())))
        .collect();
    futures::future::join_all(tasks).await;
}

async fn run_subscription(app: Arc<App>, mqtt: ResolvedMqtt, sub: ResolvedSubscription, index: usize, options: MqttRunOptions) {
    let client_id = format!("{}-{}-{index}", options.client_prefix, sub.component);
    let mut mqtt_options = MqttOptions::new(client_id.clone(), mqtt.host.clone(), mqtt.port);
    mqtt_options
        .set_keep_alive(Duration::from_secs(mqtt.keep_alive_secs.max(5)))
        .set_clean_session(false)
        .set_manual_acks(true)
        .set_max_packet_size(MAX_PACKET_BYTES, MAX_PACKET_BYTES);
    if !mqtt.username.is_empty() {
        mqtt_options.set_credentials(mqtt.username.clone(), mqtt.password.clone());
    }
    let (client, mut eventloop) = AsyncClient::new(mqtt_options, 256);
    let qos = match sub.qos {
        0 => QoS::AtMostOnce,
        1 => QoS::AtLeastOnce,
        _ => QoS::ExactlyOnce,
    };

    // Unbounded on purpose: the event loop must never wait on a worker, because a worker
    // waits on the event loop to send its acknowledgement. The broker bounds what arrives
    // unacknowledged (its inflight window for QoS 1/2).
    let workers: Vec<mpsc::UnboundedSender<(Publish, Instant)>> = (0..options.concurrency.max(1))
        .map(|_| {
            let (tx, rx) = mpsc::unbounded_channel();
            tokio::spawn(work(app.clone(), client.clone(), sub.component.clone(), rx));
            tx
        })
        .collect();

    let mut backoff = Duration::from_millis(100);
    loop {
        match eventloop.poll().await {
            Ok(Event::Incoming(Packet::ConnAck(ack))) => {
                tracing::info!(client = %client_id, session_present = ack.session_present, "mqtt connected; subscribing to {}", sub.topic);
                backoff = Duration::from_millis(100);
                app.mqtt_connected.store(true, std::sync::atomic::Ordering::Release);
                // Resubscribe on every connect: a broker that lost its state has no session.
                if let Err(e) = client.try_subscribe(sub.topic.clone(), qos) {
                    tracing::error!("mqtt subscribe failed: {e}");
                }
            }
            Ok(Event::Incoming(Packet::Publish(publish))) => {
                let worker = &workers[worker_for(&publish.topic, workers.len())];
                if worker.send((publish, Instant::now())).is_err() {
                    return;
                }
            }
            Ok(Event::Incoming(Packet::SubAck(ack))) => {
                if ack.return_codes.iter().any(|c| matches!(c, rumqttc::SubscribeReasonCode::Failure)) {
                    tracing::error!(topic = %sub.topic, "broker refused the subscription");
                }
            }
            Ok(_) => {}
            Err(e) => {
                app.mqtt_connected.store(false, std::sync::atomic::Ordering::Release);
                tracing::warn!(client = %client_id, "mqtt connection lost ({e}); reconnecting in {backoff:?}");
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(Duration::from_secs(10));
            }
        }
    }
}

/// Messages of one topic always go to the same worker, so they are handled in order.
fn worker_for(topic: &str, workers: usize) -> usize {
    let mut h = DefaultHasher::new();
    topic.hash(&mut h);
    (h.finish() % workers as u64) as usize
}

async fn work(app: Arc<App>, client: AsyncClient, component: String, mut rx: mpsc::UnboundedReceiver<(Publish, Instant)>) {
    let invocations = |outcome: &str| METRICS.trigger_invocations.with_label_values(&["mqtt", &component, outcome]).inc();
    while let Some((publish, received)) = rx.recv().await {
        METRICS.trigger_lag.with_label_values(&["mqtt", &component]).observe(received.elapsed().as_secs_f64());
        if publish.dup {
            METRICS.trigger_redeliveries.with_label_values(&[&component]).inc();
        }
        let mut attempt = 0;
        loop {
            attempt += 1;
            if attempt > 1 {
                METRICS.trigger_redeliveries.with_label_values(&[&component]).inc();
            }
            match app.handle_mqtt(&component, &publish.topic, &publish.payload).await {
                Ok(()) => {
                    invocations("ok");
                    if publish.qos != QoS::AtMostOnce {
                        if let Err(e) = client.ack(&publish).await {
                            tracing::warn!("mqtt ack failed: {e}");
                        }
                    }
                    break;
                }
                Err(e) if attempt < ATTEMPTS && publish.qos != QoS::AtMostOnce => {
                    invocations("error");
                    let wait = Duration::from_millis(200 * 2u64.pow(attempt));
                    tracing::warn!(component = %component, topic = %publish.topic, attempt, "handler failed: {e:#}; retrying in {wait:?}");
                    tokio::time::sleep(wait).await;
                }
                Err(e) if publish.qos == QoS::AtMostOnce => {
                    invocations("error");
                    tracing::error!(component = %component, topic = %publish.topic, "handler failed, QoS 0 message dropped: {e:#}");
                    break;
                }
                Err(e) => {
                    invocations("error");
                    // Leave it unacknowledged and reconnect: the broker redelivers every
                    // unacknowledged message of the persistent session.
                    tracing::error!(component = %component, topic = %publish.topic, "handler failed {attempt} times: {e:#}; handing the message back to the broker");
                    let _ = client.disconnect().await;
                    break;
                }
            }
        }
    }
}

impl App {
    /// One message through one fresh instance, under the same deadline as a request.
    pub async fn handle_mqtt(self: &Arc<Self>, component_id: &str, topic: &str, payload: &[u8]) -> Result<()> {
        let component = self.component(component_id).ok_or_else(|| anyhow!("no component `{component_id}`"))?;
        let pre = component.mqtt.clone().ok_or_else(|| anyhow!("component `{component_id}` does not export handle-message"))?;
        let started = Instant::now();
        let mut store = self.new_store(&component, None);
        self.within_deadline(async {
            let t0 = Instant::now();
            let instance = pre.instantiate_async(&mut store).await?;
            self.record_instantiation(component_id, t0.elapsed());
            instance.call_handle_message(&mut store, &payload.to_vec(), &Metadata { topic: topic.to_string() }).await
        })
        .await?;
        tracing::debug!(target: "cityflow::mqtt", component = component_id, topic, duration_us = started.elapsed().as_micros() as u64, "handled");
        Ok(())
    }
}
