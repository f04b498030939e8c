//! End-to-end tests of the emergency component (`emergency.EmergencyService`) on the real
//! runtime and a freshly migrated database per test (8 vehicles, 5 available; 4 active
//! interventions): the stock `grpcio` client over h2c, raw HTTP/2 calls that read the
//! trailers, gRPC-Web over HTTP/1.1, and malformed frames.

use bytes::Bytes;
use cityflow_auth::Role;
use cityflow_tests::{component_wasm, pg_server, run_python, token, App};
use emergency_model::framing::{decode_web_response, encode_message};
use emergency_model::pb;
use emergency_model::status::percent_decode_message;
use http_body_util::{BodyExt, Full};
use hyper::HeaderMap;
use prost::Message;
use serde_json::Value;

const SERVICE: &str = "/emergency.EmergencyService";

fn manifest() -> String {
    let pg = pg_server();
    let authority = pg.rsplit('@').next().unwrap_or("127.0.0.1:5432");
    format!(
        r#"
spin_manifest_version = 2
[application]
name = "emergency-test"

[variables]
db_url = {{ required = true, secret = true }}
jwt_secret = {{ required = true, secret = true }}

[[trigger.http]]
route = "/emergency.EmergencyService/..."
component = "emergency"
[[trigger.http]]
route = "/grpc.reflection.v1.ServerReflection/..."
component = "emergency"
[[trigger.http]]
route = "/grpc.reflection.v1alpha.ServerReflection/..."
component = "emergency"

[component.emergency]
source = "{wasm}"
allowed_outbound_hosts = ["postgres://{authority}"]
variables = {{ db_url = "{{{{ db_url }}}}", jwt_secret = "{{{{ jwt_secret }}}}" }}
"#,
        wasm = component_wasm("emergency"),
    )
}

async fn start() -> App {
    App::builder().manifest(manifest()).start().await
}

/// What a raw HTTP/2 gRPC call returned.
struct H2Reply {
    http_status: u16,
    headers: HeaderMap,
    body: Bytes,
    trailers: Option<HeaderMap>,
}

impl H2Reply {
    /// grpc-status and grpc-message from the trailers (or, for Trailers-Only, the headers).
    fn status(&self) -> (u32, String) {
        let source = self.trailers.as_ref().filter(|t| t.contains_key("grpc-status")).unwrap_or(&self.headers);
        let code = source
            .get("grpc-status")
            .unwrap_or_else(|| panic!("no grpc-status in trailers {:?} or headers {:?}", self.trailers, self.headers))
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        let message = source.get("grpc-message").map(|m| percent_decode_message(m.to_str().unwrap())).unwrap_or_default();
        (code, message)
    }

    fn message<M: Message + Default>(&self) -> M {
        assert_eq!(self.status(), (0, String::new()));
        let payload = emergency_model::framing::unary_request(&self.body, usize::MAX).expect("one message frame");
        M::decode(payload).expect("protobuf response")
    }
}

/// One call on a fresh h2c connection (prior knowledge), as a gRPC client makes it.
async fn h2_call(app: &App, path: &str, body: Vec<u8>, authorization: Option<&str>) -> H2Reply {
    let authority = app.base().trim_start_matches("http://").to_string();
    let stream = tokio::net::TcpStream::connect(&authority).await.expect("connect");
    let (mut sender, connection) =
        hyper::client::conn::http2::handshake(hyper_util::rt::TokioExecutor::new(), hyper_util::rt::TokioIo::new(stream))
            .await
            .expect("h2c handshake");
    tokio::spawn(connection);
    let mut request = hyper::Request::post(format!("http://{authority}{path}"))
        .header("content-type", "application/grpc")
        .header("te", "trailers");
    if let Some(value) = authorization {
        request = request.header("authorization", value);
    }
    let response = sender.send_request(request.body(Full::new(Bytes::from(body))).unwrap()).await.expect("h2 call");
    let (parts, body) = response.into_parts();
    let collected = body.collect().await.expect("response body");
    let trailers = collected.trailers().cloned();
    H2Reply { http_status: parts.status.as_u16(), headers: parts.headers, body: collected.to_bytes(), trailers }
}

