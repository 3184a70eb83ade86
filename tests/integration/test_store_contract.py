"""The storage contract, run on embedded FalkorDB and (when configured) on Neo4j."""
from __future__ import annotations

from datetime import date

import pytest

from socialekaart.catalog.model import Location, Organization, Service
from socialekaart.catalog.search import ServiceQuery
from socialekaart.places.model import Area
from socialekaart.shared.errors import NotFound, SocialeKaartError, ValidationError
from socialekaart.shared.hours import WeeklyHours

SQUARE = '{"type":"Polygon","coordinates":[[[3.88,51.49],[3.90,51.49],[3.90,51.51],[3.88,51.51],[3.88,51.49]]]}'
EAST = '{"type":"Polygon","coordinates":[[[3.90,51.49],[3.95,51.49],[3.95,51.51],[3.90,51.51],[3.90,51.49]]]}'


def small_region() -> list[Area]:
    return [
        Area("GM0664", "gemeente", "Goes", population=1000, centroid=(51.50, 3.90)),
        Area("WK066401", "wijk", "Goes-Centrum", parent_code="GM0664", population=600, centroid=(51.50, 3.89)),
        Area("WK066402", "wijk", "Goes-Oost", parent_code="GM0664", population=400, centroid=(51.50, 3.925)),
        Area("BU06640101", "buurt", "Binnenstad", parent_code="WK066401", population=600, geometry=SQUARE,
             centroid=(51.50, 3.89)),
        Area("BU06640201", "buurt", "Oostwijk", parent_code="WK066402", population=400, geometry=EAST,
             centroid=(51.50, 3.925)),
    ]


def services() -> tuple[list[Organization], list[Service]]:
    orgs = [Organization("org-welzijn", "Welzijn Goes", "welzijnsorganisatie"),
            Organization("org-netwerk", "Buren voor Buren", "vrijwilligersnetwerk", formal=False),
            Organization("org-zorg", "Zorg Plus", "zorgaanbieder")]
    svcs = [
        Service("svc-spreekuur", "org-welzijn", "Schuldhulpverlening spreekuur", "voorliggend", ["geldzaken"],
                description="Hulp bij schulden en rekeningen.", hours=WeeklyHours.parse("ma-vr 09:00-17:00"),
                last_verified=date(2026, 1, 5),
                location=Location("loc-1", 51.500, 3.890, "Markt 1", "4461AB", "Goes")),
        Service("svc-budget", "org-zorg", "Budgetbegeleiding", "maatwerk", ["geldzaken"],
                location=Location("loc-2", 51.5005, 3.8905, "Markt 3", "4461AB", "Goes")),
        Service("svc-opvang", "org-zorg", "Opvang huiselijk geweld", "maatwerk", ["relaties-thuis"],
                confidential=True, location=Location("loc-3", 51.501, 3.885, "Geheime straat 9", "4461AB", "Goes")),
        Service("svc-maatje", "org-netwerk", "Maatjes aan huis", "informeel", ["sociaal-netwerk", "geldzaken"],
                serves=["WK066402"]),
        Service("svc-oost", "org-welzijn", "Buurthuis Oost", "voorliggend", ["sociaal-netwerk"],
                location=Location("loc-4", 51.500, 3.93, "Oostplein 1", "4462AA", "Goes")),
    ]
    return orgs, svcs


@pytest.fixture
def filled(catalog):
    orgs, svcs = services()
    catalog.save(areas=small_region(), organizations=orgs, services=svcs)
    return catalog


def test_schema_is_idempotent(store):
    assert store.init_schema() in ([], store.init_schema())  # a second run creates nothing new on FalkorDB
    store.init_schema()
    assert store.is_empty()


