"""``socialekaart db copy``: a whole region moves between stores, run as the user runs it (the CLI).

The source is an embedded FalkorDB with the demo region, accounts and tokens, referrals with their
events and audit entries, needs and a webhook. It goes to a real Neo4j and from there to a second
embedded FalkorDB; the checksums per label and per relationship type are the source's at every
step. A non-empty target is refused unless ``--replace``, and a copy that fails halfway leaves the
target exactly as it was, on both kinds of target (``backend``).
"""
from __future__ import annotations

import json
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner

from graph import open_connection
from graph.checksums import Checksums, checksums, read_graph
from graph.dialect import dialect_for
from socialekaart.accounts.service import demo_accounts
from socialekaart.coverage.needs import Need
from socialekaart.shared.config import Settings
from tests.referrals.referral_helpers import SECRET_KEY, FakeClock, referral_body
from web.bootstrap import ReferralRuntime, Runtime, build_coverage_service
from web.cli import main

GRAPH = "kaart"
CORE_LABELS = ("Area", "Gemeente", "Wijk", "Buurt", "Organization", "Service", "Location", "LifeDomain",
               "TargetGroup", "Meta", "Account", "Token", "Referral", "ReferralEvent", "AuditEntry", "Need",
               "Webhook")


def embedded_url(directory: Path) -> str:
    return f"falkordb+embedded://{directory}"


def settings_for(url: str) -> Settings:
    return Settings(graph_url=url, graph_name=GRAPH, secret_key=SECRET_KEY, store_timeout_seconds=120.0)


def cli(*args: str, url: str = ""):
    # A cold Neo4j on a busy machine may take longer than the default 10 s for one statement.
    env = {"SOCIALEKAART_GRAPH_NAME": GRAPH, "SOCIALEKAART_SECRET_KEY": SECRET_KEY, "SOCIALEKAART_GRAPH_URL": url,
           "SOCIALEKAART_STORE_TIMEOUT": "120"}
    return CliRunner().invoke(main, list(args), env=env)


def copy(source: str, target: str, *extra: str):
    return cli("db", "copy", "--from", source, "--to", target, "--json", *extra)


@contextmanager
def connected(url: str):
    """A connection to the store at ``url``; an embedded server it had to start is stopped again."""
    connection = open_connection(settings_for(url))
    try:
        yield connection
    finally:
        connection.close()
        if getattr(connection, "started_server", False):
            connection.server.stop()  # type: ignore[attr-defined]


def sums(url: str) -> Checksums:
    with connected(url) as connection:
        return checksums(read_graph(connection.read, dialect_for(connection.backend)))


def write(url: str, query: str, params: dict | None = None) -> None:
    with connected(url) as connection:
        connection.write(query, params or {})


SOURCE_REFERRALS: dict[str, int] = {}


def load_region(url: str) -> int:
    """The demo region (with its year of referrals) plus everything the referral side and the
    inventarisatie store; the number of referrals."""
    result = cli("demo", "load", url=url)
    assert result.exit_code == 0, result.output
    runtime = Runtime(settings_for(url))
    rr = ReferralRuntime(runtime, clock=FakeClock())
    try:
        demo_year = runtime.store.connection.read("MATCH (r:Referral) RETURN count(r) AS n")[0]["n"]
        organizations = runtime.store.connection.read(
            "MATCH (o:Organization) RETURN o.id AS id, o.name AS name, o.kind AS kind")
        made = {account.email.split("@")[0]: account for account in demo_accounts(rr.accounts, organizations)}
        swt = rr.accounts.authenticate(made["swt"].token)
        welzijn = rr.accounts.authenticate(made["welzijn"].token)
        partner = made["welzijn"].organization_id
        target = runtime.store.connection.read(
            "MATCH (s:Service {organization_id: $org}) RETURN s.id AS id, s.wijk_code AS wijk ORDER BY s.id LIMIT 1",
            {"org": partner})[0]
        for number in range(3):
            body = referral_body(service=target["id"], partner=partner, clientRef=f"SWT-2026-{number:04d}",
                                 wijkCode=target["wijk"])
            referral = rr.referrals.create(swt, body, send=True)
            rr.referrals.transition(welzijn, referral["id"], "ontvangen")
            if number:
                rr.referrals.transition(welzijn, referral["id"], "geaccepteerd")
        rr.webhooks.set(partner, "https://partner.example.nl/socialekaart")
        build_coverage_service(runtime).save_needs(
            [Need(target["wijk"], "geldzaken", "Huishoudens met problematische schulden", 120.0, 2025, "CBS")])
        return demo_year + 3
    finally:
        rr.close()
        runtime.close(stop_server_we_started=True)


@pytest.fixture(scope="module")
def source(tmp_path_factory) -> str:
    url = embedded_url(tmp_path_factory.mktemp("bron"))
    SOURCE_REFERRALS[url] = load_region(url)
    return url


