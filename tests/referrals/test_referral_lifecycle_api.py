"""Through the API on the real store: every allowed transition by the side that may make it (the other
side gets 403), every other one rejected with 409 problem+json naming the current state, and
nothing changed by a rejected step. Plus passing a referral on (doorverwezen)."""
from __future__ import annotations

import pytest

from socialekaart.referrals.lifecycle import RECEIVER, SENDER, STATES, SYSTEM, TRANSITION_BY_PAIR, TRANSITIONS
from tests.referrals.referral_helpers import consent_for, referral_body

SIDE_ACTOR = {SENDER: "swt", RECEIVER: "welzijn"}
FORWARD = {"serviceId": "svc-maatje", "consent": consent_for("org-netwerk"), "clientRef": "WZ-77"}
DETAILS = {"afgewezen": {"reason": "geen-capaciteit"}, "afgerond": {"outcome": "geholpen"},
           "doorverwezen": {"forward": FORWARD}, "geannuleerd": {"reason": "niet-meer-nodig"}}
# How to get a referral into each state through the API (verlopen needs the clock: see test_overdue).
PATH_TO = {
    "concept": [],
    "verzonden": ["verzonden"],
    "ontvangen": ["verzonden", "ontvangen"],
    "geaccepteerd": ["verzonden", "ontvangen", "geaccepteerd"],
    "afgewezen": ["verzonden", "ontvangen", "afgewezen"],
    "wachtlijst": ["verzonden", "ontvangen", "geaccepteerd", "wachtlijst"],
    "gestart": ["verzonden", "ontvangen", "geaccepteerd", "wachtlijst", "gestart"],
    "afgerond": ["verzonden", "ontvangen", "geaccepteerd", "gestart", "afgerond"],
    "geannuleerd": ["geannuleerd"],
    "doorverwezen": ["verzonden", "ontvangen", "doorverwezen"],
}


def step(client, actors, referral_id, target, who=None):
    previous = client.get(f"/api/v1/referrals/{referral_id}", headers=actors["swt"].headers).get_json()["status"]
    side = TRANSITION_BY_PAIR[(previous, target)].side if (previous, target) in TRANSITION_BY_PAIR else SENDER
    actor = actors[who or SIDE_ACTOR[side]]
    return client.post(f"/api/v1/referrals/{referral_id}/transitions", json={"to": target, **DETAILS.get(target, {})},
                       headers=actor.headers)


def referral_in(client, actors, state) -> str:
    created = client.post("/api/v1/referrals", json=referral_body(), headers=actors["swt"].headers)
    assert created.status_code == 201, created.get_json()
    referral_id = created.get_json()["id"]
    for target in PATH_TO[state]:
        response = step(client, actors, referral_id, target)
        assert response.status_code == 200, response.get_json()
    return referral_id


@pytest.mark.parametrize("transition", [t for t in TRANSITIONS if t.side != SYSTEM],
                         ids=lambda t: f"{t.source}->{t.target}")
def test_every_allowed_transition_by_its_side_only(client, actors, transition):
    referral_id = referral_in(client, actors, transition.source)
    other = SIDE_ACTOR[RECEIVER if transition.side == SENDER else SENDER]
    body = {"to": transition.target, **DETAILS.get(transition.target, {})}
    wrong = client.post(f"/api/v1/referrals/{referral_id}/transitions", json=body, headers=actors[other].headers)
    if transition.source == "concept":
        assert wrong.status_code == 404  # the receiver does not see a concept at all
    else:
        assert wrong.status_code == 403 and wrong.mimetype == "application/problem+json"

    response = client.post(f"/api/v1/referrals/{referral_id}/transitions", json=body,
                           headers=actors[SIDE_ACTOR[transition.side]].headers)
    assert response.status_code == 200, response.get_json()
    changed = response.get_json()
    assert changed["status"] == transition.target
    last = changed["events"][-1]
    assert (last["fromStatus"], last["toStatus"], last["side"]) == (transition.source, transition.target,
                                                                   transition.side)
    assert last["actor"]["organizationId"] == actors[SIDE_ACTOR[transition.side]].principal.organization_id
    assert changed["version"] == len(PATH_TO[transition.source]) + 2
    cursors = [e["cursor"] for e in changed["events"]]
    assert cursors == sorted(cursors) and len(set(cursors)) == len(cursors)
    if transition.target == "afgewezen":
        assert changed["declineReason"] == "geen-capaciteit" and changed["closedAt"]
    if transition.target == "afgerond":
        assert changed["outcome"] == "geholpen" and changed["closedAt"]


