//! Spin host interfaces, one module per capability. Each has the same shape:
//! an app-wide `…Capability` built once from the manifest and runtime config
//! (`from_config`), `add_to_linker`, and a per-instance state (`instance`) that the
//! store owns for exactly one request or event.

pub mod key_value;
pub mod mqtt;
pub mod postgres;
pub mod redis;
pub mod redis_command;
pub mod variables;

wasmtime::component::bindgen!({
    path: "../wit",
    world: "cityflow:runtime/spin-host",
    imports: { default: async | trappable },
    with: {
        "fermyon:spin/redis.connection": redis::RedisConnection,
        "fermyon:spin/key-value.store": key_value::OpenStore,
        "fermyon:spin/mqtt.connection": mqtt::MqttConnection,
        "spin:postgres/postgres.connection": postgres::PgConnection,
    },
});
