"""A beheerder keeps its own organisation's listings current: POST /api/v1/organizations/{id}/services
adds one, PATCH /api/v1/services/{serviceId} edits every field of the providers CSV template that
belongs to the service, POST …/verification says it is still correct (all refresh 'last verified'),
DELETE removes it (referrals to it keep its id and name). Reading and searching stays public.
PATCH, verification and DELETE honour If-Match (the ETag of the listing): 412 when the listing
changed since (versions.py)."""
from __future__ import annotations

import marshmallow as ma
from flask import current_app
from flask.views import MethodView
from marshmallow import fields, validate

from socialekaart.catalog import readability
from socialekaart.catalog.listings import ListingService
from socialekaart.places.codes import code_regex
from socialekaart.shared import taxonomy
from socialekaart.shared.errors import PreconditionFailed
from web.api.blueprint import Blueprint
from web.api.fields import StrictBoolean
from web.api.listings.versions import conflict_response, expected_version
from web.api.services.schemas import ServiceSchema
from web.api.shaping import service_etag, service_json
from web.auth import principal
from web.bootstrap import current_runtime, referral_runtime

blp = Blueprint("listings", __name__, url_prefix="/services",
                description="Eigen voorzieningen bijwerken (beheerders).")


class EditedServiceSchema(ServiceSchema):
    readabilityWarnings = fields.List(fields.String(), metadata={
        "description": "Tips als de nieuwe omschrijving moeilijk te lezen is (Flesch-Douma, lange zinnen, "
                       "vakwoorden); leeg als ze goed leest of niet gewijzigd is."})


class LocationChangesSchema(ma.Schema):
    class Meta:
        unknown = ma.RAISE

    street = fields.String(allow_none=True, validate=validate.Length(max=200),
                           metadata={"description": "Straat en huisnummer; hoort bij een postcode of lat/lon."})
    postcode = fields.String(allow_none=True, validate=validate.Length(max=7),
                             metadata={"description": "Zonder lat/lon zoeken we hiermee het punt op."})
    city = fields.String(allow_none=True, validate=validate.Length(max=200))
    lat = fields.Float(allow_none=True, validate=validate.Range(50.7, 53.6))
    lon = fields.Float(allow_none=True, validate=validate.Range(3.3, 7.3))


# What the domain refuses in a text (socialekaart/catalog/listings.py _check_text): blank, or a control
# character (a single-line text takes no tab or line break either), stated so that no schema-valid
# request is refused.
ONE_LINE_TEXT = r"^[^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x1f\x7f-\x9f]*$"
MULTILINE_TEXT = (r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f]"
                  r"[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*$")


def _codes(terms) -> list[str]:
    return [term.code for term in terms]


class ListingChangesSchema(ma.Schema):
    """The service's columns of the providers CSV template (docs/import-providers.md), by API name."""

    class Meta:
        unknown = ma.RAISE

    name = fields.String(validate=validate.Length(min=1, max=200), metadata={"pattern": ONE_LINE_TEXT})
    description = fields.String(allow_none=True, validate=validate.Length(min=1, max=4000),
                                metadata={"pattern": MULTILINE_TEXT})
    rung = fields.String(validate=validate.OneOf(_codes(taxonomy.RUNGS)), metadata={"description": "Trede (code)."})
    lifeDomains = fields.List(fields.String(validate=validate.OneOf(_codes(taxonomy.LIFE_DOMAINS))),
                              validate=validate.Length(min=1, max=20))
    targetGroups = fields.List(fields.String(validate=validate.OneOf(_codes(taxonomy.TARGET_GROUPS))),
                               allow_none=True, validate=validate.Length(max=20))
    ageMin = fields.Integer(allow_none=True, validate=validate.Range(0, 120))
    ageMax = fields.Integer(allow_none=True, validate=validate.Range(0, 120))
    cost = fields.String(validate=validate.OneOf(_codes(taxonomy.COSTS)))
    costNote = fields.String(allow_none=True, validate=validate.Length(min=1, max=500),
                             metadata={"pattern": MULTILINE_TEXT})
    phone = fields.String(allow_none=True, validate=validate.Length(min=1, max=30),
                          metadata={"pattern": ONE_LINE_TEXT})
    email = fields.String(allow_none=True, validate=validate.Length(min=1, max=320),
                          metadata={"pattern": ONE_LINE_TEXT})
    website = fields.String(allow_none=True, validate=validate.Length(min=1, max=500),
                            metadata={"pattern": ONE_LINE_TEXT})
    openingHours = fields.String(allow_none=True, validate=validate.Length(min=1, max=500),
                                 metadata={"pattern": ONE_LINE_TEXT,
                                           "description": "Zoals 'ma-vr 09:00-17:00; za 10:00-12:00'."})
    waitWeeks = fields.Integer(allow_none=True, validate=validate.Range(0, 520))
    capacityNote = fields.String(allow_none=True, validate=validate.Length(min=1, max=500),
                                 metadata={"pattern": MULTILINE_TEXT})
    crisis = StrictBoolean(metadata={"description": "24 uur per dag crisishulp."})
    independentClientSupport = StrictBoolean()
    confidential = StrictBoolean(metadata={"description": "Vertrouwelijk adres: alleen de wijk wordt getoond."})
    serves = fields.List(fields.String(validate=validate.Regexp(code_regex("gemeente", "wijk", "buurt"))),
                         allow_none=True, validate=validate.Length(max=200),
                         metadata={"description": "Werkgebied: CBS-codes van gemeenten, wijken of buurten."})
    location = fields.Nested(LocationChangesSchema, allow_none=True,
                             metadata={"description": "De locatie; null: geen (dan is een werkgebied nodig)."})


