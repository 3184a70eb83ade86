"""The graph store: the storage contract the domain services use, written once in Cypher.

Values reach Cypher only as ``$parameters``; labels come from the constants below.
Writes are batched ``UNWIND`` upserts keyed on our own ids, so re-running them changes nothing,
and a batch of statements is written all-or-nothing.

Upserts replace a node's properties with ``SET n = row.props`` (every property the domain knows,
``null`` for the absent ones), never ``SET n += ...`` with nulls: FalkorDB 4.16 removes the wrong
properties when one query clears several of a node's properties (``tests/integration/
test_property_removal.py`` pins it).
"""
from __future__ import annotations

import json
import uuid
from datetime import timedelta
from typing import Any, Callable, Collection

from graph.backends.connection import Connection, Statement
from graph.backends.falkordb import StoreQueryError
from graph.dialect import dialect_for, identifier
from graph.migrations import migrate
from graph.schema import apply_schema
from graph.search_text import search_text, search_text_cypher
from graph.stores.rows import BATCH, chunks
from graph.stores.search import (
    CANDIDATE_FIELDS,
    build_search,
    build_service_detail,
    build_services_by_id,
    search_hit,
    service_detail,
    service_record,
)
from graph.unit_of_work import UnitOfWork
from socialekaart.catalog.confidential import public_location
from socialekaart.catalog.listings import VERSION_CHANGED
from socialekaart.catalog.model import Organization, Service
from socialekaart.catalog.records import ServiceDetail, ServiceRecord, ServiceSummary, StoredHit
from socialekaart.catalog.search import ServiceQuery
from socialekaart.places.model import Area
from socialekaart.shared import taxonomy
from socialekaart.shared.clock import iso, parse_iso
from socialekaart.shared.errors import PreconditionFailed, SocialeKaartError

AREA_LABELS = {"regio": "Regio", "gemeente": "Gemeente", "wijk": "Wijk", "buurt": "Buurt"}
COUNTED_LABELS = ("Regio", "Gemeente", "Wijk", "Buurt", "Organization", "Service", "Location")
# An area's inhabitants per age band (Area.age_groups) as stored properties.
AGE_PROPERTIES = {"0-14": "age_0_14", "15-24": "age_15_24", "25-44": "age_25_44", "45-64": "age_45_64",
                  "65+": "age_65_plus"}
AREA_READ_FIELDS = ("code", "name", "kind", "parent_code", "population", "lat", "lon", "households", "age_0_14",
                    "age_15_24", "age_25_44", "age_45_64", "age_65_plus")


