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
use crate::metrics::{status_class, METRICS};
use crate::router;

/// How a guest invocation ended when it produced no response of its own.
enum Failure {
    Deadline,
    MemoryCap,
    Trap(String),
    NoResponse,
}

/// Header carrying the id that ties one request's log lines together across chaining.
pub const REQUEST_ID: &str = "x-request-id";

impl App {
    /// Entry point for requests from the listener.
    pub async fn handle<B>(self: &Arc<Self>, mut req: Request<B>, client: SocketAddr) -> Response<HyperOutgoingBody>
    where
        B: Body<Data = Bytes> + Send + 'static,
        B::Error: Into<wasmtime_wasi_http::Error>,
    {
        let started = Instant::now();
        let request_id = request_id(req.headers());
        let Some(matched) = self.router.route(req.uri().path()) else {
            let resp = body::text(404, "Not Found");
            record(&RequestLog::new(&req, "-", "-", &request_id), resp.status().as_u16(), started);
            return resp;
        };
        let route = matched.raw_route.to_string();
        let full_url = full_url(&req);
        let headers = router::spin_headers(&matched, &full_url, &self.base, &client.to_string());
        match matched.target.clone() {
            HttpTarget::Static(response) => {
                let resp = static_response(&response);
                record(&RequestLog::new(&req, "-", &route, &request_id), resp.status().as_u16(), started);
                resp
            }
            HttpTarget::Component(id) => {
                let component = self.component(&id).expect("validated: routes name defined components");
                let log = RequestLog::new(&req, &id, &route, &request_id);
                let limit = self.settings.max_request_body;
                if body::declared_length(req.headers()).is_some_and(|len| len > limit) {
                    // Refused before any instance exists: a component buffering it would only
                    // run into its memory cap.
                    let resp = body::text(413, &format!("Payload Too Large: the request body exceeds {limit} bytes"));
                    record(&log, resp.status().as_u16(), started);
                    return resp;
                }
                set_spin_headers(req.headers_mut(), headers, &request_id);
                let req = req.map(|b| body::limited(b, limit));
                let resp = self.invoke(&component, req, request_id).await;
                record(&log, resp.status().as_u16(), started);
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
        let request_id = request_id(req.headers());
        let full_url = req.uri().to_string();
        let target = HttpTarget::Component(component_id.to_string());
        let matched = router::RouteMatch::synthetic_for_chaining(&target, req.uri().path());
        let headers = router::spin_headers(&matched, &full_url, &self.base, router::CHAINED_CLIENT_ADDR);
        let log = RequestLog::new(&req, component_id, "(chained)", &request_id);
        set_spin_headers(req.headers_mut(), headers, &request_id);
        let resp = self.invoke(&component, req, request_id).await;
        record(&log, resp.status().as_u16(), started);
        Some(resp)
    }

    async fn invoke<B>(self: &Arc<Self>, component: &PreparedComponent, req: Request<B>, request_id: String) -> Response<HyperOutgoingBody>
    where
        B: Body<Data = Bytes> + Send + 'static,
        B::Error: Into<wasmtime_wasi_http::Error>,
    {
        let Some(pre) = component.http.clone() else {
            return body::text(500, "Internal Server Error: the component does not handle HTTP");
        };
        let in_flight = METRICS.http_in_flight.with_label_values(&[&component.id]);
        in_flight.inc();
        let mut store = self.new_store(component, Some(request_id));
        let (sender, receiver) = tokio::sync::oneshot::channel();
        let prepared: wasmtime::Result<_> = (|| {
            let req = store.data_mut().http().new_incoming_request(Scheme::Http, req)?;
            let out = store.data_mut().http().new_response_outparam(sender)?;
            wasmtime::Result::Ok((req, out))
        })();
        let (req, out) = match prepared {
            Ok(parts) => parts,
            Err(e) => {
                in_flight.dec();
                tracing::warn!(component = %component.id, "bad request: {e:#}");
                return body::text(400, "Bad Request");
            }
        };
        let responded = store.data().clock.responded_flag();
        let app = self.clone();
        let id = component.id.clone();
        let mut task = tokio::spawn(async move {
            let t0 = Instant::now();
            let proxy = pre.instantiate_async(&mut store).await?;
            app.record_instantiation(&store.data().component_id, t0.elapsed());
            proxy.wasi_http_incoming_handler().call_handle(&mut store, req, out).await
        });
        let deadline = self.settings.request_timeout;
        let failure = match tokio::time::timeout(deadline, receiver).await {
            Ok(Ok(Ok(resp))) => {
                // The guest may still be streaming the body; it stays in flight until it ends,
                // or until the stream limit, whichever comes first.
                responded.store(true, std::sync::atomic::Ordering::Relaxed);
                let stream_timeout = self.settings.stream_timeout;
                let (completed, outcome) = tokio::sync::oneshot::channel();
                tokio::spawn(async move {
                    match tokio::time::timeout(stream_timeout, &mut task).await {
                        Ok(Ok(Ok(()))) => {
                            let _ = completed.send(true);
                        }
                        Ok(Ok(Err(e))) => {
                            let failure = classify(&e);
                            count_failure(&id, &failure);
                            tracing::error!(component = %id, "failed after responding: {}", describe(&failure));
                        }
                        Ok(Err(e)) => tracing::error!(component = %id, "instance task failed after responding: {e}"),
                        Err(_) => {
                            task.abort();
                            tracing::warn!(component = %id, "response stream closed: open longer than --stream-timeout");
                        }
                    }
                    in_flight.dec();
                });
                return resp.map(|b| body::ended_by(b, outcome));
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
        in_flight.dec();
        count_failure(&id, &failure);
        tracing::error!(component = %id, "{}", describe(&failure));
        match failure {
            Failure::Deadline => body::text(503, "Service Unavailable: the component exceeded its deadline"),
            Failure::MemoryCap => body::text(500, "Internal Server Error: the component exceeded its memory limit"),
            Failure::Trap(_) | Failure::NoResponse => body::text(500, "Internal Server Error"),
        }
    }
}

fn count_failure(component: &str, failure: &Failure) {
    let kind = match failure {
        Failure::Deadline => "deadline",
        Failure::MemoryCap => "memory_cap",
        Failure::Trap(_) => "trap",
        Failure::NoResponse => "no_response",
    };
    METRICS.guest_failures.with_label_values(&[component, kind]).inc();
}

/// The caller's request id if it sent a sane one, else a new one.
fn request_id(headers: &http::HeaderMap) -> String {
    headers
        .get(REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.is_empty() && v.len() <= 128 && v.bytes().all(|b| b.is_ascii_graphic()))
        .map(str::to_string)
        .unwrap_or_else(|| format!("{:032x}", rand::random::<u128>()))
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

fn set_spin_headers(headers: &mut http::HeaderMap, values: Vec<(String, String)>, request_id: &str) {
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
    if let Ok(value) = HeaderValue::try_from(request_id) {
        headers.insert(REQUEST_ID, value);
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

/// What the request log line and metrics need, taken before the request is consumed.
struct RequestLog {
    component: String,
    route: String,
    method: http::Method,
    path: String,
    request_id: String,
}

impl RequestLog {
    fn new<B>(req: &Request<B>, component: &str, route: &str, request_id: &str) -> Self {
        Self {
            component: component.to_string(),
            route: route.to_string(),
            method: req.method().clone(),
            path: req.uri().path().to_string(),
            request_id: request_id.to_string(),
        }
    }
}

fn record(log: &RequestLog, status: u16, started: Instant) {
    let elapsed = started.elapsed();
    METRICS.http_requests.with_label_values(&[&log.component, &log.route, status_class(status)]).inc();
    METRICS.http_duration.with_label_values(&[&log.component, &log.route]).observe(elapsed.as_secs_f64());
    tracing::info!(
        target: "cityflow::request",
        component = %log.component,
        route = %log.route,
        method = %log.method,
        path = %log.path,
        status,
        duration_us = elapsed.as_micros() as u64,
        request_id = %log.request_id,
    );
}
