"""`import cbs`: shipped Zeeland boundaries, RD New, statcode style, newer years, hostile files."""
from __future__ import annotations

import json
import zipfile
from datetime import date
from pathlib import Path

import pytest
from shapely.geometry import shape

from importers.cbs import import_cbs, read_cbs_file
from importers.demo.region import shipped_cbs_files
from socialekaart.catalog.model import Location, Organization, Service
from socialekaart.shared.errors import ImportRejected

BUURT_2015 = shipped_cbs_files()[2]
DATA = Path(__file__).resolve().parent / "data"


def shipped_feature(code: str) -> dict:
    features = json.loads(BUURT_2015.read_text(encoding="utf-8"))["features"]
    return next(f for f in features if f["properties"]["BU_CODE"] == code)


def test_shipped_zeeland_boundaries_import_with_hierarchy_and_kerncijfers(imports):
    report = import_cbs(shipped_cbs_files(), imports)

    assert (report.created, report.updated, report.unchanged, report.rejected) == (525, 0, 0, 0)
    assert report.written
    counts = imports.catalog.store.counts()
    assert (counts["Gemeente"], counts["Wijk"], counts["Buurt"]) == (13, 135, 377)
    rows = imports.catalog.store.connection.read(
        "MATCH (b:Buurt {code: 'BU06640101'})-[:IN]->(w:Wijk)-[:IN]->(g:Gemeente) "
        "RETURN b.name AS buurt, w.code AS wijk, g.code AS gemeente, b.population AS population, "
        "b.households AS households, b.age_65_plus AS old, b.age_0_14 AS young")
    # Goes-Centrum in 2015: 2100 inwoners, 1385 huishoudens, 23% 65+ and 6% 0-14.
    assert rows == [{"buurt": "Goes-Centrum", "wijk": "WK066401", "gemeente": "GM0664", "population": 2100,
                     "households": 1385, "old": 483, "young": 126}]
    # Five buurten of the shipped file point at wijken it lacks: said, not hidden.
    assert [w.reason.split(" ")[0] for w in report.warnings] == ["WK067709", "WK067713", "WK071607", "WK167605",
                                                                 "WK171407"]


def test_reimporting_the_same_files_reports_zero_changes_and_writes_nothing(imports, fresh):
    import_cbs(shipped_cbs_files(), imports)
    again = import_cbs(shipped_cbs_files(), fresh())
    assert (again.created, again.updated, again.unchanged, again.rejected) == (0, 0, 525, 0)
    assert not again.written
    assert again.text().endswith("Niets te schrijven: alles was al up-to-date.")


def test_rd_new_file_is_reprojected_to_wgs84():
    rd = read_cbs_file(DATA / "buurt_goes_rd.geojson")
    shipped = {a.code: a for a in read_cbs_file(BUURT_2015).areas}
    assert [a.code for a in rd.areas] == ["BU06640101", "BU06640102", "BU06640103"]
    for area in rd.areas:
        original = shipped[area.code]
        # Back and forth through RD New (rounded to mm) stays within a few centimetres.
        assert shape(json.loads(area.geometry)).hausdorff_distance(shape(json.loads(original.geometry))) < 1e-6
        assert area.centroid == pytest.approx(original.centroid, abs=1e-5)
        assert (area.parent_code, area.population) == (original.parent_code, original.population)


def test_rd_new_is_recognised_by_its_range_without_a_crs_member(tmp_path):
    data = json.loads((DATA / "buurt_goes_rd.geojson").read_text(encoding="utf-8"))
    del data["crs"]
    path = tmp_path / "zonder_crs.geojson"
    path.write_text(json.dumps(data), encoding="utf-8")
    centre = read_cbs_file(path).areas[0].centroid
    assert 51.49 < centre[0] < 51.52 and 3.87 < centre[1] < 3.90  # Goes-Centrum


