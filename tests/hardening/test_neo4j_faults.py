"""Neo4j stops during traffic: the API answers 503 problem+json within 2 seconds, never hangs, and
recovers when the server is back; and every acknowledged referral write survives kill -9 of its JVM.

The Neo4j counterparts of test_store_faults.py and test_durability.py, against the real app under
waitress on 127.0.0.1 and a Neo4j server of this module's own (the session's servers are left
alone). Nobody restarts a production Neo4j for us, so where the embedded FalkorDB is restarted by
the app, here the test restarts the server.
"""
from __future__ import annotations

import os
import random
import signal
import threading
import time
from collections import Counter

import pytest

from graph import open_store
from graph.backends.connection import request_budget, request_path
from graph.backends.neo4j_server import Neo4jServer
from graph.stores.referrals import ReferralStore
from socialekaart.shared.config import Settings
from socialekaart.shared.errors import StoreUnavailable
from tests.hardening.figures import count
from tests.hardening.live import Client, close_runtime, served, wait_dead
from tests.hardening.test_store_faults import Traffic, all_ok_again, check_down_answers, wait_for
from tests.hardening.world import make_app, seed_world
from tests.referrals.referral_helpers import SECRET_KEY, referral_body
from web.bootstrap import Runtime

pytestmark = pytest.mark.neo4j


@pytest.fixture(scope="module")
def neo4j_own(neo4j_pool, tmp_path_factory):
    server = Neo4jServer(tmp_path_factory.mktemp("neo4j-own"), heap="768m", owner_token=neo4j_pool.token,
                         die_with_parent=True).start()
    yield server
    server.stop()


@pytest.fixture
def own(neo4j_own, tmp_path):
    if neo4j_own.pid() is None:
        neo4j_own.start()
    settings = Settings(graph_url=neo4j_own.url_with_auth(), data_dir=tmp_path, secret_key=SECRET_KEY,
                        store_timeout_seconds=60.0)
    runtime = Runtime(settings)
    world = seed_world(runtime)
    yield world
    world.rr.close()
    close_runtime(runtime)
    if neo4j_own.pid() is not None:
        os.kill(neo4j_own.pid(), signal.SIGCONT)  # a failed test may have left it stopped


def test_a_hung_neo4j_gives_503_within_2_seconds_and_recovers_when_it_continues(own, neo4j_own):
    app = make_app(own)
    pid = neo4j_own.pid()
    with served(app) as base, Traffic(base, own) as traffic:
        assert wait_for(lambda: all_ok_again(traffic, 0), 30), traffic.log[-10:]
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
        assert wait_for(lambda: all_ok_again(traffic, resumed_at), 20), traffic.since(resumed_at)[-10:]
    assert neo4j_own.pid() == pid
    count("faults survived")


def test_a_stopped_neo4j_gives_fast_503_and_the_app_serves_again_after_a_restart(own, neo4j_own):
    app = make_app(own)
    with served(app) as base, Traffic(base, own) as traffic:
        assert wait_for(lambda: all_ok_again(traffic, 0), 30), traffic.log[-10:]
        pid = neo4j_own.pid()
        stopped_at = time.monotonic()
        os.kill(pid, signal.SIGKILL)
        wait_dead(pid)
        time.sleep(3.0)  # refused connections meanwhile
        check_down_answers(traffic.since(stopped_at))
        assert any(row[2] == 503 for row in traffic.since(stopped_at))
        restarted_at = time.monotonic()
        neo4j_own.start()  # same data dir, same port
        assert wait_for(lambda: all_ok_again(traffic, restarted_at), 60), traffic.since(restarted_at)[-10:]
    count("faults survived")


def test_request_path_is_short_and_batch_work_is_patient_on_neo4j(own, neo4j_own):
    """With the server stopped for 2.5 s: a statement on the request path fails within its budget;
    the same statement outside a request waits and succeeds."""
    connection = own.runtime.store.connection
    assert connection.read("MATCH (s:Service) RETURN count(s) AS n")[0]["n"] == 7  # a warm pooled connection
    pid = neo4j_own.pid()
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


CLIENTS = 4
TOTAL = 150  # acknowledged writes before the JVM is killed


def test_every_acknowledged_referral_write_survives_kill_9_of_neo4j(own, neo4j_own):
    acknowledged: dict[str, tuple[int, str]] = {}
    statuses: Counter = Counter()
    lock = threading.Lock()
    stop = threading.Event()

    def acked() -> int:
        with lock:
            return statuses[200] + statuses[201]

    def client_loop(number: int, base: str) -> None:
        client = Client(base, timeout=15)
        sender, receiver = own.callers["swt"].headers, own.callers["welzijn"].headers
        rng = random.Random(number)
        mine: list[str] = []
        while not stop.is_set():
            if not mine or rng.random() < 0.4:
                answer = client.post("/api/v1/referrals", referral_body(), headers=sender)
                with lock:
                    statuses[answer.status] += 1
                if answer.status == 201:
                    body = answer.json()
                    with lock:
                        acknowledged[body["id"]] = (body["version"], body["status"])
                    mine.append(body["id"])
                continue
            referral_id = rng.choice(mine)
            with lock:
                version, status = acknowledged[referral_id]
            step = {"concept": ("verzonden", sender), "verzonden": ("ontvangen", receiver),
                    "ontvangen": ("geaccepteerd", receiver), "geaccepteerd": ("gestart", receiver)}.get(status)
            if step is None:
                mine.remove(referral_id)
                continue
            answer = client.post(f"/api/v1/referrals/{referral_id}/transitions", {"to": step[0], "version": version},
                                 headers=step[1])
            with lock:
                statuses[answer.status] += 1
                if answer.status == 200:
                    body = answer.json()
                    acknowledged[referral_id] = max(acknowledged[referral_id], (body["version"], body["status"]))

    app = make_app(own)
    with served(app, threads=8) as base:
        threads = [threading.Thread(target=client_loop, args=(i, base), daemon=True) for i in range(CLIENTS)]
        for thread in threads:
            thread.start()
        try:
            deadline = time.monotonic() + 180
            while acked() < TOTAL and time.monotonic() < deadline:
                time.sleep(0.01)
            neo4j_own.kill()  # kill -9 while the clients keep writing
            time.sleep(1.0)
        finally:
            stop.set()
            for thread in threads:
                thread.join(30)

    assert acked() >= TOTAL, statuses
    assert set(statuses) <= {200, 201, 409, 503}, statuses  # never a 500
    own.rr.close()
    close_runtime(own.runtime)
    neo4j_own.start()  # recovery from its transaction log
    store = open_store(own.runtime.settings)
    try:
        referrals = ReferralStore(store)
        missing, behind = [], []
        for referral_id, (version, status) in acknowledged.items():
            found = referrals.get(referral_id)
            if found is None:
                missing.append(referral_id)
                continue
            events = {event.version: event for event in referrals.events_of(referral_id)}
            if found.version < version or version not in events or events[version].to_status != status:
                behind.append((referral_id, version, status, found.version, found.status))
            assert sorted(events) == list(range(1, found.version + 1))  # the chain has no gaps
        assert not missing and not behind, (missing[:5], behind[:5])
    finally:
        store.connection.close()
    count("writes checked after kill -9 (neo4j)", acked())
