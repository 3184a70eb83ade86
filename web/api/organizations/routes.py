"""/api/v1/organizations: who offers help, formal and informal."""
from __future__ import annotations

import marshmallow as ma
from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import fields, validate

from ..problems_doc import PROBLEM

blp = Blueprint("organizations", __name__, url_prefix="/organizations",
                description="Organisaties: formele en informele aanbieders.")


class OrganizationQueryArgsSchema(ma.Schema):
    kind = fields.String(validate=validate.Length(max=60), metadata={"description": "Soort organisatie (code)."})
    formal = fields.Boolean()
    gemeente = fields.String(validate=validate.Regexp(r"^GM\d{4}$"),
                             metadata={"description": "Alleen organisaties actief in deze gemeente."})
    page = fields.Integer(load_default=1, validate=validate.Range(1, 10_000))
    pageSize = fields.Integer(load_default=20, validate=validate.Range(1, 100))


class OrganizationSchema(ma.Schema):
    id = fields.String()
    name = fields.String()
    kind = fields.String()
    formal = fields.Boolean()
    description = fields.String(allow_none=True)
    website = fields.String(allow_none=True)
    phone = fields.String(allow_none=True)
    email = fields.String(allow_none=True)
    serviceCount = fields.Integer()
    services = fields.List(fields.Dict())
    _links = fields.Dict(data_key="_links")


class OrganizationPageSchema(ma.Schema):
    total = fields.Integer()
    page = fields.Integer()
    pageSize = fields.Integer()
    results = fields.List(fields.Nested(OrganizationSchema))


def _shape(org: dict) -> dict:
    body = {key: org.get(key) for key in ("id", "name", "kind", "formal", "description", "website", "phone", "email")}
    if "serviceCount" in org:
        body["serviceCount"] = org["serviceCount"]
    if "services" in org:
        body["services"] = [{"id": s["id"], "name": s["name"], "rung": s["rung"],
                             "lifeDomains": s.get("life_domains") or [],
                             "_links": {"self": {"href": f"/api/v1/services/{s['id']}"}}} for s in org["services"]]
    body["_links"] = {"self": {"href": f"/api/v1/organizations/{org['id']}"}}
    return body


@blp.route("")
class Organizations(MethodView):
    @blp.arguments(OrganizationQueryArgsSchema, location="query", error_status_code=400, unknown=ma.RAISE)
    @blp.response(200, OrganizationPageSchema)
    @blp.doc(responses={"400": PROBLEM, "503": PROBLEM})
    def get(self, args):
        """Organisaties"""
        catalog = current_app.extensions["socialekaart"].catalog
        total, rows = catalog.organizations(kind=args.get("kind"), formal=args.get("formal"),
                                            gemeente=args.get("gemeente"), page=args["page"],
                                            page_size=args["pageSize"])
        headers = {"X-Total-Count": str(total)}
        return {"total": total, "page": args["page"], "pageSize": args["pageSize"],
                "results": [_shape(o) for o in rows]}, 200, headers


@blp.route("/<string:organization_id>")
class OrganizationById(MethodView):
    @blp.response(200, OrganizationSchema)
    @blp.doc(responses={"404": PROBLEM, "503": PROBLEM})
    def get(self, organization_id: str):
        """Eén organisatie met haar voorzieningen"""
        return _shape(current_app.extensions["socialekaart"].catalog.organization(organization_id))
