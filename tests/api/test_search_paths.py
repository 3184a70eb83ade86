"""The index-backed search paths (graph.search.candidates) find exactly what a scan of every service finds.

Area and place searches start from indexes (located in the area, SERVES relationships, the point
index) instead of all services; these tests pin that the hits, their order and the totals stay
those of the plain scan, and cover werkgebied-only services, radius edges and services without a point.
"""
from __future__ import annotations

import pytest

from graph.stores import hsds as hsds_reads
from graph.stores import search
from socialekaart.catalog.model import Location, Organization, Service
from socialekaart.catalog.search import SORTS, ServiceFilter, ServiceQuery
from socialekaart.places.model import Area

SCAN = "MATCH (s:Service) WITH s, 0.0 AS score"


def scan_everything(*args, **kwargs) -> str:
    return SCAN


def both_ways(monkeypatch, run):
    """(result through the indexes, result of the reference scan of every service)."""
    indexed = run()
    with monkeypatch.context() as patch:
        patch.setattr(search, "candidates", scan_everything)
        patch.setattr(hsds_reads, "candidates", scan_everything)
        scanned = run()
    return indexed, scanned


def place_query(catalog, lat: float, lon: float, **kwargs) -> ServiceQuery:
    placement = catalog.area_index().place(lat, lon)
    return ServiceQuery(point=(lat, lon), near_areas=tuple(placement.codes()) if placement else (), **kwargs)


def test_demo_region_area_search_matches_the_scan(demo_runtime, monkeypatch):
    store, index = demo_runtime.store, demo_runtime.catalog.area_index()
    codes = [a.code for kind in ("gemeente", "wijk", "buurt") for a in store.areas(kind)]
    assert codes
    for code in codes[:40]:
        for sort in ("licht", "name"):
            query = ServiceQuery(area_code=code, sort=sort, page_size=100)
            indexed, scanned = both_ways(monkeypatch, lambda: store.search_services(query))
            assert indexed == scanned, code
        assert index.area(code) is not None


@pytest.mark.parametrize("radius", [1, 2000, 20000])
def test_demo_region_place_search_matches_the_scan(demo_runtime, monkeypatch, radius):
    store, catalog = demo_runtime.store, demo_runtime.catalog
    places = [a.centroid for a in store.areas("wijk") if a.centroid is not None][:6]
    assert places
    for lat, lon in places:
        for sort in SORTS:
            query = place_query(catalog, lat, lon, radius=radius, sort=sort, page_size=100)
            indexed, scanned = both_ways(monkeypatch, lambda: store.search_services(query))
            assert indexed == scanned, (lat, lon, sort)


def test_demo_region_hsds_place_search_matches_the_scan(demo_runtime, monkeypatch):
    store, catalog = demo_runtime.store, demo_runtime.catalog
    for area in store.areas("gemeente"):
        if area.centroid is None:
            continue
        placement = catalog.area_index().place(*area.centroid)
        near = tuple(placement.codes()) if placement else ()
        f = ServiceFilter(point=area.centroid, radius=3000, near_areas=near)
        indexed, scanned = both_ways(monkeypatch, lambda: hsds_reads.search_services(store, f, skip=0, limit=100))
        assert indexed == scanned


def test_hsds_listing_pages_are_stable_complete_and_in_order(client, demo_runtime):
    services, page = [], 1
    while True:
        body = client.get(f"/hsds/services?page={page}&per_page=50&minimal=true").get_json()
        services += body["contents"]
        if body["last_page"]:
            break
        page += 1
    ids = [s["id"] for s in services]
    assert len(ids) == len(set(ids)) == body["total_items"] == len(demo_runtime.demo_region.services)
    by_id = {s.id: s for s in demo_runtime.demo_region.services}
    from socialekaart.shared import taxonomy
    expected = sorted(by_id, key=lambda i: (taxonomy.RUNG_BY_CODE[by_id[i].rung].level, by_id[i].name, i))
    from socialekaart.catalog.hsds import public_id
    assert ids == [public_id("service", i) for i in expected]
    again = client.get("/hsds/services?page=2&per_page=50&minimal=true").get_json()["contents"]
    assert [s["id"] for s in again] == ids[50:100]


