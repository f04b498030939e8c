//! Host capabilities seen from a component: variables, key-value, Postgres, Redis and
//! outbound HTTP, each behind the one allowed-hosts checker.

use cityflow_tests::{component_wasm, pg_server, redis_url, App, TestDb};
use serde_json::Value;

/// `allowed` is the probe's allowed_outbound_hosts list, as TOML.
fn manifest(allowed: &str) -> String {
    let probe = component_wasm("probe");
    format!(
        r#"
spin_manifest_version = 2
[application]
name = "capabilities"
[variables]
greeting = {{ default = "bonjour" }}
api_token = {{ required = true, secret = true }}
[[trigger.http]]
route = "/probe/..."
component = "probe"
[[trigger.http]]
route = "/self-target"
static_response = {{ body = "from self" }}
[component.probe]
source = "{probe}"
allowed_outbound_hosts = {allowed}
key_value_stores = ["default"]
variables = {{ greeting = "{{{{ greeting }}}}, Paris", token = "{{{{ api_token }}}}" }}
"#
    )
}

async fn call(app: &App, query: &str) -> (u16, Value) {
    let resp = app.client().get(app.url(&format!("/probe/x?{query}"))).send().await.unwrap();
    (resp.status().as_u16(), resp.json().await.unwrap())
}

fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| if b.is_ascii_alphanumeric() { (b as char).to_string() } else { format!("%{b:02X}") })
        .collect()
}

#[tokio::test]
async fn a_missing_required_variable_stops_startup_with_its_name() {
    let err = match App::builder().without_database().manifest(manifest("[]")).try_start().await {
        Ok(_) => panic!("started without a required variable"),
        Err(e) => e.to_string(),
    };
    assert!(err.contains("api_token") && err.contains("SPIN_VARIABLE_API_TOKEN"), "{err}");
}

#[tokio::test]
async fn variables_are_templated_and_scoped_to_the_component() {
    let app = App::builder().without_database().manifest(manifest("[]")).env("SPIN_VARIABLE_API_TOKEN", "s3cret").start().await;
    assert_eq!(call(&app, "do=var&name=greeting").await.1["value"], "bonjour, Paris");
    assert_eq!(call(&app, "do=var&name=token").await.1["value"], "s3cret");
    // Application variables are not visible unless the component maps them.
    let (status, v) = call(&app, "do=var&name=api_token").await;
    assert_eq!(status, 502, "{v}");
    let (status, _) = call(&app, "do=var&name=Not-Valid").await;
    assert_eq!(status, 502);
}

#[tokio::test]
async fn key_value_default_store_works_and_other_labels_are_denied() {
    let app = App::builder().without_database().manifest(manifest("[]")).env("SPIN_VARIABLE_API_TOKEN", "x").start().await;
    assert_eq!(call(&app, "do=kv&store=default").await.1["value"], "stored");
    let (status, v) = call(&app, "do=kv&store=other").await;
    assert_eq!(status, 502, "{v}");
}

