"""Need-to-know: after cancel (also when the inwoner withdraws consent), decline or expiry the
receiver sees status and reason only — at once, on every path (API, inbox, feed, page, export) —
while the sender keeps what docs/referrals.md says it keeps. Both stores."""
from __future__ import annotations

import json

import pytest

from tests.referrals.referral_helpers import referral_body
from web.pages.session import session_values

# What the client told the sender: none of it may reach the receiver after the referral closed without help.
CLIENT_DATA = ("Alleenstaande moeder", "betalingsachterstanden", "Sanne", "06 1234 5678", "SWT-2026-0042",
               "Hulp zoeken bij de hulpvraag", "WK066401", "geldzaken")


def sent_and_received(client, actors) -> str:
    swt, welzijn = actors["swt"].headers, actors["welzijn"].headers
    rid = client.post("/api/v1/referrals", json=referral_body(), headers=swt).get_json()["id"]
    assert client.post(f"/api/v1/referrals/{rid}/transitions", json={"to": "verzonden"}, headers=swt).status_code == 200
    seen = client.post(f"/api/v1/referrals/{rid}/transitions", json={"to": "ontvangen"}, headers=welzijn)
    assert seen.status_code == 200 and seen.get_json()["contact"]["name"] == "Sanne"  # needed while open
    return rid


def close(client, actors, rr, clock, rid: str, how: str) -> tuple[str, str | None]:
    """Close the referral the way ``how`` says; the status and the reason the receiver must still see."""
    if how == "cancelled":
        answer = client.post(f"/api/v1/referrals/{rid}/transitions", json={"to": "geannuleerd",
                             "reason": "inwoner-wil-niet"}, headers=actors["swt"].headers)
        assert answer.status_code == 200, answer.get_json()
        return "geannuleerd", "inwoner-wil-niet"
    if how == "declined":
        answer = client.post(f"/api/v1/referrals/{rid}/transitions", json={"to": "afgewezen",
                             "reason": "geen-capaciteit"}, headers=actors["welzijn"].headers)
        assert answer.status_code == 200, answer.get_json()
        # The receiver's own answer to the decline already holds no client data.
        assert_no_client_data(answer.get_json())
        return "afgewezen", "geen-capaciteit"
    clock.advance(days=45)
    assert rr.referrals.expire_overdue() == [rid]
    return "verlopen", None


def assert_no_client_data(answer) -> None:
    dump = json.dumps(answer, ensure_ascii=False)
    for secret in CLIENT_DATA:
        assert secret not in dump, secret


@pytest.mark.parametrize("how", ["cancelled", "declined", "expired"])
def test_receiver_keeps_status_and_reason_only(client, actors, rr, clock, app, how):
    rid = sent_and_received(client, actors)
    status, reason = close(client, actors, rr, clock, rid, how)
    welzijn = actors["welzijn"].headers

    one = client.get(f"/api/v1/referrals/{rid}", headers=welzijn).get_json()
    assert one["status"] == status and one["clientDataWithheld"] is True
    assert (one["declineReason"] or one["cancelReason"]) == reason
    assert one["requestText"] is None and one["contact"] is None and one["consent"] is None
    assert_no_client_data(one)
    inbox = client.get("/api/v1/referrals?box=received", headers=welzijn).get_json()
    assert [item["id"] for item in inbox["results"]] == [rid]
    assert_no_client_data(inbox)
    assert_no_client_data(client.get("/api/v1/referral-events?since=0", headers=welzijn).get_json())
    # Inzage goes through the sender only: the receiver finds nothing under the client reference.
    export = client.post("/api/v1/referrals/export", json={"clientRef": "SWT-2026-0042"}, headers=welzijn)
    assert export.status_code == 200
    assert_no_client_data(export.get_json())

    with client.session_transaction() as session:
        session.clear()
        session.update(session_values(actors["welzijn"].principal))
    page = client.get(f"/verwijzingen/{rid}")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert "alleen de status en de reden" in body
    for secret in CLIENT_DATA[:6]:
        assert secret not in body, secret
    inbox_page = client.get("/inbox")
    assert inbox_page.status_code == 200 and rid in inbox_page.get_data(as_text=True)
    for secret in CLIENT_DATA[:6]:
        assert secret not in inbox_page.get_data(as_text=True), secret

    # The sender keeps what it needs for inzage and a new referral (docs/referrals.md, Privacy).
    mine = client.get(f"/api/v1/referrals/{rid}", headers=actors["swt"].headers).get_json()
    assert mine["clientDataWithheld"] is False
    assert mine["requestText"].startswith("Alleenstaande moeder") and mine["contact"]["name"] == "Sanne"
    assert mine["clientRef"] == "SWT-2026-0042"
    exported = client.post("/api/v1/referrals/export", json={"clientRef": "SWT-2026-0042"},
                           headers=actors["swt"].headers).get_json()
    assert "Sanne" in json.dumps(exported, ensure_ascii=False)


def test_an_open_or_finished_referral_still_shows_the_receiver_the_client(client, actors):
    rid = sent_and_received(client, actors)
    welzijn = actors["welzijn"].headers
    for target in ("geaccepteerd", "gestart"):
        assert client.post(f"/api/v1/referrals/{rid}/transitions", json={"to": target},
                           headers=welzijn).status_code == 200
    one = client.get(f"/api/v1/referrals/{rid}", headers=welzijn).get_json()
    assert one["clientDataWithheld"] is False and one["contact"]["name"] == "Sanne"


@pytest.mark.parametrize("how", ["cancelled", "expired"])
def test_a_receiver_that_never_received_it_gets_status_and_reason_only(client, actors, rr, clock, how):
    """Cancelled or expired straight from 'verzonden', before the receiver ever opened it."""
    swt, welzijn = actors["swt"].headers, actors["welzijn"].headers
    rid = client.post("/api/v1/referrals", json=referral_body(), headers=swt).get_json()["id"]
    assert client.post(f"/api/v1/referrals/{rid}/transitions", json={"to": "verzonden"}, headers=swt).status_code == 200
    status, reason = close(client, actors, rr, clock, rid, how)
    one = client.get(f"/api/v1/referrals/{rid}", headers=welzijn).get_json()
    assert one["status"] == status and one["receivedAt"] is None  # never received
    assert one["clientDataWithheld"] is True and one["cancelReason"] == reason
    assert one["requestText"] is None and one["contact"] is None and one["consent"] is None
    assert_no_client_data(one)
    assert_no_client_data(client.get("/api/v1/referrals?box=received", headers=welzijn).get_json())
    assert_no_client_data(client.get("/api/v1/referral-events?since=0", headers=welzijn).get_json())
