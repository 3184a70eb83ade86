"""GET /api/v1/services?q=...: the inwoner's own words find help (issue 14), on the demo region."""
from __future__ import annotations

from urllib.parse import urlencode

import pytest

GOES = "4461AB"


def search(client, **params) -> dict:
    response = client.get(f"/api/v1/services?{urlencode(params, doseq=True)}")
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


@pytest.mark.parametrize("words", ["ik kan de huur niet betalen", "rekeningen", "ik drink te veel",
                                   "ik zorg voor mijn moeder", "opvoeden is zwaar"])
def test_everyday_phrasings_that_found_nothing_now_find_help(client, words):
    body = search(client, q=words)
    assert body["total"] > 0 and body["results"]
    assert body["crisis"] is None and body["outsideRegion"] is None
    assert all(hit["matchReasons"] for hit in body["results"])


def test_rent_is_about_money_and_says_why(client):
    body = search(client, q="ik kan de huur niet betalen", postcode=GOES, pageSize=5)
    assert body["understood"]["lifeDomains"][:1] == ["geldzaken"]
    first = body["results"][0]
    assert "geldzaken" in first["matchedLifeDomains"]
    assert any(reason.startswith("past bij geldzaken, om 'huur'") for reason in first["matchReasons"])


def test_stopwords_never_make_an_answer_empty(client):
    assert search(client, q="ik wil graag hulp bij de rekeningen")["total"] == search(client, q="rekeningen")["total"]


def test_mantelzorger_finds_at_least_what_mantelzorg_finds(client):
    plain = search(client, q="mantelzorg", pageSize=100)
    person = search(client, q="mantelzorger", pageSize=100)
    plural = search(client, q="mantelzorgers", pageSize=100)
    assert person["total"] >= plain["total"] > 0
    assert plural["total"] >= plain["total"]


def test_a_name_that_matches_is_never_hidden_by_its_tags(client, demo_runtime):
    # Tagged only geestelijke-gezondheid, yet its name says verslaving.
    target = next(s for s in demo_runtime.demo_region.services if s.name == "Lotgenotengroep verslaving Goes")
    assert "verslaving" not in target.life_domains
    hits, page = [], 1
    while True:
        body = search(client, q="verslaving", pageSize=100, page=page)
        hits += body["results"]
        if page >= body["pages"]:
            break
        page += 1
    found = next(h for h in hits if h["id"] == target.id)
    assert "naam bevat 'verslaving'" in found["matchReasons"]
    # Near Goes it is on the first page.
    near = search(client, q="verslaving", postcode=GOES, pageSize=20)["results"]
    assert target.id in [h["id"] for h in near]


def test_the_page_gets_one_short_line_per_hit(demo_runtime):
    page = demo_runtime.catalog.search(q="ik kan de huur niet betalen", postcode=GOES, page_size=5)
    assert page.understood and page.understood.summary().startswith("Gezocht op: Geldzaken (huur)")
    line = page.hits[0].match_line
    assert line.startswith("Past bij ") and "\n" not in line and len(line) < 120


def test_name_matches_come_before_tag_only_matches(client):
    hits = search(client, q="schuld", pageSize=10)["results"]
    assert "schuld" in hits[0]["name"].lower()


def test_a_question_about_two_things_shows_both_in_the_first_five(client):
    body = search(client, q="ik kan de huur niet betalen", postcode=GOES, pageSize=5)
    addressed = {d["code"] for hit in body["results"] for d in hit["lifeDomains"]}
    assert {"geldzaken", "woning"} <= addressed


def test_typos_and_compounds_are_read(client):
    body = search(client, q="schuldhulpverlening")
    assert "geldzaken" in body["understood"]["lifeDomains"] and body["total"] > 0
    typo = search(client, q="eenzaamheit")
    assert typo["understood"]["lifeDomains"] == ["sociaal-netwerk"] and typo["total"] > 0


def test_explicit_filters_still_narrow_the_words(client):
    free = search(client, q="rekeningen", free="true", pageSize=100)
    assert free["total"] > 0 and all(h["free"] for h in free["results"])
    domain = search(client, q="ik kan de huur niet betalen", lifeDomain="woning", pageSize=100)
    assert domain["total"] > 0
    assert all("woning" in [d["code"] for d in h["lifeDomains"]] for h in domain["results"])
    elders = search(client, q="eenzaam", targetGroup="ouderen", pageSize=100)
    assert all({"ouderen", "iedereen"} & {g["code"] for g in h["targetGroups"]} for h in elders["results"])


def test_sorting_by_distance_and_name_still_works(client):
    near = search(client, q="rekeningen", postcode=GOES, sort="distance", pageSize=50)["results"]
    distances = [h["distance"] for h in near]
    assert distances == sorted(distances)
    named = search(client, q="rekeningen", sort="name", pageSize=50)["results"]
    assert [h["name"] for h in named] == sorted(h["name"] for h in named)


def test_paging_through_understood_words_is_stable(client):
    first = search(client, q="eenzaam", pageSize=10, page=1)
    second = search(client, q="eenzaam", pageSize=10, page=2)
    assert first["total"] == second["total"] > 10
    assert not {h["id"] for h in first["results"]} & {h["id"] for h in second["results"]}


def test_outside_the_region_gets_a_plain_answer(client):
    body = search(client, q="geldzorgen", postcode="1012AB")
    outside = body["outsideRegion"]
    assert outside is not None and outside["covers"] and "Goes" in outside["covers"]
    assert "Wmo-loket" in outside["advice"] and "sociaal wijkteam" in outside["advice"]
    assert {line["id"] for line in outside["lines"]} >= {"113-zelfmoordpreventie", "veilig-thuis", "112"}
    inside = search(client, q="geldzorgen", postcode=GOES)
    assert inside["outsideRegion"] is None


def test_the_openapi_documents_crisis_outside_region_and_reasons(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    schemas = spec["components"]["schemas"]
    page = next(s for name, s in schemas.items() if name.startswith("ServicePage"))
    assert {"crisis", "outsideRegion", "understood"} <= set(page["properties"])
    assert "crisis" in page["properties"]["crisis"].get("description", "").lower() or \
        any("crisis" in str(v).lower() for v in page["properties"]["crisis"].values())
    hit = next(s for name, s in schemas.items() if name.startswith("ServiceHit"))
    assert "matchReasons" in hit["properties"] and hit["properties"]["matchReasons"].get("description")
    crisis = next(s for name, s in schemas.items() if name.startswith("Crisis"))
    assert {"categories", "matchedPhrases", "lines", "services"} <= set(crisis["properties"])
    line = next(s for name, s in schemas.items() if name.startswith("NationalLine"))
    assert {"phone", "chatUrl", "forWhat"} <= set(line["properties"])
    assert any(name.startswith("OutsideRegion") for name in schemas)


@pytest.mark.parametrize("params", [{"q": "zelfmoord", "postcode": GOES}, {"q": "geldzorgen", "postcode": "1012AB"},
                                    {"q": "ik kan de huur niet betalen"}])
def test_the_new_fields_are_what_the_schema_dumps(client, params):
    import json

    from web.api.services.schemas import ServicePageSchema

    body = search(client, **params)
    assert json.dumps(ServicePageSchema().dump(body), ensure_ascii=False) == json.dumps(body, ensure_ascii=False)


def test_geojson_carries_crisis_and_outside_region(client):
    body = search(client, q="zelfmoord", format="geojson")
    assert body["type"] == "FeatureCollection" and body["crisis"]["lines"]
    assert search(client, q="eenzaam", postcode="1012AB", format="geojson")["outsideRegion"]
