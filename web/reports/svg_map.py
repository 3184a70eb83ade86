"""A choropleth of areas as plain SVG, drawn on the server from their boundaries (GeoJSON in WGS84):
no tiles, no script, so it prints and goes into the PDF as it is. Each area is numbered; the report
lists the numbers with names and figures beside the map."""
from __future__ import annotations

import math
from dataclasses import dataclass
from html import escape
from typing import Any

from shapely.geometry import shape

from web.reports.classes import COLOURS

WIDTH = 640.0
MAX_HEIGHT = 560.0
MARGIN = 8.0


@dataclass(frozen=True)
class MapArea:
    number: int
    code: str
    name: str
    geometry: dict[str, Any] | None  # GeoJSON geometry, lon/lat
    klass: int | str  # colour class (web.reports.classes)


def _rings(geometry: dict[str, Any]) -> list[list[list[float]]]:
    if geometry["type"] == "Polygon":
        return list(geometry["coordinates"])
    if geometry["type"] == "MultiPolygon":
        return [ring for polygon in geometry["coordinates"] for ring in polygon]
    return []


def area_map(areas: list[MapArea], title: str) -> str:
    """An SVG element (a string) with one numbered path per area that has a boundary."""
    drawn = [a for a in areas if a.geometry and _rings(a.geometry)]
    points = [point for a in drawn for ring in _rings(a.geometry or {}) for point in ring]
    if not points:
        return ""
    west, east = min(p[0] for p in points), max(p[0] for p in points)
    south, north = min(p[1] for p in points), max(p[1] for p in points)
    squeeze = math.cos(math.radians((north + south) / 2))  # a degree east is shorter than a degree north
    span_x, span_y = max((east - west) * squeeze, 1e-9), max(north - south, 1e-9)
    scale = min((WIDTH - 2 * MARGIN) / span_x, (MAX_HEIGHT - 2 * MARGIN) / span_y)
    height = span_y * scale + 2 * MARGIN

    def xy(lon: float, lat: float) -> tuple[float, float]:
        return MARGIN + (lon - west) * squeeze * scale, MARGIN + (north - lat) * scale

    paths, labels = [], []
    for area in drawn:
        rings = _rings(area.geometry or {})
        d = " ".join("M" + " L".join(f"{x:.1f},{y:.1f}" for x, y in (xy(p[0], p[1]) for p in ring)) + " Z"
                     for ring in rings)
        paths.append(f'<path d="{d}" fill="{COLOURS[area.klass]}" fill-rule="evenodd" stroke="#1c2830" '
                     f'stroke-width="0.8" data-gebied="{escape(area.code)}" data-klasse="{area.klass}">'
                     f"<title>{area.number}. {escape(area.name)}</title></path>")
        point = shape(area.geometry).representative_point()  # inside the area, also after the linear projection
        x, y = xy(point.x, point.y)
        labels.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="8" fill="#ffffff" stroke="#1c2830" '
                      f'stroke-width="0.6"/><text x="{x:.1f}" y="{y + 3.5:.1f}" text-anchor="middle" '
                      f'font-size="10" font-family="DejaVu Sans, sans-serif" fill="#1c2830">{area.number}</text>')
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH:.0f} {height:.0f}" role="img" '
            f'class="kaart" aria-label="{escape(title)}"><title>{escape(title)}</title>'
            + "".join(paths) + "".join(labels) + "</svg>")
