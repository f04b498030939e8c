//! The Spin application manifest (`spin.toml`, manifest version 2).
//!
//! The schema mirrors Spin's own: every table denies unknown fields, so a typo is an error
//! naming its line instead of a silently ignored setting. Only trigger types this runtime can
//! serve are accepted; anything else is refused up front rather than ignored.
//!
//! ```toml
//! spin_manifest_version = 2
//!
//! [application]
//! name = "cityflow"
//!
//! [variables]
//! db_url = { required = true, secret = true }
//!
//! [[trigger.http]]
//! route = "/transports/..."
//! component = "transport"
//!
//! [component.transport]
//! source = "target/wasm32-wasip2/component/transport.wasm"
//! allowed_outbound_hosts = ["postgres://{{ pg_host }}:{{ pg_port }}"]
//! variables = { db_url = "{{ db_url }}" }
//! ```

#[cfg(test)]
mod properties;
mod schema;
mod validate;

pub use schema::*;
pub use validate::{load, ComponentDef, HttpTarget, LoadedManifest, MqttConfig};
