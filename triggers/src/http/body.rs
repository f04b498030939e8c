//! Response bodies the runtime writes itself (errors, static responses).

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use wasmtime_wasi_http::p2::body::HyperOutgoingBody;

pub fn full(bytes: impl Into<Bytes>) -> HyperOutgoingBody {
    Full::new(bytes.into()).map_err(|never| match never {}).boxed_unsync()
}

/// A plain-text response produced by the runtime rather than a component.
pub fn text(status: u16, message: &str) -> http::Response<HyperOutgoingBody> {
    http::Response::builder()
        .status(status)
        .header("content-type", "text/plain; charset=utf-8")
        .body(full(format!("{message}\n")))
        .expect("static response parts are valid")
}
