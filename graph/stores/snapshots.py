"""Reads for imports and exports: the stored state of services, organisations and areas.

Imports compare what a file says with these snapshots to report created / updated /
unchanged and to write only what changed; exports page through them. Plain functions on a
GraphStore, Cypher with ``$parameters`` only; the answers are the domain's records: a service as a
``StoredService`` (with its own location), an organisation as an ``Organization``, an area as an ``Area``.
"""
from __future__ import annotations

from typing import Any, Iterable, Iterator

from graph.stores.catalog import AREA_LABELS, GraphStore, area_of_row, organization_of_row
from graph.stores.rows import columns, record, sorted_chunks
from graph.stores.search import SERVICE_FIELDS, service_values
from socialekaart.catalog.model import Location, Organization
from socialekaart.catalog.records import StoredService
from socialekaart.places.model import Area

PAGE = 1000
LOCATION_FIELDS = ".id, .address, .postcode, .city, .lat, .lon"
ORGANIZATION_FIELDS = ".id, .name, .kind, .formal, .description, .website, .phone, .email, .source"
AREA_FIELDS = (".code, .name, .kind, .parent_code, .population, .households, .age_0_14, .age_15_24, .age_25_44, "
               ".age_45_64, .age_65_plus, .geometry, .lat, .lon, .source")


SERVICE_COLUMNS = columns("s", SERVICE_FIELDS, prefixed=True)
LOCATION_COLUMNS = columns("l", LOCATION_FIELDS, prefixed=True)
ORGANIZATION_COLUMNS = columns("o", ORGANIZATION_FIELDS, prefixed=True)
AREA_COLUMNS = columns("a", AREA_FIELDS, prefixed=True)


def stored_service(row: dict[str, Any]) -> StoredService:
    """The service of a row with its own location (None when the row has none)."""
    loc = record(row, LOCATION_FIELDS, "l")
    location = Location(loc["id"], loc["lat"], loc["lon"], loc["address"], loc["postcode"], loc["city"]) \
        if loc["id"] else None
    return StoredService(**service_values(record(row, SERVICE_FIELDS, "s")), location=location)


def services_by_id(store: GraphStore, ids: Iterable[str]) -> dict[str, StoredService]:
    found: dict[str, StoredService] = {}
    for page in sorted_chunks(ids, PAGE):
        rows = store.connection.read(
            f"UNWIND $ids AS id MATCH (s:Service {{id: id}}) OPTIONAL MATCH (s)-[:AT]->(l:Location) "
            f"RETURN {SERVICE_COLUMNS}, {LOCATION_COLUMNS}", {"ids": page})
        for row in rows:
            service = stored_service(row)
            found[service.id] = service
    return found


def organizations_by_id(store: GraphStore, ids: Iterable[str]) -> dict[str, Organization]:
    found: dict[str, Organization] = {}
    for page in sorted_chunks(ids, PAGE):
        rows = store.connection.read(
            f"UNWIND $ids AS id MATCH (o:Organization {{id: id}}) RETURN {ORGANIZATION_COLUMNS}", {"ids": page})
        for row in rows:
            found[row["o_id"]] = organization_of_row(record(row, ORGANIZATION_FIELDS, "o"))
    return found


def areas_by_code(store: GraphStore, codes: Iterable[str]) -> dict[str, Area]:
    found: dict[str, Area] = {}
    for page in sorted_chunks(codes, PAGE):
        rows = store.connection.read(
            f"UNWIND $codes AS code MATCH (a:Area {{code: code}}) RETURN {AREA_COLUMNS}", {"codes": page})
        for row in rows:
            found[row["a_code"]] = area_of_row(record(row, AREA_FIELDS, "a"))
    return found


def area_codes(store: GraphStore) -> set[str]:
    """The codes of every stored area (regio, gemeente, wijk, buurt)."""
    return {row["code"] for row in store.connection.read("MATCH (a:Area) RETURN a.code AS code")}


def areas_of_kind(store: GraphStore, kind: str) -> list[Area]:
    """All areas of one kind with geometry and kerncijfers, ordered by code."""
    label = AREA_LABELS[kind]
    rows = store.connection.read(f"MATCH (a:{label}) RETURN {AREA_COLUMNS} ORDER BY a.code")
    return [area_of_row(record(row, AREA_FIELDS, "a")) for row in rows]


def all_services(store: GraphStore, *, located_only: bool = False) -> Iterator[StoredService]:
    """Every service with its location, ordered by id, read a page at a time."""
    match = "MATCH (s:Service)-[:AT]->(:Location)" if located_only else "MATCH (s:Service)"
    skip = 0
    while True:
        rows = store.connection.read(
            f"{match} WITH s ORDER BY s.id SKIP $skip LIMIT $limit "
            f"OPTIONAL MATCH (s)-[:AT]->(l:Location) "
            f"RETURN {SERVICE_COLUMNS}, {LOCATION_COLUMNS} ORDER BY s.id",
            {"skip": skip, "limit": PAGE})
        yield from (stored_service(row) for row in rows)
        if len(rows) < PAGE:
            return
        skip += PAGE


class StoreSnapshots:
    """The functions above bound to one store: ``socialekaart.catalog.ports.Snapshots`` (imports) and
    ``ExportReads`` (exports, listings)."""

    def __init__(self, store: GraphStore):
        self.store = store

    def services(self, ids: Iterable[str]) -> dict[str, StoredService]:
        return services_by_id(self.store, ids)

    def organizations(self, ids: Iterable[str]) -> dict[str, Organization]:
        return organizations_by_id(self.store, ids)

    def areas(self, codes: Iterable[str]) -> dict[str, Area]:
        return areas_by_code(self.store, codes)

    def area_codes(self) -> set[str]:
        return area_codes(self.store)

    def areas_of_kind(self, kind: str) -> list[Area]:
        return areas_of_kind(self.store, kind)

    def located_services(self) -> Iterator[StoredService]:
        return all_services(self.store, located_only=True)

    def all_services(self, *, located_only: bool = False) -> Iterator[StoredService]:
        return all_services(self.store, located_only=located_only)

    def service(self, service_id: str) -> StoredService | None:
        return services_by_id(self.store, [service_id]).get(service_id)
