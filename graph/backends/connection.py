"""The contract every backend connection meets: run Cypher, get plain dicts back."""
from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, Iterable, Protocol

Statement = tuple[str, dict[str, Any]]


class Connection(Protocol):
    backend: str  # "falkordb" or "neo4j"
    # Must a transaction's writes fit in the server's transaction memory (Neo4j: 70 % of the heap)?
    # Then a large import is written in stages (Catalog.stage_size); FalkorDB has no such bound.
    transaction_memory_bounded: bool

    def read(self, query: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        """Run a read-only query; rows as dicts keyed by the RETURN names."""

    def write(self, query: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        """Run one write query, atomically."""

    def write_all(self, statements: Iterable[Statement]) -> None:
        """Run several write queries as one all-or-nothing unit."""

    def ping(self) -> bool: ...

    def describe(self) -> str: ...

    def close(self) -> None: ...


# -- two timeouts: the web request path and everything else ------------------------------------------
# Outside a web request (the CLI, imports, the webhook thread) a statement may take up to
# ``store_timeout_seconds``. Inside one the web app sets a short budget here (``request_timeout_seconds``,
# see web/timeouts.py), so a stopped or hung store answers 503 at once instead of holding the request.
# A context variable: each thread (each waitress request) has its own.
_request_budget: ContextVar[float | None] = ContextVar("socialekaart_request_budget", default=None)


def request_budget() -> float | None:
    """The seconds one statement may take on the current request path; None outside a web request."""
    return _request_budget.get()


def set_request_budget(seconds: float | None) -> None:
    _request_budget.set(seconds)


@contextmanager
def request_path(seconds: float | None):
    """Run the block with a short statement budget (as a web request does), or None for the long one."""
    token = _request_budget.set(seconds)
    try:
        yield
    finally:
        _request_budget.reset(token)


def plain(value: Any) -> Any:
    """Drivers hand out their own mappings (FalkorDB OrderedDicts, Neo4j records' values): give the
    stores plain dicts and lists."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value
