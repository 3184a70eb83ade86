"""Copy a whole graph into another store (``socialekaart db copy``): every label and relationship
type there is, relinked by the target's own node ids, checked by checksums, all or nothing.

All or nothing, per kind of target:

* Neo4j: one explicit transaction clears the target, writes everything and compares the checksums
  before it commits; any failure rolls it back, so the old content (``--replace``) survives. The
  transaction holds the whole region in the server's memory: meant for region-sized graphs (up to
  some hundreds of thousands of nodes; raise ``db.memory.transaction.total.max`` if needed).
* FalkorDB: everything goes into a staging graph on the same server, is checked and gets its
  schema, and then replaces the target in one atomic Redis RENAME; a failure deletes the staging
  graph. Needs room for both graphs in memory for a moment.
"""
from __future__ import annotations

import logging
import uuid
from collections import defaultdict
from dataclasses import dataclass
from typing import Any, Callable, TypeVar

from graph.backends.connection import Connection
from graph.backends.falkordb import FalkorDBConnection
from graph.backends.neo4j import Neo4jConnection
from graph.checksums import Checksums, GeoPoint, GraphContent, Node, Relationship, Run, checksums, read_graph
from graph.dialect import Dialect, dialect_for, identifier
from graph.migrations import migrate
from graph.schema import apply_schema
from socialekaart.shared.errors import SocialeKaartError

log = logging.getLogger(__name__)
BATCH = 1_000
# `db init` writes this node; a target with nothing else counts as empty.
SCHEMA_LABEL = "Meta"
Progress = Callable[[str, int, int], None]
T = TypeVar("T", Node, Relationship)


class CopyRefused(SocialeKaartError):
    """The copy would overwrite data nobody asked to replace, or copy a store onto itself."""


class CopyFailed(SocialeKaartError):
    """The copy did not arrive intact; the target was left as it was (see the module docstring)."""


@dataclass(frozen=True)
class CopyResult:
    source: Checksums
    target: Checksums
    nodes: int
    relationships: int


def copy_graph(source: Connection, target: Connection, *, replace: bool = False,
               progress: Progress | None = None, batch: int = BATCH) -> CopyResult:
    """Copy everything in ``source`` into ``target`` (which must be empty unless ``replace``), run
    ``db init`` on the target and compare its checksums with the source's."""
    report = progress or (lambda step, done, total: None)
    if not _exists(source):
        raise CopyRefused(f"De bron ({source.describe()}) bevat geen graaf; er is niets gekopieerd.")
    content = read_graph(source.read, dialect_for(source.backend))
    expected = checksums(content)
    present = other_than_schema(target)
    if present and not replace:
        raise CopyRefused(f"Het doel ({target.describe()}) bevat al gegevens ({present} knooppunten). "
                          "Er is niets gekopieerd; gebruik --replace om die te vervangen.")
    if isinstance(target, Neo4jConnection):
        _into_neo4j(target, content, expected, report, batch)
    elif isinstance(target, FalkorDBConnection):
        _into_falkordb(target, content, expected, report, batch)
    else:
        raise CopyRefused(f"Kopiëren naar {target.describe()} wordt niet ondersteund.")
    final = checksums(read_graph(target.read, dialect_for(target.backend)))
    _compare(expected, final, "na db init op het doel")
    return CopyResult(expected, final, len(content.nodes), len(content.relationships))


def other_than_schema(connection: Connection) -> int:
    if not _exists(connection):
        return 0
    rows = connection.read(f"MATCH (n) WHERE NOT n:{SCHEMA_LABEL} RETURN count(n) AS n")
    return int(rows[0]["n"]) if rows else 0


def _exists(connection: Connection) -> bool:
    return not isinstance(connection, FalkorDBConnection) or connection.exists()


def _into_neo4j(target: Neo4jConnection, content: GraphContent, expected: Checksums, report: Progress,
                batch: int) -> None:
    dialect = dialect_for(target.backend)
    target.check_version()  # before anything is written, not after the data went in

    def work(run: Run) -> None:
        run("MATCH (n) DETACH DELETE n", {})
        write_graph(run, dialect, content, report, batch)
        _compare(expected, checksums(read_graph(run, dialect)), "in de transactie; teruggedraaid")

    target.in_transaction(work)
    apply_schema(target, "")
    migrate(target)


