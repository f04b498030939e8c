//! Per-request deadlines and memory caps: a runaway component fails alone.

use std::time::{Duration, Instant};

use cityflow_tests::{component_wasm, App};

fn manifest() -> String {
    let probe = component_wasm("probe");
    format!(
        r#"
spin_manifest_version = 2
[application]
name = "limits"
[[trigger.http]]
route = "/runaway/..."
component = "runaway"
[[trigger.http]]
route = "/fine/..."
component = "fine"
[component.runaway]
source = "{probe}"
[component.fine]
source = "{probe}"
"#
    )
}

async fn start() -> App {
    App::builder()
        .without_database()
        .manifest(manifest())
        .runtime_config("max_instance_memory = 67108864\n")
        .arg("--request-timeout")
        .arg("2s")
        .start()
        .await
}

#[tokio::test]
async fn infinite_loop_is_killed_while_others_are_served() {
    let app = start().await;
    let client = app.client();
    let looping = tokio::spawn({
        let (client, url) = (client.clone(), app.url("/runaway/x?do=loop"));
        async move {
            let started = Instant::now();
            let status = client.get(url).send().await.unwrap().status().as_u16();
            (status, started.elapsed())
        }
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    // While the loop burns its CPU, a normal request still gets through promptly.
    let started = Instant::now();
    let resp = client.get(app.url("/fine/y")).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    assert!(started.elapsed() < Duration::from_secs(2), "normal request took {:?}", started.elapsed());

    let (status, elapsed) = looping.await.unwrap();
    assert_eq!(status, 503);
    assert!(elapsed >= Duration::from_secs(2) && elapsed < Duration::from_secs(10), "{elapsed:?}");
    assert!(app.wait_for_log("deadline", Duration::from_secs(5)).await, "{}", app.logs());

    // And the runtime keeps serving afterwards.
    assert_eq!(client.get(app.url("/fine/z")).send().await.unwrap().status(), 200);
}

#[tokio::test]
async fn memory_hog_traps_while_others_are_served() {
    let app = start().await;
    let client = app.client();
    let hog = tokio::spawn({
        let (client, url) = (client.clone(), app.url("/runaway/x?do=hog"));
        async move { client.get(url).send().await.unwrap().status().as_u16() }
    });
    let resp = client.get(app.url("/fine/y")).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(hog.await.unwrap(), 500);
    assert!(app.wait_for_log("memory limit", Duration::from_secs(5)).await, "{}", app.logs());
    assert_eq!(client.get(app.url("/fine/z")).send().await.unwrap().status(), 200);
}

#[tokio::test]
async fn a_panicking_component_gets_a_500_and_nothing_else_breaks() {
    let app = start().await;
    let client = app.client();
    assert_eq!(client.get(app.url("/runaway/x?do=panic")).send().await.unwrap().status(), 500);
    assert_eq!(client.get(app.url("/fine/y")).send().await.unwrap().status(), 200);
}
