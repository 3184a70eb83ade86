"""The embedded FalkorDB server: one per data dir, durable across restarts, SIGTERM and kill -9.

FalkorDB only: these test the embedded server itself (graph/embedded.py).
"""
from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest

from graph import open_connection
from graph.backends.embedded import EmbeddedServer
from socialekaart.shared.config import Settings
from socialekaart.shared.errors import StoreCorrupt, StoreUnavailable


@pytest.fixture
def own_dir(tmp_path):
    """A data dir with its own server, so killing it does not disturb the other tests."""
    yield tmp_path
    EmbeddedServer(tmp_path).stop()


def write_some(data_dir: Path, count: int) -> None:
    connection = open_connection(Settings(data_dir=data_dir))
    for number in range(count):
        connection.write("CREATE (:Note {n: $n})", {"n": number})
    connection.close()


def count_notes(data_dir: Path) -> int:
    connection = open_connection(Settings(data_dir=data_dir))
    try:
        return connection.read("MATCH (n:Note) RETURN count(n) AS c")[0]["c"]
    finally:
        connection.close()


def wait_dead(pid: int) -> None:
    for _ in range(200):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        if Path(f"/proc/{pid}/stat").read_text().split(") ")[1].startswith("Z"):
            return
        time.sleep(0.05)
    raise AssertionError(f"process {pid} did not die")


def test_files_live_in_the_data_dir(own_dir):
    write_some(own_dir, 1)
    status = EmbeddedServer(own_dir).status()
    assert status.running and status.pid
    assert (own_dir / "falkordb.pid").exists() and (own_dir / "falkordb.log").exists()
    assert (own_dir / "falkordb.sock").is_socket()
    assert status.aof_bytes > 0


def test_one_server_per_data_dir(own_dir):
    first = EmbeddedServer(own_dir)
    assert first.ensure_running() is True
    second = EmbeddedServer(own_dir)
    assert second.ensure_running() is False
    assert first.pid() == second.pid()


def test_data_survives_a_clean_restart(own_dir):
    write_some(own_dir, 25)
    assert EmbeddedServer(own_dir).stop()
    assert EmbeddedServer(own_dir).pid() is None
    assert count_notes(own_dir) == 25


def test_data_survives_sigterm(own_dir):
    write_some(own_dir, 25)
    pid = EmbeddedServer(own_dir).pid()
    os.kill(pid, signal.SIGTERM)
    wait_dead(pid)
    assert count_notes(own_dir) == 25  # the next opener restarts it on the same files


def test_every_acknowledged_write_survives_kill_9(own_dir):
    write_some(own_dir, 200)
    pid = EmbeddedServer(own_dir).pid()
    os.kill(pid, signal.SIGKILL)
    wait_dead(pid)
    assert EmbeddedServer(own_dir).pid() is None
    assert count_notes(own_dir) == 200
    assert EmbeddedServer(own_dir).pid() != pid


def test_a_running_connection_recovers_after_kill_9(own_dir):
    connection = open_connection(Settings(data_dir=own_dir))
    connection.write("CREATE (:Note {n: 1})")
    pid = EmbeddedServer(own_dir).pid()
    os.kill(pid, signal.SIGKILL)
    wait_dead(pid)
    # A read restarts the dead server and is answered.
    assert connection.read("MATCH (n:Note) RETURN count(n) AS c")[0]["c"] == 1
    connection.close()


def test_corrupt_files_are_reported_not_replaced(own_dir):
    write_some(own_dir, 3)
    EmbeddedServer(own_dir).stop()
    aof_dir = own_dir / "appendonlydir"
    incr = sorted(aof_dir.glob("*.incr.aof"))[-1]
    incr.write_bytes(b"*3\r\n$3\r\nSET\r\ngarbage that is not RESP\r\n" + incr.read_bytes())
    damaged = {p.name: p.read_bytes() for p in aof_dir.iterdir()}
    with pytest.raises(StoreCorrupt) as caught:
        EmbeddedServer(own_dir, start_timeout=20).ensure_running()
    assert "niet aangeraakt" in caught.value.message
    assert {p.name: p.read_bytes() for p in aof_dir.iterdir()} == damaged


def test_a_hung_server_is_reported_as_locked(own_dir):
    write_some(own_dir, 1)
    server = EmbeddedServer(own_dir, start_timeout=1.5)
    pid = server.pid()
    os.kill(pid, signal.SIGSTOP)
    try:
        with pytest.raises(StoreCorrupt) as caught:
            server.ensure_running()
        assert "in gebruik" in caught.value.message and str(pid) in caught.value.message
    finally:
        os.kill(pid, signal.SIGCONT)


def slow_to_load(data_dir: Path, notes: int = 60_000) -> int:
    """A stopped data dir whose log replays ``notes`` writes one by one on the next start (~1.5 s here):
    a server that stays busy loading, as a national graph does for a minute or more. The notes in all."""
    write_some(data_dir, 1)
    EmbeddedServer(data_dir).stop()
    incr = sorted((data_dir / "appendonlydir").glob("*.incr.aof"))[-1]
    graph = Settings().graph_name
    commands = []
    for number in range(1, notes + 1):
        query = f"CREATE (:Note {{n: {number}}})"
        commands.append(f"*3\r\n$11\r\nGRAPH.QUERY\r\n${len(graph)}\r\n{graph}\r\n${len(query)}\r\n{query}\r\n")
    with open(incr, "a", encoding="ascii") as log:
        log.write("".join(commands))
    return notes + 1


def seconds_loading(data_dir: Path) -> float:
    """How long the last start took to load, from the server's own log."""
    lines = (data_dir / "falkordb.log").read_text().splitlines()
    last = [line for line in lines if "DB loaded from append only file:" in line][-1]
    return float(last.split("append only file:")[1].split()[0])


def test_a_server_still_loading_its_files_is_waited_for_not_called_corrupt(own_dir):
    notes = slow_to_load(own_dir)
    EmbeddedServer(own_dir, start_timeout=0.3).ensure_running()  # answers LOADING for longer than that
    assert seconds_loading(own_dir) > 0.3  # it did load for longer than the start timeout
    assert count_notes(own_dir) == notes


def test_a_server_loading_past_its_time_is_unavailable_and_goes_on_loading(own_dir):
    notes = slow_to_load(own_dir)
    server = EmbeddedServer(own_dir, start_timeout=0.2, load_timeout=0.3)
    with pytest.raises(StoreUnavailable) as caught:
        server.ensure_running()
    assert "bezig zijn gegevens te laden" in caught.value.message
    deadline = time.monotonic() + 60
    while not server.ping() and time.monotonic() < deadline:  # it was not stopped: it finishes loading
        time.sleep(0.1)
    assert seconds_loading(own_dir) > 0.3
    assert count_notes(own_dir) == notes


def test_long_data_dir_gets_a_short_socket(tmp_path):
    deep = tmp_path / ("x" * 60) / ("y" * 60)
    server = EmbeddedServer(deep)
    try:
        server.ensure_running()
        assert len(str(server.socket_path)) <= 100 and server.ping()
    finally:
        server.stop()
