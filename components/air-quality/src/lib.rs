//! The air-quality component: SOAP 1.1 at `/air-quality`, its WSDL at `GET /air-quality?wsdl`.
//!
//! A thin adapter: HTTP framing, authentication and the database here; the envelope reader,
//! operations, AQI and WSDL in `air-quality-model`. Every Fault is decided before anything is
//! written, and each write is one statement, so a Fault never leaves anything stored.
//!
//! The handler takes the raw `IncomingRequest` so the body is read chunk by chunk and reading
//! stops at the size limit: an oversized request costs at most the limit in memory.

mod db;
mod reply;
mod service;

use air_quality_model::soap::{fault::Fault, tree::MAX_BYTES, wsdl};
use futures::TryStreamExt;
use spin_sdk::http::{IncomingRequest, Method, Response};
use spin_sdk::http_component;

#[http_component]
async fn handle(req: IncomingRequest) -> Response {
    let headers = Headers::of(&req);
    let path_with_query = req.path_with_query().unwrap_or_default();
    let query = path_with_query.split_once('?').map(|(_, q)| q).unwrap_or("");
    match req.method() {
        Method::Get | Method::Head if wants_wsdl(query) => {
            reply::wsdl(&wsdl::document(&endpoint_url(&headers, &path_with_query)))
        }
        Method::Get | Method::Head => reply::text(
            400,
            "This is a SOAP 1.1 endpoint: POST envelopes here (text/xml). The WSDL is at ?wsdl.\n",
        ),
        Method::Post => soap(req, &headers).await,
        Method::Options => reply::allow(),
        _ => reply::method_not_allowed(),
    }
}

async fn soap(req: IncomingRequest, headers: &Headers) -> Response {
    let content_type = headers.get("content-type").unwrap_or_default();
    let media_type = content_type.split(';').next().unwrap_or("").trim();
    if !media_type.eq_ignore_ascii_case("text/xml") {
        let why = if media_type.eq_ignore_ascii_case("application/soap+xml") {
            "this endpoint speaks SOAP 1.1 (text/xml), not SOAP 1.2 (application/soap+xml)".to_string()
        } else {
            format!("SOAP 1.1 requests must be sent as text/xml, not {content_type:?}")
        };
        return reply::fault_with_status(415, &Fault::client(why));
    }
    let body = match read_limited(req, headers).await {
        Ok(body) => body,
        Err(response) => return response,
    };
    let soap_action = headers.get("soapaction");
    let authorization = headers.get("authorization");
    match service::handle(&body, soap_action.as_deref(), authorization.as_deref()) {
        Ok(envelope) => reply::envelope(&envelope),
        Err(fault) => reply::fault(&fault),
    }
}

/// The body, or a 413 Fault as soon as it is known to exceed [`MAX_BYTES`] (from
/// `Content-Length`, or while streaming a chunked body).
async fn read_limited(req: IncomingRequest, headers: &Headers) -> Result<Vec<u8>, Response> {
    let too_large = || reply::fault_with_status(413, &Fault::client(format!("request body larger than {MAX_BYTES} bytes")));
    let declared = headers.get("content-length").and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|len| len > MAX_BYTES as u64) {
        return Err(too_large());
    }
    let mut stream = req.into_body_stream();
    let mut body = Vec::with_capacity(declared.unwrap_or(4096).min(MAX_BYTES as u64) as usize);
    loop {
        match stream.try_next().await {
            Ok(Some(chunk)) => {
                if body.len() + chunk.len() > MAX_BYTES {
                    return Err(too_large());
                }
                body.extend_from_slice(&chunk);
            }
            Ok(None) => return Ok(body),
            Err(e) => {
                eprintln!("air-quality: reading the request body failed: {e:?}");
                return Err(reply::fault_with_status(400, &Fault::client("the request body could not be read")));
            }
        }
    }
}

fn wants_wsdl(query: &str) -> bool {
    query.split('&').any(|pair| pair.split('=').next().is_some_and(|k| k.eq_ignore_ascii_case("wsdl")))
}

/// The URL the client used, without its query: Spin's `spin-full-url` header is built from the
/// request's `Host` (so it is right behind a port mapping); `Host` + path is a fallback.
fn endpoint_url(headers: &Headers, path_with_query: &str) -> String {
    let url = headers.get("spin-full-url").unwrap_or_else(|| {
        let host = headers.get("host").unwrap_or_else(|| "localhost".into());
        format!("http://{host}{path_with_query}")
    });
    match url.split_once('?') {
        Some((base, _)) => base.to_string(),
        None => url,
    }
}

/// The request headers this component reads, as text (a header that is not UTF-8 is absent).
struct Headers(spin_sdk::http::Headers);

impl Headers {
    fn of(req: &IncomingRequest) -> Headers {
        Headers(req.headers())
    }

    fn get(&self, name: &str) -> Option<String> {
        let values = self.0.get(name);
        values.into_iter().next().and_then(|v| String::from_utf8(v).ok())
    }
}
