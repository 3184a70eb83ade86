"""A smoke run of the scale benchmark at tiny N and M, so it never rots: the real generator, a real
waitress server in a subprocess, real clients, the report. Speed is not asserted here (that lives
in ``make bench``); the shape of the results is.

On both stores: on Neo4j the run uses the test's own server (it wipes only a database marked as
made by this test run; see tests/integration/test_neo4j_driver.py)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.generate import build_geography
from bench.report import BUDGET, SHAPES
from bench.run import BenchConfig, bench_runtime, drop_graph, graph_name_for, percentile, run_bench


def test_percentile_is_nearest_rank():
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 0.50) == 50.0
    assert percentile(values, 0.95) == 95.0
    assert percentile(values, 0.99) == 99.0
    assert percentile([7.0], 0.95) == 7.0
    assert percentile([], 0.95) is None


def test_geography_is_deterministic_and_valid():
    one, two = build_geography(300, seed=5), build_geography(300, seed=5)
    assert [a.code for a in one.areas] == [a.code for a in two.areas]
    assert [a.geometry for a in one.areas[:50]] == [a.geometry for a in two.areas[:50]]
    kinds = {a.kind for a in one.areas}
    assert kinds == {"regio", "gemeente", "wijk", "buurt"}
    for area in one.areas:
        area.validate()
    assert one.postcodes and one.places
    assert abs(sum(p.target for p in one.gemeenten) - 300) <= len(one.gemeenten)


@pytest.mark.timeout(900)  # a whole (tiny) benchmark run: generate, serve, measure, import
def test_smoke_run_gives_every_figure(bench_env, tmp_path):
    config = BenchConfig(n=300, m=500, seed=3, scale=0.003, data_dir=bench_env, results_dir=tmp_path / "results",
                         growth=True, requests=10, reuse=False, time_cap=20.0, import_rows=40,
                         restart_store=False, stop_store=False, warmup=2, repeats=1, points=[(50, 50)],
                         reference=False)  # the PostGIS reference has its own test: test_bench_reference.py
    try:
        result = run_bench(config, say=lambda _m: None)
    finally:
        runtime = bench_runtime(bench_env, graph_name_for(300, 500, 3))
        drop_graph(runtime)
        runtime.close()

    main = result["main"]
    assert main["data"]["services"] >= 250
    assert main["data"]["referrals"] == 500
    assert main["data"]["events"] > 500

    for shape in SHAPES:
        for clients in ("one", "eight"):
            figures = main["search"][shape][clients]
            assert figures["errors"] == 0, figures.get("sampleErrors")
            assert figures["requests"] > 0
            assert 0 < figures["p50_ms"] <= figures["p95_ms"] <= figures["p99_ms"]
            assert figures["rps"] > 0
        assert main["search"][shape]["eight"]["clients"] == 8

    assert main["import"]["csv"]["services"] > 0 and main["import"]["csv"]["rejected"] == 0
    hsds = main["import"]["hsds"]
    assert hsds.get("skipped") or (hsds["services"] > 0 and hsds["rejected"] == 0)

    transitions = main["referrals"]["transitions"]
    assert transitions["requests"] > 0 and transitions["errors"] == 0, transitions.get("sampleErrors")
    assert transitions["transitionsPerSecond"] > 0
    inbox = main["referrals"]["inbox"]
    assert inbox["errors"] == 0 and inbox["received"] > 0 and inbox["p95_ms"] > 0

    network = main["network"]
    for key in ("regio:total", "regio:gemeente", "regio:flows", "country:total", "country:gemeente", "country:flows"):
        assert network[key]["status"] == 200, key
        assert network[key]["median_s"] > 0

    gaps = main["gaps"]
    assert gaps.get("country_s", gaps.get("seconds")) is not None

    assert main["memory"]["web"]["peak"] > 0
    assert main["memory"]["store"]["peak"] > 0

    assert [line["key"] for line in result["budget"]] == [key for key, *_ in BUDGET]
    assert all(line["met"] in (True, False, None) for line in result["budget"])
    assert [(p["n"], p["m"]) for p in result["growth"]] == [(50, 50)]
    for point in result["growth"]:
        assert point["search"]["q"]["one"]["errors"] == 0
        assert point["network"]["country:total"]["status"] == 200

    saved = json.loads(Path(result["path"]).read_text())
    assert saved["config"]["n"] == 300 and saved["machine"]["cores"] >= 1
    assert "| budget |" in result["markdown"] and "| zoekvorm |" in result["markdown"]
