"""What ``appendfsync always`` costs: referral writes per second under each append-only fsync policy.

The embedded store runs with ``appendfsync always`` (graph/embedded.py): a write is on disk before
it is acknowledged, so an acknowledged referral survives kill -9 of the server and a crash or power
loss of the machine. This measures the price: the same referral writes (create, send, receive,
accept, through ReferralService, one client and four clients) against an embedded server in a data
dir on the same disk as the real one (``--data-dir``, default var/bench-fsync), with the policy
switched by ``CONFIG SET appendfsync`` to ``always``, ``everysec`` and ``no`` in turn.

    python -m bench.fsync [--writes 400] [--data-dir var/bench-fsync] [--json bench/results/fsync.json]

Run by ``make bench`` (``make bench-fsync`` alone). Bounded: a fixed number of writes per policy.
"""
from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import threading
import time
from pathlib import Path

POLICIES = ("always", "everysec", "no")


def _world(data_dir: Path):
    from graph.backends.embedded import EmbeddedServer
    from socialekaart.catalog.model import Location, Organization, Service
    from socialekaart.places.model import Area
    from socialekaart.referrals.crypto import new_key
    from socialekaart.shared.config import Settings
    from web.bootstrap import ReferralRuntime, Runtime

    settings = Settings(data_dir=data_dir, graph_name="fsync_bench", secret_key=new_key())
    runtime = Runtime(settings)
    runtime.store.connection.delete_graph()
    runtime.store.init_schema()
    runtime.catalog.save(
        areas=[Area("GM0664", "gemeente", "Goes", centroid=(51.5, 3.9))],
        organizations=[Organization("org-a", "Wijkteam", "sociaal-wijkteam"),
                       Organization("org-b", "Welzijn", "welzijnsorganisatie")],
        services=[Service("svc-b", "org-b", "Spreekuur", "voorliggend", ["geldzaken"],
                          location=Location("loc-b", 51.5, 3.89, "Markt 1", "4461AB", "Goes"))])
    rr = ReferralRuntime(runtime)
    principals = {}
    for name, org in (("a", "org-a"), ("b", "org-b")):
        rr.accounts.create_account(email=f"{name}@fsync.example.nl", name=name, role="professional",
                                   organization_id=org)
        principals[name] = rr.accounts.authenticate(rr.accounts.issue_token(f"{name}@fsync.example.nl").token)
    return runtime, rr, principals, EmbeddedServer(data_dir)


def _body() -> dict:
    return {"serviceId": "svc-b", "lifeDomains": ["geldzaken"], "requestText": "Hulp bij post en schulden.",
            "clientRef": "B-1", "contact": {"phone": "06 1234 5678"},
            "consent": {"purpose": "Hulp zoeken", "partnerId": "org-b",
                        "method": "mondeling"}}


def _run(rr, principals, writes: int, clients: int) -> dict:
    """``writes`` store writes (each referral: create + 3 transitions = 4 writes), spread over clients."""
    service = rr.referrals
    per_client = max(1, writes // 4 // clients)
    latencies: list[float] = []
    lock = threading.Lock()

    errors: list[BaseException] = []

    def timed(action):
        started = time.perf_counter()
        result = action()
        return result, time.perf_counter() - started

    def work() -> None:
        mine = []
        try:
            for _ in range(per_client):
                created, seconds = timed(lambda: service.create(principals["a"], _body()))
                mine.append(seconds)
                for target, who in (("verzonden", "a"), ("ontvangen", "b"), ("geaccepteerd", "b")):
                    _, seconds = timed(lambda: service.transition(principals[who], created["id"], target))
                    mine.append(seconds)
        except BaseException as exc:  # reported by the caller
            errors.append(exc)
        with lock:
            latencies.extend(mine)

    started = time.perf_counter()
    threads = [threading.Thread(target=work) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    if errors:
        raise errors[0]
    latencies.sort()
    return {"clients": clients, "writes": len(latencies), "seconds": round(elapsed, 3),
            "writes_per_second": round(len(latencies) / elapsed, 1),
            "p50_ms": round(statistics.median(latencies) * 1000, 2),
            "p95_ms": round(latencies[int(len(latencies) * 0.95) - 1] * 1000, 2)}


def measure(data_dir: Path, writes: int) -> dict:
    import redis

    if data_dir.exists():
        shutil.rmtree(data_dir)
    runtime, rr, principals, server = _world(data_dir)
    admin = redis.Redis(unix_socket_path=str(server.socket_path))
    results = {"data_dir": str(data_dir.resolve()), "writes_per_run": writes,
               "note": "one write = one referral create or transition through ReferralService "
                       "(its event and audit entry in the same statement, plus the reads around it)",
               "policies": {}}
    try:
        _run(rr, principals, 40, 1)  # warm up
        for policy in POLICIES:
            admin.config_set("appendfsync", policy)
            results["policies"][policy] = [_run(rr, principals, writes, clients) for clients in (1, 4)]
    finally:
        admin.config_set("appendfsync", "always")
        admin.close()
        rr.close()
        runtime.store.connection.delete_graph()
        runtime.close()
        server.stop()
        shutil.rmtree(data_dir, ignore_errors=True)
    return results


def table(results: dict) -> str:
    lines = ["| appendfsync | clients | writes/s | p50 ms | p95 ms |", "|---|---|---|---|---|"]
    for policy, runs in results["policies"].items():
        for run in runs:
            lines.append(f"| {policy} | {run['clients']} | {run['writes_per_second']} | {run['p50_ms']} | "
                         f"{run['p95_ms']} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writes", type=int, default=400)
    parser.add_argument("--data-dir", type=Path, default=Path("var/bench-fsync"))
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args(argv)
    results = measure(args.data_dir, max(40, min(args.writes, 20_000)))
    print(table(results))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=2))
        print(f"\n{args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
