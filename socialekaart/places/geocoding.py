"""Dutch postcode geocoding.

By default everything is offline: Zeeland PC6/PC4 centroids (BAG) and national PC4 points
(GeoNames) shipped in ``socialekaart/places/data/postcodes``. Online geocoders (Nominatim, PDOK
Locatieserver) are optional and only used when configured via ``make_geocoder``.
"""
from __future__ import annotations

import csv
import dataclasses
import functools
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Protocol
from urllib.parse import urlencode

from geopy.adapters import BaseSyncAdapter
from geopy.extra.rate_limiter import RateLimiter
from geopy.geocoders import Nominatim
from geopy.geocoders.base import DEFAULT_SENTINEL, Geocoder
from geopy.location import Location
from geopy.point import Point

from socialekaart.shared.errors import ConfigError, NotFound, ValidationError

DATA_DIR = Path(__file__).resolve().parent / "data" / "postcodes"

MAX_INPUT_LENGTH = 20
_FORMAT_HINT = "Gebruik vier cijfers, eventueel met twee letters, zoals 4461 of 4461 AB."
# Applied only to short, ASCII, upper-cased input, so it cannot blow up.
_POSTCODE_RE = re.compile(r"([0-9]{4}) *([A-Z]{2})?")
# PostNL does not hand out these letter pairs.
_UNUSED_LETTERS = frozenset({"SA", "SD", "SS"})
# What normalise_postcode accepts, as one pattern for the API description (no leading 0, no SA/SD/SS).
POSTCODE_PATTERN = r"^ *[1-9][0-9]{3} *([A-RT-Za-rt-z][A-Za-z]|[Ss][BCE-RT-Zbce-rt-z])? *$"


def normalise_postcode(text: str) -> str:
    """Return ``"4461AB"`` or ``"4461"`` for a Dutch postcode; raise ValidationError otherwise."""
    if not isinstance(text, str):
        raise ValidationError(f"Vul een postcode in. {_FORMAT_HINT}", field="postcode")
    if len(text) > MAX_INPUT_LENGTH:
        raise ValidationError(f"Deze postcode is te lang. {_FORMAT_HINT}", field="postcode")
    cleaned = text.strip()
    if not cleaned:
        raise ValidationError(f"Vul een postcode in. {_FORMAT_HINT}", field="postcode")
    # isascii() first: str.upper() maps some non-ASCII letters to ASCII ones ("ß" -> "SS").
    match = _POSTCODE_RE.fullmatch(cleaned.upper()) if cleaned.isascii() else None
    if match is None:
        raise ValidationError(f'"{cleaned}" is geen geldige postcode. {_FORMAT_HINT}', field="postcode")
    digits, letters = match.group(1), match.group(2) or ""
    if digits.startswith("0"):
        raise ValidationError(
            f'"{cleaned}" is geen geldige postcode. Een postcode begint niet met een 0. {_FORMAT_HINT}',
            field="postcode",
        )
    if letters in _UNUSED_LETTERS:
        raise ValidationError(
            f'"{cleaned}" is geen geldige postcode. De letters SA, SD en SS komen niet voor in een postcode. '
            f"{_FORMAT_HINT}",
            field="postcode",
        )
    return digits + letters


def _display(postcode: str) -> str:
    """``"4461AB"`` -> ``"4461 AB"``; a PC4 stays as it is."""
    return f"{postcode[:4]} {postcode[4:]}" if len(postcode) == 6 else postcode


def _not_found(postcode: str) -> NotFound:
    return NotFound(
        f'Postcode {_display(postcode)} kennen we niet. Kijk of de postcode klopt. {_FORMAT_HINT}',
        field="postcode",
    )


@dataclass(frozen=True)
class PostcodePoint:
    """A postcode with its point. ``precision`` is "pc6" or "pc4" (how exact the point is)."""

    postcode: str
    lat: float
    lon: float
    precision: str
    woonplaats: str | None
    gemeente: str | None


