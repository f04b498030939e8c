"""Drives the tourism GraphQL service with stock clients: gql (requests transport) and
graphql-core, plus plain `requests` for what a GraphQL client library would refuse to send.

usage: graphql_client.py BASE_URL SCHEMA_GRAPHQL OPERATOR_TOKEN ADMIN_TOKEN VIEWER_TOKEN

- gql fetches the schema by the standard introspection query; graphql-core prints it and the
  committed schema.graphql the same way, and they must be equal.
- Every query and mutation runs through gql, with variables and a fragment; gql also
  validates each document against the introspected schema before sending it.
- Validation, depth, auth and transport errors are checked for their `extensions.code`, and
  refused mutations must leave the data as it was.
Exits non-zero (AssertionError) on the first discrepancy; prints what it checked.
"""

import sys

import requests
from gql import Client, GraphQLRequest
from gql.transport.exceptions import TransportQueryError
from gql.transport.requests import RequestsHTTPTransport
from graphql import build_schema, lexicographic_sort_schema, print_schema

base, schema_path, operator_token, admin_token, viewer_token = sys.argv[1:6]
endpoint = base + "/graphql"

SEEDED = 10
SEEDED_OPEN = 9


def client(token=None, fetch_schema=True):
    headers = {"authorization": f"Bearer {token}"} if token else None
    transport = RequestsHTTPTransport(url=endpoint, headers=headers, timeout=30, retries=0)
    return Client(transport=transport, fetch_schema_from_transport=fetch_schema)


def run(gql_client, query, variables=None, operation_name=None):
    request = GraphQLRequest(query, variable_values=variables, operation_name=operation_name)
    return gql_client.execute(request)


def refused(gql_client, query, variables=None):
    """The errors of a request the server must refuse (gql raises TransportQueryError)."""
    try:
        result = run(gql_client, query, variables)
    except TransportQueryError as err:
        return err.errors
    raise AssertionError(f"expected errors, got data {result}")


def raw(payload, token=None, method="POST", headers=None):
    """A request sent as is, without client-side validation."""
    all_headers = dict(headers or {})
    if token:
        all_headers["authorization"] = f"Bearer {token}"
    if method == "POST":
        return requests.post(endpoint, json=payload, headers=all_headers, timeout=30)
    return requests.get(endpoint, params=payload, headers=all_headers, timeout=30)


def codes(errors):
    return [e.get("extensions", {}).get("code") for e in errors]


def all_attractions(gql_client):
    return run(gql_client, "{ attractions(first: 100) { id name status } }")["attractions"]


def check_introspection_matches_committed_schema():
    c = client()
    with c as session:
        # Connecting ran the introspection query; the schema is what the server described.
        served = lexicographic_sort_schema(c.schema)
        assert session is not None
    committed = lexicographic_sort_schema(build_schema(open(schema_path, encoding="utf-8").read()))
    served_sdl, committed_sdl = print_schema(served), print_schema(committed)
    assert served_sdl == committed_sdl, f"introspected schema differs:\n{served_sdl}\n---\n{committed_sdl}"
    print(f"introspection: {len(served.type_map)} types, same as {schema_path}")


def check_queries():
    c = client()
    # The gateway's query.
    items = run(c, "{ attractions { id name status } }")["attractions"]
    assert len(items) == SEEDED, items
    assert sum(1 for a in items if a["status"] == "OPEN") == SEEDED_OPEN, items
    assert [a["status"] for a in items].count("TEMPORARILY_CLOSED") == 1, items

    # One attraction, with a variable and a fragment.
    first_id = items[0]["id"]
    one = run(
        c,
        """query One($id: Int!) { attraction(id: $id) { ...Card zone latitude longitude } }
           fragment Card on Attraction { id name type status openingHours description address }""",
        {"id": first_id},
    )["attraction"]
    assert one["id"] == first_id and one["name"] == items[0]["name"], one
    assert one["zone"].startswith("paris-") and 48.8 < one["latitude"] < 48.9, one
    assert run(c, "query($id: Int!) { attraction(id: $id) { id } }", {"id": 987654})["attraction"] is None

    # By type and by zone, with enum and string variables.
    museums = run(
        c,
        "query($t: AttractionType!) { attractionsByType(type: $t) { name type } }",
        {"t": "MUSEUM"},
    )["attractionsByType"]
    assert museums and all(a["type"] == "MUSEUM" for a in museums), museums
    assert "Musée du Louvre" in [a["name"] for a in museums], museums
    zone7 = run(
        c,
        "query($z: String!) { attractionsByZone(zone: $z) { name zone } }",
        {"z": "paris-07"},
    )["attractionsByZone"]
    assert sorted(a["name"] for a in zone7) == ["Musée d'Orsay", "Tour Eiffel"], zone7
    assert run(c, '{ attractionsByZone(zone: "paris-13") { id } }')["attractionsByZone"] == []

    # Paging: first/after walks the whole list once, in id order.
    seen, after = [], None
    while True:
        page = run(
            c,
            "query($after: String) { attractions(first: 3, after: $after) { id cursor } }",
            {"after": after},
        )["attractions"]
        if not page:
            break
        assert len(page) <= 3
        seen += [a["id"] for a in page]
        after = page[-1]["cursor"]
    assert seen == [a["id"] for a in items] and seen == sorted(seen), seen

    # Two named operations in one document: operationName picks one.
    doc = "query Names { attractions { name } } query Ids { attractions { id } }"
    assert "id" in run(c, doc, operation_name="Ids")["attractions"][0]
    print(f"queries: {len(items)} attractions, {len(museums)} museums, paging over {len(seen)}")