@pytest.mark.parametrize("state", [s for s in STATES if s != "verlopen"])
def test_every_other_transition_is_rejected_with_409_naming_the_state(client, actors, state):
    referral_id = referral_in(client, actors, state)
    before = client.get(f"/api/v1/referrals/{referral_id}", headers=actors["swt"].headers).get_json()
    rejected = [target for target in STATES if (state, target) not in TRANSITION_BY_PAIR]
    assert rejected
    for target in rejected:
        for who in ("swt", "welzijn") if state != "concept" else ("swt",):
            response = client.post(f"/api/v1/referrals/{referral_id}/transitions",
                                   json={"to": target, **DETAILS.get(target, {})}, headers=actors[who].headers)
            assert response.status_code == 409, (state, target, response.get_json())
            problem = response.get_json()
            assert response.mimetype == "application/problem+json"
            assert problem["currentStatus"] == state and f"'{state}'" in problem["detail"]
    after = client.get(f"/api/v1/referrals/{referral_id}", headers=actors["swt"].headers).get_json()
    assert (after["status"], after["version"], after["events"]) == (before["status"], before["version"],
                                                                    before["events"])


def test_verlopen_is_for_the_system_only(client, actors):
    referral_id = referral_in(client, actors, "verzonden")
    for who in ("swt", "welzijn"):
        response = client.post(f"/api/v1/referrals/{referral_id}/transitions", json={"to": "verlopen"},
                               headers=actors[who].headers)
        assert response.status_code == 403


def test_allowed_next_lists_what_the_caller_may_do(client, actors):
    referral_id = referral_in(client, actors, "ontvangen")
    sender = client.get(f"/api/v1/referrals/{referral_id}", headers=actors["swt"].headers).get_json()
    receiver = client.get(f"/api/v1/referrals/{referral_id}", headers=actors["welzijn"].headers).get_json()
    assert sender["allowedNext"] == ["geannuleerd"]
    assert receiver["allowedNext"] == ["geaccepteerd", "afgewezen", "doorverwezen"]
    assert sender["yourSide"] == "verzender" and receiver["yourSide"] == "ontvanger"


def test_passing_on_creates_a_linked_referral_for_the_new_partner(client, actors):
    referral_id = referral_in(client, actors, "doorverwezen")
    original = client.get(f"/api/v1/referrals/{referral_id}", headers=actors["welzijn"].headers).get_json()
    new_id = original["forwardedTo"]
    assert new_id and original["events"][-1]["linkedReferralId"] == new_id

    inbox = client.get("/api/v1/referrals?box=received", headers=actors["netwerk"].headers).get_json()
    assert [r["id"] for r in inbox["results"]] == [new_id]
    new = client.get(f"/api/v1/referrals/{new_id}", headers=actors["netwerk"].headers).get_json()
    assert new["status"] == "verzonden" and new["forwardedFrom"] == referral_id
    assert new["sender"]["organizationId"] == "org-welzijn" and new["receiver"]["serviceId"] == "svc-maatje"
    # What was not given comes from the original: the hulpvraag and how to reach the inwoner.
    assert new["requestText"] == referral_body()["requestText"] and new["contact"]["phone"] == "06 1234 5678"
    assert new["consent"]["partnerId"] == "org-netwerk" and new["clientRef"] is None  # receiver: no client ref
    assert client.get(f"/api/v1/referrals/{new_id}", headers=actors["welzijn"].headers).get_json()["clientRef"] \
        == "WZ-77"
    # The first sender learns that it was passed on, not the new referral's content.
    assert client.get(f"/api/v1/referrals/{new_id}", headers=actors["swt"].headers).status_code == 404


def test_passing_on_needs_consent_for_the_new_partner_and_writes_nothing_without(client, actors):
    referral_id = referral_in(client, actors, "ontvangen")
    bad = {"serviceId": "svc-maatje", "consent": consent_for("org-welzijn")}
    response = client.post(f"/api/v1/referrals/{referral_id}/transitions", json={"to": "doorverwezen", "forward": bad},
                           headers=actors["welzijn"].headers)
    assert response.status_code == 400
    assert response.get_json()["invalidParams"][0]["name"] == "consent.partnerId"
    missing = client.post(f"/api/v1/referrals/{referral_id}/transitions",
                          json={"to": "doorverwezen", "forward": {"serviceId": "svc-maatje"}},
                          headers=actors["welzijn"].headers)
    assert missing.status_code == 400 and "forward.consent" in {p["name"] for p in missing.get_json()["invalidParams"]}
    same = client.post(f"/api/v1/referrals/{referral_id}/transitions",
                       json={"to": "doorverwezen", "forward": {"serviceId": "svc-schuld",
                                                               "consent": consent_for("org-welzijn")}},
                       headers=actors["welzijn"].headers)
    assert same.status_code == 400
    after = client.get(f"/api/v1/referrals/{referral_id}", headers=actors["welzijn"].headers).get_json()
    assert after["status"] == "ontvangen" and after["forwardedTo"] is None
    assert client.get("/api/v1/referrals?box=received", headers=actors["netwerk"].headers).get_json()["total"] == 0