class PostcodeTable:
    """The shipped postcode tables, loaded once on first use."""

    def __init__(self, data_dir: Path | None = None):
        self._data_dir = Path(data_dir) if data_dir is not None else DATA_DIR
        self._lock = threading.Lock()
        self._loaded = False
        self._pc6: dict[str, PostcodePoint] = {}
        self._pc4_zeeland: dict[str, PostcodePoint] = {}
        self._pc4_nl: dict[str, PostcodePoint] = {}

    def _read(self, filename: str, key: str, precision: str, has_gemeente: bool) -> dict[str, PostcodePoint]:
        points: dict[str, PostcodePoint] = {}
        with open(self._data_dir / filename, newline="", encoding="utf-8") as f:
            for row in csv.DictReader(f):
                code = row[key]
                points[code] = PostcodePoint(
                    postcode=code,
                    lat=float(row["lat"]),
                    lon=float(row["lon"]),
                    precision=precision,
                    woonplaats=row.get("woonplaats") or None,
                    gemeente=(row.get("gemeente") or None) if has_gemeente else None,
                )
        return points

    def _ensure_loaded(self) -> None:
        if self._loaded:
            return
        with self._lock:
            if self._loaded:
                return
            self._pc6 = self._read("pc6_centroids_zeeland.csv", "pc6", "pc6", True)
            self._pc4_zeeland = self._read("pc4_centroids_zeeland.csv", "pc4", "pc4", True)
            self._pc4_nl = self._read("pc4_nl.csv", "pc4", "pc4", False)
            self._loaded = True

    def lookup(self, postcode: str) -> PostcodePoint | None:
        """Point for a postcode, or None if unknown. Raises ValidationError for malformed input.

        A PC6 that is not in the Zeeland table falls back to its PC4 (precision "pc4");
        the returned ``postcode`` is then still the PC6 that was asked for.
        """
        code = normalise_postcode(postcode)
        self._ensure_loaded()
        if len(code) == 6 and code in self._pc6:
            return self._pc6[code]
        pc4 = code[:4]
        point = self._pc4_zeeland.get(pc4) or self._pc4_nl.get(pc4)
        if point is None:
            return None
        return point if code == pc4 else dataclasses.replace(point, postcode=code)

    def pc6_rows(self) -> list[PostcodePoint]:
        """All Zeeland PC6 centroids, in file order."""
        self._ensure_loaded()
        return list(self._pc6.values())


_DEFAULT_TABLE = PostcodeTable()


class _NoNetworkAdapter(BaseSyncAdapter):
    """Adapter for the offline geocoder: any HTTP request is a bug."""

    def get_json(self, url, *, timeout, headers):
        raise RuntimeError("PostcodeGeocoder is offline and must not make HTTP requests")

    def get_text(self, url, *, timeout, headers):
        raise RuntimeError("PostcodeGeocoder is offline and must not make HTTP requests")


class PostcodeGeocoder(Geocoder):
    """A geopy Geocoder that answers from the shipped postcode tables, without network."""

    def __init__(self, table: PostcodeTable | None = None, *, user_agent: str | None = "socialekaart"):
        super().__init__(user_agent=user_agent, adapter_factory=_NoNetworkAdapter)
        self.table = table if table is not None else _DEFAULT_TABLE

    def geocode(self, query: str, *, exactly_one: bool = True, timeout=None):
        """Location for a postcode (None if unknown; a list if ``exactly_one`` is False).

        ``timeout`` is accepted for geopy compatibility and ignored.
        """
        point = self.table.lookup(query)
        if point is None:
            return None
        location = _to_location(point)
        return location if exactly_one else [location]

    def locate(self, postcode: str) -> PostcodePoint:
        """Point for a postcode; raises ValidationError (malformed) or NotFound (unknown)."""
        point = self.table.lookup(postcode)
        if point is None:
            raise _not_found(normalise_postcode(postcode))
        return point


def _to_location(point: PostcodePoint) -> Location:
    address = _display(point.postcode)
    if point.woonplaats:
        address = f"{address} {point.woonplaats}"
    raw = {
        "postcode": point.postcode,
        "precision": point.precision,
        "woonplaats": point.woonplaats,
        "gemeente": point.gemeente,
    }
    return Location(address, Point(point.lat, point.lon), raw)


# --- optional online geocoders ------------------------------------------------------------

_POINT_WKT_RE = re.compile(r"POINT\s*\(\s*(-?[0-9.]+)\s+(-?[0-9.]+)\s*\)")


class PdokGeocoder(Geocoder):
    """geopy Geocoder for postcodes via the PDOK Locatieserver (free search, type postcode)."""

    api_path = "/bzk/locatieserver/search/v3_1/free"
    fields = "weergavenaam,postcode,woonplaatsnaam,gemeentenaam,centroide_ll"

    def __init__(
        self,
        *,
        domain: str = "api.pdok.nl",
        scheme=None,
        timeout=DEFAULT_SENTINEL,
        proxies=DEFAULT_SENTINEL,
        user_agent: str | None = None,
        ssl_context=DEFAULT_SENTINEL,
        adapter_factory=None,
    ):
        super().__init__(
            scheme=scheme,
            timeout=timeout,
            proxies=proxies,
            user_agent=user_agent,
            ssl_context=ssl_context,
            adapter_factory=adapter_factory,
        )
        self.api = f"{self.scheme}://{domain.strip('/')}{self.api_path}"

    def geocode(self, query: str, *, exactly_one: bool = True, timeout=DEFAULT_SENTINEL):
        params = {"q": query, "fq": "type:postcode", "rows": 1 if exactly_one else 10, "fl": self.fields}
        url = f"{self.api}?{urlencode(params)}"
        callback = functools.partial(self._parse_json, exactly_one=exactly_one)
        return self._call_geocoder(url, callback, timeout=timeout)

    @staticmethod
    def _parse_doc(doc: dict) -> Location | None:
        match = _POINT_WKT_RE.fullmatch(str(doc.get("centroide_ll", "")).strip())
        if match is None:
            return None
        lon, lat = float(match.group(1)), float(match.group(2))
        return Location(doc.get("weergavenaam", ""), Point(lat, lon), doc)

    def _parse_json(self, page, exactly_one: bool):
        docs = ((page or {}).get("response") or {}).get("docs") or []
        locations = [loc for loc in (self._parse_doc(doc) for doc in docs) if loc is not None]
        if not locations:
            return None
        return locations[0] if exactly_one else locations


