"""socialekaart.hsds: our data as HSDS 3.0 objects (pure mapping, no database)."""
from __future__ import annotations

import json
from dataclasses import replace
from datetime import date

import pytest

from graph.stores import hsds as hsds_reads
from socialekaart.catalog import hsds
from socialekaart.catalog.model import Organization
from socialekaart.catalog.records import HsdsService
from socialekaart.shared import taxonomy
from socialekaart.shared.hours import WeeklyHours
from tests.hsds_validation import assert_valid, errors

SERVICE = HsdsService(**{
    "id": "svc-1", "organization_id": "org-1", "org_name": "Welzijn Goes", "org_kind": "welzijnsorganisatie",
    "formal": True, "name": "Schuldhulp spreekuur", "description": "Hulp bij rekeningen.", "rung": "voorliggend",
    "life_domains": ("geldzaken", "dagelijkse-activiteiten"), "target_groups": ("schulden",), "age_min": 18,
    "age_max": None, "cost": "eigen-bijdrage", "cost_note": "Vijf euro per keer.",
    "hours": tuple(WeeklyHours.parse("ma-vr 09:00-12:00; wo 13:00-15:00").minutes()), "phone": "0113 123456",
    "email": "info@welzijn.example.nl", "website": "https://welzijn.example.nl", "crisis_24h": False,
    "independent_support": True, "wait_weeks": 2, "capacity_note": None, "confidential": False,
    "serves": ("WK066401",), "last_verified": "2025-03-01", "modified": "2025-03-02T10:00:00+00:00",
    "location_id": "loc-1", "address": "Markt 1", "postcode": "4461 AB", "city": "Goes", "point_kind": "locatie",
    "lat": 51.5, "lon": 3.89, "buurt_code": "BU06640101", "wijk_code": "WK066401", "wijk_name": "Goes-Centrum",
    "gemeente_code": "GM0664", "gemeente_name": "Goes",
})
ANY_UUID = "3f0c1c2e-7b1a-4b6e-9c1d-2a3b4c5d6e7f"
CONFIDENTIAL = replace(SERVICE, id="svc-2", confidential=True, location_id="loc-geheim",
                       address="Geheimstraat 7", postcode="4461 ZZ", lat=51.123456, lon=3.654321,
                       point_kind="wijk", buurt_code=None, serves=())


def test_term_ids_round_trip_for_every_term():
    for vocabulary, terms in (("lifeDomain", taxonomy.LIFE_DOMAINS), ("targetGroup", taxonomy.TARGET_GROUPS),
                              ("rung", taxonomy.RUNGS), ("organizationKind", taxonomy.ORGANIZATION_KINDS),
                              ("feature", hsds.FEATURES)):
        for term in terms:
            assert hsds.parse_term_id(hsds.term_id(vocabulary, term.code)) == (vocabulary, term.code)
    # The HSDS id is a stable UUID of the readable key; both forms are read back.
    assert hsds.term_key("lifeDomain", "geldzaken") == "leefgebied-geldzaken"
    assert hsds.term_key("rung", "eigen-kracht") == "trede-eigen-kracht"
    assert hsds.term_id("lifeDomain", "geldzaken") == hsds.derived_id("taxonomy_term", "leefgebied-geldzaken")
    assert hsds.UUID_PATTERN.match(hsds.term_id("lifeDomain", "geldzaken"))
    assert hsds.parse_term_id("doelgroep-ggz-clienten") == ("targetGroup", "ggz-clienten")
    assert hsds.parse_term_id(hsds.term_id("targetGroup", "ggz-clienten")) == ("targetGroup", "ggz-clienten")
    for bad in ("", "geldzaken", "leefgebied-", "leefgebied-onbekend", "onbekend-geldzaken"):
        assert hsds.parse_term_id(bad) is None
    with pytest.raises(ValueError):
        hsds.term_id("lifeDomain", "onbekend")


