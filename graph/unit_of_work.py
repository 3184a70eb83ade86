"""A unit of work: repositories add their writes to it, and it commits them all or none.

Nothing reaches the store before ``commit``: the writes are gathered as Cypher statements and
sent as one transaction (``Connection.write_all``). Leaving the ``with`` block normally commits;
leaving it with an exception rolls back, which here means the gathered writes are dropped unsent.
"""
from __future__ import annotations

from types import TracebackType
from typing import Iterable, Self

from graph.backends.connection import Connection, Statement


class UnitOfWork:
    def __init__(self, connection: Connection):
        self._connection = connection
        self._statements: list[Statement] = []
        self._done = False

    def add(self, statements: Iterable[Statement]) -> None:
        if self._done:
            raise RuntimeError("Deze unit of work is al afgerond.")
        self._statements.extend(statements)

    def commit(self) -> None:
        self._done = True
        if self._statements:
            self._connection.write_all(self._statements)
        self._statements = []

    def rollback(self) -> None:
        self._done = True
        self._statements = []

    def __enter__(self) -> Self:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        if self._done:
            return
        if kind is None:
            self.commit()
        else:
            self.rollback()
