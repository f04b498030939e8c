//! The CityFlow gateway's pure logic: how to ask each service (request bodies), how to read
//! its reply (REST JSON, SOAP 1.1, GraphQL, gRPC-Web), and the orchestration rules built on
//! top (city dashboard, trip plan). No I/O here, so every rule has a native unit test.

pub mod clock;
pub mod dashboard;
pub mod dispatch;
pub mod eco;
pub mod emergency;
pub mod section;
pub mod soap;
pub mod tourism;
pub mod tourist;
pub mod transport;
pub mod trip;

pub use section::Section;
