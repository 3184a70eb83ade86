"""The benchmark harness: a real waitress server in a subprocess, load from client threads.

Everything is measured from outside, the way a user meets it: the server is ``socialekaart
serve`` (waitress, as ``make run``) on a free port on 127.0.0.1 with the benchmark's own data
dir and graph; clients are threads with their own keep-alive ``http.client`` connection. Every
load loop is bounded in requests and in time. Latency is wall-clock per request at the client.
Memory is read from /proc (VmHWM = peak RSS, VmRSS = now) for the web process and the
redis-server of the embedded store, plus the store's own ``used_memory``.
"""
from __future__ import annotations

import csv
import dataclasses
import http.client
import io
import json
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable
from urllib.parse import urlencode

from bench.reference.harness import reference
from socialekaart.shared.config import Settings

FULL_N = 100_000
FULL_M = 1_000_000
CLIENTS = 8
SLOW_SECONDS = 30.0  # a heavy request slower than this is measured once
HEAVY_TIMEOUT = 600.0  # seconds a client waits for one heavy request
WEB_MEMORY_LIMIT = 8 * 1024 ** 3  # the memory guard stops a web process above this RSS
SEARCH_WORDS = ("buurthuis", "maatjes", "schulden", "mantelzorg", "taalcafé", "formulierenhulp", "dagbesteding",
                "jongerenwerk", "voedselbank", "huisarts", "wijkteam", "ouderenadviseurs", "herstelgroep",
                "budgetcursus", "klussendienst")
LIFE_DOMAINS = ("geldzaken", "sociaal-netwerk", "opvoeding", "woning", "geestelijke-gezondheid",
                "dagelijkse-activiteiten", "werk-opleiding")
MANIFEST_SUFFIX = ".manifest.json"
Say = Callable[[str], None]


# -- configuration -----------------------------------------------------------------------------------

