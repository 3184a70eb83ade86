"""GET /api/v1/services: every filter and their combinations on the demo region."""
from __future__ import annotations

import pytest

from socialekaart.shared import taxonomy

GOES = "postcode=4461AB"


def search(client, query: str) -> dict:
    response = client.get(f"/api/v1/services?{query}")
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def all_hits(client, query: str) -> list[dict]:
    hits, page = [], 1
    while True:
        body = search(client, f"{query}&pageSize=100&page={page}")
        hits += body["results"]
        if page >= body["pages"]:
            return hits
        page += 1


def test_text_search_with_prefix_and_organisation_name(client):
    hits = search(client, "q=schuld&pageSize=50")["results"]
    assert hits and all("schuld" in (h["name"] + h["description"] + h["organization"]["name"]).lower() for h in hits)
    org = hits[0]["organization"]["name"]
    by_org = search(client, f"q={org.split()[0]}&pageSize=100")["results"]
    assert any(h["organization"]["name"] == org for h in by_org)


def test_life_domain_filter_accepts_codes_labels_and_repeats(client):
    money = search(client, f"{GOES}&lifeDomain=geldzaken")
    assert money["total"] > 0
    assert all("geldzaken" in [d["code"] for d in h["lifeDomains"]] for h in money["results"])
    assert all(h["matchedLifeDomains"] == ["geldzaken"] for h in money["results"])
    for name in ("Geldzaken", "financi%C3%ABn"):  # the label, a synonym: as the enum lists them
        assert search(client, f"{GOES}&lifeDomain={name}")["total"] == money["total"]
    both = search(client, f"{GOES}&lifeDomain=geldzaken&lifeDomain=woning")
    assert both["total"] >= money["total"]
    # One value per parameter: a comma list is no value of the enum, so it is refused.
    assert client.get(f"/api/v1/services?{GOES}&lifeDomain=geldzaken,woning").status_code == 400


def test_target_group_includes_services_for_everyone(client):
    hits = all_hits(client, f"{GOES}&targetGroup=ouderen")
    groups = [{g["code"] for g in h["targetGroups"]} for h in hits]
    assert groups and all(g & {"ouderen", "iedereen"} for g in groups)
    assert any("ouderen" in g for g in groups)


@pytest.mark.parametrize("rung", [r.code for r in taxonomy.RUNGS])
def test_rung_filter(client, rung):
    hits = search(client, f"area=GM0664&rung={rung}&pageSize=100")["results"]
    assert hits and {h["rung"]["code"] for h in hits} == {rung}


@pytest.mark.parametrize("value", ["true", "false"])
def test_formal_filter(client, value):
    hits = search(client, f"{GOES}&formal={value}&pageSize=100")["results"]
    assert hits and all(h["organization"]["formal"] is (value == "true") for h in hits)


def test_age_filter(client):
    hits = all_hits(client, f"{GOES}&age=8")
    assert hits
    assert all((h["ageMin"] is None or h["ageMin"] <= 8) and (h["ageMax"] is None or h["ageMax"] >= 8) for h in hits)
    assert len(hits) < search(client, GOES)["total"]  # services for adults or ouderen drop out


def test_free_crisis_and_independent_support(client):
    free = search(client, "area=GM0664&free=true&pageSize=100")["results"]
    assert free and all(h["free"] and h["cost"] == "gratis" for h in free)
    crisis = search(client, "crisis=true&pageSize=100")["results"]
    assert crisis and all(h["crisis"] for h in crisis)
    independent = search(client, "independentClientSupport=true&pageSize=100")["results"]
    assert independent and all(h["independentClientSupport"] for h in independent)


def test_open_at_and_open_now(client):
    monday = search(client, "area=GM0664&openAt=2026-11-23T10:00:00%2B01:00")
    sunday_night = search(client, "area=GM0664&openAt=2026-11-29T03:00:00%2B01:00")
    assert monday["total"] > sunday_night["total"] > 0  # at night only 24/7 help is open
    night_hits = search(client, "area=GM0664&openAt=2026-11-29T03:00:00%2B01:00&pageSize=100")["results"]
    assert all(h["openingHours"] == "24/7" for h in night_hits)
    assert search(client, "area=GM0664&openAt=now")["total"] >= 1  # 24/7 help is always open


