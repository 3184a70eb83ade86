"""The benchmark's PostgreSQL + PostGIS reference (issue 19 §1) at a tiny scale, on both stores: its
answers are checked equal to ours before anything is timed, both are measured in the same run and
the ratios land in the results; a reference that answers differently stops the benchmark.

Real PostgreSQL 15 + PostGIS 3 from Debian (``make postgis``), a private cluster per run. Skipped only
when it is not installed and cannot be (not root); in CI (CI=true) that is a failure, not a skip."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from bench.reference.cluster import missing
from bench.reference.harness import ReferenceMismatch, check_answers, reference
from bench.report import SHAPES
from bench.run import (
    BenchConfig,
    Server,
    bench_runtime,
    drop_graph,
    graph_name_for,
    prepare_graph,
    run_bench,
    run_search_bench,
    search_requests,
)

N, M, SEED = 300, 50, 4


@pytest.fixture
def postgis():
    reason = missing()
    if reason:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(f"In CI moet de PostGIS-referentie draaien: {reason}")
        if os.geteuid() == 0:
            pytest.fail(f"{reason}; als root kan dat: draai `make postgis`")
        pytest.skip(reason)


@pytest.fixture
def bench_graph(bench_env):
    yield bench_env
    runtime = bench_runtime(bench_env, graph_name_for(N, M, SEED))
    drop_graph(runtime)
    runtime.close()


@pytest.mark.timeout(900)
def test_reference_answers_equal_and_ratios_are_written(postgis, bench_graph, tmp_path):
    config = BenchConfig(n=N, m=M, seed=SEED, scale=0.003, data_dir=bench_graph, results_dir=tmp_path / "results",
                         growth=False, requests=10, reuse=True, time_cap=15.0, import_rows=20,
                         restart_store=False, stop_store=False, warmup=1, repeats=1, reference=True)
    result = run_bench(config, say=lambda _m: None)

    facts = result["main"]["reference"]
    assert facts["load"]["services"] == result["main"]["data"]["services"]
    assert facts["postgis"].startswith("3.")
    check = facts["check"]
    assert check["equal"] is True
    for shape in SHAPES:
        assert check[shape]["compared"] == 10
        assert check[shape]["withHits"] > 0, shape  # the check compared real answers, not empty lists
        search = result["main"]["search"][shape]
        for clients in ("one", "eight"):
            figures = search["reference"][clients]
            assert figures["errors"] == 0, figures.get("sampleErrors")
            assert figures["requests"] > 0 and figures["p95_ms"] > 0 and figures["rps"] > 0
        assert search["ratios"]["p95"] == round(search["one"]["p95_ms"] / search["reference"]["one"]["p95_ms"], 2)
        assert search["ratios"]["rps"] == round(search["eight"]["rps"] / search["reference"]["eight"]["rps"], 2)
    lines = {line["key"]: line for line in result["budget"]}
    assert lines["reference_p95"]["value"] == max(result["main"]["search"][s]["ratios"]["p95"] for s in SHAPES)
    assert lines["reference_rps"]["value"] == min(result["main"]["search"][s]["ratios"]["rps"] for s in SHAPES)
    assert "PostGIS-referentie" in result["markdown"] and "verhouding p95" in result["markdown"]
    saved = Path(result["path"]).read_text(encoding="utf-8")
    assert '"ratios"' in saved and '"equal": true' in saved
    # The private cluster is gone after the run.
    assert not Path(facts["folder"], "pgdata").exists()

    # `bench search`: only the five shapes on the benchmark graph, checked and measured the same way. (On
    # Neo4j the run's import measurement replaced the graph: made again, as `bench generate` would.)
    runtime = bench_runtime(bench_graph, graph_name_for(N, M, SEED))
    prepare_graph(runtime, n_services=N, m_referrals=M, seed=SEED, reuse=True, say=lambda _m: None)
    runtime.close()
    searched = run_search_bench(config, say=lambda _m: None)
    assert searched["reference"]["check"]["equal"] is True
    for shape in SHAPES:
        assert searched["reference"]["check"][shape]["compared"] == 10
        figures = searched["search"][shape]
        assert figures["one"]["errors"] == 0 and figures["eight"]["errors"] == 0
        assert figures["ratios"]["p95"] == round(figures["one"]["p95_ms"] / figures["reference"]["one"]["p95_ms"], 2)
    saved_search = Path(searched["path"])
    assert saved_search.name.endswith("-zoeken.json") and '"equal": true' in saved_search.read_text(encoding="utf-8")


def test_the_search_bench_asks_for_a_graph_first(bench_graph, tmp_path):
    config = BenchConfig(n=7, m=0, seed=SEED, scale=0.0001, data_dir=bench_graph, results_dir=tmp_path / "results",
                         growth=False, requests=10, reuse=True, reference=False)
    with pytest.raises(RuntimeError, match="Er is nog geen benchmarkgraph voor N=7"):
        run_search_bench(config, say=lambda _m: None)
    assert not (tmp_path / "results").exists()  # nothing written


@pytest.mark.timeout(600)
def test_a_reference_that_answers_differently_stops_the_bench(postgis, bench_graph):
    import random

    import psycopg

    runtime = bench_runtime(bench_graph, graph_name_for(N, M, SEED))
    try:
        manifest = prepare_graph(runtime, n_services=N, m_referrals=M, seed=SEED, reuse=True, say=lambda _m: None)
        requests = search_requests(manifest, 5, random.Random(SEED))
        with reference(runtime, bench_graph / "reference", threads=2, say=lambda _m: None) as found, \
                Server(runtime.settings, threads=2) as server:
            assert check_answers(server.port, found.port, requests, sample=5)["equal"] is True
            # One service in the reference a rung lighter than ours: the HSDS listing's order changes.
            with psycopg.connect(found.dsn, autocommit=True) as connection:
                connection.execute("UPDATE service SET rung_level = -1 "
                                   "WHERE id = (SELECT id FROM service ORDER BY rung_level DESC, name DESC LIMIT 1)")
            with pytest.raises(ReferenceMismatch, match="hsds-paging") as caught:
                check_answers(server.port, found.port, {"hsds-paging": [("GET", "/hsds/services?page=1&per_page=50",
                                                                         None, {})]})
            assert "er is niets gemeten" in str(caught.value)
    finally:
        runtime.close()


def test_hits_within_a_metre_of_each_other_may_swap_but_nothing_else_may():
    """The stores compute distances a few centimetres apart: two hits of one rung that are (all but)
    equally far may come in either order. Any other difference is a mismatch."""
    from bench.reference.harness import same_answer

    ours = {"status": 200, "total": 4, "ids": ["a", "b", "c", "d"], "rungs": ["r1", "r1", "r1", "r2"],
            "distances": [100, 812, 812, 812]}
    assert same_answer(ours, dict(ours, ids=["a", "c", "b", "d"]))  # b and c tie
    assert same_answer(ours, dict(ours, ids=["a", "c", "b", "d"], distances=[100, 813, 812, 812]))  # rounding
    assert not same_answer(ours, dict(ours, ids=["a", "b", "d", "c"]))  # another rung: no tie
    assert not same_answer(ours, dict(ours, ids=["b", "a", "c", "d"]))  # 100 m and 812 m: no tie
    assert not same_answer(ours, dict(ours, distances=[100, 812, 830, 812]))  # a real difference in distance
    assert not same_answer(ours, dict(ours, total=5))
    assert not same_answer(ours, dict(ours, ids=["a", "c", "x", "d"]))
    hsds = {"status": 200, "total": 2, "ids": ["a", "b"]}
    assert same_answer(hsds, dict(hsds)) and not same_answer(hsds, dict(hsds, ids=["b", "a"]))
