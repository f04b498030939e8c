use super::*;
use air_quality_model::soap::operation::OperationName;
use air_quality_model::soap::{fault::Fault, response};

fn measure(zone: &str, aqi: u16, at: &str) -> air_quality_model::measure::Measure {
    air_quality_model::measure::Measure {
        id: 1,
        zone_id: zone.into(),
        zone_name: format!("Zone & {zone}"),
        pm25: 1.0,
        pm10: 2.0,
        o3: 3.0,
        no2: 4.0,
        co: 0.5,
        measured_at: at.into(),
        aqi,
        category: Category::of(aqi).as_str().into(),
        dominant_pollutant: "pm25".into(),
        status: "valid".into(),
    }
}

#[test]
fn the_services_own_reply_is_read() {
    let xml = response::measures(
        OperationName::GetAirQualityMeasures,
        &[measure("paris-08", 122, "2026-11-21T07:00:00Z"), measure("paris-01", 88, "2026-11-21T07:00:00Z")],
    );
    let got = parse_measures("GetAirQualityMeasures", xml.as_bytes()).unwrap();
    assert_eq!(got.len(), 2);
    assert_eq!(got[0], Measure {
        zone_id: "paris-08".into(),
        aqi: 122,
        category: "Unhealthy for Sensitive Groups".into(),
        measured_at: "2026-11-21T07:00:00Z".into()
    });
}

#[test]
fn other_prefixes_and_an_empty_list_are_fine() {
    let xml = format!(
        "<e:Envelope xmlns:e=\"{ENVELOPE_NS}\"><e:Body><GetMeasuresByZoneResponse xmlns=\"{TNS}\"/></e:Body></e:Envelope>"
    );
    assert_eq!(parse_measures("GetMeasuresByZone", xml.as_bytes()).unwrap(), vec![]);
}

#[test]
fn a_fault_is_reported_with_its_code() {
    let xml = Fault::client("unknown zone \"paris-99\"; GetZones lists the zones").to_xml();
    let err = parse_measures("GetMeasuresByZone", xml.as_bytes()).unwrap_err();
    assert_eq!(err, SoapError::Fault { code: "Client".into(), message: "unknown zone \"paris-99\"; GetZones lists the zones".into() });
}

#[test]
fn json_or_the_wrong_operation_is_not_a_reply() {
    assert!(matches!(parse_measures("GetZones", br#"{"method":"POST"}"#), Err(SoapError::Invalid(_))));
    let other = response::measures(OperationName::GetAirQualityMeasures, &[]);
    let err = parse_measures("GetMeasuresByZone", other.as_bytes()).unwrap_err();
    assert!(err.to_string().contains("unexpected body element"), "{err}");
    let doctype = format!("<!DOCTYPE x [<!ENTITY a \"b\">]><soap:Envelope xmlns:soap=\"{ENVELOPE_NS}\"/>");
    assert!(parse_measures("GetZones", doctype.as_bytes()).is_err());
}

#[test]
fn a_measure_without_a_numeric_aqi_is_refused() {
    let xml = format!(
        "<s:Envelope xmlns:s=\"{ENVELOPE_NS}\" xmlns:t=\"{TNS}\"><s:Body><t:GetAirQualityMeasuresResponse>\
         <t:measure><t:zone_id>paris-01</t:zone_id><t:aqi>high</t:aqi></t:measure>\
         </t:GetAirQualityMeasuresResponse></s:Body></s:Envelope>"
    );
    assert!(parse_measures("GetAirQualityMeasures", xml.as_bytes()).unwrap_err().to_string().contains("\"high\""));
}

#[test]
fn the_request_envelope_is_understood_by_the_service() {
    let (xml, action) = zone_measures_request("paris-<08>");
    let request = air_quality_model::soap::envelope::body_element(xml.as_bytes()).unwrap();
    let op = OperationName::of(&request).unwrap();
    assert_eq!(op, OperationName::GetMeasuresByZone);
    op.check_soap_action(Some(&action)).unwrap();
    let parsed = air_quality_model::soap::operation::Request::parse(op, &request).unwrap();
    assert_eq!(parsed, air_quality_model::soap::operation::Request::GetMeasuresByZone { zone_id: "paris-<08>".into() });
}

#[test]
fn the_city_average_uses_each_zones_latest_measure() {
    let measures = parse(&[("paris-08", 122), ("paris-01", 80), ("paris-01", 40), ("paris-10", 130)]);
    let s = summarize(&measures).unwrap();
    assert_eq!(s.zones_monitored, 3);
    assert_eq!(s.average_aqi, 110.7);
    assert_eq!(s.category, "Unhealthy for Sensitive Groups");
    assert_eq!(s.polluted_zones, vec![
        PollutedZone { zone_id: "paris-10".into(), aqi: 130 },
        PollutedZone { zone_id: "paris-08".into(), aqi: 122 },
    ]);
    assert_eq!(summarize(&[]), None);
}

fn parse(rows: &[(&str, u16)]) -> Vec<Measure> {
    rows.iter()
        .map(|(zone, aqi)| Measure { zone_id: zone.to_string(), aqi: *aqi, category: String::new(), measured_at: String::new() })
        .collect()
}

#[test]
fn zones_become_json_records_with_numbers() {
    let zones = [air_quality_model::measure::Zone { id: "paris-01".into(), name: "Louvre & Halles".into(), latitude: 48.86, longitude: 2.34 }];
    let xml = response::zones(&zones);
    let records = parse_records("GetZones", "zone", xml.as_bytes()).unwrap();
    let json = record_json(&records[0], &ZONE_NUMBERS).unwrap();
    assert_eq!(json, serde_json::json!({"zone_id": "paris-01", "name": "Louvre & Halles", "latitude": 48.86, "longitude": 2.34}));
}

#[test]
fn measures_become_json_records_with_numbers() {
    let xml = response::measures(OperationName::GetAirQualityMeasures, &[measure("paris-08", 122, "2026-11-21T07:00:00Z")]);
    let records = parse_records("GetAirQualityMeasures", "measure", xml.as_bytes()).unwrap();
    let json = record_json(&records[0], &MEASURE_NUMBERS).unwrap();
    assert_eq!(json["aqi"], 122);
    assert_eq!(json["pm25"], 1);
    assert_eq!(json["co"], 0.5);
    assert_eq!(json["zone_name"], "Zone & paris-08");
    assert_eq!(json["category_fr"], "Mauvais pour les groupes sensibles");
    let bad = vec![("aqi".to_string(), "many".to_string())];
    assert!(record_json(&bad, &MEASURE_NUMBERS).unwrap_err().contains("\"many\""));
}
