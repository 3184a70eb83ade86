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

from graph.backends.connection import Statement, plain, request_budget
from graph.backends.embedded import EmbeddedServer
from graph.backends.url import SETTING, GraphLocation
from socialekaart.shared.errors import ConfigError, SocialeKaartError, StoreUnavailable, ValidationError

log = logging.getLogger(__name__)
LARGE_WRITE_CHARS = 200_000
STORE_DOWN = "De database is niet bereikbaar. Probeer het over een minuut opnieuw."


class StoreQueryError(SocialeKaartError):
    """The database refused a query: a bug on our side, never the user's input."""


class FalkorDBConnection:
    backend = "falkordb"
    transaction_memory_bounded = False

    def __init__(self, location: GraphLocation, graph_name: str, *, timeout: float, connect_timeout: float):
        self.location = location
        self.graph_name = graph_name
        self.timeout = timeout
        self.connect_timeout = connect_timeout
        self.server = EmbeddedServer(location.data_dir) if location.embedded and location.data_dir else None
        self.started_server = False
        self._restart_lock = threading.Lock()
        self._quick: tuple[float, Any] | None = None
        self._quick_lock = threading.Lock()
        self._connect()

    def _connect(self) -> None:
        if self.server is not None:
            self.started_server = start_embedded(self.server, wait=request_budget()) or self.started_server
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
        self._params = params
        self._graph = self._db.select_graph(self.graph_name)
        self._quick = None
        if self.location.database:
            raise ConfigError(f"{SETTING}: FalkorDB gebruikt alleen database 0.")

    def _graph_now(self):
        """The graph handle for this moment: on a web request path one whose socket gives up after the
        request budget (its own pool), elsewhere the patient one."""
        budget = request_budget()
        if budget is None or budget >= self.timeout:
            return self._graph
        quick = self._quick
        if quick is None or quick[0] != budget:
            with self._quick_lock:
                quick = self._quick
                if quick is None or quick[0] != budget:
                    db = FalkorDB(socket_timeout=budget, socket_connect_timeout=min(self.connect_timeout, budget),
                                  retry=Retry(NoBackoff(), 0), max_connections=64, **self._params)
                    quick = self._quick = (budget, db.select_graph(self.graph_name))
        return quick[1]

    # -- queries ---------------------------------------------------------------------------------
    def read(self, query: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        return self._run(query, params, read_only=True)

    def write(self, query: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        return self._run(query, params, read_only=False)

    def _run(self, query: str, params: dict[str, Any] | None, *, read_only: bool) -> list[dict[str, Any]]:
        if params and _has_nul(params):
            # FalkorDB sends parameters as text and cuts a string at a NUL: refuse, never a broken query.
            raise ValidationError("Tekst met een nul-teken (\\0) kan niet gezocht of opgeslagen worden.")
        for attempt in (1, 2):
            try:
                graph = self._graph_now()
                run = graph.ro_query if read_only else graph.query
                result = run(query, params or {})
                names = [column[1] for column in result.header]
                return [dict(zip(names, (plain(v) for v in row))) for row in result.result_set]
            except (redis.ConnectionError, redis.TimeoutError) as exc:
                # On a web request a store that does not answer in time is down for this request:
                # no restart (it is alive, maybe busy or stopped), 503 now.
                if isinstance(exc, redis.TimeoutError) and request_budget() is not None:
                    raise StoreUnavailable(STORE_DOWN) from exc
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
        """Restart a dead embedded server on the same files. False for a remote store. On a web
        request this waits at most the request budget (the restart goes on in the background)."""
        if self.server is None:
            return False
        budget = request_budget()
        if not self._restart_lock.acquire(timeout=-1 if budget is None else budget):
            return False
        try:
            if not self.server.ping(timeout=min(1.0, budget or 1.0)):
                log.warning("embedded FalkorDB did not answer; restarting it on %s", self.server.data_dir)
                self._connect()
            return True
        except SocialeKaartError as exc:
            if not isinstance(exc, StoreUnavailable) or budget is None:
                log.error("could not restart the embedded FalkorDB: %s", exc)
            return False
        finally:
            self._restart_lock.release()

    def ping(self) -> bool:
        try:
            return bool(self._graph_now().client.connection.ping() if request_budget() is not None else
                        self._db.connection.ping())
        except (redis.ConnectionError, redis.TimeoutError, OSError):
            return False

    def describe(self) -> str:
        return self.location.describe()

    def close(self) -> None:
        self._db.connection.close()
        if self._quick is not None:
            self._quick[1].client.connection.close()

    def unique_constraint(self, graph_name: str, label: str, prop: str) -> None:
        """FalkorDB makes unique constraints with a command of its own, not with Cypher."""
        try:
            self._db.connection.execute_command("GRAPH.CONSTRAINT", "CREATE", graph_name, "UNIQUE", "NODE",
                                                label, "PROPERTIES", 1, prop)
        except redis.ResponseError as exc:
            if "already exists" not in str(exc).lower():
                raise StoreQueryError(f"De database weigerde een opdracht: {exc}") from exc

    def drop_unique_constraint(self, graph_name: str, label: str, prop: str) -> None:
        try:
            self._db.connection.execute_command("GRAPH.CONSTRAINT", "DROP", graph_name, "UNIQUE", "NODE",
                                                label, "PROPERTIES", 1, prop)
        except redis.ResponseError as exc:
            raise StoreQueryError(f"De database weigerde een opdracht: {exc}") from exc

    def exists(self) -> bool:
        """Whether the graph is there at all (a read on a graph never written to is an error)."""
        try:
            return bool(self._db.connection.exists(self.graph_name))
        except (redis.ConnectionError, redis.TimeoutError) as exc:
            raise StoreUnavailable(STORE_DOWN) from exc

    def sibling(self, graph_name: str) -> "FalkorDBConnection":
        """A connection to another graph on the same server (``db copy`` writes a staging graph)."""
        return FalkorDBConnection(self.location, graph_name, timeout=self.timeout,
                                  connect_timeout=self.connect_timeout)

    def take_graph(self, other_graph: str) -> None:
        """Replace this graph by ``other_graph`` in one step (Redis RENAME is atomic): whoever reads
        sees the old graph or the new one, never a mix."""
        try:
            self._db.connection.execute_command("RENAME", other_graph, self.graph_name)
        except redis.ResponseError as exc:
            raise StoreQueryError(f"De database weigerde een opdracht: {exc}") from exc
        # A fresh handle: the old one may cache the replaced graph's label and property ids.
        self._graph = self._db.select_graph(self.graph_name)
        self._quick = None

    def delete_graph(self) -> None:
        """Remove the whole graph (tests and `db reset` only)."""
        try:
            self._db.connection.execute_command("GRAPH.DELETE", self.graph_name)
        except redis.ResponseError:
            pass  # no graph yet


class _Starter(threading.Thread):
    """Starts (or finds) the embedded server of one data dir, in the background."""

    def __init__(self, server: EmbeddedServer):
        super().__init__(name=f"falkordb-start-{server.data_dir.name}", daemon=True)
        self.server = server
        self.started = False
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            self.started = self.server.ensure_running()
        except BaseException as exc:  # handed to whoever waits for this start
            self.error = exc


_starters: dict[str, _Starter] = {}
_starters_lock = threading.Lock()


def start_embedded(server: EmbeddedServer, *, wait: float | None) -> bool:
    """``server.ensure_running()``, but with ``wait`` (a web request's budget) wait at most that long:
    the start goes on in the background (one per data dir, shared by everyone asking meanwhile) and
    the request gets StoreUnavailable now. True if this start launched the server."""
    if wait is None:
        return server.ensure_running()
    if server.ping(timeout=min(wait, 0.5)):
        return False
    key = str(server.data_dir)
    with _starters_lock:
        starter = _starters.get(key)
        if starter is None or not starter.is_alive():
            starter = _starters[key] = _Starter(server)
            starter.start()
    starter.join(wait)
    if starter.is_alive():
        raise StoreUnavailable(STORE_DOWN)
    if starter.error is not None:
        raise starter.error
    return starter.started


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


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return any(_has_nul(v) for v in value)
    return False
