//! Bounded property runs of the manifest loader over mangled manifests (PROPTEST_CASES cases
//! each in `make test`, see .cargo/config.toml): every input is loaded or refused with an
//! error, never a panic.

use std::path::PathBuf;

use proptest::prelude::*;

use super::validate::parse;

const VALID: &str = r#"spin_manifest_version = 2
[application]
name = "props"
[variables]
db_url = { required = true, secret = true }
port = { default = "5432" }
[application.trigger.mqtt]
address = "mqtt://127.0.0.1:1883"
username = ""
password = ""
keep_alive_interval = "30"
[[trigger.mqtt]]
component = "a"
topic = "t/#"
qos = "1"
[[trigger.http]]
route = "/a/..."
component = "a"
[[trigger.http]]
route = "/b/:id"
component = "b"
[[trigger.http]]
route = "/health"
static_response = { status_code = 200, body = "ok" }
[[trigger.http]]
route = { private = true }
component = "b"
[[trigger.cron]]
component = "b"
cron_expression = "0 * * * * *"
[component.a]
source = "a.wasm"
allowed_outbound_hosts = ["postgres://127.0.0.1:{{ port }}"]
variables = { db_url = "{{ db_url }}" }
[component.b]
source = "b.wasm"
"#;

/// Ways of mangling a manifest line.
#[derive(Debug, Clone)]
enum Edit {
    Delete(usize),
    Duplicate(usize),
    Truncate(usize, usize),
    Insert(usize, String),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        any::<usize>().prop_map(Edit::Delete),
        any::<usize>().prop_map(Edit::Duplicate),
        (any::<usize>(), any::<usize>()).prop_map(|(l, c)| Edit::Truncate(l, c)),
        (any::<usize>(), prop::sample::select(vec![
            "[[trigger.http]]", "route = \"/...\"", "route = \"\"", "route = \"/a/:x/:x\"",
            "component = \"missing\"", "source = \"\"", "[component.\"bad id\"]", "x = 1",
            "topic = \"#/a\"", "qos = \"7\"", "cron_expression = \"61 * * * * *\"",
            "allowed_outbound_hosts = [\"*://*:*\"]", "allowed_outbound_hosts = [\"{{ nope }}\"]",
            "variables = { a = \"{{\" }", "spin_manifest_version = 1", "[application]",
            "name = \"\u{0}\"", "keep_alive_interval = \"-1\"",
        ]).prop_map(str::to_string)).prop_map(|(l, s)| Edit::Insert(l, s)),
    ]
}

fn apply(text: &str, edits: &[Edit]) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    for edit in edits {
        let n = lines.len().max(1);
        match edit {
            Edit::Delete(i) if !lines.is_empty() => {
                lines.remove(i % n);
            }
            Edit::Duplicate(i) if !lines.is_empty() => {
                let line = lines[i % n].clone();
                lines.insert(i % n, line);
            }
            Edit::Truncate(i, c) if !lines.is_empty() => {
                let line = &mut lines[i % n];
                let cut = line.char_indices().map(|(at, _)| at).nth(c % (line.chars().count() + 1)).unwrap_or(line.len());
                line.truncate(cut);
            }
            Edit::Insert(i, s) => lines.insert(i % (lines.len() + 1), s.clone()),
            _ => {}
        }
    }
    lines.join("\n")
}

#[test]
fn the_unmangled_manifest_loads() {
    parse(VALID, PathBuf::from(".")).expect("the base manifest is valid");
}

proptest! {
    #[test]
    fn mangled_manifests_never_panic(edits in proptest::collection::vec(edit(), 1..6)) {
        let _ = parse(&apply(VALID, &edits), PathBuf::from("."));
    }

    #[test]
    fn arbitrary_text_never_panics(text in ".{0,300}") {
        let _ = parse(&text, PathBuf::from("."));
    }
}
