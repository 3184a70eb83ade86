"""The per-backend Cypher differences, pinned: Neo4j-specific text must not drift unnoticed."""
from __future__ import annotations

import pytest

from graph.backends.falkordb import join_statements
from graph.dialect import FalkorDialect, FullTextIndex, Index, Neo4jDialect, dialect_for, identifier
from graph.schema import SERVICE_TEXT
from graph.stores.search import build_search
from socialekaart.catalog.search import ServiceQuery


def test_neo4j_distance_and_fulltext():
    neo = Neo4jDialect()
    assert neo.distance("s.point", "$here") == "point.distance(s.point, $here)"
    assert neo.fulltext_call(SERVICE_TEXT, "text") == \
        "CALL db.index.fulltext.queryNodes('service_text', $text) YIELD node, score"
    assert neo.fulltext_expression(["schuld", "goes"]) == "(schuld OR schuld*) AND (goes OR goes*)"


def test_neo4j_schema_ddl():
    neo = Neo4jDialect()
    assert neo.index_statements(Index("Service", "id", unique=True)) == [
        "CREATE CONSTRAINT service_id_unique IF NOT EXISTS FOR (n:Service) REQUIRE n.id IS UNIQUE"]
    assert neo.index_statements(Index("Service", "point", point=True)) == [
        "CREATE POINT INDEX service_point IF NOT EXISTS FOR (n:Service) ON (n.point)"]
    assert neo.index_statements(Index("Location", "postcode")) == [
        "CREATE INDEX location_postcode IF NOT EXISTS FOR (n:Location) ON (n.postcode)"]
    assert neo.fulltext_statement(FullTextIndex("service_text", "Service", ("name", "description"))) == (
        "CREATE FULLTEXT INDEX service_text IF NOT EXISTS FOR (n:Service) ON EACH [n.name, n.description] "
        "OPTIONS {indexConfig: {`fulltext.analyzer`: 'dutch'}}")


def test_dropping_obsolete_indexes_per_backend():
    neo, falkor = Neo4jDialect(), FalkorDialect()
    assert neo.drop_index_statements(Index("AuditEntry", "id", unique=True)) == [
        "DROP CONSTRAINT auditentry_id_unique IF EXISTS"]
    assert neo.drop_index_statements(Index("Referral", "status")) == ["DROP INDEX referral_status IF EXISTS"]
    assert falkor.drop_index_statements(Index("AuditEntry", "id", unique=True)) == [
        "DROP INDEX FOR (n:AuditEntry) ON (n.id)"]


def test_falkordb_differences():
    falkor = FalkorDialect()
    assert falkor.distance("s.point", "$here") == "distance(s.point, $here)"
    assert falkor.fulltext_call(SERVICE_TEXT, "text") == \
        "CALL db.idx.fulltext.queryNodes('Service', $text) YIELD node, score"
    assert falkor.fulltext_expression(["schuld", "x"]) == "(schuld|schuld*) x"
    assert falkor.fulltext_statement(FullTextIndex("t", "Service", ("name",))) == \
        "CALL db.idx.fulltext.createNodeIndex({label: 'Service', language: 'dutch'}, 'name')"


def test_search_cypher_per_backend_uses_only_parameters():
    query = ServiceQuery(words=("schuld",), life_domains=("geldzaken",), point=(51.5, 3.89), radius=5000,
                         near_areas=("BU06640101",))
    count_neo, page_neo, params = build_search(Neo4jDialect(), query)
    assert "point.distance(s.point, point({latitude: $lat, longitude: $lon}))" in page_neo
    assert "db.index.fulltext.queryNodes('service_text', $text)" in page_neo
    assert "geldzaken" not in page_neo and "schuld" not in page_neo  # values travel as parameters
    assert params["lifeDomains"] == ["geldzaken"] and params["text"] == "(schuld OR schuld*)"
    _, page_falkor, _ = build_search(dialect_for("falkordb"), query)
    assert "distance(s.point, point({latitude: $lat, longitude: $lon}))" in page_falkor
    assert "point.distance" not in page_falkor


@pytest.mark.parametrize("name", ["Service", "has_underscore", "_x1"])
def test_safe_identifiers_pass(name):
    assert identifier(name) == name


@pytest.mark.parametrize("name", ["", "1abc", "a-b", "Service`) DETACH DELETE n //", "a b", "ü"])
def test_unsafe_identifiers_are_refused(name):
    with pytest.raises(ValueError):
        identifier(name)


def test_unknown_backend():
    with pytest.raises(ValueError):
        dialect_for("sqlite")


def test_joined_statements_rename_parameters_and_share_values():
    rows = [{"id": 1}]
    query, params = join_statements([("UNWIND $rows AS row MERGE (a:A {id: row.id})", {"rows": rows}),
                                     ("UNWIND $rows AS row MATCH (a:A {id: row.id}) SET a.x = $x",
                                      {"rows": rows, "x": 2})])
    assert query == ("UNWIND $s0_rows AS row MERGE (a:A {id: row.id}) WITH count(*) AS _0 "
                     "UNWIND $s0_rows AS row MATCH (a:A {id: row.id}) SET a.x = $s1_x")
    assert params == {"s0_rows": rows, "s1_x": 2}


def test_both_backends_drop_the_dutch_stop_words_from_a_search():
    for dialect in (Neo4jDialect(), FalkorDialect()):
        assert dialect.fulltext_words(["hulp", "bij", "de", "schulden", "zonder", "geld"]) == ["hulp", "schulden", "geld"]
    _, page, params = build_search(Neo4jDialect(), ServiceQuery(words=("de", "schuld")))
    assert params["text"] == "(schuld OR schuld*)"
    _, page, params = build_search(FalkorDialect(), ServiceQuery(words=("de", "het")))
    assert "text" not in params and "fulltext" not in page  # nothing left to look for: no text condition
