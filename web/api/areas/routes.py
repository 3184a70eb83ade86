"""/api/v1/areas: gemeenten, wijken and buurten with kerncijfers; GeoJSON geometry on request."""
from __future__ import annotations

import json

import marshmallow as ma
from flask import jsonify, request
from flask.views import MethodView
from marshmallow import fields, validate

from socialekaart.places.codes import AREA_KINDS, code_regex
from socialekaart.places.model import Area
from web.api.blueprint import Blueprint
from web.api.problems_doc import GEOJSON_OK
from web.bootstrap import current_runtime

blp = Blueprint("areas", __name__, url_prefix="/areas",
                description="Gebieden (CBS): gemeenten, wijken en buurten met kerncijfers.")
GEOJSON = "application/geo+json"


class AreaQueryArgsSchema(ma.Schema):
    kind = fields.String(load_default="gemeente", validate=validate.OneOf(["gemeente", "wijk", "buurt"]))
    parent = fields.String(validate=validate.Regexp(code_regex("gemeente", "wijk", "regio")),
                           metadata={"description": "Alleen gebieden binnen dit gebied (CBS-code)."})
    geometry = fields.Boolean(load_default=False, metadata={"description": "Geef de grens mee als GeoJSON."})
    format = fields.String(validate=validate.OneOf(["json", "geojson"]))


class AreaDetailArgsSchema(ma.Schema):
    geometry = fields.Boolean(load_default=False)


class AreaSchema(ma.Schema):
    code = fields.String()
    name = fields.String()
    kind = fields.String()
    parentCode = fields.String(allow_none=True)
    population = fields.Integer(allow_none=True)
    households = fields.Integer(allow_none=True)
    ageGroups = fields.Dict()
    centroid = fields.Dict(allow_none=True)
    geometry = fields.Dict(allow_none=True)


AGE_BANDS = ("0-14", "15-24", "25-44", "45-64", "65+")


def shape_area(area: Area, *, with_geometry: bool = False) -> dict:
    body: dict = {
        "code": area.code, "name": area.name, "kind": area.kind, "parentCode": area.parent_code,
        "population": area.population, "households": area.households,
        "ageGroups": {band: area.age_groups.get(band) for band in AGE_BANDS},
        "centroid": {"lat": area.centroid[0], "lon": area.centroid[1]} if area.centroid else None,
    }
    if with_geometry:
        body["geometry"] = json.loads(area.geometry) if area.geometry else None
    return body


def _as_features(areas: list[dict]) -> dict:
    features = []
    for area in areas:
        geometry = area.pop("geometry", None)
        features.append({"type": "Feature", "id": area["code"], "geometry": geometry, "properties": area})
    return {"type": "FeatureCollection", "features": features}


def _wants_geojson(args: dict) -> bool:
    if args.get("format"):
        return args["format"] == "geojson"
    return request.accept_mimetypes[GEOJSON] > request.accept_mimetypes["application/json"]


@blp.route("")
class Areas(MethodView):
    @blp.arguments(AreaQueryArgsSchema, location="query", error_status_code=400, unknown=ma.RAISE)
    @blp.response(200, AreaSchema(many=True))
    @blp.problems(400, 404, 503)
    @blp.doc(responses={200: GEOJSON_OK})
    def get(self, args):
        """Gebieden"""
        geojson = _wants_geojson(args)
        catalog = current_runtime().catalog
        with_geometry = args["geometry"] or geojson
        areas = [shape_area(a, with_geometry=with_geometry)
                 for a in catalog.areas(kind=args["kind"], parent=args.get("parent"), with_geometry=with_geometry)]
        if geojson:
            response = jsonify(_as_features(areas))
            response.mimetype = GEOJSON
            return response
        return areas


@blp.route("/<string:code>", parameters=[{"in": "path", "name": "code", "description": "CBS-code of regiocode.",
                                          "schema": {"type": "string", "pattern": code_regex(*AREA_KINDS)}}])
class AreaByCode(MethodView):
    @blp.arguments(AreaDetailArgsSchema, location="query", error_status_code=400, unknown=ma.RAISE)
    @blp.response(200, AreaSchema)
    @blp.problems(400, 404, 503)
    def get(self, args, code: str):
        """Eén gebied"""
        area = current_runtime().catalog.area(code, with_geometry=args["geometry"])
        return shape_area(area, with_geometry=args["geometry"])
