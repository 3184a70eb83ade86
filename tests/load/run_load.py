"""``make load``: a bounded load test of the real server on 127.0.0.1, with zero errors and flat memory.

1. A fresh data dir (var/load) with the demo region and the demo accounts.
2. ``socialekaart serve`` (waitress, 8 threads, as ``make run``) on a free port on 127.0.0.1.
3. Locust, headless: ``--users`` clients (8) for ``--run-time`` seconds (60), mixed search, referral
   and inbox traffic (tests/load/locustfile.py). Loopback only, bounded in users and time.
4. Meanwhile the resident memory of the web process and of the embedded FalkorDB is sampled.

Passes when locust saw no failure at all and memory is flat: the median of the last third of the
samples is at most ``--max-growth-mb`` (default 25 MB) above the median of the first third (after a
warm-up). Prints the figures; writes them to var/load/result.json.

    python tests/load/run_load.py [--users 8] [--run-time 60] [--keep]
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
LOOPBACK = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((LOOPBACK, 0))
        return sock.getsockname()[1]


def prepare(data_dir: Path, secret_key: str) -> dict:
    """Demo region and demo accounts in a fresh data dir; the plan the locust users need."""
    from importers.demo.region import demo_region
    from socialekaart.accounts.service import demo_accounts
    from socialekaart.shared.config import Settings
    from web.bootstrap import ReferralRuntime, Runtime

    if data_dir.exists():
        shutil.rmtree(data_dir)
    runtime = Runtime(Settings(data_dir=data_dir, secret_key=secret_key))
    runtime.store.init_schema()
    region = demo_region()
    runtime.catalog.save(areas=region.areas, organizations=region.organizations, services=region.services)
    rr = ReferralRuntime(runtime)
    made = {account.email.split("@")[0]: account for account in demo_accounts(rr.accounts, region.organizations)}
    welzijn_org = made["welzijn"].organization_id
    target = next(s for s in region.services if s.organization_id == welzijn_org and not s.confidential)
    plan = {"tokens": {name: account.token for name, account in made.items()},
            "target_service": target.id, "target_organization": welzijn_org,
            "services": [s.id for s in region.services if not s.confidential][:200]}
    rr.close()
    runtime.close()  # the embedded server keeps running for the web process
    return plan


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def wait_ready(base: str, process: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("de server stopte bij het starten")
        try:
            with urllib.request.urlopen(base + "/health", timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("de server werd niet klaar")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Bounded load test on 127.0.0.1")
    parser.add_argument("--users", type=int, default=8)
    parser.add_argument("--run-time", type=int, default=60, help="seconds (at most 600)")
    parser.add_argument("--warm-up", type=int, default=10, help="seconds left out of the memory comparison")
    parser.add_argument("--max-growth-mb", type=float, default=25.0)
    parser.add_argument("--data-dir", type=Path, default=ROOT / "var" / "load")
    parser.add_argument("--keep", action="store_true", help="keep the data dir afterwards")
    args = parser.parse_args(argv)
    users, run_time = max(1, min(args.users, 32)), max(5, min(args.run_time, 600))

    from graph.backends.embedded import EmbeddedServer
    from socialekaart.referrals.crypto import new_key

    secret = new_key()
    data_dir = args.data_dir.resolve()
    print(f"Voorbereiden in {data_dir} (demoregio, demo-accounts) ...", flush=True)
    plan = prepare(data_dir, secret)
    store = EmbeddedServer(data_dir)
    port = free_port()
    base = f"http://{LOOPBACK}:{port}"
    env = {**os.environ, "SOCIALEKAART_DATA_DIR": str(data_dir), "SOCIALEKAART_SECRET_KEY": secret,
           # The test measures the app, not the per-token limit (8 users share two tokens).
           "SOCIALEKAART_RATE_LIMIT_TOKEN": "1000000 per minute", "SOCIALEKAART_GEOCODER": "offline",
           "SOCIALEKAART_LOAD_PLAN": json.dumps(plan)}
    log = open(data_dir / "server.log", "w")
    server = subprocess.Popen([sys.executable, "-c", "from web.cli import main; main()", "serve", "--host", LOOPBACK,
                               "--port", str(port), "--threads", "8"], env=env, cwd=ROOT, stdout=log,
                              stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
    samples: list[tuple[float, float, float]] = []
    stop = threading.Event()
    try:
        wait_ready(base, server)

        def sample() -> None:
            started = time.monotonic()
            while not stop.wait(1.0):
                samples.append((time.monotonic() - started, rss_mb(server.pid), rss_mb(store.pid() or 0)))

        sampler = threading.Thread(target=sample, daemon=True)
        print(f"Locust: {users} gebruikers, {run_time} s, tegen {base} ...", flush=True)
        csv_prefix = data_dir / "locust"
        sampler.start()
        locust = subprocess.run(
            [sys.executable, "-m", "locust", "-f", str(ROOT / "tests" / "load" / "locustfile.py"), "--headless",
             "--users", str(users), "--spawn-rate", str(users), "--run-time", f"{run_time}s", "--host", base,
             "--csv", str(csv_prefix), "--only-summary", "--stop-timeout", "10"],
            env=env, cwd=ROOT, timeout=run_time + 120)
        stop.set()
        sampler.join(5)
    finally:
        stop.set()
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            server.kill()
        store.stop()
        log.close()

    with open(f"{csv_prefix}_stats.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    total = next(row for row in rows if row["Name"] == "Aggregated")
    requests, failures = int(total["Request Count"]), int(total["Failure Count"])
    steady = [s for s in samples if s[0] >= args.warm_up]
    third = max(1, len(steady) // 3)
    web_first = statistics.median(s[1] for s in steady[:third]) if steady else float("nan")
    web_last = statistics.median(s[1] for s in steady[-third:]) if steady else float("nan")
    db_first = statistics.median(s[2] for s in steady[:third]) if steady else float("nan")
    db_last = statistics.median(s[2] for s in steady[-third:]) if steady else float("nan")
    result = {"users": users, "seconds": run_time, "requests": requests, "failures": failures,
              "requests_per_second": float(total["Requests/s"]), "p50_ms": float(total["50%"]),
              "p95_ms": float(total["95%"]), "p99_ms": float(total["99%"]),
              "web_rss_mb": {"first_third": round(web_first, 1), "last_third": round(web_last, 1),
                             "peak": round(max((s[1] for s in samples), default=0), 1)},
              "store_rss_mb": {"first_third": round(db_first, 1), "last_third": round(db_last, 1)},
              "max_growth_mb": args.max_growth_mb, "locust_exit": locust.returncode}
    (data_dir / "result.json").write_text(json.dumps(result, indent=2))
    print(json.dumps(result, indent=2))
    problems = []
    if requests == 0:
        problems.append("locust sent no requests")
    if failures:
        problems.append(f"{failures} failed requests (see {csv_prefix}_failures.csv)")
    if not web_last - web_first <= args.max_growth_mb:
        problems.append(f"web memory grew {web_last - web_first:.1f} MB (> {args.max_growth_mb})")
    if not db_last - db_first <= args.max_growth_mb:
        problems.append(f"store memory grew {db_last - db_first:.1f} MB (> {args.max_growth_mb})")
    if not args.keep and not problems:
        shutil.rmtree(data_dir, ignore_errors=True)
    if problems:
        print("MISLUKT: " + "; ".join(problems))
        return 1
    print(f"Geslaagd: {requests} verzoeken, 0 fouten, geheugen vlak.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
