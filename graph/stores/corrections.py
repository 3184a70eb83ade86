"""Corrections from inwoners ('Klopt er iets niet?'): the ``CorrectionStore`` port in Cypher.

One CREATE per correction (all or nothing), linked to its service when that still exists; read
back per organisation for its beheerder, newest first. Values only as ``$parameters``.
"""
from __future__ import annotations

from graph.stores.catalog import GraphStore
from socialekaart.catalog.corrections import Correction

FIELDS = ("id", "service_id", "organization_id", "text", "email", "created_at", "status")


class CorrectionGraphStore:
    def __init__(self, store: GraphStore):
        self.store = store

    def save_correction(self, correction: Correction) -> None:
        self.store.connection.write(
            "CREATE (c:Correction {id: $id, service_id: $service_id, organization_id: $organization_id, "
            "text: $text, email: $email, created_at: $created_at, status: $status}) "
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
        return [Correction(id=str(row["id"]), service_id=str(row["service_id"]),
                           organization_id=str(row.get("organization_id") or ""), text=str(row["text"]),
                           email=row.get("email") or None, created_at=str(row["created_at"]),
                           status=str(row.get("status") or "nieuw")) for row in rows]
