//! Spin glue that CityFlow's components would otherwise each repeat. Everything here is
//! protocol-neutral: it answers plain values or detail strings, and each component maps them
//! to its own error form (JSON, SOAP Fault, gRPC status, MQTT redelivery).

mod auth;
mod http;
pub mod job;
mod live;
mod pg;
mod variables;

pub use auth::{authorize, jwt_secret, AccessError};
pub use http::method_name;
pub use live::{publish_events, record_metrics, redis_prefix};
pub use pg::{pg_failure_is_transient, pg_refused_the_data};
pub use variables::{optional_variable, variable};
