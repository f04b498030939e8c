//! Response bodies the runtime writes itself (errors, static responses), and the cap on
//! request bodies it hands to components.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use http_body::{Body, Frame};
use http_body_util::{BodyExt, Full, Limited};
use wasmtime_wasi_http::p2::body::HyperOutgoingBody;

pub fn full(bytes: impl Into<Bytes>) -> HyperOutgoingBody {
    Full::new(bytes.into()).map_err(|never| match never {}).boxed_unsync()
}

/// A plain-text response produced by the runtime rather than a component.
pub fn text(status: u16, message: &str) -> http::Response<HyperOutgoingBody> {
    http::Response::builder()
        .status(status)
        .header("content-type", "text/plain; charset=utf-8")
        .body(full(format!("{message}\n")))
        .expect("static response parts are valid")
}

/// The request's `content-length`, when it declares one.
pub fn declared_length(headers: &http::HeaderMap) -> Option<u64> {
    headers.get(http::header::CONTENT_LENGTH)?.to_str().ok()?.trim().parse().ok()
}

/// A request body that fails with `HttpRequestBodySize` past `limit` bytes, for bodies sent
/// without a length (chunked, HTTP/2 data frames) that the length check cannot refuse.
pub fn limited<B>(body: B, limit: u64) -> impl Body<Data = Bytes, Error = wasmtime_wasi_http::Error> + Send + 'static
where
    B: Body<Data = Bytes> + Send + 'static,
    B::Error: Into<wasmtime_wasi_http::Error>,
{
    let max = usize::try_from(limit).unwrap_or(usize::MAX);
    Limited::new(body.map_err(Into::into), max).map_err(move |e| match e.downcast::<wasmtime_wasi_http::Error>() {
        Ok(inner) => *inner,
        Err(_) => wasmtime_wasi_http::Error::HttpRequestBodySize(Some(limit)),
    })
}

/// A component's response body that ends cleanly only if the component did. wasi:http ends a
/// body whose instance died mid-stream (trap, deadline, stream limit) as if it were complete;
/// this turns that end into an error, so hyper cuts the connection (HTTP/1.1: no last chunk;
/// HTTP/2: RST_STREAM) and the client can tell a truncated response from a whole one.
pub fn ended_by(body: HyperOutgoingBody, outcome: tokio::sync::oneshot::Receiver<bool>) -> HyperOutgoingBody {
    GuardedBody { inner: body, outcome: Some(outcome) }.boxed_unsync()
}

struct GuardedBody {
    inner: HyperOutgoingBody,
    /// `true` once the instance returned normally; dropped unsent when it failed.
    outcome: Option<tokio::sync::oneshot::Receiver<bool>>,
}

impl Body for GuardedBody {
    type Data = Bytes;
    type Error = wasmtime_wasi_http::Error;

    fn poll_frame(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, wasmtime_wasi_http::Error>>> {
        let this = self.get_mut();
        match Pin::new(&mut this.inner).poll_frame(cx) {
            Poll::Ready(None) => {}
            other => return other,
        }
        let Some(outcome) = this.outcome.as_mut() else { return Poll::Ready(None) };
        let completed = match Pin::new(outcome).poll(cx) {
            Poll::Pending => return Poll::Pending,
            Poll::Ready(result) => result.unwrap_or(false),
        };
        this.outcome = None;
        if completed {
            Poll::Ready(None)
        } else {
            Poll::Ready(Some(Err(wasmtime_wasi_http::Error::HttpResponseIncomplete)))
        }
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.inner.size_hint()
    }
}