/// One gRPC-Web call over HTTP/1.1; (HTTP status, content type, decoded body).
async fn web_call(
    app: &App,
    path: &str,
    content_type: &str,
    body: Vec<u8>,
    authorization: Option<&str>,
) -> (u16, String, emergency_model::framing::WebResponse) {
    let mut request = app.client().post(app.url(path)).header("content-type", content_type).header("x-grpc-web", "1");
    if let Some(value) = authorization {
        request = request.header("authorization", value);
    }
    let response = request.body(body).send().await.expect("gRPC-Web call");
    assert_eq!(response.version(), reqwest::Version::HTTP_11);
    let status = response.status().as_u16();
    let content_type = response.headers().get("content-type").map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
    let bytes = response.bytes().await.expect("body");
    (status, content_type, decode_web_response(&bytes).expect("a well-formed gRPC-Web body"))
}

fn bearer(role: Role) -> String {
    format!("Bearer {}", token(role))
}

fn framed<M: Message>(message: &M) -> Vec<u8> {
    encode_message(&message.encode_to_vec())
}

async fn count(app: &App, sql: &str) -> i64 {
    app.db().await.query_one(sql, &[]).await.expect(sql).get(0)
}

#[tokio::test(flavor = "multi_thread")]
async fn stock_grpcio_client_calls_every_rpc() {
    let app = start().await;
    let (operator, viewer) = (token(Role::Operator), token(Role::Viewer));
    let output = run_python("grpc_client.py", &[app.base(), &operator, &viewer]).await.unwrap_or_else(|e| panic!("{e:#}\n{}", app.logs()));
    println!("{output}");
    let summary: Value = serde_json::from_str(output.lines().last().expect("summary line")).expect("JSON summary");

    // The client's view agrees with the database.
    let active = count(&app, "SELECT count(*) FROM interventions WHERE status <> 'completed'").await;
    assert_eq!(summary["active_interventions"].as_i64(), Some(active));
    assert_eq!(active, 6, "4 seeded + 3 created - 1 completed");
    // Refused creations stored nothing: 4 seeded + exactly 3 accepted.
    assert_eq!(count(&app, "SELECT count(*) FROM interventions").await, 7);
    let db = app.db().await;
    let completed = summary["completed_intervention"].as_i64().unwrap() as i32;
    let row = db
        .query_one("SELECT status, completed_at IS NOT NULL FROM interventions WHERE id = $1", &[&completed])
        .await
        .unwrap();
    assert_eq!((row.get::<_, String>(0), row.get::<_, bool>(1)), ("completed".to_string(), true));
    // Dispatch invariant: a vehicle is on a mission exactly when one in-progress
    // intervention holds it.
    let mismatched: i64 = db
        .query_one(
            "SELECT count(*) FROM vehicles v WHERE (v.status = 'on_mission') <> EXISTS \
             (SELECT 1 FROM interventions i WHERE i.assigned_vehicle_id = v.id AND i.status = 'in_progress')",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(mismatched, 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn h2c_answers_carry_the_status_in_trailers() {
    let app = start().await;

    let ok = h2_call(&app, &format!("{SERVICE}/GetVehicle"), framed(&pb::VehicleRequest { id: 1 }), None).await;
    assert_eq!(ok.http_status, 200);
    assert_eq!(ok.headers["content-type"], "application/grpc");
    assert!(ok.trailers.as_ref().is_some_and(|t| t.contains_key("grpc-status")), "status must be a trailer: {:?}", ok.trailers);
    let vehicle: pb::Vehicle = ok.message();
    assert_eq!((vehicle.id, vehicle.identifier.as_str(), vehicle.status.as_str()), (1, "AMB-001", "available"));

    let list: pb::VehicleList = h2_call(&app, &format!("{SERVICE}/GetVehicles"), framed(&pb::EmptyRequest {}), None).await.message();
    assert_eq!(list.vehicles.len(), 8);

    let missing = h2_call(&app, &format!("{SERVICE}/GetVehicle"), framed(&pb::VehicleRequest { id: 404 }), None).await;
    assert_eq!(missing.http_status, 200, "gRPC errors are HTTP 200");
    assert!(missing.body.is_empty());
    assert_eq!(missing.status(), (5, "vehicle 404 not found".to_string()));

    let unknown = h2_call(&app, &format!("{SERVICE}/Teleport"), framed(&pb::EmptyRequest {}), None).await;
    assert_eq!(unknown.http_status, 200);
    let (code, message) = unknown.status();
    assert_eq!(code, 12);
    assert!(message.contains("Teleport") && message.contains("AssignVehicle"), "{message}");

    let request = pb::InterventionRequest { id: 1 };
    let anonymous = h2_call(&app, &format!("{SERVICE}/CompleteIntervention"), framed(&request), None).await;
    assert_eq!(anonymous.status().0, 16);
    let viewer = h2_call(&app, &format!("{SERVICE}/CompleteIntervention"), framed(&request), Some(&bearer(Role::Viewer))).await;
    assert_eq!(viewer.status().0, 7);
    let expired = cityflow_auth::issue("old", Role::Operator, cityflow_tests::TEST_JWT_SECRET.as_bytes(), 1_000_000, 60).unwrap();
    let stale = h2_call(&app, &format!("{SERVICE}/CompleteIntervention"), framed(&request), Some(&format!("Bearer {expired}"))).await;
    assert_eq!(stale.status().0, 16);
    assert_eq!(count(&app, "SELECT count(*) FROM interventions WHERE status = 'completed'").await, 0, "refused writes change nothing");

    let done: pb::Intervention =
        h2_call(&app, &format!("{SERVICE}/CompleteIntervention"), framed(&request), Some(&bearer(Role::Operator))).await.message();
    assert_eq!(done.status, "completed");
    // Intervention 1 was in progress with AMB-002 (vehicle 2): completing it releases it.
    let released: pb::Vehicle = h2_call(&app, &format!("{SERVICE}/GetVehicle"), framed(&pb::VehicleRequest { id: 2 }), None).await.message();
    assert_eq!(released.status, "available");
}

#[tokio::test(flavor = "multi_thread")]
async fn grpc_web_over_http1_puts_the_status_in_a_trailer_frame() {
    let app = start().await;

    for content_type in ["application/grpc-web+proto", "application/grpc-web"] {
        let (status, response_type, web) = web_call(&app, &format!("{SERVICE}/GetVehicles"), content_type, framed(&pb::EmptyRequest {}), None).await;
        assert_eq!(status, 200);
        assert_eq!(response_type, "application/grpc-web+proto");
        assert_eq!((web.status, web.message.as_str()), (Some(0), ""));
        assert_eq!(web.messages.len(), 1);
        let list = pb::VehicleList::decode(web.messages[0].as_slice()).unwrap();
        assert_eq!(list.vehicles.len(), 8);
        assert_eq!(list.vehicles.iter().filter(|v| v.status == "available").count(), 5);
    }

    let (status, _, web) = web_call(&app, &format!("{SERVICE}/GetVehicle"), "application/grpc-web+proto", framed(&pb::VehicleRequest { id: 77 }), None).await;
    assert_eq!(status, 200);
    assert!(web.messages.is_empty());
    assert_eq!((web.status, web.message.as_str()), (Some(5), "vehicle 77 not found"));

    // A write through gRPC-Web, as the gateway and browsers make it.
    let data = pb::InterventionData {
        intervention_type: "medical".into(),
        priority: "critical".into(),
        address: "Place de la République, 75003 Paris".into(),
        latitude: 48.8674,
        longitude: 2.3636,
        description: "Personne inconsciente – arrêt cardiaque suspecté".into(),
        zone: "paris-03".into(),
    };
    let path = format!("{SERVICE}/CreateIntervention");
    let (_, _, refused) = web_call(&app, &path, "application/grpc-web+proto", framed(&data), None).await;
    assert_eq!(refused.status, Some(16));
    let (_, _, created) = web_call(&app, &path, "application/grpc-web+proto", framed(&data), Some(&bearer(Role::Operator))).await;
    assert_eq!(created.status, Some(0), "{}", created.message);
    let intervention = pb::Intervention::decode(created.messages[0].as_slice()).unwrap();
    assert_eq!((intervention.status.as_str(), intervention.zone.as_str()), ("pending", "paris-03"));
    assert_eq!(intervention.description, data.description);
    let stored = count(&app, "SELECT count(*) FROM interventions WHERE zone = 'paris-03' AND status = 'pending'").await;
    assert_eq!(stored, 1);

    // Nearest available ambulance, then dispatch it through gRPC-Web.
    let (_, _, ambulances) = web_call(&app, &format!("{SERVICE}/GetAvailableVehicles"), "application/grpc-web+proto",
        framed(&pb::VehicleTypeRequest { vehicle_type: "ambulance".into() }), None).await;
    let fleet = pb::VehicleList::decode(ambulances.messages[0].as_slice()).unwrap().vehicles;
    let (nearest, km) = emergency_model::geo::nearest_available(&fleet, data.latitude, data.longitude, Some("ambulance")).expect("an ambulance");
    let assignment = pb::AssignmentRequest { intervention_id: intervention.id, vehicle_id: nearest.id };
    let (_, _, assigned) = web_call(&app, &format!("{SERVICE}/AssignVehicle"), "application/grpc-web+proto", framed(&assignment), Some(&bearer(Role::Operator))).await;
    assert_eq!(assigned.status, Some(0), "{}", assigned.message);
    let assigned = pb::Assignment::decode(assigned.messages[0].as_slice()).unwrap();
    assert!((assigned.distance_km - km).abs() < 1e-9);
    assert_eq!(assigned.vehicle.unwrap().status, "on_mission");
}

#[tokio::test(flavor = "multi_thread")]
async fn malformed_frames_get_a_status_and_the_runtime_keeps_serving() {
    let app = start().await;
    let operator = bearer(Role::Operator);
    let cases: Vec<(&str, Vec<u8>, u32, &str)> = vec![
        ("length prefix longer than the body", vec![0, 0, 0, 0, 9, 8, 1], 13, "declares 9 bytes"),
        ("length prefix shorter than the body", vec![0, 0, 0, 0, 1, 8, 1, 7], 13, "frame header"),
        ("truncated header", vec![0, 0, 0], 13, "frame header"),
        ("empty body", vec![], 13, "no gRPC message"),
        ("garbage protobuf", encode_message(&[0xff, 0xff, 0xff, 0xff, 0x0f]), 13, "not valid protobuf"),
        ("huge length prefix", vec![0, 0xff, 0xff, 0xff, 0xff, 1, 2, 3], 8, "exceeds the limit"),
        ("compressed flag", vec![1, 0, 0, 0, 2, 8, 1], 12, "compressed"),
    ];
    for rpc in ["GetVehicle", "CreateIntervention"] {
        let path = format!("{SERVICE}/{rpc}");
        for (what, body, code, needle) in &cases {
            let reply = h2_call(&app, &path, body.clone(), Some(&operator)).await;
            assert_eq!(reply.http_status, 200, "{rpc} {what}");
            let (got, message) = reply.status();
            assert_eq!(got, *code, "{rpc} {what}: {message}");
            assert!(message.contains(needle), "{rpc} {what}: {message}");

            let (http, _, web) = web_call(&app, &path, "application/grpc-web+proto", body.clone(), Some(&operator)).await;
            assert_eq!(http, 200, "{rpc} {what} (gRPC-Web)");
            assert_eq!(web.status, Some(*code), "{rpc} {what} (gRPC-Web): {}", web.message);
        }
    }
    // A body far beyond the limit is refused without the runtime falling over.
    let mut oversized = vec![0, 0, 0x20, 0, 0];
    oversized.resize(5 + (2 << 20), 0);
    let reply = h2_call(&app, &format!("{SERVICE}/GetVehicle"), oversized, None).await;
    assert_eq!(reply.status().0, 8);

    assert_eq!(count(&app, "SELECT count(*) FROM interventions").await, 4, "malformed writes store nothing");
    let still: pb::VehicleList = h2_call(&app, &format!("{SERVICE}/GetVehicles"), framed(&pb::EmptyRequest {}), None).await.message();
    assert_eq!(still.vehicles.len(), 8, "the runtime keeps serving");
    let logs = app.logs();
    assert!(!logs.contains("trap") && !logs.contains("panicked"), "{logs}");
}

#[tokio::test(flavor = "multi_thread")]
async fn requests_that_are_not_grpc_get_plain_http_errors() {
    let app = start().await;
    let url = app.url(&format!("{SERVICE}/GetVehicles"));
    let get = app.client().get(&url).send().await.unwrap();
    assert_eq!(get.status(), 405);
    let json = app.client().post(&url).header("content-type", "application/json").body("{}").send().await.unwrap();
    assert_eq!(json.status(), 415);
    assert!(json.text().await.unwrap().contains("application/grpc"));
    let preflight = app.client().request(reqwest::Method::OPTIONS, &url).send().await.unwrap();
    assert_eq!(preflight.status(), 204);
    assert_eq!(preflight.headers()["access-control-expose-headers"], "grpc-status, grpc-message");
}

#[tokio::test(flavor = "multi_thread")]
async fn of_many_concurrent_assignments_of_one_vehicle_exactly_one_wins() {
    const CONTENDERS: usize = 12;
    let app = std::sync::Arc::new(start().await);
    let operator = bearer(Role::Operator);
    let mut interventions = Vec::new();
    for n in 0..CONTENDERS {
        let data = pb::InterventionData {
            intervention_type: "accident".into(),
            priority: "medium".into(),
            address: format!("{} Rue de Vaugirard, 75015 Paris", n + 1),
            latitude: 48.8422,
            longitude: 2.3110,
            description: String::new(),
            zone: "paris-15".into(),
        };
        let created: pb::Intervention =
            h2_call(&app, &format!("{SERVICE}/CreateIntervention"), framed(&data), Some(&operator)).await.message();
        interventions.push(created.id);
    }
    // AMB-001 (vehicle 1) is available; every contender wants it for a different intervention.
    let barrier = std::sync::Arc::new(tokio::sync::Barrier::new(CONTENDERS));
    let calls: Vec<_> = interventions
        .iter()
        .map(|&intervention_id| {
            let (app, barrier, operator) = (app.clone(), barrier.clone(), operator.clone());
            tokio::spawn(async move {
                let request = framed(&pb::AssignmentRequest { intervention_id, vehicle_id: 1 });
                barrier.wait().await;
                h2_call(&app, &format!("{SERVICE}/AssignVehicle"), request, Some(&operator)).await.status()
            })
        })
        .collect();
    let mut outcomes = Vec::new();
    for call in calls {
        outcomes.push(call.await.unwrap());
    }
    let winners = outcomes.iter().filter(|(code, _)| *code == 0).count();
    assert_eq!(winners, 1, "{outcomes:?}");
    for (code, message) in outcomes.iter().filter(|(code, _)| *code != 0) {
        assert_eq!(*code, 9, "{message}");
        assert!(message.contains("vehicle 1 is on_mission"), "{message}");
    }
    let holding = count(&app, "SELECT count(*) FROM interventions WHERE assigned_vehicle_id = 1 AND status = 'in_progress'").await;
    assert_eq!(holding, 1);
    let pending = count(&app, "SELECT count(*) FROM interventions WHERE zone = 'paris-15' AND status = 'pending'").await;
    assert_eq!(pending, CONTENDERS as i64 - 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn server_reflection_describes_the_service() {
    use emergency_model::reflection_pb::server_reflection_request::MessageRequest;
    use emergency_model::reflection_pb::server_reflection_response::MessageResponse;
    use emergency_model::reflection_pb::{ServerReflectionRequest, ServerReflectionResponse};

    let app = start().await;
    // A client with no .proto: grpcio-reflection over v1alpha, interactively on one stream.
    let output = run_python("grpc_reflection_client.py", &[app.base()]).await.unwrap_or_else(|e| panic!("{e:#}\n{}", app.logs()));
    println!("{output}");

    // v1 over raw h2c: several requests in one stream, one answer each, then grpc-status 0.
    let request = |r: MessageRequest| framed(&ServerReflectionRequest { host: String::new(), message_request: Some(r) });
    let mut body = request(MessageRequest::ListServices(String::new()));
    body.extend(request(MessageRequest::FileContainingSymbol("emergency.EmergencyService".into())));
    body.extend(request(MessageRequest::FileByFilename("nope.proto".into())));
    let reply = h2_call(&app, "/grpc.reflection.v1.ServerReflection/ServerReflectionInfo", body.clone(), None).await;
    assert_eq!(reply.status(), (0, String::new()));
    let frames = emergency_model::framing::split(&reply.body, usize::MAX).expect("response frames");
    let answers: Vec<_> = frames.iter().map(|f| ServerReflectionResponse::decode(f.payload).unwrap().message_response.unwrap()).collect();
    assert_eq!(answers.len(), 3);
    match &answers[0] {
        MessageResponse::ListServicesResponse(list) => {
            assert!(list.service.iter().any(|s| s.name == "emergency.EmergencyService"), "{list:?}")
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(&answers[1], MessageResponse::FileDescriptorResponse(f) if f.file_descriptor_proto.len() == 1));
    assert!(matches!(&answers[2], MessageResponse::ErrorResponse(e) if e.error_code == 5));

    // A stream cut in the middle of a frame: the complete requests are answered, then INTERNAL.
    let mut cut = request(MessageRequest::ListServices(String::new()));
    cut.extend(&body[..body.len() / 2]);
    let broken = h2_call(&app, "/grpc.reflection.v1.ServerReflection/ServerReflectionInfo", cut, None).await;
    assert!(!broken.body.is_empty(), "the complete request is answered");
    assert_eq!(broken.status().0, 13);
}
