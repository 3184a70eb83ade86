"""Referral views from the service (snake_case) to API JSON (lowerCamelCase)."""
from __future__ import annotations

from typing import Any

API_PREFIX = "/api/v1"


def event_json(e: dict[str, Any]) -> dict[str, Any]:
    return {"id": e["id"], "cursor": e.get("seq"), "referralId": e["referral_id"], "at": e["at"],
            "fromStatus": e.get("from"), "toStatus": e["to"], "side": e.get("side"),
            "actor": {"accountId": e.get("actor_account_id"), "organizationId": e.get("actor_org_id")},
            "reason": e.get("reason"), "outcome": e.get("outcome"), "linkedReferralId": e.get("linked_referral_id")}


def message_json(m: dict[str, Any]) -> dict[str, Any]:
    return {"id": m["id"], "referralId": m["referral_id"], "at": m["at"], "side": m.get("side"),
            "author": {"accountId": m.get("author_account_id"), "organizationId": m.get("author_org_id")},
            "text": m.get("text"), "anonymised": bool(m.get("anonymised"))}


def summary_json(r: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": r["id"], "status": r["status"], "statusLabel": r["status_label"], "version": r["version"],
        "urgency": r.get("urgency"), "lifeDomains": r.get("life_domains") or [],
        "sender": {"organizationId": r["from"]["organization_id"], "organizationName": r["from"]["organization_name"]},
        "receiver": {"organizationId": r["to"]["organization_id"], "organizationName": r["to"]["organization_name"],
                     "serviceId": r["to"]["service_id"], "serviceName": r["to"]["service_name"]},
        "createdAt": r.get("created_at"), "updatedAt": r.get("updated_at"), "sentAt": r.get("sent_at"),
        "overdue": r.get("overdue"), "yourSide": r.get("side"),
        "_links": {"self": {"href": f"{API_PREFIX}/referrals/{r['id']}"}},
    }


def referral_json(r: dict[str, Any]) -> dict[str, Any]:
    body = summary_json(r)
    consent = r.get("consent")
    body.update({
        "receivedAt": r.get("received_at"), "acceptedAt": r.get("accepted_at"), "declinedAt": r.get("declined_at"),
        "waitlistedAt": r.get("waitlisted_at"), "startedAt": r.get("started_at"), "closedAt": r.get("closed_at"),
        "declineReason": r.get("decline_reason"), "outcome": r.get("outcome"), "cancelReason": r.get("cancel_reason"),
        "deadlines": {"receiveBy": r["deadlines"]["receive_by"], "acceptBy": r["deadlines"]["accept_by"],
                      "expiresAt": r["deadlines"]["expires_at"]},
        "wijkCode": r.get("wijk_code"), "gemeenteCode": r.get("gemeente_code"),
        "requestText": r.get("request_text"), "contact": r.get("contact"), "clientRef": r.get("client_ref"),
        "consent": None if consent is None else {"purpose": consent["purpose"], "partnerId": consent["partner_id"],
                                                 "date": consent["date"], "method": consent["method"]},
        "legalBasis": r.get("legal_basis"),
        "legalBasisReason": r.get("legal_basis_reason"), "forwardedFrom": r.get("forwarded_from"),
        "forwardedTo": r.get("forwarded_to"), "anonymisedAt": r.get("anonymised_at"),
        "clientDataWithheld": bool(r.get("client_data_withheld")),
        "allowedNext": r.get("allowed_next") or [], "events": [event_json(e) for e in r.get("events") or []],
        "messages": [message_json(m) for m in r.get("messages") or []],
        "reReferredFrom": r.get("rereferred_from"), "reReferredTo": r.get("rereferred_to"),
        "canReRefer": bool(r.get("can_rerefer")), "canMessage": bool(r.get("can_message")),
    })
    body["_links"]["transitions"] = {"href": f"{API_PREFIX}/referrals/{r['id']}/transitions"}
    body["_links"]["messages"] = {"href": f"{API_PREFIX}/referrals/{r['id']}/messages"}
    return body
