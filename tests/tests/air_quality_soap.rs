//! End-to-end tests of the air-quality component (SOAP 1.1 at `/air-quality`, WSDL at `?wsdl`)
//! on the real runtime and a freshly migrated database per test: stock clients (zeep, lxml)
//! from the WSDL alone, the seed's AQIs against the model, and hostile requests.

use air_quality_model::aqi_of;
use cityflow_auth::Role;
use cityflow_tests::{component_wasm, run_python, token, App};
use reqwest::{header, StatusCode};
use std::collections::BTreeMap;

const SOAP_NS: &str = "http://schemas.xmlsoap.org/soap/envelope/";

fn envelope(body: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="{SOAP_NS}" xmlns:aq="urn:cityflow:air-quality"><soap:Body>{body}</soap:Body></soap:Envelope>"#
    )
}

/// POSTs a body as SOAP 1.1 and returns (status, content-type, body text).
async fn post(app: &App, body: impl Into<reqwest::Body>, headers: &[(&str, &str)]) -> (StatusCode, String, String) {
    let mut req = app
        .client()
        .post(app.url("/air-quality"))
        .header(header::CONTENT_TYPE, "text/xml; charset=utf-8")
        .body(body);
    for (name, value) in headers {
        req = req.header(*name, *value);
    }
    let resp = req.send().await.expect("POST /air-quality");
    let status = resp.status();
    let content_type = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    (status, content_type, resp.text().await.expect("body"))
}

fn assert_fault(status: StatusCode, body: &str, code: &str, fragment: &str) {
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR, "{body}");
    assert!(body.contains("<soap:Fault>"), "{body}");
    assert!(body.contains(&format!("<faultcode>soap:{code}</faultcode>")), "{body}");
    assert!(body.contains(fragment), "expected {fragment:?} in {body}");
}

async fn measure_count(app: &App) -> i64 {
    app.db().await.query_one("SELECT count(*) FROM air_measures", &[]).await.expect("count").get(0)
}

/// The service is still answering normally.
async fn still_serves(app: &App) {
    let (status, _, body) = post(app, envelope("<aq:GetZones/>"), &[]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body.matches("<tns:zone>").count(), 20, "{body}");
    let wsdl = app.client().get(app.url("/air-quality?wsdl")).send().await.expect("GET wsdl");
    assert_eq!(wsdl.status(), StatusCode::OK);
}

#[tokio::test]
async fn zeep_drives_every_operation_from_the_wsdl() {
    let app = App::start().await;
    let operator = token(Role::Operator);
    let viewer = token(Role::Viewer);
    let out = run_python("soap_client.py", &[app.base(), &operator, &viewer])
        .await
        .unwrap_or_else(|e| panic!("{e:#}\n--- runtime log ---\n{}", app.logs()));
    println!("{out}");
    assert!(out.trim_end().ends_with("OK"), "{out}");
    // Two measures created by the script; every refused write stored nothing.
    assert_eq!(measure_count(&app).await, 26);
}

#[tokio::test]
async fn a_second_stock_client_understands_the_wsdl() {
    let app = App::start().await;
    let out = run_python("suds_client.py", &[app.base()])
        .await
        .unwrap_or_else(|e| panic!("{e:#}\n--- runtime log ---\n{}", app.logs()));
    println!("{out}");
    assert!(out.trim_end().ends_with("OK"), "{out}");
}

#[tokio::test]
async fn seeded_aqis_are_what_the_model_computes_and_match_the_dashboard() {
    let app = App::start().await;
    let rows = app
        .db()
        .await
        .query(
            "SELECT zone_id, pm25, pm10, o3, no2, co, aqi, category, dominant_pollutant \
             FROM air_measures ORDER BY measured_at DESC, id DESC",
            &[],
        )
        .await
        .expect("seed rows");
    assert_eq!(rows.len(), 24);
    let mut latest: BTreeMap<String, i32> = BTreeMap::new();
    for row in &rows {
        let zone: String = row.get(0);
        let values: Vec<f64> = (1..=5).map(|i| row.get(i)).collect();
        let computed = aqi_of(values[0], values[1], values[2], values[3], values[4]).expect("valid seed");
        let (aqi, category, dominant): (i32, String, String) = (row.get(6), row.get(7), row.get(8));
        assert_eq!(aqi, i32::from(computed.value), "{zone} {values:?}");
        assert_eq!(category, computed.category.as_str(), "{zone}");
        assert_eq!(dominant, computed.dominant.as_str(), "{zone}");
        latest.entry(zone).or_insert(aqi);
    }
    assert_eq!(latest.len(), 20);
    let mean = latest.values().map(|&a| f64::from(a)).sum::<f64>() / latest.len() as f64;
    let above: Vec<&str> = latest.iter().filter(|(_, &a)| a > 100).map(|(z, _)| z.as_str()).collect();
    assert!((mean - 91.0).abs() < 1.0, "mean latest AQI {mean}");
    assert_eq!(above, ["paris-08", "paris-10", "paris-17", "paris-18"]);
}

