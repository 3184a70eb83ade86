"""Corrections from inwoners ('Klopt er iets niet?'): the ``CorrectionStore`` port in Cypher.

One CREATE per correction (all or nothing), linked to its service when that still exists; read
back per organisation for its beheerder, newest first; settled (verwerkt or afgewezen) in one
statement with its audit entry, only while still 'nieuw'. Values only as ``$parameters``.
"""
from __future__ import annotations

from typing import Any

from graph.stores.catalog import GraphStore
from socialekaart.catalog.corrections import STATUS_NEW, Correction

FIELDS = ("id", "service_id", "organization_id", "text", "email", "created_at", "status", "reason", "settled_at")


class CorrectionGraphStore:
    def __init__(self, store: GraphStore):
        self.store = store

    def save_correction(self, correction: Correction) -> None:
        self.store.connection.write(
            "CREATE (c:Correction {id: $id, service_id: $service_id, organization_id: $organization_id, "
            "text: $text, email: $email, created_at: $created_at, status: $status, reason: $reason, "
            "settled_at: $settled_at}) "
            "WITH c OPTIONAL MATCH (s:Service {id: $service_id}) "
            "FOREACH (_ IN CASE WHEN s IS NULL THEN [] ELSE [1] END | CREATE (c)-[:ABOUT]->(s))",
            correction.as_dict())

    def corrections_for_organization(self, organization_id: str, *, status: str | None = None,
                                     limit: int = 100) -> list[Correction]:
        rows = self.store.connection.read(
            "MATCH (c:Correction {organization_id: $organization_id}) "
            "WHERE $status IS NULL OR c.status = $status "
            f"RETURN {', '.join(f'c.{name} AS {name}' for name in FIELDS)} "
            "ORDER BY c.created_at DESC, c.id LIMIT $limit",
            {"organization_id": organization_id, "status": status, "limit": limit})
        return [_correction(row) for row in rows]

    def correction(self, correction_id: str) -> Correction | None:
        rows = self.store.connection.read(
            f"MATCH (c:Correction {{id: $id}}) RETURN {', '.join(f'c.{name} AS {name}' for name in FIELDS)}",
            {"id": correction_id})
        return _correction(rows[0]) if rows else None

    def settle_correction(self, correction_id: str, *, status: str, reason: str | None, settled_at: str,
                          audit: dict[str, Any]) -> bool:
        # The dummy SET takes the node's write lock on Neo4j first, so the status check sees the
        # committed state (FalkorDB runs one write at a time).
        rows = self.store.connection.write(
            "MATCH (c:Correction {id: $id}) SET c._lock = true SET c._lock = null "
            "WITH c WHERE c.status = $open "
            "SET c.status = $status, c.reason = $reason, c.settled_at = $settled_at, c.settled_by = $by "
            "CREATE (a:AuditEntry) SET a += $audit RETURN c.id AS id",
            {"id": correction_id, "open": STATUS_NEW, "status": status, "reason": reason, "settled_at": settled_at,
             "by": audit["account_id"], "audit": audit})
        return bool(rows)


def _correction(row: dict[str, Any]) -> Correction:
    return Correction(id=str(row["id"]), service_id=str(row["service_id"]),
                      organization_id=str(row.get("organization_id") or ""), text=str(row["text"]),
                      email=row.get("email") or None, created_at=str(row["created_at"]),
                      status=str(row.get("status") or STATUS_NEW), reason=row.get("reason") or None,
                      settled_at=row.get("settled_at") or None)
