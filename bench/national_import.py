"""A national import in one go: N new services (the bench's national geography) written by one
``Catalog.save`` on a fresh store, timed per step (staging, decision point, making visible); then
the same file again with every service changed (a national re-import).

Shows that a national file stays within Neo4j's transaction memory (issue 13 §3): the server runs
as ``make neo4j`` configures it (1 GiB heap unless ``--heap``), started by this tool in its own
folder; or the embedded FalkorDB in its own data dir. Nothing else is touched.

    python -m bench.national_import [--backend neo4j|falkordb] [--services 100000] [--heap 1g]
                                    [--data-dir var/bench-national] [--json FILE]
"""
from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from dataclasses import replace
from pathlib import Path


def run(backend: str, n_services: int, heap: str, data_dir: Path, say=print) -> dict:
    from bench.generate import build_geography, catalog_batches
    from socialekaart.shared.config import Settings
    from web.bootstrap import Runtime

    shutil.rmtree(data_dir, ignore_errors=True)
    data_dir.mkdir(parents=True)
    server = None
    env = {"SOCIALEKAART_DATA_DIR": str(data_dir / "app"), "SOCIALEKAART_STORE_TIMEOUT": "900"}
    if backend == "neo4j":
        from graph.backends.neo4j_server import Neo4jServer

        server = Neo4jServer(data_dir / "neo4j", heap=heap).start()
        env["SOCIALEKAART_GRAPH_URL"] = server.url_with_auth()
    runtime = Runtime(Settings.from_env(env))  # the catalog as the product composes it
    store, catalog = runtime.store, runtime.catalog
    result: dict = {"backend": backend, "services": n_services, "heap": heap if backend == "neo4j" else None,
                    "staged": catalog.stage_size is not None}
    try:
        store.init_schema()
        geography = build_geography(n_services, 7)
        order = {"regio": 0, "gemeente": 1, "wijk": 2, "buurt": 3}
        areas = sorted(geography.areas, key=lambda a: order[a.kind])
        for start in range(0, len(areas), 2000):
            catalog.save(areas=areas[start:start + 2000])
        organizations, services = [], []
        for orgs, batch in catalog_batches(geography, 7, 10 ** 9):
            organizations += orgs
            services += batch
        say(f"{len(services)} nieuwe voorzieningen van {len(organizations)} organisaties, {len(areas)} gebieden")

        marks: dict[str, float] = {}
        publish = store.publish_stage

        def timed_publish(stage: str, now: str, progress=None) -> int:
            marks["decided"] = time.perf_counter()
            return publish(stage, now, progress)

        store.publish_stage = timed_publish  # type: ignore[method-assign]  # only to time the step
        started = time.perf_counter()
        marks.update(staged=started, decided=started)  # stay so when nothing is staged

        def staged(written: int, total: int) -> None:
            marks["staged"] = time.perf_counter()
            if written % 20_000 == 0 or written == total:
                say(f"  klaargezet {written}/{total} ({time.perf_counter() - started:.0f} s)")

        try:
            catalog.save(organizations=organizations, services=services, created={s.id for s in services},
                         progress=staged)
            ended = time.perf_counter()
            counts = store.counts()
            if result["staged"]:
                result.update(staging_seconds=round(marks["staged"] - started, 1),
                              decision_seconds=round(marks["decided"] - marks["staged"], 1),
                              publish_seconds=round(ended - marks["decided"], 1))
            result.update(ok=counts["Service"] == len(services), seconds=round(ended - started, 1),
                          services_per_second=round(len(services) / (ended - started)), counts=counts)
        except Exception as exc:  # the measurement reports a failure, it does not hide it
            result.update(ok=False, seconds=round(time.perf_counter() - started, 1),
                          error=f"{type(exc).__name__}: {exc}")
        if result["ok"]:
            result["reimport"] = reimport(catalog, organizations, services, say)
            result["ok"] = result["reimport"]["ok"]
    finally:
        runtime.close(stop_server_we_started=True)
        if server is not None:
            server.stop()
    return result


def reimport(catalog, organizations: list, services: list, say=print) -> dict:
    """The same file again with every service changed (a new description): all of them are
    changed services, kept with the stage until the decision point on Neo4j."""
    changed = [replace(s, description=f"{s.description or s.name} (bijgewerkt)") for s in services]
    say(f"Herimport: {len(changed)} gewijzigde voorzieningen")
    started = time.perf_counter()
    try:
        catalog.save(organizations=organizations, services=changed)
    except Exception as exc:  # the measurement reports a failure, it does not hide it
        return {"ok": False, "seconds": round(time.perf_counter() - started, 1),
                "error": f"{type(exc).__name__}: {exc}"}
    seconds = time.perf_counter() - started
    sample = [changed[i] for i in range(0, len(changed), max(1, len(changed) // 50))]
    stored = [catalog.store.service(s.id) for s in sample]
    written = all(d is not None and d.description == s.description for d, s in zip(stored, sample))
    return {"ok": written, "services": len(changed), "seconds": round(seconds, 1),
            "services_per_second": round(len(changed) / seconds)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.national_import", description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=("neo4j", "falkordb"), default="neo4j")
    parser.add_argument("--services", type=int, default=100_000)
    parser.add_argument("--heap", default="1g")
    parser.add_argument("--data-dir", type=Path, default=Path("var/bench-national"))
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    result = run(args.backend, args.services, args.heap, args.data_dir)
    print(json.dumps(result, indent=2))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n")
    return 0 if result.get("ok") else 1


if __name__ == "__main__":
    sys.exit(main())
