//! Test probe. With no `do=` query parameter it echoes the request as JSON (method, uri,
//! every `spin-*` header); `do=<action>` exercises one host capability or misbehaves on
//! purpose, so runtime tests can observe the host from the guest's side. `do=stream` and
//! `do=spin-after-head` answer with a streamed body.

use std::collections::HashMap;
use std::time::Duration;

use futures::SinkExt;
use serde_json::{json, Value};
use spin_sdk::http::conversions::TryFromIncomingRequest;
use spin_sdk::http::{Fields, IncomingRequest, Method, OutgoingResponse, Request, Response, ResponseOutparam};
use spin_sdk::http_component;

#[http_component]
async fn handle(incoming: IncomingRequest, out: ResponseOutparam) {
    let uri = incoming.uri();
    let query_text = uri.split_once('?').map(|(_, q)| q).unwrap_or_default();
    let query: HashMap<String, String> = form_urlencoded::parse(query_text.as_bytes()).into_owned().collect();
    let number = |k: &str, default: u64| query.get(k).and_then(|v| v.parse().ok()).unwrap_or(default);
    match query.get("do").map(String::as_str) {
        Some("stream") => stream(out, number("chunks", 3), Duration::from_millis(number("interval_ms", 100))).await,
        Some("spin-after-head") => spin_after_head(out).await,
        _ => {
            let response = match Request::try_from_incoming_request(incoming).await {
                Ok(req) => respond(&req, &query).await,
                Err(e) => Response::new(400, format!("unreadable request: {e:?}")),
            };
            let body = response.body().to_vec();
            let head = OutgoingResponse::try_from(response).expect("a valid response head");
            let _ = out.set_with_body(head, body).await;
        }
    }
}

async fn respond(req: &Request, query: &HashMap<String, String>) -> Response {
    let arg = |k: &str| query.get(k).cloned().unwrap_or_default();
    let result = match query.get("do").map(String::as_str) {
        None => echo(req),
        Some("loop") => spin_forever(),
        Some("hog") => exhaust_memory(),
        Some("panic") => panic!("probe asked to panic"),
        Some("http") => outbound_http(&arg("url")).await,
        Some("pg") => postgres(&arg("addr")),
        Some("redis") => redis(&arg("addr")),
        Some("redis-execute") => redis_execute(&arg("addr"), &arg("command"), &arg("args")),
        Some("var") => variable(&arg("name")),
        Some("kv") => key_value(&arg("store")),
        Some("mqtt") => mqtt_publish(&arg("addr"), &arg("topic"), &arg("text")),
        Some("print") => {
            println!("probe says {}", arg("text"));
            json!({"printed": arg("text")})
        }
        Some(other) => json!({"error": format!("unknown action {other}")}),
    };
    let status = if result.get("error").is_some() { 502 } else { 200 };
    Response::builder()
        .status(status)
        .header("content-type", "application/json")
        .body(result.to_string())
        .build()
}

fn text_head() -> OutgoingResponse {
    let headers = Fields::from_list(&[("content-type".to_string(), b"text/plain".to_vec())]).expect("valid header");
    OutgoingResponse::new(headers)
}

/// `chunks` lines, one every `interval`, each written as soon as it is due.
async fn stream(out: ResponseOutparam, chunks: u64, interval: Duration) {
    let head = text_head();
    let mut body = head.take_body();
    out.set(head);
    for i in 0..chunks {
        std::thread::sleep(interval);
        if body.send(format!("chunk {i}\n").into_bytes()).await.is_err() {
            return;
        }
    }
}

/// Responds at once, then computes forever while the body is still open.
async fn spin_after_head(out: ResponseOutparam) {
    let head = text_head();
    let mut body = head.take_body();
    out.set(head);
    let _ = body.send(b"started\n".to_vec()).await;
    spin_forever();
}

fn echo(req: &Request) -> Value {
    let spin: serde_json::Map<String, Value> = req
        .headers()
        .filter(|(k, _)| k.starts_with("spin-"))
        .map(|(k, v)| (k.to_string(), Value::String(v.as_str().unwrap_or_default().to_string())))
        .collect();
    let method = match req.method() {
        Method::Get => "GET",
        Method::Post => "POST",
        Method::Put => "PUT",
        Method::Delete => "DELETE",
        _ => "OTHER",
    };
    json!({"method": method, "uri": req.uri(), "body_len": req.body().len(), "headers": spin})
}

