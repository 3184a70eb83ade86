"""A whole graph read as plain nodes and relationships, and its checksums per label and per
relationship type, computed the same way on FalkorDB and Neo4j (``socialekaart db copy`` proves a
copy with them).

A node's content is its sorted labels and properties as canonical JSON; a relationship's is its
type, the content hashes of its two ends and its properties. A label's checksum is the SHA-256 of
its nodes' contents, sorted: no store id takes part, so two stores with the same data agree.
"""
from __future__ import annotations

import hashlib
import json
import struct
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Callable

from graph.dialect import Dialect
from socialekaart.shared.errors import SocialeKaartError

Run = Callable[[str, dict[str, Any]], list[dict[str, Any]]]


class UnsupportedValue(SocialeKaartError):
    """A property value of a type the copy cannot carry over (e.g. a Neo4j date)."""


class SourceChanged(SocialeKaartError):
    """Nodes and relationships are read one after the other; a write in between spoils the picture."""


@dataclass(frozen=True)
class GeoPoint:
    latitude: float
    longitude: float

    def canonical(self) -> dict[str, list[float]]:
        # FalkorDB keeps a point in single precision: compare at that precision, so a point that
        # went through FalkorDB equals the one it came from.
        return {"point": [_single(self.latitude), _single(self.longitude)]}


@dataclass(frozen=True)
class Node:
    key: Any  # the store's own id: only for relinking within one copy
    labels: tuple[str, ...]
    props: dict[str, Any]


@dataclass(frozen=True)
class Relationship:
    start: Any
    end: Any
    type: str
    props: dict[str, Any]


@dataclass
class GraphContent:
    nodes: list[Node] = field(default_factory=list)
    relationships: list[Relationship] = field(default_factory=list)


@dataclass(frozen=True)
class Tally:
    count: int
    checksum: str

    def as_json(self) -> dict[str, Any]:
        return {"count": self.count, "checksum": self.checksum}


@dataclass(frozen=True)
class Checksums:
    labels: dict[str, Tally]
    types: dict[str, Tally]

    def differences(self, other: "Checksums") -> list[str]:
        """What differs from ``other``, in Dutch, one line each; empty when equal."""
        found = []
        for kind, mine, theirs in (("label", self.labels, other.labels), ("relatietype", self.types, other.types)):
            for name in sorted(set(mine) | set(theirs)):
                a, b = mine.get(name), theirs.get(name)
                if a != b:
                    found.append(f"{kind} {name}: {_shown(a)} tegenover {_shown(b)}")
        return found

    def as_json(self) -> dict[str, Any]:
        return {"labels": {k: v.as_json() for k, v in sorted(self.labels.items())},
                "relationships": {k: v.as_json() for k, v in sorted(self.types.items())}}


def read_graph(run: Run, dialect: Dialect) -> GraphContent:
    """Every node with its labels and properties and every relationship, as plain values."""
    node_rows = run(f"MATCH (n) RETURN {dialect.node_id('n')} AS key, labels(n) AS labels, "
                    "properties(n) AS props", {})
    rel_rows = run(f"MATCH (a)-[r]->(b) RETURN {dialect.node_id('a')} AS start, {dialect.node_id('b')} AS end, "
                   "type(r) AS type, properties(r) AS props", {})
    content = GraphContent()
    for row in node_rows:
        labels = tuple(sorted(row["labels"]))
        where = ":".join(labels) or "(zonder label)"
        content.nodes.append(Node(row["key"], labels, _properties(row["props"], where)))
    keys = {node.key for node in content.nodes}
    for row in rel_rows:
        if row["start"] not in keys or row["end"] not in keys:
            raise SourceChanged("De bron veranderde tijdens het lezen (een relatie naar een knooppunt dat er niet "
                                "meer is). Stop wat erin schrijft en probeer het opnieuw; er is niets gekopieerd.")
        content.relationships.append(Relationship(row["start"], row["end"], row["type"],
                                                  _properties(row["props"], row["type"])))
    return content


def checksums(content: GraphContent) -> Checksums:
    by_label: dict[str, list[str]] = defaultdict(list)
    node_hash: dict[Any, str] = {}
    for node in content.nodes:
        text = _canonical([list(node.labels), node.props])
        node_hash[node.key] = _sha(text)
        for label in node.labels:
            by_label[label].append(text)
    by_type: dict[str, list[str]] = defaultdict(list)
    for rel in content.relationships:
        by_type[rel.type].append(_canonical([rel.type, node_hash[rel.start], node_hash[rel.end], rel.props]))
    return Checksums(labels=_tallies(by_label), types=_tallies(by_type))


def _tallies(texts: dict[str, list[str]]) -> dict[str, Tally]:
    return {name: Tally(len(items), _sha("\n".join(sorted(items)))) for name, items in texts.items()}


def _properties(props: dict[str, Any], where: str) -> dict[str, Any]:
    return {name: _value(value, f"{where}.{name}") for name, value in props.items()}


def _value(value: Any, where: str) -> Any:
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, list):
        return [_value(item, where) for item in value]
    if isinstance(value, dict) and set(value) == {"latitude", "longitude"}:  # FalkorDB's point
        return GeoPoint(float(value["latitude"]), float(value["longitude"]))
    if getattr(value, "srid", None) == 4326 and hasattr(value, "latitude"):  # Neo4j's WGS-84 point
        return GeoPoint(float(value.latitude), float(value.longitude))
    raise UnsupportedValue(f"De eigenschap {where} heeft een waarde van het type {type(value).__name__}; "
                           "db copy kan alleen tekst, getallen, ja/nee, lijsten en WGS-84-punten overzetten.")


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=_encode)


def _encode(value: Any) -> Any:
    if isinstance(value, GeoPoint):
        return value.canonical()
    raise TypeError(type(value).__name__)


def _single(number: float) -> float:
    return struct.unpack("f", struct.pack("f", number))[0]


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _shown(tally: Tally | None) -> str:
    return "ontbreekt" if tally is None else f"{tally.count} stuks, {tally.checksum[:12]}"
