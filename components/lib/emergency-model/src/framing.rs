//! Length-prefixed gRPC messages: each frame is a 1-byte flag, a 4-byte big-endian length
//! and that many bytes. Flag bit 0 marks a compressed message; gRPC-Web adds flag 0x80 for
//! the frame that carries the trailers (`name:value\r\n` lines) at the end of the body.

use crate::status::{percent_decode_message, percent_encode_message, Code, Status};

pub const HEADER_LEN: usize = 5;
/// Largest message accepted or produced: requests of this service are a few hundred bytes,
/// and the lists stay far below this. gRPC's own default is 4 MiB.
pub const MAX_MESSAGE_LEN: usize = 1 << 20;
pub const FLAG_COMPRESSED: u8 = 0x01;
pub const FLAG_TRAILERS: u8 = 0x80;

/// One frame of a body.
#[derive(Debug, PartialEq, Eq)]
pub struct Frame<'a> {
    pub flags: u8,
    pub payload: &'a [u8],
}

/// Why a body does not split into whole frames.
#[derive(Debug, PartialEq, Eq)]
pub enum FrameError {
    /// Fewer than five bytes where a frame header should be.
    TruncatedHeader { available: usize },
    /// The header announces more bytes than the body holds.
    TruncatedPayload { declared: usize, available: usize },
    /// The header announces more than the limit (checked before waiting for the bytes).
    TooLarge { declared: usize, max: usize },
}

impl FrameError {
    /// The status a server answers with: too large is RESOURCE_EXHAUSTED (as gRPC does),
    /// every other broken frame is a protocol violation, INTERNAL.
    pub fn status(&self) -> Status {
        match *self {
            FrameError::TruncatedHeader { available } => Status::internal(format!(
                "malformed gRPC frame: {available} byte(s) where a 5-byte frame header was expected"
            )),
            FrameError::TruncatedPayload { declared, available } => Status::internal(format!(
                "malformed gRPC frame: the length prefix declares {declared} bytes but only {available} follow"
            )),
            FrameError::TooLarge { declared, max } => Status::new(
                Code::ResourceExhausted,
                format!("gRPC message of {declared} bytes exceeds the limit of {max} bytes"),
            ),
        }
    }
}

/// Reads the header at the start of `body`: (flags, declared length). `None` when fewer
/// than five bytes are there.
pub fn header(body: &[u8]) -> Option<(u8, usize)> {
    let head: &[u8; HEADER_LEN] = body.get(..HEADER_LEN)?.try_into().ok()?;
    let len = u32::from_be_bytes([head[1], head[2], head[3], head[4]]) as usize;
    Some((head[0], len))
}

/// Splits a whole body into frames, each at most `max_len` bytes.
pub fn split(mut body: &[u8], max_len: usize) -> Result<Vec<Frame<'_>>, FrameError> {
    let mut frames = Vec::new();
    while !body.is_empty() {
        let (flags, declared) =
            header(body).ok_or(FrameError::TruncatedHeader { available: body.len() })?;
        if declared > max_len {
            return Err(FrameError::TooLarge { declared, max: max_len });
        }
        let rest = &body[HEADER_LEN..];
        if rest.len() < declared {
            return Err(FrameError::TruncatedPayload { declared, available: rest.len() });
        }
        frames.push(Frame { flags, payload: &rest[..declared] });
        body = &rest[declared..];
    }
    Ok(frames)
}

/// The single message of a unary request body, uncompressed.
pub fn unary_request(body: &[u8], max_len: usize) -> Result<&[u8], Status> {
    let frames = split(body, max_len).map_err(|e| e.status())?;
    let frame = match frames.as_slice() {
        [] => return Err(Status::internal("the request body holds no gRPC message frame")),
        [only] => only,
        more => {
            return Err(Status::internal(format!(
                "a unary call carries exactly one message; the request body holds {} frames",
                more.len()
            )))
        }
    };
    if frame.flags & FLAG_COMPRESSED != 0 {
        return Err(Status::unimplemented(
            "compressed gRPC messages are not supported; send them uncompressed (grpc-encoding: identity)",
        ));
    }
    if frame.flags != 0 {
        return Err(Status::internal(format!(
            "malformed gRPC frame: unknown flags 0x{:02x}",
            frame.flags
        )));
    }
    Ok(frame.payload)
}

/// One uncompressed message frame.
pub fn encode_message(payload: &[u8]) -> Vec<u8> {
    encode_frame(0, payload)
}

fn encode_frame(flags: u8, payload: &[u8]) -> Vec<u8> {
    let len = u32::try_from(payload.len()).expect("frames are far below 4 GiB");
    let mut out = Vec::with_capacity(HEADER_LEN + payload.len());
    out.push(flags);
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(payload);
    out
}

/// The gRPC-Web trailer frame carrying the call's status.
pub fn encode_web_trailers(code: Code, message: &str) -> Vec<u8> {
    let mut block = format!("grpc-status:{}\r\n", code.number());
    if !message.is_empty() {
        block.push_str(&format!("grpc-message:{}\r\n", percent_encode_message(message)));
    }
    encode_frame(FLAG_TRAILERS, block.as_bytes())
}

/// A decoded gRPC-Web response body (the client side: tests and the gateway).
#[derive(Debug, PartialEq, Eq)]
pub struct WebResponse {
    pub messages: Vec<Vec<u8>>,
    /// `grpc-status`, absent when the body carries no trailer frame.
    pub status: Option<u32>,
    /// `grpc-message`, percent-decoded.
    pub message: String,
}

