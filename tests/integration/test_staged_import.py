"""A large import (more new services than ``Catalog.stage_size``) is written in batches into a stage
that no read sees; its last unit (with the rest of the import) is the decision point, after which
the stage is made visible in batches and always finished, also by the next import or `db init` when
the import was killed. The same graph as one unit gives, and all or nothing when anything fails
(issue 13 §3: national imports within the server's memory)."""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest
from click.testing import CliRunner

import graph.stores.catalog as catalog_store
from graph.stores.snapshots import StoreSnapshots, services_by_id
from socialekaart.catalog.importing import ImportService
from socialekaart.catalog.model import Location, Service
from socialekaart.catalog.service import Catalog
from socialekaart.shared.clock import iso
from socialekaart.shared.errors import SocialeKaartError
from tests.integration.test_import_write_paths import NoLocator, relations
from tests.integration.test_store_contract import services, small_region


def staged_catalog(store, size: int = 2) -> Catalog:
    return Catalog(store, NoLocator(), stage_size=size)


def leftovers(store) -> dict[str, int]:
    return {label: store.connection.read(f"MATCH (n:{label}) RETURN count(n) AS n")[0]["n"]
            for label in ("StagedService", "StagedLocation", "ImportStage")}


NOTHING_LEFT = {"StagedService": 0, "StagedLocation": 0, "ImportStage": 0}


def seen_by_reads(catalog: Catalog, ids: list[str]) -> dict[str, object]:
    store = catalog.store
    return {"counts": {k: v for k, v in store.counts().items() if k in ("Service", "Location")},
            "details": [i for i in ids if store.service(i) is not None],
            "organization": [row for row in store.organization_services("org-welzijn")],
            "in area": catalog.search(area="GM0664").total}


def test_a_staged_import_gives_the_same_graph_as_one_unit(store):
    catalog = staged_catalog(store)
    catalog.save(areas=small_region())
    orgs, svcs = services()
    told: list[tuple[int, int]] = []
    catalog.save(organizations=orgs, services=svcs, created={s.id for s in svcs}, progress=lambda *p: told.append(p))
    assert told == [(2, 5), (4, 5), (5, 5)]  # three batches of at most two
    assert leftovers(store) == NOTHING_LEFT
    staged = {s.id: relations(store, s.id) for s in svcs}
    snapshots = services_by_id(store, [s.id for s in svcs])
    assert staged["svc-spreekuur"] == {"orgs": ["org-welzijn"], "domains": ["geldzaken"], "groups": [],
                                       "serves": [], "buurten": ["BU06640101"], "point": True}
    assert catalog.search(area="GM0664").total == 5
    assert store.counts()["Location"] == 4

    Catalog(store, NoLocator(), stage_size=None).save(organizations=orgs, services=svcs)  # the upsert path
    assert {s.id: relations(store, s.id) for s in svcs} == staged
    again = services_by_id(store, [s.id for s in svcs])
    for service_id, first in snapshots.items():
        assert replace(again[service_id], modified=None) == replace(first, modified=None)


def test_nothing_of_a_stage_is_visible_before_it_is_published(store):
    catalog = staged_catalog(store)
    catalog.save(areas=small_region())
    orgs, svcs = services()
    before = seen_by_reads(catalog, [s.id for s in svcs])
    during: list[dict[str, object]] = []

    def look(written: int, total: int) -> None:
        during.append(seen_by_reads(catalog, [s.id for s in svcs]))
        assert leftovers(store)["StagedService"] == written  # the batches are stored ...

    catalog.save(organizations=orgs, services=svcs, created={s.id for s in svcs}, progress=look)
    assert len(during) == 3 and all(seen == before for seen in during)  # ... and no read saw them
    assert before["counts"] == {"Service": 0, "Location": 0}
    assert seen_by_reads(catalog, [s.id for s in svcs])["in area"] == 5


