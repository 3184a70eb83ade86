"""The plain-Dutch text helpers of the public pages."""
from __future__ import annotations

from datetime import datetime

import pytest

from socialekaart.catalog.records import SearchHit, ServiceRecord
from web.pages import formatting


@pytest.mark.parametrize("metres, text", [
    (None, None), (0, "minder dan 50 m"), (349, "350 m"), (999, "1000 m"), (1000, "1,0 km"), (1234, "1,2 km"),
    (12_345, "12 km"),
])
def test_distance(metres, text):
    assert formatting.distance_text(metres) == text


def test_distance_of_a_hit():
    near = ("BU06640101", "WK066401", "GM0664")
    def service(**fields):
        return ServiceRecord("svc", "Hulp", "voorliggend", "org", **fields)

    located = SearchHit(service(), serves_area=False, distance=540)
    assert formatting.hit_distance_text(located, near) == "540 m"
    in_wijk = SearchHit(service(serves=("WK066401",)), serves_area=True, distance=0)
    assert formatting.hit_distance_text(in_wijk, near) == "in uw wijk"
    in_gemeente = SearchHit(service(serves=("GM0664",)), serves_area=True, distance=0)
    assert formatting.hit_distance_text(in_gemeente, near) == "in uw gemeente"
    secret = SearchHit(service(confidential=True, point_kind="wijk", wijk_name="Goes-Oost"),
                       serves_area=False, distance=93)
    assert formatting.hit_distance_text(secret, near) == "bij benadering, in Goes-Oost"


@pytest.mark.parametrize("text, lines", [
    (None, []),
    ("ma-vr 09:00-12:00", ["Maandag tot en met vrijdag: van 9.00 tot 12.00 uur"]),
    ("ma 10:00-12:00; wo 10:00-12:00", ["Maandag: van 10.00 tot 12.00 uur", "Woensdag: van 10.00 tot 12.00 uur"]),
    ("di-wo 09:30-11:30, 13:00-15:00", ["Dinsdag en woensdag: van 9.30 tot 11.30 uur en van 13.00 tot 15.00 uur"]),
    ("24/7", ["Elke dag, dag en nacht"]),
    ("op afspraak", ["op afspraak"]),
])
def test_opening_hours(text, lines):
    assert formatting.hours_lines(text) == lines


def test_open_now():
    monday_ten = datetime(2026, 11, 23, 10, 0)
    assert formatting.is_open_at("ma-vr 09:00-12:00", monday_ten)
    assert not formatting.is_open_at("za 10:00-12:00", monday_ten)
    assert not formatting.is_open_at(None, monday_ten)


@pytest.mark.parametrize("cost, note, text", [
    ("gratis", None, "Gratis"),
    ("eigen-bijdrage", "Volgens de regels van de Wmo.",
     "U betaalt een eigen bijdrage. Volgens de regels van de gemeente."),
    # A note that says the base again is shown alone: no sentence twice (the demo data's cost note).
    ("eigen-bijdrage", "U betaalt een eigen bijdrage volgens de regels van de Wmo.",
     "U betaalt een eigen bijdrage volgens de regels van de gemeente."),
    ("betaald", None, "U betaalt de kosten zelf."),
    (None, None, "Vraag naar de kosten."),
])
def test_cost(cost, note, text):
    assert formatting.cost_text(cost, note) == text


@pytest.mark.parametrize("groups, low, high, text", [
    ([], None, None, "Iedereen"),
    (["iedereen"], 18, None, "Iedereen, vanaf 18 jaar"),
    (["ouderen"], 65, None, "Ouderen, vanaf 65 jaar"),
    (["jeugd", "ouders-gezinnen"], 0, 17, "Jeugd (0-17 jaar), Ouders en gezinnen, tot en met 17 jaar"),
    (["jongvolwassenen"], 18, 27, "Jongvolwassenen, van 18 tot en met 27 jaar"),
])
def test_for_whom(groups, low, high, text):
    assert formatting.for_whom_text(groups, low, high) == text


def test_small_helpers():
    assert formatting.phone_href("0113 049090") == "tel:0113049090"
    assert formatting.phone_href("+31 (0)113-049090") == "tel:+31113049090"
    assert formatting.website_text("https://www.voorbeeld.nl/") == "www.voorbeeld.nl"
    assert formatting.postcode_text("4461AB") == "4461 AB" and formatting.postcode_text("4461") == "4461"
    assert formatting.date_text("2026-05-09") == "9 mei 2026" and formatting.date_text("onzin") is None
    assert formatting.first_upper("bij benadering, in Goes-Oost") == "Bij benadering, in Goes-Oost"
    assert [formatting.count_text(n) for n in (0, 1, 24)] == [
        "Geen plekken met hulp", "1 plek met hulp", "24 plekken met hulp"]
