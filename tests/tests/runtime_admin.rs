//! The admin listener: Prometheus metrics with the right counts, health, readiness, and a
//! request id that follows a call through service chaining.

use std::time::Duration;

use cityflow_tests::{component_wasm, App};

fn manifest() -> String {
    let probe = component_wasm("probe");
    format!(
        r#"
spin_manifest_version = 2
[application]
name = "admin"
[variables]
db_url = {{ required = true, secret = true }}
[[trigger.http]]
route = "/front/..."
component = "front"
[[trigger.http]]
route = {{ private = true }}
component = "back"
[component.front]
source = "{probe}"
allowed_outbound_hosts = ["http://back.spin.internal"]
[component.back]
source = "{probe}"
"#
    )
}

use cityflow_tests::metric_value as metric;

#[tokio::test]
async fn metrics_count_requests_instantiations_failures_and_outbound_calls() {
    let app = App::builder().manifest(manifest()).start().await;
    let client = app.client();
    for _ in 0..3 {
        assert_eq!(client.get(app.url("/front/a")).send().await.unwrap().status(), 200);
    }
    assert_eq!(client.get(app.url("/front/a?do=panic")).send().await.unwrap().status(), 500);
    assert_eq!(client.get(app.url("/front/a?do=http&url=http%3A%2F%2Fback.spin.internal%2Fx")).send().await.unwrap().status(), 200);
    assert_eq!(client.get(app.url("/front/a?do=http&url=http%3A%2F%2Fexample.com%2F")).send().await.unwrap().status(), 502);
    assert_eq!(client.get(app.url("/nowhere")).send().await.unwrap().status(), 404);

    let text = client.get(app.admin_url("/metrics")).send().await.unwrap().text().await.unwrap();
    let front = [("component", "front"), ("route", "/front/...")];
    assert_eq!(metric(&text, "cityflow_http_requests_total", &[front[0], front[1], ("status", "2xx")]), 4.0, "{text}");
    // The panic (500) and the probe reporting the denied call (502).
    assert_eq!(metric(&text, "cityflow_http_requests_total", &[front[0], ("status", "5xx")]), 2.0, "{text}");
    assert_eq!(metric(&text, "cityflow_http_requests_total", &[("component", "back"), ("route", "(chained)")]), 1.0, "{text}");
    assert_eq!(metric(&text, "cityflow_http_requests_total", &[("component", "-"), ("status", "4xx")]), 1.0, "{text}");
    assert_eq!(metric(&text, "cityflow_guest_failures_total", &[("component", "front"), ("kind", "trap")]), 1.0, "{text}");
    assert_eq!(metric(&text, "cityflow_instantiation_seconds_count", &[("component", "front")]), 6.0, "{text}");
    assert_eq!(metric(&text, "cityflow_outbound_calls_total", &[("kind", "chaining"), ("outcome", "ok")]), 1.0, "{text}");
    assert_eq!(metric(&text, "cityflow_outbound_calls_total", &[("kind", "http"), ("host", "example.com"), ("outcome", "denied")]), 1.0, "{text}");
    // In flight until the guest has finished its body, a moment after the client has it.
    let mut in_flight = metric(&text, "cityflow_http_requests_in_flight", &[front[0]]);
    for _ in 0..100 {
        if in_flight == 0.0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
        let text = client.get(app.admin_url("/metrics")).send().await.unwrap().text().await.unwrap();
        in_flight = metric(&text, "cityflow_http_requests_in_flight", &[front[0]]);
    }
    assert_eq!(in_flight, 0.0);
}

#[tokio::test]
async fn health_and_readiness() {
    let app = App::builder().manifest(manifest()).start().await;
    let client = app.client();
    assert_eq!(client.get(app.admin_url("/healthz")).send().await.unwrap().status(), 200);
    let ready = client.get(app.admin_url("/readyz")).send().await.unwrap();
    assert_eq!(ready.status(), 200);
    let body: serde_json::Value = ready.json().await.unwrap();
    assert_eq!(body["ready"], true, "{body}");
    assert!(body["checks"].to_string().contains("postgres"), "{body}");

    // A database that cannot be reached makes the app not ready.
    let app = App::builder()
        .without_database()
        .manifest(manifest())
        .env("SPIN_VARIABLE_DB_URL", "postgres://postgres@127.0.0.1:1/none")
        .start()
        .await;
    let ready = client.get(app.admin_url("/readyz")).send().await.unwrap();
    assert_eq!(ready.status(), 503);
    let body: serde_json::Value = ready.json().await.unwrap();
    assert_eq!(body["ready"], false, "{body}");
}

#[tokio::test]
async fn the_request_id_follows_the_call_through_chaining() {
    let app = App::builder().manifest(manifest()).start().await;
    let resp = app
        .client()
        .get(app.url("/front/a?do=http&url=http%3A%2F%2Fback.spin.internal%2Fx"))
        .header("x-request-id", "trace-me-42")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    // Both request lines (the chained call ends first) arrive through the log thread.
    let traced = |component: &str| {
        let needle = format!("component={component}");
        app.logs().lines().any(|l| l.contains("request_id=trace-me-42") && l.contains(&needle))
    };
    let started = std::time::Instant::now();
    while !(traced("front") && traced("back")) && started.elapsed() < Duration::from_secs(5) {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(traced("front") && traced("back"), "{}", app.logs());
}

/// A TCP proxy to the test Postgres that the test can cut and restore, standing in for a
/// database restart without disturbing the Postgres other tests share.
struct Outage {
    port: u16,
    stop: Option<tokio::sync::watch::Sender<bool>>,
}

impl Outage {
    async fn serve(port: u16) -> Outage {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let (stop, stopped) = tokio::sync::watch::channel(false);
        tokio::spawn(async move {
            let mut accept_stopped = stopped.clone();
            loop {
                tokio::select! {
                    accepted = listener.accept() => {
                        let Ok((mut client, _)) = accepted else { return };
                        let mut stopped = stopped.clone();
                        tokio::spawn(async move {
                            let Ok(mut server) = tokio::net::TcpStream::connect("127.0.0.1:5432").await else { return };
                            tokio::select! {
                                _ = tokio::io::copy_bidirectional(&mut client, &mut server) => {}
                                _ = stopped.changed() => {}
                            }
                        });
                    }
                    _ = accept_stopped.changed() => return,
                }
            }
        });
        Outage { port, stop: Some(stop) }
    }

    /// Closes the listener and every proxied connection.
    fn cut(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(true);
        }
    }
}

#[tokio::test]
async fn readiness_follows_the_database_going_away_and_coming_back() {
    let db = cityflow_tests::TestDb::create().unwrap();
    let mut proxy = Outage::serve(0).await;
    let url = db.url.replace(":5432/", &format!(":{}/", proxy.port));
    let app = App::builder().without_database().manifest(manifest()).env("SPIN_VARIABLE_DB_URL", &url).start().await;
    let client = app.client();
    let ready = || async { client.get(app.admin_url("/readyz")).send().await.unwrap().status().as_u16() };
    assert_eq!(ready().await, 200);

    proxy.cut();
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(ready().await, 503);

    let port = proxy.port;
    let _proxy = Outage::serve(port).await;
    let mut status = 0;
    for _ in 0..50 {
        status = ready().await;
        if status == 200 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(status, 200, "ready again once the database is back");
}
