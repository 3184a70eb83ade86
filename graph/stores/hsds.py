"""Reads for the HSDS endpoints and the HSDS export that the GraphStore contract lacks.

Services filtered by the HSDS parameters (text, taxonomy term, taxonomy, organisation, modified
after, proximity to a point, with a location), organisations with a text filter, and look-ups by
id. All paging happens here, in the store (SKIP/LIMIT plus a count), or for the unfiltered
listings from their ids kept per process (``_listing``). Cypher only from fixed text;
values only as ``$parameters``. Every function takes a GraphStore.
"""
from __future__ import annotations

import threading
import weakref
from typing import Any, Iterator

from graph.backends.connection import request_path
from graph.stores.catalog import GraphStore, organization_of_row
from graph.stores.rows import columns, record
from graph.stores.search import SERVICE_FIELDS, candidates, place_clause, service_values
from socialekaart.catalog import hsds
from socialekaart.catalog.model import Organization
from socialekaart.catalog.records import HsdsService, ServiceStamp
from socialekaart.catalog.search import ServiceFilter

HSDS_SERVICE_FIELDS = f"{SERVICE_FIELDS}, .location_id"
MINIMAL_SERVICE_FIELDS = ".id, .name, .modified"
ORGANIZATION_FIELDS = ".id, .name, .kind, .formal, .description, .website, .phone, .email, .source"
# Lightest rung first ("zo licht als mogelijk"), then nearest, then best text match; id last so
# that pages never overlap.
SERVICE_ORDER = "s.rung_level, effective, score DESC, s.name, s.id"

# A taxonomy term as a condition on the Service node (term code in $termCode).
TERM_CONDITIONS = {
    "lifeDomain": "$termCode IN coalesce(s.life_domains, [])",
    "targetGroup": "$termCode IN coalesce(s.target_groups, [])",
    "rung": "s.rung = $termCode",
    "organizationKind": "s.org_kind = $termCode",
}
# The kenmerken have one fixed condition each.
FEATURE_CONDITIONS = {
    "crisis-24-uur": "s.crisis_24h = true",
    "onafhankelijke-clientondersteuning": "s.independent_support = true",
    "vertrouwelijk": "s.confidential = true",
    "informeel": "s.formal = false",
}
# A service "contains a term of this taxonomy".
TAXONOMY_CONDITIONS = {
    "lifeDomain": "size(coalesce(s.life_domains, [])) > 0",
    "targetGroup": "size(coalesce(s.target_groups, [])) > 0",
    "rung": "s.rung IS NOT NULL",
    "organizationKind": "s.org_kind IS NOT NULL",
    "feature": "(" + " OR ".join(FEATURE_CONDITIONS.values()) + ")",
}


def _service_body(store: GraphStore, f: ServiceFilter) -> tuple[str, dict[str, Any]]:
    params: dict[str, Any] = {}
    conditions: list[str] = []
    head = candidates(store.dialect, params, words=f.words, point=f.point, radius=f.radius,
                      near_areas=f.near_areas)
    if f.term is not None:
        vocabulary, code = f.term
        if vocabulary == "feature":
            conditions.append(FEATURE_CONDITIONS[code])
        else:
            conditions.append(TERM_CONDITIONS[vocabulary])
            params["termCode"] = code
    if f.taxonomy is not None:
        conditions.append(TAXONOMY_CONDITIONS[f.taxonomy])
    if f.organization_id is not None:
        conditions.append("s.organization_id = $organizationId")
        params["organizationId"] = f.organization_id
    if f.modified_after is not None:
        conditions.append("s.modified >= $modifiedAfter")
        params["modifiedAfter"] = f.modified_after
    if f.located_only:
        conditions.append("s.location_id IS NOT NULL")
    where = f" WHERE {' AND '.join(conditions)}" if conditions else ""
    place = place_clause(store.dialect, params, f.point, f.radius, f.near_areas)
    return f"{head}{where}{place}", params


def search_services(store: GraphStore, f: ServiceFilter, *, skip: int, limit: int) -> tuple[int, list[HsdsService]]:
    """(total, one page of services), each with its ``location_id`` and ``organization``."""
    total, rows = _page(store, f, skip=skip, limit=limit, fields=HSDS_SERVICE_FIELDS)
    return total, attach_organizations(store, rows)


def service_stamps(store: GraphStore, f: ServiceFilter, *, skip: int, limit: int) -> tuple[int, list[ServiceStamp]]:
    """(total, one page of services as the minimal listing shows them: id, name, modified)."""
    total, rows = _page(store, f, skip=skip, limit=limit, fields=MINIMAL_SERVICE_FIELDS)
    return total, [ServiceStamp(**row) for row in rows]


