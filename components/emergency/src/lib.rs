//! The emergency component: `emergency.EmergencyService` over gRPC (HTTP/2, status in
//! trailers) and gRPC-Web (status in a final body frame), on the same paths.
//!
//! It uses the low-level `wasi:http` handler (`IncomingRequest` + `ResponseOutparam`)
//! because only `outgoing-body.finish` can send HTTP trailers. Every gRPC outcome, errors
//! included, is HTTP 200 with a grpc-status; only requests that are not gRPC at all (wrong
//! method or content type) get plain HTTP errors, as the gRPC spec asks.

mod db;
mod reflection;
mod reply;
mod request;
mod rpcs;

use emergency_model::framing::{HEADER_LEN, MAX_MESSAGE_LEN};
use emergency_model::{Rpc, Status, Wire, SERVICE};
use spin_sdk::http::{IncomingRequest, Method, ResponseOutparam};
use spin_sdk::http_component;

#[http_component]
async fn handle(req: IncomingRequest, out: ResponseOutparam) {
    let method = req.method();
    if matches!(method, Method::Options) {
        return reply::preflight(out);
    }
    if !matches!(method, Method::Post) {
        return reply::plain(out, 405, "gRPC calls are POST requests\n");
    }
    let headers = req.headers();
    let wire = match Wire::from_content_type(request::header(&headers, "content-type").as_deref()) {
        Ok(wire) => wire,
        Err(why) => return reply::plain(out, 415, &format!("{why}\n")),
    };
    let path = req.path_with_query().unwrap_or_default();
    if emergency_model::reflection::is_reflection_path(&path) {
        drop(headers);
        return reflection::serve(req, out, wire).await;
    }
    let Some(rpc) = Rpc::from_path(&path) else {
        let status = Status::unimplemented(format!(
            "unknown method {}; {SERVICE} has {}",
            path.split('?').next().unwrap_or_default(),
            Rpc::ALL.map(Rpc::name).join(", ")
        ));
        return reply::grpc(out, wire, Err(status));
    };
    let authorization = request::header(&headers, "authorization");
    drop(headers);
    let result = match request::read_body(req, HEADER_LEN + MAX_MESSAGE_LEN).await {
        Ok(body) => rpcs::call(rpc, &body, authorization.as_deref()),
        Err(status) => Err(status),
    };
    if let Err(status) = &result {
        eprintln!("emergency: {} -> {status}", rpc.name());
    }
    reply::grpc(out, wire, result);
}
