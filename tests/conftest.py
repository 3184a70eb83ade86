"""Shared fixtures: every test that touches a store runs on FalkorDB and on Neo4j (``backend``).

FalkorDB: one real embedded server per test session, a fresh graph per test. Neo4j: real
Community servers the session starts (graph/backends/neo4j_server.py), wiped between uses; or the servers
SOCIALEKAART_TEST_NEO4J_URL names. Without java/mvn the Neo4j half is skipped, and in CI
(CI=true) such a skip fails the run.
"""
from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest

from graph import GraphStore, open_connection
from graph.backends.embedded import EmbeddedServer
from graph.backends.neo4j import OWNER_TOKEN_SETTING
from graph.backends.neo4j_server import Neo4jServer, missing_tools
from socialekaart.catalog.service import Catalog
from socialekaart.places.geocoding import PostcodeGeocoder
from socialekaart.shared.config import Settings
from web.bootstrap import Runtime

# Given: comma-separated bolt/neo4j URLs (with user:password) of servers this run may wipe, one per
# fixture lifetime (session, module, test); one URL serves all three (then session data is not safe
# from per-test wipes). Not given: the tests start their own Neo4j Community servers.
NEO4J_URLS = [u.strip() for u in os.environ.get("SOCIALEKAART_TEST_NEO4J_URL", "").split(",") if u.strip()]
NEO4J_SLOTS = ("session", "module", "function")
BACKENDS = ["falkordb", pytest.param("neo4j", marks=pytest.mark.neo4j)]
_neo4j_skips: list[str] = []


def pytest_runtest_logreport(report):
    if report.skipped and "neo4j" in report.keywords:
        _neo4j_skips.append(report.nodeid)


def pytest_sessionfinish(session, exitstatus):
    # In CI a skipped Neo4j test is a failure: the production store must really have been tested.
    if _neo4j_skips and os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter):
    if _neo4j_skips:
        ci = os.environ.get("CI", "").lower() in ("1", "true", "yes")
        terminalreporter.section("Neo4j", red=ci, yellow=not ci)
        terminalreporter.write_line(f"{len(_neo4j_skips)} Neo4j-tests overgeslagen"
                                    + (" -- in CI telt dat als mislukt." if ci else "."))


@pytest.fixture(scope="session")
def data_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("graph")


@pytest.fixture(scope="session")
def falkordb_server(data_dir):
    server = EmbeddedServer(data_dir)
    server.ensure_running()
    yield server
    server.stop()


# Functional tests get a long request budget: on a loaded test machine, or a Neo4j that still plans
# its first queries, the production budget (1.5 s) would turn a slow first answer into a 503. The
# budget itself is tested in tests/hardening with the production default.
TEST_REQUEST_TIMEOUT = 10.0


def falkordb_settings(data_dir: Path, graph_name: str | None = None) -> Settings:
    return Settings(data_dir=data_dir, graph_name=graph_name or f"t_{uuid.uuid4().hex[:12]}",
                    store_timeout_seconds=10.0, request_timeout_seconds=TEST_REQUEST_TIMEOUT)


class Neo4jPool:
    """One Neo4j per fixture lifetime (Community edition has one user database), started on first use."""

    def __init__(self, base: Path, token: str):
        self.base = base
        self.token = token
        self.servers: dict[str, Neo4jServer] = {}
        self.claimed: set[str] = set()

    def url(self, slot: str) -> str:
        if NEO4J_URLS:
            url = NEO4J_URLS[min(NEO4J_SLOTS.index(slot), len(NEO4J_URLS) - 1)]
            if url not in self.claimed:
                connection = open_connection(Settings(graph_url=url))
                try:
                    if not connection.claim(self.token):
                        pytest.exit(f"SOCIALEKAART_TEST_NEO4J_URL {url.split('@')[-1]} is niet leeg en niet van "
                                    "deze testrun: de tests wissen alleen een database die ze zelf markeerden.", 2)
                finally:
                    connection.close()
                self.claimed.add(url)
            return url
        server = self.servers.get(slot)
        if server is None:
            server = Neo4jServer(self.base / slot, heap="768m", owner_token=self.token,
                                 die_with_parent=True).start()
            self.servers[slot] = server
        return server.url_with_auth()

    def server(self, slot: str) -> Neo4jServer | None:
        self.url(slot)
        return self.servers.get(slot)

    def stop(self) -> None:
        for server in self.servers.values():
            server.stop()


