"""A local Neo4j Community 5.26 server in its own JVM, for the tests and ``make neo4j``.

The jars come from Maven Central (``graph/backends/neo4j_dist/pom.xml``) into a cache folder that is reused.
The server gets a generated ``neo4j.conf`` (Bolt on 127.0.0.1 and a free port, HTTP off, auth on)
and a generated password, set before the first start with neo4j-admin's own command. A fresh data
dir also gets an owner marker (see ``graph/backends/neo4j.py``): only whoever holds it may wipe it.

    python -m graph.backends.neo4j_server start|stop|status --data-dir DIR
"""
from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from socialekaart.shared.errors import StoreUnavailable

ROOT = Path(__file__).resolve().parents[2]  # the project folder: graph/backends/ -> ../..
POM = Path(__file__).resolve().parent / "neo4j_dist" / "pom.xml"
DEFAULT_DIST = ROOT / "var" / "neo4j-dist"
MAIN_CLASS = "org.neo4j.server.CommunityEntryPoint"
ADMIN_CLASS = "org.neo4j.cli.AdminTool"
USER = "neo4j"
STATE_NAME = "server.json"
OWNER_TOKEN_SETTING = "SOCIALEKAART_GRAPH_OWNER_TOKEN"


class Neo4jUnavailable(StoreUnavailable):
    """Java, Maven or the jars are missing: no local Neo4j on this machine."""


def dist_dir() -> Path:
    return Path(os.environ.get("SOCIALEKAART_NEO4J_DIST") or DEFAULT_DIST).resolve()


def missing_tools() -> list[str]:
    """What this machine lacks to run a local Neo4j (Maven only when the jars are not there yet)."""
    missing = [] if shutil.which("java") else ["java"]
    if not (dist_dir() / "lib" / ".complete").exists() and not shutil.which("mvn"):
        missing.append("mvn")
    return missing


def ensure_dist(dist: Path | None = None) -> Path:
    """The folder with every Neo4j jar; fetched with Maven the first time (minutes), then reused."""
    lib = (dist or dist_dir()) / "lib"
    done = lib / ".complete"
    if done.exists():
        return lib
    if not shutil.which("mvn"):
        raise Neo4jUnavailable("Maven (mvn) ontbreekt: de Neo4j-jars kunnen niet opgehaald worden.")
    lib.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(["mvn", "-B", "-q", "-f", str(POM), f"-DoutputDirectory={lib}",
                             "dependency:copy-dependencies"], capture_output=True, text=True)
    if result.returncode != 0 or not any(lib.glob("neo4j-5*.jar")):
        raise Neo4jUnavailable("Neo4j ophalen met Maven is mislukt:\n" + (result.stdout + result.stderr)[-3000:])
    done.write_text(time.strftime("%Y-%m-%dT%H:%M:%S\n"))
    return lib


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _alive(pid: int | None) -> bool:
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie is dead
        return not Path(f"/proc/{pid}/stat").read_text().split(") ")[1].startswith("Z")
    except (OSError, IndexError):
        return True


def _term_with_parent() -> None:
    import ctypes

    ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


