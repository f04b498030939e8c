//! The web component: the dashboard's files (web/dist, embedded at compile time by build.rs)
//! and a generated /config.json, behind a strict Content-Security-Policy. Everything about
//! the answer is decided by `static_site::respond`; this is the Spin glue.

use spin_sdk::http::{Method as HttpMethod, Request, Response};
use spin_sdk::http_component;
use static_site::{Method, SiteConfig};

include!(concat!(env!("OUT_DIR"), "/assets.rs"));

#[http_component]
fn handle(req: Request) -> Response {
    let method = match req.method() {
        HttpMethod::Get => Method::Get,
        HttpMethod::Head => Method::Head,
        other => Method::Other(spin_kit::method_name(other)),
    };
    // The path below this component's route (the whole path under the catch-all route).
    let path = req.header("spin-path-info").and_then(|v| v.as_str()).unwrap_or_else(|| req.path());
    let tile_url = spin_kit::optional_variable("map_tile_url").unwrap_or_default();
    let attribution = spin_kit::optional_variable("map_tile_attribution").unwrap_or_default();
    let (config, warning) = SiteConfig::new(&tile_url, &attribution);
    if let (Some(warning), static_site::respond::CONFIG_PATH) = (&warning, path) {
        eprintln!("web: {warning}");
    }
    let request = static_site::Request { method, path, if_none_match: req.header("if-none-match").and_then(|v| v.as_str()) };
    let reply = static_site::respond(&request, ASSETS, &config);
    let mut response = Response::builder();
    response.status(reply.status);
    for (name, value) in reply.headers {
        response.header(name, value);
    }
    response.body(reply.body).build()
}
