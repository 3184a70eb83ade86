"""The organisation's audit log (privacy finding 9): its beheerder reads who of the organisation saw
or changed which referral and when; nobody else does; entries go after their retention."""
from __future__ import annotations

from datetime import timedelta

from tests.referrals.referral_helpers import consent_for, referral_body


def sent_and_read(client, actors) -> str:
    swt, welzijn = actors["swt"].headers, actors["welzijn"].headers
    rid = client.post("/api/v1/referrals", json=referral_body(), headers=swt).get_json()["id"]
    client.post(f"/api/v1/referrals/{rid}/transitions", json={"to": "verzonden"}, headers=swt)
    assert client.get(f"/api/v1/referrals/{rid}", headers=welzijn).status_code == 200
    client.post(f"/api/v1/referrals/{rid}/transitions", json={"to": "ontvangen"}, headers=welzijn)
    return rid


def test_the_beheerder_reads_who_of_the_organisation_saw_what_and_when(client, actors):
    rid = sent_and_read(client, actors)
    response = client.get("/api/v1/audit", headers=actors["beheerder"].headers)
    assert response.status_code == 200, response.get_json()
    log = response.get_json()
    assert log["organizationId"] == "org-welzijn"
    welzijn_id = actors["welzijn"].principal.account_id
    seen = [(e["accountId"], e["action"], e["referralId"]) for e in log["entries"]]
    assert seen == [(welzijn_id, "status:ontvangen", rid), (welzijn_id, "inzien", rid)]  # newest first
    assert all(e["at"] and e["allowed"] for e in log["entries"])
    # The sender's own actions are the sender's log, not the receiver's.
    assert actors["swt"].principal.account_id not in {e["accountId"] for e in log["entries"]}
    # Reading the log is itself in the log.
    again = client.get("/api/v1/audit", headers=actors["beheerder"].headers).get_json()
    assert again["entries"][0]["action"] == "auditlog-inzien"


def test_nobody_but_the_beheerder_reads_it_and_bad_input_is_refused(client, actors):
    sent_and_read(client, actors)
    for name in ("welzijn", "coordinator", "admin"):
        response = client.get("/api/v1/audit", headers=actors[name].headers)
        assert response.status_code == 403 and "beheerder" in response.get_json()["detail"], name
    assert client.get("/api/v1/audit").status_code == 401
    headers = actors["beheerder"].headers
    assert client.get("/api/v1/audit?since=gisteren", headers=headers).status_code == 400
    # since after until: an empty period, so nothing in it (no 400: a schema cannot order two parameters)
    empty = client.get("/api/v1/audit?since=2026-05-02T00:00:00Z&until=2026-05-01T00:00:00Z", headers=headers)
    assert empty.status_code == 200 and empty.get_json()["entries"] == []
    assert client.get("/api/v1/audit?limit=0", headers=headers).status_code == 400


def sent_and_read_at(rr, actors, clock) -> str:
    swt, welzijn = actors["swt"].principal, actors["welzijn"].principal
    rid = rr.referrals.create(swt, referral_body(consent=consent_for("org-welzijn")))["id"]
    rr.referrals.transition(swt, rid, "verzonden")
    rr.referrals.get(welzijn, rid)
    rr.referrals.transition(welzijn, rid, "ontvangen")
    return rid


def test_audit_entries_are_pruned_after_their_retention(actors, rr, clock):
    old = sent_and_read_at(rr, actors, clock)
    clock.advance(days=800)
    recent = sent_and_read_at(rr, actors, clock)
    admin = actors["admin"].principal
    before_old = len(rr.referrals.audit_trail(admin, old))
    assert before_old >= 4

    removed = rr.referrals.prune_audit(months=24)

    assert removed == before_old
    assert rr.referrals.audit_trail(admin, old) == []
    assert [a.action for a in rr.referrals.audit_trail(admin, recent)][:2] == ["aanmaken", "status:verzonden"]
    assert rr.referrals.prune_audit(older_than=timedelta(days=730)) == 0


def test_the_prune_audit_command_keeps_the_retention_and_refuses_a_bad_term(actors, rr, clock, runtime, monkeypatch):
    """`socialekaart referrals prune-audit --older-than …` (the CLI's own clock is the real one)."""
    from datetime import datetime, timezone

    from click.testing import CliRunner

    from tests.conftest import set_store_env
    from tests.referrals.referral_helpers import SECRET_KEY
    from web.cli import main

    old = sent_and_read_at(rr, actors, clock)  # at START, long before today
    clock.set(datetime.now(timezone.utc) - timedelta(days=1))
    recent = sent_and_read_at(rr, actors, clock)
    admin = actors["admin"].principal
    old_entries = len(rr.referrals.audit_trail(admin, old))
    set_store_env(monkeypatch, runtime.settings)
    monkeypatch.setenv("SOCIALEKAART_SECRET_KEY", SECRET_KEY)

    refused = CliRunner().invoke(main, ["referrals", "prune-audit", "--older-than", "soms"])
    assert refused.exit_code != 0 and "Onbekende termijn" in refused.output
    assert len(rr.referrals.audit_trail(admin, old)) == old_entries  # nothing removed

    done = CliRunner().invoke(main, ["referrals", "prune-audit", "--older-than", "30d"])
    assert done.exit_code == 0 and f"{old_entries} auditregel(s) verwijderd." in done.output, done.output
    assert rr.referrals.audit_trail(admin, old) == []
    assert [a.action for a in rr.referrals.audit_trail(admin, recent)][:2] == ["aanmaken", "status:verzonden"]
