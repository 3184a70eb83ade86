"""The faster import paths: new services written with CREATE, the area index kept between writes
and renewed when another process changes the areas, and an import service used twice."""
from __future__ import annotations

from dataclasses import replace

import pytest

from graph.stores.snapshots import StoreSnapshots, services_by_id
from socialekaart.catalog.importing import ImportService
from socialekaart.catalog.model import Location, Organization, Service
from socialekaart.catalog.service import Catalog
from socialekaart.places.model import Area
from socialekaart.shared.errors import SocialeKaartError
from tests.integration.test_store_contract import SQUARE, services, small_region


class NoLocator:
    def locate(self, postcode):
        raise AssertionError("not used")


def relations(store, service_id: str) -> dict[str, list[str]]:
    rows = store.connection.read(
        "MATCH (s:Service {id: $id}) "
        "OPTIONAL MATCH (o:Organization)-[:PROVIDES]->(s) WITH s, collect(o.id) AS orgs "
        "OPTIONAL MATCH (s)-[:ADDRESSES]->(d:LifeDomain) WITH s, orgs, collect(d.code) AS domains "
        "OPTIONAL MATCH (s)-[:FOR]->(t:TargetGroup) WITH s, orgs, domains, collect(t.code) AS groups "
        "OPTIONAL MATCH (s)-[:SERVES]->(a:Area) WITH s, orgs, domains, groups, collect(a.code) AS serves "
        "OPTIONAL MATCH (s)-[:AT]->(l:Location)-[:IN]->(b:Buurt) "
        "RETURN orgs, domains, groups, serves, collect(b.code) AS buurten, s.point IS NOT NULL AS point",
        {"id": service_id})
    return {key: sorted(value) if isinstance(value, list) else value for key, value in rows[0].items()}


def test_created_services_get_the_same_nodes_and_relationships_as_upserted_ones(catalog):
    catalog.save(areas=small_region())
    orgs, svcs = services()
    svcs[0].target_groups, svcs[0].serves = ["ouderen", "ouderen"], ["GM0664", "WK066401"]
    catalog.save(organizations=orgs, services=svcs[:1], created={svcs[0].id})
    created = relations(catalog.store, svcs[0].id)
    assert created == {"orgs": ["org-welzijn"], "domains": ["geldzaken"], "groups": ["ouderen"],
                       "serves": ["GM0664", "WK066401"], "buurten": ["BU06640101"], "point": True}
    first = services_by_id(catalog.store, [svcs[0].id])[svcs[0].id]

    catalog.save(organizations=orgs, services=svcs[:1])  # the upsert path over the same service
    assert relations(catalog.store, svcs[0].id) == created
    again = services_by_id(catalog.store, [svcs[0].id])[svcs[0].id]
    assert replace(again, modified=None) == replace(first, modified=None)


def test_creating_a_service_that_exists_after_all_writes_nothing(catalog):
    catalog.save(areas=small_region())
    orgs, svcs = services()
    catalog.save(organizations=orgs, services=svcs[:1])
    before = catalog.store.counts()
    newcomer = Service("svc-nieuw", "org-welzijn", "Nieuw", "licht", ["geldzaken"])
    with pytest.raises(SocialeKaartError):
        catalog.save(organizations=orgs, services=[newcomer, svcs[0]], created={"svc-nieuw", svcs[0].id})
    assert catalog.store.counts() == before  # all or nothing: the newcomer is not there either


def test_the_area_index_is_kept_after_writing_areas_and_renewed_when_another_process_writes(store):
    mine, other = Catalog(store, NoLocator()), Catalog(store, NoLocator())
    mine.save(areas=small_region())
    kept = mine.area_index()
    assert mine.area_index(fresh=True) is kept  # nothing changed since its own write: not read again
    assert kept.place(51.50, 3.89).buurt_code == "BU06640101"

    renamed = Area("BU06640101", "buurt", "Binnenstad-Noord", parent_code="WK066401", population=600,
                   geometry=SQUARE, centroid=(51.50, 3.89))
    other.save(areas=[renamed])
    assert mine.area_index() is kept  # a search may use the kept index a few seconds longer
    renewed = mine.area_index(fresh=True)  # a write checks the stamp first
    assert renewed is not kept and renewed.place(51.50, 3.89).buurt_name == "Binnenstad-Noord"


def test_an_import_service_used_twice_sees_what_it_wrote(catalog):
    catalog.save(areas=small_region())
    imports = ImportService(catalog, StoreSnapshots(catalog.store))
    org = Organization("org-a", "Organisatie A", "overig")
    service = Service("svc-a", "org-a", "Dienst A", "licht", ["geldzaken"],
                      location=Location("loc-a", 51.50, 3.89, "Markt 1", "4461AB", "Goes"))
    first = imports.plan(organizations=[org], services=[service])
    assert [c.action for c in first.changes] == ["created", "created"]
    assert imports.commit(first)

    service.name = "Dienst A, nieuw"
    second = imports.plan(organizations=[org], services=[service])
    assert [(c.type, c.action) for c in second.changes] == [("service", "updated")]
    assert imports.commit(second)
    assert services_by_id(catalog.store, ["svc-a"])["svc-a"].name == "Dienst A, nieuw"
