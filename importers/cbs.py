"""Read CBS wijk- en buurtkaart GeoJSON (gemeente, wijk and buurt layers) into Area objects."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry
from shapely.validation import make_valid

from socialekaart.errors import ValidationError
from socialekaart.model import Area, area_kind_of

AGE_FIELDS = {"0-14": "P_00_14_JR", "15-24": "P_15_24_JR", "25-44": "P_25_44_JR", "45-64": "P_45_64_JR",
              "65+": "P_65_EO_JR"}
NAME_FIELDS = {"gemeente": "GM_NAAM", "wijk": "WK_NAAM", "buurt": "BU_NAAM"}
CODE_FIELDS = {"gemeente": "GM_CODE", "wijk": "WK_CODE", "buurt": "BU_CODE"}
PARENT_FIELDS = {"gemeente": None, "wijk": "GM_CODE", "buurt": "WK_CODE"}


@dataclass
class CbsReadResult:
    areas: list[Area] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _number(value: Any) -> float | None:
    """CBS marks secret or unknown figures with large negative numbers."""
    if isinstance(value, (int, float)) and value >= 0:
        return float(value)
    return None


def _polygonal(geometry: BaseGeometry) -> BaseGeometry | None:
    if not geometry.is_valid:
        geometry = make_valid(geometry)
    if geometry.geom_type in ("Polygon", "MultiPolygon"):
        return geometry
    if geometry.geom_type == "GeometryCollection":
        from shapely.ops import unary_union

        parts = [g for g in geometry.geoms if g.geom_type in ("Polygon", "MultiPolygon")]
        return unary_union(parts) if parts else None
    return None


def area_from_feature(feature: dict[str, Any], kind: str) -> Area:
    props = feature.get("properties") or {}
    code = props.get(CODE_FIELDS[kind]) or props.get("statcode")
    name = props.get(NAME_FIELDS[kind]) or props.get("statnaam")
    parent_field = PARENT_FIELDS[kind]
    parent = props.get(parent_field) if parent_field else None
    geometry = _polygonal(shape(feature["geometry"]))
    if geometry is None or geometry.is_empty:
        raise ValidationError(f"{code}: geen vlak (polygoon) als geometrie.", field="geometry")
    centre = geometry.centroid if geometry.contains(geometry.centroid) else geometry.representative_point()
    population = _number(props.get("AANT_INW"))
    ages = {}
    if population is not None:
        for group, key in AGE_FIELDS.items():
            share = _number(props.get(key))
            if share is not None:
                ages[group] = round(population * share / 100)
    households = _number(props.get("AANTAL_HH"))
    return Area(
        code=str(code), kind=kind, name=str(name), parent_code=parent,
        population=int(population) if population is not None else None, age_groups=ages,
        households=int(households) if households is not None else None,
        geometry=json.dumps(mapping(geometry), separators=(",", ":")),
        centroid=(round(centre.y, 6), round(centre.x, 6)),
    ).validate()


def read_cbs_features(features: Iterable[dict[str, Any]], source: str) -> CbsReadResult:
    result = CbsReadResult()
    for number, feature in enumerate(features, start=1):
        props = feature.get("properties") or {}
        code = props.get("BU_CODE") or props.get("WK_CODE") or props.get("GM_CODE") or props.get("statcode")
        kind = area_kind_of(str(code or ""))
        if kind not in ("gemeente", "wijk", "buurt"):
            result.warnings.append(f"{source} object {number}: geen CBS-code gevonden; overgeslagen.")
            continue
        try:
            result.areas.append(area_from_feature(feature, kind))
        except ValidationError as exc:
            result.warnings.append(f"{source} object {number}: {exc.message} Overgeslagen.")
    return result


def read_cbs_file(path: Path) -> CbsReadResult:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    return read_cbs_features(data.get("features", []), Path(path).name)