class GraphStore:
    def __init__(self, connection: Connection, graph_name: str = "socialekaart"):
        self.connection = connection
        self.graph_name = graph_name
        self.dialect = dialect_for(connection.backend)

    @property
    def backend(self) -> str:
        return self.connection.backend

    # -- schema and housekeeping -----------------------------------------------------------------
    def init_schema(self) -> list[str]:
        ran = apply_schema(self.connection, self.graph_name)
        migrate(self.connection)
        return ran

    def counts(self) -> dict[str, int]:
        result = {}
        for label in COUNTED_LABELS:
            rows = self.connection.read(f"MATCH (n:{identifier(label)}) RETURN count(n) AS n")
            result[label] = rows[0]["n"] if rows else 0
        return result

    def is_empty(self) -> bool:
        return not self.connection.read("MATCH (n) WHERE n:Area OR n:Service RETURN n.code AS c LIMIT 1")

    # -- staged writes (see "staged writes" below) ---------------------------------------------------
    def begin_stage(self, now: str) -> str:
        """A new stage for a large import. Stages of imports that were killed are settled first:
        finished when they had passed their decision point, removed when not."""
        self.settle_stages(now)
        stage = uuid.uuid4().hex
        self.connection.write("CREATE (i:ImportStage {id: $id, started: $now, heartbeat: $now})",
                              {"id": stage, "now": now})
        return stage

    def settle_stages(self, now: str) -> dict[str, int]:
        """Finish or remove the stages whose import stopped (no heartbeat for STAGE_ABANDONED_AFTER)."""
        before = iso(parse_iso(now) - STAGE_ABANDONED_AFTER)
        rows = self.connection.read("MATCH (i:ImportStage) WHERE i.heartbeat < $before "
                                    "RETURN i.id AS id, i.committed AS committed", {"before": before})
        settled = {"finished": 0, "removed": 0}
        for row in rows:
            if row["committed"]:
                self.publish_stage(row["id"], now)
                settled["finished"] += 1
            else:
                self.discard_stage(row["id"])
                settled["removed"] += 1
        return settled

    def discard_stage(self, stage: str) -> None:
        """Delete what a stage wrote, in bounded transactions; nothing of it was ever visible."""
        for label in (STAGED_SERVICE, STAGED_LOCATION):
            while self.connection.write(f"MATCH (n:{label}) WHERE n.stage = $stage WITH n LIMIT {DISCARD_BATCH} "
                                        "DETACH DELETE n RETURN count(*) AS n", {"stage": stage})[0]["n"]:
                pass
        while self.connection.write(f"MATCH (s:Service) WHERE s.{PENDING_STAGE} = $stage WITH s LIMIT {DISCARD_BATCH} "
                                    f"SET s.{PENDING} = null, s.{PENDING_STAGE} = null RETURN count(*) AS n",
                                    {"stage": stage})[0]["n"]:
            pass
        self.connection.write("MATCH (i:ImportStage {id: $stage}) DELETE i", {"stage": stage})

    def publish_stage(self, stage: str, now: str, progress: Callable[[int, int], None] | None = None) -> int:
        """Make a committed stage visible, PUBLISH_BATCH services (with their organisation link and
        their own locations) per transaction; ``progress(published, total)`` after each; then write
        its changed services, as many per transaction. Run again on a stage that was partly
        published, it goes on where it stopped."""
        total = self.connection.read(f"MATCH (s:{STAGED_SERVICE}) WHERE s.stage = $stage RETURN count(s) AS n",
                                     {"stage": stage})[0]["n"]
        published = 0
        while True:
            rows = self.connection.read(
                f"MATCH (s:{STAGED_SERVICE}) WHERE s.stage = $stage WITH s LIMIT {PUBLISH_BATCH} "
                f"OPTIONAL MATCH (s)-[:AT]->(l:{STAGED_LOCATION}) RETURN s.id AS id, collect(l.id) AS locations",
                {"stage": stage})
            if not rows:
                break
            services = [row["id"] for row in rows]
            with self.unit_of_work() as uow:
                uow.add(publish_batch_statements(stage, now, services,
                                                 sorted({lid for row in rows for lid in row["locations"]})))
            left = self.connection.read(f"MATCH (s:{STAGED_SERVICE}) WHERE s.stage = $stage RETURN count(s) AS n",
                                        {"stage": stage})[0]["n"]
            if left > total - published - len(services):  # an organisation went missing: no way forward
                raise StoreQueryError(f"Import {stage}: {left} voorzieningen konden niet zichtbaar worden gemaakt "
                                      "(hun organisatie ontbreekt).")
            published += len(services)
            if progress:
                progress(published, total)
        published += self._apply_pending(stage, now)
        self.connection.write("MATCH (i:ImportStage {id: $stage}) DELETE i", {"stage": stage})
        return published

    def _apply_pending(self, stage: str, now: str) -> int:
        """Write a committed stage's changed services, PUBLISH_BATCH per transaction (each whole)."""
        applied = 0
        while True:
            rows = self.connection.read(f"MATCH (s:Service) WHERE s.{PENDING_STAGE} = $stage "
                                        f"RETURN s.{PENDING} AS change LIMIT {PUBLISH_BATCH}", {"stage": stage})
            if not rows:
                return applied
            with self.unit_of_work() as uow:
                uow.add(apply_pending_statements(stage, now, [row["change"] for row in rows]))
            applied += len(rows)

    def existing_location_ids(self, ids: list[str]) -> set[str]:
        found: set[str] = set()
        for chunk in chunks(sorted(set(ids))):
            rows = self.connection.read("UNWIND $ids AS id MATCH (l:Location {id: id}) RETURN l.id AS id",
                                        {"ids": chunk})
            found.update(row["id"] for row in rows)
        return found

    def ping(self) -> bool:
        return self.connection.ping()

    def unit_of_work(self) -> CatalogUnitOfWork:
        """``with store.unit_of_work() as uow: uow.save_areas(...)``: all of it is written, or none."""
        return CatalogUnitOfWork(self)

    # -- writes: each returns statements, so a unit of work can put several in one transaction -----
    def taxonomy_statements(self) -> list[Statement]:
        domains = [{"code": t.code, "label": t.label} for t in taxonomy.LIFE_DOMAINS]
        groups = [{"code": t.code, "label": t.label} for t in taxonomy.TARGET_GROUPS]
        return [
            ("UNWIND $rows AS row MERGE (d:LifeDomain {code: row.code}) SET d.label = row.label", {"rows": domains}),
            ("UNWIND $rows AS row MERGE (t:TargetGroup {code: row.code}) SET t.label = row.label", {"rows": groups}),
        ]

    def area_statements(self, areas: list[Area]) -> list[Statement]:
        statements: list[Statement] = []
        for kind, label in AREA_LABELS.items():
            rows = [_area_row(a) for a in areas if a.kind == kind]
            for chunk in chunks(rows):
                statements.append((f"UNWIND $rows AS row MERGE (a:Area {{code: row.code}}) "
                                   f"SET a:{label}, a = row.props", {"rows": chunk}))
        statements += _point_statements("Area", "code", "centroid", [_area_row(a) for a in areas])
        if areas:
            # A new stamp with every area write, in the same unit: processes that keep an area
            # index see from it that theirs is out of date (``area_stamp``).
            statements.append(("MERGE (m:Meta {id: 'areas'}) SET m.stamp = $stamp", {"stamp": uuid.uuid4().hex}))
        links = [{"code": a.code, "parent": a.parent_code} for a in areas if a.parent_code]
        for chunk in chunks(links):
            statements.append(("UNWIND $rows AS row MATCH (a:Area {code: row.code})-[r:IN]->(p:Area) "
                               "WHERE p.code <> row.parent DELETE r", {"rows": chunk}))
            statements.append(("UNWIND $rows AS row MATCH (a:Area {code: row.code}), (p:Area {code: row.parent}) "
                               "MERGE (a)-[:IN]->(p)", {"rows": chunk}))
        if areas:
            # Services saved before these areas existed serve them too: search finds a werkgebied
            # through SERVES. One pass over the services that have a werkgebied.
            statements.append(("MATCH (s:Service) WHERE size(coalesce(s.serves, [])) > 0 UNWIND s.serves AS code "
                               "MATCH (a:Area {code: code}) MERGE (s)-[:SERVES]->(a)", {}))
        return statements

    def organization_statements(self, organizations: list[Organization]) -> list[Statement]:
        rows = [{"id": o.id, "props": _organization_props(o)} for o in organizations]
        statements: list[Statement] = []
        for chunk in chunks(rows):
            statements.append(("UNWIND $rows AS row MERGE (o:Organization {id: row.id}) SET o = row.props",
                               {"rows": chunk}))
            # Services carry a copy of their organisation's name and kind for search; keep it current.
            statements.append(("UNWIND $rows AS row MATCH (o:Organization) WHERE o.id = row.id WITH o "
                               "MATCH (o)-[:PROVIDES]->(s:Service) "
                               "SET s.org_name = o.name, s.org_kind = o.kind, s.formal = o.formal, "
                               f"s.search_text = {search_text_cypher('o.name')}", {"rows": chunk}))
        return statements + _catalog_stamp_statements(rows)

    def service_statements(self, services: list[Service], placements: dict[str, dict[str, Any]],
                           organizations: dict[str, Organization], modified: str,
                           created: Collection[str] = frozenset()) -> list[Statement]:
        """Upsert services with their location. ``placements`` maps a service id to the area names
        and search point the catalog worked out (see ``socialekaart.catalog``). ``created`` holds
        the ids the caller knows are not stored yet: those are created without looking for an
        old node or old relationships (the unique constraint on Service.id refuses the whole
        unit should one exist after all)."""
        rows = [_service_row(s, placements.get(s.id, {}), organizations[s.organization_id], modified)
                for s in services]
        locations = [_location_row(s, placements.get(s.id, {})) for s in services if s.location]
        new_rows = [row for row in rows if row["id"] in created]
        rows = [row for row in rows if row["id"] not in created]
        return _new_service_statements(new_rows) + _upsert_statements(rows, locations) + \
            _catalog_stamp_statements(services)

    def remove_service_statements(self, service_id: str, audit: dict[str, Any] | None) -> list[Statement]:
        """A removed service: referrals to it keep its name (``to_service_name``), a location no other
        service is at goes with it, then the service and its relationships."""
        params: dict[str, Any] = {"id": service_id}
        statements: list[Statement] = [
            ("MATCH (s:Service {id: $id}) MATCH (r:Referral {to_service_id: $id}) SET r.to_service_name = s.name",
             params),
            ("MATCH (s:Service {id: $id})-[:AT]->(l:Location) OPTIONAL MATCH (l)<-[:AT]-(o:Service) "
             "WHERE o.id <> $id WITH l, count(o) AS others WHERE others = 0 DETACH DELETE l", params),
            ("MATCH (s:Service {id: $id}) DETACH DELETE s", params),
        ]
        if audit:
            statements.append(("CREATE (a:AuditEntry) SET a += $audit", {"audit": audit}))
        return statements + _catalog_stamp_statements([service_id])

    # -- reads -------------------------------------------------------------------------------------
    def catalog_stamp(self) -> Any:
        """Changes whenever services or organisations are written (None before the first such
        write): processes that keep a service listing see from it that theirs is out of date."""
        rows = self.connection.read("OPTIONAL MATCH (m:Meta {id: 'catalog'}) RETURN m.stamp AS stamp")
        return rows[0]["stamp"] if rows else None

    def area_stamp(self) -> tuple[Any, int]:
        """Changes whenever areas are written: the stamp of the last area write and the number of
        areas (the count also notices writes by versions from before the stamp)."""
        rows = self.connection.read("OPTIONAL MATCH (m:Meta {id: 'areas'}) WITH m.stamp AS stamp "
                                    "OPTIONAL MATCH (a:Area) RETURN stamp, count(a) AS n")
        return (rows[0]["stamp"], rows[0]["n"]) if rows else (None, 0)

    def areas(self, kind: str, *, with_geometry: bool = False) -> list[Area]:
        label = AREA_LABELS[kind]
        names = [*AREA_READ_FIELDS, "geometry"] if with_geometry else list(AREA_READ_FIELDS)
        # Plain columns, not a map: the client reads 14,686 buurten ~6 times faster so.
        rows = self.connection.read(
            f"MATCH (a:{label}) RETURN {', '.join(f'a.{name} AS {name}' for name in names)} ORDER BY a.code")
        return [area_of_row(row) for row in rows]

    def search_services(self, query: ServiceQuery) -> tuple[int, list[StoredHit]]:
        count_cypher, page_cypher, params = build_search(self.dialect, query)
        rows = self.connection.read(page_cypher, params)
        if rows and "total" in rows[0]:
            total = rows[0]["total"]  # the page query counted too (graph.search.build_search)
        elif len(rows) < query.limit and (rows or not query.skip):
            total = query.skip + len(rows)  # a short page is the last one
        else:
            total = self.connection.read(count_cypher, params)[0]["total"]
        return total, [search_hit(row) for row in rows]

    def search_candidates(self, query: ServiceQuery) -> list[StoredHit]:
        """The first page of ``query`` with of each service only the fields ranking reads
        (``CANDIDATE_FIELDS``); the rest of each record is left at its default."""
        _, page_cypher, params = build_search(self.dialect, query, CANDIDATE_FIELDS)
        return [search_hit(row) for row in self.connection.read(page_cypher, params)]

    def services_by_id(self, ids: list[str]) -> dict[str, ServiceRecord]:
        """The services with these ids, whole, by id (an id no longer stored is left out)."""
        rows = self.connection.read(build_services_by_id(), {"ids": ids})
        return {row["id"]: service_record(row) for row in rows}

    def organization(self, organization_id: str) -> Organization | None:
        rows = self.connection.read(
            "MATCH (o:Organization {id: $id}) RETURN o {.id, .name, .kind, .formal, .description, .website, "
            ".phone, .email, .source} AS organization", {"id": organization_id})
        return organization_of_row(rows[0]["organization"]) if rows else None

    def organizations(self, *, kind: str | None, formal: bool | None, gemeente: str | None,
                      skip: int, limit: int) -> tuple[int, list[tuple[Organization, int]]]:
        """A page of organisations, each with its number of services."""
        conditions: list[str] = []
        params: dict[str, Any] = {"skip": skip, "limit": limit}
        if kind is not None:
            conditions.append("o.kind = $kind")
            params["kind"] = kind
        if formal is not None:
            conditions.append("o.formal = $formal")
            params["formal"] = formal
        if gemeente is not None:
            # Active in the gemeente: a service located there or serving (part of) it.
            conditions.append("(s.gemeente_code = $gemeente OR any(c IN coalesce(s.serves, []) "
                              "WHERE c = $gemeente OR c STARTS WITH $wijkPrefix))")
            params["gemeente"], params["wijkPrefix"] = gemeente, f"WK{gemeente[2:]}"
            match = "MATCH (o:Organization)-[:PROVIDES]->(s:Service)"
        else:
            match = "MATCH (o:Organization)"
        where = f" WHERE {' AND '.join(conditions)}" if conditions else ""
        base = f"{match}{where} WITH DISTINCT o"
        total = self.connection.read(f"{base} RETURN count(o) AS total", params)[0]["total"]
        rows = self.connection.read(
            f"{base} ORDER BY o.name, o.id SKIP $skip LIMIT $limit "
            "OPTIONAL MATCH (o)-[:PROVIDES]->(x:Service) "
            "WITH o, count(x) AS services "
            "RETURN o {.id, .name, .kind, .formal, .description, .website, .phone, .email, .source} AS organization, "
            "services ORDER BY o.name, o.id", params)
        return total, [(organization_of_row(row["organization"]), row["services"]) for row in rows]

    def organization_services(self, organization_id: str) -> list[ServiceSummary]:
        rows = self.connection.read(
            "MATCH (o:Organization {id: $id})-[:PROVIDES]->(s:Service) "
            "RETURN s {.id, .name, .rung, .life_domains, .gemeente_name, .wijk_name} AS service "
            "ORDER BY s.rung_level, s.name", {"id": organization_id})
        return [ServiceSummary(**{**row["service"], "life_domains": tuple(row["service"]["life_domains"] or ())})
                for row in rows]

    def area(self, code: str, *, with_geometry: bool = False) -> Area | None:
        geometry = ", geometry: a.geometry" if with_geometry else ""
        rows = self.connection.read(
            f"MATCH (a:Area {{code: $code}}) RETURN a {{.code, .name, .kind, .parent_code, .population, .lat, "
            f".lon, .households, .age_0_14, .age_15_24, .age_25_44, .age_45_64, .age_65_plus{geometry}}} AS area",
            {"code": code})
        return area_of_row(rows[0]["area"]) if rows else None

    def child_areas(self, parent_code: str | None, kind: str, *, with_geometry: bool = False) -> list[Area]:
        """Areas of a kind, all or only those inside ``parent_code`` (by code: GM0664 holds WK0664xx)."""
        label = AREA_LABELS[kind]
        geometry = ", geometry: a.geometry" if with_geometry else ""
        condition = "WHERE a.parent_code = $parent " if parent_code and parent_code.startswith("RG") else (
            "WHERE a.code STARTS WITH $prefix " if parent_code else "")
        prefix = {"wijk": "WK", "buurt": "BU"}.get(kind, "GM") + (parent_code or "")[2:]
        rows = self.connection.read(
            f"MATCH (a:{label}) {condition}RETURN a {{.code, .name, .kind, .parent_code, .population, .lat, "
            f".lon, .households, .age_0_14, .age_15_24, .age_25_44, .age_45_64, .age_65_plus{geometry}}} AS area "
            "ORDER BY a.code", {"parent": parent_code, "prefix": prefix})
        return [area_of_row(row["area"]) for row in rows]

    def service(self, service_id: str) -> ServiceDetail | None:
        rows = self.connection.read(build_service_detail(), {"id": service_id})
        return service_detail(rows[0]["service"]) if rows else None


