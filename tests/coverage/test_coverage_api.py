"""/api/v1/coverage and /api/v1/gaps on the hand-built region: who may see what, the figures as the API
gives them, and the downloads (CSV, GeoJSON, printable report)."""
from __future__ import annotations

import csv
import io

import pytest

from socialekaart.places.geo import haversine_m
from tests.coverage import coverage_fixture as fx

# Hand-computed numbers: without the cell-key noise (conftest.no_noise).
pytestmark = pytest.mark.usefixtures("without_noise")


def get(api, scenario, who: str, path: str):
    return api.get(path, headers=scenario.actors[who].headers)


@pytest.mark.parametrize("path", ["/api/v1/coverage", "/api/v1/gaps", "/api/v1/coverage/report"])
def test_sign_in_is_required(api, path):
    response = api.get(path)
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json" and response.headers["WWW-Authenticate"]


@pytest.mark.parametrize("who, path, status", [
    ("swt", "/api/v1/coverage?area=GM0001", 403),  # a professional sees no aggregates
    ("tweedorp", "/api/v1/coverage?area=GM0001", 403),  # another gemeente
    ("tweedorp", "/api/v1/gaps?area=WK000101", 403),
    ("coordinator", "/api/v1/coverage?area=RG-test", 403),  # above its own gemeente
    ("coordinator", "/api/v1/coverage?area=WK000102", 200),
    ("coordinator", "/api/v1/coverage/report?area=GM0001", 200),
    ("regio", "/api/v1/coverage?area=GM0002", 200),
    ("regio", "/api/v1/gaps?area=BU00010101", 200),
    ("admin", "/api/v1/coverage?area=GM0002", 200),
    ("coordinator", "/api/v1/coverage?area=GM9999", 404),
    ("coordinator", "/api/v1/coverage?area=Eerstedorp", 400),
    ("coordinator", "/api/v1/coverage?area=GM0001&lifeDomain=zwemmen", 400),
    ("coordinator", "/api/v1/coverage?gemeente=GM0001", 400),  # unknown parameter
    ("coordinator", "/api/v1/gaps?indicator=alles", 400),
    ("coordinator", "/api/v1/coverage?area=GM0001&format=geojson", 200),  # every leefgebied on one map
])
def test_roles_and_areas(api, scenario, who, path, status):
    response = get(api, scenario, who, path)
    assert response.status_code == status, response.get_data(as_text=True)
    if status >= 400:
        body = response.get_json()
        assert response.mimetype == "application/problem+json" and body["status"] == status and body["detail"]


def test_coverage_of_a_gemeente_with_its_wijken(api, scenario):
    body = get(api, scenario, "coordinator", "/api/v1/coverage?lifeDomain=sociaal-netwerk").get_json()
    assert body["area"] == {"code": "GM0001", "name": "Eerstedorp", "displayName": "Gemeente Eerstedorp",
                            "kind": "gemeente", "parentCode": "RG-test", "population": 3500}
    assert body["path"] == []  # nothing above its own gemeente for this coordinator
    assert body["lifeDomains"] == [{"code": "sociaal-netwerk", "label": "Sociaal netwerk"}]
    assert body["suppressionThreshold"] == 5 and body["thresholds"]["reachThresholdM"] == 1500
    [summary] = body["summary"]
    assert summary["supply"] == {
        "byRung": {"eigen-kracht": {"formal": 0, "informal": 0}, "informeel": {"formal": 0, "informal": 1},
                   "voorliggend": {"formal": 1, "informal": 0}, "licht": {"formal": 1, "informal": 0},
                   "maatwerk": {"formal": 0, "informal": 0}},
        "formal": 2, "informal": 1, "socialeBasis": 2, "total": 3, "socialeBasisPer1000": round(2000 / 3500, 3),
        # The robust figure is in the API too: pulled from 0,571 toward the other gemeente of the regio.
        "socialeBasisPer1000Robust": 0.901}
    assert [c["area"]["code"] for c in body["children"]] == ["WK000101", "WK000102"]
    noord = body["children"][0]["records"][0]
    mean = (1000 * haversine_m(fx.NOORD_A, fx.MAATJES) + 1500 * haversine_m(fx.NOORD_B, fx.MAATJES)) / 2500
    assert noord["reach"]["sociale-basis"] == {"meanDistanceM": round(mean), "shareBeyond": 0.6,
                                               "inwonersBeyond": 1500, "inwoners": 2500}
    assert noord["displayName"] == "Wijk Noord (Eerstedorp)" and noord["gaps"] == 1  # too far (1 service for 2,500 against 1 for 1,000 is chance: no "too few")
    assert noord["ageGroups"]["0-14"] == 400


