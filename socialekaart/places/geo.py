"""Geometry with shapely: which buurt a point lies in, centroids, distances."""
from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Iterable

import shapely
import shapely.errors
from shapely import STRtree
from shapely.geometry import Point, shape
from shapely.geometry.base import BaseGeometry

EARTH_RADIUS_M = 6_371_008.8


def haversine_m(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance in metres between two (lat, lon) points."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(h))


def geometry_from_text(text: str) -> BaseGeometry:
    return shape(json.loads(text))


def _shapes(texts: list[str], reuse: "AreaIndex | None") -> list[BaseGeometry]:
    """The polygons of GeoJSON texts: those ``reuse`` already parsed from the same text are taken
    from it; the rest parsed in one vectorised call (several times faster than one by one)."""
    known = {id(b["geometry"]): shape_ for b, shape_ in zip(reuse._buurten, reuse._shapes)} if reuse else {}
    shapes: list[BaseGeometry | None] = [known.get(id(text)) for text in texts]
    todo = [n for n, found in enumerate(shapes) if found is None]
    if todo:
        try:
            parsed = list(shapely.from_geojson([texts[n] for n in todo]))
        except (shapely.errors.GEOSException, ValueError, TypeError):
            parsed = [geometry_from_text(texts[n]) for n in todo]  # raises for the text that is wrong
        for n, shape_ in zip(todo, parsed):
            shapes[n] = shape_
    return shapes


@dataclass(frozen=True)
class Placement:
    """Where a point lies: its buurt, wijk and gemeente (codes and names)."""
    buurt_code: str
    buurt_name: str
    wijk_code: str | None
    wijk_name: str | None
    gemeente_code: str | None
    gemeente_name: str | None

    def codes(self) -> list[str]:
        return [c for c in (self.buurt_code, self.wijk_code, self.gemeente_code) if c]


class AreaIndex:
    """Buurt polygons in an STRtree, plus names and centroids of every area, for quick placement."""

    def __init__(self, buurten: Iterable[dict], wijken: Iterable[dict], gemeenten: Iterable[dict], *,
                 reuse: "AreaIndex | None" = None):
        self._areas = {a["code"]: a for a in (*gemeenten, *wijken)}
        self._buurten: list[dict] = []
        for buurt in buurten:
            self._areas[buurt["code"]] = buurt
            if buurt.get("geometry"):
                self._buurten.append(buurt)
        self._shapes = _shapes([b["geometry"] for b in self._buurten], reuse)
        self._tree = STRtree(self._shapes) if self._shapes else None

    def with_areas(self, areas: Iterable[dict]) -> "AreaIndex":
        """This index with ``areas`` (buurten, wijken, gemeenten) added or replaced; the polygons
        of unchanged buurten are reused, not parsed again."""
        merged = dict(self._areas)
        merged.update((a["code"], a) for a in areas if a.get("kind") in ("buurt", "wijk", "gemeente"))
        by_kind = {kind: sorted((a for a in merged.values() if a.get("kind") == kind), key=lambda a: a["code"])
                   for kind in ("buurt", "wijk", "gemeente")}
        return AreaIndex(by_kind["buurt"], by_kind["wijk"], by_kind["gemeente"], reuse=self)

    def __len__(self) -> int:
        return len(self._buurten)

    def area(self, code: str) -> dict | None:
        return self._areas.get(code)

    def centroid(self, code: str) -> tuple[float, float] | None:
        area = self._areas.get(code)
        if not area or area.get("lat") is None:
            return None
        return area["lat"], area["lon"]

    def place(self, lat: float, lon: float) -> Placement | None:
        """The buurt containing the point; None outside every known buurt."""
        if self._tree is None:
            return None
        point = Point(lon, lat)
        hits = self._tree.query(point, predicate="intersects")
        if len(hits) == 0:
            return None
        buurt = self._buurten[int(min(hits))]
        wijk = self._areas.get(buurt.get("parent_code") or "")
        gemeente = self._areas.get((wijk or {}).get("parent_code") or "")
        return Placement(buurt["code"], buurt["name"],
                         wijk["code"] if wijk else None, wijk["name"] if wijk else None,
                         gemeente["code"] if gemeente else None, gemeente["name"] if gemeente else None)
