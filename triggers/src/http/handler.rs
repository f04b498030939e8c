//! One HTTP request: route it, give it a fresh instance, and turn whatever the guest does
//! (respond, trap, loop forever, exhaust its memory) into a response and a log line.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

use bytes::Bytes;
use http::{HeaderName, HeaderValue, Request, Response};
use http_body::Body;
use wasmtime_wasi_http::p2::bindings::http::types::Scheme;
use wasmtime_wasi_http::p2::body::HyperOutgoingBody;
use wasmtime_wasi_http::WasiHttpView;

use super::body;
use crate::app::{App, PreparedComponent};
use crate::manifest::HttpTarget;
use crate::router;

/// How a guest invocation ended when it produced no response of its own.
enum Failure {
    Deadline,
    MemoryCap,
    Trap(String),
    NoResponse,
}

impl App {
    /// Entry point for requests from the listener.
    pub async fn handle<B>(self: &Arc<Self>, mut req: Request<B>, client: SocketAddr) -> Response<HyperOutgoingBody>
    where
        B: Body<Data = Bytes> + Send + 'static,
        B::Error: Into<wasmtime_wasi_http::Error>,
    {
        let started = Instant::now();
        let method = req.method().clone();
        let path = req.uri().path().to_string();
        let Some(matched) = self.router.route(&path) else {
            let resp = body::text(404, "Not Found");
            log_request(None, "", &method, &path, resp.status().as_u16(), started);
            return resp;
        };
        let route = matched.raw_route.to_string();
        let full_url = full_url(&req);
        let headers = router::spin_headers(&matched, &full_url, &self.base, &client.to_string());
        match matched.target.clone() {
            HttpTarget::Static(response) => {
                let resp = static_response(&response);
                log_request(None, &route, &method, &path, resp.status().as_u16(), started);
                resp
            }
            HttpTarget::Component(id) => {
                let component = self.component(&id).expect("validated: routes name defined components");
                set_spin_headers(req.headers_mut(), headers);
                let resp = self.invoke(&component, req).await;
                log_request(Some(&id), &route, &method, &path, resp.status().as_u16(), started);
                resp
            }
        }
    }

    /// A request another component made to `http://<id>.spin.internal/...`: no router, the
    /// target may be private, and the headers describe a synthetic whole-path match.
    pub async fn handle_chained<B>(self: &Arc<Self>, component_id: &str, mut req: Request<B>) -> Option<Response<HyperOutgoingBody>>
    where
        B: Body<Data = Bytes> + Send + 'static,
        B::Error: Into<wasmtime_wasi_http::Error>,
    {
        let started = Instant::now();
        let component = self.component(component_id)?;
        let method = req.method().clone();
        let path = req.uri().path().to_string();
        let full_url = req.uri().to_string();
        let target = HttpTarget::Component(component_id.to_string());
        let matched = router::RouteMatch::synthetic_for_chaining(&target, &path);
        let headers = router::spin_headers(&matched, &full_url, &self.base, router::CHAINED_CLIENT_ADDR);
        set_spin_headers(req.headers_mut(), headers);
        let resp = self.invoke(&component, req).await;
        log_request(Some(component_id), "(chained)", &method, &path, resp.status().as_u16(), started);
        Some(resp)
    }