@dataclass
class BenchConfig:
    n: int
    m: int
    seed: int = 1
    scale: float = 1.0
    data_dir: Path = Path("var/bench")
    results_dir: Path = Path("bench/results")
    growth: bool = True
    requests: int = 200  # per search shape, one client
    reuse: bool = True
    profile: bool = False
    time_cap: float = 30.0  # seconds per load loop
    import_rows: int = 20_000
    restart_store: bool = True  # restart the embedded store before measuring: its peak RSS is then serving only
    stop_store: bool = True  # stop the embedded store of the data dir at the end
    warmup: int = 10  # requests per search shape before measuring
    repeats: int = 2  # of each network-figures request
    points: list[tuple[int, int]] | None = None  # growth points instead of (N/10, M/10) and (3N, M/10)
    reference: bool = True  # the PostgreSQL + PostGIS reference beside ours (main point; bench/reference/)
    note: str | None = None  # said with the results, e.g. "rookproef op een belaste machine"

    @classmethod
    def from_scale(cls, scale: float, *, n_services: int | None = None, m_referrals: int | None = None,
                   requests: int | None = None, **kwargs: Any) -> "BenchConfig":
        n = n_services or max(50, round(FULL_N * scale))
        m = m_referrals if m_referrals is not None else max(0, round(FULL_M * scale))
        if requests is None:
            requests = 200 if n >= 20_000 else 60
        if n_services is not None:
            scale = round(n / FULL_N, 4)
        return cls(n=n, m=m, scale=scale, requests=requests,
                   import_rows=min(20_000, max(50, n // 5)), **kwargs)


# The Neo4j the benchmark starts for itself (``--store neo4j``): as production would size it for a
# national map; heap plus page cache is what the memory budget line counts for Neo4j.
NEO4J_HEAP, NEO4J_PAGECACHE = "2g", "1536m"


@contextmanager
def own_neo4j(data_dir: Path, say: Say):
    """A Neo4j 5.26 of the benchmark's own under ``data_dir`` (the jars of ``make neo4j``), as the
    store of this process's settings while the block runs; stopped after. Its data stays for reuse."""
    from graph.backends.neo4j_server import OWNER_TOKEN_SETTING, Neo4jServer

    server = Neo4jServer(Path(data_dir) / "neo4j-server", heap=NEO4J_HEAP, pagecache=NEO4J_PAGECACHE).start()
    say(f"Eigen Neo4j gestart ({server.url_with_auth().split('@')[-1]}, heap {NEO4J_HEAP}, "
        f"page cache {NEO4J_PAGECACHE})")
    saved = {key: os.environ.get(key) for key in ("SOCIALEKAART_GRAPH_URL", OWNER_TOKEN_SETTING)}
    os.environ.update({"SOCIALEKAART_GRAPH_URL": server.url_with_auth(), OWNER_TOKEN_SETTING: server.owner_token})
    try:
        yield server
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        server.stop()


def graph_name_for(n: int, m: int, seed: int) -> str:
    return f"bench_n{n}_m{m}_s{seed}"


def bench_settings(data_dir: Path, graph_name: str, **overrides: Any) -> Settings:
    """The user's settings (a Neo4j or remote URL is honoured), with the benchmark's data dir and graph."""
    base = Settings.from_env()
    return dataclasses.replace(base, data_dir=Path(data_dir).resolve(), graph_name=graph_name,
                               store_timeout_seconds=max(base.store_timeout_seconds, 900.0), **overrides)


def bench_runtime(data_dir: Path, graph_name: str):
    from web.bootstrap import Runtime

    return Runtime(bench_settings(data_dir, graph_name))


def manifest_path(runtime) -> Path:
    return Path(runtime.settings.data_dir) / f"{runtime.settings.graph_name}{MANIFEST_SUFFIX}"


def prepare_graph(runtime, *, n_services: int, m_referrals: int, seed: int, reuse: bool, say: Say) -> dict[str, Any]:
    """The graph with the data set, generated now unless an identical one is there (``reuse``)."""
    from bench.generate import generate

    path = manifest_path(runtime)
    runtime.store.init_schema()  # idempotent: an index added since the graph was made is built now
    if reuse and path.exists():
        manifest = json.loads(path.read_text())
        counts = runtime.store.counts()
        if counts.get("Service") == manifest["services"]:
            say(f"Graph {runtime.settings.graph_name} hergebruikt ({manifest['services']} voorzieningen).")
            manifest["reused"] = True
            return manifest
    say(f"Graph {runtime.settings.graph_name} maken: {n_services} voorzieningen, {m_referrals} doorverwijzingen ...")
    runtime.store.connection.delete_graph()
    manifest = generate(runtime, n_services=n_services, m_referrals=m_referrals, seed=seed, say=say)
    manifest["reused"] = False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(manifest, ensure_ascii=False))
    compact_store(runtime)
    return manifest


def compact_store(runtime) -> None:
    """After a bulk load: fold the append-only log into a snapshot, so a restart is quick."""
    connection = runtime.store.connection
    db = getattr(connection, "_db", None)
    if db is None:
        return
    try:
        db.connection.bgrewriteaof()
    except Exception:  # noqa: BLE001 - a rewrite already running is fine
        pass
    deadline = time.monotonic() + 900
    while time.monotonic() < deadline:
        info = db.connection.info("persistence")
        if not (info.get("aof_rewrite_in_progress") or info.get("aof_rewrite_scheduled")):
            return
        time.sleep(0.5)


def drop_graph(runtime) -> None:
    runtime.store.connection.delete_graph()
    manifest_path(runtime).unlink(missing_ok=True)


# -- percentiles and load ----------------------------------------------------------------------------

def percentile(values: list[float], share: float) -> float | None:
    """Nearest-rank percentile (share in 0..1)."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, min(len(ordered), int(-(-share * len(ordered) // 1))))
    return ordered[rank - 1]


def summarise(latencies: list[float], seconds: float, errors: int, *, clients: int, warmup: int) -> dict[str, Any]:
    ms = [v * 1000 for v in latencies]
    return {"requests": len(ms), "errors": errors, "clients": clients, "warmup": warmup,
            "seconds": round(seconds, 3),
            "p50_ms": _r(percentile(ms, 0.50)), "p95_ms": _r(percentile(ms, 0.95)), "p99_ms": _r(percentile(ms, 0.99)),
            "max_ms": _r(max(ms) if ms else None), "mean_ms": _r(statistics.fmean(ms) if ms else None),
            "rps": round(len(ms) / seconds, 1) if seconds > 0 else None}


def _r(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


class Client:
    """One keep-alive HTTP/1.1 connection."""

    def __init__(self, port: int, timeout: float = 300.0):
        self.port = port
        self.timeout = timeout
        self.conn: http.client.HTTPConnection | None = None

    def request(self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None
                ) -> tuple[int, bytes]:
        payload = None if body is None else json.dumps(body).encode()
        headers = dict(headers or {})
        if payload is not None:
            headers["Content-Type"] = "application/json"
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
            try:
                self.conn.request(method, path, body=payload, headers=headers)
                response = self.conn.getresponse()
                data = response.read()
                if response.getheader("Connection", "").lower() == "close":
                    self.close()
                return response.status, data
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.close()
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


Request = tuple[str, str, Any, dict[str, str]]  # method, path, body, headers


def load(port: int, requests: list[Request], *, clients: int, time_cap: float, warmup: list[Request] = (),
         ok: Callable[[int], bool] = lambda status: status < 400) -> dict[str, Any]:
    """Send ``requests`` from ``clients`` threads (each takes the next one from a shared list);
    stop at the end of the list or after ``time_cap`` seconds."""
    for method, path, body, headers in warmup:
        Client(port).request(method, path, body, headers)
    lock = threading.Lock()
    position = [0]
    latencies: list[float] = []
    errors: list[str] = []
    deadline = time.perf_counter() + time_cap

    def worker() -> None:
        client = Client(port)
        own: list[float] = []
        try:
            while time.perf_counter() < deadline:
                with lock:
                    index = position[0]
                    position[0] += 1
                if index >= len(requests):
                    break
                method, path, body, headers = requests[index]
                started = time.perf_counter()
                try:
                    status, data = client.request(method, path, body, headers)
                except (OSError, http.client.HTTPException) as exc:
                    errors.append(f"{path}: {exc}")
                    continue
                elapsed = time.perf_counter() - started
                if ok(status):
                    own.append(elapsed)
                else:
                    errors.append(f"{status} {path}: {data[:200]!r}")
        finally:
            client.close()
            with lock:
                latencies.extend(own)

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    result = summarise(latencies, seconds, len(errors), clients=clients, warmup=len(warmup))
    result["capped"] = position[0] < len(requests)
    if errors:
        result["sampleErrors"] = errors[:3]
    return result


# -- the server --------------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def proc_memory(pid: int | None) -> dict[str, int | None]:
    """VmRSS and VmHWM (peak) in bytes from /proc; None when the process is not here."""
    if not pid:
        return {"rss": None, "peak": None}
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return {"rss": None, "peak": None}
    values = {}
    for line in text.splitlines():
        key, _, rest = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            values[key] = int(rest.split()[0]) * 1024
    return {"rss": values.get("VmRSS"), "peak": values.get("VmHWM")}


class Server:
    """``socialekaart serve`` (waitress) for one graph, on a free port on 127.0.0.1."""

    def __init__(self, settings: Settings, *, threads: int = 8):
        self.settings = settings
        self.threads = threads
        self.port = free_port()
        self.process: subprocess.Popen | None = None
        self.log = tempfile.NamedTemporaryFile("w+", prefix="bench-server-", suffix=".log", delete=False)

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update(SOCIALEKAART_DATA_DIR=str(self.settings.data_dir), SOCIALEKAART_GRAPH_NAME=self.settings.graph_name,
                   SOCIALEKAART_STORE_TIMEOUT=str(self.settings.store_timeout_seconds),
                   # Measure latency, not the request budget's 503 (web/timeouts.py, issue 8).
                   SOCIALEKAART_REQUEST_TIMEOUT=str(self.settings.store_timeout_seconds),
                   SOCIALEKAART_GEOCODER="offline")
        return env

    def __enter__(self) -> "Server":
        code = "from web.cli import main; main()"
        self.process = subprocess.Popen(
            [sys.executable, "-c", code, "serve", "--host", "127.0.0.1", "--port", str(self.port),
             "--threads", str(self.threads)],
            env=self.env(), stdout=self.log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True)
        self.killed_for_memory: int | None = None
        self.peak = 0
        threading.Thread(target=self._guard, daemon=True).start()
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"de benchmarkserver stopte: {self.tail()}")
            try:
                status, _ = Client(self.port, timeout=5).request("GET", "/health")
                if status == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"de benchmarkserver antwoordt niet: {self.tail()}")

    def _guard(self) -> None:
        """Stop the web process when one request makes it grow past WEB_MEMORY_LIMIT: on a shared
        machine a runaway request must not push the store out of memory. Recorded in the results."""
        while self.process is not None and self.process.poll() is None:
            memory = proc_memory(self.process.pid)
            self.peak = max(self.peak, memory.get("peak") or 0)
            if (memory.get("rss") or 0) > WEB_MEMORY_LIMIT:
                self.killed_for_memory = memory["rss"]
                self.process.kill()
                return
            time.sleep(0.5)

    def tail(self) -> str:
        self.log.flush()
        return Path(self.log.name).read_text(errors="replace")[-2000:]

    def memory(self) -> dict[str, Any]:
        found: dict[str, Any] = proc_memory(self.process.pid if self.process else None)
        found["peak"] = max(found.get("peak") or 0, self.peak) or None
        if self.killed_for_memory:
            found["killedForMemory"] = self.killed_for_memory
        return found

    def __exit__(self, *exc: Any) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.log.close()
        Path(self.log.name).unlink(missing_ok=True)


def store_memory(runtime) -> dict[str, Any]:
    """The embedded redis-server's RSS (now and peak) and FalkorDB's own figure; for Neo4j its heap and
    page cache as configured (from the server itself); None for a remote FalkorDB."""
    out: dict[str, Any] = {"rss": None, "peak": None, "used_memory": None, "pid": None}
    connection = runtime.store.connection
    server = getattr(connection, "server", None)
    if server is not None:
        pid = server.pid()
        out.update(proc_memory(pid), pid=pid)
    if runtime.location.backend == "neo4j":
        # The budget line for Neo4j is heap plus page cache as configured (what the JVM may take).
        figures = connection.memory()
        out.update(figures)
        if figures["heap_max"] and figures["pagecache"]:
            out["peak"] = out["rss"] = figures["heap_max"] + figures["pagecache"]
            out["measure"] = "heap + page cache (configured)"
    db = getattr(connection, "_db", None)
    if db is not None:
        try:
            info = db.connection.info("memory")
            out["used_memory"] = info.get("used_memory")
            out["used_memory_peak"] = info.get("used_memory_peak")
        except Exception:  # noqa: BLE001
            pass
    return out


# -- the measurements --------------------------------------------------------------------------------

def search_requests(manifest: dict[str, Any], count: int, rng: random.Random) -> dict[str, list[Request]]:
    postcodes = manifest["postcodes"] or ["3511"]
    places = manifest["places"] or ["Utrecht"]
    gemeenten = [g["code"] for g in manifest["gemeenten"]]
    wijken = manifest["wijken"] or gemeenten
    pages = max(1, min(200, manifest["services"] // 50))

    def get(path: str, params: dict[str, Any]) -> Request:
        return ("GET", f"{path}?{urlencode(params, doseq=True)}", None, {})

    shapes = {
        "postcode+radius+leefgebied": lambda: get("/api/v1/services", {
            "postcode": rng.choice(postcodes), "radius": rng.choice((2000, 5000, 10000)),
            "lifeDomain": rng.choice(LIFE_DOMAINS)}),
        "q": lambda: get("/api/v1/services", {"q": rng.choice(SEARCH_WORDS)}),
        "q+place": lambda: get("/api/v1/services", {"q": f"{rng.choice(SEARCH_WORDS)} {rng.choice(places)}"}),
        "area": lambda: get("/api/v1/services", {"area": rng.choice(gemeenten)} if rng.random() < 0.5
                            else {"area": rng.choice(wijken)}),
        "hsds-paging": lambda: get("/hsds/services", {"page": rng.randint(1, pages), "per_page": 50}),
    }
    return {name: [make() for _ in range(count)] for name, make in shapes.items()}


def measure_search(port: int, manifest: dict[str, Any], config: BenchConfig, *, rng: random.Random,
                   concurrent: bool = True, say: Say, reference_port: int | None = None,
                   checked: dict[str, Any] | None = None) -> dict[str, Any]:
    """Each shape with 1 client (p95) and 8 clients (requests/s). With ``reference_port``: first the
    answers of both are checked equal (into ``checked``; a difference raises), then every load loop
    runs on ours and right after on the reference with the same requests, and the ratios are kept."""
    from bench.reference.harness import check_answers

    results: dict[str, Any] = {}
    one = search_requests(manifest, config.requests, rng)
    many = search_requests(manifest, config.requests * 3, rng) if concurrent else {}
    warm = search_requests(manifest, config.warmup, rng)
    if reference_port is not None:
        found = check_answers(port, reference_port, one)
        if checked is not None:
            checked.update(found)
        compared = sum(v["compared"] for v in found.values() if isinstance(v, dict))
        say(f"  PostGIS-referentie: antwoorden gelijk ({compared} verzoeken vergeleken)")
    for shape, requests in one.items():
        entry: dict[str, Any] = {"one": load(port, requests, clients=1, time_cap=config.time_cap, warmup=warm[shape])}
        reference: dict[str, Any] = {}
        if reference_port is not None:
            reference["one"] = load(reference_port, requests, clients=1, time_cap=config.time_cap, warmup=warm[shape])
        if concurrent:
            entry["eight"] = load(port, many[shape], clients=CLIENTS, time_cap=config.time_cap)
            if reference_port is not None:
                reference["eight"] = load(reference_port, many[shape], clients=CLIENTS, time_cap=config.time_cap)
        line = f"  zoeken {shape}: p95 {entry['one']['p95_ms']} ms (1 client)"
        if concurrent:
            line += f", {entry['eight']['rps']} verzoeken/s (8 clients)"
        if reference:
            entry["reference"] = reference
            entry["ratios"] = ratios(entry)
            line += f"; referentie p95 {reference['one']['p95_ms']} ms"
            if concurrent:
                line += f", {reference['eight']['rps']}/s"
            line += f"; verhouding {entry['ratios']}"
        results[shape] = entry
        say(line)
    return results


def ratios(entry: dict[str, Any]) -> dict[str, float | None]:
    """Ours against the reference: p95 (1 client) ours/reference, target <= 1.0; requests/s
    (8 clients) ours/reference, target >= 1.0."""
    reference = entry["reference"]

    def divide(a: float | None, b: float | None) -> float | None:
        return round(a / b, 2) if a is not None and b else None

    out = {"p95": divide(entry["one"]["p95_ms"], reference["one"]["p95_ms"])}
    if "eight" in entry and "eight" in reference:
        out["rps"] = divide(entry["eight"]["rps"], reference["eight"]["rps"])
    return out


def measure_import(runtime, config: BenchConfig, say: Say) -> dict[str, Any]:
    """Services/s through the real CSV importer (and the HSDS importer when there is one): export
    ``import_rows`` services of the benchmark graph with the real exporter, then import them into
    a fresh graph that holds only the areas."""
    from graph.stores.snapshots import StoreSnapshots
    from importers.exports import export_csv
    from importers.providers import import_providers
    from socialekaart.catalog.importing import ImportService
    from web.bootstrap import Runtime

    # Neo4j has one graph per database: the import then runs in the benchmark's own graph, after
    # everything else was measured on it (measure_point calls this last there), and replaces it.
    single = single_graph(runtime)
    target = runtime if single else Runtime(dataclasses.replace(
        runtime.settings, graph_name=f"{runtime.settings.graph_name}_import"))
    areas = read_areas(runtime.store)
    result: dict[str, Any] = {"rows": 0, "sameGraph": single}
    workdir = Path(tempfile.mkdtemp(prefix="bench-import-"))
    try:
        buffer = io.StringIO()
        started = time.perf_counter()
        export_csv(runtime.snapshots, buffer, include_confidential=True, bom=False)
        result["exportSeconds"] = round(time.perf_counter() - started, 2)
        buffer.seek(0)
        delimiter = ";" if ";" in buffer.readline() else ","
        buffer.seek(0)
        reader = csv.reader(buffer, delimiter=delimiter)
        header = next(reader)
        csv_path = workdir / "providers.csv"
        with open(csv_path, "w", newline="", encoding="utf-8") as out:
            writer = csv.writer(out, delimiter=delimiter)
            writer.writerow(header)
            rows = 0
            for row in reader:
                if rows >= config.import_rows:
                    break
                writer.writerow(row)
                rows += 1
        result["rows"] = rows
        result["csvBytes"] = csv_path.stat().st_size
        if single:
            manifest_path(runtime).unlink(missing_ok=True)
        target.store.connection.delete_graph()
        target.store.init_schema()
        save_areas(areas, target.catalog)
        imports = ImportService(target.catalog, StoreSnapshots(target.store))
        known = imports.snapshots.area_codes()
        started = time.perf_counter()
        report = import_providers(csv_path, imports, target.geocoder, source="bench", known_areas=known)
        seconds = time.perf_counter() - started
        written = target.store.counts().get("Service", 0)
        result["csv"] = {"services": written, "seconds": round(seconds, 2),
                         "servicesPerSecond": round(written / seconds, 1) if seconds else None,
                         "rejected": report.rejected}
        say(f"  import CSV: {written} voorzieningen in {seconds:.1f} s ({written / seconds:.0f}/s)")
        result["hsds"] = measure_hsds_import(areas, target, workdir, config, say)
    finally:
        try:
            target.store.connection.delete_graph()
        finally:
            if not single:
                target.close()
            shutil.rmtree(workdir, ignore_errors=True)
    return result


def measure_hsds_import(areas, target, workdir: Path, config: BenchConfig, say: Say) -> dict[str, Any]:
    """The HSDS round trip through the real exporter and importer."""
    return run_hsds_import(areas, target, workdir, config, say)


def run_hsds_import(areas, target, workdir: Path, config: BenchConfig, say: Say) -> dict[str, Any]:
    """Export the services just imported from CSV as HSDS 3.0 with the real exporter, then import
    that datapackage with the real HSDS importer into another graph holding only the areas."""
    import dataclasses as dc

    from graph.stores.snapshots import StoreSnapshots
    from importers.hsds.export import export_hsds
    from importers.hsds.reader import import_hsds
    from socialekaart.catalog.importing import ImportService
    from web.bootstrap import Runtime

    folder = workdir / "hsds"
    started = time.perf_counter()
    summary = export_hsds(target.hsds_reads, folder)
    exported = time.perf_counter() - started
    single = single_graph(target)
    second = target if single else Runtime(dc.replace(target.settings, graph_name=f"{target.settings.graph_name}_hsds"))
    try:
        second.store.connection.delete_graph()
        second.store.init_schema()
        save_areas(areas, second.catalog)
        imports = ImportService(second.catalog, StoreSnapshots(second.store))
        known = imports.snapshots.area_codes()
        started = time.perf_counter()
        report = import_hsds(folder, imports, second.geocoder, source="bench", known_areas=known)
        seconds = time.perf_counter() - started
        written = second.store.counts().get("Service", 0)
    finally:
        if not single:
            try:
                second.store.connection.delete_graph()
            finally:
                second.close()
    say(f"  import HSDS: {written} voorzieningen in {seconds:.1f} s ({written / seconds:.0f}/s)")
    return {"services": written, "exported": summary.services, "exportSeconds": round(exported, 2),
            "seconds": round(seconds, 2), "servicesPerSecond": round(written / seconds, 1) if seconds else None,
            "rejected": report.rejected}


def single_graph(runtime) -> bool:
    """Neo4j: one graph per database, so the graph name does not keep data sets apart."""
    return runtime.location.backend == "neo4j"


def copy_areas(store, catalog) -> int:
    """The areas of one graph into another, through Catalog.save."""
    return save_areas(read_areas(store), catalog)


def save_areas(areas: list, catalog) -> int:
    for start in range(0, len(areas), 4000):
        catalog.save(areas=areas[start:start + 4000])
    return len(areas)


def read_areas(store) -> list:
    """Every area of a graph as model objects, parents before children."""
    return [dataclasses.replace(area, kind=kind, source="bench")
            for kind in ("regio", "gemeente", "wijk", "buurt") for area in store.areas(kind, with_geometry=True)]


# -- referrals, network figures, gaps ----------------------------------------------------------------

class Accounts:
    """Accounts with tokens for the harness, made through the real AccountService."""

    def __init__(self, runtime):
        from web.bootstrap import ReferralRuntime

        self.service = ReferralRuntime(runtime).accounts
        self.suffix = f"{random.Random().getrandbits(32):08x}"
        self.tokens: dict[str, str] = {}

    def token(self, key: str, *, role: str, organization_id: str | None = None, areas: tuple[str, ...] = ()) -> str:
        if key not in self.tokens:
            email = f"bench-{len(self.tokens)}-{self.suffix}@example.nl"
            self.service.create_account(email=email, name=f"Benchmark {key}"[:100], role=role,
                                        organization_id=organization_id, areas=areas)
            self.tokens[key] = self.service.issue_token(email, days=2, name="benchmark").token
        return self.tokens[key]

    @staticmethod
    def header(token: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {token}"}


NEXT_STEP = {"verzonden": "ontvangen", "ontvangen": "geaccepteerd", "geaccepteerd": "gestart",
             "wachtlijst": "gestart"}


def measure_referrals(port: int, runtime, accounts: Accounts, manifest: dict[str, Any], config: BenchConfig,
                      say: Say) -> dict[str, Any]:
    """Transitions/s with 8 clients (each referral once, by its receiver) and the inbox of the busiest
    receiving organisation with one client."""
    if not manifest.get("referrals"):
        return {"skipped": "geen doorverwijzingen in deze graph"}
    connection = runtime.store.connection
    wanted = max(80, min(2000, config.requests * 4))
    # Open referrals of the receivers with the most of them: up to 20 each from 40 organisations.
    groups = connection.read(
        "MATCH (r:Referral) WHERE r.status IN ['verzonden', 'ontvangen', 'geaccepteerd', 'wachtlijst'] "
        "WITH r.to_org_id AS org, collect(r.id) AS ids, collect(r.status) AS statuses, count(r) AS n "
        "RETURN org, ids[0..20] AS ids, statuses[0..20] AS statuses, n ORDER BY n DESC, org LIMIT 40")
    rows = [{"id": i, "status": s, "org": g["org"]} for g in groups for i, s in zip(g["ids"], g["statuses"])]
    rows = rows[:wanted]
    orgs = sorted({row["org"] for row in rows})
    requests: list[Request] = []
    for row in rows:
        token = accounts.token(f"org:{row['org']}", role="professional", organization_id=row["org"])
        requests.append(("POST", f"/api/v1/referrals/{row['id']}/transitions", {"to": NEXT_STEP[row["status"]]},
                         accounts.header(token)))
    random.Random(config.seed).shuffle(requests)
    transitions = load(port, requests, clients=CLIENTS, time_cap=config.time_cap)
    transitions["transitionsPerSecond"] = transitions.pop("rps")
    say(f"  overgangen: p95 {transitions['p95_ms']} ms, {transitions['transitionsPerSecond']}/s (8 clients)")

    busiest = (manifest.get("busiestReceivers") or [{}])[0].get("organization")
    inbox: dict[str, Any] = {"skipped": "geen ontvanger"}
    if busiest:
        received = connection.read("MATCH (r:Referral) WHERE r.to_org_id = $org AND r.status <> 'concept' "
                                   "RETURN count(r) AS n", {"org": busiest})[0]["n"]
        header = accounts.header(accounts.token(f"org:{busiest}", role="professional", organization_id=busiest))
        rng = random.Random(config.seed + 1)
        inbox_requests = [("GET", "/api/v1/referrals?" + urlencode(params, doseq=True), None, header)
                          for params in ({"box": "received", "page": rng.randint(1, 3), "pageSize": 20}
                                         if rng.random() < 0.7 else
                                         {"box": "received", "status": ["verzonden", "ontvangen"]}
                                         for _ in range(max(30, config.requests // 2)))]
        inbox = load(port, inbox_requests, clients=1, time_cap=config.time_cap, warmup=inbox_requests[:3])
        inbox.update(organization=busiest, received=received)
        say(f"  inbox ({received} ontvangen): p95 {inbox['p95_ms']} ms")
    return {"transitions": transitions, "inbox": inbox, "organizations": len(orgs)}


def timed_requests(port: int, request: Request, repeats: int) -> dict[str, Any]:
    """A heavy request a few times in a row: first (cold) and the rest."""
    times: list[float] = []
    status = None
    for _ in range(repeats):
        client = Client(port, timeout=HEAVY_TIMEOUT)
        started = time.perf_counter()
        try:
            status, _data = client.request(*request)
        except (OSError, http.client.HTTPException) as exc:
            # Timed out, or the server was stopped by the memory guard: recorded, not fatal.
            return {"status": None, "error": f"{type(exc).__name__}: {exc}", "repeats": len(times) + 1,
                    "first_s": None, "median_s": None, "max_s": None,
                    "failedAfter_s": round(time.perf_counter() - started, 1)}
        finally:
            client.close()
        times.append(time.perf_counter() - started)
    return {"status": status, "repeats": repeats, "first_s": round(times[0], 3),
            "median_s": round(statistics.median(times), 3), "max_s": round(max(times), 3)}


def measure_network(port: int, accounts: Accounts, manifest: dict[str, Any], say: Say, repeats: int = 3
                    ) -> dict[str, Any]:
    """/api/v1/network/figures for one regio (its coordinator) and the whole country (admin)."""
    if not manifest.get("referrals"):
        return {"skipped": "geen doorverwijzingen in deze graph"}
    regio = max(manifest["regios"], key=lambda code: sum(g["population"] for g in manifest["gemeenten"]
                                                         if g["regio"] == code))
    admin = accounts.header(accounts.token("admin", role="admin"))
    coordinator = accounts.header(accounts.token(f"coordinator:{regio}", role="coordinator", areas=(regio,)))
    out: dict[str, Any] = {"regio": regio}
    for name, header in (("regio", coordinator), ("country", admin)):
        first = timed_requests(port, ("GET", "/api/v1/network/figures?groupBy=total", None, header), 1)
        if first.get("error") or first["first_s"] > SLOW_SECONDS:
            # Far over budget: one measurement says enough, repeating it only costs the run minutes.
            out[f"{name}:total"] = first
            out[f"{name}:note"] = (f"failed: {first['error']}" if first.get("error") else
                                   f"one request took {first['first_s']} s; not repeated, gemeente and flows skipped")
            say(f"  netwerkcijfers {name}: {first['first_s'] or first.get('error')} s (totaal; niet herhaald)")
            continue
        total = timed_requests(port, ("GET", "/api/v1/network/figures?groupBy=total", None, header), repeats)
        out[f"{name}:total"] = total
        out[f"{name}:gemeente"] = timed_requests(
            port, ("GET", "/api/v1/network/figures?groupBy=gemeente", None, header), repeats)
        out[f"{name}:flows"] = timed_requests(port, ("GET", "/api/v1/network/flows", None, header), repeats)
        say(f"  netwerkcijfers {name}: {out[f'{name}:total']['median_s']} s (totaal), "
            f"{out[f'{name}:gemeente']['median_s']} s (per gemeente), {out[f'{name}:flows']['median_s']} s (stromen)")
    return out


def measure_gaps(runtime, manifest: dict[str, Any], say: Say) -> dict[str, Any]:
    """Gap analysis for the whole country and its largest gemeente, in-process on the store."""
    from bench.gaps import bench_gaps

    started = time.perf_counter()
    out = {"via": "bench_gaps(runtime)", **bench_gaps(runtime), "seconds": round(time.perf_counter() - started, 3)}
    say(f"  hiaten (bench_gaps): {out}")
    return out


# -- one graph, measured -----------------------------------------------------------------------------

def machine() -> dict[str, Any]:
    total = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                total = int(line.split()[1]) * 1024
    except OSError:
        pass
    return {"cores": os.cpu_count(), "memoryBytes": total, "python": sys.version.split()[0],
            "loadavg": [round(v, 2) for v in os.getloadavg()]}


def measure_point(config: BenchConfig, n: int, m: int, *, full: bool, say: Say) -> dict[str, Any]:
    """Generate (or reuse) the graph for N services and M referrals and measure it."""
    runtime = bench_runtime(config.data_dir, graph_name_for(n, m, config.seed))
    point: dict[str, Any] = {"n": n, "m": m, "full": full, "loadBefore": [round(v, 2) for v in os.getloadavg()]}
    try:
        manifest = prepare_graph(runtime, n_services=n, m_referrals=m, seed=config.seed, reuse=config.reuse, say=say)
        point["data"] = {k: manifest[k] for k in ("services", "organizations", "areas", "referrals", "events",
                                                  "seconds", "servicesPerSecond", "referralsPerSecond", "reused")}
        point["counts"] = runtime.store.counts()
        rng = random.Random(config.seed)
        if full and not single_graph(runtime):
            say("Import meten ...")
            with profiled(config, "import", point):
                point["import"] = measure_import(runtime, config, say)
        if full and config.restart_store:
            point["storeRestartSeconds"] = restart_store(runtime, say)
        accounts = Accounts(runtime)
        with ExitStack() as stack:
            reference_port = None
            if full and config.reference:
                point["reference"] = {}
                found = stack.enter_context(reference(runtime, config.data_dir / "reference", threads=CLIENTS, say=say))
                point["reference"] = {"skipped": found.skipped} if found.skipped else dict(found.facts)
                reference_port = found.port
            server = stack.enter_context(Server(runtime.settings))
            say(f"Server op poort {server.port} ({runtime.settings.graph_name})")
            checked: dict[str, Any] = {}
            try:
                point["search"] = measure_search(server.port, manifest, config, rng=rng, concurrent=full, say=say,
                                                 reference_port=reference_port, checked=checked)
            finally:
                if reference_port is not None:
                    point["reference"]["check"] = checked
            if full:
                point["referrals"] = measure_referrals(server.port, runtime, accounts, manifest, config, say)
            point["network"] = measure_network(server.port, accounts, manifest, say,
                                               repeats=config.repeats if full else max(1, config.repeats - 1))
            point["memory"] = {"web": server.memory(), "store": store_memory(runtime),
                               "graphBytes": graph_memory(runtime)}
        if full:
            with profiled(config, "gaps", point):
                point["gaps"] = measure_gaps(runtime, manifest, say)
            point["memory"]["store"] = store_memory(runtime)
            if single_graph(runtime):
                say("Import meten (vervangt de graph) ...")
                point["import"] = measure_import(runtime, config, say)
        point["loadAfter"] = [round(v, 2) for v in os.getloadavg()]
    finally:
        runtime.close()
    return point


@contextmanager
def profiled(config: BenchConfig, what: str, point: dict[str, Any]):
    """With ``--profile``: a pyinstrument profile of an in-process measurement, saved beside the results."""
    if not config.profile:
        yield
        return
    from pyinstrument import Profiler

    profiler = Profiler(interval=0.002)
    profiler.start()
    try:
        yield
    finally:
        profiler.stop()
        config.results_dir.mkdir(parents=True, exist_ok=True)
        path = config.results_dir / f"profile-{what}-n{point['n']}-m{point['m']}.txt"
        path.write_text(profiler.output_text(unicode=False, color=False), encoding="utf-8")
        point.setdefault("profiles", {})[what] = str(path)


def restart_store(runtime, say: Say) -> float | None:
    """Stop and start the embedded store on its files; the seconds it took to load (None: not embedded)."""
    server = getattr(runtime.store.connection, "server", None)
    if server is None:
        return None
    from graph.backends.embedded import EmbeddedServer

    runtime.close()
    server.stop(timeout=600)
    started = time.perf_counter()
    EmbeddedServer(server.data_dir, start_timeout=1800).ensure_running()  # a large graph loads for minutes
    seconds = time.perf_counter() - started
    say(f"Store opnieuw gestart: geladen in {seconds:.1f} s")
    return round(seconds, 2)


def graph_memory(runtime) -> int | None:
    """FalkorDB's own figure for one graph (GRAPH.MEMORY USAGE), in bytes, where the server has it."""
    db = getattr(runtime.store.connection, "_db", None)
    if db is None:
        return None
    try:
        reply = db.connection.execute_command("GRAPH.MEMORY", "USAGE", runtime.settings.graph_name)
    except Exception:  # noqa: BLE001 - older FalkorDB: no such command
        return None
    if isinstance(reply, list):
        pairs = dict(zip(reply[::2], reply[1::2]))
        total = pairs.get(b"total_graph_sz_mb") or pairs.get("total_graph_sz_mb")
        return int(float(total) * 1024 * 1024) if total is not None else None
    return None


def growth_points(config: BenchConfig) -> list[tuple[int, int]]:
    """(N/10, M/10) and (3N, M/10): search grows with N, network figures with M; (N, M) is the main point."""
    if config.points is not None:
        return list(config.points)
    return [(max(50, config.n // 10), config.m // 10), (config.n * 3, config.m // 10)]


def stop_embedded_store(config: BenchConfig) -> None:
    from graph import parse_graph_url
    from graph.backends.embedded import EmbeddedServer

    settings = bench_settings(config.data_dir, "x")
    location = parse_graph_url(settings.graph_url, settings.data_dir)
    if location.embedded:
        EmbeddedServer(location.data_dir).stop(timeout=600)


def backend_name() -> str:
    from graph import parse_graph_url

    settings = Settings.from_env()
    location = parse_graph_url(settings.graph_url, settings.data_dir)
    return location.backend if location.embedded or location.backend == "neo4j" else f"{location.backend}-remote"


def run_search_bench(config: BenchConfig, say: Say = print) -> dict[str, Any]:
    """Only the five search shapes, with the PostGIS reference beside them (answers checked equal
    first), on the graph an earlier ``generate`` or ``run`` made: a search change measured at full
    size in minutes. Written as ``<date>-<backend>-zoeken.json``; no budget table (one part only)."""
    runtime = bench_runtime(config.data_dir, graph_name_for(config.n, config.m, config.seed))
    try:
        path = manifest_path(runtime)
        if not path.exists():
            raise RuntimeError(f"Er is nog geen benchmarkgraph voor N={config.n}, M={config.m}, seed {config.seed} "
                               f"in {config.data_dir}: maak die eerst met `python -m bench generate` of `bench run`.")
        manifest = json.loads(path.read_text())
        result: dict[str, Any] = {
            "date": datetime.now(timezone.utc).isoformat(timespec="seconds"), "backend": backend_name(),
            "config": {"n": config.n, "m": config.m, "seed": config.seed, "requestsPerShape": config.requests,
                       "timeCapSeconds": config.time_cap, "clients": [1, CLIENTS], "warmup": config.warmup},
            "machine": machine(), "loadBefore": [round(v, 2) for v in os.getloadavg()],
        }
        if config.note:
            result["note"] = config.note
        with ExitStack() as stack:
            reference_port = None
            if config.reference:
                found = stack.enter_context(reference(runtime, config.data_dir / "reference", threads=CLIENTS, say=say))
                result["reference"] = {"skipped": found.skipped} if found.skipped else dict(found.facts)
                reference_port = found.port
            server = stack.enter_context(Server(runtime.settings))
            checked: dict[str, Any] = {}
            result["search"] = measure_search(server.port, manifest, config, rng=random.Random(config.seed),
                                              say=say, reference_port=reference_port, checked=checked)
            if reference_port is not None:
                result["reference"]["check"] = checked
        result["loadAfter"] = [round(v, 2) for v in os.getloadavg()]
    finally:
        runtime.close()
    config.results_dir.mkdir(parents=True, exist_ok=True)
    out = config.results_dir / f"{result['date'][:10]}-{result['backend']}-zoeken.json"
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return {**result, "path": str(out)}


def run_bench(config: BenchConfig, say: Say = print) -> dict[str, Any]:
    from bench.report import write_results

    started = time.perf_counter()
    result: dict[str, Any] = {
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "backend": backend_name(),
        "config": {"n": config.n, "m": config.m, "seed": config.seed, "scale": config.scale,
                   "requestsPerShape": config.requests, "timeCapSeconds": config.time_cap, "clients": [1, CLIENTS],
                   "importRows": config.import_rows, "growth": config.growth, "warmup": config.warmup,
                   "repeats": config.repeats},
        "machine": machine(),
    }
    if config.note:
        result["note"] = config.note
    say(f"Benchmark N={config.n} M={config.m} (schaal {config.scale}); belasting {result['machine']['loadavg']}")
    result["main"] = measure_point(config, config.n, config.m, full=True, say=say)
    result["growth"] = []
    if config.growth:
        for n, m in growth_points(config):
            # Written after each point: a run cut short still leaves what it measured.
            result["seconds"] = round(time.perf_counter() - started, 1)
            result["machine"]["loadavgAfter"] = [round(v, 2) for v in os.getloadavg()]
            write_results(dict(result, partial=True), config.results_dir)
            say(f"Groei: N={n}, M={m}")
            point = measure_point(config, n, m, full=False, say=say)
            result["growth"].append(point)
            # Not kept: the main graph alone should be in the store when the next run measures memory.
            drop = bench_runtime(config.data_dir, graph_name_for(n, m, config.seed))
            drop_graph(drop)
            drop.close()
    if config.stop_store:
        stop_embedded_store(config)
    result["seconds"] = round(time.perf_counter() - started, 1)
    result["machine"]["loadavgAfter"] = [round(v, 2) for v in os.getloadavg()]
    return write_results(result, config.results_dir)
