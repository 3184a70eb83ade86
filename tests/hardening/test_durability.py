"""Every acknowledged referral write survives kill -9 of the store.

FalkorDB only (the embedded server's append-only file); Neo4j: test_neo4j_faults.py.

The embedded server writes its append-only file with ``appendfsync always``: a command is on disk
(fsync) before its reply goes out, so whatever the API acknowledged (201 on create, 200 on a
transition) is in the file when the server dies. Here: client threads create referrals and move
them on through the real API (waitress on 127.0.0.1, ReferralService, its own embedded FalkorDB),
the server is killed with SIGKILL twice during the traffic (the app restarts it by itself), and
once more at the end; then a fresh process view reads everything back.

Nothing acknowledged may be missing: each acknowledged referral exists, at least at the version
(and with the event) that was acknowledged. A write that was under way at the kill gets 503 and may
or may not be there: it was never acknowledged.
"""
from __future__ import annotations

import os
import random
import signal
import threading
import time
from collections import Counter

import redis

from graph import open_store
from graph.backends.embedded import EmbeddedServer
from graph.stores.referrals import ReferralStore
from tests.hardening.figures import count
from tests.hardening.live import Client, close_runtime, own_settings, served, wait_dead
from tests.hardening.world import make_app
from tests.referrals.referral_helpers import referral_body

CLIENTS = 6
KILL_AFTER = (100, 250, 400)  # acknowledged writes before each kill during the traffic
TOTAL = 600  # acknowledged writes to reach before the traffic stops


def test_the_embedded_server_syncs_every_write(tmp_path):
    """The policy itself, as the running server reports it (a change in graph/embedded.py fails here)."""
    server = EmbeddedServer(tmp_path / "graph")
    try:
        server.ensure_running()
        client = redis.Redis(unix_socket_path=str(server.socket_path))
        assert client.config_get("appendonly") == {"appendonly": "yes"}
        assert client.config_get("appendfsync") == {"appendfsync": "always"}
        client.close()
    finally:
        server.stop()


def test_every_acknowledged_referral_write_survives_kill_9(own):
    data_dir = own.runtime.location.data_dir
    server = EmbeddedServer(data_dir)
    acknowledged: dict[str, tuple[int, str]] = {}  # referral id: (highest acknowledged version, its status)
    statuses: Counter = Counter()
    lock = threading.Lock()
    stop = threading.Event()
    kills: list[int] = []

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
            if answer.status == 409:  # a write that was under way at a kill landed after all: look again
                fresh = client.get(f"/api/v1/referrals/{referral_id}", headers=sender)
                if fresh.status == 200:
                    with lock:
                        body = fresh.json()
                        acknowledged[referral_id] = max(acknowledged[referral_id], (body["version"], body["status"]))

    def kill() -> None:
        pid = server.pid()
        os.kill(pid, signal.SIGKILL)
        wait_dead(pid)
        kills.append(pid)

    app = make_app(own)
    with served(app, threads=8) as base:
        threads = [threading.Thread(target=client_loop, args=(i, base), daemon=True) for i in range(CLIENTS)]
        for thread in threads:
            thread.start()
        try:
            for threshold in KILL_AFTER:
                deadline = time.monotonic() + 120
                while acked() < threshold and time.monotonic() < deadline:
                    time.sleep(0.01)
                kill()  # while the clients keep writing
            deadline = time.monotonic() + 120
            while acked() < TOTAL and time.monotonic() < deadline:
                time.sleep(0.05)
        finally:
            stop.set()
            for thread in threads:
                thread.join(30)
        kill()  # and once more with everything written: nothing is flushed on the way out

    assert acked() >= TOTAL, statuses
    assert set(statuses) <= {200, 201, 409, 503}, statuses  # never a 500
    assert len(kills) == len(KILL_AFTER) + 1  # during the traffic (writes went on after each), and at the end

    # A fresh look at the files: a new connection restarts the server on them.
    own.rr.close()
    close_runtime(own.runtime)
    assert server.pid() is None
    store = open_store(own_settings(data_dir))
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
    count("writes checked after kill -9", acked())
    count("faults survived", len(kills))
