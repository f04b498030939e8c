//! Outbound HTTP from components (`wasi:http/outgoing-handler`): the allowed-hosts check,
//! in-process service chaining to `http://<component>.spin.internal`, and requests to
//! `http://self` routed back through this app's own listener.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use http_body_util::BodyExt;
use wasmtime_wasi_http::{Error, RequestOptions, WasiBody, WasiHttpHooks};

use crate::allowed_hosts::{chaining_target, is_self_request, AllowedHosts};
use crate::app::App;
use crate::http::handler::REQUEST_ID;
use crate::metrics::METRICS;


pub struct OutboundHttp {
    app: Arc<App>,
    allowed: Arc<AllowedHosts>,
    /// The id of the request this instance serves, passed on so one call can be followed
    /// through every component it reaches.
    request_id: Option<String>,
}

impl OutboundHttp {
    pub fn new(app: Arc<App>, allowed: Arc<AllowedHosts>, request_id: Option<String>) -> Self {
        Self { app, allowed, request_id }
    }
}

fn denied(kind: &str, host: &str) -> SendFuture {
    METRICS.outbound(kind, host, "denied");
    Box::new(async { Err(Error::HttpRequestDenied) })
}

type IoFuture = Box<dyn Future<Output = Result<(), Error>> + Send>;
type SendFuture = Box<dyn Future<Output = Result<(http::Response<WasiBody>, IoFuture), Error>> + Send>;

fn done() -> IoFuture {
    Box::new(async { Ok(()) })
}

impl WasiHttpHooks for OutboundHttp {
    fn send_request(&mut self, mut request: http::Request<WasiBody>, options: Option<RequestOptions>, _fut: IoFuture) -> SendFuture {
        let host = request.uri().host().unwrap_or_default().to_ascii_lowercase();
        if let Some(id) = self.request_id.as_deref().and_then(|id| http::HeaderValue::try_from(id).ok()) {
            request.headers_mut().entry(REQUEST_ID).or_insert(id);
        }

        if let Some(component_id) = chaining_target(&host) {
            if !self.allowed.allows_chaining_to(component_id) {
                tracing::warn!(target = %host, "service chaining denied: add \"http://{host}\" to allowed_outbound_hosts");
                return denied("chaining", &host);
            }
            let app = self.app.clone();
            let component_id = component_id.to_string();
            let label = host.clone();
            return Box::new(async move {
                let call: Pin<Box<dyn Future<Output = _> + Send>> = Box::pin(async move { app.handle_chained(&component_id, request).await });
                match call.await {
                    Some(resp) => {
                        METRICS.outbound("chaining", &label, "ok");
                        Ok((resp, done()))
                    }
                    None => Err(Error::DestinationNotFound),
                }
            });
        }

        let url = request.uri().to_string();
        if let Err(denied) = self.allowed.check_http_request(&url) {
            tracing::warn!(%denied, hint = %denied.hint(), "outbound http denied");
            return self::denied("http", if is_self_request(&url) { "self" } else { &host });
        }
        if is_self_request(&url) {
            let listen = self.app.settings.listen;
            let path = request.uri().path_and_query().map(|p| p.as_str()).unwrap_or("/").to_string();
            match format!("http://{listen}{path}").parse() {
                Ok(uri) => *request.uri_mut() = uri,
                Err(_) => return Box::new(async { Err(Error::HttpRequestUriInvalid) }),
            }
        }

        let host = if host.is_empty() { "self".to_string() } else { host };
        Box::new(async move {
            match wasmtime_wasi_http::default_send_request(request, options).await {
                Ok((resp, io)) => {
                    METRICS.outbound("http", &host, "ok");
                    Ok((resp.map(BodyExt::boxed_unsync), Box::new(io) as IoFuture))
                }
                Err(e) => {
                    METRICS.outbound("http", &host, "error");
                    Err(e)
                }
            }
        })
    }
}
