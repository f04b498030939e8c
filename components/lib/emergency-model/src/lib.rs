//! The emergency service's domain, independent of the host: the protobuf messages generated
//! from `proto/emergency.proto`, gRPC and gRPC-Web framing, status codes, request
//! validation, the dispatch SQL and the nearest-available-vehicle helper.

pub mod pb {
    //! Messages and field numbers of `proto/emergency.proto` (package `emergency`).
    include!(concat!(env!("OUT_DIR"), "/emergency.rs"));
}

pub mod reflection_pb {
    //! gRPC server reflection messages (`proto/grpc/reflection/v1/reflection.proto`).
    include!(concat!(env!("OUT_DIR"), "/grpc.reflection.v1.rs"));
}

mod descriptors {
    include!(concat!(env!("OUT_DIR"), "/descriptors.rs"));
}

pub mod dispatch;
pub mod framing;
#[cfg(test)]
mod framing_properties;
pub mod geo;
pub mod protocol;
pub mod reflection;
pub mod sql;
pub mod status;
pub mod validate;
pub mod vocab;

pub use protocol::{Rpc, Wire, SERVICE};
pub use status::{Code, Status};
