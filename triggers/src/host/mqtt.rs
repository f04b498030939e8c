//! `fermyon:spin/mqtt@2.0.0`: publishing to an MQTT broker from a component.
//!
//! One client per broker address and credentials, shared by all instances and kept
//! connected by its own event loop task; a publish is queued without waiting for the
//! network, and refused at once when the queue is full rather than stalling the guest.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use anyhow::Result;
use rumqttc::{AsyncClient, MqttOptions, QoS};
use tokio::sync::Mutex;
use wasmtime::component::{HasSelf, Linker, Resource, ResourceTable};

use super::fermyon::spin::mqtt::{self as wit, Error, Qos};
use crate::allowed_hosts::AllowedHosts;
use crate::metrics::METRICS;
use crate::mqtt::parse_broker_address;

static NEXT_CLIENT: AtomicU64 = AtomicU64::new(0);

#[derive(Default)]
pub struct MqttCapability {
    clients: Mutex<HashMap<(String, String, String), AsyncClient>>,
}

impl MqttCapability {
    pub fn add_to_linker<T: Send + 'static>(linker: &mut Linker<T>, get: fn(&mut T) -> &mut MqttInstance) -> Result<()> {
        Ok(wit::add_to_linker::<T, HasSelf<MqttInstance>>(linker, get)?)
    }

    pub fn instance(self: &Arc<Self>, allowed: Arc<AllowedHosts>) -> MqttInstance {
        MqttInstance { capability: self.clone(), allowed, table: ResourceTable::new() }
    }

    async fn client(&self, address: &str, username: &str, password: &str, keep_alive: u64) -> Result<AsyncClient, Error> {
        let key = (address.to_string(), username.to_string(), password.to_string());
        let mut clients = self.clients.lock().await;
        if let Some(client) = clients.get(&key) {
            return Ok(client.clone());
        }
        let (host, port) = parse_broker_address(address).map_err(|_| Error::InvalidAddress)?;
        let id = format!("cityflow-out-{}-{}", std::process::id(), NEXT_CLIENT.fetch_add(1, Ordering::Relaxed));
        let mut options = MqttOptions::new(id, host, port);
        options.set_keep_alive(Duration::from_secs(keep_alive.max(5)));
        if !username.is_empty() {
            options.set_credentials(username, password);
        }
        let (client, mut eventloop) = AsyncClient::new(options, 1024);
        tokio::spawn(async move {
            loop {
                if let Err(e) = eventloop.poll().await {
                    tracing::warn!("outbound mqtt connection: {e}");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
            }
        });
        clients.insert(key, client.clone());
        Ok(client)
    }
}

pub struct MqttConnection {
    client: AsyncClient,
}

pub struct MqttInstance {
    capability: Arc<MqttCapability>,
    allowed: Arc<AllowedHosts>,
    table: ResourceTable,
}

impl wit::Host for MqttInstance {}

impl wit::HostConnection for MqttInstance {
    async fn open(&mut self, address: String, username: String, password: String, keep_alive_interval_in_secs: u64) -> wasmtime::Result<Result<Resource<MqttConnection>, Error>> {
        let label = parse_broker_address(&address).map(|(h, p)| format!("{h}:{p}")).unwrap_or_else(|_| "invalid".to_string());
        if let Err(denied) = self.allowed.check_url(&address, "mqtt") {
            tracing::warn!(%denied, hint = %denied.hint(), "outbound mqtt denied");
            METRICS.outbound("mqtt", &label, "denied");
            return Ok(Err(Error::ConnectionFailed(denied.to_string())));
        }
        METRICS.outbound("mqtt", &label, "ok");
        match self.capability.client(&address, &username, &password, keep_alive_interval_in_secs).await {
            Ok(client) => match self.table.push(MqttConnection { client }) {
                Ok(r) => Ok(Ok(r)),
                Err(_) => Ok(Err(Error::TooManyConnections)),
            },
            Err(e) => Ok(Err(e)),
        }
    }

    async fn publish(&mut self, rep: Resource<MqttConnection>, topic: String, payload: Vec<u8>, qos: Qos) -> wasmtime::Result<Result<(), Error>> {
        let client = &self.table.get(&rep)?.client;
        let qos = match qos {
            Qos::AtMostOnce => QoS::AtMostOnce,
            Qos::AtLeastOnce => QoS::AtLeastOnce,
            Qos::ExactlyOnce => QoS::ExactlyOnce,
        };
        Ok(client.try_publish(topic, qos, false, payload).map_err(|e| Error::Other(format!("publish failed: {e}"))))
    }

    async fn drop(&mut self, rep: Resource<MqttConnection>) -> wasmtime::Result<()> {
        self.table.delete(rep)?;
        Ok(())
    }
}
