"""A killed import leaves the store as it was, or fully imported: never half.

The import runs as the real command in a subprocess. It is killed (SIGKILL) while it writes:
first only the command, then also the database server itself, which is then restarted from
its append-only files.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from graph import open_connection
from graph.backends.embedded import EmbeddedServer
from socialekaart.shared.config import Settings
from tests.conftest import Stores

COMMAND = Path(sys.executable).with_name("socialekaart")
WRITING = "Wegschrijven in één keer"


def big_csv(path: Path, rows: int) -> Path:
    lines = ["id;naam;organisatie;trede;leefgebieden;doelgroepen;lat;lon;adres;postcode;plaats;openingstijden"]
    for n in range(rows):
        lat, lon = 51.45 + (n % 100) * 0.001, 3.80 + (n // 100) * 0.002
        lines.append(f"k{n};Voorziening {n};Organisatie {n % 40};voorliggend;geldzaken, woning;ouderen;"
                     f"{lat:.4f};{lon:.4f};Straat {n};4461 AB;Goes;ma-vr 09:00-17:00")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def start_import(csv_path: Path, settings: Settings) -> subprocess.Popen:
    env = {**os.environ, **Stores.env(settings),
           "SOCIALEKAART_STORE_TIMEOUT": "60", "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen([str(COMMAND), "import", "providers", str(csv_path)], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)


def wait_for_writing(process: subprocess.Popen, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    seen = []
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        seen.append(line)
        if line.startswith(WRITING):
            return
    process.kill()
    raise AssertionError(f"the import never started writing: {''.join(seen)}")


def counts(settings: Settings) -> tuple[int, int, int]:
    connection = open_connection(settings)
    try:
        row = connection.read("OPTIONAL MATCH (o:Organization) WITH count(o) AS o "
                              "OPTIONAL MATCH (s:Service) WITH o, count(s) AS s "
                              "OPTIONAL MATCH (l:Location) RETURN o, s, count(l) AS l")[0]
        return row["o"], row["s"], row["l"]
    finally:
        connection.close()


@pytest.fixture
def settings(stores):
    settings = stores.settings("function", f"kill_{uuid.uuid4().hex[:10]}")
    yield settings
    connection = open_connection(settings)
    connection.delete_graph()
    connection.close()


def test_killing_the_import_while_it_writes_leaves_nothing_or_everything(tmp_path, settings):
    rows = 3000
    process = start_import(big_csv(tmp_path / "groot.csv", rows), settings)
    wait_for_writing(process)
    time.sleep(0.3)  # into the write
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)

    assert counts(settings) in {(0, 0, 0), (40, rows, rows)}


def test_killing_the_database_server_halfway_loses_the_whole_import_or_keeps_all_of_it(tmp_path):
    own_dir = tmp_path / "graph"
    server = EmbeddedServer(own_dir)
    server.ensure_running()
    rows = 5000
    try:
        own = Settings(data_dir=own_dir, graph_name="kill")
        process = start_import(big_csv(tmp_path / "groot.csv", rows), own)
        wait_for_writing(process)
        time.sleep(1.0)  # the server is now executing the one big write
        os.kill(server.pid(), signal.SIGKILL)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)

        after = counts(own)  # restarts the server from its append-only files

        assert after in {(0, 0, 0), (40, rows, rows)}
    finally:
        server.stop()
