"""Messages between sender and receiver on a referral (issue 15 §4, terugrapportage): short notes,
sealed at rest like the other personal fields, audited, in the timeline and in the inzage export;
the receiver of a cancelled, declined or expired referral no longer reads them. Both stores."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from socialekaart.referrals.lifecycle import MAX_MESSAGE
from socialekaart.shared.errors import Conflict, Forbidden, NotFound, ValidationError
from tests.referrals.referral_helpers import SECRET_KEY, referral_body
from tests.referrals.test_referral_privacy import all_text_in_graph
from web.cli import main

NOTE = "Inwoner is gebeld; intake staat op dinsdag 10 uur."


def received(rr, actors, **changes) -> str:
    rid = rr.referrals.create(actors["swt"].principal, referral_body(**changes), send=True)["id"]
    rr.referrals.transition(actors["welzijn"].principal, rid, "ontvangen")
    return rid


def message_nodes(runtime) -> list[dict]:
    return [row["m"] for row in runtime.store.connection.read("MATCH (m:ReferralMessage) RETURN properties(m) AS m")]


def test_both_sides_write_and_read_messages_sealed_at_rest_and_audited(rr, actors, runtime):
    swt, welzijn = actors["swt"].principal, actors["welzijn"].principal
    rid = received(rr, actors)
    first = rr.referrals.post_message(welzijn, rid, f"  {NOTE}  ")
    second = rr.referrals.post_message(swt, rid, "Dank u; zij neemt haar post mee.")

    assert first["text"] == NOTE and first["side"] == "ontvanger" and first["author_org_id"] == "org-welzijn"
    assert second["side"] == "verzender"
    for who in (swt, welzijn):
        seen = rr.referrals.get(who, rid)
        assert [m["text"] for m in seen["messages"]] == [NOTE, "Dank u; zij neemt haar post mee."]
        assert seen["can_message"] is True
        assert [m["id"] for m in rr.referrals.messages(who, rid)] == [first["id"], second["id"]]
    # At rest the text is sealed (bound to the referral and the message), never in the clear.
    stored = message_nodes(runtime)
    assert len(stored) == 2 and all(m["text_enc"].startswith("v1.") for m in stored)
    assert "intake staat op dinsdag" not in all_text_in_graph(runtime)
    actions = [(e.action, e.organization_id) for e in rr.referrals.audit_trail(actors["admin"].principal, rid)]
    assert ("bericht", "org-welzijn") in actions and ("bericht", "org-swt") in actions
    assert ("berichten", "org-swt") in actions


def test_bad_messages_are_refused_and_nothing_is_written(rr, actors, runtime):
    swt = actors["swt"].principal
    rid = received(rr, actors)
    for text, words in (("", "Schrijf een kort bericht"), ("   ", "Schrijf een kort bericht"),
                        ("x" * (MAX_MESSAGE + 1), "te lang"), ("a\x00b", "ongeldig teken"), (None, "Schrijf")):
        with pytest.raises(ValidationError) as refused:
            rr.referrals.post_message(swt, rid, text)
        assert words in refused.value.message
    concept = rr.referrals.create(swt, referral_body())["id"]
    with pytest.raises(Conflict) as not_sent:
        rr.referrals.post_message(swt, concept, NOTE)
    assert "nog niet verstuurd" in not_sent.value.message
    with pytest.raises(NotFound):  # not a party: the referral does not exist for it
        rr.referrals.post_message(actors["zorg"].principal, rid, NOTE)
    assert message_nodes(runtime) == []


@pytest.mark.parametrize("how", ["geannuleerd", "afgewezen", "verlopen"])
def test_once_closed_without_help_the_receiver_no_longer_reads_the_messages_and_none_can_be_added(rr, actors,
                                                                                                  clock, how):
    swt, welzijn = actors["swt"].principal, actors["welzijn"].principal
    rid = received(rr, actors)
    rr.referrals.post_message(swt, rid, NOTE)
    if how == "geannuleerd":
        rr.referrals.transition(swt, rid, "geannuleerd", reason="inwoner-wil-niet")
    elif how == "afgewezen":
        rr.referrals.transition(welzijn, rid, "afgewezen", reason="geen-capaciteit")
    else:
        clock.advance(days=45)
        assert rr.referrals.expire_overdue() == [rid]

    withheld = rr.referrals.get(welzijn, rid)
    assert withheld["messages"] == [] and withheld["client_data_withheld"] is True
    assert withheld["can_message"] is False
    with pytest.raises(Forbidden) as refused:
        rr.referrals.messages(welzijn, rid)
    assert "berichten" in refused.value.message
    with pytest.raises(Conflict):
        rr.referrals.post_message(welzijn, rid, "Toch nog iets")
    with pytest.raises(Conflict):
        rr.referrals.post_message(swt, rid, "Toch nog iets")
    # The sender keeps them (inzage, a new referral).
    assert [m["text"] for m in rr.referrals.get(swt, rid)["messages"]] == [NOTE]


def test_api_messages_with_problem_json_and_the_inzage_export(client, actors, rr, runtime, monkeypatch):
    from tests.conftest import set_store_env

    swt, welzijn = actors["swt"].headers, actors["welzijn"].headers
    rid = received(rr, actors, clientRef="K-MSG")
    written = client.post(f"/api/v1/referrals/{rid}/messages", json={"text": NOTE}, headers=welzijn)
    assert written.status_code == 201, written.get_json()
    assert written.get_json()["text"] == NOTE and written.get_json()["side"] == "ontvanger"
    listed = client.get(f"/api/v1/referrals/{rid}/messages", headers=swt).get_json()
    assert [m["text"] for m in listed["messages"]] == [NOTE]
    detail = client.get(f"/api/v1/referrals/{rid}", headers=swt).get_json()
    assert detail["messages"][0]["author"]["organizationId"] == "org-welzijn" and detail["canMessage"] is True

    empty = client.post(f"/api/v1/referrals/{rid}/messages", json={"text": " "}, headers=swt)
    assert empty.status_code == 400 and empty.content_type == "application/problem+json"
    assert "bericht" in empty.get_json()["detail"]
    unknown = client.post(f"/api/v1/referrals/{rid}/messages", json={"text": "x", "bcc": "y"}, headers=swt)
    assert unknown.status_code == 400
    outsider = client.get(f"/api/v1/referrals/{rid}/messages", headers=actors["zorg"].headers)
    assert outsider.status_code == 404 and outsider.content_type == "application/problem+json"

    client.post(f"/api/v1/referrals/{rid}/transitions", json={"to": "afgewezen", "reason": "geen-capaciteit"},
                headers=welzijn)
    gone = client.get(f"/api/v1/referrals/{rid}/messages", headers=welzijn)
    assert gone.status_code == 403 and gone.content_type == "application/problem+json"
    late = client.post(f"/api/v1/referrals/{rid}/messages", json={"text": "Nog iets"}, headers=welzijn)
    assert late.status_code == 409 and "geen berichten meer" in late.get_json()["detail"]

    set_store_env(monkeypatch, runtime.settings)
    monkeypatch.setenv("SOCIALEKAART_SECRET_KEY", SECRET_KEY)
    result = CliRunner().invoke(main, ["referrals", "export", "--organization", "org-swt", "--client-ref", "K-MSG"])
    assert result.exit_code == 0, result.output
    exported = json.loads(result.output)["referrals"]
    assert [r["id"] for r in exported] == [rid]
    assert [m["text"] for m in exported[0]["messages"]] == [NOTE]