class Neo4jServer:
    def __init__(self, data_dir: Path, *, heap: str = "1g", pagecache: str = "256m",
                 start_timeout: float = 180.0, dist: Path | None = None, owner_token: str | None = None,
                 die_with_parent: bool = False):
        self.data_dir = Path(data_dir).resolve()
        self.heap = heap
        self.pagecache = pagecache
        self.start_timeout = start_timeout
        self.dist = dist
        self._owner_token = owner_token
        self.die_with_parent = die_with_parent  # tests: a killed test run leaves no JVM behind
        self.process: subprocess.Popen | None = None

    # -- state kept in the data dir, so `stop` and `status` work from another process ------------------
    @property
    def state_path(self) -> Path:
        return self.data_dir / STATE_NAME

    def state(self) -> dict:
        try:
            return json.loads(self.state_path.read_text())
        except (OSError, ValueError):
            return {}

    def _save_state(self, **changes) -> dict:
        state = {**self.state(), **changes}
        self.data_dir.mkdir(parents=True, exist_ok=True)
        tmp = self.state_path.with_suffix(".tmp")
        tmp.write_text(json.dumps(state, indent=2))
        tmp.chmod(0o600)
        tmp.replace(self.state_path)
        return state

    @property
    def password(self) -> str:
        return self.state()["password"]

    @property
    def port(self) -> int:
        return int(self.state()["port"])

    @property
    def owner_token(self) -> str:
        return self.state()["owner_token"]

    @property
    def url(self) -> str:
        return f"bolt://127.0.0.1:{self.port}"

    def url_with_auth(self, scheme: str = "bolt") -> str:
        return f"{scheme}://{USER}:{self.password}@127.0.0.1:{self.port}"

    def pid(self) -> int | None:
        pid = self.state().get("pid")
        return pid if _alive(pid) else None

    # -- start and stop -----------------------------------------------------------------------------------
    def _write_conf(self, port: int) -> Path:
        conf = self.data_dir / "conf"
        conf.mkdir(parents=True, exist_ok=True)
        (conf / "neo4j.conf").write_text("\n".join([
            "server.default_listen_address=127.0.0.1",
            "server.bolt.enabled=true",
            f"server.bolt.listen_address=127.0.0.1:{port}",
            f"server.bolt.advertised_address=127.0.0.1:{port}",
            "server.http.enabled=false",
            "server.https.enabled=false",
            "dbms.security.auth_enabled=true",
            f"server.directories.data={self.data_dir / 'data'}",
            f"server.directories.logs={self.data_dir / 'logs'}",
            f"server.directories.run={self.data_dir / 'run'}",
            f"server.directories.import={self.data_dir / 'import'}",
            f"server.memory.pagecache.size={self.pagecache}",
            "dbms.usage_report.enabled=false",
            "db.logs.query.enabled=OFF",
            "db.tx_log.rotation.retention_policy=2 files",
            "db.shutdown_transaction_end_timeout=2s",
            "",
        ]))
        return conf

    def _env(self, conf: Path) -> dict[str, str]:
        return {**os.environ, "NEO4J_HOME": str(self.data_dir), "NEO4J_CONF": str(conf)}

    def start(self) -> "Neo4jServer":
        """Start the server (or find it running) and wait until it answers a query."""
        if self.pid() is not None:
            self._wait_ready()
            return self
        if shutil.which("java") is None:
            raise Neo4jUnavailable("Java ontbreekt: Neo4j kan niet starten.")
        lib = ensure_dist(self.dist)
        state = self.state()
        fresh = not (self.data_dir / "data" / "databases").exists()
        port = int(state["port"]) if state.get("port") and not fresh else free_port()
        # hex, never a leading "-": neo4j-admin would read such a password as an option and refuse to start
        password = state.get("password") or secrets.token_hex(18)
        conf = self._write_conf(port)
        if fresh:
            for leftover in (self.data_dir / "data",):
                shutil.rmtree(leftover, ignore_errors=True)
            # The documented way to set the first password: before the first start, never neo4j/neo4j live.
            result = subprocess.run(["java", "-cp", f"{lib}/*", ADMIN_CLASS, "dbms", "set-initial-password",
                                     password], env=self._env(conf), capture_output=True, text=True)
            if result.returncode != 0:
                raise StoreUnavailable(f"Neo4j: het beginwachtwoord zetten is mislukt: {result.stderr[-2000:]}")
        log = open(self.data_dir / "console.log", "ab")
        self.process = subprocess.Popen(
            ["java", f"-Xmx{self.heap}", "-XX:+UseG1GC", "-XX:+ExitOnOutOfMemoryError",
             "-XX:-OmitStackTraceInFastThrow", "-Dfile.encoding=UTF-8", "-cp", f"{lib}/*", MAIN_CLASS,
             f"--home-dir={self.data_dir}", f"--config-dir={conf}"],
            env=self._env(conf), stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True, preexec_fn=_term_with_parent if self.die_with_parent else None)
        log.close()
        self._save_state(pid=self.process.pid, port=port, password=password,
                         owner_token=self._owner_token or state.get("owner_token") or secrets.token_hex(16))
        self._wait_ready()
        if fresh or self._owner_token:
            self._mark_owner()
        return self

    def _driver(self, timeout: float = 2.0):
        from neo4j import GraphDatabase

        return GraphDatabase.driver(self.url, auth=(USER, self.password), connection_timeout=timeout,
                                    max_transaction_retry_time=0)

    def _wait_ready(self) -> None:
        """Ready is a query that answers, not an open port (Bolt listens before the databases are up)."""
        deadline = time.monotonic() + self.start_timeout
        last: Exception | None = None
        while time.monotonic() < deadline:
            if self.pid() is None:
                raise StoreUnavailable("Neo4j stopte tijdens het starten. Laatste regels van het log:\n"
                                       f"{self.log_tail()}")
            try:
                with self._driver() as driver:
                    driver.verify_connectivity()
                    records, _, _ = driver.execute_query("RETURN 1 AS one")
                    if records and records[0]["one"] == 1:
                        return
            except Exception as exc:  # not up yet: refused, auth not ready, database starting
                last = exc
            time.sleep(0.3)
        raise StoreUnavailable(f"Neo4j is na {self.start_timeout:.0f} s niet klaar ({last}).\n{self.log_tail()}")

    def _mark_owner(self) -> None:
        from graph.backends.neo4j import owner_index_statement

        with self._driver() as driver:
            driver.execute_query(owner_index_statement(self.owner_token))

    def log_tail(self, lines: int = 30) -> str:
        text = ""
        for name in ("logs/neo4j.log", "console.log"):
            try:
                text += "\n".join((self.data_dir / name).read_text(errors="replace").splitlines()[-lines:]) + "\n"
            except OSError:
                pass
        return text

    def stop(self, timeout: float = 60.0) -> bool:
        """SIGTERM (Neo4j shuts down cleanly), SIGKILL after ``timeout``. False if it was not running."""
        pid = self.pid()
        if pid is None:
            return False
        try:
            os.kill(pid, signal.SIGCONT)  # a test may have stopped it
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            return False
        deadline = time.monotonic() + timeout
        while _alive(pid) and time.monotonic() < deadline:
            if self.process is not None:
                self.process.poll()
            time.sleep(0.1)
        if _alive(pid):
            os.kill(pid, signal.SIGKILL)
        if self.process is not None:
            self.process.wait(10)
        return True

    def kill(self) -> int:
        """kill -9, as a crash would (durability tests). Returns the pid."""
        pid = self.pid()
        assert pid is not None, "Neo4j draait niet"
        os.kill(pid, signal.SIGKILL)
        if self.process is not None:
            self.process.wait(10)
        return pid

    def status(self) -> dict:
        state = self.state()
        return {"data_dir": str(self.data_dir), "running": self.pid() is not None, "pid": self.pid(),
                "url": f"bolt://127.0.0.1:{state['port']}" if state.get("port") else None}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m graph.backends.neo4j_server",
                                     description="Een lokale Neo4j Community-server (tests, make neo4j).")
    parser.add_argument("command", choices=("start", "stop", "status"))
    parser.add_argument("--data-dir", type=Path, default=ROOT / "var" / "neo4j")
    parser.add_argument("--heap", default="1g", help="Java-heap van de server (bv. 2g); bij start.")
    parser.add_argument("--pagecache", default="256m", help="Page cache van de server (bv. 1536m); bij start.")
    args = parser.parse_args(argv)
    server = Neo4jServer(args.data_dir, heap=args.heap, pagecache=args.pagecache)
    try:
        if args.command == "start":
            server.start()
            print(f"Neo4j draait (pid {server.pid()}) in {server.data_dir}. Gebruik:")
            print(f"SOCIALEKAART_GRAPH_URL={server.url_with_auth()}")
            print(f"{OWNER_TOKEN_SETTING}={server.owner_token}")
        elif args.command == "stop":
            print("Neo4j gestopt." if server.stop() else "Neo4j draaide niet.")
        else:
            status = server.status()
            print(f"Neo4j {'draait' if status['running'] else 'draait niet'} ({server.data_dir})")
            if status["running"]:
                print(f"SOCIALEKAART_GRAPH_URL={server.url_with_auth()}")
            return 0 if status["running"] else 3
    except StoreUnavailable as exc:
        print(f"Fout: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
