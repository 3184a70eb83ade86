"""/api/v1/network: referral figures and flows for coordinators (and admins). Aggregates only;
counts from 1 to 4 are suppressed."""
from __future__ import annotations

import marshmallow as ma
from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint

from ...auth import SECURITY, principal, signed_in
from ...referral_runtime import referral_runtime
from ..problems_doc import PROBLEM
from .schemas import FiguresArgsSchema, FiguresSchema, FlowsSchema, NetworkArgsSchema

blp = Blueprint("network", __name__, url_prefix="/network",
                description="Netwerkcijfers van doorverwijzingen voor coördinatoren (alleen totalen).")
ERRORS = {"400": PROBLEM, "401": PROBLEM, "403": PROBLEM, "503": PROBLEM}


def _network():
    return referral_runtime(current_app._get_current_object()).network


@blp.route("/figures")
class Figures(MethodView):
    decorators = [signed_in]

    @blp.arguments(FiguresArgsSchema, location="query", error_status_code=400, unknown=ma.RAISE)
    @blp.response(200, FiguresSchema, description="Cijfers per groep en in totaal.")
    @blp.doc(security=SECURITY, responses=ERRORS)
    def get(self, args):
        """Acceptatie, doorlooptijden, cirkel gesloten, uitkomsten, te laat, sociale basis en formeel/informeel"""
        return _network().figures(principal(), group_by=args["groupBy"], gemeente=args.get("gemeente"),
                                  wijk=args.get("wijk"), since=args.get("since"), until=args.get("until"),
                                  closure_days=args["closureDays"])


@blp.route("/flows")
class Flows(MethodView):
    decorators = [signed_in]

    @blp.arguments(NetworkArgsSchema, location="query", error_status_code=400, unknown=ma.RAISE)
    @blp.response(200, FlowsSchema, description="Wie verwijst naar wie (matrix en graaf), en partners naar wie "
                                                "niemand verwees.")
    @blp.doc(security=SECURITY, responses=ERRORS)
    def get(self, args):
        """Verwijsstromen tussen organisaties"""
        return _network().flows(principal(), gemeente=args.get("gemeente"), wijk=args.get("wijk"),
                                since=args.get("since"), until=args.get("until"))
