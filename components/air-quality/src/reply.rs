//! HTTP responses: SOAP envelopes, Faults (HTTP 500 as SOAP 1.1 §6.2 requires, or a 4xx when
//! the HTTP request itself is unacceptable), the WSDL and plain-text hints.

use air_quality_model::soap::{fault::Fault, CONTENT_TYPE};
use spin_sdk::http::Response;

const ALLOW: &str = "GET, HEAD, POST, OPTIONS";

pub fn envelope(xml: &str) -> Response {
    xml_response(200, xml)
}

pub fn fault(fault: &Fault) -> Response {
    fault_with_status(fault.http_status(), fault)
}

pub fn fault_with_status(status: u16, fault: &Fault) -> Response {
    let mut builder = Response::builder();
    builder.status(status).header("content-type", CONTENT_TYPE).body(fault.to_xml());
    if fault.message.starts_with("authentication required") {
        builder.header("www-authenticate", "Bearer realm=\"cityflow\"");
    }
    builder.build()
}

pub fn wsdl(document: &str) -> Response {
    xml_response(200, document)
}

pub fn text(status: u16, message: &str) -> Response {
    Response::builder()
        .status(status)
        .header("content-type", "text/plain; charset=utf-8")
        .body(message.to_string())
        .build()
}

pub fn allow() -> Response {
    Response::builder().status(204).header("allow", ALLOW).build()
}

pub fn method_not_allowed() -> Response {
    Response::builder()
        .status(405)
        .header("allow", ALLOW)
        .header("content-type", "text/plain; charset=utf-8")
        .body("use POST for SOAP requests or GET ?wsdl for the WSDL\n")
        .build()
}

fn xml_response(status: u16, xml: &str) -> Response {
    Response::builder()
        .status(status)
        .header("content-type", CONTENT_TYPE)
        .body(xml.to_string())
        .build()
}
