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


def service_row(service: dict[str, Any], *, include_confidential: bool = False) -> dict[str, str]:
    """One stored service (``graph.snapshots`` form) as a template row."""
    location = service.get("location") or {}
    hide = bool(service.get("confidential")) and not include_confidential
    place = {} if hide else location
    values = {
        "id": service["id"], "bron": service.get("source"), "naam": service.get("name"),
        "omschrijving": service.get("description"), "organisatie": service.get("org_name"),
        "organisatie id": service.get("organization_id"), "soort organisatie": service.get("org_kind"),
        "formeel/informeel": "formeel" if service.get("formal") else "informeel", "trede": service.get("rung"),
        "leefgebieden": service.get("life_domains"), "doelgroepen": service.get("target_groups"),
        "leeftijd van": service.get("age_min"), "leeftijd tot": service.get("age_max"),
        "adres": place.get("address"), "postcode": place.get("postcode"), "plaats": place.get("city"),
        "lat": place.get("lat"), "lon": place.get("lon"), "werkgebied": service.get("serves"),
        "telefoon": service.get("phone"), "e-mail": service.get("email"), "website": service.get("website"),
        "openingstijden": WeeklyHours.from_minutes(service.get("hours")).text(),
        "kosten": service.get("cost"), "kosten toelichting": service.get("cost_note"),
        "wachttijd (weken)": service.get("wait_weeks"), "capaciteit": service.get("capacity_note"),
        "crisishulp": bool(service.get("crisis_24h")),
        "onafhankelijke cliëntondersteuning": bool(service.get("independent_support")),
        "vertrouwelijk adres": bool(service.get("confidential")),
        "laatst gecontroleerd": service.get("last_verified"),
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

def service_feature(service: dict[str, Any]) -> dict[str, Any] | None:
    """A Point feature at the public point (the wijk centre for a confidential address), or None."""
    if service.get("lat") is None or service.get("lon") is None:
        return None
    rung = taxonomy.RUNG_BY_CODE.get(service.get("rung") or "")
    public = not service.get("confidential")
    properties = {
        "id": service["id"], "name": service.get("name"), "description": service.get("description") or None,
        "organizationId": service.get("organization_id"), "organization": service.get("org_name"),
        "formal": service.get("formal"), "rung": service.get("rung"), "rungLabel": rung.label if rung else None,
        "lifeDomains": service.get("life_domains") or [], "targetGroups": service.get("target_groups") or [],
        "ageMin": service.get("age_min"), "ageMax": service.get("age_max"), "cost": service.get("cost"),
        "crisis24h": bool(service.get("crisis_24h")), "independentSupport": bool(service.get("independent_support")),
        "confidential": not public, "pointKind": service.get("point_kind"),
        "address": service.get("address") if public else None, "postcode": service.get("postcode") if public else None,
        "city": service.get("city") if public else None, "phone": service.get("phone"),
        "email": service.get("email"), "website": service.get("website"),
        "hours": WeeklyHours.from_minutes(service.get("hours")).text() or None, "serves": service.get("serves") or [],
        "buurtCode": service.get("buurt_code") if public else None, "wijkCode": service.get("wijk_code"),
        "gemeenteCode": service.get("gemeente_code"), "lastVerified": service.get("last_verified"),
        "source": service.get("source"),
    }
    return {"type": "Feature", "id": service["id"],
            "geometry": {"type": "Point", "coordinates": [service["lon"], service["lat"]]},
            "properties": properties}


def area_feature(area: dict[str, Any]) -> dict[str, Any]:
    ages = {"0-14": area.get("age_0_14"), "15-24": area.get("age_15_24"), "25-44": area.get("age_25_44"),
            "45-64": area.get("age_45_64"), "65+": area.get("age_65_plus")}
    return {"type": "Feature", "id": area["code"],
            "geometry": json.loads(area["geometry"]) if area.get("geometry") else None,
            "properties": {"code": area["code"], "name": area.get("name"), "kind": area.get("kind"),
                           "parentCode": area.get("parent_code"), "population": area.get("population"),
                           "households": area.get("households"),
                           "ageGroups": {k: v for k, v in ages.items() if v is not None}}}


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
