"""Exports: the CSV template round trip, formula neutralising, confidential addresses, GeoJSON."""
from __future__ import annotations

import csv
import io
import json
import re
from datetime import date
from pathlib import Path

from graph.stores.snapshots import StoreSnapshots
from importers.exports import export_csv, export_geojson, write_template
from importers.providers import COLUMN_NAMES, import_providers
from socialekaart.catalog.importing import ImportService
from socialekaart.catalog.model import Location, Organization, Service
from socialekaart.places.geocoding import PostcodeGeocoder

DOCS = Path(__file__).resolve().parents[2] / "docs" / "import-providers.md"
GEOCODER = PostcodeGeocoder()


def exported(store, **options) -> str:
    out = io.StringIO()
    export_csv(StoreSnapshots(store), out, **options)
    return out.getvalue()


def reimport(imports: ImportService, text: str, tmp_path: Path, **options):
    path = tmp_path / "export.csv"
    path.write_text(text, encoding="utf-8", newline="")
    fresh = ImportService(imports.catalog, imports.snapshots)
    return import_providers(path, fresh, GEOCODER, known_areas=fresh.snapshots.area_codes(), **options)


def cells(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))


def test_the_whole_demo_region_exports_and_reimports_without_a_single_change(demo_runtime, tmp_path):
    text = exported(demo_runtime.store)
    assert text.startswith("\ufeffid;bron;naam;")
    imports = ImportService(demo_runtime.catalog, StoreSnapshots(demo_runtime.store))

    report = reimport(imports, text, tmp_path, dry_run=True)

    services, organizations = len(demo_runtime.demo_region.services), len(
        {s.organization_id for s in demo_runtime.demo_region.services})
    assert (report.created, report.updated, report.rejected) == (0, 0, 0)
    assert report.unchanged == services + organizations
    assert report.problems == [] and report.warnings == []


HOSTILE = Service("svc-x", "org-x", "=HYPERLINK(\"http://example.org\";\"klik\")", "informeel", ["sociaal-netwerk"],
                  description="@SUM(1+1)", cost_note="-10 euro per keer", phone="+31 113 123456",
                  last_verified=date(2026, 1, 1), location=Location("loc-x", 51.5040, 3.8916, "Markt 1", "4461 AB",
                                                                    "Goes"))


def test_formula_cells_are_neutralised_and_come_back_unchanged(imports, tmp_path):
    imports.catalog.save(organizations=[Organization("org-x", "+Plus Welzijn", "welzijnsorganisatie")],
                         services=[HOSTILE])
    text = exported(imports.catalog.store)

    row = cells(text)[0]
    assert (row["naam"], row["omschrijving"], row["kosten toelichting"], row["telefoon"], row["organisatie"]) == (
        "'=HYPERLINK(\"http://example.org\";\"klik\")", "'@SUM(1+1)", "'-10 euro per keer", "'+31 113 123456",
        "'+Plus Welzijn")
    for line in text.splitlines()[1:]:
        for cell in next(csv.reader([line], delimiter=";")):
            assert not re.match(r"^[=+\-@\t\r]", cell), cell

    report = reimport(imports, text, tmp_path)
    assert (report.created, report.updated, report.unchanged, report.rejected) == (0, 0, 2, 0)


SECRET = Service("svc-opvang", "org-x", "Opvang", "maatwerk", ["relaties-thuis"], confidential=True,
                 location=Location("loc-geheim", 51.5010, 3.8850, "Geheime straat 9", "4461 AB", "Goes"))