def test_schema_drops_the_indexes_earlier_versions_made_and_nothing_uses(store):
    from graph.schema import OBSOLETE_INDEXES

    for index in OBSOLETE_INDEXES:  # as an older version left them
        if store.backend == "falkordb":
            store.connection.write(f"CREATE INDEX FOR (n:{index.label}) ON (n.{index.prop})")
            store.connection.unique_constraint(store.graph_name, index.label, index.prop)
        else:  # on Neo4j a unique constraint brings its own index
            for statement in store.dialect.index_statements(index):
                store.connection.write(statement)
    ran = store.init_schema()
    per_index = 2 if store.backend == "falkordb" else 1
    assert sum("DROP" in statement for statement in ran) == per_index * len(OBSOLETE_INDEXES)
    indexed = {(row["label"], prop) for row in store.connection.read(store.dialect.INDEXES_QUERY)
               for prop in row["properties"]}
    assert not {(index.label, index.prop) for index in OBSOLETE_INDEXES} & indexed
    assert ("Referral", "id") in indexed
    assert not [s for s in store.init_schema() if "DROP" in s]  # nothing left to drop


def test_counts_after_save(filled):
    counts = filled.store.counts()
    assert counts["Gemeente"] == 1 and counts["Wijk"] == 2 and counts["Buurt"] == 2
    assert counts["Organization"] == 3 and counts["Service"] == 5 and counts["Location"] == 4


def test_saving_twice_changes_nothing(filled):
    orgs, svcs = services()
    before = filled.store.counts()
    filled.save(areas=small_region(), organizations=orgs, services=svcs)
    assert filled.store.counts() == before
    rels = filled.store.connection.read("MATCH ()-[r]->() RETURN count(r) AS n")[0]["n"]
    filled.save(areas=small_region(), organizations=orgs, services=svcs)
    assert filled.store.connection.read("MATCH ()-[r]->() RETURN count(r) AS n")[0]["n"] == rels


def test_location_is_placed_in_its_buurt(filled):
    rows = filled.store.connection.read(
        "MATCH (s:Service {id: 'svc-oost'})-[:AT]->(l:Location)-[:IN]->(b:Buurt)-[:IN]->(w:Wijk)-[:IN]->(g:Gemeente) "
        "RETURN b.code AS buurt, w.code AS wijk, g.code AS gemeente")
    assert rows == [{"buurt": "BU06640201", "wijk": "WK066402", "gemeente": "GM0664"}]
    service = filled.service("svc-oost")
    assert (service.buurt_name, service.wijk_name, service.gemeente_name) == ("Oostwijk", "Goes-Oost", "Goes")


def test_nearest_first_with_distance_in_metres(filled):
    page = filled.search(lat=51.500, lon=3.890, radius=5000, sort="distance")
    distances = [h.distance for h in page.hits if not h.serves_area]
    assert distances == sorted(distances)
    assert page.hits[0].service.id == "svc-spreekuur" and page.hits[0].distance < 5
    oost = next(h for h in page.hits if h.service.id == "svc-oost")
    assert 2700 < oost.distance < 2850  # 0.04 degrees of longitude at 51.5 N is about 2.77 km


def test_radius_limits_results(filled):
    ids = {h.service.id for h in filled.search(lat=51.500, lon=3.890, radius=1000).hits}
    assert "svc-oost" not in ids and "svc-spreekuur" in ids


def test_lightest_rung_first_by_default(filled):
    page = filled.search(lat=51.500, lon=3.890, radius=5000, life_domains=["geldzaken"])
    rungs = [h.service.rung_level for h in page.hits]
    assert rungs == sorted(rungs)
    assert page.hits[-1].service.id == "svc-budget"


def test_werkgebied_counts_as_nearby(filled):
    # svc-maatje has no office at all; it serves wijk Goes-Oost.
    inside = filled.search(lat=51.500, lon=3.93, radius=100)
    hit = next(h for h in inside.hits if h.service.id == "svc-maatje")
    assert hit.serves_area is True
    outside = filled.search(lat=51.500, lon=3.890, radius=100)
    assert "svc-maatje" not in {h.service.id for h in outside.hits}