class NewListingSchema(ListingChangesSchema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200), metadata={"pattern": ONE_LINE_TEXT})
    rung = fields.String(required=True, validate=validate.OneOf(_codes(taxonomy.RUNGS)),
                         metadata={"description": "Trede (code)."})
    lifeDomains = fields.List(fields.String(validate=validate.OneOf(_codes(taxonomy.LIFE_DOMAINS))),
                              required=True, validate=validate.Length(min=1, max=20))


def _listings() -> ListingService:
    app = current_app._get_current_object()
    return current_runtime().listings(clock=referral_runtime(app).clock)


@blp.route("/<string:service_id>")
class ServiceListing(MethodView):
    @blp.login_required
    @blp.arguments(ListingChangesSchema, error_status_code=400)
    @blp.response(200, EditedServiceSchema, description="De bijgewerkte voorziening, met tips over de leesbaarheid "
                                                        "van een gewijzigde omschrijving.")
    @blp.problems(400, 404, 412)
    def patch(self, changes, service_id: str):
        """Werk een eigen voorziening bij (ververst 'laatst gecontroleerd')

        Stuur de ETag van de voorziening mee als If-Match: is ze intussen gewijzigd, dan volgt 412
        met de huidige gegevens (`current`) en wordt er niets opgeslagen. Zonder If-Match wordt er
        zonder die controle opgeslagen."""
        try:
            stored = _listings().update(principal(), service_id, changes, expected_version=expected_version())
        except PreconditionFailed as error:
            return conflict_response(error)
        body = service_json(stored)
        # Warnings, never refusals: a beheerder learns when inwoners will find the text hard to read.
        body["readabilityWarnings"] = readability.check(changes.get("description") or "")
        return body, 200, {"ETag": service_etag(stored)}

    @blp.login_required
    @blp.response(204, description="Verwijderd.")
    @blp.problems(404, 412)
    def delete(self, service_id: str):
        """Verwijder een eigen voorziening

        Ze verdwijnt uit zoeken, HSDS en exports. Doorverwijzingen ernaar blijven werken: ze houden
        het id en de naam van de voorziening. If-Match zoals bij PATCH. Het auditlog van de
        organisatie krijgt `voorziening-verwijderd:{serviceId}`."""
        try:
            _listings().remove(principal(), service_id, expected_version=expected_version())
        except PreconditionFailed as error:
            return conflict_response(error)
        return None, 204


@blp.route("/<string:service_id>/verification")
class ServiceVerification(MethodView):
    @blp.login_required
    @blp.response(200, ServiceSchema, description="De voorziening, vandaag gecontroleerd.")
    @blp.problems(400, 404, 412)
    def post(self, service_id: str):
        """Bevestig dat een eigen voorziening nog klopt (If-Match zoals bij PATCH)"""
        try:
            stored = _listings().update(principal(), service_id, expected_version=expected_version())
        except PreconditionFailed as error:
            return conflict_response(error)
        return service_json(stored), 200, {"ETag": service_etag(stored)}


class StaleArgsSchema(ma.Schema):
    class Meta:
        unknown = ma.RAISE

    gemeente = fields.String(validate=validate.Regexp(code_regex("gemeente")),
                             metadata={"description": "Alleen deze gemeente."})


# Its own resource, not /services/stale: beside /services/{service_id} the word would also be an id.
stale_blp = Blueprint("stale_listings", __name__, url_prefix="/stale-services",
                      description="Voorzieningen die lang niet gecontroleerd zijn (coördinatoren).")


@stale_blp.route("")
class StaleListings(MethodView):
    @stale_blp.login_required
    @stale_blp.arguments(StaleArgsSchema, location="query", error_status_code=400)
    @stale_blp.response(200, description="Per gemeente van uw gebied de voorzieningen die langer dan `staleAfterDays` "
                                   "niet gecontroleerd zijn (of nooit), de oudste eerst.")
    @stale_blp.problems(400, 401, 403)
    def get(self, args):
        """Verouderde voorzieningen per gemeente (coördinator, admin)"""
        app = current_app._get_current_object()
        report = current_runtime().stale_listings(clock=referral_runtime(app).clock)
        found = report.per_gemeente(principal(), args.get("gemeente"))
        for group in found["gemeenten"]:
            group["services"] = [{"id": s.id, "name": s.name, "lastVerified": s.last_verified,
                                  "organization": {"id": s.organization_id, "name": s.org_name}}
                                 for s in group["services"]]
        return found


# Under the organisation: a new listing belongs to it from the start.
new_blp = Blueprint("new_listings", __name__, url_prefix="/organizations",
                    description="Een nieuwe voorziening voor de eigen organisatie (beheerders).")


@new_blp.route("/<string:organization_id>/services")
class NewListing(MethodView):
    @new_blp.login_required
    @new_blp.arguments(NewListingSchema, error_status_code=400)
    @new_blp.response(201, EditedServiceSchema, description="De nieuwe voorziening, vandaag gecontroleerd.")
    @new_blp.problems(400, 404)
    def post(self, values, organization_id: str):
        """Voeg een voorziening toe aan uw eigen organisatie

        Dezelfde velden en controles als PATCH en als de CSV-import; een locatie, een werkgebied of
        allebei. Het antwoord heeft de ETag en een Location-header."""
        stored = _listings().create(principal(), organization_id, values)
        body = service_json(stored)
        body["readabilityWarnings"] = readability.check(values.get("description") or "")
        return body, 201, {"ETag": service_etag(stored), "Location": f"/api/v1/services/{stored.id}"}