def test_taxonomies_and_terms_are_stable_and_valid():
    assert [t["id"] for t in hsds.TAXONOMIES] == [hsds.derived_id("taxonomy", name) for name in (
        "socialekaart-leefgebieden", "socialekaart-doelgroepen", "socialekaart-treden",
        "socialekaart-organisatiesoorten", "socialekaart-kenmerken")]
    terms = hsds.taxonomy_terms()
    assert len({t["id"] for t in terms}) == len(terms) == (
        len(taxonomy.LIFE_DOMAINS) + len(taxonomy.TARGET_GROUPS) + len(taxonomy.RUNGS)
        + len(taxonomy.ORGANIZATION_KINDS) + len(hsds.FEATURES) + 1)  # + the term that holds our own id
    for tax in hsds.TAXONOMIES:
        assert_valid("taxonomy", tax)
    for term in terms:
        assert_valid("taxonomy_term", term)
        assert term["taxonomy_id"] in hsds.VOCABULARY_OF_TAXONOMY or term == hsds.OWN_ID_TERM


def test_the_store_has_a_condition_for_every_term_and_taxonomy():
    assert set(hsds_reads.FEATURE_CONDITIONS) == {t.code for t in hsds.FEATURES}
    assert set(hsds_reads.TERM_CONDITIONS) | {"feature"} == set(hsds.VOCABULARY_OF_TAXONOMY.values())
    assert set(hsds_reads.TAXONOMY_CONDITIONS) == set(hsds.VOCABULARY_OF_TAXONOMY.values())


def test_hours_become_weekly_schedules():
    winter = date(2026, 12, 3)
    found = hsds.schedules("svc-1", WeeklyHours.parse("ma-vr 09:00-12:00; wo 13:00-15:00; za 10:00-12:00").minutes(),
                           on=winter)
    assert [(s["byday"], s["opens_at"], s["closes_at"]) for s in found] == [
        ("MO,TU,WE,TH,FR", "09:00+01:00", "12:00+01:00"), ("WE", "13:00+01:00", "15:00+01:00"),
        ("SA", "10:00+01:00", "12:00+01:00")]
    assert all(s["timezone"] == 1 for s in found)
    assert all(s["freq"] == "WEEKLY" and s["service_id"] == hsds.public_id("service", "svc-1") for s in found)
    assert found[0]["description"] == "ma-vr 09:00-12:00"
    always = hsds.schedules("svc-1", WeeklyHours.parse("24/7").minutes(), on=date(2026, 7, 3))
    assert [(s["byday"], s["opens_at"], s["closes_at"], s["timezone"]) for s in always] == [
        ("MO,TU,WE,TH,FR,SA,SU", "00:00+02:00", "24:00+02:00", 2)]  # summer time
    assert hsds.schedules("svc-1", []) == []


def test_service_in_full_is_valid_deterministic_and_complete():
    body = hsds.service_to_hsds(SERVICE, full=True, area_names={"WK066401": "Goes-Centrum"})
    assert_valid("service", body)
    assert hsds.service_to_hsds(replace(SERVICE), full=True, area_names={"WK066401": "Goes-Centrum"}) == body
    terms = {hsds.parse_term_id(a["taxonomy_term_id"]) for a in body["attributes"] if not hsds.is_own_id_attribute(a)}
    assert terms == {("rung", "voorliggend"), ("lifeDomain", "geldzaken"), ("lifeDomain", "dagelijkse-activiteiten"),
                     ("targetGroup", "schulden"), ("feature", "onafhankelijke-clientondersteuning")}
    assert hsds.own_id(body) == "svc-1" and body["id"] == hsds.public_id("service", "svc-1")
    assert body["cost_options"] == [{"id": body["cost_options"][0]["id"], "service_id": body["id"],
                                     "option": "Eigen bijdrage", "currency": "EUR",
                                     "amount_description": "Vijf euro per keer."}]
    assert body["fees_description"] == "Vijf euro per keer." and body["wait_time"] == "2 weken"
    assert body["minimum_age"] == 18 and "maximum_age" not in body  # HSDS fields are never null
    assert body["service_areas"][0]["name"] == "Goes-Centrum"
    assert body["service_areas"][0]["description"] == "CBS-code WK066401"
    location = body["service_at_locations"][0]["location"]
    assert location["id"] == hsds.public_id("location", "loc-1") and location["addresses"][0]["address_1"] == "Markt 1"
    assert body["phones"][0]["number"] == "0113 123456"
    assert body["contacts"][0]["email"] == "info@welzijn.example.nl"
    flat = hsds.service_to_hsds(SERVICE, full=False)
    assert_valid("service", flat)
    assert not {"schedules", "phones", "service_at_locations"} & set(flat)
    assert all(hsds.is_own_id_attribute(a) for a in flat["attributes"]) and hsds.own_id(flat) == "svc-1"


