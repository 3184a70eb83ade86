"""Read CBS wijk- en buurtkaart GeoJSON (gemeente, wijk and buurt layers) into Area objects.

Understood, for any region and year:
- classic CBS field names: ``GM_CODE``/``GM_NAAM``, ``WK_CODE``/``WK_NAAM``, ``BU_CODE``/``BU_NAAM``
  with kerncijfers ``AANT_INW``, ``P_00_14_JR`` ... and ``AANTAL_HH``;
- PDOK style (2022 and later): ``gemeentecode``/``gemeentenaam``, ``wijkcode``, ``buurtcode`` ...
  with ``aantalInwoners``, ``percentagePersonen0Tot15Jaar`` ... and ``aantalHuishoudens``;
- cartomap style: ``statcode``/``statnaam``.
The kind of area comes from the code prefix (GM, WK, BU) and the parent from the code itself:
BU06640101 lies in WK066401, which lies in GM0664.

Coordinates in WGS84, or in RD New (EPSG:28992, named in the ``crs`` member or recognised by
its range) which are reprojected with pyproj. Invalid geometries are repaired with
``make_valid``; objects without a surface (points, lines) are dropped with a warning, as are
water-only parts (``water`` = JA). Anything else wrong with an object rejects that object.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Iterable

import numpy as np
import shapely
from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry
from shapely.ops import unary_union
from shapely.validation import make_valid

from importers.limits import MB, read_limited_bytes, read_zip_member, safe_zip_members
from importers.report import ImportReport, Problem, settle
from socialekaart.catalog.importing import ImportService
from socialekaart.places.codes import area_kind_of
from socialekaart.places.model import Area
from socialekaart.shared.errors import ImportRejected, ValidationError

WGS84 = "EPSG:4326"
RD_NEW = "EPSG:28992"
MAX_GEOJSON_BYTES = 256 * MB
MAX_FEATURES = 100_000
# Where RD New coordinates of the Netherlands lie (metres), with a margin.
RD_X = (-10_000.0, 310_000.0)
RD_Y = (280_000.0, 640_000.0)

# Property names, compared after _key(): lower case without '_' or other separators.
CODE_KEYS = ("bucode", "buurtcode", "wkcode", "wijkcode", "gmcode", "gemeentecode", "statcode")
NAME_KEYS = {"gemeente": ("gmnaam", "gemeentenaam", "statnaam"), "wijk": ("wknaam", "wijknaam", "statnaam"),
             "buurt": ("bunaam", "buurtnaam", "statnaam")}
POPULATION_KEYS = ("aantinw", "aantalinwoners")
HOUSEHOLD_KEYS = ("aantalhh", "aantalhuishoudens")
AGE_KEYS = {"0-14": ("p0014jr", "percentagepersonen0tot15jaar"),
            "15-24": ("p1524jr", "percentagepersonen15tot25jaar"),
            "25-44": ("p2544jr", "percentagepersonen25tot45jaar"),
            "45-64": ("p4564jr", "percentagepersonen45tot65jaar"),
            "65+": ("p65eojr", "percentagepersonen65jaarenouder")}
# What the json module says, in Dutch.
JSON_ERRORS = {"Expecting value": "waarde verwacht", "Expecting ',' delimiter": "komma verwacht",
               "Expecting ':' delimiter": "dubbele punt verwacht", "Extra data": "extra tekens na het einde",
               "Expecting property name enclosed in double quotes": "naam tussen dubbele aanhalingstekens verwacht",
               "Unterminated string starting at": "tekst zonder afsluitend aanhalingsteken",
               "Invalid control character at": "ongeldig teken"}
# Kept for callers of the classic field names.
AGE_FIELDS = {"0-14": "P_00_14_JR", "15-24": "P_15_24_JR", "25-44": "P_25_44_JR", "45-64": "P_45_64_JR",
              "65+": "P_65_EO_JR"}


@dataclass
class CbsReadResult:
    areas: list[Area] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)  # objects rejected, with the reason
    dropped: list[Problem] = field(default_factory=list)  # objects left out on purpose (no surface, water)
    rejected: int = 0
    origin: dict[str, str] = field(default_factory=dict)  # area code -> file it came from

    @property
    def warnings(self) -> list[str]:
        return [p.text() for p in (*self.dropped, *self.problems)]

    def extend(self, other: "CbsReadResult") -> None:
        self.areas += other.areas
        self.problems += other.problems
        self.dropped += other.dropped
        self.rejected += other.rejected
        self.origin.update(other.origin)


def _key(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def _lookup(props: dict[str, Any], keys: Iterable[str]) -> tuple[str | None, Any]:
    """The first of ``keys`` present with a value: (original property name, value)."""
    by_key = {_key(k): k for k in props}
    for key in keys:
        original = by_key.get(key)
        if original is not None and props[original] not in (None, ""):
            return original, props[original]
    return None, None


def _present(props: dict[str, Any], keys: Iterable[str]) -> str | None:
    """The original name of the first of ``keys`` in ``props``, even when its value is empty."""
    by_key = {_key(k): k for k in props}
    return next((by_key[k] for k in keys if k in by_key), None)


def _name_key_like(code_key: str | None) -> str:
    """The name property that goes with a code property: BU_CODE -> BU_NAAM, statcode -> statnaam."""
    return (code_key or "statcode").replace("code", "naam").replace("CODE", "NAAM")


def _number(value: Any) -> float | None:
    """CBS marks secret or unknown figures with large negative numbers."""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 0:
        return float(value)
    return None


def parent_of(code: str) -> str | None:
    """The CBS code of the area around this one: BU06640101 -> WK066401 -> GM0664 -> None."""
    kind = area_kind_of(code)
    if kind == "buurt":
        return f"WK{code[2:8]}"
    if kind == "wijk":
        return f"GM{code[2:6]}"
    return None


def _polygonal(geometry: BaseGeometry) -> BaseGeometry | None:
    if not geometry.is_valid:
        geometry = make_valid(geometry)
    if geometry.geom_type in ("Polygon", "MultiPolygon"):
        return geometry
    if geometry.geom_type == "GeometryCollection":
        parts = [g for g in geometry.geoms if g.geom_type in ("Polygon", "MultiPolygon")]
        return unary_union(parts) if parts else None
    return None


# -- coordinate systems ---------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _rd_to_wgs84():
    from pyproj import Transformer

    return Transformer.from_crs(RD_NEW, WGS84, always_xy=True)


def rd_to_wgs84(geometry: BaseGeometry) -> BaseGeometry:
    """Reproject an RD New geometry to WGS84 lon/lat, rounded to 7 decimals (about 1 cm)."""
    transformer = _rd_to_wgs84()

    def convert(coords: np.ndarray) -> np.ndarray:
        lon, lat = transformer.transform(coords[:, 0], coords[:, 1])
        return np.round(np.column_stack([lon, lat]), 7)

    return shapely.transform(geometry, convert)


def _first_position(features: list[Any]) -> tuple[float, float] | None:
    for feature in features:
        coords = ((feature or {}).get("geometry") or {}).get("coordinates") if isinstance(feature, dict) else None
        while isinstance(coords, list) and coords and isinstance(coords[0], list):
            coords = coords[0]
        if isinstance(coords, list) and len(coords) >= 2 and all(isinstance(c, (int, float)) for c in coords[:2]):
            return float(coords[0]), float(coords[1])
    return None


def detect_crs(collection: dict[str, Any], label: str) -> str:
    """WGS84 or RD New, from the ``crs`` member or else from where the coordinates lie."""
    crs = collection.get("crs")
    if isinstance(crs, dict):
        name = str((crs.get("properties") or {}).get("name") or "")
        if "28992" in name:
            return RD_NEW
        if name.endswith(("CRS84", ":4326", "::4326")) or name in ("EPSG:4326", "WGS84"):
            return WGS84
        if name:
            raise ImportRejected(f"{label} gebruikt coördinatenstelsel {name[:60]!r}; dat kennen we niet. "
                                 "Gebruik WGS84 (EPSG:4326) of RD New (EPSG:28992).")
    first = _first_position(collection.get("features") or [])
    if first is None or (-180 <= first[0] <= 180 and -90 <= first[1] <= 90):
        return WGS84
    if RD_X[0] <= first[0] <= RD_X[1] and RD_Y[0] <= first[1] <= RD_Y[1]:
        return RD_NEW
    raise ImportRejected(f"{label}: de coördinaten ({first[0]:.0f}, {first[1]:.0f}) zijn geen WGS84 en geen "
                         "RD New; geef het coördinatenstelsel op in het 'crs'-veld.")


# -- one object -----------------------------------------------------------------------------------

class Dropped(Exception):
    """An object left out on purpose (no surface, water), with a warning."""


def area_from_feature(feature: dict[str, Any],
                      transform: Callable[[BaseGeometry], BaseGeometry] | None = None) -> Area:
    """The Area of one GeoJSON feature. Raises ValidationError (rejected) or Dropped (left out)."""
    props = feature.get("properties")
    if not isinstance(props, dict):
        raise ValidationError("Het object heeft geen eigenschappen (properties).", field="properties")
    code_key, code = _lookup(props, CODE_KEYS)
    code = str(code).strip() if code is not None else ""
    kind = area_kind_of(code)
    if kind not in ("gemeente", "wijk", "buurt"):
        what = f"{code[:30]!r} is geen CBS-code" if code else "Geen CBS-code gevonden"
        raise ValidationError(f"{what}; verwacht GM_CODE, WK_CODE, BU_CODE of statcode met een code als GM0664, "
                              "WK066401 of BU06640101.", field=code_key or "statcode")
    water = _lookup(props, ("water",))[1]
    if isinstance(water, str) and water.strip().upper() == "JA":
        raise Dropped(f"{code} is water; overgeslagen.")
    name_key, name = _lookup(props, NAME_KEYS[kind])
    raw_geometry = feature.get("geometry")
    if not raw_geometry:
        raise Dropped(f"{code} heeft geen geometrie; overgeslagen.")
    try:
        geometry = shape(raw_geometry)
        if transform is not None:
            geometry = transform(geometry)
    except Exception:  # shapely and pyproj raise many kinds on malformed coordinates
        raise ValidationError(f"De geometrie van {code} is onleesbaar.", field="geometry") from None
    geometry = _polygonal(geometry) if not geometry.is_empty else None
    if geometry is None or geometry.is_empty:
        raise Dropped(f"{code} is geen vlak ({raw_geometry.get('type', '?')}); overgeslagen.")
    centre = geometry.centroid if geometry.contains(geometry.centroid) else geometry.representative_point()
    population = _number(_lookup(props, POPULATION_KEYS)[1])
    ages: dict[str, int] = {}
    if population is not None:
        for group, keys in AGE_KEYS.items():
            share = _number(_lookup(props, keys)[1])
            if share is not None:
                ages[group] = round(population * share / 100)
    households = _number(_lookup(props, HOUSEHOLD_KEYS)[1])
    area = Area(
        code=code, kind=kind, name=str(name).strip() if name is not None else "", parent_code=parent_of(code),
        population=int(population) if population is not None else None, age_groups=ages,
        households=int(households) if households is not None else None,
        geometry=json.dumps(mapping(geometry), separators=(",", ":")),
        centroid=(round(centre.y, 6), round(centre.x, 6)),
    )
    try:
        return area.validate()
    except ValidationError as exc:
        # Name the property the file used, not our field name.
        names = {"name": name_key or _present(props, NAME_KEYS[kind]) or _name_key_like(code_key),
                 "code": code_key, "centroid": "geometry"}
        raise ValidationError(exc.message, errors={names.get(k, k): v for k, v in exc.errors.items()}) from None


# -- one file ---------------------------------------------------------------------------------------

def read_cbs_features(features: Iterable[dict[str, Any]], source: str, *, crs: str = WGS84,
                      on_feature: Callable[[], None] | None = None) -> CbsReadResult:
    result = CbsReadResult()
    transform = rd_to_wgs84 if crs == RD_NEW else None
    for number, feature in enumerate(features, start=1):
        if on_feature is not None:
            on_feature()
        record = f"object {number}"
        if not isinstance(feature, dict):
            result.problems.append(Problem(source, "Dit is geen GeoJSON-object (Feature).", record=record))
            result.rejected += 1
            continue
        try:
            area = area_from_feature(feature, transform=transform)
        except Dropped as exc:
            result.dropped.append(Problem(source, str(exc), record=record))
            continue
        except ValidationError as exc:
            props = feature.get("properties")
            code = _lookup(props, CODE_KEYS)[1] if isinstance(props, dict) else None
            where = f"{record} ({code})" if code and area_kind_of(str(code)) else record
            for column, messages in (exc.errors or {None: [exc.message]}).items():
                for message in messages:
                    result.problems.append(Problem(source, message, column=column, record=where))
            result.rejected += 1
            continue
        result.areas.append(area)
    return result


def parse_geojson(data: bytes, label: str) -> tuple[list[Any], str]:
    """The features and coordinate system of GeoJSON bytes; ImportRejected with a clear reason."""
    try:
        collection = json.loads(data)
    except UnicodeDecodeError:
        raise ImportRejected(f"{label} is geen UTF-8-tekst. Sla het bestand op als UTF-8 (GeoJSON is altijd UTF-8).") \
            from None
    except json.JSONDecodeError as exc:
        reason = JSON_ERRORS.get(exc.msg, exc.msg)
        raise ImportRejected(f"{label} is geen geldige JSON: {reason} op regel {exc.lineno}, kolom {exc.colno}.") \
            from None
    except RecursionError:
        raise ImportRejected(f"{label} is te diep genest om te lezen.") from None
    if isinstance(collection, dict) and collection.get("type") == "Feature":
        collection = {"type": "FeatureCollection", "features": [collection], "crs": collection.get("crs")}
    if not isinstance(collection, dict) or collection.get("type") != "FeatureCollection" \
            or not isinstance(collection.get("features"), list):
        raise ImportRejected(f"{label} is geen GeoJSON FeatureCollection.")
    features = collection["features"]
    if len(features) > MAX_FEATURES:
        raise ImportRejected(f"{label} bevat {len(features)} objecten; de grens is {MAX_FEATURES}.")
    return features, detect_crs(collection, label)


def read_cbs_bytes(data: bytes, label: str, *, on_feature: Callable[[], None] | None = None) -> CbsReadResult:
    features, crs = parse_geojson(data, label)
    return read_cbs_features(features, label, crs=crs, on_feature=on_feature)


def read_cbs_file(path: Path, *, max_bytes: int = MAX_GEOJSON_BYTES) -> CbsReadResult:
    path = Path(path)
    return read_cbs_bytes(read_limited_bytes(path, max_bytes), path.name)


def cbs_sources(paths: Iterable[Path], *, max_bytes: int = MAX_GEOJSON_BYTES) -> list[tuple[str, bytes]]:
    """(label, bytes) of every GeoJSON to read: the files themselves, or the GeoJSON members of
    zip archives (read with the zip-slip and zip-bomb checks of ``importers.limits``)."""
    sources: list[tuple[str, bytes]] = []
    for path in map(Path, paths):
        if path.suffix.lower() != ".zip":
            sources.append((path.name, read_limited_bytes(path, max_bytes)))
            continue
        members = [m for m in safe_zip_members(path, max_total_bytes=max_bytes)
                   if m.name.lower().endswith((".geojson", ".json"))]
        if not members:
            raise ImportRejected(f"Het zip-bestand {path.name} bevat geen GeoJSON-bestand (.geojson of .json).")
        for member in members:
            sources.append((f"{path.name}:{member.name}", read_zip_member(path, member, max_bytes)))
    return sources


def read_cbs_sources(sources: list[tuple[str, bytes]], *,
                     progress: Callable[[int, int], None] | None = None) -> CbsReadResult:
    """Read several files into one result; a code that appears twice is rejected the second time.
    ``progress(done, total)`` is called after each object."""
    parsed = [(label, *parse_geojson(data, label)) for label, data in sources]
    total = sum(len(features) for _label, features, _crs in parsed)
    done = 0

    def tick() -> None:
        nonlocal done
        done += 1
        if progress is not None:
            progress(done, total)

    result = CbsReadResult()
    for label, features, crs in parsed:
        part = read_cbs_features(features, label, crs=crs, on_feature=tick)
        kept: list[Area] = []
        for area in part.areas:
            if area.code in result.origin:
                part.problems.append(Problem(label, f"{area.code} staat ook al in {result.origin[area.code]}; "
                                                    "elk gebied mag één keer voorkomen.", record=area.code))
                part.rejected += 1
                continue
            result.origin[area.code] = label
            kept.append(area)
        part.areas = kept
        result.extend(part)
    return result


def missing_parents(read: CbsReadResult, known_codes: set[str]) -> list[Problem]:
    """Warnings for areas whose wijk or gemeente is neither in the import nor stored: they are
    written without that link."""
    present = known_codes | {a.code for a in read.areas}
    missing: dict[str, list[str]] = {}
    for area in read.areas:
        if area.parent_code and area.parent_code not in present:
            missing.setdefault(area.parent_code, []).append(area.code)
    return [Problem(read.origin.get(children[0], "import"),
                    f"{parent} is niet bekend (niet in de import en niet in de database); {len(children)} "
                    f"{'gebied' if len(children) == 1 else 'gebieden'} ({', '.join(children[:3])}"
                    f"{', ...' if len(children) > 3 else ''}) zonder die koppeling geschreven. Importeer de "
                    "bovenliggende laag in dezelfde opdracht.")
            for parent, children in sorted(missing.items())]


def import_cbs(paths: Iterable[Path | str], imports: ImportService, *, dry_run: bool = False,
               skip_invalid: bool = False, max_bytes: int = MAX_GEOJSON_BYTES,
               progress: Callable[[int, int], None] | None = None,
               before_write: Callable[[ImportReport], None] | None = None) -> ImportReport:
    """Read, check and (unless a dry run, or objects are rejected without ``skip_invalid``) write
    areas; stored locations that now lie in another buurt are placed again in the same unit."""
    sources = cbs_sources([Path(p) for p in paths], max_bytes=max_bytes)
    read = read_cbs_sources(sources, progress=progress)
    report = ImportReport("cbs", [label for label, _data in sources], dry_run=dry_run, skip_invalid=skip_invalid)
    report.problems.extend(read.problems)
    report.rejected += read.rejected
    for dropped in read.dropped:
        report.warn(dropped)
    for warning in missing_parents(read, imports.snapshots.area_codes()):
        report.warn(warning)
    plan = imports.plan(areas=read.areas)
    return settle(report, imports, plan, before_write)
