"""Neo4j 5 through the official driver; reads use read routing so a cluster spreads them."""
from __future__ import annotations

from typing import Any, Iterable

import neo4j
from neo4j import GraphDatabase, Query, RoutingControl
from neo4j.exceptions import AuthError, ClientError, DriverError, Neo4jError, ServiceUnavailable, SessionExpired

from graph.backends.connection import Statement, request_budget
from graph.backends.falkordb import STORE_DOWN, StoreQueryError
from graph.backends.url import SETTING, GraphLocation
from socialekaart.shared.errors import ConfigError, StoreUnavailable

_UNREACHABLE = (ServiceUnavailable, SessionExpired, OSError)


class Neo4jConnection:
    backend = "neo4j"

    def __init__(self, location: GraphLocation, *, user: str | None, password: str | None,
                 timeout: float, connect_timeout: float):
        self.location = location
        self.timeout = timeout
        self.database = str(location.database) if location.database else None
        auth = (location.user or user or "neo4j", location.password or password or "")
        scheme_url = location.url if not location.database else location.url.rsplit("/", 1)[0]
        self._driver = GraphDatabase.driver(scheme_url, auth=auth, connection_timeout=connect_timeout,
                                            connection_acquisition_timeout=connect_timeout + timeout,
                                            max_transaction_retry_time=timeout)

    def _execute(self, query: str, params: dict[str, Any] | None, routing: RoutingControl) -> list[dict]:
        try:
            records, _, _ = self._driver.execute_query(
                # On a web request the transaction timeout is the request budget (server side; see
                # docs/operations.md for what that does and does not cover).
                Query(query, timeout=self._statement_timeout()),
                params or {}, routing_=routing, database_=self.database)
        except AuthError as exc:
            raise ConfigError(f"{SETTING}: Neo4j weigert de gebruikersnaam of het wachtwoord.") from exc
        except _UNREACHABLE as exc:
            raise StoreUnavailable(STORE_DOWN) from exc
        except (ClientError, Neo4jError, DriverError) as exc:
            if "TransactionTimedOut" in (getattr(exc, "code", None) or ""):  # too slow: down for this request
                raise StoreUnavailable(STORE_DOWN) from exc
            raise StoreQueryError(f"De database weigerde een opdracht: {exc}") from exc
        return [_plain(record.data()) for record in records]

    def _statement_timeout(self) -> float:
        budget = request_budget()
        return self.timeout if budget is None else min(self.timeout, budget)

    def read(self, query: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        return self._execute(query, params, RoutingControl.READ)

    def write(self, query: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        return self._execute(query, params, RoutingControl.WRITE)

    def write_all(self, statements: Iterable[Statement]) -> None:
        batch = list(statements)

        def work(tx: neo4j.ManagedTransaction) -> None:
            for query, params in batch:
                tx.run(query, params or {}).consume()

        try:
            with self._driver.session(database=self.database) as session:
                session.execute_write(work)
        except AuthError as exc:
            raise ConfigError(f"{SETTING}: Neo4j weigert de gebruikersnaam of het wachtwoord.") from exc
        except _UNREACHABLE as exc:
            raise StoreUnavailable(STORE_DOWN) from exc
        except (ClientError, Neo4jError, DriverError) as exc:
            raise StoreQueryError(f"De database weigerde een opdracht: {exc}") from exc

    def ping(self) -> bool:
        try:
            self._driver.verify_connectivity()
            return True
        except (DriverError, Neo4jError, OSError):
            return False

    def describe(self) -> str:
        return self.location.describe()

    def close(self) -> None:
        self._driver.close()

    def delete_graph(self) -> None:
        """Remove every node (tests and `db reset` only). Needs an auto-commit transaction."""
        with self._driver.session(database=self.database) as session:
            session.run("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS").consume()


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value
