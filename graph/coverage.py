"""Reads for the lokale inventarisatie, and the inventarisatie figures (Need nodes).

Everything the coverage computation needs comes in a handful of bulk reads, never one per
area: all areas, all services, all Need figures and the referral signals since a date.
``(Need)-[:MEASURED_IN]->(Area)``, ``(Need)-[:ABOUT]->(LifeDomain)``. Values only as
``$parameters``; upserts keyed on the Need id, so a re-import changes nothing.
"""
from __future__ import annotations

from typing import Any, Iterable

from .connection import Statement
from .store import BATCH, GraphStore

AREA_FIELDS = (".code, .name, .kind, .parent_code, .population, .lat, .lon, .age_0_14, .age_15_24, .age_25_44, "
               ".age_45_64, .age_65_plus")
SERVICE_FIELDS = (".id, .name, .organization_id, .org_name, .org_kind, .rung, .formal, .life_domains, .lat, .lon, "
                  ".buurt_code, .wijk_code, .gemeente_code, .serves, .wait_weeks, .last_verified")
NEED_FIELDS = ".id, .area_code, .life_domain, .target_group, .indicator, .value, .year, .source"
# What a referral tells the figures: no person, no text, no contact details.
REFERRAL_SIGNAL_FIELDS = ".status, .life_domains, .to_org_id, .to_rung, .decline_reason, .wijk_code, .gemeente_code"


class CoverageStore:
    def __init__(self, store: GraphStore):
        self.store = store
        self.connection = store.connection

    # -- bulk reads for the computation ----------------------------------------------------------
    def areas(self) -> list[dict[str, Any]]:
        rows = self.connection.read(f"MATCH (a:Area) RETURN a {{{AREA_FIELDS}}} AS area ORDER BY a.code")
        return [row["area"] for row in rows]

    def services(self) -> list[dict[str, Any]]:
        rows = self.connection.read(f"MATCH (s:Service) RETURN s {{{SERVICE_FIELDS}}} AS service ORDER BY s.id")
        return [row["service"] for row in rows]

    def needs(self) -> list[dict[str, Any]]:
        rows = self.connection.read(f"MATCH (n:Need) RETURN n {{{NEED_FIELDS}}} AS need ORDER BY n.id")
        return [row["need"] for row in rows]

    def referral_signals(self, since: str) -> list[dict[str, Any]]:
        """Referrals sent since ``since`` (UTC ISO-8601), whatever became of them."""
        rows = self.connection.read(
            f"MATCH (r:Referral) WHERE r.sent_at IS NOT NULL AND r.sent_at >= $since "
            f"RETURN r {{{REFERRAL_SIGNAL_FIELDS}}} AS referral", {"since": since})
        return [row["referral"] for row in rows]

    def area_geometries(self, codes: Iterable[str]) -> dict[str, str | None]:
        rows = self.connection.read("MATCH (a:Area) WHERE a.code IN $codes RETURN a.code AS code, "
                                    "a.geometry AS geometry", {"codes": sorted(set(codes))})
        return {row["code"]: row["geometry"] for row in rows}

    # -- inventarisatie figures --------------------------------------------------------------------
    def stored_needs(self, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        wanted = sorted(set(ids))
        found: dict[str, dict[str, Any]] = {}
        for start in range(0, len(wanted), BATCH):
            rows = self.connection.read(f"MATCH (n:Need) WHERE n.id IN $ids RETURN n {{{NEED_FIELDS}}} AS need",
                                        {"ids": wanted[start:start + BATCH]})
            found.update({row["need"]["id"]: row["need"] for row in rows})
        return found

    def area_codes(self) -> set[str]:
        return {row["code"] for row in self.connection.read("MATCH (a:Area) RETURN a.code AS code")}

    def need_statements(self, rows: list[dict[str, Any]]) -> list[Statement]:
        """Upserts of Need nodes (``Need.props()`` dicts) with their links to area and leefgebied."""
        statements: list[Statement] = list(self.store.taxonomy_statements())
        for start in range(0, len(rows), BATCH):
            params = {"rows": rows[start:start + BATCH]}
            statements += [
                ("UNWIND $rows AS row MERGE (n:Need {id: row.id}) SET n += row", params),
                ("UNWIND $rows AS row MATCH (n:Need {id: row.id}), (a:Area {code: row.area_code}) "
                 "MERGE (n)-[:MEASURED_IN]->(a)", params),
                ("UNWIND $rows AS row MATCH (n:Need {id: row.id}), (d:LifeDomain {code: row.life_domain}) "
                 "MERGE (n)-[:ABOUT]->(d)", params),
            ]
        return statements

    def save_needs(self, rows: list[dict[str, Any]]) -> None:
        """All or nothing."""
        self.store.write_all(self.need_statements(rows))
