"""Checks that /api/openapi.json tells the truth about real answers.

usage: openapi_check.py BASE_URL OPERATOR_TOKEN ADMIN_TOKEN VIEWER_TOKEN ROAD_ID

Makes real calls to every documented operation (the traffic API, the gateway and accounts;
successes and the documented errors) with `requests`, and validates each answer with
`jsonschema` (Draft 2020-12, the dialect of OpenAPI 3.1) against the schema the document
gives for that operation, status and content type. An undocumented status or content type
is a failure too, and so is a documented operation no call exercised.
Exits non-zero (AssertionError) on the first discrepancy; prints what it checked.
"""

import sys
import uuid

import requests
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

base, operator_token, admin_token, viewer_token, road_id = sys.argv[1:6]
BASE_URI = "urn:cityflow:openapi"

spec = requests.get(base + "/api/openapi.json", timeout=30).json()
assert spec["openapi"].startswith("3.1"), spec["openapi"]
registry = Registry().with_resource(BASE_URI, Resource.from_contents(spec, default_specification=DRAFT202012))
exercised = set()
checked = 0


def pointer(*parts):
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def documented_schema(template, method, status, content_type):
    """The JSON pointer of the documented schema for this answer."""
    operation = spec["paths"][template][method]
    response = operation["responses"].get(str(status))
    assert response is not None, f"{method.upper()} {template}: status {status} is not documented"
    location = ("paths", template, method, "responses", str(status))
    if "$ref" in response:
        name = response["$ref"].rsplit("/", 1)[1]
        response = spec["components"]["responses"][name]
        location = ("components", "responses", name)
    content = response.get("content", {})
    assert content_type in content, f"{method.upper()} {template} {status}: content type {content_type} is not documented ({list(content)})"
    return pointer(*location, "content", content_type, "schema")


def check(method, template, path, expect, **kwargs):
    """Calls `path` and validates the answer; `expect` is the status this call must get."""
    global checked
    headers = kwargs.pop("headers", {})
    token = kwargs.pop("token", None)
    if token:
        headers["authorization"] = "Bearer " + token
    response = requests.request(method, base + path, headers=headers, timeout=30, **kwargs)
    assert response.status_code == expect, f"{method} {path}: {response.status_code} {response.text[:500]}"
    content_type = response.headers.get("content-type", "").split(";")[0].strip()
    location = documented_schema(template, method.lower(), response.status_code, content_type)
    validator = Draft202012Validator({"$ref": BASE_URI + "#" + location}, registry=registry, format_checker=Draft202012Validator.FORMAT_CHECKER)
    body = response.json()
    errors = sorted(validator.iter_errors(body), key=lambda e: list(e.absolute_path))
    assert not errors, f"{method} {path} ({response.status_code}): " + "; ".join(
        f"at {list(e.absolute_path)}: {e.message[:300]}" for e in errors[:5])
    exercised.add((template, method.lower()))
    checked += 1
    return body


GEO = {"accept": "application/geo+json"}

# --- traffic API
page = check("GET", "/api/roads", "/api/roads", 200)
assert page["items"], "seeded roads are listed"
check("GET", "/api/roads", "/api/roads?limit=1", 200)
check("GET", "/api/roads", "/api/roads?format=geojson&horizon=15", 200)
check("GET", "/api/roads", "/api/roads", 200, headers=dict(GEO))
check("GET", "/api/roads", "/api/roads?limit=0", 400)
check("GET", "/api/roads/{road_id}", f"/api/roads/{road_id}", 200)
check("GET", "/api/roads/{road_id}", f"/api/roads/{road_id}?format=geojson", 200)
check("GET", "/api/roads/{road_id}", "/api/roads/no-such-road", 404)
check("GET", "/api/roads/{road_id}", f"/api/roads/{road_id}?horizon=7", 400)
check("GET", "/api/traffic/live", "/api/traffic/live", 200)
check("GET", "/api/traffic/live", "/api/traffic/live?roads=a%20b", 400)
history = check("GET", "/api/traffic/history", f"/api/traffic/history?road_id={road_id}&bucket=1m", 200)
assert history["items"], "seeded readings are in the history"
check("GET", "/api/traffic/history", "/api/traffic/history", 400)
predictions = check("GET", "/api/predictions", "/api/predictions?limit=2", 200)
assert predictions["next_cursor"], "more than two seeded predictions"
check("GET", "/api/predictions", "/api/predictions?cursor=" + predictions["next_cursor"], 200)
check("GET", "/api/predictions", "/api/predictions?horizon=25", 400)
accuracy = check("GET", "/api/predictions/accuracy", "/api/predictions/accuracy", 200)
assert accuracy["summary"] and accuracy["recent_cycles"], accuracy
check("GET", "/api/predictions/accuracy", "/api/predictions/accuracy?cycles=0", 400)
reroutes = check("GET", "/api/reroutes", "/api/reroutes?active=true", 200)
assert reroutes["items"], "a seeded reroute is active"
check("GET", "/api/reroutes", "/api/reroutes?format=geojson", 200)
check("GET", "/api/reroutes", "/api/reroutes?active=perhaps", 400)
check("GET", "/api/stream", "/api/stream?last_event_id=x", 400)
check("GET", "/api/openapi.json", "/api/openapi.json", 200)
# The stream itself: documented status and content type (its body never ends).
with requests.get(base + "/api/stream", stream=True, timeout=30) as stream:
    content_type = stream.headers["content-type"].split(";")[0]
    documented_schema("/api/stream", "get", stream.status_code, content_type)
    first = next(stream.iter_lines(decode_unicode=True))
    assert first.startswith("retry: "), first
    exercised.add(("/api/stream", "get"))