fn spin_forever() -> Value {
    let mut x: u64 = 0;
    loop {
        x = std::hint::black_box(x.wrapping_add(1));
    }
}

fn exhaust_memory() -> Value {
    let mut hoard: Vec<Vec<u8>> = Vec::new();
    loop {
        // Touch every page so the memory is really committed, not just reserved.
        hoard.push(vec![1u8; 8 << 20]);
        std::hint::black_box(&hoard);
    }
}

async fn outbound_http(url: &str) -> Value {
    match spin_sdk::http::send::<_, Response>(Request::get(url)).await {
        Ok(resp) => json!({"status": *resp.status(), "body": String::from_utf8_lossy(resp.body())}),
        Err(e) => json!({"error": e.to_string()}),
    }
}

fn postgres(addr: &str) -> Value {
    use spin_sdk::pg4::{Connection, Decode};
    let conn = match Connection::open(addr) {
        Ok(c) => c,
        Err(e) => return json!({"error": e.to_string()}),
    };
    match conn.query("SELECT 41 + $1::int4 AS answer", &[spin_sdk::pg4::ParameterValue::Int32(1)]) {
        Ok(rows) => json!({"answer": i32::decode(&rows.rows[0][0]).ok()}),
        Err(e) => json!({"error": e.to_string()}),
    }
}

fn redis(addr: &str) -> Value {
    let conn = match spin_sdk::redis::Connection::open(addr) {
        Ok(c) => c,
        Err(e) => return json!({"error": e.to_string()}),
    };
    let key = "cityflow:probe:redis";
    if let Err(e) = conn.set(key, &b"pong".to_vec()) {
        return json!({"error": e.to_string()});
    }
    let value = conn.get(key).ok().flatten().map(|v| String::from_utf8_lossy(&v).into_owned());
    let _ = conn.del(&[key.to_string()]);
    json!({"value": value})
}

fn variable(name: &str) -> Value {
    match spin_sdk::variables::get(name) {
        Ok(v) => json!({"value": v}),
        Err(e) => json!({"error": e.to_string()}),
    }
}

fn key_value(label: &str) -> Value {
    let store = match spin_sdk::key_value::Store::open(label) {
        Ok(s) => s,
        Err(e) => return json!({"error": e.to_string()}),
    };
    let _ = store.set("probe", b"stored");
    let value = store.get("probe").ok().flatten().map(|v| String::from_utf8_lossy(&v).into_owned());
    json!({"value": value})
}

fn mqtt_publish(addr: &str, topic: &str, text: &str) -> Value {
    let conn = match spin_sdk::mqtt::Connection::open(addr, "", "", 30) {
        Ok(c) => c,
        Err(e) => return json!({"error": e.to_string()}),
    };
    match conn.publish(topic, &text.as_bytes().to_vec(), spin_sdk::mqtt::Qos::AtLeastOnce) {
        Ok(()) => json!({"published": topic}),
        Err(e) => json!({"error": e.to_string()}),
    }
}

/// Runs one command through `execute`; `args` are space-separated.
fn redis_execute(addr: &str, command: &str, args: &str) -> Value {
    use spin_sdk::redis::{Connection, RedisParameter, RedisResult};
    let conn = match Connection::open(addr) {
        Ok(c) => c,
        Err(e) => return json!({"error": e.to_string()}),
    };
    let params: Vec<RedisParameter> = args.split_whitespace().map(|a| RedisParameter::Binary(a.as_bytes().to_vec())).collect();
    match conn.execute(command, &params) {
        Ok(results) => {
            let items: Vec<Value> = results
                .into_iter()
                .map(|r| match r {
                    RedisResult::Nil => Value::Null,
                    RedisResult::Status(s) => json!(s),
                    RedisResult::Int64(i) => json!(i),
                    RedisResult::Binary(b) => json!(String::from_utf8_lossy(&b)),
                })
                .collect();
            json!({"results": items})
        }
        Err(e) => json!({"error": e.to_string()}),
    }
}
