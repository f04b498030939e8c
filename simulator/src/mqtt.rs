//! Publishing over MQTT with rumqttc at QoS 1, counting the broker's acknowledgements so the
//! simulator can tell how much was accepted (and wait for all of it before it ends).

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::{bail, Context, Result};
use rumqttc::{AsyncClient, Event, EventLoop, MqttOptions, Packet, QoS};

#[derive(Default)]
pub struct Counters {
    pub published: AtomicU64,
    pub acked: AtomicU64,
    pub errors: AtomicU64,
    pub connected: AtomicBool,
    pub last_error: Mutex<Option<String>>,
}

pub struct Publisher {
    client: AsyncClient,
    pub counters: Arc<Counters>,
    pump: tokio::task::JoinHandle<()>,
}

/// Largest MQTT packet either way: a batch of 1,000 readings is about 300 KB.
const MAX_PACKET: usize = 4 * 1024 * 1024;

impl Publisher {
    /// Connects and waits for the broker's CONNACK (failing after `timeout`).
    pub async fn connect(host: &str, port: u16, timeout: Duration) -> Result<Publisher> {
        let id = format!("cityflow-sim-{}-{:08x}", std::process::id(), rand::random::<u32>());
        let mut options = MqttOptions::new(id, host, port);
        options
            .set_keep_alive(Duration::from_secs(30))
            .set_max_packet_size(MAX_PACKET, MAX_PACKET)
            .set_inflight(500);
        let (client, eventloop) = AsyncClient::new(options, 1024);
        let counters = Arc::new(Counters::default());
        let pump = tokio::spawn(pump(eventloop, counters.clone()));
        let waited = tokio::time::timeout(timeout, async {
            while !counters.connected.load(Ordering::Relaxed) {
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        })
        .await;
        if waited.is_err() {
            pump.abort();
            let why = counters.last_error.lock().unwrap().clone().unwrap_or_else(|| "no answer".into());
            bail!("cannot connect to the MQTT broker at {host}:{port}: {why}");
        }
        Ok(Publisher { client, counters, pump })
    }

    /// Queues one QoS 1 message; waits only when the client's queue is full.
    pub async fn publish(&self, topic: String, payload: Vec<u8>) -> Result<()> {
        self.client.publish(topic, QoS::AtLeastOnce, false, payload).await.context("the MQTT client stopped")?;
        self.counters.published.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }

    /// Waits until the broker acknowledged every message (or `timeout`), then disconnects.
    /// Returns how many stayed unacknowledged.
    pub async fn finish(self, timeout: Duration) -> u64 {
        let c = &self.counters;
        let unacked = || c.published.load(Ordering::Relaxed).saturating_sub(c.acked.load(Ordering::Relaxed));
        let _ = tokio::time::timeout(timeout, async {
            while unacked() > 0 {
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        })
        .await;
        let left = unacked();
        let _ = self.client.disconnect().await;
        let _ = tokio::time::timeout(Duration::from_secs(2), self.pump).await;
        left
    }
}

/// Drives the connection: counts PUBACKs, notes errors; rumqttc reconnects on the next poll
/// and resends what was not acknowledged, so a broker restart loses nothing.
async fn pump(mut eventloop: EventLoop, counters: Arc<Counters>) {
    loop {
        match eventloop.poll().await {
            Ok(Event::Incoming(Packet::PubAck(_))) => {
                counters.acked.fetch_add(1, Ordering::Relaxed);
            }
            Ok(Event::Incoming(Packet::ConnAck(_))) => counters.connected.store(true, Ordering::Relaxed),
            Ok(Event::Outgoing(rumqttc::Outgoing::Disconnect)) => return,
            Ok(_) => {}
            Err(rumqttc::ConnectionError::RequestsDone) => return,
            Err(e) => {
                counters.connected.store(false, Ordering::Relaxed);
                counters.errors.fetch_add(1, Ordering::Relaxed);
                *counters.last_error.lock().unwrap() = Some(e.to_string());
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        }
    }
}
