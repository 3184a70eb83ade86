"""The API blueprint enforces what OpenAPI says: an operation with ``security`` is wrapped by
``blp.login_required`` and answers 401 without a token; one without it is public."""
from __future__ import annotations

import re

import pytest

from web.api.blueprint import requires_login

SECURITY = [{"bearerAuth": []}]
# Query strings a public operation needs to answer 200.
PUBLIC_QUERY = {"/api/v1/geocode": "postcode=4461AB"}


def _operations(spec: dict):
    base = spec["servers"][0]["url"]  # the paths are relative to it (/api/v1)
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            if method != "parameters":
                yield base + path, method, operation


@pytest.fixture(scope="module")
def spec(app):
    response = app.test_client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.get_json()


@pytest.fixture(scope="module")
def views(app) -> dict[tuple[str, str], object]:
    """(OpenAPI path, method) -> the function Flask runs for it (the method of a MethodView)."""
    found = {}
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/") or rule.endpoint.startswith(("api_docs.", "api-docs.")):
            continue
        view = app.view_functions[rule.endpoint]
        path = re.sub(r"<(?:[a-z_]+:)?([A-Za-z_]+)>", r"{\1}", rule.rule)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            view_class = getattr(view, "view_class", None)
            found[(path, method.lower())] = getattr(view_class, method.lower()) if view_class else view
    return found


def _secured(spec):
    return [(path, method, op) for path, method, op in _operations(spec) if "security" in op]


def test_signed_in_operations_are_documented_as_such(spec):
    secured = _secured(spec)
    # with GET /api/v1/audit (the beheerder), GET /api/v1/stale-services, the messages (GET, POST) and
    # re-referrals (POST) of a referral, status links, e-mail preferences,
    # adding and removing a listing, GET /api/v1/network/graph
    assert len(secured) == 27
    assert {path for path, _m, _o in secured} >= {"/api/v1/me", "/api/v1/audit", "/api/v1/referrals", "/api/v1/network/flows",
                                                  "/api/v1/coverage", "/api/v1/services/{service_id}"}
    for path, method, operation in secured:
        assert operation["security"] == SECURITY, (method, path)
        for status in ("401", "403", "503"):
            content = operation["responses"][status]["content"]
            assert "application/problem+json" in content, (method, path, status)
    assert "bearerAuth" in spec["components"]["securitySchemes"]


@pytest.mark.parametrize("token", [None, "Bearer not-a-token", "Basic dXNlcjpwdw=="])
def test_signed_in_operations_answer_401_before_reading_input(spec, client, token):
    headers = {"Authorization": token} if token else {}
    for path, method, _operation in _secured(spec):
        url = re.sub(r"\{[^}]+\}", "x", path) + "?notAParameter=1"  # the input is wrong too: 401 comes first
        body = {"json": {"notAField": 1}} if method in ("post", "patch", "put") else {}
        response = client.open(url, method=method.upper(), headers=headers, **body)
        assert response.status_code == 401, (method, path, response.status_code)
        assert response.mimetype == "application/problem+json", (method, path)
        assert response.get_json()["status"] == 401
        assert response.headers["WWW-Authenticate"].startswith("Bearer"), (method, path)


def test_security_in_openapi_is_exactly_login_required(spec, views):
    documented = {(path, method): "security" in op for path, method, op in _operations(spec)}
    assert set(documented) == set(views), "every API route is in OpenAPI and the other way round"
    for key, secured in documented.items():
        assert requires_login(views[key]) is secured, key
    assert sum(documented.values()) == 27 and len(documented) - sum(documented.values()) == 8


def test_public_operations_answer_without_a_token(spec, client):
    service_id = client.get("/api/v1/services?pageSize=1").get_json()["results"][0]["id"]
    organization_id = client.get("/api/v1/organizations?pageSize=1").get_json()["results"][0]["id"]
    values = {"service_id": service_id, "organization_id": organization_id, "code": "GM0664"}
    public = [(path, method) for path, method, op in _operations(spec) if "security" not in op]
    assert public
    for path, method in public:
        assert method == "get", (method, path)
        url = re.sub(r"\{([^}]+)\}", lambda m: values[m.group(1)], path)
        if path in PUBLIC_QUERY:
            url += "?" + PUBLIC_QUERY[path]
        response = client.get(url)
        assert response.status_code == 200, (path, response.status_code)
        assert "WWW-Authenticate" not in response.headers, path
