"""Shared fixtures: one real embedded FalkorDB per test session, a fresh graph per test.

The store contract tests also run on Neo4j when SOCIALEKAART_TEST_NEO4J_URL is set.
"""
from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest

from graph import GraphStore, open_connection
from graph.backends.embedded import EmbeddedServer
from socialekaart.catalog.service import Catalog
from socialekaart.places.geocoding import PostcodeGeocoder
from socialekaart.shared.config import Settings
from web.bootstrap import Runtime

NEO4J_URL = os.environ.get("SOCIALEKAART_TEST_NEO4J_URL", "")
NEO4J_SKIP = "SOCIALEKAART_TEST_NEO4J_URL is not set: no Neo4j 5 server to run the contract tests against"


@pytest.fixture(scope="session")
def data_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("graph")


@pytest.fixture(scope="session")
def falkordb_server(data_dir):
    server = EmbeddedServer(data_dir)
    server.ensure_running()
    yield server
    server.stop()


def falkordb_settings(data_dir: Path, graph_name: str | None = None) -> Settings:
    return Settings(data_dir=data_dir, graph_name=graph_name or f"t_{uuid.uuid4().hex[:12]}",
                    store_timeout_seconds=10.0)


def neo4j_settings() -> Settings:
    return Settings(graph_url=NEO4J_URL, graph_user=os.environ.get("SOCIALEKAART_TEST_NEO4J_USER"),
                    graph_password=os.environ.get("SOCIALEKAART_TEST_NEO4J_PASSWORD"))


@pytest.fixture(params=["falkordb", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def backend_settings(request, falkordb_server, data_dir) -> Settings:
    if request.param == "neo4j":
        if not NEO4J_URL:
            pytest.skip(NEO4J_SKIP)
        return neo4j_settings()
    return falkordb_settings(data_dir)


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
def demo_runtime(falkordb_server, data_dir):
    """One graph with the whole demo region, shared read-only by the API tests."""
    from importers.demo.region import demo_region

    runtime = Runtime(falkordb_settings(data_dir, "demo_session"))
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
