"""Accounts and personal access tokens in the graph.

``(Account)-[:MEMBER_OF]->(Organization)``, ``(Account)-[:HAS_TOKEN]->(Token)``. A token is
stored only as the SHA-256 of its text. Values reach Cypher only as ``$parameters``.
"""
from __future__ import annotations

from typing import Any

from .store import GraphStore

ACCOUNT_FIELDS = ".id, .email, .name, .role, .organization_id, .areas, .active, .password_hash, .created_at"
TOKEN_FIELDS = ".id, .account_id, .name, .created_at, .expires_at, .revoked_at"


class AccountStore:
    def __init__(self, store: GraphStore):
        self.connection = store.connection

    def organization_exists(self, organization_id: str) -> bool:
        return bool(self.connection.read("MATCH (o:Organization {id: $id}) RETURN o.id AS id",
                                         {"id": organization_id}))

    def create_account(self, account: dict[str, Any]) -> bool:
        """Create the account unless its e-mail address is taken, with its organisation link, in one
        statement. The unique constraint on Account.email backs this up under concurrent calls."""
        if account.get("organization_id"):
            query = ("MATCH (o:Organization {id: $account.organization_id}) "
                     "OPTIONAL MATCH (x:Account {email: $account.email}) WITH o, count(x) AS taken WHERE taken = 0 "
                     "CREATE (a:Account)-[:MEMBER_OF]->(o) SET a += $account RETURN a.id AS id")
        else:
            query = ("OPTIONAL MATCH (x:Account {email: $account.email}) WITH count(x) AS taken WHERE taken = 0 "
                     "CREATE (a:Account) SET a += $account RETURN a.id AS id")
        return bool(self.connection.write(query, {"account": account}))

    def account_by_email(self, email: str) -> dict[str, Any] | None:
        rows = self.connection.read(f"MATCH (a:Account {{email: $email}}) RETURN a {{{ACCOUNT_FIELDS}}} AS account",
                                    {"email": email})
        return rows[0]["account"] if rows else None

    def account_by_id(self, account_id: str) -> dict[str, Any] | None:
        rows = self.connection.read(f"MATCH (a:Account {{id: $id}}) RETURN a {{{ACCOUNT_FIELDS}}} AS account",
                                    {"id": account_id})
        return rows[0]["account"] if rows else None

    def set_password_hash(self, account_id: str, password_hash: str) -> bool:
        return bool(self.connection.write("MATCH (a:Account {id: $id}) SET a.password_hash = $hash RETURN a.id AS id",
                                          {"id": account_id, "hash": password_hash}))

    def create_token(self, token: dict[str, Any]) -> bool:
        rows = self.connection.write("MATCH (a:Account {id: $token.account_id}) CREATE (a)-[:HAS_TOKEN]->(t:Token) "
                                     "SET t += $token RETURN t.id AS id", {"token": token})
        return bool(rows)

    def token_by_hash(self, token_hash: str) -> dict[str, Any] | None:
        rows = self.connection.read(
            f"MATCH (t:Token {{hash: $hash}}) MATCH (a:Account {{id: t.account_id}}) "
            f"RETURN t {{{TOKEN_FIELDS}}} AS token, a {{{ACCOUNT_FIELDS}}} AS account", {"hash": token_hash})
        return rows[0] if rows else None

    def revoke_token(self, token_id: str, at: str) -> bool:
        rows = self.connection.write("MATCH (t:Token {id: $id}) WHERE t.revoked_at IS NULL "
                                     "SET t.revoked_at = $at RETURN t.id AS id", {"id": token_id, "at": at})
        return bool(rows)

    def tokens_of(self, account_id: str) -> list[dict[str, Any]]:
        rows = self.connection.read(f"MATCH (t:Token {{account_id: $id}}) RETURN t {{{TOKEN_FIELDS}}} AS token "
                                    "ORDER BY t.created_at", {"id": account_id})
        return [row["token"] for row in rows]
