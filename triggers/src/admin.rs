//! The admin listener (separate from the app's port): `/metrics` (Prometheus text format),
//! `/healthz` (the process is alive) and `/readyz` (dependencies reachable, components
//! compiled).

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Result;
use bytes::Bytes;
use http::{Request, Response};
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use serde_json::json;
use tokio::net::TcpListener;

use crate::app::App;
use crate::metrics::METRICS;

const CHECK_TIMEOUT: Duration = Duration::from_secs(2);

pub async fn serve(app: Arc<App>, listener: TcpListener) -> Result<()> {
    loop {
        let (stream, _) = match listener.accept().await {
            Ok(pair) => pair,
            Err(e) => {
                tracing::warn!("admin accept failed: {e}");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let app = app.clone();
        tokio::spawn(async move {
            let service = service_fn(move |req| {
                let app = app.clone();
                async move { Ok::<_, Infallible>(route(&app, req).await) }
            });
            let _ = auto::Builder::new(TokioExecutor::new()).serve_connection(TokioIo::new(stream), service).await;
        });
    }
}

async fn route(app: &Arc<App>, req: Request<Incoming>) -> Response<Full<Bytes>> {
    match req.uri().path() {
        "/metrics" => {
            app.refresh_pool_gauges().await;
            let mut body = METRICS.render();
            body.push_str(&crate::app_metrics::render(app).await);
            reply(200, "text/plain; version=0.0.4; charset=utf-8", body)
        }
        "/healthz" => reply(200, "application/json", json!({"status": "alive"}).to_string()),
        "/readyz" => {
            let checks = app.readiness(CHECK_TIMEOUT).await;
            let ready = checks.iter().all(|c| c.ok);
            let body = json!({
                "ready": ready,
                "checks": checks.iter().map(|c| json!({"name": c.name, "ok": c.ok, "detail": c.detail})).collect::<Vec<_>>(),
            });
            reply(if ready { 200 } else { 503 }, "application/json", body.to_string())
        }
        _ => reply(404, "text/plain", "Not Found\n".to_string()),
    }
}

fn reply(status: u16, content_type: &str, body: String) -> Response<Full<Bytes>> {
    Response::builder()
        .status(status)
        .header("content-type", content_type)
        .body(Full::new(Bytes::from(body)))
        .expect("static response parts are valid")
}

pub struct Check {
    pub name: String,
    pub ok: bool,
    pub detail: String,
}

impl Check {
    pub fn new(name: impl Into<String>, result: Result<(), String>) -> Self {
        match result {
            Ok(()) => Self { name: name.into(), ok: true, detail: "ok".to_string() },
            Err(detail) => Self { name: name.into(), ok: false, detail },
        }
    }
}

pub fn bind_message(addr: SocketAddr) -> String {
    format!("Admin http://{addr}")
}