@pytest.fixture(scope="module")
def source_sums(source) -> Checksums:
    found = sums(source)
    for label in CORE_LABELS:
        assert found.labels[label].count > 0, label
    assert found.labels["Referral"].count == SOURCE_REFERRALS[source] > 3 and found.labels["Webhook"].count == 1
    return found


def target_url(backend: str, stores, tmp_path: Path) -> str:
    """An empty target of the kind under test: a fresh embedded FalkorDB, or the test run's Neo4j."""
    if backend == "neo4j":
        return stores.settings("function").graph_url
    return embedded_url(tmp_path / "doel")


@pytest.mark.neo4j
def test_embedded_to_neo4j_to_embedded_keeps_every_checksum(source, source_sums, neo4j_stores, tmp_path):
    neo4j_url = neo4j_stores.settings("function").graph_url
    result = cli("db", "init", url=neo4j_url)  # only the schema: the target still counts as empty
    assert result.exit_code == 0, result.output
    result = copy(source, neo4j_url)
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["identical"] is True
    assert summary["labels"] == source_sums.as_json()["labels"]
    assert summary["relationships"] == source_sums.as_json()["relationships"]
    assert "knooppunten Service:" in result.stderr and " van " in result.stderr  # progress on stderr
    assert sums(neo4j_url) == source_sums

    back = embedded_url(tmp_path / "terug")
    result = copy(neo4j_url, back)
    assert result.exit_code == 0, result.output
    assert sums(back) == source_sums

    # The copy is a working store: db init finds its schema in place, the search finds the same.
    result = cli("db", "init", url=back)
    assert result.exit_code == 0 and "(0 onderdelen aangemaakt)" in result.output, result.output
    assert search_total(back) == search_total(source) > 0


def search_total(url: str) -> int:
    runtime = Runtime(settings_for(url))
    try:
        page = runtime.catalog.search(q="schuldhulp")
        return page.total
    finally:
        runtime.close(stop_server_we_started=True)


def test_refuses_a_non_empty_target_and_replaces_on_request(source, source_sums, backend, stores, tmp_path):
    target = target_url(backend, stores, tmp_path)
    write(target, "CREATE (:Notitie {tekst: 'van iemand anders'})-[:OVER]->(:Notitie {tekst: 'bewaren'})")
    before = sums(target)

    result = copy(source, target)
    assert result.exit_code != 0
    assert "bevat al gegevens" in result.output and "--replace" in result.output
    assert sums(target) == before

    result = copy(source, target, "--replace")
    assert result.exit_code == 0, result.output
    assert sums(target) == source_sums


def test_refuses_to_copy_a_store_onto_itself(backend, stores, tmp_path):
    store = target_url(backend, stores, tmp_path)
    write(store, "CREATE (:Notitie {tekst: 'blijft staan'})")
    before = sums(store)
    result = copy(store, store, "--replace")
    assert result.exit_code != 0 and "dezelfde database" in result.output
    assert sums(store) == before


@pytest.mark.neo4j
def test_a_failure_halfway_leaves_the_target_as_it_was(source, source_sums, backend, stores, neo4j_stores, tmp_path):
    """The target holds a region already; a --replace copy that the target refuses halfway (a value
    it cannot store, in the last node group) must leave that region exactly as it was."""
    target = target_url(backend, stores, tmp_path)
    result = copy(source, target)
    assert result.exit_code == 0, result.output
    before = sums(target)
    assert before == source_sums

    if backend == "neo4j":
        # FalkorDB stores a list of mixed types; Neo4j refuses it.
        bad = embedded_url(tmp_path / "bron_met_fout")
        assert copy(source, bad).exit_code == 0
        write(bad, "CREATE (:Zzz {waarden: [1, 'een']})")
    else:
        # Neo4j stores a text with a NUL character; FalkorDB cannot.
        bad = neo4j_stores.settings("function").graph_url
        write(bad, "UNWIND range(1, 2500) AS n CREATE (:Aaa {n: n})")
        write(bad, "CREATE (:Zzz {tekst: $tekst})", {"tekst": "voor\x00na"})
    result = copy(bad, target, "--replace")
    assert result.exit_code != 0 and "Traceback" not in result.output
    if backend == "neo4j":
        services = source_sums.labels["Service"].count
        assert f"knooppunten Service: {services} van {services}" in result.stderr, result.stderr  # under way
        assert "De database weigerde een opdracht" in result.output
    else:
        assert "knooppunten Aaa: 2500 van 2500" in result.stderr
        assert "nul-teken" in result.output
    assert sums(target) == before
    if backend == "falkordb":
        assert graphs_on(target) == [GRAPH]  # the staging graph is gone


def graphs_on(url: str) -> list[str]:
    with connected(url) as connection:
        return sorted(connection._db.list_graphs())  # type: ignore[attr-defined]
