"""Neo4j 5 through the official driver.

Every statement runs in an explicit transaction (``session.begin_transaction``) with a server-side
timeout, never in a managed one: the driver repeats managed transactions on errors, which holds a
web request past its budget and can apply a write twice when only the commit's answer was lost.
Reads and writes share the driver's bookmark manager, so a read sees every write this process made,
also on a cluster. A watchdog closes the socket of a statement past its deadline: a hung server
(alive, answering nothing) costs a request its budget, not forever.
"""
from __future__ import annotations

import os
import socket
import threading
import time
from contextlib import contextmanager
from typing import Any, Callable, Iterable, TypeVar

import neo4j
from neo4j import GraphDatabase
from neo4j.exceptions import (
    AuthError,
    ClientError,
    DriverError,
    Neo4jError,
    ServiceUnavailable,
    SessionExpired,
    TransientError,
)
from neo4j.graph import Node, Relationship

from graph.backends.connection import Statement, request_budget
from graph.backends.falkordb import STORE_DOWN, StoreQueryError
from graph.backends.url import SETTING, GraphLocation
from socialekaart.shared.errors import ConfigError, StoreUnavailable

_UNREACHABLE = (ServiceUnavailable, SessionExpired, OSError)
T = TypeVar("T")
OWNER_LABEL = "SocialekaartOwner"
OWNER_PREFIX = "socialekaart_owner_"
OWNER_TOKEN_SETTING = "SOCIALEKAART_GRAPH_OWNER_TOKEN"
MIN_VERSION = (5, 23)
# A deadlock aborts the transaction before anything is committed: safe to run again, a few times.
DEADLOCK_TRIES = 5
# Seconds a statement outside a web request may wait for an answer beyond its own timeout.
SLACK = 5.0
# Neo4j's codes for a transaction that outgrew its memory (db.memory.transaction.max, or the pool of
# dbms.memory.transaction.total.max): rolled back, and no retry will make it fit.
_TOO_BIG = ("MemoryPoolOutOfMemoryError", "TransactionMemoryLimit")
TOO_BIG = ("De opdracht is te groot voor het transactiegeheugen van Neo4j (dbms.memory.transaction.total.max); "
           "er is niets vastgelegd. Geef Neo4j meer heap, of lees het bestand in delen in.")


def too_slow(seconds: float) -> str:
    return (f"De database antwoordde niet binnen {seconds:g} s (SOCIALEKAART_STORE_TIMEOUT); er is niets vastgelegd. "
            "Probeer het opnieuw als het rustiger is, of zet de tijd ruimer.")


class _Deadline:
    """Closes the connection of a session when its deadline passes (a hung server never answers)."""

    def __init__(self, session, seconds: float):
        self.session = session
        self.fired = False
        self._done = threading.Event()
        self._timer = threading.Timer(seconds, self._fire)
        self._timer.daemon = True
        self._timer.start()

    def _fire(self) -> None:
        while not self._done.is_set():
            connection = getattr(self.session, "_connection", None)
            if connection is not None:
                self.fired = True
                raw = getattr(connection.socket, "_socket", connection.socket)
                try:
                    raw.shutdown(socket.SHUT_RDWR)  # wakes the read that waits; the driver drops it
                except OSError:  # already closed
                    pass
                return
            self._done.wait(0.02)  # still acquiring: that has its own timeout; look again

    def cancel(self) -> None:
        self._done.set()
        self._timer.cancel()


def _rows(result: neo4j.Result) -> list[dict[str, Any]]:
    """The rows as plain dicts and lists, in one pass (``record.data()`` and then copying to plain
    types took a third of a large read's time)."""
    keys = result.keys()
    return [{key: _plain(value) for key, value in zip(keys, record)} for record in result]


def _plain(value: Any) -> Any:
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, (dict, Node, Relationship)):  # an entity as its properties, as record.data() gives it
        return {k: _plain(v) for k, v in value.items()}
    return value


