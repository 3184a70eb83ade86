"""Network figures counted in the store: the same figures as counted from fact rows in Python, for
every grouping, cell-key noise included (the rows carry the store's record keys, so the key sums must
match too); the epoch milliseconds and record keys they rest on, written with each change and backfilled
for graphs written before they existed."""
from __future__ import annotations

import json

import pytest

from graph.epoch_ms import TIMED, epoch_ms, ms_name
from graph.migrations import backfill_epoch_ms, backfill_record_keys
from socialekaart.referrals.figure_publication import published_from_rows
from socialekaart.referrals.figures import GROUPINGS, Durations, local_months
from tests.referrals.test_referral_network import NOW, fact_rows, goes, played, scenario  # noqa: F401

READ_MS = "MATCH (r:Referral) RETURN r.id AS id, r {.id, " + ", ".join(
    f".{f}, .{ms_name(f)}" for f in TIMED) + "} AS times ORDER BY id"


def stored_times(connection) -> list[dict]:
    return [row["times"] for row in connection.read(READ_MS)]


def with_record_keys(rows: list[dict], played: dict[str, str], connection) -> list[dict]:  # noqa: F811
    """The fact rows with each referral's record key as the store holds it."""
    keys = {row["id"]: row["ckey"] for row in connection.read("MATCH (r:Referral) RETURN r.id AS id, r.ckey AS ckey")}
    return [dict(row, ckey=keys[played[row["id"]]]) for row in rows]


def test_every_referral_has_a_secret_record_key_and_old_ones_get_one(played, runtime):  # noqa: F811
    connection = runtime.store.connection
    keys = {row["id"]: row["ckey"] for row in connection.read("MATCH (r:Referral) RETURN r.id AS id, r.ckey AS ckey")}
    assert len(keys) == len(played) and all(isinstance(k, int) and 0 <= k < 2 ** 31 for k in keys.values())
    assert len(set(keys.values())) == len(keys)  # random: 25 keys of 31 bits do not repeat
    # A graph from before record keys: the migration gives each referral one and keeps those there are.
    kept = sorted(keys)[:3]
    connection.write("MATCH (r:Referral) WHERE NOT r.id IN $kept SET r.ckey = null", {"kept": kept})
    assert backfill_record_keys(connection, batch=4) == len(keys) - len(kept)
    after = {row["id"]: row["ckey"] for row in connection.read("MATCH (r:Referral) RETURN r.id AS id, r.ckey AS ckey")}
    assert all(isinstance(k, int) and 0 <= k < 2 ** 31 for k in after.values())
    assert {i: after[i] for i in kept} == {i: keys[i] for i in kept}
    assert backfill_record_keys(connection) == 0  # nothing left


def test_every_grouping_matches_the_figures_from_rows(played, rr, actors, runtime):  # noqa: F811
    rows = with_record_keys(goes(fact_rows(scenario())), played, runtime.store.connection)
    coordinator = actors["coordinator"].principal
    expected = published_from_rows(rows, now=NOW, closure_days=30)
    for group_by in GROUPINGS:
        stored = rr.network.figures(coordinator, group_by=group_by)
        wanted = [] if group_by == "total" else expected["groups"][group_by]
        assert json.dumps(stored["groups"]) == json.dumps(wanted), group_by  # ints stay ints
        assert json.dumps(stored["total"]) == json.dumps(expected["total"]), group_by
    for days in (1, 20, 40, 365):  # other closure windows move the matured and closed counts
        assert json.dumps(rr.network.figures(coordinator, closure_days=days)["total"]) == \
            json.dumps(published_from_rows(rows, now=NOW, closure_days=days)["total"])


def test_flows_from_the_store_match_the_flows_from_rows(played, rr, actors, runtime):  # noqa: F811
    body = rr.network.flows(actors["coordinator"].principal)
    partners = rr.referral_store.partners(["GM0664"])
    kinds = {o.id: o.kind for o in rr.referral_store.partners(None)}
    rows = [dict(r, from_org_kind=kinds[r["from_org_id"]], to_org_kind=kinds[r["to_org_id"]])
            for r in with_record_keys(goes(fact_rows(scenario())), played, runtime.store.connection)]
    expected = published_from_rows(rows, now=NOW, closure_days=30, partners=partners)["flows"]
    assert {k: body[k] for k in expected} == expected


def test_epoch_ms_are_written_with_every_change_and_backfilled(played, runtime):  # noqa: F811
    connection = runtime.store.connection
    written = stored_times(connection)
    assert written and all(t[ms_name(f)] == (epoch_ms(t[f]) if t[f] else None) for t in written for f in TIMED)
    assert any(t["closed_ms"] for t in written)
    # A graph from before: no milliseconds.
    for f in TIMED:  # one per statement: FalkorDB 4.x can drop the wrong property when one SET clears several
        connection.write(f"MATCH (r:Referral) SET r.{ms_name(f)} = null")
    assert backfill_epoch_ms(connection, batch=5) == sum(1 for t in written if t["sent_at"])
    assert stored_times(connection) == [t if t["sent_at"] else {**t, "closed_ms": None} for t in written]
    assert backfill_epoch_ms(connection) == 0  # nothing left
    # One referral sent by an older process since.
    connection.write("MATCH (r:Referral) WHERE r.received_at IS NOT NULL WITH r LIMIT 1 SET r.sent_ms = null")
    runtime.store.init_schema()  # init_schema runs it
    assert stored_times(connection) == [t if t["sent_at"] else {**t, "closed_ms": None} for t in written]


@pytest.mark.parametrize("text", ["2026-01-05T09:00:00.000+00:00", "2024-02-29T23:59:59.999+00:00",
                                  "1999-12-31T23:00:00.000+00:00", "2026-03-29T01:30:00.000+02:00"])
def test_backfill_arithmetic_matches_python(runtime, text):
    from graph.epoch_ms import cypher_epoch_ms

    assert runtime.store.connection.read(f"RETURN {cypher_epoch_ms('$t')} AS ms", {"t": text})[0]["ms"] == \
        epoch_ms(text)


def test_durations_and_local_months():
    assert Durations.of([5, 1, 3, 2]) == Durations(4, 2, 3, 5) and Durations.of([5, 1, 3, 2]).median == 2.5
    assert Durations.of([4, 1, 3]).median == 3 and Durations.of([]) == Durations(0)
    from datetime import datetime, timezone
    months = local_months(datetime(2025, 12, 31, 23, 0, tzinfo=timezone.utc),
                          datetime(2026, 3, 31, 22, 0, tzinfo=timezone.utc))
    assert months == [("2025-12-31T23:00:00.000+00:00", "2026-01"), ("2026-01-31T23:00:00.000+00:00", "2026-02"),
                      ("2026-02-28T23:00:00.000+00:00", "2026-03")]