/// Splits a gRPC-Web response body into its messages and its trailers.
pub fn decode_web_response(body: &[u8]) -> Result<WebResponse, String> {
    let frames = split(body, usize::MAX).map_err(|e| e.status().message)?;
    let mut response = WebResponse { messages: Vec::new(), status: None, message: String::new() };
    for frame in frames {
        if frame.flags & FLAG_TRAILERS == 0 {
            if response.status.is_some() {
                return Err("message frame after the trailer frame".into());
            }
            response.messages.push(frame.payload.to_vec());
            continue;
        }
        let block = std::str::from_utf8(frame.payload).map_err(|e| format!("trailers: {e}"))?;
        for line in block.split("\r\n").filter(|l| !l.is_empty()) {
            let (name, value) = line.split_once(':').ok_or_else(|| format!("trailer line {line:?}"))?;
            match name.trim().to_ascii_lowercase().as_str() {
                "grpc-status" => {
                    let code = value.trim().parse().map_err(|_| format!("grpc-status {value:?}"))?;
                    response.status = Some(code);
                }
                "grpc-message" => response.message = percent_decode_message(value.trim()),
                _ => {}
            }
        }
    }
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_round_trips() {
        let body = encode_message(b"\x08\x07");
        assert_eq!(body, [0, 0, 0, 0, 2, 8, 7]);
        assert_eq!(unary_request(&body, MAX_MESSAGE_LEN).unwrap(), b"\x08\x07");
    }

    #[test]
    fn an_empty_message_is_five_bytes() {
        let body = encode_message(b"");
        assert_eq!(body, [0, 0, 0, 0, 0]);
        assert_eq!(unary_request(&body, MAX_MESSAGE_LEN).unwrap(), b"");
    }

    #[test]
    fn a_length_prefix_longer_than_the_body_is_refused() {
        let body = [0, 0, 0, 0, 9, 8, 7];
        let status = unary_request(&body, MAX_MESSAGE_LEN).unwrap_err();
        assert_eq!(status.code, Code::Internal);
        assert!(status.message.contains("declares 9 bytes but only 2 follow"), "{status}");
    }

    #[test]
    fn a_length_prefix_shorter_than_the_body_leaves_a_broken_second_frame() {
        let body = [0, 0, 0, 0, 1, 8, 7, 1];
        let status = unary_request(&body, MAX_MESSAGE_LEN).unwrap_err();
        assert_eq!(status.code, Code::Internal);
        assert!(status.message.contains("5-byte frame header"), "{status}");
    }

    #[test]
    fn a_truncated_header_is_refused() {
        for body in [&[0u8][..], &[0, 0, 0], &[0, 0, 0, 0]] {
            let status = unary_request(body, MAX_MESSAGE_LEN).unwrap_err();
            assert_eq!(status.code, Code::Internal, "{body:?}");
        }
    }

    #[test]
    fn an_empty_body_has_no_message() {
        let status = unary_request(&[], MAX_MESSAGE_LEN).unwrap_err();
        assert_eq!(status.code, Code::Internal);
        assert!(status.message.contains("no gRPC message"));
    }

    #[test]
    fn a_huge_length_prefix_is_refused_before_reading_it() {
        let body = [0, 0xff, 0xff, 0xff, 0xff, 1, 2, 3];
        let status = unary_request(&body, MAX_MESSAGE_LEN).unwrap_err();
        assert_eq!(status.code, Code::ResourceExhausted);
        assert!(status.message.contains("4294967295"), "{status}");
    }

    #[test]
    fn two_messages_in_a_unary_call_are_refused() {
        let mut body = encode_message(b"a");
        body.extend(encode_message(b"b"));
        let status = unary_request(&body, MAX_MESSAGE_LEN).unwrap_err();
        assert!(status.message.contains("2 frames"), "{status}");
    }

    #[test]
    fn compressed_messages_are_refused_clearly() {
        let body = [1, 0, 0, 0, 1, 0];
        let status = unary_request(&body, MAX_MESSAGE_LEN).unwrap_err();
        assert_eq!(status.code, Code::Unimplemented);
        assert!(status.message.contains("compressed"));
    }

    #[test]
    fn unknown_flags_are_refused() {
        let body = [0x80, 0, 0, 0, 0];
        assert_eq!(unary_request(&body, MAX_MESSAGE_LEN).unwrap_err().code, Code::Internal);
    }

    #[test]
    fn web_trailers_decode_back() {
        let mut body = encode_message(b"xyz");
        body.extend(encode_web_trailers(Code::NotFound, "vehicle 42 not found: 100%"));
        let response = decode_web_response(&body).unwrap();
        assert_eq!(response.messages, vec![b"xyz".to_vec()]);
        assert_eq!(response.status, Some(5));
        assert_eq!(response.message, "vehicle 42 not found: 100%");
        assert_eq!(body[body.len() - 1], b'\n');
        let trailer_start = HEADER_LEN + 3;
        assert_eq!(body[trailer_start], FLAG_TRAILERS);
    }

    #[test]
    fn ok_trailers_carry_no_message() {
        let frame = encode_web_trailers(Code::Ok, "");
        assert_eq!(&frame[HEADER_LEN..], b"grpc-status:0\r\n");
    }
}
