"""Storage: the contexts' ports implemented in Cypher (``stores``) over one connection contract
(``backends``: embedded FalkorDB, remote FalkorDB or Neo4j 5), with the schema, the migrations, the
few dialect differences and the unit of work beside them."""
from __future__ import annotations

from graph.backends.connection import Connection
from graph.backends.url import GraphLocation, parse_graph_url
from graph.stores.catalog import GraphStore
from socialekaart.shared.config import Settings

__all__ = ["GraphStore", "GraphLocation", "open_connection", "open_store", "parse_graph_url"]


def open_connection(settings: Settings) -> Connection:
    """Connect to the backend ``SOCIALEKAART_GRAPH_URL`` names (starting the embedded server if needed)."""
    location = parse_graph_url(settings.graph_url, settings.data_dir)
    if location.backend == "neo4j":
        from graph.backends.neo4j import Neo4jConnection

        return Neo4jConnection(location, user=settings.graph_user, password=settings.graph_password,
                               timeout=settings.store_timeout_seconds,
                               connect_timeout=settings.connect_timeout_seconds)
    from graph.backends.falkordb import FalkorDBConnection

    return FalkorDBConnection(location, settings.graph_name, timeout=settings.store_timeout_seconds,
                              connect_timeout=settings.connect_timeout_seconds)


def open_store(settings: Settings) -> GraphStore:
    return GraphStore(open_connection(settings), settings.graph_name)