#[tokio::test]
async fn hostile_and_malformed_requests_get_faults_and_the_runtime_keeps_serving() {
    let app = App::start().await;
    let before = measure_count(&app).await;
    let operator = format!("Bearer {}", token(Role::Operator));
    let auth = [("authorization", operator.as_str())];

    // Malformed XML.
    for bad in ["<soap:Envelope", "not xml", "<a><b></a></b>", ""] {
        let (status, content_type, body) = post(&app, bad, &[]).await;
        assert!(content_type.starts_with("text/xml"), "{content_type}");
        assert_fault(status, &body, "Client", "");
    }
    let (status, _, body) = post(&app, envelope("<aq:GetZones>").replace("</soap:Body>", ""), &[]).await;
    assert_fault(status, &body, "Client", "malformed XML");

    // Billion laughs: refused at the DOCTYPE, before any entity could expand.
    let mut laughs = String::from("<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">");
    for i in 1..10 {
        let prev = if i == 1 { "lol".to_string() } else { format!("lol{}", i - 1) };
        laughs.push_str(&format!("<!ENTITY lol{i} \"{}\">", format!("&{prev};").repeat(10)));
    }
    laughs.push_str(&format!("]>{}", envelope("<aq:GetMeasuresByZone><aq:zone_id>&lol9;</aq:zone_id></aq:GetMeasuresByZone>")));
    let (status, _, body) = post(&app, laughs, &auth).await;
    assert_fault(status, &body, "Client", "DOCTYPE");

    // XXE: a DOCTYPE with an external entity, and an undeclared entity without one.
    let xxe = format!(
        "<?xml version=\"1.0\"?><!DOCTYPE e [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>{}",
        envelope("<aq:GetMeasuresByZone><aq:zone_id>&xxe;</aq:zone_id></aq:GetMeasuresByZone>")
    );
    let (status, _, body) = post(&app, xxe, &[]).await;
    assert_fault(status, &body, "Client", "DOCTYPE");
    assert!(!body.contains("root:"), "{body}");
    let undeclared = envelope("<aq:GetMeasuresByZone><aq:zone_id>&xxe;</aq:zone_id></aq:GetMeasuresByZone>");
    let (status, _, body) = post(&app, undeclared, &[]).await;
    assert_fault(status, &body, "Client", "undefined entity");

    // Oversized: 1 MiB of otherwise valid XML.
    let padding = "<!-- padding -->".repeat(64 * 1024);
    let big = envelope(&format!("{padding}<aq:GetZones/>"));
    let (status, _, body) = post(&app, big, &[]).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{body}");
    assert!(body.contains("<faultcode>soap:Client</faultcode>") && body.contains("larger than"), "{body}");

    // Deeply nested.
    let deep = envelope(&format!("<aq:GetZones>{}{}</aq:GetZones>", "<x>".repeat(2_000), "</x>".repeat(2_000)));
    let (status, _, body) = post(&app, deep, &[]).await;
    assert_fault(status, &body, "Client", "deeper than");

    // Protocol mistakes.
    let (status, _, body) = post(&app, envelope("<aq:DropTables/>"), &[]).await;
    assert_fault(status, &body, "Client", "unknown operation");
    let (status, _, body) = post(&app, envelope("<aq:GetZones/>"), &[("soapaction", "\"urn:cityflow:air-quality/CreateMeasure\"")]).await;
    assert_fault(status, &body, "Client", "does not match");
    let soap12 = r#"<e:Envelope xmlns:e="http://www.w3.org/2003/05/soap-envelope"><e:Body/></e:Envelope>"#;
    let (status, _, body) = post(&app, soap12, &[]).await;
    assert_fault(status, &body, "VersionMismatch", "SOAP 1.1");
    let json = app
        .client()
        .post(app.url("/air-quality"))
        .header(header::CONTENT_TYPE, "application/json")
        .body("{}")
        .send()
        .await
        .expect("POST json");
    assert_eq!(json.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);

    // A client-supplied AQI is refused, even from an operator.
    let with_aqi = envelope(
        "<aq:CreateMeasure><aq:data><aq:zone_id>paris-01</aq:zone_id><aq:pm25>1</aq:pm25><aq:pm10>1</aq:pm10>\
         <aq:o3>1</aq:o3><aq:no2>1</aq:no2><aq:co>0.1</aq:co><aq:aqi>5</aq:aqi></aq:data></aq:CreateMeasure>",
    );
    let (status, _, body) = post(&app, with_aqi, &auth).await;
    assert_fault(status, &body, "Client", "computed by the service");

    // Unauthenticated write: Fault with a Bearer challenge.
    let create = envelope(
        "<aq:CreateMeasure><aq:data><aq:zone_id>paris-01</aq:zone_id><aq:pm25>1</aq:pm25><aq:pm10>1</aq:pm10>\
         <aq:o3>1</aq:o3><aq:no2>1</aq:no2><aq:co>0.1</aq:co></aq:data></aq:CreateMeasure>",
    );
    let resp = app
        .client()
        .post(app.url("/air-quality"))
        .header(header::CONTENT_TYPE, "text/xml")
        .body(create.clone())
        .send()
        .await
        .expect("POST");
    assert_eq!(resp.status(), StatusCode::INTERNAL_SERVER_ERROR);
    assert!(resp.headers().get("www-authenticate").is_some_and(|v| v.to_str().unwrap().starts_with("Bearer")));
    assert!(resp.text().await.unwrap().contains("authentication required"));

    assert_eq!(measure_count(&app).await, before, "a refused request stored something");
    still_serves(&app).await;

    // And the hand-written create works once authenticated, with a computed AQI.
    let (status, _, body) = post(&app, create, &auth).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body.contains("<tns:aqi>6</tns:aqi>"), "{body}");
    assert_eq!(measure_count(&app).await, before + 1);
    let log = app.stop();
    assert!(!log.contains("panicked"), "{log}");
}

