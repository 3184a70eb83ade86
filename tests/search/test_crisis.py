"""Crisis help first, always: the crisis object of the search API and its detection (issue 14)."""
from __future__ import annotations

import json
from importlib import resources
from urllib.parse import urlencode

import pytest

from socialekaart.catalog import crisis as crisis_help
from socialekaart.catalog.understanding import understand

GOES = "4461AB"


def search(client, **params) -> dict:
    response = client.get(f"/api/v1/services?{urlencode(params)}")
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


@pytest.mark.parametrize("words, category", [
    ("ik wil niet meer leven", "zelfmoord"),
    ("Ik wil NIET meer leven!!", "zelfmoord"),
    ("zelfmoord", "zelfmoord"),
    ("zelfmoort", "zelfmoord"),  # misspelt
    ("suïcide", "zelfmoord"),  # accent folded
    ("mijn man slaat me", "geweld-thuis"),
    ("huislijk geweld", "geweld-thuis"),
    ("ik heb vannacht geen slaapplek", "geen-slaapplek"),
])
def test_crisis_words_bring_the_crisis_object_first(client, words, category):
    body = search(client, q=words, postcode=GOES)
    assert next(iter(body)) == "crisis"  # the answer starts with it
    crisis = body["crisis"]
    assert crisis is not None and category in crisis["categories"] and crisis["matchedPhrases"]
    if category != "geen-slaapplek":  # no national line for a bed tonight: the region's services
        assert crisis["lines"] and all(line["phone"] and line["forWhat"] for line in crisis["lines"])
    assert crisis["linesCheckedOn"] and crisis["advice"]
    if category == "geen-slaapplek":
        assert crisis["services"]  # the region's night shelter / crisis services


def test_suicide_gets_113_with_phone_and_chat(client):
    crisis = search(client, q="ik wil niet meer leven")["crisis"]
    line = next(line for line in crisis["lines"] if line["id"] == "113-zelfmoordpreventie")
    assert line["phone"] == "113" and line["altPhone"] == "08000113" and line["chatUrl"]
    assert crisis["lines"][0]["id"] == "113-zelfmoordpreventie"


def test_the_regions_crisis_services_are_listed_and_come_first(client, demo_runtime):
    crisis_ids = {s.id for s in demo_runtime.demo_region.services if s.crisis_24h}
    body = search(client, q="zelfmoord", postcode=GOES, pageSize=10)
    listed = body["crisis"]["services"]
    assert listed and {h["id"] for h in listed} <= crisis_ids and all(h["crisis"] for h in listed)
    assert all("dag en nacht bereikbaar bij crisis" in h["matchReasons"] for h in listed)
    distances = [h["distance"] for h in listed]
    assert distances == sorted(distances)
    # In the results too, 24/7 crisis help comes before the ladder (the first two; the object has them all).
    results = body["results"]
    assert results[0]["crisis"] and "dag en nacht bereikbaar bij crisis" in results[0]["matchReasons"]


@pytest.mark.parametrize("words", ["ruzie met de buren", "doodmoe van de zorg voor mijn vader",
                                   "de accu van mijn scootmobiel is dood", "crisis in ons gezin door de schulden",
                                   "ik wil niet meer drinken", "langer veilig thuis wonen", "schuldhulp"])
def test_look_alikes_do_not_trigger(client, words):
    body = search(client, q=words)
    assert body["crisis"] is None and body["total"] > 0


def test_without_words_or_without_crisis_it_is_null(client):
    assert search(client)["crisis"] is None
    assert search(client, q="eenzaam")["crisis"] is None


def test_a_crisis_query_never_answers_nothing(catalog):
    """An empty store: no services at all, yet the lines are there."""
    page = catalog.search(q="ik wil er een eind aan maken")
    assert page.total == 0 and page.crisis is not None
    assert [line.id for line in page.crisis.lines][:1] == ["113-zelfmoordpreventie"]
    assert page.crisis.services == []


def test_whole_words_only():
    assert understand("moordende drukte op het werk").crisis is None
    assert understand("ik wil niet meer roken").crisis is None


def test_the_national_lines_are_complete_data():
    data = json.loads(resources.files("socialekaart.catalog").joinpath("data/national_lines.json").read_text())
    assert data["checked_on"]
    ids = {line.id for line in crisis_help.national_lines()}
    assert ids == {"113-zelfmoordpreventie", "veilig-thuis", "112", "de-luisterlijn", "de-kindertelefoon"}
    for line in crisis_help.national_lines():
        assert line.phone.isdigit() and line.for_what and line.hours and line.website.startswith("https://")
    veilig = next(line for line in crisis_help.national_lines() if line.id == "veilig-thuis")
    assert veilig.phone == "08002000"
    assert set(crisis_help.crisis_phrases().values()) == set(crisis_help.CATEGORY_LIFE_DOMAINS)