def _upsert_statements(rows: list[dict[str, Any]], locations: list[dict[str, Any]]) -> list[Statement]:
    """Upsert services that may exist (rows of ``_service_row``) and their locations (``_location_row``):
    new properties, organisation, taxonomy and werkgebied links, point and location."""
    statements: list[Statement] = []
    for chunk in chunks(rows):
        params = {"rows": chunk}
        statements += [
            # Every write is a new version: an edit based on an older one is refused (expected_versions).
            ("UNWIND $rows AS row MERGE (s:Service {id: row.id}) "
             "WITH s, row, coalesce(s.version, 0) + 1 AS version SET s = row.props SET s.version = version",
             params),
            # Written so that FalkorDB starts from the Service id index, not a scan of organisations.
            ("UNWIND $rows AS row MATCH (s:Service) WHERE s.id = row.id WITH s, row "
             "MATCH (s)<-[r:PROVIDES]-(o:Organization) WHERE o.id <> row.props.organization_id DELETE r",
             params),
            ("UNWIND $rows AS row MATCH (o:Organization {id: row.props.organization_id}), "
             "(s:Service {id: row.id}) MERGE (o)-[:PROVIDES]->(s)", params),
            ("UNWIND $rows AS row MATCH (s:Service {id: row.id})-[r:ADDRESSES]->() DELETE r", params),
            ("UNWIND $rows AS row MATCH (s:Service {id: row.id})-[r:FOR]->() DELETE r", params),
            ("UNWIND $rows AS row MATCH (s:Service {id: row.id})-[r:SERVES]->() DELETE r", params),
            ("UNWIND $rows AS row MATCH (s:Service {id: row.id}) UNWIND row.props.life_domains AS code "
             "MATCH (d:LifeDomain {code: code}) MERGE (s)-[:ADDRESSES]->(d)", params),
            ("UNWIND $rows AS row MATCH (s:Service {id: row.id}) UNWIND row.props.target_groups AS code "
             "MATCH (t:TargetGroup {code: code}) MERGE (s)-[:FOR]->(t)", params),
            ("UNWIND $rows AS row MATCH (s:Service {id: row.id}) UNWIND row.props.serves AS code "
             "MATCH (a:Area {code: code}) MERGE (s)-[:SERVES]->(a)", params),
        ]
    statements += _point_statements("Service", "id", "point", rows)
    for chunk in chunks(locations):
        params = {"rows": chunk}
        statements += [
            ("UNWIND $rows AS row MERGE (l:Location {id: row.id}) SET l = row.props, "
             "l.point = point({latitude: row.lat, longitude: row.lon})", params),
            ("UNWIND $rows AS row MATCH (l:Location {id: row.id})-[r:IN]->() DELETE r", params),
            ("UNWIND $rows AS row MATCH (l:Location {id: row.id}), (b:Buurt {code: row.buurt_code}) "
             "MERGE (l)-[:IN]->(b)", params),
            ("UNWIND $rows AS row MATCH (s:Service {id: row.service_id})-[r:AT]->(l:Location) "
             "WHERE l.id <> row.id DELETE r", params),
            ("UNWIND $rows AS row MATCH (s:Service {id: row.service_id}), (l:Location {id: row.id}) "
             "MERGE (s)-[:AT]->(l)", params),
        ]
    return statements


