"""Accounts and tokens on the real store, and the `socialekaart accounts …` commands."""
from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner

from graph.stores.accounts import AccountStore
from socialekaart.accounts.model import Account, Token
from socialekaart.accounts.service import demo_accounts, hash_token
from socialekaart.shared.errors import Conflict, NotFound, TooManyRequests, Unauthorized, ValidationError
from tests.conftest import set_store_env
from tests.referrals.referral_helpers import SECRET_KEY
from web.cli import main


@pytest.fixture
def cli(runtime, monkeypatch):
    set_store_env(monkeypatch, runtime.settings)
    monkeypatch.setenv("SOCIALEKAART_SECRET_KEY", SECRET_KEY)

    def run(*args):
        result = CliRunner().invoke(main, list(args))
        return result.exit_code, result.output

    return run


def test_tokens_are_stored_only_as_a_hash(rr, runtime):
    rr.accounts.create_account(email="Piet@Example.nl", name="Piet", role="professional", organization_id="org-swt")
    issued = rr.accounts.issue_token("piet@example.nl", days=10, name="crm")
    stored = runtime.store.connection.read("MATCH (t:Token) RETURN properties(t) AS t")[0]["t"]
    assert stored["hash"] == hash_token(issued.token) and stored["expires_at"] == issued.expires_at
    everything = json.dumps(runtime.store.connection.read("MATCH (n) RETURN properties(n) AS p"))
    assert issued.token not in everything
    me = rr.accounts.authenticate(issued.token)
    assert (me.email, me.role, me.organization_id) == ("piet@example.nl", "professional", "org-swt")
    assert runtime.store.connection.read(
        "MATCH (a:Account {email: 'piet@example.nl'})-[:MEMBER_OF]->(o:Organization) RETURN o.id AS id") == \
        [{"id": "org-swt"}]


def test_the_store_speaks_accounts_and_tokens(rr, runtime):
    made = rr.accounts.create_account(email="Kees@Example.nl", name="Kees", role="coordinator",
                                      areas=["GM0664"], password="correct paard batterij")
    assert "password_hash" not in made and made["has_password"] is True and made["areas"] == ["GM0664"]
    store = AccountStore(runtime.store)
    found = store.account_by_email("kees@example.nl")
    assert isinstance(found, Account) and found == store.account_by_id(made["id"])
    assert (found.role, found.areas, found.organization_id, found.active) == ("coordinator", ("GM0664",), None, True)
    assert found.public() == made
    issued = rr.accounts.issue_token("kees@example.nl", days=5, name="crm")
    token, account = store.token_by_hash(hash_token(issued.token))
    assert isinstance(token, Token) and account == found
    assert (token.id, token.account_id, token.name, token.expires_at, token.revoked_at, token.hash) == \
        (issued.id, made["id"], "crm", issued.expires_at, None, "")
    assert store.tokens_of(made["id"]) == rr.accounts.tokens("kees@example.nl") == [token]
    assert store.token_by_hash(hash_token("skt_nope")) is None and store.account_by_id("acc-nope") is None


def test_an_account_written_before_the_dataclasses_still_reads(rr, runtime):
    runtime.store.connection.write(
        "MATCH (o:Organization {id: 'org-swt'}) CREATE (a:Account {id: 'acc-oud', email: 'oud@example.nl', "
        "name: 'Oud', role: 'professional', organization_id: 'org-swt', active: true})-[:MEMBER_OF]->(o) "
        "CREATE (a)-[:HAS_TOKEN]->(:Token {id: 'tok-oud', account_id: 'acc-oud', hash: $hash, "
        "expires_at: '2999-01-01T00:00:00.000+00:00'})", {"hash": hash_token("skt_" + "o" * 40)})
    old = AccountStore(runtime.store).account_by_id("acc-oud")
    assert old == Account(id="acc-oud", email="oud@example.nl", name="Oud", role="professional",
                          organization_id="org-swt")
    assert rr.accounts.account("oud@example.nl")["has_password"] is False
    assert rr.accounts.authenticate("skt_" + "o" * 40).organization_id == "org-swt"
    assert [(t.id, t.name, t.created_at) for t in rr.accounts.tokens("acc-oud")] == [("tok-oud", "", "")]
    with pytest.raises(Unauthorized):
        rr.accounts.sign_in("oud@example.nl", "geen wachtwoord gezet")


def test_account_rules(rr):
    rr.accounts.create_account(email="a@example.nl", name="A", role="professional", organization_id="org-swt")
    with pytest.raises(Conflict):
        rr.accounts.create_account(email="A@example.nl", name="A2", role="professional", organization_id="org-swt")
    with pytest.raises(ValidationError) as caught:
        rr.accounts.create_account(email="geen-adres", name="", role="baas", organization_id=None)
    assert {"email", "name", "role"} <= set(caught.value.errors)
    with pytest.raises(ValidationError, match="organisatie"):
        rr.accounts.create_account(email="b@example.nl", name="B", role="beheerder")
    with pytest.raises(ValidationError, match="gemeente of regio"):
        rr.accounts.create_account(email="c@example.nl", name="C", role="coordinator")
    with pytest.raises(NotFound):
        rr.accounts.create_account(email="d@example.nl", name="D", role="professional", organization_id="org-nee")
    with pytest.raises(ValidationError):
        rr.accounts.issue_token("a@example.nl", days=400)