def test_statcode_style_file_derives_kind_and_parents_repairs_and_drops(imports):
    report = import_cbs([DATA / "statcode_goes.geojson"], imports)

    assert report.rejected == 0 and report.written
    assert [(w.record, w.reason) for w in report.warnings] == [
        ("object 6", "BU06640104 is geen vlak (LineString); overgeslagen.")]
    rows = imports.catalog.store.connection.read(
        "MATCH (a:Area) OPTIONAL MATCH (a)-[:IN]->(p:Area) "
        "RETURN a.code AS code, a.kind AS kind, a.name AS name, p.code AS parent ORDER BY code")
    assert rows == [
        {"code": "BU06640101", "kind": "buurt", "name": "Goes-Centrum", "parent": "WK066401"},
        {"code": "BU06640102", "kind": "buurt", "name": "Goes-Oost", "parent": "WK066401"},
        {"code": "BU06640103", "kind": "buurt", "name": "Goes-Zuid", "parent": "WK066401"},
        {"code": "GM0664", "kind": "gemeente", "name": "Goes", "parent": None},
        {"code": "WK066401", "kind": "wijk", "name": "Goes", "parent": "GM0664"},
    ]
    # The self-crossing "bow tie" was repaired into two triangles.
    bow_tie = imports.catalog.store.areas("buurt", with_geometry=True)[2]
    assert json.loads(bow_tie.geometry)["type"] == "MultiPolygon"


def test_bad_objects_are_reported_and_nothing_is_written(imports, tmp_path, fresh):
    data = json.loads((DATA / "statcode_goes.geojson").read_text(encoding="utf-8"))
    data["features"][2]["properties"]["statcode"] = "BU123"
    data["features"][3]["properties"]["statnaam"] = ""
    data["features"].append(data["features"][1])  # the wijk twice
    path = tmp_path / "fout.geojson"
    path.write_text(json.dumps(data), encoding="utf-8")

    report = import_cbs([path], imports)

    assert [p.text() for p in report.problems] == [
        "fout.geojson, object 3, eigenschap 'statcode': 'BU123' is geen CBS-code; verwacht GM_CODE, WK_CODE, BU_CODE of "
        "statcode met een code als GM0664, WK066401 of BU06640101.",
        "fout.geojson, object 4 (BU06640102), eigenschap 'statnaam': Is verplicht.",
        "fout.geojson, WK066401: WK066401 staat ook al in fout.geojson; elk gebied mag één keer voorkomen.",
    ]
    assert report.rejected == 3 and not report.written
    assert imports.catalog.store.counts()["Buurt"] == 0

    skipped = import_cbs([path], fresh(), skip_invalid=True)
    assert skipped.written and skipped.rejected == 3 and skipped.created == 3  # GM0664, WK066401, BU06640103
    assert imports.catalog.store.counts()["Buurt"] == 1


def test_dry_run_shows_the_changes_and_writes_nothing(imports):
    report = import_cbs([DATA / "statcode_goes.geojson"], imports, dry_run=True)
    assert report.created == 5 and not report.written
    assert "  gebied GM0664: nieuw" in report.text()
    assert report.text().endswith("Proefrun: er is niets geschreven.")
    assert imports.catalog.store.is_empty()


def newer_year(tmp_path) -> str:
    """A '2016' buurt file for wijk Goes: Goes-Centrum renamed and shrunk to a small square in its
    north-east corner; Goes-Oost takes over the rest of its old ground."""
    centrum, oost = shipped_feature("BU06640101"), shipped_feature("BU06640102")
    old_centrum = shape(centrum["geometry"])
    minx, miny, maxx, maxy = old_centrum.bounds
    small = old_centrum.intersection(shape({"type": "Polygon", "coordinates": [[
        [maxx - 0.002, maxy - 0.002], [maxx, maxy - 0.002], [maxx, maxy], [maxx - 0.002, maxy],
        [maxx - 0.002, maxy - 0.002]]]}))
    centrum["geometry"] = small.__geo_interface__
    centrum["properties"].update(BU_NAAM="Goes-Centrum (2016)", AANT_INW=2200)
    oost["geometry"] = shape(oost["geometry"]).union(old_centrum.difference(small)).__geo_interface__
    path = tmp_path / "buurt_2016_goes.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [centrum, oost]}), encoding="utf-8")
    return path


