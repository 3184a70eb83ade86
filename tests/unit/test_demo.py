"""Unit tests for socialekaart.demo: the fictional demo data set."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections import Counter, defaultdict
from datetime import date
from pathlib import Path

import pytest

from importers.demo import generator as demo
from importers.demo.generator import DemoData, generate_demo, target_service_count
from socialekaart.places.geocoding import PostcodeTable
from socialekaart.shared import taxonomy
from socialekaart.shared.hours import WeeklyHours
from socialekaart.shared.validation import ID_PATTERN, PHONE_PATTERN

ROOT = Path(__file__).resolve().parents[2]
CBS_DIR = ROOT / "socialekaart" / "data" / "cbs"

# Fallback when the CBS files are not (yet) in the project: real codes, names and 2015
# populations, with a few made-up wijken per gemeente.
ZEELAND = (
    ("GM0654", "Borsele", 22568), ("GM0664", "Goes", 37153), ("GM0677", "Hulst", 27360),
    ("GM0678", "Kapelle", 12545), ("GM0687", "Middelburg", 47613), ("GM0703", "Reimerswaal", 22058),
    ("GM0715", "Terneuzen", 54577), ("GM0716", "Tholen", 25440), ("GM0717", "Veere", 21926),
    ("GM0718", "Vlissingen", 44485), ("GM1676", "Schouwen-Duiveland", 33821),
    ("GM1695", "Noord-Beveland", 7433), ("GM1714", "Sluis", 23747),
)
SOCIALE_BASIS = ("eigen-kracht", "informeel", "voorliggend")
REAL_NAMES = ("smwo", "emergis", "zeeuwse gronden", "porthos", "buurtzorg", "veilig thuis", "humanitas",
              "leger des heils", "zorgstroom", "cliëntenbelang")


def _zeeland_input() -> tuple[list[dict], list[dict]]:
    gemeente_file = CBS_DIR / "gemeente_2015_zeeland.geojson"
    wijk_file = CBS_DIR / "wijk_2015_zeeland.geojson"
    if gemeente_file.exists() and wijk_file.exists():
        features = json.loads(gemeente_file.read_text(encoding="utf-8"))["features"]
        gemeenten = [{"code": f["properties"]["GM_CODE"], "name": f["properties"]["GM_NAAM"],
                      "population": f["properties"]["AANT_INW"]} for f in features]
        codes = {g["code"] for g in gemeenten}
        features = json.loads(wijk_file.read_text(encoding="utf-8"))["features"]
        wijken = [{"code": f["properties"]["WK_CODE"], "name": f["properties"]["WK_NAAM"],
                   "parent_code": f["properties"]["GM_CODE"], "population": f["properties"]["AANT_INW"]}
                  for f in features if f["properties"]["GM_CODE"] in codes]
        return gemeenten, wijken
    gemeenten = [{"code": code, "name": name, "population": pop} for code, name, pop in ZEELAND]
    wijken = [{"code": f"WK{code[2:]}{n:02d}", "name": f"Wijk {n:02d} {name}", "parent_code": code,
               "population": pop // 3} for code, name, pop in ZEELAND for n in range(3)]
    return gemeenten, wijken


def _gemeente_of(service_or_org_id: str) -> str:
    """'demo-svc-gm0664-0001' -> 'GM0664'."""
    return service_or_org_id.split("-")[2].upper()


@pytest.fixture(scope="module")
def zeeland() -> tuple[list[dict], list[dict]]:
    return _zeeland_input()


@pytest.fixture(scope="module")
def table() -> PostcodeTable:
    return PostcodeTable()


@pytest.fixture(scope="module")
def data(zeeland, table) -> DemoData:
    gemeenten, wijken = zeeland
    return generate_demo(gemeenten, wijken, postcodes=table)


@pytest.fixture(scope="module")
def wijken_by_gemeente(zeeland) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = defaultdict(list)
    for wijk in zeeland[1]:
        grouped[wijk["parent_code"]].append(wijk["code"])
    return {code: sorted(codes) for code, codes in grouped.items()}


@pytest.fixture(scope="module")
def services_by_gemeente(data) -> dict[str, list]:
    grouped: dict[str, list] = defaultdict(list)
    for service in data.services:
        grouped[_gemeente_of(service.id)].append(service)
    return grouped


# --- determinism -------------------------------------------------------------------------------

def test_same_seed_gives_identical_output(zeeland, table, data):
    again = generate_demo(*zeeland, postcodes=table)
    assert again == data


def test_another_seed_gives_other_output(zeeland, table, data):
    other = generate_demo(*zeeland, seed=7, postcodes=table)
    assert other.services != data.services


def test_output_does_not_depend_on_input_order(zeeland, table, data):
    gemeenten, wijken = zeeland
    shuffled = generate_demo(list(reversed(gemeenten)), list(reversed(wijken)), postcodes=table)
    assert shuffled == data


def test_a_gemeente_does_not_change_when_others_are_left_out(zeeland, table, services_by_gemeente):
    gemeenten, wijken = zeeland
    goes = [g for g in gemeenten if g["code"] == "GM0664"]
    alone = generate_demo(goes, wijken, postcodes=table)
    assert alone.services == services_by_gemeente["GM0664"]


_DIGEST_SCRIPT = """
import hashlib, json, sys
from importers.demo.generator import generate_demo
gemeenten, wijken = json.load(sys.stdin)
print(hashlib.sha256(repr(generate_demo(gemeenten, wijken)).encode()).hexdigest())
"""


def test_same_output_across_processes_with_other_hash_seeds(zeeland):
    """No set or dict-hash order leaks into the output."""
    small = ([g for g in zeeland[0] if g["code"] in ("GM0664", "GM1695")], zeeland[1])
    digests = set()
    for hash_seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed, "PYTHONPATH": str(ROOT)}
        result = subprocess.run([sys.executable, "-c", _DIGEST_SCRIPT], input=json.dumps(small), env=env,
                                capture_output=True, text=True, check=True, cwd=ROOT)
        digests.add(result.stdout.strip())
    assert len(digests) == 1


# --- volume and the ladder -------------------------------------------------------------------

def test_at_least_1500_services_for_zeeland(data):
    assert len(data.services) >= 1500


def test_services_scale_with_population(zeeland, services_by_gemeente):
    for gemeente in zeeland[0]:
        assert len(services_by_gemeente[gemeente["code"]]) >= target_service_count(gemeente["population"])
    assert target_service_count(None) == target_service_count(0) == demo.MIN_SERVICES
    assert target_service_count(100_000) == 420


def test_every_rung_in_every_gemeente(zeeland, services_by_gemeente):
    all_rungs = {r.code for r in taxonomy.RUNGS}
    for gemeente in zeeland[0]:
        assert {s.rung for s in services_by_gemeente[gemeente["code"]]} == all_rungs, gemeente["name"]


def test_one_sociaal_wijkteam_per_gemeente_serving_all_its_wijken(zeeland, data, wijken_by_gemeente):
    teams = [o for o in data.organizations if o.kind == "sociaal-wijkteam"]
    assert sorted(_gemeente_of(o.id) for o in teams) == sorted(g["code"] for g in zeeland[0])
    for team in teams:
        code = _gemeente_of(team.id)
        assert team.id == f"demo-org-{code.lower()}-swt"
        services = [s for s in data.services if s.organization_id == team.id]
        assert services
        for service in services:
            assert service.rung == "licht"
            assert service.serves == wijken_by_gemeente[code]
            assert service.location is not None


def test_all_kinds_of_help_are_there(data):
    kinds = {o.kind for o in data.organizations}
    for kind in ("welzijnsorganisatie", "maatschappelijk-werk", "clientondersteuning", "sociaal-wijkteam",
                 "huisarts", "wijkverpleging", "ggz", "voedselbank", "schuldhulpverlening",
                 "vrijwilligersnetwerk", "ervaringsdeskundigen", "burgerinitiatief", "zorgaanbieder"):
        assert kind in kinds
    names = " ".join(s.name.lower() for s in data.services)
    for word in ("maatjesproject", "ouderenadviseurs", "mantelzorgsteunpunt", "buurthuis", "dagbesteding",
                 "begeleiding", "hulpmiddelen", "voedselpakketten", "wijkverpleging"):
        assert word in names


def test_every_gemeente_has_the_core_organisations(zeeland, data):
    per_gemeente = defaultdict(set)
    for org in data.organizations:
        per_gemeente[_gemeente_of(org.id)].add(org.kind)
    for gemeente in zeeland[0]:
        assert {"voedselbank", "schuldhulpverlening", "huisarts", "ggz", "zorgaanbieder",
                "vrijwilligersnetwerk"} <= per_gemeente[gemeente["code"]]


# --- validity and ids --------------------------------------------------------------------------

def test_every_organization_and_service_validates(data):
    for org in data.organizations:
        org.validate()
    for service in data.services:
        service.validate()


def test_ids_are_readable_unique_and_marked_demo(data):
    org_ids = [o.id for o in data.organizations]
    service_ids = [s.id for s in data.services]
    location_ids = [s.location.id for s in data.services if s.location]
    for ids in (org_ids, service_ids, location_ids):
        assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"demo-org-gm\d{4}-[a-z]+(-\d{2})?", i) for i in org_ids)
    assert all(re.fullmatch(r"demo-svc-gm\d{4}-\d{4}", i) for i in service_ids)
    assert all(re.fullmatch(r"demo-loc-gm\d{4}-\d{4}", i) for i in location_ids)
    assert all(ID_PATTERN.match(i) for i in org_ids + service_ids + location_ids)
    assert {o.source for o in data.organizations} == {s.source for s in data.services} == {"demo"}
    known = set(org_ids)
    assert all(s.organization_id in known for s in data.services)


def test_formal_follows_the_organisation_kind(data):
    for org in data.organizations:
        assert org.formal == (org.kind not in taxonomy.INFORMAL_KINDS)
    assert any(not o.formal for o in data.organizations)


def test_service_fields_are_sensible(data):
    for service in data.services:
        assert 1 <= len(service.life_domains) <= 3
        assert len(set(service.life_domains)) == len(service.life_domains)
        assert service.target_groups
        assert service.description.endswith(".")
        if service.age_min == 0:
            assert service.age_max == 17
        if service.age_min == 65:
            assert service.age_max is None
        if service.rung != "maatwerk":
            assert service.wait_weeks is None
    costs = Counter(s.cost for s in data.services)
    assert set(costs) == {"gratis", "eigen-bijdrage", "betaald"}
    assert costs["gratis"] > len(data.services) / 2
    assert any(s.wait_weeks for s in data.services)
    assert any(s.target_groups == ["iedereen"] for s in data.services)
    assert len({s.description for s in data.services}) > 100


def test_last_verified_dates_in_range_and_some_stale(data):
    dates = [s.last_verified for s in data.services]
    assert all(date(2024, 1, 1) <= d <= date(2026, 10, 31) for d in dates)
    stale = [d for d in dates if d < date(2025, 10, 31)]
    assert 0.1 < len(stale) / len(dates) < 0.4


def test_hours_are_varied_and_all_notations_parse():
    for options in demo.HOURS.values():
        for text in options:
            WeeklyHours.parse(text)


def test_hours_on_services(data):
    assert len({s.hours for s in data.services}) > 10
    assert any(not s.hours.known for s in data.services)


# --- places ------------------------------------------------------------------------------------

def test_located_services_sit_at_real_pc6_of_their_gemeente(zeeland, data, table):
    rows = {f"{r.postcode[:4]} {r.postcode[4:]}": r for r in table.pc6_rows()}
    names = {g["code"]: g["name"].lower() for g in zeeland[0]}
    located = [s for s in data.services if s.location]
    assert len(located) > 1000
    for service in located:
        loc = service.location
        row = rows[loc.postcode]
        assert (loc.lat, loc.lon) == (row.lat, row.lon)
        assert loc.city == row.woonplaats
        assert row.gemeente.lower().startswith(names[_gemeente_of(service.id)])  # "Middelburg (Z.)"
        assert re.fullmatch(r"[A-Z][a-z]+ \d{1,3}", loc.address)


def test_werkgebied_only_services_serve_wijken_of_their_gemeente(data, wijken_by_gemeente):
    mobile = [s for s in data.services if s.location is None]
    assert any(s.rung == "informeel" for s in mobile)
    for service in mobile:
        assert service.serves
        assert set(service.serves) <= set(wijken_by_gemeente[_gemeente_of(service.id)])
    assert any(len(s.serves) < len(wijken_by_gemeente[_gemeente_of(s.id)]) for s in mobile)


def test_gemeente_without_postcodes_gets_only_werkgebied_services(table):
    gemeenten = [{"code": "GM9999", "name": "Verzonnen Dorp", "population": 12_000}]
    wijken = [{"code": f"WK9999{n:02d}", "name": f"Wijk {n}", "parent_code": "GM9999", "population": 4000}
              for n in range(3)]
    result = generate_demo(gemeenten, wijken, postcodes=table)
    assert result.services
    assert all(s.location is None and s.serves for s in result.services)
    assert {s.rung for s in result.services} == {r.code for r in taxonomy.RUNGS}
    for service in result.services:
        service.validate()


def test_gemeente_without_wijken_is_served_as_a_whole(table):
    result = generate_demo([{"code": "GM0678", "name": "Kapelle", "population": 12545}], [], postcodes=table)
    team = [s for s in result.services if s.organization_id == "demo-org-gm0678-swt"]
    assert team and all(s.serves == ["GM0678"] for s in team)
    assert result.thin == []
    for service in result.services:
        service.validate()


def test_middelburg_is_matched_to_its_bag_name(data):
    assert any(s.location and s.location.city == "Middelburg" for s in data.services
               if s.id.startswith("demo-svc-gm0687-"))


# --- thin on purpose -------------------------------------------------------------------------

def test_thin_pairs_cover_whole_gemeenten(zeeland, data, wijken_by_gemeente):
    thin_domains = defaultdict(set)
    for wijk, domain in data.thin:
        assert domain in demo.THIN_CANDIDATES
        thin_domains[wijk[2:6]].add(domain)
    for gemeente in zeeland[0]:
        digits = gemeente["code"][2:]
        assert 1 <= len(thin_domains[digits]) <= 2
        for domain in thin_domains[digits]:
            listed = sorted(w for w, d in data.thin if d == domain and w[2:6] == digits)
            assert listed == wijken_by_gemeente[gemeente["code"]]
    assert len(data.thin) == len(set(data.thin))


def test_thin_pairs_really_have_no_sociale_basis_service(data, services_by_gemeente):
    for wijk, domain in data.thin:
        services = services_by_gemeente[f"GM{wijk[2:6]}"]
        assert not [s for s in services if s.rung in SOCIALE_BASIS and domain in s.life_domains], (wijk, domain)
        # ... but the sociaal wijkteam still helps with it.
        assert any(s.rung == "licht" and domain in s.life_domains and wijk in s.serves for s in services)


@pytest.mark.parametrize("code", ["GM0664", "GM0687", "GM0718"])
def test_geldzaken_and_sociaal_netwerk_well_covered_in_the_cities(data, services_by_gemeente, code):
    assert not [pair for pair in data.thin if pair[0][2:6] == code[2:]
                and pair[1] in ("geldzaken", "sociaal-netwerk")]
    for domain in ("geldzaken", "sociaal-netwerk"):
        nearby = [s for s in services_by_gemeente[code]
                  if s.rung in ("informeel", "voorliggend") and domain in s.life_domains and s.location]
        assert len(nearby) >= 5, domain


# --- special services and fictional contact data -------------------------------------------

def test_some_confidential_crisis_and_independent_services(data):
    confidential = [s for s in data.services if s.confidential]
    crisis = [s for s in data.services if s.crisis_24h]
    independent = [s for s in data.services if s.independent_client_support]
    assert confidential and crisis and independent
    assert all(s.location is not None for s in confidential)
    assert all(s.hours.always_open for s in crisis)
    assert any(s.organization_id.split("-")[3] == "ggz" for s in crisis)
    kinds = {o.id: o.kind for o in data.organizations}
    assert {kinds[s.organization_id] for s in independent} == {"clientondersteuning"}


def test_contact_data_is_fictional(data):
    items = [*data.organizations, *data.services]
    for item in items:
        if item.email:
            assert item.email.endswith(".example.nl") or item.email.endswith("@example.nl")
        if item.website:
            assert re.fullmatch(r"https://[a-z0-9.-]+\.example\.nl(/.*)?", item.website)
        if item.phone:
            assert PHONE_PATTERN.match(item.phone)
            # Subscriber numbers never start with 0: these reach nobody.
            assert re.fullmatch(r"0\d{3} 0\d{5}", item.phone)
    assert all(item.email for item in items)


def test_no_real_organisation_names(data):
    text = " ".join(f"{o.name} {o.description}" for o in data.organizations).lower()
    text += " ".join(f"{s.name} {s.description}" for s in data.services).lower()
    for real in REAL_NAMES:
        assert real not in text