def test_a_failing_batch_removes_the_stage_and_writes_nothing(store):
    catalog = staged_catalog(store)
    catalog.save(areas=small_region())
    orgs, svcs = services()
    before = store.counts()

    def fail(written: int, total: int) -> None:
        if written == 4:
            raise KeyboardInterrupt  # the import stopped halfway, as with Ctrl-C

    with pytest.raises(KeyboardInterrupt):
        catalog.save(organizations=orgs, services=svcs, created={s.id for s in svcs}, progress=fail)
    assert store.counts() == before
    assert leftovers(store) == NOTHING_LEFT


def test_a_stage_that_lost_a_service_is_not_published(store):
    """The publish checks the stage is whole (another import may have removed it as abandoned)."""
    catalog = staged_catalog(store)
    catalog.save(areas=small_region())
    orgs, svcs = services()
    before = store.counts()

    def lose_one(written: int, total: int) -> None:
        if written == total:
            store.connection.write("MATCH (s:StagedService {id: 'svc-budget'}) DETACH DELETE s")

    with pytest.raises(SocialeKaartError):
        catalog.save(organizations=orgs, services=svcs, created={s.id for s in svcs}, progress=lose_one)
    assert store.counts() == before
    assert leftovers(store) == NOTHING_LEFT


def test_a_staged_service_stored_meanwhile_refuses_the_whole_import(store):
    catalog = staged_catalog(store)
    catalog.save(areas=small_region())
    orgs, svcs = services()
    catalog.save(organizations=orgs, services=[svcs[1]])
    before = store.counts()
    # svc-budget is stored, but the caller took it for new (its snapshot was older), with a new location
    svcs[1].location = Location("loc-nieuw", 51.5005, 3.8905, "Markt 5", "4461AB", "Goes")
    with pytest.raises(SocialeKaartError):
        catalog.save(organizations=orgs, services=svcs, created={s.id for s in svcs})
    assert store.counts() == before
    assert leftovers(store) == NOTHING_LEFT


def test_services_at_a_stored_location_are_written_in_the_final_unit(store):
    catalog = staged_catalog(store, size=1)
    catalog.save(areas=small_region())
    orgs, svcs = services()
    catalog.save(organizations=orgs, services=[svcs[0]])  # loc-1 is stored now
    newcomers = [Service(f"svc-n{i}", "org-welzijn", f"Nieuw {i}", "licht", ["geldzaken"],
                         location=Location("loc-1", 51.500, 3.890, "Markt 1", "4461AB", "Goes")) for i in range(3)]
    newcomers.append(Service("svc-eigen", "org-welzijn", "Eigen plek", "licht", ["geldzaken"],
                             location=Location("loc-eigen", 51.5001, 3.8901, "Markt 2", "4461AB", "Goes")))
    newcomers.append(Service("svc-overal", "org-welzijn", "Overal", "licht", ["geldzaken"], serves=["GM0664"]))
    told: list[tuple[int, int]] = []
    catalog.save(organizations=orgs, services=newcomers, created={s.id for s in newcomers},
                 progress=lambda *p: told.append(p))
    assert told == [(1, 2), (2, 2)]  # only the two without a stored location were staged
    rows = store.connection.read("MATCH (s:Service)-[:AT]->(l:Location {id: 'loc-1'}) RETURN count(s) AS n")
    assert rows[0]["n"] == 4 and store.counts()["Location"] == 2
    assert relations(store, "svc-eigen")["buurten"] == ["BU06640101"]
    assert leftovers(store) == NOTHING_LEFT


