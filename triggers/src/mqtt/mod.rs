//! The MQTT trigger, as the Spin MQTT trigger plugin (v0.7.2) defines it: broker settings
//! in `[application.trigger.mqtt]`, one subscription per `[[trigger.mqtt]]`, and a fresh
//! instance per message calling the component's `handle-message` export.
//!
//! ```toml
//! [application.trigger.mqtt]
//! address = "mqtt://{{ mqtt_host }}:1883"
//! username = ""
//! password = ""
//! keep_alive_interval = "30"
//!
//! [[trigger.mqtt]]
//! component = "ingest"
//! topic = "cityflow/traffic/#"
//! qos = "1"
//! ```
//!
//! Unlike the plugin, a QoS 1/2 message is acknowledged to the broker only after the
//! handler returned `Ok`, and the session is persistent, so a handler error or a crash
//! means redelivery rather than loss.

mod broker;
mod trigger;

pub use broker::parse_broker_address;
pub use trigger::{run, MqttRunOptions};

wasmtime::component::bindgen!({
    path: "../wit/mqtt-trigger",
    world: "spin-mqtt",
    exports: { default: async },
});
