"""The Neo4j driver layer on a real Neo4j server (tests start one; see tests/conftest.py).

Only Neo4j: these are the production store's driver guarantees, which FalkorDB has no counterpart of
(routing URLs, bookmarks, the owner marker on a shared database, server-side transaction timeouts).
"""
from __future__ import annotations

import time
import uuid

import pytest
from neo4j.exceptions import SessionExpired

from graph import GraphStore, open_connection
from graph.backends.neo4j import Neo4jConnection
from socialekaart.shared.errors import ConfigError, StoreUnavailable

pytestmark = pytest.mark.neo4j


@pytest.fixture
def neo(neo4j_stores):
    settings = neo4j_stores.settings("function")
    connection = open_connection(settings)
    yield settings, connection
    connection.close()


def test_a_neo4j_routing_url_works_against_the_single_server(neo):
    settings, _ = neo
    routed = settings.with_overrides(graph_url=settings.graph_url.replace("bolt://", "neo4j://", 1))
    connection = open_connection(routed)
    try:
        assert isinstance(connection, Neo4jConnection) and connection.location.url.startswith("neo4j://")
        connection.write("CREATE (:Note {n: $n})", {"n": 41})
        assert connection.read("MATCH (x:Note) RETURN x.n + 1 AS n") == [{"n": 42}]
        assert connection.ping()
    finally:
        connection.close()


def test_rows_come_back_as_plain_dicts_and_lists_with_entities_as_their_properties(neo):
    _, connection = neo
    connection.write("CREATE (:Note {n: 1, tags: ['a', 'b']})-[:NEXT {w: 2}]->(:Note {n: 2})")
    rows = connection.read("MATCH (a:Note {n: 1})-[r:NEXT]->(b:Note) "
                           "RETURN a, r, [b, {inner: b.n, list: [1, 'x', null]}] AS nested, b.n AS n, 1.5 AS f")
    assert rows == [{"a": {"n": 1, "tags": ["a", "b"]}, "r": {"w": 2},
                     "nested": [{"n": 2}, {"inner": 2, "list": [1, "x", None]}], "n": 2, "f": 1.5}]
    assert type(rows[0]) is dict and type(rows[0]["a"]) is dict and type(rows[0]["nested"]) is list


def test_wiping_refuses_a_database_without_our_owner_marker(neo):
    settings, connection = neo
    connection.write("CREATE (:Note {n: 1})")
    stranger = open_connection(settings)
    stranger.owner_token = uuid.uuid4().hex  # another process's token
    try:
        with pytest.raises(ConfigError, match="niet door socialekaart aangemaakt"):
            stranger.delete_graph()
        stranger.owner_token = None
        with pytest.raises(ConfigError, match="Weigering"):
            stranger.delete_graph()
    finally:
        stranger.close()
    assert connection.read("MATCH (x:Note) RETURN count(x) AS n") == [{"n": 1}]  # nothing was wiped
    connection.delete_graph()  # ours: wiped, the marker stays
    assert connection.read("MATCH (x) RETURN count(x) AS n") == [{"n": 0}]
    assert connection.owned()  # the marker is schema: a wipe keeps it


def test_claiming_refuses_a_database_that_holds_data(neo):
    _, connection = neo
    connection.write("CREATE (:Note {n: 1})")
    other = uuid.uuid4().hex
    assert not connection.claim(other)
    connection.delete_graph()
    assert not connection.claim(other)  # empty now, but another run's marker is on it
    assert connection.claim(connection.owner_token)  # our own: fine


def test_reads_see_the_writes_before_them_through_the_shared_bookmarks(neo):
    _, connection = neo
    manager = connection._driver.execute_query_bookmark_manager
    before = set(manager.get_bookmarks())
    connection.write("CREATE (:Note {n: 7})")
    after = set(manager.get_bookmarks())
    assert after and after != before  # the write's bookmark is what the next read waits for
    assert connection.read("MATCH (x:Note) RETURN x.n AS n") == [{"n": 7}]


def test_every_write_has_a_transaction_timeout(neo):
    settings, _ = neo
    quick = open_connection(settings.with_overrides(store_timeout_seconds=1.0))
    try:
        started = time.monotonic()
        with pytest.raises(StoreUnavailable, match="niet binnen 1 s"):  # the CLI says how long it waited
            quick.write("UNWIND range(1, 1000000000) AS x WITH x WHERE x < 0 CREATE (:Slow {x: x})")
        assert time.monotonic() - started < 8
        assert quick.read("MATCH (s:Slow) RETURN count(s) AS n") == [{"n": 0}]
    finally:
        quick.close()


