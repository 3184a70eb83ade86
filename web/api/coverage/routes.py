"""/api/v1/coverage and /api/v1/gaps: supply against need per area and leefgebied, the ranked
gaps, and their downloads (CSV, GeoJSON, printable report). For coordinators (their own areas)
and admins; aggregates only."""
from __future__ import annotations

import marshmallow as ma
from flask import current_app
from flask.views import MethodView

from web.api.blueprint import Blueprint
from web.api.coverage.exports import (
    CSV,
    GEOJSON,
    PDF,
    coverage_csv,
    coverage_geojson,
    coverage_report,
    gaps_csv,
    map_codes,
    report_map_codes,
)
from web.api.coverage.schemas import CoverageArgsSchema, CoverageSchema, GapsArgsSchema, GapsSchema, ReportArgsSchema
from web.api.coverage.shaping import coverage_body, gaps_body
from web.api.problems_doc import GEOJSON_OK
from web.auth import principal
from web.bootstrap import coverage_service

blp = Blueprint("coverage", __name__, url_prefix="",
                description="Lokale inventarisatie: aanbod tegenover behoefte per gebied en leefgebied, en de "
                            "knelpunten. Voor coördinatoren; alleen totalen.")


def _service():
    return coverage_service(current_app._get_current_object())


def _ok(description: str, schema=None, *downloads: str) -> dict:
    """The 200 response: JSON with ``schema`` (if any) and the download formats."""
    content = {"application/json": {"schema": schema}} if schema is not None else {}
    # GeoJSON is JSON (clients parse it): its schema is the FeatureCollection; the other downloads are text
    content.update({kind: GEOJSON_OK["content"][GEOJSON] if kind == GEOJSON else {"schema": {"type": "string"}}
                    for kind in downloads})
    return {"description": description, "content": content}


@blp.route("/coverage")
class Coverage(MethodView):
    @blp.login_required
    @blp.arguments(CoverageArgsSchema, location="query", error_status_code=400, unknown=ma.RAISE)
    @blp.response(200, CoverageSchema)
    @blp.problems(400, 404)
    @blp.doc(responses={"200": _ok(
        "Het gebied en de gebieden erin, per leefgebied: aanbod per trede (formeel en informeel apart), bereik, "
        "capaciteit en behoefte. Met format=csv of format=geojson een download.", CoverageSchema, CSV, GEOJSON)})
    def get(self, args):
        """Aanbod en behoefte per gebied en leefgebied"""
        service = _service()
        view = service.area_view(principal(), area=args.get("area"), life_domains=args.get("lifeDomain") or ())
        match args.get("format") or "json":
            case "csv":
                return coverage_csv(view)
            case "geojson":
                return coverage_geojson(view, service.geometries(map_codes(view)))
        return coverage_body(view)


@blp.route("/gaps")
class Gaps(MethodView):
    @blp.login_required
    @blp.arguments(GapsArgsSchema, location="query", error_status_code=400, unknown=ma.RAISE)
    @blp.response(200, GapsSchema)
    @blp.problems(400, 404)
    @blp.doc(responses={"200": _ok(
        "Knelpunten in het gebied, de ernstigste eerst, elk met één regel uitleg. Met format=csv alle knelpunten "
        "als download.", GapsSchema, CSV)})
    def get(self, args):
        """Knelpunten, de ernstigste eerst"""
        code, gaps, analysis = _service().gaps(principal(), area=args.get("area"),
                                               life_domains=args.get("lifeDomain") or (),
                                               indicators=args.get("indicator") or ())
        if args.get("format") == "csv":
            return gaps_csv(code, gaps)
        return gaps_body(analysis, code, gaps, args["page"], args["pageSize"])


@blp.route("/coverage/report")
class Report(MethodView):
    @blp.login_required
    @blp.arguments(ReportArgsSchema, location="query", error_status_code=400, unknown=ma.RAISE)
    @blp.problems(400, 404, 503)
    @blp.doc(responses={"200": _ok(
        "Een afdrukbaar verslag (HTML, A4) voor een gebied: kerncijfers, de belangrijkste knelpunten, per gekozen "
        "leefgebied een kaart (op de server getekend) en grafieken, aanbod per leefgebied en per gebied, en de "
        "bronnen, methode en datum. Met format=pdf als PDF, op de server gemaakt.", None, "text/html", PDF)})
    def get(self, args):
        """Afdrukbaar verslag"""
        service = _service()
        actor = principal()
        view = service.area_view(actor, area=args.get("area"), life_domains=args.get("lifeDomain") or ())
        _code, gaps, _analysis = service.gaps(actor, area=view.area.code, life_domains=view.life_domains,
                                              analysis=view.analysis)
        return coverage_report(view, gaps, service.geometries(report_map_codes(view)),
                               pdf=args.get("format") == "pdf")