def test_a_committed_stage_is_made_visible_in_batches_each_whole(store, monkeypatch):
    monkeypatch.setattr(catalog_store, "PUBLISH_BATCH", 2)
    catalog = staged_catalog(store, size=4)
    catalog.save(areas=small_region())
    orgs, svcs = services()
    catalog.save(organizations=orgs, services=svcs[:1])  # more than stage_size new ones are staged
    seen: list[tuple[int, int, int]] = []
    publish = store.publish_stage

    def watched(stage: str, now: str, progress=None) -> int:
        def look(published: int, total: int) -> None:
            # after each batch every visible service has its organisation and its location
            rows = store.connection.read("MATCH (s:Service) OPTIONAL MATCH (o:Organization)-[:PROVIDES]->(s) "
                                         "OPTIONAL MATCH (s)-[:AT]->(l:Location) RETURN count(s) AS s, "
                                         "count(o) AS o, count(l) AS l")[0]
            seen.append((published, rows["s"], rows["o"]))
            assert rows["s"] == rows["o"] == 1 + published
        return publish(stage, now, progress=look)

    monkeypatch.setattr(store, "publish_stage", watched)
    more = [Service(f"svc-extra-{i}", "org-welzijn", f"Extra {i}", "licht", ["geldzaken"],
                    location=Location(f"loc-extra-{i}", 51.50 + i / 1000, 3.89, "Markt 9", "4461AB", "Goes"))
            for i in range(5)]
    catalog.save(organizations=orgs, services=more, created={s.id for s in more})
    assert [published for published, _, _ in seen] == [2, 4, 5]
    assert leftovers(store) == NOTHING_LEFT
    assert store.counts()["Service"] == 6 and store.counts()["Location"] == 6
    assert relations(store, "svc-extra-3")["orgs"] == ["org-welzijn"]


def test_a_committed_stage_of_a_killed_import_is_finished_by_db_init(store, backend_settings, monkeypatch):
    """Killed after its decision point (and after one batch was published): the next `db init`
    finishes it, once its heartbeat is an hour old; before that it is left alone."""
    catalog = staged_catalog(store)
    catalog.save(areas=small_region())
    orgs, svcs = services()
    catalog.save(organizations=orgs, services=[])
    long_ago = iso(datetime.now(timezone.utc) - timedelta(hours=2))
    stage = store.begin_stage(long_ago)
    with store.unit_of_work() as uow:
        uow.save_taxonomy()
        uow.stage_services(stage, long_ago, svcs, {s.id: {} for s in svcs}, {o.id: o for o in orgs}, long_ago)
    with store.unit_of_work() as uow:
        uow.commit_stage(stage, len(svcs))
    monkeypatch.setattr(catalog_store, "PUBLISH_BATCH", 2)
    with store.unit_of_work() as uow:  # one batch went through, then the process was killed
        uow.add(catalog_store.publish_batch_statements(stage, long_ago, [svcs[0].id, svcs[1].id],
                                                       [svcs[0].location.id, svcs[1].location.id]))
    assert store.counts()["Service"] == 2 and leftovers(store)["ImportStage"] == 1
    assert store.settle_stages(iso(datetime.now(timezone.utc) - timedelta(hours=2))) == {"finished": 0, "removed": 0}

    from web.bootstrap import Runtime
    from web.cli import main

    runtime = Runtime(backend_settings)
    try:
        result = CliRunner().invoke(main, ["db", "init"], obj={"runtime": runtime})
    finally:
        runtime.close()
    assert result.exit_code == 0 and "1 afgemaakt, 0 opgeruimd" in result.output, result.output
    assert store.counts()["Service"] == 5 and leftovers(store) == NOTHING_LEFT
    assert {s.id: relations(store, s.id)["orgs"] for s in svcs} == {s.id: [s.organization_id] for s in svcs}


def test_a_stage_left_by_a_killed_import_is_removed_by_the_next(store):
    catalog = staged_catalog(store)
    catalog.save(areas=small_region())
    orgs, svcs = services()
    long_ago = iso(datetime.now(timezone.utc) - timedelta(hours=2))
    stage = store.begin_stage(long_ago)
    with store.unit_of_work() as uow:  # a killed import wrote one batch and never came back
        uow.save_taxonomy()
        placements = {s.id: {} for s in svcs}
        uow.stage_services(stage, long_ago, svcs[:2], placements, {o.id: o for o in orgs}, long_ago)
    assert leftovers(store) == {"StagedService": 2, "StagedLocation": 2, "ImportStage": 1}
    assert store.counts()["Service"] == 0

    recent = store.begin_stage(iso(datetime.now(timezone.utc)))  # a running import is left alone
    catalog.save(organizations=orgs, services=svcs, created={s.id for s in svcs})
    assert leftovers(store) == {"StagedService": 0, "StagedLocation": 0, "ImportStage": 1}
    store.discard_stage(recent)
    assert leftovers(store) == NOTHING_LEFT
    assert store.counts()["Service"] == 5