def test_referral_counts_are_aggregates_with_small_counts_suppressed(api, scenario):
    body = get(api, scenario, "regio", "/api/v1/coverage?area=WK000102&lifeDomain=geldzaken").get_json()
    [record] = body["summary"]
    assert record["need"] == {"figures": [], "referrals": 11, "declinedCapacity": 6,
                              "declinedOutsideArea": None,  # 1: fewer than 5, not shown
                              "toMaatwerk": 10, "toSocialeBasis": None, "maatwerkWithoutLightNearby": 10}
    assert record["capacity"] == {"servicesWithWait": 1, "meanWaitWeeks": 6.0, "maxWaitWeeks": 6}
    assert [c["area"]["code"] for c in body["children"]] == ["BU00010201"]
    assert [a["code"] for a in body["path"]] == ["RG-test", "GM0001"]  # the regio coordinator may go up


def test_gaps_ranked_filtered_and_paged(api, scenario):
    body = get(api, scenario, "coordinator", "/api/v1/gaps?area=GM0001&pageSize=3").get_json()
    assert body["total"] == 11 + 12 + 7 and (body["page"], body["pageSize"]) == (1, 3)
    assert [g["rank"] for g in body["items"]] == [1, 2, 3]
    assert all(g["indicator"] == "geen-basisaanbod" and g["areaCode"] == "WK000101" for g in body["items"])

    only = get(api, scenario, "coordinator", "/api/v1/gaps?lifeDomain=geldzaken&indicator=geen-capaciteit"
                                             "&indicator=vooral-maatwerk").get_json()
    assert [(g["rank"], g["indicator"], g["areaCode"]) for g in only["items"]] == [
        (1, "vooral-maatwerk", "WK000102"), (2, "geen-capaciteit", "WK000102")]
    capacity = only["items"][1]
    assert capacity["explanation"] == ("Wijk Zuid (Eerstedorp): 6 van de 11 doorverwijzingen voor geldzaken zijn "
                                       "afgewezen wegens geen capaciteit; gemiddelde wachttijd 6,0 weken.")
    assert capacity["severity"] == round(6 / 11, 3) and capacity["affected"] == 6
    assert capacity["indicatorLabel"] == "Afgewezen: geen capaciteit" and capacity["lifeDomainLabel"] == "Geldzaken"

    tweedorp = get(api, scenario, "tweedorp", "/api/v1/gaps").get_json()
    assert tweedorp["area"]["code"] == "GM0002" and tweedorp["total"] == 13
    assert {g["areaCode"] for g in tweedorp["items"]} == {"WK000201"}


def test_csv_export(api, scenario):
    response = get(api, scenario, "coordinator", "/api/v1/coverage?area=GM0001&lifeDomain=sociaal-netwerk"
                                                 "&lifeDomain=geldzaken&format=csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == 'attachment; filename="inventarisatie-GM0001.csv"'
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text[1:]), delimiter=";"))
    assert [(r["gebied"], r["leefgebied"]) for r in rows] == [
        ("GM0001", "geldzaken"), ("GM0001", "sociaal-netwerk"), ("WK000101", "geldzaken"),
        ("WK000101", "sociaal-netwerk"), ("WK000102", "geldzaken"), ("WK000102", "sociaal-netwerk")]
    noord = rows[3]
    assert (noord["naam"], noord["inwoners"], noord["informele hulp: informeel"],
            noord["lichte ondersteuning: formeel"], noord["sociale basis"], noord["sociale basis per 1000"], noord["aandeel inwoners buiten bereik"],
            noord["inwoners buiten bereik"], noord["knelpunten"]) == \
        ("Wijk 01 Noord", "2500", "1", "1", "1", "0,4", "0,6", "1500", "1")
    assert noord["sociale basis per 1000 (robuust)"] == "0,571"  # the gemeente's 2 per 3,500
    zuid_geld = rows[4]
    assert (zuid_geld["doorverwijzingen"], zuid_geld["afgewezen: geen capaciteit"],
            zuid_geld["afgewezen: buiten werkgebied"], zuid_geld["gemiddelde wachttijd (weken)"]) == \
        ("11", "6", "<5", "6")