def _new_service_statements(rows: list[dict], *, stage: str | None = None) -> list[Statement]:
    """CREATE services that do not exist yet, with their point, and their relationships: one
    UNWIND over (service, code) pairs per kind, no DELETE of old ones and no MERGE. With ``stage``
    they are written as StagedService, without their organisation: see ``stage_statements``."""
    label = "Service" if stage is None else STAGED_SERVICE
    mark = "" if stage is None else ", s.stage = $stage"
    statements: list[Statement] = []
    for chunk in chunks([r for r in rows if r["lat"] is not None]):
        statements.append((f"UNWIND $rows AS row CREATE (s:{label}) SET s += row.props, s.version = 1{mark}, "
                           "s.point = point({latitude: row.lat, longitude: row.lon})", {"rows": chunk, "stage": stage}))
    for chunk in chunks([r for r in rows if r["lat"] is None]):
        statements.append((f"UNWIND $rows AS row CREATE (s:{label}) SET s += row.props, s.version = 1{mark}",
                           {"rows": chunk, "stage": stage}))
    if stage is None:
        providers = [{"s": r["id"], "c": r["props"]["organization_id"]} for r in rows]
        for chunk in chunks(providers):
            statements.append(("UNWIND $rows AS row MATCH (o:Organization {id: row.c}), (s:Service {id: row.s}) "
                               "CREATE (o)-[:PROVIDES]->(s)", {"rows": chunk}))
    for prop, relation, target in (("life_domains", "ADDRESSES", "LifeDomain"), ("target_groups", "FOR", "TargetGroup"),
                                   ("serves", "SERVES", "Area")):
        pairs = [{"s": r["id"], "c": code} for r in rows for code in dict.fromkeys(r["props"][prop] or ())]
        for chunk in chunks(pairs, BATCH * 4):
            statements.append((f"UNWIND $rows AS row MATCH (s:{label} {{id: row.s}}), (x:{target} {{code: row.c}}) "
                               f"CREATE (s)-[:{relation}]->(x)", {"rows": chunk}))
    return statements


