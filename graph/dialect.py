"""The few places where FalkorDB's and Neo4j's Cypher differ, chosen by backend.

Everything else in ``graph/`` is Cypher that runs on both.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
# The stop words of Lucene's Dutch analyzer (Snowball's list), which Neo4j's 'dutch' full-text index
# leaves out: no search finds them there. Both backends drop them from a search, so both find the
# same (FalkorDB indexes them). Neo4j's listAvailableAnalyzers() reports none; the server is
# probed in tests/integration/test_neo4j_driver.py.
DUTCH_STOP_WORDS = frozenset("""
de en van ik te dat die in een hij het niet zijn is was op aan met als voor had er maar om hem dan zou
of wat mijn men dit zo door over ze zich bij ook tot je mij uit der daar haar naar heb hoe heeft hebben
deze u want nog zal me zij nu ge geen omdat iets worden toch al waren veel meer doen toen moet ben
zonder kan hun dus alles onder ja eens hier wie werd altijd doch wordt wezen kunnen ons zelf tegen na
reeds wil kon niets uw iemand geweest andere""".split())


def identifier(name: str) -> str:
    """Check a label, type or property name before it is put into Cypher text."""
    if not IDENTIFIER.match(name):
        raise ValueError(f"not a safe Cypher identifier: {name!r}")
    return name


@dataclass(frozen=True)
class Index:
    label: str
    prop: str
    unique: bool = False
    point: bool = False


@dataclass(frozen=True)
class FullTextIndex:
    name: str
    label: str
    props: tuple[str, ...]
    language: str = "dutch"


class Dialect:
    backend = ""

    def distance(self, a: str, b: str) -> str:
        raise NotImplementedError

    def node_id(self, var: str) -> str:
        """The store's own id of a node (valid within this store only): what ``db copy`` relinks by."""
        raise NotImplementedError

    def fulltext_call(self, index: FullTextIndex, query_param: str) -> str:
        """A CALL clause that yields ``node`` and ``score``."""
        raise NotImplementedError

    def fulltext_expression(self, words: list[str]) -> str:
        """Every word must match, as itself (stemmed) or as a prefix: 'schuld' finds 'schuldhulp'."""
        raise NotImplementedError

    @staticmethod
    def fulltext_words(words: list[str] | tuple[str, ...]) -> list[str]:
        """The words a full-text search looks for: without the Dutch stop words."""
        return [word for word in words if word not in DUTCH_STOP_WORDS]


class FalkorDialect(Dialect):
    backend = "falkordb"
    # Every index as (label, properties), for checks and tests.
    INDEXES_QUERY = "CALL db.indexes() YIELD label, properties RETURN label, properties"

    def distance(self, a: str, b: str) -> str:
        return f"distance({a}, {b})"

    def node_id(self, var: str) -> str:
        return f"id({identifier(var)})"

    def fulltext_call(self, index: FullTextIndex, query_param: str) -> str:
        return (f"CALL db.idx.fulltext.queryNodes('{identifier(index.label)}', ${identifier(query_param)}) "
                "YIELD node, score")

    def fulltext_expression(self, words: list[str]) -> str:
        # RediSearch syntax: space is AND, | is OR; prefixes need two characters.
        return " ".join(f"({w}|{w}*)" if len(w) >= 2 else w for w in words)

    def index_statements(self, index: Index) -> list[str]:
        return [f"CREATE INDEX FOR (n:{identifier(index.label)}) ON (n.{identifier(index.prop)})"]

    def drop_index_statements(self, index: Index) -> list[str]:
        return [f"DROP INDEX FOR (n:{identifier(index.label)}) ON (n.{identifier(index.prop)})"]

    def fulltext_statement(self, index: FullTextIndex) -> str:
        fields = ", ".join(f"'{identifier(p)}'" for p in index.props)
        return (f"CALL db.idx.fulltext.createNodeIndex({{label: '{identifier(index.label)}', "
                f"language: '{identifier(index.language)}'}}, {fields})")


class Neo4jDialect(Dialect):
    backend = "neo4j"
    INDEXES_QUERY = ("SHOW INDEXES YIELD entityType, labelsOrTypes, properties "
                     "WHERE entityType = 'NODE' AND properties IS NOT NULL "
                     "RETURN labelsOrTypes[0] AS label, properties")
    # Names of the indexes and constraints there are (a unique constraint owns an index of the same name).
    SCHEMA_NAMES_QUERIES = ("SHOW INDEXES YIELD name RETURN name", "SHOW CONSTRAINTS YIELD name RETURN name")

    def distance(self, a: str, b: str) -> str:
        return f"point.distance({a}, {b})"

    def node_id(self, var: str) -> str:
        return f"elementId({identifier(var)})"  # id() is deprecated in Neo4j 5

    def fulltext_call(self, index: FullTextIndex, query_param: str) -> str:
        return (f"CALL db.index.fulltext.queryNodes('{identifier(index.name)}', ${identifier(query_param)}) "
                "YIELD node, score")

    def fulltext_expression(self, words: list[str]) -> str:
        # Lucene syntax; the words hold only letters and digits, so nothing needs escaping.
        return " AND ".join(f"({w} OR {w}*)" for w in words)

    @staticmethod
    def index_name(index: Index) -> str:
        name = f"{identifier(index.label).lower()}_{identifier(index.prop).lower()}"
        return f"{name}_unique" if index.unique else name

    def index_statements(self, index: Index) -> list[str]:
        label, prop = identifier(index.label), identifier(index.prop)
        name = f"{label.lower()}_{prop.lower()}"
        if index.unique:
            return [f"CREATE CONSTRAINT {name}_unique IF NOT EXISTS FOR (n:{label}) REQUIRE n.{prop} IS UNIQUE"]
        kind = "POINT INDEX" if index.point else "INDEX"
        return [f"CREATE {kind} {name} IF NOT EXISTS FOR (n:{label}) ON (n.{prop})"]

    def drop_index_statements(self, index: Index) -> list[str]:
        label, prop = identifier(index.label), identifier(index.prop)
        name = f"{label.lower()}_{prop.lower()}"
        if index.unique:
            return [f"DROP CONSTRAINT {name}_unique IF EXISTS"]
        return [f"DROP INDEX {name} IF EXISTS"]

    def fulltext_statement(self, index: FullTextIndex) -> str:
        props = ", ".join(f"n.{identifier(p)}" for p in index.props)
        return (f"CREATE FULLTEXT INDEX {identifier(index.name)} IF NOT EXISTS "
                f"FOR (n:{identifier(index.label)}) ON EACH [{props}] "
                f"OPTIONS {{indexConfig: {{`fulltext.analyzer`: '{identifier(index.language)}'}}}}")


def dialect_for(backend: str) -> Dialect:
    match backend:
        case "falkordb":
            return FalkorDialect()
        case "neo4j":
            return Neo4jDialect()
    raise ValueError(f"unknown backend {backend!r}")
