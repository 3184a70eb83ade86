"""The reference in a benchmark run: set up from our exports, checked equal, then measured in turn.

``reference(runtime, folder)`` exports the graph, starts the private cluster, loads it and serves
the app on a free port; it yields a ``Reference`` (``port``, or ``skipped`` with the reason when
PostgreSQL cannot run here) and stops everything at the end. ``check_answers`` asks both servers
the same sample of requests per shape and raises ``ReferenceMismatch`` when totals, ids or the
rung sequence differ.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from bench.reference.cluster import Cluster, missing

SAMPLE = 20  # requests per shape whose answers are compared before timing
TIE_METRES = 1  # distances (rounded to metres) this close are a tie between the stores


class ReferenceMismatch(AssertionError):
    """The reference answers differently from ours: nothing is timed."""


@dataclass
class Reference:
    port: int | None = None
    dsn: str | None = None
    skipped: str | None = None
    facts: dict[str, Any] = field(default_factory=dict)


def _reachable_by_postgres(folder: Path) -> bool:
    """As root the cluster runs as 'postgres': every folder above it must let others through."""
    if os.geteuid() != 0:
        return True
    return all(p.stat().st_mode & 0o001 for p in folder.resolve().parents if p.exists())


@contextmanager
def reference(runtime, folder: Path, *, threads: int, say) -> Iterator[Reference]:
    from bench.reference.load import load, write_exports
    from bench.run import free_port
    from graph.stores.snapshots import StoreSnapshots

    reason = missing()
    if reason:
        say(f"PostGIS-referentie overgeslagen: {reason}")
        yield Reference(skipped=reason)
        return
    import psycopg

    folder = Path(folder)
    own_temp = None
    if not _reachable_by_postgres(folder):
        own_temp = Path(tempfile.mkdtemp(prefix="bench-reference-"))
        folder = own_temp
    facts: dict[str, Any] = {"folder": str(folder)}
    cluster = Cluster(folder)
    try:
        say("PostGIS-referentie: exporteren ...")
        files = write_exports(StoreSnapshots(runtime.store), folder / "export")
        facts["exportBytes"] = sum(p.stat().st_size for p in files.values())
        cluster.start()
        with psycopg.connect(cluster.dsn) as connection:
            facts["load"] = load(connection, files)
            with connection.cursor() as cur:
                cur.execute("SELECT version(), postgis_lib_version()")
                facts["postgres"], facts["postgis"] = cur.fetchone()
        say(f"PostGIS-referentie geladen: {facts['load']}")
        with ReferenceServer(cluster.dsn, threads=threads, port=free_port()) as server:
            yield Reference(port=server.port, dsn=cluster.dsn, facts=facts)
    finally:
        cluster.remove()
        if own_temp is not None:
            shutil.rmtree(own_temp, ignore_errors=True)


class ReferenceServer:
    """``python -m bench.reference.app`` on waitress, in its own process."""

    def __init__(self, dsn: str, *, threads: int, port: int):
        self.dsn, self.threads, self.port = dsn, threads, port
        self.process: subprocess.Popen | None = None
        self.log = tempfile.NamedTemporaryFile("w+", prefix="bench-reference-", suffix=".log", delete=False)

    def __enter__(self) -> "ReferenceServer":
        import time

        from bench.run import Client

        self.process = subprocess.Popen(
            [sys.executable, "-m", "bench.reference.app", "--dsn", self.dsn, "--port", str(self.port),
             "--threads", str(self.threads)], stdout=self.log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"de referentieserver stopte: {self.tail()}")
            try:
                if Client(self.port, timeout=5).request("GET", "/health")[0] == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"de referentieserver antwoordt niet: {self.tail()}")

    def tail(self) -> str:
        self.log.flush()
        return Path(self.log.name).read_text(errors="replace")[-2000:]

    def __exit__(self, *exc: Any) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.log.close()
        Path(self.log.name).unlink(missing_ok=True)


def answer(status: int, body: bytes) -> dict[str, Any]:
    """What must be equal, from either server's body: total, ids and rungs in order."""
    if status != 200:
        return {"status": status, "body": body[:300].decode(errors="replace")}
    data = json.loads(body)
    if "contents" in data:  # HSDS
        return {"status": status, "total": data["total_items"], "ids": [c["id"] for c in data["contents"]]}
    return {"status": status, "total": data["total"], "ids": [r["id"] for r in data["results"]],
            "rungs": [_code(r["rung"]) for r in data["results"]],
            "distances": [r.get("distance") for r in data["results"]]}


def same_answer(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Equal totals, rungs and ids in order; except that hits of one rung whose distances are within
    TIE_METRES of each other may come in either order: the stores compute the distance a few
    centimetres apart, which can swap two hits that are (all but) equally far."""
    if a == b:
        return True
    if "distances" not in a or "distances" not in b:  # HSDS pages: no distances, so no ties
        return False
    rest = ("ids", "distances")
    if {k: v for k, v in a.items() if k not in rest} != {k: v for k, v in b.items() if k not in rest} \
            or len(a["ids"]) != len(b["ids"]):
        return False
    if any(x is None or y is None or abs(x - y) > TIE_METRES
           for x, y in zip(a["distances"], b["distances"]) if x != y):
        return False
    return _tie_groups(a) == _tie_groups(b)


def _tie_groups(found: dict[str, Any]) -> list[list[str]]:
    groups: list[list[str]] = []
    last: tuple[str, Any] | None = None
    for hit_id, rung, distance in zip(found["ids"], found["rungs"], found["distances"]):
        tied = (last is not None and last[0] == rung and distance is not None and last[1] is not None
                and abs(distance - last[1]) <= TIE_METRES)
        if tied:
            groups[-1].append(hit_id)
        else:
            groups.append([hit_id])
        last = (rung, distance)
    return [sorted(group) for group in groups]


def _code(rung: Any) -> str:
    """Ours gives the rung as a term ({code, label, level}), the reference as its code."""
    return rung["code"] if isinstance(rung, dict) else rung


def check_answers(our_port: int, reference_port: int, requests: dict[str, list], sample: int = SAMPLE
                  ) -> dict[str, Any]:
    """Ask both the first ``sample`` requests of every shape; raise ReferenceMismatch on a difference."""
    from bench.run import Client

    ours, theirs = Client(our_port), Client(reference_port)
    report: dict[str, Any] = {}
    problems: list[str] = []
    try:
        for shape, shape_requests in requests.items():
            compared = nonempty = 0
            for method, path, body, headers in shape_requests[:sample]:
                a = answer(*ours.request(method, path, body, headers))
                b = answer(*theirs.request(method, path, body, headers))
                compared += 1
                nonempty += bool(a.get("ids"))
                if not same_answer(a, b):
                    problems.append(f"{shape}: {path}\n  ons:        {_short(a)}\n  referentie: {_short(b)}")
            report[shape] = {"compared": compared, "withHits": nonempty}
    finally:
        ours.close()
        theirs.close()
    report["equal"] = not problems
    if problems:
        raise ReferenceMismatch(f"De PostGIS-referentie geeft andere antwoorden ({len(problems)} verschillen); "
                                "er is niets gemeten:\n" + "\n".join(problems[:10]))
    return report


def _short(found: dict[str, Any]) -> str:
    text = json.dumps(found, ensure_ascii=False)
    return text if len(text) < 600 else text[:600] + " …"