def _page(store: GraphStore, f: ServiceFilter, *, skip: int, limit: int,
          fields: str) -> tuple[int, list[dict[str, Any]]]:
    """(total, one page of the services' ``fields``), from a kept listing or from the store."""
    ids = _listing(store, f) if f in LISTINGS else None
    if ids is not None:
        return len(ids), _services_in_order(store, ids[skip:skip + limit], fields)
    body, params = _service_body(store, f)
    total = store.connection.read(f"{body} RETURN count(s) AS total", params)[0]["total"]
    if not total or skip >= total:
        return total, []
    # Order and cut first, then read the fields: only the page is projected (the WITH keeps the
    # columns out of the sort, see graph.search.build_search).
    rows = store.connection.read(f"{body} WITH s, score, effective ORDER BY {SERVICE_ORDER} "
                                 f"SKIP $skip LIMIT $limit WITH s RETURN {columns('s', fields)}",
                                 {**params, "skip": skip, "limit": limit})
    return total, [record(row, fields) for row in rows]


# The listings without a filter (all services; all with a location) are kept per process as their
# ordered ids: the store can only sort every service for each page (no index-ordered scan), so a
# page is then a look-up of its ids. The catalog stamp says when a kept listing is out of date.
LISTINGS = (ServiceFilter(), ServiceFilter(located_only=True))
_kept: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # store -> {filter: (stamp, ids)}
_kept_lock = threading.Lock()


def _listing(store: GraphStore, f: ServiceFilter) -> list[str] | None:
    """The ids of every service that ``f`` lets through, in SERVICE_ORDER; read again after a write.
    None while another request reads them: the caller then pages in the store, as without a list."""
    stamp = store.catalog_stamp()
    kept = _kept.get(store, {}).get(f)
    if kept is not None and kept[0] == stamp:
        return kept[1]
    if not _kept_lock.acquire(blocking=False):
        return None
    try:
        body, params = _service_body(store, f)
        # Sorting every service takes longer than one request's budget (graph.connection); it is
        # done once per catalog write, so it gets the store's own timeout. The stamp was read
        # first: a write in between leaves a newer stamp, so the next call reads again.
        with request_path(None):
            rows = store.connection.read(f"{body} WITH s, score, effective ORDER BY {SERVICE_ORDER} "
                                         "RETURN collect(s.id) AS ids", params)
        ids = rows[0]["ids"] if rows else []
        _kept.setdefault(store, {})[f] = (stamp, ids)
        return ids
    finally:
        _kept_lock.release()


def _services_in_order(store: GraphStore, ids: list[str], fields: str) -> list[dict[str, Any]]:
    if not ids:
        return []
    rows = store.connection.read(f"MATCH (s:Service) WHERE s.id IN $ids RETURN {columns('s', fields)}",
                                 {"ids": ids})
    found = {row["id"]: record(row, fields) for row in rows}
    return [found[i] for i in ids if i in found]


def service(store: GraphStore, service_id: str) -> HsdsService | None:
    rows = store.connection.read(f"MATCH (s:Service {{id: $id}}) RETURN s {{{HSDS_SERVICE_FIELDS}}} AS service",
                                 {"id": service_id})
    return attach_organizations(store, [rows[0]["service"]])[0] if rows else None


def organizations_by_id(store: GraphStore, ids: list[str]) -> dict[str, Organization]:
    if not ids:
        return {}
    rows = store.connection.read(f"MATCH (o:Organization) WHERE o.id IN $ids "
                                 f"RETURN {columns('o', ORGANIZATION_FIELDS)}", {"ids": sorted(set(ids))})
    return {row["id"]: organization_of_row(record(row, ORGANIZATION_FIELDS)) for row in rows}


def hsds_service(values: dict[str, Any], organization: Organization | None) -> HsdsService:
    """The HSDS_SERVICE_FIELDS a read returned, with the provider, as an HsdsService."""
    return HsdsService(**service_values(values), location_id=values["location_id"], organization=organization)


def attach_organizations(store: GraphStore, services: list[dict[str, Any]]) -> list[HsdsService]:
    """Each service with ``organization``: its provider (one query for the lot)."""
    found = organizations_by_id(store, [s["organization_id"] for s in services])
    return [hsds_service(s, found.get(s["organization_id"])) for s in services]


def services_of_organizations(store: GraphStore, organization_ids: list[str]) -> dict[str, list[HsdsService]]:
    """The services of these organisations (each with ``organization``), lightest rung first, per
    organisation id."""
    result: dict[str, list[HsdsService]] = {org_id: [] for org_id in organization_ids}
    if not organization_ids:
        return result
    rows = store.connection.read(
        f"MATCH (o:Organization)-[:PROVIDES]->(s:Service) WHERE o.id IN $ids "
        f"RETURN o {{{ORGANIZATION_FIELDS}}} AS organization, s {{{HSDS_SERVICE_FIELDS}}} AS service "
        "ORDER BY s.rung_level, s.name, s.id", {"ids": sorted(set(organization_ids))})
    for row in rows:
        organization = organization_of_row(row["organization"])
        result[organization.id].append(hsds_service(row["service"], organization))
    return result


