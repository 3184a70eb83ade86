"""The store stops during traffic: the API answers 503 problem+json within 2 seconds, never hangs,
and recovers by itself when the store is back.

FalkorDB only: these stop, kill and restart the embedded server itself; the Neo4j counterparts are
in test_neo4j_faults.py.

Two kinds of stop, each against the real app under waitress on 127.0.0.1 with its own embedded
FalkorDB (so the session's server is left alone):
- hung (SIGSTOP): the server is alive but answers nothing. Every statement on the request path has
  the request budget (``request_timeout_seconds``, 1.5 s); a timeout there is 503 at once, no restart.
- dead (kill -9): the socket refuses at once; the next statement restarts the server in the
  background (one start per data dir) and the request gets 503 or, when the start is that quick,
  its answer. Nobody has to run a command.

And the split itself: outside a web request (CLI, imports, coordinator computations) statements
keep the patient ``store_timeout_seconds``.
"""
from __future__ import annotations

import os
import signal
import threading
import time
from collections import Counter

import pytest

from graph.backends.connection import request_budget, request_path
from graph.backends.embedded import EmbeddedServer
from socialekaart.shared.errors import StoreUnavailable
from tests.hardening.figures import count
from tests.hardening.live import Client, close_runtime, own_settings, served, stop_own_server, wait_dead
from tests.hardening.world import make_app, seed_world
from web.bootstrap import Runtime

LIMIT_SECONDS = 2.0
# Requests that all need the store: search, detail, HSDS, a referral, the inbox, a page, health.
READS = ["/api/v1/services?postcode=4461AB", "/api/v1/services/svc-schuld", "/api/v1/organizations",
         "/hsds/services?per_page=5", "/hulp/svc-schuld", "/health"]


class Traffic:
    """Client threads sending requests in a loop, recording (time, path, status, seconds, content type)."""

    def __init__(self, base: str, world, threads: int = 4):
        self.client = Client(base, timeout=15)
        self.world = world
        self.stop = threading.Event()
        self.log: list[tuple[float, str, int, float, str]] = []
        self.lock = threading.Lock()
        self.threads = [threading.Thread(target=self._run, args=(i,), daemon=True) for i in range(threads)]

    def _requests(self):
        swt = self.world.callers["swt"].headers
        referral = self.world.referrals["received"]
        return [(path, {}) for path in READS] + [
            ("/api/v1/referrals?box=sent", swt), (f"/api/v1/referrals/{referral}", swt)]

    def _run(self, number: int) -> None:
        plan = self._requests()
        index = number
        while not self.stop.is_set():
            path, headers = plan[index % len(plan)]
            index += 1
            answer = self.client.get(path, headers=headers)
            with self.lock:
                self.log.append((time.monotonic(), path, answer.status, answer.seconds,
                                 answer.headers.get("Content-Type", "")))

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        for thread in self.threads:
            thread.join(20)
        assert not any(t.is_alive() for t in self.threads), "a client thread hung"

    def overlapping(self, start: float, end: float):
        """Answers to requests that were under way at some moment between start and end."""
        with self.lock:
            return [row for row in self.log if row[0] - row[3] <= end and row[0] >= start]

    def since(self, start: float):
        with self.lock:
            return [row for row in self.log if row[0] - row[3] >= start]


