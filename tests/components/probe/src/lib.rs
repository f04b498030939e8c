//! Test probe. With no `do=` query parameter it echoes the request as JSON (method, uri,
//! every `spin-*` header); `do=<action>` exercises one host capability or misbehaves on
//! purpose, so runtime tests can observe the host from the guest's side.

use std::collections::HashMap;

use serde_json::{json, Value};
use spin_sdk::http::{Method, Request, Response};
use spin_sdk::http_component;

#[http_component]
async fn handle(req: Request) -> Response {
    let query: HashMap<String, String> = form_urlencoded::parse(req.query().as_bytes()).into_owned().collect();
    let arg = |k: &str| query.get(k).cloned().unwrap_or_default();
    let result = match query.get("do").map(String::as_str) {
        None => echo(&req),
        Some("loop") => spin_forever(),
        Some("hog") => exhaust_memory(),
        Some("panic") => panic!("probe asked to panic"),
        Some("http") => outbound_http(&arg("url")).await,
        Some("pg") => postgres(&arg("addr")),
        Some("redis") => redis(&arg("addr")),
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