class Neo4jConnection:
    backend = "neo4j"
    transaction_memory_bounded = True

    def __init__(self, location: GraphLocation, *, user: str | None, password: str | None,
                 timeout: float, connect_timeout: float, owner_token: str | None = None):
        self.location = location
        self.timeout = timeout
        self.connect_timeout = connect_timeout
        self.database = str(location.database) if location.database else None
        self.owner_token = owner_token or os.environ.get(OWNER_TOKEN_SETTING) or None
        auth = (location.user or user or "neo4j", location.password or password or "")
        scheme_url = location.url if not location.database else location.url.rsplit("/", 1)[0]
        self._driver = GraphDatabase.driver(scheme_url, auth=auth, connection_timeout=connect_timeout,
                                            connection_acquisition_timeout=connect_timeout + timeout,
                                            max_transaction_retry_time=0, liveness_check_timeout=30.0,
                                            notifications_min_severity="OFF")
        self._bookmarks = self._driver.execute_query_bookmark_manager

    # -- running statements ------------------------------------------------------------------------
    @contextmanager
    def _transaction(self, write: bool, budget: float | None):
        """One explicit transaction; commits when the block ends without error. ``budget``: the
        seconds left on a web request's path (None elsewhere)."""
        tx_timeout = self.timeout if budget is None else min(self.timeout, budget)
        acquire = self.connect_timeout + self.timeout if budget is None else min(self.connect_timeout, budget)
        deadline_after = tx_timeout if budget is not None else tx_timeout + self.connect_timeout + SLACK
        session = self._driver.session(
            database=self.database, bookmark_manager=self._bookmarks, connection_acquisition_timeout=acquire,
            default_access_mode=neo4j.WRITE_ACCESS if write else neo4j.READ_ACCESS)
        deadline = _Deadline(session, deadline_after)
        try:
            with session:
                tx = session.begin_transaction(timeout=tx_timeout)
                try:
                    yield tx
                    tx.commit()
                finally:
                    if not tx.closed():
                        tx.close()  # rolls back
        except AuthError as exc:
            raise ConfigError(f"{SETTING}: Neo4j weigert de gebruikersnaam of het wachtwoord.") from exc
        except _UNREACHABLE as exc:
            raise StoreUnavailable(STORE_DOWN) from exc
        except TransientError:
            raise
        except (ClientError, Neo4jError, DriverError) as exc:
            code = getattr(exc, "code", None) or ""
            if deadline.fired or "TransactionTimedOut" in code or "Transaction.Terminated" in code:
                # too slow: down for a web request; the CLI says how long it waited
                raise StoreUnavailable(STORE_DOWN if budget is not None else too_slow(tx_timeout)) from exc
            raise StoreQueryError(f"De database weigerde een opdracht: {exc}") from exc
        except Exception as exc:
            if deadline.fired:
                raise StoreUnavailable(STORE_DOWN) from exc
            raise
        finally:
            deadline.cancel()

    def _run(self, statements: list[Statement], write: bool) -> list[dict[str, Any]]:
        budget = request_budget()
        ends = None if budget is None else time.monotonic() + budget
        for attempt in range(1, DEADLOCK_TRIES + 1):
            left = None if ends is None else ends - time.monotonic()
            try:
                rows: list[dict[str, Any]] = []
                with self._transaction(write, left) as tx:
                    for query, params in statements:
                        rows = _rows(tx.run(query, params or {}))
                return rows
            except TransientError as exc:
                code = getattr(exc, "code", None) or ""
                # Only a deadlock is sure to have written nothing (it aborts before the commit):
                # that one is run again, within what is left of a request's budget. Nothing else is.
                pause = 0.01 * attempt
                if ("DeadlockDetected" in code and attempt < DEADLOCK_TRIES
                        and (ends is None or ends - time.monotonic() > pause + 0.05)):
                    time.sleep(pause)
                    continue
                if any(name in code for name in _TOO_BIG):
                    raise StoreUnavailable(TOO_BIG) from exc
                raise StoreUnavailable(STORE_DOWN) from exc
        raise AssertionError("unreachable")

    def read(self, query: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        return self._run([(query, params or {})], write=False)

    def in_transaction(self, work: Callable[[Callable[..., list[dict[str, Any]]]], T]) -> T:
        """Run ``work(run)`` in one explicit write transaction, ``run(query, params)`` giving rows as
        ``read`` does: committed when ``work`` returns, rolled back when anything raises (``db copy``).
        Not repeated on a deadlock: ``work`` may be long."""
        try:
            with self._transaction(True, None) as tx:
                def run(query: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
                    return _rows(tx.run(query, params or {}))

                return work(run)
        except TransientError as exc:  # e.g. out of transaction memory: rolled back, nothing written
            raise StoreUnavailable(f"Neo4j brak de transactie af ({getattr(exc, 'code', '') or exc}); "
                                   "er is niets vastgelegd.") from exc

    def write(self, query: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        return self._run([(query, params or {})], write=True)

    def write_all(self, statements: Iterable[Statement]) -> None:
        batch = list(statements)
        if batch:
            self._run(batch, write=True)

    def ping(self) -> bool:
        try:
            self.read("RETURN 1 AS one")
            return True
        except (StoreUnavailable, StoreQueryError, ConfigError, DriverError, Neo4jError, OSError):
            return False

    def describe(self) -> str:
        return self.location.describe()

    def close(self) -> None:
        self._driver.close()

    # -- schema support --------------------------------------------------------------------------------
    def server_version(self) -> tuple[int, ...]:
        rows = self.read("CALL dbms.components() YIELD name, versions RETURN name, versions")
        text = next((r["versions"][0] for r in rows if r["name"] == "Neo4j Kernel"), rows[0]["versions"][0])
        return tuple(int(part) for part in text.split("-")[0].split(".")[:3] if part.isdigit())

    def check_version(self) -> None:
        version = self.server_version()
        if version[:2] < MIN_VERSION:
            shown = ".".join(map(str, version))
            raise ConfigError(f"{SETTING}: Neo4j {shown} is te oud; socialekaart heeft Neo4j "
                              f"{MIN_VERSION[0]}.{MIN_VERSION[1]} of nieuwer nodig (5.26 LTS aanbevolen).")

    def await_indexes(self, seconds: int = 300) -> None:
        self._run([("CALL db.awaitIndexes($seconds)", {"seconds": seconds})], write=False)

    def memory(self) -> dict[str, int | None]:
        """The server's memory as configured (heap maximum, page cache) and the heap in use, in bytes:
        what the benchmark holds against the store's memory budget."""
        heap = self.read("CALL dbms.queryJmx('java.lang:type=Memory') YIELD attributes "
                         "RETURN attributes.HeapMemoryUsage.value.properties AS heap")[0]["heap"]
        rows = self.read("CALL dbms.listConfig() YIELD name, value "
                         "WHERE name = 'server.memory.pagecache.size' RETURN value")
        pagecache = _bytes(rows[0]["value"]) if rows and rows[0]["value"] else None
        return {"heap_max": heap.get("max"), "heap_committed": heap.get("committed"), "heap_used": heap.get("used"),
                "pagecache": pagecache}

    # -- the owner marker: nobody wipes a database they did not make ---------------------------------------
    # The marker is a named index, not a node: no query over all nodes ever sees it, and a wipe
    # (which keeps the schema) keeps it.
    def claim(self, token: str) -> bool:
        """Mark an EMPTY database as ours (tests, bench). False when it holds data or another owner."""
        owners = self._owner_names()
        if owners - {owner_index_name(token)} or self.read("MATCH (n) RETURN count(n) AS n")[0]["n"]:
            return False
        self.write(owner_index_statement(token))
        self.owner_token = token
        return True

    def _owner_names(self) -> set[str]:
        rows = self.read("SHOW INDEXES YIELD name WHERE name STARTS WITH $prefix RETURN name", {"prefix": OWNER_PREFIX})
        return {row["name"] for row in rows}

    def owned(self) -> bool:
        if not self.owner_token:
            return False
        return owner_index_name(self.owner_token) in self._owner_names()

    def delete_graph(self) -> None:
        """Remove every node, keeping the schema (tests and `db reset` only), and only in a database
        this process made: the owner marker must carry our token."""
        if not self.owned():
            raise ConfigError(
                f"Weigering: de Neo4j-database op {self.location.url} is niet door socialekaart aangemaakt "
                f"(geen eigenaarsmarkering met het token uit {OWNER_TOKEN_SETTING}). Er is niets gewist.")
        with self._driver.session(database=self.database, bookmark_manager=self._bookmarks) as session:
            # CALL { } IN TRANSACTIONS needs an auto-commit transaction: never repeated by the driver.
            # Relationships first: DETACH DELETE of 10,000 nodes at once also deletes every relationship
            # of each, and a node with tens of thousands (a leefgebied, a gemeente) outgrew the
            # transaction memory of a 2 GiB heap on the national benchmark graph.
            session.run("MATCH ()-[r]->() CALL (r) { DELETE r } IN TRANSACTIONS OF 10000 ROWS").consume()
            session.run("MATCH (n) CALL (n) { DELETE n } IN TRANSACTIONS OF 10000 ROWS").consume()


_UNITS = {"": 1, "B": 1, "KIB": 1024, "K": 1024, "MIB": 1024 ** 2, "M": 1024 ** 2, "GIB": 1024 ** 3, "G": 1024 ** 3}


def _bytes(text: str) -> int | None:
    """'256.00MiB' or '2g' (Neo4j's config values) in bytes; None when unreadable."""
    number = text.strip()
    digits = "".join(ch for ch in number if ch.isdigit() or ch == ".")
    unit = number[len(digits):].strip().upper()
    try:
        return int(float(digits) * _UNITS[unit])
    except (KeyError, ValueError):
        return None


def owner_index_name(token: str) -> str:
    if not token.isalnum():
        raise ConfigError(f"{OWNER_TOKEN_SETTING} mag alleen letters en cijfers bevatten.")
    return f"{OWNER_PREFIX}{token}"


def owner_index_statement(token: str) -> str:
    name = owner_index_name(token)
    return f"CREATE INDEX {name} IF NOT EXISTS FOR (n:{OWNER_LABEL}) ON (n.{name})"