# -- staged writes ---------------------------------------------------------------------------------
# One transaction per import is all-or-nothing, but a national file (100,000 services) does not fit
# in Neo4j's transaction memory, and neither does relabelling 100,000 services at once. So a large
# import writes its new services in batches, one transaction each, as StagedService/StagedLocation
# nodes: no read matches those labels. The import's last unit is the decision point: it checks the
# stage is whole and marks it committed (commit_stage_statements); a failure before that deletes the
# stage. After it, the stage is made visible in batches (publish_stage) and always finished: the
# ImportStage node's heartbeat shows when an import stopped, and settle_stages finishes a committed
# stage or removes an uncommitted one.
STAGED_SERVICE, STAGED_LOCATION = "StagedService", "StagedLocation"
# A changed service of a large import keeps its new values here until they are written (JSON text:
# FalkorDB has no map properties). The ordinary upsert replaces every property, so it clears both.
PENDING, PENDING_STAGE = "pending", "pending_stage"
STAGE_ABANDONED_AFTER = timedelta(hours=1)
DISCARD_BATCH = 5_000
PUBLISH_BATCH = 5_000  # services made visible per transaction


def stage_statements(stage: str, now: str, services: list[Service], placements: dict[str, dict[str, Any]],
                     organizations: dict[str, Organization], modified: str) -> list[Statement]:
    """One batch of new services, with their own locations, written under the stage's labels."""
    rows = [_service_row(s, placements.get(s.id, {}), organizations[s.organization_id], modified)
            for s in services]
    statements: list[Statement] = [("MATCH (i:ImportStage {id: $stage}) SET i.heartbeat = $now",
                                    {"stage": stage, "now": now})]
    statements += _new_service_statements(rows, stage=stage)
    for chunk in chunks([_location_row(s, placements.get(s.id, {})) for s in services if s.location]):
        params = {"rows": chunk, "stage": stage}
        statements += [
            (f"UNWIND $rows AS row MERGE (l:{STAGED_LOCATION} {{id: row.id}}) SET l = row.props, l.stage = $stage, "
             "l.point = point({latitude: row.lat, longitude: row.lon})", params),
            (f"UNWIND $rows AS row MATCH (l:{STAGED_LOCATION} {{id: row.id}}), (b:Buurt {{code: row.buurt_code}}) "
             "MERGE (l)-[:IN]->(b)", params),
            (f"UNWIND $rows AS row MATCH (s:{STAGED_SERVICE} {{id: row.service_id}}), "
             f"(l:{STAGED_LOCATION} {{id: row.id}}) MERGE (s)-[:AT]->(l)", params),
        ]
    return statements


