"""HTTP semantics of the API on a real store (both backends): 406 for an Accept the operation cannot
serve, Allow on every 405, /referrals/export next to /referrals/{referral_id} without a clash, and
times answered in UTC with Z."""
from __future__ import annotations

import re

import pytest

from tests.hardening.world import fingerprint

ZULU = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
METHODS = {"get", "post", "put", "patch", "delete"}


def spec_operations(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    base = spec["servers"][0]["url"]
    for path, item in spec["paths"].items():
        yield base + path, {m.upper() for m in item if m in METHODS}


def concrete(path: str, world) -> str:
    return path.replace("{referral_id}", world.referrals["sent"]).replace("{service_id}", "svc-schuld") \
        .replace("{organization_id}", "org-welzijn").replace("{code}", "GM0664")


@pytest.mark.parametrize("accept", ["application/xml", "text/html", "image/png;q=1, text/plain;q=0.5"])
def test_an_accept_the_api_cannot_serve_is_406_problem_json(client, world, accept):
    before = fingerprint(world.connection)
    for path in ("/api/v1/taxonomies", "/api/v1/services?q=schuld", "/api/v1/referrals"):
        answer = client.get(path, headers={"Accept": accept, **world.callers["swt"].headers})
        assert answer.status_code == 406, (path, answer.status_code)
        assert answer.mimetype == "application/problem+json"
        body = answer.get_json()
        assert body["status"] == 406 and "application/json" in body["detail"] and "Accept" in body["detail"]
    refused = client.post("/api/v1/referrals/export", json={"clientRef": "c-1"},
                          headers={"Accept": accept, **world.callers["swt"].headers})
    assert refused.status_code == 406
    assert fingerprint(world.connection) == before


@pytest.mark.parametrize("accept", [None, "*/*", "application/json", "application/problem+json",
                                    "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
                                    "application/*"])
def test_an_accept_that_allows_json_is_served(client, accept):
    headers = {"Accept": accept} if accept else {}
    answer = client.get("/api/v1/taxonomies", headers=headers)
    assert answer.status_code == 200 and answer.mimetype == "application/json"


def test_other_documented_media_types_are_served_and_pages_keep_working(client):
    areas = client.get("/api/v1/areas?kind=gemeente", headers={"Accept": "application/geo+json"})
    assert areas.status_code == 200 and areas.get_json()["type"] == "FeatureCollection"
    assert client.get("/api/v1/docs", headers={"Accept": "text/html"}).status_code == 200
    page = client.get("/", headers={"Accept": "text/html"})
    assert page.status_code == 200 and page.mimetype == "text/html"


def test_every_405_names_the_allowed_methods(client, world):
    for path, documented in spec_operations(client):
        url = concrete(path, world)
        for method in sorted({"GET", "POST", "PUT", "PATCH", "DELETE"} - documented):
            answer = client.open(url, method=method, headers=world.callers["admin"].headers)
            assert answer.status_code == 405, (method, url, answer.status_code)
            assert answer.mimetype == "application/problem+json"
            allowed = {m.strip() for m in answer.headers["Allow"].split(",")}
            assert documented <= allowed and method not in allowed, (method, url, allowed)


def test_export_and_a_referral_by_id_do_not_clash(client, world):
    swt = world.callers["swt"].headers
    wrong_method = client.get("/api/v1/referrals/export", headers=swt)
    assert wrong_method.status_code == 405 and "POST" in wrong_method.headers["Allow"]
    exported = client.post("/api/v1/referrals/export", json={"clientRef": "nobody-here"}, headers=swt)
    assert exported.status_code == 200 and exported.get_json()["count"] == 0
    one = client.get(f"/api/v1/referrals/{world.referrals['sent']}", headers=swt)
    assert one.status_code == 200 and one.get_json()["id"] == world.referrals["sent"]
    assert client.get("/api/v1/referrals/exports", headers=swt).status_code == 404


def test_times_are_utc_with_z_and_days_are_dates(client, world):
    body = client.get(f"/api/v1/referrals/{world.referrals['received']}", headers=world.callers["swt"].headers)
    referral = body.get_json()
    times = [referral[k] for k in ("createdAt", "updatedAt", "sentAt") if referral[k]]
    times += list(referral["deadlines"].values()) + [e["at"] for e in referral["events"]]
    assert len(times) >= 6 and all(ZULU.match(t) for t in times), times
    assert re.fullmatch(r"\d{4}-\d\d-\d\d", referral["consent"]["date"])
    figures = client.get("/api/v1/network/figures", headers=world.callers["coordinator"].headers).get_json()
    assert ZULU.match(figures["period"]["from"]) and ZULU.match(figures["period"]["until"])
    feed = client.get("/api/v1/referral-events?since=0", headers=world.callers["swt"].headers).get_json()
    assert feed["events"] and all(ZULU.match(e["at"]) for e in feed["events"])


def test_options_on_the_export_names_only_its_own_methods(client, world):
    answer = client.options("/api/v1/referrals/export", headers=world.callers["swt"].headers)
    assert {m.strip() for m in answer.headers["Allow"].split(",")} == {"POST", "OPTIONS"}
    other = client.options(f"/api/v1/referrals/{world.referrals['sent']}", headers=world.callers["swt"].headers)
    assert "GET" in other.headers["Allow"] and "POST" not in other.headers["Allow"]
    assert client.get("/api/v1/referrals/export-1", headers=world.callers["swt"].headers).status_code == 404


def test_the_hsds_api_and_the_openapi_descriptions_answer_json_only(client):
    """HSDS (JSON only) and both OpenAPI files: 406 problem+json for an Accept without JSON; served otherwise."""
    paths = ("/hsds/", "/hsds/services?per_page=1", "/hsds/taxonomies", "/hsds/openapi.json", "/api/v1/openapi.json")
    for path in paths:
        refused = client.get(path, headers={"Accept": "application/xml"})
        assert refused.status_code == 406 and refused.mimetype == "application/problem+json", (path, refused.status)
        assert "application/json" in refused.get_json()["detail"]
        for accept in ("application/json", "*/*", "text/html,application/xml;q=0.9,*/*;q=0.8"):
            served = client.get(path, headers={"Accept": accept})
            assert served.status_code == 200 and served.mimetype == "application/json", (path, accept)


def test_the_hsds_api_names_the_allowed_methods_on_405(client):
    for path in ("/hsds/services", "/hsds/organizations", "/hsds/taxonomy_terms"):
        answer = client.post(path, json={})
        assert answer.status_code == 405 and answer.mimetype == "application/problem+json", path
        assert "GET" in {m.strip() for m in answer.headers["Allow"].split(",")} and "POST" not in answer.headers["Allow"]
