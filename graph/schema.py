"""The store schema, applied idempotently on both backends by ``socialekaart db init``."""
from __future__ import annotations

from graph.backends.connection import Connection
from graph.dialect import FalkorDialect, FullTextIndex, Index, Neo4jDialect, dialect_for

SCHEMA_VERSION = 1

INDEXES: tuple[Index, ...] = (
    Index("Area", "code", unique=True),
    Index("Gemeente", "code"),
    Index("Wijk", "code"),
    Index("Buurt", "code"),
    Index("Organization", "id", unique=True),
    Index("Service", "id", unique=True),
    Index("Service", "gemeente_code"),
    Index("Service", "wijk_code"),
    Index("Service", "buurt_code"),  # area search by buurt
    Index("Service", "point", point=True),
    Index("Location", "id", unique=True),
    Index("Location", "postcode"),
    Index("Location", "point", point=True),
    Index("LifeDomain", "code", unique=True),
    Index("TargetGroup", "code", unique=True),
    Index("Meta", "id", unique=True),
    # Referrals, accounts and the audit log (issue 5).
    Index("Referral", "id", unique=True),
    Index("Referral", "from_org_id"),
    Index("Referral", "to_org_id"),
    Index("Referral", "status"),
    # No index on the ISO time strings: FalkorDB's range index answers `s < $x` on strings with
    # every node (only a lower bound, or both, work). Figures scan referrals per gemeente instead.
    Index("Referral", "client_ref_hash"),
    # Network figures: per gemeente (regio scope) and by period on the epoch milliseconds.
    Index("Referral", "gemeente_code"),
    Index("Referral", "sent_ms"),
    Index("ReferralEvent", "referral_id"),
    Index("ReferralEvent", "seq"),
    Index("ReferralMessage", "referral_id"),
    Index("Account", "id", unique=True),
    Index("Account", "email", unique=True),
    Index("Token", "id", unique=True),
    Index("Token", "hash", unique=True),
    Index("Token", "account_id"),
    Index("AuditEntry", "referral_id"),
    Index("Webhook", "organization_id", unique=True),
    # Inventarisatie figures (issue 6).
    Index("Need", "id", unique=True),
    # Corrections from inwoners, read per organisation by its beheerder (issue 14).
    Index("Correction", "id", unique=True),
    Index("Correction", "organization_id"),
    # Notifications (issue 15 §5, §7): the outbox by its dedup key and what is waiting; status links.
    Index("OutboxMail", "key", unique=True),
    Index("OutboxMail", "id", unique=True),
    Index("OutboxMail", "status"),
    Index("OutboxMail", "about"),
    Index("StatusLink", "id", unique=True),
    Index("StatusLink", "hash", unique=True),
    Index("StatusLink", "referral_id"),
    # A large import is written in batches under these labels first, invisible to every read, and
    # made visible in batches after the import's decision point (graph/stores/catalog.py, "staged writes").
    Index("StagedService", "id"),
    Index("StagedService", "stage"),
    Index("Service", "pending_stage"),  # changed services of a large import, waiting for its decision point
    Index("StagedLocation", "id"),
    Index("StagedLocation", "stage"),
    Index("ImportStage", "id", unique=True),
)
# Indexes earlier versions made and nothing looks up any more: dropped by init_schema. Events and
# audit entries are only read per referral; an index on their own id cost ~70 bytes a node (0.7 GiB
# for 5 million of each).
OBSOLETE_INDEXES: tuple[Index, ...] = (
    Index("ReferralEvent", "id", unique=True),
    Index("AuditEntry", "id", unique=True),
)
SERVICE_TEXT = FullTextIndex("service_text", "Service", ("name", "description", "org_name"))
FULLTEXT_INDEXES: tuple[FullTextIndex, ...] = (SERVICE_TEXT,)


def apply_schema(connection: Connection, graph_name: str) -> list[str]:
    """Create what is missing; return the statements that were run."""
    dialect = dialect_for(connection.backend)
    if isinstance(dialect, Neo4jDialect):
        ran = _apply_neo4j(connection, dialect)
    else:
        assert isinstance(dialect, FalkorDialect)
        ran = _apply_falkordb(connection, dialect, graph_name)
    connection.write("MERGE (m:Meta {id: 'schema'}) SET m.version = $version", {"version": SCHEMA_VERSION})
    return ran


def _apply_neo4j(connection: Connection, dialect: Neo4jDialect) -> list[str]:
    connection.check_version()  # type: ignore[attr-defined]
    existing = {row["name"] for query in dialect.SCHEMA_NAMES_QUERIES for row in connection.read(query)}
    statements = [s for index in OBSOLETE_INDEXES if dialect.index_name(index) in existing
                  for s in dialect.drop_index_statements(index)]
    statements += [s for index in INDEXES if dialect.index_name(index) not in existing
                   for s in dialect.index_statements(index)]
    statements += [dialect.fulltext_statement(index) for index in FULLTEXT_INDEXES if index.name not in existing]
    for statement in statements:
        connection.write(statement)
    connection.await_indexes()  # type: ignore[attr-defined]
    return statements


def _apply_falkordb(connection: Connection, dialect: FalkorDialect, graph_name: str) -> list[str]:
    # FalkorDB raises on an index that exists, so look first.
    existing: set[tuple[str, str, str]] = set()
    connection.write("MERGE (m:Meta {id: 'schema'})")  # the graph must exist before db.indexes()
    for row in connection.read("CALL db.indexes() YIELD label, properties, types RETURN label, properties, types"):
        for prop in row["properties"]:
            for kind in row["types"].get(prop, []):
                existing.add((row["label"], prop, kind))
    constraints = {(row["label"], tuple(row["properties"]))
                   for row in connection.read("CALL db.constraints() YIELD label, properties "
                                              "RETURN label, properties")}
    ran: list[str] = []
    for index in OBSOLETE_INDEXES:
        if index.unique and (index.label, (index.prop,)) in constraints:
            connection.drop_unique_constraint(graph_name, index.label, index.prop)  # type: ignore[attr-defined]
            ran.append(f"GRAPH.CONSTRAINT DROP UNIQUE NODE {index.label} {index.prop}")
        if (index.label, index.prop, "RANGE") in existing:
            for statement in dialect.drop_index_statements(index):
                connection.write(statement)
                ran.append(statement)
    for index in INDEXES:
        if (index.label, index.prop, "RANGE") not in existing:
            for statement in dialect.index_statements(index):
                connection.write(statement)
                ran.append(statement)
        if index.unique and (index.label, (index.prop,)) not in constraints:
            connection.unique_constraint(graph_name, index.label, index.prop)  # type: ignore[attr-defined]
            ran.append(f"GRAPH.CONSTRAINT CREATE UNIQUE NODE {index.label} {index.prop}")
    for ft in FULLTEXT_INDEXES:
        if not all((ft.label, prop, "FULLTEXT") in existing for prop in ft.props):
            statement = dialect.fulltext_statement(ft)
            connection.write(statement)
            ran.append(statement)
    return ran