def test_confidential_addresses_are_left_out_unless_asked_and_reimporting_keeps_them(zeeland, tmp_path):
    zeeland.catalog.save(organizations=[Organization("org-x", "Zorg Plus", "zorgaanbieder")], services=[SECRET])

    text = exported(zeeland.catalog.store)
    row = cells(text)[0]
    assert (row["vertrouwelijk adres"], row["adres"], row["postcode"], row["lat"], row["lon"]) == ("ja", "", "", "", "")
    assert "Geheime straat" not in text and "51.501" not in text

    report = reimport(zeeland, text, tmp_path)
    assert (report.updated, report.unchanged) == (0, 2)
    assert zeeland.snapshots.services(["svc-opvang"])["svc-opvang"].location.address == "Geheime straat 9"

    full = cells(exported(zeeland.catalog.store, include_confidential=True))[0]
    assert (full["adres"], full["lat"], full["lon"]) == ("Geheime straat 9", "51.501", "3.885")


def test_geojson_export_of_services_shows_public_points_only(zeeland):
    zeeland.catalog.save(organizations=[Organization("org-x", "Zorg Plus", "zorgaanbieder")], services=[
        SECRET, Service("svc-maatje", "org-x", "Maatje", "informeel", ["sociaal-netwerk"], serves=["GM0664"]),
        Service("svc-inloop", "org-x", "Inloop", "voorliggend", ["sociaal-netwerk"],
                location=Location("loc-inloop", 51.5040, 3.8916, "Markt 1", "4461 AB", "Goes"))])
    out = io.StringIO()

    written, skipped = export_geojson(StoreSnapshots(zeeland.catalog.store), out, "services")

    collection = json.loads(out.getvalue())
    assert (written, skipped, collection["type"]) == (2, 1, "FeatureCollection")
    by_id = {f["id"]: f for f in collection["features"]}
    assert by_id["svc-inloop"]["geometry"] == {"type": "Point", "coordinates": [3.8916, 51.504]}
    assert by_id["svc-inloop"]["properties"]["address"] == "Markt 1"
    opvang = by_id["svc-opvang"]
    assert opvang["properties"]["address"] is None and opvang["properties"]["pointKind"] == "wijk"
    assert opvang["geometry"]["coordinates"] != [3.885, 51.501]  # the wijk centre, not the address
    assert "Geheime straat" not in out.getvalue()


def test_geojson_export_of_areas(zeeland):
    out = io.StringIO()
    written, _ = export_geojson(StoreSnapshots(zeeland.catalog.store), out, "buurt")
    collection = json.loads(out.getvalue())
    assert written == len(collection["features"]) == 377
    goes = next(f for f in collection["features"] if f["id"] == "BU06640101")
    assert goes["geometry"]["type"] == "Polygon"
    # 2100 inwoners; 6, 12, 33, 26 and 23 percent per age group.
    assert goes["properties"] == {"code": "BU06640101", "name": "Goes-Centrum", "kind": "buurt",
                                  "parentCode": "WK066401", "population": 2100, "households": 1385,
                                  "ageGroups": {"0-14": 126, "15-24": 252, "25-44": 693, "45-64": 546, "65+": 483}}


def test_the_template_has_every_column_and_its_example_imports_cleanly(zeeland, tmp_path):
    out = io.StringIO()
    write_template(out, example=True)
    text = out.getvalue()
    assert text.startswith("\ufeff" + ";".join(COLUMN_NAMES) + "\r\n")
    report = reimport(zeeland, text, tmp_path, dry_run=True)
    assert (report.created, report.rejected) == (2, 0)


def test_every_template_column_is_documented():
    docs = DOCS.read_text(encoding="utf-8")
    missing = [name for name in COLUMN_NAMES if f"`{name}`" not in docs]
    assert missing == []


def test_every_opening_hours_example_in_the_docs_parses():
    from socialekaart.shared.hours import WeeklyHours

    docs = DOCS.read_text(encoding="utf-8")
    section = docs.split("### Openingstijden", 1)[1].split("Dagen:", 1)[0]
    examples = [e for line in section.splitlines() if line.startswith("| `")
                for e in re.findall(r"`([^`]+)`", line.split("|")[1])]
    assert len(examples) == 8
    for example in examples:
        assert WeeklyHours.parse(example).known, example
