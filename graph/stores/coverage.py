"""Reads for the lokale inventarisatie, and the inventarisatie figures (Need nodes).

Everything the coverage computation needs comes in a handful of bulk reads, never one per
area: all areas, all services, all Need figures and the referral signals since a date (counted
in the store).
``(Need)-[:MEASURED_IN]->(Area)``, ``(Need)-[:ABOUT]->(LifeDomain)``. Values only as
``$parameters``; upserts keyed on the Need id, so a re-import changes nothing.
"""
from __future__ import annotations

from typing import Any, Iterable

from graph.backends.connection import Statement
from graph.stores.catalog import GraphStore
from graph.stores.rows import chunks, columns, sorted_chunks
from socialekaart.coverage.compute import (
    CAPACITY_REASON,
    DECLINED,
    MAATWERK,
    OUTSIDE_AREA_REASON,
    SOCIALE_BASIS,
    AreaInput,
    ReferralSignals,
    ServiceInput,
)
from socialekaart.coverage.needs import Need

# Columns, not maps: a map sends every key again with every row, and reading the rows is most of the cost.
AREA_FIELDS = (".code, .name, .kind, .parent_code, .population, .lat, .lon, .age_0_14, .age_15_24, .age_25_44, "
               ".age_45_64, .age_65_plus")
# What the computation uses of a service (``ServiceInput.from_row``).
SERVICE_FIELDS = (".id, .name, .organization_id, .org_name, .rung, .formal, .life_domains, .lat, .lon, "
                  ".buurt_code, .wijk_code, .gemeente_code, .serves, .wait_weeks, .last_verified")
NEED_FIELDS = ".id, .area_code, .life_domain, .target_group, .indicator, .value, .year, .source"
# What the referrals tell the figures: counts per place, leefgebied and receiver; never a referral.
# ``sent_at >= $since`` alone: it excludes null already, and an IS NOT NULL beside it keeps FalkorDB
# from using an index. A leefgebied named twice in one referral counts once, as in ``ReferralSignals.of``.
REFERRALS_SINCE = "MATCH (r:Referral) WHERE r.sent_at >= $since "
# With every count the sum of its referrals' secret record keys (``ck_…``): the cell key of its noise
# (socialekaart/coverage/disclosure.py); a referral without a key (none should be left after
# ``db init``) adds 0.
KEY = "coalesce(r.ckey, 0)"
REFERRAL_HOMES = (REFERRALS_SINCE + "RETURN r.wijk_code AS wijk_code, r.gemeente_code AS gemeente_code, "
                  f"count(*) AS referrals, sum({KEY}) AS ck_referrals")
REFERRAL_DOMAINS = (
    REFERRALS_SINCE + "WITH r, coalesce(r.life_domains, []) AS ds "
    "UNWIND [i IN range(0, size(ds) - 1) WHERE NOT ds[i] IN ds[0..i] | ds[i]] AS life_domain "
    "RETURN r.wijk_code AS wijk_code, r.gemeente_code AS gemeente_code, life_domain, count(*) AS referrals, "
    "sum(CASE WHEN r.status = $declined AND r.decline_reason = $capacity THEN 1 ELSE 0 END) AS declined_capacity, "
    "sum(CASE WHEN r.status = $declined AND r.decline_reason = $outside THEN 1 ELSE 0 END) AS declined_outside_area, "
    "sum(CASE WHEN r.to_rung = $maatwerk THEN 1 ELSE 0 END) AS to_maatwerk, "
    "sum(CASE WHEN r.to_rung IN $basis THEN 1 ELSE 0 END) AS to_sociale_basis, "
    f"sum({KEY}) AS ck_referrals, "
    f"sum(CASE WHEN r.status = $declined AND r.decline_reason = $capacity THEN {KEY} ELSE 0 END) "
    "AS ck_declined_capacity, "
    f"sum(CASE WHEN r.status = $declined AND r.decline_reason = $outside THEN {KEY} ELSE 0 END) "
    "AS ck_declined_outside_area, "
    f"sum(CASE WHEN r.to_rung = $maatwerk THEN {KEY} ELSE 0 END) AS ck_to_maatwerk, "
    f"sum(CASE WHEN r.to_rung IN $basis THEN {KEY} ELSE 0 END) AS ck_to_sociale_basis")
