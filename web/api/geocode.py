"""/api/v1/geocode?postcode=: where a postcode lies (offline: PC6 where known, else PC4)."""
from __future__ import annotations

import marshmallow as ma
from flask.views import MethodView
from marshmallow import fields, validate

from socialekaart.places.geocoding import MAX_INPUT_LENGTH, POSTCODE_PATTERN
from web.api.blueprint import Blueprint
from web.bootstrap import current_runtime

blp = Blueprint("geocode", __name__, url_prefix="/geocode", description="Postcode naar plek.")


class GeocodeArgsSchema(ma.Schema):
    postcode = fields.String(required=True, validate=validate.Length(min=1, max=MAX_INPUT_LENGTH),
                             metadata={"description": "PC6 (4461 AB, 4461ab) of PC4 (4461).",
                                       "pattern": POSTCODE_PATTERN})


class GeocodeSchema(ma.Schema):
    postcode = fields.String()
    lat = fields.Float()
    lon = fields.Float()
    precision = fields.String(metadata={"description": "pc6 of pc4"})
    place = fields.String(allow_none=True)
    gemeente = fields.String(allow_none=True)
    area = fields.Dict(allow_none=True)


@blp.route("")
class Geocode(MethodView):
    @blp.arguments(GeocodeArgsSchema, location="query", error_status_code=400, unknown=ma.RAISE)
    @blp.response(200, GeocodeSchema)
    @blp.problems(400, 404)
    def get(self, args):
        """Zoek een postcode op"""
        runtime = current_runtime()
        point = runtime.geocoder.locate(args["postcode"])
        placement = runtime.catalog.area_index().place(point.lat, point.lon)
        area = None
        if placement:
            area = {"buurt": {"code": placement.buurt_code, "name": placement.buurt_name},
                    "wijk": {"code": placement.wijk_code, "name": placement.wijk_name},
                    "gemeente": {"code": placement.gemeente_code, "name": placement.gemeente_name}}
        return {"postcode": point.postcode, "lat": point.lat, "lon": point.lon, "precision": point.precision,
                "place": point.woonplaats, "gemeente": point.gemeente, "area": area}
