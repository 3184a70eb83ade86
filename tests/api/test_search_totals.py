"""Search totals: an area or place page carries the total (graph.search.build_search), a short
page is the last one, any other page asks the count query; always the number of hits, on every page."""
from __future__ import annotations

import pytest

from socialekaart.catalog.records import StoredHit
from socialekaart.catalog.search import ServiceQuery


def all_hits(store, query: dict) -> list[StoredHit]:
    hits, page = [], 1
    while True:
        _, rows = store.search_services(ServiceQuery(**query, page_size=100, page=page))
        hits += rows
        if len(rows) < 100:
            return hits
        page += 1


@pytest.mark.parametrize("query", [dict(area_code="GM0664"), dict(area_code="WK066401"), dict(words=("schuld",)),
                                   dict(words=("zzzqqq",)), dict(life_domains=("geldzaken",), rungs=("licht",)),
                                   dict(point=(51.50, 3.89), radius=3000), dict(point=(51.50, 3.89), radius=1)])
def test_every_page_has_the_total_and_its_slice(demo_runtime, query):
    store = demo_runtime.store
    everything = all_hits(store, query)
    total = len(everything)
    for size in (1, 7, 50, 100, max(total, 1)):
        last = total // size + 2
        for page in sorted({1, 2, 3, last - 2, last - 1, last} - {0, -1}):
            found, rows = store.search_services(ServiceQuery(**query, page_size=min(size, 100), page=page))
            assert found == total, (size, page)
            assert rows == everything[(page - 1) * min(size, 100):page * min(size, 100)], (size, page)
