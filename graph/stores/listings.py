"""Listings not checked lately (the ``StaleListingReads`` port): the coordinator's overview."""
from __future__ import annotations

from graph.stores.catalog import GraphStore
from socialekaart.catalog.records import StaleService


class StaleListingStore:
    def __init__(self, store: GraphStore):
        self.connection = store.connection

    def stale_services(self, cutoff: str) -> list[StaleService]:
        """Services last verified before ``cutoff`` (an ISO date) or never, with where they are."""
        rows = self.connection.read(
            "MATCH (s:Service) WHERE s.last_verified IS NULL OR s.last_verified < $cutoff "
            "RETURN s {.id, .name, .organization_id, .org_name, .last_verified, .gemeente_code, .serves} AS service",
            {"cutoff": cutoff})
        return [StaleService(**{**row["service"], "serves": tuple(row["service"]["serves"] or ())}) for row in rows]
