"""Downloads of the lokale inventarisatie: CSV (for a spreadsheet), GeoJSON (for a choropleth
in any GIS) and a printable report (HTML, or PDF made on the server) for an area and leefgebied.

The CSV follows the provider export: ``;`` between cells, decimal comma, a BOM so Excel reads
UTF-8, and no cell a spreadsheet would run as a formula. Hidden referral counts read "<5", as in the
network CSV (hidden: under 5, zero included, or so that none can be worked back).
The coverage CSV ends with the one median (robust, of the wijken in the regio) each row is
compared with, so every figure of the dashboard is in it.
"""
from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import Response, current_app, render_template, request

from importers.exports import CSV_DELIMITER, neutralise
from socialekaart.coverage.compute import BASIS_GROUP, RUNG_CODES
from socialekaart.coverage.gaps import (
    INDICATORS,
    Gap,
    display_name,
    distance_text,
    nl_decimal,
    nl_int,
    percent,
    period_text,
)
from socialekaart.coverage.service import AreaView
from socialekaart.shared import taxonomy
from socialekaart.shared.disclosure import THRESHOLD
from socialekaart.shared.errors import ConfigError
from web.api.coverage.shaping import CSV_COLUMNS, SUPPRESSIBLE, flat_record, gap_body, gap_counts, rounded
from web.reports.figures import Shown, domain_figures, overview_chart
from web.reports.pdf import PdfUnavailable, html_to_pdf

GEOJSON = "application/geo+json"
CSV = "text/csv"
PDF = "application/pdf"
MEDIAN_COLUMN = "mediaan sociale basis per 1000 (robuust), wijken in de regio"
GAP_COLUMNS = [("rank", "rang"), ("indicatorLabel", "indicator"), ("areaCode", "gebied"), ("areaName", "naam"),
               ("lifeDomainLabel", "leefgebied"), ("severity", "ernst"), ("affected", "getroffen"),
               ("explanation", "toelichting")]


def _cell(key: str, value: Any) -> str:
    if value is None:
        return f"<{THRESHOLD}" if key in SUPPRESSIBLE else ""
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, float):
        return f"{value:g}".replace(".", ",") if abs(value) < 1e15 else str(value)
    return neutralise(str(value))


def _csv_text(header: list[str], rows: list[list[str]]) -> str:
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=CSV_DELIMITER, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def _download(body: str | bytes, mimetype: str, filename: str) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def coverage_csv(view: AreaView) -> Response:
    """One row per area (the area itself, then the areas in it) and leefgebied."""
    result, counts = view.result, gap_counts(view.analysis)
    medians = {d: rounded(view.analysis.median(view.area.code, d), 3) for d in view.life_domains}
    rows = []
    for area in (view.area, *view.children):
        for domain in view.life_domains:
            flat = flat_record(result, result.record(area.code, domain), counts.get((area.code, domain), 0))
            rows.append([_cell(key, flat[key]) for key in CSV_COLUMNS] + [_cell("median", medians[domain])])
    header = [*CSV_COLUMNS.values(), MEDIAN_COLUMN]
    return _download(_csv_text(header, rows), CSV, f"inventarisatie-{view.area.code}.csv")


def map_codes(view: AreaView) -> list[str]:
    """The areas a map of this view shows: the areas in it, or the area itself when it has none."""
    return [a.code for a in view.children] or [view.area.code]


def geojson_body(view: AreaView, geometries: dict[str, str | None]) -> dict[str, Any]:
    """A FeatureCollection of ``map_codes``, the figures as flat properties: ready for a choropleth.
    With one leefgebied a feature per area (id: the area code); with several, a feature per area
    and leefgebied (id ``code/leefgebied``, ``properties.lifeDomain`` to filter on)."""
    result, counts = view.result, gap_counts(view.analysis)
    single = len(view.life_domains) == 1
    features = []
    for domain in view.life_domains:
        for code in map_codes(view):
            area = result.areas[code]
            flat = flat_record(result, result.record(area.code, domain), counts.get((area.code, domain), 0))
            flat["displayName"] = display_name(result, area.code)
            geometry = geometries.get(area.code)
            features.append({"type": "Feature", "id": area.code if single else f"{area.code}/{domain}",
                             "geometry": json.loads(geometry) if geometry else None, "properties": flat})
    return {"type": "FeatureCollection", "lifeDomain": view.life_domains[0] if single else None,
            "lifeDomains": list(view.life_domains), "area": view.area.code,
            "reachThresholdM": view.analysis.thresholds.reach_threshold_m, "features": features}


def coverage_geojson(view: AreaView, geometries: dict[str, str | None]) -> Response:
    domain = view.life_domains[0] if len(view.life_domains) == 1 else "leefgebieden"
    body = geojson_body(view, geometries)
    response = Response(json.dumps(body, ensure_ascii=False, separators=(",", ":")), mimetype=GEOJSON)
    response.headers["Content-Disposition"] = f'inline; filename="inventarisatie-{view.area.code}-{domain}.geojson"'
    return response


def gaps_csv(area_code: str, gaps: list[Gap]) -> Response:
    """The ranked gaps, most severe first."""
    rows = []
    for rank, gap in enumerate(gaps, start=1):
        body = gap_body(gap, rank)
        rows.append([_cell(key, body[key]) for key, _column in GAP_COLUMNS])
    return _download(_csv_text([column for _key, column in GAP_COLUMNS], rows), CSV, f"knelpunten-{area_code}.csv")


# -- the printable report -------------------------------------------------------------------------------

REPORT_GAPS = 25
MAPPED_DOMAINS = 3  # a map and charts per leefgebied up to this many; more get one overview chart
TIME_ZONE = ZoneInfo("Europe/Amsterdam")