CREATE = """mutation Create($input: AttractionInput!) {
  createAttraction(input: $input) { id name type status zone openingHours }
}"""

PANTHEON = {
    "name": "Panthéon",
    "type": "MONUMENT",
    "address": "Place du Panthéon, 75005 Paris",
    "latitude": 48.8462,
    "longitude": 2.3464,
    "openingHours": "10h-18h30",
    "zone": "paris-05",
}


def check_refused_mutations_change_nothing():
    before = all_attractions(client())
    anonymous = client()
    errors = refused(anonymous, CREATE, {"input": PANTHEON})
    assert codes(errors) == ["UNAUTHENTICATED"], errors
    errors = refused(client(viewer_token), CREATE, {"input": PANTHEON})
    assert codes(errors) == ["FORBIDDEN"], errors
    errors = refused(
        anonymous, "mutation($id: Int!) { updateAttractionStatus(id: $id, status: CLOSED) { id } }",
        {"id": before[0]["id"]},
    )
    assert codes(errors) == ["UNAUTHENTICATED"], errors
    errors = refused(client(operator_token), "mutation($id: Int!) { deleteAttraction(id: $id) }",
                     {"id": before[0]["id"]})
    assert codes(errors) == ["FORBIDDEN"], errors
    bad = dict(PANTHEON, latitude=123.0)
    errors = refused(client(operator_token), CREATE, {"input": bad})
    assert codes(errors) == ["BAD_USER_INPUT"] and errors[0]["extensions"]["field"] == "latitude", errors
    errors = refused(client(operator_token), CREATE, {"input": dict(PANTHEON, zone="paris-99")})
    assert codes(errors) == ["BAD_USER_INPUT"] and errors[0]["extensions"]["field"] == "zone", errors
    # An invalid enum value in variables is refused by the server too (sent raw: gql would
    # refuse it before sending).
    resp = raw({"query": CREATE, "variables": {"input": dict(PANTHEON, type="CASTLE")}}, operator_token)
    assert resp.status_code == 200 and resp.json()["errors"], resp.text
    assert codes(resp.json()["errors"]) == ["GRAPHQL_VALIDATION_FAILED"], resp.text
    assert all_attractions(client()) == before, "a refused mutation changed the data"
    print("refused mutations: UNAUTHENTICATED, FORBIDDEN, BAD_USER_INPUT; nothing changed")


def check_mutations():
    operator, admin = client(operator_token), client(admin_token)
    created = run(operator, CREATE, {"input": PANTHEON})["createAttraction"]
    assert created["name"] == "Panthéon" and created["status"] == "OPEN", created
    assert created["type"] == "MONUMENT" and created["zone"] == "paris-05", created
    new_id = created["id"]
    zone5 = run(client(), '{ attractionsByZone(zone: "paris-05") { id } }')["attractionsByZone"]
    assert [a["id"] for a in zone5] == [new_id], zone5

    updated = run(
        operator,
        "mutation($id: Int!, $s: AttractionStatus!) { updateAttractionStatus(id: $id, status: $s) { id status } }",
        {"id": new_id, "s": "TEMPORARILY_CLOSED"},
    )["updateAttractionStatus"]
    assert updated == {"id": new_id, "status": "TEMPORARILY_CLOSED"}, updated
    again = run(client(), "query($id: Int!) { attraction(id: $id) { status } }", {"id": new_id})
    assert again["attraction"]["status"] == "TEMPORARILY_CLOSED", again

    errors = refused(operator, "mutation { updateAttractionStatus(id: 987654, status: OPEN) { id } }")
    assert codes(errors) == ["NOT_FOUND"], errors

    assert run(admin, "mutation($id: Int!) { deleteAttraction(id: $id) }", {"id": new_id}) == {"deleteAttraction": True}
    assert run(client(), "query($id: Int!) { attraction(id: $id) { id } }", {"id": new_id})["attraction"] is None
    errors = refused(admin, "mutation($id: Int!) { deleteAttraction(id: $id) }", {"id": new_id})
    assert codes(errors) == ["NOT_FOUND"], errors
    print(f"mutations: created {new_id}, status updated, deleted")