def test_an_import_plan_is_written_in_stages_and_tells_its_progress(store):
    catalog = staged_catalog(store)
    catalog.save(areas=small_region())
    orgs, svcs = services()
    told: list[tuple[int, int]] = []
    imports = ImportService(catalog, StoreSnapshots(store), write_progress=lambda *p: told.append(p))
    assert imports.commit(imports.plan(organizations=orgs, services=svcs))
    assert told == [(2, 5), (4, 5), (5, 5)]
    assert store.counts()["Service"] == 5 and leftovers(store) == NOTHING_LEFT


# -- a large re-import: more changed services than stage_size ------------------------------------------

def pending(store) -> int:
    return store.connection.read("MATCH (s:Service) WHERE s.pending_stage IS NOT NULL RETURN count(s) AS n")[0]["n"]


def changed(svcs: list[Service]) -> list[Service]:
    """Every service changed: text, leefgebieden, werkgebied, and one moved to a new location."""
    out = [replace(s, description=f"Nieuw: {s.description or s.name}", life_domains=["werk-opleiding"],
                   serves=["GM0664"]) for s in svcs]
    out[0].location = Location("loc-verhuisd", 51.5012, 3.8915, "Nieuwstraat 1", "4461AA", "Goes")
    return out


def stored_view(store, catalog: Catalog, ids: list[str]) -> dict[str, object]:
    snapshots = services_by_id(store, ids)
    return {"relations": {i: relations(store, i) for i in ids},
            "snapshots": {i: replace(s, modified=None) for i, s in snapshots.items()},
            "counts": {k: v for k, v in store.counts().items() if k in ("Service", "Location")},
            "in area": catalog.search(area="GM0664").total,
            "werk": catalog.search(life_domains=["werk-opleiding"]).total}


def test_a_staged_reimport_of_changed_services_gives_the_same_graph_as_one_unit(store):
    catalog = staged_catalog(store)
    catalog.save(areas=small_region())
    orgs, svcs = services()
    catalog.save(organizations=orgs, services=svcs, created={s.id for s in svcs})
    ids = [s.id for s in svcs]
    told: list[tuple[int, int]] = []
    catalog.save(organizations=orgs, services=changed(svcs), progress=lambda *p: told.append(p))
    assert told == [(2, 5), (4, 5), (5, 5)]  # three batches of kept changes
    staged = stored_view(store, catalog, ids)
    assert pending(store) == 0 and leftovers(store) == NOTHING_LEFT
    assert staged["werk"] == 5 and staged["relations"][svcs[0].id]["domains"] == ["werk-opleiding"]
    assert staged["snapshots"][svcs[0].id].location.id == "loc-verhuisd"
    assert all(s.description.startswith("Nieuw: ") for s in staged["snapshots"].values())

    # The same change through one unit gives the same graph.
    Catalog(store, NoLocator(), stage_size=None).save(organizations=orgs, services=svcs)  # back
    assert stored_view(store, catalog, ids)["werk"] == 0
    Catalog(store, NoLocator(), stage_size=None).save(organizations=orgs, services=changed(svcs))
    assert stored_view(store, catalog, ids) == staged


