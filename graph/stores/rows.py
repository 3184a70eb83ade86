"""Reading rows the fast way, and writing in batches: helpers every store uses.

FalkorDB projects, and its client parses, maps far slower than plain columns (1,000 services:
~0.9 s as maps, ~0.5 s as columns), so reads that return many rows ask for the fields of a map
projection (``.id, .name``) as columns and put the dict together here.
"""
from __future__ import annotations

from dataclasses import fields
from functools import cache
from typing import Any, Iterable, Iterator, TypeVar

T = TypeVar("T")
BATCH = 500


@cache
def field_names(fields: str) -> tuple[str, ...]:
    """The names in a map projection's fields: '.id, .name' -> ('id', 'name')."""
    return tuple(field.strip()[1:] for field in fields.split(","))


def columns(var: str, fields: str, *, prefixed: bool = False) -> str:
    """The fields as columns: 's.id AS id, …', or 's.id AS s_id, …' when several nodes share a row."""
    return ", ".join(f"{var}.{name} AS {var + '_' if prefixed else ''}{name}" for name in field_names(fields))


def record(row: dict[str, Any], fields: str, var: str | None = None) -> dict[str, Any]:
    """The dict the map projection would have given, from a row of its columns (``prefixed`` with ``var``)."""
    prefix = f"{var}_" if var else ""
    return {name: row[prefix + name] for name in field_names(fields)}


def record_of(kind: type[T], values: dict[str, Any]) -> T:
    """A domain record (a dataclass) from a map projection: each of its fields by name (a property never
    set reads as None)."""
    return kind(**{field.name: values.get(field.name) for field in fields(kind)})  # type: ignore[arg-type]


def chunks(items: list[T], size: int = BATCH) -> Iterator[list[T]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def sorted_chunks(values: Iterable[str], size: int = BATCH) -> Iterator[list[str]]:
    """Distinct values in order, in chunks: look-ups by id page through them."""
    yield from chunks(sorted(set(values)), size)
