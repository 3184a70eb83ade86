"""Full-text search gives the same hits on Neo4j as on FalkorDB: the same hit sets, the same rung
order. Scores differ (Lucene's Dutch analyzer against RediSearch's), so within a rung the order may too.

Both stores hold the demo region at once; compared through the catalog, as the API searches.
"""
from __future__ import annotations

import pytest

from socialekaart.catalog.service import Catalog
from socialekaart.places.geocoding import PostcodeGeocoder
from web.bootstrap import Runtime

pytestmark = pytest.mark.neo4j

QUERIES = [
    {"q": "schuld"}, {"q": "schuldhulp"}, {"q": "geldzorgen"}, {"q": "eenzaam"}, {"q": "mantelzorg goes"},
    {"q": "opvoeding"}, {"q": "schuld", "postcode": "4461AB", "radius": 5000},
    {"q": "huiselijk geweld"}, {"q": "vrijwilligers", "area": "GM0664"}, {"q": "werk"}, {"q": "taal"},
    {"q": "de"}, {"q": "xyzzyq"},
]


@pytest.fixture(scope="module")
def both(neo4j_stores, data_dir):
    from importers.demo.region import demo_region
    from tests.conftest import falkordb_settings

    region = demo_region()
    runtimes = {"falkordb": Runtime(falkordb_settings(data_dir)), "neo4j": Runtime(neo4j_stores.settings("module"))}
    for runtime in runtimes.values():
        runtime.store.connection.delete_graph()
        runtime.store.init_schema()
        runtime.catalog.save(areas=region.areas, organizations=region.organizations, services=region.services)
    yield {name: Catalog(runtime.store, PostcodeGeocoder()) for name, runtime in runtimes.items()}
    for runtime in runtimes.values():
        runtime.store.connection.delete_graph()
        runtime.close()


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: "&".join(f"{k}={v}" for k, v in q.items()))
@pytest.mark.parametrize("sort", ["licht", "relevance"])
def test_same_hits_and_rung_order_on_both_stores(both, query, sort):
    found = {name: every_hit(catalog, query, sort) for name, catalog in both.items()}
    (falkor_total, falkor), (neo_total, neo) = found["falkordb"], found["neo4j"]
    assert neo_total == falkor_total == len(falkor) == len(neo)
    assert {h.service.id for h in neo} == {h.service.id for h in falkor}
    if sort == "licht":
        assert [h.service.rung_level for h in neo] == [h.service.rung_level for h in falkor]
    if query["q"] != "xyzzyq":
        assert falkor_total > 0  # a query that finds something, or the comparison says little


def every_hit(catalog, query, sort):
    hits, number = [], 1
    while True:
        page = catalog.search(**query, sort=sort, page=number, page_size=50)
        hits += page.hits
        if len(hits) >= page.total or not page.hits:
            return page.total, hits
        number += 1
