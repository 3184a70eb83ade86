"""Accounts and personal access tokens in the graph.

``(Account)-[:MEMBER_OF]->(Organization)``, ``(Account)-[:HAS_TOKEN]->(Token)``. A token is
stored only as the SHA-256 of its text. Values reach Cypher only as ``$parameters``.

Rows and the domain's ``Account``/``Token`` meet in one place each: ``_account``/``_account_properties``
and ``_token``/``_token_properties``. A node written before a property existed reads back with the
dataclass default.
"""
from __future__ import annotations

from typing import Any, Mapping

from graph.stores.catalog import GraphStore
from socialekaart.accounts.model import Account, Token

ACCOUNT_FIELDS = (".id, .email, .name, .role, .organization_id, .areas, .active, .password_hash, .created_at, "
                  ".session_version")
TOKEN_FIELDS = ".id, .account_id, .name, .created_at, .expires_at, .revoked_at, .session_version"


# -- rows <-> objects ------------------------------------------------------------------------------
def _account(row: Mapping[str, Any]) -> Account:
    """An ``a {ACCOUNT_FIELDS}`` projection as an Account. A missing property comes back as null:
    it reads as the default, except ``active``, which stays fail-closed (null is not active), as before."""
    return Account(id=row["id"], email=row.get("email") or "", name=row.get("name") or "",
                   role=row.get("role") or "", organization_id=row.get("organization_id") or None,
                   areas=tuple(row.get("areas") or ()), active=bool(row.get("active", True)),
                   password_hash=row.get("password_hash") or None, created_at=row.get("created_at") or "",
                   session_version=int(row.get("session_version") or 0))


def _account_properties(account: Account) -> dict[str, Any]:
    """The properties an Account node is written with (the same keys as ever)."""
    return {"id": account.id, "email": account.email, "name": account.name, "role": account.role,
            "organization_id": account.organization_id, "areas": list(account.areas), "active": account.active,
            "password_hash": account.password_hash, "created_at": account.created_at,
            "session_version": account.session_version}


def _token(row: Mapping[str, Any]) -> Token:
    """A ``t {TOKEN_FIELDS}`` projection as a Token (its hash is never read back)."""
    return Token(id=row["id"], account_id=row.get("account_id") or "", expires_at=row.get("expires_at") or "",
                 name=row.get("name") or "", created_at=row.get("created_at") or "",
                 revoked_at=row.get("revoked_at") or None, session_version=int(row.get("session_version") or 0))


def _token_properties(token: Token) -> dict[str, Any]:
    return {"id": token.id, "hash": token.hash, "account_id": token.account_id, "name": token.name,
            "created_at": token.created_at, "expires_at": token.expires_at, "revoked_at": token.revoked_at,
            "session_version": token.session_version}


