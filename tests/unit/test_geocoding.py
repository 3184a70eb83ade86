"""Unit tests for socialekaart.geocoding (offline tables, geopy interface, online wrapper with fakes)."""
from __future__ import annotations

import threading
from pathlib import Path

import pytest
from geopy.adapters import BaseSyncAdapter
from geopy.geocoders.base import Geocoder
from geopy.location import Location
from geopy.point import Point

from socialekaart.places import geocoding
from socialekaart.places.geocoding import (
    CachedOnlineGeocoder,
    PdokGeocoder,
    PostcodeGeocoder,
    PostcodePoint,
    PostcodeTable,
    make_geocoder,
    normalise_postcode,
    pdok_point,
)
from socialekaart.shared.errors import ConfigError, NotFound, ValidationError

# --- normalise_postcode --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("4461 AB", "4461AB"),
        ("4461ab", "4461AB"),
        (" 4461AB ", "4461AB"),
        ("4461aB", "4461AB"),
        ("4461", "4461"),
        (" 8011 ", "8011"),
        ("1000AA", "1000AA"),
        ("9999ZZ", "9999ZZ"),
    ],
)
def test_normalise_valid(text, expected):
    assert normalise_postcode(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "12345",
        "446",
        "4461A",
        "4461ABC",
        "AB4461",
        "4461-AB",
        "0461AB",  # first digit 0
        "0123",
        "4461SA",
        "4461 sd",
        "4461SS",
        "4461ß",  # upper() would turn this into SS
        "４４６１AB",  # full-width digits
        "4461\nAB",
    ],
)
def test_normalise_invalid(text):
    with pytest.raises(ValidationError) as excinfo:
        normalise_postcode(text)
    err = excinfo.value
    assert err.field == "postcode"
    assert "4461 AB" in err.message  # tells the expected format
    assert err.errors == {"postcode": [err.message]}


def test_normalise_message_names_the_input():
    with pytest.raises(ValidationError) as excinfo:
        normalise_postcode("12345")
    assert excinfo.value.message == (
        '"12345" is geen geldige postcode. Gebruik vier cijfers, eventueel met twee letters, '
        "zoals 4461 of 4461 AB."
    )


def test_normalise_explains_leading_zero_and_unused_letters():
    with pytest.raises(ValidationError, match="begint niet met een 0"):
        normalise_postcode("0461 AB")
    with pytest.raises(ValidationError, match="SA, SD en SS"):
        normalise_postcode("4461 SS")


def test_normalise_rejects_huge_input_quickly_without_echoing_it():
    huge = "4461AB" + "A" * (1024 * 1024)
    with pytest.raises(ValidationError) as excinfo:
        normalise_postcode(huge)
    assert len(excinfo.value.message) < 200
    with pytest.raises(ValidationError):
        normalise_postcode(" " * 21 + "4461")


def test_normalise_rejects_non_string():
    with pytest.raises(ValidationError):
        normalise_postcode(None)  # type: ignore[arg-type]


# --- PostcodeTable -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def table() -> PostcodeTable:
    return PostcodeTable()


def test_known_pc6_goes(table):
    point = table.lookup("4461 AB")
    assert point is not None
    assert point.postcode == "4461AB"
    assert point.precision == "pc6"
    assert point.lat == pytest.approx(51.50, abs=0.01)
    assert point.lon == pytest.approx(3.89, abs=0.01)
    assert point.woonplaats == "Goes"
    assert point.gemeente == "Goes"


def test_pc6_not_in_table_falls_back_to_zeeland_pc4(table):
    point = table.lookup("4461LB")  # 4461 exists, 4461LB does not
    pc4 = table.lookup("4461")
    assert point is not None and pc4 is not None
    assert point.precision == "pc4"
    assert point.postcode == "4461LB"
    assert (point.lat, point.lon) == (pc4.lat, pc4.lon)
    assert point.gemeente == "Goes"


def test_zeeland_pc4_uses_bag_table(table):
    point = table.lookup("4461")
    assert point == PostcodePoint("4461", 51.503819, 3.891830, "pc4", "Goes", "Goes")


def test_pc4_outside_zeeland_uses_national_table(table):
    point = table.lookup("8011")
    assert point is not None
    assert point.precision == "pc4"
    assert point.woonplaats == "Zwolle"
    assert point.gemeente is None
    assert point.lat == pytest.approx(52.51, abs=0.02)
    assert point.lon == pytest.approx(6.09, abs=0.02)


def test_pc6_outside_zeeland_falls_back_to_national_pc4(table):
    point = table.lookup("8011 AB")
    assert point is not None
    assert point.postcode == "8011AB"
    assert point.precision == "pc4"
    assert point.woonplaats == "Zwolle"


def test_unknown_but_valid_postcode_returns_none(table):
    assert table.lookup("4000") is None
    assert table.lookup("9990ZZ") is None


def test_lookup_rejects_malformed(table):
    with pytest.raises(ValidationError):
        table.lookup("4461SS")


