"""/api/v1/services: search (lightest fitting help first) and one service."""
from __future__ import annotations

import marshmallow as ma
from flask import jsonify, request
from flask.views import MethodView

from socialekaart.shared.hours import now_local
from web.api.blueprint import Blueprint
from web.api.problems_doc import GEOJSON_OK
from web.api.services.schemas import NOW, ServiceHitSchema, ServicePageSchema, ServiceQueryArgsSchema, ServiceSchema
from web.api.shaping import (
    crisis_json,
    feature_collection,
    hit_json,
    outside_region_json,
    page_links,
    service_etag,
    service_json,
    understood_json,
)
from web.bootstrap import current_runtime

blp = Blueprint("services", __name__, url_prefix="/services",
                description="Voorzieningen zoeken: zo licht als mogelijk, zo zwaar als nodig.")

GEOJSON = "application/geo+json"
# A hit's keys in the order ServiceHitSchema writes them.
HIT_KEYS = [field.data_key or name for name, field in ServiceHitSchema().fields.items()]


def _wants_geojson(args: dict) -> bool:
    if args.get("format"):
        return args["format"] == "geojson"
    best = request.accept_mimetypes.best_match(["application/json", GEOJSON], default="application/json")
    return best == GEOJSON and request.accept_mimetypes[GEOJSON] > request.accept_mimetypes["application/json"]


@blp.route("")
class Services(MethodView):
    # An instance, not the class: webargs would build a new schema for every request.
    @blp.arguments(ServiceQueryArgsSchema(), location="query", error_status_code=400, unknown=ma.RAISE)
    @blp.response(200, ServicePageSchema, description="Gevonden voorzieningen, lichtste passende hulp eerst.",
                  content_type="application/json")
    @blp.problems(400, 404, 503)
    @blp.doc(responses={200: GEOJSON_OK})
    def get(self, args):
        """Zoek voorzieningen"""
        page = self._search(current_runtime().catalog, args)
        return self._respond(page, args)

    @staticmethod
    def _search(catalog, args):
        return catalog.search(
            q=args.get("q"), life_domains=args.get("lifeDomain") or (),
            target_groups=args.get("targetGroup") or (), rungs=args.get("rung") or (),
            formal=args.get("formal"), free=args.get("free"), crisis=args.get("crisis"),
            independent_support=args.get("independentClientSupport"), age=args.get("age"),
            open_at=now_local() if args.get("openAt") == NOW else args.get("openAt"),
            postcode=args.get("postcode"), radius=args.get("radius"),
            area=args.get("area"), sort=args["sort"], page=args["page"], page_size=args["pageSize"])

    @staticmethod
    def _respond(page, args):
        results = [hit_json(hit) for hit in page.hits]
        origin = None
        if page.origin:
            origin = {"postcode": page.origin.postcode, "lat": page.origin.lat, "lon": page.origin.lon,
                      "precision": page.origin.precision, "place": page.origin.woonplaats}
        links = page_links(page.page, page.pages)
        headers = {"X-Total-Count": str(page.total), "X-Pagination-Page": str(page.page),
                   "X-Pagination-Limit": str(page.page_size)}
        if links:
            headers["Link"] = ", ".join(f'<{v["href"]}>; rel="{k}"' for k, v in links.items() if k != "self")
        crisis = crisis_json(page.crisis, HIT_KEYS)
        outside = outside_region_json(page.outside_region)
        if _wants_geojson(args):
            body = feature_collection(results, total=page.total, page=page.page, pageSize=page.page_size,
                                      crisis=crisis, outsideRegion=outside)
            response = jsonify(body)
            response.mimetype = GEOJSON
            response.headers.extend(headers)
            return response
        body = {"crisis": crisis, "outsideRegion": outside, "understood": understood_json(page.understood),
                "total": page.total, "page": page.page, "pageSize": page.page_size, "pages": page.pages,
                "origin": origin, "results": [{key: hit[key] for key in HIT_KEYS if key in hit} for hit in results],
                "_links": links}
        # Already what ServicePageSchema dumps to (tests/api/test_search_dump.py): dumping it again
        # through marshmallow cost 2-4 ms of CPU per search.
        response = jsonify(body)
        response.headers.extend(headers)
        return response


@blp.route("/<string:service_id>")
class ServiceById(MethodView):
    @blp.response(200, ServiceSchema, description="Eén voorziening.")
    @blp.problems(404, 503)
    def get(self, service_id: str):
        """Eén voorziening"""
        found = current_runtime().catalog.service(service_id)
        return service_json(found), 200, {"ETag": service_etag(found)}  # If-Match for the beheerder's edits

