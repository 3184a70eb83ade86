"""Updating a node so that several of its properties become empty removes exactly those.

FalkorDB 4.16 removes the wrong properties when one query clears several properties of a node
(``SET n.a = null, n.b = null`` or ``SET n += {a: null, b: null}``): it keeps some of the
cleared ones and deletes others that were not touched. The store therefore replaces a node's
properties as a whole (``SET n = row.props``; see graph/store.py). The first test pins the quirk on
FalkorDB, so that we notice when a FalkorDB release fixes it; the others show our writes are right.
"""
from __future__ import annotations

import dataclasses

from socialekaart.catalog.model import Organization
from tests.integration.test_store_contract import services, small_region


def properties(store, label: str, key: str, value: str) -> dict:
    rows = store.connection.read(f"MATCH (n:{label} {{{key}: $value}}) RETURN properties(n) AS p", {"value": value})
    return dict(rows[0]["p"])


def test_falkordb_clears_the_wrong_properties_when_one_query_clears_several(store):
    """The quirk is FalkorDB's; Neo4j clears exactly the four (checked too: the workaround is not needed there)."""
    store.connection.write("CREATE (n:Quirk {id: 'q', a_at: '1', a_ms: 1, b_at: '2', b_ms: 2, c_at: '3', c_ms: 3, "
                           "d_at: '4', d_ms: 4})")
    store.connection.write("MATCH (n:Quirk {id: 'q'}) SET n.a_ms = null, n.b_ms = null, n.c_ms = null, n.d_ms = null")
    left = set(properties(store, "Quirk", "id", "q"))
    if store.backend == "neo4j":
        assert left == {"id", "a_at", "b_at", "c_at", "d_at"}
        return
    # Right would be {id, a_at, b_at, c_at, d_at}. If this fails, FalkorDB fixed it: good news,
    # and the whole-map writes in graph/store.py could go back to `+=`.
    assert left != {"id", "a_at", "b_at", "c_at", "d_at"}


def test_a_service_update_that_empties_several_fields_removes_exactly_those(catalog):
    catalog.save(areas=small_region())
    orgs, svcs = services()
    full = dataclasses.replace(svcs[0], phone="0113 123456",
                               email="info@welzijn.example", website="https://welzijn.example", age_min=18,
                               age_max=67, cost_note="Gratis voor inwoners", capacity_note="Korte wachttijd",
                               wait_weeks=2)
    catalog.save(organizations=orgs, services=[full])
    before = properties(catalog.store, "Service", "id", full.id)
    emptied = ("phone", "email", "website", "age_min", "age_max", "cost_note", "capacity_note",
               "wait_weeks")
    assert all(before.get(field) is not None for field in emptied)

    # Without its location too: the address, point and area fields (the last ones written) go as well.
    catalog.save(organizations=orgs, services=[dataclasses.replace(full, location=None, serves=["GM0664"],
                                                                   **{field: None for field in emptied})])
    after = properties(catalog.store, "Service", "id", full.id)
    emptied += ("location_id", "address", "postcode", "city", "point_kind", "lat", "lon", "point", "buurt_code",
                "buurt_name", "wijk_code", "wijk_name", "gemeente_code", "gemeente_name")
    assert all(before.get(field) is not None for field in emptied)
    assert not set(emptied) & set(after)
    changing = ("modified", "serves", "version")  # every save raises the version (optimistic concurrency)
    untouched = {k: v for k, v in before.items() if k not in emptied and k not in changing}
    assert {k: v for k, v in after.items() if k in untouched} == untouched
    assert set(after) == set(untouched) | set(changing) and after["serves"] == ["GM0664"]
    assert after["version"] == before["version"] + 1


def test_an_organisation_update_that_empties_several_fields_removes_exactly_those(catalog):
    full = Organization("org-x", "Organisatie X", "welzijnsorganisatie", description="Over ons",
                        website="https://x.example", phone="0113 000000", email="x@x.example")
    catalog.save(organizations=[full])
    before = properties(catalog.store, "Organization", "id", "org-x")
    catalog.save(organizations=[dataclasses.replace(full, website=None, phone=None, email=None)])
    after = properties(catalog.store, "Organization", "id", "org-x")
    assert after == {k: v for k, v in before.items() if k not in ("website", "phone", "email")}
