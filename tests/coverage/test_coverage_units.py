"""Pure parts of the lokale inventarisatie: the nearest-service search, Dutch numbers, inventarisatie figures."""
from __future__ import annotations

import random

import pytest

from socialekaart.coverage.compute import AreaInput, NearestPoints
from socialekaart.coverage.gaps import count_text, distance_text, nl_decimal, nl_int, percent, period_text, plain_name
from socialekaart.coverage.needs import Need
from socialekaart.places.geo import haversine_m
from socialekaart.shared.errors import ValidationError


def test_nearest_points_equal_a_brute_force_search_across_the_netherlands():
    rng = random.Random(6)
    points = [(rng.uniform(50.75, 53.5), rng.uniform(3.4, 7.2)) for _ in range(300)]
    queries = [(rng.uniform(50.75, 53.5), rng.uniform(3.4, 7.2)) for _ in range(400)]
    found = NearestPoints(points).distances(queries)
    for query, distance in zip(queries, found):
        assert distance == pytest.approx(min(haversine_m(query, p) for p in points), abs=1e-6)
    assert NearestPoints([]).distances(queries[:2]) == [None, None]
    assert NearestPoints(points).distances([]) == []
    assert NearestPoints([(52.0, 5.0)]).distances([(52.0, 5.0)]) == [0.0]


def test_dutch_numbers_in_explanations():
    assert (nl_int(27300), nl_int(950), nl_decimal(0.4, 2), nl_decimal(1234.5)) == ("27.300", "950", "0,40",
                                                                                   "1.234,5")
    assert (distance_text(1500), distance_text(2000), distance_text(800)) == ("1,5 km", "2 km", "800 m")
    assert (percent(0.625), percent(0.6), percent(10 / 11)) == (63, 60, 91)
    assert (count_text(3), count_text(0), count_text(12)) == ("minder dan 5", "0", "12")
    assert (period_text(365), period_text(730), period_text(90)) == ("12 maanden", "24 maanden", "90 dagen")
    assert plain_name(AreaInput("WK066401", "wijk", "Wijk 01 Goes")) == "Goes"
    assert plain_name(AreaInput("GM0687", "gemeente", "Middelburg (Z.)")) == "Middelburg"


def test_an_inventarisatie_figure_is_checked_and_keeps_its_id():
    need = Need("wk066401", "Eenzaamheid", " Voelt zich  ernstig eenzaam ", 140, 2025, "GGD-monitor", "65+")
    need.validate()
    assert (need.area_code, need.life_domain, need.target_group, need.indicator) == \
        ("WK066401", "sociaal-netwerk", "ouderen", "Voelt zich ernstig eenzaam")
    assert need.id == "need:WK066401:sociaal-netwerk:ouderen:voelt-zich-ernstig-eenzaam:2025:ggd-monitor"
    same = Need("WK066401", "sociaal-netwerk", "voelt zich Ernstig eenzaam!", 150, 2025, "GGD monitor", "ouderen")
    assert same.validate().id == need.id
    with pytest.raises(ValidationError) as wrong:
        Need("Goes", "zwemmen", "", -1, 1999, "").validate()
    assert set(wrong.value.errors) == {"area", "lifeDomain", "indicator", "value", "year", "source"}
