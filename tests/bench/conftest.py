"""The benchmark tests' store: the session's embedded FalkorDB or the test's own Neo4j."""
from __future__ import annotations

import pytest

from tests.conftest import set_store_env


@pytest.fixture
def bench_env(monkeypatch, stores, data_dir):
    """The benchmark on the session's embedded server (its own graphs) or on the test's own Neo4j."""
    monkeypatch.delenv("SOCIALEKAART_GRAPH_URL", raising=False)
    monkeypatch.delenv("SOCIALEKAART_GRAPH_NAME", raising=False)
    if stores.backend == "neo4j":
        set_store_env(monkeypatch, stores.settings("function"))
    yield data_dir