def test_geojson_for_a_choropleth(api, scenario):
    response = get(api, scenario, "coordinator", "/api/v1/coverage?area=GM0001&lifeDomain=sociaal-netwerk"
                                                 "&format=geojson")
    assert response.status_code == 200 and response.mimetype == "application/geo+json"
    body = response.get_json()
    assert body["type"] == "FeatureCollection" and body["lifeDomain"] == "sociaal-netwerk"
    assert [f["id"] for f in body["features"]] == ["WK000101", "WK000102"]
    for feature in body["features"]:
        assert feature["type"] == "Feature" and feature["geometry"]["type"] == "Polygon"
        assert len(feature["geometry"]["coordinates"][0]) == 5
    noord, zuid = (f["properties"] for f in body["features"])
    assert (noord["socialeBasisPer1000"], noord["shareBeyondReach"], noord["informeelInformal"],
            noord["lichtFormal"], noord["gaps"], noord["displayName"]) == \
        (0.4, 0.6, 1, 1, 1, "Wijk Noord (Eerstedorp)")
    assert (zuid["socialeBasisPer1000"], zuid["shareBeyondReach"], zuid["voorliggendFormal"]) == (1.0, 0.0, 1)
    # One service each for 2,500 and 1,000 inwoners differ by chance only: both get their gemeente's 2 / 3.5.
    assert noord["socialeBasisPer1000Robust"] == zuid["socialeBasisPer1000Robust"] == round(2 / 3.5, 3)
    buurt = get(api, scenario, "coordinator", "/api/v1/coverage?area=BU00010102&lifeDomain=geldzaken"
                                              "&format=geojson").get_json()
    assert [f["id"] for f in buurt["features"]] == ["BU00010102"]  # no areas inside: the area itself
    every = get(api, scenario, "coordinator", "/api/v1/coverage?area=GM0001&format=geojson").get_json()
    assert every["lifeDomain"] is None and len(every["lifeDomains"]) > 1
    assert len(every["features"]) == 2 * len(every["lifeDomains"])
    by_id = {f["id"]: f["properties"] for f in every["features"]}
    assert by_id["WK000101/sociaal-netwerk"] == noord and by_id["WK000102/sociaal-netwerk"] == zuid


def test_gaps_csv_and_printable_report(api, scenario):
    response = get(api, scenario, "coordinator", "/api/v1/gaps?format=csv&indicator=niet-gecontroleerd")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True)[1:]), delimiter=";"))
    assert rows == [["rang", "indicator", "gebied", "naam", "leefgebied", "ernst", "getroffen", "toelichting"],
                    ["1", "Gegevens niet gecontroleerd", "GM0001", "Gemeente Eerstedorp", "", "0,5", "3",
                     "Gemeente Eerstedorp: 3 van de 6 voorzieningen (50%) zijn langer dan 12 maanden niet "
                     "gecontroleerd."]]

    report = get(api, scenario, "coordinator", "/api/v1/coverage/report?area=GM0001")
    assert report.status_code == 200 and report.mimetype == "text/html"
    html = report.get_data(as_text=True)
    assert "<h1>Lokale inventarisatie Gemeente Eerstedorp</h1>" in html and 'lang="nl"' in html
    assert "10 van de 11 doorverwijzingen voor geldzaken (91%) gingen naar maatwerk" in html
    assert "Wijk Noord (Eerstedorp)" in html and "Stand van 01-11-2026" in html
    assert "style=" not in html and "<script" not in html  # works under a strict Content-Security-Policy
    # Kerncijfers add up: CBS gives the gemeente no age bands, its wijken do (400 + 250).
    assert "<dt>0-14 jaar</dt><dd>650</dd>" in html and "<dt>Inwoners</dt><dd>3.500</dd>" in html
    regio = get(api, scenario, "regio", "/api/v1/coverage/report?area=RG-test").get_data(as_text=True)
    assert "<dt>Inwoners</dt><dd>5.550</dd>" in regio  # 3,500 + 2,050: CBS gives a regio nothing


def test_inventarisatie_figures_show_in_the_coverage(api, scenario):
    from socialekaart.coverage.needs import Need

    scenario.coverage.save_needs([Need("WK000201", "woning", "Wachtenden op een sociale huurwoning", 62, 2025,
                                       "Dialoogtafel Tweedorp", "jongvolwassenen")])
    body = get(api, scenario, "tweedorp", "/api/v1/coverage?area=GM0002&lifeDomain=woning").get_json()
    assert body["summary"][0]["need"]["figures"] == []  # figures belong to exactly one area
    assert body["children"][0]["records"][0]["need"]["figures"] == [
        {"indicator": "Wachtenden op een sociale huurwoning", "value": 62, "year": 2025,
         "source": "Dialoogtafel Tweedorp", "targetGroup": "jongvolwassenen"}]


def test_openapi_documents_the_endpoints(api):
    spec = api.get("/api/v1/openapi.json").get_json()
    for path in ("/coverage", "/gaps", "/coverage/report"):  # relative to servers[0].url, /api/v1
        operation = spec["paths"][path]["get"]
        assert {"400", "401", "403"} <= set(operation["responses"]), path
        assert operation["security"] == [{"bearerAuth": []}]
    assert {"text/csv", "application/geo+json", "application/json"} <= \
        set(spec["paths"]["/coverage"]["get"]["responses"]["200"]["content"])
