"""/api/v1/referrals (inbox, detail, create, status changes, export), /api/v1/referral-events
(the feed per organisation) and /api/v1/me. Every operation needs a personal access token."""
from __future__ import annotations

import marshmallow as ma
from flask import current_app
from flask.views import MethodView

from web.api.blueprint import Blueprint
from web.api.referrals.schemas import (
    NEW_MESSAGE_BODY,
    NEW_REFERRAL_BODY,
    RE_REFERRAL_BODY,
    AuditArgsSchema,
    AuditLogSchema,
    ExportResultSchema,
    ExportSchema,
    FeedArgsSchema,
    FeedSchema,
    MeSchema,
    MessageListSchema,
    MessageSchema,
    NewMessageSchema,
    NewReferralSchema,
    ReferralListArgsSchema,
    ReferralPageSchema,
    ReferralSchema,
    ReReferralSchema,
    TransitionSchema,
)
from web.api.referrals.shaping import event_json, message_json, referral_json, summary_json
from web.api.shaping import page_links
from web.auth import principal
from web.bootstrap import referral_runtime

blp = Blueprint("referrals", __name__, url_prefix="",
                description="Doorverwijzingen tussen partners: versturen, ontvangen, accepteren, afronden.")


def _service():
    return referral_runtime(current_app._get_current_object()).referrals


@blp.route("/referrals")
class Referrals(MethodView):
    @blp.login_required
    @blp.arguments(ReferralListArgsSchema, location="query", error_status_code=400, unknown=ma.RAISE)
    @blp.response(200, ReferralPageSchema, description="Doorverwijzingen van uw organisatie, nieuwste eerst.")
    @blp.problems(400)
    def get(self, args):
        """Inbox of verzonden doorverwijzingen"""
        page = _service().list(principal(), box=args["box"], statuses=args.get("status") or [],
                               overdue=args["overdue"], page=args["page"], page_size=args["pageSize"])
        links = page_links(page.page, page.pages)
        headers = {"X-Total-Count": str(page.total), "X-Pagination-Page": str(page.page),
                   "X-Pagination-Limit": str(page.page_size)}
        return ({"total": page.total, "page": page.page, "pageSize": page.page_size, "pages": page.pages,
                 "results": [summary_json(item) for item in page.items], "_links": links}, 200, headers)

    @blp.login_required
    @blp.arguments(NewReferralSchema, error_status_code=400)
    @blp.response(201, ReferralSchema, description="De nieuwe doorverwijzing, als concept.")
    @blp.problems(400, 404, 409)
    @blp.doc(requestBody=NEW_REFERRAL_BODY)
    def post(self, body):
        """Maak een doorverwijzing (concept; toestemming is verplicht)"""
        created = _service().create(principal(), body)
        return referral_json(created), 201, {"Location": f"/api/v1/referrals/{created['id']}"}


@blp.route("/referrals/export")
class ReferralExport(MethodView):
    @blp.login_required
    @blp.arguments(ExportSchema, error_status_code=400)
    @blp.response(200, ExportResultSchema, description="Alle doorverwijzingen van uw organisatie voor deze cliënt.")
    @blp.problems(400)
    def post(self, body):
        """Exporteer alles voor één cliëntreferentie (POST: de referentie hoort niet in een URL)"""
        found = _service().export(principal(), body["clientRef"])
        return {"count": len(found), "referrals": [referral_json(r) for r in found]}


@blp.route("/referrals/<referral_id:referral_id>")
class ReferralById(MethodView):
    @blp.login_required
    @blp.response(200, ReferralSchema, description="Eén doorverwijzing met haar geschiedenis.")
    @blp.problems(404)
    def get(self, referral_id: str):
        """Eén doorverwijzing"""
        return referral_json(_service().get(principal(), referral_id))