def test_free_service_has_no_cost_options():
    body = hsds.service_to_hsds(replace(SERVICE, cost="gratis", cost_note=None), full=True)
    assert body["cost_options"] == [] and body["fees_description"] == "Gratis"


def test_confidential_location_shows_only_the_wijk():
    body = hsds.service_to_hsds(CONFIDENTIAL, full=True)
    sal = hsds.service_at_location_to_hsds(CONFIDENTIAL, full=True)
    assert_valid("service", body)
    assert_valid("service_at_location", sal)
    location = sal["location"]
    assert location["location_type"] == "virtual" and location["name"] == "Goes-Centrum"
    assert location["external_identifier"] == "WK066401"
    text = json.dumps([body, sal])
    for secret in ("loc-geheim", "Geheimstraat", "4461 ZZ", "51.123456", "3.654321"):
        assert secret not in text
    assert ("feature", "vertrouwelijk") in {hsds.parse_term_id(a["taxonomy_term_id"]) for a in body["attributes"]}


def test_werkgebied_only_service_has_no_service_at_location():
    werkgebied = replace(SERVICE, location_id=None, address=None, lat=None, lon=None, point_kind=None)
    assert hsds.service_at_location_to_hsds(werkgebied, full=True) is None
    assert hsds.service_to_hsds(werkgebied, full=True)["service_at_locations"] == []


def test_organization_with_kind_informal_mark_and_services():
    org = Organization("org-1", "Buurtnetwerk", "vrijwilligersnetwerk", formal=False, phone="0113 654321")
    body = hsds.organization_to_hsds(org, [SERVICE], full=True, full_services=True)
    assert_valid("organization", body)
    assert body["description"] == "Buurtnetwerk"  # HSDS requires one: the name, never an empty string
    assert [hsds.parse_term_id(a["taxonomy_term_id"]) for a in body["attributes"]
            if not hsds.is_own_id_attribute(a)] == [("organizationKind", "vrijwilligersnetwerk"), ("feature", "informeel")]
    assert_valid("service", body["services"][0])
    assert "attributes" in body["services"][0]
    minimal = hsds.organization_to_hsds(org, None, full=False)
    assert set(minimal) == {"id", "name", "description", "attributes"} and hsds.own_id(minimal) == "org-1"


def test_validation_helper_catches_what_hsds_forbids():
    assert errors("service", {"id": ANY_UUID, "name": "n", "status": "active"}) == []
    assert any("status" in e for e in errors("service", {"id": ANY_UUID, "name": "n", "status": "open"}))
    assert any("'name' is a required" in e for e in errors("service", {"id": ANY_UUID, "status": "active"}))
    assert errors("service", {"id": ANY_UUID, "name": "n", "status": "active", "email": "geen-adres"})
    assert errors("service", {"id": ANY_UUID, "name": "n", "status": "active", "last_modified": "gisteren"})
    assert errors("service", {"id": ANY_UUID, "name": "n", "status": "active", "phones": [{"id": "p"}]})  # no number


def test_public_ids_are_pinned_so_a_change_of_namespace_or_path_cannot_pass_unseen():
    """Partners store our HSDS ids: they may never change. Literal values, not recomputed by the code."""
    assert hsds.public_id("service", "demo-svc-gm0664-0024") == "7ca11c2d-cd21-591b-9e55-38f50034f223"
    assert hsds.public_id("organization", "demo-org-gm0664-swt") == "ee07060b-fb21-5536-86cb-e837440ebc67"
    assert hsds.derived_id("service", "svc-1", "schedule", "0") == "2dc6e187-7d19-5f19-b9fc-93a3cde837b3"
