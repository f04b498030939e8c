//! `GET /metrics` with an operator token: the application counters of the Redis hash
//! `<redis_prefix>metrics` as Prometheus text, the same `cityflow_app_*` series as the
//! `cityflow` runtime's admin listener. Where the app runs on the Spin shim (SpinKube) there
//! is no admin listener, so Prometheus scrapes this route instead (with the token as its
//! bearer credentials). Redis unreachable: 503, so the scrape fails visibly rather than
//! reporting counters that went back to zero.

use api_kit::ApiError;
use app_metrics::{prometheus_text, Snapshot};
use spin_sdk::http::{Method, Request, Response};
use spin_sdk::redis::{Connection, RedisParameter, RedisResult};

/// Prometheus' text exposition format.
const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

#[spin_sdk::http_component]
fn handle(req: Request) -> Response {
    match metrics(&req) {
        Ok(text) => Response::builder().status(200).header("content-type", CONTENT_TYPE).body(text).build(),
        Err(err) => spin_kit::job::error_response(&err),
    }
}

fn metrics(req: &Request) -> Result<String, ApiError> {
    if !matches!(req.method(), Method::Get | Method::Head) {
        return Err(ApiError::method_not_allowed(spin_kit::method_name(req.method()), &["GET", "HEAD"]));
    }
    spin_kit::job::require_operator(req, "metrics-endpoint")?;
    let snapshot = read_hash().map_err(|detail| {
        eprintln!("metrics-endpoint: {detail}");
        ApiError::service_unavailable("the metrics store (Redis) cannot be read; try again later")
    })?;
    Ok(prometheus_text(&snapshot))
}

fn read_hash() -> Result<Snapshot, String> {
    let url = spin_kit::variable("redis_url")?;
    let redis = Connection::open(&url).map_err(|e| format!("cannot connect to redis: {e}"))?;
    let key = format!("{}{}", spin_kit::redis_prefix(), app_metrics::HASH);
    let reply = redis.execute("HGETALL", &[RedisParameter::Binary(key.into_bytes())]).map_err(|e| format!("HGETALL failed: {e}"))?;
    let texts: Vec<String> = reply
        .into_iter()
        .map(|r| match r {
            RedisResult::Binary(b) => Ok(String::from_utf8_lossy(&b).into_owned()),
            RedisResult::Status(s) => Ok(s),
            RedisResult::Int64(i) => Ok(i.to_string()),
            RedisResult::Nil => Err("HGETALL answered nil".to_string()),
        })
        .collect::<Result<_, _>>()?;
    Ok(Snapshot::from_fields(texts.chunks_exact(2).map(|pair| (&pair[0], &pair[1]))))
}
