//! How long an instance has been executing its own code, as opposed to waiting in host calls.
//!
//! A request's wall-clock deadline covers the time until its response head is sent. After
//! that a component may keep streaming (Server-Sent Events, long downloads) for as long as it
//! mostly waits on I/O, so the limit that still protects the process is on guest execution
//! time: a component that computes for longer than the deadline is interrupted whenever it
//! does so, before or after responding.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use wasmtime::CallHook;

#[derive(Debug)]
pub struct GuestClock {
    /// Set while the guest's own code runs (between entering wasm and calling out of it).
    running_since: Option<Instant>,
    spent: Duration,
    responded: Arc<AtomicBool>,
    /// Host calls in progress; guest code the host runs meanwhile is not the guest's own time.
    host_depth: u32,
}

impl Default for GuestClock {
    fn default() -> Self {
        Self { running_since: None, spent: Duration::ZERO, responded: Arc::new(AtomicBool::new(false)), host_depth: 0 }
    }
}

impl GuestClock {
    /// Follows one transition between host and guest code (wasmtime's call hook).
    ///
    /// Only the outermost host call reads the clock: while the host serves a call it calls
    /// back into the guest to allocate every string and list it lowers (`cabi_realloc`,
    /// ~600 times for a 100-row Postgres result), and reading the clock around each of those
    /// cost ~10 % of the CPU of a `GET /transports` (bench/results/transport-rest-profile.md).
    pub fn transition(&mut self, hook: CallHook) {
        match hook {
            CallHook::CallingHost => {
                self.host_depth += 1;
                if self.host_depth > 1 {
                    return;
                }
            }
            CallHook::ReturningFromHost => {
                self.host_depth = self.host_depth.saturating_sub(1);
                if self.host_depth > 0 {
                    return;
                }
            }
            CallHook::CallingWasm | CallHook::ReturningFromWasm if self.host_depth > 0 => return,
            _ => {}
        }
        self.transition_at(hook, Instant::now());
    }

    fn transition_at(&mut self, hook: CallHook, now: Instant) {
        if hook.entering_host() {
            if let Some(since) = self.running_since.take() {
                self.spent += now.saturating_duration_since(since);
            }
        } else if self.running_since.is_none() {
            self.running_since = Some(now);
        }
    }

    /// Guest execution time so far, including the stretch running right now.
    pub fn guest_time(&self) -> Duration {
        self.guest_time_at(Instant::now())
    }

    fn guest_time_at(&self, now: Instant) -> Duration {
        self.spent + self.running_since.map_or(Duration::ZERO, |since| now.saturating_duration_since(since))
    }

    /// A handle the HTTP trigger sets once the response head has gone out.
    pub fn responded_flag(&self) -> Arc<AtomicBool> {
        self.responded.clone()
    }

    pub fn responded(&self) -> bool {
        self.responded.load(Ordering::Relaxed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_only_time_spent_in_the_guest() {
        let t0 = Instant::now();
        let ms = |n| t0 + Duration::from_millis(n);
        let mut clock = GuestClock::default();
        clock.transition_at(CallHook::CallingWasm, ms(0));
        clock.transition_at(CallHook::CallingHost, ms(5));
        // 1 s blocked in a host call (a database query, a blocking Redis read) is not counted.
        clock.transition_at(CallHook::ReturningFromHost, ms(1005));
        assert_eq!(clock.guest_time_at(ms(1010)), Duration::from_millis(10));
        clock.transition_at(CallHook::ReturningFromWasm, ms(1020));
        assert_eq!(clock.guest_time_at(ms(5000)), Duration::from_millis(20));
    }

    #[test]
    fn nested_entries_do_not_restart_the_running_stretch() {
        let t0 = Instant::now();
        let ms = |n| t0 + Duration::from_millis(n);
        let mut clock = GuestClock::default();
        clock.transition_at(CallHook::CallingWasm, ms(0));
        clock.transition_at(CallHook::CallingWasm, ms(7));
        assert_eq!(clock.guest_time_at(ms(10)), Duration::from_millis(10));
    }

    #[test]
    fn guest_code_the_host_runs_during_a_host_call_is_host_time() {
        let mut clock = GuestClock::default();
        clock.transition(CallHook::CallingWasm);
        clock.transition(CallHook::CallingHost);
        // The host lowering a result calls the guest's allocator: still inside the host call.
        clock.transition(CallHook::CallingWasm);
        clock.transition(CallHook::ReturningFromWasm);
        assert!(clock.running_since.is_none() && clock.host_depth == 1);
        clock.transition(CallHook::ReturningFromHost);
        assert!(clock.running_since.is_some() && clock.host_depth == 0);
    }

    #[test]
    fn the_responded_flag_is_shared() {
        let clock = GuestClock::default();
        assert!(!clock.responded());
        clock.responded_flag().store(true, Ordering::Relaxed);
        assert!(clock.responded());
    }
}
