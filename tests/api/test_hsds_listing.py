"""The unfiltered HSDS listings come from ordered ids kept per process (graph.hsds_reads._listing).

They must page exactly as the store's own ORDER BY/SKIP/LIMIT does, and a write through any other
store or process (another GraphStore on the same graph) must make the next page read again: every
service and organisation write leaves a new catalog stamp in the store.
"""
from __future__ import annotations

import pytest

from graph import GraphStore, open_connection
from graph.stores import hsds as hsds_reads
from socialekaart.catalog.model import Location, Organization, Service
from socialekaart.catalog.search import ServiceFilter
from socialekaart.catalog.service import Catalog
from socialekaart.places.geocoding import PostcodeGeocoder
from socialekaart.places.model import Area

SQUARE = '{"type":"Polygon","coordinates":[[[3.88,51.49],[3.90,51.49],[3.90,51.51],[3.88,51.51],[3.88,51.49]]]}'


def pages(store, f: ServiceFilter, per_page: int, *, minimal: bool) -> list[tuple[int, list]]:
    read = hsds_reads.service_stamps if minimal else hsds_reads.search_services
    return [read(store, f, skip=skip, limit=per_page) for skip in range(0, 160, per_page)]


@pytest.mark.parametrize("f", hsds_reads.LISTINGS)
@pytest.mark.parametrize("minimal", [True, False])
def test_kept_listing_pages_as_the_store_does(demo_runtime, monkeypatch, f, minimal):
    store = demo_runtime.store
    kept = pages(store, f, 37, minimal=minimal)
    with monkeypatch.context() as patch:
        patch.setattr(hsds_reads, "LISTINGS", ())
        queried = pages(store, f, 37, minimal=minimal)
    assert kept == queried
    assert kept[0][0] > 0 and kept[0][1]
    assert hsds_reads.search_services(store, f, skip=10_000, limit=50) == (kept[0][0], [])


@pytest.fixture
def two_processes(store, backend_settings):
    """The test's store and a second GraphStore on the same graph, with its own connection."""
    catalog = Catalog(store, PostcodeGeocoder())
    catalog.save(areas=[Area("GM0664", "gemeente", "Goes", centroid=(51.50, 3.90)),
                        Area("BU06640101", "buurt", "Binnenstad", parent_code="GM0664", geometry=SQUARE,
                             centroid=(51.50, 3.89))],
                 organizations=[Organization("org-a", "Welzijn A", "welzijnsorganisatie")],
                 services=[Service("svc-b", "org-a", "Budgetcursus", "licht", ["geldzaken"], serves=["GM0664"]),
                           Service("svc-c", "org-a", "Computercafe", "licht", ["tijdsbesteding"], serves=["GM0664"])])
    connection = open_connection(backend_settings)
    other = GraphStore(connection, backend_settings.graph_name)
    yield store, Catalog(other, PostcodeGeocoder())
    connection.close()


def listed(store, f: ServiceFilter = ServiceFilter()) -> tuple[int, list[str]]:
    total, rows = hsds_reads.service_stamps(store, f, skip=0, limit=50)
    return total, [row.id for row in rows]


def test_a_write_by_another_process_shows_on_the_next_page(two_processes):
    store, other = two_processes
    assert listed(store) == (2, ["svc-b", "svc-c"])
    assert listed(store, ServiceFilter(located_only=True)) == (0, [])

    other.save(services=[Service("svc-a", "org-a", "Administratiehulp", "licht", ["geldzaken"],
                                 location=Location("loc-a", 51.50, 3.89, "Markt 1", "4461AB", "Goes"))])
    assert listed(store) == (3, ["svc-a", "svc-b", "svc-c"])
    assert listed(store, ServiceFilter(located_only=True)) == (1, ["svc-a"])

    # A rename moves a service; a heavier rung puts it after the light ones.
    other.save(services=[Service("svc-c", "org-a", "Aan de slag", "licht", ["tijdsbesteding"], serves=["GM0664"]),
                         Service("svc-a", "org-a", "Administratiehulp", "maatwerk", ["geldzaken"],
                                 location=Location("loc-a", 51.50, 3.89, "Markt 1", "4461AB", "Goes"))])
    assert listed(store) == (3, ["svc-c", "svc-b", "svc-a"])


def test_catalog_stamp_changes_with_every_service_or_organisation_write(two_processes):
    store, other = two_processes
    first = store.catalog_stamp()
    assert first is not None
    other.save(organizations=[Organization("org-a", "Welzijn A en B", "welzijnsorganisatie")])
    second = store.catalog_stamp()
    assert second not in (None, first)
    other.save(areas=[Area("GM0687", "gemeente", "Middelburg", centroid=(51.50, 3.61))])
    assert store.catalog_stamp() == second  # areas alone leave the catalog as it was
    other.save(services=[Service("svc-b", "org-a", "Budgetcursus", "licht", ["geldzaken"], serves=["GM0664"])])
    assert store.catalog_stamp() not in (first, second)


def test_a_graph_without_a_stamp_still_lists(two_processes):
    """Graphs written before the stamp have no Meta node: their listing is read and kept as usual."""
    store, _ = two_processes
    store.connection.write("MATCH (m:Meta {id: 'catalog'}) DELETE m")
    assert store.catalog_stamp() is None
    assert listed(store) == (2, ["svc-b", "svc-c"])
    assert listed(store) == (2, ["svc-b", "svc-c"])


def test_while_another_request_reads_the_listing_pages_come_from_the_store(two_processes):
    store, other = two_processes
    assert listed(store) == (2, ["svc-b", "svc-c"])
    other.save(services=[Service("svc-a", "org-a", "Administratiehulp", "licht", ["geldzaken"], serves=["GM0664"])])
    with hsds_reads._kept_lock:  # as if another request were reading the new listing now
        assert listed(store) == (3, ["svc-a", "svc-b", "svc-c"])
    assert listed(store) == (3, ["svc-a", "svc-b", "svc-c"])