def test_a_newer_year_updates_areas_in_place_and_moves_locations_to_the_right_buurt(zeeland, tmp_path, fresh):
    catalog = zeeland.catalog
    org = Organization("org-a", "Welzijn Goes", "welzijnsorganisatie")
    spot = (51.5025, 3.8880)  # in the old Goes-Centrum, outside the new small square
    catalog.save(organizations=[org], services=[
        Service("svc-a", "org-a", "Inloop", "voorliggend", ["sociaal-netwerk"], last_verified=date(2026, 1, 1),
                location=Location("loc-a", *spot, "Markt 1", "4461 AB", "Goes"))])
    assert catalog.service("svc-a").buurt_code == "BU06640101"

    report = import_cbs([newer_year(tmp_path)], fresh())

    assert (report.created, report.updated, report.unchanged, report.rejected, report.relocated) == (0, 2, 0, 0, 1)
    assert {c.id: c.fields for c in report.changes} == {
        "BU06640101": ("name", "population", "age_0_14", "age_15_24", "age_25_44", "age_45_64", "age_65_plus",
                       "geometry", "lat", "lon"),
        "BU06640102": ("geometry", "lat", "lon")}
    service = catalog.service("svc-a")
    assert (service.buurt_code, service.buurt_name) == ("BU06640102", "Goes-Oost")
    assert catalog.store.connection.read(
        "MATCH (:Location {id: 'loc-a'})-[:IN]->(b:Buurt) RETURN b.code AS code") == [{"code": "BU06640102"}]
    assert catalog.store.counts()["Buurt"] == 377  # updated in place, none added
    assert catalog.store.connection.read(
        "MATCH (b:Buurt {code: 'BU06640101'}) RETURN b.name AS name")[0]["name"] == "Goes-Centrum (2016)"

    again = import_cbs([newer_year(tmp_path)], fresh())
    assert (again.created, again.updated, again.unchanged, again.relocated, again.written) == (0, 0, 2, 0, False)


def test_a_gemeente_keeps_its_regio_when_cbs_files_are_imported_again(zeeland, fresh):
    from socialekaart.places.model import Area

    zeeland.catalog.save(areas=[Area("RG-zeeland", "regio", "Zeeland"),
                                Area("GM0664", "gemeente", "Goes", parent_code="RG-zeeland",
                                     **_stored_area_fields(zeeland, "GM0664"))])
    report = import_cbs([shipped_cbs_files()[0]], fresh())
    assert report.updated == 0 and report.unchanged == 13


def _stored_area_fields(imports, code):
    stored = imports.snapshots.areas([code])[code]
    return {"population": stored.population, "households": stored.households, "age_groups": stored.age_groups,
            "geometry": stored.geometry, "centroid": stored.centroid}


def test_a_zip_of_geojson_files_is_read(imports, tmp_path):
    archive = tmp_path / "wijkbuurtkaart.zip"
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.write(DATA / "statcode_goes.geojson", "kaart/statcode_goes.geojson")
        zf.writestr("kaart/LEESMIJ.txt", "geen geojson")
    report = import_cbs([archive], imports)
    assert report.files == ["wijkbuurtkaart.zip:kaart/statcode_goes.geojson"]
    assert report.created == 5 and report.written


@pytest.mark.parametrize("content, message", [
    (b'{"type": "FeatureCollection", "features": [', "kapot.geojson is geen geldige JSON: waarde verwacht op regel 1, "
                                                     "kolom 44."),
    ('{"type": "FeatureCollection", "features": [], "name": "Súdwest-Fryslân"}'.encode("cp1252"),
     "kapot.geojson is geen UTF-8-tekst. Sla het bestand op als UTF-8 (GeoJSON is altijd UTF-8)."),
    (b'[1, 2, 3]', "kapot.geojson is geen GeoJSON FeatureCollection."),
    (b'{"type": "FeatureCollection", "features": [], "crs": {"type": "name", "properties": {"name": "EPSG:3857"}}}',
     "kapot.geojson gebruikt coördinatenstelsel 'EPSG:3857'; dat kennen we niet. Gebruik WGS84 (EPSG:4326) of "
     "RD New (EPSG:28992)."),
    (b'{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {}, "geometry": '
     b'{"type": "Point", "coordinates": [430000, 6700000]}}]}',
     "kapot.geojson: de coördinaten (430000, 6700000) zijn geen WGS84 en geen RD New; geef het "
     "coördinatenstelsel op in het 'crs'-veld."),
    (b"[" * 100_000 + b"]" * 100_000, "kapot.geojson is te diep genest om te lezen."),
])
def test_hostile_or_broken_files_are_refused_with_a_clear_message(imports, tmp_path, content, message):
    path = tmp_path / "kapot.geojson"
    path.write_bytes(content)
    with pytest.raises(ImportRejected) as caught:
        import_cbs([path], imports)
    assert caught.value.message == message
    assert imports.catalog.store.is_empty()


def test_files_over_the_size_limit_are_refused(imports):
    with pytest.raises(ImportRejected, match="is te groot"):
        import_cbs([BUURT_2015], imports, max_bytes=100_000)