REFERRAL_RECEIVERS = REFERRALS_SINCE + "RETURN r.to_org_id AS to_org_id, count(*) AS referrals"


class CoverageStore:
    def __init__(self, store: GraphStore):
        self.store = store
        self.connection = store.connection

    # -- bulk reads for the computation ----------------------------------------------------------
    def areas(self) -> list[AreaInput]:
        rows = self.connection.read(f"MATCH (a:Area) RETURN {columns('a', AREA_FIELDS)} ORDER BY a.code")
        return [AreaInput.from_row(row) for row in rows]

    def services(self) -> list[ServiceInput]:
        rows = self.connection.read(f"MATCH (s:Service) RETURN {columns('s', SERVICE_FIELDS)} ORDER BY s.id")
        return [ServiceInput.from_row(row) for row in rows]

    def needs(self) -> list[Need]:
        rows = self.connection.read(f"MATCH (n:Need) RETURN n {{{NEED_FIELDS}}} AS need ORDER BY n.id")
        return [Need.from_row(row["need"]) for row in rows]

    def referral_signals(self, since: str) -> ReferralSignals:
        """The referrals sent since ``since`` (UTC ISO-8601), whatever became of them, counted: per
        place of the inwoner (``homes``), per place × leefgebied (``domains``) and per receiving
        organisation (``receivers``); with each count of ``homes`` and ``domains`` the sum of its record keys
        (``ck_<count>``)."""
        params = {"since": since, "declined": DECLINED, "capacity": CAPACITY_REASON, "outside": OUTSIDE_AREA_REASON,
                  "maatwerk": MAATWERK, "basis": list(SOCIALE_BASIS)}
        return ReferralSignals.from_rows({"homes": self.connection.read(REFERRAL_HOMES, {"since": since}),
                                          "domains": self.connection.read(REFERRAL_DOMAINS, params),
                                          "receivers": self.connection.read(REFERRAL_RECEIVERS, {"since": since})})

    def area_geometries(self, codes: Iterable[str]) -> dict[str, str | None]:
        rows = self.connection.read("MATCH (a:Area) WHERE a.code IN $codes RETURN a.code AS code, "
                                    "a.geometry AS geometry", {"codes": sorted(set(codes))})
        return {row["code"]: row["geometry"] for row in rows}

    # -- inventarisatie figures --------------------------------------------------------------------
    def stored_needs(self, ids: Iterable[str]) -> dict[str, Need]:
        """The stored figures with these ids, by id."""
        found: dict[str, Need] = {}
        for page in sorted_chunks(ids):
            rows = self.connection.read(f"MATCH (n:Need) WHERE n.id IN $ids RETURN n {{{NEED_FIELDS}}} AS need",
                                        {"ids": page})
            found.update({row["need"]["id"]: Need.from_row(row["need"]) for row in rows})
        return found

    def area_codes(self) -> set[str]:
        return {row["code"] for row in self.connection.read("MATCH (a:Area) RETURN a.code AS code")}

    def need_statements(self, rows: list[dict[str, Any]]) -> list[Statement]:
        """Upserts of Need nodes (``Need.props()`` dicts) with their links to area and leefgebied."""
        statements: list[Statement] = []
        for chunk in chunks(rows):
            params = {"rows": chunk}
            statements += [
                ("UNWIND $rows AS row MERGE (n:Need {id: row.id}) SET n = row", params),
                ("UNWIND $rows AS row MATCH (n:Need {id: row.id}), (a:Area {code: row.area_code}) "
                 "MERGE (n)-[:MEASURED_IN]->(a)", params),
                ("UNWIND $rows AS row MATCH (n:Need {id: row.id}), (d:LifeDomain {code: row.life_domain}) "
                 "MERGE (n)-[:ABOUT]->(d)", params),
            ]
        return statements

    def save_needs(self, rows: list[dict[str, Any]]) -> None:
        """All or nothing, with the leefgebieden they point at."""
        with self.store.unit_of_work() as uow:
            uow.save_taxonomy()
            uow.add(self.need_statements(rows))
