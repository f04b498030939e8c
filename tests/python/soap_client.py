"""Drives the air-quality SOAP service with stock clients, from its WSDL alone.

usage: soap_client.py BASE_URL OPERATOR_TOKEN VIEWER_TOKEN

- lxml parses the WSDL and compiles its embedded XSD (a schema that does not compile fails);
  every response body zeep receives is then validated against that schema.
- zeep loads the WSDL in strict mode and calls every operation; Faults must surface as
  zeep.exceptions.Fault with faultcode Client and a clear faultstring.
Exits non-zero (AssertionError) on the first discrepancy.
"""

import sys
from datetime import datetime, timezone

import requests
import zeep
from lxml import etree
from zeep.plugins import HistoryPlugin
from zeep.transports import Transport

NS = {
    "wsdl": "http://schemas.xmlsoap.org/wsdl/",
    "soap": "http://schemas.xmlsoap.org/wsdl/soap/",
    "xs": "http://www.w3.org/2001/XMLSchema",
    "env": "http://schemas.xmlsoap.org/soap/envelope/",
}

base, operator_token, viewer_token = sys.argv[1:4]
endpoint = base + "/air-quality"
wsdl_url = endpoint + "?wsdl"


def check_wsdl():
    resp = requests.get(wsdl_url, timeout=30)
    assert resp.status_code == 200, resp.status_code
    assert resp.headers["content-type"].startswith("text/xml"), resp.headers["content-type"]
    doc = etree.fromstring(resp.content)
    assert doc.tag == "{%s}definitions" % NS["wsdl"], doc.tag
    location = doc.find(".//wsdl:service/wsdl:port/soap:address", NS).get("location")
    assert location == endpoint, (location, endpoint)
    style = doc.find(".//wsdl:binding/soap:binding", NS).get("style")
    assert style == "document", style
    bodies = doc.findall(".//wsdl:binding//soap:body", NS)
    assert bodies and all(b.get("use") == "literal" for b in bodies)
    schemas = doc.findall(".//wsdl:types/xs:schema", NS)
    assert len(schemas) == 1, len(schemas)
    # Compile the schema from its own text: a schema must declare the prefixes its QName
    # attribute values use (lxml does not carry ancestors' declarations into a sub-document).
    text = resp.text
    start, end = text.index("<xs:schema"), text.index("</xs:schema>") + len("</xs:schema>")
    schema = etree.XMLSchema(etree.fromstring(text[start:end]))  # XMLSchemaParseError if invalid
    ops = [o.get("name") for o in doc.findall(".//wsdl:portType/wsdl:operation", NS)]
    assert sorted(ops) == sorted([
        "GetAirQualityMeasures", "GetMeasuresByZone", "GetZones",
        "CreateMeasure", "GetAirQuality", "UpdateMeasureStatus",
    ]), ops
    print("WSDL: document/literal, 1 schema compiled by lxml, address", location)
    return schema


def client(token, history):
    session = requests.Session()
    if token:
        session.headers["Authorization"] = "Bearer " + token
    settings = zeep.Settings(strict=True, xml_huge_tree=False)
    return zeep.Client(wsdl_url, transport=Transport(session=session, timeout=30),
                       settings=settings, plugins=[history])


def validate_last_response(schema, history):
    envelope = history.last_received["envelope"]
    body = envelope.find("env:Body", NS)
    payload = body[0]
    assert payload.tag != "{%s}Fault" % NS["env"], "expected a response, got a Fault"
    schema.assertValid(payload)


def expect_fault(call, *fragments):
    try:
        call()
    except zeep.exceptions.Fault as fault:
        assert fault.code.endswith("Client"), (fault.code, fault.message)
        for fragment in fragments:
            assert fragment in fault.message, (fragment, fault.message)
        return fault
    raise AssertionError("expected a Fault containing %r" % (fragments,))


schema = check_wsdl()
history = HistoryPlugin()
anon = client(None, history)
viewer = client(viewer_token, history)
operator = client(operator_token, history)
print("zeep loaded the WSDL strictly; operations:",
      sorted(anon.service._binding._operations.keys()))

# --- reads ---------------------------------------------------------------------------
zones = anon.service.GetZones()
validate_last_response(schema, history)
assert [z.zone_id for z in zones] == ["paris-%02d" % i for i in range(1, 21)], [z.zone_id for z in zones]
louvre = zones[0]
assert louvre.name == "Louvre (1er)" and 48.8 < louvre.latitude < 48.9 and 2.3 < louvre.longitude < 2.4, louvre
print("GetZones:", len(zones), "zones")

measures = anon.service.GetAirQualityMeasures()
validate_last_response(schema, history)
assert len(measures) == 24, len(measures)
stamps = [m.measured_at for m in measures]
assert stamps == sorted(stamps, reverse=True), "GetAirQualityMeasures is not latest first"
latest = {}
for m in measures:
    latest.setdefault(m.zone_id, m)
