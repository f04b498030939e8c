//! The HTTP trigger's routing and the `spin-*` headers, through a real client.

use cityflow_tests::{component_wasm, App};
use serde_json::Value;

fn manifest() -> String {
    let probe = component_wasm("probe");
    format!(
        r#"
spin_manifest_version = 2
[application]
name = "routing"

[[trigger.http]]
route = "/wild/..."
component = "wild"
[[trigger.http]]
route = "/wild/deeper/..."
component = "deeper"
[[trigger.http]]
route = "/wild/exact"
component = "exact"
[[trigger.http]]
route = "/users/:id/posts/:post"
component = "named"
[[trigger.http]]
route = {{ private = true }}
component = "hidden"
[[trigger.http]]
route = "/chain"
component = "chainer"
[[trigger.http]]
route = "/health"
static_response = {{ status_code = 200, headers = {{ "content-type" = "text/plain" }}, body = "ok" }}

[component.wild]
source = "{probe}"
[component.deeper]
source = "{probe}"
[component.exact]
source = "{probe}"
[component.named]
source = "{probe}"
[component.hidden]
source = "{probe}"
[component.chainer]
source = "{probe}"
allowed_outbound_hosts = ["http://hidden.spin.internal"]
"#
    )
}

async fn echo(app: &App, path: &str) -> (u16, Value) {
    let resp = app.client().get(app.url(path)).send().await.unwrap();
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap_or(Value::Null))
}

fn header<'a>(v: &'a Value, name: &str) -> &'a str {
    v["headers"][name].as_str().unwrap_or_else(|| panic!("missing {name} in {v}"))
}

#[tokio::test]
async fn routing_precedence_and_spin_headers() {
    let app = App::builder().without_database().manifest(manifest()).start().await;

    // Exact beats wildcard.
    let (status, v) = echo(&app, "/wild/exact").await;
    assert_eq!(status, 200);
    assert_eq!(header(&v, "spin-raw-component-route"), "/wild/exact");
    assert_eq!(header(&v, "spin-path-info"), "");

    // The longest wildcard prefix wins.
    let (_, v) = echo(&app, "/wild/deeper/a/b?x=1").await;
    assert_eq!(header(&v, "spin-raw-component-route"), "/wild/deeper/...");
    assert_eq!(header(&v, "spin-component-route"), "/wild/deeper");
    assert_eq!(header(&v, "spin-matched-route"), "/wild/deeper/...");
    assert_eq!(header(&v, "spin-path-info"), "/a/b");
    assert_eq!(header(&v, "spin-base-path"), "/");
    assert_eq!(header(&v, "spin-full-url"), app.url("/wild/deeper/a/b?x=1"));
    assert!(header(&v, "spin-client-addr").starts_with("127.0.0.1:"));

    let (_, v) = echo(&app, "/wild/other").await;
    assert_eq!(header(&v, "spin-raw-component-route"), "/wild/...");
    assert_eq!(header(&v, "spin-path-info"), "/other");

    // Named segments become spin-path-match-<name>.
    let (_, v) = echo(&app, "/users/42/posts/7").await;
    assert_eq!(header(&v, "spin-path-match-id"), "42");
    assert_eq!(header(&v, "spin-path-match-post"), "7");

    // Unrouted and private paths are 404.
    assert_eq!(app.client().get(app.url("/nowhere")).send().await.unwrap().status(), 404);
    assert_eq!(app.client().get(app.url("/hidden")).send().await.unwrap().status(), 404);

    // Static responses.
    let resp = app.client().get(app.url("/health")).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.text().await.unwrap(), "ok");
}

#[tokio::test]
async fn client_cannot_forge_spin_headers() {
    let app = App::builder().without_database().manifest(manifest()).start().await;
    let resp = app
        .client()
        .get(app.url("/wild/x"))
        .header("spin-path-info", "/forged")
        .header("spin-user", "admin")
        .send()
        .await
        .unwrap();
    let v: Value = resp.json().await.unwrap();
    assert_eq!(header(&v, "spin-path-info"), "/x");
    assert!(v["headers"].get("spin-user").is_none(), "{v}");
}

#[tokio::test]
async fn private_component_is_reachable_only_by_chaining() {
    let app = App::builder().without_database().manifest(manifest()).start().await;
    let (status, v) = echo(&app, "/chain?do=http&url=http://hidden.spin.internal/inner/path%3Fq%3D1").await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["status"], 200, "{v}");
    let inner: Value = serde_json::from_str(v["body"].as_str().unwrap()).unwrap();
    assert_eq!(inner["uri"].as_str().unwrap().contains("/inner/path"), true, "{inner}");
    assert_eq!(header(&inner, "spin-path-info"), "/inner/path");

    // A component not listed in allowed_outbound_hosts cannot be chained to.
    let (status, v) = echo(&app, "/chain?do=http&url=http://wild.spin.internal/x").await;
    assert_eq!(status, 502, "{v}");
    assert!(v["error"].as_str().unwrap().to_lowercase().contains("denied"), "{v}");
}

#[tokio::test]
async fn http2_prior_knowledge_is_served_on_the_same_port() {
    let app = App::builder().without_database().manifest(manifest()).start().await;
    let resp = app.h2_client().get(app.url("/wild/h2")).send().await.unwrap();
    assert_eq!(resp.version(), reqwest::Version::HTTP_2);
    let v: Value = resp.json().await.unwrap();
    assert_eq!(header(&v, "spin-path-info"), "/h2");
}

#[tokio::test]
async fn component_output_is_prefixed_and_requests_are_logged() {
    let app = App::builder().without_database().manifest(manifest()).start().await;
    let (status, _) = echo(&app, "/wild/p?do=print&text=hello").await;
    assert_eq!(status, 200);
    assert!(app.wait_for_log("[wild] probe says hello", std::time::Duration::from_secs(5)).await, "{}", app.logs());
    // The request line is written by the log thread, a moment after the guest's own output.
    assert!(app.wait_for_log("status=200", std::time::Duration::from_secs(5)).await, "{}", app.logs());
    let logs = app.logs();
    assert!(logs.contains("component=wild"), "{logs}");
}
