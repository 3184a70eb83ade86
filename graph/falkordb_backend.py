"""FalkorDB, embedded (unix socket, server started on demand) or remote over redis://."""
from __future__ import annotations

import logging
import re
import threading
from typing import Any, Iterable

import redis
from falkordb import FalkorDB
from redis.backoff import NoBackoff
from redis.retry import Retry

from socialekaart.errors import ConfigError, SocialeKaartError, StoreUnavailable

from .connection import Statement
from .embedded import EmbeddedServer
from .url import SETTING, GraphLocation

log = logging.getLogger(__name__)
LARGE_WRITE_CHARS = 200_000
STORE_DOWN = "De database is niet bereikbaar. Probeer het over een minuut opnieuw."


class StoreQueryError(SocialeKaartError):
    """The database refused a query: a bug on our side, never the user's input."""


class FalkorDBConnection:
    backend = "falkordb"

    def __init__(self, location: GraphLocation, graph_name: str, *, timeout: float, connect_timeout: float):
        self.location = location
        self.graph_name = graph_name
        self.timeout = timeout
        self.connect_timeout = connect_timeout
        self.server = EmbeddedServer(location.data_dir) if location.embedded else None
        self.started_server = False
        self._restart_lock = threading.Lock()
        self._connect()

    def _connect(self) -> None:
        if self.server is not None:
            self.started_server = self.server.ensure_running() or self.started_server
            params: dict[str, Any] = {"unix_socket_path": str(self.server.socket_path)}
        else:
            params = {"host": self.location.host, "port": self.location.port,
                      "username": self.location.user, "password": self.location.password,
                      "ssl": self.location.url.startswith("rediss:")}
        # No hidden retries: a dead store must answer within the timeouts, not after backoff.
        try:
            self._db = FalkorDB(socket_timeout=self.timeout, socket_connect_timeout=self.connect_timeout,
                                retry=Retry(NoBackoff(), 0), max_connections=64, **params)
        except redis.AuthenticationError as exc:  # a ConnectionError too, so first
            raise ConfigError(f"{SETTING}: de FalkorDB-server weigert de gebruikersnaam of het wachtwoord.") from exc
        except (redis.ConnectionError, redis.TimeoutError, OSError) as exc:
            raise StoreUnavailable(STORE_DOWN) from exc
        self._graph = self._db.select_graph(self.graph_name)
        if self.location.database:
            raise ConfigError(f"{SETTING}: FalkorDB gebruikt alleen database 0.")

    # -- queries ---------------------------------------------------------------------------------
    def read(self, query: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        return self._run(query, params, read_only=True)

    def write(self, query: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        return self._run(query, params, read_only=False)

    def _run(self, query: str, params: dict[str, Any] | None, *, read_only: bool) -> list[dict[str, Any]]:
        for attempt in (1, 2):
            try:
                run = self._graph.ro_query if read_only else self._graph.query
                result = run(query, params or {})
                names = [column[1] for column in result.header]
                return [dict(zip(names, (_plain(v) for v in row))) for row in result.result_set]
            except (redis.ConnectionError, redis.TimeoutError) as exc:
                # Reads are safe to repeat once the embedded server is back; a write may have
                # landed, so its caller gets a clear error instead of a silent second try.
                if attempt == 1 and read_only and self._recover():
                    continue
                if not read_only:
                    self._recover()
                raise StoreUnavailable(STORE_DOWN) from exc
            except redis.ResponseError as exc:
                raise StoreQueryError(f"De database weigerde een opdracht: {exc}") from exc
        raise AssertionError("unreachable")

    def write_all(self, statements: Iterable[Statement]) -> None:
        """All statements as one query: FalkorDB rolls a failing query back whole, and the
        append-only file records it as one command, so a kill leaves all of it or none."""
        query, params = join_statements(list(statements))
        if not query:
            return
        self.write(query, params)
        if sum(len(str(v)) for v in params.values()) > LARGE_WRITE_CHARS:
            self._compact_log()

    def _compact_log(self) -> None:
        """Rewrite the append-only file as a snapshot in the background. Replaying one large
        query takes far longer than loading a snapshot, so restarts stay fast."""
        try:
            self._db.connection.bgrewriteaof()
        except redis.ResponseError:
            pass  # a rewrite is already running; it will include this write

    def _recover(self) -> bool:
        """Restart a dead embedded server on the same files. False for a remote store."""
        if self.server is None:
            return False
        with self._restart_lock:
            try:
                if not self.server.ping():
                    log.warning("embedded FalkorDB did not answer; restarting it on %s", self.server.data_dir)
                    self._connect()
                return True
            except SocialeKaartError as exc:
                log.error("could not restart the embedded FalkorDB: %s", exc)
                return False

    def ping(self) -> bool:
        try:
            return bool(self._db.connection.ping())
        except (redis.ConnectionError, redis.TimeoutError, OSError):
            return False

    def describe(self) -> str:
        return self.location.describe()

    def close(self) -> None:
        self._db.connection.close()

    def unique_constraint(self, graph_name: str, label: str, prop: str) -> None:
        """FalkorDB makes unique constraints with a command of its own, not with Cypher."""
        try:
            self._db.connection.execute_command("GRAPH.CONSTRAINT", "CREATE", graph_name, "UNIQUE", "NODE",
                                                label, "PROPERTIES", 1, prop)
        except redis.ResponseError as exc:
            if "already exists" not in str(exc).lower():
                raise StoreQueryError(f"De database weigerde een opdracht: {exc}") from exc

    def delete_graph(self) -> None:
        """Remove the whole graph (tests and `db reset` only)."""
        try:
            self._db.connection.execute_command("GRAPH.DELETE", self.graph_name)
        except redis.ResponseError:
            pass  # no graph yet


def join_statements(statements: list[Statement]) -> tuple[str, dict[str, Any]]:
    """Chain statements with ``WITH count(*)`` (which always yields one row, so an empty
    UNWIND does not stop the rest), each with its parameters renamed apart. A value shared by
    several statements (the same rows object) is sent once."""
    parts: list[str] = []
    params: dict[str, Any] = {}
    names_by_value: dict[int, str] = {}
    for number, (query, own) in enumerate(statements):
        for key in sorted(own or {}, key=len, reverse=True):
            value = own[key]
            name = names_by_value.setdefault(id(value), f"s{number}_{key}")
            params[name] = value
            query = re.sub(rf"\${re.escape(key)}\b", f"${name}", query)
        parts.append(query)
    joined = "".join(f"{part} WITH count(*) AS _{n} " for n, part in enumerate(parts[:-1]))
    return (joined + parts[-1], params) if parts else ("", {})


def _plain(value: Any) -> Any:
    """FalkorDB returns OrderedDicts for maps; hand out plain dicts and lists."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value