@blp.route("/referrals/<referral_id:referral_id>/transitions")
class ReferralTransitions(MethodView):
    @blp.login_required
    @blp.arguments(TransitionSchema, error_status_code=400)
    @blp.response(200, ReferralSchema, description="De doorverwijzing met haar nieuwe status.")
    @blp.problems(400, 404, 409)
    def post(self, body, referral_id: str):
        """Zet een doorverwijzing op een nieuwe status (409 als dat vanuit de huidige status niet kan)"""
        changed = _service().transition(principal(), referral_id, body["to"], reason=body.get("reason"),
                                        outcome=body.get("outcome"), forward=body.get("forward"),
                                        expected_version=body.get("version"))
        return referral_json(changed)


@blp.route("/referrals/<referral_id:referral_id>/re-referrals")
class ReReferrals(MethodView):
    @blp.login_required
    @blp.arguments(ReReferralSchema, error_status_code=400)
    @blp.response(201, ReferralSchema, description="De nieuwe, gekoppelde doorverwijzing, verstuurd.")
    @blp.problems(400, 403, 404, 409)
    @blp.doc(requestBody=RE_REFERRAL_BODY)
    def post(self, body, referral_id: str):
        """Verwijs opnieuw (verzender; na afwijzen, verlopen of afronden met niet-geholpen)"""
        version = body.pop("version", None)
        created = _service().rerefer(principal(), referral_id, body, expected_version=version)
        return referral_json(created), 201, {"Location": f"/api/v1/referrals/{created['id']}"}


@blp.route("/referrals/<referral_id:referral_id>/messages")
class ReferralMessages(MethodView):
    @blp.login_required
    @blp.response(200, MessageListSchema, description="De berichten bij deze doorverwijzing, oudste eerst.")
    @blp.problems(403, 404)
    def get(self, referral_id: str):
        """Berichten tussen verzender en ontvanger"""
        found = _service().messages(principal(), referral_id)
        return {"referralId": referral_id, "messages": [message_json(m) for m in found]}

    @blp.login_required
    @blp.arguments(NewMessageSchema, error_status_code=400)
    @blp.response(201, MessageSchema, description="Het bericht, zoals het is opgeslagen.")
    @blp.problems(400, 404, 409)
    @blp.doc(requestBody=NEW_MESSAGE_BODY)
    def post(self, body, referral_id: str):
        """Stuur een kort bericht aan de andere organisatie (terugrapportage)"""
        written = _service().post_message(principal(), referral_id, body.get("text"))
        return message_json(written), 201


@blp.route("/referral-events")
class ReferralEvents(MethodView):
    @blp.login_required
    @blp.arguments(FeedArgsSchema, location="query", error_status_code=400, unknown=ma.RAISE)
    @blp.response(200, FeedSchema, description="Gebeurtenissen bij de doorverwijzingen van uw organisatie, "
                                               "oudste eerst.")
    @blp.problems(400)
    def get(self, args):
        """Gebeurtenissen sinds een cursor (om te pollen)"""
        feed = _service().events(principal(), since=args.get("since"), limit=args["limit"])
        return {"events": [event_json(e) for e in feed["events"]], "cursor": feed["cursor"], "more": feed["more"]}


@blp.route("/audit")
class AuditLog(MethodView):
    @blp.login_required
    @blp.arguments(AuditArgsSchema, location="query", error_status_code=400, unknown=ma.RAISE)
    @blp.response(200, AuditLogSchema, description="Wie van uw organisatie wat zag of deed, nieuwste eerst.")
    @blp.problems(400, 403)
    def get(self, args):
        """Het auditlog van uw organisatie (beheerder)"""
        me = principal()
        entries = _service().organization_audit(me, since=args.get("since"), until=args.get("until"),
                                                limit=args["limit"])
        return {"organizationId": me.organization_id,
                "entries": [{"at": e.at, "accountId": e.account_id, "role": e.role, "action": e.action,
                             "referralId": e.referral_id, "allowed": bool(e.allowed)} for e in entries]}


@blp.route("/me")
class Me(MethodView):
    @blp.login_required
    @blp.response(200, MeSchema, description="Het account achter het token.")
    def get(self):
        """Wie ben ik"""
        me = principal()
        return {"accountId": me.account_id, "email": me.email, "name": me.name, "role": me.role,
                "organizationId": me.organization_id, "areas": list(me.areas)}
