"""Key rotation (issue finding 5): after a new key is put first, the inzage export still finds every
referral; ``socialekaart keys rotate`` re-seals everything with the new key so the old one can go.

On both stores (tests/conftest.py ``backend``), on the seeded region of the referral tests.
"""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from socialekaart.referrals.crypto import DecryptionFailed, new_key
from tests.conftest import set_store_env
from tests.referrals.referral_helpers import SECRET_KEY, referral_body
from web.bootstrap import ReferralRuntime, Runtime
from web.cli import main

NEW_KEY = new_key()


@pytest.fixture
def with_keys(runtime):
    """A referral runtime on the same graph with other keys (as after changing the setting and restarting)."""
    made = []

    def make(keys: str) -> ReferralRuntime:
        other = Runtime(runtime.settings.with_overrides(secret_key=keys))
        made.append(other)
        return ReferralRuntime(other)

    yield make
    for other in made:
        other.close()


def export_ids(rr: ReferralRuntime, actor, client_ref: str = "SWT-2026-0042") -> list[str]:
    return [r["id"] for r in rr.referrals.export(actor, client_ref)]


def test_the_inzage_export_finds_referrals_under_every_configured_key(rr, actors, with_keys):
    swt = actors["swt"].principal
    old = rr.referrals.create(swt, referral_body())["id"]
    rotated = with_keys(f"{NEW_KEY},{SECRET_KEY}")  # the new key first; nothing re-sealed yet
    new = rotated.referrals.create(swt, referral_body())["id"]
    assert sorted(export_ids(rotated, swt)) == sorted([old, new])
    assert rotated.referrals.get(swt, old)["contact"] == {"name": "Sanne", "phone": "06 1234 5678"}
    assert export_ids(rotated, swt, "SWT-ANDERS") == []


def test_keys_rotate_reseals_everything_so_the_old_key_can_go(rr, runtime, actors, with_keys, monkeypatch):
    swt, welzijn = actors["swt"].principal, actors["welzijn"].principal
    first = rr.referrals.create(swt, referral_body())["id"]
    second = rr.referrals.create(swt, referral_body(clientRef="SWT-7"))["id"]
    rr.referrals.transition(swt, first, "verzonden")
    rr.referrals.post_message(swt, first, "Zij is het best bereikbaar na drie uur.")
    secret = rr.webhooks.set("org-swt", "https://partner.example.nl/hook")

    set_store_env(monkeypatch, runtime.settings)
    monkeypatch.setenv("SOCIALEKAART_SECRET_KEY", f"{NEW_KEY},{SECRET_KEY}")
    result = CliRunner().invoke(main, ["keys", "rotate"])
    assert result.exit_code == 0, result.output
    assert "2 doorverwijzing(en) opnieuw versleuteld" in result.output and "1 webhookgeheim" in result.output
    assert "en 1 bericht(en) opnieuw versleuteld" in result.output
    again = CliRunner().invoke(main, ["keys", "rotate"])
    assert again.exit_code == 0 and "0 doorverwijzing(en) opnieuw versleuteld, 2 waren al klaar" in again.output

    only_new = with_keys(NEW_KEY)
    assert export_ids(only_new, swt) == [first] and export_ids(only_new, swt, "SWT-7") == [second]
    view = only_new.referrals.get(swt, first)
    assert view["contact"]["name"] == "Sanne" and view["request_text"].startswith("Alleenstaande moeder")
    assert only_new.referrals.get(welzijn, first)["contact"]["phone"] == "06 1234 5678"
    assert [m["text"] for m in only_new.referrals.get(welzijn, first)["messages"]] == [
        "Zij is het best bereikbaar na drie uur."]
    assert [e.secret for e in only_new.webhooks.endpoints(["org-swt"])] == [secret]
    with pytest.raises(DecryptionFailed):  # the old key alone opens nothing any more
        with_keys(SECRET_KEY).referrals.get(swt, first)


def test_keys_rotate_with_a_malformed_key_stops_and_writes_nothing(rr, runtime, actors, monkeypatch, with_keys):
    rid = rr.referrals.create(actors["swt"].principal, referral_body())["id"]
    set_store_env(monkeypatch, runtime.settings)
    monkeypatch.setenv("SOCIALEKAART_SECRET_KEY", f"geen-sleutel,{SECRET_KEY}")
    result = CliRunner().invoke(main, ["keys", "rotate"])
    assert result.exit_code != 0 and "32 bytes" in result.output
    assert with_keys(SECRET_KEY).referrals.get(actors["swt"].principal, rid)["contact"]["name"] == "Sanne"
