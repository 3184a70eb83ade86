"""Status links for the inwoner (/api/v1/referrals/{referralId}/status-links) and the e-mail
preferences of the signed-in account (/api/v1/notification-preferences)."""
from __future__ import annotations

import marshmallow as ma
from flask import current_app, url_for
from flask.views import MethodView
from marshmallow import fields

from socialekaart.notifications.messages import KINDS
from web.api.blueprint import Blueprint
from web.api.fields import StrictBoolean, UtcTime
from web.auth import principal
from web.bootstrap import referral_runtime

blp = Blueprint("notifications", __name__, url_prefix="",
                description="Statuslinks voor de inwoner en e-mailmeldingen.")


class StatusLinkSchema(ma.Schema):
    id = fields.String(required=True)
    referralId = fields.String(required=True)
    createdAt = UtcTime(required=True)
    expiresAt = UtcTime(required=True)
    revokedAt = UtcTime(allow_none=True)
    active = fields.Boolean(metadata={"description": "Werkt de link nu (niet verlopen, niet ingetrokken)?"})


class NewStatusLinkSchema(StatusLinkSchema):
    url = fields.String(required=True, metadata={
        "description": "De link voor de inwoner. Wordt maar één keer getoond; bewaard wordt alleen een hash."})


class StatusLinkListSchema(ma.Schema):
    results = fields.List(fields.Nested(StatusLinkSchema), required=True)


class _Strict(ma.Schema):
    class Meta:
        unknown = ma.RAISE


# One boolean per kind of mail, and no other key: the OpenAPI says exactly what the server takes.
PreferenceChoicesSchema = _Strict.from_dict(
    {kind: StrictBoolean(metadata={"description": label}) for kind, label in KINDS.items()},
    name="PreferenceChoices")


class PreferencesSchema(_Strict):
    preferences = fields.Nested(PreferenceChoicesSchema, required=True, metadata={
        "description": "Per soort melding: aan (true) of uit (false); soorten die u weglaat blijven zoals ze waren."})


def _rt():
    return referral_runtime(current_app._get_current_object())


def _link_json(link: dict) -> dict:
    return {"id": link["id"], "referralId": link["referral_id"], "createdAt": link["created_at"],
            "expiresAt": link["expires_at"], "revokedAt": link.get("revoked_at"), "active": link.get("active", True)}


@blp.route("/referrals/<referral_id:referral_id>/status-links")
class StatusLinks(MethodView):
    @blp.login_required
    @blp.response(201, NewStatusLinkSchema, description="Een nieuwe statuslink; geef de url aan de inwoner.")
    @blp.problems(400, 403, 404)
    def post(self, referral_id: str):
        """Maak een statuslink voor de inwoner (alleen de verwijzende organisatie)"""
        made = _rt().status_links.create(principal(), referral_id)
        url = _rt().settings.public_url + url_for("status_page.status", token=made["token"])
        return {**_link_json(made), "url": url}, 201

    @blp.login_required
    @blp.response(200, StatusLinkListSchema, description="De statuslinks van deze doorverwijzing (zonder token).")
    @blp.problems(400, 403, 404)
    def get(self, referral_id: str):
        """De statuslinks van een doorverwijzing"""
        return {"results": [_link_json(link) for link in _rt().status_links.links(principal(), referral_id)]}


@blp.route("/referrals/<referral_id:referral_id>/status-links/<string:link_id>/revocation")
class StatusLinkRevocation(MethodView):
    @blp.login_required
    @blp.response(200, StatusLinkSchema, description="De ingetrokken link: hij werkt niet meer.")
    @blp.problems(400, 403, 404)
    def post(self, referral_id: str, link_id: str):
        """Trek een statuslink in"""
        service = _rt().status_links
        service.revoke(principal(), referral_id, link_id)
        return _link_json(next(link for link in service.links(principal(), referral_id) if link["id"] == link_id))


@blp.route("/notification-preferences")
class Preferences(MethodView):
    @blp.login_required
    @blp.response(200, PreferencesSchema, description="Welke e-mails dit account krijgt.")
    @blp.problems(404)
    def get(self):
        """Mijn e-mailmeldingen"""
        return {"preferences": _rt().notifications.preferences(principal())}

    @blp.login_required
    @blp.arguments(PreferencesSchema, error_status_code=400)
    @blp.response(200, PreferencesSchema, description="De meldingen na de wijziging.")
    @blp.problems(400, 404)
    def patch(self, body):
        """Zet e-mailmeldingen aan of uit (soorten die u weglaat blijven zoals ze waren)"""
        return {"preferences": _rt().notifications.set_preferences(principal(), body["preferences"])}
