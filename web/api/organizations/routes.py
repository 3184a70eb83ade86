"""/api/v1/organizations: who offers help, formal and informal."""
from __future__ import annotations

import marshmallow as ma
from flask.views import MethodView
from marshmallow import fields, validate

from socialekaart.catalog.model import Organization
from socialekaart.catalog.records import ServiceSummary
from socialekaart.places.codes import code_regex
from socialekaart.shared.taxonomy import ORGANIZATION_KINDS
from web.api.blueprint import Blueprint
from web.bootstrap import current_runtime

blp = Blueprint("organizations", __name__, url_prefix="/organizations",
                description="Organisaties: formele en informele aanbieders.")


class OrganizationQueryArgsSchema(ma.Schema):
    kind = fields.String(validate=validate.Length(max=60), metadata={
        "description": "Soort organisatie (code).", "enum": [term.code for term in ORGANIZATION_KINDS]})
    formal = fields.Boolean()
    gemeente = fields.String(validate=validate.Regexp(code_regex("gemeente")),
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


def _shape(org: Organization, *, service_count: int | None = None,
           services: list[ServiceSummary] | None = None) -> dict:
    body: dict = {"id": org.id, "name": org.name, "kind": org.kind, "formal": org.formal,
                  "description": org.description, "website": org.website, "phone": org.phone, "email": org.email}
    if service_count is not None:
        body["serviceCount"] = service_count
    if services is not None:
        body["services"] = [{"id": s.id, "name": s.name, "rung": s.rung,
                             "lifeDomains": list(s.life_domains),
                             "_links": {"self": {"href": f"/api/v1/services/{s.id}"}}} for s in services]
    body["_links"] = {"self": {"href": f"/api/v1/organizations/{org.id}"}}
    return body


@blp.route("")
class Organizations(MethodView):
    @blp.arguments(OrganizationQueryArgsSchema, location="query", error_status_code=400, unknown=ma.RAISE)
    @blp.response(200, OrganizationPageSchema)
    @blp.problems(400, 503)
    def get(self, args):
        """Organisaties"""
        catalog = current_runtime().catalog
        total, rows = catalog.organizations(kind=args.get("kind"), formal=args.get("formal"),
                                            gemeente=args.get("gemeente"), page=args["page"],
                                            page_size=args["pageSize"])
        headers = {"X-Total-Count": str(total)}
        return {"total": total, "page": args["page"], "pageSize": args["pageSize"],
                "results": [_shape(o, service_count=n) for o, n in rows]}, 200, headers


@blp.route("/<string:organization_id>")
class OrganizationById(MethodView):
    @blp.response(200, OrganizationSchema)
    @blp.problems(404, 503)
    def get(self, organization_id: str):
        """Eén organisatie met haar voorzieningen"""
        organization, services = current_runtime().catalog.organization(organization_id)
        return _shape(organization, services=services)