@pytest.fixture(scope="session")
def neo4j_pool(tmp_path_factory):
    if not NEO4J_URLS:
        missing = missing_tools()
        if missing:
            pytest.skip(f"Neo4j-tests overgeslagen: {' en '.join(missing)} ontbreekt op deze machine "
                        "(of geef SOCIALEKAART_TEST_NEO4J_URL)")
    token = uuid.uuid4().hex
    previous = os.environ.get(OWNER_TOKEN_SETTING)
    os.environ[OWNER_TOKEN_SETTING] = token  # also for the commands the tests run in a subprocess
    pool = Neo4jPool(tmp_path_factory.mktemp("neo4j"), token)
    yield pool
    pool.stop()
    if previous is None:
        os.environ.pop(OWNER_TOKEN_SETTING, None)
    else:
        os.environ[OWNER_TOKEN_SETTING] = previous


class Stores:
    """Settings for a fresh, empty store on the backend of this test run.

    FalkorDB: a new graph name on the session's embedded server. Neo4j: the server of the
    fixture's lifetime (``slot``), wiped (its schema stays)."""

    def __init__(self, backend: str, data_dir: Path, pool: Neo4jPool | None):
        self.backend = backend
        self.data_dir = data_dir
        self.pool = pool

    def settings(self, slot: str = "function", graph_name: str | None = None) -> Settings:
        if self.backend == "falkordb":
            return falkordb_settings(self.data_dir, graph_name)
        # A cold Neo4j (query planning, JIT) on a busy 2-core machine writes the demo region in one
        # transaction in 20-50 s, and plans a new search shape in up to 2 s (0.1-0.3 s once warm). The
        # request budget itself is tested with the default 1.5 s (tests/hardening/test_neo4j_faults.py).
        settings = Settings(graph_url=self.pool.url(slot), data_dir=self.data_dir,
                            graph_name=graph_name or f"t_{uuid.uuid4().hex[:12]}", store_timeout_seconds=120.0,
                            request_timeout_seconds=TEST_REQUEST_TIMEOUT)
        connection = open_connection(settings)
        try:
            connection.delete_graph()
        finally:
            connection.close()
        return settings

    @staticmethod
    def env(settings: Settings) -> dict[str, str]:
        """The environment a command in a subprocess needs to open the same store."""
        env = {"SOCIALEKAART_DATA_DIR": str(settings.data_dir), "SOCIALEKAART_GRAPH_NAME": settings.graph_name}
        if settings.graph_url:
            env["SOCIALEKAART_GRAPH_URL"] = settings.graph_url
            env[OWNER_TOKEN_SETTING] = os.environ.get(OWNER_TOKEN_SETTING, "")
        return env


def set_store_env(monkeypatch, settings: Settings) -> None:
    for key, value in Stores.env(settings).items():
        monkeypatch.setenv(key, value)


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request) -> str:
    return request.param


@pytest.fixture(scope="session")
def stores(request, backend, falkordb_server, data_dir) -> Stores:
    pool = request.getfixturevalue("neo4j_pool") if backend == "neo4j" else None
    return Stores(backend, data_dir, pool)


@pytest.fixture(scope="session")
def neo4j_stores(neo4j_pool, falkordb_server, data_dir) -> Stores:
    """Neo4j alone, for the tests of the Neo4j driver layer itself (mark them ``neo4j``)."""
    return Stores("neo4j", data_dir, neo4j_pool)


@pytest.fixture
def backend_settings(stores) -> Settings:
    return stores.settings("function")


@pytest.fixture
def store(backend_settings):
    """A GraphStore on an empty graph with the schema applied, on each backend."""
    connection = open_connection(backend_settings)
    connection.delete_graph()
    graph_store = GraphStore(connection, backend_settings.graph_name)
    graph_store.init_schema()
    yield graph_store
    connection.delete_graph()
    connection.close()


@pytest.fixture
def catalog(store) -> Catalog:
    return Catalog(store, PostcodeGeocoder())


@pytest.fixture(scope="session")
def demo_runtime(stores):
    """One graph with the whole demo region, shared read-only by the API tests."""
    from importers.demo.region import demo_region

    runtime = Runtime(stores.settings("session", "demo_session"))
    runtime.store.connection.delete_graph()
    runtime.store.init_schema()
    region = demo_region()
    runtime.catalog.save(areas=region.areas, organizations=region.organizations, services=region.services)
    runtime.demo_region = region
    yield runtime
    runtime.store.connection.delete_graph()
    runtime.close()


@pytest.fixture(scope="session")
def app(demo_runtime):
    from web import create_app

    return create_app({"SETTINGS": demo_runtime.settings, "RUNTIME": demo_runtime, "TESTING": True})


@pytest.fixture
def client(app):
    return app.test_client()
