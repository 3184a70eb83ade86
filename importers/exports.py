"""Exports: the provider CSV (the import template, so it can be imported again) and GeoJSON
of services and areas.

CSV cells that a spreadsheet would run as a formula (starting with =, +, -, @, tab or CR) get
a leading apostrophe; the importer takes it off again. Confidential addresses are left out
unless asked for; re-importing such a file keeps the stored address.
"""
from __future__ import annotations

import csv
import json
from typing import Any, TextIO

from importers.providers import COLUMN_NAMES, FORMULA_START
from socialekaart.catalog.ports import ExportReads
from socialekaart.catalog.records import StoredService
from socialekaart.places.model import Area
from socialekaart.shared import taxonomy
from socialekaart.shared.hours import WeeklyHours

CSV_DELIMITER = ";"  # what Dutch Excel expects
AREA_LAYERS = ("gemeente", "wijk", "buurt")
LAYERS = ("services", *AREA_LAYERS)
TEMPLATE_EXAMPLE = {
    "id": "spreekuur-goes", "bron": "welzijn-goes", "naam": "Spreekuur geldzaken",
    "omschrijving": "Gratis hulp bij rekeningen, schulden en formulieren.", "organisatie": "Welzijn Goes",
    "soort organisatie": "welzijnsorganisatie", "formeel/informeel": "formeel", "trede": "voorliggend",
    "leefgebieden": "geldzaken, dagelijkse-activiteiten", "doelgroepen": "iedereen", "adres": "Markt 1",
    "postcode": "4461 AB", "plaats": "Goes", "werkgebied": "GM0664", "telefoon": "0113 123456",
    "e-mail": "info@example.nl", "website": "https://www.example.nl",
    "openingstijden": "ma-vr 09:00-17:00; za 10:00-12:00", "kosten": "gratis", "crisishulp": "nee",
    "onafhankelijke cliëntondersteuning": "nee", "vertrouwelijk adres": "nee", "laatst gecontroleerd": "2026-01-31",
}


def neutralise(value: str) -> str:
    """A cell a spreadsheet will show as text, never run as a formula."""
    return f"'{value}" if value.startswith(FORMULA_START) else value


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    return str(value)


def service_row(service: StoredService, *, include_confidential: bool = False) -> dict[str, str]:
    """One stored service as a template row: its own location's address, left out when confidential."""
    s = service
    place = None if s.confidential and not include_confidential else s.location
    values = {
        "id": s.id, "bron": s.source, "naam": s.name,
        "omschrijving": s.description, "organisatie": s.org_name,
        "organisatie id": s.organization_id, "soort organisatie": s.org_kind,
        "formeel/informeel": "formeel" if s.formal else "informeel", "trede": s.rung,
        "leefgebieden": s.life_domains, "doelgroepen": s.target_groups,
        "leeftijd van": s.age_min, "leeftijd tot": s.age_max,
        "adres": place.address if place else None, "postcode": place.postcode if place else None,
        "plaats": place.city if place else None, "lat": place.lat if place else None,
        "lon": place.lon if place else None, "werkgebied": s.serves,
        "telefoon": s.phone, "e-mail": s.email, "website": s.website,
        "openingstijden": WeeklyHours.from_minutes(s.hours).text(),
        "kosten": s.cost, "kosten toelichting": s.cost_note,
        "wachttijd (weken)": s.wait_weeks, "capaciteit": s.capacity_note,
        "crisishulp": bool(s.crisis_24h),
        "onafhankelijke cliëntondersteuning": bool(s.independent_support),
        "vertrouwelijk adres": bool(s.confidential),
        "laatst gecontroleerd": s.last_verified,
    }
    return {name: neutralise(_cell(values.get(name))) for name in COLUMN_NAMES}


def _writer(out: TextIO, bom: bool) -> csv.DictWriter:
    if bom:
        out.write("\ufeff")  # Excel reads the file as UTF-8 only with it
    writer = csv.DictWriter(out, fieldnames=COLUMN_NAMES, delimiter=CSV_DELIMITER, lineterminator="\r\n")
    writer.writeheader()
    return writer


def write_template(out: TextIO, *, example: bool = False, bom: bool = True) -> None:
    writer = _writer(out, bom)
    if example:
        writer.writerow({name: neutralise(TEMPLATE_EXAMPLE.get(name, "")) for name in COLUMN_NAMES})


def export_csv(reads: ExportReads, out: TextIO, *, include_confidential: bool = False, bom: bool = True) -> int:
    """Every service as a template row, ordered by id. Returns the number of rows."""
    writer = _writer(out, bom)
    count = 0
    for service in reads.all_services():
        writer.writerow(service_row(service, include_confidential=include_confidential))
        count += 1
    return count


# -- GeoJSON ------------------------------------------------------------------------------------------

def service_feature(service: StoredService) -> dict[str, Any] | None:
    """A Point feature at the public point (the wijk centre for a confidential address), or None."""
    s = service
    if s.lat is None or s.lon is None:
        return None
    rung = taxonomy.RUNG_BY_CODE.get(s.rung or "")
    public = not s.confidential
    properties = {
        "id": s.id, "name": s.name, "description": s.description or None,
        "organizationId": s.organization_id, "organization": s.org_name,
        "formal": s.formal, "rung": s.rung, "rungLabel": rung.label if rung else None,
        "lifeDomains": list(s.life_domains), "targetGroups": list(s.target_groups),
        "ageMin": s.age_min, "ageMax": s.age_max, "cost": s.cost,
        "crisis24h": bool(s.crisis_24h), "independentSupport": bool(s.independent_support),
        "confidential": not public, "pointKind": s.point_kind,
        "address": s.address if public else None, "postcode": s.postcode if public else None,
        "city": s.city if public else None, "phone": s.phone,
        "email": s.email, "website": s.website,
        "hours": WeeklyHours.from_minutes(s.hours).text() or None, "serves": list(s.serves),
        "buurtCode": s.buurt_code if public else None, "wijkCode": s.wijk_code,
        "gemeenteCode": s.gemeente_code, "lastVerified": s.last_verified,
        "source": s.source,
    }
    return {"type": "Feature", "id": s.id,
            "geometry": {"type": "Point", "coordinates": [s.lon, s.lat]},
            "properties": properties}


AGE_BANDS = ("0-14", "15-24", "25-44", "45-64", "65+")


def area_feature(area: Area) -> dict[str, Any]:
    ages = {band: area.age_groups[band] for band in AGE_BANDS if area.age_groups.get(band) is not None}
    return {"type": "Feature", "id": area.code,
            "geometry": json.loads(area.geometry) if area.geometry else None,
            "properties": {"code": area.code, "name": area.name, "kind": area.kind,
                           "parentCode": area.parent_code, "population": area.population,
                           "households": area.households, "ageGroups": ages}}


def export_geojson(reads: ExportReads, out: TextIO, layer: str = "services") -> tuple[int, int]:
    """One layer as a FeatureCollection in WGS84: (features written, services left out for having no
    point, i.e. only a werkgebied)."""
    if layer not in LAYERS:
        raise ValueError(f"unknown layer {layer!r}")
    if layer == "services":
        features = (service_feature(s) for s in reads.all_services())
    else:
        features = (area_feature(a) for a in reads.areas_of_kind(layer))
    out.write('{"type":"FeatureCollection","features":[\n')
    written = skipped = 0
    for feature in features:
        if feature is None:
            skipped += 1
            continue
        out.write(("," if written else "") + json.dumps(feature, ensure_ascii=False, separators=(",", ":")) + "\n")
        written += 1
    out.write("]}\n")
    return written, skipped