def pending_statements(stage: str, now: str, services: list[Service], placements: dict[str, dict[str, Any]],
                       organizations: dict[str, Organization], modified: str) -> list[Statement]:
    """One batch of changed services of a large import: what the upsert will write (``_service_row``
    and ``_location_row``, as JSON) kept on each stored service as ``pending`` until the decision
    point; no read shows it. A service removed meanwhile is not marked (the decision point notices)."""
    rows = []
    for s in services:
        placement = placements.get(s.id, {})
        change = {"service": _service_row(s, placement, organizations[s.organization_id], modified),
                  "location": _location_row(s, placement) if s.location else None}
        rows.append({"id": s.id, "change": json.dumps(change, ensure_ascii=False)})
    statements: list[Statement] = [("MATCH (i:ImportStage {id: $stage}) SET i.heartbeat = $now",
                                    {"stage": stage, "now": now})]
    for chunk in chunks(rows):
        statements.append(("UNWIND $rows AS row MATCH (s:Service {id: row.id}) "
                           f"SET s.{PENDING} = row.change, s.{PENDING_STAGE} = $stage",
                           {"rows": chunk, "stage": stage}))
    return statements


def commit_stage_statements(stage: str, expected: int, changes: int = 0) -> list[Statement]:
    """The decision point of a staged import, in its last unit: refuses the whole unit when the stage
    does not hold ``expected`` new services (it was removed meanwhile as abandoned) or one of them is
    stored by now, or fewer than ``changes`` changed services still wait (one was removed or edited
    meanwhile); otherwise marks the stage committed, so it is finished, never removed, from here on."""
    params = {"stage": stage, "expected": expected, "changes": changes}
    statements: list[Statement] = []
    if expected:  # (FalkorDB cannot look up `s.id` of an OPTIONAL MATCH that found nothing)
        statements.append(
            (f"OPTIONAL MATCH (s:{STAGED_SERVICE}) WHERE s.stage = $stage OPTIONAL MATCH (x:Service {{id: s.id}}) "
             "WITH count(s) AS n, count(x) AS stored WHERE n <> $expected OR stored > 0 "
             # A division by zero is the one portable way to stop a Cypher statement (and its unit).
             "MERGE (m:Meta {id: 'stage-guard'}) SET m.failed = 1 / (n - n)", params))
    if changes:
        statements.append(
            (f"OPTIONAL MATCH (s:Service) WHERE s.{PENDING_STAGE} = $stage WITH count(s) AS n WHERE n <> $changes "
             "MERGE (m:Meta {id: 'stage-guard'}) SET m.failed = 1 / (n - n)", params))
    return [*statements, ("MATCH (i:ImportStage {id: $stage}) SET i.committed = true", params)]


