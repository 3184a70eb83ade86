"""The accounts context's Account and Token, and how graph/stores/accounts.py maps rows to them and back."""
from __future__ import annotations

from dataclasses import fields
from datetime import datetime, timedelta, timezone

from graph.stores.accounts import ACCOUNT_FIELDS, TOKEN_FIELDS, _account, _account_properties, _token, _token_properties
from socialekaart.accounts.model import Account, Token
from socialekaart.accounts.service import principal_of
from socialekaart.shared.clock import iso

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)
ACCOUNT = Account(id="acc-1", email="piet@example.nl", name="Piet", role="coordinator", organization_id=None,
                  areas=("GM0664", "RG-zeeland"), active=True, password_hash="$argon2id$geheim",
                  created_at="2026-01-01T00:00:00.000+00:00")
TOKEN = Token(id="tok-1", account_id="acc-1", hash="ab" * 32, name="crm", created_at=iso(NOW),
              expires_at=iso(NOW + timedelta(days=30)))


def projected(names: str) -> list[str]:
    return [name.strip().lstrip(".") for name in names.split(",")]


def test_the_projections_read_every_field_the_objects_have():
    assert projected(ACCOUNT_FIELDS) == [f.name for f in fields(Account)]
    assert set(projected(TOKEN_FIELDS)) == {f.name for f in fields(Token)} - {"hash"}  # a hash is never read back


def test_an_account_row_round_trips():
    row = _account_properties(ACCOUNT)
    assert row == {"id": "acc-1", "email": "piet@example.nl", "name": "Piet", "role": "coordinator",
                   "organization_id": None, "areas": ["GM0664", "RG-zeeland"], "active": True,
                   "password_hash": "$argon2id$geheim", "created_at": "2026-01-01T00:00:00.000+00:00",
                   "session_version": 0}
    assert _account(row) == ACCOUNT


def test_a_token_row_round_trips_without_its_hash():
    row = _token_properties(TOKEN)
    assert row == {"id": "tok-1", "hash": "ab" * 32, "account_id": "acc-1", "name": "crm", "created_at": iso(NOW),
                   "expires_at": iso(NOW + timedelta(days=30)), "revoked_at": None, "session_version": 0}
    read = {k: v for k, v in row.items() if k != "hash"}  # what the TOKEN_FIELDS projection returns
    assert _token(read) == Token(**read)


def test_an_old_account_row_reads_with_defaults():
    # a projection of a node written before areas, password_hash and created_at existed: nulls
    row = {"id": "acc-old", "email": "oud@example.nl", "name": "Oud", "role": "professional",
           "organization_id": "org-1", "areas": None, "active": True, "password_hash": None, "created_at": None}
    old = _account(row)
    assert old == Account(id="acc-old", email="oud@example.nl", name="Oud", role="professional",
                          organization_id="org-1")
    assert (old.areas, old.password_hash, old.created_at, old.has_password) == ((), None, "", False)
    # a row missing the keys altogether reads the same
    assert _account({k: v for k, v in row.items() if v is not None}) == old


def test_an_account_without_the_active_property_stays_disabled_as_before():
    assert _account({"id": "acc-x", "email": "x@example.nl", "name": "X", "role": "admin", "active": None}).active \
        is False
    assert _account({"id": "acc-x", "email": "x@example.nl", "name": "X", "role": "admin"}).active is True


def test_an_old_token_row_reads_with_defaults():
    token = _token({"id": "tok-old", "account_id": "acc-1", "expires_at": iso(NOW + timedelta(days=1)),
                    "name": None, "created_at": None, "revoked_at": None})
    assert (token.name, token.created_at, token.revoked_at, token.hash) == ("", "", None, "")
    assert token.usable_at(NOW)


def test_token_rules():
    assert TOKEN.usable_at(NOW) and not TOKEN.revoked and not TOKEN.expired(NOW)
    assert TOKEN.expired(NOW + timedelta(days=30)) and not TOKEN.usable_at(NOW + timedelta(days=30))
    revoked = Token(**{**_token_properties(TOKEN), "revoked_at": iso(NOW)})
    assert revoked.revoked and not revoked.usable_at(NOW)
    assert Token(id="tok-2", account_id="acc-1", expires_at="").expired(NOW)  # no expiry date: not usable


def test_the_public_account_has_no_password_hash():
    public = ACCOUNT.public()
    assert "password_hash" not in public and public["has_password"] is True
    assert "geheim" not in repr(ACCOUNT) and "geheim" not in str(public)
    assert principal_of(public) == principal_of(ACCOUNT)
    assert principal_of(ACCOUNT).areas == ("GM0664", "RG-zeeland")