# --- gateway
check("GET", "/api/orchestration/city-dashboard", "/api/orchestration/city-dashboard", 200)
check("GET", "/api/orchestration/plan-trip", "/api/orchestration/plan-trip?zone=paris-08", 200)
check("GET", "/api/orchestration/plan-trip", "/api/orchestration/plan-trip?zone=paris-99", 404)
check("GET", "/api/orchestration/plan-trip", "/api/orchestration/plan-trip?zone=Paris%2008", 400)
check("POST", "/api/orchestration/plan-trip", "/api/orchestration/plan-trip", 200, json={"destination_zone": "paris-01"})
check("POST", "/api/orchestration/plan-trip", "/api/orchestration/plan-trip", 422, json={"destination_zone": 8})
check("POST", "/api/orchestration/plan-trip", "/api/orchestration/plan-trip", 415, data="zone", headers={"content-type": "text/plain"})
check("GET", "/api/orchestration/tourist-day", "/api/orchestration/tourist-day?zone=paris-07", 200)
check("GET", "/api/orchestration/eco-route", "/api/orchestration/eco-route?start_zone=paris-01&end_zone=paris-08", 200)
check("GET", "/api/orchestration/eco-route", "/api/orchestration/eco-route?start_zone=paris-01", 400)
emergency = {"zone": "paris-11", "emergency_type": "fire", "priority": "critical", "address": "12 Rue Oberkampf, 75011 Paris",
             "latitude": 48.865, "longitude": 2.37}
check("POST", "/api/orchestration/emergency-response", "/api/orchestration/emergency-response", 401, json=emergency)
check("POST", "/api/orchestration/emergency-response", "/api/orchestration/emergency-response", 201, json=emergency, token=operator_token)
check("POST", "/api/orchestration/emergency-response", "/api/orchestration/emergency-response", 422, json={**emergency, "emergency_type": "flood"}, token=operator_token)
check("GET", "/api/health", "/api/health", 200)
check("GET", "/api/transport", "/api/transport?mode=Bus&limit=3", 200)
check("GET", "/api/transport", "/api/transport?mode=Zeppelin", 400)
check("GET", "/api/transport/{id}", "/api/transport/1", 200)
check("GET", "/api/transport/{id}", "/api/transport/99999", 404)
check("GET", "/api/air-quality/zones", "/api/air-quality/zones", 200)
check("GET", "/api/air-quality/measures", "/api/air-quality/measures", 200)
check("GET", "/api/air-quality/measures", "/api/air-quality/measures?zone_id=paris-10", 200)
check("GET", "/api/air-quality/measures", "/api/air-quality/measures?zone_id=paris-99", 404)
check("GET", "/api/tourism/attractions", "/api/tourism/attractions", 200)
check("GET", "/api/emergency/vehicles", "/api/emergency/vehicles", 200)
check("GET", "/api/emergency/interventions", "/api/emergency/interventions", 200)

# --- accounts
email = f"openapi-{uuid.uuid4().hex[:12]}@example.org"
credentials = {"email": email, "password": "a long enough password"}
created = check("POST", "/api/auth/register", "/api/auth/register", 201, json=credentials)
check("POST", "/api/auth/register", "/api/auth/register", 409, json=credentials)
check("POST", "/api/auth/register", "/api/auth/register", 422, json={"email": email, "password": "short"})
check("POST", "/api/auth/login", "/api/auth/login", 200, json=credentials)
check("POST", "/api/auth/login", "/api/auth/login", 401, json={**credentials, "password": "not the password"})
check("GET", "/api/auth/me", "/api/auth/me", 200, token=created["token"])
check("GET", "/api/auth/me", "/api/auth/me", 401)
role_path = f"/api/auth/users/{created['user']['id']}/role"
check("PUT", "/api/auth/users/{id}/role", role_path, 200, json={"role": "operator"}, token=admin_token)
check("PUT", "/api/auth/users/{id}/role", role_path, 403, json={"role": "admin"}, token=viewer_token)

documented = {(path, method) for path, item in spec["paths"].items() for method in item if method in ("get", "post", "put", "patch", "delete")}
missing = documented - exercised
assert not missing, f"documented operations no call exercised: {sorted(missing)}"
print(f"checked {checked} answers of {len(exercised)} operations against the document")