def apply_pending_statements(stage: str, now: str, changes: list[str]) -> list[Statement]:
    """One batch of a committed stage's changed services written, from their ``pending`` JSON, with
    the statements of an ordinary save (which also clear ``pending``)."""
    decoded = [json.loads(change) for change in changes]
    rows = [change["service"] for change in decoded]
    locations = [change["location"] for change in decoded if change["location"]]
    return [("MATCH (i:ImportStage {id: $stage}) SET i.heartbeat = $now", {"stage": stage, "now": now}),
            *_upsert_statements(rows, locations),
            ("MERGE (m:Meta {id: 'catalog'}) SET m.stamp = $stamp", {"stamp": uuid.uuid4().hex})]


def publish_batch_statements(stage: str, now: str, services: list[str], locations: list[str]) -> list[Statement]:
    """One batch of a committed stage made visible: services with their organisation link, and
    their own locations, in one unit."""
    params = {"stage": stage, "now": now, "services": services, "locations": locations}
    return [
        ("MATCH (i:ImportStage {id: $stage}) SET i.heartbeat = $now", params),
        (f"UNWIND $services AS id MATCH (s:{STAGED_SERVICE} {{id: id}}) WHERE s.stage = $stage "
         "MATCH (o:Organization {id: s.organization_id}) CREATE (o)-[:PROVIDES]->(s) "
         f"SET s:Service REMOVE s:{STAGED_SERVICE}, s.stage", params),
        (f"UNWIND $locations AS id MATCH (l:{STAGED_LOCATION} {{id: id}}) WHERE l.stage = $stage "
         f"SET l:Location REMOVE l:{STAGED_LOCATION}, l.stage", params),
        ("MERGE (m:Meta {id: 'catalog'}) SET m.stamp = $stamp", {"stamp": uuid.uuid4().hex}),
    ]


def _version_guard(expected_versions: dict[str, int]) -> list[Statement]:
    """Fails the whole unit when a service is no longer at the version the caller edited. It takes
    the write lock first (Neo4j; FalkorDB runs one write at a time), so the check and the writes
    after it see the same version: of two concurrent edits of one version exactly one wins."""
    if not expected_versions:
        return []
    rows = [{"id": key, "version": version} for key, version in sorted(expected_versions.items())]
    return [("UNWIND $rows AS row MATCH (s:Service {id: row.id}) SET s._lock = true SET s._lock = null "
             "WITH s, row WHERE coalesce(s.version, 0) <> row.version "
             # A division by zero is the one portable way to stop a Cypher statement (and its unit).
             "SET s._lock = 1 / (coalesce(s.version, 0) - coalesce(s.version, 0))", {"rows": rows})]


def stale_versions(store: GraphStore, expected_versions: dict[str, int]) -> dict[str, int]:
    """The services (id -> stored version) that are not at the expected version any more."""
    rows = store.connection.read("UNWIND $ids AS id MATCH (s:Service {id: id}) "
                                 "RETURN s.id AS id, coalesce(s.version, 0) AS version",
                                 {"ids": sorted(expected_versions)})
    return {row["id"]: row["version"] for row in rows if row["version"] != expected_versions[row["id"]]}


def _catalog_stamp_statements(written: list) -> list[Statement]:
    """A new catalog stamp with every service or organisation write, in the same unit (``catalog_stamp``)."""
    return [("MERGE (m:Meta {id: 'catalog'}) SET m.stamp = $stamp", {"stamp": uuid.uuid4().hex})] if written else []


def _point_statements(label: str, key: str, prop: str, rows: list[dict]) -> list[Statement]:
    """Set or clear a point property. Two statements, because FalkorDB evaluates both branches
    of a CASE and point() fails on null."""
    with_point = [{"key": r[key], "lat": r["lat"], "lon": r["lon"]} for r in rows if r["lat"] is not None]
    without = [{"key": r[key]} for r in rows if r["lat"] is None]
    statements: list[Statement] = []
    for chunk in chunks(with_point):
        statements.append((f"UNWIND $rows AS row MATCH (n:{label} {{{key}: row.key}}) "
                           f"SET n.{prop} = point({{latitude: row.lat, longitude: row.lon}})", {"rows": chunk}))
    for chunk in chunks(without):
        statements.append((f"UNWIND $rows AS row MATCH (n:{label} {{{key}: row.key}}) SET n.{prop} = null",
                           {"rows": chunk}))
    return statements


def _area_row(area: Area) -> dict[str, Any]:
    lat, lon = area.centroid if area.centroid else (None, None)
    return {"code": area.code, "lat": lat, "lon": lon, "props": {
        "code": area.code, "kind": area.kind, "name": area.name, "parent_code": area.parent_code,
        "population": area.population, "households": area.households, "geometry": area.geometry,
        "lat": lat, "lon": lon, "source": area.source,
        **{prop: area.age_groups.get(band) for band, prop in AGE_PROPERTIES.items()},
    }}


def organization_of_row(row: dict[str, Any]) -> Organization:
    return Organization(row["id"], row["name"], row.get("kind") or "overig",
                        formal=row["formal"] if row.get("formal") is not None else True,
                        description=row.get("description") or "", website=row.get("website"), phone=row.get("phone"),
                        email=row.get("email"), source=row.get("source") or "socialekaart")


