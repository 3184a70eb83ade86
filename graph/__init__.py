"""Storage: one contract (GraphStore) over embedded FalkorDB, remote FalkorDB or Neo4j 5."""
from __future__ import annotations

from socialekaart.config import Settings

from .store import GraphStore
from .url import GraphLocation, parse_graph_url

__all__ = ["GraphStore", "GraphLocation", "open_connection", "open_store", "parse_graph_url"]


def open_connection(settings: Settings):
    """Connect to the backend ``SOCIALEKAART_GRAPH_URL`` names (starting the embedded server if needed)."""
    location = parse_graph_url(settings.graph_url, settings.data_dir)
    if location.backend == "neo4j":
        from .neo4j_backend import Neo4jConnection

        return Neo4jConnection(location, user=settings.graph_user, password=settings.graph_password,
                               timeout=settings.store_timeout_seconds,
                               connect_timeout=settings.connect_timeout_seconds)
    from .falkordb_backend import FalkorDBConnection

    return FalkorDBConnection(location, settings.graph_name, timeout=settings.store_timeout_seconds,
                              connect_timeout=settings.connect_timeout_seconds)


def open_store(settings: Settings) -> GraphStore:
    return GraphStore(open_connection(settings), settings.graph_name)
