"""Backup and restore of the embedded store: a round trip gives back exactly what was saved.

FalkorDB only: `db backup`/`db restore` copy the embedded server's files (Neo4j has neo4j-admin).
"""
from __future__ import annotations

from click.testing import CliRunner

from graph import open_connection
from graph.backends.embedded import EmbeddedServer
from socialekaart.shared.config import Settings
from web.cli import main


def notes(data_dir) -> list[int]:
    connection = open_connection(Settings(data_dir=data_dir))
    try:
        return [row["n"] for row in connection.read("MATCH (n:Note) RETURN n.n AS n ORDER BY n")]
    finally:
        connection.close()


def test_backup_and_restore_round_trip(tmp_path):
    data_dir, backup = tmp_path / "data", tmp_path / "backups" / "sk.rdb"
    env = {"SOCIALEKAART_DATA_DIR": str(data_dir)}
    server = EmbeddedServer(data_dir)
    try:
        connection = open_connection(Settings(data_dir=data_dir))
        for number in range(10):
            connection.write("CREATE (:Note {n: $n})", {"n": number})
        result = CliRunner().invoke(main, ["db", "backup", str(backup)], env=env, catch_exceptions=False)
        assert result.exit_code == 0 and backup.stat().st_size > 0

        connection.write("MATCH (n:Note) WHERE n.n < 5 DELETE n")
        connection.write("CREATE (:Note {n: 99})")
        connection.close()
        assert notes(data_dir) == [5, 6, 7, 8, 9, 99]

        result = CliRunner().invoke(main, ["db", "restore", "--yes", str(backup)], env=env, catch_exceptions=False)
        assert result.exit_code == 0, result.output
        assert notes(data_dir) == list(range(10))
        kept = [p for p in data_dir.iterdir() if p.name.startswith("appendonlydir.voor-herstel-")]
        assert len(kept) == 1 and any(kept[0].iterdir())  # the replaced files were kept, not deleted

        # Writes after a restore are durable too.
        connection = open_connection(Settings(data_dir=data_dir))
        connection.write("CREATE (:Note {n: 10})")
        connection.close()
        server.stop()
        assert notes(data_dir) == list(range(11))
    finally:
        server.stop()


def test_restore_refuses_a_file_that_is_no_backup(tmp_path):
    bogus = tmp_path / "bogus.rdb"
    bogus.write_text("hello")
    result = CliRunner().invoke(main, ["db", "restore", "--yes", str(bogus)],
                                env={"SOCIALEKAART_DATA_DIR": str(tmp_path / "data")})
    assert result.exit_code != 0 and "geen back-up" in result.output


def test_backup_is_only_for_the_embedded_store():
    result = CliRunner().invoke(main, ["db", "backup", "/tmp/x.rdb"],
                                env={"SOCIALEKAART_GRAPH_URL": "bolt://127.0.0.1:1"})
    assert result.exit_code != 0 and "neo4j-admin" in result.output
