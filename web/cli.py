"""The ``socialekaart`` command: store housekeeping, the demo region, and serving the app."""
from __future__ import annotations

import json
import signal
import sys
import time

import click

from socialekaart.config import Settings
from socialekaart.errors import ConfigError, SocialeKaartError

from .runtime import Runtime


class CliError(click.ClickException):
    """Prints a Dutch message without a stack trace and exits non-zero."""

    def format_message(self) -> str:
        return self.message


def _runtime(ctx: click.Context) -> Runtime:
    obj = ctx.ensure_object(dict)
    if "runtime" not in obj:
        try:
            runtime = Runtime(Settings.from_env())
        except ConfigError as exc:
            raise CliError(f"Instelling ongeldig: {exc.message}") from None
        obj["runtime"] = runtime
        # A server this command started for itself stops when the command ends.
        ctx.find_root().call_on_close(lambda: runtime.close(stop_server_we_started=not obj.get("keep_server")))
    return obj["runtime"]


def _guard(action):
    try:
        return action()
    except SocialeKaartError as exc:
        raise CliError(exc.message) from None


@click.group()
@click.version_option(package_name="socialekaart")
def main() -> None:
    """socialekaart: de sociale kaart en doorverwijzingen voor het sociaal domein."""


# -- db --------------------------------------------------------------------------------------------
@main.group()
def db() -> None:
    """De graph-database: schema, status, stoppen."""


@db.command("init")
@click.pass_context
def db_init(ctx: click.Context) -> None:
    """Maak indexen en constraints aan (veilig om vaker te draaien)."""
    runtime = _runtime(ctx)
    ran = _guard(lambda: runtime.store.init_schema())
    click.echo(f"Schema in orde op {runtime.location.describe()} ({len(ran)} onderdelen aangemaakt).")


@db.command("status")
@click.option("--json", "as_json", is_flag=True, help="Als JSON.")
@click.pass_context
def db_status(ctx: click.Context, as_json: bool) -> None:
    """Laat zien of de database draait en wat erin staat."""
    try:  # no store opened yet: status must not start a server
        runtime = Runtime(Settings.from_env())
    except ConfigError as exc:
        raise CliError(exc.message) from None
    info: dict = {"backend": runtime.location.backend, "store": runtime.location.describe()}
    if runtime.location.embedded:
        from graph.embedded import EmbeddedServer

        status = EmbeddedServer(runtime.location.data_dir).status()
        info.update(running=status.running, pid=status.pid, socket=str(status.socket_path),
                    log=str(status.log_path), appendOnlyBytes=status.aof_bytes)
        if status.running:
            ctx.ensure_object(dict)["keep_server"] = True
            info["nodes"] = _guard(lambda: _runtime(ctx).store.counts())
    else:
        info["nodes"] = _guard(lambda: _runtime(ctx).store.counts())
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
    try:
        runtime = Runtime(Settings.from_env())
    except ConfigError as exc:
        raise CliError(exc.message) from None
    if not runtime.location.embedded:
        raise CliError("Alleen de ingebouwde FalkorDB kan zo gestopt worden.")
    from graph.embedded import EmbeddedServer

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
    from pathlib import Path

    from graph.embedded import make_snapshot

    runtime = _runtime(ctx)
    _embedded_only(runtime, "Een back-up maken")
    size = _guard(lambda: make_snapshot(runtime.store.connection.server, Path(target)))
    click.echo(f"Back-up geschreven naar {target} ({size / 1_000_000:.1f} MB).")


@db.command("restore")
@click.argument("snapshot", type=click.Path(exists=True, dir_okay=False))
@click.option("--yes", is_flag=True, help="Niet om bevestiging vragen.")
@click.pass_context
def db_restore(ctx: click.Context, snapshot: str, yes: bool) -> None:
    """Zet een back-up terug. De huidige bestanden blijven bewaard naast de nieuwe."""
    from pathlib import Path

    from graph.embedded import EmbeddedServer, restore_snapshot

    try:
        runtime = Runtime(Settings.from_env())
    except ConfigError as exc:
        raise CliError(exc.message) from None
    _embedded_only(runtime, "Een back-up terugzetten")
    if not yes:
        click.confirm(f"Alle gegevens in {runtime.location.data_dir} vervangen door {snapshot}?", abort=True)
    kept = _guard(lambda: restore_snapshot(EmbeddedServer(runtime.location.data_dir), Path(snapshot)))
    click.echo(f"Back-up teruggezet. De vorige bestanden staan in {kept}.")


# -- demo ------------------------------------------------------------------------------------------
@main.group()
def demo() -> None:
    """De demoregio Zeeland."""


@demo.command("load")
@click.option("--if-empty", is_flag=True, help="Alleen laden als de database leeg is.")
@click.pass_context
def demo_load(ctx: click.Context, if_empty: bool) -> None:
    """Laad de demoregio: 13 Zeeuwse gemeenten met wijken, buurten en voorzieningen."""
    load_demo(_runtime(ctx), if_empty=if_empty)


def load_demo(runtime: Runtime, *, if_empty: bool) -> bool:
    _guard(lambda: runtime.store.init_schema())
    if if_empty and not _guard(lambda: runtime.store.is_empty()):
        click.echo("De database bevat al gegevens; demoregio niet opnieuw geladen.")
        return False
    from importers.demo_region import demo_region

    started = time.monotonic()
    click.echo("Demoregio Zeeland maken ...")
    region = demo_region()
    click.echo(f"  {len(region.areas)} gebieden, {len(region.organizations)} organisaties, "
               f"{len(region.services)} voorzieningen; wegschrijven in één keer ...")
    _guard(lambda: runtime.catalog.save(areas=region.areas, organizations=region.organizations,
                                        services=region.services))
    click.echo(f"Demoregio geladen in {time.monotonic() - started:.1f} s.")
    return True


# -- serve -----------------------------------------------------------------------------------------
@main.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, envvar="HOST")
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535), envvar="PORT")
@click.option("--threads", default=8, show_default=True, type=click.IntRange(1, 64))
@click.option("--init/--no-init", default=False, help="Eerst het schema aanmaken.")
@click.option("--demo-if-empty", is_flag=True, help="Laad de demoregio als de database leeg is.")
@click.pass_context
def serve(ctx: click.Context, host: str, port: int, threads: int, init: bool, demo_if_empty: bool) -> None:
    """Start de webapplicatie met waitress (productie-WSGI-server)."""
    import waitress

    from . import create_app

    runtime = _runtime(ctx)
    if init or demo_if_empty:
        _guard(lambda: runtime.store.init_schema())
    if demo_if_empty:
        load_demo(runtime, if_empty=True)
    app = create_app({"SETTINGS": runtime.settings, "RUNTIME": runtime})
    click.echo(f"socialekaart draait op http://{host}:{port}  (database: {runtime.location.describe()})")
    # SIGTERM ends like Ctrl-C, so the close hooks run and an embedded server we started stops cleanly.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    waitress.serve(app, host=host, port=port, threads=threads, ident="socialekaart", clear_untrusted_proxy_headers=True)


if __name__ == "__main__":
    main()

from .cli_data import export_group, import_group  # noqa: E402

main.add_command(import_group)
main.add_command(export_group)

from .cli_accounts import accounts_group, referrals_group  # noqa: E402

main.add_command(accounts_group)
main.add_command(referrals_group)

from .cli_bench import bench_group  # noqa: E402

main.add_command(bench_group)