def test_sign_in_with_argon2_password_is_rate_limited(rr):
    rr.accounts.create_account(email="p@example.nl", name="P", role="professional", organization_id="org-swt",
                               password="correct paard batterij")
    assert rr.accounts.sign_in("P@example.nl", "correct paard batterij", client="10.0.0.1").email == "p@example.nl"
    for _ in range(5):
        with pytest.raises(Unauthorized):
            rr.accounts.sign_in("p@example.nl", "fout", client="10.0.0.1")
    with pytest.raises(TooManyRequests):
        rr.accounts.sign_in("p@example.nl", "correct paard batterij", client="10.0.0.2")
    with pytest.raises(Unauthorized):  # an unknown address gets the same answer as a wrong password
        rr.accounts.sign_in("niemand@example.nl", "wat dan ook", client="10.0.0.3")


def test_accounts_commands(cli, rr):
    code, out = cli("accounts", "create-organization", "--id", "org-nieuw", "--name", "Nieuw Buurtwerk",
                    "--kind", "welzijnsorganisatie")
    assert code == 0 and "org-nieuw" in out
    code, out = cli("accounts", "create", "--email", "jan@example.nl", "--name", "Jan", "--role", "professional",
                    "--organization", "org-nieuw")
    assert code == 0 and "Wachtwoord" in out
    password = out.strip().splitlines()[-1].split(": ", 1)[1]
    assert rr.accounts.sign_in("jan@example.nl", password).organization_id == "org-nieuw"
    code, out = cli("accounts", "create", "--email", "jan@example.nl", "--name", "Jan", "--role", "professional",
                    "--organization", "org-nieuw")
    assert code != 0 and "al een account" in out

    code, out = cli("accounts", "token", "--email", "jan@example.nl", "--days", "7", "--name", "koppeling")
    assert code == 0
    token = out.strip().splitlines()[-1]
    token_id = re.search(r"Token (tok-[0-9a-f]+)", out).group(1)
    assert rr.accounts.authenticate(token).email == "jan@example.nl"
    code, out = cli("accounts", "tokens", "--email", "jan@example.nl")
    assert code == 0 and token_id in out and "koppeling" in out and token not in out
    assert cli("accounts", "revoke", token_id)[0] == 0
    with pytest.raises(Unauthorized, match="ingetrokken"):
        rr.accounts.authenticate(token)
    code, out = cli("accounts", "revoke", token_id)
    assert code != 0 and "geen geldig token" in out

    code, out = cli("accounts", "webhook", "--organization", "org-nieuw", "--url", "http://partner.example.nl/x")
    assert code != 0 and "https" in out
    code, out = cli("accounts", "webhook", "--organization", "org-nieuw", "--url", "https://partner.example.nl/x")
    assert code == 0 and out.strip().splitlines()[-1].startswith("whsec_")
    assert [e.url for e in rr.webhooks.endpoints(["org-nieuw"])] == ["https://partner.example.nl/x"]
    assert cli("accounts", "webhook", "--organization", "org-nieuw", "--remove")[0] == 0
    assert rr.webhooks.endpoints(["org-nieuw"]) == []


def test_demo_accounts(cli, rr):
    organizations = [o for o in rr.referral_store.partners(None) if o.id != "org-mid"]  # Goes only
    made = demo_accounts(rr.accounts, organizations, coordinator_areas=("GM0664",))
    assert [(a.role, a.organization_id) for a in made] == [
        ("professional", "org-swt"), ("professional", "org-welzijn"), ("beheerder", "org-welzijn"),
        ("coordinator", None)]
    assert all(a.password for a in made)
    assert {rr.accounts.authenticate(a.token).email for a in made} == {a.email for a in made}
    again = demo_accounts(rr.accounts, organizations, coordinator_areas=("GM0664",))
    assert [a.email for a in again] == [a.email for a in made] and not any(a.password for a in again)
    code, out = cli("accounts", "demo")  # the command refuses beside organisations that are not demo data
    assert code != 0 and "nooit naast echte organisaties" in out
    from dataclasses import replace

    from tests.referrals.referral_helpers import region
    rr.runtime.catalog.save(organizations=[replace(o, source="demo") for o in region()[1]])
    code, out = cli("accounts", "demo")  # asked for explicitly: the tokens are shown
    assert code == 0 and "swt@demo.example.nl" in out and out.count("skt_") == 4