# -- a small region of our own: werkgebied-only services, radius edges, no point ---------------------
SQUARE = '{"type":"Polygon","coordinates":[[[3.88,51.49],[3.90,51.49],[3.90,51.51],[3.88,51.51],[3.88,51.49]]]}'
EAST = '{"type":"Polygon","coordinates":[[[3.90,51.49],[3.95,51.49],[3.95,51.51],[3.90,51.51],[3.90,51.49]]]}'


@pytest.fixture
def small(catalog):
    areas = [
        Area("GM0664", "gemeente", "Goes", centroid=(51.50, 3.90)),
        Area("GM0687", "gemeente", "Middelburg", centroid=(51.50, 3.61)),
        Area("WK066401", "wijk", "Centrum", parent_code="GM0664", centroid=(51.50, 3.89)),
        Area("WK066402", "wijk", "Oost", parent_code="GM0664", centroid=(51.50, 3.925)),
        Area("BU06640101", "buurt", "Binnenstad", parent_code="WK066401", geometry=SQUARE, centroid=(51.50, 3.89)),
        Area("BU06640201", "buurt", "Oostwijk", parent_code="WK066402", geometry=EAST, centroid=(51.50, 3.925)),
    ]
    orgs = [Organization("org-a", "Welzijn A", "welzijnsorganisatie")]
    services = [
        Service("svc-wijk-only", "org-a", "Werkgebied Oost", "licht", ["geldzaken"], serves=["WK066402"]),
        Service("svc-buurt-only", "org-a", "Werkgebied buurt", "licht", ["geldzaken"], serves=["BU06640101"]),
        Service("svc-gemeente-only", "org-a", "Werkgebied Goes", "licht", ["geldzaken"], serves=["GM0664"]),
        Service("svc-located", "org-a", "Spreekuur Markt", "voorliggend", ["geldzaken"],
                location=Location("loc-markt", 51.500, 3.890, "Markt 1", "4461AB", "Goes")),
        Service("svc-elsewhere", "org-a", "Werkgebied Middelburg", "licht", ["geldzaken"], serves=["GM0687"]),
    ]
    catalog.save(areas=areas, organizations=orgs, services=services)
    return catalog


def ids_of(catalog, query: ServiceQuery) -> list[str]:
    """The ids found, sorted (the order itself is pinned against the scan above)."""
    total, rows = catalog.store.search_services(query)
    assert total == len(rows)
    return sorted(row.service.id for row in rows)


def test_area_search_finds_werkgebied_only_services(small):
    assert ids_of(small, ServiceQuery(area_code="GM0664")) == [
        "svc-buurt-only", "svc-gemeente-only", "svc-located", "svc-wijk-only"]
    # A wijk: the services located or serving it, the gemeente around it, or a buurt inside it.
    assert ids_of(small, ServiceQuery(area_code="WK066401")) == ["svc-buurt-only", "svc-gemeente-only",
                                                                 "svc-located"]
    assert ids_of(small, ServiceQuery(area_code="WK066402")) == ["svc-gemeente-only", "svc-wijk-only"]
    assert ids_of(small, ServiceQuery(area_code="BU06640201")) == ["svc-gemeente-only", "svc-wijk-only"]
    assert ids_of(small, ServiceQuery(area_code="GM0687")) == ["svc-elsewhere"]


def test_place_search_finds_werkgebied_services_without_a_point(small):
    # In Oost, 2.5 km from the Markt: a radius of 100 m finds only what serves the place.
    query = place_query(small, 51.500, 3.925, radius=100)
    assert ids_of(small, query) == ["svc-gemeente-only", "svc-wijk-only"]
    _, rows = small.store.search_services(query)
    assert all(row.serves_area and row.distance == 0.0 and row.office_distance is None for row in rows)


def test_radius_edges(small):
    rows = small.store.connection.read(
        f"MATCH (s:Service {{id: 'svc-located'}}) RETURN {small.store.dialect.distance('s.point', 'point({latitude: 51.5, longitude: 3.925})')} AS d")
    metres = rows[0]["d"]
    assert 2000 < metres < 3000
    just_in = place_query(small, 51.500, 3.925, radius=int(metres) + 1)
    just_out = place_query(small, 51.500, 3.925, radius=int(metres) - 1)
    assert "svc-located" in ids_of(small, just_in)
    assert "svc-located" not in ids_of(small, just_out)
    # Right on the service itself, the smallest radius finds it.
    assert "svc-located" in ids_of(small, place_query(small, 51.500, 3.890, radius=1))