def report_map_codes(view: AreaView) -> list[str]:
    """The areas whose boundaries the report draws: none when it has no maps (more than a few leefgebieden)."""
    return map_codes(view) if len(view.life_domains) <= MAPPED_DOMAINS else []


def report_context(view: AreaView, gaps: list[Gap], geometries: dict[str, str | None]) -> dict[str, Any]:
    """What the report template shows, worked out here so the template only lays it out. With one
    leefgebied (or a few) it shows only those, each with its map and charts."""
    result, analysis, thresholds = view.result, view.analysis, view.analysis.thresholds
    counts = gap_counts(analysis)
    area = view.area
    summary = []
    for domain in view.life_domains:
        record = result.record(area.code, domain)
        reach = record.reach_of(BASIS_GROUP)
        summary.append({
            "label": taxonomy.LIFE_DOMAIN_BY_CODE[domain].label,
            "rungs": [record.rung_total(rung) for rung in RUNG_CODES],
            "formal": record.formal, "informal": record.informal, "basis": record.sociale_basis,
            "per1000": nl_decimal(record.per_1000_robust, 2) if record.per_1000_robust is not None else "–",
            "beyond": f"{percent(reach.share_beyond)}%" if reach.share_beyond is not None else "–",
            "wait": nl_decimal(record.mean_wait_weeks) if record.mean_wait_weeks is not None else "–",
            "referrals": _count(record.shown("referrals")), "gaps": counts.get((area.code, domain), 0),
        })
    matrix = []
    for child in view.children:
        cells = []
        for domain in view.life_domains:
            record = result.record(child.code, domain)
            cells.append({"basis": record.sociale_basis, "gaps": counts.get((child.code, domain), 0)})
        matrix.append({"name": display_name(result, child.code), "population": child.population, "cells": cells})
    needs = [{"area": display_name(result, n.area_code), "domain": taxonomy.LIFE_DOMAIN_BY_CODE[n.life_domain].label,
              "group": taxonomy.TARGET_GROUP_BY_CODE[n.target_group].label if n.target_group else "",
              "indicator": n.indicator, "value": n.value, "year": n.year, "source": n.source}
             for code in (area.code, *(c.code for c in view.children)) for domain in view.life_domains
             for n in result.record(code, domain).needs]
    mapped = len(view.life_domains) <= MAPPED_DOMAINS
    chosen = ", ".join(taxonomy.LIFE_DOMAIN_BY_CODE[d].label for d in view.life_domains) if mapped else ""
    return {
        "title": f"Lokale inventarisatie {display_name(result, area.code)}" + (f": {chosen}" if chosen else ""),
        "chosen": chosen,
        "figures": [_domain_figures(view, d, geometries) for d in view.life_domains] if mapped else [],
        "overview_chart": "" if mapped else overview_chart(
            display_name(result, area.code),
            [(taxonomy.LIFE_DOMAIN_BY_CODE[d].label, rounded(result.record(area.code, d).per_1000_robust, 3),
              rounded(analysis.median(area.code, d), 3)) for d in view.life_domains]),
        "printed_on": datetime.now(TIME_ZONE), "referrals_since": _date_text(analysis.referrals_since),
        "area": area, "area_name": display_name(result, area.code), "computed_on": analysis.today,
        "domains": [taxonomy.LIFE_DOMAIN_BY_CODE[d] for d in view.life_domains],
        "rungs": [taxonomy.RUNG_BY_CODE[r] for r in RUNG_CODES],
        "summary": summary, "matrix": matrix, "needs": needs,
        "gaps": gaps[:REPORT_GAPS], "gap_total": len(gaps), "indicators": INDICATORS,
        "ages": [(key, value) for key, value in area.ages.items()],
        "reach_text": distance_text(thresholds.reach_threshold_m),
        "stale_text": period_text(thresholds.stale_after_days),
        "thresholds": thresholds, "suppression": THRESHOLD,
        "number": lambda value: nl_int(value) if value is not None else "onbekend",
    }


def _domain_figures(view: AreaView, domain: str, geometries: dict[str, str | None]) -> dict[str, Any]:
    """Map and charts of one leefgebied, from the shaped figures of the areas the dashboard's map shows."""
    result, counts = view.result, gap_counts(view.analysis)
    shown = [Shown(code, display_name(result, code),
                   flat_record(result, result.record(code, domain), counts.get((code, domain), 0)),
                   geometries.get(code))
             for code in map_codes(view)]
    return domain_figures(taxonomy.LIFE_DOMAIN_BY_CODE[domain].label, display_name(result, view.area.code),
                          rounded(view.analysis.median(view.area.code, domain), 3), shown)


def _date_text(iso: str) -> str:
    """'2025-12-02…' -> '02-12-2025'."""
    year, month, day = iso[:10].split("-")
    return f"{day}-{month}-{year}"


def _count(number: int | None) -> str:
    """A published referral count (None: hidden)."""
    return f"<{THRESHOLD}" if number is None else str(number)


def coverage_report(view: AreaView, gaps: list[Gap], geometries: dict[str, str | None], *,
                    pdf: bool = False) -> Response:
    html = render_template("coverage_report.html", pdf=pdf, **report_context(view, gaps, geometries))
    if not pdf:
        return Response(html, mimetype="text/html")
    try:
        body = html_to_pdf(html, request.host_url, current_app.static_folder or "")
    except PdfUnavailable as error:
        raise ConfigError("Het verslag als PDF kan nu niet worden gemaakt: de onderdelen daarvoor ontbreken op de "
                          "server (make pdf-libs). Het verslag als HTML werkt wel.") from error
    name = "-".join(["inventarisatie", view.area.code, *view.life_domains[:MAPPED_DOMAINS]])
    return _download(body, PDF, f"{name}.pdf")