def search_organizations(store: GraphStore, *, words: tuple[str, ...], skip: int,
                         limit: int) -> tuple[int, list[Organization]]:
    """(total, one page of organisations by name). Every word must occur in the name or description."""
    params: dict[str, Any] = {"skip": skip, "limit": limit, "words": list(words)}
    where = (" WHERE all(w IN $words WHERE toLower(o.name) CONTAINS w "
             "OR toLower(coalesce(o.description, '')) CONTAINS w)") if words else ""
    base = f"MATCH (o:Organization){where}"
    total = store.connection.read(f"{base} RETURN count(o) AS total", params)[0]["total"]
    if not total or skip >= total:
        return total, []
    rows = store.connection.read(f"{base} RETURN o {{{ORGANIZATION_FIELDS}}} AS organization "
                                 "ORDER BY o.name, o.id SKIP $skip LIMIT $limit", params)
    return total, [organization_of_row(row["organization"]) for row in rows]


def iter_services(store: GraphStore, *, batch: int = 500) -> Iterator[HsdsService]:
    """Every service with its organisation, in id order, read a page at a time (for exports)."""
    skip = 0
    while True:
        rows = store.connection.read(f"MATCH (s:Service) RETURN s {{{HSDS_SERVICE_FIELDS}}} AS service "
                                     "ORDER BY s.id SKIP $skip LIMIT $limit", {"skip": skip, "limit": batch})
        if not rows:
            return
        yield from attach_organizations(store, [row["service"] for row in rows])
        skip += batch


def iter_organizations(store: GraphStore, *, batch: int = 500) -> Iterator[Organization]:
    """Every organisation, in id order, read a page at a time (for exports)."""
    skip = 0
    while True:
        rows = store.connection.read(f"MATCH (o:Organization) RETURN o {{{ORGANIZATION_FIELDS}}} AS organization "
                                     "ORDER BY o.id SKIP $skip LIMIT $limit", {"skip": skip, "limit": batch})
        if not rows:
            return
        yield from (organization_of_row(row["organization"]) for row in rows)
        skip += batch


# Our ids per HSDS UUID (hsds.public_id), per kind, kept per process until the next catalog write:
# a uuid5 cannot be turned back, so an id in UUID form is looked up here.
_ID_QUERIES = {"service": "MATCH (s:Service) RETURN collect(s.id) AS ids",
               # every service: one with only a wijk (confidential) has a service_at_location too
               "service_at_location": "MATCH (s:Service) RETURN collect(s.id) AS ids",
               "organization": "MATCH (o:Organization) RETURN collect(o.id) AS ids"}
_id_maps: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # store -> {kind: (stamp, {uuid: id})}


def our_id(store: GraphStore, kind: str, value: str) -> str:
    """Our id for ``value`` in either form; ``value`` itself when it is no UUID of one of ours."""
    key = hsds.as_uuid(value)
    if key is None:
        return value
    stamp = store.catalog_stamp()
    kept = _id_maps.get(store, {}).get(kind)
    if kept is None or kept[0] != stamp:
        with request_path(None):
            rows = store.connection.read(_ID_QUERIES[kind])
        kept = (stamp, {hsds.public_id(kind, i): i for i in (rows[0]["ids"] if rows else [])})
        _id_maps.setdefault(store, {})[kind] = kept
    return kept[1].get(key, value)


class StoreHsdsReads:
    """The functions above bound to one store: ``socialekaart.catalog.ports.HsdsReads``."""

    def __init__(self, store: GraphStore):
        self.store = store

    def search_services(self, f: ServiceFilter, *, skip: int, limit: int) -> tuple[int, list[HsdsService]]:
        return search_services(self.store, f, skip=skip, limit=limit)

    def service_stamps(self, f: ServiceFilter, *, skip: int, limit: int) -> tuple[int, list[ServiceStamp]]:
        return service_stamps(self.store, f, skip=skip, limit=limit)

    def our_id(self, kind: str, value: str) -> str:
        return our_id(self.store, kind, value)

    def service(self, service_id: str) -> HsdsService | None:
        return service(self.store, service_id)

    def organization(self, organization_id: str) -> Organization | None:
        return organizations_by_id(self.store, [organization_id]).get(organization_id)

    def search_organizations(self, *, words: tuple[str, ...], skip: int,
                             limit: int) -> tuple[int, list[Organization]]:
        return search_organizations(self.store, words=words, skip=skip, limit=limit)

    def services_of_organizations(self, organization_ids: list[str]) -> dict[str, list[HsdsService]]:
        return services_of_organizations(self.store, organization_ids)

    def iter_services(self) -> Iterator[HsdsService]:
        return iter_services(self.store)

    def iter_organizations(self) -> Iterator[Organization]:
        return iter_organizations(self.store)

    def area_names(self) -> dict[str, str]:
        return {area.code: area.name for kind in ("gemeente", "wijk", "buurt") for area in self.store.areas(kind)}
