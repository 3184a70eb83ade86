"""The contract every backend connection meets: run Cypher, get plain dicts back."""
from __future__ import annotations

from typing import Any, Iterable, Protocol

Statement = tuple[str, dict[str, Any]]


class Connection(Protocol):
    backend: str  # "falkordb" or "neo4j"

    def read(self, query: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        """Run a read-only query; rows as dicts keyed by the RETURN names."""

    def write(self, query: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        """Run one write query, atomically."""

    def write_all(self, statements: Iterable[Statement]) -> None:
        """Run several write queries as one all-or-nothing unit."""

    def ping(self) -> bool: ...

    def describe(self) -> str: ...

    def close(self) -> None: ...
