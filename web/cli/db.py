"""``socialekaart db …``: the graph store's schema, status, stopping, backup, restore and copying."""
from __future__ import annotations

import json
import re
import sys
import time
from datetime import timedelta
from pathlib import Path

import click

from socialekaart.shared.config import Settings
from socialekaart.shared.errors import ConfigError
from web.bootstrap import Runtime
from web.cli.common import CliError, echo_json, guard, runtime_of, runtime_without_store


# -- db --------------------------------------------------------------------------------------------
@click.group("db")
def db() -> None:
    """De graph-database: schema, status, stoppen."""


@db.command("init")
@click.pass_context
def db_init(ctx: click.Context) -> None:
    """Maak indexen en constraints aan (veilig om vaker te draaien)."""
    runtime = runtime_of(ctx)
    ran = guard(lambda: runtime.store.init_schema())
    click.echo(f"Schema in orde op {runtime.location.describe()} ({len(ran)} onderdelen aangemaakt).")
    settled = guard(lambda: runtime.catalog.settle_imports())
    if settled["finished"] or settled["removed"]:
        click.echo(f"Gestopte grote imports: {settled['finished']} afgemaakt, {settled['removed']} opgeruimd.")


@db.command("status")
@click.option("--json", "as_json", is_flag=True, help="Als JSON.")
@click.pass_context
def db_status(ctx: click.Context, as_json: bool) -> None:
    """Laat zien of de database draait en wat erin staat."""
    runtime = runtime_without_store()  # opens nothing: status must not start a server
    info: dict = {"backend": runtime.location.backend, "store": runtime.location.describe()}
    if runtime.location.embedded:
        from graph.backends.embedded import EmbeddedServer

        status = EmbeddedServer(runtime.location.data_dir).status()
        info.update(running=status.running, pid=status.pid, socket=str(status.socket_path),
                    log=str(status.log_path), appendOnlyBytes=status.aof_bytes)
        if status.running:
            ctx.ensure_object(dict)["keep_server"] = True
            info["nodes"] = guard(lambda: runtime_of(ctx).store.counts())
    else:
        info["nodes"] = guard(lambda: runtime_of(ctx).store.counts())
        info["running"] = True
    if as_json:
        click.echo(json.dumps(info, indent=2))
        return
    for key, value in info.items():
        click.echo(f"{key}: {value}")
    if not info.get("running"):
        sys.exit(3)


@db.command("stop")
def db_stop() -> None:
    """Stop de ingebouwde FalkorDB-server van deze gegevensmap."""
    runtime = runtime_without_store()
    if not runtime.location.embedded:
        raise CliError("Alleen de ingebouwde FalkorDB kan zo gestopt worden.")
    from graph.backends.embedded import EmbeddedServer

    stopped = EmbeddedServer(runtime.location.data_dir).stop()
    click.echo("Gestopt." if stopped else "Er draaide geen server.")


def _embedded_only(runtime: Runtime, what: str) -> None:
    if not runtime.location.embedded:
        raise CliError(f"{what} werkt hier alleen voor de ingebouwde FalkorDB. Gebruik voor Neo4j "
                       "'neo4j-admin database dump' en 'neo4j-admin database load' (zie docs/operations.md).")


@db.command("backup")
@click.argument("target", type=click.Path(dir_okay=False, writable=True))
@click.pass_context
def db_backup(ctx: click.Context, target: str) -> None:
    """Maak een momentopname (back-up) van de ingebouwde database in TARGET."""
    from graph.backends.embedded import make_snapshot

    runtime = runtime_of(ctx)
    _embedded_only(runtime, "Een back-up maken")
    size = guard(lambda: make_snapshot(runtime.store.connection.server, Path(target)))
    click.echo(f"Back-up geschreven naar {target} ({size / 1_000_000:.1f} MB).")


