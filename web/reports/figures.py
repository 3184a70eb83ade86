"""The map, the charts and the numbered key of the printable report, from figures already shaped for
the API (``flat_record`` rows and the one median, rounded as the API gives them), so the report shows
the same numbers as the dashboard. Knows nothing of the store or the API: it only draws."""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from socialekaart.coverage.gaps import nl_decimal, nl_int, percent
from web.reports.classes import COLOURS, LEGEND, per_1000_class
from web.reports.svg_charts import Bar, bar_chart
from web.reports.svg_map import MapArea, area_map

SUPPLY_COLOUR = "#1d5478"  # --inv-aanbod of the dashboard
NEED_COLOUR = "#a1261c"  # --inv-behoefte


@dataclass(frozen=True)
class Shown:
    """One area on the map: its name, its shaped figures (``flat_record``) and its boundary (GeoJSON)."""
    code: str
    name: str
    figures: dict[str, Any]
    geometry: str | None


@dataclass(frozen=True)
class KeyRow:
    """One numbered area of the map, with the figures the map and charts show."""
    number: int
    code: str
    name: str
    population: int | None
    per_1000: float | None  # robust
    per_1000_text: str
    klass: int | str
    legend: str
    beyond: int | None  # inwoners without supply within reach
    beyond_text: str


def per_1000_text(value: float | None) -> str:
    return "–" if value is None else nl_decimal(value, 2)


def median_text(median: float | None) -> str:
    return "geen mediaan" if median is None else f"mediaan {nl_decimal(median, 2)}"


def key_row(number: int, shown: Shown, median: float | None) -> KeyRow:
    flat = shown.figures
    value, share, beyond = flat["socialeBasisPer1000Robust"], flat["shareBeyondReach"], flat["inwonersBeyondReach"]
    klass = per_1000_class(value, median)
    return KeyRow(number, shown.code, shown.name, flat["relevantPopulation"], value, per_1000_text(value), klass,
                  LEGEND[klass], beyond, "–" if share is None else f"{nl_int(beyond or 0)} ({percent(share)}%)")


def domain_figures(label: str, area_name: str, median: float | None, shown: list[Shown]) -> dict[str, Any]:
    """Map, charts and key of one leefgebied."""
    rows = [key_row(number, s, median) for number, s in enumerate(shown, start=1)]
    areas = [MapArea(r.number, r.code, r.name, json.loads(s.geometry) if s.geometry else None, r.klass)
             for r, s in zip(rows, shown)]
    middle = median_text(median)
    supply = bar_chart([Bar(f"{r.number}. {r.name}", r.per_1000, r.per_1000_text) for r in rows],
                       f"{label}: informeel en voorliggend aanbod per 1.000 inwoners (robuust) per gebied in "
                       f"{area_name}, met de {middle} van de wijken in de regio", SUPPLY_COLOUR, median, middle)
    need = bar_chart([Bar(f"{r.number}. {r.name}", float(r.beyond or 0), r.beyond_text) for r in rows],
                     f"{label}: inwoners zonder informeel of voorliggend aanbod dichtbij, per gebied in {area_name}",
                     NEED_COLOUR)
    return {"label": label, "median": median, "median_text": middle, "key": rows,
            "map": area_map(areas, f"Kaart van {area_name}, {label}: aanbod per 1.000 inwoners (robuust) "
                                   f"tegenover de {middle}"),
            "supply_chart": supply, "need_chart": need,
            "legend": [(COLOURS[k], text) for k, text in LEGEND.items()]}


def overview_chart(area_name: str, domains: list[tuple[str, float | None, float | None]]) -> str:
    """Every leefgebied of one area: (label, robust per 1,000, median), the median in the text."""
    bars = [Bar(label, value, per_1000_text(value) + ("" if median is None else f" ({median_text(median)})"))
            for label, value, median in domains]
    return bar_chart(bars, f"Aanbod per 1.000 inwoners (robuust) per leefgebied in {area_name}", SUPPLY_COLOUR)
