//! gRPC status codes and the `grpc-status` / `grpc-message` metadata they travel as.

use std::fmt;

/// The gRPC status codes this service answers with (numbers from the gRPC spec).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Code {
    Ok = 0,
    Cancelled = 1,
    InvalidArgument = 3,
    NotFound = 5,
    PermissionDenied = 7,
    ResourceExhausted = 8,
    FailedPrecondition = 9,
    Unimplemented = 12,
    Internal = 13,
    Unavailable = 14,
    Unauthenticated = 16,
}

impl Code {
    pub fn number(self) -> u32 {
        self as u32
    }
}

/// A non-OK outcome of a call: the code and a message for the caller.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Status {
    pub code: Code,
    pub message: String,
}

impl Status {
    pub fn new(code: Code, message: impl Into<String>) -> Status {
        Status { code, message: message.into() }
    }
    pub fn invalid_argument(message: impl Into<String>) -> Status {
        Status::new(Code::InvalidArgument, message)
    }
    pub fn not_found(message: impl Into<String>) -> Status {
        Status::new(Code::NotFound, message)
    }
    pub fn failed_precondition(message: impl Into<String>) -> Status {
        Status::new(Code::FailedPrecondition, message)
    }
    pub fn internal(message: impl Into<String>) -> Status {
        Status::new(Code::Internal, message)
    }
    pub fn unavailable(message: impl Into<String>) -> Status {
        Status::new(Code::Unavailable, message)
    }
    pub fn unimplemented(message: impl Into<String>) -> Status {
        Status::new(Code::Unimplemented, message)
    }
    pub fn unauthenticated(message: impl Into<String>) -> Status {
        Status::new(Code::Unauthenticated, message)
    }
    pub fn permission_denied(message: impl Into<String>) -> Status {
        Status::new(Code::PermissionDenied, message)
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}: {}", self.code, self.message)
    }
}

/// `grpc-message` is percent-encoded: bytes outside printable ASCII, and `%` itself,
/// become `%XX` (gRPC over HTTP/2 spec), so any UTF-8 message survives as a header value.
pub fn percent_encode_message(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    for &byte in message.as_bytes() {
        if (0x20..=0x7e).contains(&byte) && byte != b'%' {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// The inverse of [`percent_encode_message`]; malformed escapes are kept as they are.
pub fn percent_decode_message(encoded: &str) -> String {
    let bytes = encoded.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let (high, low) = (hex_value(bytes[i + 1]), hex_value(bytes[i + 2]));
            if let (Some(high), Some(low)) = (high, low) {
                out.push(high << 4 | low);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex_value(digit: u8) -> Option<u8> {
    (digit as char).to_digit(16).map(|v| v as u8)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_have_the_spec_numbers() {
        assert_eq!(Code::Ok.number(), 0);
        assert_eq!(Code::InvalidArgument.number(), 3);
        assert_eq!(Code::NotFound.number(), 5);
        assert_eq!(Code::PermissionDenied.number(), 7);
        assert_eq!(Code::FailedPrecondition.number(), 9);
        assert_eq!(Code::Unimplemented.number(), 12);
        assert_eq!(Code::Internal.number(), 13);
        assert_eq!(Code::Unauthenticated.number(), 16);
    }

    #[test]
    fn messages_round_trip_through_percent_encoding() {
        let message = "vehicle 3 is on_mission (100% busy) – déjà\n";
        let encoded = percent_encode_message(message);
        assert!(encoded.is_ascii());
        assert!(encoded.contains("%25"));
        assert!(!encoded.contains('\n'));
        assert_eq!(percent_decode_message(&encoded), message);
    }

    #[test]
    fn broken_escapes_are_kept() {
        assert_eq!(percent_decode_message("50%"), "50%");
        assert_eq!(percent_decode_message("%zz"), "%zz");
    }
}
