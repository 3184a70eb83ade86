"""Every referral and network endpoint for every role, plus no, expired, revoked and malformed tokens.
Another organisation's professional sees nothing: empty lists and feeds, 404 for the referral."""
from __future__ import annotations

from datetime import timedelta

import pytest

from tests.referrals.referral_helpers import START, referral_body

CALLERS = ("swt", "welzijn", "other", "beheerder", "coordinator", "regio", "admin",
           "anonymous", "expired", "revoked", "malformed")
PROFESSIONALS = ("swt", "welzijn", "other")
NOT_SIGNED_IN = ("anonymous", "expired", "revoked", "malformed")

# endpoint -> status per caller (callers not named: 403 when signed in, 401 when not).
EXPECTED = {
    "list received": {"swt": 200, "welzijn": 200, "other": 200},
    "list sent": {"swt": 200, "welzijn": 200, "other": 200},
    "detail": {"swt": 200, "welzijn": 200, "other": 404},
    "detail of a concept": {"swt": 200, "welzijn": 404, "other": 404},
    "create": {"swt": 201, "welzijn": 201, "other": 201},
    "receive": {"swt": 403, "welzijn": 200, "other": 404},
    "feed": {"swt": 200, "welzijn": 200, "other": 200},
    "export": {"swt": 200, "welzijn": 200, "other": 200},
    "figures": {"coordinator": 200, "regio": 200, "admin": 200},
    "flows": {"coordinator": 200, "regio": 200, "admin": 200},
    "me": {name: 200 for name in CALLERS if name not in NOT_SIGNED_IN},
}


@pytest.fixture
def world(rr, actors, clock, client):
    service = rr.referrals
    sent = service.create(actors["swt"].principal, referral_body())
    service.transition(actors["swt"].principal, sent["id"], "verzonden")
    concept = service.create(actors["swt"].principal, referral_body(clientRef="SWT-2026-0099"))
    headers = {name: actor.headers for name, actor in actors.items()}
    headers["anonymous"] = {}
    headers["malformed"] = {"Authorization": "Basic c3d0OnNlY3JldA=="}
    clock.set(START - timedelta(days=10))
    expired = rr.accounts.issue_token("swt@test.example.nl", days=1)
    clock.set(START)
    headers["expired"] = {"Authorization": f"Bearer {expired.token}"}
    revoked = rr.accounts.issue_token("welzijn@test.example.nl", days=30)
    rr.accounts.revoke_token(revoked.id)
    headers["revoked"] = {"Authorization": f"Bearer {revoked.token}"}
    return {"sent": sent["id"], "concept": concept["id"], "headers": headers}


def call(client, endpoint, world, caller):
    h = world["headers"][caller]
    sent, concept = world["sent"], world["concept"]
    match endpoint:
        case "list received":
            return client.get("/api/v1/referrals?box=received", headers=h)
        case "list sent":
            return client.get("/api/v1/referrals?box=sent", headers=h)
        case "detail":
            return client.get(f"/api/v1/referrals/{sent}", headers=h)
        case "detail of a concept":
            return client.get(f"/api/v1/referrals/{concept}", headers=h)
        case "create":
            return client.post("/api/v1/referrals", json=referral_body(), headers=h)
        case "receive":
            return client.post(f"/api/v1/referrals/{sent}/transitions", json={"to": "ontvangen"}, headers=h)
        case "feed":
            return client.get("/api/v1/referral-events?since=0", headers=h)
        case "export":
            return client.post("/api/v1/referrals/export", json={"clientRef": "SWT-2026-0042"}, headers=h)
        case "figures":
            return client.get("/api/v1/network/figures", headers=h)
        case "flows":
            return client.get("/api/v1/network/flows", headers=h)
        case "me":
            return client.get("/api/v1/me", headers=h)
    raise AssertionError(endpoint)


@pytest.mark.parametrize("caller", CALLERS)
def test_every_endpoint_for_every_caller(client, world, caller):
    for endpoint, table in EXPECTED.items():
        expected = table.get(caller, 401 if caller in NOT_SIGNED_IN else 403)
        response = call(client, endpoint, world, caller)
        assert response.status_code == expected, (endpoint, caller, response.get_json())
        if expected >= 400:
            assert response.mimetype == "application/problem+json"
            assert response.get_json()["status"] == expected and response.get_json()["detail"]
        if expected == 401:
            assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_another_organisations_professional_sees_nothing(client, world):
    h = world["headers"]["other"]
    for box in ("received", "sent"):
        assert client.get(f"/api/v1/referrals?box={box}", headers=h).get_json()["total"] == 0
    assert client.get("/api/v1/referral-events?since=0", headers=h).get_json()["events"] == []
    assert client.post("/api/v1/referrals/export", json={"clientRef": "SWT-2026-0042"},
                       headers=h).get_json() == {"count": 0, "referrals": []}
    hidden = client.get(f"/api/v1/referrals/{world['sent']}", headers=h)
    unknown = client.get("/api/v1/referrals/ref-bestaat-niet", headers=h)
    assert hidden.status_code == unknown.status_code == 404
    assert hidden.get_json()["title"] == unknown.get_json()["title"]
    assert world["sent"] not in str(client.get("/api/v1/referral-events?since=0", headers=h).get_json())


def test_each_side_sees_its_own_box_and_the_receiver_no_concepts(client, world):
    swt, welzijn = world["headers"]["swt"], world["headers"]["welzijn"]
    sent = client.get("/api/v1/referrals?box=sent", headers=swt).get_json()
    assert {r["id"] for r in sent["results"]} == {world["sent"], world["concept"]}
    received = client.get("/api/v1/referrals?box=received", headers=welzijn).get_json()
    assert [r["id"] for r in received["results"]] == [world["sent"]]
    feed = client.get("/api/v1/referral-events?since=0", headers=welzijn).get_json()["events"]
    assert [(e["fromStatus"], e["toStatus"]) for e in feed] == [("concept", "verzonden")]
    own = client.get("/api/v1/referral-events?since=0", headers=swt).get_json()["events"]
    assert {e["referralId"] for e in own} == {world["sent"], world["concept"]}


def test_token_problems_are_told_apart(client, world):
    expired = client.get("/api/v1/me", headers=world["headers"]["expired"]).get_json()
    revoked = client.get("/api/v1/me", headers=world["headers"]["revoked"]).get_json()
    assert "verlopen" in expired["detail"] and "ingetrokken" in revoked["detail"]
    garbage = client.get("/api/v1/me", headers={"Authorization": "Bearer skt_" + "x" * 43}).get_json()
    assert garbage["status"] == 401 and "ongeldig" in garbage["detail"]
