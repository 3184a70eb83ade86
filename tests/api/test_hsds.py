"""The Open Referral HSDS 3.0 read API under /hsds, on the whole demo region.

Responses are validated against the HSDS 3.0 JSON Schemas (tests/hsds_schema); expectations
come from the demo region's own model objects.
"""
from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from socialekaart.catalog import hsds
from tests.hsds_validation import SCHEMA_DIR, assert_valid, assert_valid_page
from web.hsds.openapi import build_openapi, load_hsds_files, render

SHIPPED_OPENAPI = Path(__file__).resolve().parents[2] / "web" / "hsds" / "openapi.json"
PROBLEM = "application/problem+json"


@pytest.fixture(scope="module")
def region(demo_runtime):
    return demo_runtime.demo_region


def get_json(client, url: str, status: int = 200) -> dict:
    response = client.get(url)
    assert response.status_code == status, (url, response.get_data(as_text=True)[:500])
    assert response.mimetype == ("application/json" if status == 200 else PROBLEM)
    return response.get_json()


def all_pages(client, url: str, per_page: int = 100) -> list[dict]:
    items, page = [], 1
    while True:
        body = get_json(client, f"{url}{'&' if '?' in url else '?'}per_page={per_page}&page={page}")
        items += body["contents"]
        if body["last_page"]:
            assert len(items) == body["total_items"]
            return items
        page += 1


def term_ids(service: dict) -> set[str]:
    """The readable ids (leefgebied-geldzaken) of the terms an object carries."""
    return {a["taxonomy_term"]["term_uri"].rpartition("#")[2] for a in service["attributes"]}


def uid(kind: str, our_id: str) -> str:
    return hsds.public_id(kind, our_id)


# -- / and the OpenAPI document ------------------------------------------------------------------------
def test_root_names_version_profile_and_openapi(client):
    body = get_json(client, "/hsds/")
    assert body == {"version": "3.0", "profile": hsds.HSDS_PROFILE,
                    "openapi_url": "http://localhost/hsds/openapi.json"}
    spec = get_json(client, "/hsds/openapi.json")
    assert spec["openapi"] == "3.1.0" and spec["servers"] == [{"url": "/hsds"}]
    assert {"/", "/services", "/services/{id}", "/service_at_locations", "/service_at_locations/{id}",
            "/organizations", "/organizations/{id}", "/taxonomies", "/taxonomies/{id}", "/taxonomy_terms",
            "/taxonomy_terms/{id}"} == set(spec["paths"])
    assert not spec["info"]["version"].startswith("REQUIRED")


