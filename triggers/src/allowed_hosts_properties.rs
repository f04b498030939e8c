//! Bounded property runs of the allowed-hosts pattern parser and checker over hostile
//! patterns and addresses (in `make test`, PROPTEST_CASES of them: see .cargo/config.toml).

use proptest::prelude::*;

use crate::allowed_hosts::AllowedHosts;

/// Pattern-ish and address-ish text: schemes, wildcards, ports, ranges, templates, junk.
fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "http://", "https://", "redis://", "postgres://", "mqtt://", "*://", "*.", "*", ":",
            "80", "0", "65535", "65536", "1-3", "8000-8010", "10-1", "-", "{{ x }}", "{{", "}}", "/",
            "/...", "?", "#", "@", "user:pw@", "[::1]", "127.0.0.1", "example.org", "spin.internal",
            "self", "%2e", "..", " ", "\u{0}", "é",
        ])
        .prop_map(str::to_string),
        "[a-z0-9.*:/\\-]{0,8}",
    ]
}

fn text() -> impl Strategy<Value = String> {
    proptest::collection::vec(piece(), 0..8).prop_map(|p| p.concat())
}

proptest! {
    /// Any pattern parses or is refused with a message; any address is allowed or denied;
    /// nothing panics, and a denial always names what was asked for.
    #[test]
    fn patterns_and_addresses_never_panic(patterns in proptest::collection::vec(text(), 0..4), address in text()) {
        let Ok(allowed) = AllowedHosts::parse(&patterns) else { return Ok(()) };
        let _ = allowed.check_url(&address, "http");
        let _ = allowed.check_http_request(&address);
        let _ = allowed.check_postgres(&address);
        let _ = allowed.allows_chaining_to(&address);
    }

    /// No pattern list is widened by being parsed: an empty list allows nothing at all.
    #[test]
    fn an_empty_list_denies_every_address(address in text(), port in any::<u16>()) {
        let none = AllowedHosts::parse(&[]).unwrap();
        prop_assert!(none.check_url(&address, "http").is_err());
        prop_assert!(none.check_parts("http", &address, port).is_err());
    }

    /// A pattern for one exact host and port never allows another host.
    #[test]
    fn an_exact_pattern_allows_only_its_host(host in "[a-z]{1,10}\\.example", other in "[a-z]{1,10}\\.example", port in 1u16..) {
        let allowed = AllowedHosts::parse(&[format!("https://{host}:{port}")]).unwrap();
        prop_assert!(allowed.check_parts("https", &host, port).is_ok());
        if other != host {
            prop_assert!(allowed.check_parts("https", &other, port).is_err());
        }
        prop_assert!(allowed.check_parts("http", &host, port).is_err());
    }
}
