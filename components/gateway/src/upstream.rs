//! Calls to the four services through Spin service chaining, each raced against its own
//! deadline, and their replies decoded by `gateway-model`.

use std::time::{Duration, Instant};

use emergency_model::pb::{Intervention, Vehicle};
use emergency_model::Rpc;
use futures::future::{select, Either};
use gateway_model::soap::{self, Measure, SoapError};
use gateway_model::tourism::{self, Attraction};
use gateway_model::transport::{self, Line};
use gateway_model::emergency;
use spin_sdk::http::{Method, Request, Response};

use crate::deadline::Deadline;

pub const TRANSPORT: &str = "http://transport.spin.internal";
pub const AIR_QUALITY: &str = "http://air-quality.spin.internal";
pub const TOURISM: &str = "http://tourism.spin.internal";
pub const EMERGENCY: &str = "http://emergency.spin.internal";

/// Used when the `upstream_timeout_ms` variable is not set.
const DEFAULT_TIMEOUT_MS: u64 = 2000;

/// Each service call's time budget, from the component variable `upstream_timeout_ms`.
pub fn timeout() -> Duration {
    let ms = spin_sdk::variables::get("upstream_timeout_ms")
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok())
        .filter(|ms| (1..=60_000).contains(ms))
        .unwrap_or(DEFAULT_TIMEOUT_MS);
    Duration::from_millis(ms)
}

pub struct Reply {
    pub status: u16,
    pub body: Vec<u8>,
    pub elapsed: Duration,
}

/// Sends `request` and reads the whole reply, or gives up when the deadline passes first
/// (dropping the send future cancels the outgoing request).
pub async fn call(request: Request, budget: Duration) -> Result<Reply, String> {
    let started = Instant::now();
    let send = Box::pin(spin_sdk::http::send::<_, Response>(request));
    match select(send, Box::pin(Deadline::after(budget))).await {
        Either::Left((Ok(response), _)) => {
            Ok(Reply { status: *response.status(), body: response.into_body(), elapsed: started.elapsed() })
        }
        Either::Left((Err(e), _)) => Err(format!("call failed: {e}")),
        Either::Right(_) => Err(format!("no answer within {} ms", budget.as_millis())),
    }
}

fn post(url: String, content_type: &str, body: Vec<u8>) -> Request {
    Request::builder().method(Method::Post).uri(url).header("content-type", content_type).body(body).build()
}

pub fn transport_lines_request() -> Request {
    Request::builder().method(Method::Get).uri(format!("{TRANSPORT}{}", transport::LIST_PATH)).build()
}

pub fn soap_request((envelope, action): (String, String)) -> Request {
    let mut request = post(format!("{AIR_QUALITY}/air-quality"), soap::CONTENT_TYPE, envelope.into_bytes());
    request.set_header("soapaction", action);
    request
}

pub fn graphql_request(body: String) -> Request {
    post(format!("{TOURISM}/graphql"), "application/json", body.into_bytes())
}

pub fn grpc_web_request(rpc: Rpc) -> Request {
    let mut request = post(format!("{EMERGENCY}{}", emergency::path(rpc)), emergency::CONTENT_TYPE, emergency::empty_request());
    request.set_header("x-grpc-web", "1");
    request
}

pub async fn lines(budget: Duration) -> Result<Vec<Line>, String> {
    let reply = call(transport_lines_request(), budget).await?;
    transport::parse_lines(reply.status, &reply.body)
}

pub async fn all_measures(budget: Duration) -> Result<Vec<Measure>, String> {
    let reply = call(soap_request(soap::all_measures_request()), budget).await?;
    soap::parse_measures("GetAirQualityMeasures", &reply.body).map_err(|e| e.to_string())
}

/// The zone's measures; the inner error is the service's own answer (a Fault for an
/// unknown zone), the outer one a failed call.
pub async fn zone_measures(zone: &str, budget: Duration) -> Result<Result<Vec<Measure>, SoapError>, String> {
    let reply = call(soap_request(soap::zone_measures_request(zone)), budget).await?;
    Ok(soap::parse_measures("GetMeasuresByZone", &reply.body))
}

pub async fn attractions(budget: Duration) -> Result<Vec<Attraction>, String> {
    let reply = call(graphql_request(tourism::all_request()), budget).await?;
    tourism::parse_attractions("attractions", reply.status, &reply.body)
}

pub async fn zone_attractions(zone: &str, budget: Duration) -> Result<Vec<Attraction>, String> {
    let reply = call(graphql_request(tourism::by_zone_request(zone)), budget).await?;
    tourism::parse_attractions("attractionsByZone", reply.status, &reply.body)
}

pub async fn vehicles(budget: Duration) -> Result<Vec<Vehicle>, String> {
    let reply = call(grpc_web_request(Rpc::GetVehicles), budget).await?;
    emergency::decode_vehicles(reply.status, &reply.body)
}

pub async fn interventions(budget: Duration) -> Result<Vec<Intervention>, String> {
    let reply = call(grpc_web_request(Rpc::GetInterventions), budget).await?;
    emergency::decode_interventions(reply.status, &reply.body)
}

/// Why a gRPC-Web write gave no answer.
pub enum WriteFailure {
    /// No reply in time, or no reply at all: whether the write happened is unknown.
    Call(String),
    /// The service answered, with a non-OK status or something that is not gRPC-Web.
    Reply(emergency::GrpcError),
}

/// A unary write rpc of the emergency service with the caller's `authorization` forwarded as
/// gRPC metadata, so the service checks the caller's own token and role.
pub async fn grpc_write<Req: prost::Message, Resp: prost::Message + Default>(
    rpc: Rpc,
    message: &Req,
    authorization: &str,
    budget: Duration,
) -> Result<Resp, WriteFailure> {
    let body = emergency_model::framing::encode_message(&message.encode_to_vec());
    let mut request = post(format!("{EMERGENCY}{}", emergency::path(rpc)), emergency::CONTENT_TYPE, body);
    request.set_header("x-grpc-web", "1");
    request.set_header("authorization", authorization);
    let reply = call(request, budget).await.map_err(WriteFailure::Call)?;
    emergency::decode_unary(reply.status, &reply.body).map_err(WriteFailure::Reply)
}
