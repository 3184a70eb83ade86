"""Opnieuw verwijzen (issue 15 §3): after a decline, an expiry or 'niet geholpen' the sender refers the
inwoner again. The new referral is linked both ways, carries over the hulpvraag, and the consent only
when it covers the new partner; otherwise consent is asked again and nothing is written. Both stores."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from socialekaart.shared.errors import Conflict, Forbidden, ValidationError
from tests.referrals.referral_helpers import consent_for, referral_body
from tests.referrals.test_referral_privacy import raw_referrals


def sent(rr, actors, **changes) -> str:
    swt = actors["swt"].principal
    rid = rr.referrals.create(swt, referral_body(**changes), send=True)["id"]
    rr.referrals.transition(actors["welzijn"].principal, rid, "ontvangen")
    return rid


def declined(rr, actors, **changes) -> str:
    rid = sent(rr, actors, **changes)
    rr.referrals.transition(actors["welzijn"].principal, rid, "afgewezen", reason="geen-capaciteit")
    return rid


def closed_with(rr, actors, outcome: str) -> str:
    rid = sent(rr, actors)
    welzijn = actors["welzijn"].principal
    for step in ("geaccepteerd", "gestart"):
        rr.referrals.transition(welzijn, rid, step)
    rr.referrals.transition(welzijn, rid, "afgerond", outcome=outcome)
    return rid


def test_after_a_decline_the_sender_refers_again_with_new_consent_and_both_show_the_chain(rr, actors):
    swt = actors["swt"].principal
    rid = declined(rr, actors)
    assert rr.referrals.get(swt, rid)["can_rerefer"] is True

    again = rr.referrals.rerefer(swt, rid, {"serviceId": "svc-begeleiding", "consent": consent_for("org-zorg")})

    assert again["status"] == "verzonden" and again["to"]["organization_id"] == "org-zorg"
    assert again["rereferred_from"] == rid and again["id"] != rid
    # Carried over from the original: the hulpvraag, contact, leefgebieden and the sender's own reference.
    assert again["request_text"].startswith("Alleenstaande moeder")
    assert again["contact"] == {"name": "Sanne", "phone": "06 1234 5678"}
    assert again["life_domains"] == ["geldzaken"] and again["client_ref"] == "SWT-2026-0042"
    assert again["consent"]["partner_id"] == "org-zorg"
    assert [e["to"] for e in again["events"]] == ["concept", "verzonden"]
    assert all(e["linked_referral_id"] == rid for e in again["events"])
    original = rr.referrals.get(swt, rid)
    assert original["status"] == "afgewezen" and original["decline_reason"] == "geen-capaciteit"  # kept
    assert original["rereferred_to"] == again["id"] and original["can_rerefer"] is False
    # The new receiver has it in its inbox; the chain (who else was asked) is the sender's only.
    zorg = rr.referrals.get(actors["zorg"].principal, again["id"])
    assert zorg["request_text"].startswith("Alleenstaande moeder") and zorg["rereferred_from"] is None
    assert rr.referrals.get(actors["welzijn"].principal, rid)["rereferred_to"] is None
    trail = [e.action for e in rr.referrals.audit_trail(actors["admin"].principal, rid)]
    assert "opnieuw-verwijzen" in trail


def test_consent_carries_over_only_when_it_covers_the_new_partner(rr, actors, clock):
    swt = actors["swt"].principal
    rid = declined(rr, actors)
    before = len(raw_referrals(rr.runtime))
    # The recorded consent was for org-welzijn: not for Zorg Plus, so it is asked again and nothing is written.
    with pytest.raises(ValidationError) as refused:
        rr.referrals.rerefer(swt, rid, {"serviceId": "svc-begeleiding"})
    assert "opnieuw om toestemming" in refused.value.message and "consent" in refused.value.errors
    assert "gold voor Welzijn Goes, niet voor Zorg Plus" in refused.value.message
    assert len(raw_referrals(rr.runtime)) == before
    assert rr.referrals.get(swt, rid)["rereferred_to"] is None

    # The same organisation's other service (after an expiry there): the consent covers it and carries over.
    rr.runtime.catalog.save(areas=[], organizations=[], services=[_second_welzijn_service()])
    expired = sent(rr, actors)
    clock.advance(days=45)
    assert expired in rr.referrals.expire_overdue()
    again = rr.referrals.rerefer(swt, expired, {"serviceId": "svc-budget"})
    assert again["consent"] == rr.referrals.get(swt, expired)["consent"]
    assert again["consent"]["partner_id"] == "org-welzijn" and again["to"]["service_id"] == "svc-budget"


def _second_welzijn_service():
    from socialekaart.catalog.model import Service

    return Service("svc-budget", "org-welzijn", "Budgetcursus", "voorliggend", ["geldzaken"], serves=["GM0664"])


def test_a_legal_basis_instead_of_consent_is_allowed_and_audited(rr, actors):
    swt = actors["swt"].principal
    rid = declined(rr, actors)
    again = rr.referrals.rerefer(swt, rid, {"serviceId": "svc-begeleiding", "legalBasis": "wettelijke-taak",
                                            "legalBasisReason": "Wmo-onderzoek loopt; toestemming volgt."})
    assert again["consent"] is None and again["legal_basis"] == "wettelijke-taak"
    actions = [e.action for e in rr.referrals.audit_trail(actors["admin"].principal, again["id"])]
    assert "grondslag:wettelijke-taak" in actions


def test_only_after_decline_expiry_or_niet_geholpen_and_only_by_the_sender(rr, actors):
    swt, welzijn = actors["swt"].principal, actors["welzijn"].principal
    body = {"serviceId": "svc-begeleiding", "consent": consent_for("org-zorg")}
    open_one = sent(rr, actors)
    with pytest.raises(Conflict) as still_open:
        rr.referrals.rerefer(swt, open_one, body)
    assert "de status is nu 'Ontvangen'" in still_open.value.message
    helped = closed_with(rr, actors, "geholpen")
    with pytest.raises(Conflict):
        rr.referrals.rerefer(swt, helped, body)
    assert rr.referrals.get(swt, helped)["can_rerefer"] is False
    not_helped = closed_with(rr, actors, "niet-geholpen")
    assert rr.referrals.get(swt, not_helped)["can_rerefer"] is True
    assert rr.referrals.rerefer(swt, not_helped, body)["rereferred_from"] == not_helped
    rid = declined(rr, actors)
    with pytest.raises(Forbidden):
        rr.referrals.rerefer(welzijn, rid, body)  # the receiver passes on with 'doorverwezen', not this
    with pytest.raises(Conflict) as twice:
        rr.referrals.rerefer(swt, not_helped, body)
    assert "al opnieuw verwezen" in twice.value.message


def test_two_people_re_referring_at_once_make_one_new_referral(rr, actors):
    swt = actors["swt"].principal
    rid = declined(rr, actors)
    before = len(raw_referrals(rr.runtime))
    body = {"serviceId": "svc-begeleiding", "consent": consent_for("org-zorg")}

    def attempt(_):
        try:
            return rr.referrals.rerefer(swt, rid, body)["id"]
        except Conflict:
            return None

    with ThreadPoolExecutor(max_workers=4) as pool:
        made = [found for found in pool.map(attempt, range(4)) if found]
    assert len(made) == 1
    assert len(raw_referrals(rr.runtime)) == before + 1
    assert rr.referrals.get(swt, rid)["rereferred_to"] == made[0]


def test_api_re_referral_answers_201_with_the_chain_and_problem_json_in_dutch(client, actors):
    swt, welzijn = actors["swt"].headers, actors["welzijn"].headers
    rid = client.post("/api/v1/referrals", json=referral_body(), headers=swt).get_json()["id"]
    for who, step in ((swt, {"to": "verzonden"}), (welzijn, {"to": "ontvangen"}),
                      (welzijn, {"to": "afgewezen", "reason": "buiten-doelgroep"})):
        assert client.post(f"/api/v1/referrals/{rid}/transitions", json=step, headers=who).status_code == 200

    no_consent = client.post(f"/api/v1/referrals/{rid}/re-referrals", json={"serviceId": "svc-begeleiding"},
                             headers=swt)
    assert no_consent.status_code == 400 and no_consent.content_type == "application/problem+json"
    assert "toestemming" in no_consent.get_json()["detail"]
    by_receiver = client.post(f"/api/v1/referrals/{rid}/re-referrals",
                              json={"serviceId": "svc-begeleiding", "consent": consent_for("org-zorg")},
                              headers=welzijn)
    assert by_receiver.status_code == 403 and by_receiver.content_type == "application/problem+json"
    stale = client.post(f"/api/v1/referrals/{rid}/re-referrals",
                        json={"serviceId": "svc-begeleiding", "consent": consent_for("org-zorg"), "version": 1},
                        headers=swt)
    assert stale.status_code == 409

    made = client.post(f"/api/v1/referrals/{rid}/re-referrals",
                       json={"serviceId": "svc-begeleiding", "consent": consent_for("org-zorg"),
                             "urgency": "urgent"}, headers=swt)
    assert made.status_code == 201, made.get_json()
    new = made.get_json()
    assert made.headers["Location"] == f"/api/v1/referrals/{new['id']}"
    assert new["reReferredFrom"] == rid and new["urgency"] == "urgent" and new["status"] == "verzonden"
    original = client.get(f"/api/v1/referrals/{rid}", headers=swt).get_json()
    assert original["reReferredTo"] == new["id"] and original["canReRefer"] is False
    seen_by_old_receiver = client.get(f"/api/v1/referrals/{rid}", headers=welzijn).get_json()
    assert seen_by_old_receiver["reReferredTo"] is None and seen_by_old_receiver["clientDataWithheld"] is True
    assert client.post(f"/api/v1/referrals/{rid}/re-referrals",
                       json={"serviceId": "svc-begeleiding", "consent": consent_for("org-zorg")},
                       headers=swt).status_code == 409
