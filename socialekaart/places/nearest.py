"""The nearest postcode to a point, offline, from the shipped postcode tables.

For "gebruik mijn locatie": the browser gives a point, we answer with a postcode and search with
that, like any other search. Nothing is sent anywhere: the tables ship with the product.
Within the region the nearest PC6 centroid; further away (or outside the region) the nearest PC4
of the whole country.
"""
from __future__ import annotations

import csv
import math
import threading
from pathlib import Path

from socialekaart.places.geocoding import DATA_DIR, PostcodePoint, PostcodeTable
from socialekaart.shared.errors import NotFound, ValidationError

# Further than this from every PC6 of the region: take the nearest PC4 of the whole country.
PC6_MAX_METRES = 1500.0
# Further than this from every PC4: not in the Netherlands (or the sea).
PC4_MAX_METRES = 15_000.0
EARTH_RADIUS_M = 6_371_000.0


def check_point(lat: float | None, lon: float | None) -> tuple[float, float]:
    if lat is None or lon is None or not (-90 <= lat <= 90) or not (-180 <= lon <= 180) \
            or math.isnan(lat) or math.isnan(lon):
        raise ValidationError("Uw locatie kwam niet goed door. Vul uw postcode zelf in.", field="postcode")
    return lat, lon


def metres_between(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Equirectangular distance: exact enough for 'which postcode is nearest' at these distances."""
    x = math.radians(lon2 - lon1) * math.cos(math.radians((lat1 + lat2) / 2))
    y = math.radians(lat2 - lat1)
    return EARTH_RADIUS_M * math.hypot(x, y)


class NearestPostcode:
    """Nearest postcode lookups on the shipped tables (loaded on first use, then kept)."""

    def __init__(self, table: PostcodeTable | None = None, data_dir: Path | None = None):
        self._table = table or PostcodeTable(data_dir)
        self._data_dir = Path(data_dir) if data_dir is not None else DATA_DIR
        self._pc4: list[PostcodePoint] | None = None
        self._lock = threading.Lock()

    def _pc4_rows(self) -> list[PostcodePoint]:
        with self._lock:
            if self._pc4 is None:
                with open(self._data_dir / "pc4_nl.csv", newline="", encoding="utf-8") as f:
                    self._pc4 = [PostcodePoint(row["pc4"], float(row["lat"]), float(row["lon"]), "pc4",
                                               row.get("woonplaats") or None, None) for row in csv.DictReader(f)]
            return self._pc4

    @staticmethod
    def _closest(rows: list[PostcodePoint], lat: float, lon: float) -> tuple[PostcodePoint | None, float]:
        best, best_m = None, math.inf
        for row in rows:
            if abs(row.lat - lat) > 0.5 or abs(row.lon - lon) > 0.8:  # cheap pre-filter (~50 km)
                continue
            metres = metres_between(lat, lon, row.lat, row.lon)
            if metres < best_m:
                best, best_m = row, metres
        return best, best_m

    def nearest(self, lat: float | None, lon: float | None) -> PostcodePoint:
        """The nearest PC6 in the region, else the nearest PC4; NotFound when the point is not near any."""
        lat, lon = check_point(lat, lon)
        found, metres = self._closest(self._table.pc6_rows(), lat, lon)
        if found is not None and metres <= PC6_MAX_METRES:
            return found
        found, metres = self._closest(self._pc4_rows(), lat, lon)
        if found is not None and metres <= PC4_MAX_METRES:
            return found
        raise NotFound("We vonden geen postcode bij uw locatie. Vul uw postcode zelf in.", field="postcode")
