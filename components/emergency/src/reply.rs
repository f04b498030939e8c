//! Writing responses with the low-level wasi:http types. gRPC puts `grpc-status` and
//! `grpc-message` in HTTP trailers (`outgoing-body.finish`); gRPC-Web appends them to the
//! body as a frame flagged 0x80, since HTTP/1.1 clients such as browsers cannot read trailers.

use emergency_model::framing::{encode_message, encode_web_trailers};
use emergency_model::status::percent_encode_message;
use emergency_model::{Code, Status, Wire};
use spin_sdk::http::{Fields, OutgoingBody, OutgoingResponse, ResponseOutparam};
use wasi::io::streams::OutputStream;

/// Browsers calling with gRPC-Web from another origin must be able to read the status.
const CORS_HEADERS: [(&str, &str); 4] = [
    ("access-control-allow-origin", "*"),
    ("access-control-allow-methods", "POST, OPTIONS"),
    ("access-control-allow-headers", "content-type, authorization, x-grpc-web, x-user-agent, grpc-timeout"),
    ("access-control-expose-headers", "grpc-status, grpc-message"),
];

/// A call's response: headers go out when it opens, then messages, then the status.
pub struct Call {
    wire: Wire,
    body: OutgoingBody,
    stream: Option<OutputStream>,
}

impl Call {
    pub fn open(out: ResponseOutparam, wire: Wire) -> Call {
        let mut headers = vec![("content-type", wire.content_type()), ("grpc-accept-encoding", "identity")];
        if wire == Wire::GrpcWeb {
            headers.extend(CORS_HEADERS);
        }
        let body = start(out, 200, &headers);
        Call { wire, body, stream: None }
    }

    /// Sends one message frame (flushed, so a streaming client sees it now).
    pub fn message(&mut self, payload: &[u8]) -> Result<(), String> {
        self.write(&encode_message(payload))
    }

    fn write(&mut self, bytes: &[u8]) -> Result<(), String> {
        if self.stream.is_none() {
            self.stream = Some(self.body.write().map_err(|()| "the body stream was already taken".to_string())?);
        }
        write_all(self.stream.as_ref().expect("opened above"), bytes)
    }

    /// Ends the call with its status.
    pub fn finish(mut self, outcome: Result<(), Status>) {
        let (code, text) = match outcome {
            Ok(()) => (Code::Ok, String::new()),
            Err(status) => (status.code, status.message),
        };
        let trailers = match self.wire {
            Wire::Grpc => {
                let mut list = vec![("grpc-status", code.number().to_string())];
                if !text.is_empty() {
                    list.push(("grpc-message", percent_encode_message(&text)));
                }
                Some(fields(&list))
            }
            Wire::GrpcWeb => {
                if let Err(e) = self.write(&encode_web_trailers(code, &text)) {
                    return eprintln!("emergency: writing the response body failed: {e}");
                }
                None
            }
        };
        // The stream must be closed before its body is finished.
        drop(self.stream.take());
        if let Err(e) = OutgoingBody::finish(self.body, trailers) {
            eprintln!("emergency: finishing the response failed: {e:?}");
        }
    }
}

/// Answers a unary call: one message frame when it succeeded, then the status.
pub fn grpc(out: ResponseOutparam, wire: Wire, result: Result<Vec<u8>, Status>) {
    let mut call = Call::open(out, wire);
    match result {
        Ok(payload) => match call.message(&payload) {
            Ok(()) => call.finish(Ok(())),
            // The client went away; there is no one left to tell.
            Err(e) => eprintln!("emergency: writing the response body failed: {e}"),
        },
        Err(status) => call.finish(Err(status)),
    }
}

/// A plain HTTP answer for requests that are not gRPC calls.
pub fn plain(out: ResponseOutparam, status: u16, text: &str) {
    let headers = [("content-type", "text/plain; charset=utf-8"), ("allow", "POST, OPTIONS")];
    let body = start(out, status, &headers);
    let written = match body.write() {
        Ok(stream) => write_all(&stream, text.as_bytes()),
        Err(()) => Err("the body stream was already taken".to_string()),
    };
    if let Err(e) = written {
        return eprintln!("emergency: writing the response body failed: {e}");
    }
    let _ = OutgoingBody::finish(body, None);
}

/// CORS preflight for gRPC-Web from browsers.
pub fn preflight(out: ResponseOutparam) {
    let headers = [CORS_HEADERS.as_slice(), &[("access-control-max-age", "600")]].concat();
    let _ = OutgoingBody::finish(start(out, 204, &headers), None);
}

fn fields<V: AsRef<str>>(list: &[(&str, V)]) -> Fields {
    let entries: Vec<(String, Vec<u8>)> =
        list.iter().map(|(name, value)| (name.to_string(), value.as_ref().as_bytes().to_vec())).collect();
    Fields::from_list(&entries).expect("static header names and values are valid")
}

/// Sends the status line and headers; the body follows.
fn start(out: ResponseOutparam, status: u16, headers: &[(&str, &str)]) -> OutgoingBody {
    let response = OutgoingResponse::new(fields(headers));
    response.set_status_code(status).expect("a valid HTTP status");
    let body = response.body().expect("the body is taken once");
    out.set(response);
    body
}

fn write_all(stream: &OutputStream, bytes: &[u8]) -> Result<(), String> {
    // blocking-write-and-flush takes at most 4096 bytes per call.
    for chunk in bytes.chunks(4096) {
        stream.blocking_write_and_flush(chunk).map_err(|e| format!("{e:?}"))?;
    }
    Ok(())
}
