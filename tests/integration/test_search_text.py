"""The inwoner's words are looked for in each service's stored lower-case ``search_text`` (name,
description, organisation), and the services a word search starts from come through the leefgebied
and doelgroep relationships plus one pass over that text (graph/stores/search.py). Both must give
exactly what a scan of every service gives, on each store."""
from __future__ import annotations

import pytest

from graph.migrations import backfill_search_text
from graph.search_text import search_text
from socialekaart.catalog.model import Organization
from socialekaart.catalog.search import ServiceQuery
from socialekaart.shared import taxonomy
from tests.integration.test_store_contract import filled, services, small_region  # noqa: F401

READ = "MATCH (s:Service) RETURN s.id AS id, s.search_text AS text ORDER BY id"


def stored_texts(store) -> dict[str, str]:
    return {row["id"]: row["text"] for row in store.connection.read(READ)}


def expected_texts(organizations, svcs) -> dict[str, str]:
    names = {o.id: o.name for o in organizations}
    return {s.id: search_text(s.name, s.description, names[s.organization_id]) for s in svcs}


def test_every_saved_service_carries_its_lower_case_search_text(filled):  # noqa: F811
    orgs, svcs = services()
    texts = stored_texts(filled.store)
    assert texts == expected_texts(orgs, svcs)
    assert texts["svc-spreekuur"] == "schuldhulpverlening spreekuur hulp bij schulden en rekeningen. welzijn goes"


def test_a_renamed_organisation_changes_the_search_text_of_its_services(filled):  # noqa: F811
    filled.save(organizations=[Organization("org-netwerk", "Buren Helpen Buren", "vrijwilligersnetwerk",
                                            formal=False)])
    texts = stored_texts(filled.store)
    assert texts["svc-maatje"] == "maatjes aan huis  buren helpen buren"  # no description: two spaces
    orgs, svcs = services()
    unchanged = expected_texts(orgs, svcs)
    assert {k: v for k, v in texts.items() if k != "svc-maatje"} == \
        {k: v for k, v in unchanged.items() if k != "svc-maatje"}


def test_services_saved_before_the_search_text_existed_get_it_from_the_migration(filled):  # noqa: F811
    store = filled.store
    before = stored_texts(store)
    words = ServiceQuery(any_terms=("rekening",))
    assert [h.service.id for h in store.search_services(words)[1]] == ["svc-spreekuur"]
    store.connection.write("MATCH (s:Service) WHERE s.id <> 'svc-oost' SET s.search_text = null")
    assert store.search_services(words) == (0, [])  # an older graph: its words are not found
    assert backfill_search_text(store.connection, batch=2) == len(before) - 1
    assert stored_texts(store) == before  # the Cypher twin writes what Python writes
    assert backfill_search_text(store.connection) == 0  # nothing left
    assert [h.service.id for h in store.search_services(words)[1]] == ["svc-spreekuur"]


def _scan_of_all(region, query: ServiceQuery) -> list[str]:
    """What a search with the inwoner's words starts from, worked out over every service in Python:
    a recognised leefgebied or doelgroep, or a key in the text; lightest rung first, then name, id."""
    names = {o.id: o.name for o in region.organizations}
    found = [s for s in region.services
             if set(s.life_domains) & set(query.any_life_domains)
             or set(s.target_groups) & set(query.any_target_groups)
             or any(t in search_text(s.name, s.description, names[s.organization_id]) for t in query.any_terms)]
    found.sort(key=lambda s: (taxonomy.RUNG_BY_CODE[s.rung].level, s.name, s.id))
    return [s.id for s in found]


@pytest.mark.parametrize("domains, groups, terms", [
    (("geldzaken",), ("schulden",), ("schuld",)),
    (("dagelijkse-activiteiten", "geestelijke-gezondheid"), ("mantelzorgers",), ("mantelzorg",)),
    ((), (), ("buurthuis",)),
    (("sociaal-netwerk",), (), ()),
    ((), ("jeugd",), ()),
    ((), (), ("cliëntondersteuning", "clientondersteuning")),
    ((), (), ("zzzgeenwoord",)),
])
def test_word_candidates_are_exactly_what_a_scan_of_every_service_finds(demo_runtime, domains, groups, terms):
    region = demo_runtime.demo_region
    query = ServiceQuery(any_life_domains=domains, any_target_groups=groups, any_terms=terms,
                         sort="licht", page=1, page_size=1000)
    wanted = _scan_of_all(region, query)
    assert len(wanted) < len(region.services)  # a real selection, not all of them
    total, hits = demo_runtime.store.search_services(query)
    assert total == len(wanted)
    assert [hit.service.id for hit in hits] == wanted
    assert [hit.service.id for hit in demo_runtime.store.search_candidates(query)] == wanted