#[tokio::test]
async fn wsdl_address_is_the_url_the_client_used() {
    let app = App::start().await;
    let resp = app
        .client()
        .get(app.url("/air-quality?wsdl"))
        .header(header::HOST, "air.example.test:8443")
        .send()
        .await
        .expect("GET wsdl");
    assert_eq!(resp.status(), StatusCode::OK);
    let wsdl = resp.text().await.unwrap();
    assert!(wsdl.contains(r#"<soap:address location="http://air.example.test:8443/air-quality"/>"#), "{wsdl}");
    let plain = app.client().get(app.url("/air-quality")).send().await.expect("GET");
    assert_eq!(plain.status(), StatusCode::BAD_REQUEST);
    let put = app.client().put(app.url("/air-quality")).send().await.expect("PUT");
    assert_eq!(put.status(), StatusCode::METHOD_NOT_ALLOWED);
}

#[tokio::test]
async fn database_failure_is_a_server_fault() {
    // Port 1 on loopback: nothing listens, so every connection is refused.
    let manifest = format!(
        r#"spin_manifest_version = 2
[application]
name = "air-quality-db-down"
[variables]
jwt_secret = {{ required = true, secret = true }}
[[trigger.http]]
route = "/air-quality"
component = "air-quality"
[component.air-quality]
source = "{}"
allowed_outbound_hosts = ["postgres://127.0.0.1:1"]
variables = {{ db_url = "postgres://cityflow@127.0.0.1:1/cityflow", jwt_secret = "{{{{ jwt_secret }}}}" }}
"#,
        component_wasm("air_quality")
    );
    let app = App::builder().manifest(manifest).without_database().start().await;
    let (status, _, body) = post(&app, envelope("<aq:GetZones/>"), &[]).await;
    assert_fault(status, &body, "Server", "unavailable");
    // Validation still happens first: a bad request is the client's fault even then.
    let (status, _, body) = post(&app, envelope("<aq:GetAirQuality><aq:measure_id>x</aq:measure_id></aq:GetAirQuality>"), &[]).await;
    assert_fault(status, &body, "Client", "measure_id");
}