#[tokio::test]
async fn postgres_is_reachable_only_when_allowed() {
    let db = TestDb::create().unwrap();
    let addr = enc(&db.url);

    let denied = App::builder().without_database().manifest(manifest("[]")).env("SPIN_VARIABLE_API_TOKEN", "x").start().await;
    let (status, v) = call(&denied, &format!("do=pg&addr={addr}")).await;
    assert_eq!(status, 502, "{v}");
    assert!(v["error"].as_str().unwrap().contains("not permitted"), "{v}");

    let allowed = App::builder()
        .without_database()
        .manifest(manifest(r#"["postgres://127.0.0.1:5432"]"#))
        .env("SPIN_VARIABLE_API_TOKEN", "x")
        .start()
        .await;
    let (status, v) = call(&allowed, &format!("do=pg&addr={addr}")).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["answer"], 42);
    let _ = pg_server();
}

#[tokio::test]
async fn redis_is_reachable_only_when_allowed() {
    let addr = enc(&redis_url());
    let denied = App::builder().without_database().manifest(manifest(r#"["redis://10.1.2.3:6379"]"#)).env("SPIN_VARIABLE_API_TOKEN", "x").start().await;
    let (status, v) = call(&denied, &format!("do=redis&addr={addr}")).await;
    assert_eq!(status, 502, "{v}");
    assert!(v["error"].as_str().unwrap().contains("not permitted"), "{v}");

    let allowed = App::builder().without_database().manifest(manifest(r#"["redis://127.0.0.1:6379"]"#)).env("SPIN_VARIABLE_API_TOKEN", "x").start().await;
    let (status, v) = call(&allowed, &format!("do=redis&addr={addr}")).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["value"], "pong");
}

#[tokio::test]
async fn outbound_http_is_denied_unless_allowed() {
    let denied = App::builder().without_database().manifest(manifest("[]")).env("SPIN_VARIABLE_API_TOKEN", "x").start().await;
    let target = enc(&denied.url("/self-target"));
    let (status, v) = call(&denied, &format!("do=http&url={target}")).await;
    assert_eq!(status, 502, "{v}");
    assert!(v["error"].as_str().unwrap().to_lowercase().contains("denied"), "{v}");
    assert!(denied.wait_for_log("not permitted", std::time::Duration::from_secs(5)).await, "{}", denied.logs());

    let allowed = App::builder()
        .without_database()
        .manifest(manifest(r#"["http://127.0.0.1:1..65535", "http://self"]"#))
        .env("SPIN_VARIABLE_API_TOKEN", "x")
        .start()
        .await;
    let target = enc(&allowed.url("/self-target"));
    let (status, v) = call(&allowed, &format!("do=http&url={target}")).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["body"], "from self");

    // `http://self.alt` requests go through this app's own router.
    let (status, v) = call(&allowed, "do=http&url=http%3A%2F%2Fself.alt%2Fself-target").await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["body"], "from self");
}

/// A blocking read (the SSE pattern: `XREAD BLOCK`) waits on a connection of its own, so the
/// other instances' Redis calls on the shared connection are not held up behind it; commands
/// that would change the shared connection's state are refused.
#[tokio::test]
async fn blocking_redis_commands_do_not_stall_the_shared_connection() {
    let app = App::builder().without_database().manifest(manifest(r#"["redis://127.0.0.1:6379"]"#)).env("SPIN_VARIABLE_API_TOKEN", "x").start().await;
    let addr = enc(&redis_url());
    let stream = cityflow_tests::unique_name("blocking");
    let blocked = tokio::spawn({
        let (client, url) = (app.client(), app.url(&format!("/probe/x?do=redis-execute&addr={addr}&command=XREAD&args=BLOCK%203000%20STREAMS%20{stream}%20%24")));
        async move {
            let started = std::time::Instant::now();
            let v: Value = client.get(url).send().await.unwrap().json().await.unwrap();
            (v, started.elapsed())
        }
    });
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    // Meanwhile, ordinary calls go through at once, many times over.
    for _ in 0..10 {
        let (status, v) = call(&app, &format!("do=redis&addr={addr}")).await;
        assert_eq!((status, v["value"].as_str()), (200, Some("pong")), "{v}");
    }
    assert!(!blocked.is_finished(), "the blocking read returned before its timeout");
    let (v, waited) = blocked.await.unwrap();
    assert_eq!(v["results"], serde_json::json!([null]), "a read that timed out is nil: {v}");
    assert!(waited >= std::time::Duration::from_millis(2500), "returned after {waited:?}");

    for command in ["SUBSCRIBE", "MULTI", "SELECT"] {
        let (status, v) = call(&app, &format!("do=redis-execute&addr={addr}&command={command}&args=1")).await;
        assert_eq!(status, 502, "{command}: {v}");
        assert!(v["error"].as_str().unwrap().contains(command), "{v}");
    }
}
