//! Outbound HTTP from components (`wasi:http/outgoing-handler`): the allowed-hosts check,
//! in-process service chaining to `http://<component>.spin.internal`, and requests to
//! `http://self` routed back through this app's own listener.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use http_body_util::BodyExt;
use wasmtime_wasi_http::{Error, RequestOptions, WasiBody, WasiHttpHooks};

use crate::allowed_hosts::AllowedHosts;
use crate::app::App;

const CHAINING_SUFFIX: &str = ".spin.internal";

pub struct OutboundHttp {
    app: Arc<App>,
    allowed: Arc<AllowedHosts>,
}

impl OutboundHttp {
    pub fn new(app: Arc<App>, allowed: Arc<AllowedHosts>) -> Self {
        Self { app, allowed }
    }
}

type IoFuture = Box<dyn Future<Output = Result<(), Error>> + Send>;
type SendFuture = Box<dyn Future<Output = Result<(http::Response<WasiBody>, IoFuture), Error>> + Send>;

fn done() -> IoFuture {
    Box::new(async { Ok(()) })
}

impl WasiHttpHooks for OutboundHttp {
    fn send_request(&mut self, mut request: http::Request<WasiBody>, options: Option<RequestOptions>, _fut: IoFuture) -> SendFuture {
        let host = request.uri().host().unwrap_or_default().to_ascii_lowercase();

        if let Some(component_id) = host.strip_suffix(CHAINING_SUFFIX) {
            if !self.allowed.allows_chaining_to(component_id) {
                tracing::warn!(target = %host, "service chaining denied: add \"http://{host}\" to allowed_outbound_hosts");
                return Box::new(async { Err(Error::HttpRequestDenied) });
            }
            let app = self.app.clone();
            let component_id = component_id.to_string();
            return Box::new(async move {
                let call: Pin<Box<dyn Future<Output = _> + Send>> = Box::pin(async move { app.handle_chained(&component_id, request).await });
                match call.await {
                    Some(resp) => Ok((resp, done())),
                    None => Err(Error::DestinationNotFound),
                }
            });
        }

        if host.is_empty() || host == "self.alt" {
            if let Err(denied) = self.allowed.check_self_request() {
                tracing::warn!(%denied, "outbound request to self denied: add \"http://self\" to allowed_outbound_hosts");
                return Box::new(async { Err(Error::HttpRequestDenied) });
            }
            let listen = self.app.settings.listen;
            let path = request.uri().path_and_query().map(|p| p.as_str()).unwrap_or("/").to_string();
            match format!("http://{listen}{path}").parse() {
                Ok(uri) => *request.uri_mut() = uri,
                Err(_) => return Box::new(async { Err(Error::HttpRequestUriInvalid) }),
            }
        } else if let Err(denied) = self.allowed.check_url(&request.uri().to_string(), "https") {
            tracing::warn!(%denied, hint = %denied.hint(), "outbound http denied");
            return Box::new(async { Err(Error::HttpRequestDenied) });
        }

        Box::new(async move {
            let (resp, io) = wasmtime_wasi_http::default_send_request(request, options).await?;
            Ok((resp.map(BodyExt::boxed_unsync), Box::new(io) as IoFuture))
        })
    }
}
