//! Bounded property runs of the gRPC frame decoder over hostile bodies (PROPTEST_CASES
//! cases each in `make test`, see .cargo/config.toml).

use proptest::prelude::*;

use crate::framing::{encode_message, split, unary_request, FrameError, HEADER_LEN, MAX_MESSAGE_LEN};
use crate::Code;

proptest! {
    /// Any bytes: an answer, never a panic, and never a frame longer than the limit.
    #[test]
    fn arbitrary_bodies_never_panic(body in proptest::collection::vec(any::<u8>(), 0..64), max in 0usize..32) {
        if let Ok(frames) = split(&body, max) {
            prop_assert!(frames.iter().all(|f| f.payload.len() <= max));
        }
        let _ = unary_request(&body, max);
    }

    /// A length prefix up to 4 GiB is refused from the header alone, before any allocation.
    #[test]
    fn huge_length_prefixes_are_resource_exhausted(len in (MAX_MESSAGE_LEN as u32 + 1)..=u32::MAX, tail in proptest::collection::vec(any::<u8>(), 0..16)) {
        let mut body = vec![0u8];
        body.extend_from_slice(&len.to_be_bytes());
        body.extend_from_slice(&tail);
        prop_assert_eq!(split(&body, MAX_MESSAGE_LEN).unwrap_err(), FrameError::TooLarge { declared: len as usize, max: MAX_MESSAGE_LEN });
        prop_assert_eq!(unary_request(&body, MAX_MESSAGE_LEN).unwrap_err().code, Code::ResourceExhausted);
    }

    /// Whatever messages are framed split back into exactly those messages.
    #[test]
    fn framing_round_trips(messages in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..40), 0..6)) {
        let body: Vec<u8> = messages.iter().flat_map(|m| encode_message(m)).collect();
        let frames = split(&body, MAX_MESSAGE_LEN).unwrap();
        prop_assert_eq!(frames.len(), messages.len());
        for (frame, message) in frames.iter().zip(&messages) {
            prop_assert_eq!(frame.flags, 0);
            prop_assert_eq!(frame.payload, message.as_slice());
        }
    }

    /// Cutting a valid body anywhere inside a frame is a clean protocol error.
    #[test]
    fn truncated_bodies_are_errors(message in proptest::collection::vec(any::<u8>(), 1..40), cut in 1usize..40) {
        let body = encode_message(&message);
        let cut = cut.min(body.len() - 1);
        let err = split(&body[..cut], MAX_MESSAGE_LEN).unwrap_err();
        let expected_header_cut = cut < HEADER_LEN;
        prop_assert_eq!(matches!(err, FrameError::TruncatedHeader { .. }), expected_header_cut);
        prop_assert_eq!(unary_request(&body[..cut], MAX_MESSAGE_LEN).unwrap_err().code, Code::Internal);
    }
}