def check_engine_errors():
    cases = [
        ("{ attractions { id name ", "GRAPHQL_PARSE_FAILED"),
        ("{ attractions { rating } }", "GRAPHQL_VALIDATION_FAILED"),
        ("{ attractionsByType(type: CASTLE) { id } }", "GRAPHQL_VALIDATION_FAILED"),
        ("{ attraction { id } }", "GRAPHQL_VALIDATION_FAILED"),
        ("query A { attractions { id } } query B { attractions { id } }", "GRAPHQL_VALIDATION_FAILED"),
        ("{ attractions(first: 1000) { id } }", "BAD_USER_INPUT"),
        ('{ attractions(after: "not-a-cursor") { id } }', "BAD_USER_INPUT"),
    ]
    for query, code in cases:
        resp = raw({"query": query})
        assert resp.status_code == 200, (query, resp.status_code, resp.text)
        body = resp.json()
        assert body.get("errors") and codes(body["errors"])[0] == code, (query, body)
        assert body.get("data") is None or "attractions" not in (body.get("data") or {}), body

    # Over-deep: a nested introspection deeper than the limit is refused before it runs.
    deep = "{ __schema { types { fields { type " + "{ ofType " * 14 + "{ name }" + " }" * 18
    body = raw({"query": deep}).json()
    assert codes(body["errors"]) == ["GRAPHQL_VALIDATION_FAILED"], body
    assert "too deep" in body["errors"][0]["message"], body
    assert body.get("data") is None, body

    # Over-complex: many aliased full pages.
    fields = "id name type address latitude longitude status openingHours description zone cursor"
    heavy = "{ " + " ".join(f"a{i}: attractions(first: 100) {{ {fields} }}" for i in range(5)) + " }"
    body = raw({"query": heavy}).json()
    assert codes(body["errors"]) == ["GRAPHQL_VALIDATION_FAILED"] and "too complex" in body["errors"][0]["message"], body
    print(f"engine errors: {len(cases)} coded, over-deep and over-complex refused")


def check_http():
    # GET runs queries, with variables as JSON.
    resp = raw({"query": "query($id: Int!) { attraction(id: $id) { name } }", "variables": '{"id": 1}'}, method="GET")
    assert resp.status_code == 200 and resp.json()["data"]["attraction"]["name"], resp.text
    # GET never runs a mutation.
    resp = raw({"query": "mutation { deleteAttraction(id: 1) }"}, admin_token, method="GET")
    assert resp.status_code == 405 and codes(resp.json()["errors"]) == ["METHOD_NOT_ALLOWED"], resp.text
    assert len(all_attractions(client())) == SEEDED
    # A browser gets GraphiQL.
    resp = requests.get(endpoint, headers={"accept": "text/html"}, timeout=30)
    assert resp.status_code == 200 and resp.headers["content-type"].startswith("text/html"), resp.headers
    assert "graphiql" in resp.text.lower(), resp.text[:200]
    # Bodies over 64 KiB are refused before parsing.
    resp = raw({"query": "{ attractions { id } }", "variables": {"pad": "x" * 70000}})
    assert resp.status_code == 413 and codes(resp.json()["errors"]) == ["PAYLOAD_TOO_LARGE"], resp.text
    # Not JSON.
    resp = requests.post(endpoint, data="{ attractions { id } }", headers={"content-type": "text/plain"}, timeout=30)
    assert resp.status_code == 415, resp.status_code
    resp = requests.post(endpoint, data="{not json", headers={"content-type": "application/json"}, timeout=30)
    assert resp.status_code == 400 and codes(resp.json()["errors"]) == ["BAD_REQUEST"], resp.text
    print("http: GET queries, GET mutation 405, GraphiQL page, 413, 415, 400")


check_introspection_matches_committed_schema()
check_queries()
check_refused_mutations_change_nothing()
check_mutations()
check_engine_errors()
check_http()
print("graphql_client: all checks passed")
