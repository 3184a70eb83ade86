"""Overdue and expiry in working days: flagged when not received or not accepted in time, 'verlopen'
after the deadline by the system, and the `referrals expire` command."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from click.testing import CliRunner

from socialekaart.shared.config import Settings
from socialekaart.shared.errors import ConfigError
from tests.conftest import set_store_env
from tests.referrals.referral_helpers import SECRET_KEY, consent_for, referral_body
from web.cli import main

FRIDAY = datetime(2026, 1, 16, 14, 0, tzinfo=timezone.utc)  # 15:00 in Goes


def overdue_ids(client, actor, box):
    body = client.get(f"/api/v1/referrals?box={box}&overdue=true", headers=actor.headers).get_json()
    return {r["id"]: r["overdue"] for r in body["results"]}


def test_not_received_then_not_accepted_in_working_days(client, actors, rr, clock):
    clock.set(FRIDAY)
    swt, welzijn = actors["swt"], actors["welzijn"]
    rid = rr.referrals.create(swt.principal, referral_body(consent=consent_for("org-welzijn")))["id"]
    sent = rr.referrals.transition(swt.principal, rid, "verzonden")
    assert sent["deadlines"] == {"receive_by": "2026-01-20T14:00:00.000+00:00",
                                 "accept_by": "2026-01-23T14:00:00.000+00:00",
                                 "expires_at": "2026-02-13T14:00:00.000+00:00"}
    clock.set(datetime(2026, 1, 19, 16, 0, tzinfo=timezone.utc))  # Monday: one working day later
    assert overdue_ids(client, swt, "sent") == {}
    clock.set(datetime(2026, 1, 20, 14, 1, tzinfo=timezone.utc))  # Tuesday, just past the deadline
    assert overdue_ids(client, swt, "sent") == {rid: "niet-ontvangen"}
    assert overdue_ids(client, welzijn, "received") == {rid: "niet-ontvangen"}
    rr.referrals.transition(welzijn.principal, rid, "ontvangen")
    assert overdue_ids(client, swt, "sent") == {}
    clock.set(datetime(2026, 1, 23, 14, 1, tzinfo=timezone.utc))
    assert overdue_ids(client, swt, "sent") == {rid: "niet-geaccepteerd"}
    detail = client.get(f"/api/v1/referrals/{rid}", headers=welzijn.headers).get_json()
    assert detail["overdue"] == "niet-geaccepteerd"
    rr.referrals.transition(welzijn.principal, rid, "geaccepteerd")
    assert overdue_ids(client, swt, "sent") == {}


def test_expiry_is_a_system_transition_seen_by_both_sides(client, actors, rr, clock):
    clock.set(FRIDAY)
    swt, welzijn = actors["swt"], actors["welzijn"]
    body = referral_body(consent=consent_for("org-welzijn"))
    waiting = rr.referrals.create(swt.principal, body)["id"]
    rr.referrals.transition(swt.principal, waiting, "verzonden")
    answered = rr.referrals.create(swt.principal, body)["id"]
    rr.referrals.transition(swt.principal, answered, "verzonden")
    rr.referrals.transition(welzijn.principal, answered, "ontvangen")
    rr.referrals.transition(welzijn.principal, answered, "geaccepteerd")

    clock.set(datetime(2026, 2, 13, 13, 59, tzinfo=timezone.utc))
    assert rr.referrals.expire_overdue() == []
    clock.set(datetime(2026, 2, 13, 14, 1, tzinfo=timezone.utc))
    assert rr.referrals.expire_overdue() == [waiting]
    assert rr.referrals.expire_overdue() == []  # nothing twice
    detail = client.get(f"/api/v1/referrals/{waiting}", headers=welzijn.headers).get_json()
    assert detail["status"] == "verlopen" and detail["closedAt"] and detail["allowedNext"] == []
    last = detail["events"][-1]
    assert (last["fromStatus"], last["toStatus"], last["side"], last["actor"]["accountId"]) == \
        ("verzonden", "verlopen", "systeem", "systeem")
    feed = client.get("/api/v1/referral-events?since=0", headers=swt.headers).get_json()["events"]
    assert feed[-1]["toStatus"] == "verlopen"
    assert client.get(f"/api/v1/referrals/{answered}", headers=swt.headers).get_json()["status"] == "geaccepteerd"


def test_expire_command(rr, actors, clock, runtime, monkeypatch):
    past = datetime.now(timezone.utc) - timedelta(days=60)  # the command runs on the real clock
    clock.set(past)
    rid = rr.referrals.create(actors["swt"].principal, referral_body(
        consent=consent_for("org-welzijn")))["id"]
    rr.referrals.transition(actors["swt"].principal, rid, "verzonden")
    set_store_env(monkeypatch, runtime.settings)
    monkeypatch.setenv("SOCIALEKAART_SECRET_KEY", SECRET_KEY)
    result = CliRunner().invoke(main, ["referrals", "expire"])
    assert result.exit_code == 0, result.output
    assert "1 doorverwijzing(en) verlopen" in result.output
    assert rr.referral_store.get(rid).status == "verlopen"


def test_deadlines_are_settings():
    settings = Settings.from_env({"SOCIALEKAART_REFERRAL_RECEIVE_DAYS": "3", "SOCIALEKAART_REFERRAL_ACCEPT_DAYS": "8",
                                  "SOCIALEKAART_REFERRAL_EXPIRE_DAYS": "30"})
    assert (settings.referral_receive_days, settings.referral_accept_days, settings.referral_expire_days) == (3, 8, 30)
    with pytest.raises(ConfigError, match="SOCIALEKAART_REFERRAL_RECEIVE_DAYS"):
        Settings.from_env({"SOCIALEKAART_REFERRAL_RECEIVE_DAYS": "twee"})