@db.command("expire")
@click.option("--older-than", "older_than", required=True, help="Bewaartermijn: bijvoorbeeld 30d.")
@click.option("--backups", type=click.Path(exists=True, file_okay=False), help="De map met uw back-ups.")
def db_expire(older_than: str, backups: str | None) -> None:
    """Verwijder back-ups en bij herstel bewaarde databasebestanden die ouder zijn dan de termijn."""
    from graph.backends.embedded import expire_copies

    match = re.fullmatch(r"(\d{1,4})d", older_than.strip().lower())
    if not match or int(match.group(1)) < 1:
        raise CliError(f"Onbekende termijn {older_than!r}: geef een aantal dagen, bijvoorbeeld 30d.")
    runtime = runtime_without_store()
    _embedded_only(runtime, "Back-ups laten verlopen")
    removed = expire_copies(runtime.location.data_dir, Path(backups) if backups else None,
                            timedelta(days=int(match.group(1))))
    for path in removed:
        click.echo(f"Verwijderd: {path}")
    click.echo(f"{len(removed)} oude kopie(ën) verwijderd.")


@db.command("restore")
@click.argument("snapshot", type=click.Path(exists=True, dir_okay=False))
@click.option("--yes", is_flag=True, help="Niet om bevestiging vragen.")
@click.pass_context
def db_restore(ctx: click.Context, snapshot: str, yes: bool) -> None:
    """Zet een back-up terug. De huidige bestanden blijven bewaard naast de nieuwe."""
    from graph.backends.embedded import EmbeddedServer, restore_snapshot

    runtime = runtime_without_store()
    _embedded_only(runtime, "Een back-up terugzetten")
    if not yes:
        click.confirm(f"Alle gegevens in {runtime.location.data_dir} vervangen door {snapshot}?", abort=True)
    kept = guard(lambda: restore_snapshot(EmbeddedServer(runtime.location.data_dir), Path(snapshot)))
    click.echo(f"Back-up teruggezet. De vorige bestanden staan in {kept}.")




@db.command("copy")
@click.option("--from", "source_url", required=True, metavar="URL",
              help="De bron, zoals SOCIALEKAART_GRAPH_URL (leeg: de ingebouwde FalkorDB).")
@click.option("--to", "target_url", required=True, metavar="URL", help="Het doel, zoals SOCIALEKAART_GRAPH_URL.")
@click.option("--replace", is_flag=True, help="Vervang wat er in het doel staat.")
@click.option("--timeout", type=click.FloatRange(1, 3600), default=600.0, show_default=True,
              help="Seconden die één stap (lezen, de transactie naar Neo4j) mag duren.")
@click.option("--json", "as_json", is_flag=True, help="Samenvatting als JSON.")
def db_copy(source_url: str, target_url: str, replace: bool, timeout: float, as_json: bool) -> None:
    """Kopieer alles van de ene database naar de andere, controleer aantallen en checksums per label."""
    from graph.copy import copy_graph

    try:
        base = Settings.from_env().with_overrides(store_timeout_seconds=timeout)
        source = Runtime(base.with_overrides(graph_url=source_url))
        target = Runtime(base.with_overrides(graph_url=target_url))
    except ConfigError as exc:
        raise CliError(f"Instelling ongeldig: {exc.message}") from None
    if source.location.describe() == target.location.describe():
        raise CliError("Bron en doel zijn dezelfde database; er is niets gekopieerd.")
    started = time.monotonic()
    try:
        click.echo(f"Kopiëren van {source.location.describe()} naar {target.location.describe()} ...", err=True)
        result = guard(lambda: copy_graph(source.store.connection, target.store.connection, replace=replace,
                                          progress=_progress))
    finally:
        source.close(stop_server_we_started=True)
        target.close(stop_server_we_started=True)
    summary = {"source": source.location.describe(), "target": target.location.describe(), "nodeCount": result.nodes,
               "relationshipCount": result.relationships, "seconds": round(time.monotonic() - started, 1),
               "identical": True, **result.target.as_json()}
    if as_json:
        echo_json(summary)
        return
    click.echo(f"{result.nodes} knooppunten en {result.relationships} relaties gekopieerd in "
               f"{summary['seconds']} s; aantallen en checksums gelijk aan de bron:")
    for kind, tallies in (("label", result.target.labels), ("relatie", result.target.types)):
        for name, tally in sorted(tallies.items()):
            click.echo(f"  {kind:<8} {name:<22} {tally.count:>8}  {tally.checksum[:16]}")


def _progress(step: str, done: int, total: int) -> None:
    click.echo(f"  {step}: {done} van {total}", err=True)
