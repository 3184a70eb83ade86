"""Our own exports of the benchmark graph into the reference database.

The services come from the provider CSV export (``export_csv``, with confidential addresses: every
field the search reads) joined on id with the services GeoJSON export (``export_geojson``: the
public point and the buurt, wijk and gemeente it lies in); the areas from the GeoJSON export of
each layer. The files are written first and read back, so the reference holds what an export
holds, nothing read from the store behind it.
"""
from __future__ import annotations

import csv
import json
import time
from pathlib import Path
from typing import Any, Iterator

from shapely.geometry import shape

from importers.exports import AREA_LAYERS, export_csv, export_geojson
from importers.providers import FORMULA_START
from socialekaart.shared import taxonomy

SCHEMA = Path(__file__).with_name("schema.sql")
INDEXES = Path(__file__).with_name("indexes.sql")


def write_exports(snapshots, folder: Path) -> dict[str, Path]:
    """The export files of one graph in ``folder``: services.csv, services.geojson, <layer>.geojson."""
    folder.mkdir(parents=True, exist_ok=True)
    files = {"csv": folder / "services.csv", "services": folder / "services.geojson"}
    with open(files["csv"], "w", encoding="utf-8", newline="") as out:
        export_csv(snapshots, out, include_confidential=True, bom=False)
    with open(files["services"], "w", encoding="utf-8") as out:
        export_geojson(snapshots, out, "services")
    for layer in AREA_LAYERS:
        files[layer] = folder / f"{layer}.geojson"
        with open(files[layer], "w", encoding="utf-8") as out:
            export_geojson(snapshots, out, layer)
    return files


def _cell(value: str) -> str:
    """A CSV cell as the importer reads it: the apostrophe that neutralised a formula comes off."""
    return value[1:] if value[:1] == "'" and value[1:2] and value[1:2].startswith(FORMULA_START) else value


def _codes(value: str) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()]


def _inside(serves: list[str]) -> list[str]:
    """The gemeenten and wijken a werkgebied lies inside: WK066401 -> GM0664; BU06640101 -> GM0664, WK066401."""
    found: set[str] = set()
    for code in serves:
        if code[:2] in ("WK", "BU"):
            found.add(f"GM{code[2:6]}")
        if code[:2] == "BU":
            found.add(f"WK{code[2:8]}")
    return sorted(found)


def service_rows(files: dict[str, Path]) -> Iterator[tuple[Any, ...]]:
    features = json.loads(files["services"].read_text(encoding="utf-8"))["features"]
    placed = {f["id"]: f for f in features}
    with open(files["csv"], encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter=";"):
            row = {k: _cell(v or "") for k, v in row.items()}
            feature = placed.get(row["id"])
            props = feature["properties"] if feature else {}
            lon, lat = feature["geometry"]["coordinates"] if feature else (None, None)
            serves = _codes(row["werkgebied"])
            rung = row["trede"]
            yield (row["id"], row["naam"], row["omschrijving"] or None, row["organisatie"] or None, rung,
                   taxonomy.RUNG_BY_CODE[rung].level, _codes(row["leefgebieden"]), _codes(row["doelgroepen"]),
                   serves, _inside(serves), row["crisishulp"] == "ja", props.get("gemeenteCode"),
                   props.get("wijkCode"), props.get("buurtCode"), lat, lon)


def area_rows(files: dict[str, Path]) -> Iterator[tuple[Any, ...]]:
    for layer in AREA_LAYERS:
        for feature in json.loads(files[layer].read_text(encoding="utf-8"))["features"]:
            props = feature["properties"]
            # EWKT, which COPY reads into a geometry column.
            geometry = f"SRID=4326;{shape(feature['geometry']).wkt}" if feature.get("geometry") else None
            yield props["code"], layer, props.get("name"), props.get("parentCode"), geometry


def load(connection, files: dict[str, Path]) -> dict[str, Any]:
    """Schema, rows (COPY) and indexes; returns counts and seconds."""
    started = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute(SCHEMA.read_text())
        with cur.copy("COPY service (id, name, description, org_name, rung, rung_level, life_domains, target_groups, "
                      "serves, serves_inside, crisis_24h, gemeente_code, wijk_code, buurt_code, lat, lon) "
                      "FROM STDIN") as copy:
            for row in service_rows(files):
                copy.write_row(row)
        cur.execute("UPDATE service SET geog = ST_SetSRID(ST_MakePoint(lon, lat), 4326)::geography "
                    "WHERE lat IS NOT NULL")
        with cur.copy("COPY area (code, kind, name, parent_code, geom) FROM STDIN") as copy:
            for row in area_rows(files):
                copy.write_row(row)
        cur.execute(INDEXES.read_text())
        cur.execute("SELECT (SELECT count(*) FROM service), (SELECT count(*) FROM area)")
        services, areas = cur.fetchone()
    connection.commit()
    return {"services": services, "areas": areas, "seconds": round(time.perf_counter() - started, 2)}

