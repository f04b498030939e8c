//! A corpus of hand-written attacks, per protocol, against the whole application with its
//! seed data: each gets a clean error in its protocol's own form (or, for SQL metacharacters,
//! is stored as the literal text it is), nothing else changes, and the runtime keeps serving.

use cityflow_auth::Role;
use cityflow_tests::{token, App};
use emergency_model::framing::{decode_web_response, encode_message};
use emergency_model::pb;
use prost::Message;
use serde_json::{json, Value};

/// Text that breaks naive SQL string building, quoting, or HTML.
const SQL_METACHARACTERS: &[&str] = &[
    "'; DROP TABLE transports; --",
    "Robert'); DELETE FROM users; --",
    "\" OR \"1\"=\"1",
    "1; SELECT pg_sleep(10)",
    "$1 $$ \\x00 %s %n",
    "<img src=x onerror=alert(1)>",
];

/// Every service table's row count and a digest of its rows, so "nothing changed" is
/// checked, not assumed. One fixed statement per table (a table name cannot be a parameter).
const FINGERPRINTS: &[(&str, &str)] = &[
    ("transports", "SELECT count(*)::text || ':' || coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '') FROM transports t"),
    ("users", "SELECT count(*)::text || ':' || coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '') FROM users t"),
    ("zones", "SELECT count(*)::text || ':' || coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '') FROM zones t"),
    ("air_measures", "SELECT count(*)::text || ':' || coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '') FROM air_measures t"),
    ("attractions", "SELECT count(*)::text || ':' || coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '') FROM attractions t"),
    ("vehicles", "SELECT count(*)::text || ':' || coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '') FROM vehicles t"),
    ("interventions", "SELECT count(*)::text || ':' || coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '') FROM interventions t"),
    ("roads", "SELECT count(*)::text || ':' || coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '') FROM roads t"),
    ("traffic_raw", "SELECT count(*)::text || ':' || coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '') FROM traffic_raw t"),
];

async fn fingerprint(app: &App) -> String {
    let db = app.db().await;
    let mut digest = String::new();
    for (table, sql) in FINGERPRINTS {
        let row = db.query_one(*sql, &[]).await.unwrap_or_else(|e| panic!("{table}: {e}"));
        digest.push_str(&format!("{table}={};", row.get::<_, String>(0)));
    }
    digest
}

fn bearer(role: Role) -> String {
    format!("Bearer {}", token(role))
}

async fn still_serves(app: &App) {
    let resp = app.client().get(app.url("/transports")).send().await.unwrap();
    assert_eq!(resp.status(), 200, "the runtime stopped serving");
}

/// A JSON error body: `{"error": {"code", "message"}}`.
async fn json_error(resp: reqwest::Response, status: u16) -> Value {
    assert_eq!(resp.status(), status);
    let body: Value = resp.json().await.expect("a JSON error body");
    assert!(body["error"]["code"].is_string() && body["error"]["message"].is_string(), "{body}");
    body
}

