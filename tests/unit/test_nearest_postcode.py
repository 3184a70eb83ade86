"""'Gebruik mijn locatie': the nearest postcode to a point, offline from the shipped tables."""
from __future__ import annotations

import pytest

from socialekaart.places.geocoding import PostcodeTable
from socialekaart.places.nearest import NearestPostcode, metres_between
from socialekaart.shared.errors import NotFound, ValidationError

NEAREST = NearestPostcode()


def test_a_point_in_the_region_gets_the_nearest_pc6():
    point = PostcodeTable().lookup("4461AB")
    found = NEAREST.nearest(point.lat, point.lon)
    assert found.postcode == "4461AB" and found.precision == "pc6" and found.gemeente == "Goes"
    moved = NEAREST.nearest(point.lat + 0.0001, point.lon)  # about 11 m north
    assert moved.postcode.startswith("4461") and metres_between(point.lat, point.lon, moved.lat, moved.lon) < 200


def test_a_point_elsewhere_in_the_country_gets_the_nearest_pc4():
    found = NEAREST.nearest(52.3735, 4.8951)  # Amsterdam, the Dam
    assert found.postcode == "1012" and found.precision == "pc4" and found.woonplaats == "Amsterdam"


@pytest.mark.parametrize("lat, lon", [(None, 3.9), (51.5, None), (91.0, 3.9), (51.5, 181.0), (float("nan"), 3.9)])
def test_a_bad_point_is_refused(lat, lon):
    with pytest.raises(ValidationError):
        NEAREST.nearest(lat, lon)


def test_a_point_far_from_every_postcode_is_not_found():
    with pytest.raises(NotFound):
        NEAREST.nearest(0.0, 0.0)
    with pytest.raises(NotFound):
        NEAREST.nearest(52.0, 2.0)  # the North Sea


def test_distance():
    assert metres_between(51.5, 3.9, 51.5, 3.9) == 0
    assert 110_000 < metres_between(51.0, 3.9, 52.0, 3.9) < 112_000
