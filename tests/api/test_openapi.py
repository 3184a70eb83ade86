"""The API description follows the NL GOV API Design Rules and the docs are served without a CDN."""
from __future__ import annotations

import re


def test_openapi_document(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    spec = response.get_json()
    assert spec["openapi"].startswith("3.")
    assert spec["servers"] == [{"url": "/api/v1", "description": "Versie 1 van de API"}]  # /core/uri-version
    assert re.fullmatch(r"\d+\.\d+\.\d+", spec["info"]["version"])
    assert spec["info"]["contact"]["email"] and spec["info"]["contact"]["url"]
    for path, operations in spec["paths"].items():
        assert path.startswith("/") and not path.startswith("/api/") and not path.endswith("/")
        segments = [s for s in path.split("/") if s and not s.startswith("{")]
        assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", s) for s in segments), path
        for method, operation in operations.items():
            if method == "parameters":
                continue
            query = [p for p in operation.get("parameters", []) if p.get("in") == "query"]
            for parameter in query:
                assert re.fullmatch(r"[a-z][a-zA-Z0-9]*", parameter["name"]), parameter["name"]
            if query:
                assert "400" in operation["responses"], f"{method} {path} takes input but documents no 400"
                assert "application/problem+json" in operation["responses"]["400"]["content"]


def test_every_response_has_api_version(client):
    for path in ("/api/v1/openapi.json", "/api/v1/taxonomies", "/api/v1/services/none", "/health"):
        assert client.get(path).headers["API-Version"] == "1.0.0"


def test_interactive_docs_use_packaged_assets(client):
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "https://" not in html and "http://" not in html
    for asset in re.findall(r'(?:src|href)="([^"]+)"', html):
        assert client.get(asset).status_code == 200, asset


def test_taxonomies_have_labels_and_plain_explanations(client):
    vocabularies = {v["code"]: v for v in client.get("/api/v1/taxonomies").get_json()}
    assert {"lifeDomains", "targetGroups", "rungs"} <= set(vocabularies)
    rungs = vocabularies["rungs"]["terms"]
    assert [r["code"] for r in rungs] == ["eigen-kracht", "informeel", "voorliggend", "licht", "maatwerk"]
    for vocabulary in vocabularies.values():
        for term in vocabulary["terms"]:
            assert term["label"] and 5 < len(term["explanation"]) <= 120


def test_geocode_endpoint(client):
    body = client.get("/api/v1/geocode?postcode=4461%20ab").get_json()
    assert body["postcode"] == "4461AB" and body["precision"] == "pc6"
    assert body["area"]["gemeente"]["code"] == "GM0664"
    assert client.get("/api/v1/geocode?postcode=4461").get_json()["precision"] == "pc4"
    bad = client.get("/api/v1/geocode?postcode=44")
    assert bad.status_code == 400 and "4461 AB" in bad.get_json()["detail"]
    assert client.get("/api/v1/geocode?postcode=9990ZZ").status_code == 404


def test_areas_endpoint(client):
    gemeenten = client.get("/api/v1/areas").get_json()
    assert len(gemeenten) == 13 and all("geometry" not in g for g in gemeenten)
    wijken = client.get("/api/v1/areas?kind=wijk&parent=GM0664").get_json()
    assert wijken and all(w["code"].startswith("WK0664") for w in wijken)
    goes = client.get("/api/v1/areas/GM0664?geometry=true").get_json()
    assert goes["population"] > 30000 and goes["geometry"]["type"] in ("Polygon", "MultiPolygon")
    collection = client.get("/api/v1/areas?kind=buurt&parent=WK066401",
                            headers={"Accept": "application/geo+json"}).get_json()
    assert collection["type"] == "FeatureCollection" and collection["features"][0]["geometry"]
    assert client.get("/api/v1/areas/GM9999").status_code == 404
    assert client.get("/api/v1/areas?kind=provincie").status_code == 400


def test_organizations_endpoint(client):
    page = client.get("/api/v1/organizations?kind=sociaal-wijkteam&pageSize=50").get_json()
    assert page["total"] == 13 and all(o["kind"] == "sociaal-wijkteam" for o in page["results"])
    informal = client.get("/api/v1/organizations?formal=false&gemeente=GM0664").get_json()
    assert informal["total"] > 0 and all(not o["formal"] for o in informal["results"])
    detail = client.get(page["results"][0]["_links"]["self"]["href"]).get_json()
    assert detail["services"] and all(s["rung"] == "licht" for s in detail["services"])
    assert client.get("/api/v1/organizations/nope").status_code == 404
    assert client.get("/api/v1/organizations?kind=bank").status_code == 400


def test_every_success_documents_api_version_and_every_time_has_a_format(client):
    """/core/version-header and /core/date-time: the API-Version header on every 2xx and 3xx, and a
    format on every property that holds a day or a moment."""
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["components"]["headers"]["API-Version"]["schema"]["type"] == "string"
    successes = 0
    for item in spec["paths"].values():
        for operation in (op for method, op in item.items() if method != "parameters"):
            for status, response in operation["responses"].items():
                if status[0] in "23":
                    assert response["headers"]["API-Version"] == {"$ref": "#/components/headers/API-Version"}
                    successes += 1
    assert successes >= 20

    def walk(node):
        if isinstance(node, dict):
            for name, prop in (node.get("properties") or {}).items():
                if re.search(r"(At|On|Date)$|^(date|from|until|receiveBy|acceptBy)$", name) and prop.get("type") == "string":
                    yield name, prop.get("format")
            for value in node.values():
                yield from walk(value)
        elif isinstance(node, list):
            for value in node:
                yield from walk(value)

    formats = dict(walk(spec["components"]))
    assert {"createdAt", "sentAt", "expiresAt", "date", "from", "linesCheckedOn"} <= set(formats)
    assert all(formats.values()), {name: f for name, f in formats.items() if not f}