def test_a_werkgebied_saved_before_its_area_is_found_once_the_area_is_there(catalog):
    orgs, svcs = services()
    maatje = next(s for s in svcs if s.id == "svc-maatje")  # serves WK066402, has no office
    catalog.save(organizations=orgs, services=[maatje])
    with pytest.raises(NotFound):
        catalog.search(area="WK066402")  # no such area yet
    catalog.save(areas=small_region())
    assert [h.service.id for h in catalog.search(area="WK066402").hits] == ["svc-maatje"]
    assert "svc-maatje" in {h.service.id for h in catalog.search(lat=51.500, lon=3.93, radius=100).hits}
    catalog.save(areas=small_region())  # again: nothing doubles
    assert catalog.search(area="WK066402").total == 1


def test_confidential_location_is_never_stored_on_the_service(filled):
    service = filled.service("svc-opvang")
    assert service.address is None and service.postcode is None and service.buurt_code is None
    assert service.point_kind == "wijk"
    assert (service.lat, service.lon) == (51.50, 3.89)  # the wijk centroid, not 51.501/3.885


def test_pagination_happens_in_the_store(filled):
    first = filled.search(lat=51.5, lon=3.89, radius=5000, page_size=2, page=1)
    second = filled.search(lat=51.5, lon=3.89, radius=5000, page_size=2, page=2)
    assert first.total == second.total == 4  # svc-maatje serves another wijk
    assert len(first.hits) == 2 and len(second.hits) == 2
    assert not {h.service.id for h in first.hits} & {h.service.id for h in second.hits}


def text_hits(catalog, *words: str) -> list[str]:
    """The store's full-text search itself (the HSDS search uses it; the catalog's q reads the words
    first, socialekaart/catalog/understanding.py, and so also finds help by leefgebied)."""
    return [row.service.id for row in catalog.store.search_services(ServiceQuery(words=words))[1]]


def test_full_text_with_prefix_and_stemming(filled):
    assert text_hits(filled, "schuld") == ["svc-spreekuur"]
    assert text_hits(filled, "schulden") == ["svc-spreekuur"]
    assert "svc-maatje" in text_hits(filled, "buren")  # organisation name
    # Through the catalog the name match comes first, whatever the tags.
    assert filled.search(q="schulden").hits[0].service.id == "svc-spreekuur"


def test_hostile_text_reaches_the_store_only_as_words(filled):
    page = filled.search(q="') RETURN 1 // MATCH (n) DETACH DELETE n")
    assert page.total == 0
    assert filled.store.counts()["Service"] == 5


def test_bad_batch_writes_nothing(catalog):
    orgs, svcs = services()
    svcs[-1].rung = "zwaar"  # invalid: rejected before anything is written
    with pytest.raises(ValidationError) as caught:
        catalog.save(areas=small_region(), organizations=orgs, services=svcs)
    assert "rung" in caught.value.errors
    assert catalog.store.is_empty()


def test_failing_statement_rolls_back_the_whole_unit(store):
    good = ("UNWIND $rows AS row MERGE (o:Organization {id: row}) SET o.name = row", {"rows": ["a", "b"]})
    failing = ("MATCH (o:Organization {id: 'a'}) SET o.point = point({latitude: $bad, longitude: 3.0})",
               {"bad": "not a number"})
    with pytest.raises(SocialeKaartError):
        with store.unit_of_work() as uow:
            uow.add([good, failing])
    assert store.counts()["Organization"] == 0


def test_an_error_inside_the_unit_of_work_writes_nothing(store):
    good = ("UNWIND $rows AS row MERGE (o:Organization {id: row}) SET o.name = row", {"rows": ["a", "b"]})
    with pytest.raises(ValueError):
        with store.unit_of_work() as uow:
            uow.add([good])
            raise ValueError("halverwege mis")
    assert store.counts()["Organization"] == 0
    with store.unit_of_work() as uow:
        uow.add([good])
    assert store.counts()["Organization"] == 2


def test_renaming_an_organisation_updates_its_services(filled):
    filled.save(organizations=[Organization("org-netwerk", "Buren Helpen Buren", "vrijwilligersnetwerk",
                                            formal=False)])
    assert filled.service("svc-maatje").org_name == "Buren Helpen Buren"
    assert text_hits(filled, "helpen") == ["svc-maatje"]
    assert [h.service.id for h in filled.search(q="helpen").hits] == ["svc-maatje"]