#[tokio::test]
async fn rest_and_graphql_store_sql_metacharacters_as_literal_text() {
    let app = App::start().await;
    let client = app.client();
    for (i, text) in SQL_METACHARACTERS.iter().enumerate() {
        let route = format!("{text} #{i}");
        let created = client
            .post(app.url("/transports"))
            .header("authorization", bearer(Role::Operator))
            .json(&json!({"mode": "Bus", "route": route, "status": "operationnel"}))
            .send()
            .await
            .unwrap();
        assert_eq!(created.status(), 201, "{route}");
        let id = created.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
        let fetched: Value = client.get(app.url(&format!("/transports/{id}"))).send().await.unwrap().json().await.unwrap();
        assert_eq!(fetched["route"], route.as_str());

        let name = format!("{text} (attraction {i})");
        let mutation = json!({
            "query": "mutation($i: AttractionInput!) { createAttraction(input: $i) { id name } }",
            "variables": {"i": {"name": name, "type": "MONUMENT", "address": text, "zone": "paris-01", "latitude": 48.86, "longitude": 2.34}},
        });
        let reply: Value = client
            .post(app.url("/graphql"))
            .header("authorization", bearer(Role::Operator))
            .json(&mutation)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(reply["data"]["createAttraction"]["name"], name.as_str(), "{reply}");
    }
    // A NUL character is valid JSON but no PostgreSQL text can hold it: a 4xx, never a 500.
    let before = fingerprint(&app).await;
    let nul = client
        .post(app.url("/transports"))
        .header("authorization", bearer(Role::Operator))
        .json(&json!({"mode": "Bus", "route": "Ligne\u{0}42", "status": "operationnel"}))
        .send()
        .await
        .unwrap();
    json_error(nul, 422).await;
    let mutation = json!({
        "query": "mutation($i: AttractionInput!) { createAttraction(input: $i) { id } }",
        "variables": {"i": {"name": "Tour\u{0}", "type": "MONUMENT", "address": "x", "zone": "paris-01", "latitude": 48.86, "longitude": 2.34}},
    });
    let resp = client.post(app.url("/graphql")).header("authorization", bearer(Role::Operator)).json(&mutation).send().await.unwrap();
    assert!(resp.status().as_u16() < 500, "GraphQL NUL: {}", resp.status());
    let reply: Value = resp.json().await.unwrap();
    assert!(reply["errors"].as_array().is_some_and(|e| !e.is_empty()), "{reply}");
    let login = client.post(app.url("/api/auth/login")).json(&json!({"email": "a\u{0}@b.co", "password": "p"})).send().await.unwrap();
    json_error(login, 422).await;
    assert_eq!(fingerprint(&app).await, before);

    let db = app.db().await;
    let tables: i64 = db
        .query_one("SELECT count(*) FROM pg_tables WHERE tablename IN ('transports', 'users', 'attractions')", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(tables, 3, "every table survived");
    let users: i64 = db.query_one("SELECT count(*) FROM users", &[]).await.unwrap().get(0);
    assert_eq!(users, 0, "no statement other than the insert ran");
    still_serves(&app).await;
}

#[tokio::test]
async fn soap_attacks_are_client_faults_and_change_nothing() {
    let app = App::start().await;
    let before = fingerprint(&app).await;
    let envelope = |body: &str| {
        format!(r#"<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:tns="urn:cityflow:air-quality"><soap:Body>{body}</soap:Body></soap:Envelope>"#)
    };
    let mut laughs = String::from(r#"<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol0 "lol">"#);
    for i in 1..10 {
        laughs.push_str(&format!("<!ENTITY lol{i} \"{}\">", format!("&lol{};", i - 1).repeat(10)));
    }
    laughs.push_str("]>");
    laughs.push_str(&envelope("<tns:GetZones>&lol9;</tns:GetZones>"));
    let attacks: Vec<(&str, String)> = vec![
        ("XXE", format!(r#"<?xml version="1.0"?><!DOCTYPE e [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>{}"#, envelope("<tns:GetZones>&xxe;</tns:GetZones>"))),
        ("billion laughs", laughs),
        ("SQL in a zone id", envelope("<tns:GetAirQualityMeasures><tns:zoneId>paris-01' OR '1'='1</tns:zoneId></tns:GetAirQualityMeasures>")),
        ("deep nesting", envelope(&format!("{}{}", "<a>".repeat(10_000), "</a>".repeat(10_000)))),
        ("oversized", envelope(&format!("<tns:GetZones>{}</tns:GetZones>", "x".repeat(200_000)))),
        ("not UTF-8", String::from_utf8_lossy(b"<soap:Envelope>\xff\xfe</soap:Envelope>").into_owned()),
        ("truncated", envelope("<tns:GetZones>")[..60].to_string()),
    ];
    for (name, body) in attacks {
        let resp = app
            .client()
            .post(app.url("/air-quality"))
            .header("content-type", "text/xml; charset=utf-8")
            .header("soapaction", "\"urn:cityflow:air-quality#GetZones\"")
            .body(body)
            .send()
            .await
            .unwrap();
        let status = resp.status().as_u16();
        let text = resp.text().await.unwrap();
        assert!(status == 500 || status == 413, "{name}: HTTP {status}");
        if status == 500 {
            assert!(text.contains("Fault>") && text.contains("faultcode"), "{name}: not a SOAP Fault: {text}");
            assert!(!text.contains("root:"), "{name}: leaked a file");
        }
    }
    assert_eq!(fingerprint(&app).await, before);
    still_serves(&app).await;
}

#[tokio::test]
async fn graphql_attacks_are_errors_and_change_nothing() {
    let app = App::start().await;
    let before = fingerprint(&app).await;
    let deep = format!("query {{ {}id{} }}", "attractions { ".repeat(200), " }".repeat(200));
    let queries: Vec<(&str, Value)> = vec![
        ("deep nesting", json!({"query": deep})),
        ("aliases flood", json!({"query": format!("{{ {} }}", (0..2000).map(|i| format!("a{i}: attractions {{ id name }}")).collect::<Vec<_>>().join(" "))})),
        ("unauthenticated mutation with SQL", json!({"query": "mutation { deleteAttraction(id: 1) }"})),
        ("syntax", json!({"query": "{ attractions { id } {{{{"})),
        ("introspection bomb", json!({"query": format!("{{ __schema {{ types {{ {} name }} }} }}", "fields { type { ofType { ".repeat(30)) })),
        ("variables of the wrong type", json!({"query": "query($id: Int!) { attraction(id: $id) { id } }", "variables": {"id": "1 OR 1=1"}})),
    ];
    for (name, body) in queries {
        let resp = app.client().post(app.url("/graphql")).json(&body).send().await.unwrap();
        let status = resp.status().as_u16();
        let reply: Value = resp.json().await.unwrap_or_else(|e| panic!("{name}: HTTP {status}, not JSON: {e}"));
        assert!(status < 500, "{name}: HTTP {status}");
        let errors = reply["errors"].as_array().unwrap_or_else(|| panic!("{name}: no errors: {reply}"));
        assert!(!errors.is_empty() && errors.iter().all(|e| e["message"].is_string()), "{name}: {reply}");
    }
    // Not UTF-8, and far too large.
    let resp = app.client().post(app.url("/graphql")).header("content-type", "application/json").body(b"{\"query\": \"\xff\xfe\"}".to_vec()).send().await.unwrap();
    assert!(resp.status().is_client_error(), "non-UTF-8: {}", resp.status());
    let huge = json!({"query": format!("{{ attractions {{ id }} }} #{}", "x".repeat(2 << 20))});
    let resp = app.client().post(app.url("/graphql")).json(&huge).send().await.unwrap();
    assert!(resp.status().is_client_error(), "oversized: {}", resp.status());
    assert_eq!(fingerprint(&app).await, before);
    still_serves(&app).await;
}

#[tokio::test]
async fn grpc_attacks_get_a_status_and_change_nothing() {
    let app = App::start().await;
    let before = fingerprint(&app).await;
    let call = |body: Vec<u8>, auth: Option<String>| {
        let mut request = app
            .client()
            .post(app.url("/emergency.EmergencyService/CreateIntervention"))
            .header("content-type", "application/grpc-web+proto")
            .header("x-grpc-web", "1");
        if let Some(value) = auth {
            request = request.header("authorization", value);
        }
        async move {
            let resp = request.body(body).send().await.unwrap();
            // Trailers-only answers carry the status in the headers.
            let header = resp.headers().get("grpc-status").and_then(|v| v.to_str().ok()?.parse::<u32>().ok());
            let bytes = resp.bytes().await.unwrap();
            header.or_else(|| decode_web_response(&bytes).expect("a well-formed gRPC-Web answer").status)
        }
    };
    let mut huge_prefix = vec![0u8];
    huge_prefix.extend_from_slice(&0xFFFF_FFF0u32.to_be_bytes());
    huge_prefix.extend_from_slice(b"short");
    let status = call(huge_prefix, Some(bearer(Role::Operator))).await;
    assert_eq!(status, Some(8), "a 4 GiB length prefix is RESOURCE_EXHAUSTED: {status:?}");

    // A message that does not decode is INTERNAL, as gRPC's own servers answer it.
    let garbage = encode_message(&[0xff; 64]);
    let status = call(garbage, Some(bearer(Role::Operator))).await;
    assert_eq!(status, Some(13), "undecodable protobuf: {status:?}");

    let sql = pb::InterventionData {
        intervention_type: "fire'; DROP TABLE vehicles; --".into(),
        priority: "high".into(),
        address: "1 rue de Rivoli".into(),
        latitude: 48.86,
        longitude: 2.35,
        ..Default::default()
    };
    let status = call(encode_message(&sql.encode_to_vec()), Some(bearer(Role::Operator))).await;
    assert_eq!(status, Some(3), "an unknown intervention type is INVALID_ARGUMENT: {status:?}");
    let status = call(encode_message(&sql.encode_to_vec()), None).await;
    assert_eq!(status, Some(16), "no token is UNAUTHENTICATED: {status:?}");
    assert_eq!(fingerprint(&app).await, before);
    still_serves(&app).await;
}

#[tokio::test]
async fn rest_attacks_are_4xx_json_and_change_nothing() {
    let app = App::start().await;
    let before = fingerprint(&app).await;
    let client = app.client();
    let post = |path: &str, content_type: &str, body: Vec<u8>| {
        client
            .post(app.url(path))
            .header("authorization", bearer(Role::Operator))
            .header("content-type", content_type)
            .body(body)
    };
    // Not UTF-8, in a body that claims to be JSON.
    let resp = post("/transports", "application/json", b"{\"mode\": \"Bus\", \"route\": \"\xff\xfe\", \"status\": \"operationnel\"}".to_vec()).send().await.unwrap();
    json_error(resp, 400).await;
    let resp = post("/api/auth/login", "application/json", b"{\"email\": \"\xc3\x28@x.org\", \"password\": \"p\"}".to_vec()).send().await.unwrap();
    json_error(resp, 400).await;
    // Deeply nested JSON.
    let nested = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let resp = post("/transports", "application/json", nested.into_bytes()).send().await.unwrap();
    assert!(resp.status().is_client_error(), "deep JSON: {}", resp.status());
    // Larger than the service accepts, and larger than the runtime hands to any component.
    let resp = post("/transports", "application/json", format!("{{\"route\": \"{}\"}}", "x".repeat(1 << 20)).into_bytes()).send().await.unwrap();
    json_error(resp, 413).await;
    // The runtime answers a declared 20 MiB body before reading any of it (a client that
    // waits, like curl with `Expect: 100-continue`, never has to send it).
    let head = format!("POST /transports HTTP/1.1\r\nhost: {}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n", app.base().trim_start_matches("http://"), 20 << 20);
    let mut conn = tokio::net::TcpStream::connect(app.base().trim_start_matches("http://")).await.unwrap();
    tokio::io::AsyncWriteExt::write_all(&mut conn, head.as_bytes()).await.unwrap();
    let mut answer = vec![0u8; 64];
    let n = tokio::io::AsyncReadExt::read(&mut conn, &mut answer).await.unwrap();
    assert!(String::from_utf8_lossy(&answer[..n]).starts_with("HTTP/1.1 413"), "{}", String::from_utf8_lossy(&answer[..n]));
    // SQL metacharacters where an id or a filter goes.
    for path in ["/transports/1%27%20OR%20%271%27%3D%271", "/transports?status=operationnel%27--", "/transports?limit=1;DROP%20TABLE%20transports"] {
        let resp = client.get(app.url(path)).send().await.unwrap();
        assert!(resp.status() == 404 || resp.status() == 400, "{path}: {}", resp.status());
        let body: Value = resp.json().await.unwrap();
        assert!(body["error"]["code"].is_string(), "{path}: {body}");
    }
    // Path traversal through the gateway's pass-throughs.
    for path in ["/api/transport/..%2f..%2fetc%2fpasswd", "/api/orchestration/../../../etc/passwd", "/api/transport/%2e%2e/%2e%2e/Cargo.toml"] {
        let resp = client.get(app.url(path)).send().await.unwrap();
        let status = resp.status();
        let text = resp.text().await.unwrap();
        assert!(status.is_client_error(), "{path}: {status}");
        assert!(!text.contains("root:") && !text.contains("[workspace]"), "{path}: leaked a file");
    }
    assert_eq!(fingerprint(&app).await, before);
    still_serves(&app).await;
}