def test_pc6_rows(table):
    rows = table.pc6_rows()
    assert len(rows) == 14465
    assert rows[0].postcode == "4301AA"  # file order
    assert all(r.precision == "pc6" and r.gemeente for r in rows)
    gemeenten = {r.gemeente for r in rows}
    assert len(gemeenten) == 13
    assert "Middelburg (Z.)" in gemeenten
    # Zeeland roughly: 51.2-51.8 N, 3.3-4.3 E
    assert all(51.2 < r.lat < 51.8 and 3.3 < r.lon < 4.3 for r in rows)
    rows.clear()  # a copy: the table is unaffected
    assert len(table.pc6_rows()) == 14465


def test_table_loads_once_under_concurrency(monkeypatch):
    table = PostcodeTable()
    calls = []
    real_read = PostcodeTable._read

    def counting_read(self, *args, **kwargs):
        calls.append(args[0])
        return real_read(self, *args, **kwargs)

    monkeypatch.setattr(PostcodeTable, "_read", counting_read)
    threads = [threading.Thread(target=table.lookup, args=("4461AB",)) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(calls) == ["pc4_centroids_zeeland.csv", "pc4_nl.csv", "pc6_centroids_zeeland.csv"]


def test_data_is_read_from_the_package():
    package_dir = Path(geocoding.__file__).resolve().parent
    assert geocoding.DATA_DIR == package_dir / "data" / "postcodes"
    assert (geocoding.DATA_DIR / "pc4_nl.csv").is_file()
    assert "shared" not in geocoding.DATA_DIR.parts


# --- PostcodeGeocoder (geopy interface) ----------------------------------------------------


def test_postcode_geocoder_is_a_geopy_geocoder():
    geocoder = PostcodeGeocoder()
    assert isinstance(geocoder, Geocoder)
    location = geocoder.geocode("4461ab")
    assert isinstance(location, Location)
    assert location.address == "4461 AB Goes"
    assert location.latitude == pytest.approx(51.50, abs=0.01)
    assert location.longitude == pytest.approx(3.89, abs=0.01)
    assert location.raw == {"postcode": "4461AB", "precision": "pc6", "woonplaats": "Goes", "gemeente": "Goes"}


def test_postcode_geocoder_list_and_unknown():
    geocoder = PostcodeGeocoder()
    locations = geocoder.geocode("8011", exactly_one=False)
    assert isinstance(locations, list) and len(locations) == 1
    assert locations[0].address == "8011 Zwolle"
    assert geocoder.geocode("9990ZZ") is None
    with pytest.raises(ValidationError):
        geocoder.geocode("12345")


def test_postcode_geocoder_makes_no_http_requests():
    geocoder = PostcodeGeocoder()
    with pytest.raises(RuntimeError):
        geocoder.adapter.get_json("https://example.org", timeout=1, headers={})


def test_locate():
    geocoder = PostcodeGeocoder()
    assert geocoder.locate(" 4461 ab ").precision == "pc6"
    with pytest.raises(NotFound) as excinfo:
        geocoder.locate("9990zz")
    assert excinfo.value.field == "postcode"
    assert "9990 ZZ" in excinfo.value.message
    with pytest.raises(NotFound):
        geocoder.locate("4000")
    with pytest.raises(ValidationError):
        geocoder.locate("0461AB")


# --- make_geocoder and the online wrapper (no network: fake adapters / callables) ----------


def test_make_geocoder_offline_is_default():
    assert isinstance(make_geocoder(), PostcodeGeocoder)
    assert isinstance(make_geocoder(" Offline "), PostcodeGeocoder)


def test_make_geocoder_unknown_kind():
    with pytest.raises(ConfigError) as excinfo:
        make_geocoder("google")
    assert "SOCIALEKAART_GEOCODER" in excinfo.value.message
    assert "google" in excinfo.value.message


PDOK_RESPONSE = {
    "response": {
        "numFound": 1,
        "start": 0,
        "docs": [
            {
                "type": "postcode",
                "weergavenaam": "Kerkring, 4461AB Goes",
                "postcode": "4461AB",
                "woonplaatsnaam": "Goes",
                "gemeentenaam": "Goes",
                "centroide_ll": "POINT(3.89158 51.50399)",
            }
        ],
    }
}


class FakeAdapter(BaseSyncAdapter):
    """Records requested URLs and answers with ``FakeAdapter.response``."""

    response: dict = PDOK_RESPONSE
    urls: list[str] = []

    def get_json(self, url, *, timeout, headers):
        FakeAdapter.urls.append(url)
        return FakeAdapter.response

    def get_text(self, url, *, timeout, headers):
        raise AssertionError("not used")


@pytest.fixture
def fake_adapter():
    FakeAdapter.urls = []
    FakeAdapter.response = PDOK_RESPONSE
    yield FakeAdapter


def test_pdok_geocoder_parses_response(fake_adapter):
    pdok = PdokGeocoder(adapter_factory=fake_adapter)
    assert isinstance(pdok, Geocoder)
    location = pdok.geocode("4461AB")
    assert location.address == "Kerkring, 4461AB Goes"
    assert location.latitude == pytest.approx(51.50399)
    assert location.longitude == pytest.approx(3.89158)
    (url,) = fake_adapter.urls
    assert url.startswith("https://api.pdok.nl/bzk/locatieserver/search/v3_1/free?")
    assert "q=4461AB" in url and "fq=type%3Apostcode" in url and "rows=1" in url


def test_pdok_geocoder_empty_and_malformed(fake_adapter):
    pdok = PdokGeocoder(adapter_factory=fake_adapter)
    fake_adapter.response = {"response": {"numFound": 0, "docs": []}}
    assert pdok.geocode("9990ZZ") is None
    fake_adapter.response = {"response": {"docs": [{"weergavenaam": "x", "centroide_ll": "POINT EMPTY"}]}}
    assert pdok.geocode("4461AB") is None


def test_make_geocoder_pdok_caches_and_parses(fake_adapter):
    geocoder = make_geocoder("pdok", adapter_factory=fake_adapter, min_delay_seconds=0)
    point = geocoder.locate("4461 ab")
    assert point == PostcodePoint("4461AB", 51.50399, 3.89158, "pc6", "Goes", "Goes")
    assert geocoder.locate("4461AB") == point
    assert len(fake_adapter.urls) == 1  # second call served from the cache


def test_pdok_point_precision_and_mismatch():
    def loc(postcode):
        return Location("x", Point(51.5, 3.9), {"postcode": postcode, "woonplaatsnaam": "Goes"})

    assert pdok_point("4461AB", loc("4461AB")).precision == "pc6"
    assert pdok_point("4461LB", loc("4461LA")).precision == "pc4"  # neighbour in same PC4
    assert pdok_point("4461", loc("4461AA")).precision == "pc4"
    assert pdok_point("4461AB", loc("4462AB")) is None  # another area: not an answer


def test_make_geocoder_nominatim_uses_fake_adapter(fake_adapter):
    fake_adapter.response = [
        {
            "lat": "52.5115",
            "lon": "6.0923",
            "display_name": "8011, Zwolle, Overijssel, Nederland",
            "address": {"postcode": "8011", "city": "Zwolle", "municipality": "Zwolle"},
        }
    ]
    geocoder = make_geocoder("nominatim", adapter_factory=fake_adapter, min_delay_seconds=0)
    point = geocoder.locate("8011")
    assert point == PostcodePoint("8011", 52.5115, 6.0923, "pc4", "Zwolle", "Zwolle")
    (url,) = fake_adapter.urls
    assert "nominatim" in url and "postalcode=8011" in url and "countrycodes=nl" in url


def test_online_wrapper_cache_is_lru_and_caches_misses():
    calls = []
    answers = {"4461AB": Location("Goes", Point(51.5, 3.89), {"postcode": "4461AB"})}

    def fake_geocode(postcode):
        calls.append(postcode)
        return answers.get(postcode)

    online = CachedOnlineGeocoder(fake_geocode, pdok_point, cache_size=2, min_delay_seconds=0)
    assert online.locate("4461 AB").precision == "pc6"
    assert online.locate("4461ab").precision == "pc6"
    assert calls == ["4461AB"]

    with pytest.raises(NotFound):
        online.locate("9990ZZ")
    with pytest.raises(NotFound):
        online.locate("9990 zz")
    assert calls == ["4461AB", "9990ZZ"]  # misses are cached too

    online.locate("4461AB")  # touch: 9990ZZ is now least recently used
    with pytest.raises(NotFound):
        online.locate("4000")  # evicts 9990ZZ
    online.locate("4461AB")
    with pytest.raises(NotFound):
        online.locate("9990ZZ")
    assert calls == ["4461AB", "9990ZZ", "4000", "9990ZZ"]

    with pytest.raises(ValidationError):
        online.locate("4461SS")
    assert len(calls) == 4  # malformed input never reaches the service


def test_online_wrapper_does_not_cache_errors():
    calls = []

    def failing_geocode(postcode):
        calls.append(postcode)
        raise ValueError("boom")  # not a geopy service error: no retries

    online = CachedOnlineGeocoder(failing_geocode, pdok_point, cache_size=8, min_delay_seconds=0)
    for _ in range(2):
        with pytest.raises(ValueError):
            online.locate("4461AB")
    assert calls == ["4461AB", "4461AB"]


def test_online_wrapper_goes_through_rate_limiter(monkeypatch):
    sleeps = []
    monkeypatch.setattr("geopy.extra.rate_limiter.RateLimiter._sleep", lambda self, s: sleeps.append(s))
    online = CachedOnlineGeocoder(lambda pc: None, pdok_point, cache_size=0, min_delay_seconds=1.0)
    for _ in range(2):
        with pytest.raises(NotFound):
            online.locate("4000")
    assert sleeps and sleeps[0] > 0  # second call had to wait