class AccountStore:
    def __init__(self, store: GraphStore):
        self.connection = store.connection

    def organization_exists(self, organization_id: str) -> bool:
        return bool(self.connection.read("MATCH (o:Organization {id: $id}) RETURN o.id AS id",
                                         {"id": organization_id}))

    def create_account(self, account: Account) -> bool:
        """Create the account unless its e-mail address is taken, with its organisation link, in one
        statement. The unique constraint on Account.email backs this up under concurrent calls."""
        if account.organization_id:
            query = ("MATCH (o:Organization {id: $account.organization_id}) "
                     "OPTIONAL MATCH (x:Account {email: $account.email}) WITH o, count(x) AS taken WHERE taken = 0 "
                     "CREATE (a:Account)-[:MEMBER_OF]->(o) SET a += $account RETURN a.id AS id")
        else:
            query = ("OPTIONAL MATCH (x:Account {email: $account.email}) WITH count(x) AS taken WHERE taken = 0 "
                     "CREATE (a:Account) SET a += $account RETURN a.id AS id")
        return bool(self.connection.write(query, {"account": _account_properties(account)}))

    def account_by_email(self, email: str) -> Account | None:
        rows = self.connection.read(f"MATCH (a:Account {{email: $email}}) RETURN a {{{ACCOUNT_FIELDS}}} AS account",
                                    {"email": email})
        return _account(rows[0]["account"]) if rows else None

    def account_by_id(self, account_id: str) -> Account | None:
        rows = self.connection.read(f"MATCH (a:Account {{id: $id}}) RETURN a {{{ACCOUNT_FIELDS}}} AS account",
                                    {"id": account_id})
        return _account(rows[0]["account"]) if rows else None

    def set_password_hash(self, account_id: str, password_hash: str) -> bool:
        return bool(self.connection.write("MATCH (a:Account {id: $id}) SET a.password_hash = $hash RETURN a.id AS id",
                                          {"id": account_id, "hash": password_hash}))

    def create_token(self, token: Token) -> bool:
        rows = self.connection.write("MATCH (a:Account {id: $token.account_id}) CREATE (a)-[:HAS_TOKEN]->(t:Token) "
                                     "SET t += $token RETURN t.id AS id", {"token": _token_properties(token)})
        return bool(rows)

    def token_by_hash(self, token_hash: str) -> tuple[Token, Account] | None:
        rows = self.connection.read(
            f"MATCH (t:Token {{hash: $hash}}) MATCH (a:Account {{id: t.account_id}}) "
            f"RETURN t {{{TOKEN_FIELDS}}} AS token, a {{{ACCOUNT_FIELDS}}} AS account", {"hash": token_hash})
        return (_token(rows[0]["token"]), _account(rows[0]["account"])) if rows else None

    def revoke_token(self, token_id: str, at: str) -> bool:
        rows = self.connection.write("MATCH (t:Token {id: $id}) WHERE t.revoked_at IS NULL "
                                     "SET t.revoked_at = $at RETURN t.id AS id", {"id": token_id, "at": at})
        return bool(rows)

    def tokens_of(self, account_id: str) -> list[Token]:
        rows = self.connection.read(f"MATCH (t:Token {{account_id: $id}}) RETURN t {{{TOKEN_FIELDS}}} AS token "
                                    "ORDER BY t.created_at", {"id": account_id})
        return [_token(row["token"]) for row in rows]

    def set_active(self, account_id: str, active: bool) -> bool:
        return bool(self.connection.write("MATCH (a:Account {id: $id}) SET a.active = $active RETURN a.id AS id",
                                          {"id": account_id, "active": active}))

    def raise_session_version(self, account_id: str) -> int | None:
        """One step up, in one statement (two concurrent calls give two steps); None: no such account."""
        rows = self.connection.write("MATCH (a:Account {id: $id}) "
                                     "SET a.session_version = coalesce(a.session_version, 0) + 1 "
                                     "RETURN a.session_version AS version", {"id": account_id})
        return int(rows[0]["version"]) if rows else None

    def delete_account(self, account_id: str) -> bool:
        """The account and its tokens, in one statement. Referrals and audit entries keep the account id."""
        rows = self.connection.write("MATCH (a:Account {id: $id}) OPTIONAL MATCH (t:Token {account_id: $id}) "
                                     "DETACH DELETE a, t RETURN count(*) AS removed", {"id": account_id})
        return bool(rows) and rows[0]["removed"] > 0

    def only_demo_organizations(self) -> bool:
        """True when there are organisations and all come from the demo region (source 'demo')."""
        rows = self.connection.read("MATCH (o:Organization) RETURN count(o) AS total, "
                                    "sum(CASE WHEN o.source = 'demo' THEN 1 ELSE 0 END) AS demo")
        return bool(rows) and rows[0]["total"] > 0 and rows[0]["total"] == rows[0]["demo"]

    def organization_count(self) -> int:
        return int(self.connection.read("MATCH (o:Organization) RETURN count(o) AS n")[0]["n"])

