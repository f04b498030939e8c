//! The HTTP trigger: the listener (HTTP/1.1 and h2c on one port), request dispatch to
//! components, and outbound HTTP from components (including service chaining).

pub mod body;
pub mod handler;
pub mod outbound;
pub mod server;
