"""PATCH /api/v1/services/{serviceId} and POST …/verification: a beheerder keeps its own organisation's
listings current; both refresh 'last verified'. Reading and searching services stays public."""
from __future__ import annotations

import marshmallow as ma
from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import fields, validate

from graph.snapshots import services_by_id
from socialekaart.listings import ListingService

from ...auth import SECURITY, principal, signed_in
from ...referral_runtime import referral_runtime
from ..problems_doc import PROBLEM
from ..services.schemas import ServiceSchema
from ..shaping import service_json

blp = Blueprint("listings", __name__, url_prefix="/services",
                description="Eigen voorzieningen bijwerken (beheerders).")
ERRORS = {"400": PROBLEM, "401": PROBLEM, "403": PROBLEM, "404": PROBLEM, "503": PROBLEM}


class ListingChangesSchema(ma.Schema):
    class Meta:
        unknown = ma.RAISE

    name = fields.String(validate=validate.Length(min=1, max=200))
    description = fields.String(allow_none=True, validate=validate.Length(max=4000))
    phone = fields.String(allow_none=True, validate=validate.Length(max=30))
    email = fields.String(allow_none=True, validate=validate.Length(max=320))
    website = fields.String(allow_none=True, validate=validate.Length(max=500))
    openingHours = fields.String(allow_none=True, validate=validate.Length(max=500),
                                 metadata={"description": "Zoals 'ma-vr 09:00-17:00; za 10:00-12:00'."})
    waitWeeks = fields.Integer(allow_none=True, validate=validate.Range(0, 520))
    capacityNote = fields.String(allow_none=True, validate=validate.Length(max=500))
    costNote = fields.String(allow_none=True, validate=validate.Length(max=500))


def _listings() -> ListingService:
    app = current_app._get_current_object()
    runtime = app.extensions["socialekaart"]
    return ListingService(runtime.catalog, lambda sid: services_by_id(runtime.store, [sid]).get(sid),
                          clock=referral_runtime(app).clock)


@blp.route("/<string:service_id>")
class ServiceListing(MethodView):
    decorators = [signed_in]

    @blp.arguments(ListingChangesSchema, error_status_code=400)
    @blp.response(200, ServiceSchema, description="De bijgewerkte voorziening.")
    @blp.doc(security=SECURITY, responses=ERRORS)
    def patch(self, changes, service_id: str):
        """Werk een eigen voorziening bij (ververst 'laatst gecontroleerd')"""
        return service_json(_listings().update(principal(), service_id, changes))


@blp.route("/<string:service_id>/verification")
class ServiceVerification(MethodView):
    decorators = [signed_in]

    @blp.response(200, ServiceSchema, description="De voorziening, vandaag gecontroleerd.")
    @blp.doc(security=SECURITY, responses=ERRORS)
    def post(self, service_id: str):
        """Bevestig dat een eigen voorziening nog klopt"""
        return service_json(_listings().update(principal(), service_id))
