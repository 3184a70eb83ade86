"""/api/v1/network: referral figures and flows for coordinators (and admins). Aggregates only,
over whole calendar months; counts under 5 (zero too) and whatever would reveal them are null."""
from __future__ import annotations

import marshmallow as ma
from flask import current_app
from flask.views import MethodView

from web.api.blueprint import Blueprint
from web.api.network.exports import CSV, network_csv, network_filename
from web.api.network.schemas import (
    FiguresArgsSchema,
    FiguresSchema,
    FlowsSchema,
    GraphArgsSchema,
    GraphSchema,
    NetworkArgsSchema,
)
from web.auth import principal
from web.bootstrap import referral_runtime

blp = Blueprint("network", __name__, url_prefix="/network",
                description="Netwerkcijfers van doorverwijzingen voor coördinatoren (alleen totalen).")


def _network():
    return referral_runtime(current_app._get_current_object()).network


@blp.route("/figures")
class Figures(MethodView):
    @blp.login_required
    @blp.arguments(FiguresArgsSchema, location="query", error_status_code=400, unknown=ma.RAISE)
    @blp.response(200, FiguresSchema, description="Cijfers per groep en in totaal.")
    @blp.problems(400, 404)
    def get(self, args):
        """Acceptatie, doorlooptijden, cirkel gesloten, uitkomsten, te laat, sociale basis en formeel/informeel"""
        network = _network()
        since, until = network.months_window(args.get("since"), args["months"])
        return network.figures(principal(), group_by=args["groupBy"], gemeente=args.get("gemeente"),
                               wijk=args.get("wijk"), since=since, until=until, closure_days=args["closureDays"])


@blp.route("/flows")
class Flows(MethodView):
    @blp.login_required
    @blp.arguments(NetworkArgsSchema, location="query", error_status_code=400, unknown=ma.RAISE)
    @blp.response(200, FlowsSchema, description="Wie verwijst naar wie (matrix en graaf), en partners zonder "
                                                "eigen cijfer.")
    @blp.problems(400, 404)
    def get(self, args):
        """Verwijsstromen tussen organisaties"""
        network = _network()
        since, until = network.months_window(args.get("since"), args["months"])
        return network.flows(principal(), gemeente=args.get("gemeente"), wijk=args.get("wijk"), since=since,
                             until=until)


@blp.route("/graph")
class Graph(MethodView):
    @blp.login_required
    @blp.arguments(GraphArgsSchema, location="query", error_status_code=400, unknown=ma.RAISE)
    @blp.response(200, GraphSchema)
    @blp.problems(400)
    @blp.doc(responses={"200": {
        "description": "Het verwijsnetwerk als graaf: kerncijfers per maand, organisaties en stromen, bruggen "
                       "tussen formeel en informeel, partners zonder eigen cijfer per gemeente en cijfers per "
                       "partner. Met format=csv dezelfde cijfers als download.",
        "content": {"application/json": {"schema": GraphSchema}, CSV: {"schema": {"type": "string"}}}}})
    def get(self, args):
        """Het verwijsnetwerk als graaf"""
        network = _network()
        since, until = network.months_window(args.get("since"), args["months"])
        view = network.network(principal(), gemeente=args.get("gemeente"), wijk=args.get("wijk"), since=since,
                               until=until, leefgebied=args.get("leefgebied"))
        if args["format"] == "csv":
            return network_csv(view, network_filename(view))
        return view
