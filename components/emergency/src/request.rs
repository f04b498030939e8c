//! Reading what the request carries: header values and a size-capped body.

use emergency_model::framing::{header as frame_header, FrameError, HEADER_LEN, MAX_MESSAGE_LEN};
use emergency_model::{Code, Status};
use futures::TryStreamExt;
use spin_sdk::http::{Fields, IncomingRequest};

/// The first value of a header (names are case-insensitive in wasi:http), as text.
pub fn header(headers: &Fields, name: &str) -> Option<String> {
    let values = headers.get(name);
    let first = values.into_iter().next()?;
    String::from_utf8(first).ok()
}

/// The whole body, refused as soon as it grows past `limit` bytes or its first frame header
/// announces a message larger than the limit, so a huge length prefix costs nothing.
pub async fn read_body(req: IncomingRequest, limit: usize) -> Result<Vec<u8>, Status> {
    let mut stream = req.into_body_stream();
    let mut body = Vec::new();
    loop {
        let chunk = stream
            .try_next()
            .await
            .map_err(|e| {
                // The stream breaks when the client resets it (a cancelled call).
                Status::new(Code::Cancelled, format!("reading the request body failed: {}", e.to_debug_string()))
            })?;
        let Some(chunk) = chunk else { return Ok(body) };
        body.extend_from_slice(&chunk);
        if let Some((_, declared)) = frame_header(&body) {
            if declared > MAX_MESSAGE_LEN {
                return Err(FrameError::TooLarge { declared, max: MAX_MESSAGE_LEN }.status());
            }
        }
        if body.len() > limit {
            return Err(Status::new(
                Code::ResourceExhausted,
                format!("request body exceeds {} bytes (one message of at most {MAX_MESSAGE_LEN})", limit.max(HEADER_LEN)),
            ));
        }
    }
}