def test_a_write_too_big_for_the_transaction_memory_says_so_and_writes_nothing(neo):
    """The tests' server has 1 GiB heap, so 70 % of it for transactions: millions of new nodes in one
    transaction do not fit (a national import in one unit failed this way)."""
    _, connection = neo
    with pytest.raises(StoreUnavailable, match="te groot voor het transactiegeheugen"):
        connection.write("UNWIND range(1, 20000000) AS x CREATE (:Big {x: x, text: 'een regel tekst'})")
    assert connection.read("MATCH (b:Big) RETURN count(b) AS n") == [{"n": 0}]


def test_a_write_whose_commit_answer_is_lost_is_not_applied_twice(neo, monkeypatch):
    """The commit reaches the server, then the connection fails: the caller gets StoreUnavailable
    and the store holds the write once (no managed transaction repeats it)."""
    import neo4j

    _, connection = neo
    original = neo4j.Transaction.commit
    calls = []

    def commit_then_fail(self):
        calls.append(1)
        original(self)
        raise SessionExpired("verbinding weg na de commit (test)")

    monkeypatch.setattr(neo4j.Transaction, "commit", commit_then_fail)
    with pytest.raises(StoreUnavailable):
        connection.write("CREATE (:Referral {id: $id})", {"id": "ref-once"})
    monkeypatch.undo()
    assert calls == [1]
    assert connection.read("MATCH (r:Referral {id: 'ref-once'}) RETURN count(r) AS n") == [{"n": 1}]


def test_schema_checks_the_server_version_and_waits_for_the_indexes(neo):
    settings, connection = neo
    assert connection.server_version() >= (5, 23)
    store = GraphStore(connection, settings.graph_name)
    store.init_schema()
    states = connection.read("SHOW INDEXES YIELD state RETURN collect(DISTINCT state) AS states")
    assert states == [{"states": ["ONLINE"]}]
    analyzers = connection.read("SHOW FULLTEXT INDEXES YIELD name, options "
                                "RETURN name, options.indexConfig['fulltext.analyzer'] AS analyzer")
    assert {"name": "service_text", "analyzer": "dutch"} in analyzers


def test_an_old_server_gets_a_clear_dutch_error(neo, monkeypatch):
    _, connection = neo
    monkeypatch.setattr(connection, "server_version", lambda: (5, 22, 0))
    with pytest.raises(ConfigError, match="Neo4j 5.22.0 is te oud"):
        connection.check_version()


def test_the_bench_refuses_to_wipe_a_neo4j_it_did_not_create(neo, monkeypatch):
    from bench.run import drop_graph
    from web.bootstrap import Runtime

    settings, connection = neo
    connection.write("CREATE (:Note {n: 1})")
    monkeypatch.delenv("SOCIALEKAART_GRAPH_OWNER_TOKEN")  # someone else's Neo4j: no token of ours
    runtime = Runtime(settings)
    try:
        with pytest.raises(ConfigError, match="Weigering"):
            drop_graph(runtime)
    finally:
        runtime.close()
    assert connection.read("MATCH (x:Note) RETURN count(x) AS n") == [{"n": 1}]


def test_the_dutch_analyzer_leaves_out_exactly_our_stop_words(neo):
    """Neo4j's listAvailableAnalyzers() reports no stop words for 'dutch'; the index does drop some.
    Our list (graph/dialect.py) must be exactly those, or the backends find different services."""
    from graph.dialect import DUTCH_STOP_WORDS

    settings, connection = neo
    GraphStore(connection, settings.graph_name).init_schema()
    probes = sorted(DUTCH_STOP_WORDS) + ["hulp", "wijk", "goes", "geld", "the", "and", "dag", "deur"]
    connection.write("UNWIND range(0, size($words) - 1) AS i CREATE (:Service {id: 'p' + i, name: $words[i]})",
                     {"words": probes})
    connection.await_indexes()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:  # the full-text index is eventually consistent
        if connection.read("CALL db.index.fulltext.queryNodes('service_text', 'deur') YIELD node "
                           "RETURN count(node) AS n") == [{"n": 1}]:
            break
        time.sleep(0.2)
    unfindable = {word for word in probes if not connection.read(
        "CALL db.index.fulltext.queryNodes('service_text', $w) YIELD node RETURN node.id AS id", {"w": word})}
    assert unfindable == DUTCH_STOP_WORDS
