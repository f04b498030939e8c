//! A future that completes at a monotonic-clock instant, driven by the SDK's executor.
//!
//! The local runtime serves chained calls in-process and ignores the wasi:http
//! `connect/first-byte/between-bytes` timeouts for them, so each call is raced against this
//! instead: when it fires, the call's future is dropped, which cancels the outgoing request.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use spin_executor::CancelOnDropToken;
use wasi::clocks::monotonic_clock;

pub struct Deadline {
    at: monotonic_clock::Instant,
    /// The pollable registered by the last poll; dropping it unregisters it.
    registration: Option<CancelOnDropToken>,
}

impl Deadline {
    pub fn after(duration: Duration) -> Deadline {
        let nanos = u64::try_from(duration.as_nanos()).unwrap_or(u64::MAX);
        Deadline { at: monotonic_clock::now().saturating_add(nanos), registration: None }
    }
}

impl Future for Deadline {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if monotonic_clock::now() >= self.at {
            self.registration = None;
            return Poll::Ready(());
        }
        let pollable = monotonic_clock::subscribe_instant(self.at);
        let token = spin_executor::push_waker_and_get_token(pollable, cx.waker().clone());
        self.registration = Some(token.into());
        Poll::Pending
    }
}
