//! The envelope reader against well-formed requests and against hostile ones.

use super::envelope::body_element;
use super::fault::FaultCode;
use super::operation::{OperationName, Request};
use super::tree::{parse, XmlError, MAX_BYTES, MAX_DEPTH};
use crate::measure::Status;

fn envelope(body: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="utf-8"?>
<soap-env:Envelope xmlns:soap-env="http://schemas.xmlsoap.org/soap/envelope/" xmlns:ns0="urn:cityflow:air-quality">
  <soap-env:Body>{body}</soap-env:Body>
</soap-env:Envelope>"#
    )
}

fn request(xml: &str) -> Result<Request, super::fault::Fault> {
    let element = body_element(xml.as_bytes())?;
    let op = OperationName::of(&element)?;
    Request::parse(op, &element)
}

#[test]
fn reads_operations_as_zeep_sends_them() {
    assert_eq!(request(&envelope("<ns0:GetZones/>")).unwrap(), Request::GetZones);
    assert_eq!(request(&envelope("<ns0:GetAirQualityMeasures/>")).unwrap(), Request::GetAirQualityMeasures);
    assert_eq!(
        request(&envelope("<ns0:GetMeasuresByZone><ns0:zone_id>paris-01</ns0:zone_id></ns0:GetMeasuresByZone>")).unwrap(),
        Request::GetMeasuresByZone { zone_id: "paris-01".into() }
    );
    assert_eq!(
        request(&envelope("<ns0:UpdateMeasureStatus><ns0:measure_id>7</ns0:measure_id><ns0:status>validated</ns0:status></ns0:UpdateMeasureStatus>")).unwrap(),
        Request::UpdateMeasureStatus { measure_id: 7, status: Status::Validated }
    );
    let create = envelope(
        "<ns0:CreateMeasure><ns0:data><ns0:zone_id>paris-08</ns0:zone_id><ns0:pm25>28.5</ns0:pm25>\
         <ns0:pm10>42</ns0:pm10><ns0:o3>65</ns0:o3><ns0:no2>38</ns0:no2><ns0:co>0.8</ns0:co></ns0:data></ns0:CreateMeasure>",
    );
    match request(&create).unwrap() {
        Request::CreateMeasure(m) => {
            assert_eq!(m.zone_id, "paris-08");
            assert_eq!(m.aqi.value, 87);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn unqualified_children_default_namespace_and_predefined_entities() {
    let xml = r#"<Envelope xmlns="http://schemas.xmlsoap.org/soap/envelope/"><Body>
        <GetMeasuresByZone xmlns="urn:cityflow:air-quality"><zone_id xmlns="">paris&#45;0&#x31;</zone_id></GetMeasuresByZone>
        </Body></Envelope>"#;
    assert_eq!(request(xml).unwrap(), Request::GetMeasuresByZone { zone_id: "paris-01".into() });
    let amp = envelope("<ns0:GetMeasuresByZone><ns0:zone_id>a&amp;b&lt;c</ns0:zone_id></ns0:GetMeasuresByZone>");
    assert_eq!(request(&amp).unwrap(), Request::GetMeasuresByZone { zone_id: "a&b<c".into() });
}

#[test]
fn aqi_from_the_client_is_refused() {
    let create = envelope(
        "<ns0:CreateMeasure><ns0:data><ns0:zone_id>paris-08</ns0:zone_id><ns0:pm25>1</ns0:pm25><ns0:pm10>1</ns0:pm10>\
         <ns0:o3>1</ns0:o3><ns0:no2>1</ns0:no2><ns0:co>0.1</ns0:co><ns0:aqi>12</ns0:aqi></ns0:data></ns0:CreateMeasure>",
    );
    let fault = request(&create).unwrap_err();
    assert_eq!(fault.code, FaultCode::Client);
    assert!(fault.message.contains("computed by the service"), "{}", fault.message);
}

#[test]
fn invalid_values_are_client_faults_naming_the_field() {
    let negative = envelope(
        "<ns0:CreateMeasure><ns0:data><ns0:zone_id>paris-08</ns0:zone_id><ns0:pm25>-3</ns0:pm25><ns0:pm10>1</ns0:pm10>\
         <ns0:o3>1</ns0:o3><ns0:no2>1</ns0:no2><ns0:co>0.1</ns0:co></ns0:data></ns0:CreateMeasure>",
    );
    let fault = request(&negative).unwrap_err();
    assert_eq!((fault.code, fault.field.as_deref()), (FaultCode::Client, Some("pm25")));
    let status = envelope("<ns0:UpdateMeasureStatus><ns0:measure_id>1</ns0:measure_id><ns0:status>great</ns0:status></ns0:UpdateMeasureStatus>");
    assert_eq!(request(&status).unwrap_err().field.as_deref(), Some("status"));
    let id = envelope("<ns0:GetAirQuality><ns0:measure_id>0</ns0:measure_id></ns0:GetAirQuality>");
    assert_eq!(request(&id).unwrap_err().field.as_deref(), Some("measure_id"));
    let missing = envelope("<ns0:GetMeasuresByZone/>");
    assert_eq!(request(&missing).unwrap_err().field.as_deref(), Some("zone_id"));
}

#[test]
fn unknown_operations_and_wrong_namespaces() {
    let unknown = request(&envelope("<ns0:DeleteEverything/>")).unwrap_err();
    assert_eq!(unknown.code, FaultCode::Client);
    assert!(unknown.message.contains("unknown operation"));
    let wrong_ns = request(&envelope("<GetZones xmlns=\"urn:other\"/>")).unwrap_err();
    assert!(wrong_ns.message.contains("namespace"), "{}", wrong_ns.message);
}

#[test]
fn envelope_structure() {
    let soap12 = r#"<e:Envelope xmlns:e="http://www.w3.org/2003/05/soap-envelope"><e:Body/></e:Envelope>"#;
    assert_eq!(body_element(soap12.as_bytes()).unwrap_err().code, FaultCode::VersionMismatch);
    assert_eq!(body_element(b"<root/>").unwrap_err().code, FaultCode::VersionMismatch);
    let no_body = r#"<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"/>"#;
    assert!(body_element(no_body.as_bytes()).unwrap_err().message.contains("no Body"));
    let two = envelope("<ns0:GetZones/><ns0:GetZones/>");
    assert!(body_element(two.as_bytes()).unwrap_err().message.contains("exactly one"));
    let must = r#"<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Header>
        <x:Tx xmlns:x="urn:x" s:mustUnderstand="1">5</x:Tx></s:Header><s:Body><GetZones/></s:Body></s:Envelope>"#;
    assert_eq!(body_element(must.as_bytes()).unwrap_err().code, FaultCode::MustUnderstand);
    let optional = must.replace("s:mustUnderstand=\"1\"", "s:mustUnderstand=\"0\"");
    assert!(body_element(optional.as_bytes()).is_ok());
}

#[test]
fn soap_action_must_match_the_body() {
    let op = OperationName::GetZones;
    assert!(op.check_soap_action(None).is_ok());
    assert!(op.check_soap_action(Some("\"\"")).is_ok());
    assert!(op.check_soap_action(Some("\"urn:cityflow:air-quality/GetZones\"")).is_ok());
    assert!(op.check_soap_action(Some("urn:cityflow:air-quality/GetZones")).is_ok());
    let fault = op.check_soap_action(Some("\"urn:cityflow:air-quality/CreateMeasure\"")).unwrap_err();
    assert_eq!(fault.code, FaultCode::Client);
}

#[test]
fn billion_laughs_is_refused_at_the_doctype() {
    let mut xml = String::from("<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n<!ENTITY lol \"lol\">\n");
    for i in 1..10 {
        let prev = if i == 1 { "lol".to_string() } else { format!("lol{}", i - 1) };
        xml.push_str(&format!("<!ENTITY lol{i} \"{}\">\n", format!("&{prev};").repeat(10)));
    }
    xml.push_str("]>\n<lolz>&lol9;</lolz>");
    assert_eq!(parse(xml.as_bytes()), Err(XmlError::Doctype));
    let fault = body_element(xml.as_bytes()).unwrap_err();
    assert_eq!(fault.code, FaultCode::Client);
    assert!(fault.message.contains("DOCTYPE"));
}

#[test]
fn xxe_is_refused() {
    let xxe = r#"<?xml version="1.0"?><!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
        <s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>&xxe;</s:Body></s:Envelope>"#;
    assert_eq!(parse(xxe.as_bytes()), Err(XmlError::Doctype));
    // Without a DOCTYPE an entity reference is simply undefined.
    let undefined = envelope("<ns0:GetMeasuresByZone><ns0:zone_id>&xxe;</ns0:zone_id></ns0:GetMeasuresByZone>");
    assert_eq!(parse(undefined.as_bytes()), Err(XmlError::UndefinedEntity("xxe".into())));
    let in_attr = r#"<a b="&xxe;"/>"#;
    assert!(matches!(parse(in_attr.as_bytes()), Err(XmlError::UndefinedEntity(_))));
}

#[test]
fn malformed_documents() {
    for bad in [
        "",
        "   ",
        "<a>",
        "<a></b>",
        "<a><b></a></b>",
        "<a/><b/>",
        "<a/>text",
        "<p:a/>",
        "<a b='1' b='2'/>",
        "not xml at all",
        "<a>&#0;</a>",
    ] {
        assert!(parse(bad.as_bytes()).is_err(), "{bad:?} parsed");
    }
    assert_eq!(parse(b"<a>\xff</a>"), Err(XmlError::NotUtf8));
    assert_eq!(parse(b"<?php echo 1; ?><a/>"), Err(XmlError::ProcessingInstruction));
}

#[test]
fn oversized_and_deep_documents() {
    let big = format!("<a>{}</a>", "x".repeat(MAX_BYTES));
    assert_eq!(parse(big.as_bytes()), Err(XmlError::TooLarge { limit: MAX_BYTES }));
    let deep = format!("{}{}", "<a>".repeat(MAX_DEPTH + 1), "</a>".repeat(MAX_DEPTH + 1));
    assert_eq!(parse(deep.as_bytes()), Err(XmlError::TooDeep { limit: MAX_DEPTH }));
    let ok_deep = format!("{}{}", "<a>".repeat(MAX_DEPTH), "</a>".repeat(MAX_DEPTH));
    assert!(parse(ok_deep.as_bytes()).is_ok());
    let many = format!("<a>{}</a>", "<b/>".repeat(600));
    assert!(matches!(parse(many.as_bytes()), Err(XmlError::TooManyElements { .. })));
}

#[test]
fn faults_are_soap_envelopes_with_escaped_text() {
    let fault = super::fault::Fault::client("pm25 <bad> & worse").with_field("pm25");
    let xml = fault.to_xml();
    let root = parse(xml.as_bytes()).unwrap();
    let body = &root.children[0];
    let f = &body.children[0];
    assert_eq!(f.name, "Fault");
    assert_eq!(f.children[0].text, "soap:Client");
    assert_eq!(f.children[1].text, "pm25 <bad> & worse");
    assert_eq!(fault.http_status(), 500);
}

#[test]
fn responses_are_well_formed_and_escape_values() {
    use super::response;
    use crate::measure::{Measure, Zone};
    let m = Measure {
        id: 3,
        zone_id: "paris-01".into(),
        zone_name: "Louvre <&> \"1er\"".into(),
        pm25: 28.5,
        pm10: 42.0,
        o3: 65.0,
        no2: 38.0,
        co: 0.8,
        measured_at: "2026-11-21T07:00:00.000000Z".into(),
        aqi: 87,
        category: "Moderate".into(),
        dominant_pollutant: "pm25".into(),
        status: "pending".into(),
    };
    let xml = response::measures(OperationName::GetAirQualityMeasures, &[m.clone(), m.clone()]);
    let root = parse(xml.as_bytes()).unwrap();
    let wrapper = &root.children[0].children[0];
    assert_eq!(wrapper.name, "GetAirQualityMeasuresResponse");
    assert_eq!(wrapper.ns.as_deref(), Some(super::TNS));
    assert_eq!(wrapper.children.len(), 2);
    let fields: Vec<(&str, &str)> =
        wrapper.children[0].children.iter().map(|c| (c.name.as_str(), c.text.as_str())).collect();
    assert!(fields.contains(&("zone_name", "Louvre <&> \"1er\"")), "{fields:?}");
    assert!(fields.contains(&("pm10", "42.0")) && fields.contains(&("aqi", "87")));
    assert!(fields.contains(&("category_fr", "Modéré")));
    let zones = response::zones(&[Zone { id: "paris-01".into(), name: "Louvre (1er)".into(), latitude: 48.86, longitude: 2.33 }]);
    let root = parse(zones.as_bytes()).unwrap();
    assert_eq!(root.children[0].children[0].children[0].children[0].text, "paris-01");
}