def area_of_row(row: dict[str, Any]) -> Area:
    """An Area from the properties a read returned (geometry only when it was read)."""
    lat, lon = row.get("lat"), row.get("lon")
    return Area(row["code"], row["kind"], row["name"], parent_code=row.get("parent_code"),
                population=row.get("population"), households=row.get("households"),
                age_groups={band: row[prop] for band, prop in AGE_PROPERTIES.items() if row.get(prop) is not None},
                geometry=row.get("geometry"), centroid=(lat, lon) if lat is not None and lon is not None else None,
                source=row.get("source") or "cbs")


def _organization_props(o: Organization) -> dict[str, Any]:
    return {"id": o.id, "name": o.name, "kind": o.kind, "formal": o.formal, "description": o.description,
            "website": o.website, "phone": o.phone, "email": o.email, "source": o.source}


def _service_row(s: Service, placement: dict[str, Any], org: Organization, modified: str) -> dict[str, Any]:
    location = s.location
    shown = public_location(s)
    props = {
        "id": s.id, "name": s.name, "description": s.description,
        "organization_id": s.organization_id, "org_name": org.name, "org_kind": org.kind, "formal": org.formal,
        "search_text": search_text(s.name, s.description, org.name),
        "rung": s.rung, "rung_level": taxonomy.RUNG_BY_CODE[s.rung].level,
        "life_domains": list(s.life_domains), "target_groups": list(s.target_groups),
        "age_min": s.age_min, "age_max": s.age_max, "cost": s.cost, "free": s.free, "cost_note": s.cost_note,
        "hours": s.hours.minutes(), "hours_text": s.hours.text() or None,
        "phone": s.phone, "email": s.email, "website": s.website,
        "crisis_24h": s.crisis_24h, "independent_support": s.independent_client_support,
        "wait_weeks": s.wait_weeks, "capacity_note": s.capacity_note,
        "confidential": s.confidential, "serves": list(s.serves),
        "last_verified": s.last_verified.isoformat() if s.last_verified else None,
        "modified": modified, "source": s.source,
        "location_id": location.id if location else None,
        "address": shown.address if shown else None,
        "postcode": shown.postcode if shown else None,
        "city": shown.city if shown else None,
        "point_kind": placement.get("point_kind"),
        "lat": placement.get("lat"), "lon": placement.get("lon"),
    }
    for key in ("buurt_code", "buurt_name", "wijk_code", "wijk_name", "gemeente_code", "gemeente_name"):
        props[key] = placement.get(key)
    return {"id": s.id, "lat": placement.get("lat"), "lon": placement.get("lon"), "props": props}


def _location_row(s: Service, placement: dict[str, Any]) -> dict[str, Any]:
    loc = s.location
    assert loc is not None
    return {"id": loc.id, "service_id": s.id, "lat": loc.lat, "lon": loc.lon,
            "buurt_code": placement.get("buurt_code"),
            "props": {"id": loc.id, "address": loc.address, "postcode": loc.postcode, "city": loc.city,
                      "lat": loc.lat, "lon": loc.lon, "confidential": s.confidential,
                      "buurt_code": placement.get("buurt_code")}}


class CatalogUnitOfWork(UnitOfWork):
    """The catalog's writes (``socialekaart.catalog.ports.CatalogWrites``) gathered in one unit of work."""

    def __init__(self, store: GraphStore):
        super().__init__(store.connection)
        self.store = store
        self._expected_versions: dict[str, int] = {}

    def save_taxonomy(self) -> None:
        self.add(self.store.taxonomy_statements())

    def save_areas(self, areas: list[Area]) -> None:
        self.add(self.store.area_statements(areas))

    def save_organizations(self, organizations: list[Organization]) -> None:
        self.add(self.store.organization_statements(organizations))

    def save_services(self, services: list[Service], placements: dict[str, dict[str, Any]],
                      organizations: dict[str, Organization], modified: str,
                      created: Collection[str] = frozenset(),
                      expected_versions: dict[str, int] | None = None) -> None:
        if expected_versions:
            self._expected_versions.update(expected_versions)
            self.add(_version_guard(expected_versions))
        self.add(self.store.service_statements(services, placements, organizations, modified, created=created))

    def stage_services(self, stage: str, now: str, services: list[Service], placements: dict[str, dict[str, Any]],
                       organizations: dict[str, Organization], modified: str) -> None:
        self.add(stage_statements(stage, now, services, placements, organizations, modified))

    def stage_changes(self, stage: str, now: str, services: list[Service], placements: dict[str, dict[str, Any]],
                      organizations: dict[str, Organization], modified: str) -> None:
        self.add(pending_statements(stage, now, services, placements, organizations, modified))

    def commit_stage(self, stage: str, expected: int, changes: int = 0) -> None:
        self.add(commit_stage_statements(stage, expected, changes))

    def remove_service(self, service_id: str, *, expected_version: int | None = None,
                       audit: dict[str, Any] | None = None) -> None:
        if expected_version is not None:
            self._expected_versions[service_id] = expected_version
            self.add(_version_guard({service_id: expected_version}))
        self.add(self.store.remove_service_statements(service_id, audit))

    def commit(self) -> None:
        try:
            super().commit()
        except SocialeKaartError as error:
            if self._expected_versions and stale_versions(self.store, self._expected_versions):
                raise PreconditionFailed(VERSION_CHANGED) from error
            raise