def _into_falkordb(target: FalkorDBConnection, content: GraphContent, expected: Checksums, report: Progress,
                   batch: int) -> None:
    dialect = dialect_for(target.backend)
    staging = target.sibling(f"{target.graph_name}_kopie_{uuid.uuid4().hex[:8]}")
    try:
        write_graph(staging.write, dialect, content, report, batch)
        _compare(expected, checksums(read_graph(staging.read, dialect)), "in de tussengraaf; verwijderd")
        apply_schema(staging, staging.graph_name)
        migrate(staging)
        target.take_graph(staging.graph_name)
    except BaseException:
        try:
            staging.delete_graph()
        except Exception as exc:  # e.g. the server is gone: keep the first error, name the leftover
            log.warning("tussengraaf %s niet gewist: %s", staging.graph_name, exc)
        raise
    finally:
        staging.close()


def write_graph(run: Run, dialect: Dialect, content: GraphContent, report: Progress, batch: int = BATCH) -> None:
    """Create every node, then every relationship between the new nodes, in batches, reporting per
    label set and per relationship type. Items with the same point properties share a statement."""
    new_ids: dict[Any, Any] = {}
    by_labels: dict[tuple[str, ...], list[Node]] = defaultdict(list)
    for node in content.nodes:
        by_labels[node.labels].append(node)
    for labels, nodes in sorted(by_labels.items()):
        name, done = ":".join(labels) or "(zonder label)", 0
        for points, group in _by_points(nodes):
            query = (f"UNWIND $rows AS row CREATE (n{''.join(':' + identifier(label) for label in labels)}) "
                     f"SET {_sets('n', points)} RETURN row.key AS key, {dialect.node_id('n')} AS id")
            for chunk in _chunks(group, batch):
                for row in run(query, {"rows": [{"key": node.key, **_split(node.props)} for node in chunk]}):
                    new_ids[row["key"]] = row["id"]
                done += len(chunk)
                report(f"knooppunten {name}", done, len(nodes))
    by_type: dict[str, list[Relationship]] = defaultdict(list)
    for rel in content.relationships:
        by_type[rel.type].append(rel)
    for rel_type, rels in sorted(by_type.items()):
        done = 0
        for points, rel_group in _by_points(rels):
            # The ids through WITH: FalkorDB seeks a node by id only when compared with a plain variable.
            query = (f"UNWIND $rows AS row WITH row, row.a AS start_id, row.b AS end_id MATCH (a) WHERE "
                     f"{dialect.node_id('a')} = start_id MATCH (b) WHERE {dialect.node_id('b')} = end_id "
                     f"CREATE (a)-[r:{identifier(rel_type)}]->(b) SET {_sets('r', points)}")
            for part in _chunks(rel_group, batch):
                run(query, {"rows": [{"a": new_ids[rel.start], "b": new_ids[rel.end], **_split(rel.props)}
                                     for rel in part]})
                done += len(part)
                report(f"relaties {rel_type}", done, len(rels))


def _by_points(items: list[T]) -> list[tuple[tuple[str, ...], list[T]]]:
    groups: dict[tuple[str, ...], list[T]] = defaultdict(list)
    for item in items:
        groups[_points(item.props)].append(item)
    return sorted(groups.items(), key=lambda pair: pair[0])


def _chunks(items: list[T], size: int) -> list[list[T]]:
    return [items[start:start + size] for start in range(0, len(items), size)]


def _points(props: dict[str, Any]) -> tuple[str, ...]:
    return tuple(sorted(name for name, value in props.items() if isinstance(value, GeoPoint)))


def _split(props: dict[str, Any]) -> dict[str, Any]:
    """Plain properties apart from points: a point is made with point() in the statement."""
    plain = {k: v for k, v in props.items() if not isinstance(v, GeoPoint)}
    points = {k: {"latitude": v.latitude, "longitude": v.longitude}
              for k, v in props.items() if isinstance(v, GeoPoint)}
    return {"props": plain, "points": points}


def _sets(var: str, points: tuple[str, ...]) -> str:
    return ", ".join([f"{var} = row.props"] + [f"{var}.{identifier(p)} = point(row.points.{identifier(p)})"
                                                for p in points])


def _compare(expected: Checksums, found: Checksums, where: str) -> None:
    differences = expected.differences(found)
    if differences:
        raise CopyFailed(f"De kopie wijkt af van de bron ({where}): " + "; ".join(differences))
