"""/api/v1/areas: gemeenten, wijken and buurten with kerncijfers; GeoJSON geometry on request."""
from __future__ import annotations

import json

import marshmallow as ma
from flask import current_app, jsonify, request
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import fields, validate

from ..problems_doc import GEOJSON_OK, PROBLEM

blp = Blueprint("areas", __name__, url_prefix="/areas",
                description="Gebieden (CBS): gemeenten, wijken en buurten met kerncijfers.")
GEOJSON = "application/geo+json"


class AreaQueryArgsSchema(ma.Schema):
    kind = fields.String(load_default="gemeente", validate=validate.OneOf(["gemeente", "wijk", "buurt"]))
    parent = fields.String(validate=validate.Regexp(r"^(GM\d{4}|WK\d{6}|RG[0-9A-Za-z-]{1,30})$"),
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


def shape_area(area: dict) -> dict:
    body = {
        "code": area["code"], "name": area["name"], "kind": area["kind"], "parentCode": area.get("parent_code"),
        "population": area.get("population"), "households": area.get("households"),
        "ageGroups": {"0-14": area.get("age_0_14"), "15-24": area.get("age_15_24"), "25-44": area.get("age_25_44"),
                      "45-64": area.get("age_45_64"), "65+": area.get("age_65_plus")},
        "centroid": {"lat": area["lat"], "lon": area["lon"]} if area.get("lat") is not None else None,
    }
    if "geometry" in area:
        body["geometry"] = json.loads(area["geometry"]) if area.get("geometry") else None
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
    @blp.doc(responses={200: GEOJSON_OK, "400": PROBLEM, "404": PROBLEM, "503": PROBLEM})
    def get(self, args):
        """Gebieden"""
        geojson = _wants_geojson(args)
        catalog = current_app.extensions["socialekaart"].catalog
        areas = [shape_area(a) for a in catalog.areas(kind=args["kind"], parent=args.get("parent"),
                                                      with_geometry=args["geometry"] or geojson)]
        if geojson:
            response = jsonify(_as_features(areas))
            response.mimetype = GEOJSON
            return response
        return areas


@blp.route("/<string:code>")
class AreaByCode(MethodView):
    @blp.arguments(AreaDetailArgsSchema, location="query", error_status_code=400, unknown=ma.RAISE)
    @blp.response(200, AreaSchema)
    @blp.doc(responses={"400": PROBLEM, "404": PROBLEM, "503": PROBLEM})
    def get(self, args, code: str):
        """Eén gebied"""
        return shape_area(current_app.extensions["socialekaart"].catalog.area(code, with_geometry=args["geometry"]))
