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

/// Reads a streamed body chunk by chunk until it ends or breaks; returns what arrived.
async fn read_stream(resp: reqwest::Response) -> (String, bool) {
    use futures_util::StreamExt;
    let mut body = resp.bytes_stream();
    let mut text = String::new();
    while let Some(chunk) = body.next().await {
        match chunk {
            Ok(bytes) => text.push_str(&String::from_utf8_lossy(&bytes)),
            Err(_) => return (text, false),
        }
    }
    (text, true)
}

#[tokio::test]
async fn a_streamed_body_may_outlive_the_deadline_while_it_waits() {
    let app = start().await; // --request-timeout 2s
    let resp = app.client().get(app.url("/fine/s?do=stream&chunks=8&interval_ms=500")).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    let (text, complete) = read_stream(resp).await;
    let expected: String = (0..8).map(|i| format!("chunk {i}\n")).collect();
    assert!(complete, "the stream was cut: {text:?}\n{}", app.logs());
    assert_eq!(text, expected);
}

#[tokio::test]
async fn a_component_computing_after_its_head_is_still_stopped() {
    let app = start().await;
    let client = app.client();
    let resp = client.get(app.url("/runaway/x?do=spin-after-head")).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    let (text, complete) = read_stream(resp).await;
    assert_eq!(text, "started\n");
    assert!(!complete, "a body cut by the runtime must not look complete to the client");
    assert!(app.wait_for_log("failed after responding", Duration::from_secs(5)).await, "{}", app.logs());
    assert_eq!(client.get(app.url("/fine/z")).send().await.unwrap().status(), 200);
}

#[tokio::test]
async fn a_stream_is_closed_at_the_stream_timeout() {
    let app = App::builder()
        .without_database()
        .manifest(manifest())
        .arg("--stream-timeout")
        .arg("1s")
        .start()
        .await;
    let resp = app.client().get(app.url("/fine/s?do=stream&chunks=20&interval_ms=200")).send().await.unwrap();
    let (text, complete) = read_stream(resp).await;
    assert!(!complete && text.lines().count() < 20, "the stream ran past its limit: {text:?}");
    assert!(app.wait_for_log("--stream-timeout", Duration::from_secs(5)).await, "{}", app.logs());
}

#[tokio::test]
async fn request_bodies_past_the_limit_are_refused() {
    let app = App::builder()
        .without_database()
        .manifest(manifest())
        .arg("--max-request-body")
        .arg("1000")
        .start()
        .await;
    let client = app.client();
    let fits = client.post(app.url("/fine/b")).body(vec![b'x'; 1000]).send().await.unwrap();
    assert_eq!(fits.status(), 200);
    assert_eq!(fits.json::<serde_json::Value>().await.unwrap()["body_len"], 1000);

    let declared = client.post(app.url("/fine/b")).body(vec![b'x'; 1001]).send().await.unwrap();
    assert_eq!(declared.status(), 413);

    // Without a length (chunked), the component's read of the body fails past the limit.
    let chunks = futures_util::stream::iter((0..4).map(|_| Ok::<_, std::io::Error>(vec![b'y'; 500])));
    let streamed = client.post(app.url("/fine/b")).body(reqwest::Body::wrap_stream(chunks)).send().await.unwrap();
    assert_eq!(streamed.status(), 400, "the probe reports an unreadable body");
    assert_eq!(client.get(app.url("/fine/z")).send().await.unwrap().status(), 200);
}