def test_shipped_openapi_is_built_from_the_hsds_schemas_and_needs_no_network():
    built = build_openapi(*load_hsds_files(SCHEMA_DIR))
    assert render(built) == SHIPPED_OPENAPI.read_text(encoding="utf-8"), \
        "web/hsds/openapi.json is stale: python -m web.hsds.openapi tests/hsds_schema > web/hsds/openapi.json"

    def refs(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "$ref":
                    yield value
                else:
                    yield from refs(value)
        elif isinstance(node, list):
            for item in node:
                yield from refs(item)

    for ref in refs(built):
        assert ref.startswith("#/"), ref
        target = built
        for part in ref[2:].split("/"):
            target = target[part]
    item = built["paths"]["/services"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert item["properties"]["contents"]["items"] == {"$ref": "#/components/schemas/service"}


# -- services ------------------------------------------------------------------------------------------
def test_services_list_is_an_hsds_page_of_valid_services(client, region):
    body = get_json(client, "/hsds/services?per_page=25")
    assert_valid_page("service", body)
    assert body["total_items"] == len(region.services) and body["total_pages"] == -(-len(region.services) // 25)
    assert body["size"] == 25 and body["page_number"] == 1 and body["first_page"] and not body["last_page"]
    first = body["contents"][0]
    assert "schedules" not in first  # list items: one-to-one fields only, and our own id
    assert [a["taxonomy_term_id"] for a in first["attributes"]] == [hsds.OWN_ID_TERM["id"]]
    assert first["organization"]["id"] == first["organization_id"]


def test_every_service_maps_in_full_and_every_kind_validates(client, region):
    services = all_pages(client, "/hsds/services?full=true")
    assert len(services) == len(region.services)
    assert len({s["id"] for s in services}) == len(services)  # store pages never overlap
    # Validating all 1600 takes jsonschema ~10 s: validate one of every kind of service instead.
    kinds = {}
    for ours in region.services:
        kind = (ours.rung, ours.confidential, ours.location is not None, bool(ours.serves), ours.cost,
                ours.hours.always_open, bool(ours.target_groups), ours.age_min is not None, ours.crisis_24h)
        kinds.setdefault(kind, ours.id)
    by_id = {s["id"]: s for s in services}
    assert len(kinds) > 25
    for service_id in kinds.values():
        assert_valid("service", by_id[uid("service", service_id)])
    assert set(by_id) == {uid("service", s.id) for s in region.services}


def test_service_detail_carries_our_vocabularies_hours_and_location(client, region):
    ours = next(s for s in region.services if s.location and not s.confidential and s.target_groups
                and s.cost != "gratis" and s.hours.known and (s.wait_weeks or 0) > 1 and s.age_min is not None)
    body = get_json(client, f"/hsds/services/{ours.id}")
    assert_valid("service", body)
    assert body["id"] == uid("service", ours.id) and body["organization_id"] == uid("organization", ours.organization_id)
    assert hsds.own_id(body) == ours.id
    assert body["status"] == "active" and body["name"] == ours.name
    assert body["minimum_age"] == ours.age_min and body.get("maximum_age") == ours.age_max
    assert body["wait_time"] == f"{ours.wait_weeks} weken. {ours.capacity_note}"
    assert body["assured_date"] == ours.last_verified.isoformat()
    expected = {f"trede-{ours.rung}", *(f"leefgebied-{c}" for c in ours.life_domains),
                *(f"doelgroep-{c}" for c in ours.target_groups)}
    assert expected <= term_ids(body)
    assert all(a["link_id"] == body["id"] and a["link_entity"] == "service" for a in body["attributes"])
    assert body["cost_options"][0]["option"] in ("Eigen bijdrage", "Betaald")
    # Hours: every opening range comes back as a weekly schedule.
    days = dict(zip(hsds.ICAL_DAYS, range(7)))
    ranges = sorted((days[d] * 1440 + int(s["opens_at"][:2]) * 60 + int(s["opens_at"][3:5]),
                     days[d] * 1440 + int(s["closes_at"][:2]) * 60 + int(s["closes_at"][3:5]))
                    for s in body["schedules"] for d in s["byday"].split(","))
    assert ranges == sorted(ours.hours.ranges)
    assert all(s["freq"] == "WEEKLY" for s in body["schedules"])
    assert all(s["opens_at"][5:] in ("+01:00", "+02:00") and s["opens_at"][5:] == s["closes_at"][5:]
               for s in body["schedules"])  # Dutch time, with the offset of today
    [sal] = body["service_at_locations"]
    location = sal["location"]
    assert location["id"] == uid("location", ours.location.id) and location["location_type"] == "physical"
    assert hsds.own_id(location) == ours.location.id
    assert (location["latitude"], location["longitude"]) == (ours.location.lat, ours.location.lon)
    assert location["addresses"][0]["address_1"] == ours.location.address
    assert location["addresses"][0]["postal_code"] == ours.location.postcode
    # Deterministic: the same request gives the same ids.
    assert get_json(client, f"/hsds/services/{ours.id}") == body
    assert get_json(client, f"/hsds/services/{body['id']}") == body  # and by its UUID
    assert get_json(client, f"/hsds/services/{body['id'].upper()}") == body


def test_werkgebied_becomes_service_areas(client, region):
    ours = next(s for s in region.services if s.serves and s.location is None)
    body = get_json(client, f"/hsds/services/{ours.id}")
    assert [a["description"] for a in body["service_areas"]] == [f"CBS-code {c}" for c in ours.serves]
    assert all(a["name"] and not a["name"].startswith(("WK", "GM")) for a in body["service_areas"])
    assert body["service_at_locations"] == []
    get_json(client, f"/hsds/service_at_locations/{ours.id}", 404)


def test_confidential_locations_are_never_exposed(client, region):
    hidden = [s for s in region.services if s.confidential and s.location]
    assert hidden
    secrets = {s.id: (s.location.id, s.location.address, str(s.location.lat), str(s.location.lon)) for s in hidden}
    listed = all_pages(client, "/hsds/services?full=true&taxonomy_term_id=kenmerk-vertrouwelijk")
    assert {s["id"] for s in listed} == {uid("service", s.id) for s in region.services if s.confidential}
    at_locations = all_pages(client, "/hsds/service_at_locations?full=true&taxonomy_term_id=kenmerk-vertrouwelijk")
    assert {s["service_id"] for s in at_locations} == {uid("service", i) for i in secrets}
    for service in hidden:
        detail = get_json(client, f"/hsds/services/{service.id}")
        sal = get_json(client, f"/hsds/service_at_locations/{service.id}")
        assert_valid("service", detail)
        assert_valid("service_at_location", sal)
        location = sal["location"]
        assert location["location_type"] == "virtual"
        assert not {"latitude", "longitude", "addresses"} & set(location)
        assert location["external_identifier_type"] == "CBS-wijkcode"
        assert detail["service_at_locations"][0]["location"] == location
        text = json.dumps([detail, sal, [s for s in listed + at_locations if s["id"] in (detail["id"], sal["id"])]])
        for secret in secrets[service.id]:
            assert secret not in text, f"{service.id} leaks {secret!r}"


def test_paging_fields_and_pages_from_the_store(client, region):
    total = sum(1 for s in region.services if s.crisis_24h)
    url = "/hsds/services?taxonomy_term_id=kenmerk-crisis-24-uur&per_page=7"
    pages = [get_json(client, f"{url}&page={n}") for n in range(1, -(-total // 7) + 2)]
    *real, beyond = pages
    for number, body in enumerate(real, start=1):
        assert_valid_page("service", body)
        assert (body["total_items"], body["total_pages"], body["page_number"]) == (total, len(real), number)
        assert body["first_page"] == (number == 1) and body["last_page"] == (number == len(real))
        assert not body["empty"]
    assert [b["size"] for b in real] == [7] * (len(real) - 1) + [total - 7 * (len(real) - 1)]
    ids = [s["id"] for b in real for s in b["contents"]]
    assert len(ids) == len(set(ids)) == total
    assert beyond["contents"] == [] and beyond["empty"] and beyond["last_page"] and beyond["size"] == 0


def test_taxonomy_term_filter_and_taxonomy_filter(client, region):
    services = all_pages(client, "/hsds/services?taxonomy_term_id=leefgebied-geldzaken&full=true")
    assert len(services) == sum(1 for s in region.services if "geldzaken" in s.life_domains)
    assert all("leefgebied-geldzaken" in term_ids(s) for s in services)
    # Strict: a service for "iedereen" does not carry doelgroep-ouderen.
    body = get_json(client, "/hsds/services?taxonomy_term_id=doelgroep-ouderen&per_page=1")
    assert body["total_items"] == sum(1 for s in region.services if "ouderen" in s.target_groups)
    body = get_json(client, "/hsds/services?taxonomy_term_id=trede-maatwerk&per_page=1")
    assert body["total_items"] == sum(1 for s in region.services if s.rung == "maatwerk")
    informal_orgs = {o.id for o in region.organizations if not o.formal}
    body = get_json(client, "/hsds/services?taxonomy_term_id=kenmerk-informeel&per_page=1")
    assert body["total_items"] == sum(1 for s in region.services if s.organization_id in informal_orgs)
    body = get_json(client, "/hsds/services?taxonomy_id=socialekaart-doelgroepen&per_page=1")
    assert body["total_items"] == sum(1 for s in region.services if s.target_groups)
    body = get_json(client, "/hsds/services?taxonomy_id=socialekaart-treden&per_page=1")
    assert body["total_items"] == len(region.services)


def test_organization_filter_is_cumulative_with_the_others(client, region):
    org = max(region.organizations, key=lambda o: sum(s.organization_id == o.id for s in region.services))
    own = [s for s in region.services if s.organization_id == org.id]
    services = all_pages(client, f"/hsds/services?organization_id={org.id}")
    assert sorted(s["id"] for s in services) == sorted(uid("service", s.id) for s in own)
    by_uuid = all_pages(client, f"/hsds/services?organization_id={uid('organization', org.id)}")
    assert by_uuid == services
    domain = own[0].life_domains[0]
    both = all_pages(client, f"/hsds/services?organization_id={org.id}&taxonomy_term_id=leefgebied-{domain}")
    assert sorted(s["id"] for s in both) == sorted(uid("service", s.id) for s in own if domain in s.life_domains)
    assert get_json(client, "/hsds/services?organization_id=bestaat-niet")["total_items"] == 0


def test_search_postcode_and_proximity_match_the_own_api(client):
    # The own API's q reads the words (issue 14: 'schuld' also finds geldzaken help without the word);
    # HSDS search stays plain text. Every HSDS text hit near the place is among ours.
    ours = get_json(client, "/api/v1/services?q=schuld&postcode=4461AB&radius=2000&pageSize=100")
    body = get_json(client, "/hsds/services?search=schuld&postcode=4461AB&proximity=2000&per_page=100")
    assert 0 < body["total_items"] <= ours["total"]
    assert {s["id"] for s in body["contents"]} <= {uid("service", h["id"]) for h in ours["results"]}
    assert all("schuld" in (s["name"] + s["description"] + s["organization"]["name"]).lower()
               for s in body["contents"])
    # Without proximity: the default radius, as the own API.
    default = get_json(client, "/api/v1/services?postcode=4461AB&pageSize=1")["total"]
    assert get_json(client, "/hsds/services?postcode=4461AB&per_page=1")["total_items"] == default
    wider = get_json(client, "/hsds/services?postcode=4461AB&proximity=20000&per_page=1")["total_items"]
    assert wider > default


def test_modified_after_is_on_or_after_the_service_modification(client, region):
    first = get_json(client, "/hsds/services?minimal=true&per_page=1")["contents"][0]
    moment = datetime.fromisoformat(first["last_modified"])
    everything = len(region.services)
    assert get_json(client, "/hsds/services?modified_after=2000-01-01&per_page=1")["total_items"] == everything
    same = moment.astimezone(timezone(timedelta(hours=1))).isoformat()  # the same moment, Dutch winter time
    assert get_json(client, f"/hsds/services?modified_after={same.replace('+', '%2B')}&per_page=1")[
        "total_items"] == everything  # all demo services were saved in one go, so share the moment
    later = (moment + timedelta(seconds=1)).isoformat().replace("+", "%2B")
    assert get_json(client, f"/hsds/services?modified_after={later}&per_page=1")["total_items"] == 0


def test_minimal_services_hold_only_id_and_modification(client, region):
    body = get_json(client, "/hsds/services?minimal=true&per_page=100")
    assert_valid_page("service", body)
    assert all(set(s) == {"id", "name", "status", "last_modified"} for s in body["contents"])
    assert body["total_items"] == len(region.services)


def test_every_id_and_reference_is_a_uuid_and_times_carry_a_zone(client, region):
    """Every id, and every reference to one, is a UUID; no empty strings; last_modified in milliseconds."""
    org = next(o for o in region.organizations if sum(s.organization_id == o.id for s in region.services) > 1)
    body = get_json(client, f"/hsds/organizations/{org.id}?full_service=true")
    assert_valid("organization", body)

    def walk(node, path=""):
        if isinstance(node, dict):
            for key, value in node.items():
                yield from walk(value, f"{path}/{key}")
        elif isinstance(node, list):
            for index, value in enumerate(node):
                yield from walk(value, f"{path}/{index}")
        else:
            yield path, node

    values = list(walk(body))
    id_values = [(p, v) for p, v in values if p.rpartition("/")[2] == "id" or p.endswith("_id")]
    assert len(id_values) > 20
    assert all(hsds.as_uuid(v) == v for p, v in id_values), [pv for pv in id_values if hsds.as_uuid(pv[1]) != pv[1]]
    assert not [p for p, v in values if v == ""], "empty strings"
    stamps = [v for p, v in values if p.endswith("/last_modified")]
    assert stamps and all(len(v) == 24 and v.endswith("Z") and v[19] == "." for v in stamps)


def test_the_format_checks_are_active():
    """Each format the HSDS schemas use fails on a bad value: a check that silently passes is no check."""
    from tests.hsds_validation import formats

    bad = {"uuid": "demo-svc-gm0664-0024", "date-time": "2026-01-05T10:00:00", "date": "05-01-2026",
           "email": "", "uri": ""}
    for name, value in bad.items():
        assert not formats.conforms(value, name), name
    assert formats.conforms("ae58cc39-8b70-4ab1-8aea-786882e5ac8e", "uuid")
    assert formats.conforms("2026-01-05T10:00:00.123Z", "date-time")
    assert set(bad) <= set(formats.checkers)


# -- service_at_locations ------------------------------------------------------------------------------
def test_service_at_locations_list_full_and_detail(client, region):
    located = [s for s in region.services if s.location]
    body = get_json(client, "/hsds/service_at_locations?per_page=20")
    assert_valid_page("service_at_location", body)
    assert body["total_items"] == len(located)
    assert all(item["service"]["id"] == item["service_id"] != item["id"] for item in body["contents"])
    full = get_json(client, "/hsds/service_at_locations?per_page=20&full=true&page=2")
    assert_valid_page("service_at_location", full)
    assert all("addresses" in item["location"] or item["location"]["location_type"] == "virtual"
               for item in full["contents"])
    public = next(s for s in located if not s.confidential)
    detail = get_json(client, f"/hsds/service_at_locations/{public.id}")
    assert_valid("service_at_location", detail)
    assert detail["location_id"] == uid("location", public.location.id) and detail["service"]["name"] == public.name
    assert detail["id"] == uid("service_at_location", public.id)
    assert get_json(client, f"/hsds/service_at_locations/{detail['id']}") == detail
    near = get_json(client, "/hsds/service_at_locations?postcode=4461AB&proximity=1000&per_page=100")
    assert near["total_items"] > 0 and all(item["location"] for item in near["contents"])


# -- organizations -------------------------------------------------------------------------------------
def test_organizations_list_full_and_detail(client, region):
    body = get_json(client, "/hsds/organizations?per_page=30")
    assert_valid_page("organization", body)
    assert body["total_items"] == len(region.organizations)
    assert "services" not in body["contents"][0] and "phones" not in body["contents"][0]
    assert all(hsds.own_id(o) for o in body["contents"])
    full = get_json(client, "/hsds/organizations?per_page=10&full=true&full_service=true")
    assert_valid_page("organization", full)
    for org in full["contents"]:
        assert any(t.startswith("organisatiesoort-") for t in term_ids(org))
        assert org["attributes"][0]["value"] == hsds.own_id(org)
        for service in org["services"]:
            assert_valid("service", service)
            assert service["organization_id"] == org["id"] and "attributes" in service
    org = next(o for o in region.organizations if not o.formal)
    detail = get_json(client, f"/hsds/organizations/{org.id}")
    assert_valid("organization", detail)
    assert detail["name"] == org.name and f"organisatiesoort-{org.kind}" in term_ids(detail)
    assert "kenmerk-informeel" in term_ids(detail)
    assert sorted(s["id"] for s in detail["services"]) == \
        sorted(uid("service", s.id) for s in region.services if s.organization_id == org.id)
    assert detail["id"] == uid("organization", org.id)
    assert get_json(client, f"/hsds/organizations/{detail['id']}") == detail
    assert all(len(s["attributes"]) == 1 and hsds.own_id(s) for s in detail["services"])
    with_full = get_json(client, f"/hsds/organizations/{org.id}?full_service=true")
    assert all(len(s["attributes"]) > 1 for s in with_full["services"])


def test_organization_search(client, region):
    word = region.organizations[0].name.split()[-1]
    body = get_json(client, f"/hsds/organizations?search={word}&per_page=100")
    expected = {o.id for o in region.organizations
                if word.lower() in o.name.lower() or word.lower() in (o.description or "").lower()}
    assert {o["id"] for o in body["contents"]} == {uid("organization", i) for i in expected}
    assert body["total_items"] == len(expected)


# -- taxonomies ----------------------------------------------------------------------------------------
def test_taxonomies_and_terms(client):
    body = get_json(client, "/hsds/taxonomies")
    assert_valid_page("taxonomy", body)
    assert {t["uri"].rpartition("#")[2] for t in body["contents"]} >= {
        "socialekaart-leefgebieden", "socialekaart-doelgroepen", "socialekaart-treden", "socialekaart-ids"}
    treden_tax = get_json(client, "/hsds/taxonomies/socialekaart-treden")
    assert treden_tax["name"] == "Treden" and get_json(client, f"/hsds/taxonomies/{treden_tax['id']}") == treden_tax
    terms = all_pages(client, "/hsds/taxonomy_terms")
    for term in terms:
        assert_valid("taxonomy_term", term)
    ids = {t["term_uri"].rpartition("#")[2] for t in terms}
    assert {"leefgebied-geldzaken", "doelgroep-ouderen", "trede-maatwerk", "trede-eigen-kracht"} <= ids
    treden = get_json(client, "/hsds/taxonomy_terms?taxonomy_id=socialekaart-treden")
    assert [t["code"] for t in treden["contents"]] == ["eigen-kracht", "informeel", "voorliggend", "licht",
                                                      "maatwerk"]
    assert get_json(client, f"/hsds/taxonomy_terms?taxonomy_id={treden_tax['id']}") == treden
    found = get_json(client, "/hsds/taxonomy_terms?search=schulden")["contents"]
    assert {"leefgebied-geldzaken", "doelgroep-schulden"} <= {t["term_uri"].rpartition("#")[2] for t in found}
    assert all("schulden" in (t["name"] + t["description"]).lower() for t in found)
    assert get_json(client, "/hsds/taxonomy_terms?top_only=true")["total_items"] == len(ids)
    assert get_json(client, "/hsds/taxonomy_terms?parent_id=leefgebied-geldzaken")["total_items"] == 0
    term = get_json(client, "/hsds/taxonomy_terms/leefgebied-geldzaken")
    assert term["name"] == "Geldzaken" and term["taxonomy_id"] == hsds.taxonomy_uuid("socialekaart-leefgebieden")
    assert get_json(client, f"/hsds/taxonomy_terms/{term['id']}") == term
    by_uuid = get_json(client, f"/hsds/services?taxonomy_term_id={term['id']}&per_page=1")["total_items"]
    assert by_uuid == get_json(client, "/hsds/services?taxonomy_term_id=leefgebied-geldzaken&per_page=1")["total_items"]


# -- errors --------------------------------------------------------------------------------------------
def test_parameters_a_schema_cannot_tie_together_are_answered_not_refused(client):
    """Every request the description allows gets an answer (issue 18 §6): minimal goes before full,
    proximity without a postcode counts for nothing, an unknown postcode is a 404 as in /api/v1."""
    minimal = get_json(client, "/hsds/services?minimal=true&full=true&per_page=5")
    assert minimal == get_json(client, "/hsds/services?minimal=true&per_page=5")
    assert all(set(s) == {"id", "name", "status", "last_modified"} for s in minimal["contents"])
    everything = get_json(client, "/hsds/services?per_page=1")["total_items"]
    assert get_json(client, "/hsds/services?proximity=1000&per_page=1")["total_items"] == everything
    for path in ("/hsds/services", "/hsds/service_at_locations"):
        body = get_json(client, f"{path}?postcode=1000AA", 404)
        assert body["invalidParams"][0]["name"] == "postcode" and "1000 AA" in body["detail"]


@pytest.mark.parametrize("url, parameter", [
    ("/hsds/services?page=0", "page"),
    ("/hsds/services?page=twee", "page"),
    ("/hsds/services?per_page=101", "per_page"),
    ("/hsds/services?per_page=1&per_page=2", "per_page"),
    ("/hsds/services?full=misschien", "full"),
    ("/hsds/services?taxonomy_term_id=geldzaken", "taxonomy_term_id"),
    ("/hsds/services?taxonomy_id=onbekend", "taxonomy_id"),
    ("/hsds/services?organization_id=%20kapot", "organization_id"),
    ("/hsds/services?modified_after=gisteren", "modified_after"),
    ("/hsds/services?postcode=12", "postcode"),
    ("/hsds/service_at_locations?postcode=00000000000000000000", "postcode"),
    ("/hsds/services?postcode=4461AB&proximity=-5", "proximity"),
    ("/hsds/services?search=" + "x" * 201, "search"),
    ("/hsds/services?format=ndjson", "format"),
    ("/hsds/services?lifeDomain=geldzaken", "lifeDomain"),
    ("/hsds/service_at_locations?minimal=true", "minimal"),
    ("/hsds/organizations?full_service=ja", "full_service"),
    ("/hsds/organizations/demo-org-gm0664-swt?full=true", "full"),
    ("/hsds/taxonomies?taxonomy_id=socialekaart-treden", "taxonomy_id"),
    ("/hsds/taxonomy_terms?taxonomy_id=x", "taxonomy_id"),
    ("/hsds/taxonomy_terms?parent_id=x", "parent_id"),
    ("/hsds/services/demo-svc-gm0664-0001?full=true", "full"),
])
def test_bad_parameters_are_a_400_problem_naming_the_parameter(client, url, parameter):
    body = get_json(client, url, 400)
    assert body["status"] == 400 and body["title"] == "Ongeldige invoer"
    assert parameter in body["detail"]
    assert parameter in {p["name"] for p in body["invalidParams"]}
    assert all(p["reason"] for p in body["invalidParams"])


@pytest.mark.parametrize("url", [
    "/hsds/services/bestaat-niet", "/hsds/service_at_locations/bestaat-niet", "/hsds/organizations/bestaat-niet",
    "/hsds/taxonomies/bestaat-niet", "/hsds/taxonomy_terms/leefgebied-bestaat-niet", "/hsds/nergens",
])
def test_unknown_ids_are_a_404_problem(client, url):
    body = get_json(client, url, 404)
    assert body["status"] == 404 and body["detail"]