def _online_point(
    postcode: str, location: Location, found_postcode: str | None, woonplaats: str | None, gemeente: str | None
) -> PostcodePoint | None:
    """Turn an online answer for ``postcode`` into a PostcodePoint, or None if it is for another area."""
    try:
        found = normalise_postcode(found_postcode) if found_postcode else None
    except ValidationError:
        found = None
    # Fuzzy search may answer with a neighbouring postcode; accept it only within the same PC4.
    if found is not None and found[:4] != postcode[:4]:
        return None
    precision = "pc6" if len(postcode) == 6 and found == postcode else "pc4"
    return PostcodePoint(
        postcode=postcode,
        lat=location.latitude,
        lon=location.longitude,
        precision=precision,
        woonplaats=woonplaats or None,
        gemeente=gemeente or None,
    )


def pdok_point(postcode: str, location: Location) -> PostcodePoint | None:
    raw = location.raw or {}
    return _online_point(postcode, location, raw.get("postcode"), raw.get("woonplaatsnaam"), raw.get("gemeentenaam"))


def nominatim_point(postcode: str, location: Location) -> PostcodePoint | None:
    address = (location.raw or {}).get("address") or {}
    woonplaats = address.get("city") or address.get("town") or address.get("village")
    return _online_point(postcode, location, address.get("postcode"), woonplaats, address.get("municipality"))


class PostcodeLocator(Protocol):
    def locate(self, postcode: str) -> PostcodePoint: ...


class CachedOnlineGeocoder:
    """Wraps an online lookup: normalises, caches (LRU, also misses) and rate-limits the calls.

    ``geocode`` takes a normalised postcode and returns a geopy Location or None;
    ``to_point`` turns that Location into a PostcodePoint (or None if it does not match).
    Network errors (geopy exceptions) are raised, not cached.
    """

    def __init__(
        self,
        geocode: Callable[[str], Location | None],
        to_point: Callable[[str, Location], PostcodePoint | None],
        *,
        cache_size: int = 1024,
        min_delay_seconds: float = 1.0,
    ):
        self._geocode = RateLimiter(
            geocode,
            min_delay_seconds=min_delay_seconds,
            error_wait_seconds=max(5.0, min_delay_seconds),
            swallow_exceptions=False,
        )
        self._to_point = to_point
        self._cache_size = cache_size
        self._cache: OrderedDict[str, PostcodePoint | None] = OrderedDict()
        self._lock = threading.Lock()

    def lookup(self, postcode: str) -> PostcodePoint | None:
        code = normalise_postcode(postcode)
        with self._lock:
            if code in self._cache:
                self._cache.move_to_end(code)
                return self._cache[code]
        location = self._geocode(code)
        point = self._to_point(code, location) if location is not None else None
        if self._cache_size > 0:
            with self._lock:
                self._cache[code] = point
                self._cache.move_to_end(code)
                while len(self._cache) > self._cache_size:
                    self._cache.popitem(last=False)
        return point

    def locate(self, postcode: str) -> PostcodePoint:
        point = self.lookup(postcode)
        if point is None:
            raise _not_found(normalise_postcode(postcode))
        return point


GEOCODER_KINDS = ("offline", "nominatim", "pdok")


def make_geocoder(
    kind: str = "offline",
    *,
    user_agent: str = "socialekaart",
    cache_size: int = 1024,
    min_delay_seconds: float = 1.0,
    adapter_factory=None,
) -> PostcodeLocator:
    """Geocoder for the setting ``SOCIALEKAART_GEOCODER``: "offline" (default), "nominatim" or "pdok".

    Online kinds replace the offline tables entirely. ``adapter_factory`` is passed to geopy
    (tests use it to fake HTTP).
    """
    name = (kind or "").strip().lower()
    if name == "offline":
        return PostcodeGeocoder(user_agent=user_agent)
    if name == "pdok":
        pdok = PdokGeocoder(user_agent=user_agent, adapter_factory=adapter_factory)
        return CachedOnlineGeocoder(
            pdok.geocode, pdok_point, cache_size=cache_size, min_delay_seconds=min_delay_seconds
        )
    if name == "nominatim":
        nominatim = Nominatim(user_agent=user_agent, adapter_factory=adapter_factory)

        def nominatim_geocode(postcode: str) -> Location | None:
            return nominatim.geocode(
                {"postalcode": _display(postcode)}, country_codes="nl", addressdetails=True, exactly_one=True
            )

        return CachedOnlineGeocoder(
            nominatim_geocode, nominatim_point, cache_size=cache_size, min_delay_seconds=min_delay_seconds
        )
    raise ConfigError(
        f'SOCIALEKAART_GEOCODER heeft een onbekende waarde: "{kind}". Kies offline, nominatim of pdok.',
        field="SOCIALEKAART_GEOCODER",
    )
