"""Account controls (issue finding 6): disable, enable, delete, reset a password and log out
everywhere from the CLI; a session version checked on every request, for page sessions and tokens;
demo accounts only in a store with nothing but the demo region, and no tokens in `make run`'s output.

On both stores (tests/conftest.py ``backend``), on the seeded region of the referral tests.
"""
from __future__ import annotations

from dataclasses import replace

import pytest
from click.testing import CliRunner

from socialekaart.accounts.service import hash_password, principal_of
from tests.conftest import set_store_env
from tests.referrals.referral_helpers import SECRET_KEY, region
from web.cli import main
from web.pages.session import session_values

PASSWORD = "een-lang-genoeg-wachtwoord"


@pytest.fixture
def cli(runtime, monkeypatch):
    set_store_env(monkeypatch, runtime.settings)
    monkeypatch.setenv("SOCIALEKAART_SECRET_KEY", SECRET_KEY)

    def run(*args):
        result = CliRunner().invoke(main, list(args))
        return result.exit_code, result.output

    return run


@pytest.fixture
def swt(rr, actors, client):
    """The swt professional signed in on the pages (a real session cookie) and with an API token."""
    rr.accounts.store.set_password_hash(actors["swt"].principal.account_id, hash_password(PASSWORD))
    with client.session_transaction() as session:
        session.update(session_values(principal_of(rr.accounts.account("swt@test.example.nl"))))
    assert client.get("/inbox").status_code == 200
    assert client.get("/api/v1/me", headers=actors["swt"].headers).status_code == 200
    return actors["swt"]


def signed_out(client, actor) -> bool:
    page = client.get("/inbox")
    api = client.get("/api/v1/me", headers=actor.headers)
    return page.status_code == 302 and "/aanmelden" in page.headers["Location"] and api.status_code == 401


def test_log_out_everywhere_ends_sessions_and_tokens_at_once(cli, client, rr, swt):
    code, out = cli("accounts", "logout-everywhere", "--email", "swt@test.example.nl")
    assert code == 0 and "overal afgemeld" in out
    assert signed_out(client, swt)
    assert "overal afgemeld" in client.get("/api/v1/me", headers=swt.headers).get_json()["detail"]
    fresh = rr.accounts.issue_token("swt@test.example.nl", days=1).token  # a new token works
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {fresh}"}).status_code == 200
    assert rr.accounts.sign_in("swt@test.example.nl", PASSWORD).account_id == swt.principal.account_id


def test_disable_and_enable(cli, client, rr, swt):
    code, out = cli("accounts", "disable", "--email", "swt@test.example.nl")
    assert code == 0 and "uitgeschakeld" in out
    assert signed_out(client, swt)
    assert rr.accounts.account("swt@test.example.nl")["active"] is False
    code, out = cli("accounts", "enable", "--email", "swt@test.example.nl")
    assert code == 0 and rr.accounts.account("swt@test.example.nl")["active"] is True
    assert client.get("/api/v1/me", headers=swt.headers).status_code == 401  # old tokens stay ended
    assert rr.accounts.sign_in("swt@test.example.nl", PASSWORD).role == "professional"


def test_reset_password_shows_a_new_one_once_and_ends_everything(cli, client, rr, swt):
    code, out = cli("accounts", "reset-password", "--email", "swt@test.example.nl")
    assert code == 0
    new = out.split("geef het veilig door): ", 1)[1].split()[0]
    assert signed_out(client, swt)
    assert rr.accounts.sign_in("swt@test.example.nl", new).account_id == swt.principal.account_id
    with pytest.raises(Exception, match="klopt niet"):
        rr.accounts.sign_in("swt@test.example.nl", PASSWORD)


def test_delete_removes_the_account_and_its_tokens_only(cli, client, rr, swt, actors):
    code, out = cli("accounts", "delete", "--email", "swt@test.example.nl", "--yes")
    assert code == 0 and "verwijderd" in out
    assert signed_out(client, swt)
    assert rr.accounts.store.account_by_email("swt@test.example.nl") is None
    assert rr.accounts.store.tokens_of(swt.principal.account_id) == []
    assert client.get("/api/v1/me", headers=actors["welzijn"].headers).status_code == 200  # others untouched
    code, out = cli("accounts", "delete", "--email", "swt@test.example.nl", "--yes")
    assert code != 0 and "Er is geen account" in out


def test_unknown_accounts_are_a_clear_error_and_change_nothing(cli, rr):
    for command in ("disable", "enable", "reset-password", "logout-everywhere"):
        code, out = cli("accounts", command, "--email", "niemand@test.example.nl")
        assert code != 0 and "Er is geen account" in out, command


def test_demo_accounts_never_beside_real_organisations(cli, runtime, rr):
    code, out = cli("accounts", "demo")
    assert code != 0 and "nooit naast echte organisaties" in out
    code, out = cli("accounts", "demo", "--if-missing")
    assert code == 0 and "nooit naast echte organisaties" in out
    # Even with some demo organisations present: the others are real (source not 'demo').
    _, orgs, _ = region()
    runtime.catalog.save(organizations=[replace(o, source="demo") for o in orgs if o.id in ("org-swt", "org-welzijn")])
    code, out = cli("accounts", "demo", "--if-missing")
    assert code == 0 and "nooit naast echte organisaties" in out
    assert rr.accounts.store.account_by_email("coordinator@demo.example.nl") is None


def test_demo_accounts_in_the_demo_region_without_tokens_in_the_output(cli, runtime, rr):
    _, orgs, _ = region()
    runtime.catalog.save(organizations=[replace(o, source="demo") for o in orgs])
    code, out = cli("accounts", "demo", "--if-missing")
    assert code == 0, out
    assert "swt@demo.example.nl" in out and "coordinator@demo.example.nl" in out
    assert "skt_" not in out  # no tokens in what make run prints
    assert rr.accounts.tokens("swt@demo.example.nl") == []
    assert rr.accounts.sign_in("swt@demo.example.nl", "demo-wijkteam-goes").organization_id == "org-swt"