    async fn invoke<B>(self: &Arc<Self>, component: &PreparedComponent, req: Request<B>) -> Response<HyperOutgoingBody>
    where
        B: Body<Data = Bytes> + Send + 'static,
        B::Error: Into<wasmtime_wasi_http::Error>,
    {
        let mut store = self.new_store(component);
        let (sender, receiver) = tokio::sync::oneshot::channel();
        let prepared: wasmtime::Result<_> = (|| {
            let req = store.data_mut().http().new_incoming_request(Scheme::Http, req)?;
            let out = store.data_mut().http().new_response_outparam(sender)?;
            wasmtime::Result::Ok((req, out))
        })();
        let (req, out) = match prepared {
            Ok(parts) => parts,
            Err(e) => {
                tracing::warn!(component = %component.id, "bad request: {e:#}");
                return body::text(400, "Bad Request");
            }
        };
        let pre = component.pre.clone();
        let app = self.clone();
        let id = component.id.clone();
        let task = tokio::spawn(async move {
            let t0 = Instant::now();
            let proxy = pre.instantiate_async(&mut store).await?;
            app.stats.record_instantiation(t0.elapsed());
            proxy.wasi_http_incoming_handler().call_handle(&mut store, req, out).await
        });
        let deadline = self.settings.request_timeout;
        let failure = match tokio::time::timeout(deadline, receiver).await {
            Ok(Ok(Ok(resp))) => {
                // The guest may still be streaming the body; report a late failure when it ends.
                let id = id.clone();
                tokio::spawn(async move {
                    if let Ok(Err(e)) = task.await {
                        tracing::error!(component = %id, "failed after responding: {}", describe(&classify(&e)));
                    }
                });
                return resp;
            }
            Ok(Ok(Err(code))) => Failure::Trap(format!("guest reported {code:?}")),
            Ok(Err(_)) => match task.await {
                Ok(Ok(())) => Failure::NoResponse,
                Ok(Err(e)) => classify(&e),
                Err(e) => Failure::Trap(format!("instance task failed: {e}")),
            },
            Err(_) => {
                // Blocked in a host call past its deadline: the epoch check cannot fire there.
                task.abort();
                Failure::Deadline
            }
        };
        tracing::error!(component = %id, "{}", describe(&failure));
        match failure {
            Failure::Deadline => body::text(503, "Service Unavailable: the component exceeded its deadline"),
            Failure::MemoryCap => body::text(500, "Internal Server Error: the component exceeded its memory limit"),
            Failure::Trap(_) | Failure::NoResponse => body::text(500, "Internal Server Error"),
        }
    }
}

fn classify(e: &wasmtime::Error) -> Failure {
    if matches!(e.downcast_ref::<wasmtime::Trap>(), Some(wasmtime::Trap::Interrupt)) {
        return Failure::Deadline;
    }
    let text = format!("{e:?}");
    if text.contains("forcing trap when growing memory") || text.contains("memory allocation of") {
        Failure::MemoryCap
    } else {
        Failure::Trap(text)
    }
}

fn describe(failure: &Failure) -> String {
    match failure {
        Failure::Deadline => "killed: request deadline exceeded".to_string(),
        Failure::MemoryCap => "trapped: instance memory limit exceeded".to_string(),
        Failure::Trap(t) => format!("trapped: {t}"),
        Failure::NoResponse => "returned without setting a response".to_string(),
    }
}

fn set_spin_headers(headers: &mut http::HeaderMap, values: Vec<(String, String)>) {
    // Clients must not be able to forge what the runtime tells components about routing.
    let forged: Vec<HeaderName> = headers.keys().filter(|k| k.as_str().starts_with("spin-")).cloned().collect();
    for name in forged {
        headers.remove(name);
    }
    for (name, value) in values {
        if let (Ok(name), Ok(value)) = (HeaderName::try_from(name), HeaderValue::try_from(value)) {
            headers.insert(name, value);
        }
    }
}

fn full_url<B>(req: &Request<B>) -> String {
    // HTTP/2 carries the host in `:authority`, HTTP/1.1 in `Host`.
    let host = req
        .uri()
        .authority()
        .map(|a| a.to_string())
        .or_else(|| req.headers().get(http::header::HOST).and_then(|h| h.to_str().ok()).map(str::to_string));
    let path_and_query = req.uri().path_and_query().map(|p| p.as_str()).unwrap_or("/");
    router::full_url("http", host.as_deref(), path_and_query)
}

fn static_response(response: &crate::manifest::StaticResponse) -> Response<HyperOutgoingBody> {
    let mut builder = Response::builder().status(response.status_code.unwrap_or(200));
    for (k, v) in &response.headers {
        builder = builder.header(k, v);
    }
    builder
        .body(body::full(response.body.clone().unwrap_or_default()))
        .unwrap_or_else(|_| body::text(500, "Internal Server Error: invalid static_response"))
}

fn log_request(component: Option<&str>, route: &str, method: &http::Method, path: &str, status: u16, started: Instant) {
    tracing::info!(
        target: "cityflow::request",
        component = component.unwrap_or("-"),
        route,
        method = %method,
        path,
        status,
        duration_us = started.elapsed().as_micros() as u64,
    );
}
