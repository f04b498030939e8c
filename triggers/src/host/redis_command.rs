//! Which connection a guest's `execute` command may run on.
//!
//! Every instance shares one multiplexed connection per address, so a command that blocks the
//! connection (`XREAD ... BLOCK`, `BLPOP`) would stall every other component's Redis calls,
//! and one that changes connection state (`SELECT`, `MULTI`, `SUBSCRIBE`) would leak into
//! them. Blocking commands get a connection of their own; state-changing ones are refused.

use std::time::Duration;

#[derive(Debug, PartialEq)]
pub enum CommandRoute {
    /// Runs on the shared connection.
    Shared,
    /// Runs on the instance's own connection; waits at most this long for the reply (`None`:
    /// as long as the request itself may run).
    Blocking(Option<Duration>),
    /// Would corrupt the shared connection for others; the reason is returned to the guest.
    Refused(&'static str),
}

/// Slack on top of the server-side block time before the reply is given up on.
const REPLY_MARGIN: Duration = Duration::from_secs(5);

pub fn route(command: &str, args: &[Vec<u8>]) -> CommandRoute {
    let command = command.to_ascii_uppercase();
    let text = |i: usize| args.get(i).and_then(|a| std::str::from_utf8(a).ok());
    match command.as_str() {
        "XREAD" | "XREADGROUP" => {
            match args.iter().position(|a| a.eq_ignore_ascii_case(b"BLOCK")) {
                Some(i) => CommandRoute::Blocking(millis(text(i + 1))),
                None => CommandRoute::Shared,
            }
        }
        "BLPOP" | "BRPOP" | "BZPOPMIN" | "BZPOPMAX" | "BRPOPLPUSH" | "BLMOVE" => {
            CommandRoute::Blocking(seconds(args.len().checked_sub(1).and_then(text)))
        }
        "BLMPOP" | "BZMPOP" => CommandRoute::Blocking(seconds(text(0))),
        "WAIT" | "WAITAOF" => CommandRoute::Blocking(millis(args.last().and_then(|a| std::str::from_utf8(a).ok()))),
        "SUBSCRIBE" | "PSUBSCRIBE" | "SSUBSCRIBE" | "UNSUBSCRIBE" | "PUNSUBSCRIBE" | "SUNSUBSCRIBE" | "MONITOR" => {
            CommandRoute::Refused("subscriptions are not available through execute; use the Redis trigger or poll a stream")
        }
        "MULTI" | "EXEC" | "DISCARD" | "WATCH" | "UNWATCH" => {
            CommandRoute::Refused("transactions are not available on the shared connection; use EVAL for atomic work")
        }
        "SELECT" | "RESET" | "QUIT" | "CLIENT" | "HELLO" | "AUTH" => {
            CommandRoute::Refused("connection state is shared by every component and cannot be changed")
        }
        _ => CommandRoute::Shared,
    }
}

/// A block time in milliseconds; 0 means forever.
fn millis(value: Option<&str>) -> Option<Duration> {
    let ms: u64 = value?.trim().parse().ok()?;
    (ms > 0).then(|| Duration::from_millis(ms) + REPLY_MARGIN)
}

/// A block time in (possibly fractional) seconds; 0 means forever.
fn seconds(value: Option<&str>) -> Option<Duration> {
    let secs: f64 = value?.trim().parse().ok()?;
    (secs.is_finite() && secs > 0.0 && secs < 1e9).then(|| Duration::from_secs_f64(secs) + REPLY_MARGIN)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<Vec<u8>> {
        list.iter().map(|a| a.as_bytes().to_vec()).collect()
    }

    #[test]
    fn xread_blocks_only_with_block() {
        assert_eq!(route("xread", &args(&["COUNT", "10", "STREAMS", "s", "0"])), CommandRoute::Shared);
        assert_eq!(
            route("XREAD", &args(&["block", "15000", "STREAMS", "s", "$"])),
            CommandRoute::Blocking(Some(Duration::from_millis(15000) + REPLY_MARGIN))
        );
        assert_eq!(route("XREADGROUP", &args(&["GROUP", "g", "c", "BLOCK", "0", "STREAMS", "s", ">"])), CommandRoute::Blocking(None));
    }

    #[test]
    fn list_pops_take_their_timeout_in_seconds() {
        assert_eq!(route("BLPOP", &args(&["a", "b", "1.5"])), CommandRoute::Blocking(Some(Duration::from_millis(1500) + REPLY_MARGIN)));
        assert_eq!(route("BRPOP", &args(&["a", "0"])), CommandRoute::Blocking(None));
        assert_eq!(route("BLMPOP", &args(&["2", "1", "a", "LEFT"])), CommandRoute::Blocking(Some(Duration::from_secs(2) + REPLY_MARGIN)));
        assert_eq!(route("BLPOP", &args(&["a", "nan"])), CommandRoute::Blocking(None));
    }

    #[test]
    fn connection_state_changes_are_refused() {
        for command in ["subscribe", "MULTI", "select", "Monitor", "CLIENT"] {
            assert!(matches!(route(command, &args(&["x"])), CommandRoute::Refused(_)), "{command}");
        }
        assert_eq!(route("GET", &args(&["k"])), CommandRoute::Shared);
        assert_eq!(route("EVAL", &args(&["return 1", "0"])), CommandRoute::Shared);
    }
}