def test_pc4_and_spaced_pc6_work_like_pc6(client):
    pc4 = search(client, "postcode=4461&radius=3000")
    assert pc4["origin"]["precision"] == "pc4" and pc4["total"] > 0
    spaced = search(client, "postcode=4461%20ab&radius=3000")
    assert spaced["total"] == search(client, "postcode=4461AB&radius=3000")["total"] > 0


def test_radius_narrows(client):
    near = search(client, f"{GOES}&radius=500")["total"]
    far = search(client, f"{GOES}&radius=20000")["total"]
    assert 0 < near < far


def test_area_filters_nest(client):
    gemeente = search(client, "area=GM0664")["total"]
    wijk = search(client, "area=WK066401")["total"]
    buurt = search(client, "area=BU06640101")["total"]
    assert gemeente >= wijk >= buurt > 0
    hits = all_hits(client, "area=WK066401")
    assert all(h["area"]["wijk"] and h["area"]["wijk"]["code"] == "WK066401" or
               set(h["serves"]) & {"WK066401", "GM0664"} for h in hits)


def test_werkgebied_counts_as_nearby(client):
    # The SWT of Goes serves every wijk of Goes, so it is "here" at any Goes postcode, even far from its office.
    hits = all_hits(client, "postcode=4464&radius=100&rung=licht")
    swt = [h for h in hits if h["organization"]["kind"] == "sociaal-wijkteam"]
    assert swt and all(h["servesYourArea"] and h["distance"] == 0 and h["distanceTo"] == "werkgebied" for h in swt)
    assert all(h["organization"]["name"] == "Sociaal wijkteam Goes" for h in swt)


def test_confidential_locations_are_never_exposed(client):
    hits = [h for h in all_hits(client, "area=GM0664") if h["confidential"]]
    assert hits
    for hit in hits:
        assert hit["address"] is None
        assert hit["area"]["buurt"] is None and hit["area"]["wijk"] is not None
        if hit["position"]:
            assert hit["position"]["precision"] == "wijk"
    near = [h for h in all_hits(client, f"{GOES}&radius=20000") if h["confidential"] and not h["servesYourArea"]]
    assert near and all(h["distanceTo"] == "wijk" for h in near)
    detail = client.get(hits[0]["_links"]["self"]["href"]).get_json()
    assert detail["address"] is None and "Geheim" not in str(detail)


def test_default_order_is_lightest_fitting_rung_first(client):
    hits = all_hits(client, f"{GOES}&lifeDomain=geldzaken&radius=3000")
    levels = [h["rung"]["level"] for h in hits]
    assert levels == sorted(levels)
    light = [h for h in hits if h["rung"]["code"] in ("informeel", "voorliggend") and not h["servesYourArea"]]
    heavy = [h for h in hits if h["rung"]["code"] == "maatwerk" and not h["servesYourArea"]]
    assert light and heavy
    # An informal or voorliggend service comes before a maatwerk one, even when the maatwerk one is nearer.
    nearest_heavy = min(heavy, key=lambda h: h["distance"])
    farther_light = [h for h in light if h["distance"] >= nearest_heavy["distance"]]
    if farther_light:
        assert hits.index(farther_light[0]) < hits.index(nearest_heavy)
    assert hits.index(light[0]) < hits.index(heavy[0])


def test_other_sort_orders(client):
    by_distance = all_hits(client, f"{GOES}&radius=2000&sort=distance")
    assert [h["distance"] for h in by_distance] == sorted(h["distance"] for h in by_distance)
    by_name = search(client, "area=GM0664&sort=name&pageSize=50")["results"]
    assert [h["name"] for h in by_name] == sorted(h["name"] for h in by_name)
    by_relevance = search(client, "q=schuldhulp&sort=relevance&pageSize=50")["results"]
    assert [h["relevance"] for h in by_relevance] == sorted((h["relevance"] for h in by_relevance), reverse=True)


def test_combined_filters(client):
    hits = all_hits(client, f"{GOES}&radius=10000&lifeDomain=sociaal-netwerk&formal=false&free=true&age=70")
    assert hits
    for h in hits:
        assert "sociaal-netwerk" in [d["code"] for d in h["lifeDomains"]]
        assert h["organization"]["formal"] is False and h["free"]
        assert (h["ageMin"] or 0) <= 70 <= (h["ageMax"] if h["ageMax"] is not None else 120)


