//! End-to-end tests of the gateway component: `/api/orchestration/*` and `/api/health` on the
//! real runtime, reaching transport (REST), air quality (SOAP), tourism (GraphQL) and
//! emergency (gRPC-Web) through service chaining, on a freshly seeded database per test.
//!
//! Degradation: an inline manifest built from the repo's spin.toml serves one service with the
//! test probe, whose JSON echo is not that service's protocol; the dashboard must still answer
//! 200 with that section `unavailable` and the other three filled in.

use cityflow_tests::{component_wasm, root, App};
use reqwest::StatusCode;
use serde_json::{json, Value};

const DASHBOARD: &str = "/api/orchestration/city-dashboard";
const PLAN_TRIP: &str = "/api/orchestration/plan-trip";
const PUBLIC_MODES: [&str; 4] = ["Métro", "Bus", "Tramway", "Train"];

async fn get(app: &App, path: &str) -> (StatusCode, Value) {
    let resp = app.client().get(app.url(path)).send().await.expect("GET");
    read(resp).await
}

async fn post_json(app: &App, path: &str, body: &str) -> (StatusCode, Value) {
    let resp = app
        .client()
        .post(app.url(path))
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .expect("POST");
    read(resp).await
}

async fn read(resp: reqwest::Response) -> (StatusCode, Value) {
    let status = resp.status();
    let content_type = resp.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    let text = resp.text().await.expect("body");
    assert!(content_type.starts_with("application/json"), "content-type {content_type:?}: {text}");
    (status, serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}")))
}

fn ids(list: &Value) -> Vec<i64> {
    let mut ids: Vec<i64> = list.as_array().expect("a list").iter().map(|v| v["id"].as_i64().expect("id")).collect();
    ids.sort();
    ids
}

#[tokio::test]
async fn the_dashboard_aggregates_the_four_seeded_services() {
    let app = App::start().await;
    let (status, doc) = get(&app, DASHBOARD).await;
    assert_eq!(status, StatusCode::OK, "{doc}");
    assert_eq!(doc["degraded"], false, "{doc}");
    assert_eq!(doc["city_status"], "all_systems_operational");
    assert_eq!(doc["transport"]["operational"], 9);
    assert_eq!(doc["transport"]["total_lines"], 13);
    assert_eq!(doc["air_quality"]["average_aqi"], 91.0);
    assert_eq!(doc["air_quality"]["category"], "Moderate");
    assert_eq!(doc["air_quality"]["zones_monitored"], 20);
    let polluted: Vec<&str> =
        doc["air_quality"]["polluted_zones"].as_array().unwrap().iter().map(|z| z["zone_id"].as_str().unwrap()).collect();
    assert_eq!(polluted, ["paris-10", "paris-08", "paris-17", "paris-18"]);
    assert_eq!(doc["tourism"], json!({"currently_open": 9, "total_attractions": 10}));
    assert_eq!(doc["emergency"]["available_vehicles"], 5);
    assert_eq!(doc["emergency"]["total_vehicles"], 8);
    assert_eq!(doc["emergency"]["active_interventions"], 4);
    assert!(doc["timestamp"].as_str().unwrap().ends_with('Z'), "{doc}");
    let alerts = doc["alerts"].to_string();
    assert!(alerts.contains("4 zone(s) with AQI above 100"), "{alerts}");
    assert!(alerts.contains("4 active interventions"), "{alerts}");

    // The figures are read live: take one line out of service and one attraction off.
    let db = app.db().await;
    db.execute("UPDATE transports SET status = 'hors_service' WHERE id = (SELECT min(id) FROM transports WHERE status = 'operationnel')", &[])
        .await
        .unwrap();
    db.execute("UPDATE attractions SET status = 'closed' WHERE id = (SELECT min(id) FROM attractions WHERE status = 'open')", &[])
        .await
        .unwrap();
    let (_, doc) = get(&app, DASHBOARD).await;
    assert_eq!(doc["transport"]["operational"], 8);
    assert_eq!(doc["tourism"]["currently_open"], 8);
}

