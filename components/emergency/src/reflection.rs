//! The server reflection stream: each request frame is answered as soon as it has arrived,
//! because reflection clients (grpcurl, grpcio-reflection) wait for each answer before
//! sending their next request on the same stream.

use emergency_model::framing::{self, FrameError, FLAG_COMPRESSED, HEADER_LEN, MAX_MESSAGE_LEN};
use emergency_model::reflection::answer;
use emergency_model::reflection_pb::ServerReflectionRequest;
use emergency_model::{Code, Status, Wire};
use futures::TryStreamExt;
use prost::Message;
use spin_sdk::http::{IncomingRequest, ResponseOutparam};

use crate::reply::Call;

pub async fn serve(req: IncomingRequest, out: ResponseOutparam, wire: Wire) {
    let mut call = Call::open(out, wire);
    let outcome = answer_all(req, &mut call).await;
    if let Err(status) = &outcome {
        eprintln!("emergency: ServerReflectionInfo -> {status}");
    }
    call.finish(outcome);
}

async fn answer_all(req: IncomingRequest, call: &mut Call) -> Result<(), Status> {
    let mut stream = req.into_body_stream();
    let mut pending: Vec<u8> = Vec::new();
    loop {
        let chunk = stream.try_next().await.map_err(|e| {
            Status::new(Code::Cancelled, format!("reading the request stream failed: {}", e.to_debug_string()))
        })?;
        let Some(chunk) = chunk else {
            return match pending.len() {
                0 => Ok(()),
                n => Err(FrameError::TruncatedPayload {
                    declared: framing::header(&pending).map_or(HEADER_LEN, |(_, len)| len),
                    available: n.saturating_sub(HEADER_LEN),
                }
                .status()),
            };
        };
        pending.extend_from_slice(&chunk);
        while let Some((flags, len)) = framing::header(&pending) {
            if len > MAX_MESSAGE_LEN {
                return Err(FrameError::TooLarge { declared: len, max: MAX_MESSAGE_LEN }.status());
            }
            if pending.len() < HEADER_LEN + len {
                break;
            }
            if flags & FLAG_COMPRESSED != 0 {
                return Err(Status::unimplemented("compressed gRPC messages are not supported"));
            }
            let request = ServerReflectionRequest::decode(&pending[HEADER_LEN..HEADER_LEN + len])
                .map_err(|e| Status::internal(format!("the request message is not valid protobuf: {e}")))?;
            pending.drain(..HEADER_LEN + len);
            call.message(&answer(&request).encode_to_vec())
                .map_err(|e| Status::new(Code::Cancelled, format!("writing the response failed: {e}")))?;
        }
    }
}