def test_totals_in_body_and_headers(client):
    response = client.get(f"/api/v1/services?{GOES}&pageSize=5&page=2")
    body = response.get_json()
    assert response.headers["X-Total-Count"] == str(body["total"])
    assert response.headers["X-Pagination-Page"] == "2" and response.headers["X-Pagination-Limit"] == "5"
    assert 'rel="next"' in response.headers["Link"] and body["pages"] == -(-body["total"] // 5)


def test_geojson_by_accept_header_and_format(client):
    by_header = client.get(f"/api/v1/services?{GOES}", headers={"Accept": "application/geo+json"})
    assert by_header.mimetype == "application/geo+json"
    collection = by_header.get_json()
    assert collection["type"] == "FeatureCollection" and collection["features"]
    located = [f for f in collection["features"] if f["geometry"]]
    assert located and all(f["geometry"]["type"] == "Point" for f in located)
    by_format = client.get(f"/api/v1/services?{GOES}&format=geojson").get_json()
    assert by_format["features"] == collection["features"]


def test_detail_link_and_document(client):
    hit = search(client, GOES)["results"][0]
    detail = client.get(hit["_links"]["self"]["href"])
    assert detail.status_code == 200 and detail.get_json()["id"] == hit["id"]


@pytest.mark.parametrize("query, parameter", [
    ("lifeDomain=ruimtevaart", "lifeDomain"),
    ("targetGroup=marsmannetjes", "targetGroup"),
    ("rung=zwaar", "rung"),
    ("radius=0", "radius"),
    ("radius=1000000", "radius"),
    ("pageSize=0", "pageSize"),
    ("pageSize=1000000000", "pageSize"),
    ("page=0", "page"),
    ("age=200", "age"),
    ("age=abc", "age"),
    ("lat=51.5&lon=3.9", "lat"),  # one place: a postcode (the old lat/lon are unknown parameters)
    ("q=" + "x" * 201, "q"),
    ("sort=random", "sort"),
    ("area=Goes", "area"),
    ("area=RG-zeeland", "area"),
    ("gemeente=GM0664", "gemeente"),  # one area parameter now: area
    ("openNow=true", "openNow"),  # one moment: openAt=now
    ("postcode=ABCD", "postcode"),
    ("openAt=maandag", "openAt"),
    ("openAt=2026-03-02T10:00:00", "openAt"),  # a moment needs its zone
    ("lifeDomain=", "lifeDomain"),
    ("formal=misschien", "formal"),
    ("format=xml", "format"),
    ("lifeDomain=" + "&lifeDomain=".join(["geldzaken"] * 25), "lifeDomain"),
])
def test_bad_input_names_the_parameter(client, query, parameter):
    response = client.get(f"/api/v1/services?{query}")
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert parameter in [p["name"] for p in body["invalidParams"]], body


def test_unknown_postcode_is_404(client):
    response = client.get("/api/v1/services?postcode=9990ZZ")
    assert response.status_code == 404 and response.mimetype == "application/problem+json"
    assert "9990 ZZ" in response.get_json()["detail"]


def test_unknown_area_is_404(client):
    response = client.get("/api/v1/services?area=GM9999")
    assert response.status_code == 404 and response.get_json()["invalidParams"][0]["name"] == "area"


def test_every_combination_of_place_area_moment_and_sort_is_answered(client):
    """No two search parameters exclude each other: what the description allows is a search (issue 18 §6)."""
    for query in ("area=GM0664&postcode=4461AB", "area=WK066401&sort=distance", "sort=distance",
                  "area=GM0664&openAt=now&postcode=4461", "openAt=2026-03-02T10:00:00%2B01:00&area=BU06640000",
                  "radius=2000", "postcode=4461AB&radius=2000&sort=distance&area=GM0687"):
        response = client.get(f"/api/v1/services?{query}")
        assert response.status_code in (200, 404), (query, response.get_json())
    # sort=distance without a place: no distance to sort on, so the standard order (licht)
    assert search(client, "area=GM0664&sort=distance")["results"] == search(client, "area=GM0664")["results"]