def test_changes_are_unseen_until_the_decision_point_and_a_failure_before_it_keeps_the_old(store):
    catalog = staged_catalog(store)
    catalog.save(areas=small_region())
    orgs, svcs = services()
    catalog.save(organizations=orgs, services=svcs, created={s.id for s in svcs})
    ids = [s.id for s in svcs]
    before = stored_view(store, catalog, ids)
    during: list[dict[str, object]] = []

    def look_then_stop(written: int, total: int) -> None:
        during.append(stored_view(store, catalog, ids))
        assert pending(store) == written  # the new values are stored ...
        if written == total:
            raise KeyboardInterrupt  # ... and the import stops just before its decision point

    with pytest.raises(KeyboardInterrupt):
        catalog.save(organizations=orgs, services=changed(svcs), progress=look_then_stop)
    assert len(during) == 3 and all(seen == before for seen in during)  # no read saw them
    assert stored_view(store, catalog, ids) == before and pending(store) == 0
    assert leftovers(store) == NOTHING_LEFT


def test_a_service_edited_while_its_change_waits_refuses_the_whole_import(store):
    catalog = staged_catalog(store)
    catalog.save(areas=small_region())
    orgs, svcs = services()
    catalog.save(organizations=orgs, services=svcs, created={s.id for s in svcs})
    ids = [s.id for s in svcs]

    def edit_one(written: int, total: int) -> None:
        if written == total:  # a beheerder saves svc-budget meanwhile: its waiting change is gone
            Catalog(store, NoLocator(), stage_size=None).save(
                organizations=orgs, services=[replace(svcs[1], wait_weeks=3)])

    with pytest.raises(SocialeKaartError):
        catalog.save(organizations=orgs, services=changed(svcs), progress=edit_one)
    after = stored_view(store, catalog, ids)
    assert after["werk"] == 0 and pending(store) == 0 and leftovers(store) == NOTHING_LEFT
    assert after["snapshots"]["svc-budget"].wait_weeks == 3  # the edit stands, nothing of the import


def test_committed_changes_of_a_killed_import_are_finished_by_settling(store, monkeypatch):
    catalog = staged_catalog(store)
    catalog.save(areas=small_region())
    orgs, svcs = services()
    catalog.save(organizations=orgs, services=svcs, created={s.id for s in svcs})
    long_ago = iso(datetime.now(timezone.utc) - timedelta(hours=2))
    stage = store.begin_stage(long_ago)
    new = changed(svcs)
    placements = {s.id: {} for s in new}
    with store.unit_of_work() as uow:
        uow.stage_changes(stage, long_ago, new, placements, {o.id: o for o in orgs}, long_ago)
    with store.unit_of_work() as uow:
        uow.commit_stage(stage, 0, len(new))
    monkeypatch.setattr(catalog_store, "PUBLISH_BATCH", 2)
    changes = [row["c"] for row in store.connection.read(
        "MATCH (s:Service) WHERE s.pending_stage = $stage RETURN s.pending AS c ORDER BY s.id LIMIT 2",
        {"stage": stage})]
    with store.unit_of_work() as uow:  # one batch went through, then the process was killed
        uow.add(catalog_store.apply_pending_statements(stage, long_ago, changes))
    assert pending(store) == 3 and catalog.search(life_domains=["werk-opleiding"]).total == 2

    assert catalog.settle_imports() == {"finished": 1, "removed": 0}
    assert pending(store) == 0 and leftovers(store) == NOTHING_LEFT
    assert catalog.search(life_domains=["werk-opleiding"]).total == 5
    assert services_by_id(store, [svcs[0].id])[svcs[0].id].location.id == "loc-verhuisd"


def test_edits_checked_against_their_version_are_never_staged(store):
    catalog = staged_catalog(store)
    catalog.save(areas=small_region())
    orgs, svcs = services()
    catalog.save(organizations=orgs, services=svcs, created={s.id for s in svcs})
    versions = {s.id: store.service(s.id).version for s in svcs}
    told: list[tuple[int, int]] = []
    catalog.save(organizations=orgs, services=changed(svcs), expected_versions=versions,
                 progress=lambda *p: told.append(p))
    assert told == []  # one unit: the version check and the writes together
    assert {s.id: store.service(s.id).version for s in svcs} == {i: v + 1 for i, v in versions.items()}