assert len(latest) == 20
mean = sum(m.aqi for m in latest.values()) / len(latest)
above = sorted(z for z, m in latest.items() if m.aqi > 100)
assert 90 <= mean <= 92, mean
assert above == ["paris-08", "paris-10", "paris-17", "paris-18"], above
for m in measures:
    expected = ("Good" if m.aqi <= 50 else "Moderate" if m.aqi <= 100
                else "Unhealthy for Sensitive Groups" if m.aqi <= 150 else "Unhealthy")
    assert m.category == expected, (m.measure_id, m.aqi, m.category)
print("GetAirQualityMeasures: 24 measures; mean latest AQI per zone %.1f; above 100: %s" % (mean, above))

by_zone = anon.service.GetMeasuresByZone("paris-10")
validate_last_response(schema, history)
assert len(by_zone) == 2 and by_zone[0].measured_at > by_zone[1].measured_at, by_zone
assert by_zone[0].aqi == 130 and by_zone[1].aqi == 99, [m.aqi for m in by_zone]
assert anon.service.GetMeasuresByZone("paris-05")[0].zone_name == "Panthéon (5e)"
print("GetMeasuresByZone(paris-10): latest first,", [m.aqi for m in by_zone])

one = anon.service.GetAirQuality(by_zone[0].measure_id)
validate_last_response(schema, history)
assert one.measure_id == by_zone[0].measure_id and one.zone_id == "paris-10" and one.pm25 == 47.1, one
assert one.category_fr == "Mauvais pour les groupes sensibles", one.category_fr

# --- faults on reads ----------------------------------------------------------------
expect_fault(lambda: anon.service.GetAirQuality(987654), "measure 987654 not found")
expect_fault(lambda: anon.service.GetMeasuresByZone("atlantis"), "unknown zone")

# --- writes need an operator token ------------------------------------------------------
sample = {"zone_id": "paris-04", "pm25": 55.5, "pm10": 80, "o3": 60, "no2": 70, "co": 0.9}
expect_fault(lambda: anon.service.CreateMeasure(sample), "authentication required")
expect_fault(lambda: viewer.service.CreateMeasure(sample), "forbidden")
expect_fault(lambda: anon.service.UpdateMeasureStatus(one.measure_id, "invalid"), "authentication required")
wrong = zeep.Client(wsdl_url, transport=Transport(session=requests.Session()), plugins=[history])
wrong.transport.session.headers["Authorization"] = "Bearer not.a.token"
expect_fault(lambda: wrong.service.CreateMeasure(sample), "authentication required")
assert len(anon.service.GetMeasuresByZone("paris-04")) == 1, "a refused write stored something"
print("unauthenticated, viewer and forged-token writes refused with Client Faults")

# --- invalid values: Client faults, nothing stored -------------------------------------
expect_fault(lambda: operator.service.CreateMeasure(dict(sample, pm25=-4)), "pm25", "negative")
expect_fault(lambda: operator.service.CreateMeasure(dict(sample, zone_id="atlantis")), "unknown zone")
expect_fault(lambda: operator.service.UpdateMeasureStatus(one.measure_id, "great"), "status must be one of")
expect_fault(lambda: operator.service.UpdateMeasureStatus(987654, "invalid"), "not found")
assert len(anon.service.GetAirQualityMeasures()) == 24, "a Fault stored something"
print("invalid values refused; still 24 measures")

# --- CreateMeasure computes the AQI ---------------------------------------------------
created = operator.service.CreateMeasure(sample)
validate_last_response(schema, history)
# PM2.5 55.5 µg/m³ is the first breakpoint of "Unhealthy" (151) in the 2024 EPA table.
assert (created.aqi, created.category, created.dominant_pollutant, created.status) == \
    (151, "Unhealthy", "pm25", "pending"), created
assert abs((datetime.now(timezone.utc) - created.measured_at).total_seconds()) < 300, created.measured_at
stamped = operator.service.CreateMeasure(dict(sample, pm25=9.0, pm10=10, o3=20, no2=10, co=0.2,
                                              measured_at=datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)))
assert (stamped.aqi, stamped.category) == (50, "Good"), stamped
assert stamped.measured_at == datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc), stamped.measured_at
paris04 = anon.service.GetMeasuresByZone("paris-04")
assert [m.measure_id for m in paris04][0] == created.measure_id, "the new measure is not first"
assert [m.measure_id for m in paris04][-1] == stamped.measure_id, "the January measure is not last"
print("CreateMeasure: AQI", created.aqi, created.category, "computed from pollutants; latest first")

updated = operator.service.UpdateMeasureStatus(created.measure_id, "validated")
validate_last_response(schema, history)
assert updated.status == "validated" and updated.aqi == 151, updated
assert anon.service.GetAirQuality(created.measure_id).status == "validated"
print("UpdateMeasureStatus: validated")
print("OK")