#[tokio::test]
async fn a_trip_to_a_polluted_zone_recommends_public_transport() {
    let app = App::start().await;
    let (status, plan) = post_json(&app, PLAN_TRIP, r#"{"destination_zone":"paris-08"}"#).await;
    assert_eq!(status, StatusCode::OK, "{plan}");
    assert_eq!(plan["zone"], "paris-08");
    assert_eq!(plan["degraded"], false);
    assert_eq!(plan["air_quality"]["aqi"], 122);
    assert_eq!(plan["recommendation"]["mode"], "public");

    let db = app.db().await;
    let expected_lines: Vec<i64> = db
        .query("SELECT id FROM transports WHERE status = 'operationnel' AND mode = ANY($1) ORDER BY id", &[&PUBLIC_MODES.to_vec()])
        .await
        .unwrap()
        .iter()
        .map(|r| r.get::<_, i64>(0))
        .collect();
    assert!(!expected_lines.is_empty());
    assert_eq!(ids(&plan["transports"]), expected_lines);
    for line in plan["transports"].as_array().unwrap() {
        assert!(PUBLIC_MODES.contains(&line["mode"].as_str().unwrap()), "{line}");
    }

    let open_here: Vec<i64> = db
        .query("SELECT id::int8 FROM attractions WHERE zone = $1 AND status = 'open' ORDER BY id", &[&"paris-08"])
        .await
        .unwrap()
        .iter()
        .map(|r| r.get::<_, i64>(0))
        .collect();
    assert!(!open_here.is_empty());
    assert_eq!(ids(&plan["attractions"]), open_here);

    let alerts = plan["alerts"].as_array().unwrap();
    assert_eq!(alerts.len(), 1, "{plan}");
    assert_eq!(alerts[0]["intervention_type"], "accident");
    assert!(alerts[0]["message"].as_str().unwrap().contains("Champs-Élysées"), "{plan}");
}

#[tokio::test]
async fn a_trip_to_a_clean_zone_allows_every_mode() {
    let app = App::start().await;
    let (status, plan) = get(&app, &format!("{PLAN_TRIP}?zone=paris-01")).await;
    assert_eq!(status, StatusCode::OK, "{plan}");
    assert_eq!(plan["air_quality"]["aqi"], 88);
    assert_eq!(plan["recommendation"]["mode"], "any");
    // Every operational line, Vélo and Taxi included.
    assert_eq!(plan["transports"].as_array().unwrap().len(), 9, "{plan}");
    assert_eq!(plan["alerts"], json!([]));
    for attraction in plan["attractions"].as_array().unwrap() {
        assert_eq!(attraction["status"], "OPEN");
        assert_eq!(attraction["zone"], "paris-01");
    }
}

#[tokio::test]
async fn plan_trip_refuses_unknown_zones_and_bad_input() {
    let app = App::start().await;
    let (status, err) = post_json(&app, PLAN_TRIP, r#"{"destination_zone":"paris-99"}"#).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{err}");
    assert_eq!(err["error"]["code"], "not_found");
    let (status, _) = get(&app, &format!("{PLAN_TRIP}?zone=paris-42")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let (status, err) = post_json(&app, PLAN_TRIP, "{not json").await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{err}");
    let (status, err) = post_json(&app, PLAN_TRIP, "{}").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
    assert_eq!(err["error"]["field"], "destination_zone");
    let (status, _) = post_json(&app, PLAN_TRIP, r#"{"destination_zone":42}"#).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, _) = post_json(&app, PLAN_TRIP, r#"{"destination_zone":"'; DROP TABLE zones; --"}"#).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, err) = get(&app, PLAN_TRIP).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{err}");
    assert_eq!(err["error"]["field"], "zone");
    let resp = app.client().post(app.url(PLAN_TRIP)).body(r#"{"destination_zone":"paris-08"}"#).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let resp = app.client().delete(app.url(DASHBOARD)).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(resp.headers()["allow"], "GET");
}

#[tokio::test]
async fn health_reports_each_service_with_its_latency() {
    let app = App::start().await;
    let (status, doc) = get(&app, "/api/health").await;
    assert_eq!(status, StatusCode::OK, "{doc}");
    assert_eq!(doc["status"], "up", "{doc}");
    for service in ["transport", "air_quality", "tourism", "emergency"] {
        assert_eq!(doc["services"][service]["status"], "up", "{doc}");
        assert!(doc["services"][service]["latency_ms"].as_f64().unwrap() > 0.0, "{doc}");
    }
}

/// The repo's spin.toml cut down to the gateway and the four services, every source made
/// absolute (the manifest is written elsewhere), `component` served by the probe, and each
/// gateway call given `timeout_ms`.
fn manifest_with(probe_for: Option<&str>, timeout_ms: u32) -> String {
    const KEPT: [&str; 5] = ["gateway", "transport", "air-quality", "tourism", "emergency"];
    let text = std::fs::read_to_string(root().join("spin.toml")).expect("spin.toml");
    let mut manifest: toml::Table = text.parse().expect("spin.toml parses");
    if let Some(application) = manifest.get_mut("application").and_then(|a| a.as_table_mut()) {
        application.remove("trigger");
    }
    let trigger = manifest.get_mut("trigger").and_then(|t| t.as_table_mut()).expect("[trigger]");
    trigger.retain(|kind, _| kind == "http");
    let routes = trigger.get_mut("http").and_then(|h| h.as_array_mut()).expect("[[trigger.http]]");
    routes.retain(|r| KEPT.contains(&r["component"].as_str().unwrap_or_default()));
    let components = manifest.get_mut("component").and_then(|c| c.as_table_mut()).expect("[component]");
    components.retain(|name, _| KEPT.contains(&&name[..]));
    for (name, component) in components.iter_mut() {
        let component = component.as_table_mut().unwrap();
        let source = component["source"].as_str().unwrap().to_string();
        let absolute = if Some(&name[..]) == probe_for {
            component_wasm("probe")
        } else {
            root().join(source).display().to_string()
        };
        component.insert("source".into(), absolute.into());
        if name == "gateway" {
            let vars = component.get_mut("variables").and_then(|v| v.as_table_mut()).unwrap();
            vars.insert("upstream_timeout_ms".into(), timeout_ms.to_string().into());
        }
    }
    toml::to_string(&manifest).expect("manifest serializes")
}

async fn dashboard_with_probe_as(service: &str, section: &str) {
    let app = App::builder().manifest(manifest_with(Some(service), 2000)).start().await;
    let (status, doc) = get(&app, DASHBOARD).await;
    assert_eq!(status, StatusCode::OK, "{doc}");
    assert_eq!(doc["degraded"], true, "{doc}");
    assert_eq!(doc["city_status"], "operational", "{doc}");
    assert_eq!(doc[section]["status"], "unavailable", "{doc}");
    assert!(!doc[section]["error"].as_str().unwrap().is_empty(), "{doc}");
    let expected = [
        ("transport", "operational", 9),
        ("air_quality", "zones_monitored", 20),
        ("tourism", "currently_open", 9),
        ("emergency", "available_vehicles", 5),
    ];
    for (other, field, value) in expected.into_iter().filter(|(s, ..)| *s != section) {
        assert_eq!(doc[other][field], value, "{other} in {doc}");
    }
    assert!(doc["alerts"].to_string().contains(&format!("the {section} service is unavailable")), "{doc}");
}

#[tokio::test]
async fn a_transport_answering_in_the_wrong_protocol_is_an_unavailable_section() {
    dashboard_with_probe_as("transport", "transport").await;
}

#[tokio::test]
async fn an_air_quality_answering_in_the_wrong_protocol_is_an_unavailable_section() {
    dashboard_with_probe_as("air-quality", "air_quality").await;
}

#[tokio::test]
async fn a_tourism_answering_in_the_wrong_protocol_is_an_unavailable_section() {
    dashboard_with_probe_as("tourism", "tourism").await;
}

#[tokio::test]
async fn an_emergency_answering_in_the_wrong_protocol_is_an_unavailable_section() {
    dashboard_with_probe_as("emergency", "emergency").await;
}

#[tokio::test]
async fn calls_past_their_deadline_are_unavailable_and_the_gateway_still_answers() {
    // 1 ms is far below what any call through the runtime and Postgres takes.
    let app = App::builder().manifest(manifest_with(None, 1)).start().await;
    let (status, doc) = get(&app, DASHBOARD).await;
    assert_eq!(status, StatusCode::OK, "{doc}");
    assert_eq!(doc["degraded"], true);
    assert_eq!(doc["city_status"], "severely_disrupted", "{doc}");
    for section in ["transport", "air_quality", "tourism", "emergency"] {
        assert_eq!(doc[section]["status"], "unavailable", "{doc}");
        assert_eq!(doc[section]["error"], "no answer within 1 ms", "{doc}");
    }
}

#[tokio::test]
async fn a_tourist_day_keeps_indoor_visits_when_the_air_is_poor() {
    let app = App::start().await;
    // paris-08 (AQI 122) has only the Arc de Triomphe, a monument: nothing indoor to visit.
    let (status, day) = get(&app, "/api/orchestration/tourist-day?zone=paris-08").await;
    assert_eq!(status, StatusCode::OK, "{day}");
    assert_eq!(day["air_quality"]["aqi"], 122);
    assert_eq!(day["attractions"], json!([]), "{day}");
    let mode = day["suggested_transport"]["mode"].as_str().unwrap();
    assert!(PUBLIC_MODES.contains(&mode), "{day}");

    // paris-01 (AQI 88): every open attraction of the zone.
    let (_, day) = get(&app, "/api/orchestration/tourist-day?zone=paris-01").await;
    let db = app.db().await;
    let open_here: Vec<i64> = db
        .query("SELECT id::int8 FROM attractions WHERE zone = 'paris-01' AND status = 'open' ORDER BY id", &[])
        .await
        .unwrap()
        .iter()
        .map(|r| r.get::<_, i64>(0))
        .collect();
    assert!(!open_here.is_empty());
    assert_eq!(ids(&day["attractions"]), open_here, "{day}");

    let (status, _) = get(&app, "/api/orchestration/tourist-day?zone=paris-77").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = get(&app, "/api/orchestration/tourist-day").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn the_eco_route_scores_the_air_between_two_zones() {
    let app = App::start().await;
    let (status, route) = get(&app, "/api/orchestration/eco-route?start_zone=paris-01&end_zone=paris-08").await;
    assert_eq!(status, StatusCode::OK, "{route}");
    assert_eq!(route["air_quality"]["start"]["aqi"], 88);
    assert_eq!(route["air_quality"]["end"]["aqi"], 122);
    let db = app.db().await;
    let eco_running: i64 = db
        .query_one("SELECT count(*) FROM transports WHERE status = 'operationnel' AND mode IN ('Vélo', 'Métro', 'Tramway')", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(route["eco_transports"].as_array().unwrap().len() as i64, eco_running);
    // Mean AQI 105: 100 − ⌊105 / 5⌋ − 20 (above 100) + 10 when an eco line runs.
    let expected = 100 - 21 - 20 + if eco_running > 0 { 10 } else { 0 };
    assert_eq!(route["eco_score"], expected, "{route}");
    assert_eq!(route["recommended_path"][1]["zone"], "paris-08");

    let (status, err) = get(&app, "/api/orchestration/eco-route?start_zone=paris-01").await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{err}");
    assert_eq!(err["error"]["field"], "end_zone");
    let (status, _) = get(&app, "/api/orchestration/eco-route?start_zone=paris-01&end_zone=paris-21").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_pass_throughs_serve_each_service_as_plain_json() {
    let app = App::start().await;
    let (status, lines) = get(&app, "/api/transport").await;
    assert_eq!(status, StatusCode::OK, "{lines}");
    assert_eq!(lines.as_array().unwrap().len(), 13);
    let (status, lines) = get(&app, "/api/transport/?status=operationnel").await;
    assert_eq!(status, StatusCode::OK, "{lines}");
    assert_eq!(lines.as_array().unwrap().len(), 9);
    let first = lines[0]["id"].as_i64().unwrap();
    let (status, line) = get(&app, &format!("/api/transport/{first}")).await;
    assert_eq!((status, line["id"].as_i64()), (StatusCode::OK, Some(first)));
    let (status, err) = get(&app, "/api/transport/999999").await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{err}");
    let resp = app.client().post(app.url("/api/transport")).header("content-type", "application/json").body("{}").send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::METHOD_NOT_ALLOWED);

    let (status, zones) = get(&app, "/api/air-quality/zones").await;
    assert_eq!(status, StatusCode::OK, "{zones}");
    assert_eq!(zones.as_array().unwrap().len(), 20);
    assert!(zones[0]["latitude"].is_f64(), "{zones}");
    let (status, measures) = get(&app, "/api/air-quality/measures?zone_id=paris-10").await;
    assert_eq!(status, StatusCode::OK, "{measures}");
    assert_eq!(measures[0]["aqi"], 130, "{measures}");
    assert_eq!(measures[0]["zone_id"], "paris-10");
    let (status, all) = get(&app, "/api/air-quality/measures").await;
    assert_eq!(status, StatusCode::OK);
    let stored: i64 = app.db().await.query_one("SELECT count(*) FROM air_measures", &[]).await.unwrap().get(0);
    assert_eq!(all.as_array().unwrap().len() as i64, stored);
    let (status, _) = get(&app, "/api/air-quality/measures?zone_id=paris-33").await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let (status, attractions) = get(&app, "/api/tourism/attractions").await;
    assert_eq!(status, StatusCode::OK, "{attractions}");
    assert_eq!(attractions.as_array().unwrap().len(), 10);
    assert!(attractions[0]["address"].is_string(), "{attractions}");

    let (status, vehicles) = get(&app, "/api/emergency/vehicles").await;
    assert_eq!(status, StatusCode::OK, "{vehicles}");
    assert_eq!(vehicles.as_array().unwrap().len(), 8);
    let (status, interventions) = get(&app, "/api/emergency/interventions").await;
    assert_eq!(status, StatusCode::OK, "{interventions}");
    assert_eq!(interventions.as_array().unwrap().len(), 4);
    let (status, _) = get(&app, "/api/emergency/nothing").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_pass_through_to_a_broken_service_is_503_json() {
    let app = App::builder().manifest(manifest_with(Some("emergency"), 2000)).start().await;
    let (status, err) = get(&app, "/api/emergency/vehicles").await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{err}");
    assert!(err["error"]["message"].as_str().unwrap().contains("emergency"), "{err}");
    let (status, _) = get(&app, "/api/tourism/attractions").await;
    assert_eq!(status, StatusCode::OK);
}

const RESPONSE: &str = "/api/orchestration/emergency-response";

async fn interventions_stored(app: &App) -> i64 {
    app.db().await.query_one("SELECT count(*) FROM interventions", &[]).await.unwrap().get(0)
}

async fn post_response(app: &App, token: Option<&str>, body: Value) -> (StatusCode, Value) {
    let mut request = app.client().post(app.url(RESPONSE)).header("content-type", "application/json").body(body.to_string());
    if let Some(token) = token {
        request = request.header("authorization", format!("Bearer {token}"));
    }
    read(request.send().await.expect("POST")).await
}

fn fire_in_paris_11() -> Value {
    json!({"zone": "paris-11", "emergency_type": "fire", "priority": "critical",
           "address": "12 Rue Oberkampf, 75011 Paris", "latitude": 48.8650, "longitude": 2.3700,
           "description": "Feu de poubelle"})
}

#[tokio::test]
async fn an_emergency_response_dispatches_the_nearest_fire_truck_with_the_callers_token() {
    let app = App::start().await;
    let db = app.db().await;
    // The nearest available fire truck, by the same haversine the service uses.
    let trucks = db
        .query("SELECT id, latitude, longitude FROM vehicles WHERE vehicle_type = 'fire_truck' AND status = 'available'", &[])
        .await
        .unwrap();
    let nearest: i32 = trucks
        .iter()
        .map(|r| (r.get::<_, i32>(0), emergency_model::geo::haversine_km(48.8650, 2.3700, r.get(1), r.get(2))))
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .expect("a fire truck is available")
        .0;

    let operator = cityflow_tests::token(cityflow_auth::Role::Operator);
    let (status, doc) = post_response(&app, Some(&operator), fire_in_paris_11()).await;
    assert_eq!(status, StatusCode::CREATED, "{doc}");
    assert_eq!(doc["dispatch"]["status"], "dispatched", "{doc}");
    assert_eq!(doc["dispatch"]["vehicle"]["id"], nearest, "{doc}");
    assert_eq!(doc["dispatch"]["vehicle"]["status"], "on_mission");
    assert!(doc["dispatch"]["distance_km"].as_f64().unwrap() > 0.0);
    assert_eq!(doc["intervention"]["status"], "in_progress");
    assert_eq!(doc["intervention"]["zone"], "paris-11");
    assert_eq!(doc["air_quality"]["alert"], "breathable air", "{doc}");

    let id = doc["intervention"]["id"].as_i64().unwrap() as i32;
    let row = db.query_one("SELECT status, assigned_vehicle_id FROM interventions WHERE id = $1", &[&id]).await.unwrap();
    assert_eq!((row.get::<_, String>(0), row.get::<_, Option<i32>>(1)), ("in_progress".to_string(), Some(nearest)));
    let truck: String = db.query_one("SELECT status FROM vehicles WHERE id = $1", &[&nearest]).await.unwrap().get(0);
    assert_eq!(truck, "on_mission");
}

#[tokio::test]
async fn an_emergency_response_without_the_right_token_or_input_writes_nothing() {
    let app = App::start().await;
    let before = interventions_stored(&app).await;

    let (status, err) = post_response(&app, None, fire_in_paris_11()).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{err}");
    let (status, err) = post_response(&app, Some("not-a-token"), fire_in_paris_11()).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{err}");
    let viewer = cityflow_tests::token(cityflow_auth::Role::Viewer);
    let (status, err) = post_response(&app, Some(&viewer), fire_in_paris_11()).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{err}");

    let operator = cityflow_tests::token(cityflow_auth::Role::Operator);
    let mut unknown_zone = fire_in_paris_11();
    unknown_zone["zone"] = json!("paris-31");
    let (status, _) = post_response(&app, Some(&operator), unknown_zone).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let mut flood = fire_in_paris_11();
    flood["emergency_type"] = json!("flood");
    let (status, err) = post_response(&app, Some(&operator), flood).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
    assert_eq!(err["error"]["field"], "emergency_type");
    let mut nowhere = fire_in_paris_11();
    nowhere["latitude"] = json!(123.0);
    let (status, err) = post_response(&app, Some(&operator), nowhere).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
    assert_eq!(err["error"]["field"], "latitude");

    assert_eq!(interventions_stored(&app).await, before);
}

#[tokio::test]
async fn an_emergency_response_without_a_free_vehicle_records_a_pending_intervention() {
    let app = App::start().await;
    app.db().await.execute("UPDATE vehicles SET status = 'maintenance' WHERE vehicle_type = 'fire_truck'", &[]).await.unwrap();
    let operator = cityflow_tests::token(cityflow_auth::Role::Operator);
    let (status, doc) = post_response(&app, Some(&operator), fire_in_paris_11()).await;
    assert_eq!(status, StatusCode::CREATED, "{doc}");
    assert_eq!(doc["dispatch"], json!({"status": "no_vehicle_available", "vehicle_type": "fire_truck"}));
    assert_eq!(doc["intervention"]["status"], "pending");
}