def wait_for(condition, timeout: float, step: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return False


def all_ok_again(traffic: Traffic, since: float, needed: int = 16) -> bool:
    rows = traffic.since(since)
    return len(rows) >= needed and all(row[2] == 200 for row in rows[-needed:])


def check_down_answers(rows) -> None:
    assert rows, "no requests were answered while the store was stopped"
    slow = [row for row in rows if row[3] > LIMIT_SECONDS]
    assert not slow, f"answers took longer than {LIMIT_SECONDS} s: {slow[:5]}"
    statuses = Counter(row[2] for row in rows)
    assert set(statuses) <= {200, 503}, statuses  # 200: a read that got in just before or after
    for _, path, status, _, content_type in rows:
        if status == 503 and path.startswith("/api/"):
            assert content_type.startswith("application/problem+json"), (path, content_type)


def test_a_hung_store_gives_503_within_2_seconds_and_recovers_when_it_continues(own):
    app = make_app(own)
    pid = EmbeddedServer(own.runtime.location.data_dir).pid()
    with served(app) as base, Traffic(base, own) as traffic:
        assert wait_for(lambda: all_ok_again(traffic, 0), 10), traffic.log[-10:]
        stopped_at = time.monotonic()
        os.kill(pid, signal.SIGSTOP)
        try:
            time.sleep(4.0)
        finally:
            os.kill(pid, signal.SIGCONT)
        resumed_at = time.monotonic()
        during = traffic.overlapping(stopped_at, resumed_at)
        check_down_answers(during)
        assert sum(1 for row in during if row[2] == 503) >= len(traffic.threads), Counter(r[2] for r in during)
        assert wait_for(lambda: all_ok_again(traffic, resumed_at), 10), traffic.since(resumed_at)[-10:]
    assert EmbeddedServer(own.runtime.location.data_dir).pid() == pid  # the same server, not restarted
    count("faults survived")


def test_a_killed_store_gives_fast_answers_and_is_restarted_by_itself(own):
    app = make_app(own)
    server = EmbeddedServer(own.runtime.location.data_dir)
    with served(app) as base, Traffic(base, own) as traffic:
        assert wait_for(lambda: all_ok_again(traffic, 0), 10)
        for _ in range(2):  # twice: the restarted server must be as restartable as the first
            pid = server.pid()
            killed_at = time.monotonic()
            os.kill(pid, signal.SIGKILL)
            wait_dead(pid)
            assert wait_for(lambda: all_ok_again(traffic, killed_at + 0.5), 15), traffic.since(killed_at)[-10:]
            check_down_answers(traffic.since(killed_at))
            assert server.pid() not in (None, pid)
            count("faults survived")


def test_the_app_starts_while_the_store_is_dead_and_serves_once_it_is_back(tmp_path):
    """The first request finds no server at all (never started): it is started in the background."""
    data_dir = tmp_path / "graph"
    runtime = Runtime(own_settings(data_dir))
    world = seed_world(runtime)  # starts the server and fills it
    close_runtime(runtime)
    EmbeddedServer(data_dir).stop()
    fresh = Runtime(own_settings(data_dir))
    world.runtime = fresh
    try:
        app = make_app(world)
        with served(app) as base:
            client = Client(base)
            started = time.monotonic()
            answers = []
            while time.monotonic() - started < 15:
                answer = client.get("/api/v1/services/svc-schuld")
                answers.append(answer)
                assert answer.seconds < LIMIT_SECONDS and answer.status in (200, 503), answer
                if answer.status == 200:
                    break
            assert answers[-1].status == 200
        count("faults survived")
    finally:
        world.rr.close()
        close_runtime(fresh)
        stop_own_server(data_dir)


def test_request_path_is_short_and_batch_work_is_patient(own):
    """With the server stopped for 2.5 s: a statement on the request path fails within its budget;
    the same statement outside a request (CLI, import) waits and succeeds."""
    connection = own.runtime.store.connection
    pid = EmbeddedServer(own.runtime.location.data_dir).pid()
    resume = threading.Timer(2.5, lambda: os.kill(pid, signal.SIGCONT))
    os.kill(pid, signal.SIGSTOP)
    resume.start()
    try:
        started = time.monotonic()
        with request_path(0.5):
            with pytest.raises(StoreUnavailable):
                connection.read("MATCH (s:Service) RETURN count(s) AS n")
        assert time.monotonic() - started < 1.0
        assert request_budget() is None
        rows = connection.read("MATCH (s:Service) RETURN count(s) AS n")  # patient: waits for SIGCONT
        assert rows[0]["n"] == 7 and time.monotonic() - started >= 2.0
    finally:
        resume.join()
        os.kill(pid, signal.SIGCONT)
    count("faults survived")


def test_coordinator_computations_keep_the_patient_timeout(world, app):
    """Every statement of a coverage or network request runs without the request budget; search
    and referral statements run with it."""
    connection = world.connection
    seen: list[tuple[str, float | None]] = []
    original = connection.read

    def recording(query, params=None):
        seen.append((current_path[0], request_budget()))
        return original(query, params)

    current_path = [""]
    connection.read = recording
    try:
        client = app.test_client()
        coordinator = world.callers["coordinator"].headers
        for path, headers in [("/api/v1/network/figures", coordinator), ("/api/v1/coverage?area=GM0664", coordinator),
                              ("/api/v1/services?q=schuld", {}),
                              ("/api/v1/referrals", world.callers["swt"].headers)]:
            current_path[0] = path
            response = client.get(path, headers=headers)
            assert response.status_code == 200, (path, response.get_json())
    finally:
        del connection.read
    budgets = {}
    for path, budget in seen:
        budgets.setdefault(path, set()).add(budget)
    assert budgets["/api/v1/network/figures"] == {None} and budgets["/api/v1/coverage?area=GM0664"] == {None}
    short = world.runtime.settings.request_timeout_seconds
    assert budgets["/api/v1/services?q=schuld"] == {short} and budgets["/api/v1/referrals"] == {short}
    assert request_budget() is None  # nothing leaks out of a request
